//! The timeline's thumbnails across a stretch of the video: the site's storyboard sheets when
//! it lists them, else keyframes read with range requests (through the byte cache), coarse to
//! fine so that whatever the budget allows still covers the whole stretch evenly.

use crate::edits::Edits;
use crate::error::{Doing, Msg, Result};
use crate::os::process::{CancelToken, Proc};
use crate::render::ffmpeg;
use crate::source::probe::Media;
use crate::source::storyboard::Storyboard;
use crate::tools::sidecars::Sidecars;
use std::io::Read;
use std::time::Duration;

/// What one timeline may fetch from the network, stated to the user: 3 MB.
pub const BUDGET_BYTES: u64 = 3 * 1024 * 1024;
/// A keyframe thumbnail's width (the strip shows them smaller, the hover picture at this size).
pub const THUMB_WIDTH: u32 = 160;
/// At most this many places are asked for in one stretch.
pub const MAX_COUNT: u32 = 120;
/// A storyboard sheet larger than this is not a storyboard sheet.
const MAX_SHEET_BYTES: u64 = 2 * 1024 * 1024;

/// The stretch of the video to cover, and how many evenly spaced places in it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct Window {
    pub from: f64,
    pub to: f64,
    pub count: u32,
}

/// One picture with a grid of `columns`×`rows` tiles (1×1 for a keyframe), and the time each
/// tile it offers shows.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sheet {
    #[serde(skip)]
    pub image: Vec<u8>,
    pub mime: &'static str,
    pub columns: u32,
    pub rows: u32,
    pub tiles: Vec<Tile>,
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Tile {
    pub at: f64,
    pub column: u32,
    pub row: u32,
}

/// Where the thumbnails came from and what they cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub from: From,
    pub fetched: u64,
    pub budget: u64,
    pub tiles: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum From {
    Storyboard,
    Keyframes,
    /// A server that answers no ranges: thumbnails would cost the whole file.
    None,
}

/// Sends `window`'s thumbnails to `on_sheet` as they arrive.
pub fn thumbnails(sidecars: &Sidecars, media: &Media, window: Window, cancel: &CancelToken, on_sheet: &mut dyn FnMut(Sheet)) -> Result<Summary> {
    let window = checked(window, media.duration)?;
    match &media.storyboard {
        Some(board) => from_storyboard(board, media, window, cancel, on_sheet),
        None => from_keyframes(sidecars, media, window, cancel, on_sheet),
    }
}

fn checked(w: Window, duration: Option<f64>) -> Result<Window> {
    let end = duration.unwrap_or(f64::INFINITY);
    if !(w.from.is_finite() && w.to.is_finite()) || w.from < 0.0 || w.to <= w.from || w.count == 0 || w.count > MAX_COUNT {
        return Err(Msg::internal("a timeline stretch out of bounds").into());
    }
    Ok(Window { from: w.from.min(end), to: w.to.min(end), count: w.count })
}

/// The places' times, coarse to fine: the middle first, then the quarters, and so on.
pub fn places(w: Window) -> Vec<f64> {
    let n = w.count as usize;
    let step = (w.to - w.from) / n as f64;
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stride = n.next_power_of_two();
    while stride >= 1 {
        for i in (stride / 2..n).step_by(stride.max(1)) {
            if !seen[i] {
                seen[i] = true;
                order.push(i);
            }
        }
        if stride == 1 {
            break;
        }
        stride /= 2;
    }
    order.iter().map(|i| w.from + (*i as f64 + 0.5) * step).collect()
}

