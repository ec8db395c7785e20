use super::*;

#[cfg(unix)]
#[test]
fn write_failures_get_the_kind_a_user_can_act_on() {
    let kind = |code| Error::from_write(&std::io::Error::from_raw_os_error(code), std::path::Path::new("/x/a.gif")).kind();
    for (code, want) in [
        (libc::ENOSPC, "disk_full"),
        (libc::EDQUOT, "disk_full"),
        (libc::EROFS, "not_writable"),
        (libc::EACCES, "not_writable"),
        (libc::EPERM, "not_writable"),
        (libc::ENOENT, "not_writable"),
    ] {
        assert_eq!(kind(code), want, "errno {code}");
    }
    let full = Error::from_write(&std::io::Error::from_raw_os_error(libc::ENOSPC), std::path::Path::new("/x/a.gif"));
    assert!(full.to_string().contains("/x/a.gif"), "{full}");
}


const KINDS: &[&str] = &[
    "invalid_link", "invalid_time", "invalid_option", "end_before_start", "range_too_short", "range_too_long",
    "start_past_end", "not_found", "forbidden", "sign_in_required", "network", "live_stream", "no_video", "outdated",
    "site_error", "bad_media", "too_large", "sidecar", "disk_full", "not_writable", "output_exists", "cancelled",
    "internal",
];

