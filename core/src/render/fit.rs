//! Fit under a size: pick the settings whose estimate lands just under the limit, changing the
//! least visible knob first (quality, which sets gifski's lossy and motion coding; then the
//! frame rate; then the width), and say what changed. The pipeline then encodes, stops a pass
//! as soon as it is over the limit, and corrects once from what that pass measured.

use crate::error::{Msg, Result};
use crate::render::estimate::SizeEstimate;
use crate::spec::GifSpec;

/// Aim here (of the limit) so the true size lands in 90–100 % of it.
pub const AIM: f64 = 0.94;
/// A closer pass after one that fits aims higher: if it comes out over, the first one stands.
pub const AIM_CLOSER: f64 = 0.97;
/// A last try after two passes over the limit: a GIF a little further under it beats none.
pub const AIM_LAST: f64 = 0.88;
/// The floor: below these a GIF stops being worth posting.
// Quality 20 is gifski's own quality 40 (encode::knobs), the floor before the scale changed.
const MIN_QUALITY: u8 = 20;
const MIN_FPS: u32 = 6;
const MIN_WIDTH: u32 = 96;

/// Settings whose estimate is `goal` bytes or just under, and that estimate. `sample`
/// estimates one spec (a few windows encoded); `goal` is the limit times `AIM`, divided by
/// the estimates' bias once a full pass has measured it.
pub fn choose(spec: &GifSpec, source_width: u32, limit: u64, goal: f64, sample: &mut dyn FnMut(&GifSpec) -> Result<SizeEstimate>) -> Result<(GifSpec, f64)> {
    let first = sample(spec)?.middle() as f64;
    if first <= goal {
        return Ok((spec.clone(), first));
    }
    let mut chosen = spec.clone();
    let mut size = first;
    // 1. Quality, searched between the current setting and the floor.
    if chosen.quality > MIN_QUALITY {
        let floor = GifSpec { quality: MIN_QUALITY, ..chosen.clone() };
        let at_floor = sample(&floor)?.middle() as f64;
        if at_floor <= goal {
            let (quality, at) = refine_quality(&chosen, (MIN_QUALITY, at_floor), (chosen.quality, size), goal, sample)?;
            chosen.quality = quality;
            return Ok((chosen, at));
        }
        chosen.quality = MIN_QUALITY;
        size = at_floor;
    }
    // 2. Frame rate: bytes grow a little slower than frames (measured: about fps^0.85).
    if chosen.fps > MIN_FPS {
        let fps = (chosen.fps as f64 * (goal / size).powf(1.0 / 0.85)).floor() as u32;
        let top = chosen.fps;
        chosen.fps = fps.clamp(MIN_FPS, top);
        size = sample(&chosen)?.middle() as f64;
        if size <= goal {
            // The power law is rough: a frame or two more per second may still fit.
            for _ in 0..2 {
                if chosen.fps >= top || size > goal * 0.9 {
                    break;
                }
                let more = GifSpec { fps: chosen.fps + 1, ..chosen.clone() };
                let at = sample(&more)?.middle() as f64;
                if at > goal {
                    break;
                }
                (chosen, size) = (more, at);
            }
            return Ok((chosen, size));
        }
    }
    // 3. Width: bytes follow the picture's area.
    let width = if chosen.width == 0 { source_width.max(MIN_WIDTH) } else { chosen.width.min(source_width.max(MIN_WIDTH)) };
    for _ in 0..4 {
        let current = if chosen.width == 0 { width } else { chosen.width.min(width) };
        // A width asked (or boxed, as Slack's portrait emoji) under the floor stays as it is.
        let least = MIN_WIDTH.min(current);
        chosen.width = ((current as f64 * (goal / size).sqrt()).floor() as u32).clamp(least, current);
        size = sample(&chosen)?.middle() as f64;
        if size <= goal / AIM {
            return Ok((chosen, size));
        }
        if chosen.width == least {
            break;
        }
    }
    // The frame rate's own floor, at the least width, before giving up.
    if chosen.fps > MIN_FPS {
        chosen.fps = MIN_FPS;
        size = sample(&chosen)?.middle() as f64;
        if size <= goal / AIM {
            return Ok((chosen, size));
        }
    }
    // Even the floor is over: say what would fit instead, in true bytes (`goal` is lowered by
    // how far a pass found the estimates low).
    let seconds = spec.length() * goal / size;
    let size = size * (limit as f64 * AIM / goal).max(1.0);
    Err(Msg::CannotFit { limit, width: chosen.width, fps: chosen.fps, quality: chosen.quality, size: size as u64, seconds }.into())
}

