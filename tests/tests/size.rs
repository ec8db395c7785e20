//! The size estimate against the real size, over real clips, ranges and settings.

use gifgrab_core::os::process::CancelToken;
use gifgrab_core::pipeline::Request;
use gifgrab_core::render::estimate;
use gifgrab_core::source::link::Source;
use gifgrab_core::source::probe;
use gifgrab_core::spec::GifSpec;
use gifgrab_core::tools::sidecars::Sidecars;
use gifgrab_tests::*;

fn sidecars() -> Sidecars {
    Sidecars::in_dir(&bin_dir())
}

/// (clip, start, end, width, fps, quality): a spread not tuned to one clip.
const CASES: &[(&str, f64, f64, u32, u32, u8)] = &[
    ("bikes.mp4", 0.0, 8.0, 480, 15, 90),
    ("bikes.mp4", 1.0, 6.0, 320, 10, 70),
    ("bikes.mp4", 0.5, 9.5, 240, 20, 100),
    ("bigbuckbunny.mp4", 0.5, 5.0, 480, 15, 90),
    ("bigbuckbunny.mp4", 1.0, 5.0, 640, 12, 60),
    ("bigbuckbunny.mp4", 0.0, 5.3, 320, 25, 80),
    ("carphone_pristine.mp4", 0.0, 4.0, 0, 15, 90),
    ("carphone_pristine.mp4", 0.5, 3.5, 160, 30, 50),
    ("long.mp4", 100.0, 110.0, 480, 15, 90),
    ("long.mp4", 300.0, 320.0, 320, 10, 80),
    ("long.mp4", 45.0, 51.0, 720, 12, 95),
];

#[test]
fn the_size_lands_in_the_estimated_range() {
    let dir = TempDir::new("estimate");
    let cancel = CancelToken::new();
    let (mut hits, mut errors, mut widths) = (0, Vec::new(), Vec::new());
    for (i, &(clip, start, end, width, fps, quality)) in CASES.iter().enumerate() {
        let source = Source::File(media(clip));
        let media_facts = probe::probe(&sidecars(), &source, &Default::default(), &cancel).expect("probe");
        let spec = GifSpec { start, end, width, fps, quality, ..GifSpec::default() };
        let started = std::time::Instant::now();
        let guess = estimate::estimate(&sidecars(), &media_facts, &spec, &cancel).expect("estimate");
        let took = started.elapsed().as_secs_f64();
        let req = Request { spec: spec.clone(), overwrite: true, sign_in: Default::default() };
        let made = gifgrab_core::pipeline::render(&sidecars(), &media_facts, &req, &dir.path(&format!("{i}.gif")), &cancel, &|_| {})
            .expect("the GIF");
        let inside = (guess.low..=guess.high).contains(&made.bytes);
        hits += inside as usize;
        let error = (guess.middle() as f64 - made.bytes as f64) / made.bytes as f64;
        errors.push(error.abs());
        widths.push((guess.high - guess.low) as f64 / made.bytes as f64);
        eprintln!(
            "{clip} {start}-{end} {width}px {fps}fps q{quality}: {} in {}..{} ({:+.1} %, {:.2} s) {}",
            made.bytes, guess.low, guess.high, error * 100.0, took, if inside { "hit" } else { "MISS" }
        );
    }
    let n = CASES.len() as f64;
    eprintln!(
        "estimate: {hits}/{} inside, mean error {:.1} %, mean width {:.0} % of the size",
        CASES.len(),
        errors.iter().sum::<f64>() / n * 100.0,
        widths.iter().sum::<f64>() / n * 100.0
    );
    // Generous here; the bench reports the real figure over more cases.
    assert!(hits as f64 >= 0.8 * n, "only {hits} of {} sizes fell inside their estimate", CASES.len());
}