/// One of every message. `ordinal` has no wildcard arm: a new variant fails to compile there
/// until it is counted, and the count fails the test until it has a sample here.
fn samples() -> Vec<Msg> {
    use Msg::*;
    let s = |t: &str| t.to_string();
    let doing = Doing::ReadVideo;
    let keeps = InUse { version: Some(s("2026.01.01")), updated: true };
    vec![
        NoSource, LinkControlChars, NotLinkOrFile { text: s("-x") }, SchemeUnsupported { scheme: s("ftp") },
        LinkMalformed { detail: s("invalid port") }, NoHost, YoutubeNoVideo, YoutubeBadId { id: s("bad") },
        FolderNotVideo { path: s("/tmp") }, NoSuchFile { text: s("/no/such") }, LinkTooLong, SourceGone, SiteUnsupported,
        TimeNegative, NotATime { text: s("abc") }, PreviewTimeNegative,
        WidthTooLarge { width: 5000 }, WidthTooSmall, FpsRange, QualityRange,
        NotASize { text: s("10"), why: SizeProblem::NoUnit }, LimitTooSmall { bytes: 500 }, CookiesAndBrowser,
        UnknownBrowser { name: s("netscape") }, WindowsChromium, CookiesMissing { path: s("c.txt") },
        CookiesIsFolder { path: s("/tmp") }, CookiesUnreadable { path: s("c.txt"), detail: s("permission denied") },
        CookiesNotNetscape { path: s("c.json") }, CookiesEmpty { path: s("c.txt") }, SlotInvalid, JobIdInUse, JobIdInvalid,
        GifNotReady, UpdateChannel { name: s("beta") }, MissingArguments, OutputType { ext: s("png") },
        SpeedRange, NotASpeed { text: s("fast") }, CropEmpty, NotACrop { text: s("1:2") },
        CropOutside { width: 320, height: 240, x: 400, y: 0, frame_width: 640, frame_height: 272 }, AspectInvalid,
        NotAnAspect { text: s("square") }, CaptionTooLong { top: true, chars: 10_000 }, NotPlays { text: s("many") },
        NotWhole { setting: Setting::Fps, text: s("0.5") }, StillPicture, VideoTooShort { length: 0.04 }, CopyProtected, SiteTls { certificate: true },
        NoSuchSubtitles { path: s("a.srt") }, NotSubtitles { path: s("notes.srt") },
        NoSubsInLanguage { lang: s("fr"), available: vec![s("en"), s("ko (auto)")] }, SubsTooLong, ClipboardRefused, DragRefused,
        CacheNotCleared { detail: s("permission denied") },
        PlaysTooLong { speed: 0.25, plays: 240.0 }, FontUnloadable { path: s("/x/NotoSansCJK-Bold.ttc"), detail: s("not found") },
        EndBeforeStart { start: 5.0, end: 4.0 }, RangeTooShort { length: 0.05 }, RangeTooLong { length: 61.0 },
        StartPastEnd { start: 630.0, length: 600.0 }, EndPastEnd { end: 632.0, length: 600.0 },
        NothingFromStart { start: 9.0, length: None },
        MediaNotFound { doing }, FileGone { doing }, VideoNotFound, TakenDown, NoBuildForPlatform,
        NoRelease { channel: s("stable"), url: s("https://x/y"), keeps: keeps.clone() },
        ReleaseUnlisted { channel: s("nightly"), url: s("https://x/SUMS"), asset: None, keeps: keeps.clone() },
        AccessRefused { doing }, FileForbidden { doing }, PointsAt { doing, place: s("127.0.0.1:80") }, Private,
        NotInCountry, SiteRefused, WaitTooLong { minutes: 12.0 },
        BotCheck { signed_in: false }, AgeRestricted { signed_in: true }, MembersOnly { signed_in: false }, SignInAsked,
        RateLimited { doing }, ServerError { doing }, RedirectLoop { doing }, RedirectsToItself { doing },
        ConnectionDropped { doing }, NoConnection { doing, place: s("10.0.0.1:80") }, Stalled { seconds: 20 }, DownloadCut,
        SiteRateLimited, SiteServerError, SiteUnreachable, UpdateDamaged { keeps: keeps.clone() },
        ReleaseHttpError { status: 500, url: s("https://x/y"), keeps: keeps.clone() },
        ReleaseUnreachable { detail: s("refused"), keeps: keeps.clone() },
        NotStartedYet, LiveNow,
        OnlyArtwork, NoVideoStream { local: true }, SoundOnlyStreams, SiteNoStream, SiteFormUnreadable, SoundOnlyLink,
        YtdlpOutdated { youtube: true }, SitePage { detail: s("[foo] odd") },
        OtherProtocol { doing }, UnknownCodec { doing }, Unreadable { doing }, FfmpegSaid { doing, detail: s("odd") },
        SizeChanges, CutShort { length: 10.0, start: 8.0 }, FileEndsEarly, NothingToMeasure,
        FramesTooLarge { width: 8000, height: 6000 }, FramesTooLargeSaid { size: s("8000x6000") },
        OverTwice { limit: 128_000 }, CameOutOver { limit: 10_000_000 }, GifTooLarge { width: 1920, height: 1080, frames: 3000 },
        ConvertedOver { format: crate::render::output::Format::Webp, bytes: 10_400_000, limit: 10_000_000 },
        CannotFit { limit: 128_000, width: 64, fps: 5, quality: 30, size: 400_000, seconds: 2.5 },
        DownloadTooLarge { url: s("https://x/y"), keeps },
        ToolMissing { tool: s("ffmpeg"), path: s("/x/ffmpeg") }, ToolNotExecutable { tool: s("ffmpeg"), path: s("/x/ffmpeg") },
        ToolWontStart { tool: s("deno"), detail: s("exec format error") }, FfmpegSilent, YtdlpStopped { code: None },
        YtdlpGarbled { detail: s("EOF") }, OwnFolderUnknown { detail: s("gone") }, NoVersion { tool: s("deno"), path: s("/x") },
        ToolTimeout { tool: s("yt-dlp"), seconds: 15 }, ToolFailed { tool: s("yt-dlp"), status: s("exit status: 1"), detail: s("no") },
        UpdateWontRun { keeps: InUse { version: None, updated: false } },
        DiskFull { place: s("/x/a.gif") },
        ReadOnly { place: s("/x") }, NoFolder { place: s("/x") }, WriteFailed { place: s("/x"), detail: s("odd") },
        FolderMissing { path: s("/x") }, NoDataFolder, NoDataFolderHome, NoHomeForUpdate, UseSaveDialog, SaveToFolder { path: s("/x") },
        OutputExists { path: s("a.gif") },
        Cancelled,
        Internal { detail: s("the frame reader crashed") }, GifReadBack { detail: s("gone") }, GifGone { detail: s("gone") },
        ConvertFailed { format: crate::render::output::Format::Mp4, detail: s("odd") },
    ]
}

