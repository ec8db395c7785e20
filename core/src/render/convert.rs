//! A finished GIF as an animated WebP or a silent H.264 MP4: the very frames and delays the
//! user saw, re-encoded by the ffmpeg sidecar (no second download), written beside the target
//! and moved into place only when complete.

use crate::error::{Error, Msg, Result};
use crate::os::process::{CancelToken, Proc};
use crate::render::ffmpeg;
use crate::render::output::{self, Format, Staged};
use crate::source::input::Input;
use crate::tools::sidecars::Sidecars;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// libwebp's lossy quality: see the README's measurement (as the GIF to the eye, far smaller).
const WEBP_QUALITY: f64 = 90.0;
/// x264's constant rate factor: see the README's measurement.
const MP4_CRF: f64 = 20.0;
/// Over a size limit the WebP's quality is lowered (or the MP4's CRF raised) this many times
/// more before nothing is written; each try aims here, of the limit.
const SMALLER_TRIES: usize = 2;
const SMALLER_AIM: f64 = 0.93;

/// What the GIF's own blocks say: its size, each frame's delay and how often it plays.
#[derive(Debug, Clone, PartialEq)]
pub struct GifTiming {
    pub width: u32,
    pub height: u32,
    pub delays_cs: Vec<u16>,
    /// 0 = forever (the GIF's loop block counts repeats; this counts plays).
    pub plays: u32,
}

impl GifTiming {
    pub fn read(gif: &Path) -> Result<GifTiming> {
        let unreadable = |e: &dyn std::fmt::Display| Error::from(Msg::GifReadBack { detail: e.to_string() });
        let file = std::fs::File::open(gif).map_err(|e| unreadable(&e))?;
        let mut opts = gif::DecodeOptions::new();
        // Only the blocks: no pixel is decoded.
        opts.skip_frame_decoding(true);
        let mut dec = opts.read_info(std::io::BufReader::new(file)).map_err(|e| unreadable(&e))?;
        let mut delays_cs = Vec::new();
        while let Some(frame) = dec.read_next_frame().map_err(|e| unreadable(&e))? {
            delays_cs.push(frame.delay);
        }
        let plays = match dec.repeat() {
            gif::Repeat::Infinite => 0,
            gif::Repeat::Finite(repeats) => u32::from(repeats) + 1,
        };
        Ok(GifTiming { width: dec.width().into(), height: dec.height().into(), delays_cs, plays })
    }

    fn total_ms(&self) -> u64 {
        self.delays_cs.iter().map(|d| u64::from(*d) * 10).sum()
    }
}

/// The file written: its size in bytes and its frame size (an MP4's sides are even), and
/// what fitting it under the limit changed ("WebP quality 90 → 62").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub fitted: Option<String>,
}

/// Writes `gif` as `format` to `target`; a GIF is copied as it is. Over `limit` (the size the
/// GIF was fitted under) nothing is written.
pub fn convert(
    sidecars: &Sidecars,
    gif: &Path,
    format: Format,
    target: &Path,
    overwrite: bool,
    limit: Option<u64>,
    cancel: &CancelToken,
) -> Result<Converted> {
    let timing = GifTiming::read(gif)?;
    if format == Format::Gif {
        let bytes = output::save_copy(gif, target, overwrite)?;
        return Ok(Converted { bytes, width: timing.width, height: timing.height, fitted: None });
    }
    let (staged, mut file) = Staged::create(target, overwrite)?;
    let input = Input { location: gif.to_string_lossy().into_owned(), ..Input::default() };
    let start = match format {
        Format::Webp => WEBP_QUALITY,
        _ => MP4_CRF,
    };
    // (setting, bytes) of each try: a lossy WebP or MP4 of a dithered GIF can come out larger
    // than the GIF (the dither's noise), so over the limit it is made again, smaller.
    let mut tried: Vec<(f64, u64)> = Vec::new();
    let bytes = loop {
        let level = tried.last().map_or(start, |_| next_level(format, &tried, limit.unwrap_or(0)));
        let (mut cmd, route) = ffmpeg::command(sidecars, &input)?;
        cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
            .args(ffmpeg::input_args(&input, &route))
            // Every GIF frame once, at its own time (the demuxer's 1/100 s clock): no frame-rate grid.
            .args(["-i", &ffmpeg::input_location(&input, &route), "-map", "0:v:0", "-an", "-sn", "-dn"])
            .args(["-fps_mode", "passthrough", "-enc_time_base", "demux"])
            .args(encoder_args(format, &timing, level))
            .arg(format!("file:{}", staged.temp_path().display()));
        let proc = Proc::spawn("ffmpeg", cmd, cancel, false)?;
        let (status, stderr) = proc.finish()?;
        let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        if !status.success() || bytes == 0 {
            return Err(failure(format, &stderr, target));
        }
        tried.push((level, bytes));
        match limit {
            Some(limit) if bytes > limit => {
                if tried.len() > SMALLER_TRIES || level == last_level(format) {
                    return Err(Msg::ConvertedOver { format, bytes, limit }.into());
                }
            }
            _ => break bytes,
        }
    };
    let fitted = (tried.len() > 1).then(|| {
        let level = tried.last().map_or(start, |t| t.0);
        match format {
            Format::Webp => format!("WebP quality {start} → {level}"),
            _ => format!("MP4 CRF {start} → {level}"),
        }
    });
    if format == Format::Webp {
        fix_last_duration(&mut file, &timing).map_err(|e| Error::from_write(&e, target))?;
    }
    staged.commit(file, overwrite)?;
    let (width, height) = match format {
        Format::Mp4 => (timing.width + timing.width % 2, timing.height + timing.height % 2),
        _ => (timing.width, timing.height),
    };
    Ok(Converted { bytes, width, height, fitted })
}

