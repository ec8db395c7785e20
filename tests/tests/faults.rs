//! Faults and hostile input: each ends in a clear error of the right kind, with no file at the
//! target, no temp files, and no child process left (the process table is checked).

use gifgrab_core::source::link::Source;
use gifgrab_core::spec::GifSpec;
use gifgrab_core::pipeline::{Made, Request, Target};
use gifgrab_core::os::process::CancelToken;
use gifgrab_core::tools::sidecars::Sidecars;
use gifgrab_core::error::{Error, Msg};
use gifgrab_tests::server::{Fault, TestServer};
use gifgrab_tests::*;
use std::path::Path;

fn sidecars() -> Sidecars {
    Sidecars::in_dir(&bin_dir())
}

/// One pipeline run that never replaces an existing file.
fn make(sc: &Sidecars, src: &Source, start: f64, end: f64, options: GifSpec, target: &Target, cancel: &CancelToken) -> gifgrab_core::Result<Made> {
    let req = Request { spec: GifSpec { start, end, ..options }, overwrite: false, sign_in: Default::default() };
    gifgrab_core::pipeline::make_gif(sc, src, &req, target, cancel, &|_| {})
}

/// Runs the pipeline on a URL with a unique token; checks nothing is left behind.
fn attempt(url: &str, start: f64, end: f64, dir: &TempDir, token: &str) -> gifgrab_core::Result<Made> {
    let target = dir.path("out.gif");
    let src = Source::Url(url.to_string());
    let result = make(&sidecars(), &src, start, end, GifSpec::default(), &Target::File(target.clone()), &CancelToken::new());
    assert!(eventually(2.0, || processes_mentioning(token).is_empty()), "left behind: {:?}", processes_mentioning(token));
    if result.is_err() {
        assert!(dir.names().is_empty(), "a failed job left {:?}", dir.names());
    }
    result
}

/// Ten parallel 480 px jobs, their ffmpegs included (measured: about 700 MB).
const TEN_JOBS_MAX_RSS: u64 = 1200 << 20;

