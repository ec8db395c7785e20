//! What GIF to make: the one validated description the CLI, the app and the pipeline share.
//! A new option is a field here (with its check), a flag in `cli`, and its use in `render`.

use crate::edits::Edits;
use crate::error::{Error, Msg, Result, SizeProblem};

pub const MIN_LENGTH: f64 = 0.1;
pub const MAX_LENGTH: f64 = 60.0;
pub const MAX_WIDTH: u32 = 1920;
pub const MAX_FPS: u32 = 50;

/// The range and every option of one GIF. `validate` is the one check; the pipeline runs it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GifSpec {
    pub start: f64,
    pub end: f64,
    /// Output width in pixels; 0 keeps the source width. Never upscaled.
    pub width: u32,
    pub fps: u32,
    pub quality: u8,
    /// How many times the GIF plays: 0 forever, 1 once, N times (NETSCAPE2.0 says N - 1 repeats).
    pub plays: u16,
    /// Fit under this many bytes: settings are lowered (quality, then fps, then width) to land
    /// at 90–100 % of it.
    pub max_bytes: Option<u64>,
    /// The GIF's height at most this, the width shrinking to keep the shape: a portrait video
    /// still fits Slack's 128×128 emoji box.
    pub max_height: Option<u32>,
    /// Crop, speed, direction and captions.
    #[serde(flatten)]
    pub edits: Edits,
}

impl Default for GifSpec {
    fn default() -> Self {
        GifSpec { start: 0.0, end: 3.0, width: 480, fps: 15, quality: 90, plays: 0, max_bytes: None, max_height: None, edits: Edits::default() }
    }
}

impl GifSpec {
    /// The default options over `start..end`.
    pub fn range(start: f64, end: f64) -> GifSpec {
        GifSpec { start, end, ..GifSpec::default() }
    }

    pub fn length(&self) -> f64 {
        self.end - self.start
    }

    /// The range first (its messages matter most), then the options.
    pub fn validate(&self) -> Result<()> {
        validate_range(self.start, self.end)?;
        self.validate_options()?;
        self.edits.validate()?;
        crate::edits::validate_gif_length(self.length(), self.edits.speed)
    }

    /// The options alone (the app checks these before any range is chosen).
    pub fn validate_options(&self) -> Result<()> {
        if self.width > MAX_WIDTH {
            return Err(Msg::WidthTooLarge { width: self.width.into() }.into());
        }
        if self.width != 0 && self.width < 16 {
            return Err(Msg::WidthTooSmall.into());
        }
        if self.fps == 0 || self.fps > MAX_FPS {
            return Err(Msg::FpsRange.into());
        }
        if self.quality == 0 || self.quality > 100 {
            return Err(Msg::QualityRange.into());
        }
        if self.max_height.is_some_and(|h| !(16..=MAX_WIDTH).contains(&h)) {
            return Err(Msg::WidthTooSmall.into());
        }
        if let Some(max) = self.max_bytes {
            if max < MIN_MAX_BYTES {
                return Err(Msg::LimitTooSmall { bytes: max }.into());
            }
        }
        Ok(())
    }
}

impl GifSpec {
    /// The width the GIF comes out at from a picture (after the crop) `region_width` wide:
    /// 0 keeps it, and nothing is upscaled.
    pub fn shown_width(&self, region_width: u32) -> u32 {
        if self.width == 0 || self.width >= region_width { region_width } else { self.width }
    }

    /// This spec with the width that keeps the frame inside `max_height`, for a picture
    /// (after the crop) of `region` display pixels; unchanged without a height cap.
    pub fn boxed(&self, (region_width, region_height): (u32, u32)) -> GifSpec {
        let (Some(cap), true) = (self.max_height, region_width > 0 && region_height > 0) else { return self.clone() };
        let width = self.shown_width(region_width);
        // The decoder rounds the height from the width: the widest width that rounds to `cap` or less.
        let height_at = |w: u32| (f64::from(region_height) * f64::from(w) / f64::from(region_width)).round() as u32;
        let mut widest = (f64::from(cap) * f64::from(region_width) / f64::from(region_height)).ceil() as u32;
        while widest > 1 && height_at(widest) > cap {
            widest -= 1;
        }
        // Within the widths a spec may ask for: a crop over 8:1 tall keeps 16 px and its height.
        GifSpec { width: width.min(widest).clamp(16, MAX_WIDTH), ..self.clone() }
    }
}

/// The smallest size limit taken: a tiny GIF's header and one frame need about this.
pub const MIN_MAX_BYTES: u64 = 10_000;