/// The lowest WebP quality, the highest x264 CRF, tried to fit.
fn last_level(format: Format) -> f64 {
    if format == Format::Webp { 5.0 } else { 51.0 }
}

/// The next setting to try over `limit`: from one try, a first guess of the curve (libwebp's
/// bytes halve about every 25 quality steps, x264's every 6 CRF); from two, the line through
/// them in log bytes.
fn next_level(format: Format, tried: &[(f64, u64)], limit: u64) -> f64 {
    let goal = (limit as f64 * SMALLER_AIM).max(1.0).ln();
    let (level, bytes) = tried[tried.len() - 1];
    let slope = match tried.len() {
        1 => if format == Format::Webp { 2f64.ln() / 25.0 } else { -2f64.ln() / 6.0 },
        n => {
            let (before, was) = tried[n - 2];
            let s = ((bytes as f64).ln() - (was as f64).ln()) / (level - before);
            // Bytes must fall as the setting moves on: otherwise keep to the first guess.
            if (format == Format::Webp && s > 0.0) || (format != Format::Webp && s < 0.0) { s } else { return next_level(format, &tried[n - 1..], limit) }
        }
    };
    let step = (goal - (bytes as f64).ln()) / slope;
    let next = (level + step).round();
    match format {
        Format::Webp => next.clamp(last_level(format), level - 1.0),
        _ => next.clamp(level + 1.0, last_level(format)),
    }
}

fn encoder_args(format: Format, timing: &GifTiming, level: f64) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    match format {
        Format::Webp => {
            // Method 4 (libwebp's default): method 6 took 16–33 s for 45 frames instead of 1–1.5 s, for 3–12 % less.
            a.extend(["-c:v", "libwebp_anim", "-lossless", "0", "-quality", &level.to_string(), "-compression_level", "4"].map(String::from));
            // The muxer's default is to play once; a GIF's default is forever.
            a.extend(["-loop".to_string(), timing.plays.to_string(), "-f".into(), "webp".into()]);
        }
        Format::Mp4 | Format::Gif => {
            let (w, h) = (timing.width, timing.height);
            let (ew, eh) = (w + w % 2, h + h % 2);
            // 4:2:0 needs even sides: one more column or row, a copy of the edge, never a border.
            let mut vf = String::new();
            if (ew, eh) != (w, h) {
                vf.push_str(&format!("pad={ew}:{eh}:0:0,fillborders=right={}:bottom={}:mode=smear,", ew - w, eh - h));
            }
            // The GIF's sRGB as BT.709 video, tagged so players convert it back the same way (on
            // the frames: -color_primaries/-color_trc alone left them "unknown" in the file).
            vf.push_str("scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd+full_chroma_int,format=yuv420p,");
            vf.push_str("setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv,setsar=1");
            a.extend(["-vf".to_string(), vf]);
            a.extend(
                ["-c:v", "libx264", "-preset", "slow", "-crf", &level.to_string(), "-profile:v", "high", "-pix_fmt", "yuv420p"]
                    .map(String::from),
            );
            // The index first, so a page can start playing before the whole file is in.
            a.extend(["-movflags", "+faststart", "-f", "mp4"].map(String::from));
        }
    }
    a
}

