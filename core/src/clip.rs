//! What the user asked for: the source (a link or a local file), the range and the options.
//! Pure parsing and validation, no I/O beyond checking that a local file exists.

use crate::error::{Error, Result};
use std::path::PathBuf;

pub const MIN_LENGTH: f64 = 0.1;
pub const MAX_LENGTH: f64 = 60.0;
pub const MAX_WIDTH: u32 = 1920;
pub const MAX_FPS: u32 = 50;

#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// An http(s) link, normalised (YouTube links become `https://www.youtube.com/watch?v=ID`).
    Url(String),
    /// An existing local file.
    File(PathBuf),
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Url(u) => u.clone(),
            Source::File(p) => p.display().to_string(),
        }
    }
}

/// A parsed source plus the start time the link itself carried (`t=`, `start=`, `#t=`).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSource {
    pub source: Source,
    pub start_hint: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Output width in pixels; 0 keeps the source width. Never upscaled.
    pub width: u32,
    pub fps: u32,
    pub quality: u8,
    pub loop_forever: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { width: 480, fps: 15, quality: 90, loop_forever: true }
    }
}

impl Options {
    pub fn validate(&self) -> Result<()> {
        if self.width > MAX_WIDTH {
            return Err(Error::InvalidOption(format!(
                "Width {} px is too large: the most is {MAX_WIDTH} px.",
                self.width
            )));
        }
        if self.width != 0 && self.width < 16 {
            return Err(Error::InvalidOption("Width must be at least 16 px.".into()));
        }
        if self.fps == 0 || self.fps > MAX_FPS {
            return Err(Error::InvalidOption(format!("Frame rate must be 1 to {MAX_FPS} frames per second.")));
        }
        if self.quality == 0 || self.quality > 100 {
            return Err(Error::InvalidOption("Quality must be 1 to 100.".into()));
        }
        Ok(())
    }
}

/// Checks the range on its own (the video's length is checked once it is known).
pub fn validate_range(start: f64, end: f64) -> Result<()> {
    if !(start.is_finite() && end.is_finite()) || start < 0.0 {
        return Err(Error::InvalidTime("Start and end must be times of 0 or more.".into()));
    }
    let length = end - start;
    if length <= 0.0 {
        return Err(Error::EndBeforeStart(format!(
            "The end ({}) must be after the start ({}).",
            format_time(end),
            format_time(start)
        )));
    }
    if length < MIN_LENGTH - 1e-9 {
        return Err(Error::RangeTooShort(format!(
            "The clip is {length:.2} s long; it must be at least {MIN_LENGTH} s."
        )));
    }
    if length > MAX_LENGTH + 1e-9 {
        return Err(Error::RangeTooLong(format!(
            "The clip is {length:.1} s long; a GIF can be at most {MAX_LENGTH:.0} s. Pick a shorter range."
        )));
    }
    Ok(())
}

/// Parses `83`, `83.25`, `1:23`, `1:23.5`, `1:02:03.5` (and a trailing `s`) into seconds.
pub fn parse_time(text: &str) -> Result<f64> {
    let t = text.trim();
    let bad = || {
        Error::InvalidTime(format!(
            "\"{}\" is not a time. Use seconds (83.5), m:ss (1:23.5) or h:mm:ss (1:01:23).",
            printable(t)
        ))
    };
    let t = t.strip_suffix('s').unwrap_or(t);
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

/// Parses what the user pasted or dropped: a link or a local file path.
pub fn parse_source(text: &str) -> Result<ParsedSource> {
    let raw = text.trim().trim_matches(|c| c == '<' || c == '>' || c == '"' || c == '\'').trim();
    if raw.is_empty() {
        return Err(Error::InvalidLink("Paste a video link or choose a video file.".into()));
    }
    if raw.chars().any(char::is_control) {
        return Err(Error::InvalidLink("The link contains control characters; paste it again.".into()));
    }
    // Never let input look like an option to yt-dlp or ffmpeg.
    if raw.starts_with('-') {
        return Err(Error::InvalidLink(format!("\"{}\" is not a link or a file.", printable(raw))));
    }
    let lower = raw.to_ascii_lowercase();
    if lower.starts_with("file://") {
        // The platform's own reading of a file URL (`file:///C:/x.mp4` is `C:\x.mp4` on Windows).
        let path = url::Url::parse(raw).ok().and_then(|u| u.to_file_path().ok());
        let path = path.map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|| percent_decode(&raw[7..]));
        return local_file(&path);
    }
    // A scheme is letters, digits, `+`, `-` and `.` before `://`, never a `://` later in a query.
    let scheme_end = raw.find("://").filter(|&i| {
        let scheme = &raw[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if let Some(scheme_end) = scheme_end {
        let scheme = &lower[..scheme_end];
        if scheme != "http" && scheme != "https" {
            return Err(Error::InvalidLink(format!(
                "\"{scheme}\" links are not supported: use an http or https link or a local file."
            )));
        }
        return parse_url(raw);
    }
    if looks_like_host(raw) {
        return parse_url(&format!("https://{raw}"));
    }
    local_file(raw)
}

fn parse_url(raw: &str) -> Result<ParsedSource> {
    let url = url::Url::parse(raw)
        .map_err(|e| Error::InvalidLink(format!("This link is malformed ({e}). Check it and paste it again.")))?;
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_ascii_lowercase(),
        _ => return Err(Error::InvalidLink("This link has no host name.".into())),
    };
    if let Some(yt) = youtube(&url, &host)? {
        return Ok(yt);
    }
    let start_hint = url.fragment().and_then(|f| f.strip_prefix("t=")).and_then(parse_offset);
    let mut clean = url.clone();
    clean.set_fragment(None);
    Ok(ParsedSource { source: Source::Url(clean.into()), start_hint })
}

const YOUTUBE_HOSTS: &[&str] = &[
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
];

/// Recognises every common YouTube link form and normalises it to a watch link.
fn youtube(url: &url::Url, host: &str) -> Result<Option<ParsedSource>> {
    let segments: Vec<&str> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    let query = |key: &str| url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let id = if host == "youtu.be" {
        segments.first().map(|s| s.to_string())
    } else if YOUTUBE_HOSTS.contains(&host) {
        match segments.as_slice() {
            ["watch", ..] => query("v"),
            ["shorts" | "embed" | "live" | "v" | "e", id, ..] => Some(id.to_string()),
            _ => None,
        }
    } else {
        return Ok(None);
    };
    let id = id.ok_or_else(|| {
        Error::InvalidLink("This YouTube link does not point at a video. Copy the link of the video itself.".into())
    })?;
    let valid = id.len() == 11 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(Error::InvalidLink(format!(
            "\"{}\" is not a YouTube video id; check the link.",
            printable(&id)
        )));
    }
    let start_hint = query("t")
        .or_else(|| query("start"))
        .or_else(|| url.fragment().and_then(|f| f.strip_prefix("t=")).map(str::to_string))
        .and_then(|t| parse_offset(&t));
    Ok(Some(ParsedSource { source: Source::Url(format!("https://www.youtube.com/watch?v={id}")), start_hint }))
}

/// YouTube-style offsets: `90`, `90s`, `1m30s`, `1h2m3s`, and also `1:30`.
fn parse_offset(text: &str) -> Option<f64> {
    if let Ok(t) = parse_time(text) {
        return Some(t);
    }
    let mut total = 0.0;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' | '.' => number.push(c),
            'h' | 'm' | 's' => {
                let v: f64 = number.parse().ok()?;
                total += v * match c {
                    'h' => 3600.0,
                    'm' => 60.0,
                    _ => 1.0,
                };
                number.clear();
            }
            _ => return None,
        }
    }
    (number.is_empty() && total.is_finite()).then_some(total)
}

