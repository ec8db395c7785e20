//! All of gifgrab's error messages in Korean (합니다체, as a Korean desktop app words them): the
//! same match as `en`, with the same constants and helpers so every number stays the same.

use super::msg::{Doing, InUse, Msg, Setting, SizeProblem};
use crate::edits::{MAX_CAPTION_CHARS, MAX_SPEED, MIN_SPEED};
use crate::render::fit::show_bytes;
use crate::render::output::Format;
use crate::spec::{format_time, MAX_FPS, MAX_LENGTH, MAX_WIDTH, MIN_LENGTH, MIN_MAX_BYTES};
use crate::text::printable;

const SIGN_IN_HOW: &str = "gifgrab 설정에서 \"내 Firefox 로그인 사용\" 또는 cookies.txt 파일을 고른 뒤 다시 시도하세요. (명령줄: --cookies-from-browser firefox 또는 --cookies FILE)";
const UPDATE_HOW: &str = "설정 → 동영상 지원 업데이트에서 동영상 지원을 업데이트한 뒤 다시 시도하세요. (명령줄: gifgrab-cli --update-yt-dlp)";
const REINSTALL: &str = "gifgrab을 다시 설치하세요. 소스 코드에서 실행 중이라면 `cargo xtask setup`을 실행하세요.";
const UNCHANGED: &str = "변경된 내용은 없습니다.";

