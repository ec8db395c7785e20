//! YouTube as it behaves in 2026, offline: the real bundled yt-dlp with a test extractor plugin
//! answers a loopback watch link with YouTube's kind of format menu, pre-roll wait, headers,
//! expiring URLs and error texts; the test server enforces the waits and expiries. Each test
//! checks what a user sees and what the server was asked for.

use gifgrab_tests::server::{LoggedRequest, TestServer};
use gifgrab_tests::youtube::*;
use gifgrab_tests::*;
use serde_json::json;
use std::io::BufRead;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The CLI with the fake YouTube loaded and a data folder of its own (no updated yt-dlp).
fn cli(dir: &TempDir) -> Command {
    let mut c = gifgrab();
    c.current_dir(&dir.0)
        .env("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir())
        .env("GIFGRAB_DATA_DIR", dir.path(".data"));
    c
}

fn run(dir: &TempDir, args: &[&str]) -> Output {
    cli(dir).args(args).output().expect("gifgrab runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A served folder holding one fake video `id` with this scenario.
fn fake(tag: &str, id: &str, scenario: Scenario) -> (TempDir, TestServer, String) {
    let dir = TempDir::new(tag);
    let yt = FakeYouTube::new(&dir.0);
    yt.add(id, &scenario);
    let server = TestServer::start(&dir.0).expect("test server");
    let url = yt.watch_url(&server, id);
    (dir, server, url)
}

/// The requests for media bytes (not the scenario look-ups).
fn media_requests(server: &TestServer) -> Vec<LoggedRequest> {
    server.log().into_iter().filter(|r| r.path.contains("/yt/media/")).collect()
}

/// Which formats' bytes the server sent (their ids, from the paths).
fn fetched_formats(server: &TestServer, id: &str) -> Vec<String> {
    fetched_formats_since(server, id, 0)
}

/// The same, among the requests after the first `from` the server logged.
fn fetched_formats_since(server: &TestServer, id: &str, from: usize) -> Vec<String> {
    let prefix = format!("/yt/media/{id}/");
    let mut ids: Vec<String> = server.log()[from..]
        .iter()
        .filter(|r| r.bytes > 0)
        .filter_map(|r| r.path.strip_prefix(&prefix).map(|rest| rest.split(['.', '/']).next().unwrap_or("").to_string()))
        .collect();
    ids.dedup();
    ids
}

fn lookups(server: &TestServer, id: &str) -> usize {
    server.log().iter().filter(|r| r.path == format!("/yt/{id}.json")).count()
}

fn without(menu: Vec<Format>, drop: impl Fn(&Format) -> bool) -> Vec<Format> {
    menu.into_iter().filter(|f| !drop(f)).collect()
}

#[test]
fn the_rendition_fits_the_gif_and_gets_youtubes_headers() {
    let (dir, server, url) = fake("yt-menu", "menu", Scenario::new().formats(youtube_menu()));
    let out = run(&dir, &[&url, "--start", "30", "--end", "32", "-o", "m.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // 480 px at 15 fps: the 640×360 SDR 30 fps https file, not 60 fps, HDR, HLS or 720p.
    assert_eq!(fetched_formats(&server, "menu"), ["134"]);
    for r in media_requests(&server) {
        assert_eq!(r.header("x-gifgrab-test"), Some("menu"), "yt-dlp's headers on {} {}", r.method, r.path);
        assert!(r.header("user-agent").is_some_and(|ua| ua.contains("Chrome")), "a browser User-Agent: {:?}", r.header("user-agent"));
    }
    let facts = gif_facts(&dir.path("m.gif"));
    assert_eq!((facts.width, facts.height, facts.frames), (480, 270, 30));
    // Bytes: a 2 s range of a 10-minute file, not the file.
    let size = std::fs::metadata(media("long.mp4")).unwrap().len();
    assert!(server.bytes_sent() < size / 20, "fetched {} of {size} bytes", server.bytes_sent());
}

#[test]
fn renditions_fall_back_sensibly() {
    // Only HDR: the smallest HDR copy that covers 480 px (then tone-mapped).
    let hdr_only = without(youtube_menu(), |f| f.str("dynamic_range") != Some("HDR10"));
    let (dir, server, url) = fake("yt-hdr", "hdr", Scenario::new().formats(hdr_only));
    let out = run(&dir, &[&url, "--start", "5", "--end", "6", "-o", "h.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fetched_formats(&server, "hdr"), ["332"]);
    // Only HLS: the HLS copy at 360p.
    let hls_only = without(youtube_menu(), |f| f.str("protocol") != Some("m3u8_native"));
    let (dir, server, url) = fake("yt-hls", "hls", Scenario::new().formats(hls_only));
    let out = run(&dir, &[&url, "--start", "5", "--end", "6", "-o", "s.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fetched_formats(&server, "hls"), ["230"]);
    assert_eq!(gif_facts(&dir.path("s.gif")).width, 480);
    // The same rules, asked of yt-dlp directly for the other shapes of menu.
    let (_dir, _server, url) = fake("yt-sort", "sort", Scenario::new().formats(youtube_menu_all_codecs()));
    let pick = |w, fps| pick_format(&url, "bv/bv*/b", &gifgrab_core::source::fetch::format_sort(w, fps)).unwrap();
    assert_eq!(pick(320, 15), "395", "320 px: the 426-wide AV1 240p (SDR, 30 fps)");
    assert_eq!(pick(1280, 30), "398", "1280 px at 30 fps: 720p, 30 fps");
    let (_dir, _server, url) = fake("yt-60", "sixty", Scenario::new().formats(without(youtube_menu(), |f| f.num("fps") != Some(60.0))));
    assert_eq!(pick_format(&url, "bv/bv*/b", &gifgrab_core::source::fetch::format_sort(480, 15)).unwrap(), "134-60", "only 60 fps: still the smallest that covers");
    // YouTube's ladder for a 60 fps upload: 30 fps only up to 480p. A 1280 px GIF gets the
    // 720p60 file, not the 854 px one; a 480 px GIF still the 360p 30 fps one.
    let ladder = without(youtube_menu(), |f| ["136", "232", "334"].contains(&f.id()) || (f.num("fps") == Some(60.0) && f.num("height") != Some(720.0)));
    let (_dir, _server, url) = fake("yt-60-ladder", "ladder", Scenario::new().formats(ladder));
    let pick = |w, fps| pick_format(&url, "bv/bv*/b", &gifgrab_core::source::fetch::format_sort(w, fps)).unwrap();
    assert_eq!(pick(1280, 15), "136-60", "1280 px: the 720p (60 fps) rendition");
    assert_eq!(pick(480, 15), "134", "480 px: 360p at 30 fps");
}

/// A crop is drawn on the video as the site states its size (1280×720 here), whichever
/// rendition makes the GIF: at 320 px the 640×360 file is read, at full width the 720p one,
/// and both GIFs show the same corner.
#[test]
fn a_crop_is_in_the_videos_own_size_whatever_the_rendition() {
    let dir = TempDir::new("yt-crop");
    let cut = |name: &str, size: &str| {
        let path = dir.path(name);
        let made = ffmpeg()
            .args(["-ss", "30", "-t", "6", "-i"])
            .arg(media("long.mp4"))
            .args(["-vf", &format!("scale={size}"), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-an"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        path
    };
    let (small, large) = (cut("p360.mp4", "640:360"), cut("p720.mp4", "1280:720"));
    let menu = vec![
        Format::video("134", 640, 360, 30, "avc1.4d401e", 500.0).media(Media::File(small)),
        Format::video("136", 1280, 720, 30, "avc1.4d401f", 1800.0).media(Media::File(large.clone())),
        Format::audio("140", 129.5).media(Media::File(audio_media())),
    ];
    let yt = FakeYouTube::new(&dir.0);
    yt.add("crop", &Scenario::new().set("duration", 6).formats(menu));
    let server = TestServer::start(&dir.0).expect("test server");
    let url = yt.watch_url(&server, "crop");
    // The top right quarter of the 1280×720 picture.
    let make = |name: &str, width: &str| {
        let before = server.log().len();
        let out = run(&dir, &[&url, "--start", "1", "--end", "2", "--crop", "640:360:640:0", "--width", width, "-o", name]);
        assert!(out.status.success(), "--width {width}: {}", stderr(&out));
        fetched_formats_since(&server, "crop", before)
    };
    assert_eq!(make("small.gif", "320"), ["134"], "320 px: the 640×360 file (its crop is 320 wide)");
    assert_eq!(make("large.gif", "0"), ["136"], "full width: the 720p file");
    // 640 px of a crop half the video's width needs the 720p file: the GIF is as wide as asked.
    assert_eq!(make("asked.gif", "640"), ["136"], "640 px of the crop: the 720p file");
    assert_eq!(gif_facts(&dir.path("asked.gif")).width, 640, "as wide as asked");
    let (a, b) = (gif_facts(&dir.path("small.gif")), gif_facts(&dir.path("large.gif")));
    assert_eq!((a.width, a.height, b.width, b.height), (320, 180, 640, 360));
    let first_small = gif_frames_rgb(&dir.path("small.gif"), 320, 180).remove(0);
    // The same corner of the source, cut from the 720p file by ffmpeg itself.
    let out = ffmpeg()
        .args(["-ss", "1", "-i"])
        .arg(&large)
        .args(["-frames:v", "1", "-vf", "crop=640:360:640:0,scale=320:180:flags=lanczos", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    assert!(ssim(&first_small, &out.stdout, 320, 180) > 0.85, "the small GIF shows the top right corner");
    let big = dir.path("large-320.gif");
    assert!(ffmpeg().arg("-i").arg(dir.path("large.gif")).args(["-frames:v", "1", "-vf", "scale=320:180:flags=lanczos"]).arg(&big).status().unwrap().success());
    let first_large = gif_frames_rgb(&big, 320, 180).remove(0);
    assert!(ssim(&first_small, &first_large, 320, 180) > 0.85, "both GIFs show the same corner");
    // The window shows (and crops in) the video's own size, though it reads the 640×360 file.
    std::env::set_var("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir());
    std::env::set_var("GIFGRAB_DATA_DIR", dir.path(".data"));
    let session = gifgrab_core::session::Session::new(Ok(gifgrab_core::tools::sidecars::Sidecars::in_dir(&bin_dir())));
    let probed = session.probe(&url, 480, 15).expect("probed");
    assert_eq!((probed.width, probed.height), (1280, 720), "{probed:?}");
}

#[test]
fn the_preroll_wait_is_kept_and_shown() {
    let (dir, server, url) = fake("yt-wait", "ad", Scenario::new().formats(youtube_menu()).available_in(3));
    let started = Instant::now();
    let out = run(&dir, &[&url, "--start", "10", "--end", "11", "-o", "w.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("asks every viewer to wait") && err.contains("Waiting"), "{err}");
    assert!(started.elapsed() >= Duration::from_secs(2), "no wait: {:?}", started.elapsed());
    let media = media_requests(&server);
    assert!(!media.is_empty());
    assert!(media.iter().all(|r| r.status != 403), "a media request went out before the wait ended: {:?}", media.iter().map(|r| r.status).collect::<Vec<_>>());
    let not_before: u64 = media[0].param("not_before").and_then(|v| v.parse().ok()).expect("not_before in the URL");
    assert!(media[0].unix_ms >= not_before, "first media request {} ms early", not_before - media[0].unix_ms);
}

#[test]
fn a_403_just_after_the_wait_is_retried() {
    // The media host's clock runs 1.2 s behind the wait yt-dlp states.
    let scenario = Scenario::new().formats(youtube_menu()).available_in(1).set("host_lag", 1.2);
    let (dir, server, url) = fake("yt-lag", "lag", scenario);
    let out = run(&dir, &[&url, "--start", "10", "--end", "11", "-o", "l.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let statuses: Vec<u16> = media_requests(&server).iter().map(|r| r.status).collect();
    assert!(statuses.contains(&403) && statuses.iter().any(|s| *s == 200 || *s == 206), "{statuses:?}");
    assert_eq!(lookups(&server, "lag"), 1, "a retry, not a new look-up");
}

#[test]
fn cancel_works_during_the_wait() {
    let (dir, server, url) = fake("yt-cancel", "long-ad", Scenario::new().formats(youtube_menu()).available_in(60));
    let mut child = cli(&dir).args([&url, "--start", "10", "--end", "12", "-o", "c.gif"]).stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let waiting = lines.by_ref().map_while(Result::ok).any(|l| l.contains("asks every viewer to wait"));
    assert!(waiting, "the wait was never shown");
    let sent = Instant::now();
    interrupt(&child);
    let status = child.wait().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(2), "took {:?}", sent.elapsed());
    assert_eq!(status.code(), Some(130));
    assert!(media_requests(&server).is_empty(), "no media request during the wait");
    assert!(eventually(1.0, || processes_mentioning(&url).is_empty()), "{:?}", processes_mentioning(&url));
    assert_eq!(dir.names(), vec!["yt"], "no GIF or temp file left");
}

/// `scenario` made into `e.gif` over 2:00–`end` on a slow link, the video looked up twice;
/// returns the folder, the server and its log as text (for messages).
fn made_on_a_slow_link(tag: &str, id: &str, scenario: Scenario, end: &str) -> (TempDir, TestServer, String) {
    let (dir, server, url) = fake(tag, id, scenario);
    server.set_rate(Some(300_000));
    let out = run(&dir, &[&url, "--start", "2:00", "--end", end, "-o", "e.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let seen: Vec<_> = server.log().iter().map(|r| (r.path.clone(), r.status, r.bytes, r.unix_ms)).collect();
    let seen = format!("{seen:?}");
    assert_eq!(lookups(&server, id), 2, "one look-up again: {seen}");
    (dir, server, seen)
}

#[test]
fn an_expired_url_is_extracted_again_and_the_job_goes_on() {
    // The first URL dies 5 s after the look-up, mid-download on a slow link; the next lives.
    let scenario = Scenario::new().formats(youtube_menu()).expire_in_each(&[5, 21600]);
    let (dir, server, seen) = made_on_a_slow_link("yt-expire", "exp", scenario, "2:10");
    let media = media_requests(&server);
    let expires: std::collections::BTreeSet<String> = media.iter().filter_map(|r| r.param("expire")).collect();
    assert!(media.iter().any(|r| r.status == 403), "the old URL was refused: {seen}");
    assert_eq!(expires.len(), 2, "two different signed URLs: {expires:?}");
    assert_eq!(gif_facts(&dir.path("e.gif")).frames, 150);
    // With a pre-roll wait too, the expired URL's 403 is not taken for the wait's edge: the
    // look-up again follows the first refusal (it was retried for 3.5 s first).
    let scenario = Scenario::new().formats(youtube_menu()).expire_in_each(&[6, 21600]).available_in(3);
    let (dir, server, seen) = made_on_a_slow_link("yt-expire-ad", "expad", scenario, "2:06");
    let first_refusal = media_requests(&server).iter().filter(|r| r.status == 403).map(|r| r.unix_ms).min().expect("a refusal");
    let again = server.log().iter().filter(|r| r.path == "/yt/expad.json").map(|r| r.unix_ms).max().unwrap();
    // Retries would take 3.5 s before the look-up; a yt-dlp start alone may take a second or two.
    assert!(again - first_refusal < 3000, "looked up again {} ms after the first 403: {seen}", again - first_refusal);
    assert_eq!(gif_facts(&dir.path("e.gif")).frames, 90);
}

#[test]
fn youtubes_walls_get_their_own_messages() {
    // Each wall by its code; the words checked are what to do next (how to sign in, how to update).
    let walls: &[(&str, &str, &str, &[&str])] = &[
        ("bot", "Sign in to confirm you\u{2019}re not a bot. Use --cookies-from-browser or --cookies for the authentication.", "bot_check", &["--cookies-from-browser firefox", "cookies.txt"]),
        ("age", "Sign in to confirm your age. This video may be inappropriate for some users.", "age_restricted", &["--cookies"]),
        ("private", "Private video. Sign in if you've been granted access to this video", "private", &[]),
        ("members", "Join this channel to get access to members-only content like this video, and other exclusive perks.", "members_only", &[]),
        ("upcoming", "This live event will begin in 2 hours.", "not_started_yet", &[]),
        ("geo", "The uploader has not made this video available in your country", "not_in_country", &[]),
        ("copyright", "Video unavailable. This video is no longer available due to a copyright claim by Studio", "taken_down", &[]),
        ("removed", "Video unavailable. This video has been removed by the uploader", "video_not_found", &[]),
        ("outdated", "Requested format is not available. Use --list-formats for a list of available formats", "ytdlp_outdated", &["--update-yt-dlp", "Update video support"]),
        ("nsig", "n challenge solving failed: Some formats may be missing.", "ytdlp_outdated", &["--update-yt-dlp"]),
        ("drm", "This video is DRM protected", "copy_protected", &["DRM"]),
    ];
    let dir = TempDir::new("yt-walls");
    let yt = FakeYouTube::new(&dir.0);
    for (id, text, _, _) in walls {
        yt.add(id, &Scenario::new().error(text));
    }
    yt.add("live", &Scenario::new().formats(youtube_menu()).set("live_status", "is_live").set("is_live", true));
    let server = TestServer::start(&dir.0).unwrap();
    let jobs: Vec<_> = walls
        .iter()
        .map(|(id, _, code, want)| (id, *code, *want, cli(&dir).args([&yt.watch_url(&server, id), "--start", "1", "--end", "2", "-o", "x.gif"]).output()))
        .collect();
    for (id, code, want, out) in jobs {
        let out = out.unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{id}: {err}");
        assert_eq!(kind_and_code(&err).1, code, "{id}: {err}");
        let last = err.lines().last().unwrap_or("");
        for w in want {
            assert!(last.contains(w), "{id}: {last:?} should say {w:?}");
        }
        assert!(!last.contains("[youtube"), "{id}: no yt-dlp jargon: {last}");
    }
    let out = run(&dir, &[&yt.watch_url(&server, "live"), "--start", "1", "--end", "2", "-o", "x.gif"]);
    assert_eq!(kind_and_code(&stderr(&out)), ("live_stream".into(), "live_now".into()), "{}", stderr(&out));
    assert!(!dir.names().iter().any(|n| n.ends_with(".gif")));
}

#[test]
fn cookies_are_opt_in_checked_and_never_shown() {
    const SECRET: &str = "SAPISIDsecretvalue42";
    let (dir, _server, url) = fake("yt-cookies", "bot", Scenario::new().error("Sign in to confirm you\u{2019}re not a bot."));
    let cookies = dir.path("cookies.txt");
    let text = format!("# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1900000000\tSAPISID\t{SECRET}\n");
    std::fs::write(&cookies, &text).unwrap();
    let out = run(&dir, &[&url, "--start", "1", "--end", "2", "--cookies", cookies.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    let e = reported(&err);
    assert!(e["code"] == "bot_check" && e["args"]["signed_in"] == true, "a signed-in bot check says so: {err}");
    assert!(!err.contains(SECRET), "the cookie leaked: {err}");
    assert_eq!(std::fs::read_to_string(&cookies).unwrap(), text, "the user's cookies file is untouched");
    let missing = run(&dir, &[&url, "--start", "1", "--end", "2", "--cookies", "/no/such/cookies.txt"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(kind_and_code(&stderr(&missing)).1, "cookies_missing", "{}", stderr(&missing));
    let json = dir.path("cookies.json");
    std::fs::write(&json, json!([{ "name": "SAPISID", "value": SECRET }]).to_string()).unwrap();
    let wrong = run(&dir, &[&url, "--start", "1", "--end", "2", "--cookies", json.to_str().unwrap()]);
    assert_eq!(wrong.status.code(), Some(2));
    assert_eq!(kind_and_code(&stderr(&wrong)).1, "cookies_not_netscape", "{}", stderr(&wrong));
    assert!(!stderr(&wrong).contains(SECRET), "{}", stderr(&wrong));
    let browser = run(&dir, &[&url, "--start", "1", "--end", "2", "--cookies-from-browser", "netscape"]);
    assert_eq!(browser.status.code(), Some(2));
    assert_eq!(kind_and_code(&stderr(&browser)).1, "unknown_browser", "{}", stderr(&browser));
    assert!(stderr(&browser).contains("firefox"), "names the browsers it reads: {}", stderr(&browser));
}


/// A YouTube clip link (`/clip/ID`) opens its video at the clip's part of it: the window's
/// start and end come from the clip, the length from the whole video.
#[test]
fn a_clip_link_opens_at_the_clips_moment() {
    let (dir, server, _) = fake("clip", "clipvideo01", Scenario::new().formats(youtube_menu()));
    let clip = json!({ "clip": { "video": "clipvideo01", "start": 83.25, "end": 88.5 } });
    std::fs::write(dir.path("yt/Ugkxclip.json"), clip.to_string()).unwrap();
    std::env::set_var("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir());
    std::env::set_var("GIFGRAB_DATA_DIR", dir.path(".data"));
    let session = gifgrab_core::session::Session::new(Ok(gifgrab_core::tools::sidecars::Sidecars::in_dir(&bin_dir())));
    let probed = session.probe(&server.url("yt/clip/Ugkxclip"), 480, 15).expect("the clip's video is found");
    assert_eq!((probed.start_hint, probed.end_hint), (Some(83.25), Some(88.5)), "{probed:?}");
    assert_eq!(probed.duration, Some(600.0), "the whole video's length");
    // The command line needs no --start/--end for it: the clip's own 5.25 s are made, from
    // one look-up (the clip's answer names its range and its video at once).
    let asked = server.hits("/yt/Ugkxclip.json");
    let out = run(&dir, &[&server.url("yt/clip/Ugkxclip"), "-o", "clip.gif"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.hits("/yt/Ugkxclip.json") - asked, 1, "the clip is looked up once");
    let facts = gif_facts(&dir.path("clip.gif"));
    assert!((facts.duration - 5.25).abs() < 0.1, "the clip's length: {} s", facts.duration);
    let first = gif_frames_rgb(&dir.path("clip.gif"), facts.width, facts.height).remove(0);
    let at_start = reference_frame(&media("long.mp4"), 83.25, facts.width, facts.height);
    assert!(ssim(&first, &at_start, facts.width, facts.height) > 0.85, "it starts where the clip does");
}
