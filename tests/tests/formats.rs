//! WebP and MP4 from the command line (`-o clip.webp`, `-o clip.mp4`), against the GIF made
//! with the same options: the same frames, times and size, a smaller file, the right container;
//! other types refused before any work; nothing left behind by a failed or cancelled conversion.

use gifgrab_tests::*;
use std::path::Path;
use std::process::Output;

fn run(args: &[&str], dir: &TempDir) -> Output {
    gifgrab().args(args).current_dir(&dir.0).output().expect("gifgrab runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The three real clips, at ranges the GIF tests use (carphone is odd-sized: 193×144).
const CLIPS: [(&str, &str, &str); 3] = [("bikes.mp4", "0", "3"), ("bigbuckbunny.mp4", "1", "4"), ("carphone_pristine.mp4", "0.5", "2.7")];

/// Mean SSIM of each frame against the source video's frame at that instant (the GIF's dither
/// is noise too: a WebP or MP4 that smooths it is no less like the video).
fn like_source(frames: &[Vec<u8>], reference: &[Vec<u8>], w: u32, h: u32) -> f64 {
    let n = frames.len().min(reference.len());
    (0..n).map(|i| ssim(&frames[i], &reference[i], w, h)).sum::<f64>() / n as f64
}

/// The worst and mean SSIM, and the worst PSNR, of each frame against the GIF's same frame.
fn likeness(frames: &[Vec<u8>], gif: &[Vec<u8>], w: u32, h: u32) -> (f64, f64, f64) {
    assert_eq!(frames.len(), gif.len(), "as many frames as the GIF");
    let ssims: Vec<f64> = frames.iter().zip(gif).map(|(a, b)| ssim(a, b, w, h)).collect();
    let worst_psnr = frames.iter().zip(gif).map(|(a, b)| psnr_rgb(a, b)).fold(f64::INFINITY, f64::min);
    let worst = ssims.iter().cloned().fold(f64::INFINITY, f64::min);
    (worst, ssims.iter().sum::<f64>() / ssims.len() as f64, worst_psnr)
}

#[test]
fn webp_and_mp4_have_the_gifs_frames_times_and_looks() {
    let mut table = Vec::new();
    for (clip, start, end) in CLIPS {
        let dir = TempDir::new("formats");
        let src = media(clip);
        for name in ["c.gif", "c.webp", "c.mp4"] {
            let out = run(&[src.to_str().unwrap(), "--start", start, "--end", end, "-o", name], &dir);
            assert!(out.status.success(), "{clip} -o {name}: {}", stderr(&out));
            let last = stderr(&out).lines().last().unwrap_or_default().to_string();
            assert!(last.starts_with(&format!("Saved {name} (")), "{last}");
        }
        assert_eq!(dir.names(), vec!["c.gif", "c.mp4", "c.webp"], "only the three files");
        let gif = gif_facts(&dir.path("c.gif"));
        let (w, h) = (gif.width, gif.height);
        let gif_frames = gif_frames_rgb(&dir.path("c.gif"), w, h);
        let (from, to) = (start.parse::<f64>().unwrap(), end.parse::<f64>().unwrap());
        let reference = reference_frames(&src, from, to - from, 15.0, w, h);
        let gif_source = like_source(&gif_frames, &reference, w, h);
        let size = |name: &str| std::fs::metadata(dir.path(name)).unwrap().len();

        // WebP: the RIFF container, the GIF's canvas, delays and loop, and its pictures.
        let webp = webp_facts(&dir.path("c.webp"));
        assert_eq!((webp.width, webp.height), (w, h), "{clip}: WebP canvas");
        assert_eq!(webp.loops, 0, "{clip}: the WebP loops forever, as the GIF does");
        let gif_ms: Vec<u32> = gif.delays_cs.iter().map(|d| *d as u32 * 10).collect();
        assert_eq!(webp.durations_ms, gif_ms, "{clip}: every WebP frame lasts as long as the GIF's");
        let webp_frames = frames_rgb(&dir.path("c.webp"), w, h);
        let (webp_worst, webp_mean, webp_psnr) = likeness(&webp_frames, &gif_frames, w, h);
        let webp_source = like_source(&webp_frames, &reference, w, h);
        assert!(webp_source > gif_source - 0.01, "{clip}: the WebP is less like the video than the GIF (SSIM {webp_source:.4} vs {gif_source:.4})");
        assert!(webp_worst > 0.95 && webp_psnr > 30.0, "{clip}: a WebP frame looks unlike the GIF's (SSIM {webp_worst:.4}, PSNR {webp_psnr:.1} dB)");
        let webp_ratio = size("c.webp") as f64 / size("c.gif") as f64;
        assert!(webp_ratio < 0.8, "{clip}: the WebP is {:.0} % of the GIF", webp_ratio * 100.0);

        // MP4: ftyp first, the index before the data, H.264 4:2:0 and no sound, the GIF's times.
        let mp4 = dir.path("c.mp4");
        let head = std::fs::read(&mp4).unwrap();
        assert_eq!(&head[4..8], b"ftyp", "{clip}: an MP4 starts with its ftyp box");
        let boxes = mp4_boxes(&mp4);
        let at = |b: &str| boxes.iter().position(|x| x == b).unwrap_or_else(|| panic!("{clip}: no {b} box in {boxes:?}"));
        assert!(at("moov") < at("mdat"), "{clip}: faststart puts moov before mdat: {boxes:?}");
        let listing = String::from_utf8_lossy(&ffmpeg_listing(&mp4)).into_owned();
        assert!(listing.contains("Video: h264") && listing.contains("yuv420p(tv, bt709, progressive)") && !listing.contains("Audio:"), "{clip}: H.264, BT.709-tagged 4:2:0, no sound: {listing}");
        let (times, (vw, vh)) = video_frame_times(&mp4);
        assert_eq!((vw, vh), (w + w % 2, h + h % 2), "{clip}: the GIF's size, one column or row more only when odd");
        assert_eq!(times.len(), gif.frames, "{clip}: MP4 frames");
        // Each frame starts when the GIF's does (so each lasts as long); the last ends with it.
        // (ffmpeg's per-frame durations follow decode order with B-frames: starts are what count.)
        let mut at_cs = 0u32;
        for (i, ((t, _), delay)) in times.iter().zip(&gif.delays_cs).enumerate() {
            assert!((t - at_cs as f64 / 100.0).abs() < 0.0015, "{clip}: MP4 frame {i} starts at {t}, the GIF's at {}", at_cs as f64 / 100.0);
            at_cs += *delay as u32;
        }
        // The last frame's length is the last-decoded frame's (a B-frame's): up to 1 cs short.
        let (last_start, last_length) = times[times.len() - 1];
        assert!((last_start + last_length - gif.duration).abs() < 0.0105, "{clip}: the MP4 ends at {}, the GIF at {}", last_start + last_length, gif.duration);
        let mp4_frames = frames_rgb(&mp4, w, h);
        let (mp4_worst, mp4_mean, mp4_psnr) = likeness(&mp4_frames, &gif_frames, w, h);
        let mp4_source = like_source(&mp4_frames, &reference, w, h);
        assert!(mp4_source > gif_source - 0.01, "{clip}: the MP4 is less like the video than the GIF (SSIM {mp4_source:.4} vs {gif_source:.4})");
        assert!(mp4_worst > 0.93 && mp4_psnr > 28.0, "{clip}: an MP4 frame looks unlike the GIF's (SSIM {mp4_worst:.4}, PSNR {mp4_psnr:.1} dB)");
        let mp4_ratio = size("c.mp4") as f64 / size("c.gif") as f64;
        assert!(mp4_ratio < 0.8, "{clip}: the MP4 is {:.0} % of the GIF", mp4_ratio * 100.0);
        table.push(format!(
            "{clip} {w}×{h} {} frames: GIF {} B (SSIM to the video {gif_source:.4}); WebP {} B ({:.0} %; to the GIF: SSIM worst {webp_worst:.4} mean {webp_mean:.4}, PSNR worst {webp_psnr:.1}; to the video {webp_source:.4}); MP4 {} B ({:.0} %; to the GIF: SSIM worst {mp4_worst:.4} mean {mp4_mean:.4}, PSNR worst {mp4_psnr:.1}; to the video {mp4_source:.4})",
            gif.frames,
            size("c.gif"),
            size("c.webp"),
            webp_ratio * 100.0,
            size("c.mp4"),
            mp4_ratio * 100.0
        ));
    }
    eprintln!("{}", table.join("\n"));
}

/// ffmpeg's listing of a file's streams (stderr of `-i FILE` with no output).
fn ffmpeg_listing(path: &Path) -> Vec<u8> {
    std::process::Command::new(bin_dir().join("gifgrab-ffmpeg")).args(["-hide_banner", "-nostdin", "-i"]).arg(path).output().unwrap().stderr
}

#[test]
fn webp_plays_as_often_as_the_gif_and_fits_the_limit() {
    let dir = TempDir::new("webploops");
    let src = media("bikes.mp4");
    let s = src.to_str().unwrap();
    for (extra, loops) in [(&[][..], 0u16), (&["--once"][..], 1), (&["--loops", "3"][..], 3)] {
        let name = format!("l{loops}.WebP");
        let mut args = vec![s, "--start", "0", "--end", "0.5", "-o", &name];
        args.extend(extra);
        let out = run(&args, &dir);
        assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
        assert_eq!(webp_facts(&dir.path(&name)).loops, loops, "{extra:?}: the WebP plays as often as asked");
    }
    // A size limit fits the GIF, and the WebP made from it must fit too: 2 MB needs no change.
    let out = run(&[s, "--start", "0", "--end", "3", "--max-size", "2MB", "-o", "fit.webp"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::metadata(dir.path("fit.webp")).unwrap().len();
    assert!(bytes <= 2_000_000 && stderr(&out).contains("Fits under 2.0 MB"), "{bytes} B: {}", stderr(&out));
    // At 200 KB the GIF is made at a much lower quality and frame rate, whose noise lossy WebP
    // keeps: measured 227 KB at WebP quality 90. So the WebP is made again at a lower quality,
    // under the limit, and the CLI says so.
    let out = run(&[s, "--start", "0", "--end", "3", "--max-size", "200KB", "-o", "small.webp"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::metadata(dir.path("small.webp")).unwrap().len();
    assert!(bytes <= 200_000 && bytes >= 100_000, "{bytes} B: {}", stderr(&out));
    assert!(stderr(&out).contains("WebP quality 90 → "), "{}", stderr(&out));
    assert_eq!(webp_facts(&dir.path("small.webp")).loops, 0, "still a WebP that plays forever");
}

#[test]
fn other_types_are_refused_before_any_work() {
    let dir = TempDir::new("types");
    let src = media("bikes.mp4");
    for name in ["clip.png", "clip.WEBM", "clip.gif.txt"] {
        let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", name], &dir);
        assert_eq!(out.status.code(), Some(2), "-o {name}: {}", stderr(&out));
        let err = stderr(&out);
        let e = reported(&err);
        assert_eq!((e["code"].as_str(), e["args"]["ext"].as_str()), (Some("output_type"), name.rsplit('.').next()), "{err}");
        let message = e["message"].as_str().unwrap();
        assert!([".gif", ".webp", ".mp4"].iter().all(|t| message.contains(t)), "names the allowed types: {message}");
    }
    assert!(dir.names().is_empty(), "nothing written: {:?}", dir.names());
}

/// A sidecar folder whose ffmpeg breaks when asked for `encoder`, after writing half a file.
fn breaking_ffmpeg(encoder: &str) -> TempDir {
    let dir = TempDir::new("badffmpeg");
    for name in ["gifgrab-yt-dlp", "gifgrab-deno", "yt-dlp", "fonts"] {
        std::os::unix::fs::symlink(bin_dir().join(name), dir.path(name)).unwrap();
    }
    let real = bin_dir().join("gifgrab-ffmpeg");
    let script = format!(
        "#!/bin/sh\ncase \"$*\" in *{encoder}*) for a; do last=$a; done; printf half > \"${{last#file:}}\"; echo '[mp4 @ 0x1] [error] broken on purpose' >&2; exit 1;; esac\nexec '{}' \"$@\"\n",
        real.display()
    );
    let path = dir.path("gifgrab-ffmpeg");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    dir
}

/// Work folders a CLI run with this process id left in the temp folder.
fn work_dirs_of(pid: u32) -> Vec<String> {
    let prefix = format!("gifgrab-app-{pid}-");
    std::fs::read_dir(std::env::temp_dir()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(&prefix)).collect()
}

#[test]
fn a_failed_conversion_leaves_nothing() {
    let dir = TempDir::new("convfail");
    let sidecars = breaking_ffmpeg("libx264");
    let src = media("bikes.mp4");
    let child = gifgrab()
        .env("GIFGRAB_SIDECAR_DIR", &sidecars.0)
        .args([src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "c.mp4"])
        .current_dir(&dir.0)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let e = reported(&err);
    assert_eq!((e["code"].as_str(), e["args"]["format"].as_str()), (Some("convert_failed"), Some("mp4")), "{err}");
    assert!(e["message"].as_str().unwrap().contains("broken on purpose"), "ffmpeg's words: {err}");
    assert!(dir.names().is_empty(), "no half-written file: {:?}", dir.names());
    assert!(work_dirs_of(pid).is_empty(), "the work folder is gone: {:?}", work_dirs_of(pid));
}

#[test]
fn ctrl_c_while_converting_leaves_nothing() {
    let dir = TempDir::new("convcancel");
    let src = media("long.mp4");
    // 10 s at 720 px and 25 fps: several seconds of WebP encoding to interrupt.
    let mut child = gifgrab()
        .args([src.to_str().unwrap(), "--start", "20", "--end", "30", "--width", "720", "--fps", "25", "-o", "c.webp"])
        .current_dir(&dir.0)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let token = dir.0.file_name().unwrap().to_string_lossy().into_owned();
    let converting = eventually(120.0, || processes_mentioning(&token).iter().any(|p| p.contains("libwebp_anim")));
    assert!(converting, "the conversion never started");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let sent = std::time::Instant::now();
    interrupt(&child);
    let status = child.wait().unwrap();
    assert!(sent.elapsed().as_secs_f64() < 1.0, "took {:?} to stop", sent.elapsed());
    assert_eq!(status.code(), Some(130));
    assert!(eventually(1.0, || processes_mentioning(&token).is_empty()), "left behind: {:?}", processes_mentioning(&token));
    assert!(dir.names().is_empty(), "left files: {:?}", dir.names());
    assert!(work_dirs_of(child.id()).is_empty(), "the work folder is gone: {:?}", work_dirs_of(child.id()));
}

#[test]
fn an_existing_webp_is_never_clobbered() {
    let dir = TempDir::new("keepwebp");
    std::fs::write(dir.path("keep.webp"), b"precious").unwrap();
    let src = media("bikes.mp4");
    let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "keep.webp"], &dir);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(kind_and_code(&stderr(&out)).1, "output_exists", "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path("keep.webp")).unwrap(), b"precious");
    let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "1", "-o", "keep.webp", "--overwrite"], &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(webp_facts(&dir.path("keep.webp")).durations_ms.len(), 15);
    assert_eq!(dir.names(), vec!["keep.webp"]);
}

/// The app's side: each format made once per job in the work folder (the second ask is
/// instant), saved by the chosen name's extension, and gone with the job.
#[test]
fn the_app_converts_once_per_job_and_saves_by_extension() {
    use gifgrab_core::render::output::Format;
    use gifgrab_core::session::{GifRequest, Session};
    use gifgrab_core::spec::GifSpec;
    let session = Session::new(Ok(gifgrab_core::tools::sidecars::Sidecars::in_dir(&bin_dir())));
    let probed = session.probe(media("bikes.mp4").to_str().unwrap(), 320, 10).unwrap();
    let request = |job: &str| GifRequest { id: probed.id.clone(), job_id: job.into(), spec: GifSpec { start: 0.0, end: 1.0, width: 320, fps: 10, ..GifSpec::default() } };
    session.make(&request("one"), &|_| {}).unwrap();
    let first = std::time::Instant::now();
    let (path, webp) = session.converted("one", Format::Webp).unwrap();
    let took = first.elapsed();
    assert_eq!(path, session.work_dir().join("one.webp"));
    let again = std::time::Instant::now();
    let (_, cached) = session.converted("one", Format::Webp).unwrap();
    assert!(again.elapsed() < took / 10 && cached.bytes == webp.bytes, "the second ask is the kept file ({:?} vs {took:?})", again.elapsed());
    let dir = TempDir::new("appsave");
    let save = |name: &str| session.save("one", dir.path(name).to_str().unwrap());
    assert_eq!(save("a.webp").unwrap().bytes, webp.bytes);
    assert_eq!(&std::fs::read(dir.path("a.webp")).unwrap()[8..12], b"WEBP");
    let mp4 = save("a.MP4").unwrap();
    assert_eq!(&std::fs::read(dir.path("a.MP4")).unwrap()[4..8], b"ftyp");
    assert_eq!(mp4.bytes, session.converted("one", Format::Mp4).unwrap().1.bytes);
    assert_eq!(save("plain").unwrap().path, dir.path("plain.gif"), "no extension: a GIF");
    assert_eq!(gif_facts(&dir.path("plain.gif")).frames, 10);
    let refused = save("a.png").unwrap_err();
    assert_eq!((refused.kind(), refused.code().as_str()), ("invalid_option", "output_type"));
    assert_eq!(dir.names(), vec!["a.MP4", "a.webp", "plain.gif"], "nothing written for .png");
    // The next GIF keeps this one (the queue shows both); Remove takes its WebP and MP4 too.
    session.make(&request("two"), &|_| {}).unwrap();
    let names = || {
        let mut n: Vec<String> = std::fs::read_dir(session.work_dir()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        n.sort();
        n
    };
    assert_eq!(names(), ["one.gif", "one.mp4", "one.webp", "two.gif"]);
    session.discard("one");
    assert_eq!(names(), ["two.gif"]);
    assert_eq!(session.converted("one", Format::Webp).unwrap_err().code(), "gif_not_ready");
}

#[test]
fn a_full_disk_while_converting_is_reported_and_leaves_nothing() {
    // A 100 KB tmpfs for the WebP (the GIF is made in the temp folder, so the conversion is
    // what fills it). Mounting needs root; CI runs as root.
    let dir = TempDir::new("convfull");
    let disk = TempDir::new("convfulldisk");
    let mounted = std::process::Command::new("mount").args(["-t", "tmpfs", "-o", "size=100k", "tmpfs"]).arg(&disk.0).status().is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: could not mount a tmpfs here");
        return;
    }
    let target = disk.path("full.webp");
    let src = media("bikes.mp4");
    let out = run(&[src.to_str().unwrap(), "--start", "0", "--end", "3", "-o", target.to_str().unwrap()], &dir);
    let names = disk.names();
    let _ = std::process::Command::new("umount").arg(&disk.0).status();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(kind_and_code(&err), ("disk_full".into(), "disk_full".into()), "{err}");
    assert!(names.is_empty() && dir.names().is_empty(), "left on the full disk: {names:?}");
}
