//! `cargo xtask bench --effects`: what each edit costs against the plain GIF, in one run, on a
//! local 720p clip (no network, so the time is the work): median of runs, wall time ratios.

use gifgrab_tests::*;
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args().skip_while(|a| a != "--runs").nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let work = TempDir::new("effects");
    let srt = work.path("talk.srt");
    std::fs::write(&srt, "1\n00:05:00,500 --> 00:05:02,500\nHELLO 안녕하세요\n\n2\n00:05:03,000 --> 00:05:04,500\nA second line of dialogue\n").unwrap();
    let srt = srt.to_string_lossy().into_owned();
    let source = media("long.mp4").to_string_lossy().into_owned();
    let base = ["-s", "300", "-e", "305", "-w", "480", "-r", "15", "-y"];
    let effects: Vec<(&str, Vec<&str>)> = vec![
        ("plain", vec![]),
        ("crop 1:1", vec!["--aspect", "1:1"]),
        ("crop box", vec!["--crop", "640:360:320:180"]),
        ("speed 2x", vec!["--speed", "2"]),
        ("speed 0.5x (10 s GIF)", vec!["--speed", "0.5"]),
        ("reverse", vec!["--reverse"]),
        ("bounce (10 s GIF)", vec!["--bounce"]),
        ("caption meme", vec!["--text-top", "WHEN IT WORKS", "--text-bottom", "처음부터 한 번에"]),
        ("caption plain", vec!["--text-bottom", "A plain caption", "--text-style", "plain"]),
        ("subtitles (file)", vec!["--subs", &srt]),
        ("all at once", vec!["--aspect", "1:1", "--speed", "2", "--bounce", "--text-top", "ALL", "--subs", &srt]),
    ];
    eprintln!("effects: {} edits, {runs} runs each, {source} 5:00-5:05 at 480 px, 15 fps", effects.len());
    let mut rows = Vec::new();
    for (name, extra) in &effects {
        let out = work.path("e.gif");
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let done = gifgrab().arg(&source).args(base).args(extra).arg("-o").arg(&out).output().expect("gifgrab runs");
            assert!(done.status.success(), "{name}: {}", String::from_utf8_lossy(&done.stderr));
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let facts = gif_facts(&out);
        // The GIF's pixels over all its frames as decoded (merged frames still cost their work).
        let shown = (facts.duration * 15.0).round() * facts.width as f64 * facts.height as f64 / 1e6;
        rows.push((name.to_string(), median, facts.frames, std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0), shown));
        eprintln!("effects: {name:<24} {median:.3} s");
    }
    let (plain, plain_mp) = (rows[0].1, rows[0].4);
    // Edits that make more or larger frames cost more for that alone: per megapixel of GIF is the edit's own cost.
    println!("\n| edit | wall (median of {runs}) | vs plain | per GIF megapixel vs plain | frames | GIF |");
    println!("|---|---|---|---|---|---|");
    for (name, wall, frames, bytes, mp) in &rows {
        let own = (wall / mp) / (plain / plain_mp) - 1.0;
        println!("| {name} | {wall:.3} s | {:+.0} % | {:+.0} % | {frames} | {} KB |", (wall / plain - 1.0) * 100.0, own * 100.0, bytes / 1024);
    }
    let json: Vec<serde_json::Value> = rows
        .iter()
        .map(|(name, wall, frames, bytes, mp)| {
            serde_json::json!({ "edit": name, "wall": wall, "ratio": wall / plain, "per_megapixel_ratio": (wall / mp) / (plain / plain_mp), "frames": frames, "bytes": bytes })
        })
        .collect();
    let dir = workspace().join("target/bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("effects.json"), serde_json::to_string_pretty(&json).unwrap()).unwrap();
}
