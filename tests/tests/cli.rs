//! The headless CLI end to end: real yt-dlp and ffmpeg, a real HTTP server on 127.0.0.1,
//! real clips; each test checks what a user would see (the GIF, the message, the disk).

use gifgrab_tests::server::{Fault, TestServer};
use gifgrab_tests::*;
use serde_json::json;
use std::process::Output;

const LONG_BYTES_LIMIT: f64 = 0.05;

fn run(args: &[&str], dir: &TempDir) -> Output {
    gifgrab().args(args).current_dir(&dir.0).output().expect("gifgrab runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn server() -> TestServer {
    TestServer::start(media_dir()).expect("test server")
}

/// Checks frames, size and timing, and that frame 1 is the source frame at `start`.
fn assert_gif(gif: &std::path::Path, source: &std::path::Path, start: f64, length: f64, fps: f64, size: (u32, u32)) {
    let (w, h) = size;
    let facts = gif_facts(gif);
    assert_eq!((facts.width, facts.height), size, "GIF size");
    let want = (length * fps).ceil() as usize;
    assert!(facts.frames.abs_diff(want) <= 1, "{} frames, want {want}", facts.frames);
    assert!((facts.duration - length).abs() <= 1.0 / fps + 0.011, "GIF lasts {} s, want {length}", facts.duration);
    let frames = gif_frames_rgb(gif, w, h);
    // Every frame against the source's frame at the same instant: dropped or shifted frames show.
    let reference = reference_frames(source, start, length, fps, w, h);
    let n = frames.len().min(reference.len());
    assert!(n + 1 >= want, "{} GIF frames, {} reference frames", frames.len(), reference.len());
    let scores: Vec<f64> = (0..n).map(|i| ssim(&frames[i], &reference[i], w, h)).collect();
    let mean = scores.iter().sum::<f64>() / n as f64;
    let (worst, at) = scores.iter().enumerate().map(|(i, s)| (*s, i)).fold((1.0, 0), |m, x| if x.0 < m.0 { x } else { m });
    assert!(mean > 0.85, "the GIF's frames look unlike the source's (mean SSIM {mean:.3})");
    assert!(worst > 0.75, "frame {at} looks unlike the source's at that instant (SSIM {worst:.3})");
    // The first and last frames are the range's own, not a neighbour's (where neighbours differ).
    let step = 1.0 / fps;
    let first_at = start;
    let last_at = start + (n - 1) as f64 * step;
    for (frame, scored, t) in [(&frames[0], scores[0], first_at), (&frames[n - 1], scores[n - 1], last_at)] {
        let own = reference_frame(source, t, w, h);
        for neighbour_at in [t - step, t + step] {
            if neighbour_at < 0.0 {
                continue;
            }
            let neighbour = reference_frame(source, neighbour_at, w, h);
            if ssim(&own, &neighbour, w, h) > 0.999 {
                continue; // the source barely moves here: nothing to tell apart
            }
            let other = ssim(frame, &neighbour, w, h);
            assert!(scored > other, "the frame meant for {t:.3} s looks more like {neighbour_at:.3} s ({scored:.3} vs {other:.3})");
        }
    }
}

#[test]
fn local_file_to_gif_with_default_name() {
    let dir = TempDir::new("local");
    let src = media("bigbuckbunny.mp4");
    let out = run(&[src.to_str().unwrap(), "--start", "1", "--end", "0:04"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dir.names(), vec!["bigbuckbunny 1-4.gif"]);
    let last = stderr(&out).lines().last().unwrap_or_default().to_string();
    assert!(last.starts_with("Saved bigbuckbunny 1-4.gif") && last.contains("45 frames") && last.contains("480×270"), "{last}");
    assert_gif(&dir.path("bigbuckbunny 1-4.gif"), &src, 1.0, 3.0, 15.0, (480, 270));
    // The app's own binary given arguments is the same CLI.
    let app = std::process::Command::new(app_bin())
        .args([src.to_str().unwrap(), "--start", "1", "--end", "2", "-o", "app.gif"])
        .env("GIFGRAB_SIDECAR_DIR", bin_dir())
        .current_dir(&dir.0)
        .output()
        .expect("the app runs");
    assert!(app.status.success(), "{}", stderr(&app));
    assert_eq!(gif_facts(&dir.path("app.gif")).frames, 15);
}

#[test]
fn five_seconds_of_a_long_video_over_http_fetches_only_the_range() {
    let dir = TempDir::new("http");
    let srv = server();
    let url = srv.url("long.mp4");
    let out = run(&[&url, "--start", "5:00", "--end", "5:05", "-o", "clip.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let size = std::fs::metadata(media("long.mp4")).unwrap().len() as f64;
    let fraction = srv.bytes_sent() as f64 / size;
    assert!(fraction < LONG_BYTES_LIMIT, "fetched {:.1}% of the file", fraction * 100.0);
    assert_gif(&dir.path("clip.gif"), &media("long.mp4"), 300.0, 5.0, 15.0, (480, 270));
    assert_eq!(dir.names(), vec!["clip.gif"]);
}

#[test]
fn hls_between_keyframes_at_other_width_and_rate() {
    let dir = TempDir::new("hls");
    let srv = server();
    let url = srv.url("long_hls/index.m3u8");
    let out = run(&[&url, "--start", "123.32", "--end", "2:05.5", "--width", "320", "--fps", "10", "-o", "h.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_gif(&dir.path("h.gif"), &media("long.mp4"), 123.32, 2.18, 10.0, (320, 180));
    let total: u64 = std::fs::read_dir(media("long_hls")).unwrap().flatten().map(|e| e.metadata().unwrap().len()).sum();
    // HLS costs more than MP4: ffmpeg reads the first two segments to learn the format.
    assert!((srv.bytes_sent() as f64) < total as f64 * 0.10, "HLS fetched {} of {total} bytes", srv.bytes_sent());
}

#[test]
fn small_sources_are_not_upscaled_and_odd_rates_keep_real_speed() {
    let dir = TempDir::new("small");
    let src = media("carphone_pristine.mp4");
    let out = run(&[src.to_str().unwrap(), "-s", "0.5", "-e", "2.7", "--fps", "12", "-o", "c.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("c.gif"));
    // carphone stores 176×144 pixels of sample aspect 128:117: it is shown 193×144, no larger.
    assert_eq!((facts.width, facts.height), (193, 144), "carphone is shown 193×144: keep it");
    assert_gif(&dir.path("c.gif"), &src, 0.5, 2.2, 12.0, (193, 144));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let dir = TempDir::new("args");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    // gifgrab's own errors: which one, by its code (and the argument that tells it apart).
    let ours: &[(&[&str], &str, serde_json::Value)] = &[
        (&[s, "--start", "5", "--end", "4"], "end_before_start", json!({ "start": 5.0, "end": 4.0 })),
        (&[s, "--start", "0", "--end", "61"], "range_too_long", json!({ "length": 61.0 })),
        (&[s, "--start", "1", "--end", "1.05"], "range_too_short", json!({})),
        (&[s, "--start", "abc", "--end", "4"], "not_a_time", json!({ "text": "abc" })),
        (&["ftp://example.com/x.mp4", "--start", "0", "--end", "1"], "scheme_unsupported", json!({ "scheme": "ftp" })),
        (&["/no/such/video.mp4", "--start", "0", "--end", "1"], "no_such_file", json!({})),
        (&["https://www.youtube.com/watch?v=bad", "--start", "0", "--end", "1"], "youtube_bad_id", json!({ "id": "bad" })),
        (&[s, "--start", "0", "--end", "1", "--width", "99999"], "width_too_large", json!({ "width": 99999 })),
        (&[s, "--start", "-5", "--end", "1"], "not_a_time", json!({ "text": "-5" })),
        (&[s, "--start", "0", "--end", "1", "-o", "clip.png"], "output_type", json!({ "ext": "png" })),
        (&[s, "--start", "0", "--end", "1", "--quality", "300"], "quality_range", json!({})),
        (&[s, "--start", "0", "--end", "1", "-o", "clip.JPEG"], "output_type", json!({ "ext": "JPEG" })),
        (&[s, "--start", "0", "--end", "1", "--max-size", "0MB"], "not_a_size", json!({ "why": "not_positive" })),
        (&[s, "--start", "0", "--end", "1", "--max-size", "-5MB"], "not_a_size", json!({ "why": "number" })),
        (&[s, "--start", "0", "--end", "1", "--max-size", "10"], "not_a_size", json!({ "why": "no_unit" })),
        (&[s, "--start", "0", "--end", "1", "--max-size", "5XB"], "not_a_size", json!({ "why": "unknown_unit" })),
        (&[s, "--start", "0", "--end", "1", "--max-size", "2KB"], "limit_too_small", json!({ "bytes": 2000 })),
        (&[s, "--start", "0", "--end", "1", "--fps", "0.5"], "not_whole", json!({ "setting": "fps", "text": "0.5" })),
        (&[s, "--start", "0", "--end", "1", "--width", "-5"], "not_whole", json!({ "setting": "width", "text": "-5" })),
        (&[s, "--start", "0", "--end", "1", "--quality", "9.5"], "not_whole", json!({ "setting": "quality" })),
        // An end alone names no start; a local file has no part of its own to bring.
        (&[s, "--end", "4"], "missing_arguments", json!({})),
        (&[s], "missing_arguments", json!({})),
    ];
    for (args, code, want) in ours {
        let out = run(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        let e = reported(&err);
        assert_eq!(e["code"], *code, "{args:?}: {err}");
        for (field, value) in want.as_object().unwrap() {
            assert_eq!(&e["args"][field], value, "{args:?}: {field} in {e}");
        }
        assert!(err.contains("error: ") && err.contains(e["message"].as_str().unwrap()), "{args:?}: the message is shown: {err}");
    }
    // The grammar's errors are clap's own words: no code to ask.
    let grammar: &[(&[&str], &str)] = &[
        (&[s, "--start", "0", "--end", "1", "--bogus"], "unexpected argument '--bogus'"),
        (&[s, "--start", "0", "--end", "1", "--width", "wide"], "invalid value 'wide' for '--width <PX>'"),
        (&[s, "--start", "0", "--end", "1", "--cookies", "c.txt", "--cookies-from-browser", "firefox"], "cannot be used with"),
        (&[s, "another.mp4", "--start", "0", "--end", "1"], "unexpected argument 'another.mp4'"),
        (&[s, "--start", "0", "--end", "1", "--overwrite=no"], "unexpected value 'no' for '--overwrite'"),
    ];
    for (args, needle) in grammar {
        let out = run(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("error: ") && err.contains(needle), "{args:?}: want {needle:?} in {err}");
    }
    // Just over a minute is said as just over, not as "60.0 s".
    let out = run(&[s, "--start", "0", "--end", "60.01"], &dir);
    assert!(stderr(&out).contains("60.01 s long"), "{}", stderr(&out));
    assert!(dir.names().is_empty(), "nothing written: {:?}", dir.names());
}

/// A GIF at an HD source's own width keeps every pixel (gifski halves frames over about 840k
/// pixels unless told a width); a lone frame lasts its range; a new file is as readable as
/// the umask allows, and a replaced one keeps its permissions.
#[test]
fn full_size_frames_lone_frames_and_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("fullsize");
    let long = media("long.mp4");
    let out = run(&[long.to_str().unwrap(), "--start", "30", "--end", "30.4", "--fps", "5", "--width", "0", "-o", "hd.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("hd.gif"));
    assert_eq!((facts.width, facts.height), (1280, 720), "the source's 1280×720, as asked");
    assert!(stderr(&out).contains("1280×720"), "{}", stderr(&out));
    let bikes = media("bikes.mp4");
    let out = run(&[bikes.to_str().unwrap(), "--start", "0", "--end", "1", "--fps", "1", "-o", "one.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("one.gif"));
    assert_eq!((facts.frames, facts.delays_cs.clone()), (1, vec![100]), "one frame, shown for the whole second");
    assert!(stderr(&out).contains("1 frame,"), "{}", stderr(&out));
    // A umask of 022: others may read a new file, as with any other program's.
    let shell = format!("umask 022 && exec '{}' '{}' --start 0 --end 0.5 -o new.gif", cli_bin().display(), bikes.display());
    let out = std::process::Command::new("sh").args(["-c", &shell]).env("GIFGRAB_SIDECAR_DIR", bin_dir()).current_dir(&dir.0).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = |name: &str| std::fs::metadata(dir.path(name)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("new.gif"), 0o644);
    std::fs::set_permissions(dir.path("one.gif"), std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&[bikes.to_str().unwrap(), "--start", "0", "--end", "0.5", "-o", "one.gif", "-y"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode("one.gif"), 0o640, "the replaced file's permissions stay");
    // Two still seconds then two moving ones: gifski merges the still frames, and the count
    // said is the file's, not the 60 decoded.
    let still = dir.path("still-then-moving.mp4");
    let made = ffmpeg()
        .args(["-f", "lavfi", "-i", "color=red:s=320x240:d=2:r=25,format=yuv420p", "-f", "lavfi", "-i", "testsrc=s=320x240:d=2:r=25,format=yuv420p"])
        .args(["-filter_complex", "[0][1]concat=n=2", "-c:v", "libx264"])
        .arg(&still)
        .status()
        .unwrap();
    assert!(made.success());
    let out = run(&[still.to_str().unwrap(), "--start", "0", "--end", "4", "-o", "still.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("still.gif"));
    assert!(facts.frames < 45, "the still second is merged: {} frames", facts.frames);
    assert!(stderr(&out).contains(&format!(", {} frames,", facts.frames)), "{} frames in the file: {}", facts.frames, stderr(&out));
}

#[test]
fn start_past_the_end_names_the_length() {
    let dir = TempDir::new("past");
    let srv = server();
    let out = run(&[&srv.url("long.mp4"), "--start", "10:30", "--end", "10:32"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(kind_and_code(&err).0, "start_past_end", "{err}");
    assert!(err.contains("past the end") && err.contains("10:00"), "{err}");
    assert!(dir.names().is_empty());
    // A start alone makes 3 s, cut at the video's end: not an error about an end never typed.
    let out = run(&[&srv.url("long.mp4"), "--start", "9:59", "-o", "last.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("last.gif"));
    assert!((facts.duration - 1.0).abs() < 0.1, "the last second: {} s", facts.duration);
}

#[test]
fn server_faults_become_clear_errors_and_leave_nothing() {
    let dir = TempDir::new("faults");
    let srv = server();
    let cases = [
        (Fault::Status(404), "not_found"),
        (Fault::Status(410), "not_found"),
        (Fault::Status(403), "forbidden"),
        (Fault::Status(500), "network"),
    ];
    for (fault, kind) in cases {
        srv.set_fault(fault.clone());
        let out = run(&[&srv.url("bikes.mp4"), "--start", "0", "--end", "1", "-o", "f.gif"], &dir);
        assert_eq!(out.status.code(), Some(1), "{fault:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(kind_and_code(&err).0, kind, "{fault:?}: {err}");
        assert!(dir.names().is_empty(), "{fault:?} left {:?}", dir.names());
    }
    // Nothing listening at all.
    let port = { TestServer::start(media_dir()).unwrap().port() };
    let out = run(&[&format!("http://127.0.0.1:{port}/bikes.mp4"), "--start", "0", "--end", "1"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(kind_and_code(&stderr(&out)).0, "network", "{}", stderr(&out));
}

#[test]
fn an_existing_file_is_never_clobbered() {
    let dir = TempDir::new("clobber");
    let target = dir.path("keep.gif");
    std::fs::write(&target, b"precious").unwrap();
    let src = media("bikes.mp4");
    let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "keep.gif"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(kind_and_code(&stderr(&out)), ("output_exists".into(), "output_exists".into()), "{}", stderr(&out));
    assert!(stderr(&out).contains("--overwrite"), "the command line's own hint: {}", stderr(&out));
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    // A failing run with --overwrite must not touch it either.
    let out = run(&[src.to_str().unwrap(), "--start", "99", "--end", "100", "-o", "keep.gif", "--overwrite"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(&target).unwrap(), b"precious");
    assert_eq!(dir.names(), vec!["keep.gif"]);
    let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "keep.gif", "--overwrite"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gif_facts(&target).frames, 15);
}

#[test]
fn missing_sidecars_say_how_to_repair() {
    let dir = TempDir::new("sidecar");
    let empty = TempDir::new("nosidecars");
    let src = media("bikes.mp4");
    let out = gifgrab()
        .env("GIFGRAB_SIDECAR_DIR", &empty.0)
        .args([src.to_str().unwrap(), "--start", "0", "--end", "1"])
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(kind_and_code(&err), ("sidecar".into(), "tool_missing".into()), "{err}");
    assert_eq!(reported(&err)["args"]["tool"], "ffmpeg", "{err}");
    assert!(err.contains("cargo xtask setup"), "the repair: {err}");
}

#[test]
fn sound_only_and_damaged_files() {
    let dir = TempDir::new("media");
    let audio = dir.path("tone.m4a");
    assert!(ffmpeg().args(["-f", "lavfi", "-i", "sine=d=3"]).arg(&audio).status().unwrap().success());
    let out = run(&[audio.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "a.gif"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(kind_and_code(&stderr(&out)).0, "no_video", "{}", stderr(&out));
    let junk = dir.path("junk.mp4");
    std::fs::write(&junk, vec![7u8; 100_000]).unwrap();
    let out = run(&[junk.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "j.gif"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(kind_and_code(&stderr(&out)), ("bad_media".into(), "unreadable".into()), "{}", stderr(&out));
    // A song with cover art: the art is a video stream, but there is no video.
    let song = dir.path("song.m4a");
    let cover = ffmpeg()
        .args(["-f", "lavfi", "-i", "sine=d=20", "-f", "lavfi", "-i", "testsrc=s=300x300:d=1", "-map", "0:a", "-map", "1:v", "-frames:v", "1"])
        .args(["-c:a", "aac", "-c:v", "mjpeg", "-disposition:v", "attached_pic"])
        .arg(&song)
        .status()
        .unwrap();
    assert!(cover.success(), "could not make the song");
    let out = run(&[song.to_str().unwrap(), "--start", "2", "--end", "3", "-o", "s.gif"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(kind_and_code(&err), ("no_video".into(), "only_artwork".into()), "{err}");
    // A picture is not a video; nor is a video of one frame long enough for a GIF.
    let still = dir.path("still.png");
    assert!(ffmpeg().args(["-f", "lavfi", "-i", "testsrc=s=320x240", "-frames:v", "1"]).arg(&still).status().unwrap().success());
    let photo = dir.path("photo.jpg");
    assert!(ffmpeg().args(["-f", "lavfi", "-i", "testsrc=s=320x240", "-frames:v", "1"]).arg(&photo).status().unwrap().success());
    for (picture, out) in [(&still, "p.gif"), (&photo, "j.gif")] {
        let out = run(&[picture.to_str().unwrap(), "--start", "0", "--end", "1", "-o", out], &dir);
        assert_eq!(kind_and_code(&stderr(&out)), ("no_video".into(), "still_picture".into()), "{}", stderr(&out));
    }
    let blink = dir.path("blink.mp4");
    assert!(ffmpeg().args(["-f", "lavfi", "-i", "testsrc=s=320x240:r=25", "-frames:v", "1"]).arg(&blink).status().unwrap().success());
    let out = run(&[blink.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "b.gif"], &dir);
    let err = stderr(&out);
    assert_eq!(kind_and_code(&err).1, "video_too_short", "{err}");
    assert!(err.contains("only 0.04 s long"), "{err}");
    assert_eq!(dir.names(), vec!["blink.mp4", "junk.mp4", "photo.jpg", "song.m4a", "still.png", "tone.m4a"]);
}

/// A 10 s job writing `k.gif` over a slow link, once its ffmpeg is running; the token marks its
/// children in the process table.
fn slow_job(srv: &TestServer, dir: &TempDir, tag: &str) -> (std::process::Child, String) {
    srv.set_rate(Some(60_000));
    let token = format!("{tag}{}", std::process::id());
    let url = srv.url(&format!("long.mp4?{token}"));
    let child = gifgrab()
        .args([&url, "--start", "1:00", "--end", "1:10", "-o", "k.gif"])
        .current_dir(&dir.0)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = eventually(20.0, || processes_mentioning(&token).iter().any(|p| p.contains("gifgrab-ffmpeg")));
    assert!(started, "ffmpeg never started");
    (child, token)
}

#[test]
fn ctrl_c_stops_within_a_second_and_leaves_nothing() {
    let dir = TempDir::new("cancel");
    let srv = server();
    let (mut child, token) = slow_job(&srv, &dir, "cancel");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = std::time::Instant::now();
    interrupt(&child);
    let status = child.wait().unwrap();
    assert!(sent.elapsed().as_secs_f64() < 1.0, "took {:?} to stop", sent.elapsed());
    assert_eq!(status.code(), Some(130));
    assert!(eventually(1.0, || processes_mentioning(&token).is_empty()), "left behind: {:?}", processes_mentioning(&token));
    assert!(dir.names().is_empty(), "left files: {:?}", dir.names());
}


#[test]
fn two_jobs_at_once_make_two_correct_gifs() {
    let dir = TempDir::new("parallel");
    let srv = server();
    // Both are started before either is waited for: they fetch and encode side by side.
    let start = |from: &str, to: &str, name: &str| {
        gifgrab()
            .args([&srv.url("long.mp4"), "--start", from, "--end", to, "-o", name])
            .current_dir(&dir.0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("gifgrab starts")
    };
    let (a, b) = (start("10", "12", "a.gif"), start("200", "202", "b.gif"));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success(), "{} {}", stderr(&a), stderr(&b));
    assert_gif(&dir.path("a.gif"), &media("long.mp4"), 10.0, 2.0, 15.0, (480, 270));
    assert_gif(&dir.path("b.gif"), &media("long.mp4"), 200.0, 2.0, 15.0, (480, 270));
}

#[test]
fn a_web_page_with_a_video_goes_through_yt_dlp() {
    let site = TempDir::new("site");
    std::fs::write(
        site.path("page.html"),
        "<!doctype html><html><head><title>Rabbit Page</title></head><body><video src=\"clip.mp4\" controls></video></body></html>",
    )
    .unwrap();
    std::fs::copy(media("bigbuckbunny.mp4"), site.path("clip.mp4")).unwrap();
    let srv = TestServer::start(&site.0).unwrap();
    let dir = TempDir::new("page");
    let out = run(&[&srv.url("page.html"), "--start", "2", "--end", "3"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    // yt-dlp titles a page's first video "Rabbit Page (1)"; the title names the GIF.
    let names = dir.names();
    assert!(names.len() == 1 && names[0].starts_with("Rabbit Page") && names[0].ends_with(" 2-3.gif"), "{names:?}");
    assert_gif(&dir.path(&names[0]), &media("bigbuckbunny.mp4"), 2.0, 1.0, 15.0, (480, 270));
    // A page that is gone is a clear "not found" from yt-dlp's side too.
    let out = run(&[&srv.url("gone.html"), "--start", "2", "--end", "3"], &dir);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(kind_and_code(&stderr(&out)).0, "not_found", "{}", stderr(&out));
    // An https link to this plain-http server: said as such, at once, and not "YouTube has
    // changed" (yt-dlp asks for a bug report after this failure).
    // The same for a link straight to the file (ffmpeg's side).
    for name in ["page.html", "clip.mp4"] {
        let secure = srv.url(name).replacen("http://", "https://", 1);
        let began = std::time::Instant::now();
        let out = run(&[&secure, "--start", "2", "--end", "3"], &dir);
        let said = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(said.contains("did not answer as a secure (https) server") && !said.contains("YouTube"), "{name}: {said}");
        assert!(began.elapsed().as_secs() < 30, "{name}: no wait for a stall: {:?}", began.elapsed());
        assert_eq!(dir.names().len(), 1, "nothing more written: {:?}", dir.names());
    }
}

#[test]
fn killing_gifgrab_outright_takes_its_children_along() {
    let dir = TempDir::new("sigkill");
    let srv = server();
    let (mut child, token) = slow_job(&srv, &dir, "sigkill");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(eventually(2.0, || processes_mentioning(&token).is_empty()), "orphans: {:?}", processes_mentioning(&token));
    // A SIGKILL leaves only a hidden partial file, never a GIF at the target; the next run
    // in that folder removes the dead run's leftover.
    assert!(!dir.path("k.gif").exists());
    let out = run(&[media("bikes.mp4").to_str().unwrap(), "--start", "0", "--end", "1", "-o", "next.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(dir.names(), vec!["next.gif"]);
}

#[test]
fn a_media_link_without_an_extension_still_works() {
    let site = TempDir::new("noext");
    std::fs::copy(media("bikes.mp4"), site.path("watch")).unwrap();
    let srv = TestServer::start(&site.0).unwrap();
    let dir = TempDir::new("noext-out");
    let out = run(&[&srv.url("watch?id=42"), "--start", "1", "--end", "2", "-o", "n.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_gif(&dir.path("n.gif"), &media("bikes.mp4"), 1.0, 1.0, 15.0, (480, 204));
}

/// Untagged HD video means BT.709 colours (what players assume): ffmpeg alone would use
/// SD's BT.601 and shift every colour. The CLI learns "untagged" while decoding.
#[test]
fn untagged_hd_video_keeps_its_colours() {
    let dir = TempDir::new("untagged");
    let src = dir.path("untagged-hd.mp4");
    // A flat saturated green (the two matrices differ most there), no colour tags.
    let made = ffmpeg()
        .args(["-f", "lavfi", "-i", "color=c=0x20E020:s=1280x720:d=2:r=25"])
        .args(["-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,setparams=color_primaries=unknown:color_trc=unknown:colorspace=unknown"])
        .args(["-c:v", "libx264"])
        .arg(&src)
        .output()
        .expect("ffmpeg runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let centre = |rgb: &[u8]| -> [i32; 3] {
        let p = &rgb[(90 * 320 + 160) * 3..][..3];
        [p[0] as i32, p[1] as i32, p[2] as i32]
    };
    let decoded_as = |matrix: &str| {
        let out = ffmpeg()
            .args(["-ss", "0.5", "-i"])
            .arg(&src)
            .args(["-frames:v", "1", "-vf", &format!("scale=320:180:in_color_matrix={matrix}:out_range=full,format=rgb24")])
            .args(["-f", "rawvideo", "-"])
            .output()
            .expect("ffmpeg runs");
        centre(&out.stdout)
    };
    let (hd, sd) = (decoded_as("bt709"), decoded_as("bt601"));
    let out = run(&[src.to_str().unwrap(), "--start", "0.5", "--end", "1", "--width", "320", "-o", "green.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = centre(&gif_frames_rgb(&dir.path("green.gif"), 320, 180)[0]);
    let dist = |a: [i32; 3], b: [i32; 3]| (0..3).map(|i| (a[i] - b[i]).abs()).max().unwrap_or(0);
    assert!(dist(hd, sd) > 20, "the test colour must tell the matrices apart: {hd:?} vs {sd:?}");
    assert!(dist(got, hd) <= 8, "centre pixel {got:?}: want BT.709's {hd:?}, not BT.601's {sd:?}");
}

/// A `no_proxy` in the user's environment must not open a way around the network guard.
#[test]
fn no_proxy_in_the_environment_does_not_bypass_the_guard() {
    let other = server();
    let dir = TempDir::new("noproxy");
    let playlist = one_segment_playlist(&other.url("long_hls/seg000.ts"));
    std::fs::write(dir.path("evil.m3u8"), playlist).unwrap();
    let srv = TestServer::start(&dir.0).unwrap();
    let out = gifgrab()
        .args([&srv.url("evil.m3u8"), "--start", "0", "--end", "1", "-o", "x.gif"])
        .env("no_proxy", "127.0.0.1,localhost,*")
        .env("NO_PROXY", "*")
        .current_dir(&dir.0)
        .output()
        .expect("gifgrab runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(kind_and_code(&stderr(&out)), ("forbidden".into(), "points_at".into()), "{}", stderr(&out));
    assert_eq!(other.requests(), 0, "the other server was reached");
    assert!(!dir.path("x.gif").exists());
}

/// A plain forwarding HTTP proxy on loopback, standing in for a user's corporate proxy:
/// absolute-form GETs only, each counted.
fn forward_proxy() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut upstream: Option<std::net::TcpStream> = None;
                loop {
                    let mut head = String::new();
                    while !head.ends_with("\r\n\r\n") {
                        if reader.read_line(&mut head).unwrap_or(0) == 0 {
                            return;
                        }
                    }
                    let mut parts = head.splitn(3, ' ');
                    let (method, target, rest) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
                    let after = target.strip_prefix("http://").expect("absolute-form request");
                    let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
                    seen.fetch_add(1, Ordering::SeqCst);
                    let up = upstream.get_or_insert_with(|| {
                        let up = std::net::TcpStream::connect(authority).unwrap();
                        let (mut from, mut to) = (up.try_clone().unwrap(), client.try_clone().unwrap());
                        std::thread::spawn(move || drop(std::io::copy(&mut from, &mut to)));
                        up
                    });
                    if write!(up, "{method} {path} {rest}").is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, count)
}

/// ffmpeg honoured the user's `http_proxy` before the guard stood between them: the guard
/// passes requests on through it (after its own checks).
#[test]
fn the_users_http_proxy_is_still_used() {
    let dir = TempDir::new("userproxy");
    let srv = server();
    let (proxy, through) = forward_proxy();
    let out = gifgrab()
        .args([&srv.url("long.mp4"), "--start", "10", "--end", "11", "-o", "p.gif"])
        .env("http_proxy", format!("http://127.0.0.1:{proxy}"))
        .env_remove("no_proxy")
        .env_remove("NO_PROXY")
        .current_dir(&dir.0)
        .output()
        .expect("gifgrab runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gif_facts(&dir.path("p.gif")).frames, 15);
    assert!(through.load(std::sync::atomic::Ordering::SeqCst) > 0, "nothing went through the user's proxy");
}

/// RGB PSNR in dB between two frames of the same size.
fn psnr(a: &[u8], b: &[u8]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum::<f64>() / a.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10()
}

fn mean_luma(rgb: &[u8]) -> f64 {
    rgb.chunks_exact(3).map(|c| 0.299 * c[0] as f64 + 0.587 * c[1] as f64 + 0.114 * c[2] as f64).sum::<f64>() / (rgb.len() / 3) as f64
}

/// A real SDR clip made HDR the way HDR10 and HLG are graded (SDR white at BT.2408's 203
/// nits, BT.2020, 10 bits) must come back looking like the SDR clip's own GIF. Measured here:
/// PQ 34.6 dB, -0.9 levels, SSIM 0.969; HLG 34.7 dB, -0.9, 0.971. Without tone mapping frames
/// are at 17 dB (PQ) and 22 dB (HLG), 10-17 levels darker, SSIM 0.80-0.96 (so SSIM alone
/// cannot catch HLG): the thresholds sit between.
#[test]
fn hdr_sources_come_out_like_their_sdr_original() {
    let dir = TempDir::new("hdr");
    let sdr = media("bikes.mp4");
    let to_linear = "zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=linear:p=bt709:npl=203,format=gbrpf32le";
    for (name, trc) in [("sdr", "bt709"), ("pq", "smpte2084"), ("hlg", "arib-std-b67")] {
        let hdr = dir.path(&format!("{name}.mp4"));
        let graph = if name == "sdr" { "null".to_string() } else { format!("{to_linear},zscale=p=bt2020:t={trc}:m=bt2020nc:r=tv:npl=203,format=yuv420p10le") };
        let made = ffmpeg().arg("-i").arg(&sdr).args(["-t", "3", "-an", "-vf", &graph, "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12"]).arg(&hdr).status().unwrap();
        assert!(made.success(), "could not make the {name} clip");
        // Quality 100: no lossy LZW, whose noise differs between two encodes; only colours are compared.
        let out = run(&[hdr.to_str().unwrap(), "--start", "0.5", "--end", "2.5", "--quality", "100", "-o", &format!("{name}.gif")], &dir);
        assert!(out.status.success(), "{}", stderr(&out));
        let gif = dir.path(&format!("{name}.gif"));
        let facts = gif_facts(&gif);
        assert_eq!((facts.width, facts.height), (480, 204));
        let frames = gif_frames_rgb(&gif, 480, 204);
        // The GIF of the SDR clip, re-encoded the same way (the first pass), is the reference:
        // the same frames, so only the colours can differ.
        let reference = gif_frames_rgb(&dir.path("sdr.gif"), 480, 204);
        let n = frames.len().min(reference.len());
        let db = (0..n).map(|i| psnr(&frames[i], &reference[i])).sum::<f64>() / n as f64;
        let luma = (0..n).map(|i| mean_luma(&frames[i]) - mean_luma(&reference[i])).sum::<f64>() / n as f64;
        let likeness = (0..n).map(|i| ssim(&frames[i], &reference[i], 480, 204)).sum::<f64>() / n as f64;
        assert!(db >= 28.0, "{name}: {db:.1} dB against the SDR original");
        assert!(luma.abs() <= 4.0, "{name}: {luma:+.1} levels brighter than the SDR original");
        assert!(likeness >= 0.93, "{name}: SSIM {likeness:.3}");
    }
}

/// DVD-style widescreen: 720×480 stored, sample aspect 32:27, shown 853×480. The GIF keeps the
/// shown proportions (480×270, not 480×320), and so does a rotated copy (270×480).
#[test]
fn anamorphic_sources_keep_their_display_aspect() {
    let dir = TempDir::new("sar");
    let square = media("bigbuckbunny.mp4");
    let ana = dir.path("ana.mp4");
    let made = ffmpeg().arg("-i").arg(&square).args(["-t", "4", "-an", "-vf", "scale=720:480,setsar=32/27", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16"]).arg(&ana).status().unwrap();
    assert!(made.success());
    let out = run(&[ana.to_str().unwrap(), "--start", "1", "--end", "2", "-o", "a.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gif_facts(&dir.path("a.gif")).width, 480);
    assert_eq!(gif_facts(&dir.path("a.gif")).height, 270, "the picture's display proportions");
    let frames = gif_frames_rgb(&dir.path("a.gif"), 480, 270);
    let likeness = ssim(&frames[0], &reference_frame(&square, 1.0, 480, 270), 480, 270);
    assert!(likeness > 0.85, "first frame vs the square original: SSIM {likeness:.3}");
    let turned = dir.path("turned.mp4");
    let made = ffmpeg().args(["-display_rotation", "90", "-i"]).arg(&ana).args(["-c", "copy"]).arg(&turned).status().unwrap();
    assert!(made.success());
    let out = run(&[turned.to_str().unwrap(), "--start", "1", "--end", "2", "--width", "270", "-o", "t.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let facts = gif_facts(&dir.path("t.gif"));
    assert_eq!((facts.width, facts.height), (270, 480), "turned, still in display proportions");
}

/// A start alone makes 3 s, as the window does.
#[test]
fn a_start_alone_makes_three_seconds() {
    let dir = TempDir::new("startalone");
    let src = media("bigbuckbunny.mp4");
    let out = run(&[src.to_str().unwrap(), "--start", "1", "-o", "three.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_gif(&dir.path("three.gif"), &src, 1.0, 3.0, 15.0, (480, 270));
}

/// A name the file system cannot take is refused before anything is fetched, for a GIF and
/// for an MP4 made from one.
#[test]
fn a_name_too_long_is_refused_before_any_work() {
    let dir = TempDir::new("longname");
    let srv = server();
    let url = srv.url("bikes.mp4");
    for ext in ["gif", "mp4"] {
        let name = format!("{}.{ext}", "x".repeat(300));
        let out = run(&[&url, "--start", "0", "--end", "2", "-o", &name], &dir);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(kind_and_code(&stderr(&out)).0, "not_writable", "{}", stderr(&out));
        assert!(stderr(&out).contains("too long"), "{}", stderr(&out));
    }
    assert_eq!(srv.bytes_sent(), 0, "nothing fetched");
    assert!(dir.names().is_empty(), "nothing written: {:?}", dir.names());
}

/// `-o FOLDER` puts the default name inside it; `-o name` gets `.gif`; `.GIF` is a GIF.
#[test]
fn output_folders_and_bare_names() {
    let dir = TempDir::new("outputs");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    std::fs::create_dir_all(dir.path("gifs")).unwrap();
    for (output, made) in [("gifs", "gifs/bikes 0-1.gif"), ("bare", "bare.gif"), ("LOUD.GIF", "LOUD.GIF")] {
        let out = run(&[s, "--start", "0", "--end", "1", "-o", output], &dir);
        assert!(out.status.success(), "-o {output}: {}", stderr(&out));
        assert_eq!(gif_facts(&dir.path(made)).frames, 15, "-o {output} makes {made}");
    }
    assert_eq!(dir.names(), vec!["LOUD.GIF", "bare.gif", "gifs"]);
    // `-o newdir/` names a folder: one that is missing is said so (before any look-up), not
    // made into `newdir.gif`.
    let srv = server();
    let out = run(&[&srv.url("bikes.mp4"), "--start", "0", "--end", "1", "-o", "newdir/"], &dir);
    assert_eq!(srv.bytes_sent(), 0, "nothing fetched for a folder that is not there");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("newdir") && stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert_eq!(dir.names(), vec!["LOUD.GIF", "bare.gif", "gifs"], "nothing more written");
}

/// The guard's one exception is the server of the link the user gave: a public page whose
/// `<video src>` points at another server on this computer or the LAN (a router, a NAS) does
/// not get ffmpeg there, even though yt-dlp names that server as the media's.
#[test]
fn a_page_cannot_point_ffmpeg_at_another_local_server() {
    let dir = TempDir::new("page-lan");
    let lan = server();
    let site = TempDir::new("page-site");
    std::fs::write(site.path("clip.html"), format!("<!doctype html><title>clip</title><video src=\"{}\"></video>", lan.url("long.mp4"))).unwrap();
    let page = TestServer::start(&site.0).unwrap();
    let out = run(&[&page.url("clip.html"), "--start", "1", "--end", "2", "-o", "p.gif"], &dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(kind_and_code(&err), ("forbidden".into(), "points_at".into()), "{err}");
    assert_eq!(lan.bytes_sent(), 0, "media bytes came from the other server");
    assert!(dir.names().is_empty());
}

/// yt-dlp goes through the guard too: a page that sends it on (a meta refresh) to another
/// server on this computer is refused there, and that server is never asked.
#[test]
fn a_page_cannot_send_yt_dlp_to_another_local_server() {
    let dir = TempDir::new("page-refresh");
    let inner = TestServer::start(&dir.0).unwrap();
    std::fs::write(dir.path("admin.html"), "<!doctype html><title>router</title><video src=\"long.mp4\"></video>").unwrap();
    let site = TempDir::new("page-refresh-site");
    let refresh = format!("<!doctype html><meta http-equiv=\"refresh\" content=\"0;url={}\"><title>go</title>", inner.url("admin.html"));
    std::fs::write(site.path("go.html"), refresh).unwrap();
    let page = TestServer::start(&site.0).unwrap();
    let out = run(&[&page.url("go.html"), "--start", "1", "--end", "2", "-o", "r.gif"], &dir);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(kind_and_code(&err), ("forbidden".into(), "points_at".into()), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{}", inner.port())), "names the server: {err}");
    assert_eq!(inner.requests(), 0, "the other server was asked");
}

/// The origin is compared by address, not by spelling: a playlist linked as `localhost` whose
/// segments name `127.0.0.1` (the same server) plays.
#[test]
fn the_origin_named_two_ways_is_one_server() {
    let dir = TempDir::new("two-names");
    let served = TempDir::new("two-names-site");
    std::fs::hard_link(media("long_hls/seg000.ts"), served.path("seg.ts")).or_else(|_| std::fs::copy(media("long_hls/seg000.ts"), served.path("seg.ts")).map(|_| ())).unwrap();
    let srv = TestServer::start(&served.0).unwrap();
    std::fs::write(served.path("p.m3u8"), one_segment_playlist(&srv.url("seg.ts"))).unwrap();
    let link = format!("http://localhost:{}/p.m3u8", srv.port());
    let out = run(&[&link, "--start", "1", "--end", "2", "-o", "n.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(gif_facts(&dir.path("n.gif")).frames, 15);
}

/// Matroska stores frame times in whole milliseconds (1/15 s is 66 ms): every frame must still
/// be its own step of the GIF, none shown twice or skipped (it once slipped one in three).
#[test]
fn a_source_with_rounded_frame_times_keeps_every_frame() {
    let dir = TempDir::new("mkv-times");
    let mkv = dir.path("ref.mkv");
    let made = ffmpeg()
        .args(["-ss", "0.5", "-i"])
        .arg(media("bikes.mp4"))
        .args(["-t", "2", "-vf", "fps=15,scale=480:204", "-c:v", "ffv1", "-pix_fmt", "bgr0"])
        .arg(&mkv)
        .status()
        .unwrap();
    assert!(made.success());
    let out = run(&[mkv.to_str().unwrap(), "-s", "0", "-e", "1.99", "-w", "480", "-r", "15", "-q", "100", "-o", "m.gif"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let frames = gif_frames_rgb(&dir.path("m.gif"), 480, 204);
    let source = ffmpeg().arg("-i").arg(&mkv).args(["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]).output().unwrap().stdout;
    let source: Vec<&[u8]> = source.chunks_exact(480 * 204 * 3).collect();
    assert_eq!(frames.len(), source.len(), "one GIF frame per source frame");
    for (i, (gif, src)) in frames.iter().zip(&source).enumerate() {
        let own = ssim(gif, src, 480, 204);
        assert!(own > 0.95, "GIF frame {i} is not source frame {i} (SSIM {own:.3})");
    }
}