/// ffmpeg's libwebp_anim guesses the last frame's duration from the frame rate; the GIF
/// states it, so the last ANMF chunk gets what makes the total the GIF's.
fn fix_last_duration(file: &mut std::fs::File, timing: &GifTiming) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(file, &mut bytes)?;
    let frames = webp_frames(&bytes);
    let Some((last_at, _)) = frames.last() else { return Ok(()) };
    let before: u64 = frames[..frames.len() - 1].iter().map(|(_, d)| u64::from(*d)).sum();
    let last = timing.total_ms().saturating_sub(before).clamp(1, 0xFF_FFFF) as u32;
    // ANMF: x, y (3 bytes each), width-1, height-1 (3 each), then the 3-byte duration.
    file.seek(SeekFrom::Start((*last_at + 12) as u64))?;
    file.write_all(&last.to_le_bytes()[..3])?;
    file.flush()
}

/// Each ANMF chunk of a WebP file: where its payload starts and its duration in ms.
pub fn webp_frames(bytes: &[u8]) -> Vec<(usize, u32)> {
    let mut frames = Vec::new();
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WEBP" {
        return frames;
    }
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]) as usize;
        let body = at + 8;
        if &bytes[at..at + 4] == b"ANMF" && body + 16 <= bytes.len() {
            frames.push((body, u32::from_le_bytes([bytes[body + 12], bytes[body + 13], bytes[body + 14], 0])));
        }
        at = body + size + (size & 1);
    }
    frames
}

/// ffmpeg's last words, or the write error they name.
fn failure(format: Format, stderr: &str, target: &Path) -> Error {
    let l = stderr.to_ascii_lowercase();
    let place = target.display().to_string();
    if l.contains("no space left on device") || l.contains("disk quota exceeded") {
        return Msg::DiskFull { place }.into();
    }
    if l.contains("permission denied") || l.contains("read-only file system") {
        return Msg::ReadOnly { place }.into();
    }
    let last = stderr.lines().rev().find(|x| !x.trim().is_empty()).unwrap_or("ffmpeg said nothing");
    let detail = last.rsplit_once("] ").map_or(last, |(_, m)| m).trim().to_string();
    Msg::ConvertFailed { format, detail }.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_webp_frame_durations() {
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
        webp.extend([0u8; 10]);
        for ms in [70u32, 60, 66] {
            webp.extend(b"ANMF\x11\0\0\0");
            webp.extend([0u8; 12]);
            webp.extend(&ms.to_le_bytes()[..3]);
            webp.extend([0u8; 2]);
            webp.push(0); // the odd chunk's pad byte
        }
        let durations: Vec<u32> = webp_frames(&webp).into_iter().map(|(_, d)| d).collect();
        assert_eq!(durations, vec![70, 60, 66]);
        assert!(webp_frames(b"GIF89a").is_empty());
    }

    #[test]
    fn over_the_limit_each_try_is_smaller_and_aimed_under_it() {
        // One try at twice the goal: libwebp's first guess is 25 steps down, x264's 6 CRF up.
        let goal = (100_000.0 * SMALLER_AIM) as u64;
        assert_eq!(next_level(Format::Webp, &[(90.0, 2 * goal)], 100_000), 65.0);
        assert_eq!(next_level(Format::Mp4, &[(20.0, 2 * goal)], 100_000), 26.0);
        // Two tries: the line through them (here bytes halve every 10 steps).
        assert_eq!(next_level(Format::Webp, &[(90.0, 4 * goal), (80.0, 2 * goal)], 100_000), 70.0);
        // A try that did not shrink falls back to the first guess, and never past the ends.
        assert!(next_level(Format::Webp, &[(90.0, 2 * goal), (65.0, 3 * goal)], 100_000) < 65.0);
        assert_eq!(next_level(Format::Webp, &[(10.0, 100 * goal)], 100_000), 5.0);
        assert_eq!(next_level(Format::Mp4, &[(48.0, 100 * goal)], 100_000), 51.0);
    }

    #[test]
    fn even_sides_by_copying_the_edge() {
        let timing = GifTiming { width: 193, height: 144, delays_cs: vec![7], plays: 0 };
        let vf = encoder_args(Format::Mp4, &timing, MP4_CRF).join(" ");
        assert!(vf.contains("pad=194:144:0:0,fillborders=right=1:bottom=0:mode=smear"), "{vf}");
        let even = GifTiming { width: 480, height: 270, ..timing.clone() };
        assert!(!encoder_args(Format::Mp4, &even, MP4_CRF).join(" ").contains("pad="));
        let webp = encoder_args(Format::Webp, &GifTiming { plays: 3, ..timing }, WEBP_QUALITY).join(" ");
        assert!(webp.contains("-loop 3"), "{webp}");
    }
}
