use super::*;
use crate::error::Error;

fn url_of(text: &str) -> (String, Option<f64>) {
    let p = parse_source(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    match p.source {
        Source::Url(u) => (u, p.start_hint),
        other => panic!("{text:?} gave {other:?}"),
    }
}

#[test]
fn youtube_links_in_every_form() {
    let watch = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
    let cases: &[(&str, Option<f64>)] = &[
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("http://youtube.com/watch?v=dQw4w9WgXcQ&list=PL123&index=2", None),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42", Some(42.0)),
        ("https://music.youtube.com/watch?v=dQw4w9WgXcQ&feature=share", None),
        ("https://youtu.be/dQw4w9WgXcQ", None),
        ("https://youtu.be/dQw4w9WgXcQ?t=83", Some(83.0)),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc&t=1m23s", Some(83.0)),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", None),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ?start=30", Some(30.0)),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", None),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=1h2m3s", Some(3723.0)),
        ("youtube.com/watch?v=dQw4w9WgXcQ&t=90s", Some(90.0)),
        ("  <https://youtu.be/dQw4w9WgXcQ>  ", None),
        ("HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ", None),
        // Wrappers around the link: search results, consent pages, shares.
        ("https://www.google.com/url?sa=t&source=web&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ%26t%3D42s&usg=x", Some(42.0)),
        ("https://www.google.co.kr/url?q=https://youtu.be/dQw4w9WgXcQ&sa=U", None),
        ("https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ%26cbrd%3D1&gl=DE&hl=de", None),
        ("https://www.youtube.com/attribution_link?a=8g8kPrPIi-ecwIsS&u=/watch%3Fv%3DdQw4w9WgXcQ%26feature%3Dem-uploademail", None),
        ("https://www.youtube.com/redirect?q=https%3A%2F%2Fyoutu.be%2FdQw4w9WgXcQ&event=video_description", None),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fyoutu.be%2FdQw4w9WgXcQ%3Ft%3D83&h=AT0", Some(83.0)),
    ];
    for (text, hint) in cases {
        let (url, got_hint) = url_of(text);
        assert_eq!(url, watch, "{text}");
        assert_eq!(got_hint, *hint, "{text}");
    }
}

#[test]
fn wrappers_unwrap_to_any_site_but_never_to_another_scheme() {
    let (url, _) = url_of("https://www.google.com/url?q=https://example.com/clip.mp4&sa=D");
    assert_eq!(url, "https://example.com/clip.mp4");
    // Not a wrapper: Google's own pages and a wrapper without its link stay as they are.
    assert_eq!(url_of("https://www.google.com/search?q=cats").0, "https://www.google.com/search?q=cats");
    assert_eq!(url_of("https://notgoogle.com/url?q=https://youtu.be/dQw4w9WgXcQ").0, "https://notgoogle.com/url?q=https://youtu.be/dQw4w9WgXcQ");
    assert_eq!(url_of("https://www.google.com/url?sa=D").0, "https://www.google.com/url?sa=D");
    // A wrapped file:// or javascript: link is not followed.
    let (url, _) = url_of("https://www.google.com/url?q=file:///etc/passwd");
    assert!(url.starts_with("https://www.google.com/url"), "{url}");
    // Nor one to this computer or the local network: only a link the user saw may go there.
    for inner in ["http://127.0.0.1:8080/x.mp4", "http://192.168.1.1/cgi", "http://[::1]/x", "http://localhost/x", "http://nas.local/x", "http://router/x", "http://169.254.169.254/latest"] {
        let (url, _) = url_of(&format!("https://www.google.com/url?q={inner}"));
        assert!(url.starts_with("https://www.google.com/url"), "{inner} was followed: {url}");
    }
    // Google's country domains are wrappers; a look-alike is not.
    assert_eq!(url_of("https://www.google.co.kr/url?q=https://example.com/a.mp4").0, "https://example.com/a.mp4");
    assert!(url_of("https://www.google.evil.example/url?q=https://example.com/a.mp4").0.starts_with("https://www.google.evil.example/"));
}

#[test]
fn bad_youtube_links() {
    for text in [
        "https://www.youtube.com/",
        "https://www.youtube.com/watch?x=1",
        "https://www.youtube.com/watch?v=short",
        "https://youtu.be/",
        "https://www.youtube.com/watch?v=dQw4w9WgXc$",
        "https://www.youtube.com/channel/UC123",
        "https://www.youtube.com/clip/",
    ] {
        assert_eq!(parse_source(text).map_err(|e| e.kind()), Err("invalid_link"), "{text}");
    }
}

