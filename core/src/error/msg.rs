//! Every message a user can meet, with its facts as fields: the UI gets a stable code and the
//! arguments, `en` words them. A new message is a variant here, its kind, and its text in `en`.

use crate::render::output::Format;
use serde::Serialize;

/// One message; `code` is the variant's snake_case name, `args` its fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", content = "args", rename_all = "snake_case")]
pub enum Msg {
    // invalid_link
    NoSource,
    LinkControlChars,
    NotLinkOrFile { text: String },
    SchemeUnsupported { scheme: String },
    LinkMalformed { detail: String },
    NoHost,
    YoutubeNoVideo,
    YoutubeBadId { id: String },
    FolderNotVideo { path: String },
    NoSuchFile { text: String },
    LinkTooLong,
    SourceGone,
    SiteUnsupported,
    // invalid_time
    TimeNegative,
    NotATime { text: String },
    PreviewTimeNegative,
    // invalid_option
    WidthTooLarge { width: u64 },
    WidthTooSmall,
    FpsRange,
    QualityRange,
    NotASize { text: String, why: SizeProblem },
    LimitTooSmall { bytes: u64 },
    CookiesAndBrowser,
    UnknownBrowser { name: String },
    WindowsChromium,
    CookiesMissing { path: String },
    CookiesIsFolder { path: String },
    CookiesUnreadable { path: String, detail: String },
    CookiesNotNetscape { path: String },
    CookiesEmpty { path: String },
    SlotInvalid,
    JobIdInUse,
    JobIdInvalid,
    GifNotReady,
    UpdateChannel { name: String },
    MissingArguments,
    /// An output name whose extension is none of .gif, .webp, .mp4.
    OutputType { ext: String },
    // invalid_option: edits
    SpeedRange,
    NotASpeed { text: String },
    CropEmpty,
    NotACrop { text: String },
    CropOutside { width: u32, height: u32, x: u32, y: u32, frame_width: u32, frame_height: u32 },
    AspectInvalid,
    NotAnAspect { text: String },
    CaptionTooLong { top: bool, chars: usize },
    NotPlays { text: String },
    /// A width, frame rate or quality that is not a whole number.
    NotWhole { setting: Setting, text: String },
    NoSuchSubtitles { path: String },
    NotSubtitles { path: String },
    NoSubsInLanguage { lang: String, available: Vec<String> },
    SubsTooLong,
    // end_before_start, range_too_short, range_too_long
    EndBeforeStart { start: f64, end: f64 },
    RangeTooShort { length: f64 },
    RangeTooLong { length: f64 },
    /// A slowed-down range plays longer than a GIF may.
    PlaysTooLong { speed: f64, plays: f64 },
    // start_past_end
    StartPastEnd { start: f64, length: f64 },
    EndPastEnd { end: f64, length: f64 },
    /// Nothing came from `start` on; `length` when the video states it.
    NothingFromStart { start: f64, length: Option<f64> },
    // not_found
    MediaNotFound { doing: Doing },
    FileGone { doing: Doing },
    VideoNotFound,
    TakenDown,
    NoBuildForPlatform,
    NoRelease { channel: String, url: String, keeps: InUse },
    ReleaseUnlisted { channel: String, url: String, asset: Option<String>, keeps: InUse },
    // forbidden
    AccessRefused { doing: Doing },
    FileForbidden { doing: Doing },
    PointsAt { doing: Doing, place: String },
    Private,
    NotInCountry,
    SiteRefused,
    WaitTooLong { minutes: f64 },
    // sign_in_required
    BotCheck { signed_in: bool },
    AgeRestricted { signed_in: bool },
    MembersOnly { signed_in: bool },
    SignInAsked,
    // network
    RateLimited { doing: Doing },
    ServerError { doing: Doing },
    RedirectLoop { doing: Doing },
    RedirectsToItself { doing: Doing },
    ConnectionDropped { doing: Doing },
    NoConnection { doing: Doing, place: String },
    Stalled { seconds: u64 },
    DownloadCut,
    SiteRateLimited,
    SiteServerError,
    SiteUnreachable,
    /// A secure (https) connection that failed: the certificate, or a server not speaking TLS.
    SiteTls { certificate: bool },
    UpdateDamaged { keeps: InUse },
    ReleaseHttpError { status: u16, url: String, keeps: InUse },
    ReleaseUnreachable { detail: String, keeps: InUse },
    // live_stream
    NotStartedYet,
    LiveNow,
    // no_video
    OnlyArtwork,
    /// A still picture (a PNG, a JPEG) given as the video.
    StillPicture,
    /// The site serves this video only encrypted (DRM).
    CopyProtected,
    /// A video shorter than the shortest GIF.
    VideoTooShort { length: f64 },
    /// `local`: a file, never a link.
    NoVideoStream { local: bool },
    SoundOnlyStreams,
    SiteNoStream,
    SiteFormUnreadable,
    SoundOnlyLink,
    // outdated
    /// `youtube`: the site is YouTube (its message names it).
    YtdlpOutdated { youtube: bool },
    // site_error
    SitePage { detail: String },
    // bad_media
    OtherProtocol { doing: Doing },
    UnknownCodec { doing: Doing },
    Unreadable { doing: Doing },
    /// ffmpeg's own last line, when nothing better explains it.
    FfmpegSaid { doing: Doing, detail: String },
    SizeChanges,
    CutShort { length: f64, start: f64 },
    FileEndsEarly,
    NothingToMeasure,
    // too_large
    FramesTooLarge { width: u32, height: u32 },
    /// ffmpeg's own words for the size ("60000x60000").
    FramesTooLargeSaid { size: String },
    OverTwice { limit: u64 },
    CameOutOver { limit: u64 },
    GifTooLarge { width: usize, height: usize, frames: u64 },
    /// The WebP or MP4 made from a GIF fitted under `limit` came out over it.
    ConvertedOver { format: Format, bytes: u64, limit: u64 },
    CannotFit { limit: u64, width: u32, fps: u32, quality: u8, size: u64, seconds: f64 },
    DownloadTooLarge { url: String, keeps: InUse },
    // sidecar
    /// A caption font that is missing or damaged.
    FontUnloadable { path: String, detail: String },
    ToolMissing { tool: String, path: String },
    ToolNotExecutable { tool: String, path: String },
    ToolWontStart { tool: String, detail: String },
    FfmpegSilent,
    /// `code`: None when a signal stopped it.
    YtdlpStopped { code: Option<i32> },
    YtdlpGarbled { detail: String },
    OwnFolderUnknown { detail: String },
    NoVersion { tool: String, path: String },
    ToolTimeout { tool: String, seconds: u64 },
    ToolFailed { tool: String, status: String, detail: String },
    UpdateWontRun { keeps: InUse },
    // disk_full
    DiskFull { place: String },
    // not_writable
    ReadOnly { place: String },
    NoFolder { place: String },
    WriteFailed { place: String, detail: String },
    FolderMissing { path: String },
    NoDataFolder,
    NoDataFolderHome,
    NoHomeForUpdate,
    UseSaveDialog,
    SaveToFolder { path: String },
    /// The byte cache's folder could not be emptied.
    CacheNotCleared { detail: String },
    // output_exists
    OutputExists { path: String },
    /// The system did not take the clipboard (no display server, or not on this system yet).
    ClipboardRefused,
    /// The system did not start a drag of the GIF (no display server, or not on this system yet).
    DragRefused,
    // cancelled
    Cancelled,
    // internal
    Internal { detail: String },
    GifReadBack { detail: String },
    GifGone { detail: String },
    /// ffmpeg could not turn the finished GIF into a WebP or MP4 (its own last words).
    ConvertFailed { format: Format, detail: String },
}

