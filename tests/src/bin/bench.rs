//! `cargo xtask bench`: gifgrab side by side with the ways people make GIFs instead, in one run,
//! against the loopback server throttled to a home connection. Prints a table and writes JSON.

use gifgrab_tests::server::TestServer;
use gifgrab_tests::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A tool's name and how to run it for one output file.
type Tool<'a> = (&'static str, Box<dyn Fn(&Path) -> Command + 'a>);

struct Case {
    name: &'static str,
    path: &'static str,
    start: f64,
    length: f64,
    width: u32,
}

impl Case {
    /// The test video is 1280×720: the height gifgrab gives for this width.
    fn height(&self) -> u32 {
        (self.width as f64 * 720.0 / 1280.0).round() as u32
    }
}

#[derive(Default, Clone)]
struct Row {
    tool: String,
    case: String,
    wall: f64,
    first_progress: Option<f64>,
    first_frame: Option<f64>,
    peak_rss_mb: f64,
    server_bytes: u64,
    gif_bytes: u64,
    ssim: f64,
    ssimulacra2: f64,
    frames: usize,
    duration: f64,
    ok: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let rate_mbit: f64 = args
        .iter()
        .position(|a| a == "--rate")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(20.0);
    let runs = if quick { 1 } else { 3 };
    let srv = TestServer::start(media_dir()).expect("server");
    srv.set_rate(Some((rate_mbit * 1_000_000.0 / 8.0) as u64));
    let work = TempDir::new("bench");
    let mut cases = vec![Case { name: "mp4 5s 480", path: "long.mp4", start: 300.0, length: 5.0, width: 480 }];
    if !quick {
        cases.extend([
            Case { name: "hls 5s 480", path: "long_hls/index.m3u8", start: 300.0, length: 5.0, width: 480 },
            Case { name: "mp4 2s 480", path: "long.mp4", start: 120.0, length: 2.0, width: 480 },
            Case { name: "mp4 10s 480", path: "long.mp4", start: 120.0, length: 10.0, width: 480 },
            Case { name: "mp4 5s 320", path: "long.mp4", start: 300.0, length: 5.0, width: 320 },
            Case { name: "mp4 5s 720", path: "long.mp4", start: 300.0, length: 5.0, width: 720 },
            Case { name: "mp4 10s 720", path: "long.mp4", start: 400.0, length: 10.0, width: 720 },
        ]);
    }
    eprintln!("bench: {} case(s), {runs} run(s) each, server throttled to {rate_mbit} Mbit/s", cases.len());
    warm_up();
    let mut rows = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let url = srv.url(case.path);
        let height = case.height();
        let reference = reference_frames(&media("long.mp4"), case.start, case.length, 15.0, case.width, height);
        let mut tools: Vec<Tool> = vec![
            ("gifgrab", Box::new(|out: &Path| gifgrab_cmd(&url, case, out))),
            ("ffmpeg palette", Box::new(|out: &Path| ffmpeg_palette(&url, case, out, "palettegen[p];[b][p]paletteuse"))),
            // The tuned recipe (gif-quality notes): the one gifgrab must stay ahead of.
            ("ffmpeg tuned", Box::new(|out: &Path| ffmpeg_palette(&url, case, out, TUNED))),
        ];
        if let Some(python) = std::env::var_os("GIFGRAB_BENCH_MOVIEPY") {
            let (python, link) = (PathBuf::from(python), url.clone());
            tools.push(("moviepy write_gif", Box::new(move |out: &Path| moviepy(&python, &link, case, out))));
        }
        // The whole-file download costs a minute at 20 Mbit/s: once, on the main case.
        if i == 0 {
            tools.push(("full download+ffmpeg", Box::new(|out: &Path| full_download(&url, case, out))));
        }
        for (tool, make) in &tools {
            let n = if tool.starts_with("full") { 1 } else { runs };
            rows.push(median_run(&work, &srv, tool, case, n, &reference, make));
        }
    }
    rows.extend(page_link_rows(&work, rate_mbit, runs));
    print_table(&rows, rate_mbit);
    write_json(&rows, rate_mbit);
}

