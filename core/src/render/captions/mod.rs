//! Captions: sized to the GIF's width and wrapped with the bundled font's own glyph widths,
//! then drawn by ffmpeg's drawtext in the one filter graph. The text reaches ffmpeg in a file,
//! so no user text is ever parsed as filter syntax.

use crate::edits::{Edits, TextStyle};
use crate::error::{Error, Msg, Result};
use crate::render::filters::quote;
use std::io::Write;
use std::path::{Path, PathBuf};

mod layout;
mod mixed;

use layout::{layout, Faces};

/// Regular for the plain style, Bold for the meme style: Noto Sans CJK covers Latin, Hangul, kana and Han.
pub const REGULAR: &str = "NotoSansCJK-Regular.ttc";
pub const BOLD: &str = "bold/NotoSansCJK-Bold.ttc";
/// The emoji Noto lacks, in outline (drawtext and libass draw no colour fonts).
pub const EMOJI: &str = "bold/Symbola.ttf";
/// Bold and the emoji: libass loads every font in the folder it is given.
pub const SUBTITLE_FONTS: &str = "bold";

/// Captions ready to draw: their filters and the text files those read (kept until dropped).
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
    // Without the emoji font (an older bundle) emoji are boxes, as they were.
    let emoji_font = fonts.join(EMOJI);
    let emoji_data = std::fs::read(&emoji_font).ok();
    let emoji_face = emoji_data.as_deref().and_then(|d| ttf_parser::Face::parse(d, 0).ok());
    let faces = Faces { main: &face, emoji: emoji_face.as_ref() };
    let mut out = Prepared { filters: Vec::new(), _files: Vec::new() };
    // Each caption's share of the height: two leave the middle of the picture clear.
    let both = !edits.text_top.trim().is_empty() && !edits.text_bottom.trim().is_empty();
    let share = if both { 0.3 } else { 0.4 };
    for (text, top) in [(&edits.text_top, true), (&edits.text_bottom, false)] {
        let text = mixed::without_selectors(text.trim());
        if text.is_empty() {
            continue;
        }
        let (lines, px) = layout(&text, &faces, edits.text_style, area.width, area.height, share);
        if lines.iter().flat_map(|l| l.chars()).any(|c| faces.from_emoji(c)) && mixed::fits(&lines, &faces) {
            let fonts = mixed::Fonts { main: &font, emoji: &emoji_font };
            mixed::draw(&mut out, &faces, &fonts, &lines, px, edits.text_style, top, area)?;
        } else {
            let file = text_file(&lines.join("\n"))?;
            out.filters.push(drawtext(&font, file.path(), px, edits.text_style, top, area));
            out._files.push(file);
        }
    }
    Ok(Some(out))
}

/// A caption's text in a file for drawtext's `textfile` (no user text in the filter's syntax).
fn text_file(text: &str) -> Result<tempfile::NamedTempFile> {
    let failed = |e: std::io::Error| Error::from(Msg::internal(format!("cannot write the caption for ffmpeg: {e}")));
    let mut file = tempfile::Builder::new().prefix("gifgrab-caption-").suffix(".txt").tempfile().map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    Ok(file)
}

fn font_error(font: &Path, why: &str) -> Error {
    Msg::FontUnloadable { path: font.display().to_string(), detail: why.to_string() }.into()
}

/// How a style looks in drawtext: the meme's white with a black outline, or white on a dark box.
fn look(style: TextStyle, px: u32, boxed: bool) -> String {
    match style {
        TextStyle::Meme => format!("fontcolor=white:borderw={}:bordercolor=black", (px as f64 * 0.07).round().max(1.0)),
        TextStyle::Plain if boxed => format!("fontcolor=white:box=1:boxcolor=black@0.55:boxborderw={}", (px as f64 * 0.25).round().max(1.0)),
        TextStyle::Plain => "fontcolor=white".to_string(),
    }
}

/// One caption's drawtext: centred lines, at the top or the bottom of its area, a little in.
fn drawtext(font: &Path, text: &Path, px: u32, style: TextStyle, top: bool, area: Area) -> String {
    let pad = (px as f64 * 0.35).round() as u32;
    let y = if top { format!("{}", area.y + pad) } else { format!("{}-text_h-{pad}", area.y + area.height) };
    let x = format!("{}+({}-text_w)/2", area.x, area.width);
    format!(
        "drawtext=fontfile={}:textfile={}:expansion=none:fontsize={px}:line_spacing={}:text_align=C:x={x}:y={y}:{}",
        quote(&font.to_string_lossy()),
        quote(&text.to_string_lossy()),
        (px as f64 * 0.1).round(),
        look(style, px, true)
    )
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

