use super::*;

/// The rules shared with `ui/app.js`: the same table runs in the app's window (e2e).
#[test]
fn times_follow_the_shared_table() {
    let table: serde_json::Value = serde_json::from_str(include_str!("../../tests/time-cases.json")).unwrap();
    for case in table["cases"].as_array().unwrap() {
        let (text, want) = (case[0].as_str().unwrap(), case[1].as_f64());
        match (parse_time(text), want) {
            (Ok(got), Some(want)) => assert!((got - want).abs() < 1e-9, "{text:?} gave {got}, want {want}"),
            (Err(e @ Error(Msg::NotATime { .. })), None) => assert!(e.to_string().contains("is not a time"), "{text:?}: {e}"),
            (got, want) => panic!("{text:?}: got {got:?}, want {want:?}"),
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
    assert!(matches!(validate_range(10.0, 10.0), Err(Error(Msg::EndBeforeStart { .. }))));
    assert!(matches!(validate_range(10.0, 9.0), Err(Error(Msg::EndBeforeStart { .. }))));
    assert!(matches!(validate_range(10.0, 10.05), Err(Error(Msg::RangeTooShort { .. }))));
    assert!(matches!(validate_range(0.0, 60.5), Err(Error(Msg::RangeTooLong { .. }))));
    assert!(validate_range(0.0, 60.0).is_ok());
}

#[test]
fn options() {
    assert!(GifSpec::default().validate().is_ok());
    for bad in [
        GifSpec { width: 5000, ..GifSpec::default() },
        GifSpec { width: 3, ..GifSpec::default() },
        GifSpec { fps: 0, ..GifSpec::default() },
        GifSpec { fps: 120, ..GifSpec::default() },
        GifSpec { quality: 0, ..GifSpec::default() },
        GifSpec { quality: 101, ..GifSpec::default() },
    ] {
        assert_eq!(bad.validate().map_err(|e| e.kind()), Err("invalid_option"), "{bad:?}");
    }
    assert!(matches!(GifSpec::range(5.0, 4.0).validate(), Err(Error(Msg::EndBeforeStart { .. }))));
}

#[test]
fn sizes_and_presets() {
    for (text, want) in [("10MB", 10_000_000), ("1.5 MB", 1_500_000), ("128KB", 128_000), ("128 kb", 128_000), ("Discord", 10_000_000), ("x", 15_000_000), ("slack-emoji", 128_000), ("1,5MB", 1_500_000), ("15,000KB", 15_000_000), ("1,000.5KB", 1_000_500), ("10MiB", 10_485_760), ("1 GB", 1_000_000_000), ("50000 bytes", 50_000)] {
        assert_eq!(parse_size(text).unwrap(), want, "{text}");
    }
    for bad in ["0MB", "-5MB", "10", "10 GB", "ten MB", "", "MB", "1e3MB", "99999MB", "1,5000MB", "10 furlongs", "1,2,3MB"] {
        assert_eq!(parse_size(bad).map_err(|e| e.kind()), Err("invalid_option"), "{bad}");
    }
    let tiny = GifSpec { max_bytes: Some(500), ..GifSpec::default() };
    assert_eq!(tiny.validate().map_err(|e| e.kind()), Err("invalid_option"));
}

#[test]
fn the_app_sends_a_spec_as_json() {
    let spec: GifSpec = serde_json::from_str(r#"{"start":1.5,"end":4,"width":320,"plays":1}"#).unwrap();
    assert_eq!(spec, GifSpec { start: 1.5, end: 4.0, width: 320, plays: 1, ..GifSpec::default() });
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

        /// What the UI and file names show reads back as the same time (to its tenth).
        #[test]
        fn shown_times_read_back(t in 0.0f64..360_000.0) {
            let back = parse_time(&format_time(t)).unwrap();
            prop_assert!((back - t).abs() <= 0.05 + 1e-9, "{} -> {} -> {}", t, format_time(t), back);
        }
    }
}
