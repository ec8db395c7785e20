//! The byte cache between ffmpeg and the network, counted at the server: a re-make with other
//! settings fetches nothing, a nudge only what is not held, a changed file is fetched again,
//! two processes share an entry, a kill -9 mid-write harms nothing, and the bound holds.

use gifgrab_tests::server::TestServer;
use gifgrab_tests::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The CLI reading through the cache at `cache`.
fn cli(cache: &Path) -> Command {
    let mut c = gifgrab();
    c.env("GIFGRAB_CACHE_DIR", cache);
    c
}

fn make(cache: &Path, url: &str, range: (&str, &str), extra: &[&str], out: &Path) -> Output {
    let out = cli(cache)
        .arg(url)
        .args(["--start", range.0, "--end", range.1, "-o"])
        .arg(out)
        .args(extra)
        .output()
        .expect("gifgrab runs");
    assert!(out.status.success(), "gifgrab failed: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The media bytes the server sent for one make.
fn fetched(srv: &TestServer, make: impl FnOnce()) -> u64 {
    srv.reset_counters();
    make();
    srv.bytes_sent()
}

#[test]
fn a_remake_with_other_settings_fetches_nothing() {
    let dir = TempDir::new("cache-remake");
    let cache = dir.path("cache");
    let srv = TestServer::start(media_dir()).unwrap();
    let url = srv.url("/long.mp4");
    let first = fetched(&srv, || {
        make(&cache, &url, ("20", "23"), &["--width", "480"], &dir.path("first.gif"));
    });
    assert!(first > 100_000, "the first make fetched {first} bytes");
    let remakes: [(&str, &[&str]); 6] = [
        ("the same again", &["--width", "480"]),
        ("another width", &["--width", "320"]),
        ("another frame rate", &["--fps", "10"]),
        ("another quality", &["--quality", "60"]),
        ("a crop", &["--crop", "200:200:10:10"]),
        ("a caption", &["--text-top", "again"]),
    ];
    for (i, (what, extra)) in remakes.iter().enumerate() {
        let gif = dir.path(&format!("remake-{i}.gif"));
        let bytes = fetched(&srv, || {
            make(&cache, &url, ("20", "23"), extra, &gif);
        });
        assert_eq!(bytes, 0, "{what} fetched {bytes} bytes: {:?}", srv.log().iter().map(|r| (&r.method, r.status, r.header("range"))).collect::<Vec<_>>());
        // Only the cache's look at the file's version reached the server.
        assert!(srv.log().iter().all(|r| r.method == "HEAD"), "{what}: {:?}", srv.log().iter().map(|r| (&r.method, r.header("range"))).collect::<Vec<_>>());
    }
    // What the cache served is the file: the same GIF as one read straight from the server.
    let direct = dir.path("direct.gif");
    make(&cache, &url, ("20", "23"), &["--width", "480", "--no-cache"], &direct);
    assert_eq!(gif_frames_rgb(&dir.path("remake-0.gif"), 480, 270), gif_frames_rgb(&direct, 480, 270), "the cached bytes gave another GIF");
    // Moving the start by 0.1 s fetches at most what is not yet held (here: the next GOP's tail).
    let nudged = fetched(&srv, || {
        make(&cache, &url, ("20.1", "23.1"), &["--width", "480"], &dir.path("nudged.gif"));
    });
    assert!(nudged * 4 < first, "a 0.1 s nudge fetched {nudged} bytes of the first make's {first}");
    // A range never seen is fetched.
    let elsewhere = fetched(&srv, || {
        make(&cache, &url, ("40", "42"), &["--width", "480"], &dir.path("elsewhere.gif"));
    });
    assert!(elsewhere > 50_000, "a new range fetched only {elsewhere} bytes");
}

/// A folder served by its own server, with `clip.mp4` a copy of `source`.
fn site(dir: &TempDir, source: &str) -> (TestServer, PathBuf) {
    let root = dir.path("site");
    std::fs::create_dir_all(&root).unwrap();
    let clip = root.join("clip.mp4");
    std::fs::copy(media(source), &clip).unwrap();
    (TestServer::start(&root).unwrap(), clip)
}

#[test]
fn a_file_changed_on_the_server_is_fetched_again() {
    let dir = TempDir::new("cache-changed");
    let cache = dir.path("cache");
    let (srv, clip) = site(&dir, "bikes.mp4");
    let url = srv.url("/clip.mp4");
    make(&cache, &url, ("1", "2"), &["--width", "320"], &dir.path("bikes.gif"));
    assert_eq!(fetched(&srv, || {
        make(&cache, &url, ("1", "2"), &["--width", "320"], &dir.path("bikes-again.gif"));
    }), 0);
    // Another video under the same name: another length and ETag.
    std::fs::copy(media("carphone_pristine.mp4"), &clip).unwrap();
    let gif = dir.path("carphone.gif");
    let bytes = fetched(&srv, || {
        make(&cache, &url, ("1", "2"), &["--width", "176"], &gif);
    });
    assert!(bytes > 10_000, "the changed file was served from the cache ({bytes} bytes fetched)");
    let facts = gif_facts(&gif);
    let frames = gif_frames_rgb(&gif, facts.width, facts.height);
    let (w, h) = (facts.width, facts.height);
    let new = ssim(&frames[0], &reference_frame(&media("carphone_pristine.mp4"), 1.0, w, h), w, h);
    let old = ssim(&frames[0], &reference_frame(&media("bikes.mp4"), 1.0, w, h), w, h);
    assert!(new > 0.8 && new > old + 0.3, "the GIF is not of the new file (SSIM {new:.3} to it, {old:.3} to the old one)");
    // The same length but a new date (a new ETag): fetched again too.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().append(true).open(&clip).unwrap().set_modified(later).unwrap();
    let bytes = fetched(&srv, || {
        make(&cache, &url, ("1", "2"), &["--width", "176"], &dir.path("touched.gif"));
    });
    assert!(bytes > 10_000, "a file with a new ETag was served from the cache ({bytes} bytes fetched)");
}

#[test]
fn two_processes_share_one_entry() {
    let dir = TempDir::new("cache-shared");
    let cache = dir.path("cache");
    let srv = TestServer::start(media_dir()).unwrap();
    let url = srv.url("/long.mp4");
    let spawn = |name: &str| {
        cli(&cache).arg(&url).args(["--start", "30", "--end", "33", "--width", "320", "-o"]).arg(dir.path(name)).output().unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn("a.gif"));
        let b = s.spawn(|| spawn("b.gif"));
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [&a, &b] {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(std::fs::read(dir.path("a.gif")).unwrap(), std::fs::read(dir.path("b.gif")).unwrap());
    // A third process finds every block the two wrote.
    assert_eq!(fetched(&srv, || {
        make(&cache, &url, ("30", "33"), &["--width", "240"], &dir.path("c.gif"));
    }), 0);
}

#[test]
fn a_kill_mid_write_leaves_a_cache_that_works() {
    let dir = TempDir::new("cache-kill");
    let cache = dir.path("cache");
    let srv = TestServer::start(media_dir()).unwrap();
    let url = srv.url("/long.mp4");
    srv.set_rate(Some(400_000));
    let mut child = cli(&cache)
        .arg(&url)
        .args(["--start", "50", "--end", "56", "--width", "320", "-o"])
        .arg(dir.path("killed.gif"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the cache holds some blocks, while more are arriving.
    assert!(eventually(20.0, || cache_usage(&cache) > 300_000), "nothing was cached");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    srv.set_rate(None);
    let again = dir.path("again.gif");
    make(&cache, &url, ("50", "56"), &["--width", "320"], &again);
    let direct = dir.path("direct.gif");
    make(&cache, &url, ("50", "56"), &["--width", "320", "--no-cache"], &direct);
    let facts = gif_facts(&direct);
    assert_eq!(gif_frames_rgb(&again, facts.width, facts.height), gif_frames_rgb(&direct, facts.width, facts.height));
}

#[test]
fn the_size_bound_holds() {
    let dir = TempDir::new("cache-bound");
    let cache = dir.path("cache");
    let srv = TestServer::start(media_dir()).unwrap();
    let url = srv.url("/long.mp4");
    let limit = 2_000_000u64;
    let mut fetched_in_all = 0;
    for (start, end) in [("10", "13"), ("100", "103"), ("60", "63")] {
        srv.reset_counters();
        let out = cli(&cache)
            .env("GIFGRAB_CACHE_LIMIT", limit.to_string())
            .arg(&url)
            .args(["--start", start, "--end", end, "--width", "320", "-o"])
            .arg(dir.path(&format!("{start}.gif")))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        fetched_in_all += srv.bytes_sent();
        let held = cache_usage(&cache);
        assert!(held > 0 && held <= limit, "the cache holds {held} bytes, limit {limit}");
    }
    assert!(fetched_in_all > limit, "only {fetched_in_all} bytes were fetched: the bound was never tested");
    // The newest range is the one kept.
    assert_eq!(fetched(&srv, || {
        let out = cli(&cache).env("GIFGRAB_CACHE_LIMIT", limit.to_string()).arg(&url).args(["--start", "60.5", "--end", "62.5", "--width", "160", "-o"]).arg(dir.path("kept.gif")).output().unwrap();
        assert!(out.status.success());
    }), 0);
}