/// A YouTube-shaped page link (yt-dlp looks it up first, through the test plugin) beside the
/// direct link of the main case: with the one-folder yt-dlp gifgrab ships, and with the
/// one-file build it shipped before (which unpacks itself on every call).
fn page_link_rows(work: &TempDir, rate_mbit: f64, runs: usize) -> Vec<Row> {
    use gifgrab_tests::youtube::{plugin_dir, youtube_menu, FakeYouTube, Scenario};
    let root = work.path("page");
    let yt = FakeYouTube::new(&root);
    yt.add("bench", &Scenario::new().formats(youtube_menu()));
    let srv = TestServer::start(&root).expect("page server");
    srv.set_rate(Some((rate_mbit * 1_000_000.0 / 8.0) as u64));
    let url = yt.watch_url(&srv, "bench");
    let case = Case { name: "page 5s 480", path: "", start: 300.0, length: 5.0, width: 480 };
    let reference = reference_frames(&media("long.mp4"), case.start, case.length, 15.0, case.width, case.height());
    // The one-file sidecars alone, as set-up placed them before the one-folder build.
    let one_file = work.path("one-file");
    std::fs::create_dir_all(&one_file).expect("one-file dir");
    for name in ["gifgrab-ffmpeg", "gifgrab-deno", "gifgrab-yt-dlp"] {
        let _ = std::os::unix::fs::symlink(bin_dir().join(name), one_file.join(name));
    }
    let data = work.path("page-data");
    let gifgrab_with = |sidecars: PathBuf| {
        let (url, case, data) = (url.clone(), &case, data.clone());
        move |out: &Path| {
            let mut cmd = gifgrab_cmd(&url, case, out);
            cmd.env("GIFGRAB_SIDECAR_DIR", &sidecars).env("GIFGRAB_YTDLP_PLUGIN_DIRS", plugin_dir()).env("GIFGRAB_DATA_DIR", &data);
            cmd
        }
    };
    let ytdlp = one_file.join("gifgrab-yt-dlp");
    let tools: Vec<(&str, Box<dyn Fn(&Path) -> Command + '_>)> = vec![
        ("gifgrab page link", Box::new(gifgrab_with(bin_dir()))),
        ("gifgrab page, one-file yt-dlp", Box::new(gifgrab_with(one_file.clone()))),
        // The tuned recipe on the same page link, as a user would run it: yt-dlp (the one-file
        // build, as released) names the 480p H.264 stream, ffmpeg makes the GIF from it.
        ("yt-dlp -g + ffmpeg tuned", Box::new(|out: &Path| ytdlp_then_tuned(&ytdlp, &url, &case, out))),
    ];
    tools.iter().map(|(tool, make)| median_run(work, &srv, tool, &case, runs, &reference, make)).collect()
}

/// `runs` timed runs of one tool on one case, each with the server's counters reset; the median.
fn median_run(work: &TempDir, srv: &TestServer, tool: &str, case: &Case, runs: usize, reference: &[Vec<u8>], make: &dyn Fn(&Path) -> Command) -> Row {
    let mut samples = Vec::new();
    for run in 0..runs {
        let out = work.path(&format!("{}-{}-{run}.gif", tool.replace([' ', ',', '+'], "_"), case.name.replace(' ', "_")));
        srv.reset_counters();
        let mut row = measure(make(&out), &out, reference, case.width, case.height());
        (row.tool, row.case, row.server_bytes) = (tool.to_string(), case.name.to_string(), srv.bytes_sent());
        eprintln!("bench: {:<22} {:<12} {:>6.2} s", row.tool, row.case, row.wall);
        samples.push(row);
    }
    samples.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    samples[samples.len() / 2].clone()
}

/// `yt-dlp -g` for the stream's address, then ffmpeg's tuned recipe on it.
fn ytdlp_then_tuned(ytdlp: &Path, url: &str, case: &Case, out: &Path) -> Command {
    use gifgrab_tests::youtube::plugin_dir;
    let script = format!(
        "set -e; u=$('{y}' --ignore-config --no-plugin-dirs --plugin-dirs '{p}' -f 'bv*[height<=480][vcodec^=avc1]' -g -- '{url}'); {gif}",
        y = ytdlp.display(),
        p = plugin_dir().display(),
        gif = ffmpeg_gif_script("$u", case, TUNED, out),
    );
    sh(&script)
}