fn ordinal(m: &Msg) -> usize {
    use Msg::*;
    match m {
        NoSource => 0, LinkControlChars => 1, NotLinkOrFile { .. } => 2, SchemeUnsupported { .. } => 3, LinkMalformed { .. } => 4,
        NoHost => 5, YoutubeNoVideo => 6, YoutubeBadId { .. } => 7, FolderNotVideo { .. } => 8, NoSuchFile { .. } => 9,
        LinkTooLong => 10, SourceGone => 11, SiteUnsupported => 12, TimeNegative => 13, NotATime { .. } => 14,
        PreviewTimeNegative => 15, WidthTooLarge { .. } => 16, WidthTooSmall => 17, FpsRange => 18, QualityRange => 19,
        NotASize { .. } => 20, LimitTooSmall { .. } => 21, CookiesAndBrowser => 22, UnknownBrowser { .. } => 23,
        WindowsChromium => 24, CookiesMissing { .. } => 25, CookiesIsFolder { .. } => 26, CookiesUnreadable { .. } => 27,
        CookiesNotNetscape { .. } => 28, CookiesEmpty { .. } => 29, SlotInvalid => 30, JobIdInUse => 31, JobIdInvalid => 32,
        GifNotReady => 33, UpdateChannel { .. } => 34, MissingArguments => 35, OutputType { .. } => 36,
        EndBeforeStart { .. } => 37, RangeTooShort { .. } => 38, RangeTooLong { .. } => 39, StartPastEnd { .. } => 40,
        EndPastEnd { .. } => 41, NothingFromStart { .. } => 42, MediaNotFound { .. } => 43, FileGone { .. } => 44,
        VideoNotFound => 45, TakenDown => 46, NoBuildForPlatform => 47, NoRelease { .. } => 48, ReleaseUnlisted { .. } => 49,
        AccessRefused { .. } => 50, FileForbidden { .. } => 51, PointsAt { .. } => 52, Private => 53, NotInCountry => 54,
        SiteRefused => 55, WaitTooLong { .. } => 56, BotCheck { .. } => 57, AgeRestricted { .. } => 58, MembersOnly { .. } => 59,
        SignInAsked => 60, RateLimited { .. } => 61, ServerError { .. } => 62, RedirectLoop { .. } => 63,
        RedirectsToItself { .. } => 64, ConnectionDropped { .. } => 65, NoConnection { .. } => 66, Stalled { .. } => 67,
        DownloadCut => 68, SiteRateLimited => 69, SiteServerError => 70, SiteUnreachable => 71, UpdateDamaged { .. } => 72,
        ReleaseHttpError { .. } => 73, ReleaseUnreachable { .. } => 74, NotStartedYet => 75, LiveNow => 76, OnlyArtwork => 77,
        NoVideoStream { .. } => 78, SoundOnlyStreams => 79, SiteNoStream => 80, SiteFormUnreadable => 81, SoundOnlyLink => 82,
        YtdlpOutdated { .. } => 83, SitePage { .. } => 84, OtherProtocol { .. } => 85, UnknownCodec { .. } => 86, Unreadable { .. } => 87,
        FfmpegSaid { .. } => 88, SizeChanges => 89, CutShort { .. } => 90, FileEndsEarly => 91, NothingToMeasure => 92,
        FramesTooLarge { .. } => 93, FramesTooLargeSaid { .. } => 94, OverTwice { .. } => 95, CameOutOver { .. } => 96,
        GifTooLarge { .. } => 97, CannotFit { .. } => 98, DownloadTooLarge { .. } => 99, ToolMissing { .. } => 100,
        ToolNotExecutable { .. } => 101, ToolWontStart { .. } => 102, FfmpegSilent => 103, YtdlpStopped { .. } => 104,
        YtdlpGarbled { .. } => 105, OwnFolderUnknown { .. } => 106, NoVersion { .. } => 107, ToolTimeout { .. } => 108,
        ToolFailed { .. } => 109, UpdateWontRun { .. } => 110, DiskFull { .. } => 111, ReadOnly { .. } => 112,
        NoFolder { .. } => 113, WriteFailed { .. } => 114, FolderMissing { .. } => 115, NoDataFolder => 116,
        NoDataFolderHome => 117, NoHomeForUpdate => 118, UseSaveDialog => 119, SaveToFolder { .. } => 120,
        OutputExists { .. } => 121, Cancelled => 122, Internal { .. } => 123, GifReadBack { .. } => 124, GifGone { .. } => 125,
        SpeedRange => 126, NotASpeed { .. } => 127, CropEmpty => 128, NotACrop { .. } => 129, CropOutside { .. } => 130,
        AspectInvalid => 131, NotAnAspect { .. } => 132, CaptionTooLong { .. } => 133, NotPlays { .. } => 134,
        PlaysTooLong { .. } => 135, FontUnloadable { .. } => 136,
        NoSuchSubtitles { .. } => 137, NotSubtitles { .. } => 138, NoSubsInLanguage { .. } => 139, SubsTooLong => 140, ClipboardRefused => 141, DragRefused => 142,
        ConvertedOver { .. } => 143, ConvertFailed { .. } => 144, CacheNotCleared { .. } => 145,
        NotWhole { .. } => 146, StillPicture => 147, VideoTooShort { .. } => 148, CopyProtected => 149, SiteTls { .. } => 150,
    }
}