/// Where people post GIFs, and the limit each sets (decimal units: under both ways of counting).
pub const PRESETS: &[(&str, u64)] = &[("discord", 10_000_000), ("github", 10_000_000), ("x", 15_000_000), ("slack-emoji", 128_000)];

/// `10MB`, `1.5 MB`, `128KB`, `128 kb`, or a preset's name (`discord`, `github`, `x`, `slack-emoji`).
pub fn parse_size(text: &str) -> Result<u64> {
    let t = text.trim().to_ascii_lowercase();
    if let Some((_, bytes)) = PRESETS.iter().find(|(name, _)| *name == t) {
        return Ok(*bytes);
    }
    let bad = |why| Msg::NotASize { text: text.trim().to_string(), why };
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    // A decimal comma (1,5MB, as times take it) has one or two digits after it; groups of
    // three are thousands (15,000KB).
    let groups: Vec<&str> = number.split(',').collect();
    let thousands = groups.len() > 1 && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3 || g.split_once('.').is_some_and(|(a, _)| a.len() == 3));
    let number = if thousands {
        number.replace(',', "")
    } else if groups.len() == 2 && (1..=2).contains(&groups[1].len()) && !number.contains('.') {
        number.replacen(',', ".", 1)
    } else {
        number.to_string()
    };
    let value: f64 = number.parse().map_err(|_| bad(SizeProblem::Number))?;
    let scale = match unit {
        "b" | "byte" | "bytes" => 1.0,
        "kb" | "k" => 1e3,
        "mb" | "m" => 1e6,
        "gb" | "g" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "" => return Err(bad(SizeProblem::NoUnit).into()),
        _ => return Err(bad(SizeProblem::UnknownUnit).into()),
    };
    let bytes = value * scale;
    if !bytes.is_finite() || bytes <= 0.0 {
        return Err(bad(SizeProblem::NotPositive).into());
    }
    if bytes > 4e9 {
        return Err(bad(SizeProblem::Over4Gb).into());
    }
    Ok(bytes.floor() as u64)
}

/// Checks the range on its own (the video's length is checked once it is known).
pub fn validate_range(start: f64, end: f64) -> Result<()> {
    if !(start.is_finite() && end.is_finite()) || start < 0.0 {
        return Err(Msg::TimeNegative.into());
    }
    let length = end - start;
    if length <= 0.0 {
        return Err(Msg::EndBeforeStart { start, end }.into());
    }
    if length < MIN_LENGTH - 1e-9 {
        return Err(Msg::RangeTooShort { length }.into());
    }
    if length > MAX_LENGTH + 1e-9 {
        return Err(Msg::RangeTooLong { length }.into());
    }
    Ok(())
}

/// Parses `83`, `83.25`, `1:23`, `1:23.5`, `1:02:03.5` (a trailing `s`, a decimal comma) into
/// seconds. `ui/app.js` follows the same rules: both are tested on `tests/time-cases.json`.
pub fn parse_time(text: &str) -> Result<f64> {
    let t = text.trim();
    let bad = || Error::from(Msg::NotATime { text: t.to_string() });
    let t = t.strip_suffix(['s', 'S']).map(str::trim_end).unwrap_or(t);
    // "1,5" is how half the world writes 1.5.
    let comma = (!t.contains('.') && t.matches(',').count() == 1).then(|| t.replace(',', "."));
    let t = comma.as_deref().unwrap_or(t);
    if t.is_empty() || t.len() > 32 {
        return Err(bad());
    }
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let mut total = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let valid_chars = part.chars().all(|c| c.is_ascii_digit() || (last && c == '.'));
        if part.is_empty() || !valid_chars || part.starts_with('.') && part.len() == 1 {
            return Err(bad());
        }
        let value: f64 = part.parse().map_err(|_| bad())?;
        // Minutes and seconds after a colon stay below 60, as on a clock.
        if i > 0 && value >= 60.0 {
            return Err(bad());
        }
        total = total * 60.0 + value;
    }
    if !total.is_finite() {
        return Err(bad());
    }
    Ok(total)
}

/// `m:ss.s` under an hour, `h:mm:ss.s` above (for messages and file names).
pub fn format_time(seconds: f64) -> String {
    let tenths = (seconds.max(0.0) * 10.0).round() as u64;
    let (h, rem) = (tenths / 36000, tenths % 36000);
    let (m, s10) = (rem / 600, rem % 600);
    let s = format!("{:02}.{}", s10 / 10, s10 % 10);
    if h > 0 {
        format!("{h}:{m:02}:{s}")
    } else {
        format!("{m}:{s}")
    }
}

#[cfg(test)]
#[path = "spec_tests.rs"]
mod tests;
