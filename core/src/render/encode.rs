//! gifski: frames in through a `Collector`, the GIF out of a `Writer` on the calling thread.

use crate::error::{Msg, Result};
use crate::os::process::CancelToken;
use crate::render::squeeze::Squeezer;
use crate::spec::GifSpec;
use std::io::Write;

/// gifski's settings come from the spec's quality (through [`knobs`]) and loop.
#[allow(deprecated)] // gifski's hidden knob setters: re-check them on gifski updates.
pub fn start(s: &GifSpec) -> Result<(gifski::Collector, gifski::Writer)> {
    let k = knobs(s.quality);
    let settings = gifski::Settings {
        // Frames come at the GIF's size; with no width gifski halves any over ~840k pixels.
        width: Some(MAX_SIDE),
        height: None,
        quality: k.palette,
        fast: k.fast,
        repeat: repeat(s.plays),
    };
    let (collector, mut writer) =
        gifski::new(settings).map_err(|e| Msg::internal(format!("starting the GIF encoder: {e}")))?;
    writer.set_motion_quality(k.motion);
    writer.set_lossy_quality(k.lossy);
    // Frames arrive opaque: a matte skips gifski's scan of every pixel for dithered alpha
    // edges (a tenth of its CPU, measured).
    writer.set_matte_color(rgb::RGB8::new(0, 0, 0));
    Ok((collector, writer))
}

/// The knobs for one quality setting: gifski's three, `palette` (its quality: palette accuracy and
/// dithering strength), `motion` (the temporal denoiser) and `lossy` (lossy LZW; 100 is off), and
/// gifgrab's `squeeze` after it (the squared RGB error a pixel may take; 0 is off), and whether
/// gifski quantises in its fast mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Knobs {
    pub palette: u8,
    pub motion: u8,
    pub lossy: u8,
    pub squeeze: u32,
    pub fast: bool,
}

/// gifgrab's quality scale along the smallest-bytes-for-the-score path that `bench --quality
/// --sweep` found on every clip, instead of gifski's coupling (all three = quality), which spends
/// the denoiser first and needed up to 43 % more bytes than gifsicle's lossy at equal SSIMULACRA 2.
/// From the top: palette quality down to 75 (above it buys almost nothing), then the squeeze
/// together with less palette quality (less dithering) down to q50, then gifski's lossy LZW and
/// its denoiser, and from q30 down gifski's own coupling. Each knob gives more bytes as quality
/// rises, so size does too (fit relies on it).
pub fn knobs(quality: u8) -> Knobs {
    // (quality, palette, motion, lossy, squeeze), measured points between which knobs are interpolated.
    const PATH: [(u8, u8, u8, u8, u8); 11] = [
        // Up to q30 gifski's own coupling (denoiser first): below a score of about 30 it is the
        // smallest on every clip (a path of less palette quality was 2-5 % larger there).
        (1, 30, 30, 30, 100),
        (20, 40, 40, 40, 100),
        (30, 50, 50, 50, 100),
        // Then palette 52 with the denoiser and lossy LZW eased off together (bigbuckbunny
        // palette 52, both 62: 1117 KB at 35.7, gifski's coupling about 1134; carphone 3.5 % below
        // it; the squeeze does little on gifski's lossy frames).
        (40, 52, 62, 62, 100),
        // The squeeze beats gifski's lossy LZW at equal score (bikes palette 56 + squeeze 30: 772
        // KB at 52.1, palette 54 + lossy 78: 866 KB at 52.7), so it takes over from q72 down.
        (50, 52, 100, 100, 100),
        (60, 56, 100, 100, 80),
        (72, 60, 100, 100, 60),
        (80, 64, 100, 100, 50),
        (90, 68, 100, 100, 30),
        (95, 75, 100, 100, 0),
        (100, 100, 100, 100, 0),
    ];
    let q = quality.clamp(1, 100);
    let i = PATH.iter().position(|p| p.0 >= q).unwrap_or(PATH.len() - 1).max(1);
    let (a, b) = (PATH[i - 1], PATH[i]);
    let t = f32::from(q - a.0) / f32::from(b.0 - a.0);
    let mix = |x: u8, y: u8| (f32::from(x) + t * (f32::from(y) - f32::from(x))).round() as u8;
    let lossy = mix(a.3, b.3);
    // Careful quantising wherever gifski's lossy LZW is on: 0.5-1 % fewer bytes and up to a point
    // more score there (sweep, every clip); above, fast mode's 40 % less CPU costs little.
    Knobs { palette: mix(a.1, b.1), motion: mix(a.2, b.2), lossy, squeeze: u32::from(mix(a.4, b.4)), fast: lossy == 100 }
}