fn from_storyboard(board: &Storyboard, media: &Media, w: Window, cancel: &CancelToken, on_sheet: &mut dyn FnMut(Sheet)) -> Result<Summary> {
    let end = media.duration.unwrap_or(f64::INFINITY);
    let mut wanted: Vec<usize> = Vec::new();
    for at in places(w) {
        let (sheet, _) = board.tile_at(at);
        if !wanted.contains(&sheet) {
            wanted.push(sheet);
        }
    }
    let origin = if media.input.origin.is_empty() { board.sheets[0].clone() } else { media.input.origin.clone() };
    let guard = crate::source::guard::Guard::start(&origin).map_err(|e| Msg::internal(format!("starting the network guard: {e}")))?;
    let agent = agent(&guard.proxy_url())?;
    let (mut tiles, mut fetched) = (0, 0u64);
    for sheet in wanted {
        cancel.check()?;
        if fetched >= BUDGET_BYTES {
            break;
        }
        let Some(image) = get(&agent, &board.sheets[sheet], &board.headers) else { continue };
        fetched += image.len() as u64;
        let Some(mime) = image_type(&image) else { continue };
        let shown: Vec<Tile> = (0..board.tiles_per_sheet())
            .map(|t| (t, board.time_of(sheet, t)))
            .filter(|(_, at)| *at < end && *at >= w.from - board.interval && *at <= w.to + board.interval)
            .map(|(t, at)| Tile { at, column: t % board.columns, row: t / board.columns })
            .collect();
        tiles += shown.len();
        on_sheet(Sheet { image, mime, columns: board.columns, rows: board.rows, tiles: shown });
    }
    Ok(Summary { from: From::Storyboard, fetched, budget: BUDGET_BYTES, tiles })
}

fn agent(proxy: &str) -> Result<ureq::Agent> {
    let proxy = ureq::Proxy::new(proxy).map_err(|e| Msg::internal(format!("the guard's proxy: {e}")))?;
    Ok(ureq::Agent::config_builder()
        .proxy(Some(proxy))
        .http_status_as_error(false)
        .max_redirects(4)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into())
}

/// One sheet's bytes; None for any failure (the timeline does without that sheet).
fn get(agent: &ureq::Agent, url: &str, headers: &[(String, String)]) -> Option<Vec<u8>> {
    let mut request = ureq::http::Request::builder().method("GET").uri(url);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = agent.run(request.body(()).ok()?).ok()?;
    if response.status() != 200 {
        return None;
    }
    let mut bytes = Vec::new();
    response.into_body().into_reader().take(MAX_SHEET_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_SHEET_BYTES).then_some(bytes)
}

/// The picture formats a webview shows, by their first bytes.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

fn from_keyframes(sidecars: &Sidecars, media: &Media, w: Window, cancel: &CancelToken, on_sheet: &mut dyn FnMut(Sheet)) -> Result<Summary> {
    let remote = media.input.remote;
    if remote && media.input.plain_requests {
        return Ok(Summary { from: From::None, fetched: 0, budget: BUDGET_BYTES, tiles: 0 });
    }
    crate::source::wait::until_available(&media.input, cancel, &|_| {})?;
    let (mut fetched, mut shown, mut failed) = (0u64, Vec::<f64>::new(), None);
    for at in places(w) {
        cancel.check()?;
        if remote && fetched >= BUDGET_BYTES {
            break;
        }
        match keyframe(sidecars, media, at, cancel) {
            Ok((image, actual, cost)) => {
                fetched += cost;
                // Places within one keyframe's reach share it.
                if shown.iter().any(|t| (t - actual).abs() < 1e-3) {
                    continue;
                }
                shown.push(actual);
                on_sheet(Sheet { image, mime: "image/jpeg", columns: 1, rows: 1, tiles: vec![Tile { at: actual, column: 0, row: 0 }] });
            }
            Err(e) if e.kind() == "cancelled" => return Err(e),
            // One place that fails (a damaged stretch) leaves a gap; all failing says why.
            Err(e) => failed = Some(e),
        }
    }
    match failed {
        Some(e) if shown.is_empty() => Err(e),
        _ => Ok(Summary { from: From::Keyframes, fetched, budget: BUDGET_BYTES, tiles: shown.len() }),
    }
}

