//! Where a caption's lines break and how large they are, from the fonts' own glyph widths.

use crate::edits::TextStyle;

/// The caption font and the emoji font that draws what it lacks (None: emoji are boxes).
pub struct Faces<'a> {
    pub main: &'a ttf_parser::Face<'a>,
    pub emoji: Option<&'a ttf_parser::Face<'a>>,
}

impl Faces<'_> {
    /// Whether `c` is drawn from the emoji font.
    pub fn from_emoji(&self, c: char) -> bool {
        self.main.glyph_index(c).is_none() && self.emoji.is_some_and(|e| e.glyph_index(c).is_some())
    }

    /// A line's height in ems as drawtext spaces lines: the caption font's ascent, descent and
    /// gap, plus the 0.1 em of line spacing asked of it.
    pub fn line_height(&self) -> f64 {
        let face = self.main;
        let ems = (f64::from(face.ascender()) - f64::from(face.descender()) + f64::from(face.line_gap())) / f64::from(face.units_per_em());
        (if ems.is_finite() && ems > 0.5 { ems } else { 1.2 }) + 0.1
    }

    /// A character's width in ems; a glyph in neither font counts as one em (drawn as a box).
    pub fn advance(&self, c: char) -> f64 {
        let of = |face: &ttf_parser::Face| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map(|a| a as f64 / face.units_per_em() as f64);
        of(self.main).or_else(|| self.emoji.and_then(of)).unwrap_or(1.0)
    }
}

/// The lines and the font size in pixels: as large as the style allows, smaller for long text,
/// so that every line fits 92 % of the width and the lines `share` of the height.
pub fn layout(text: &str, faces: &Faces, style: TextStyle, width: u32, height: u32, share: f64) -> (Vec<String>, u32) {
    let room = height.max(16) as f64 * share;
    let width = width.max(16) as f64;
    let largest = match style {
        TextStyle::Meme => width / 7.5,
        TextStyle::Plain => width / 12.0,
    }
    .min(height.max(16) as f64 / 4.5);
    let smallest = (width / 26.0).max(9.0).min(largest);
    let usable = width * 0.92;
    let mut px = largest;
    loop {
        let lines = wrap(text, faces, usable / px);
        // Big text may take two lines; smaller text up to four before it shrinks further.
        let allowed = if px > largest * 0.6 { 2 } else { 4 };
        if lines.len() <= allowed && lines.len() as f64 * px * faces.line_height() <= room || px <= smallest {
            return (lines, px.round().max(1.0) as u32);
        }
        px = (px * 0.9).max(smallest);
    }
}

/// Greedy wrapping at spaces (Korean and Latin), between any two Han or kana characters, and
/// inside a word only when it is wider than a line. `ems` is the line's width in font units.
fn wrap(text: &str, faces: &Faces, ems: f64) -> Vec<String> {
    let em = |s: &str| s.chars().map(|c| faces.advance(c)).sum::<f64>();
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in words(paragraph) {
            let joined = if line.is_empty() { word.trim_start().to_string() } else { format!("{line}{word}") };
            if em(joined.trim_end()) <= ems || line.is_empty() && em(word.trim()) <= ems {
                line = joined;
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
            }
            line = String::new();
            // A word wider than a line is broken where it must be.
            for c in word.trim_start().chars() {
                let longer = format!("{line}{c}");
                if em(&longer) > ems && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = longer;
                }
            }
        }
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
    }
    lines
}

/// Words with their leading space; each Han or kana character is a word of its own.
fn words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !word.trim().is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word = " ".into();
        } else if breaks_anywhere(c) {
            if !word.trim().is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
            out.push(std::mem::take(&mut word));
        } else {
            word.push(c);
        }
    }
    if !word.trim().is_empty() {
        out.push(word);
    }
    out
}

/// Han ideographs and kana: Chinese and Japanese break between any two characters.
fn breaks_anywhere(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF66..=0xFF9D)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use crate::render::captions::BOLD;

    fn face_data() -> Option<Vec<u8>> {
        let dir = std::env::var_os("GIFGRAB_FONT_DIR").map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/binaries/fonts")
        });
        std::fs::read(dir.join(BOLD)).ok()
    }

    #[test]
    fn captions_wrap_to_the_width_and_shrink_when_long() {
        let Some(data) = face_data() else {
            eprintln!("skipped: no bundled font (run cargo xtask setup)");
            return;
        };
        let face = ttf_parser::Face::parse(&data, 0).unwrap();
        let faces = Faces { main: &face, emoji: None };
        let (lines, px) = layout("WHEN", &faces, TextStyle::Meme, 480, 270, 0.4);
        assert_eq!((lines.len(), px), (1, 60), "{lines:?}: short text stays at the largest size");
        // Two lines take at most the caption's share of the height (2 × 60 px took 58 % of it).
        let (lines, px) = layout("WHEN THE CODE WORKS", &faces, TextStyle::Meme, 480, 270, 0.4);
        assert!(lines.len() as f64 * px as f64 * faces.line_height() <= 108.0 + 1.0 && px >= 30, "{lines:?} at {px}");
        // A small video with both captions: each keeps to its 30 %.
        let (lines, px) = layout("WHEN THE CODE FINALLY WORKS", &faces, TextStyle::Meme, 192, 108, 0.3);
        assert!(lines.len() as f64 * px as f64 * faces.line_height() <= 32.4 + 1.0, "{lines:?} at {px}");
        let (lines, _) = layout("HI", &faces, TextStyle::Meme, 480, 270, 0.4);
        assert_eq!(lines, ["HI"]);
        let (lines, big) = layout("WHEN THE CODE WORKS ON THE FIRST TRY AND NOBODY IS AROUND TO SEE IT", &faces, TextStyle::Meme, 480, 270, 0.4);
        assert!(lines.len() >= 2 && big < 60, "{lines:?} at {big}");
        for line in &lines {
            assert!(line.chars().map(|c| faces.advance(c)).sum::<f64>() * big as f64 <= 480.0 * 0.92 + 1.0, "{line}");
        }
        // Korean breaks at its spaces, Japanese between characters, a long word where it must.
        let (lines, _) = layout("이것은 아주 긴 한국어 자막입니다 정말로 길어요 그리고 더 길어요", &faces, TextStyle::Meme, 320, 240, 0.4);
        assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')) && lines.len() > 1, "{lines:?}");
        assert!(lines.concat().replace(' ', "") == "이것은아주긴한국어자막입니다정말로길어요그리고더길어요");
        let (lines, _) = layout("とてもながいにほんごのじまくですよとてもながいにほんごのじまくですよ", &faces, TextStyle::Plain, 240, 240, 0.4);
        assert!(lines.len() > 1, "{lines:?}");
        let (lines, _) = layout(&"W".repeat(80), &faces, TextStyle::Meme, 200, 200, 0.4);
        assert!(lines.len() > 2, "{lines:?}");
        // The bundled font has Hangul: no box stands in for it.
        assert!(face.glyph_index('한').is_some() && face.glyph_index('あ').is_some() && face.glyph_index('漢').is_some());
    }
}