/// The shell line of [`ffmpeg_palette`] on `input` (a shell word, such as a variable).
fn ffmpeg_gif_script(input: &str, case: &Case, palette: &str, out: &Path) -> String {
    format!(
        "'{ff}' -hide_banner -loglevel error -y -ss {s} -t {l} -i \"{input}\" \
         -filter_complex 'fps=15,scale={w}:{h}:flags=lanczos,split[a][b];[a]{palette}' '{o}'",
        ff = bin_dir().join("gifgrab-ffmpeg").display(),
        s = case.start,
        l = case.length,
        w = case.width,
        h = case.height(),
        o = out.display()
    )
}

fn sh(script: &str) -> Command {
    let mut c = Command::new("sh");
    c.args(["-c", script]);
    c
}

/// Every tool starts from a warm disk cache: the media and the programs are read once first,
/// so the first tool timed does not pay for the disk alone.
fn warm_up() {
    let mut files = vec![media("long.mp4")];
    files.extend(std::fs::read_dir(media("long_hls")).into_iter().flatten().flatten().map(|e| e.path()));
    for name in ["gifgrab", "gifgrab-ffmpeg", "gifgrab-yt-dlp"] {
        files.push(bin_dir().join(name));
    }
    for f in files {
        let _ = std::fs::read(f);
    }
    let _ = gifgrab().arg("--version").output();
    let _ = ffmpeg().arg("-version").output();
}

fn gifgrab_cmd(url: &str, case: &Case, out: &Path) -> Command {
    let mut c = gifgrab();
    c.args([url, "--start", &case.start.to_string(), "--end", &(case.start + case.length).to_string()])
        .args(["--width", &case.width.to_string(), "--fps", "15", "--overwrite", "-o"])
        .arg(out);
    c
}

/// ffmpeg's tuned recipe (gif-quality notes), as `ffmpeg_palette`'s palette graph.
const TUNED: &str = "palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle";

/// ffmpeg's palettegen then paletteuse (`palette`: the graph after the split), fed the range
/// with an input seek.
fn ffmpeg_palette(url: &str, case: &Case, out: &Path, palette: &str) -> Command {
    // The same output size as gifgrab's, so every GIF is scored against the same frames.
    let filters = format!("fps=15,scale={}:{}:flags=lanczos,split[a][b];[a]{palette}", case.width, case.height());
    let mut c = ffmpeg();
    c.args(["-y", "-ss", &case.start.to_string(), "-t", &case.length.to_string(), "-i", url])
        .args(["-filter_complex", &filters])
        .arg(out);
    c
}

/// The old site's encoder: moviepy 2.x reading the same link (its ffmpeg seeks to the range),
/// `write_gif` at the same size and rate.
fn moviepy(python: &Path, url: &str, case: &Case, out: &Path) -> Command {
    let script = "import sys\n\
        from moviepy import VideoFileClip\n\
        url, start, end, width, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]\n\
        with VideoFileClip(url, audio=False) as clip:\n\
        \x20   clip.subclipped(start, end).resized(width=width).write_gif(out, fps=15, logger=None)\n";
    let mut c = Command::new(python);
    c.args(["-c", script, url, &case.start.to_string(), &(case.start + case.length).to_string(), &case.width.to_string()])
        .arg(out)
        .env("FFMPEG_BINARY", bin_dir().join("gifgrab-ffmpeg"));
    c
}

/// How the old site and most scripts work: yt-dlp fetches the whole file, then ffmpeg.
fn full_download(url: &str, case: &Case, out: &Path) -> Command {
    let dir = out.with_extension("dl");
    let ytdlp = bin_dir().join("gifgrab-yt-dlp");
    let script = format!(
        "set -e; mkdir -p '{d}'; '{y}' --ignore-config --quiet -o '{d}/video.%(ext)s' -- '{url}'; \
         f=$(ls '{d}'/video.*); {gif}; rm -rf '{d}'",
        d = dir.display(),
        y = ytdlp.display(),
        gif = ffmpeg_gif_script("$f", case, "palettegen[p];[b][p]paletteuse", out),
    );
    sh(&script)
}

