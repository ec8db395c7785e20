//! yt-dlp's complaints turned into errors a person can act on: YouTube's walls (bot check,
//! age gate, private, members-only, upcoming, live, country, copyright), a yt-dlp too old
//! for the site, and plain network trouble.

use crate::source::cookies::SignIn;
use crate::error::{Error, Msg};

pub fn classify(stderr: &str, code: Option<i32>, sign_in: &SignIn) -> Error {
    let line = stderr
        .lines()
        .rev()
        .find(|l| l.starts_with("ERROR:"))
        .map(|l| l.trim_start_matches("ERROR:").trim().to_string())
        .unwrap_or_default();
    let l = line.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    let youtube = l.starts_with("[youtube");
    let signed_in = sign_in.is_on();
    Error(if has(&["unsupported url"]) {
        Msg::SiteUnsupported
    } else if has(&["not a bot"]) {
        Msg::BotCheck { signed_in }
    } else if has(&["confirm your age", "age-restricted", "age restricted", "inappropriate for some users"]) {
        Msg::AgeRestricted { signed_in }
    } else if has(&["members-only", "join this channel", "members only"]) {
        Msg::MembersOnly { signed_in }
    } else if has(&["private video"]) {
        Msg::Private
    } else if has(&["not made this video available in your country", "not available in your country", "geo restrict", "geo-restrict"]) {
        Msg::NotInCountry
    } else if has(&["drm protected", "drm-protected", "protected by drm"]) {
        Msg::CopyProtected
    } else if has(&["copyright"]) {
        Msg::TakenDown
    } else if has(&["this live event will begin", "premieres in", "premiere will begin", "will begin in", "is_upcoming", "upcoming"]) {
        Msg::NotStartedYet
    } else if has(&["is live", "live stream", "currently live", "this live event"]) {
        Msg::LiveNow
    } else if let Some(certificate) = crate::source::guard::tls_failure(&l) {
        Msg::SiteTls { certificate }
    // yt-dlp asks for a bug report after some network failures too: those are not a changed site.
    } else if !has(CONNECTION_FAILURES) && outdated(&l, youtube) {
        Msg::YtdlpOutdated { youtube }
    } else if has(&["http error 404", "http error 410", "not found", "video unavailable", "has been removed", "does not exist", "no longer available", "terminated"]) {
        Msg::VideoNotFound
    } else if has(&["http error 403", "forbidden"]) {
        Msg::SiteRefused
    } else if has(&["sign in", "login required", "log in", "logged in", "cookies"]) {
        Msg::SignInAsked
    } else if has(&["http error 429", "too many requests"]) {
        Msg::SiteRateLimited
    } else if has(&["http error 5", "internal server error", "service unavailable", "bad gateway"]) {
        Msg::SiteServerError
    } else if has(CONNECTION_FAILURES) || has(&["unable to download", "ssl"]) {
        Msg::SiteUnreachable
    } else if has(&["requested format is not available", "no video formats", "only images are available"]) {
        Msg::SiteNoStream
    } else if line.is_empty() {
        Msg::YtdlpStopped { code }
    } else {
        Msg::SitePage { detail: line }
    })
}

/// The words of a connection that failed on the way (never the site's own answer).
const CONNECTION_FAILURES: &[&str] = &[
    "urlopen error", "connection refused", "timed out", "name or service not known", "temporary failure in name resolution",
    "network is unreachable", "connection reset", "failed to resolve", "remote end closed", "nodename nor servname", "[errno 101]", "[errno 104]", "[errno 110]", "[errno 111]", "[errno 113]", "[errno -2]", "[errno -3]",
];

