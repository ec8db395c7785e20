//! yt-dlp: turns a page link into a title and a direct media URL (with the headers the site
//! wants), choosing the rendition that fits the GIF. It never downloads: ffmpeg then reads
//! just the range from that URL.

use crate::source::cookies::SignIn;
use crate::error::{Doing, Msg, Result};
use crate::source::input::Input;
use crate::source::subtitles::{SubFrom, SubTrack};
use crate::os::process::{CancelToken, Proc};
use crate::tools::sidecars::Sidecars;
use std::io::Read;
use std::process::Command;

/// The GIF a rendition must cover, and how to sign in to the site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fit {
    /// The GIF's width in pixels (0: the source's, up to the width cap).
    pub width: u32,
    pub fps: u32,
    pub sign_in: SignIn,
}

impl Fit {
    /// Whether a rendition chosen for `self` also serves `other` (same sort, same sign-in).
    pub fn same_rendition(&self, other: &Fit) -> bool {
        format_sort(self.width, self.fps) == format_sort(other.width, other.fps) && self.sign_in == other.sign_in
    }
}

/// What a look-up is for: the link, and the GIF the rendition must cover.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lookup {
    pub url: String,
    pub fit: Fit,
}

#[derive(Debug, Clone)]
pub struct Resolved {
    pub title: String,
    pub duration: Option<f64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fps: Option<f64>,
    pub is_live: bool,
    /// A live event or premiere that has not begun (some list formats already).
    pub upcoming: bool,
    pub transfer: crate::source::input::Transfer,
    pub input: Input,
    pub subtitles: Vec<SubTrack>,
    /// The site's thumbnails for a timeline, when it lists them.
    pub storyboard: Option<crate::source::storyboard::Storyboard>,
    /// The part of the video a clip link names: (start, end) in seconds.
    pub section: Option<(f64, f64)>,
    /// The video's own size: its largest rendition (the chosen one may be smaller).
    pub full: Option<(u32, u32)>,
}

/// The rendition order, most important first (yt-dlp's own order follows for ties):
/// - `+hdr`: lowest dynamic range first, so SDR beats HDR (HDR only when nothing else exists);
/// - `+width:W`: the smallest rendition at least as wide as the GIF (any aspect: the width
///   decides whether it covers), else the widest below: the width asked for comes first, as
///   YouTube offers 60 fps videos at 30 fps only up to 480p;
/// - `+fps:N`: among those, the fewest frames per second that still give the GIF's N (30 over
///   60 for 15 fps);
/// - `proto`: a direct https file before an HLS or DASH manifest;
/// - `+res:W`: the smallest by the shorter side, for sites that state heights only.
pub fn format_sort(width: u32, fps: u32) -> String {
    let w = if width == 0 { crate::spec::MAX_WIDTH } else { width.min(crate::spec::MAX_WIDTH) };
    format!("+hdr,+width:{w},+fps:{},proto,+res:{w}", fps.max(1))
}

/// The yt-dlp arguments: no user config, no playlists, no downloads, every request through
/// `proxy` (the network guard), the link after `--`.
pub fn args(sidecars: &Sidecars, lookup: &Lookup, proxy: &str) -> Vec<String> {
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
    a.extend(["--format-sort".to_string(), format_sort(lookup.fit.width, lookup.fit.fps)]);
    a.push("--js-runtimes".into());
    a.push(format!("deno:{}", sidecars.deno.display()));
    // The user's own plugins (PO-token providers) load as yt-dlp would load them; extra
    // folders (tests, gifgrab's data folder) come on top.
    let extra = plugin_dirs();
    if !extra.is_empty() {
        a.extend(["--plugin-dirs".to_string(), "default".to_string()]);
    }
    for dir in extra {
        a.extend(["--plugin-dirs".to_string(), dir]);
    }
    a.extend(lookup.fit.sign_in.args());
    a.extend(["--proxy".to_string(), proxy.to_string()]);
    a.push("--".into());
    a.push(lookup.url.clone());
    a
}

/// Extra plugin folders: `GIFGRAB_YTDLP_PLUGIN_DIRS` (path list).
fn plugin_dirs() -> Vec<String> {
    std::env::var_os("GIFGRAB_YTDLP_PLUGIN_DIRS")
        .map(|v| std::env::split_paths(&v).map(|p| p.to_string_lossy().into_owned()).filter(|p| !p.is_empty()).collect())
        .unwrap_or_default()
}