/// The highest quality in `lo..hi` whose estimate is under `goal`, and that estimate. Size
/// rises steeply toward high quality (lossy coding switches off), so a plain secant creeps:
/// regula falsi with the Illinois step, a few samples at most.
fn refine_quality(
    spec: &GifSpec,
    mut lo: (u8, f64),
    mut hi: (u8, f64),
    goal: f64,
    sample: &mut dyn FnMut(&GifSpec) -> Result<SizeEstimate>,
) -> Result<(u8, f64)> {
    let (mut lo_weight, mut hi_weight) = (1.0, 1.0);
    for _ in 0..4 {
        if hi.0 <= lo.0 + 1 {
            break;
        }
        let (a, b) = (lo.1 - goal, hi.1 - goal);
        let share = (-a * lo_weight) / (b * hi_weight - a * lo_weight);
        let q = (lo.0 as f64 + share.clamp(0.0, 1.0) * (hi.0 - lo.0) as f64).round() as u8;
        let q = q.clamp(lo.0 + 1, hi.0 - 1);
        let at = sample(&GifSpec { quality: q, ..spec.clone() })?.middle() as f64;
        if at > goal {
            hi = (q, at);
            (hi_weight, lo_weight) = (1.0, lo_weight * 0.5);
        } else {
            lo = (q, at);
            (lo_weight, hi_weight) = (1.0, hi_weight * 0.5);
            if at > goal * 0.97 {
                break;
            }
        }
    }
    Ok(lo)
}

/// The least fitting may come down to from `spec`: the floor of every knob (or what was asked,
/// where that is lower already).
pub fn floor(spec: &GifSpec, source_width: u32) -> GifSpec {
    let width = spec.shown_width(source_width.max(1));
    GifSpec { quality: spec.quality.min(MIN_QUALITY), fps: spec.fps.min(MIN_FPS), width: width.min(MIN_WIDTH), ..spec.clone() }
}

/// Before anything is made: the message when even `floor` (estimated at `size` bytes) is over
/// `limit`, naming the range that would fit.
pub fn cannot_fit(spec: &GifSpec, floor: &GifSpec, limit: u64, size: u64) -> Option<crate::error::Error> {
    // Fitting's last step takes what its estimate puts at the limit itself.
    let goal = limit as f64;
    ((size as f64) > goal).then(|| {
        let seconds = spec.length() * goal / size as f64;
        Msg::CannotFit { limit, width: floor.width, fps: floor.fps, quality: floor.quality, size, seconds }.into()
    })
}

/// Whether `a` keeps more than `b` does, knob by knob in the order fitting gives them up
/// (width, then frame rate, then quality): the closer pass must be a step up.
pub fn above(a: &GifSpec, b: &GifSpec, source_width: u32) -> bool {
    let level = |s: &GifSpec| (s.shown_width(source_width.max(1)), s.fps, s.quality);
    level(a) > level(b)
}

/// A finished pass came out under 90 % of the limit after settings were lowered: worth one
/// more, closer to it.
pub fn worth_second_pass(chosen: &GifSpec, asked: &GifSpec, bytes: u64) -> bool {
    chosen.max_bytes.is_some_and(|limit| (bytes as f64) < 0.9 * limit as f64) && chosen != asked
}

/// "480 → 400 px, quality 90 → 74": what fitting changed, for the user.
pub fn describe_changes(original: &GifSpec, chosen: &GifSpec, source_width: u32) -> Option<String> {
    let mut parts = Vec::new();
    // Widths as made: a width asked over the picture's (or its crop's) was never that wide.
    let (from, to) = (original.shown_width(source_width), chosen.shown_width(source_width));
    if from != to {
        parts.push(format!("{from} → {to} px"));
    }
    if chosen.fps != original.fps {
        parts.push(format!("{} → {} fps", original.fps, chosen.fps));
    }
    if chosen.quality != original.quality {
        // Words for the window follow its language (the CLI's stays English).
        let quality = match crate::error::ui_language() {
            crate::error::Lang::Ko => "화질",
            _ => "quality",
        };
        parts.push(format!("{quality} {} → {}", original.quality, chosen.quality));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Sizes in limits are decimal (10 MB = 10,000,000 bytes): under both ways sites count.
pub fn show_bytes(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} KB", bytes.div_ceil(1000))
    }
}
