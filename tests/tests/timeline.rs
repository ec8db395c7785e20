//! The timeline's thumbnails, from the real yt-dlp and ffmpeg against the loopback server: a
//! storyboard listed by the fake YouTube is used as it is (no video bytes fetched), and without
//! one, keyframes are read with range requests within the stated budget. Each thumbnail must
//! show the frame at the time it claims (against reference frames from the source).

use gifgrab_core::os::process::CancelToken;
use gifgrab_core::render::timeline::{self, From, Sheet, Window, BUDGET_BYTES};
use gifgrab_core::source::fetch::Fit;
use gifgrab_core::source::link::Source;
use gifgrab_core::source::probe;
use gifgrab_core::tools::sidecars::Sidecars;
use gifgrab_tests::server::TestServer;
use gifgrab_tests::youtube::*;
use gifgrab_tests::*;
use std::io::Write;
use std::process::Stdio;

const TILE: (u32, u32) = (160, 90);

fn setup() -> Sidecars {
    std::env::set_var("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir());
    gifgrab_core::source::cache::configure(Some(fresh_cache_dir()), 1 << 30);
    Sidecars::in_dir(&bin_dir())
}

/// A picture's pixels at `width`×`height` (ffmpeg decodes it from memory).
fn rgb(image: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut child = ffmpeg()
        .args(["-i", "pipe:0", "-vf", &format!("scale={width}:{height}"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("ffmpeg runs");
    let mut stdin = child.stdin.take().unwrap();
    let bytes = image.to_vec();
    let feeder = std::thread::spawn(move || drop(stdin.write_all(&bytes)));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_eq!(out.stdout.len(), (width * height * 3) as usize, "decoded picture size");
    out.stdout
}

/// One tile out of a sheet's pixels.
fn tile_of(sheet: &[u8], columns: u32, column: u32, row: u32) -> Vec<u8> {
    let (w, h) = TILE;
    let stride = (columns * w * 3) as usize;
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        let at = (row * h + y) as usize * stride + (column * w * 3) as usize;
        out.extend_from_slice(&sheet[at..at + (w * 3) as usize]);
    }
    out
}

/// The thumbnail shows `at` and not a time `apart` seconds before or after it.
fn assert_shows(pixels: &[u8], at: f64, apart: f64, duration: f64) {
    let source = media("long.mp4");
    let own = ssim(pixels, &reference_frame(&source, at, TILE.0, TILE.1), TILE.0, TILE.1);
    assert!(own > 0.7, "the thumbnail at {at} s is not that frame: SSIM {own:.3}");
    for other in [at - apart, at + apart].into_iter().filter(|t| *t >= 0.0 && *t < duration) {
        let near = ssim(pixels, &reference_frame(&source, other, TILE.0, TILE.1), TILE.0, TILE.1);
        eprintln!("{at} s: {own:.3} against its own time, {near:.3} against {other} s");
        assert!(own > near + 0.02, "the thumbnail said {at} s but looks as much like {other} s: {own:.3} vs {near:.3}");
    }
}

fn collect(sidecars: &Sidecars, media: &probe::Media, window: Window) -> (timeline::Summary, Vec<Sheet>) {
    let mut sheets = Vec::new();
    let summary = timeline::thumbnails(sidecars, media, window, &CancelToken::new(), &mut |s| sheets.push(s)).expect("thumbnails");
    (summary, sheets)
}

#[test]
fn a_listed_storyboard_gives_the_thumbnails_without_touching_the_video() {
    let sidecars = setup();
    let dir = TempDir::new("timeline-sb");
    let board = storyboard_of_long(&dir.0, "board");
    let sheets = board.fields["fragments"].as_array().unwrap().len();
    assert_eq!(sheets, 3, "60 tiles: three sheets");
    let yt = FakeYouTube::new(&dir.0);
    let mut menu = youtube_menu();
    menu.push(board);
    yt.add("board", &Scenario::new().formats(menu).set("duration", 600));
    let server = TestServer::start(&dir.0).unwrap();
    let source = Source::Url(yt.watch_url(&server, "board"));
    let media = probe::locate(&sidecars, &source, &Fit { width: 480, fps: 15, ..Fit::default() }, &CancelToken::new()).expect("look-up");
    assert!(media.storyboard.is_some(), "the storyboard was read from yt-dlp's formats");
    let before = server.log().len();

    let (summary, got) = collect(&sidecars, &media, Window { from: 0.0, to: 600.0, count: 30 });
    assert_eq!(summary.from, From::Storyboard);
    std::thread::sleep(std::time::Duration::from_millis(200)); // the server logs each body's end on its own thread
    let asked: Vec<_> = server.log()[before..].to_vec();
    assert!(asked.iter().all(|r| r.path.contains("/sb0/M")), "only sheets were asked for: {:?}", asked.iter().map(|r| &r.path).collect::<Vec<_>>());
    assert_eq!(asked.len(), 3, "each sheet once");
    // What the window states as fetched covers what the server sent (and the headers).
    let sent: u64 = asked.iter().map(|r| r.bytes).sum();
    assert_eq!(summary.fetched, sent, "what the window states as fetched is what the server sent");
    assert!(summary.fetched < BUDGET_BYTES);
    let tiles: Vec<_> = got.iter().flat_map(|s| s.tiles.iter()).collect();
    assert_eq!(tiles.len(), 60, "every tile up to the end, none past it");
    assert_eq!(tiles.iter().map(|t| t.at).fold(0.0, f64::max), 590.0);
    // A few tiles from each sheet show the frame at their time, not one a tile away.
    for sheet in &got {
        let pixels = rgb(&sheet.image, sheet.columns * TILE.0, sheet.rows * TILE.1);
        for tile in sheet.tiles.iter().step_by(7) {
            assert_shows(&tile_of(&pixels, sheet.columns, tile.column, tile.row), tile.at, 10.0, 600.0);
        }
    }
}

#[test]
fn without_a_storyboard_keyframes_come_within_the_budget_and_show_their_times() {
    let sidecars = setup();
    let dir = TempDir::new("timeline-kf");
    std::fs::hard_link(media("long.mp4"), dir.path("long.mp4")).or_else(|_| std::fs::copy(media("long.mp4"), dir.path("long.mp4")).map(drop)).unwrap();
    let server = TestServer::start(&dir.0).unwrap();
    let source = Source::Url(server.url("long.mp4"));
    let media = probe::probe(&sidecars, &source, &Fit::default(), &CancelToken::new()).expect("probe");
    let before: u64 = server.log().iter().map(|r| r.bytes).sum();

    let (summary, got) = collect(&sidecars, &media, Window { from: 0.0, to: 600.0, count: 36 });
    assert_eq!(summary.from, From::Keyframes);
    let sent: u64 = server.log().iter().map(|r| r.bytes).sum::<u64>() - before;
    // The budget is checked before each thumbnail: one thumbnail's worth may go past it.
    assert!(sent <= BUDGET_BYTES + 1_000_000, "the server sent {sent} bytes for the timeline");
    assert!(got.len() >= 8, "{} thumbnails for 3 MB", got.len());
    let times: Vec<f64> = got.iter().map(|s| s.tiles[0].at).collect();
    // Coarse to fine: the first eight spread over the whole video (one in each eighth).
    let eighths: std::collections::BTreeSet<u32> = times[..8].iter().map(|t| (t / 75.0) as u32).collect();
    assert!(eighths.len() >= 7, "{times:?}");
    for sheet in got.iter().step_by(3) {
        let at = sheet.tiles[0].at;
        assert!((at * 25.0 - (at * 25.0).round()).abs() < 0.01, "a frame's own time: {at}");
        assert_shows(&rgb(&sheet.image, TILE.0, TILE.1), at, 2.0, 600.0);
    }

    // A second look (the video opened again) finds those in the cache for free, so the same
    // budget goes further: every earlier thumbnail again, and more.
    let (summary2, got2) = collect(&sidecars, &media, Window { from: 0.0, to: 600.0, count: 36 });
    let times2: Vec<f64> = got2.iter().map(|s| s.tiles[0].at).collect();
    assert!(times.iter().all(|t| times2.contains(t)), "{times:?} then {times2:?}");
    assert!(got2.len() > got.len() && summary2.fetched <= BUDGET_BYTES + 1_000_000, "{} then {} thumbnails, {} bytes", got.len(), got2.len(), summary2.fetched);
}

#[test]
fn a_local_file_gets_every_place_and_a_zoomed_stretch_its_own() {
    let sidecars = setup();
    let source = Source::File(media("long.mp4"));
    let media = probe::probe(&sidecars, &source, &Fit::default(), &CancelToken::new()).expect("probe");
    let (summary, got) = collect(&sidecars, &media, Window { from: 100.0, to: 120.0, count: 10 });
    assert_eq!((summary.from, summary.fetched), (From::Keyframes, 0));
    let times: Vec<f64> = got.iter().map(|s| s.tiles[0].at).collect();
    // Keyframes every 2 s: ten places 2 s apart meet ten different ones, all in the stretch.
    assert_eq!(got.len(), 10, "{times:?}");
    assert!(times.iter().all(|t| (98.0..=120.0).contains(t)), "{times:?}");
    assert_shows(&rgb(&got[0].image, TILE.0, TILE.1), times[0], 2.0, 600.0);
    let bad = timeline::thumbnails(&sidecars, &media, Window { from: 10.0, to: 5.0, count: 4 }, &CancelToken::new(), &mut |_| {});
    assert!(bad.is_err(), "an empty stretch is refused");
}