pub fn resolve(sidecars: &Sidecars, lookup: &Lookup, cancel: &CancelToken) -> Result<Resolved> {
    match (resolve_with(sidecars, lookup, cancel), sidecars.bundled_fallback()) {
        // An updated yt-dlp that no longer starts must not cost the user video support.
        (Err(e), Some(bundled)) if e.kind() == "sidecar" => resolve_with(&bundled, lookup, cancel),
        (result, _) => result,
    }
}

fn resolve_with(sidecars: &Sidecars, lookup: &Lookup, cancel: &CancelToken) -> Result<Resolved> {
    let sign_in = lookup.fit.sign_in.prepared()?;
    let lookup = Lookup { url: lookup.url.clone(), fit: Fit { sign_in: sign_in.sign_in().clone(), ..lookup.fit.clone() } };
    // yt-dlp fetches pages, iframes and manifests wherever a page points: through the same
    // guard as ffmpeg (the user's link's server and public hosts only), its TCP confined to it.
    let guard = crate::source::guard::Guard::start(&lookup.url).map_err(|e| Msg::internal(format!("starting the network guard: {e}")))?;
    let mut cmd = Command::new(&sidecars.ytdlp);
    cmd.env_remove("no_proxy").env_remove("NO_PROXY");
    crate::os::sandbox::confine_tcp(&mut cmd, Some(guard.port()));
    cmd.args(args(sidecars, &lookup, &guard.proxy_url()));
    let mut proc = Proc::spawn("yt-dlp", cmd, cancel, true)?;
    let mut json = String::new();
    if let Some(mut out) = proc.stdout() {
        let _ = out.read_to_string(&mut json);
    }
    let (status, stderr) = proc.finish()?;
    if !status.success() || json.trim().is_empty() {
        // The guard's refusals explain a failure better than yt-dlp's "HTTP Error 403".
        if let Some(refusal) = crate::source::guard::refusal(&guard.report(), Doing::OpenPage) {
            return Err(refusal);
        }
        return Err(crate::source::walls::classify(&stderr, status.code(), &lookup.fit.sign_in));
    }
    parse(&json)
}

