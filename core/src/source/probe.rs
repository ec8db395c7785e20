//! What a source is before any frame is decoded: title, length, size, frame rate, and the
//! input ffmpeg should read. Links go through yt-dlp (`fetch`), then ffmpeg fills the gaps.

use crate::source::subtitles::SubTrack;
use crate::source::link::Source;
use crate::error::{Msg, Result};
use crate::os::process::CancelToken;
use crate::source::fetch::{self, Fit, Lookup};
use crate::tools::sidecars::Sidecars;
use crate::render::ffmpeg;
use crate::source::input::Input;

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
    /// SDR, or the HDR curve to tone-map from.
    #[serde(skip)]
    pub transfer: crate::source::input::Transfer,
    #[serde(skip)]
    pub input: Input,
    /// How yt-dlp found the input: asked again when its URL expires or changes.
    #[serde(skip)]
    pub lookup: Option<Lookup>,
    /// The subtitle tracks the site lists, or the file's own subtitle streams.
    pub subtitles: Vec<SubTrack>,
    /// The site's storyboard, for the timeline's thumbnails.
    #[serde(skip)]
    pub storyboard: Option<crate::source::storyboard::Storyboard>,
    /// The part a clip link names (start, end), where the moment begins.
    #[serde(skip)]
    pub section: Option<(f64, f64)>,
    /// The whole file, fetched from a server that ignores Range: `input` reads it.
    #[serde(skip)]
    pub whole: Option<std::sync::Arc<crate::source::whole::Whole>>,
    /// The video's own size when the site offers it larger than the rendition read (a crop is
    /// drawn in this size, whichever rendition makes the GIF).
    #[serde(skip)]
    pub full: Option<(u32, u32)>,
}

/// Probes a source fully (the app shows these facts before a GIF is made); `fit` keeps
/// yt-dlp to the rendition that serves the GIF.
pub fn probe(sidecars: &Sidecars, source: &Source, fit: &Fit, cancel: &CancelToken) -> Result<Media> {
    let media = locate(sidecars, source, fit, cancel)?;
    complete(sidecars, media, cancel)
}

/// Fills in what yt-dlp did not state from the stream itself.
pub fn complete(sidecars: &Sidecars, media: Media, cancel: &CancelToken) -> Result<Media> {
    if media.is_known() {
        return Ok(media);
    }
    let lookup = media.lookup.clone();
    crate::source::wait::until_available(&media.input, cancel, &|_| {})?;
    let listed = media.subtitles;
    let (storyboard, section, own) = (media.storyboard, media.section, media.full);
    let mut full = with_stream_info(sidecars, media.title, media.input, cancel)?;
    full.lookup = lookup;
    (full.storyboard, full.section, full.full) = (storyboard, section, own);
    if !listed.is_empty() {
        full.subtitles = listed;
    }
    Ok(full)
}

/// Finds what ffmpeg should read and the title, leaving any fact yt-dlp did not state
/// unknown: the decode learns those from the stream itself (the CLI's one-pass path).
pub fn locate(sidecars: &Sidecars, source: &Source, fit: &Fit, cancel: &CancelToken) -> Result<Media> {
    match source {
        // A direct media link needs no yt-dlp (saves its start-up and a request).
        Source::Url(url) if crate::source::link::is_direct_media(url) => {
            Ok(Media::unknown(crate::source::link::title_from_url(url), Input::direct_link(url)))
        }
        Source::Url(url) => {
            let lookup = Lookup { url: url.clone(), fit: fit.clone() };
            let found = match fetch::resolve(sidecars, &lookup, cancel) {
                Ok(found) => found,
                // yt-dlp knows no page there; it may still be a media file without an extension.
                Err(e) if e.kind() == "invalid_link" => return direct_media(sidecars, url, cancel).map_err(|_| e),
                Err(e) => return Err(e),
            };
            if found.upcoming {
                return Err(Msg::NotStartedYet.into());
            }
            if found.is_live {
                return Err(Msg::LiveNow.into());
            }
            let mut media = Media::unknown(found.title, Input { origin: url.clone(), ..found.input });
            media.lookup = Some(lookup);
            media.transfer = found.transfer;
            media.subtitles = found.subtitles;
            media.storyboard = found.storyboard;
            media.section = found.section;
            media.full = found.full;
            // Sites that state the length and size spare us a look at the media.
            if let (Some(duration), Some(width), Some(height)) = (found.duration, found.width, found.height) {
                (media.duration, media.width, media.height, media.fps) = (Some(duration), width, height, found.fps);
            }
            Ok(media)
        }
        Source::File(path) => {
            let title = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
            let input = Input { location: path.to_string_lossy().into_owned(), ..Input::default() };
            Ok(Media::unknown(title, input))
        }
    }
}

impl Media {
    fn unknown(title: String, input: Input) -> Media {
        Media {
            title,
            duration: None,
            width: 0,
            height: 0,
            fps: None,
            untagged_colors: false,
            transfer: Default::default(),
            input,
            lookup: None,
            subtitles: Vec::new(),
            storyboard: None,
            section: None,
            whole: None,
            full: None,
        }
    }

    /// The size the user sees and crops in: the video's own, else the rendition's.
    pub fn own_size(&self) -> (u32, u32) {
        match self.full {
            Some((w, h)) if w >= self.width && h >= self.height => (w, h),
            _ => (self.width, self.height),
        }
    }

    /// `edits` with their crop (drawn in `own_size`) checked there and moved onto this rendition.
    pub fn edits_here(&self, edits: &crate::edits::Edits) -> Result<crate::edits::Edits> {
        let (ow, oh) = self.own_size();
        edits.region(ow, oh)?;
        Ok(edits.scaled((ow, oh), (self.width, self.height)))
    }

    /// Whether the size and length are known yet.
    pub fn is_known(&self) -> bool {
        self.width > 0 && self.height > 0 && self.duration.is_some()
    }
}

/// A link straight to media: ffmpeg reads its header, no yt-dlp involved.
fn direct_media(sidecars: &Sidecars, url: &str, cancel: &CancelToken) -> Result<Media> {
    with_stream_info(sidecars, crate::source::link::title_from_url(url), Input::direct_link(url), cancel)
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
        transfer: info.transfer,
        // A local file's own subtitle streams; a site's tracks come from yt-dlp.
        subtitles: if input.remote { Vec::new() } else { info.subtitles },
        input,
        lookup: None,
        storyboard: None,
        section: None,
        whole: None,
        full: None,
    })
}