/// Runs the CLI; (exit code, stderr).
fn cli(args: &[&str], dir: &TempDir) -> (Option<i32>, String) {
    let out = gifgrab().args(args).current_dir(&dir.0).output().expect("gifgrab-cli runs");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Each preset on a real clip: the GIF is under its limit, close to it, in at most two encodes,
/// and the CLI names what it changed.
#[test]
fn gifs_fit_under_each_preset() {
    let cases: &[(&str, &str, &str, &str, u64)] = &[
        ("bikes.mp4", "0", "3", "slack-emoji", 128_000),
        ("long.mp4", "100", "130", "3MB", 3_000_000),
        ("bikes.mp4", "0", "8", "2MB", 2_000_000),
        ("long.mp4", "0", "60", "discord", 10_000_000),
    ];
    let mut landed = Vec::new();
    for (clip, start, end, limit, bytes) in cases {
        let dir = TempDir::new("fit");
        let src = media(clip);
        let (code, err) = cli(&[src.to_str().unwrap(), "--start", start, "--end", end, "--max-size", limit, "-o", "f.gif"], &dir);
        assert_eq!(code, Some(0), "{clip} under {limit}: {err}");
        let size = std::fs::metadata(dir.path("f.gif")).unwrap().len();
        assert!(size <= *bytes, "{clip}: {size} bytes is over {limit}");
        let share = size as f64 / *bytes as f64;
        landed.push(share);
        let fits = err.lines().find(|l| l.starts_with("Fits under")).unwrap_or_else(|| panic!("no fit line: {err}"));
        let encodes: u32 = fits.rsplit('(').next().and_then(|t| t.split_whitespace().next()).and_then(|n| n.parse().ok()).expect("encodes");
        assert!(encodes <= 2, "{fits}");
        eprintln!("{clip} {start}-{end} under {limit}: {size} bytes ({:.0} %), {fits}", share * 100.0);
        if fits.contains("no change needed") {
            // As asked it fits: nothing is raised past what the user chose, however far under.
            assert!(encodes == 1, "{fits}");
        } else {
            // 90 % is the goal; gifski's quality steps can be 15 % apart (bikes at 128 px: q74 is
            // 89.8 % of 128 KB, q75 106 %), so a hair under it is the best a quality can do.
            assert!(share >= 0.88, "{clip}: {size} bytes is {:.1} % of {limit}: {fits}", share * 100.0);
        }
        if *limit == "slack-emoji" {
            assert!(gif_facts(&dir.path("f.gif")).width <= 128, "Slack's emoji are 128 px");
        }
    }
    eprintln!("fit: landed at {:?} of the limits", landed.iter().map(|s| format!("{:.0} %", s * 100.0)).collect::<Vec<_>>());
}

/// A minute at 720 px cannot fit in 128 KB: said before encoding, with what would fit; nothing written.
#[test]
fn what_cannot_fit_says_so_and_what_would() {
    let dir = TempDir::new("nofit");
    let src = media("long.mp4");
    let (code, err) = cli(&[src.to_str().unwrap(), "--start", "0", "--end", "60", "--width", "720", "--max-size", "128KB", "-o", "n.gif"], &dir);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(kind_and_code(&err), ("too_large".into(), "cannot_fit".into()), "{err}");
    assert_eq!(reported(&err)["args"]["limit"], 128_000, "{err}");
    assert!(err.contains("cannot fit in 128 KB") && err.contains("would fit"), "{err}");
    assert!(!err.contains("Encoding"), "it must say so before encoding: {err}");
    assert!(dir.names().is_empty(), "nothing written: {:?}", dir.names());
    // The estimate says so too, before anything is made (the window shows it as its warning).
    let (code, said) = cli(&[src.to_str().unwrap(), "--start", "0", "--end", "60", "--width", "720", "--max-size", "128KB", "--estimate"], &dir);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("cannot fit in 128 KB") && said.contains("would fit"), "{said}");
    let (_, fits) = cli(&[src.to_str().unwrap(), "--start", "0", "--end", "10", "--max-size", "3MB", "--estimate"], &dir);
    assert!(!fits.contains("cannot fit"), "10 s can fit in 3 MB: {fits}");
    assert!(dir.names().is_empty(), "nothing written: {:?}", dir.names());
}

/// The first `seconds` of `clip`, stored as it is and turned upright by a rotation tag, as
/// phones record portrait video.
fn turned_copy(dir: &TempDir, clip: &str, seconds: &str) -> std::path::PathBuf {
    let turned = dir.path(&format!("turned-{clip}"));
    let made = ffmpeg().args(["-display_rotation", "90", "-i"]).arg(media(clip)).args(["-t", seconds, "-c", "copy"]).arg(&turned).status().unwrap();
    assert!(made.success(), "ffmpeg turned {clip}");
    turned
}

/// Slack's emoji fit in 128×128: a portrait phone video (stored landscape, turned by its
/// rotation tag) comes out 128 px tall and narrower, under 128 KB, in the window's estimate too.
#[test]
fn a_portrait_video_fits_slacks_emoji_box() {
    let dir = TempDir::new("slack-portrait");
    let turned = turned_copy(&dir, "bikes.mp4", "4");
    let (code, err) = cli(&[turned.to_str().unwrap(), "--start", "0", "--end", "3", "--max-size", "slack-emoji", "-o", "e.gif"], &dir);
    assert_eq!(code, Some(0), "{err}");
    let facts = gif_facts(&dir.path("e.gif"));
    assert!(facts.height <= 128 && facts.height >= 124, "the height fills the box: {}×{}", facts.width, facts.height);
    assert!(facts.width < facts.height, "still portrait: {}×{}", facts.width, facts.height);
    assert!(std::fs::metadata(dir.path("e.gif")).unwrap().len() <= 128_000);
    // The estimate is of the GIF as it will be made: the same box.
    let (code, said) = cli(&[turned.to_str().unwrap(), "--start", "0", "--end", "3", "--max-size", "slack-emoji", "--estimate"], &dir);
    assert_eq!(code, Some(0), "{said}");
    let source = Source::File(turned.clone());
    let cancel = CancelToken::new();
    let facts_in = probe::probe(&sidecars(), &source, &Default::default(), &cancel).expect("probe");
    let spec = GifSpec { start: 0.0, end: 3.0, width: 128, max_height: Some(128), ..GifSpec::default() };
    let req = Request { spec: spec.clone(), overwrite: true, sign_in: Default::default() };
    let boxed = gifgrab_core::pipeline::estimate(&sidecars(), &facts_in, &req, &cancel).expect("estimate");
    let wide = gifgrab_core::pipeline::estimate(&sidecars(), &facts_in, &Request { spec: GifSpec { max_height: None, ..spec }, ..req }, &cancel).expect("estimate");
    assert!(boxed.high < wide.low, "the boxed GIF is estimated smaller ({boxed:?}) than 128 px wide ({wide:?})");
}

/// A portrait minute under Slack's emoji: the box makes it 72 px wide, under fitting's 96 px
/// floor; fitting keeps that width (it used to crash there) and says what would fit.
#[test]
fn a_tall_minute_under_slack_emoji_says_what_would_fit() {
    let dir = TempDir::new("slack-tall");
    let tall = turned_copy(&dir, "long.mp4", "70");
    let (code, err) = cli(&[tall.to_str().unwrap(), "--start", "0", "--end", "60", "--max-size", "slack-emoji", "-o", "t.gif"], &dir);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(kind_and_code(&err), ("too_large".into(), "cannot_fit".into()), "{err}");
    assert_eq!(reported(&err)["args"]["width"], 72, "the box's width, not the floor's: {err}");
    assert!(!dir.path("t.gif").exists(), "nothing written");
}