/// Runs one tool, sampling the RSS of its whole process tree, and scores its GIF.
fn measure(mut cmd: Command, out: &Path, reference: &[Vec<u8>], width: u32, height: u32) -> Row {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("tool starts");
    let pid = child.id();
    let stderr = child.stderr.take().expect("stderr");
    // The first progress line, and the first that counts an encoded frame.
    let first = std::thread::spawn(move || {
        let (mut first, mut frame) = (None, None);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let at = Some(started.elapsed().as_secs_f64());
            first = first.or(at);
            if frame.is_none() && line.contains("Encoding ") {
                frame = at;
            }
        }
        (first, frame)
    });
    let mut peak = 0u64;
    let status = loop {
        peak = peak.max(tree_rss(pid));
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed().as_secs_f64();
    let (first_progress, first_frame) = first.join().unwrap_or_default();
    let mut row = Row { wall, first_progress, first_frame, peak_rss_mb: peak as f64 / 1048576.0, ok: status.success(), ..Row::default() };
    if status.success() && out.exists() {
        let facts = gif_facts(out);
        row.gif_bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
        row.frames = facts.frames;
        row.duration = facts.duration;
        if (facts.width, facts.height) == (width, height) {
            let frames = gif_frames_rgb(out, width, height);
            let n = frames.len().min(reference.len()).max(1);
            row.ssim = frames.iter().zip(reference).map(|(a, b)| ssim(a, b, width, height)).sum::<f64>() / n as f64;
            row.ssimulacra2 = frames.iter().zip(reference).map(|(a, b)| ssimulacra2_score(b, a, width, height)).sum::<f64>() / n as f64;
        }
    }
    row
}

fn print_table(rows: &[Row], rate: f64) {
    println!("\nAll rows: the loopback server at {rate} Mbit/s; wall = median; ratio = wall / gifgrab's on the same case;");
    println!("quality = mean SSIMULACRA 2 (colour, perceptual) and mean SSIM (luma, 8×8 windows) of every GIF frame against ffmpeg's exact reference frames.\n");
    println!(
        "| case | tool | wall s | ratio | first progress s | first frame s | peak RSS MB | server MB | GIF KB | SSIMULACRA 2 | SSIM | frames | duration s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        // The first row of a case is gifgrab's own (the page link's: gifgrab with the shipped yt-dlp).
        let base = rows.iter().find(|g| g.case == r.case).map(|g| g.wall).unwrap_or(r.wall);
        println!(
            "| {} | {} | {:.2} | {:.2}× | {} | {} | {:.0} | {:.2} | {} | {:.1} | {:.4} | {} | {:.2} |{}",
            r.case,
            r.tool,
            r.wall,
            r.wall / base,
            r.first_progress.map(|f| format!("{f:.2}")).unwrap_or_else(|| "–".into()),
            r.first_frame.map(|f| format!("{f:.2}")).unwrap_or_else(|| "–".into()),
            r.peak_rss_mb,
            r.server_bytes as f64 / 1e6,
            r.gif_bytes / 1024,
            r.ssimulacra2,
            r.ssim,
            r.frames,
            r.duration,
            if r.ok { "" } else { " FAILED" }
        );
    }
}

fn write_json(rows: &[Row], rate: f64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let items: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "case": r.case, "tool": r.tool, "wall_s": r.wall, "first_progress_s": r.first_progress, "first_frame_s": r.first_frame,
                "peak_rss_mb": r.peak_rss_mb, "server_bytes": r.server_bytes, "gif_bytes": r.gif_bytes,
                "ssimulacra2": r.ssimulacra2, "ssim": r.ssim, "frames": r.frames, "duration_s": r.duration, "ok": r.ok,
            })
        })
        .collect();
    let doc = serde_json::json!({ "rate_mbit": rate, "rows": items });
    let path = dir.join("results.json");
    let _ = std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap_or_default());
    eprintln!("bench: results written to {}", path.display());
}
