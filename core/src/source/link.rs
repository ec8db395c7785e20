//! What the user pasted or dropped: a link (YouTube's forms normalised) or a local file.
//! Pure parsing, no I/O beyond checking that a local file exists.

use crate::error::{Msg, Result};
use crate::spec::parse_time;
use std::path::PathBuf;

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

/// Parses what the user pasted or dropped: a link or a local file path.
pub fn parse_source(text: &str) -> Result<ParsedSource> {
    let raw = text.trim().trim_matches(|c| c == '<' || c == '>' || c == '"' || c == '\'').trim();
    if raw.is_empty() {
        return Err(Msg::NoSource.into());
    }
    if raw.chars().any(char::is_control) {
        return Err(Msg::LinkControlChars.into());
    }
    // Never let input look like an option to yt-dlp or ffmpeg.
    if raw.starts_with('-') {
        return Err(Msg::NotLinkOrFile { text: raw.to_string() }.into());
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
            return Err(Msg::SchemeUnsupported { scheme: scheme.to_string() }.into());
        }
        return parse_url(raw);
    }
    if looks_like_host(raw) {
        return parse_url(&format!("https://{raw}"));
    }
    local_file(raw)
}

fn parse_url(raw: &str) -> Result<ParsedSource> {
    let mut url = url::Url::parse(raw)
        .map_err(|e| Msg::LinkMalformed { detail: e.to_string() })?;
    // A link copied from search results, a consent page or a share wrapper carries the video's.
    for _ in 0..3 {
        match unwrapped(&url) {
            Some(inner) => url = inner,
            None => break,
        }
    }
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.to_ascii_lowercase(),
        _ => return Err(Msg::NoHost.into()),
    };
    if let Some(yt) = youtube(&url, &host)? {
        return Ok(yt);
    }
    let start_hint = url.fragment().and_then(|f| f.strip_prefix("t=")).and_then(parse_offset);
    let mut clean = url.clone();
    clean.set_fragment(None);
    Ok(ParsedSource { source: Source::Url(clean.into()), start_hint })
}

/// The link inside a redirect wrapper: Google's `/url?q=`, YouTube's `/redirect?q=`, its
/// consent page's `continue=`, its `attribution_link?u=` (a path), Facebook's `l.php?u=`.
fn unwrapped(url: &url::Url) -> Option<url::Url> {
    let host = url.host_str()?.to_ascii_lowercase();
    let path = url.path();
    // google.com, www.google.co.kr: a country's domain after it, never google.evil.example.
    let google = host.trim_start_matches("www.").strip_prefix("google.").is_some_and(|tld| {
        let parts: Vec<&str> = tld.split('.').collect();
        parts.len() <= 2 && parts.iter().all(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()))
    });
    let key = match () {
        _ if google && path == "/url" => ["q", "url"].as_slice(),
        _ if YOUTUBE_HOSTS.contains(&host.as_str()) && path == "/redirect" => &["q"],
        _ if YOUTUBE_HOSTS.contains(&host.as_str()) && path == "/attribution_link" => &["u"],
        _ if host == "consent.youtube.com" || host == "consent.google.com" => &["continue"],
        _ if matches!(host.as_str(), "l.facebook.com" | "lm.facebook.com" | "l.messenger.com") && path == "/l.php" => &["u"],
        _ => return None,
    };
    let inner = key.iter().find_map(|k| url.query_pairs().find(|(name, _)| name == k).map(|(_, v)| v.into_owned()))?;
    // An attribution link's target is a path on YouTube itself.
    let inner = url.join(&inner).ok()?;
    // The guard lets the user's own link reach this computer or the local network; a link the
    // user never saw does not get that for an address or a local name (a public-looking name
    // that resolves nearby still would, as if pasted).
    let nearby = match inner.host() {
        Some(url::Host::Ipv4(ip)) => !crate::source::guard::is_public(ip.into()),
        Some(url::Host::Ipv6(ip)) => !crate::source::guard::is_public(ip.into()),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !name.contains('.') || [".localhost", ".local", ".lan", ".home", ".internal", ".home.arpa", ".localdomain"].iter().any(|s| name.ends_with(s))
        }
        None => true,
    };
    (matches!(inner.scheme(), "http" | "https") && !nearby).then_some(inner)
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
            // A clip is a part of a video: yt-dlp finds which, and where it begins and ends.
            ["clip", _, ..] => return Ok(None),
            ["watch", ..] => query("v"),
            ["shorts" | "embed" | "live" | "v" | "e", id, ..] => Some(id.to_string()),
            _ => None,
        }
    } else {
        return Ok(None);
    };
    let id = id.ok_or(Msg::YoutubeNoVideo)?;
    let valid = id.len() == 11 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(Msg::YoutubeBadId { id }.into());
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
        Ok(_) => Err(Msg::FolderNotVideo { path: expanded.display().to_string() }.into()),
        Err(_) => Err(Msg::NoSuchFile { text: raw.to_string() }.into()),
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

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
