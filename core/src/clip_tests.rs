use super::*;

#[test]
fn times_in_every_form() {
    let ok = [
        ("83", 83.0),
        ("83.25", 83.25),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("12s", 12.0),
        ("1:23", 83.0),
        ("1:23.5", 83.5),
        ("0:05.125", 5.125),
        ("1:02:03.5", 3723.5),
        ("10:00", 600.0),
        ("83.", 83.0),
    ];
    for (text, want) in ok {
        let got = parse_time(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert!((got - want).abs() < 1e-9, "{text:?} gave {got}, want {want}");
    }
}

#[test]
fn junk_times_are_rejected_with_a_message() {
    for text in ["", " ", "abc", "-5", "1:75", "1:2:3:4", "1::2", ":30", "1:", "NaN", "inf", "1e3", "5 s", ".", "1,5", "١٢", "1:60"] {
        match parse_time(text) {
            Err(Error::InvalidTime(msg)) => assert!(msg.contains("is not a time"), "{text:?}: {msg}"),
            other => panic!("{text:?} should be rejected, got {other:?}"),
        }
    }
}

#[test]
fn time_formatting() {
    assert_eq!(format_time(83.25), "1:23.3");
    assert_eq!(format_time(0.0), "0:00.0");
    assert_eq!(format_time(3723.5), "1:02:03.5");
}

#[test]
fn ranges() {
    assert!(validate_range(10.0, 15.0).is_ok());
    assert!(validate_range(10.0, 10.1).is_ok());
    assert!(matches!(validate_range(10.0, 10.0), Err(Error::EndBeforeStart(_))));
    assert!(matches!(validate_range(10.0, 9.0), Err(Error::EndBeforeStart(_))));
    assert!(matches!(validate_range(10.0, 10.05), Err(Error::RangeTooShort(_))));
    assert!(matches!(validate_range(0.0, 60.5), Err(Error::RangeTooLong(_))));
    assert!(validate_range(0.0, 60.0).is_ok());
}

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
    ];
    for (text, hint) in cases {
        let (url, got_hint) = url_of(text);
        assert_eq!(url, watch, "{text}");
        assert_eq!(got_hint, *hint, "{text}");
    }
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
    ] {
        assert!(matches!(parse_source(text), Err(Error::InvalidLink(_))), "{text}");
    }
}

#[test]
fn other_links() {
    assert_eq!(url_of("https://example.com/a/clip.mp4").0, "https://example.com/a/clip.mp4");
    assert_eq!(url_of("http://127.0.0.1:8080/hls/index.m3u8").0, "http://127.0.0.1:8080/hls/index.m3u8");
    assert_eq!(url_of("https://vimeo.com/12345#t=10"), ("https://vimeo.com/12345".to_string(), Some(10.0)));
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
            Err(Error::InvalidLink(msg)) => assert!(!msg.is_empty()),
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
    assert!(matches!(parse_source(dir.to_str().unwrap()), Err(Error::InvalidLink(m)) if m.contains("folder")));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn options() {
    assert!(Options::default().validate().is_ok());
    for bad in [
        Options { width: 5000, ..Options::default() },
        Options { width: 3, ..Options::default() },
        Options { fps: 0, ..Options::default() },
        Options { fps: 120, ..Options::default() },
        Options { quality: 0, ..Options::default() },
        Options { quality: 101, ..Options::default() },
    ] {
        assert!(matches!(bad.validate(), Err(Error::InvalidOption(_))), "{bad:?}");
    }
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
        fn time_parser_never_panics_and_explains(s in "\\PC{0,40}|[0-9:.s -]{0,16}") {
            match parse_time(&s) {
                Ok(t) => prop_assert!(t.is_finite() && t >= 0.0),
                Err(e) => prop_assert!(e.to_string().contains("is not a time")),
            }
        }

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
