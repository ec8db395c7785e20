//! Subtitles to burn in: the video's own tracks (yt-dlp's `subtitles` and `automatic_captions`,
//! or the subtitle streams of a local file) or a subtitle file, turned by ffmpeg into one ASS
//! file that the filter graph's `subtitles` step draws. Only the subtitle file is fetched.

use crate::error::{Doing, Msg, Result};
use crate::os::process::{CancelToken, Proc};
use crate::render::ffmpeg;
use crate::source::input::Input;
use crate::source::probe::Media;
use crate::tools::sidecars::Sidecars;
use std::path::Path;

/// One subtitle track a video offers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubTrack {
    /// The language key as the site or file names it (`en`, `ko`, `en-US`, `kor`).
    pub lang: String,
    /// The site's own name for it ("English", "Korean (auto-generated)").
    pub name: String,
    /// Made by the site's speech recognition.
    pub auto: bool,
    #[serde(skip)]
    pub from: SubFrom,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum SubFrom {
    /// A file on the site (WebVTT and the like), with the headers it wants.
    Url { url: String, headers: Vec<(String, String)> },
    /// The n-th subtitle stream of the local file itself.
    Stream(usize),
    #[default]
    None,
}

/// Subtitle file types a user may hand over.
const FILE_TYPES: &[&str] = &["srt", "vtt", "ass", "ssa"];

/// A ready ASS file, removed when dropped.
pub struct Prepared {
    file: tempfile::TempPath,
}

impl Prepared {
    pub fn path(&self) -> &Path {
        &self.file
    }
}

/// The track `choice` names (a file's path or a language), converted to ASS; only the
/// subtitles are read.
pub fn prepare(sidecars: &Sidecars, media: &Media, choice: &str, cancel: &CancelToken) -> Result<Prepared> {
    let choice = choice.trim();
    let path = Path::new(choice);
    if has_subtitle_type(path) || path.is_file() {
        if !path.is_file() {
            return Err(Msg::NoSuchSubtitles { path: choice.to_string() }.into());
        }
        let input = Input { location: path.to_string_lossy().into_owned(), ..Input::default() };
        return convert(sidecars, &input, 0, cancel).map_err(|_| Msg::NotSubtitles { path: choice.to_string() }.into());
    }
    let track = pick(&media.subtitles, choice).ok_or_else(|| Msg::NoSubsInLanguage {
        lang: choice.to_string(),
        available: media.subtitles.iter().map(|t| if t.auto { format!("{} (auto)", t.lang) } else { t.lang.clone() }).collect(),
    })?;
    match &track.from {
        SubFrom::Url { url, headers } => {
            // Through the guard like the video, with the link as its origin.
            let input = Input { location: url.clone(), headers: headers.clone(), remote: true, origin: media.input.origin.clone(), ..Input::default() };
            convert(sidecars, &input, 0, cancel)
        }
        SubFrom::Stream(n) => convert(sidecars, &media.input, *n, cancel),
        SubFrom::None => Err(Msg::internal("a subtitle track without a source").into()),
    }
}

fn has_subtitle_type(path: &Path) -> bool {
    path.extension().is_some_and(|e| FILE_TYPES.iter().any(|t| e.eq_ignore_ascii_case(t)))
}

/// Files tag streams with three-letter codes (ISO 639-2), sites use two (639-1): the common ones.
const CODES: &[(&str, &[&str])] = &[
    ("en", &["eng"]), ("ko", &["kor"]), ("ja", &["jpn"]), ("zh", &["zho", "chi"]), ("fr", &["fra", "fre"]),
    ("de", &["deu", "ger"]), ("es", &["spa"]), ("pt", &["por"]), ("it", &["ita"]), ("ru", &["rus"]),
    ("vi", &["vie"]), ("th", &["tha"]), ("id", &["ind"]), ("ar", &["ara"]), ("hi", &["hin"]), ("nl", &["nld", "dut"]),
];

/// A language's two-letter code, from either form.
fn base(code: &str) -> String {
    let code = code.to_ascii_lowercase();
    let head = code.split(['-', '_']).next().unwrap_or_default().to_string();
    CODES.iter().find(|(two, threes)| *two == head || threes.contains(&head.as_str())).map_or(head, |(two, _)| two.to_string())
}

