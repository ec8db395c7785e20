//! All of gifgrab's error messages in English: one match from a message to its text.

use super::msg::{Doing, InUse, Msg, Setting, SizeProblem};
use crate::render::fit::show_bytes;
use crate::render::output::Format;
use crate::spec::{format_time, MAX_FPS, MAX_LENGTH, MAX_WIDTH, MIN_LENGTH, MIN_MAX_BYTES};
use crate::edits::{MAX_CAPTION_CHARS, MAX_SPEED, MIN_SPEED};
use crate::text::printable;

const SIGN_IN_HOW: &str = "In gifgrab's Settings choose \"Use my Firefox sign-in\" or a cookies.txt file (command line: --cookies-from-browser firefox or --cookies FILE), then try again.";
const UPDATE_HOW: &str = "Update video support (Settings → Update video support; command line: gifgrab-cli --update-yt-dlp) and try again.";
const REINSTALL: &str = "Reinstall gifgrab; in a source checkout run `cargo xtask setup`.";

pub fn text(msg: &Msg) -> String {
    use Msg::*;
    match msg {
        NoSource => "Paste a video link or choose a video file.".into(),
        LinkControlChars => "The link contains control characters; paste it again.".into(),
        NotLinkOrFile { text } => format!("\"{}\" is not a link or a file.", printable(text)),
        SchemeUnsupported { scheme } => format!("\"{scheme}\" links are not supported: use an http or https link or a local file."),
        LinkMalformed { detail } => format!("This link is malformed ({detail}). Check it and paste it again."),
        NoHost => "This link has no host name.".into(),
        YoutubeNoVideo => "This YouTube link does not point at a video. Copy the link of the video itself.".into(),
        YoutubeBadId { id } => format!("\"{}\" is not a YouTube video id; check the link.", printable(id)),
        FolderNotVideo { path } => format!("{path} is a folder, not a video file."),
        NoSuchFile { text } => format!(
            "\"{}\" is neither a link nor an existing file. Paste an http(s) link or pick a video file.",
            printable(text)
        ),
        LinkTooLong => "That is far too long to be a link.".into(),
        SourceGone => "That video is no longer loaded; paste the link again.".into(),
        SiteUnsupported => "gifgrab cannot find a video at this link: the site is not supported or the page has no video.".into(),

        TimeNegative => "Start and end must be times of 0 or more.".into(),
        NotATime { text } => format!(
            "\"{}\" is not a time. Use seconds (83.5), m:ss (1:23.5) or h:mm:ss (1:01:23).",
            printable(text)
        ),
        PreviewTimeNegative => "A preview time must be 0 or more seconds.".into(),

        WidthTooLarge { width } => format!("Width {width} px is too large: the most is {MAX_WIDTH} px."),
        WidthTooSmall => "Width must be at least 16 px.".into(),
        FpsRange => format!("Frame rate must be 1 to {MAX_FPS} frames per second."),
        QualityRange => "Quality must be 1 to 100.".into(),
        NotASize { text, why } => {
            let why = match why {
                SizeProblem::Number => "",
                SizeProblem::NoUnit => " (it needs a unit)",
                SizeProblem::UnknownUnit => " (unknown unit)",
                SizeProblem::NotPositive => " (it must be more than 0)",
                SizeProblem::Over4Gb => " (over 4 GB)",
            };
            format!(
                "\"{}\" is not a size{why}. Use KB or MB, like 10MB or 128KB, or one of: discord, github, x, slack-emoji.",
                printable(text)
            )
        }
        LimitTooSmall { bytes } => format!(
            "A size limit of {bytes} bytes is too small for any GIF: the least is {} KB.",
            MIN_MAX_BYTES / 1000
        ),
        CookiesAndBrowser => "Use either a cookies file or a browser's sign-in, not both.".into(),
        UnknownBrowser { name } => format!(
            "\"{}\" is not a browser gifgrab can read the sign-in of. Use one of: {}.",
            printable(name),
            crate::source::cookies::BROWSERS.join(", ")
        ),
        WindowsChromium => "Chrome and the other Chromium browsers on Windows lock their cookies with app-bound encryption, which only the browser itself can read. Use Firefox's sign-in or a cookies.txt file instead.".into(),
        CookiesMissing { path } => format!("The cookies file {path} does not exist."),
        CookiesIsFolder { path } => format!("{path} is a folder, not a cookies file."),
        CookiesUnreadable { path, detail } => format!("The cookies file {path} cannot be read ({detail})."),
        CookiesNotNetscape { path } => format!(
            "{path} is not a cookies.txt file in the Netscape format (export one with a \"cookies.txt\" browser add-on)."
        ),
        CookiesEmpty { path } => format!("The cookies file {path} holds no cookies."),
        SlotInvalid => "Invalid preview slot.".into(),
        JobIdInUse => "That job id is already in use.".into(),
        JobIdInvalid => "Invalid job id.".into(),
        GifNotReady => "That GIF is not ready; make it again.".into(),
        UpdateChannel { name } => format!("--update-yt-dlp takes stable or nightly (got \"{}\")", printable(name)),
        MissingArguments => "give a SOURCE and --start (and --end; without it 3 s are made). A YouTube clip link needs neither: it brings its own part".into(),
        SpeedRange => format!("Speed must be from {MIN_SPEED}× to {MAX_SPEED}× (1 is the video's own speed)."),
        NotASpeed { text } => format!("\"{}\" is not a speed. Use a number from {MIN_SPEED} to {MAX_SPEED}, like 2 or 0.5.", printable(text)),
        CropEmpty => "A crop must be at least 1 pixel wide and high.".into(),
        NotACrop { text } => format!("\"{}\" is not a crop. Use W:H:X:Y in the video's pixels, like 640:360:100:50.", printable(text)),
        CropOutside { width, height, x, y, frame_width, frame_height } => format!(
            "The crop {width}×{height} at {x},{y} reaches outside the {frame_width}×{frame_height} frame. Choose a box inside it."
        ),
        AspectInvalid => "An aspect ratio needs two numbers above 0, like 1:1 or 16:9.".into(),
        NotAnAspect { text } => format!("\"{}\" is not an aspect ratio. Use two numbers, like 1:1 or 16:9.", printable(text)),
        CaptionTooLong { top, chars } => format!(
            "The {} caption is {chars} characters long; a GIF's caption can have at most {MAX_CAPTION_CHARS}.",
            if *top { "top" } else { "bottom" }
        ),
        NoSuchSubtitles { path } => format!("The subtitle file {} does not exist.", printable(path)),
        NotSubtitles { path } => format!(
            "{} is not a subtitle file gifgrab can read. Use an .srt, .vtt or .ass file.",
            printable(path)
        ),
        NoSubsInLanguage { lang, available } if available.is_empty() => {
            format!("This video has no subtitles, so there are none in \"{}\".", printable(lang))
        }
        NoSubsInLanguage { lang, available } => format!(
            "This video has no subtitles in \"{}\". It has: {}.",
            printable(lang),
            available.iter().map(|l| printable(l)).collect::<Vec<_>>().join(", ")
        ),
        SubsTooLong => "That subtitle choice is too long: give a language code (en, ko) or a file's path.".into(),
        NotWhole { setting: Setting::Width, text } => {
            format!("\"{}\" is not a width: use a whole number of pixels, like 480 (0 keeps the video's width).", printable(text))
        }
        NotWhole { setting: Setting::Fps, text } => {
            format!("\"{}\" is not a frame rate: use a whole number of frames per second, 1 to {MAX_FPS}.", printable(text))
        }
        NotWhole { setting: Setting::Quality, text } => format!("\"{}\" is not a quality: use a whole number, 1 to 100.", printable(text)),
        NotPlays { text } => format!("\"{}\" is not a number of plays: use forever, once or 1 to 65535.", printable(text)),
        OutputType { ext } => format!(
            "gifgrab writes .gif, .webp (animated WebP) and .mp4 (silent video) files: name the output with one of those (got .{})",
            printable(ext)
        ),

        EndBeforeStart { start, end } => {
            format!("The end ({}) must be after the start ({}).", format_time(*end), format_time(*start))
        }
        RangeTooShort { length } => format!("The clip is {length:.2} s long; it must be at least {MIN_LENGTH} s."),
        PlaysTooLong { speed, plays } => format!(
            "At {speed}× the GIF would play {plays:.1} s; a GIF can be at most {MAX_LENGTH:.0} s. Pick a shorter range or a higher speed."
        ),
        RangeTooLong { length } => {
            format!("The clip is {} s long; a GIF can be at most {MAX_LENGTH:.0} s. Pick a shorter range.", over_limit(*length))
        }

        StartPastEnd { start, length } => format!(
            "The start ({}) is past the end of the video, which is {} long.",
            format_time(*start),
            format_time(*length)
        ),
        EndPastEnd { end, length } => format!(
            "The end ({}) is past the end of the video, which is {} long. Pick an end up to {}.",
            format_time(*end),
            format_time(*length),
            format_time(*length)
        ),
        NothingFromStart { start, length } => format!(
            "The start ({}) is past the end of the video ({}).",
            format_time(*start),
            length.map(format_time).unwrap_or_else(|| "shorter".into())
        ),

        MediaNotFound { doing } => format!("Could not {}: the server says there is no video at that address. Check the link.", doing_text(*doing)),
        FileGone { doing } => format!("Could not {}: the video file is no longer there.", doing_text(*doing)),
        VideoNotFound => "The video was not found: it may have been removed, or the link is wrong.".into(),
        TakenDown => "This video was taken down after a copyright claim.".into(),
        NoBuildForPlatform => {
            "yt-dlp publishes no ready-made program for this kind of computer; gifgrab keeps using the bundled one.".into()
        }
        NoRelease { channel, url, keeps } => format!(
            "yt-dlp has no {channel} release for this platform ({url} was not found); nothing was changed. {}",
            keeps_text(keeps)
        ),
        ReleaseUnlisted { channel, url, asset, keeps } => format!(
            "yt-dlp has no {channel} release for this platform ({url} does not list {}); nothing was changed. {}",
            asset.as_deref().unwrap_or("this platform's program"),
            keeps_text(keeps)
        ),

        AccessRefused { doing } => format!("Could not {}: the server refused access (403).", doing_text(*doing)),
        FileForbidden { doing } => format!("Could not {}: you may not read this video file.", doing_text(*doing)),
        PointsAt { doing, place } => format!(
            "Could not {}: it points at {}. gifgrab reads from the link's own server and the public internet only.",
            doing_text(*doing),
            printable(place)
        ),
        Private => "This video is private: only people its owner invited can watch it. If you were invited, sign in (Settings → sign-in) and try again.".into(),
        NotInCountry => "This video is not available in your country: its uploader has limited where it can be watched.".into(),
        SiteRefused => "The site refused access to this video (403). Check the link, or sign in if the site needs it.".into(),
        WaitTooLong { minutes } => {
            format!("The video site asks to wait about {minutes} minutes before this video plays. Try again later.")
        }

        BotCheck { signed_in: true } => "YouTube still wants to confirm you're not a bot with this sign-in. Sign in to YouTube in that browser again (or export a fresh cookies.txt) and try again.".into(),
        BotCheck { signed_in: false } => {
            format!("YouTube wants to confirm you're not a bot before it shows this video. {SIGN_IN_HOW}")
        }
        AgeRestricted { signed_in: true } => "This video is age-restricted and the account you signed in with may not watch it.".into(),
        AgeRestricted { signed_in: false } => {
            format!("This video is age-restricted: YouTube shows it only to signed-in adults. {SIGN_IN_HOW}")
        }
        MembersOnly { signed_in } => format!(
            "This video is for the channel's members only. Sign in with a member's account: {}",
            if *signed_in { "the account you used is not one." } else { SIGN_IN_HOW }
        ),
        SignInAsked => format!("The site asks to sign in before showing this video. {SIGN_IN_HOW}"),

        RateLimited { doing } => format!(
            "Could not {}: the server is rate-limiting requests (429). Wait a minute and try again.",
            doing_text(*doing)
        ),
        ServerError { doing } => {
            format!("Could not {}: the server had an error (5xx). Try again in a moment.", doing_text(*doing))
        }
        RedirectLoop { doing } => format!("Could not {}: the server keeps redirecting. Check the link.", doing_text(*doing)),
        RedirectsToItself { doing } => {
            format!("Could not {}: the server redirects again and again, more than any real server needs. Check the link.", doing_text(*doing))
        }
        ConnectionDropped { doing } => format!(
            "Could not {}: the connection failed or dropped. Check your internet connection and try again.",
            doing_text(*doing)
        ),
        NoConnection { doing, place } => format!(
            "Could not {}: no connection to {}. Check the link and your internet connection, then try again.",
            doing_text(*doing),
            printable(place)
        ),
        Stalled { seconds } => format!(
            "The server stopped sending the video ({seconds} s without data). Check your connection and try again."
        ),
        DownloadCut => "The download stopped before the clip was complete. Check your connection and try again.".into(),
        SiteRateLimited => "The site is rate-limiting requests (429). Wait a minute and try again.".into(),
        SiteServerError => "The video site had a server error (5xx). Try again in a moment.".into(),
        SiteUnreachable => "Could not reach the video site. Check your internet connection and try again.".into(),
        SiteTls { certificate: true } => "The site's security certificate could not be verified, so gifgrab did not connect. Check the link's address and this computer's date and time.".into(),
        SiteTls { certificate: false } => "The site did not answer as a secure (https) server. Check the link; if the address is right, the site may only work with http://.".into(),
        UpdateDamaged { keeps } => format!(
            "The downloaded yt-dlp was damaged or tampered with on the way (its SHA-256 does not match the release's {}); nothing was changed. {}",
            crate::tools::ytdlp_update::SUMS,
            keeps_text(keeps)
        ),
        ReleaseHttpError { status, url, keeps } => format!(
            "yt-dlp's release page answered with an error (HTTP {status} for {url}); nothing was changed. {}",
            keeps_text(keeps)
        ),
        ReleaseUnreachable { detail, keeps } => {
            format!("Could not reach yt-dlp's release page ({detail}). {}", keeps_text(keeps))
        }

        NotStartedYet => "This live stream or premiere has not started yet. Try again once it has been shown.".into(),
        LiveNow => "This is a live stream. gifgrab makes GIFs from recorded videos; try again once the stream has ended.".into(),

        CopyProtected => "This video is copy-protected (DRM): the site sends it encrypted, so no GIF can be made of it.".into(),
        StillPicture => "This is a still picture, not a video: a GIF needs a video file or link.".into(),
        VideoTooShort { length } => format!("This video is only {length:.2} s long: a GIF needs at least {MIN_LENGTH} s of video."),
        OnlyArtwork => "This file has no video: its only picture is attached artwork (a song's cover, say).".into(),
        NoVideoStream { local: true } => "This file has no video in it.".into(),
        NoVideoStream { local: false } => "This file or link has no video in it.".into(),
        SoundOnlyStreams => "This file or link has sound but no video.".into(),
        SiteNoStream => "The site offers no video stream gifgrab can read for this link.".into(),
        SiteFormUnreadable => "The site offers this video only in a form gifgrab cannot read.".into(),
        SoundOnlyLink => "This link has sound only, no video.".into(),

        YtdlpOutdated { youtube } => {
            let site = if *youtube { "YouTube" } else { "The video site" };
            format!("{site} has changed in a way this version of video support (yt-dlp) cannot handle yet. {UPDATE_HOW}")
        }

        SitePage { detail } => format!("The video site's page could not be read: {}", printable(detail)),

        OtherProtocol { doing } => format!(
            "Could not {}: the stream points at places gifgrab will not read (another protocol or local files).",
            doing_text(*doing)
        ),
        UnknownCodec { doing } => format!(
            "Could not {}: the video uses a format (codec) that gifgrab cannot decode. Convert it to MP4 (H.264) first.",
            doing_text(*doing)
        ),
        Unreadable { doing } => format!(
            "Could not {}: this is not a video gifgrab can read, or the file is damaged.",
            doing_text(*doing)
        ),
        FfmpegSaid { doing, detail } => format!("Could not {}: {}", doing_text(*doing), printable(detail)),
        SizeChanges => "The video changes its picture size within the clip; gifgrab cannot make one GIF of it.".into(),
        CutShort { length, start } => format!(
            "The video says it is {} long, but it has no pictures from {} on: the file is cut short or damaged there. Pick an earlier range.",
            format_time(*length),
            format_time(*start)
        ),
        FileEndsEarly => "The video file ends before the clip does, or it is damaged there. Pick an earlier range.".into(),
        NothingToMeasure => "The video has no pictures in that range to measure.".into(),

        FramesTooLarge { width, height } => frames_too_large(&format!("{width}×{height}")),
        FramesTooLargeSaid { size } => frames_too_large(&printable(size)),
        OverTwice { limit } => format!(
            "This GIF came out over {} each time it was made smaller; nothing was written. Choose a shorter range or a smaller width.",
            show_bytes(*limit)
        ),
        CameOutOver { limit } => format!("This GIF came out over {}; nothing was written.", show_bytes(*limit)),
        ConvertedOver { format, bytes, limit } => format!(
            "The GIF fits in {}, but the {} made from it came out at {}; nothing was written. Save a GIF, or choose a smaller width or a shorter range.",
            show_bytes(*limit),
            format_name(*format),
            show_bytes(*bytes)
        ),
        GifTooLarge { width, height, frames } => format!(
            "A {width}×{height} GIF of {frames} frames would be too large. Choose a smaller width, a lower frame rate or a shorter range."
        ),
        CannotFit { limit, width, fps, quality, size, seconds } => format!(
            "This GIF cannot fit in {}: even at {width} px, {fps} fps and quality {quality} it would be about {}. A range of about {:.1} s would fit, or choose a larger size.",
            show_bytes(*limit),
            show_bytes(*size),
            seconds.max(0.1)
        ),
        DownloadTooLarge { url, keeps } => format!(
            "{url} is larger than {} MB, so it is not yt-dlp; nothing was changed. {}",
            crate::tools::ytdlp_update::MAX_DOWNLOAD >> 20,
            keeps_text(keeps)
        ),

        FontUnloadable { path, detail } => format!("The caption font {path} cannot be loaded ({detail}). {REINSTALL}"),
        ToolMissing { tool, path } => format!("The bundled {tool} is missing ({path}). {REINSTALL}"),
        ToolNotExecutable { tool, path } => format!("The bundled {tool} cannot be run ({path} is not executable). {REINSTALL}"),
        ToolWontStart { tool, detail } => format!("The bundled {tool} could not start ({detail}). {REINSTALL}"),
        FfmpegSilent => format!("ffmpeg stopped without a word. {REINSTALL}"),
        YtdlpStopped { code } => format!(
            "yt-dlp stopped unexpectedly (exit {}). {REINSTALL}",
            code.map(|c| c.to_string()).unwrap_or_else(|| "by a signal".into())
        ),
        YtdlpGarbled { detail } => format!("yt-dlp printed something unexpected ({detail}). Reinstall gifgrab."),
        OwnFolderUnknown { detail } => format!("Cannot find gifgrab's own folder ({detail}); reinstall gifgrab."),
        NoVersion { tool, path } => format!("{tool} ({path}) printed no version."),
        ToolTimeout { tool, seconds } => format!("{tool} did not answer within {seconds} s."),
        ToolFailed { tool, status, detail } => format!("{tool} failed ({status}): {detail}"),
        UpdateWontRun { keeps } => format!(
            "The downloaded yt-dlp does not run on this computer; nothing was changed. {}",
            keeps_text(keeps)
        ),

        DiskFull { place } => format!("The disk is full while writing {place}. Free some space or choose another folder."),

        ReadOnly { place } => format!(
            "Cannot write to {place}: the folder is read-only or you lack permission. Choose another folder."
        ),
        NoFolder { place } => format!("Cannot write {place}: the folder does not exist."),
        WriteFailed { place, detail } => format!("Cannot write {place}: {detail}."),
        FolderMissing { path } => format!("The folder {path} does not exist."),
        NoDataFolder => "gifgrab cannot find its data folder.".into(),
        NoDataFolderHome => "gifgrab cannot find its data folder (no HOME).".into(),
        NoHomeForUpdate => "Cannot find your app data folder (HOME is not set), so yt-dlp cannot be updated.".into(),
        UseSaveDialog => "Choose where to save the GIF with the Save dialog.".into(),
        SaveToFolder { path } => format!("{path} is a folder; choose a file name."),
        CacheNotCleared { detail } => format!("The cache could not be cleared ({detail}). Close gifgrab and delete its cache folder by hand."),

        DragRefused => "The GIF could not be dragged out here. Save it, then drag the file from its folder.".into(),
        ClipboardRefused => "The GIF could not be put on the clipboard here. Save it, then drag the file into the chat.".into(),
        OutputExists { path } => format!("{path} already exists. Choose another name."),

        Cancelled => "Cancelled.".into(),

        Internal { detail } => detail.clone(),
        GifReadBack { detail } => format!("The GIF could not be read back ({detail}); make it again."),
        GifGone { detail } => format!("The GIF to save is gone ({detail}); make it again."),
        ConvertFailed { format, detail } => format!("Could not make the {} from the GIF: {}", format_name(*format), printable(detail)),
    }
}

