//! `cargo xtask bench --quality`: bytes against SSIMULACRA 2 for gifgrab and the best of the
//! field, every tool fed the same exact frames (ffmpeg's accurate seek, Lanczos to the GIF's size).
//! Prints a table per clip, writes `target/bench/quality.json` and `quality.svg`.

use gifgrab_tests::*;
use std::path::Path;
use std::process::Command;

struct Clip {
    name: &'static str,
    file: &'static str,
    start: f64,
    length: f64,
    width: u32,
    height: u32,
}

const CLIPS: &[Clip] = &[
    Clip { name: "bikes", file: "bikes.mp4", start: 0.5, length: 3.0, width: 480, height: 204 },
    Clip { name: "bigbuckbunny", file: "bigbuckbunny.mp4", start: 0.5, length: 3.0, width: 480, height: 270 },
    Clip { name: "carphone", file: "carphone_pristine.mp4", start: 0.5, length: 3.0, width: 176, height: 144 },
];
const FPS: u32 = 15;

/// ffmpeg's best recipes (gif-quality notes): the sweep's name for each, the table's, its graph.
const RECIPES: [(&str, &str, &str); 3] = [
    ("bayer5", "ffmpeg bayer:5 diff", "palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=5:diff_mode=rectangle"),
    ("sierra", "ffmpeg sierra2_4a diff", "palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=sierra2_4a:diff_mode=rectangle"),
    ("single5", "ffmpeg per-frame palettes", "palettegen=stats_mode=single[p];[b][p]paletteuse=new=1:dither=bayer:bayer_scale=5"),
];

/// One GIF: who made it, with which setting, its size and its scores.
struct Point {
    tool: String,
    setting: String,
    bytes: u64,
    mean: f64,
    p10: f64,
}

fn main() {
    if std::env::args().any(|a| a == "--sweep") {
        return sweep();
    }
    let work = TempDir::new("quality");
    let gifsicle = Command::new("gifsicle").arg("--version").output().ok().filter(|o| o.status.success());
    let gifsicle_version = gifsicle.map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string());
    let mut all = Vec::new();
    for clip in CLIPS {
        let reference = reference_frames(&media(clip.file), clip.start, clip.length, FPS as f64, clip.width, clip.height);
        let raw = write_raw(&reference, clip, &work);
        // gifgrab reads video, not raw frames: the same frames, losslessly as FFV1 RGB, so its
        // decode (frame rate, scale, colours) meets exactly what the others are given.
        let lossless = work.path(&format!("{}-reference.mkv", clip.name));
        let made = ffmpeg_on_raw(&raw, clip)
            .args(["-c:v", "ffv1", "-pix_fmt", "bgr0"])
            .arg(&lossless)
            .status()
            .expect("ffmpeg runs");
        assert!(made.success(), "the lossless reference");
        let mut points = Vec::new();
        // Every 10 up to q80: the low end changes fastest (a sparser sample there understated it).
        for q in [10u8, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100] {
            let out = work.path(&format!("{}-gifgrab-{q}.gif", clip.name));
            let run = Command::new(cli_bin())
                .arg(&lossless)
                // The reference's own length (ffmpeg may give one frame fewer than asked).
                .args(["--start", "0", "--end", &format!("{:.3}", reference.len() as f64 / FPS as f64 - 0.01)])
                .args(["--width", &clip.width.to_string(), "--fps", &FPS.to_string(), "--quality", &q.to_string(), "-y", "-o"])
                .arg(&out)
                .env("GIFGRAB_SIDECAR_DIR", bin_dir())
                .output()
                .expect("gifgrab-cli runs");
            if !run.status.success() {
                eprintln!("gifgrab q{q} on {}: {}", clip.name, String::from_utf8_lossy(&run.stderr).lines().last().unwrap_or(""));
            } else {
                points.push(score("gifgrab", &format!("q{q}"), &out, &reference, clip));
            }
            let out = work.path(&format!("{}-gifski-{q}.gif", clip.name));
            gifski_defaults(&reference, clip, q, &out);
            points.push(score("gifski 1.34 (library defaults, not fast)", &format!("q{q}"), &out, &reference, clip));
        }
        for (knob, q) in [("lossy", 40u8), ("lossy", 70), ("lossy", 85), ("motion", 50), ("motion", 80)] {
            let out = work.path(&format!("{}-gifski-{knob}-{q}.gif", clip.name));
            gifski_with(&reference, clip, 100, Some((knob, q)), &out);
            points.push(score(&format!("gifski q100, {knob} alone"), &format!("{knob} {q}"), &out, &reference, clip));
        }
        for (key, name, graph) in RECIPES {
            let out = work.path(&format!("{}-{}.gif", clip.name, name.replace([' ', ':'], "_")));
            let status = ffmpeg_on_raw(&raw, clip)
                .args(["-filter_complex", &format!("split[a][b];[a]{graph}")])
                .arg(&out)
                .status()
                .expect("ffmpeg runs");
            assert!(status.success(), "{name} failed");
            points.push(score(name, "", &out, &reference, clip));
            if gifsicle_version.is_some() && key == "bayer5" {
                for lossy in [20, 40, 80] {
                    let lossy_out = work.path(&format!("{}-gifsicle-{lossy}.gif", clip.name));
                    if gifsicle_lossy(&out, lossy, &lossy_out) {
                        points.push(score("ffmpeg bayer + gifsicle -O3", &format!("lossy {lossy}"), &lossy_out, &reference, clip));
                    }
                }
            }
        }
        print_clip(clip, &points);
        print_bd_rates(&points);
        all.push((clip.name, points));
    }
    if let Some(v) = &gifsicle_version {
        println!("gifsicle: {v}");
    } else {
        println!("gifsicle: not installed (apt-get install gifsicle): its rows are left out");
    }
    write_outputs(&all);
}

