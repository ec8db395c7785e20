//! A size range before encoding, from the real frames: a few short windows spread over the
//! range are decoded and encoded with the GIF's own settings, then scaled to its length. No
//! formula: gifski's size depends on the pictures (its author: only encoding can tell).

use crate::error::{Msg, Result};
use crate::os::process::CancelToken;
use crate::render::decode::{Decoder, Plan};
use crate::edits::{Direction, Edits};
use crate::render::encode;
use crate::render::sequence::Sequence;
use crate::source::probe::Media;
use crate::spec::GifSpec;
use crate::tools::sidecars::Sidecars;
use std::sync::Mutex;

/// Frames in one sample window, and how many windows, spread evenly from start to end.
const WINDOW_FRAMES: u64 = 10;
const WINDOWS: u64 = 5;
/// A window's first diffs cost more than the GIF's steady ones (gifski's denoiser and
/// transparency settle in over a few frames, measured): they are left out of its cost.
const SETTLING: usize = 2;
/// The range: the middle ± this base share, plus the windows' disagreement (their standard
/// error of the mean, times `SPREAD`): calibrated so 9 in 10 sizes fall inside.
const BASE_MARGIN: f64 = 0.08;
const SPREAD: f64 = 2.0;

/// The GIF should be `low..=high` bytes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SizeEstimate {
    pub low: u64,
    pub high: u64,
    pub frames: u64,
}

impl SizeEstimate {
    pub fn middle(&self) -> u64 {
        (self.low + self.high) / 2
    }
}

/// What one sample window cost: the file after its first frame, after all its frames, and
/// per frame once settled.
#[derive(Debug, Clone, Copy)]
struct Window {
    first: u64,
    total: u64,
    /// The steady cost of one more frame (bytes).
    per_frame: f64,
}

/// Estimates the GIF `spec` makes from `media` (its size and length known).
pub fn estimate(sidecars: &Sidecars, media: &Media, spec: &GifSpec, cancel: &CancelToken) -> Result<SizeEstimate> {
    spec.validate()?;
    let plan = Plan::gif(spec, media);
    // Bounce shows most frames twice; the windows sample the frames as decoded.
    let decoded = plan.frame_count();
    let frames = spec.edits.gif_frames(decoded);
    // A window's length in the source's time (speed changes how much a GIF frame covers).
    let step = spec.edits.speed / spec.fps as f64;
    if decoded <= WINDOWS * WINDOW_FRAMES {
        // Short enough to encode whole: the size is known, not estimated.
        let whole = sample(sidecars, media, &plan, spec, cancel)?;
        return Ok(SizeEstimate { low: whole.total, high: whole.total, frames });
    }
    let span = WINDOW_FRAMES as f64 * step;
    let starts: Vec<f64> = (0..WINDOWS)
        .map(|i| spec.start + (spec.length() - span) * i as f64 / (WINDOWS - 1) as f64)
        .collect();
    // The windows run side by side: each is its own ffmpeg and encoder.
    let windows: Vec<Result<Window>> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .iter()
            .map(|&at| {
                // Each window in the video's own order: bounce's way back costs what the way there does.
                let edits = Edits { direction: Direction::Forward, ..plan.edits.clone() };
                let window = Plan { start: at, length: span - step / 2.0, edits, ..plan.clone() };
                s.spawn(move || sample(sidecars, media, &window, spec, cancel))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Msg::internal("a size sample crashed").into()))).collect()
    });
    let windows = windows.into_iter().collect::<Result<Vec<_>>>()?;
    let first = windows[0].first as f64;
    let costs: Vec<f64> = windows.iter().map(|w| w.per_frame).collect();
    let k = costs.len() as f64;
    let mean = costs.iter().sum::<f64>() / k;
    let variance = costs.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
    // What the windows left unseen is all that is uncertain (a finite population's correction).
    let unseen = (1.0 - (k * WINDOW_FRAMES as f64) / frames as f64).max(0.0);
    let relative_error = if mean > 0.0 { variance.sqrt() / mean / k.sqrt() * unseen.sqrt() } else { 0.0 };
    let middle = first + (frames - 1) as f64 * mean;
    let margin = BASE_MARGIN + SPREAD * relative_error;
    let low = middle * (1.0 - margin).max(0.2);
    let high = middle * (1.0 + margin);
    Ok(SizeEstimate { low: low as u64, high: high.ceil() as u64, frames })
}

/// Decodes and encodes `plan`'s frames in memory; the file's size after the first frame and at the end.
fn sample(sidecars: &Sidecars, media: &Media, plan: &Plan, spec: &GifSpec, cancel: &CancelToken) -> Result<Window> {
    let (collector, writer) = encode::start(spec)?;
    let mut decoder = Decoder::spawn(sidecars, plan, &media.input, cancel)?;
    // The file's size after each written frame (gifski merges identical frames: fewer then).
    let sizes = Mutex::new(Vec::new());
    let fps = plan.fps as f64;
    let (fed, written) = std::thread::scope(|s| {
        let feeder = s.spawn(|| -> Result<u64> {
            let collector = collector;
            let mut sequence = Sequence::new(plan.edits.direction);
            let (mut index, mut shown) = (0usize, 0usize);
            let mut add = |frame| {
                let added = collector.add_frame_rgba(shown, frame, shown as f64 / fps).is_ok();
                shown += 1;
                added
            };
            let mut stopped = false;
            while let Some(frame) = decoder.next_frame()? {
                cancel.check()?;
                index += 1;
                stopped = !sequence.push(frame).into_iter().all(&mut add);
                if stopped {
                    break;
                }
            }
            if !stopped {
                let _ = sequence.finish().into_iter().all(&mut add);
            }
            drop(collector);
            let (status, _log) = decoder.finish();
            status?;
            Ok(index as u64)
        });
        let mut out = Vec::new();
        let on_bytes = |bytes: u64| {
            sizes.lock().unwrap_or_else(|e| e.into_inner()).push(bytes);
            true
        };
        let written = encode::write_watched(writer, &mut out, spec.quality, cancel, &|_| {}, &on_bytes).map(|_| out.len() as u64);
        (feeder.join(), written)
    });
    cancel.check()?;
    let frames = fed.unwrap_or_else(|_| Err(Msg::internal("the frame reader crashed").into()))?;
    let total = written.map_err(|e| Msg::internal(format!("sampling the GIF's size: {e}")))?;
    if frames == 0 {
        return Err(Msg::NothingToMeasure.into());
    }
    let sizes = sizes.into_inner().unwrap_or_else(|e| e.into_inner());
    let first = sizes.first().copied().unwrap_or(total);
    // Merged frames cost nothing: spread the bytes over every input frame after the settling ones.
    let settled = sizes.get(SETTLING.min(sizes.len().saturating_sub(1))).copied().unwrap_or(first);
    let counted = frames.saturating_sub(1 + SETTLING as u64).max(1);
    let per_frame = if frames > 1 + SETTLING as u64 {
        total.saturating_sub(settled) as f64 / counted as f64
    } else {
        total.saturating_sub(first) as f64 / (frames - 1).max(1) as f64
    };
    Ok(Window { first, total, per_frame })
}
