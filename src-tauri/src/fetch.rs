//! yt-dlp: turns a page link into a title and a direct media URL (with the headers the site
//! wants), choosing a video-only rendition no bigger than needed. It never downloads: ffmpeg
//! then reads just the range from that URL.

use crate::error::{Error, Result};
use crate::probe::Input;
use crate::process::{CancelToken, Proc};
use crate::sidecars::Sidecars;
use std::io::Read;
use std::process::Command;

#[derive(Debug, Clone)]
pub struct Resolved {
    pub title: String,
    pub duration: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub is_live: bool,
    pub input: Input,
}

/// The yt-dlp arguments: no user config, no playlists, no downloads, the link after `--`;
/// `max_height` caps the rendition's shorter side.
pub fn args(sidecars: &Sidecars, url: &str, max_height: Option<u32>) -> Vec<String> {
    let mut a: Vec<String> = [
        "--ignore-config",
        "--no-playlist",
        "--no-progress",
        "--no-color",
        "--dump-single-json",
        "--socket-timeout",
        "20",
        "--retries",
        "2",
        "--extractor-retries",
        "1",
        // Video only when the site offers it: no audio bytes are fetched for a GIF.
        "--format",
        "bv/bv*/b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some(side) = max_height {
        // "res" is the shorter side, so portrait videos get a rendition as wide as asked.
        a.extend(["--format-sort".to_string(), format!("res:{side}")]);
    }
    a.push("--js-runtimes".into());
    a.push(format!("deno:{}", sidecars.deno.display()));
    a.push("--".into());
    a.push(url.into());
    a
}

pub fn resolve(sidecars: &Sidecars, url: &str, max_height: Option<u32>, cancel: &CancelToken) -> Result<Resolved> {
    let mut cmd = Command::new(&sidecars.ytdlp);
    cmd.args(args(sidecars, url, max_height));
    let mut proc = Proc::spawn("yt-dlp", cmd, cancel, true)?;
    let mut json = String::new();
    if let Some(mut out) = proc.stdout() {
        let _ = out.read_to_string(&mut json);
    }
    let (status, stderr) = proc.finish()?;
    if !status.success() || json.trim().is_empty() {
        return Err(classify(&stderr, status.code()));
    }
    parse(&json)
}

/// Reads the fields gifgrab needs from yt-dlp's JSON for the chosen format.
pub fn parse(json: &str) -> Result<Resolved> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| Error::Sidecar(format!("yt-dlp printed something unexpected ({e}). Reinstall gifgrab.")))?;
    // A merged pick lists its parts; the video part is what we read.
    let chosen = v
        .get("requested_formats")
        .and_then(|f| f.as_array())
        .and_then(|fs| fs.iter().find(|f| f.get("vcodec").and_then(|c| c.as_str()) != Some("none")))
        .unwrap_or(&v);
    let str_of = |o: &serde_json::Value, k: &str| o.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let num_of = |o: &serde_json::Value, k: &str| o.get(k).and_then(|x| x.as_f64()).filter(|x| x.is_finite() && *x > 0.0);
    let location = str_of(chosen, "url")
        .or_else(|| str_of(&v, "url"))
        .ok_or_else(|| Error::NoVideo("The site offers no video stream gifgrab can read for this link.".into()))?;
    if !(location.starts_with("http://") || location.starts_with("https://")) {
        return Err(Error::NoVideo("The site offers this video only in a form gifgrab cannot read.".into()));
    }
    if chosen.get("vcodec").and_then(|c| c.as_str()) == Some("none") {
        return Err(Error::NoVideo("This link has sound only, no video.".into()));
    }
    let headers = chosen
        .get("http_headers")
        .or_else(|| v.get("http_headers"))
        .and_then(|h| h.as_object())
        .map(|h| {
            h.iter()
                .filter_map(|(k, val)| val.as_str().map(|s| (k.clone(), s.to_string())))
                // Header values must not smuggle new lines into ffmpeg's -headers.
                .filter(|(k, s)| !k.contains(['\r', '\n', ':']) && !s.contains(['\r', '\n']))
                .collect()
        })
        .unwrap_or_default();
    let live = v.get("is_live").and_then(|x| x.as_bool()).unwrap_or(false)
        || matches!(str_of(&v, "live_status").as_deref(), Some("is_live" | "is_upcoming"));
    Ok(Resolved {
        title: str_of(&v, "title").filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "video".into()),
        duration: num_of(&v, "duration"),
        width: num_of(chosen, "width").map(|w| w as u32),
        height: num_of(chosen, "height").map(|h| h as u32),
        fps: num_of(chosen, "fps"),
        is_live: live,
        input: Input { location, headers, remote: true, plain_requests: false },
    })
}

