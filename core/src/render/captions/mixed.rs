//! A caption with emoji: each line drawn as runs of the caption font and of the emoji font, side
//! by side on one baseline (drawtext draws with one font per filter, and falls back to none).

use super::layout::Faces;
use super::{look, text_file, Area, Prepared};
use crate::edits::TextStyle;
use crate::error::Result;
use crate::render::filters::quote;
use std::path::Path;

pub struct Fonts<'a> {
    pub main: &'a Path,
    pub emoji: &'a Path,
}

/// Without variation selectors, joiners and skin tones: an outline font draws each of them as a
/// glyph of its own (a sequence's parts then stand side by side, which still reads).
pub fn without_selectors(text: &str) -> String {
    text.chars().filter(|c| !matches!(*c, '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{1F3FB}'..='\u{1F3FF}')).collect()
}

/// The most drawtext filters one caption may take: each is a couple of hundred characters of
/// ffmpeg's command line (Windows allows 32,767 in all); past it, emoji are boxes again.
const MOST_RUNS: usize = 32;

/// Whether `lines` can be drawn as runs within that.
pub fn fits(lines: &[String], faces: &Faces) -> bool {
    lines.iter().map(|l| runs(l, faces).len()).sum::<usize>() <= MOST_RUNS
}

/// Adds the filters of `lines` (laid out at `px`) to `out`: centred, at the top or the bottom of
/// `area`, a little in, as the one-font caption is placed.
#[allow(clippy::too_many_arguments)]
pub fn draw(out: &mut Prepared, faces: &Faces, fonts: &Fonts, lines: &[String], px: u32, style: TextStyle, top: bool, area: Area) -> Result<()> {
    let size = f64::from(px);
    let pad = (size * 0.35).round();
    let step = size * faces.line_height();
    let (ascent, descent) = (size * 0.88, size * 0.22);
    let count = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let baseline = if top {
            f64::from(area.y) + pad + ascent + i as f64 * step
        } else {
            f64::from(area.y + area.height) - pad - descent - (count - 1 - i) as f64 * step
        };
        let width = line.chars().map(|c| faces.advance(c)).sum::<f64>() * size;
        let mut x = f64::from(area.x) + (f64::from(area.width) - width) / 2.0;
        if style == TextStyle::Plain {
            // One box behind the whole line, as the one-font caption's.
            let border = (size * 0.25).round();
            out.filters.push(format!(
                "drawbox=x={}:y={}:w={}:h={}:color=black@0.55:t=fill",
                (x - border).round(),
                (baseline - ascent - border).round(),
                (width + 2.0 * border).round(),
                (ascent + descent + 2.0 * border).round()
            ));
        }
        for (emoji, run) in runs(line, faces) {
            let file = text_file(&run)?;
            let font = if emoji { fonts.emoji } else { fonts.main };
            out.filters.push(format!(
                "drawtext=fontfile={}:textfile={}:expansion=none:fontsize={px}:x={}:y={}:y_align=baseline:{}",
                quote(&font.to_string_lossy()),
                quote(&file.path().to_string_lossy()),
                x.round(),
                baseline.round(),
                look(style, px, false)
            ));
            out._files.push(file);
            x += run.chars().map(|c| faces.advance(c)).sum::<f64>() * size;
        }
    }
    Ok(())
}

/// The line cut where the font changes: (from the emoji font, text).
fn runs(line: &str, faces: &Faces) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    for c in line.chars() {
        let emoji = faces.from_emoji(c);
        match out.last_mut() {
            Some((kind, run)) if *kind == emoji => run.push(c),
            _ => out.push((emoji, c.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_cut_where_the_font_changes() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../src-tauri/binaries/fonts");
        let (Ok(main), Ok(emoji)) = (std::fs::read(dir.join(super::super::BOLD)), std::fs::read(dir.join(super::super::EMOJI))) else {
            eprintln!("skipped: no bundled fonts (run cargo xtask setup)");
            return;
        };
        let (main, emoji) = (ttf_parser::Face::parse(&main, 0).unwrap(), ttf_parser::Face::parse(&emoji, 0).unwrap());
        let faces = Faces { main: &main, emoji: Some(&emoji) };
        let got = runs("좋아 😂👍 OK", &faces);
        assert_eq!(got, vec![(false, "좋아 ".to_string()), (true, "😂👍".to_string()), (false, " OK".to_string())]);
        assert_eq!(without_selectors("❤\u{FE0F} 👍\u{1F3FD} 👨\u{200D}👩"), "❤ 👍 👨👩");
        // Without the emoji font, nothing is cut out (the box stays in the caption font).
        assert_eq!(runs("a😂", &Faces { main: &main, emoji: None }), vec![(false, "a😂".to_string())]);
        // A caption that would take too many filters is not cut at all.
        assert!(fits(&["a😂".repeat(16)], &faces) && !fits(&["a😂".repeat(17)], &faces));
    }
}
