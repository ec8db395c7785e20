//! Captions: sized to the GIF's width and wrapped with the bundled font's own glyph widths,
//! then drawn by ffmpeg's drawtext in the one filter graph. The text reaches ffmpeg in a file,
//! so no user text is ever parsed as filter syntax.

use crate::edits::{Edits, TextStyle};
use crate::error::{Error, Msg, Result};
use crate::render::filters::quote;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Regular for the plain style, Bold for the meme style: Noto Sans CJK covers Latin, Hangul, kana and Han.
pub const REGULAR: &str = "NotoSansCJK-Regular.ttc";
pub const BOLD: &str = "bold/NotoSansCJK-Bold.ttc";
/// Bold alone: libass loads every font in the folder it is given.
pub const SUBTITLE_FONTS: &str = "bold";

/// Captions ready to draw: their drawtext filters and the text files those read (kept until dropped).
pub struct Prepared {
    pub filters: Vec<String>,
    _files: Vec<tempfile::NamedTempFile>,
}

/// Where captions go, in output pixels: the whole GIF, or the crop box on an uncropped preview.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Area {
    pub fn whole(width: u32, height: u32) -> Area {
        Area { x: 0, y: 0, width, height }
    }
}

/// Lays out `edits`' captions for `area`.
pub fn prepare(edits: &Edits, fonts: &Path, area: Area) -> Result<Option<Prepared>> {
    if !edits.has_captions() {
        return Ok(None);
    }
    let font = fonts.join(match edits.text_style {
        TextStyle::Meme => BOLD,
        TextStyle::Plain => REGULAR,
    });
    let data = std::fs::read(&font).map_err(|e| font_error(&font, &e.to_string()))?;
    let face = ttf_parser::Face::parse(&data, 0).map_err(|e| font_error(&font, &e.to_string()))?;
    let (mut filters, mut files) = (Vec::new(), Vec::new());
    // Each caption's share of the height: two leave the middle of the picture clear.
    let both = !edits.text_top.trim().is_empty() && !edits.text_bottom.trim().is_empty();
    let share = if both { 0.3 } else { 0.4 };
    for (text, top) in [(&edits.text_top, true), (&edits.text_bottom, false)] {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let (lines, px) = layout(text, &face, edits.text_style, area.width, area.height, share);
        let mut file = tempfile::Builder::new()
            .prefix("gifgrab-caption-")
            .suffix(".txt")
            .tempfile()
            .map_err(|e| Msg::internal(format!("cannot write the caption for ffmpeg: {e}")))?;
        file.write_all(lines.join("\n").as_bytes()).map_err(|e| Msg::internal(format!("cannot write the caption for ffmpeg: {e}")))?;
        filters.push(drawtext(&font, file.path(), px, edits.text_style, top, area));
        files.push(file);
    }
    Ok(Some(Prepared { filters, _files: files }))
}

fn font_error(font: &Path, why: &str) -> Error {
    Msg::FontUnloadable { path: font.display().to_string(), detail: why.to_string() }.into()
}

/// One caption's drawtext: centred lines, at the top or the bottom of its area, a little in.
fn drawtext(font: &Path, text: &Path, px: u32, style: TextStyle, top: bool, area: Area) -> String {
    let pad = (px as f64 * 0.35).round() as u32;
    let y = if top { format!("{}", area.y + pad) } else { format!("{}-text_h-{pad}", area.y + area.height) };
    let x = format!("{}+({}-text_w)/2", area.x, area.width);
    let look = match style {
        TextStyle::Meme => format!("fontcolor=white:borderw={}:bordercolor=black", (px as f64 * 0.07).round().max(1.0)),
        TextStyle::Plain => format!("fontcolor=white:box=1:boxcolor=black@0.55:boxborderw={}", (px as f64 * 0.25).round().max(1.0)),
    };
    format!(
        "drawtext=fontfile={}:textfile={}:expansion=none:fontsize={px}:line_spacing={}:text_align=C:x={x}:y={y}:{look}",
        quote(&font.to_string_lossy()),
        quote(&text.to_string_lossy()),
        (px as f64 * 0.1).round()
    )
}

/// A drawn line's height per pixel of font size (Noto Sans CJK's ascent and descent, plus the spacing).
const LINE: f64 = 1.3;

