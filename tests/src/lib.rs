//! What gifgrab's tests share: where set-up put the sidecars and media, a loopback HTTP
//! server, and ways to look at a GIF as a user would (frames, size, timing, likeness).

pub mod server;
pub mod youtube;

use std::path::{Path, PathBuf};
use std::process::Command;

fn env_path(var: &str, fallback: impl FnOnce() -> PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or_else(fallback)
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// Test media from `cargo xtask setup --test`.
pub fn media_dir() -> PathBuf {
    let dir = env_path("GIFGRAB_MEDIA_DIR", || {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        home.join(".cache/gifgrab-dev/media")
    });
    assert!(dir.join("long.mp4").exists(), "no test media in {}: run `cargo xtask test`", dir.display());
    dir
}

pub fn media(name: &str) -> PathBuf {
    media_dir().join(name)
}

/// The folder holding the built app and its sidecars.
pub fn bin_dir() -> PathBuf {
    env_path("GIFGRAB_SIDECAR_DIR", || workspace().join("target/debug"))
}

pub fn app_bin() -> PathBuf {
    env_path("GIFGRAB_APP_BIN", || bin_dir().join("gifgrab"))
}

pub fn ffmpeg() -> Command {
    let mut c = Command::new(bin_dir().join("gifgrab-ffmpeg"));
    c.args(["-hide_banner", "-loglevel", "error", "-nostdin"]);
    c
}

/// The lean CLI binary, next to the app.
pub fn cli_bin() -> PathBuf {
    app_bin().with_file_name("gifgrab-cli")
}

/// The CLI with sidecars from the build folder; an error also comes as a JSON line (`reported`).
/// Each run gets an empty byte cache of its own (the cache tests share one on purpose).
pub fn gifgrab() -> Command {
    let mut c = Command::new(cli_bin());
    c.env("GIFGRAB_SIDECAR_DIR", bin_dir()).env("GIFGRAB_ERROR_JSON", "1").env("GIFGRAB_CACHE_DIR", fresh_cache_dir());
    c
}

/// A new folder name under the temp folder for one run's byte cache; earlier test processes'
/// folders are removed once they have ended.
pub fn fresh_cache_dir() -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let base = std::env::temp_dir().join("gifgrab-test-cache");
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    if n == 0 {
        for dir in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = dir.file_name().to_string_lossy().into_owned();
            let pid = name.split('-').next().unwrap_or_default();
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(dir.path());
            }
        }
    }
    base.join(format!("{}-{n}", std::process::id()))
}

/// The bytes the byte cache at `dir` holds (its block files).
pub fn cache_usage(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(entry.path()).into_iter().flatten().flatten() {
            total += file.metadata().map(|m| m.len()).unwrap_or(0);
        }
    }
    total
}

/// The error the CLI reported in `stderr` (its GIFGRAB_ERROR_JSON line): kind, code, args, message.
pub fn reported(stderr: &str) -> serde_json::Value {
    let line = stderr.lines().rev().find(|l| l.starts_with("{\"kind\":"));
    line.and_then(|l| serde_json::from_str(l).ok()).unwrap_or_else(|| panic!("no error reported: {stderr}"))
}

/// The (kind, code) the CLI reported: which error, whatever its words.
pub fn kind_and_code(stderr: &str) -> (String, String) {
    let e = reported(stderr);
    let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
    (field("kind"), field("code"))
}

/// A fresh folder removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("gifgrab-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// File names in the folder (to catch leftover temp files).
    pub fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What the GIF container says: size, frame count, total delay, loop.
#[derive(Debug, Clone, PartialEq)]
pub struct GifFacts {
    pub width: u32,
    pub height: u32,
    pub frames: usize,
    pub duration: f64,
    pub delays_cs: Vec<u16>,
}

pub fn gif_facts(path: &Path) -> GifFacts {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(std::io::BufReader::new(file)).expect("a valid GIF header");
    let (width, height) = (dec.width() as u32, dec.height() as u32);
    let mut delays_cs = Vec::new();
    while let Some(frame) = dec.read_next_frame().expect("a valid GIF frame") {
        delays_cs.push(frame.delay);
    }
    let duration = delays_cs.iter().map(|d| *d as f64).sum::<f64>() / 100.0;
    GifFacts { width, height, frames: delays_cs.len(), duration, delays_cs }
}