/// yt-dlp's JSON: only the fields gifgrab reads.
#[derive(Debug, Default, serde::Deserialize)]
struct Info {
    title: Option<String>,
    /// The site's and the video's names, for the byte cache's key.
    id: Option<String>,
    extractor_key: Option<String>,
    duration: Option<f64>,
    /// A clip's part of its video (YouTube's /clip/ links), in seconds.
    section_start: Option<f64>,
    section_end: Option<f64>,
    is_live: Option<bool>,
    live_status: Option<String>,
    requested_formats: Option<Vec<Format>>,
    #[serde(flatten)]
    format: Format,
    /// Subtitle files by language: the site's own, and its speech recognition's.
    #[serde(default)]
    subtitles: std::collections::BTreeMap<String, Vec<SubFile>>,
    #[serde(default)]
    automatic_captions: std::collections::BTreeMap<String, Vec<SubFile>>,
    /// Every format on offer, read one by one (for the storyboard): one odd entry spoils nothing.
    #[serde(default)]
    formats: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
struct SubFile {
    ext: Option<String>,
    url: Option<String>,
    name: Option<String>,
    http_headers: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

/// One track per language, in a form ffmpeg reads (WebVTT first; YouTube's own srv and json3
/// forms are not subtitle files ffmpeg knows).
fn tracks(listed: &std::collections::BTreeMap<String, Vec<SubFile>>, auto: bool) -> Vec<SubTrack> {
    listed
        .iter()
        .filter(|(lang, _)| lang.as_str() != "live_chat")
        .filter_map(|(lang, files)| {
            let file = ["vtt", "srt", "ass"].iter().find_map(|ext| files.iter().find(|f| f.ext.as_deref() == Some(ext)))?;
            let url = file.url.clone().filter(|u| u.starts_with("http://") || u.starts_with("https://"))?;
            let headers = file.http_headers.as_ref().map(clean_headers).unwrap_or_default();
            let name = file.name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| lang.clone());
            Some(SubTrack { lang: lang.clone(), name, auto, from: SubFrom::Url { url, headers } })
        })
        .collect()
}

/// Header values must not smuggle new lines into ffmpeg's -headers.
pub(crate) fn clean_headers(h: &std::collections::BTreeMap<String, serde_json::Value>) -> Vec<(String, String)> {
    h.iter()
        .filter_map(|(k, val)| val.as_str().map(|s| (k.clone(), s.to_string())))
        .filter(|(k, s)| !k.contains(['\r', '\n', ':']) && !s.contains(['\r', '\n']))
        .collect()
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
struct Format {
    format_id: Option<String>,
    url: Option<String>,
    vcodec: Option<String>,
    width: Option<f64>,
    height: Option<f64>,
    fps: Option<f64>,
    /// When the media host starts answering (a pre-roll ad's length ahead), Unix seconds.
    available_at: Option<f64>,
    dynamic_range: Option<String>,
    http_headers: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

/// Reads the fields gifgrab needs from yt-dlp's JSON for the chosen format.
pub fn parse(json: &str) -> Result<Resolved> {
    let info: Info = serde_json::from_str(json)
        .map_err(|e| Msg::YtdlpGarbled { detail: e.to_string() })?;
    let parts = info.requested_formats.clone().unwrap_or_default();
    // A merged pick lists its parts; the video part is what we read.
    let chosen = parts.iter().find(|f| f.vcodec.as_deref() != Some("none")).cloned().unwrap_or_else(|| info.format.clone());
    let location = chosen
        .url
        .clone()
        .or_else(|| info.format.url.clone())
        .ok_or(Msg::SiteNoStream)?;
    if !(location.starts_with("http://") || location.starts_with("https://")) {
        return Err(Msg::SiteFormUnreadable.into());
    }
    if chosen.vcodec.as_deref() == Some("none") {
        return Err(Msg::SoundOnlyLink.into());
    }
    let headers = chosen.http_headers.as_ref().or(info.format.http_headers.as_ref()).map(clean_headers).unwrap_or_default();
    // Every part must be available before the first request: the latest time counts.
    let available_at = parts.iter().chain([&info.format, &chosen]).filter_map(|f| f.available_at).filter(|t| t.is_finite()).reduce(f64::max);
    let live = info.is_live.unwrap_or(false) || matches!(info.live_status.as_deref(), Some("is_live"));
    let upcoming = info.live_status.as_deref() == Some("is_upcoming");
    let positive = |x: Option<f64>| x.filter(|x| x.is_finite() && *x > 0.0);
    let expires_at = expiry_of(&location);
    let cache_key = cache_key(&info, &chosen);
    let section = match (info.section_start, info.section_end) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() && a >= 0.0 && b > a => Some((a, b)),
        _ => None,
    };
    Ok(Resolved {
        title: info.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| "video".into()),
        // With a clip's part yt-dlp states the part's length: the video's comes from the stream.
        duration: positive(info.duration).filter(|_| section.is_none()),
        width: positive(chosen.width).map(|w| w as u32),
        height: positive(chosen.height).map(|h| h as u32),
        fps: positive(chosen.fps),
        is_live: live,
        upcoming,
        transfer: chosen.dynamic_range.as_deref().map(crate::source::input::Transfer::from_words).unwrap_or_default(),
        input: Input { location, headers, remote: true, available_at, expires_at, cache_key, ..Input::default() },
        subtitles: tracks(&info.subtitles, false).into_iter().chain(tracks(&info.automatic_captions, true)).collect(),
        storyboard: crate::source::storyboard::pick(
            &info.formats.iter().filter_map(|f| serde_json::from_value(f.clone()).ok()).collect::<Vec<_>>(),
        ),
        section,
        full: largest(&info.formats),
    })
}

/// The width and height of the largest rendition with a picture (never a storyboard's sheets).
fn largest(formats: &[serde_json::Value]) -> Option<(u32, u32)> {
    let size = |f: &serde_json::Value| -> Option<(u32, u32)> {
        let moving = f["vcodec"].as_str() != Some("none") && f["format_note"].as_str() != Some("storyboard") && f["ext"].as_str() != Some("mhtml");
        let side = |k: &str| f[k].as_f64().filter(|v| v.is_finite() && *v >= 1.0 && *v <= 65535.0).map(|v| v as u32);
        moving.then(|| Some((side("width")?, side("height")?))).flatten()
    };
    formats.iter().filter_map(size).max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
}

/// One rendition of one video on one site, whatever URL it is signed with today. The generic
/// extractor names videos after their files (two sites' `clip.mp4` alike): the URL says it there.
fn cache_key(info: &Info, chosen: &Format) -> Option<String> {
    let site = info.extractor_key.as_deref().filter(|k| !k.is_empty() && *k != "Generic")?;
    let id = info.id.as_deref().filter(|i| !i.is_empty())?;
    let format = chosen.format_id.as_deref().or(info.format.format_id.as_deref()).filter(|f| !f.is_empty())?;
    Some(format!("{site}\n{id}\n{format}"))
}

/// The Unix time a signed media URL stops working: `expire=` in its query, or the
/// `/expire/N/` path form of YouTube's manifests.
pub fn expiry_of(location: &str) -> Option<u64> {
    let url = url::Url::parse(location).ok()?;
    if let Some((_, v)) = url.query_pairs().find(|(k, _)| k == "expire") {
        return v.parse().ok();
    }
    let segments: Vec<&str> = url.path_segments()?.collect();
    segments.windows(2).find(|w| w[0] == "expire").and_then(|w| w[1].parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_chosen_format() {
        let json = r#"{"title":"A clip","duration":212.0,"is_live":false,
            "requested_formats":[{"url":"https://cdn/v.mp4?expire=1900000000&x=1","vcodec":"avc1","width":854,"height":480,"fps":30,
              "available_at":1800000005,
              "http_headers":{"User-Agent":"UA","Bad\nHeader":"x","Accept":"*/*"}},
              {"url":"https://cdn/a.m4a","vcodec":"none","available_at":1800000007}]}"#;
        let r = parse(json).unwrap();
        assert_eq!((r.title.as_str(), r.duration, r.width, r.height), ("A clip", Some(212.0), Some(854), Some(480)));
        assert_eq!(r.input.location, "https://cdn/v.mp4?expire=1900000000&x=1");
        assert!(r.input.headers.iter().all(|(k, _)| !k.contains('\n')));
        assert_eq!(r.input.headers.len(), 2);
        assert_eq!(r.input.available_at, Some(1800000007.0));
        assert_eq!(r.input.expires_at, Some(1900000000));
        let live = r#"{"title":"x","url":"https://cdn/live.m3u8","is_live":true}"#;
        assert!(parse(live).unwrap().is_live);
        let soon = r#"{"title":"x","url":"https://cdn/soon.m3u8","live_status":"is_upcoming"}"#;
        assert!(parse(soon).unwrap().upcoming && !parse(soon).unwrap().is_live);
        assert_eq!(parse(r#"{"title":"x","url":"file:///etc/passwd"}"#).unwrap_err().kind(), "no_video");
        assert_eq!(parse("garbage").unwrap_err().kind(), "sidecar");
        let single = r#"{"title":"x","url":"https://r1.googlevideo.com/videoplayback/expire/1700000000/id/5/file.m3u8","available_at":17e8}"#;
        let r = parse(single).unwrap();
        assert_eq!((r.input.expires_at, r.input.available_at), (Some(1700000000), Some(1.7e9)));
    }

    #[test]
    fn the_videos_own_size_is_its_largest_picture() {
        let json = r#"{"title":"x","url":"https://cdn/v.mp4","vcodec":"avc1","width":640,"height":360,"formats":[
            {"format_id":"sb0","format_note":"storyboard","ext":"mhtml","width":3200,"height":1800,"vcodec":"none"},
            {"format_id":"140","vcodec":"none","acodec":"mp4a"},
            {"format_id":"134","vcodec":"avc1","width":640,"height":360},
            {"format_id":"136","vcodec":"avc1","width":1280,"height":720},
            {"format_id":"odd","vcodec":"avc1","width":"wide","height":-1}]}"#;
        assert_eq!(parse(json).unwrap().full, Some((1280, 720)));
        assert_eq!(parse(r#"{"title":"x","url":"https://cdn/v.mp4"}"#).unwrap().full, None);
    }

    #[test]
    fn the_sort_states_each_rule() {
        assert_eq!(format_sort(480, 15), "+hdr,+width:480,+fps:15,proto,+res:480");
        // "The source's width" still stops at the width cap.
        assert_eq!(format_sort(0, 30), "+hdr,+width:1920,+fps:30,proto,+res:1920");
    }

    #[test]
    fn the_link_always_follows_a_double_dash() {
        let s = Sidecars::in_dir(std::path::Path::new("/x"));
        let lookup = Lookup { url: "https://example.com/v".into(), fit: Fit { width: 480, fps: 15, ..Default::default() } };
        let a = args(&s, &lookup, "http://127.0.0.1:9");
        assert_eq!(&a[a.len() - 2..], ["--", "https://example.com/v"]);
        assert!(a.contains(&"--ignore-config".to_string()) && a.contains(&"--no-playlist".to_string()));
        assert!(!a.iter().any(|x| x.starts_with("--exec") || x.starts_with("--cookies")));
        assert!(a.windows(2).any(|w| w == ["--format-sort", "+hdr,+width:480,+fps:15,proto,+res:480"]));
        assert!(a.windows(2).any(|w| w == ["--proxy", "http://127.0.0.1:9"]));
    }
}