#[test]
fn other_links() {
    assert_eq!(url_of("https://example.com/a/clip.mp4").0, "https://example.com/a/clip.mp4");
    assert_eq!(url_of("http://127.0.0.1:8080/hls/index.m3u8").0, "http://127.0.0.1:8080/hls/index.m3u8");
    assert_eq!(url_of("https://vimeo.com/12345#t=10"), ("https://vimeo.com/12345".to_string(), Some(10.0)));
    // A YouTube clip goes to yt-dlp as it is: it knows the video and the clip's part of it.
    let clip = "https://www.youtube.com/clip/UgkxU2HSeGL_NvmDJ-nQJrlLwllwMDBdGZFs";
    assert_eq!(url_of(clip), (clip.to_string(), None));
    assert_eq!(url_of("youtube.com/clip/UgkxU2HSeGL_NvmDJ-nQJrlLwllwMDBdGZFs?si=x").0, "https://youtube.com/clip/UgkxU2HSeGL_NvmDJ-nQJrlLwllwMDBdGZFs?si=x");
    assert_eq!(url_of("example.org/v.webm").0, "https://example.org/v.webm");
}

#[test]
fn hostile_and_junk_sources() {
    for text in [
        "",
        "   ",
        "--exec=touch /tmp/pwned",
        "-o /etc/passwd",
        "ftp://example.com/a.mp4",
        "javascript:alert(1)",
        "file:///definitely/not/here.mp4",
        "/definitely/not/here.mp4",
        "https://",
        "http://exa mple.com/",
        "just some words",
        "https://example.com/\nhttps://evil",
        "/",
    ] {
        match parse_source(text) {
            Err(e) if e.kind() == "invalid_link" => assert!(!e.to_string().is_empty()),
            other => panic!("{text:?} should be rejected, got {other:?}"),
        }
    }
}

#[test]
fn local_files() {
    let dir = std::env::temp_dir().join(format!("gifgrab-clip-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("my clip.mp4");
    std::fs::write(&file, b"x").unwrap();
    let p = parse_source(file.to_str().unwrap()).unwrap();
    assert_eq!(p.source, Source::File(std::fs::canonicalize(&file).unwrap()));
    let as_url = format!("file://{}", file.to_str().unwrap().replace(' ', "%20"));
    assert_eq!(parse_source(&as_url).unwrap().source, p.source);
    assert!(matches!(parse_source(dir.to_str().unwrap()), Err(Error(Msg::FolderNotVideo { .. }))));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn direct_media_links_and_their_titles() {
    assert!(is_direct_media("http://127.0.0.1:8000/long.mp4"));
    assert!(is_direct_media("https://cdn.example.com/a/b/index.M3U8?token=1"));
    assert!(!is_direct_media("https://www.youtube.com/watch?v=dQw4w9WgXcQ"));
    assert!(!is_direct_media("https://example.com/video"));
    assert_eq!(title_from_url("http://h/x/My%20Clip.mp4?x=1"), "My Clip");
    assert_eq!(title_from_url("http://h/long_hls/index.m3u8"), "long_hls");
    assert_eq!(title_from_url("http://h/index.m3u8"), "video");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn source_parser_never_panics_and_explains(s in "\\PC{0,80}|(https?://)?[a-z.]{0,12}/[ -~]{0,40}|-[ -~]{0,20}") {
            match parse_source(&s) {
                Ok(p) => match p.source {
                    Source::Url(u) => prop_assert!(u.starts_with("http://") || u.starts_with("https://")),
                    Source::File(f) => prop_assert!(f.is_file()),
                },
                Err(e) => {
                    prop_assert_eq!(e.kind(), "invalid_link");
                    prop_assert!(e.to_string().len() > 10);
                }
            }
            // Nothing that starts like an option is ever accepted.
            if s.trim().starts_with('-') {
                prop_assert!(parse_source(&s).is_err());
            }
        }

        #[test]
        fn youtube_start_hints_are_sane(id in "[A-Za-z0-9_-]{11}", t in "[0-9hms:]{0,10}") {
            let link = format!("https://youtu.be/{id}?t={t}");
            if let Ok(p) = parse_source(&link) {
                prop_assert_eq!(p.source, Source::Url(format!("https://www.youtube.com/watch?v={id}")));
                if let Some(h) = p.start_hint { prop_assert!(h.is_finite() && h >= 0.0); }
            }
        }
    }
}

#[test]
fn a_link_in_the_query_is_not_the_scheme() {
    let p = parse_source("example.com/v.mp4?src=http://x").unwrap();
    assert_eq!(p.source, Source::Url("https://example.com/v.mp4?src=http://x".into()));
    let p = parse_source("https://example.com/watch?next=ftp://x").unwrap();
    assert_eq!(p.source, Source::Url("https://example.com/watch?next=ftp://x".into()));
    assert!(parse_source("ftp://example.com/x.mp4").unwrap_err().to_string().contains("not supported"));
}

#[test]
fn file_links_are_read_as_the_platform_reads_them() {
    // On Windows this is C:\x.mp4; elsewhere the path /C:/x.mp4, which does not exist.
    let e = parse_source("file:///C:/gifgrab-no-such/x.mp4").unwrap_err().to_string();
    let shown = if cfg!(windows) { "C:\\gifgrab-no-such\\x.mp4" } else { "/C:/gifgrab-no-such/x.mp4" };
    assert!(e.contains(shown), "{e}");
}