pub fn text(msg: &Msg) -> String {
    use Msg::*;
    match msg {
        NoSource => "동영상 링크를 붙여 넣거나 동영상 파일을 고르세요.".into(),
        LinkControlChars => "링크에 제어 문자가 들어 있습니다. 다시 붙여 넣으세요.".into(),
        NotLinkOrFile { text } => format!("{} 링크나 파일이 아닙니다.", quoted(text, "은", "는")),
        SchemeUnsupported { scheme } => {
            format!("\"{scheme}\" 링크는 지원하지 않습니다. http 또는 https 링크나 이 컴퓨터의 파일을 사용하세요.")
        }
        LinkMalformed { detail } => format!("링크 형식이 올바르지 않습니다({detail}). 링크를 확인한 뒤 다시 붙여 넣으세요."),
        NoHost => "이 링크에는 호스트 이름이 없습니다.".into(),
        YoutubeNoVideo => "이 YouTube 링크는 동영상을 가리키지 않습니다. 동영상 자체의 링크를 복사하세요.".into(),
        YoutubeBadId { id } => format!("{} YouTube 동영상 ID가 아닙니다. 링크를 확인하세요.", quoted(id, "은", "는")),
        FolderNotVideo { path } => format!("{path}{} 동영상 파일이 아니라 폴더입니다.", josa(path, "은", "는")),
        NoSuchFile { text } => format!(
            "{} 링크도 아니고 존재하는 파일도 아닙니다. http(s) 링크를 붙여 넣거나 동영상 파일을 고르세요.",
            quoted(text, "은", "는")
        ),
        LinkTooLong => "링크라고 하기에는 너무 깁니다.".into(),
        SourceGone => "이 동영상은 더 이상 열려 있지 않습니다. 링크를 다시 붙여 넣으세요.".into(),
        SiteUnsupported => {
            "이 링크에서 동영상을 찾을 수 없습니다. 지원하지 않는 사이트이거나 페이지에 동영상이 없습니다.".into()
        }

        TimeNegative => "시작과 끝은 0 이상의 시간이어야 합니다.".into(),
        NotATime { text } => format!(
            "{} 시간이 아닙니다. 초(83.5), m:ss(1:23.5) 또는 h:mm:ss(1:01:23) 형식으로 입력하세요.",
            quoted(text, "은", "는")
        ),
        PreviewTimeNegative => "미리 보기 시간은 0초 이상이어야 합니다.".into(),

        WidthTooLarge { width } => format!("너비 {width} px는 너무 큽니다. 최대 {MAX_WIDTH} px까지 가능합니다."),
        WidthTooSmall => "너비는 16 px 이상이어야 합니다.".into(),
        FpsRange => format!("프레임 속도는 1~{MAX_FPS} fps 사이여야 합니다."),
        QualityRange => "화질은 1~100 사이여야 합니다.".into(),
        NotASize { text, why } => {
            let what = match why {
                SizeProblem::Number => format!("{} 크기가 아닙니다.", quoted(text, "은", "는")),
                SizeProblem::NoUnit => format!("\"{}\"에 단위가 없습니다.", printable(text)),
                SizeProblem::UnknownUnit => format!("\"{}\"의 단위를 알 수 없습니다.", printable(text)),
                SizeProblem::NotPositive => format!("크기는 0보다 커야 합니다(입력한 값: \"{}\").", printable(text)),
                SizeProblem::Over4Gb => format!("{} 4 GB를 넘습니다.", quoted(text, "은", "는")),
            };
            format!("{what} 10MB나 128KB처럼 KB 또는 MB 단위로 입력하거나 discord, github, x, slack-emoji 중 하나를 입력하세요.")
        }
        LimitTooSmall { bytes } => format!(
            "크기 제한 {bytes}바이트는 너무 작아서 GIF를 만들 수 없습니다. 최소 {} KB 이상으로 지정하세요.",
            MIN_MAX_BYTES / 1000
        ),
        CookiesAndBrowser => "쿠키 파일과 브라우저 로그인 중 하나만 사용하세요.".into(),
        UnknownBrowser { name } => format!(
            "{} gifgrab이 로그인 정보를 읽을 수 있는 브라우저가 아닙니다. 다음 중 하나를 사용하세요: {}.",
            quoted(name, "은", "는"),
            crate::source::cookies::BROWSERS.join(", ")
        ),
        WindowsChromium => "Windows의 Chrome과 다른 Chromium 계열 브라우저는 앱 전용 암호화로 쿠키를 잠그기 때문에 브라우저 자신만 읽을 수 있습니다. 대신 Firefox 로그인이나 cookies.txt 파일을 사용하세요.".into(),
        CookiesMissing { path } => format!("쿠키 파일을 찾을 수 없습니다: {path}"),
        CookiesIsFolder { path } => format!("{path}{} 쿠키 파일이 아니라 폴더입니다.", josa(path, "은", "는")),
        CookiesUnreadable { path, detail } => format!("쿠키 파일을 읽을 수 없습니다({detail}): {path}"),
        CookiesNotNetscape { path } => format!(
            "{path}{} Netscape 형식의 cookies.txt 파일이 아닙니다. \"cookies.txt\" 같은 브라우저 확장 프로그램으로 내보낸 파일을 사용하세요.",
            josa(path, "은", "는")
        ),
        CookiesEmpty { path } => format!("쿠키 파일 {path}에 쿠키가 하나도 없습니다."),
        SlotInvalid => "잘못된 미리 보기 슬롯입니다.".into(),
        JobIdInUse => "이미 사용 중인 작업 ID입니다.".into(),
        JobIdInvalid => "잘못된 작업 ID입니다.".into(),
        GifNotReady => "GIF가 아직 준비되지 않았습니다. 다시 만드세요.".into(),
        UpdateChannel { name } => {
            format!("--update-yt-dlp에는 stable 또는 nightly를 지정하세요(입력한 값: \"{}\").", printable(name))
        }
        MissingArguments => "SOURCE와 --start를 지정하세요(--end가 없으면 3초를 만듭니다). YouTube 클립 링크는 자체 구간이 있어 둘 다 필요 없습니다.".into(),
        SpeedRange => format!("속도는 {MIN_SPEED}×에서 {MAX_SPEED}× 사이여야 합니다(1×가 원래 속도입니다)."),
        NotASpeed { text } => format!(
            "{} 속도가 아닙니다. 2 또는 0.5처럼 {MIN_SPEED}~{MAX_SPEED} 사이의 숫자를 입력하세요.",
            quoted(text, "은", "는")
        ),
        CropEmpty => "자르기 상자는 너비와 높이가 1픽셀 이상이어야 합니다.".into(),
        NotACrop { text } => format!(
            "{} 자르기 상자가 아닙니다. 640:360:100:50처럼 동영상 픽셀 기준의 W:H:X:Y로 입력하세요.",
            quoted(text, "은", "는")
        ),
        CropOutside { width, height, x, y, frame_width, frame_height } => format!(
            "자르기 상자({x},{y} 위치의 {width}×{height})가 {frame_width}×{frame_height} 프레임 밖으로 나갑니다. 프레임 안쪽으로 상자를 고르세요."
        ),
        AspectInvalid => "화면 비율은 1:1 또는 16:9처럼 0보다 큰 숫자 두 개여야 합니다.".into(),
        NotAnAspect { text } => {
            format!("{} 화면 비율이 아닙니다. 1:1 또는 16:9처럼 숫자 두 개로 입력하세요.", quoted(text, "은", "는"))
        }
        CaptionTooLong { top, chars } => format!(
            "{} 문구가 {chars}자입니다. GIF에 넣는 문구는 최대 {MAX_CAPTION_CHARS}자까지 넣을 수 있습니다.",
            if *top { "위쪽" } else { "아래쪽" }
        ),
        NoSuchSubtitles { path } => format!("자막 파일을 찾을 수 없습니다: {}", printable(path)),
        NotSubtitles { path } => format!(
            "{} gifgrab이 읽을 수 있는 자막 파일이 아닙니다. .srt, .vtt 또는 .ass 파일을 사용하세요.",
            plain(path, "은", "는")
        ),
        NoSubsInLanguage { lang, available } if available.is_empty() => {
            format!("이 동영상에는 자막이 없어서 \"{}\" 자막도 사용할 수 없습니다.", printable(lang))
        }
        NoSubsInLanguage { lang, available } => format!(
            "이 동영상에는 \"{}\" 자막이 없습니다. 사용할 수 있는 자막: {}",
            printable(lang),
            available.iter().map(|l| printable(l)).collect::<Vec<_>>().join(", ")
        ),
        SubsTooLong => "자막 지정이 너무 깁니다. 언어 코드(en, ko)나 파일 경로를 입력하세요.".into(),
        NotWhole { setting: Setting::Width, text } => format!(
            "{} 너비가 아닙니다. 480처럼 픽셀 수를 정수로 입력하세요(0은 동영상의 너비 그대로).",
            quoted(text, "은", "는")
        ),
        NotWhole { setting: Setting::Fps, text } => format!(
            "{} 프레임 레이트가 아닙니다. 초당 프레임 수를 1~{MAX_FPS} 사이의 정수로 입력하세요.",
            quoted(text, "은", "는")
        ),
        NotWhole { setting: Setting::Quality, text } => {
            format!("{} 화질 값이 아닙니다. 1~100 사이의 정수로 입력하세요.", quoted(text, "은", "는"))
        }
        NotPlays { text } => format!(
            "{} 반복 횟수가 아닙니다. forever, once 또는 1~65535 사이의 숫자를 입력하세요.",
            quoted(text, "은", "는")
        ),
        OutputType { ext } => format!(
            "gifgrab은 .gif, .webp(움직이는 WebP), .mp4(소리 없는 동영상) 파일을 만듭니다. 출력 파일 이름을 이 중 하나로 지정하세요(입력한 확장자: .{}).",
            printable(ext)
        ),

        EndBeforeStart { start, end } => {
            format!("끝({})은 시작({})보다 뒤여야 합니다.", format_time(*end), format_time(*start))
        }
        RangeTooShort { length } => {
            format!("구간이 {length:.2}초로 너무 짧습니다. {MIN_LENGTH}초 이상이어야 합니다.")
        }
        PlaysTooLong { speed, plays } => format!(
            "{speed}× 속도에서는 GIF가 {plays:.1}초 동안 재생됩니다. GIF는 최대 {MAX_LENGTH:.0}초까지 만들 수 있습니다. 구간을 줄이거나 속도를 높이세요."
        ),
        RangeTooLong { length } => format!(
            "구간이 {}초로 너무 깁니다. GIF는 최대 {MAX_LENGTH:.0}초까지 만들 수 있습니다. 구간을 줄이세요.",
            super::en::over_limit(*length)
        ),

        StartPastEnd { start, length } => {
            format!("시작({})이 동영상 길이({})를 넘습니다.", format_time(*start), format_time(*length))
        }
        EndPastEnd { end, length } => format!(
            "끝({})이 동영상 길이({})를 넘습니다. 끝을 {} 이하로 지정하세요.",
            format_time(*end),
            format_time(*length),
            format_time(*length)
        ),
        NothingFromStart { start, length: Some(length) } => {
            format!("시작({})이 동영상 길이({})를 넘습니다.", format_time(*start), format_time(*length))
        }
        NothingFromStart { start, length: None } => {
            format!("동영상이 시작({})보다 짧습니다.", format_time(*start))
        }

        MediaNotFound { doing } => {
            format!("{}. 서버에 그 주소의 동영상이 없습니다. 링크를 확인하세요.", doing_text(*doing))
        }
        FileGone { doing } => format!("{}. 동영상 파일이 더 이상 없습니다.", doing_text(*doing)),
        VideoNotFound => "동영상을 찾을 수 없습니다. 삭제되었거나 링크가 잘못되었을 수 있습니다.".into(),
        TakenDown => "저작권 신고로 삭제된 동영상입니다.".into(),
        NoBuildForPlatform => {
            "yt-dlp에서 이 컴퓨터용 실행 파일을 제공하지 않습니다. gifgrab에 포함된 버전을 계속 사용합니다.".into()
        }
        NoRelease { channel, url, keeps } => format!(
            "yt-dlp에는 이 플랫폼용 {channel} 릴리스가 없습니다({url}: 찾을 수 없음). {UNCHANGED} {}",
            keeps_text(keeps)
        ),
        ReleaseUnlisted { channel, url, asset, keeps } => format!(
            "yt-dlp에는 이 플랫폼용 {channel} 릴리스가 없습니다({url}에 {}). {UNCHANGED} {}",
            match asset {
                Some(asset) => format!("{asset} 항목이 없음"),
                None => "이 플랫폼용 프로그램이 없음".into(),
            },
            keeps_text(keeps)
        ),

        AccessRefused { doing } => format!("{}. 서버에서 접근을 거부했습니다(403).", doing_text(*doing)),
        FileForbidden { doing } => format!("{}. 이 동영상 파일을 읽을 권한이 없습니다.", doing_text(*doing)),
        PointsAt { doing, place } => format!(
            "{}. 링크가 {} 주소를 가리킵니다. gifgrab은 링크의 원래 서버와 공개 인터넷에서만 읽습니다.",
            doing_text(*doing),
            printable(place)
        ),
        Private => "비공개 동영상입니다. 소유자가 초대한 사람만 볼 수 있습니다. 초대를 받았다면 설정에서 로그인을 켠 뒤 다시 시도하세요.".into(),
        NotInCountry => "이 동영상은 현재 국가에서 볼 수 없습니다. 업로더가 시청 가능한 지역을 제한했습니다.".into(),
        SiteRefused => "사이트에서 이 동영상에 대한 접근을 거부했습니다(403). 링크를 확인하거나, 로그인이 필요한 사이트라면 로그인하세요.".into(),
        WaitTooLong { minutes } => {
            format!("동영상 사이트에서 이 동영상을 재생하기 전에 약 {minutes}분을 기다리게 합니다. 나중에 다시 시도하세요.")
        }

        BotCheck { signed_in: true } => "이 로그인으로도 YouTube에서 봇이 아닌지 계속 확인하려고 합니다. 그 브라우저에서 YouTube에 다시 로그인하거나 새 cookies.txt를 내보낸 뒤 다시 시도하세요.".into(),
        BotCheck { signed_in: false } => {
            format!("YouTube에서 이 동영상을 보여 주기 전에 봇이 아닌지 확인하려고 합니다. {SIGN_IN_HOW}")
        }
        AgeRestricted { signed_in: true } => "연령 제한 동영상입니다. 로그인한 계정으로는 이 동영상을 볼 수 없습니다.".into(),
        AgeRestricted { signed_in: false } => {
            format!("연령 제한 동영상입니다. YouTube는 로그인한 성인에게만 이 동영상을 보여 줍니다. {SIGN_IN_HOW}")
        }
        MembersOnly { signed_in: true } => {
            "채널 멤버십 전용 동영상입니다. 로그인한 계정은 멤버가 아니므로 멤버 계정으로 로그인하세요.".into()
        }
        MembersOnly { signed_in: false } => {
            format!("채널 멤버십 전용 동영상입니다. 멤버 계정으로 로그인하세요. {SIGN_IN_HOW}")
        }
        SignInAsked => format!("이 동영상을 보려면 사이트에 로그인해야 합니다. {SIGN_IN_HOW}"),

        RateLimited { doing } => format!(
            "{}. 서버에서 요청 수를 제한하고 있습니다(429). 잠시 기다린 뒤 다시 시도하세요.",
            doing_text(*doing)
        ),
        ServerError { doing } => {
            format!("{}. 서버에 오류가 발생했습니다(5xx). 잠시 후 다시 시도하세요.", doing_text(*doing))
        }
        RedirectLoop { doing } => {
            format!("{}. 서버가 계속 리디렉션합니다. 링크를 확인하세요.", doing_text(*doing))
        }
        RedirectsToItself { doing } => {
            format!("{}. 서버가 보통 필요한 것보다 훨씬 많이 계속 리디렉션합니다. 링크를 확인하세요.", doing_text(*doing))
        }
        ConnectionDropped { doing } => format!(
            "{}. 연결하지 못했거나 연결이 끊겼습니다. 인터넷 연결을 확인한 뒤 다시 시도하세요.",
            doing_text(*doing)
        ),
        NoConnection { doing, place } => format!(
            "{}. {}에 연결할 수 없습니다. 링크와 인터넷 연결을 확인한 뒤 다시 시도하세요.",
            doing_text(*doing),
            printable(place)
        ),
        Stalled { seconds } => format!(
            "서버가 동영상을 보내다 멈췄습니다({seconds}초 동안 데이터 없음). 연결을 확인한 뒤 다시 시도하세요."
        ),
        DownloadCut => "구간을 다 받기 전에 다운로드가 멈췄습니다. 연결을 확인한 뒤 다시 시도하세요.".into(),
        SiteRateLimited => "사이트에서 요청 수를 제한하고 있습니다(429). 잠시 기다린 뒤 다시 시도하세요.".into(),
        SiteServerError => "동영상 사이트에 서버 오류가 발생했습니다(5xx). 잠시 후 다시 시도하세요.".into(),
        SiteUnreachable => "동영상 사이트에 연결할 수 없습니다. 인터넷 연결을 확인한 뒤 다시 시도하세요.".into(),
        SiteTls { certificate: true } => "사이트의 보안 인증서를 확인할 수 없어 연결하지 않았습니다. 링크 주소와 이 컴퓨터의 날짜·시간을 확인하세요.".into(),
        SiteTls { certificate: false } => "사이트가 보안(https) 서버로 응답하지 않았습니다. 링크를 확인하세요. 주소가 맞다면 이 사이트는 http://로만 열릴 수 있습니다.".into(),
        UpdateDamaged { keeps } => format!(
            "다운로드한 yt-dlp가 전송 중에 손상되었거나 변조되었습니다(SHA-256 값이 릴리스의 {} 파일과 다름). {UNCHANGED} {}",
            crate::tools::ytdlp_update::SUMS,
            keeps_text(keeps)
        ),
        ReleaseHttpError { status, url, keeps } => format!(
            "yt-dlp 릴리스 페이지에서 오류를 반환했습니다({url}: HTTP {status}). {UNCHANGED} {}",
            keeps_text(keeps)
        ),
        ReleaseUnreachable { detail, keeps } => {
            format!("yt-dlp 릴리스 페이지에 연결할 수 없습니다({detail}). {}", keeps_text(keeps))
        }

        NotStartedYet => "아직 시작하지 않은 실시간 스트리밍 또는 최초 공개 동영상입니다. 공개된 뒤 다시 시도하세요.".into(),
        LiveNow => "실시간 스트리밍 중인 동영상입니다. gifgrab은 녹화된 동영상으로 GIF를 만듭니다. 스트리밍이 끝난 뒤 다시 시도하세요.".into(),

        CopyProtected => "저작권 보호(DRM)가 걸린 동영상입니다. 사이트가 암호화해서 보내므로 GIF를 만들 수 없습니다.".into(),
        StillPicture => "동영상이 아니라 정지 이미지입니다. GIF를 만들려면 동영상 파일이나 링크를 여세요.".into(),
        VideoTooShort { length } => {
            format!("이 동영상은 {length:.2}초밖에 되지 않습니다. GIF를 만들려면 최소 {MIN_LENGTH}초의 영상이 필요합니다.")
        }
        OnlyArtwork => "이 파일에는 동영상이 없고 첨부된 아트워크(노래의 앨범 표지 등)만 있습니다.".into(),
        NoVideoStream { local: true } => "이 파일에는 동영상이 없습니다.".into(),
        NoVideoStream { local: false } => "이 파일 또는 링크에는 동영상이 없습니다.".into(),
        SoundOnlyStreams => "이 파일 또는 링크에는 소리만 있고 동영상이 없습니다.".into(),
        SiteNoStream => "사이트에서 이 링크에 대해 gifgrab이 읽을 수 있는 동영상 스트림을 제공하지 않습니다.".into(),
        SiteFormUnreadable => "사이트에서 이 동영상을 gifgrab이 읽을 수 없는 형식으로만 제공합니다.".into(),
        SoundOnlyLink => "이 링크에는 소리만 있고 동영상은 없습니다.".into(),

        YtdlpOutdated { youtube } => {
            let site = if *youtube { "YouTube가" } else { "동영상 사이트가" };
            format!("{site} 바뀌어 현재 버전의 동영상 지원(yt-dlp)으로는 아직 처리할 수 없습니다. {UPDATE_HOW}")
        }

        SitePage { detail } => format!("동영상 사이트의 페이지를 읽을 수 없습니다: {}", printable(detail)),

        OtherProtocol { doing } => format!(
            "{}. 스트림이 gifgrab이 읽지 않는 곳(다른 프로토콜이나 이 컴퓨터의 파일)을 가리킵니다.",
            doing_text(*doing)
        ),
        UnknownCodec { doing } => format!(
            "{}. gifgrab이 디코딩할 수 없는 형식(코덱)의 동영상입니다. 먼저 MP4(H.264)로 변환하세요.",
            doing_text(*doing)
        ),
        Unreadable { doing } => format!(
            "{}. gifgrab이 읽을 수 있는 동영상이 아니거나 파일이 손상되었습니다.",
            doing_text(*doing)
        ),
        FfmpegSaid { doing, detail } => format!("{}: {}", doing_text(*doing), printable(detail)),
        SizeChanges => "구간 안에서 동영상의 화면 크기가 바뀌어 하나의 GIF로 만들 수 없습니다.".into(),
        CutShort { length, start } => format!(
            "동영상에 표시된 길이는 {}인데 {}부터는 화면이 없습니다. 파일이 그 지점에서 잘렸거나 손상되었습니다. 더 앞쪽 구간을 고르세요.",
            format_time(*length),
            format_time(*start)
        ),
        FileEndsEarly => "동영상 파일이 구간보다 먼저 끝나거나 그 부분이 손상되었습니다. 더 앞쪽 구간을 고르세요.".into(),
        NothingToMeasure => "그 구간에는 측정할 화면이 없습니다.".into(),

        FramesTooLarge { width, height } => frames_too_large(&format!("{width}×{height}")),
        FramesTooLargeSaid { size } => frames_too_large(&printable(size)),
        OverTwice { limit } => format!(
            "GIF를 더 작게 다시 만들 때마다 {}를 넘어 저장하지 않았습니다. 구간이나 너비를 줄이세요.",
            show_bytes(*limit)
        ),
        ConvertedOver { format, bytes, limit } => format!(
            "GIF는 {} 안에 들어가지만, 그 GIF로 만든 {}는 {}입니다. 아무것도 저장하지 않았습니다. GIF로 저장하거나 너비를 줄이거나 구간을 짧게 하세요.",
            show_bytes(*limit),
            format_name(*format),
            show_bytes(*bytes)
        ),
        CameOutOver { limit } => format!("GIF가 {}를 넘어 저장하지 않았습니다.", show_bytes(*limit)),
        GifTooLarge { width, height, frames } => format!(
            "{width}×{height} 크기에 {frames}프레임인 GIF는 너무 큽니다. 너비나 프레임 속도를 낮추거나 구간을 줄이세요."
        ),
        CannotFit { limit, width, fps, quality, size, seconds } => format!(
            "이 GIF는 {} 이하로 만들 수 없습니다. {width} px, {fps} fps, 화질 {quality}까지 낮춰도 약 {}입니다. 구간을 약 {:.1}초로 줄이거나 크기 제한을 늘리세요.",
            show_bytes(*limit),
            show_bytes(*size),
            seconds.max(0.1)
        ),
        DownloadTooLarge { url, keeps } => format!(
            "{url}의 크기가 {} MB를 넘으므로 yt-dlp가 아닙니다. {UNCHANGED} {}",
            crate::tools::ytdlp_update::MAX_DOWNLOAD >> 20,
            keeps_text(keeps)
        ),

        FontUnloadable { path, detail } => format!("문구 글꼴을 불러올 수 없습니다({path}: {detail}). {REINSTALL}"),
        ToolMissing { tool, path } => format!("gifgrab에 포함된 {tool} 파일이 없습니다({path}). {REINSTALL}"),
        ToolNotExecutable { tool, path } => {
            format!("gifgrab에 포함된 {tool} 파일을 실행할 수 없습니다({path}에 실행 권한이 없음). {REINSTALL}")
        }
        ToolWontStart { tool, detail } => {
            format!("gifgrab에 포함된 {tool} 프로그램을 시작할 수 없습니다({detail}). {REINSTALL}")
        }
        FfmpegSilent => format!("ffmpeg 실행이 아무 메시지 없이 중단되었습니다. {REINSTALL}"),
        YtdlpStopped { code } => format!(
            "yt-dlp가 예기치 않게 중단되었습니다({}). {REINSTALL}",
            code.map(|c| format!("종료 코드 {c}")).unwrap_or_else(|| "신호로 중단됨".into())
        ),
        YtdlpGarbled { detail } => format!("yt-dlp가 예상하지 못한 내용을 출력했습니다({detail}). gifgrab을 다시 설치하세요."),
        OwnFolderUnknown { detail } => format!("gifgrab 자체 폴더를 찾을 수 없습니다({detail}). gifgrab을 다시 설치하세요."),
        NoVersion { tool, path } => format!("{tool}({path})에서 버전 정보를 출력하지 않았습니다."),
        ToolTimeout { tool, seconds } => format!("{tool}에서 {seconds}초 안에 응답이 없었습니다."),
        ToolFailed { tool, status, detail } => format!("{tool} 실행에 실패했습니다({status}): {detail}"),
        UpdateWontRun { keeps } => format!(
            "다운로드한 yt-dlp가 이 컴퓨터에서 실행되지 않습니다. {UNCHANGED} {}",
            keeps_text(keeps)
        ),

        DiskFull { place } => {
            format!("디스크가 가득 차서 {place}에 쓸 수 없습니다. 공간을 확보하거나 다른 폴더를 고르세요.")
        }

        ReadOnly { place } => format!(
            "{place}에 쓸 수 없습니다. 읽기 전용 폴더이거나 권한이 없습니다. 다른 폴더를 고르세요."
        ),
        NoFolder { place } => format!("{place}에 쓸 수 없습니다. 폴더가 없습니다."),
        WriteFailed { place, detail } => format!("{place}에 쓸 수 없습니다({detail})."),
        FolderMissing { path } => format!("{path} 폴더가 없습니다."),
        NoDataFolder => "gifgrab의 데이터 폴더를 찾을 수 없습니다.".into(),
        NoDataFolderHome => "gifgrab의 데이터 폴더를 찾을 수 없습니다(HOME이 설정되지 않음).".into(),
        NoHomeForUpdate => "앱 데이터 폴더를 찾을 수 없어(HOME이 설정되지 않음) yt-dlp를 업데이트할 수 없습니다.".into(),
        UseSaveDialog => "\"다른 이름으로 저장…\"에서 GIF를 저장할 위치를 고르세요.".into(),
        SaveToFolder { path } => format!("{path}{} 폴더입니다. 파일 이름을 입력하세요.", josa(path, "은", "는")),
        CacheNotCleared { detail } => format!("캐시를 비우지 못했습니다({detail}). gifgrab을 닫고 캐시 폴더를 직접 지우세요."),

        DragRefused => "이 환경에서는 GIF를 끌어다 놓을 수 없습니다. 먼저 저장한 뒤 폴더에서 파일을 끌어 오세요.".into(),
        ClipboardRefused => "이 환경에서는 GIF를 클립보드에 복사할 수 없습니다. 먼저 저장한 뒤 파일을 채팅창으로 끌어다 놓으세요.".into(),
        OutputExists { path } => format!("{path} 파일이 이미 있습니다. 다른 이름을 고르세요."),

        Cancelled => "취소했습니다.".into(),

        Internal { detail } => format!("내부 오류가 발생했습니다: {detail}"),
        GifReadBack { detail } => format!("GIF를 다시 읽을 수 없습니다({detail}). 다시 만드세요."),
        ConvertFailed { format, detail } => format!("GIF로 {}를 만들 수 없습니다: {}", format_name(*format), printable(detail)),
        GifGone { detail } => format!("저장할 GIF가 없어졌습니다({detail}). 다시 만드세요."),
    }
}

