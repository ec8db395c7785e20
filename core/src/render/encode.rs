//! gifski: frames in through a `Collector`, the GIF out of a `Writer` on the calling thread.

use crate::error::{Msg, Result};
use crate::os::process::CancelToken;
use crate::spec::GifSpec;
use std::io::Write;

/// gifski's settings come from the spec's quality and loop.
pub fn start(s: &GifSpec) -> Result<(gifski::Collector, gifski::Writer)> {
    let settings = gifski::Settings {
        width: None,
        height: None,
        // With gifski's `gifsicle` feature on, quality below 100 also means lossy LZW, as gifski
        // itself ships: without it gifgrab had only the denoiser to save bytes (bench --quality:
        // at equal bytes +5.8 points on bikes, +2.4 on bigbuckbunny, -1.9 on carphone).
        quality: s.quality,
        // Measured: 40% less CPU for SSIM within 0.006 and files within 3% (README, Performance).
        fast: true,
        repeat: repeat(s.plays),
    };
    let (collector, mut writer) =
        gifski::new(settings).map_err(|e| Msg::internal(format!("starting the GIF encoder: {e}")))?;
    // Frames arrive opaque: a matte skips gifski's scan of every pixel for dithered alpha
    // edges (a tenth of its CPU, measured). Hidden, deprecated API: re-check on gifski updates.
    #[allow(deprecated)]
    writer.set_matte_color(rgb::RGB8::new(0, 0, 0));
    Ok((collector, writer))
}

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

/// Runs the writer until the collector is dropped; returns frames written. `on_bytes` sees
/// the file's size after each frame; returning `false` stops the writer (gifski then reports
/// `Aborted`).
pub fn write_watched(
    writer: gifski::Writer,
    out: impl Write,
    cancel: &CancelToken,
    on_frame: &(dyn Fn(u64) + Sync),
    on_bytes: &(dyn Fn(u64) -> bool + Sync),
) -> Result<u64, gifski::Error> {
    let mut reporter = Reporter { written: 0, cancel, on_frame, on_bytes, stopped_by_size: false };
    writer.write(out, &mut reporter)?;
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
