//! Edits of the moment: crop, speed, direction and captions. Part of `GifSpec`; each becomes
//! a step of the one ffmpeg filter graph (`render::filters`) or the frame order (`pipeline`).

use crate::error::{Msg, Result};

pub const MIN_SPEED: f64 = 0.25;
pub const MAX_SPEED: f64 = 4.0;
/// A caption longer than this cannot be read in a GIF.
pub const MAX_CAPTION_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Edits {
    /// A box in the source's pixels as shown (display proportions), applied before scaling.
    pub crop: Option<Crop>,
    /// A centred crop to this shape, when no box is given.
    pub aspect: Option<Aspect>,
    /// 0.25 to 4 times; the GIF keeps its own frame rate.
    pub speed: f64,
    pub direction: Direction,
    pub text_top: String,
    pub text_bottom: String,
    pub text_style: TextStyle,
    /// Subtitles burned in: a language of the video's own tracks, or a subtitle file's path.
    pub subs: Option<String>,
}

impl Default for Edits {
    fn default() -> Self {
        Edits {
            crop: None,
            aspect: None,
            speed: 1.0,
            direction: Direction::Forward,
            text_top: String::new(),
            text_bottom: String::new(),
            text_style: TextStyle::Meme,
            subs: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Crop {
    pub width: u32,
    pub height: u32,
    pub x: u32,
    pub y: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Aspect {
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    #[default]
    Forward,
    /// Played backwards.
    Reverse,
    /// Forwards, then backwards, without the turn-around frames twice.
    Bounce,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TextStyle {
    /// Bold white with a black outline.
    #[default]
    Meme,
    /// A readable sans on a soft dark band.
    Plain,
}

impl Edits {
    /// The edits' own rules; a crop is checked against the frame once its size is known.
    pub fn validate(&self) -> Result<()> {
        if !self.speed.is_finite() || !(MIN_SPEED..=MAX_SPEED).contains(&self.speed) {
            return Err(Msg::SpeedRange.into());
        }
        if let Some(c) = self.crop {
            if c.width == 0 || c.height == 0 {
                return Err(Msg::CropEmpty.into());
            }
        }
        if let Some(a) = self.aspect {
            if a.width == 0 || a.height == 0 || a.width > 100 * a.height || a.height > 100 * a.width {
                return Err(Msg::AspectInvalid.into());
            }
        }
        if self.subs.as_ref().is_some_and(|s| s.len() > 4096) {
            return Err(Msg::SubsTooLong.into());
        }
        for (top, text) in [(true, &self.text_top), (false, &self.text_bottom)] {
            let chars = text.chars().count();
            if chars > MAX_CAPTION_CHARS {
                return Err(Msg::CaptionTooLong { top, chars }.into());
            }
        }
        Ok(())
    }

    /// The part of a `width`×`height` frame (display pixels) the GIF shows.
    pub fn region(&self, width: u32, height: u32) -> Result<(u32, u32)> {
        if let Some(c) = self.crop {
            let fits = c.x.checked_add(c.width).is_some_and(|r| r <= width) && c.y.checked_add(c.height).is_some_and(|b| b <= height);
            if !fits {
                return Err(Msg::CropOutside { width: c.width, height: c.height, x: c.x, y: c.y, frame_width: width, frame_height: height }.into());
            }
            return Ok((c.width, c.height));
        }
        Ok(match self.aspect {
            Some(a) => {
                let want = a.width as f64 / a.height as f64;
                if width as f64 / height.max(1) as f64 > want {
                    (((height as f64 * want).round() as u32).max(1), height)
                } else {
                    (width, ((width as f64 / want).round() as u32).max(1))
                }
            }
            None => (width, height),
        })
    }

    /// The same edits with the crop, drawn on a frame of `from` pixels, on one of `to` pixels
    /// (another rendition of the video), kept inside it.
    pub fn scaled(&self, from: (u32, u32), to: (u32, u32)) -> Edits {
        let Some(c) = self.crop else { return self.clone() };
        if from == to || from.0 == 0 || from.1 == 0 || to.0 == 0 || to.1 == 0 {
            return self.clone();
        }
        let axis = |at: u32, len: u32, from: u32, to: u32| {
            let k = f64::from(to) / f64::from(from);
            let at = ((f64::from(at) * k).round() as u32).min(to - 1);
            (at, ((f64::from(len) * k).round() as u32).clamp(1, to - at))
        };
        let (x, width) = axis(c.x, c.width, from.0, to.0);
        let (y, height) = axis(c.y, c.height, from.1, to.1);
        Edits { crop: Some(Crop { width, height, x, y }), ..self.clone() }
    }

    /// The GIF's frames per decoded frame run: bounce plays most of them twice.
    pub fn gif_frames(&self, decoded: u64) -> u64 {
        match self.direction {
            Direction::Bounce if decoded > 2 => 2 * decoded - 2,
            _ => decoded,
        }
    }

    pub fn has_captions(&self) -> bool {
        !self.text_top.trim().is_empty() || !self.text_bottom.trim().is_empty()
    }
}

/// A slowed-down range still makes a GIF of at most the longest length.
pub fn validate_gif_length(range: f64, speed: f64) -> Result<()> {
    let plays = range / speed;
    if plays > crate::spec::MAX_LENGTH + 1e-9 {
        return Err(Msg::PlaysTooLong { speed, plays }.into());
    }
    Ok(())
}

/// `W:H:X:Y` in source pixels, as ffmpeg's crop filter takes it.
pub fn parse_crop(text: &str) -> Result<Crop> {
    let bad = || Msg::NotACrop { text: text.trim().to_string() };
    let parts: Vec<u32> = text.trim().split(':').map(|p| p.trim().parse::<u32>()).collect::<std::result::Result<_, _>>().map_err(|_| bad())?;
    let [width, height, x, y] = parts[..] else { return Err(bad().into()) };
    let crop = Crop { width, height, x, y };
    Edits { crop: Some(crop), ..Edits::default() }.validate()?;
    Ok(crop)
}

/// `1:1`, `16:9`, `4:5`, `9:16` (or with `/` or `x`).
pub fn parse_aspect(text: &str) -> Result<Aspect> {
    let bad = || Msg::NotAnAspect { text: text.trim().to_string() };
    let (w, h) = text.trim().split_once([':', '/', 'x']).ok_or_else(bad)?;
    let (width, height) = (w.trim().parse::<u32>().map_err(|_| bad())?, h.trim().parse::<u32>().map_err(|_| bad())?);
    let aspect = Aspect { width, height };
    Edits { aspect: Some(aspect), ..Edits::default() }.validate()?;
    Ok(aspect)
}

/// `2`, `0.5`, `2x`, `50%`.
pub fn parse_speed(text: &str) -> Result<f64> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || Msg::NotASpeed { text: text.trim().to_string() };
    let speed = if let Some(p) = t.strip_suffix('%') {
        p.trim().parse::<f64>().map_err(|_| bad())? / 100.0
    } else {
        t.trim_end_matches(['x', '×']).trim().parse::<f64>().map_err(|_| bad())?
    };
    Edits { speed, ..Edits::default() }.validate()?;
    Ok(speed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_checked() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 0.2, 4.5] {
            assert!(Edits { speed: bad, ..Edits::default() }.validate().is_err(), "{bad}");
        }
        assert_eq!(parse_speed("2x").unwrap(), 2.0);
        assert_eq!(parse_speed("50%").unwrap(), 0.5);
        assert!(parse_speed("0").is_err() && parse_speed("fast").is_err() && parse_speed("NaN").is_err());
        assert_eq!(parse_crop("640:360:10:20").unwrap(), Crop { width: 640, height: 360, x: 10, y: 20 });
        assert!(parse_crop("0:360:0:0").is_err() && parse_crop("1:2:3").is_err() && parse_crop("-1:2:3:4").is_err());
        assert_eq!(parse_aspect("16:9").unwrap(), Aspect { width: 16, height: 9 });
        assert!(parse_aspect("0:1").is_err() && parse_aspect("square").is_err());
        let long = Edits { text_top: "가".repeat(10_000), ..Edits::default() };
        assert!(long.validate().unwrap_err().to_string().contains("10000 characters"));
    }

    #[test]
    fn a_crop_moves_onto_another_rendition_and_stays_inside_it() {
        let drawn = Edits { crop: Some(Crop { width: 640, height: 360, x: 640, y: 0 }), ..Edits::default() };
        assert_eq!(drawn.scaled((1280, 720), (640, 360)).crop, Some(Crop { width: 320, height: 180, x: 320, y: 0 }));
        assert_eq!(drawn.scaled((1280, 720), (1280, 720)), drawn);
        // Rounding never leaves the smaller frame, nor makes the crop empty.
        let edge = Edits { crop: Some(Crop { width: 1, height: 1, x: 1279, y: 719 }), ..Edits::default() };
        let c = edge.scaled((1280, 720), (426, 240)).crop.unwrap();
        assert!(c.x + c.width <= 426 && c.y + c.height <= 240 && c.width >= 1 && c.height >= 1, "{c:?}");
        assert_eq!(Edits::default().scaled((1280, 720), (640, 360)), Edits::default());
    }

    #[test]
    fn the_region_follows_the_crop_or_the_aspect() {
        let crop = |w, h, x, y| Edits { crop: Some(Crop { width: w, height: h, x, y }), ..Edits::default() };
        assert_eq!(crop(100, 50, 0, 0).region(1280, 720).unwrap(), (100, 50));
        assert!(crop(100, 50, 1200, 0).region(1280, 720).is_err());
        assert!(crop(100, 50, u32::MAX, 0).region(1280, 720).is_err());
        let aspect = |w, h| Edits { aspect: Some(Aspect { width: w, height: h }), ..Edits::default() };
        assert_eq!(aspect(1, 1).region(1280, 720).unwrap(), (720, 720));
        assert_eq!(aspect(9, 16).region(1280, 720).unwrap(), (405, 720));
        assert_eq!(aspect(16, 9).region(720, 1280).unwrap(), (720, 405));
        assert_eq!(Edits { direction: Direction::Bounce, ..Edits::default() }.gif_frames(10), 18);
    }
}