/// Turns yt-dlp's complaint into the error a person can act on.
pub fn classify(stderr: &str, code: Option<i32>) -> Error {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("ERROR:"))
        .map(|l| l.trim_start_matches("ERROR:").trim().to_string())
        .unwrap_or_default();
    let l = line.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    if has(&["unsupported url"]) {
        Error::InvalidLink("gifgrab cannot find a video at this link: the site is not supported or the page has no video.".into())
    } else if has(&["sign in to confirm your age", "age-restricted", "age restricted", "inappropriate for some users"]) {
        Error::SignInRequired("This video is age-restricted: YouTube requires signing in to watch it. gifgrab cannot use your account yet.".into())
    } else if has(&["private video", "http error 403", "forbidden", "not available in your country", "blocked"]) {
        Error::Forbidden("This video is private or blocked: the site refused access (403). Check the link or ask its owner.".into())
    } else if has(&["sign in to confirm", "not a bot", "login required", "log in", "sign in", "members-only", "join this channel"]) {
        Error::SignInRequired("The site asks to sign in before showing this video. gifgrab cannot use your account yet; try another link.".into())
    } else if has(&["http error 404", "http error 410", "not found", "video unavailable", "has been removed", "does not exist", "no longer available", "terminated"]) {
        Error::NotFound("The video was not found: it may have been removed, or the link is wrong (404/410).".into())
    } else if has(&["this live event", "is live", "premieres in", "live stream"]) {
        Error::LiveStream("This is a live stream or a premiere that has not happened yet. Try again once it has ended.".into())
    } else if has(&["http error 429", "too many requests"]) {
        Error::Network("The site is rate-limiting requests (429). Wait a minute and try again.".into())
    } else if has(&["http error 5", "internal server error", "service unavailable", "bad gateway"]) {
        Error::Network("The video site had a server error (5xx). Try again in a moment.".into())
    } else if has(&[
        "unable to download", "urlopen error", "connection refused", "timed out", "name or service not known",
        "temporary failure in name resolution", "network is unreachable", "connection reset", "failed to resolve",
        "remote end closed", "nodename nor servname", "ssl",
    ]) {
        Error::Network("Could not reach the video site. Check your internet connection and try again.".into())
    } else if has(&["requested format is not available", "no video formats", "only images are available"]) {
        Error::NoVideo("The site offers no video stream gifgrab can read for this link.".into())
    } else if line.is_empty() {
        Error::Sidecar(format!(
            "yt-dlp stopped unexpectedly (exit {}). Reinstall gifgrab; in a source checkout run `cargo xtask setup`.",
            code.map(|c| c.to_string()).unwrap_or_else(|| "by a signal".into())
        ))
    } else {
        Error::NotFound(format!("The video could not be opened: {}", crate::clip::printable(&line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yt_dlp_errors_become_kinds() {
        let cases = [
            ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", "forbidden"),
            ("ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader", "not_found"),
            ("ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.", "sign_in_required"),
            ("ERROR: [youtube] abc: Sign in to confirm you\u{2019}re not a bot.", "sign_in_required"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 404: Not Found", "not_found"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 410: Gone", "not_found"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 403: Forbidden", "forbidden"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 500: Internal Server Error", "network"),
            ("ERROR: [generic] x: Unable to download webpage: [Errno 111] Connection refused", "network"),
            ("ERROR: Unsupported URL: https://example.com/", "invalid_link"),
            ("ERROR: [youtube] abc: This live event will begin in 3 hours.", "live_stream"),
            ("ERROR: [youtube] abc: Requested format is not available", "no_video"),
            ("", "sidecar"),
        ];
        for (stderr, kind) in cases {
            let e = classify(stderr, Some(1));
            assert_eq!(e.kind(), kind, "{stderr}: {e}");
            assert!(e.to_string().len() > 20);
        }
    }

    #[test]
    fn reads_the_chosen_format() {
        let json = r#"{"title":"A clip","duration":212.0,"is_live":false,
            "requested_formats":[{"url":"https://cdn/v.mp4","vcodec":"avc1","width":854,"height":480,"fps":30,
              "http_headers":{"User-Agent":"UA","Bad\nHeader":"x","Accept":"*/*"}},
              {"url":"https://cdn/a.m4a","vcodec":"none"}]}"#;
        let r = parse(json).unwrap();
        assert_eq!((r.title.as_str(), r.duration, r.width, r.height), ("A clip", Some(212.0), Some(854), Some(480)));
        assert_eq!(r.input.location, "https://cdn/v.mp4");
        assert!(r.input.headers.iter().all(|(k, _)| !k.contains('\n')));
        assert_eq!(r.input.headers.len(), 2);
        let live = r#"{"title":"x","url":"https://cdn/live.m3u8","is_live":true}"#;
        assert!(parse(live).unwrap().is_live);
        assert_eq!(parse(r#"{"title":"x","url":"file:///etc/passwd"}"#).unwrap_err().kind(), "no_video");
        assert_eq!(parse("garbage").unwrap_err().kind(), "sidecar");
    }

    #[test]
    fn the_link_always_follows_a_double_dash() {
        let s = Sidecars::in_dir(std::path::Path::new("/x"));
        let a = args(&s, "https://example.com/v", Some(480));
        assert_eq!(&a[a.len() - 2..], ["--", "https://example.com/v"]);
        assert!(a.contains(&"--ignore-config".to_string()) && a.contains(&"--no-playlist".to_string()));
        assert!(!a.iter().any(|x| x.starts_with("--exec")));
        assert!(a.windows(2).any(|w| w == ["--format-sort", "res:480"]));
    }
}
