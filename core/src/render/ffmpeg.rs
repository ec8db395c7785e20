//! ffmpeg's side of things that are not decoding: input options (what it may open, how it
//! retries), a quick look at a stream's facts, and reading its error messages.

use crate::error::{Doing, Error, Msg, Result};
use crate::source::guard::Guard;
use crate::source::input::Input;
pub use crate::source::input::Transfer;
use crate::os::process::{CancelToken, Proc};
use crate::tools::sidecars::Sidecars;
use std::process::Command;

/// The largest source frame gifgrab decodes: 8K and a little more. A hostile file claiming
/// 60000×60000 would otherwise make ffmpeg allocate gigabytes per frame.
pub const MAX_SOURCE_PIXELS: u64 = 40_000_000;

/// How one ffmpeg run reaches its input: the network guard every remote request goes through
/// and, for a file whose server answers ranges, the byte cache in front of it. Keep it alive
/// as long as ffmpeg runs.
#[derive(Default)]
pub struct Route {
    guard: Option<Guard>,
    cached: Option<crate::source::cache::Serving>,
}

impl Route {
    /// A local file's: no network at all.
    pub fn local() -> Route {
        Route::default()
    }

    pub fn guard(&self) -> Option<&Guard> {
        self.guard.as_ref()
    }

    /// The cache server this run reads from, if any.
    pub fn cached(&self) -> Option<&crate::source::cache::Serving> {
        self.cached.as_ref()
    }
}

/// An ffmpeg command for `input`, and its route (see [`Route`]). Its TCP connections can reach
/// only the cache server or the guard (none for a local file). A `no_proxy` in the user's
/// environment would let ffmpeg go around the guard for exactly the local addresses it keeps
/// out, so ffmpeg never sees one.
pub fn command(sidecars: &Sidecars, input: &Input) -> Result<(Command, Route)> {
    let route = if input.remote {
        // The exception is the user's own link, never where a page or yt-dlp points.
        let origin = if input.origin.is_empty() { &input.location } else { &input.origin };
        let guard = Guard::start(origin).map_err(|e| Msg::internal(format!("starting the network guard: {e}")))?;
        let cached = crate::source::cache::serve(input, &guard.proxy_url());
        Route { guard: Some(guard), cached }
    } else {
        Route::local()
    };
    let mut cmd = Command::new(&sidecars.ffmpeg);
    cmd.env_remove("no_proxy").env_remove("NO_PROXY");
    let port = route.cached.as_ref().map(|c| c.port()).or(route.guard.as_ref().map(Guard::port));
    crate::os::sandbox::confine_tcp(&mut cmd, port);
    Ok((cmd, route))
}

/// Options placed before `-i`: protocols it may use, headers, timeouts and reconnects.
pub fn input_args(input: &Input, route: &Route) -> Vec<String> {
    let mut a: Vec<String> = vec!["-max_pixels".into(), MAX_SOURCE_PIXELS.to_string()];
    if input.remote {
        // A remote playlist must never make ffmpeg read local files or run other protocols.
        a.extend(["-protocol_whitelist", "http,https,tcp,tls,crypto,httpproxy"].map(String::from));
        if route.cached.is_none() {
            // Nor reach this computer or the local network, unless the link itself points there.
            if let Some(guard) = &route.guard {
                a.extend(["-http_proxy".to_string(), guard.proxy_url()]);
            }
            // Through the cache, the cache sends them.
            if !input.headers.is_empty() {
                let joined: String = input.headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
                a.extend(["-headers".to_string(), joined]);
            }
        }
        // Bounded range requests keep read-ahead from fetching far past the clip (1.8 MB
        // instead of 13 MB for 5 s of a 10-minute MP4).
        if input.plain_requests {
            // The server answers ranges with the whole file: never seek, read from the top.
            a.extend(["-seekable", "0"].map(String::from));
        } else {
            a.extend(["-multiple_requests", "1", "-initial_request_size", "262144", "-request_size", "1048576"].map(String::from));
        }
        // Stalls end after 10 s of silence; a dropped connection is retried a few times.
        a.extend(
            [
                "-rw_timeout", "10000000",
                "-reconnect", "1",
                "-reconnect_on_network_error", "1",
                "-reconnect_streamed", "1",
                "-reconnect_max_retries", "3",
                "-reconnect_delay_max", "2",
            ]
            .map(String::from),
        );
    } else {
        a.extend(["-protocol_whitelist", "file"].map(String::from));
    }
    a
}