/// The track for `lang`: the site's own subtitles before its automatic ones, the exact key
/// before a regional one (`en` finds `en-US`, `ko` a file's `kor`), any case.
pub fn pick<'a>(tracks: &'a [SubTrack], lang: &str) -> Option<&'a SubTrack> {
    let lang = lang.to_ascii_lowercase();
    let exact = |t: &&SubTrack| t.lang.to_ascii_lowercase() == lang;
    let regional = |t: &&SubTrack| base(&t.lang) == base(&lang) && !lang.is_empty();
    for auto in [false, true] {
        let of_kind = || tracks.iter().filter(move |t| t.auto == auto);
        if let Some(t) = of_kind().find(exact).or_else(|| of_kind().find(regional)) {
            return Some(t);
        }
    }
    None
}

/// ffmpeg reads the `n`-th subtitle stream of `input` and writes it as ASS.
fn convert(sidecars: &Sidecars, input: &Input, n: usize, cancel: &CancelToken) -> Result<Prepared> {
    let file = tempfile::Builder::new()
        .prefix("gifgrab-subs-")
        .suffix(".ass")
        .tempfile()
        .map_err(|e| Msg::internal(format!("cannot write the subtitles for ffmpeg: {e}")))?
        .into_temp_path();
    let (mut cmd, route) = ffmpeg::command(sidecars, input)?;
    cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"])
        .args(ffmpeg::input_args(input, &route))
        .arg("-i")
        .arg(ffmpeg::input_location(input, &route))
        .args(["-map", &format!("0:s:{n}"), "-c:s", "ass", "-f", "ass"])
        .arg(file.to_string_lossy().as_ref());
    let proc = Proc::spawn("ffmpeg", cmd, cancel, false)?;
    let (status, stderr) = proc.finish()?;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    if !status.success() || size == 0 {
        let log = ffmpeg::with_refusals(&stderr, &route);
        if input.remote {
            return Err(ffmpeg::classify(&log, Doing::ReadSubtitles, true));
        }
        return Err(Msg::NotSubtitles { path: input.location.clone() }.into());
    }
    Ok(Prepared { file })
}

/// The subtitle streams ffmpeg lists for a file: `Stream #0:2(kor): Subtitle: subrip`.
pub fn streams_in_listing(listing: &str) -> Vec<SubTrack> {
    listing
        .lines()
        .filter(|l| l.trim_start().starts_with("Stream #") && l.contains(": Subtitle: "))
        .enumerate()
        .map(|(n, l)| {
            let lang = l.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(lang, _)| lang.to_string());
            let lang = lang.filter(|l| !l.is_empty() && l != "und").unwrap_or_else(|| format!("{}", n + 1));
            SubTrack { name: format!("Track {} ({lang})", n + 1), lang, auto: false, from: SubFrom::Stream(n) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(lang: &str, auto: bool) -> SubTrack {
        SubTrack { lang: lang.into(), name: lang.into(), auto, from: SubFrom::None }
    }

    #[test]
    fn the_language_finds_its_track() {
        let tracks = [track("en-US", false), track("ko", true), track("en", true), track("ko-KR", false)];
        assert_eq!(pick(&tracks, "en").unwrap().lang, "en-US");
        assert_eq!(pick(&tracks, "KO").unwrap().lang, "ko-KR");
        assert_eq!(pick(&tracks, "ko-kr").unwrap().lang, "ko-KR");
        assert_eq!(pick(&[track("kor", false)], "ko").unwrap().lang, "kor");
        assert_eq!(pick(&[track("ko", false)], "kor").unwrap().lang, "ko");
        assert!(pick(&tracks, "fr").is_none());
        let listing = "  Stream #0:0(und): Video: h264\n  Stream #0:1(kor): Subtitle: subrip (srt)\n  Stream #0:2: Subtitle: ass\n";
        let found = streams_in_listing(listing);
        assert_eq!(found.iter().map(|t| (t.lang.as_str(), t.from.clone())).collect::<Vec<_>>(), [("kor", SubFrom::Stream(0)), ("2", SubFrom::Stream(1))]);
    }
}
