//! ffmpeg → frames: seeks the input to the start (only that part is fetched), decodes the
//! range at the output size and rate, and hands out RGBA frames from its stdout pipe.
//! Frames come as PAM images, each stating its size, so one ffmpeg run both learns the
//! source (its log lists it) and decodes it: no separate look at the header first.

use crate::clip;
use crate::error::{Error, Result};
use crate::render::ffmpeg::{self, Transfer};
use crate::source::guard::Guard;
use crate::source::probe::Input;
use crate::os::process::{CancelToken, Proc};
use crate::tools::sidecars::Sidecars;
use imgref::ImgVec;
use rgb::{ComponentBytes, RGBA8};
use std::io::{BufRead, BufReader, Read};
use std::process::{ChildStdout, ExitStatus};
use std::time::Duration;

/// What to decode: the range, and the frames' width and rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub start: f64,
    pub length: f64,
    /// Output width; 0 keeps the source's. Never upscaled, at most `clip::MAX_WIDTH`.
    pub width: u32,
    pub fps: u32,
    /// Assume HD colours for untagged HD sources (ffmpeg would assume SD's BT.601).
    pub assume_bt709: bool,
    /// HDR sources are tone-mapped to BT.709 SDR.
    pub transfer: Transfer,
}

impl Plan {
    /// Frames ffmpeg emits: one per 1/fps step that starts inside the range.
    pub fn frame_count(&self) -> u64 {
        ((self.length * self.fps as f64) - 1e-6).ceil().max(1.0) as u64
    }
}

/// The full ffmpeg command line after the program name.
pub fn args(plan: &Plan, input: &Input, guard: Option<&Guard>) -> Vec<String> {
    // Info-level lines carry the stream listing; `Log::split` keeps errors apart from it.
    let mut a: Vec<String> = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info"].map(String::from).to_vec();
    a.extend(ffmpeg::input_args(input, guard));
    // -ss before -i: jump to the keyframe before start, then decode exactly to start.
    a.extend(["-ss".into(), format!("{:.6}", plan.start), "-i".into(), ffmpeg::input_location(input)]);
    let filters = filter_graph(plan);
    a.extend(
        [
            "-t".to_string(),
            format!("{:.6}", plan.length),
            "-map".into(),
            // `V`, not `v`: a song's cover art is a video stream too, but no video.
            "0:V:0".into(),
            "-an".into(),
            "-sn".into(),
            "-dn".into(),
            "-vf".into(),
            filters,
            "-c:v".into(),
            "pam".into(),
            "-f".into(),
            "image2pipe".into(),
            "pipe:1".into(),
        ],
    );
    a
}

/// The one filter graph: frame rate, size (display proportions: anamorphic pixels are
/// stretched, rotated phone videos come turned), tone mapping for HDR, then RGBA.
pub fn filter_graph(plan: &Plan) -> String {
    format!("fps={},{}", plan.fps, picture_filters(plan))
}

/// Size and colours, shared with the still previews so they look like the GIF.
pub fn picture_filters(plan: &Plan) -> String {
    let width = if plan.width == 0 { clip::MAX_WIDTH } else { plan.width.min(clip::MAX_WIDTH) };
    // `sar` is 1 when a stream states none; never upscaled beyond its display width.
    let size = format!("scale=w='min(round(iw*sar),{width})':h='max(1,round(ih*ow/(iw*sar)))':flags=lanczos");
    let colours = match plan.transfer {
        // Resize in YUV at full chroma, then convert: the colours of swscale's full_chroma_int
        // path (PSNR over 50 dB against it) at half its CPU.
        Transfer::Sdr => {
            let matrix = if plan.assume_bt709 { "bt709" } else { "auto" };
            format!("format=yuv444p,scale=flags=accurate_rnd:in_color_matrix={matrix}:in_range=auto:out_range=full")
        }
        Transfer::Pq => tone_map("smpte2084"),
        Transfer::Hlg => tone_map("arib-std-b67"),
    };
    format!("{size},{colours},setsar=1,format=rgba")
}

/// HDR (PQ or HLG, BT.2020) to BT.709 SDR, after the resize (a third of the cost at 1080p):
/// linear light with SDR white at BT.2408's 203 nits, BT.709 primaries, then a mobius curve
/// that rolls 1000-nit highlights (peak 1000/203) off smoothly instead of clipping them.
/// The input is named, not read from frame tags, so a stream missing some still converts.
/// Measured on real clips made HDR: RGB SSIM 0.97-0.99 against the SDR original (0.80-0.89
/// without it), 2-3 ms a frame.
fn tone_map(transfer: &str) -> String {
    format!(
        "zscale=tin={transfer}:min=bt2020nc:pin=bt2020:rin=tv:t=linear:p=bt709:npl=203,format=gbrpf32le,\
         tonemap=mobius:param=0.5:peak=4.93:desat=0,zscale=t=bt709,format=gbrp"
    )
}