#[test]
fn every_message_has_words_a_code_and_a_known_kind() {
    let _lang = lang_lock();
    let samples = samples();
    let mut seen: Vec<usize> = samples.iter().map(ordinal).collect();
    seen.sort_unstable();
    assert_eq!(seen, (0..=150).collect::<Vec<_>>(), "one sample of every message");
    let mut codes = std::collections::HashSet::new();
    for msg in samples {
        let e = Error(msg.clone());
        let text = e.to_string();
        assert!(!text.trim().is_empty() && !text.contains('{'), "{msg:?}: {text:?}");
        assert!(KINDS.contains(&e.kind()), "{msg:?}: {}", e.kind());
        let wire = serde_json::to_value(&e).unwrap();
        let code = wire["code"].as_str().unwrap_or_default();
        assert!(!code.is_empty() && code == e.code() && codes.insert(code.to_string()), "{msg:?}: {wire}");
        assert_eq!((wire["kind"].as_str(), wire["message"].as_str()), (Some(e.kind()), Some(text.as_str())), "{wire}");
        let fields = serde_json::to_value(&msg).unwrap();
        assert_eq!(wire["args"], fields["args"], "{msg:?}");
    }
    assert_eq!(codes.len(), 151);
}

#[test]
fn the_ui_gets_kind_code_args_and_message() {
    let _lang = lang_lock();
    let e = Error(Msg::StartPastEnd { start: 630.0, length: 600.0 });
    let wire = serde_json::to_value(&e).unwrap();
    let english = "The start (10:30.0) is past the end of the video, which is 10:00.0 long.";
    assert_eq!(
        wire,
        serde_json::json!({
            "kind": "start_past_end",
            "code": "start_past_end",
            "args": { "start": 630.0, "length": 600.0 },
            "message": english,
            "messageEn": english,
        })
    );
    let bare = serde_json::to_value(Error(Msg::Cancelled)).unwrap();
    assert_eq!(
        bare,
        serde_json::json!({ "kind": "cancelled", "code": "cancelled", "message": "Cancelled.", "messageEn": "Cancelled." })
    );
}

/// The UI language is process-wide: the tests that serialize take turns, and a Korean one
/// sets English back even when it fails.
fn lang_lock() -> impl Drop {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    struct Reset(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);
    impl Drop for Reset {
        fn drop(&mut self) {
            set_ui_language(Lang::En);
        }
    }
    let guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    set_ui_language(Lang::En);
    Reset(guard)
}

/// The numbers in a text ("10:30.0" gives 10 and 30.0, "2026.01.01" one number).
fn numbers(text: &str) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut number = String::new();
        while i < chars.len()
            && (chars[i].is_ascii_digit() || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            number.push(chars[i]);
            i += 1;
        }
        found.insert(number);
    }
    found
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{AC00}'..='\u{D7A3}'))
}

/// Every message's Korean text, plus the variants' other arms (signed in or not, with a
/// length or without, each size problem and each step) that the one sample of each misses.
fn korean_samples() -> Vec<Msg> {
    use Msg::*;
    let s = |t: &str| t.to_string();
    let mut all = samples();
    for doing in [Doing::OpenVideo, Doing::OpenPage, Doing::ReadVideo, Doing::FetchRange, Doing::ShowPreview, Doing::ReadSubtitles] {
        all.push(AccessRefused { doing });
    }
    for why in [SizeProblem::Number, SizeProblem::NoUnit, SizeProblem::UnknownUnit, SizeProblem::NotPositive, SizeProblem::Over4Gb] {
        all.push(NotASize { text: s("5 GB"), why });
    }
    all.extend([
        BotCheck { signed_in: true }, AgeRestricted { signed_in: false }, MembersOnly { signed_in: true },
        NothingFromStart { start: 9.0, length: Some(7.5) }, NoVideoStream { local: false },
        NoSubsInLanguage { lang: s("fr"), available: vec![] }, CaptionTooLong { top: false, chars: 301 },
        YtdlpStopped { code: Some(137) },
        ReleaseUnlisted { channel: s("stable"), url: s("https://x/SUMS"), asset: Some(s("yt-dlp_linux")), keeps: InUse { version: None, updated: false } },
        UpdateWontRun { keeps: InUse { version: Some(s("2025.12.08")), updated: false } },
        CameOutOver { limit: 999_000 },
    ]);
    all
}