/// How a yt-dlp too old for the site fails: YouTube's formats or challenges it can no longer
/// read, or an extractor that no longer matches the page. Walls and networks never count.
fn outdated(l: &str, youtube: bool) -> bool {
    let any = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    (youtube && any(&["requested format is not available", "only images are available", "no video formats found"]))
        || any(&[
            "signature extraction failed", "n challenge", "nsig extraction failed", "challenge solving failed",
            "unable to extract", "please report this issue", "sig function", "failed to decrypt",
        ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yt_dlp_errors_become_kinds() {
        let cases = [
            ("ERROR: [youtube] abc: Private video. Sign in if you've been granted access to this video", "forbidden"),
            ("ERROR: [youtube] abc: Video unavailable. This video has been removed by the uploader", "not_found"),
            ("ERROR: [youtube] abc: Sign in to confirm your age. This video may be inappropriate for some users.", "sign_in_required"),
            ("ERROR: [youtube] abc: Sign in to confirm you\u{2019}re not a bot. Use --cookies-from-browser or --cookies for the authentication.", "sign_in_required"),
            ("ERROR: [youtube] abc: Join this channel to get access to members-only content like this video, and other exclusive perks.", "sign_in_required"),
            ("ERROR: [youtube] abc: This live event will begin in 3 hours.", "live_stream"),
            ("ERROR: [youtube] abc: Premieres in 20 minutes", "live_stream"),
            ("ERROR: [youtube] abc: The uploader has not made this video available in your country", "forbidden"),
            ("ERROR: [youtube] abc: Video unavailable. This video is no longer available due to a copyright claim by Someone", "not_found"),
            ("ERROR: [youtube] abc: Requested format is not available. Use --list-formats for a list of available formats", "outdated"),
            ("ERROR: [youtube] abc: Signature extraction failed: Some formats may be missing", "outdated"),
            ("ERROR: [youtube] abc: n challenge solving failed: Some formats may be missing", "outdated"),
            ("ERROR: [vimeo] 123: Unable to extract info; please report this issue on https://github.com/yt-dlp/yt-dlp/issues", "outdated"),
            ("ERROR: [generic] x: Requested format is not available", "no_video"),
            ("ERROR: [Netflix] 81: This video is DRM protected", "forbidden"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 404: Not Found", "not_found"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 410: Gone", "not_found"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 403: Forbidden", "forbidden"),
            ("ERROR: [generic] x: Unable to download webpage: HTTP Error 500: Internal Server Error", "network"),
            ("ERROR: [generic] x: Unable to download webpage: [Errno 111] Connection refused", "network"),
            ("ERROR: Unsupported URL: https://example.com/", "invalid_link"),
            // A network failure with yt-dlp's bug-report tail is still a network failure.
            ("ERROR: [generic] x: Unable to download webpage: <urlopen error [Errno 104] Connection reset by peer>; please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= , filling out the appropriate issue template.", "network"),
            ("ERROR: [generic] x: Unable to download webpage: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006) (caused by SSLError('[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)')); please report this issue on  https://github.com/yt-dlp/yt-dlp/issues?q= ", "network"),
            ("ERROR: [generic] x: Unable to download webpage: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)", "network"),
            ("ERROR: [foo] x: Something odd happened", "site_error"),
            ("", "sidecar"),
        ];
        for (stderr, kind) in cases {
            let e = classify(stderr, Some(1), &SignIn::default());
            assert_eq!(e.kind(), kind, "{stderr}: {e}");
        }
    }

    #[test]
    fn the_walls_say_what_to_do() {
        let off = SignIn::default();
        let bot = classify("ERROR: [youtube] abc: Sign in to confirm you\u{2019}re not a bot.", Some(1), &off).to_string();
        assert!(bot.contains("--cookies-from-browser firefox") && bot.contains("Firefox sign-in"), "{bot}");
        let age = classify("ERROR: [youtube] abc: Sign in to confirm your age.", Some(1), &off).to_string();
        assert!(age.contains("age-restricted") && age.contains("cookies.txt"), "{age}");
        let private = classify("ERROR: [youtube] abc: Private video. Sign in if you've been granted access", Some(1), &off).to_string();
        assert!(private.contains("private") && !private.contains("ask its owner"), "{private}");
        let old = classify("ERROR: [youtube] abc: Requested format is not available", Some(1), &off).to_string();
        assert!(old.contains("--update-yt-dlp"), "{old}");
        assert!(old.starts_with("YouTube has changed"), "{old}");
        let vimeo = classify("ERROR: [vimeo] 123: Unable to extract info; please report this issue on https://github.com/yt-dlp/yt-dlp/issues", Some(1), &off).to_string();
        assert!(vimeo.starts_with("The video site has changed") && vimeo.contains("--update-yt-dlp"), "another site is not called YouTube: {vimeo}");
        let plain = classify("ERROR: [generic] x: Unable to download webpage: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006); please report this issue", Some(1), &off).to_string();
        assert!(plain.contains("did not answer as a secure (https) server") && plain.contains("http://"), "{plain}");
        let untrusted = classify("ERROR: [generic] x: Unable to download webpage: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)", Some(1), &off).to_string();
        assert!(untrusted.contains("security certificate could not be verified"), "{untrusted}");
        let network = classify("ERROR: [youtube] abc: Unable to download API page: [Errno 111] Connection refused", Some(1), &off);
        assert_eq!(network.kind(), "network", "walls and networks never ask for an update");
    }
}
