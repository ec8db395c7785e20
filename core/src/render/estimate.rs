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

/// Frames in one sample window, and how many windows first (placed by [`place`]).
const WINDOW_FRAMES: u64 = 12;
const WINDOWS: u64 = 5;
/// A window's first diffs cost more than the GIF's steady ones (gifski's denoiser and
/// transparency settle in over a few frames), and so does its last (the denoiser has nothing
/// to look ahead to): both are left out of its cost (measured on the test video: frames 2-4
/// cost 1.2-1.3 times the steady ones, the last 1.2 times; on a screen recording the last 3 times).
const SETTLING: u64 = 3;
const TAIL: u64 = 1;
/// The range: the middle ± this base share, plus the windows' disagreement (their standard
/// error of the mean, times `SPREAD`): calibrated so 9 in 10 sizes fall inside.
const BASE_MARGIN: f64 = 0.08;
const SPREAD: f64 = 2.0;
/// Windows this far apart (standard error over mean) call for a closer look: more windows
/// between them, or, for a short range, the whole of it.
const UNSURE: f64 = 0.25;
const SECOND_ROUND: u64 = 8;
const WHOLE_WHEN_UNSURE: u64 = 150;
/// A second round needs room between the first windows.
const SECOND_ROUND_FROM: u64 = 200;

/// The GIF should be `low..=high` bytes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SizeEstimate {
    pub low: u64,
    pub high: u64,
    pub frames: u64,
    /// The likeliest size (the range is lopsided where it is clamped at its low end).
    #[serde(skip)]
    middle: u64,
    /// How the bytes build up along the range: the first frame, then each window's steady cost
    /// per frame at its place (a share of the range, 0 to 1), in order.
    #[serde(skip)]
    profile: Profile,
    /// Under a size limit no setting can meet: why, and what would fit (said before making).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cannot_fit: Option<crate::error::Error>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Profile {
    first: f64,
    costs: Vec<(f64, f64)>,
}

impl SizeEstimate {
    /// A size known exactly (the whole range was encoded).
    fn exact(bytes: u64, frames: u64) -> SizeEstimate {
        SizeEstimate { low: bytes, high: bytes, frames, middle: bytes, profile: Profile::default(), cannot_fit: None }
    }

    pub fn middle(&self) -> u64 {
        self.middle
    }

    /// The share of the GIF's bytes its first `done` frames should hold, from where the windows
    /// saw the picture change more or less (a fade to black costs little at its end); `None`
    /// where the windows do not say (an exact size).
    pub fn share_through(&self, done: u64) -> Option<f64> {
        let Profile { first, costs } = &self.profile;
        if costs.is_empty() || self.frames < 2 {
            return None;
        }
        // A window's cost holds around its place, blended linearly to the next one's.
        let cost_at = |x: f64| {
            let after = costs.iter().position(|c| c.0 >= x).unwrap_or(costs.len() - 1);
            if after == 0 || costs[after].0 < x {
                return costs[after].1;
            }
            let (a, b) = (costs[after - 1], costs[after]);
            a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0).max(1e-9)
        };
        let last = (self.frames - 1) as f64;
        let through = |n: u64| first + (1..n.min(self.frames)).map(|k| cost_at(k as f64 / last)).sum::<f64>();
        let whole = through(self.frames);
        (whole > 0.0).then(|| (through(done) / whole).clamp(0.0, 1.0))
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
        return Ok(SizeEstimate::exact(whole.total, frames));
    }
    let span = WINDOW_FRAMES as f64 * step;
    // Windows at these shares of the range (0 the start, 1 the last window's start).
    let spread = |shares: &[f64]| -> Result<Vec<Window>> {
        let starts: Vec<f64> = shares.iter().map(|f| spec.start + (spec.length() - span) * f).collect();
        sample_windows(sidecars, media, &plan, spec, &starts, span - step / 2.0, cancel)
    };
    let first_round: Vec<f64> = (0..WINDOWS).map(place).collect();
    let mut windows = spread(&first_round)?;
    let mut shares = first_round;
    // Windows that disagree (a slideshow's rare changes, cuts) leave the mean unsure: look again
    // between them, or encode a short range whole.
    if mean_and_spread(&windows).1 > UNSURE {
        if decoded <= WHOLE_WHEN_UNSURE {
            let whole = sample(sidecars, media, &plan, spec, cancel)?;
            return Ok(SizeEstimate::exact(whole.total, frames));
        }
        if decoded >= SECOND_ROUND_FROM {
            let between: Vec<f64> = (WINDOWS..WINDOWS + SECOND_ROUND).map(place).collect();
            windows.extend(spread(&between)?);
            shares.extend(between);
        }
    }
    let first = windows[0].first as f64;
    // Each window's middle, as a share of the range.
    let places: Vec<f64> = shares.iter().map(|f| ((spec.length() - span) * f + span / 2.0) / spec.length()).collect();
    let (mean, spread) = mean_and_spread(&windows);
    // What the windows left unseen is all that is uncertain (a finite population's correction).
    let unseen = (1.0 - (windows.len() as f64 * WINDOW_FRAMES as f64) / frames as f64).max(0.0);
    let relative_error = spread * unseen.sqrt();
    let middle = first + (frames - 1) as f64 * mean;
    let margin = BASE_MARGIN + SPREAD * relative_error;
    let low = middle * (1.0 - margin).max(0.2);
    let high = middle * (1.0 + margin);
    let mut costs: Vec<(f64, f64)> = places.iter().zip(&windows).map(|(&at, w)| (at, w.per_frame)).collect();
    costs.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(SizeEstimate { low: low as u64, high: high.ceil() as u64, frames, middle: middle.round() as u64, profile: Profile { first, costs }, cannot_fit: None })
}