#[test]
fn every_message_has_korean_words_that_keep_its_numbers() {
    let samples = korean_samples();
    for msg in &samples {
        let e = Error(msg.clone());
        let (en, ko) = (e.text_in(Lang::En), e.text_in(Lang::Ko));
        assert_eq!(en, e.to_string(), "{msg:?}");
        assert!(!ko.trim().is_empty() && !ko.contains('{'), "{msg:?}: {ko:?}");
        assert!(has_hangul(&ko), "{msg:?}: no Hangul in {ko:?}");
        assert_ne!(ko, en, "{msg:?}");
        let kept = numbers(&ko);
        let lost: Vec<_> = numbers(&en).into_iter().filter(|n| !kept.contains(n)).collect();
        assert!(lost.is_empty(), "{msg:?}: {lost:?} from {en:?} missing in {ko:?}");
    }
    assert!(samples.len() > 143);
}

#[test]
fn korean_particles_follow_the_last_sound() {
    let ko = |m: Msg| Error(m).text_in(Lang::Ko);
    assert!(ko(Msg::SaveToFolder { path: s("/home/a/사진") }).starts_with("/home/a/사진은 "));
    assert!(ko(Msg::SaveToFolder { path: s("/home/a/문서함") }).starts_with("/home/a/문서함은 "));
    assert!(ko(Msg::SaveToFolder { path: s("/home/a/바다") }).starts_with("/home/a/바다는 "));
    assert!(ko(Msg::NotATime { text: s("12") }).starts_with("\"12\"는 "));
    assert!(ko(Msg::NotATime { text: s("13") }).starts_with("\"13\"은 "));
    assert!(ko(Msg::NotATime { text: s("abc") }).starts_with("\"abc\"은(는) "));
    fn s(t: &str) -> String {
        t.to_string()
    }
}

#[test]
fn the_ui_gets_its_language_and_english_for_logs() {
    let _lang = lang_lock();
    assert_eq!(ui_language(), Lang::En, "English until the UI sets its language");
    let e = Error(Msg::StartPastEnd { start: 630.0, length: 600.0 });
    let english = "The start (10:30.0) is past the end of the video, which is 10:00.0 long.";
    let wire = serde_json::to_value(&e).unwrap();
    assert_eq!((wire["message"].as_str(), wire["messageEn"].as_str()), (Some(english), Some(english)));

    set_ui_language(Lang::Ko);
    assert_eq!(ui_language(), Lang::Ko);
    for msg in korean_samples() {
        let e = Error(msg.clone());
        let wire = serde_json::to_value(&e).unwrap();
        let ko = e.text_in(Lang::Ko);
        assert_eq!(wire["message"].as_str(), Some(ko.as_str()), "{msg:?}");
        assert_eq!(wire["messageEn"].as_str(), Some(e.to_string().as_str()), "{msg:?}");
        assert_eq!((wire["kind"].as_str(), wire["code"].as_str()), (Some(e.kind()), Some(e.code().as_str())), "{msg:?}");
    }
    let wire = serde_json::to_value(&e).unwrap();
    assert_eq!(wire["message"], "시작(10:30.0)이 동영상 길이(10:00.0)를 넘습니다.");
    assert_eq!(wire["messageEn"], english);
    assert_eq!(e.to_string(), english, "Display stays English for the CLI and logs");

    set_ui_language(Lang::En);
    assert_eq!(serde_json::to_value(&e).unwrap()["message"], english);
}

#[test]
fn languages_are_named_en_and_ko() {
    assert_eq!(serde_json::to_value(Lang::Ko).unwrap(), "ko");
    assert_eq!(serde_json::to_value(Lang::En).unwrap(), "en");
    assert_eq!(serde_json::from_value::<Lang>(serde_json::json!("ko")).unwrap(), Lang::Ko);
    assert_eq!(Lang::default(), Lang::En);
}

#[test]
fn usage_errors_are_the_typing_kinds() {
    let usage: Vec<&str> = samples().into_iter().map(Error).filter(Error::is_usage).map(|e| e.kind()).collect();
    for kind in ["invalid_link", "invalid_time", "invalid_option", "end_before_start", "range_too_short", "range_too_long"] {
        assert!(usage.contains(&kind), "{kind}");
    }
    assert!(usage.iter().all(|k| KINDS[..6].contains(k)), "{usage:?}");
}
