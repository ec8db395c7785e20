//! Editing the moment through the real CLI on real clips: crop, aspect, speed, reverse, bounce,
//! loop count and captions, each checked on the GIF's frames against the source's own.

use gifgrab_tests::*;
use std::path::Path;
use std::process::Output;

fn run(args: &[&str], dir: &TempDir) -> Output {
    gifgrab().args(args).current_dir(&dir.0).output().expect("gifgrab runs")
}

fn ok(out: &Output) {
    assert!(out.status.success(), "gifgrab failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The source's frames over a range (at `fps`, each the frame on screen then, like
/// `reference_frames`), through `vf` (crop, scale), as rgb24.
fn reference_with(source: &Path, start: f64, length: f64, fps: Option<u32>, vf: &str, width: u32, height: u32) -> Vec<Vec<u8>> {
    let coarse = (start - 5.0).max(0.0);
    let (from, to) = (start - coarse, start - coarse + length);
    let rate = fps.map(|f| format!("fps={f}:start_time={from:.6}:round=up,")).unwrap_or_default();
    let out = ffmpeg()
        .args(["-ss", &format!("{coarse:.3}"), "-i"])
        .arg(source)
        .args(["-vf", &format!("trim=start={from:.6}:end={to:.6},{rate}{vf}"), "-fps_mode", "passthrough"])
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "reference frames: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact((width * height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// For each GIF frame, the index of the reference frame it looks most like.
fn best_matches(frames: &[Vec<u8>], reference: &[Vec<u8>], w: u32, h: u32) -> Vec<usize> {
    frames
        .iter()
        .map(|f| {
            let scores: Vec<f64> = reference.iter().map(|r| ssim(f, r, w, h)).collect();
            (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap()
        })
        .collect()
}

fn mean_ssim(a: &[Vec<u8>], b: &[Vec<u8>], w: u32, h: u32) -> f64 {
    let n = a.len().min(b.len());
    (0..n).map(|i| ssim(&a[i], &b[i], w, h)).sum::<f64>() / n as f64
}

#[test]
fn a_crop_keeps_exactly_its_box() {
    let dir = TempDir::new("crop");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    // bikes is 640×272: a box off-centre and an odd one, at the source's own width.
    for (crop, (w, h), (x, y)) in [("320:200:100:50", (320, 200), (100, 50)), ("301:151:7:33", (301, 151), (7, 33))] {
        ok(&run(&[s, "-s", "1", "-e", "2", "-w", "0", "-r", "10", "--crop", crop, "-o", "c.gif", "-y"], &dir));
        let facts = gif_facts(&dir.path("c.gif"));
        assert_eq!((facts.width, facts.height), (w, h), "crop {crop}");
        let frames = gif_frames_rgb(&dir.path("c.gif"), w, h);
        let want = reference_with(&src, 1.0, 1.0, Some(10), &format!("crop={w}:{h}:{x}:{y}:exact=1"), w, h);
        let elsewhere = reference_with(&src, 1.0, 1.0, Some(10), &format!("crop={w}:{h}:{}:{y}:exact=1", x + 40), w, h);
        let (same, off) = (mean_ssim(&frames, &want, w, h), mean_ssim(&frames, &elsewhere, w, h));
        assert!(same > 0.9 && same > off + 0.05, "crop {crop}: SSIM {same:.3} against its box, {off:.3} against a box 40 px over");
    }
    // A centred square, scaled: 272×272 of the middle, at 200 px.
    ok(&run(&[s, "-s", "1", "-e", "2", "-w", "200", "-r", "10", "--aspect", "1:1", "-o", "sq.gif"], &dir));
    let facts = gif_facts(&dir.path("sq.gif"));
    assert_eq!((facts.width, facts.height), (200, 200));
    let frames = gif_frames_rgb(&dir.path("sq.gif"), 200, 200);
    let want = reference_with(&src, 1.0, 1.0, Some(10), "crop=272:272:184:0,scale=200:200:flags=lanczos", 200, 200);
    assert!(mean_ssim(&frames, &want, 200, 200) > 0.9, "the centred square");
}

#[test]
fn bad_edits_are_refused_with_their_reason_and_write_nothing() {
    let dir = TempDir::new("bad-edits");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    let long = "가".repeat(10_000);
    let cases: &[(&[&str], &str, &str)] = &[
        (&["--crop", "320:240:400:100"], "crop_outside", "reaches outside the 640×272 frame"),
        (&["--crop", "0:100:0:0"], "crop_empty", "at least 1 pixel"),
        (&["--crop", "10:10:10"], "not_a_crop", "W:H:X:Y"),
        (&["--aspect", "0:1"], "aspect_invalid", "two numbers above 0"),
        (&["--speed", "0"], "speed_range", "0.25× to 4×"),
        (&["--speed", "-2"], "speed_range", "0.25× to 4×"),
        (&["--speed", "NaN"], "speed_range", "0.25× to 4×"),
        (&["--speed", "quick"], "not_a_speed", "is not a speed"),
        (&["--text-top", &long], "caption_too_long", "10000 characters"),
        (&["--loops", "many"], "not_plays", "number of plays"),
        (&["--speed", "0.25", "-e", "20"], "plays_too_long", "play 76.0 s"),
    ];
    for (extra, code, words) in cases {
        let mut args = vec![s, "-s", "1", "-o", "bad.gif"];
        if !extra.contains(&"-e") {
            args.extend(["-e", "2"]);
        }
        args.extend_from_slice(extra);
        let out = run(&args, &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert_eq!(kind_and_code(&err).1, *code, "{extra:?}: {err}");
        assert!(err.contains(words), "{extra:?}: the message names the reason: {err}");
        assert!(dir.names().is_empty(), "{extra:?} left {:?}", dir.names());
    }
}

#[test]
fn speed_changes_the_time_not_the_frame_rate() {
    let dir = TempDir::new("speed");
    let src = media("long.mp4");
    let s = src.to_str().unwrap();
    for (speed, range) in [(2.0, 2.0), (0.5, 1.0)] {
        let (speed_arg, end) = (speed.to_string(), (10.0 + range).to_string());
        ok(&run(&[s, "-s", "10", "-e", &end, "-w", "320", "-r", "10", "--speed", &speed_arg, "-o", "v.gif", "-y"], &dir));
        let facts = gif_facts(&dir.path("v.gif"));
        let plays = range / speed;
        assert!((facts.duration - plays).abs() < 0.11, "{speed}×: the GIF plays {} s, want {plays}", facts.duration);
        // Frame k of the GIF is the source at 10 + speed·k/10: the source's own frames (25 fps) tell.
        let frames = gif_frames_rgb(&dir.path("v.gif"), 320, 180);
        let reference = reference_with(&src, 10.0, range, None, "scale=320:180:flags=lanczos", 320, 180);
        let found = best_matches(&frames, &reference, 320, 180);
        for (k, &i) in found.iter().enumerate() {
            // gifski merges repeated frames at 0.5×: then one GIF frame stands for two steps.
            let at = if speed < 1.0 { None } else { Some((k as f64 * speed / 10.0 * 25.0).round() as usize) };
            if let Some(want) = at {
                assert!(i.abs_diff(want) <= 1, "{speed}×: GIF frame {k} shows source frame {i}, want {want}");
            }
        }
        assert!(found.windows(2).all(|w| w[0] <= w[1]), "{speed}×: frames in order: {found:?}");
        let last = *found.last().unwrap() as f64 / 25.0;
        assert!(last > range - 0.25, "{speed}×: the GIF reaches {last} s of the {range} s range");
    }
}

#[test]
fn reverse_and_bounce_play_in_their_order() {
    let dir = TempDir::new("order");
    let src = media("long.mp4");
    let s = src.to_str().unwrap();
    let reference = reference_with(&src, 10.0, 1.0, Some(10), "scale=320:180:flags=lanczos", 320, 180);
    assert_eq!(reference.len(), 10);
    ok(&run(&[s, "-s", "10", "-e", "11", "-w", "320", "-r", "10", "--reverse", "-o", "r.gif"], &dir));
    let reversed = best_matches(&gif_frames_rgb(&dir.path("r.gif"), 320, 180), &reference, 320, 180);
    assert_eq!(reversed, (0..10).rev().collect::<Vec<_>>());
    ok(&run(&[s, "-s", "10", "-e", "11", "-w", "320", "-r", "10", "--bounce", "-o", "b.gif"], &dir));
    let bounced = best_matches(&gif_frames_rgb(&dir.path("b.gif"), 320, 180), &reference, 320, 180);
    // There and back, the turn-around frames once each.
    let want: Vec<usize> = (0..10).chain((1..9).rev()).collect();
    assert_eq!(bounced, want);
    assert!((gif_facts(&dir.path("b.gif")).duration - 1.8).abs() < 0.02);
}

/// The NETSCAPE2.0 loop count as written, and as the gif crate reads it.
fn loops_of(path: &Path) -> (Option<u16>, gif::Repeat) {
    let bytes = std::fs::read(path).unwrap();
    let at = bytes.windows(11).position(|w| w == b"NETSCAPE2.0");
    let written = at.map(|i| u16::from_le_bytes([bytes[i + 13], bytes[i + 14]]));
    let decoder = gif::DecodeOptions::new().read_info(std::io::Cursor::new(bytes)).unwrap();
    let mut decoder = decoder;
    while decoder.read_next_frame().unwrap().is_some() {}
    (written, decoder.repeat())
}

#[test]
fn the_loop_count_is_written_as_browsers_read_it() {
    let dir = TempDir::new("loops");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    for (args, block, repeat) in [
        (&[][..], Some(0), gif::Repeat::Infinite),
        (&["--loops", "forever"][..], Some(0), gif::Repeat::Infinite),
        (&["--loops", "3"][..], Some(2), gif::Repeat::Finite(2)),
        (&["--once"][..], None, gif::Repeat::Finite(0)),
        (&["--loops", "once"][..], None, gif::Repeat::Finite(0)),
    ] {
        let mut all = vec![s, "-s", "0", "-e", "0.5", "-w", "160", "-o", "l.gif", "-y"];
        all.extend_from_slice(args);
        ok(&run(&all, &dir));
        assert_eq!(loops_of(&dir.path("l.gif")), (block, repeat), "{args:?}");
    }
}

/// Rows where two same-size RGB frames differ clearly.
fn changed_rows(a: &[u8], b: &[u8], w: u32) -> Vec<usize> {
    let row = (w * 3) as usize;
    (0..a.len() / row)
        .filter(|&y| a[y * row..(y + 1) * row].iter().zip(&b[y * row..(y + 1) * row]).filter(|(p, q)| p.abs_diff(**q) > 60).count() > 3)
        .collect()
}

#[test]
fn captions_draw_real_glyphs_in_their_band_only() {
    let dir = TempDir::new("captions");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    let make = |name: &str, extra: &[&str]| {
        let mut args = vec![s, "-s", "1", "-e", "1.5", "-w", "480", "-r", "10", "-q", "100", "-o", name];
        args.extend_from_slice(extra);
        ok(&run(&args, &dir));
        gif_frames_rgb(&dir.path(name), 480, 204)
    };
    let plain = make("none.gif", &[]);
    let top = make("top.gif", &["--text-top", "가나다라마"]);
    let other = make("other.gif", &["--text-top", "바사아자차"]);
    let bottom = make("bottom.gif", &["--text-bottom", "한국어 자막 テスト 漢字", "--text-style", "plain"]);
    let h = 204;
    for i in 0..plain.len() {
        let rows = changed_rows(&plain[i], &top[i], 480);
        assert!(!rows.is_empty() && *rows.last().unwrap() < h * 2 / 5, "frame {i}: the top caption changed rows {rows:?}");
        let rows = changed_rows(&plain[i], &bottom[i], 480);
        assert!(!rows.is_empty() && rows[0] > h * 3 / 5, "frame {i}: the bottom caption changed rows {rows:?}");
    }
    // Real glyphs: other syllables draw other shapes (missing glyphs would all be the same box).
    let shapes = changed_rows(&top[0], &other[0], 480).len();
    assert!(shapes > 20, "two Hangul captions look alike ({shapes} rows differ): are the glyphs boxes?");
    // Emoji too: two faces draw two shapes (the caption font has none: they were one box each).
    let laughing = make("laughing.gif", &["--text-top", "OK 😂"]);
    let crying = make("crying.gif", &["--text-top", "OK 😭"]);
    let shapes = changed_rows(&laughing[0], &crying[0], 480).len();
    assert!(shapes > 10, "two emoji look alike ({shapes} rows differ): are they boxes?");
    let rows = changed_rows(&plain[0], &laughing[0], 480);
    assert!(!rows.is_empty() && *rows.last().unwrap() < h * 2 / 5, "the emoji caption stays in its band: {rows:?}");
}

#[test]
fn a_caption_font_that_fails_to_load_is_named() {
    let dir = TempDir::new("font");
    let src = media("bikes.mp4");
    let fonts = dir.path("fonts");
    std::fs::create_dir_all(fonts.join("bold")).unwrap();
    std::fs::write(fonts.join("bold/NotoSansCJK-Bold.ttc"), b"not a font").unwrap();
    let out = gifgrab()
        .env("GIFGRAB_FONT_DIR", &fonts)
        .args([src.to_str().unwrap(), "-s", "1", "-e", "2", "--text-top", "HI", "-o"])
        .arg(dir.path("f.gif"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(kind_and_code(&err), ("sidecar".into(), "font_unloadable".into()), "{err}");
    assert!(err.contains("NotoSansCJK-Bold.ttc"), "{err}");
    assert!(!dir.path("f.gif").exists());
}

#[test]
fn fonts_in_a_folder_with_odd_characters_still_load() {
    let dir = TempDir::new("odd-font-dir");
    let src = media("bikes.mp4");
    let bundled = bin_dir().join("fonts");
    // Characters ffmpeg's filter syntax gives meaning to: the path must be escaped, not parsed.
    let odd = dir.path("it's a [font], dir; 100%: ok");
    // Subtitles from a file in the same odd folder: its path goes through the graph too.
    let srt = odd.join("a [sub]; it's.srt");
    std::fs::create_dir_all(odd.join("bold")).unwrap();
    for name in ["bold/NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc"] {
        std::os::unix::fs::symlink(bundled.join(name), odd.join(name)).unwrap();
    }
    std::fs::write(&srt, "1\n00:00:01,000 --> 00:00:02,000\nodd: 'quotes', [brackets]\n").unwrap();
    let out = gifgrab()
        .env("GIFGRAB_FONT_DIR", &odd)
        .args([src.to_str().unwrap(), "-s", "1", "-e", "1.5", "--text-bottom", "it's 100%: ok, [really]", "--subs"])
        .arg(&srt)
        .arg("-o")
        .arg(dir.path("odd.gif"))
        .output()
        .unwrap();
    ok(&out);
    assert!(gif_facts(&dir.path("odd.gif")).frames > 0);
}