/// The input itself, after `-i`; local paths get `file:` so a name like `-x` is never an option.
pub fn input_location(input: &Input, route: &Route) -> String {
    match (&route.cached, input.remote) {
        (Some(cached), _) => cached.url(),
        (None, true) => input.location.clone(),
        (None, false) => format!("file:{}", input.location),
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct StreamInfo {
    pub duration: Option<f64>,
    /// The picture as shown: sample aspect and rotation applied.
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
    pub untagged_colors: bool,
    pub transfer: Transfer,
    /// The file's subtitle streams.
    pub subtitles: Vec<crate::source::subtitles::SubTrack>,
}

/// Opens the input and reads its header only (ffmpeg with no output lists the streams).
pub fn inspect(sidecars: &Sidecars, input: &Input, cancel: &CancelToken) -> Result<StreamInfo> {
    let (mut cmd, route) = command(sidecars, input)?;
    cmd.args(["-hide_banner", "-nostdin"]).args(input_args(input, &route)).arg("-i").arg(input_location(input, &route));
    let proc = Proc::spawn("ffmpeg", cmd, cancel, false)?;
    let (_status, stderr) = proc.finish()?;
    let info = parse_info(&stderr).ok_or_else(|| classify(&with_refusals(&stderr, &route), Doing::OpenVideo, input.remote))?;
    if still_picture(&stderr) {
        return Err(Msg::StillPicture.into());
    }
    check_source_size(&info)?;
    Ok(info)
}

/// ffmpeg's log with the guard's refusals added: they explain a failure best.
pub fn with_refusals(stderr: &str, route: &Route) -> String {
    format!("{}{stderr}", route.guard().map(Guard::report).unwrap_or_default())
}

/// Refuses frames too large to decode safely, before any is decoded.
pub fn check_source_size(info: &StreamInfo) -> Result<()> {
    if info.width as u64 * info.height as u64 > MAX_SOURCE_PIXELS {
        return Err(Msg::FramesTooLarge { width: info.width, height: info.height }.into());
    }
    Ok(())
}

/// A `-loglevel level+info` log, split by level.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Log {
    /// The stream listing and other chatter.
    pub listing: String,
    /// Errors only: what `-loglevel error` would have printed. Any means trouble.
    pub errors: String,
    /// Warnings name the cause of some errors ("HTTP error 410 Gone").
    pub warnings: String,
}

impl Log {
    pub fn split(stderr: &str) -> Log {
        let mut log = Log::default();
        // Lines without a tag continue the message before them (a message with newlines).
        let mut last: Option<&str> = None;
        for line in stderr.lines() {
            let (level, text) = match level_of(line) {
                Some((level, message)) => (Some(level), if level == "info" { message } else { line }),
                None => (last, line),
            };
            last = level;
            let part = match level {
                Some("info") => &mut log.listing,
                Some("error" | "fatal" | "panic") => &mut log.errors,
                Some("warning") => &mut log.warnings,
                _ => continue,
            };
            part.push_str(text);
            part.push('\n');
        }
        log
    }

    /// Everything that may explain a failure, for `classify`.
    pub fn complaints(&self) -> String {
        format!("{}{}", self.warnings, self.errors)
    }
}

/// The level tag of a `level+` log line ("[h264 @ 0x…] [error] text") and the text after it;
/// only the leading bracketed tags count, never brackets inside the message.
fn level_of(line: &str) -> Option<(&str, &str)> {
    let mut rest = line;
    while let Some(after) = rest.strip_prefix('[') {
        let end = after.find(']')?;
        let tag = &after[..end];
        rest = after[end + 1..].trim_start_matches(' ');
        if ["info", "error", "fatal", "panic", "warning", "verbose", "debug", "trace"].contains(&tag) {
            return Some((tag, rest));
        }
    }
    None
}

/// Reads duration and the first video stream from ffmpeg's listing.
pub fn parse_info(stderr: &str) -> Option<StreamInfo> {
    let duration = stderr.lines().find_map(|l| {
        let rest = l.trim().strip_prefix("Duration: ")?;
        parse_clock(rest.split(',').next()?.trim())
    });
    let video = stderr.lines().find(|l| is_video_line(l) && !l.contains("(attached pic)"))?;
    let detail = &video[video.find(": Video: ")? + 9..];
    let (mut width, mut height) = detail.split([',', ' ']).find_map(parse_size)?;
    // Anamorphic pictures are shown wider or narrower than they are stored.
    if let Some(sar) = sample_aspect(detail) {
        width = ((width as f64 * sar).round() as u32).max(1);
    }
    let fps = detail
        .split(',')
        .find_map(|p| p.trim().strip_suffix(" fps").and_then(|n| n.trim().parse::<f64>().ok()))
        .filter(|f| f.is_finite() && *f > 0.0);
    // Rotated phone videos come out turned (ffmpeg autorotates).
    let rotated = stderr.lines().any(|l| {
        l.contains("rotation of") && (l.contains("90.00") || l.contains("270.00"))
    });
    if rotated {
        std::mem::swap(&mut width, &mut height);
    }
    let untagged_colors = !["bt709", "bt470bg", "smpte170m", "bt2020", "smpte240m", "fcc", "gbr"]
        .iter()
        .any(|m| detail.contains(m));
    // The transfer is the third colour word: `yuv420p10le(tv, bt2020nc/bt2020/smpte2084, …)`.
    let transfer = if detail.contains("arib-std-b67") {
        Transfer::Hlg
    } else if detail.contains("smpte2084") {
        Transfer::Pq
    } else {
        Transfer::Sdr
    };
    let subtitles = crate::source::subtitles::streams_in_listing(stderr);
    Some(StreamInfo { duration, width, height, fps, untagged_colors, transfer, subtitles })
}

/// The sample aspect ratio from `[SAR 32:27 DAR 16:9]`, when it is not square.
fn sample_aspect(detail: &str) -> Option<f64> {
    let after = &detail[detail.find("[SAR ")? + 5..];
    let (n, d) = after.split_whitespace().next()?.split_once(':')?;
    let (n, d) = (n.parse::<f64>().ok()?, d.parse::<f64>().ok()?);
    let sar = n / d;
    // Absurd ratios are damage, not a picture shape: ignore them.
    (sar.is_finite() && (0.1..=10.0).contains(&sar) && (sar - 1.0).abs() > 1e-3).then_some(sar)
}

fn is_video_line(l: &str) -> bool {
    l.trim_start().starts_with("Stream #") && l.contains(": Video: ")
}

/// A file whose only pictures are attached ones (a song's cover art): no video to make a GIF of.
pub fn only_pictures(stderr: &str) -> bool {
    let mut videos = stderr.lines().filter(|l| is_video_line(l)).peekable();
    videos.peek().is_some() && videos.all(|l| l.contains("(attached pic)"))
}

/// The input is a picture file (PNG, JPEG, WebP...): ffmpeg reads those with its image demuxers.
pub fn still_picture(stderr: &str) -> bool {
    let Some(line) = stderr.lines().find(|l| l.starts_with("Input #0, ")) else { return false };
    let formats = line.trim_start_matches("Input #0, ").split(", from ").next().unwrap_or_default();
    formats.split(',').any(|f| f == "image2" || f.ends_with("_pipe"))
}

fn parse_size(token: &str) -> Option<(u32, u32)> {
    let (w, h) = token.trim().split_once('x')?;
    let (w, h) = (w.parse::<u32>().ok()?, h.parse::<u32>().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

fn parse_clock(s: &str) -> Option<f64> {
    let mut total = 0.0;
    for part in s.split(':') {
        total = total * 60.0 + part.parse::<f64>().ok()?;
    }
    (total.is_finite() && total > 0.0).then_some(total)
}

/// Turns ffmpeg's complaint into the error a person can act on (`remote`: read over the network).
pub fn classify(stderr: &str, doing: Doing, remote: bool) -> Error {
    // ffmpeg's words, not the link's: a file named redirect.mp4 is no redirect.
    let l: String = stderr.to_ascii_lowercase().split_inclusive(char::is_whitespace).filter(|w| !w.contains("://")).collect();
    let has = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    if let Some(refusal) = crate::source::guard::refusal(stderr, doing) {
        return refusal;
    }
    if has(&["exceeds specified max pixel count"]) {
        let size = stderr.split_whitespace().skip_while(|w| *w != "size").nth(1).unwrap_or("too large");
        return Msg::FramesTooLargeSaid { size: size.to_string() }.into();
    }
    if only_pictures(stderr) {
        return Msg::OnlyArtwork.into();
    }
    if !remote {
        return classify_local(&l, doing);
    }
    Error(if has(&["404 not found", "410 gone", "no such file or directory"]) {
        Msg::MediaNotFound { doing }
    } else if has(&["403 forbidden", "401 unauthorized"]) {
        Msg::AccessRefused { doing }
    } else if has(&["429 too many requests"]) {
        Msg::RateLimited { doing }
    } else if has(&["server returned 5", "5xx server error"]) {
        Msg::ServerError { doing }
    } else if has(&["too many redirects", "redirect"]) && has(&["error", "invalid"]) {
        Msg::RedirectLoop { doing }
    } else if has(&["not on whitelist", "protocol not found", "unsupported protocol", "forbidden protocol"]) {
        Msg::OtherProtocol { doing }
    } else if let Some(certificate) = crate::source::guard::tls_failure(&l) {
        Msg::SiteTls { certificate }
    } else if has(&[
        "connection refused", "connection reset", "timed out", "timeout", "network is unreachable",
        "failed to resolve", "name or service not known", "end of file", "i/o error", "input/output error",
        "broken pipe", "stream ends prematurely", "connection timed out",
    ]) {
        Msg::ConnectionDropped { doing }
    } else if has(&["does not contain any stream", "output file #0 does not contain", "matches no streams"]) {
        Msg::NoVideoStream { local: false }
    } else if has(&["could not find codec", "decoder not found", "unknown codec"]) {
        Msg::UnknownCodec { doing }
    } else if has(&["invalid data found", "moov atom not found", "error while decoding", "invalid argument"]) {
        Msg::Unreadable { doing }
    } else if l.trim().is_empty() {
        Msg::FfmpegSilent
    } else if !l.contains("video:") && l.contains("stream #") {
        Msg::SoundOnlyStreams
    } else {
        let last = stderr.lines().rev().find(|x| !x.trim().is_empty()).unwrap_or("");
        // Without ffmpeg's "[component @ 0x…] [level] " tags: only the message.
        let message = last.rsplit_once("] ").map_or(last, |(_, m)| m);
        Msg::FfmpegSaid { doing, detail: message.trim().to_string() }
    })
}

/// A local file: no links to check, no connection to blame.
fn classify_local(l: &str, doing: Doing) -> Error {
    let has = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    Error(if has(&["could not find codec", "decoder not found", "unknown codec"]) {
        Msg::UnknownCodec { doing }
    } else if has(&["no such file or directory"]) {
        Msg::FileGone { doing }
    } else if has(&["permission denied"]) {
        Msg::FileForbidden { doing }
    } else if has(&["does not contain any stream", "output file #0 does not contain", "matches no streams"])
        || (!l.contains("video:") && l.contains("stream #"))
    {
        Msg::NoVideoStream { local: true }
    } else if l.trim().is_empty() {
        Msg::FfmpegSilent
    } else {
        Msg::Unreadable { doing }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':
  Duration: 00:10:00.04, start: 0.000000, bitrate: 1800 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 1280x720 [SAR 1:1 DAR 16:9], 1797 kb/s, 25 fps, 25 tbr, 12800 tbn (default)
At least one output file must be specified";

    #[test]
    fn reads_a_listing() {
        let info = parse_info(LISTING).unwrap();
        assert_eq!((info.width, info.height), (1280, 720));
        assert_eq!(info.fps, Some(25.0));
        assert!((info.duration.unwrap() - 600.04).abs() < 1e-6);
        assert!(!info.untagged_colors);
    }

    #[test]
    fn anamorphic_and_hdr_listings() {
        let dvd = "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 720x480 [SAR 32:27 DAR 16:9], 25 fps";
        assert_eq!(parse_info(dvd).map(|i| (i.width, i.height)), Some((853, 480)));
        let square = "  Stream #0:0: Video: h264, yuv420p, 640x360 [SAR 1:1 DAR 16:9], 25 fps";
        assert_eq!(parse_info(square).map(|i| (i.width, i.height)), Some((640, 360)));
        let pq = "  Stream #0:0: Video: hevc (Main 10), yuv420p10le(tv, bt2020nc/bt2020/smpte2084), 3840x2160 [SAR 1:1 DAR 16:9], 25 fps";
        assert_eq!(parse_info(pq).unwrap().transfer, Transfer::Pq);
        let hlg = "  Stream #0:0: Video: hevc (Main 10), yuv420p10le(tv, bt2020nc/bt2020/arib-std-b67), 1920x1080, 30 fps";
        assert_eq!(parse_info(hlg).unwrap().transfer, Transfer::Hlg);
        assert_eq!(parse_info(LISTING).unwrap().transfer, Transfer::Sdr);
        assert_eq!((Transfer::from_words("HDR10"), Transfer::from_words("HLG"), Transfer::from_words("SDR")), (Transfer::Pq, Transfer::Hlg, Transfer::Sdr));
    }

    #[test]
    fn rotation_swaps_the_size() {
        let rotated = format!("{LISTING}\n      displaymatrix: rotation of -90.00 degrees");
        assert_eq!(parse_info(&rotated).map(|i| (i.width, i.height)), Some((720, 1280)));
    }

    #[test]
    fn sound_only_and_junk() {
        assert_eq!(parse_info("  Stream #0:0: Audio: aac, 44100 Hz, stereo"), None);
        assert_eq!(classify("Input #0\n  Stream #0:0: Audio: aac\n", Doing::OpenVideo, true).kind(), "no_video");
        assert_eq!(classify("x.mp4: Invalid data found when processing input", Doing::OpenVideo, false).kind(), "bad_media");
        assert_eq!(classify("Server returned 404 Not Found", Doing::OpenVideo, true).kind(), "not_found");
        assert_eq!(classify("Connection refused", Doing::OpenVideo, true).kind(), "network");
        // Words in the link are not ffmpeg's: a page served as redirect.mp4 is unreadable, no redirect.
        let page = "[in#0 @ 0x1] [error] Error opening input file http://127.0.0.1:9/html/redirect.mp4?redirect=1.\nError opening input files: Invalid data found when processing input";
        assert_eq!(classify(page, Doing::OpenVideo, true).kind(), "bad_media");
        assert_eq!(classify("x.mp4: End of file", Doing::ReadVideo, false).kind(), "bad_media");
        let codec = "[mov @ 0x1] [error] Could not find codec parameters for stream 0 (Video: none (xyz1 / 0x31797a78))";
        for remote in [false, true] {
            let e = classify(codec, Doing::ReadVideo, remote).to_string();
            assert!(e.contains("codec") && !e.contains("damaged"), "{e}");
        }
        assert_eq!(classify("x.mp4: No such file or directory", Doing::OpenVideo, false).0, Msg::FileGone { doing: Doing::OpenVideo });
        let huge = "[error] Picture size 60000x60000 exceeds specified max pixel count 40000000, see the documentation";
        let big = classify(huge, Doing::ReadVideo, false);
        assert!(big.kind() == "too_large" && big.to_string().contains("60000x60000"), "{big}");
    }

    #[test]
    fn splits_listing_from_complaints() {
        let log = "[info] Input #0, mov, from 'x':\n[info]   Duration: 00:00:10.00, start: 0.000000\n\
                   [h264 @ 0x1] [warning] deprecated pixel format\n[in#0 @ 0x2] [error] Invalid data found\n\
                   [info]   Stream #0:0: Video: h264, yuv420p, 640x272, 25 fps\n    Last message repeated 1 times\n";
        let log = Log::split(log);
        assert!(log.listing.starts_with("Input #0") && log.listing.contains("Duration: 00:00:10.00"));
        assert_eq!(parse_info(&log.listing).map(|i| (i.width, i.height)), Some((640, 272)));
        assert_eq!(log.errors, "[in#0 @ 0x2] [error] Invalid data found\n");
        assert_eq!(log.warnings, "[h264 @ 0x1] [warning] deprecated pixel format\n");
        // Brackets inside a message do not decide its level; untagged lines continue the last.
        let tricky = Log::split("[http @ 0x3] [error] 404 for /a/[info] b.ts\n  If you wish to retry, do\n[info] Duration: N/A\n");
        assert_eq!(tricky.errors, "[http @ 0x3] [error] 404 for /a/[info] b.ts\n  If you wish to retry, do\n");
        assert_eq!(tricky.listing, "Duration: N/A\n");
        assert!(check_source_size(&StreamInfo { width: 20000, height: 20000, ..Default::default() }).is_err());
    }
}