/// How a message names a file format.
fn format_name(format: Format) -> &'static str {
    match format {
        Format::Gif => "GIF",
        Format::Webp => "WebP",
        Format::Mp4 => "MP4",
    }
}

/// "Could not <doing>: …"
fn doing_text(doing: Doing) -> &'static str {
    match doing {
        Doing::OpenVideo => "open the video",
        Doing::OpenPage => "open the page",
        Doing::ReadVideo => "read the video",
        Doing::FetchRange => "fetch the whole range",
        Doing::ShowPreview => "show a preview of that moment",
        Doing::ReadSubtitles => "fetch the subtitles",
    }
}

/// The sentence that ends every failed update: what stays in use.
fn keeps_text(keeps: &InUse) -> String {
    let what = if keeps.updated { "the video support it updated earlier" } else { "the bundled video support" };
    match &keeps.version {
        Some(v) => format!("gifgrab keeps using {what}, version {v}."),
        None => format!("gifgrab keeps using {what}."),
    }
}

fn frames_too_large(size: &str) -> String {
    format!("The video's frames are {size}, larger than gifgrab reads (up to about 8K, 40 megapixels).")
}

/// A length just over the limit, with as many decimals as show it over (60.01, not 60.0).
pub(crate) fn over_limit(length: f64) -> String {
    [format!("{length:.1}"), format!("{length:.2}")]
        .into_iter()
        .find(|shown| shown.parse::<f64>().is_ok_and(|s| s > MAX_LENGTH))
        .unwrap_or_else(|| format!("{length:.3}"))
}
