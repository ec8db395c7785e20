//! One still frame as a small JPEG, for the app's start/end previews and thumbnail.

use crate::edits::Edits;
use crate::error::{Doing, Msg, Result};
use crate::render::ffmpeg;
use crate::source::probe::Media;
use crate::os::process::{CancelToken, Proc};
use crate::tools::sidecars::Sidecars;
use std::io::Read;

pub const PREVIEW_WIDTH: u32 = 320;

/// The frame at `at` with `edits` applied (crop, captions), as the GIF will show it.
pub fn frame_jpeg(sidecars: &Sidecars, media: &Media, at: f64, edits: &Edits, cancel: &CancelToken) -> Result<Vec<u8>> {
    if !at.is_finite() || at < 0.0 {
        return Err(Msg::PreviewTimeNegative.into());
    }
    // The very last instant often has no frame: step back a little.
    let at = match media.duration {
        Some(d) if at > d - 0.05 => (d - 0.05).max(0.0),
        _ => at,
    };
    crate::source::wait::until_available(&media.input, cancel, &|_| {})?;
    let width = PREVIEW_WIDTH.min(media.width.max(2));
    // The GIF's own crop, size and colour steps (display aspect, HDR tone mapping) and captions.
    let look = crate::render::decode::Plan::still(at, width, edits, media);
    let captions = crate::render::decode::prepare_captions(sidecars, &look)?;
    let overlays = captions.as_ref().map(|c| c.filters.clone()).unwrap_or_default();
    let (mut cmd, guard) = ffmpeg::command(sidecars, &media.input)?;
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error"])
        .args(ffmpeg::input_args(&media.input, guard.as_ref()))
        .args(["-ss", &format!("{at:.3}"), "-i", &ffmpeg::input_location(&media.input)])
        .args(["-map", "0:V:0", "-frames:v", "1", "-an", "-sn"])
        .args(["-vf", &crate::render::filters::still(&look, &overlays)])
        .args(["-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "4", "pipe:1"]);
    let mut proc = Proc::spawn("ffmpeg", cmd, cancel, true)?;
    let mut jpeg = Vec::new();
    if let Some(mut out) = proc.stdout() {
        let _ = out.read_to_end(&mut jpeg);
    }
    let (status, stderr) = proc.finish()?;
    if !status.success() || jpeg.is_empty() {
        let log = ffmpeg::with_refusals(&stderr, guard.as_ref());
        return Err(ffmpeg::classify(&log, Doing::ShowPreview, media.input.remote));
    }
    Ok(jpeg)
}