fn token(tag: &str) -> String {
    format!("{tag}{}x{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos())
}

#[test]
fn each_server_fault_ends_in_the_right_error() {
    let srv = TestServer::start(media_dir()).unwrap();
    let cases: Vec<(Fault, &str)> = vec![
        (Fault::Status(404), "not_found"),
        (Fault::Status(410), "not_found"),
        (Fault::Status(403), "forbidden"),
        (Fault::Status(429), "network"),
        (Fault::Status(500), "network"),
        (Fault::RedirectLoop, "network"),
        // Every connection dies at once: the retries fail too.
        (Fault::DropAfter(0), "network"),
    ];
    let mut messages = Vec::new();
    for (fault, kind) in cases {
        let dir = TempDir::new("fault");
        srv.set_fault(fault.clone());
        let t = token("fault");
        let err = attempt(&srv.url(&format!("long.mp4?{t}")), 300.0, 303.0, &dir, &t).expect_err("must fail");
        assert_eq!(err.kind(), kind, "{fault:?}: {err}");
        assert!(err.to_string().len() > 20, "{fault:?}: a message a person can act on, got {err}");
        messages.push((fault, err.to_string()));
    }
    // 404 and 410 share their words; every other fault has its own, so a person can tell them apart.
    for (i, (fault, message)) in messages.iter().enumerate().skip(1) {
        for (other, earlier) in &messages[1..i] {
            assert_ne!(message, earlier, "{fault:?} and {other:?} read the same");
        }
    }
}

#[test]
fn a_dropped_or_truncated_download_resumes_and_completes() {
    let srv = TestServer::start(media_dir()).unwrap();
    for fault in [Fault::DropAfter(300_000), Fault::Truncate(400_000)] {
        srv.set_fault(fault.clone());
        let dir = TempDir::new("resume");
        let t = token("resume");
        let made = attempt(&srv.url(&format!("long.mp4?{t}")), 300.0, 303.0, &dir, &t).unwrap_or_else(|e| panic!("{fault:?}: {e}"));
        let facts = gif_facts(&made.path);
        assert_eq!((facts.width, facts.height, facts.frames), (480, 270, 45), "{fault:?}");
        let first = gif_frames_rgb(&made.path, 480, 270).remove(0);
        assert!(ssim(&first, &reference_frame(&media("long.mp4"), 300.0, 480, 270), 480, 270) > 0.85, "{fault:?}");
    }
}

/// bikes.mp4 as a phone writes an MP4, its index last (`phone.mp4` in a folder of its own).
fn phone_mp4(tag: &str) -> (TempDir, std::path::PathBuf) {
    let dir = TempDir::new(tag);
    let src = media("bikes.mp4");
    let made = ffmpeg().arg("-i").arg(&src).args(["-c", "copy", "-movflags", "-faststart"]).arg(dir.path("phone.mp4")).status().unwrap();
    assert!(made.success(), "could not re-mux the clip");
    (dir, src)
}

#[test]
fn a_server_that_ignores_range_still_gives_the_right_gif() {
    let srv = TestServer::start(media_dir()).unwrap();
    srv.set_fault(Fault::IgnoreRange);
    let dir = TempDir::new("norange");
    let t = token("norange");
    // Without Range nothing can seek: a web-optimised MP4 (index first) is read from the top.
    let made = attempt(&srv.url(&format!("long.mp4?{t}")), 10.0, 11.0, &dir, &t).expect("works without Range");
    assert_eq!(gif_facts(&made.path).frames, 15);
    let first = gif_frames_rgb(&made.path, 480, 270).remove(0);
    assert!(ssim(&first, &reference_frame(&media("long.mp4"), 10.0, 480, 270), 480, 270) > 0.85);
    // A phone's MP4 keeps its index last: read from the top it needs a seek back, so the file
    // is fetched whole once (a single plain request for it) and read from there.
    let (phone, src) = phone_mp4("norange-phone");
    let srv = TestServer::start(&phone.0).unwrap();
    srv.set_fault(Fault::IgnoreRange);
    let t = token("norange-phone");
    let out = TempDir::new("norange-phone-out");
    let made = attempt(&srv.url(&format!("phone.mp4?{t}")), 1.0, 2.0, &out, &t).expect("an index at the end works without Range too");
    assert_eq!(gif_facts(&made.path).frames, 15);
    let first = gif_frames_rgb(&made.path, 480, 204).remove(0);
    assert!(ssim(&first, &reference_frame(&src, 1.0, 480, 204), 480, 204) > 0.85);
}

/// The window's session with a phone's MP4 (index last) looked up on a server that ignores Range.
fn window_without_range(tag: &str) -> (TempDir, std::path::PathBuf, TestServer, gifgrab_core::session::Session, gifgrab_core::session::Probed) {
    let (phone, src) = phone_mp4(tag);
    let srv = TestServer::start(&phone.0).unwrap();
    srv.set_fault(Fault::IgnoreRange);
    let session = gifgrab_core::session::Session::new(Ok(sidecars()));
    let probed = session.probe(&srv.url("phone.mp4"), 480, 15).expect("the header reads from the top");
    (phone, src, srv, session, probed)
}

/// The timeline's thumbnails too, asked before any preview: the whole-file copy serves them.
#[test]
fn the_timeline_fills_from_a_server_without_range() {
    use gifgrab_core::render::timeline::Window;
    let (_phone, _src, _srv, session, probed) = window_without_range("norange-timeline");
    let mut sheets = 0;
    let summary = session
        .timeline(&probed.id, Window { from: 0.0, to: probed.duration.unwrap(), count: 6 }, false, &mut |_| sheets += 1)
        .expect("thumbnails from the local copy");
    assert!(sheets >= 2 && summary.tiles >= 2, "{sheets} sheets, {summary:?}");
}

/// In the window, previews and the size estimate read with bounded range requests: from a
/// server that ignores Range (a phone's MP4, index last) the file is fetched whole once, and
/// the previews show the right frames.
#[test]
fn the_window_previews_a_file_from_a_server_without_range() {
    let (phone, src, srv, session, probed) = window_without_range("norange-window");
    for (at, slot) in [(1.0, "start"), (4.0, "end")] {
        let jpeg = session.preview(&probed.id, at, slot, &Default::default()).unwrap_or_else(|e| panic!("preview at {at}: {e}"));
        let file = phone.path(&format!("{slot}.jpg"));
        std::fs::write(&file, &jpeg).unwrap();
        let out = ffmpeg().arg("-i").arg(&file).args(["-vf", "scale=320:136", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).output().unwrap();
        assert!(ssim(&out.stdout, &reference_frame(&src, at, 320, 136), 320, 136) > 0.8, "the preview at {at} s shows that frame");
    }
    let sized = session.estimate(&probed.id, &GifSpec::range(1.0, 2.0)).expect("the estimate samples the local copy");
    assert!(sized.low > 0 && sized.high >= sized.low);
    // Fetched whole once, then read here: the server sent the file about as many times as the
    // look-up and the first failed previews read it, not once per preview or window.
    let size = std::fs::metadata(phone.path("phone.mp4")).unwrap().len();
    let sent = srv.bytes_sent();
    assert!(sent < size * 6, "{sent} bytes sent for a {size}-byte file");
    let before = srv.bytes_sent();
    session.preview(&probed.id, 2.0, "start", &Default::default()).expect("a later preview");
    assert_eq!(srv.bytes_sent(), before, "a later preview reads the local copy");
}

#[test]
fn a_stalled_server_times_out_with_a_clear_error() {
    let srv = TestServer::start(media_dir()).unwrap();
    srv.set_fault(Fault::Stall);
    let dir = TempDir::new("stall");
    let t = token("stall");
    let started = std::time::Instant::now();
    let err = attempt(&srv.url(&format!("long.mp4?{t}")), 300.0, 301.0, &dir, &t).expect_err("must fail");
    let took = started.elapsed().as_secs_f64();
    assert_eq!(err.kind(), "network", "{err}");
    assert!(matches!(err.msg(), Msg::Stalled { seconds: 20 }), "the watchdog's own message: {err}");
    assert!((18.0..=30.0).contains(&took), "the watchdog waits its 20 s, not less, not much more: {took:.1} s");
}

/// A slow link still sending is no stall: a range whose keyframe lies 10 s back needs about
/// 25 s of download before its first frame at 100 KB/s, and the GIF comes.
#[test]
fn a_slow_steady_download_is_not_a_stall() {
    let dir = TempDir::new("slow-steady");
    let video = dir.path("one-gop.mp4");
    let made = ffmpeg()
        .args(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25:d=12", "-vf", "noise=alls=20:allf=t"])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-g", "300", "-keyint_min", "300", "-sc_threshold", "0", "-b:v", "2M", "-maxrate", "2M", "-bufsize", "1M"])
        .arg(&video)
        .status()
        .unwrap();
    assert!(made.success());
    let srv = TestServer::start(&dir.0).unwrap();
    srv.set_rate(Some(100_000));
    let out = TempDir::new("slow-steady-out");
    let t = token("steady");
    let started = std::time::Instant::now();
    let made = attempt(&srv.url(&format!("one-gop.mp4?{t}")), 10.0, 10.5, &out, &t).expect("a slow link that keeps sending makes its GIF");
    assert!(started.elapsed().as_secs() > 20, "the case is real: the first frame came after the watchdog's 20 s ({:?})", started.elapsed());
    assert_eq!(gif_facts(&made.path).frames, 8);
}

#[test]
fn a_corrupt_file_over_http_is_bad_media() {
    let dir = TempDir::new("corrupt");
    std::fs::write(dir.path("broken.mp4"), vec![0x42u8; 200_000]).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = TempDir::new("corrupt-out");
    let t = token("corrupt");
    let err = attempt(&srv.url(&format!("broken.mp4?{t}")), 0.0, 1.0, &out, &t).expect_err("must fail");
    assert_eq!(err.kind(), "bad_media", "{err}");
}

#[test]
fn hls_segments_may_not_reach_local_files() {
    let dir = TempDir::new("hostile-hls");
    let secret = dir.path("secret.ts");
    std::fs::copy(media("long_hls/seg000.ts"), &secret).unwrap();
    let playlist = one_segment_playlist(&format!("file://{}", secret.display()));
    std::fs::write(dir.path("evil.m3u8"), playlist).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = TempDir::new("hostile-out");
    let t = token("hls");
    let err = attempt(&srv.url(&format!("evil.m3u8?{t}")), 0.0, 1.0, &out, &t).expect_err("a file:// segment must be refused");
    assert!(matches!(err.kind(), "bad_media" | "no_video" | "not_found"), "{err:?}");
}

#[test]
fn hls_segments_may_not_reach_other_local_servers() {
    // Another server on this computer, as a router's admin page or a local service would be.
    let other = TestServer::start(media_dir()).unwrap();
    let dir = TempDir::new("hostile-hls-host");
    let playlist = one_segment_playlist(&other.url("long_hls/seg000.ts"));
    std::fs::write(dir.path("evil.m3u8"), playlist).unwrap();
    std::fs::copy(media("long_hls/seg001.ts"), dir.path("own.ts")).unwrap();
    std::fs::write(dir.path("fine.m3u8"), one_segment_playlist("own.ts")).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = TempDir::new("hostile-host-out");
    let t = token("hlshost");
    let err = attempt(&srv.url(&format!("evil.m3u8?{t}")), 0.0, 1.0, &out, &t).expect_err("a segment on another server must be refused");
    assert_eq!(err.kind(), "forbidden", "{err}");
    assert_eq!(err.code(), "points_at", "{err}");
    assert!(err.to_string().contains(&format!("127.0.0.1:{}", other.port())), "{err}");
    assert_eq!(other.requests(), 0, "the other server was reached");
    // The same playlist with its segment on its own server works.
    let made = attempt(&srv.url("fine.m3u8"), 0.0, 1.0, &out, &t).expect("a segment on the playlist's server is fine");
    assert_eq!(gif_facts(&made.path).frames, 15);
}

/// ffmpeg's playlist readers accept any scheme starting with "http", and `httpproxy://` opens a
/// TCP connection of its own: only the kernel's confinement of ffmpeg (Landlock) stops it.
#[test]
fn an_httpproxy_segment_cannot_reach_around_the_guard() {
    if !gifgrab_core::os::sandbox::tcp_confinement_available() {
        eprintln!("skipped: this kernel cannot confine TCP connections (Landlock ABI 4)");
        return;
    }
    let other = TestServer::start(media_dir()).unwrap();
    let dir = TempDir::new("httpproxy-hls");
    let playlist = one_segment_playlist(&format!("httpproxy://127.0.0.1:{}/long_hls/seg000.ts", other.port()));
    std::fs::write(dir.path("evil.m3u8"), playlist).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = TempDir::new("httpproxy-out");
    let t = token("hlsproxy");
    let err = attempt(&srv.url(&format!("evil.m3u8?{t}")), 0.0, 1.0, &out, &t).expect_err("the segment must not be read");
    assert_eq!(other.requests(), 0, "the other server was reached ({err})");
    // A local file needs no network at all: its ffmpeg may not connect anywhere either.
    let local = gifgrab_core::source::probe::probe(&sidecars(), &Source::File(media("bikes.mp4")), &Default::default(), &CancelToken::new());
    assert!(local.is_ok(), "{local:?}");
}

#[test]
fn argument_injection_never_becomes_an_option() {
    let canary = std::env::temp_dir().join(format!("gifgrab-pwned-{}", std::process::id()));
    let dir = TempDir::new("inject");
    for evil in [
        format!("--exec=touch {}", canary.display()),
        format!("-o{}", canary.display()),
        "--output=/etc/x".to_string(),
        format!("--exec touch {}", canary.display()),
    ] {
        let out = gifgrab().args(["--start", "0", "--end", "1", "--", &evil]).current_dir(&dir.0).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{evil}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(kind_and_code(&String::from_utf8_lossy(&out.stderr)), ("invalid_link".into(), "not_link_or_file".into()));
    }
    assert!(!canary.exists());
    assert!(dir.names().is_empty());
}

#[test]
fn broken_sidecars_are_named_with_the_repair() {
    let dir = TempDir::new("badsidecar");
    let fake = TempDir::new("fake-sidecars");
    // Not executable, and one that prints garbage and fails.
    std::fs::write(fake.path("gifgrab-ffmpeg"), b"not a program").unwrap();
    let src = Source::File(media("bikes.mp4"));
    let target = Target::File(dir.path("o.gif"));
    let err = make(&Sidecars::in_dir(&fake.0), &src, 0.0, 1.0, GifSpec::default(), &target, &CancelToken::new())
        .expect_err("must fail");
    assert_eq!(err.kind(), "sidecar", "{err}");
    assert!(err.to_string().contains("cargo xtask setup"), "{err}");
    let garbage = fake.path("gifgrab-ffmpeg");
    std::fs::write(&garbage, "#!/bin/sh\necho 'zzz garbage' >&2\nexit 3\n").unwrap();
    make_executable(&garbage);
    let err = make(&Sidecars::in_dir(&fake.0), &src, 0.0, 1.0, GifSpec::default(), &target, &CancelToken::new())
        .expect_err("must fail");
    assert!(err.to_string().len() > 10, "{err}");
    assert!(dir.names().is_empty());
}

fn make_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_read_only_folder_is_reported_and_left_clean() {
    if unsafe_is_root() {
        // root writes anywhere; use a read-only bind instead: a folder whose parent is a file.
        eprintln!("as root: checked a folder under a file, not a read-only folder");
        let dir = TempDir::new("ro");
        std::fs::write(dir.path("file"), b"x").unwrap();
        let target = dir.path("file").join("out.gif");
        let err = make(&sidecars(), &Source::File(media("bikes.mp4")), 0.0, 1.0, GifSpec::default(), &Target::File(target), &CancelToken::new())
            .expect_err("must fail");
        assert_eq!(err.kind(), "not_writable", "{err}");
        assert_eq!(dir.names(), vec!["file"]);
        return;
    }
    let dir = TempDir::new("ro");
    std::fs::set_permissions(&dir.0, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    let err = make(&sidecars(), &Source::File(media("bikes.mp4")), 0.0, 1.0, GifSpec::default(), &Target::File(dir.path("o.gif")), &CancelToken::new())
        .expect_err("must fail");
    std::fs::set_permissions(&dir.0, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(err.kind(), "not_writable", "{err}");
}

fn unsafe_is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

#[test]
fn absurd_sizes_are_refused_before_they_eat_memory() {
    let dir = TempDir::new("huge");
    let src = Source::File(media("long.mp4"));
    let opts = GifSpec { width: 1920, fps: 50, ..GifSpec::default() };
    let err = make(&sidecars(), &src, 0.0, 60.0, opts, &Target::File(dir.path("h.gif")), &CancelToken::new())
        .expect_err("1280 px × 3000 frames is too much");
    assert_eq!(err.kind(), "too_large", "{err}");
    assert!(dir.names().is_empty());
    // A source whose frames are 48 megapixels: refused by the decoder before it allocates
    // one, whether the CLI decodes at once or the app looks at it first.
    let huge = dir.path("huge.mp4");
    let made = ffmpeg()
        .args(["-f", "lavfi", "-i", "color=c=red:s=8000x6000:d=0.2:r=10", "-c:v", "libx264", "-preset", "ultrafast"])
        .arg(&huge)
        .output()
        .expect("ffmpeg runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let target = Target::File(dir.path("h.gif"));
    let err = make(&sidecars(), &Source::File(huge.clone()), 0.0, 0.1, GifSpec::default(), &target, &CancelToken::new())
        .expect_err("8000×6000 frames are too large to decode");
    assert!(err.code() == "frames_too_large_said" && err.to_string().contains("8000x6000"), "{err}");
    let err = gifgrab_core::source::probe::probe(&sidecars(), &Source::File(huge), &Default::default(), &CancelToken::new()).expect_err("probe refuses too");
    assert!(err.code() == "frames_too_large" && err.to_string().contains("8000×6000"), "{err}");
    assert_eq!(dir.names(), vec!["huge.mp4"]);
}

#[test]
fn cancel_at_each_stage_stops_quickly_and_cleans_up() {
    use gifgrab_core::pipeline::Stage;
    let srv = TestServer::start(media_dir()).unwrap();
    srv.set_rate(Some(200_000));
    // Cancelled from the progress report itself, once the named stage is under way.
    for (stage, after) in [(Stage::Probing, 0), (Stage::Fetching, 0), (Stage::Encoding, 1), (Stage::Encoding, 40)] {
        let dir = TempDir::new("cancel-stage");
        let t = token("stage");
        let url = srv.url(&format!("long.mp4?{t}"));
        let cancel = CancelToken::new();
        let cancelled_at = std::sync::Mutex::new(None);
        let on_progress = |p: gifgrab_core::pipeline::Progress| {
            let mut at = cancelled_at.lock().unwrap();
            if at.is_none() && p.stage == stage && p.done >= after {
                *at = Some(std::time::Instant::now());
                cancel.cancel();
            }
        };
        let req = Request { spec: GifSpec::range(100.0, 105.0), overwrite: false, sign_in: Default::default() };
        let target = Target::File(dir.path("c.gif"));
        let result = gifgrab_core::pipeline::make_gif(&sidecars(), &Source::Url(url), &req, &target, &cancel, &on_progress);
        let at = cancelled_at.lock().unwrap().unwrap_or_else(|| panic!("{stage:?} {after} never reached: {result:?}"));
        assert!(at.elapsed().as_secs_f64() < 1.0, "{stage:?}: stopping took {:?}", at.elapsed());
        assert!(matches!(result, Err(Error(Msg::Cancelled))), "{stage:?} {after}: {result:?}");
        assert!(eventually(1.0, || processes_mentioning(&t).is_empty()), "left: {:?}", processes_mentioning(&t));
        assert!(dir.names().is_empty(), "left {:?}", dir.names());
    }
}

#[test]
fn ten_jobs_at_once_give_ten_distinct_correct_gifs() {
    let srv = TestServer::start(media_dir()).unwrap();
    let dir = TempDir::new("ten");
    let ten = token("ten");
    let base = rss_of(std::process::id());
    let done = std::sync::atomic::AtomicBool::new(false);
    let (results, peak): (Vec<_>, u64) = std::thread::scope(|s| {
        // This test's memory only: what this process grew by, plus the ffmpegs named by the
        // test's token (other tests run in this process and beside it).
        let sampler = s.spawn(|| {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let grown = rss_of(std::process::id()).saturating_sub(base);
                peak = peak.max(grown + rss_mentioning(&ten));
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            peak
        });
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let url = srv.url(&format!("long.mp4?{ten}"));
                let target = Target::File(dir.path(&format!("g{i}.gif")));
                s.spawn(move || {
                    let start = 20.0 + i as f64 * 30.0;
                    make(&sidecars(), &Source::Url(url), start, start + 1.0, GifSpec::default(), &target, &CancelToken::new())
                })
            })
            .collect();
        let results = handles.into_iter().map(|h| h.join().unwrap()).collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (results, sampler.join().unwrap())
    });
    // Ten 480 px jobs at once stay well inside a small laptop's memory.
    eprintln!("ten jobs: peak RSS {} MB", peak >> 20);
    assert!(peak < TEN_JOBS_MAX_RSS, "ten jobs peaked at {} MB", peak >> 20);
    let mut first_frames = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        let made = r.unwrap_or_else(|e| panic!("job {i}: {e}"));
        let facts = gif_facts(&made.path);
        assert_eq!((facts.width, facts.height, facts.frames), (480, 270, 15), "job {i}");
        let frame = gif_frames_rgb(&made.path, 480, 270).remove(0);
        let reference = reference_frame(&media("long.mp4"), 20.0 + i as f64 * 30.0, 480, 270);
        assert!(ssim(&frame, &reference, 480, 270) > 0.85, "job {i} shows the wrong moment");
        first_frames.push(frame);
    }
    for i in 1..first_frames.len() {
        assert_ne!(first_frames[i], first_frames[i - 1], "jobs {i} and {} made the same GIF", i - 1);
    }
    assert_eq!(dir.names().len(), 10);
}

#[test]
fn the_app_session_rejects_junk_and_cleans_stale_work() {
    use gifgrab_core::session::{GifRequest, Session};
    // A work folder left by a crashed gifgrab (its process is gone) disappears at the next start.
    let dead = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    let mut dead = dead;
    dead.wait().unwrap();
    let stale = std::env::temp_dir().join(format!("gifgrab-app-{dead_pid}"));
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("half.gif"), b"junk").unwrap();
    let session = Session::new(Ok(sidecars()));
    assert!(!stale.exists(), "stale work folder kept");
    let request = |id: &str, job: &str| GifRequest {
        id: id.into(),
        job_id: job.into(),
        spec: GifSpec::range(0.0, 1.0),
    };
    let kinds = [
        session.probe("--exec=touch /tmp/x", 480, 15).unwrap_err().kind(),
        session.probe(&"a".repeat(10_000), 480, 15).unwrap_err().kind(),
        session.preview("nope", 1.0, "start", &Default::default()).unwrap_err().kind(),
        session.make(&request("nope", "ok-id"), &|_| {}).unwrap_err().kind(),
        session.make(&request("nope", "../../etc/passwd"), &|_| {}).unwrap_err().kind(),
        session.gif_bytes("../x").unwrap_err().kind(),
        session.save("missing", "/tmp/x.gif").unwrap_err().kind(),
    ];
    assert_eq!(kinds, ["invalid_link", "invalid_link", "invalid_link", "invalid_link", "invalid_option", "invalid_option", "invalid_option"]);
    // A real job, then saves to bad places and a good one.
    let probed = session.probe(media("bikes.mp4").to_str().unwrap(), 480, 15).unwrap();
    assert!(session.preview(&probed.id, f64::NAN, "start", &Default::default()).is_err());
    assert!(!session.preview(&probed.id, 1.0, "start", &Default::default()).unwrap().is_empty());
    let info = session.make(&request(&probed.id, "job-1"), &|_| {}).unwrap();
    assert_eq!(info.frames, 15);
    assert_eq!(session.save("job-1", "relative.gif").unwrap_err().kind(), "not_writable");
    let dir = TempDir::new("save");
    assert_eq!(session.save("job-1", dir.0.to_str().unwrap()).unwrap_err().kind(), "not_writable");
    let saved = session.save("job-1", dir.path("mine").to_str().unwrap()).unwrap();
    assert_eq!(saved.path, dir.path("mine.gif"));
    assert_eq!(gif_facts(&saved.path).frames, 15);
    // The dialog asked about "mine", not "mine.gif": that file is never replaced unasked.
    let taken = session.save("job-1", dir.path("mine").to_str().unwrap()).unwrap_err();
    assert_eq!(taken.kind(), "output_exists");
    assert!(!taken.to_string().contains("--overwrite"), "the app has no command line: {taken}");
    // A Cancel that comes before its job starts still stops it.
    session.cancel("job-2");
    assert_eq!(session.make(&request(&probed.id, "job-2"), &|_| {}).unwrap_err().kind(), "cancelled");
    let work = session.work_dir().to_path_buf();
    assert!(work.exists());
    drop(session);
    assert!(!work.exists(), "work folder removed when the app closes");
}