/// Largest frame ffmpeg may hand over: the output width cap, any sane aspect ratio.
const MAX_FRAME_PIXELS: usize = (clip::MAX_WIDTH as usize) * (clip::MAX_WIDTH as usize) * 4;

pub struct Decoder {
    proc: Proc,
    out: BufReader<ChildStdout>,
    guard: Option<Guard>,
}

impl Decoder {
    pub fn spawn(sidecars: &Sidecars, plan: &Plan, input: &Input, cancel: &CancelToken) -> Result<Decoder> {
        let (mut cmd, guard) = ffmpeg::command(sidecars, input)?;
        cmd.args(args(plan, input, guard.as_ref()));
        let mut proc = Proc::spawn("ffmpeg", cmd, cancel, true)?;
        let out = proc.stdout().ok_or_else(|| Error::Internal("ffmpeg has no stdout".into()))?;
        Ok(Decoder { proc, out: BufReader::with_capacity(64 * 1024, out), guard })
    }

    /// The next frame, or None at the end of the range.
    pub fn next_frame(&mut self) -> Result<Option<ImgVec<RGBA8>>> {
        let Some((width, height)) = self.read_header()? else { return Ok(None) };
        // ffmpeg's bytes land straight in the pixel buffer gifski takes: one copy per frame.
        let mut pixels = vec![RGBA8::new(0, 0, 0, 255); width * height];
        match self.out.read_exact(pixels.as_bytes_mut()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(Error::Internal(format!("reading frames from ffmpeg: {e}"))),
        }
        // GIFs made here are opaque, whatever alpha a source may carry.
        pixels.iter_mut().for_each(|p| p.a = 255);
        Ok(Some(ImgVec::new(pixels, width, height)))
    }

    /// Reads one PAM header (`P7`, `WIDTH`, `HEIGHT`, `DEPTH 4`, …, `ENDHDR`); None at the end.
    fn read_header(&mut self) -> Result<Option<(usize, usize)>> {
        let (mut width, mut height, mut depth) = (0usize, 0usize, 0usize);
        let mut line = Vec::new();
        for n in 0.. {
            line.clear();
            let got = self.out.read_until(b'\n', &mut line).map_err(|e| Error::Internal(format!("reading frames from ffmpeg: {e}")))?;
            if got == 0 || line.last() != Some(&b'\n') {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let mut words = text.split_whitespace();
            let (key, value) = (words.next().unwrap_or(""), words.next().and_then(|v| v.parse::<usize>().ok()));
            match (n, key) {
                (0, "P7") => {}
                (0, _) | (12.., _) => return Err(Error::Internal("ffmpeg sent frames gifgrab cannot read".into())),
                (_, "WIDTH") => width = value.unwrap_or(0),
                (_, "HEIGHT") => height = value.unwrap_or(0),
                (_, "DEPTH") => depth = value.unwrap_or(0),
                (_, "ENDHDR") => break,
                _ => {}
            }
        }
        if depth != 4 || width == 0 || height == 0 || width * height > MAX_FRAME_PIXELS {
            return Err(Error::Internal(format!("ffmpeg sent an unexpected frame ({width}×{height}, {depth} channels)")));
        }
        Ok(Some((width, height)))
    }

    pub fn id(&self) -> u32 {
        self.proc.id()
    }

    /// ffmpeg's listing of the source. Complete once a frame has arrived: ffmpeg lists its
    /// output (after the input) before writing one; this waits for the log to catch up.
    pub fn listing(&self) -> String {
        self.proc.wait_stderr(|log| log.contains("Output #0"), Duration::from_secs(2));
        ffmpeg::Log::split(&self.proc.stderr_so_far()).listing
    }

    /// Waits for ffmpeg; returns its exit status and its log (with the guard's refusals
    /// as errors).
    pub fn finish(self) -> (Result<ExitStatus>, ffmpeg::Log) {
        drop(self.out);
        match self.proc.finish() {
            Ok((status, stderr)) => {
                let mut log = ffmpeg::Log::split(&stderr);
                log.errors = ffmpeg::with_refusals(&log.errors, self.guard.as_ref());
                (Ok(status), log)
            }
            Err(e) => (Err(e), ffmpeg::Log::default()),
        }
    }
}
