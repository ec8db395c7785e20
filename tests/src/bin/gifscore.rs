//! `gifscore <gif> <source video> <start s> [fps]`: a GIF's frames, size, length and mean SSIM
//! against ffmpeg's exact reference frames (for tuning; the bench reports the same score).

use gifgrab_tests::*;
use std::path::Path;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.len() < 3 {
        eprintln!("usage: gifscore <gif> <source video> <start seconds> [fps]");
        std::process::exit(2);
    }
    let (gif, src) = (Path::new(&a[0]), Path::new(&a[1]));
    let start: f64 = a[2].parse().expect("start seconds");
    let fps: f64 = a.get(3).and_then(|f| f.parse().ok()).unwrap_or(15.0);
    let facts = gif_facts(gif);
    let frames = gif_frames_rgb(gif, facts.width, facts.height);
    let refs = reference_frames(src, start, facts.duration, fps, facts.width, facts.height);
    let n = frames.len().min(refs.len()).max(1);
    let score = frames.iter().zip(&refs).map(|(f, r)| ssim(f, r, facts.width, facts.height)).sum::<f64>() / n as f64;
    let bytes = std::fs::metadata(gif).map(|m| m.len()).unwrap_or(0);
    println!("{} {}x{} frames={} duration={:.2} bytes={} ssim={score:.4}", gif.display(), facts.width, facts.height, frames.len(), facts.duration, bytes);
}