/// What gifgrab was doing when a tool failed ("Could not read the video: …").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Doing {
    OpenVideo,
    OpenPage,
    ReadVideo,
    FetchRange,
    ShowPreview,
    ReadSubtitles,
}

/// The whole-number settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    Width,
    Fps,
    Quality,
}

/// Why a size limit was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeProblem {
    Number,
    NoUnit,
    UnknownUnit,
    NotPositive,
    Over4Gb,
}

/// The yt-dlp an update failure leaves in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InUse {
    pub version: Option<String>,
    /// The copy updated earlier, not the bundled one.
    pub updated: bool,
}

impl Msg {
    /// The kind the UI acts on; several messages share one.
    pub fn kind(&self) -> &'static str {
        use Msg::*;
        match self {
            NoSource | LinkControlChars | NotLinkOrFile { .. } | SchemeUnsupported { .. } | LinkMalformed { .. } | NoHost
            | YoutubeNoVideo | YoutubeBadId { .. } | FolderNotVideo { .. } | NoSuchFile { .. } | LinkTooLong | SourceGone
            | SiteUnsupported => "invalid_link",
            TimeNegative | NotATime { .. } | PreviewTimeNegative => "invalid_time",
            WidthTooLarge { .. } | WidthTooSmall | FpsRange | QualityRange | NotASize { .. } | LimitTooSmall { .. }
            | CookiesAndBrowser | UnknownBrowser { .. } | WindowsChromium | CookiesMissing { .. } | CookiesIsFolder { .. }
            | CookiesUnreadable { .. } | CookiesNotNetscape { .. } | CookiesEmpty { .. } | SlotInvalid | JobIdInUse
            | JobIdInvalid | GifNotReady | UpdateChannel { .. } | MissingArguments | OutputType { .. } | SpeedRange | NotASpeed { .. }
            | CropEmpty | NotACrop { .. } | CropOutside { .. } | AspectInvalid | NotAnAspect { .. } | CaptionTooLong { .. }
            | NotPlays { .. } | NotWhole { .. } | NoSuchSubtitles { .. } | NotSubtitles { .. } | NoSubsInLanguage { .. } | SubsTooLong => "invalid_option",
            EndBeforeStart { .. } => "end_before_start",
            RangeTooShort { .. } => "range_too_short",
            RangeTooLong { .. } | PlaysTooLong { .. } => "range_too_long",
            StartPastEnd { .. } | EndPastEnd { .. } | NothingFromStart { .. } | VideoTooShort { .. } => "start_past_end",
            MediaNotFound { .. } | FileGone { .. } | VideoNotFound | TakenDown | NoBuildForPlatform | NoRelease { .. }
            | ReleaseUnlisted { .. } => "not_found",
            AccessRefused { .. } | FileForbidden { .. } | PointsAt { .. } | Private | NotInCountry | SiteRefused | CopyProtected
            | WaitTooLong { .. } => "forbidden",
            BotCheck { .. } | AgeRestricted { .. } | MembersOnly { .. } | SignInAsked => "sign_in_required",
            RateLimited { .. } | ServerError { .. } | RedirectLoop { .. } | RedirectsToItself { .. } | ConnectionDropped { .. }
            | NoConnection { .. } | Stalled { .. } | DownloadCut | SiteRateLimited | SiteServerError | SiteUnreachable | SiteTls { .. }
            | UpdateDamaged { .. } | ReleaseHttpError { .. } | ReleaseUnreachable { .. } => "network",
            NotStartedYet | LiveNow => "live_stream",
            OnlyArtwork | StillPicture | NoVideoStream { .. } | SoundOnlyStreams | SiteNoStream | SiteFormUnreadable | SoundOnlyLink => "no_video",
            YtdlpOutdated { .. } => "outdated",
            SitePage { .. } => "site_error",
            OtherProtocol { .. } | UnknownCodec { .. } | Unreadable { .. } | FfmpegSaid { .. } | SizeChanges | CutShort { .. }
            | FileEndsEarly | NothingToMeasure => "bad_media",
            FramesTooLarge { .. } | FramesTooLargeSaid { .. } | OverTwice { .. } | CameOutOver { .. } | GifTooLarge { .. } | ConvertedOver { .. }
            | CannotFit { .. } | DownloadTooLarge { .. } => "too_large",
            ToolMissing { .. } | ToolNotExecutable { .. } | ToolWontStart { .. } | FfmpegSilent | YtdlpStopped { .. }
            | YtdlpGarbled { .. } | OwnFolderUnknown { .. } | NoVersion { .. } | ToolTimeout { .. } | ToolFailed { .. }
            | UpdateWontRun { .. } | FontUnloadable { .. } => "sidecar",
            DiskFull { .. } => "disk_full",
            ReadOnly { .. } | NoFolder { .. } | WriteFailed { .. } | FolderMissing { .. } | NoDataFolder | NoDataFolderHome
            | NoHomeForUpdate | UseSaveDialog | SaveToFolder { .. } | CacheNotCleared { .. } => "not_writable",
            OutputExists { .. } => "output_exists",
            ClipboardRefused | DragRefused => "internal",
            Cancelled => "cancelled",
            Internal { .. } | GifReadBack { .. } | GifGone { .. } | ConvertFailed { .. } => "internal",
        }
    }

    /// The stable code the UI gets (serde's tag: one list of names, not two).
    pub fn code(&self) -> String {
        let value = serde_json::to_value(self).unwrap_or_default();
        value["code"].as_str().unwrap_or_default().to_string()
    }

    /// An internal failure; `detail` is for a bug report, not for a translator.
    pub fn internal(detail: impl Into<String>) -> Msg {
        Msg::Internal { detail: detail.into() }
    }
}