/// The keyframe at or before `at`: its JPEG, its own time, and the bytes fetched for it.
fn keyframe(sidecars: &Sidecars, media: &Media, at: f64, cancel: &CancelToken) -> Result<(Vec<u8>, f64, u64)> {
    let look = crate::render::decode::Plan::still(at, THUMB_WIDTH.min(media.width.max(2)), &Edits::default(), media);
    let (mut cmd, route) = ffmpeg::command(sidecars, &media.input)?;
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "info"])
        .args(ffmpeg::input_args(&media.input, &route));
    if media.input.remote && !media.input.plain_requests {
        // A keyframe is a few blocks: ask for those, not the megabyte a GIF's read-ahead wants.
        cmd.args(["-initial_request_size", "131072", "-request_size", "131072"]);
    }
    // Only the keyframe is decoded, and only its GOP's first bytes are read.
    // One decoding thread: frame threads hold the first picture back until more are read.
    cmd.args(["-threads", "1", "-noaccurate_seek", "-ss", &format!("{at:.3}")])
        .args(["-i", &ffmpeg::input_location(&media.input, &route)])
        .args(["-map", "0:V:0", "-frames:v", "1", "-an", "-sn", "-dn"])
        .args(["-vf", &format!("{},showinfo", crate::render::filters::still(&look, &[]))])
        // The frame as decoded: a constant-rate output would drop it for its time before the
        // place asked for, and send the next keyframe under this one's time.
        .args(["-fps_mode", "passthrough", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "5", "pipe:1"]);
    let mut proc = Proc::spawn("ffmpeg", cmd, cancel, true)?;
    let mut jpeg = Vec::new();
    if let Some(mut out) = proc.stdout() {
        let _ = out.read_to_end(&mut jpeg);
    }
    let (status, stderr) = proc.finish()?;
    let cost = route.guard().map(|g| g.received()).unwrap_or(0);
    if !status.success() || jpeg.is_empty() {
        return Err(ffmpeg::classify(&ffmpeg::with_refusals(&stderr, &route), Doing::ShowPreview, media.input.remote));
    }
    // The frame's time after the seek, relative to the place asked for.
    let offset = shown_time(&stderr).unwrap_or(0.0);
    Ok((jpeg, (at + offset).max(0.0), cost))
}

/// `pts_time:` of showinfo's first frame line.
fn shown_time(stderr: &str) -> Option<f64> {
    let line = stderr.lines().find(|l| l.contains("Parsed_showinfo") && l.contains("pts_time:"))?;
    let rest = &line[line.find("pts_time:")? + "pts_time:".len()..];
    rest.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_go_coarse_to_fine_and_cover_the_stretch_once() {
        let at = places(Window { from: 0.0, to: 80.0, count: 8 });
        assert_eq!(at.len(), 8);
        assert_eq!(at[0], 45.0, "the middle first");
        let mut sorted = at.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(sorted, vec![5.0, 15.0, 25.0, 35.0, 45.0, 55.0, 65.0, 75.0]);
        // Any prefix spreads out: the first four are in four different quarters.
        let quarters: std::collections::BTreeSet<u32> = at[..4].iter().map(|t| (*t / 20.0) as u32).collect();
        assert_eq!(quarters.len(), 4, "{at:?}");
        assert_eq!(places(Window { from: 10.0, to: 13.0, count: 3 }).len(), 3);
    }

    #[test]
    fn reads_showinfos_time_and_knows_pictures() {
        let log = "[Parsed_showinfo_5 @ 0x1] n:   0 pts:-45056 pts_time:-1.466667 duration:512\n";
        assert_eq!(shown_time(log), Some(-1.466667));
        assert_eq!(image_type(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(image_type(b"<html>"), None);
    }

    #[test]
    fn bad_stretches_are_refused() {
        let bad = [Window { from: 5.0, to: 5.0, count: 4 }, Window { from: -1.0, to: 5.0, count: 4 }, Window { from: 0.0, to: f64::NAN, count: 4 }, Window { from: 0.0, to: 5.0, count: 0 }, Window { from: 0.0, to: 5.0, count: 1000 }];
        for w in bad {
            assert!(checked(w, Some(60.0)).is_err(), "{w:?}");
        }
        assert_eq!(checked(Window { from: 0.0, to: 90.0, count: 4 }, Some(60.0)).unwrap().to, 60.0);
    }
}