/// `--sweep`: gifski's knobs one grid at a time on every clip, to choose gifgrab's mapping from its
/// quality setting to them. Writes `target/bench/sweep.tsv` (a line per GIF, as it goes).
fn sweep() {
    use std::io::Write;
    let work = TempDir::new("quality-sweep");
    let dir = workspace().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let mut tsv = std::fs::File::create(dir.join(std::env::var("SWEEP_OUT").unwrap_or("sweep.tsv".into()))).expect("sweep.tsv");
    writeln!(tsv, "clip\tpre\tfast\tquality\tmotion\tlossy\tpost\tbytes\tmean\tp10").unwrap();
    let grid = |name: &str| std::env::var(name).ok().map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect::<Vec<u8>>());
    let qualities = grid("SWEEP_QUALITY").unwrap_or(vec![50, 70, 85, 100]);
    let motions = grid("SWEEP_MOTION").unwrap_or(vec![40, 60, 80, 100]);
    let lossies = grid("SWEEP_LOSSY").unwrap_or(vec![30, 50, 70, 85, 100]);
    let fasts: Vec<bool> = grid("SWEEP_FAST").unwrap_or(vec![0]).iter().map(|f| *f != 0).collect();
    let mut settings = Vec::new();
    for &fast in &fasts {
        for &quality in &qualities {
            for &motion in &motions {
                for &lossy in &lossies {
                    settings.push(Knobs { quality, fast, motion: Some(motion), lossy: Some(lossy), matte: true });
                }
            }
        }
    }
    // What gifski is given: the reference frames, or ffmpeg's dithered ones (a RECIPES name).
    // `;` between them: `vf:` filter chains hold commas.
    let pres: Vec<String> = std::env::var("SWEEP_PRE").map(|v| v.split(';').map(String::from).collect()).unwrap_or(vec!["none".into()]);
    // Each GIF also through `gifsicle -O3 --lossy=N` for these N (0: none): what a re-optimising
    // pass after gifski could gain.
    // `SWEEP_SQUEEZE=L`: through gifgrab's squeeze at loss L (squared RGB error) instead.
    let mut posts: Vec<String> = vec!["0".into()];
    posts.extend(grid("SWEEP_GIFSICLE").unwrap_or_default().iter().filter(|&&n| n > 0).map(|n| format!("g{n}")));
    let losses = std::env::var("SWEEP_SQUEEZE").map(|v| v.split(',').filter_map(|n| n.parse::<u32>().ok()).collect::<Vec<_>>());
    posts.extend(losses.unwrap_or_default().iter().map(|n| format!("s{n}")));
    let clips = CLIPS.iter().filter(|c| std::env::var("SWEEP_CLIPS").map_or(true, |v| v.split(',').any(|n| n == c.name)));
    for clip in clips {
        let reference = reference_frames(&media(clip.file), clip.start, clip.length, FPS as f64, clip.width, clip.height);
        for (n, pre) in pres.iter().enumerate() {
            let given = if pre == "none" { reference.clone() } else { predithered(&reference, clip, pre, &work) };
            for &k in &settings {
                let (fast, quality, motion, lossy) = (k.fast as u8, k.quality, k.motion.unwrap_or(0), k.lossy.unwrap_or(0));
                let out = work.path(&format!("{}-{n}-{fast}-{quality}-{motion}-{lossy}.gif", clip.name));
                gifski_knobs(&given, clip, k, &out);
                for post in &posts {
                    let scored = work.path(&format!("{}-post{post}.gif", clip.name));
                    if let Some(n) = post.strip_prefix('g') {
                        assert!(gifsicle_lossy(&out, n.parse().expect("a lossy level"), &scored), "gifsicle on {}", out.display());
                    } else if let Some(n) = post.strip_prefix('s') {
                        let gif = std::fs::read(&out).expect("the GIF");
                        let squeezed = gifgrab_core::render::squeeze::squeeze(&gif, n.parse().expect("a loss")).expect("squeeze");
                        std::fs::write(&scored, squeezed).expect("write");
                    } else {
                        std::fs::copy(&out, &scored).expect("copy");
                    }
                    let p = score("sweep", "", &scored, &reference, clip);
                    writeln!(tsv, "{}\t{pre}\t{fast}\t{quality}\t{motion}\t{lossy}\t{post}\t{}\t{:.2}\t{:.2}", clip.name, p.bytes, p.mean, p.p10).unwrap();
                    println!("{} {pre} fast={fast} q{quality} m{motion} l{lossy} post {post}: {} KB {:.1}", clip.name, p.bytes / 1024, p.mean);
                }
                let _ = std::fs::remove_file(&out);
            }
        }
    }
}

