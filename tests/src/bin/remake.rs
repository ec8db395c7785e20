//! `cargo xtask bench --remake`: many GIFs from one video, side by side with reading the network
//! every time (`--no-cache`, how gifgrab worked before the byte cache), against the loopback
//! server throttled to a home connection; and the timeline: paste → first thumbnail and →
//! complete strip, from a storyboard and from keyframes, with the bytes and the peak memory.

use gifgrab_core::os::process::CancelToken;
use gifgrab_core::render::timeline::{self, Window};
use gifgrab_core::source::fetch::Fit;
use gifgrab_core::source::link::Source;
use gifgrab_core::source::probe;
use gifgrab_core::tools::sidecars::Sidecars;
use gifgrab_tests::server::TestServer;
use gifgrab_tests::youtube::{plugin_dir, storyboard_of_long, youtube_menu, FakeYouTube, Scenario};
use gifgrab_tests::*;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rate_mbit: f64 = args.iter().position(|a| a == "--rate").and_then(|i| args.get(i + 1)).and_then(|r| r.parse().ok()).unwrap_or(20.0);
    let work = TempDir::new("remake");
    let srv = TestServer::start(media_dir()).expect("server");
    srv.set_rate(Some((rate_mbit * 1_000_000.0 / 8.0) as u64));
    let url = srv.url("long.mp4");
    eprintln!("remake: long.mp4 5:00–5:05 over {rate_mbit} Mbit/s");

    // Each step as a user takes it: the first GIF, another width, other settings, a nudge.
    let steps: [(&str, Vec<&str>); 5] = [
        ("first make (480 px)", vec!["-s", "300", "-e", "305", "-w", "480"]),
        ("re-make at 320 px", vec!["-s", "300", "-e", "305", "-w", "320"]),
        ("re-make, quality 60, 10 fps", vec!["-s", "300", "-e", "305", "-w", "480", "-q", "60", "-r", "10"]),
        ("re-make with a caption", vec!["-s", "300", "-e", "305", "-w", "480", "--text-top", "HELLO"]),
        ("start moved by 0.1 s", vec!["-s", "300.1", "-e", "305.1", "-w", "480"]),
    ];
    println!("\n| step | with the cache: bytes | time | without (`--no-cache`): bytes | time |");
    println!("|---|---|---|---|---|");
    let cache = work.path("cache");
    let mut json = Vec::new();
    for (name, extra) in &steps {
        let mut cells = Vec::new();
        for cached in [true, false] {
            let out = work.path("r.gif");
            let mut cmd = gifgrab();
            cmd.arg(&url).args(extra).args(["-y", "-o"]).arg(&out);
            if cached {
                cmd.env("GIFGRAB_CACHE_DIR", &cache);
            } else {
                cmd.arg("--no-cache");
            }
            srv.reset_counters();
            let started = Instant::now();
            let done = cmd.output().expect("gifgrab runs");
            assert!(done.status.success(), "{name}: {}", String::from_utf8_lossy(&done.stderr));
            cells.push((srv.bytes_sent(), started.elapsed().as_secs_f64()));
        }
        let [(cb, ct), (nb, nt)] = [cells[0], cells[1]];
        println!("| {name} | {} | {ct:.2} s | {} | {nt:.2} s |", kb(cb), kb(nb));
        eprintln!("remake: {name:<30} cached {} in {ct:.2} s, uncached {} in {nt:.2} s", kb(cb), kb(nb));
        json.push(serde_json::json!({"step": name, "cached_bytes": cb, "cached_s": ct, "uncached_bytes": nb, "uncached_s": nt}));
    }

    std::env::set_var("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir());
    gifgrab_core::source::cache::configure(Some(work.path("timeline-cache")), 1 << 30);
    let sidecars = Sidecars::in_dir(&bin_dir());
    println!("\n| timeline (10-min video, 36 places) | paste → first thumbnail | → complete | thumbnails | fetched | peak memory (this process + ffmpeg) |");
    println!("|---|---|---|---|---|---|");
    let board_root = work.path("board");
    let board = storyboard_of_long(&board_root, "board");
    let yt = FakeYouTube::new(&board_root);
    let mut menu = youtube_menu();
    menu.push(board);
    yt.add("board", &Scenario::new().formats(menu).set("duration", 600));
    let page = TestServer::start(&board_root).expect("page server");
    page.set_rate(Some((rate_mbit * 1_000_000.0 / 8.0) as u64));
    let cases = [
        ("YouTube page, storyboard", Source::Url(yt.watch_url(&page, "board"))),
        ("direct link, keyframes", Source::Url(url.clone())),
        ("local file, keyframes", Source::File(media("long.mp4"))),
    ];
    for (name, source) in cases {
        let pasted = Instant::now();
        let media = probe::probe(&sidecars, &source, &Fit { width: 480, fps: 15, ..Fit::default() }, &CancelToken::new()).expect("probe");
        let mut first = None;
        let mut count = 0;
        let summary = timeline::thumbnails(&sidecars, &media, Window { from: 0.0, to: 600.0, count: 36 }, &CancelToken::new(), &mut |sheet| {
            first.get_or_insert(pasted.elapsed().as_secs_f64());
            count += sheet.tiles.len();
        })
        .expect("thumbnails");
        let complete = pasted.elapsed().as_secs_f64();
        let peak = peak_rss_mb();
        let first = first.unwrap_or(f64::NAN);
        println!("| {name} | {first:.2} s | {complete:.2} s | {count} | {} | {peak:.0} MB |", kb(summary.fetched));
        eprintln!("remake: timeline {name}: first {first:.2} s, complete {complete:.2} s, {count} tiles, {}", kb(summary.fetched));
        json.push(serde_json::json!({"timeline": name, "first_s": first, "complete_s": complete, "tiles": count, "fetched": summary.fetched, "peak_mb": peak}));
    }
    let out = workspace().join("target/bench");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("remake.json"), serde_json::to_vec_pretty(&json).unwrap());
}

fn kb(bytes: u64) -> String {
    if bytes < 10_000 { format!("{bytes} B") } else { format!("{} KB", bytes / 1024) }
}

/// The larger of this process's and its largest child's peak resident memory (Linux).
fn peak_rss_mb() -> f64 {
    let own = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .unwrap_or(0.0);
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    own.max(usage.ru_maxrss as f64) / 1024.0
}
