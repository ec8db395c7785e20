//! Subtitles burned in through the real CLI: a local .srt, a subtitle stream inside an MKV,
//! and a web page's own track found by yt-dlp; each cue visible only during its own time.

use gifgrab_tests::server::TestServer;
use gifgrab_tests::*;
use std::path::Path;
use std::process::Output;

const SRT: &str = "1\n00:00:11,000 --> 00:00:12,000\nHELLO 안녕\n\n2\n00:00:12,500 --> 00:00:13,000\nSECOND\n";
const VTT: &str = "WEBVTT\n\n00:00:11.000 --> 00:00:12.000\nHELLO 안녕\n\n00:00:12.500 --> 00:00:13.000\nSECOND\n";

fn run(args: &[&str], dir: &TempDir) -> Output {
    gifgrab().args(args).current_dir(&dir.0).output().expect("gifgrab runs")
}

fn ok(out: &Output) {
    assert!(out.status.success(), "gifgrab failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Whether frame `i` of `with` differs from `without` in the bottom third, and not above it.
fn captioned(with: &[Vec<u8>], without: &[Vec<u8>], i: usize, w: usize, h: usize) -> bool {
    let row = w * 3;
    let changed = |y: usize| with[i][y * row..(y + 1) * row].iter().zip(&without[i][y * row..(y + 1) * row]).filter(|(a, b)| a.abs_diff(**b) > 60).count() > 3;
    let above = (0..h * 2 / 3).filter(|&y| changed(y)).count();
    let below = (h * 2 / 3..h).filter(|&y| changed(y)).count();
    assert_eq!(above, 0, "frame {i}: subtitles drawn above the bottom third");
    below > 4
}

/// The GIF of 10.5–13 s at 10 fps with `subs`, checked frame by frame against the plain one:
/// cues at 11–12 s and 12.5–13 s show in exactly their frames.
fn check_cues(source: &str, subs: &str, dir: &TempDir) {
    let args = |out: &'static str| vec![source, "-s", "10.5", "-e", "13", "-w", "480", "-r", "10", "-q", "100", "-o", out, "-y"];
    ok(&run(&args("plain.gif"), dir));
    let mut with = args("subs.gif");
    with.extend(["--subs", subs]);
    ok(&run(&with, dir));
    let (w, h) = (480, 270);
    let plain = gif_frames_rgb(&dir.path("plain.gif"), w, h);
    let subbed = gif_frames_rgb(&dir.path("subs.gif"), w, h);
    assert_eq!(plain.len(), subbed.len());
    let shown: Vec<usize> = (0..plain.len()).filter(|&i| captioned(&subbed, &plain, i, w as usize, h as usize)).collect();
    // Frame i is 10.5 + i/10 s: the first cue is frames 5–14, the second 20–24.
    let want: Vec<usize> = (5..15).chain(20..25).collect();
    assert_eq!(shown, want, "{subs}: frames showing a cue");
}

#[test]
fn a_local_subtitle_file_shows_each_cue_in_its_own_time() {
    let dir = TempDir::new("subs-file");
    std::fs::write(dir.path("talk.srt"), SRT).unwrap();
    check_cues(media("long.mp4").to_str().unwrap(), "talk.srt", &dir);
    std::fs::write(dir.path("talk.vtt"), VTT).unwrap();
    check_cues(media("long.mp4").to_str().unwrap(), "talk.vtt", &dir);
}

#[test]
fn a_subtitle_stream_inside_a_file_is_found_by_its_language() {
    let dir = TempDir::new("subs-mkv");
    std::fs::write(dir.path("ko.srt"), SRT).unwrap();
    let made = ffmpeg()
        .args(["-t", "20", "-i"])
        .arg(media("long.mp4"))
        .arg("-i")
        .arg(dir.path("ko.srt"))
        .args(["-map", "0:v", "-map", "1:s", "-c:v", "copy", "-c:s", "srt", "-metadata:s:s:0", "language=kor"])
        .arg(dir.path("film.mkv"))
        .status()
        .unwrap();
    assert!(made.success());
    let film = dir.path("film.mkv");
    // A site's two-letter code finds the file's three-letter one.
    check_cues(film.to_str().unwrap(), "ko", &dir);
    let out = run(&[film.to_str().unwrap(), "-s", "10", "-e", "11", "--subs", "fr", "-o", "x.gif"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(kind_and_code(&err).1, "no_subs_in_language");
    assert!(err.contains("It has: kor."), "the message lists what there is: {err}");
    assert!(!dir.path("x.gif").exists());
}

#[test]
fn a_pages_own_track_comes_through_yt_dlp_and_only_it_is_fetched() {
    let site = TempDir::new("subs-site");
    std::fs::copy(media("long.mp4"), site.path("clip.mp4")).unwrap();
    std::fs::write(site.path("clip.en.vtt"), VTT).unwrap();
    std::fs::write(site.path("other.ko.vtt"), VTT).unwrap();
    std::fs::write(
        site.path("page.html"),
        "<!doctype html><html><head><title>Talk</title></head><body><video src=\"clip.mp4\" controls>\
         <track kind=\"subtitles\" src=\"clip.en.vtt\" srclang=\"en\" label=\"English\">\
         <track kind=\"subtitles\" src=\"other.ko.vtt\" srclang=\"ko\" label=\"Korean\"></video></body></html>",
    )
    .unwrap();
    let srv = TestServer::start(&site.0).unwrap();
    let dir = TempDir::new("subs-page");
    check_cues(&srv.url("page.html"), "en", &dir);
    // The English file was fetched, the Korean one never: only the chosen subtitles.
    assert!(srv.hits("/clip.en.vtt") >= 1, "the chosen track was not fetched");
    assert_eq!(srv.hits("/other.ko.vtt"), 0, "a track nobody chose was fetched");
    let out = run(&[&srv.url("page.html"), "-s", "10", "-e", "11", "--subs", "ja", "-o", "x.gif"], &dir);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(kind_and_code(&err).1, "no_subs_in_language", "{err}");
    assert!(err.contains("en") && err.contains("ko"), "{err}");
}

#[test]
fn a_file_that_is_not_subtitles_is_named() {
    let dir = TempDir::new("subs-bad");
    std::fs::write(dir.path("notes.srt"), "this is not a subtitle file\n").unwrap();
    let src = media("long.mp4");
    for (subs, code) in [("notes.srt", "not_subtitles"), ("missing.srt", "no_such_subtitles")] {
        let out = run(&[src.to_str().unwrap(), "-s", "10", "-e", "11", "--subs", subs, "-o", "x.gif"], &dir);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(kind_and_code(&err).1, code, "{err}");
        assert!(err.contains(subs), "{err}");
        assert!(!dir.path("x.gif").exists() && !Path::new(&dir.path("x.gif")).exists());
    }
}