/// Where the `i`th window starts, as a share of the range: the golden ratio's sequence spreads
/// any number of windows evenly yet at no fixed spacing, so a picture that repeats (a loop, a
/// pendulum) cannot put every window in its calm part (even spacing did: 30 % low).
fn place(i: u64) -> f64 {
    const STEP: f64 = 0.618_033_988_749_895;
    (i as f64 * STEP).fract()
}

/// Each window its own ffmpeg and encoder, side by side.
fn sample_windows(sidecars: &Sidecars, media: &Media, plan: &Plan, spec: &GifSpec, starts: &[f64], length: f64, cancel: &CancelToken) -> Result<Vec<Window>> {
    let windows: Vec<Result<Window>> = std::thread::scope(|s| {
        let handles: Vec<_> = starts
            .iter()
            .map(|&at| {
                // Each window in the video's own order: bounce's way back costs what the way there does.
                let edits = Edits { direction: Direction::Forward, ..plan.edits.clone() };
                let window = Plan { start: at, length, edits, ..plan.clone() };
                s.spawn(move || sample(sidecars, media, &window, spec, cancel))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Msg::internal("a size sample crashed").into()))).collect()
    });
    windows.into_iter().collect()
}

/// The windows' mean cost a frame, and the standard error of that mean relative to it.
fn mean_and_spread(windows: &[Window]) -> (f64, f64) {
    let k = windows.len() as f64;
    let mean = windows.iter().map(|w| w.per_frame).sum::<f64>() / k;
    let variance = windows.iter().map(|w| (w.per_frame - mean).powi(2)).sum::<f64>() / (k - 1.0).max(1.0);
    (mean, if mean > 0.0 { variance.sqrt() / mean / k.sqrt() } else { 0.0 })
}

/// Decodes and encodes `plan`'s frames in memory; the file's size after the first frame and at the end.
fn sample(sidecars: &Sidecars, media: &Media, plan: &Plan, spec: &GifSpec, cancel: &CancelToken) -> Result<Window> {
    let (collector, writer) = encode::start(spec)?;
    let mut decoder = Decoder::spawn(sidecars, plan, &media.input, cancel)?;
    // The file's size after each written frame, and how many input frames it covers by then
    // (gifski merges a run of identical frames into its last one).
    let sizes: Mutex<Vec<(u64, u64)>> = Mutex::new(Vec::new());
    let fps = plan.fps as f64;
    let (fed, written) = std::thread::scope(|s| {
        let feeder = s.spawn(|| -> Result<u64> {
            let collector = collector;
            let mut sequence = Sequence::new(plan.edits.direction);
            let (mut index, mut shown) = (0usize, 0usize);
            let mut add = |frame| {
                let added = collector.add_frame_rgba(shown, frame, (shown + 1) as f64 / fps).is_ok();
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
            sizes.lock().unwrap_or_else(|e| e.into_inner()).push((bytes, 0));
            true
        };
        // gifski counts the input frames a written one covers right after reporting its bytes.
        let on_frame = |done: u64| {
            if let Some(last) = sizes.lock().unwrap_or_else(|e| e.into_inner()).last_mut() {
                last.1 = done;
            }
        };
        let written = encode::write_watched(writer, &mut out, spec.quality, cancel, &on_frame, &on_bytes).map(|_| out.len() as u64);
        (feeder.join(), written)
    });
    cancel.check()?;
    let frames = fed.unwrap_or_else(|_| Err(Msg::internal("the frame reader crashed").into()))?;
    let total = written.map_err(|e| Msg::internal(format!("sampling the GIF's size: {e}")))?;
    if frames == 0 {
        return Err(Msg::NothingToMeasure.into());
    }
    let sizes = sizes.into_inner().unwrap_or_else(|e| e.into_inner());
    let first = sizes.first().map_or(total, |s| s.0);
    // Settled once the first input frames are written, and steady until the tail; counted by
    // input frames, since a run of identical ones is one written frame (a slideshow's change
    // must not pass for settling).
    let settled = sizes.iter().take_while(|s| s.1 <= 1 + SETTLING).last().or(sizes.first()).copied().unwrap_or((first, 1));
    let steady_end = sizes.iter().take_while(|s| s.1 + TAIL <= frames).last().copied().unwrap_or(settled);
    let per_frame = if steady_end.1 > settled.1 {
        steady_end.0.saturating_sub(settled.0) as f64 / (steady_end.1 - settled.1) as f64
    } else if frames > settled.1 {
        total.saturating_sub(settled.0) as f64 / (frames - settled.1) as f64
    } else {
        total.saturating_sub(first) as f64 / (frames - 1).max(1) as f64
    };
    Ok(Window { first, total, per_frame })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_profile(first: f64, costs: &[(f64, f64)], frames: u64) -> SizeEstimate {
        SizeEstimate { low: 0, high: 0, frames, middle: 0, profile: Profile { first, costs: costs.to_vec() }, cannot_fit: None }
    }

    #[test]
    fn bytes_build_up_where_the_windows_saw_change() {
        // Busy then black: by half-way nearly all the bytes are in.
        let fade = with_profile(1000.0, &[(0.1, 100.0), (0.4, 100.0), (0.6, 0.0), (0.9, 0.0)], 101);
        let half = fade.share_through(51).unwrap();
        assert!(half > 0.85, "{half}");
        assert_eq!(fade.share_through(101), Some(1.0));
        // Even change: the share grows with the frames, the first frame counted whole.
        let even = with_profile(1000.0, &[(0.1, 100.0), (0.9, 100.0)], 101);
        let half = even.share_through(51).unwrap();
        assert!((half - 6000.0 / 11000.0).abs() < 1e-9, "{half}");
        assert_eq!(SizeEstimate::exact(5000, 100).share_through(50), None);
    }
}
