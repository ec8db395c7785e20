//! The cache's requests to the media server: through the network guard, with the site's
//! headers, one bounded byte range at a time.

use super::store::Version;
use std::io::Read;

pub struct Upstream {
    agent: ureq::Agent,
    location: String,
    headers: Vec<(String, String)>,
}

/// An open answer to a range request: its body from `start` on.
pub struct Body {
    pub start: u64,
    /// The last byte asked for.
    pub end: u64,
    pub reader: Box<dyn Read + Send>,
}

/// Why a range could not be fetched: the server's status (mirrored to ffmpeg), or 0 for no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed(pub u16);

impl Upstream {
    /// `proxy`: the network guard's URL, which every request goes through.
    pub fn new(location: &str, headers: &[(String, String)], proxy: &str) -> Option<Upstream> {
        let agent = crate::source::guard::media_agent(proxy)?;
        Some(Upstream { agent, location: location.to_string(), headers: headers.to_vec() })
    }

    fn request(&self, method: &str, range: Option<(u64, u64)>) -> Result<ureq::http::Response<ureq::Body>, Failed> {
        let mut request = ureq::http::Request::builder().method(method).uri(&self.location);
        if let Some((from, to)) = range {
            request = request.header("Range", format!("bytes={from}-{to}"));
        }
        for (name, value) in &self.headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request.body(()).map_err(|_| Failed(0))?;
        self.agent.run(request).map_err(|_| Failed(0))
    }

    fn get(&self, from: u64, to: u64) -> Result<ureq::http::Response<ureq::Body>, Failed> {
        self.request("GET", Some((from, to)))
    }

    /// The file's version: a HEAD costs no bytes; a server that answers HEAD badly (a URL
    /// signed for GET only) is asked for one byte instead. None when the cache cannot serve it
    /// (no ranges, no length, an error, or a playlist whose entries name other URLs).
    pub fn version(&self) -> Option<(Version, Option<u8>)> {
        if let Ok(response) = self.request("HEAD", None) {
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let ranges = header("accept-ranges").is_some_and(|r| r.eq_ignore_ascii_case("bytes"));
            let total = header("content-length").and_then(|l| l.trim().parse::<u64>().ok());
            if let (200, true, Some(total)) = (response.status().as_u16(), ranges, total) {
                if total == 0 || !media_type(&header("content-type").unwrap_or_default()) {
                    return None;
                }
                return Some((Version { total, etag: header("etag"), last_modified: header("last-modified") }, None));
            }
        }
        let response = self.get(0, 0).ok()?;
        if response.status() != 206 {
            return None;
        }
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (start, total) = content_range(&header("content-range")?)?;
        if start != 0 || total == 0 || !media_type(&header("content-type").unwrap_or_default()) {
            return None;
        }
        let version = Version { total, etag: header("etag"), last_modified: header("last-modified") };
        let mut first = [0u8; 1];
        response.into_body().into_reader().read_exact(&mut first).ok()?;
        Some((version, Some(first[0])))
    }

    /// The first byte, when the version's answer did not bring it.
    pub fn first_byte(&self, version: &Version) -> Option<u8> {
        let mut first = [0u8; 1];
        self.range(0, 0, version).ok()?.reader.read_exact(&mut first).ok()?;
        Some(first[0])
    }

    /// Bytes `from..=to` of the file at `version`: any other answer is a failure, so a file
    /// that changed on the server is never mixed into the blocks of the old one.
    pub fn range(&self, from: u64, to: u64, version: &Version) -> Result<Body, Failed> {
        let response = self.get(from, to)?;
        let status = response.status().as_u16();
        if status != 206 {
            return Err(Failed(if status == 200 { 502 } else { status }));
        }
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let same = header("content-range").and_then(|r| content_range(&r)) == Some((from, version.total))
            && (version.etag.is_none() || header("etag") == version.etag)
            && (version.last_modified.is_none() || header("last-modified") == version.last_modified);
        if !same {
            return Err(Failed(502));
        }
        Ok(Body { start: from, end: to, reader: Box::new(response.into_body().into_reader()) })
    }
}

/// Not a playlist or a page: their entries must be fetched by ffmpeg itself.
fn media_type(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase();
    !(kind.contains("mpegurl") || kind.contains("dash+xml") || kind.starts_with("text/"))
}

/// Whether a file's first byte may start a playlist or a page (`#EXTM3U`, `<MPD`, `<html`):
/// video containers start otherwise (MP4 0x00, Matroska 0x1A, MPEG-TS 'G').
pub fn starts_like_text(first: u8) -> bool {
    matches!(first, b'#' | b'<')
}

/// `bytes START-END/TOTAL` → (START, TOTAL).
fn content_range(value: &str) -> Option<(u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (start, _) = span.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_ranges_are_read() {
        assert_eq!(super::content_range("bytes 0-0/1234"), Some((0, 1234)));
        assert_eq!(super::content_range("bytes 100-199/*"), None);
        assert_eq!(super::content_range("bytes */1234"), None);
    }
}
