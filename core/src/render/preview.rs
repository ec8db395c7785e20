//! One still frame as a small JPEG, for the app's start/end previews and thumbnail.

use crate::edits::Edits;
use crate::render::captions::Area;
use crate::error::{Doing, Msg, Result};
use crate::render::ffmpeg;
use crate::source::probe::Media;
use crate::os::process::{CancelToken, Proc};
use crate::tools::sidecars::Sidecars;
use std::io::Read;

pub const PREVIEW_WIDTH: u32 = 320;

/// The crop box of `media`'s frame in a `width`×`height` preview of the whole frame.
fn caption_area(edits: &Edits, media: &Media, width: u32, height: u32) -> Result<Area> {
    let edits = media.edits_here(edits)?;
    let (bw, bh) = edits.region(media.width, media.height)?;
    let (x, y) = match edits.crop {
        Some(c) => (c.x, c.y),
        None => ((media.width - bw) / 2, (media.height - bh) / 2),
    };
    let (sx, sy) = (width as f64 / media.width.max(1) as f64, height as f64 / media.height.max(1) as f64);
    let scale = |v: u32, s: f64| (v as f64 * s).round() as u32;
    Ok(Area { x: scale(x, sx), y: scale(y, sy), width: scale(bw, sx).max(1), height: scale(bh, sy).max(1) })
}

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
    // The whole frame, for the window draws the crop box over it; the GIF's own size and colour
    // steps (display aspect, HDR tone mapping), and its captions where the box puts them.
    let whole = Edits { crop: None, aspect: None, ..edits.clone() };
    let look = crate::render::decode::Plan::still(at, width, &whole, media);
    let captions = match look.frame_size {
        Some((w, h)) if edits.has_captions() => {
            let area = caption_area(edits, media, w, h)?;
            crate::render::captions::prepare(edits, &sidecars.fonts, area)?
        }
        _ => None,
    };
    let overlays = captions.as_ref().map(|c| c.filters.clone()).unwrap_or_default();
    let (mut cmd, route) = ffmpeg::command(sidecars, &media.input)?;
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error"])
        .args(ffmpeg::input_args(&media.input, &route))
        .args(["-ss", &format!("{at:.3}"), "-i", &ffmpeg::input_location(&media.input, &route)])
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
        let log = ffmpeg::with_refusals(&stderr, &route);
        return Err(ffmpeg::classify(&log, Doing::ShowPreview, media.input.remote));
    }
    Ok(jpeg)
}