/// The sentence a failed step starts with ("동영상을 읽을 수 없습니다").
fn doing_text(doing: Doing) -> &'static str {
    match doing {
        Doing::OpenVideo => "동영상을 열 수 없습니다",
        Doing::OpenPage => "페이지를 열 수 없습니다",
        Doing::ReadVideo => "동영상을 읽을 수 없습니다",
        Doing::FetchRange => "구간 전체를 받을 수 없습니다",
        Doing::ShowPreview => "그 시점의 미리 보기를 보여 줄 수 없습니다",
        Doing::ReadSubtitles => "자막을 받을 수 없습니다",
    }
}

/// The sentence that ends every failed update: what stays in use.
fn keeps_text(keeps: &InUse) -> String {
    let what = if keeps.updated { "이전에 업데이트한 동영상 지원" } else { "gifgrab에 포함된 동영상 지원" };
    match &keeps.version {
        Some(v) => format!("{what}(버전 {v})을 계속 사용합니다."),
        None => format!("{what}을 계속 사용합니다."),
    }
}

fn frames_too_large(size: &str) -> String {
    format!("동영상 프레임({size})이 gifgrab이 읽을 수 있는 크기(최대 약 8K, 40메가픽셀)보다 큽니다.")
}

/// User text in quotes with its particle: `"abc"은(는)`, `"사진"은`.
fn quoted(text: &str, with_final: &str, without_final: &str) -> String {
    let text = printable(text);
    let particle = josa(&text, with_final, without_final);
    format!("\"{text}\"{particle}")
}

/// A name as it is with its particle: `notes.srt은(는)`.
fn plain(text: &str, with_final: &str, without_final: &str) -> String {
    let text = printable(text);
    let particle = josa(&text, with_final, without_final);
    format!("{text}{particle}")
}

/// The particle after `word` (은/는, 이/가, 을/를): chosen by its last sound when that ends in
/// Hangul or a digit, else both, as Korean software writes it ("은(는)").
fn josa(word: &str, with_final: &str, without_final: &str) -> String {
    let has_final = match word.chars().last() {
        Some(c @ '\u{AC00}'..='\u{D7A3}') => Some(!(c as u32 - 0xAC00).is_multiple_of(28)),
        // 영, 일, 삼, 육, 칠, 팔 end in a consonant; 이, 사, 오, 구 do not.
        Some(c @ '0'..='9') => Some(matches!(c, '0' | '1' | '3' | '6' | '7' | '8')),
        _ => None,
    };
    match has_final {
        Some(true) => with_final.into(),
        Some(false) => without_final.into(),
        None => format!("{with_final}({without_final})"),
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Gif => "GIF",
        Format::Webp => "WebP",
        Format::Mp4 => "MP4",
    }
}