/// The lines and the font size in pixels: as large as the style allows, smaller for long text,
/// so that every line fits 92 % of the width and the lines `share` of the height.
fn layout(text: &str, face: &ttf_parser::Face, style: TextStyle, width: u32, height: u32, share: f64) -> (Vec<String>, u32) {
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
        let lines = wrap(text, face, usable / px);
        // Big text may take two lines; smaller text up to four before it shrinks further.
        let allowed = if px > largest * 0.6 { 2 } else { 4 };
        if lines.len() <= allowed && lines.len() as f64 * px * LINE <= room || px <= smallest {
            return (lines, px.round().max(1.0) as u32);
        }
        px = (px * 0.9).max(smallest);
    }
}

/// Greedy wrapping at spaces (Korean and Latin), between any two Han or kana characters, and
/// inside a word only when it is wider than a line. `ems` is the line's width in font units.
fn wrap(text: &str, face: &ttf_parser::Face, ems: f64) -> Vec<String> {
    let em = |s: &str| s.chars().map(|c| advance(face, c)).sum::<f64>();
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

/// A character's width in ems; a missing glyph counts as one em (drawn as a box).
fn advance(face: &ttf_parser::Face, c: char) -> f64 {
    let per_em = face.units_per_em() as f64;
    face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(1.0, |a| a as f64 / per_em)
}

/// The fonts folder as bundled: beside the sidecars, or in the package's resource folder.
pub fn fonts_dir(sidecar_dir: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("GIFGRAB_FONT_DIR") {
        return PathBuf::from(dir);
    }
    let mut places = vec![sidecar_dir.join("fonts"), sidecar_dir.join("../Resources/fonts")];
    if let Some(prefix) = sidecar_dir.parent() {
        places.push(prefix.join("lib/gifgrab/fonts"));
    }
    places.iter().find(|p| p.join(BOLD).is_file()).cloned().unwrap_or_else(|| places.remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (lines, px) = layout("WHEN", &face, TextStyle::Meme, 480, 270, 0.4);
        assert_eq!((lines.len(), px), (1, 60), "{lines:?}: short text stays at the largest size");
        // Two lines take at most the caption's share of the height (2 × 60 px took 58 % of it).
        let (lines, px) = layout("WHEN THE CODE WORKS", &face, TextStyle::Meme, 480, 270, 0.4);
        assert!(lines.len() as f64 * px as f64 * LINE <= 108.0 + 1.0 && px >= 38, "{lines:?} at {px}");
        // A small video with both captions: each keeps to its 30 %.
        let (lines, px) = layout("WHEN THE CODE FINALLY WORKS", &face, TextStyle::Meme, 192, 108, 0.3);
        assert!(lines.len() as f64 * px as f64 * LINE <= 32.4 + 1.0, "{lines:?} at {px}");
        let (lines, _) = layout("HI", &face, TextStyle::Meme, 480, 270, 0.4);
        assert_eq!(lines, ["HI"]);
        let (lines, big) = layout("WHEN THE CODE WORKS ON THE FIRST TRY AND NOBODY IS AROUND TO SEE IT", &face, TextStyle::Meme, 480, 270, 0.4);
        assert!(lines.len() >= 2 && big < 60, "{lines:?} at {big}");
        for line in &lines {
            assert!(line.chars().map(|c| advance(&face, c)).sum::<f64>() * big as f64 <= 480.0 * 0.92 + 1.0, "{line}");
        }
        // Korean breaks at its spaces, Japanese between characters, a long word where it must.
        let (lines, _) = layout("이것은 아주 긴 한국어 자막입니다 정말로 길어요 그리고 더 길어요", &face, TextStyle::Meme, 320, 240, 0.4);
        assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')) && lines.len() > 1, "{lines:?}");
        assert!(lines.concat().replace(' ', "") == "이것은아주긴한국어자막입니다정말로길어요그리고더길어요");
        let (lines, _) = layout("とてもながいにほんごのじまくですよとてもながいにほんごのじまくですよ", &face, TextStyle::Plain, 240, 240, 0.4);
        assert!(lines.len() > 1, "{lines:?}");
        let (lines, _) = layout(&"W".repeat(80), &face, TextStyle::Meme, 200, 200, 0.4);
        assert!(lines.len() > 2, "{lines:?}");
        // The bundled font has Hangul: no box stands in for it.
        assert!(face.glyph_index('한').is_some() && face.glyph_index('あ').is_some() && face.glyph_index('漢').is_some());
    }
}