/// Whether a link is YouTube's (for messages that name the site).
pub fn is_youtube(link: &str) -> bool {
    url::Url::parse(link).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).is_some_and(|h| {
        YOUTUBE_HOSTS.contains(&h.as_str()) || h == "youtu.be"
    })
}

const MEDIA_EXTENSIONS: &[&str] = &["mp4", "m4v", "mov", "webm", "mkv", "m3u8", "ts", "avi", "flv", "ogv", "mpg", "mpeg"];

/// A link straight to a media file or HLS playlist (judged by its path's extension).
pub fn is_direct_media(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else { return false };
    let name = u.path_segments().and_then(|mut s| s.next_back()).unwrap_or("");
    name.rsplit_once('.').is_some_and(|(_, ext)| MEDIA_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// A title for a direct link: the file name without its extension.
pub fn title_from_url(url: &str) -> String {
    let name = url::Url::parse(url)
        .ok()
        .and_then(|u| u.path_segments().and_then(|mut s| s.next_back()).map(percent_decode))
        .unwrap_or_default();
    let stem = name.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap_or(name);
    // An HLS playlist is usually "index" or "master": its folder names it better.
    let generic = ["index", "master", "playlist", "prog_index", "video", ""];
    if generic.contains(&stem.to_ascii_lowercase().as_str()) {
        if let Some(folder) = url::Url::parse(url).ok().and_then(|u| {
            let segs: Vec<String> = u.path_segments()?.map(percent_decode).collect();
            segs.len().checked_sub(2).map(|i| segs[i].clone())
        }) {
            if !folder.is_empty() {
                return folder;
            }
        }
        return "video".into();
    }
    stem
}

fn looks_like_host(raw: &str) -> bool {
    let first = raw.split('/').next().unwrap_or("");
    !raw.starts_with('/')
        && !raw.starts_with('.')
        && !raw.starts_with('~')
        && first.contains('.')
        && !std::path::Path::new(raw).exists()
        && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
        && first.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

fn local_file(raw: &str) -> Result<ParsedSource> {
    let expanded = match raw.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest)).unwrap_or_else(|| raw.into()),
        None => PathBuf::from(raw),
    };
    match std::fs::metadata(&expanded) {
        Ok(m) if m.is_file() => {
            let path = std::fs::canonicalize(&expanded).unwrap_or(expanded);
            Ok(ParsedSource { source: Source::File(path), start_hint: None })
        }
        Ok(_) => Err(Error::InvalidLink(format!("{} is a folder, not a video file.", expanded.display()))),
        Err(_) => Err(Error::InvalidLink(format!(
            "\"{}\" is neither a link nor an existing file. Paste an http(s) link or pick a video file.",
            printable(raw)
        ))),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Shortens and de-controls user text before quoting it back in a message.
pub fn printable(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 80 {
        format!("{}…", clean.chars().take(80).collect::<String>())
    } else {
        clean
    }
}

#[cfg(test)]
#[path = "clip_tests.rs"]
mod tests;