#[test]
fn a_full_disk_is_reported_and_leaves_nothing() {
    // A 100 KB tmpfs fills up mid-GIF (mounting needs root; CI runs as root).
    let dir = TempDir::new("diskfull");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=100k", "tmpfs"])
        .arg(&dir.0)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        // Containers without mount rights (and non-root users) cannot stage a full disk.
        eprintln!("skipped: could not mount a tmpfs here");
        return;
    }
    let target = dir.path("full.gif");
    let result = make(&sidecars(), &Source::File(media("bikes.mp4")), 0.0, 3.0, GifSpec::default(), &Target::File(target), &CancelToken::new());
    let names = dir.names();
    let _ = std::process::Command::new("umount").arg(&dir.0).status();
    let err = result.expect_err("a 100 KB disk cannot hold this GIF");
    assert_eq!(err.kind(), "disk_full", "{err}");
    assert_eq!(err.code(), "disk_full", "{err}");
    assert!(err.to_string().contains("Free some space"), "{err}");
    assert!(names.is_empty(), "left on the full disk: {names:?}");
}

/// The app's work folder is private and unguessable, one made beforehand by someone else is
/// never used, and it holds the newest 12 GIFs made (the result and the queue), no more.
#[test]
fn the_app_work_folder_is_private_and_keeps_the_newest_gifs() {
    use gifgrab_core::session::{GifRequest, Session};
    use std::os::unix::fs::PermissionsExt;
    // What the old, predictable name would have been: planted by another user, say.
    let planted = std::env::temp_dir().join(format!("gifgrab-app-{}", std::process::id()));
    std::fs::create_dir_all(&planted).unwrap();
    let (a, b) = (Session::new(Ok(sidecars())), Session::new(Ok(sidecars())));
    assert_ne!(a.work_dir(), planted.as_path(), "a planted folder is not used");
    assert_ne!(a.work_dir(), b.work_dir(), "each session has its own folder");
    assert_eq!(std::fs::metadata(a.work_dir()).unwrap().permissions().mode() & 0o777, 0o700);
    drop(b);
    let _ = std::fs::remove_dir_all(&planted);
    let probed = a.probe(media("bikes.mp4").to_str().unwrap(), 480, 15).unwrap();
    let request = |job: &str| GifRequest { id: probed.id.clone(), job_id: job.into(), spec: GifSpec { start: 0.0, end: 1.0, width: 320, fps: 10, quality: 80, ..GifSpec::default() } };
    let jobs: Vec<String> = (1..=13).map(|k| format!("gif{k}")).collect();
    for job in &jobs {
        a.make(&request(job), &|_| {}).unwrap();
    }
    let mut names: Vec<String> = std::fs::read_dir(a.work_dir()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut kept: Vec<String> = jobs[1..].iter().map(|j| format!("{j}.gif")).collect();
    kept.sort();
    assert_eq!(names, kept, "the oldest GIF went, the newest 12 stay");
    assert_eq!(a.gif_bytes("gif1").unwrap_err().kind(), "invalid_option");
    assert!(!a.gif_bytes("gif2").unwrap().is_empty() && !a.gif_bytes("gif13").unwrap().is_empty());
}

/// A newer preview for the same slot stops the older one, download and all; other slots go on.
#[test]
fn a_newer_preview_stops_the_one_it_replaces() {
    use gifgrab_core::session::Session;
    let srv = TestServer::start(media_dir()).unwrap();
    let session = std::sync::Arc::new(Session::new(Ok(sidecars())));
    let token = format!("preview{}", std::process::id());
    let probed = session.probe(&srv.url(&format!("long.mp4?{token}")), 480, 15).unwrap();
    srv.set_rate(Some(20_000));
    let (s, id) = (session.clone(), probed.id.clone());
    let slow = std::thread::spawn(move || s.preview(&id, 400.0, "start", &Default::default()));
    assert!(eventually(20.0, || processes_mentioning(&token).iter().any(|p| p.contains("gifgrab-ffmpeg"))), "the preview never started");
    let (s, id) = (session.clone(), probed.id.clone());
    let other_slot = std::thread::spawn(move || s.preview(&id, 401.0, "end", &Default::default()));
    std::thread::sleep(std::time::Duration::from_millis(300));
    let replaced = std::time::Instant::now();
    srv.set_rate(None);
    let newer = session.preview(&probed.id, 5.0, "start", &Default::default());
    assert_eq!(slow.join().unwrap().unwrap_err().kind(), "cancelled");
    assert!(replaced.elapsed() < std::time::Duration::from_secs(10));
    assert!(!newer.unwrap().is_empty(), "the newer preview arrives");
    assert!(!other_slot.join().unwrap().unwrap().is_empty(), "the other slot was not stopped");
}

/// A damaged file on a server that honours Range is not read again from the top: only a
/// server that answers ranges with the whole file gets the plain retry (issue 16.6).
#[test]
fn a_damaged_file_is_not_reread_whole() {
    let dir = TempDir::new("cutsrv");
    let whole = std::fs::read(media("long.mp4")).unwrap();
    // The index says ten minutes; the bytes stop at three.
    let cut = &whole[..whole.len() * 3 / 10];
    std::fs::write(dir.path("cut.mp4"), cut).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = TempDir::new("cut");
    let t = token("cut");
    let err = attempt(&srv.url(&format!("cut.mp4?{t}")), 360.0, 361.0, &out, &t).expect_err("the clip is past the file's end");
    assert_eq!(err.kind(), "bad_media", "{err}");
    let sent = srv.bytes_sent();
    assert!(sent < cut.len() as u64 / 4, "{sent} of {} bytes sent: the file was read again from the top", cut.len());
    let unranged: Vec<_> = srv.log().into_iter().filter(|r| r.path.ends_with("cut.mp4") && r.header("range").is_none()).collect();
    assert!(unranged.is_empty(), "requests without Range: {unranged:?}");
}