/// Every frame as composited RGB, decoded by ffmpeg (which applies GIF disposal).
pub fn gif_frames_rgb(path: &Path, width: u32, height: u32) -> Vec<Vec<u8>> {
    let out = ffmpeg()
        .arg("-i")
        .arg(path)
        .args(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg could not decode {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact((width * height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// The source frame on screen at `t` (the last to begin by then), exactly: a coarse input
/// seek, then every frame up to `t`, of which the last is kept.
pub fn reference_frame(source: &Path, t: f64, width: u32, height: u32) -> Vec<u8> {
    let coarse = (t - 5.0).max(0.0);
    let out = ffmpeg()
        .args(["-ss", &format!("{coarse:.3}"), "-i"])
        .arg(source)
        .args(["-vf", &format!("trim=end={:.6},scale={width}:{height}:flags=lanczos", t - coarse + 0.0005)])
        .args(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "reference frame: {}", String::from_utf8_lossy(&out.stderr));
    let size = (width * height * 3) as usize;
    assert!(out.stdout.len() >= size && out.stdout.len() % size == 0, "reference frame size");
    out.stdout[out.stdout.len() - size..].to_vec()
}

/// Every frame of a range at `fps`: the first frame from `start` on, then the frame on screen
/// at each step (a coarse input seek, then a trim in the filters, unlike gifgrab's exact seek).
pub fn reference_frames(source: &Path, start: f64, length: f64, fps: f64, width: u32, height: u32) -> Vec<Vec<u8>> {
    let coarse = (start - 5.0).max(0.0);
    let (from, to) = (start - coarse, start - coarse + length);
    let vf = format!("trim=start={from:.6}:end={to:.6},fps={fps}:start_time={from:.6}:round=up,scale={width}:{height}:flags=lanczos");
    let out = ffmpeg()
        .args(["-ss", &format!("{coarse:.3}"), "-i"])
        .arg(source)
        // Frames as filtered: a constant-rate muxer would pad the trimmed start with copies.
        .args(["-vf", &vf, "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "reference frames: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact((width * height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// SSIMULACRA 2 of one RGB frame against its reference (100 identical, ~90 visually lossless,
/// ~70 high): a perceptual metric that sees colour and dithering, unlike luma SSIM.
pub fn ssimulacra2_score(reference: &[u8], frame: &[u8], width: u32, height: u32) -> f64 {
    let linear = |rgb: &[u8]| {
        let data: Vec<[f32; 3]> = rgb.chunks_exact(3).map(|p| [p[0] as f32 / 255.0, p[1] as f32 / 255.0, p[2] as f32 / 255.0]).collect();
        ssimulacra2::Rgb::new(data, width as usize, height as usize, ssimulacra2::TransferCharacteristic::SRGB, ssimulacra2::ColorPrimaries::BT709)
            .expect("an image")
    };
    ssimulacra2::compute_frame_ssimulacra2(linear(reference), linear(frame)).expect("a score")
}

/// Mean SSIM of luma over 8×8 windows (1.0 = identical).
pub fn ssim(a: &[u8], b: &[u8], width: u32, height: u32) -> f64 {
    let luma = |p: &[u8]| -> Vec<f64> {
        p.chunks_exact(3).map(|c| 0.299 * c[0] as f64 + 0.587 * c[1] as f64 + 0.114 * c[2] as f64).collect()
    };
    let (la, lb) = (luma(a), luma(b));
    let (w, h) = (width as usize, height as usize);
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    let (mut sum, mut n) = (0.0, 0usize);
    for by in (0..h.saturating_sub(7)).step_by(4) {
        for bx in (0..w.saturating_sub(7)).step_by(4) {
            let (mut ma, mut mb, mut va, mut vb, mut cov) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for y in by..by + 8 {
                for x in bx..bx + 8 {
                    ma += la[y * w + x];
                    mb += lb[y * w + x];
                }
            }
            ma /= 64.0;
            mb /= 64.0;
            for y in by..by + 8 {
                for x in bx..bx + 8 {
                    let (da, db) = (la[y * w + x] - ma, lb[y * w + x] - mb);
                    va += da * da;
                    vb += db * db;
                    cov += da * db;
                }
            }
            let (va, vb, cov) = (va / 63.0, vb / 63.0, cov / 63.0);
            sum += ((2.0 * ma * mb + c1) * (2.0 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
            n += 1;
        }
    }
    sum / n.max(1) as f64
}

/// Processes whose command line mentions `token` (children a job should have ended).
pub fn processes_mentioning(token: &str) -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.chars().all(|c| c.is_ascii_digit()) || name == me {
            continue;
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let text = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // A zombie has an empty command line; a live child still names its input.
        if text.contains(token) {
            found.push(format!("{name}: {text}"));
        }
    }
    found
}

/// Resident memory of one process, in bytes (0 once it is gone).
pub fn rss_of(pid: u32) -> u64 {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
}

/// Resident memory of the processes whose command line mentions `token`, in bytes.
pub fn rss_mentioning(token: &str) -> u64 {
    processes_mentioning(token)
        .iter()
        .filter_map(|line| line.split(':').next()?.parse::<u32>().ok())
        .map(rss_of)
        .sum()
}

/// Waits up to `secs` for `check` to hold.
pub fn eventually(secs: f64, mut check: impl FnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs_f64(secs);
    loop {
        if check() {
            return true;
        }
        if std::time::Instant::now() > until {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Resident memory of a process and all its descendants, in bytes.
pub fn tree_rss(root: u32) -> u64 {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some(after) = stat.rsplit_once(") ").map(|(_, a)| a.to_string()) else { continue };
        let fields: Vec<&str> = after.split_whitespace().collect();
        let (Some(ppid), Some(rss)) = (fields.get(1).and_then(|p| p.parse::<u32>().ok()), fields.get(21).and_then(|r| r.parse::<u64>().ok())) else { continue };
        parent_of.push((pid, ppid, rss * 4096));
    }
    let mut tree = vec![root];
    let mut grew = true;
    while grew {
        grew = false;
        for (pid, ppid, _) in &parent_of {
            if tree.contains(ppid) && !tree.contains(pid) {
                tree.push(*pid);
                grew = true;
            }
        }
    }
    parent_of.iter().filter(|(pid, _, _)| tree.contains(pid)).map(|(_, _, rss)| rss).sum()
}

/// An HLS playlist of one 6 s segment at `uri` (hostile ones point it elsewhere).
pub fn one_segment_playlist(uri: &str) -> String {
    format!("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\n{uri}\n#EXT-X-ENDLIST\n")
}

/// Ctrl-C for a child process: SIGINT, as a terminal sends it.
pub fn interrupt(child: &std::process::Child) {
    // Safety: kill(2) on a pid we spawned and still hold (not yet reaped).
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
}

/// What an animated WebP's RIFF chunks say: canvas size, loop count (0 = forever), each frame's ms.
#[derive(Debug, Clone, PartialEq)]
pub struct WebpFacts {
    pub width: u32,
    pub height: u32,
    pub loops: u16,
    pub durations_ms: Vec<u32>,
}

pub fn webp_facts(path: &Path) -> WebpFacts {
    let d = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    assert!(d.len() > 30 && &d[..4] == b"RIFF" && &d[8..12] == b"WEBP", "{} is no WebP", path.display());
    assert_eq!(u32::from_le_bytes(d[4..8].try_into().unwrap()) as usize + 8, d.len(), "the RIFF size is the file's");
    let le24 = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], 0]);
    let (mut at, mut facts) = (12, WebpFacts { width: 0, height: 0, loops: u16::MAX, durations_ms: Vec::new() });
    while at + 8 <= d.len() {
        let size = u32::from_le_bytes(d[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = &d[at + 8..(at + 8 + size).min(d.len())];
        match &d[at..at + 4] {
            b"VP8X" => (facts.width, facts.height) = (le24(&body[4..7]) + 1, le24(&body[7..10]) + 1),
            b"ANIM" => facts.loops = u16::from_le_bytes([body[4], body[5]]),
            b"ANMF" => facts.durations_ms.push(le24(&body[12..15])),
            _ => {}
        }
        at += 8 + size + (size & 1);
    }
    facts
}

/// Each frame's start and length in seconds, and the frame size, as ffmpeg decodes the file.
pub fn video_frame_times(path: &Path) -> (Vec<(f64, f64)>, (u32, u32)) {
    let out = Command::new(bin_dir().join("gifgrab-ffmpeg"))
        .args(["-hide_banner", "-nostdin", "-i"])
        .arg(path)
        .args(["-vf", "showinfo", "-fps_mode", "passthrough", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ffmpeg could not decode {}: {log}", path.display());
    let field = |line: &str, key: &str| line.split(key).nth(1).and_then(|r| r.split_whitespace().next()).map(str::to_string);
    let mut times = Vec::new();
    let mut size = (0, 0);
    for line in log.lines().filter(|l| l.contains("Parsed_showinfo") && l.contains(" pts_time:")) {
        let num = |key| field(line, key).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
        times.push((num("pts_time:"), num("duration_time:")));
        if let Some((w, h)) = field(line, " s:").and_then(|s| s.split_once('x').map(|(w, h)| (w.parse().unwrap_or(0), h.parse().unwrap_or(0)))) {
            size = (w, h);
        }
    }
    (times, size)
}

/// Every decoded frame of any animation or video as RGB, its top-left `width`×`height` only
/// (an MP4's padding column left out).
pub fn frames_rgb(path: &Path, width: u32, height: u32) -> Vec<Vec<u8>> {
    let out = ffmpeg()
        .arg("-i")
        .arg(path)
        .args(["-vf", &format!("format=rgb24,crop={width}:{height}:0:0"), "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "ffmpeg could not decode {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact((width * height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// Peak signal-to-noise ratio over all three channels, in dB (colour shifts show here, not in SSIM).
pub fn psnr_rgb(a: &[u8], b: &[u8]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum::<f64>() / a.len().max(1) as f64;
    if mse == 0.0 { 99.0 } else { 10.0 * (255.0f64 * 255.0 / mse).log10() }
}

/// The top-level boxes of an MP4 file, in order (`ftyp`, `moov`, `mdat` …).
pub fn mp4_boxes(path: &Path) -> Vec<String> {
    let d = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let (mut at, mut boxes) = (0usize, Vec::new());
    while at + 8 <= d.len() {
        let mut size = u32::from_be_bytes(d[at..at + 4].try_into().unwrap()) as u64;
        if size == 1 && at + 16 <= d.len() {
            size = u64::from_be_bytes(d[at + 8..at + 16].try_into().unwrap());
        }
        boxes.push(String::from_utf8_lossy(&d[at + 4..at + 8]).into_owned());
        if size < 8 {
            break;
        }
        at += size as usize;
    }
    boxes
}