/// `gifsicle -O3 --lossy=N` from `gif` into `out`; false if it did not run or failed.
fn gifsicle_lossy(gif: &Path, lossy: u32, out: &Path) -> bool {
    let run = Command::new("gifsicle").args(["-O3", &format!("--lossy={lossy}"), "-o"]).arg(out).arg(gif).status();
    run.is_ok_and(|s| s.success())
}

/// The reference frames as one raw RGB file, for ffmpeg.
fn write_raw(reference: &[Vec<u8>], clip: &Clip, work: &TempDir) -> std::path::PathBuf {
    let raw = work.path(&format!("{}.rgb", clip.name));
    std::fs::write(&raw, reference.concat()).expect("reference frames");
    raw
}

/// ffmpeg reading that raw file at the clip's size and rate; the caller adds the output.
fn ffmpeg_on_raw(raw: &Path, clip: &Clip) -> Command {
    let mut c = ffmpeg();
    c.args(["-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24"])
        .args(["-s", &format!("{}x{}", clip.width, clip.height), "-r", &FPS.to_string(), "-i"])
        .arg(raw);
    c
}

/// The reference frames through one of ffmpeg's RECIPES (by its sweep name), back as RGB frames.
/// `vf:<filters>` instead runs those filters (a denoiser, say) on the frames.
fn predithered(reference: &[Vec<u8>], clip: &Clip, pre: &str, work: &TempDir) -> Vec<Vec<u8>> {
    let graph = match pre.strip_prefix("vf:") {
        Some(filters) => format!("{filters},format=rgb24"),
        None => {
            let recipe = RECIPES.iter().find(|r| r.0 == pre).unwrap_or_else(|| panic!("unknown SWEEP_PRE {pre}")).2;
            format!("split[a][b];[a]{recipe},format=rgb24")
        }
    };
    let out = ffmpeg_on_raw(&write_raw(reference, clip, work), clip)
        .args(["-filter_complex", &graph, "-f", "rawvideo", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "{pre}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout.chunks_exact((clip.width * clip.height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// gifski's settings for one GIF: `None` leaves a knob coupled to `quality`, as gifski does.
#[derive(Clone, Copy)]
struct Knobs {
    quality: u8,
    fast: bool,
    motion: Option<u8>,
    lossy: Option<u8>,
    matte: bool,
}

/// gifski's library at its defaults (not fast), given the reference frames.
fn gifski_defaults(reference: &[Vec<u8>], clip: &Clip, quality: u8, out: &Path) {
    gifski_with(reference, clip, quality, None, out)
}

/// gifski at full palette quality with one of its coupled knobs lowered alone:
/// `("lossy", q)` (LZW) or `("motion", q)` (the temporal denoiser).
fn gifski_with(reference: &[Vec<u8>], clip: &Clip, quality: u8, knob: Option<(&str, u8)>, out: &Path) {
    let knobs = match knob {
        Some(("lossy", q)) => Knobs { quality, fast: false, motion: None, lossy: Some(q), matte: false },
        Some(("motion", q)) => Knobs { quality, fast: false, motion: Some(q), lossy: None, matte: false },
        _ => Knobs { quality, fast: false, motion: None, lossy: None, matte: false },
    };
    gifski_knobs(reference, clip, knobs, out)
}

#[allow(deprecated)]
fn gifski_knobs(reference: &[Vec<u8>], clip: &Clip, k: Knobs, out: &Path) {
    let settings = gifski::Settings { width: None, height: None, quality: k.quality, fast: k.fast, repeat: gifski::Repeat::Infinite };
    let (collector, mut writer) = gifski::new(settings).expect("gifski starts");
    if let Some(q) = k.motion {
        writer.set_motion_quality(q);
    }
    if let Some(q) = k.lossy {
        writer.set_lossy_quality(q);
    }
    if k.matte {
        // As gifgrab's encoder does (opaque frames, so the same pictures, less CPU).
        writer.set_matte_color(rgb::RGB8::new(0, 0, 0));
    }
    let frames: Vec<Vec<u8>> = reference.to_vec();
    let (w, h) = (clip.width as usize, clip.height as usize);
    std::thread::scope(|s| {
        s.spawn(move || {
            for (i, f) in frames.iter().enumerate() {
                let pixels: Vec<rgb::RGBA8> = f.chunks_exact(3).map(|p| rgb::RGBA8::new(p[0], p[1], p[2], 255)).collect();
                collector.add_frame_rgba(i, imgref::ImgVec::new(pixels, w, h), i as f64 / FPS as f64).expect("frame in");
            }
        });
        let file = std::fs::File::create(out).expect("gif file");
        writer.write(std::io::BufWriter::new(file), &mut gifski::progress::NoProgress {}).expect("gifski writes");
    });
}

/// The GIF's pictures at the reference's rate: encoders merge identical frames into longer ones,
/// so frames are taken by time, not by count.
fn frames_at_rate(gif: &Path, clip: &Clip) -> Vec<Vec<u8>> {
    let out = ffmpeg()
        .arg("-i")
        .arg(gif)
        .args(["-vf", &format!("fps={FPS}"), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success(), "decode {}", gif.display());
    out.stdout.chunks_exact((clip.width * clip.height * 3) as usize).map(|c| c.to_vec()).collect()
}

/// SSIMULACRA 2 of every GIF frame against its reference frame: mean and 10th percentile.
fn score(tool: &str, setting: &str, gif: &Path, reference: &[Vec<u8>], clip: &Clip) -> Point {
    let facts = gif_facts(gif);
    assert_eq!((facts.width, facts.height), (clip.width, clip.height), "{tool} {setting} made another size");
    let frames = frames_at_rate(gif, clip);
    let n = frames.len().min(reference.len());
    let mut scores: Vec<f64> = (0..n).map(|i| ssimulacra2_score(&reference[i], &frames[i], clip.width, clip.height)).collect();
    scores.sort_by(|a, b| a.total_cmp(b));
    let mean = scores.iter().sum::<f64>() / n.max(1) as f64;
    let p10 = scores.get(n / 10).copied().unwrap_or(0.0);
    Point { tool: tool.into(), setting: setting.into(), bytes: std::fs::metadata(gif).map(|m| m.len()).unwrap_or(0), mean, p10 }
}

fn print_clip(clip: &Clip, points: &[Point]) {
    println!("\n{} {:.1}-{:.1} s, {}×{}, {FPS} fps (SSIMULACRA 2: 100 identical, ~90 visually lossless, ~70 high)", clip.name, clip.start, clip.start + clip.length, clip.width, clip.height);
    println!("{:<42} {:>9} {:>9} {:>6} {:>6}", "tool", "setting", "KB", "mean", "p10");
    for p in points {
        println!("{:<42} {:>9} {:>9} {:>6.1} {:>6.1}", p.tool, p.setting, p.bytes.div_ceil(1024), p.mean, p.p10);
    }
}

fn write_outputs(all: &[(&str, Vec<Point>)]) {
    let dir = workspace().join("target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let json: Vec<serde_json::Value> = all
        .iter()
        .flat_map(|(clip, points)| {
            points.iter().map(move |p| serde_json::json!({"clip": clip, "tool": p.tool, "setting": p.setting, "bytes": p.bytes, "mean": p.mean, "p10": p.p10}))
        })
        .collect();
    let _ = std::fs::write(dir.join("quality.json"), serde_json::to_string_pretty(&json).unwrap_or_default());
    let _ = std::fs::write(dir.join("quality.svg"), svg(all));
    println!("\nwrote {} and quality.svg", dir.join("quality.json").display());
}

/// One panel per clip: KB across, mean SSIMULACRA 2 up, one colour per tool.
fn svg(all: &[(&str, Vec<Point>)]) -> String {
    let (pw, ph, pad) = (360.0, 260.0, 40.0);
    let colours = ["#6c3bea", "#e8590c", "#0b7285", "#2b8a3e", "#c2255c", "#868e96", "#f59f00", "#1c7ed6"];
    let mut out = format!("<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif' font-size='11'>", pw * all.len() as f64, ph + 90.0);
    let mut tools: Vec<String> = Vec::new();
    for (i, (clip, points)) in all.iter().enumerate() {
        let x0 = i as f64 * pw;
        let max_kb = points.iter().map(|p| p.bytes as f64 / 1024.0).fold(1.0, f64::max) * 1.05;
        let (min_s, max_s) = points.iter().fold((100.0f64, 0.0f64), |(lo, hi), p| (lo.min(p.mean), hi.max(p.mean)));
        let (min_s, max_s) = ((min_s - 2.0).floor(), (max_s + 2.0).ceil());
        let x = |kb: f64| x0 + pad + kb / max_kb * (pw - 2.0 * pad);
        let y = |s: f64| ph - pad - (s - min_s) / (max_s - min_s).max(1.0) * (ph - 2.0 * pad);
        out += &format!("<text x='{}' y='16' font-weight='bold'>{clip}</text>", x0 + pad);
        out += &format!("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='#999'/>", x(0.0), y(min_s), x(max_kb), y(min_s));
        out += &format!("<line x1='{}' y1='{}' x2='{}' y2='{}' stroke='#999'/>", x(0.0), y(min_s), x(0.0), y(max_s));
        out += &format!("<text x='{}' y='{}'>{:.0} KB</text><text x='{}' y='{}'>{min_s:.0}</text><text x='{}' y='{}'>{max_s:.0}</text>", x(max_kb) - 40.0, y(min_s) + 14.0, max_kb, x0 + 8.0, y(min_s), x0 + 8.0, y(max_s) + 4.0);
        for p in points {
            if !tools.contains(&p.tool) {
                tools.push(p.tool.clone());
            }
        }
        // Each tool's settings as one curve, smallest file first.
        for (t, tool) in tools.iter().enumerate() {
            let mut mine: Vec<&Point> = points.iter().filter(|p| p.tool == *tool).collect();
            mine.sort_by_key(|p| p.bytes);
            let colour = colours[t % colours.len()];
            let line: Vec<String> = mine.iter().map(|p| format!("{:.1},{:.1}", x(p.bytes as f64 / 1024.0), y(p.mean))).collect();
            if line.len() > 1 {
                out += &format!("<polyline points='{}' fill='none' stroke='{colour}' stroke-width='1.5'/>", line.join(" "));
            }
            for p in mine {
                out += &format!("<circle cx='{:.1}' cy='{:.1}' r='3.5' fill='{colour}'/>", x(p.bytes as f64 / 1024.0), y(p.mean));
            }
        }
    }
    for (t, tool) in tools.iter().enumerate() {
        out += &format!("<circle cx='{}' cy='{}' r='4' fill='{}'/><text x='{}' y='{}'>{tool}</text>", 50.0 + (t % 3) as f64 * 330.0, ph + 20.0 + (t / 3) as f64 * 18.0, colours[t % colours.len()], 58.0 + (t % 3) as f64 * 330.0, ph + 24.0 + (t / 3) as f64 * 18.0);
    }
    out + "</svg>"
}

/// A tool's points as (score, ln bytes), by score; None under two points.
fn curve(points: &[Point], tool: &str) -> Vec<(f64, f64)> {
    let mut c: Vec<(f64, f64)> = points.iter().filter(|p| p.tool == tool).map(|p| (p.mean, (p.bytes as f64).ln())).collect();
    c.sort_by(|a, b| a.0.total_cmp(&b.0));
    c
}

/// ln bytes at `score` on a curve (linear between its points), inside its range only.
fn at(c: &[(f64, f64)], score: f64) -> Option<f64> {
    c.windows(2).find(|w| w[0].0 <= score && score <= w[1].0).map(|w| {
        let t = if w[1].0 > w[0].0 { (score - w[0].0) / (w[1].0 - w[0].0) } else { 0.0 };
        w[0].1 + t * (w[1].1 - w[0].1)
    })
}

/// gifgrab's bytes against `other`'s at equal SSIMULACRA 2, averaged in log space over the scores
/// both reach (a BD-rate: -10 % means gifgrab needs a tenth fewer bytes for the same look).
fn bd_rate(ours: &[(f64, f64)], other: &dyn Fn(f64) -> Option<f64>, lo: f64, hi: f64) -> Option<(f64, f64, f64)> {
    let steps = 200;
    let diffs: Vec<(f64, f64)> = (0..=steps)
        .map(|i| lo + (hi - lo) * i as f64 / steps as f64)
        .filter_map(|s| Some((s, at(ours, s)? - other(s)?)))
        .collect();
    if diffs.len() < 10 {
        return None;
    }
    let mean = diffs.iter().map(|d| d.1).sum::<f64>() / diffs.len() as f64;
    Some((mean.exp() - 1.0, diffs[0].0, diffs[diffs.len() - 1].0))
}

fn print_bd_rates(points: &[Point]) {
    let ours = curve(points, "gifgrab");
    let (Some(first), Some(last)) = (ours.first(), ours.last()) else { return };
    let mut tools: Vec<&str> = points.iter().map(|p| p.tool.as_str()).filter(|t| *t != "gifgrab").collect();
    tools.dedup();
    println!("gifgrab's bytes at equal SSIMULACRA 2 (BD-rate; negative: gifgrab smaller):");
    let mut curves = Vec::new();
    for tool in tools {
        let c = curve(points, tool);
        if c.len() >= 2 {
            match bd_rate(&ours, &|s| at(&c, s), first.0, last.0) {
                Some((rate, lo, hi)) => println!("  vs {tool:<40} {:+6.1} % over scores {lo:.0}-{hi:.0}", rate * 100.0),
                None => println!("  vs {tool:<40} no common range of scores"),
            }
            curves.push(c);
        } else if let Some(&(score, ln)) = c.first() {
            match at(&ours, score) {
                Some(mine) => println!("  vs {tool:<40} {:+6.1} % at its one point (score {score:.1})", ((mine - ln).exp() - 1.0) * 100.0),
                None => println!("  vs {tool:<40} its one point (score {score:.1}) is outside gifgrab's range"),
            }
        }
    }
    // The best of the other curves at each score.
    let best = |s: f64| curves.iter().filter_map(|c| at(c, s)).reduce(f64::min);
    if let Some((rate, lo, hi)) = bd_rate(&ours, &best, first.0, last.0) {
        println!("  vs the best other curve at each score     {:+6.1} % over scores {lo:.0}-{hi:.0}", rate * 100.0);
    }
}