/// gifski's largest side: a width it keeps as it is (it only ever shrinks to a given one).
const MAX_SIDE: u32 = 1 << 16;

/// Plays N times is N - 1 repeats in the NETSCAPE2.0 block; once writes no block at all (the
/// gif crate leaves it out for 0 repeats), forever is its 0.
fn repeat(plays: u16) -> gifski::Repeat {
    match plays {
        0 => gifski::Repeat::Infinite,
        n => gifski::Repeat::Finite(n - 1),
    }
}

/// Reports each written frame and stops the writer once the job is cancelled.
struct Reporter<'a> {
    written: u64,
    cancel: &'a CancelToken,
    on_frame: &'a (dyn Fn(u64) + Sync),
    on_bytes: &'a (dyn Fn(u64) -> bool + Sync),
    stopped_by_size: bool,
}

impl gifski::progress::ProgressReporter for Reporter<'_> {
    fn increase(&mut self) -> bool {
        self.written += 1;
        (self.on_frame)(self.written);
        !self.cancel.is_cancelled() && !self.stopped_by_size
    }

    fn written_bytes(&mut self, bytes: u64) {
        self.stopped_by_size |= !(self.on_bytes)(bytes);
    }
}

/// Runs the writer until the collector is dropped, through the squeeze of `quality`'s knobs;
/// returns frames written. `on_bytes` sees the file's size after each frame; returning `false`
/// stops the writer (gifski then reports `Aborted`).
pub fn write_watched(
    writer: gifski::Writer,
    out: impl Write,
    quality: u8,
    cancel: &CancelToken,
    on_frame: &(dyn Fn(u64) + Sync),
    on_bytes: &(dyn Fn(u64) -> bool + Sync),
) -> Result<u64, gifski::Error> {
    let mut squeezer = Squeezer::new(out, knobs(quality).squeeze);
    let squeezed = squeezer.written();
    // The file's size is what the squeeze wrote, not what gifski handed it.
    let on_squeezed = |_: u64| on_bytes(squeezed.load(std::sync::atomic::Ordering::Relaxed));
    let mut reporter = Reporter { written: 0, cancel, on_frame, on_bytes: &on_squeezed, stopped_by_size: false };
    writer.write(&mut squeezer, &mut reporter)?;
    squeezer.finish()?;
    Ok(reporter.written)
}

/// Keeps the first write error: gifski reports a failed write only as "aborted".
pub struct TrackedWriter<W> {
    inner: W,
    pub error: Option<std::io::Error>,
}

impl<W: Write> TrackedWriter<W> {
    pub fn new(inner: W) -> Self {
        TrackedWriter { inner, error: None }
    }

    fn track<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let (Err(e), None) = (&r, &self.error) {
            let copy = e.raw_os_error().map(std::io::Error::from_raw_os_error);
            self.error = Some(copy.unwrap_or_else(|| std::io::Error::new(e.kind(), e.to_string())));
        }
        r
    }
}

impl<W: Write> Write for TrackedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.track(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.track(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knobs_follow_the_measured_path_and_rise_with_quality() {
        assert_eq!(knobs(100), Knobs { palette: 100, motion: 100, lossy: 100, squeeze: 0, fast: true });
        assert_eq!(knobs(95), Knobs { palette: 75, motion: 100, lossy: 100, squeeze: 0, fast: true });
        assert_eq!(knobs(90), Knobs { palette: 68, motion: 100, lossy: 100, squeeze: 30, fast: true });
        assert_eq!(knobs(55), Knobs { palette: 54, motion: 100, lossy: 100, squeeze: 90, fast: true });
        assert_eq!(knobs(1), Knobs { palette: 30, motion: 30, lossy: 30, squeeze: 100, fast: false });
        assert_eq!(knobs(30), Knobs { palette: 50, motion: 50, lossy: 50, squeeze: 100, fast: false });
        assert_eq!(knobs(20), Knobs { palette: 40, motion: 40, lossy: 40, squeeze: 100, fast: false });
        assert_eq!(knobs(0), knobs(1));
        for q in 1..100u8 {
            let (a, b) = (knobs(q), knobs(q + 1));
            let more = b.palette >= a.palette && b.motion >= a.motion && b.lossy >= a.lossy && b.squeeze <= a.squeeze && b.fast >= a.fast;
            assert!(more, "{q}: {a:?} then {b:?}");
        }
    }
}
