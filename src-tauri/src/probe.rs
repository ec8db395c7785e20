//! What a source is before any frame is decoded: title, length, size, frame rate, and the
//! input ffmpeg should read. Links go through yt-dlp (`fetch`), then ffmpeg fills the gaps.

use crate::clip::{self, Source};
use crate::error::{Error, Result};
use crate::process::CancelToken;
use crate::sidecars::Sidecars;
use crate::{fetch, ffmpeg};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    pub title: String,
    pub duration: Option<f64>,
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
    /// The stream carries no colour matrix tag (ffmpeg would assume BT.601).
    #[serde(skip)]
    pub untagged_colors: bool,
    #[serde(skip)]
    pub input: Input,
}

/// What ffmpeg opens: a media URL with the headers the site wants, or a local file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Input {
    pub location: String,
    pub headers: Vec<(String, String)>,
    pub remote: bool,
    /// Servers that ignore Range break seeking: then ffmpeg reads from the top, no seeks.
    pub plain_requests: bool,
}

/// Probes a source fully (the app shows these facts before a GIF is made); `max_height`
/// keeps yt-dlp from choosing a bigger rendition than needed.
pub fn probe(sidecars: &Sidecars, source: &Source, max_height: Option<u32>, cancel: &CancelToken) -> Result<Media> {
    let media = locate(sidecars, source, max_height, cancel)?;
    if media.is_known() {
        return Ok(media);
    }
    with_stream_info(sidecars, media.title, media.input, cancel)
}

/// Finds what ffmpeg should read and the title, leaving any fact yt-dlp did not state
/// unknown: the decode learns those from the stream itself (the CLI's one-pass path).
pub fn locate(sidecars: &Sidecars, source: &Source, max_height: Option<u32>, cancel: &CancelToken) -> Result<Media> {
    match source {
        // A direct media link needs no yt-dlp (saves its start-up and a request).
        Source::Url(url) if clip::is_direct_media(url) => {
            Ok(Media::unknown(clip::title_from_url(url), Input::direct_link(url)))
        }
        Source::Url(url) => {
            let found = match fetch::resolve(sidecars, url, max_height, cancel) {
                Ok(found) => found,
                // yt-dlp knows no page there; it may still be a media file without an extension.
                Err(Error::InvalidLink(msg)) => return direct_media(sidecars, url, cancel).map_err(|_| Error::InvalidLink(msg)),
                Err(e) => return Err(e),
            };
            if found.is_live {
                return Err(Error::LiveStream(
                    "This is a live stream. gifgrab makes GIFs from recorded videos; try again once the stream has ended.".into(),
                ));
            }
            let mut media = Media::unknown(found.title, found.input);
            // Sites that state the length and size spare us a look at the media.
            if let (Some(duration), Some(width), Some(height)) = (found.duration, found.width, found.height) {
                (media.duration, media.width, media.height, media.fps) = (Some(duration), width, height, found.fps);
            }
            Ok(media)
        }
        Source::File(path) => {
            let title = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
            let input = Input { location: path.to_string_lossy().into_owned(), headers: vec![], remote: false, plain_requests: false };
            Ok(Media::unknown(title, input))
        }
    }
}

impl Input {
    /// A link straight to media, read as it is.
    fn direct_link(url: &str) -> Input {
        Input { location: url.to_string(), headers: vec![], remote: true, plain_requests: false }
    }
}

impl Media {
    fn unknown(title: String, input: Input) -> Media {
        Media { title, duration: None, width: 0, height: 0, fps: None, untagged_colors: false, input }
    }

    /// Whether the size and length are known yet.
    pub fn is_known(&self) -> bool {
        self.width > 0 && self.height > 0 && self.duration.is_some()
    }
}

/// A link straight to media: ffmpeg reads its header, no yt-dlp involved.
fn direct_media(sidecars: &Sidecars, url: &str, cancel: &CancelToken) -> Result<Media> {
    with_stream_info(sidecars, clip::title_from_url(url), Input::direct_link(url), cancel)
}

fn with_stream_info(sidecars: &Sidecars, title: String, input: Input, cancel: &CancelToken) -> Result<Media> {
    let info = ffmpeg::inspect(sidecars, &input, cancel)?;
    Ok(Media {
        title,
        duration: info.duration,
        width: info.width,
        height: info.height,
        fps: info.fps,
        untagged_colors: info.untagged_colors,
        input,
    })
}
