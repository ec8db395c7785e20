//! ffmpeg → frames: seeks the input to the start (only that part is fetched), decodes the
//! range at the output size and rate, and hands out RGBA frames from its stdout pipe.
//! Frames come as PAM images, each stating its size, so one ffmpeg run both learns the
//! source (its log lists it) and decodes it: no separate look at the header first.

use crate::error::{Msg, Result};
use crate::render::ffmpeg;
use crate::render::filters;
use crate::source::input::Transfer;
use crate::source::probe::Media;
use crate::edits::Edits;
use crate::render::captions;
use crate::spec::GifSpec;
use crate::source::input::Input;
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
    /// Output width; 0 keeps the source's. Never upscaled, at most `crate::spec::MAX_WIDTH`.
    pub width: u32,
    pub fps: u32,
    /// Assume HD colours for untagged HD sources (ffmpeg would assume SD's BT.601).
    pub assume_bt709: bool,
    /// HDR sources are tone-mapped to BT.709 SDR.
    pub transfer: Transfer,
    /// Crop, speed, direction and captions.
    pub edits: Edits,
    /// The frames' size once the source's is known (captions are laid out for it).
    pub frame_size: Option<(u32, u32)>,
    /// The source's display size, when known.
    pub source_size: Option<(u32, u32)>,
    /// Subtitles to burn in.
    pub subtitles: Option<BurnIn>,
}

/// An ASS file (its cues in the video's own time) and the fonts to draw it with.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnIn {
    pub ass: std::path::PathBuf,
    pub fonts: std::path::PathBuf,
}

impl Plan {
    /// The GIF's frames from this media.
    pub fn gif(spec: &GifSpec, media: &Media) -> Plan {
        Plan { start: spec.start, length: spec.length(), fps: spec.fps, ..Plan::still(0.0, spec.width, &spec.edits, media) }
    }

    /// This plan at another size and rate (fitting under a size limit), keeping what the
    /// stream's listing taught it (colours, HDR).
    pub fn with_settings(&self, spec: &GifSpec) -> Plan {
        let frame_size = self.source_size.and_then(|(w, h)| crate::pipeline::frame_size(w, h, &self.edits, spec.width).ok());
        Plan { width: spec.width, fps: spec.fps, frame_size, ..self.clone() }
    }

    /// One picture at `at`, as the GIF would show it (the previews).
    pub fn still(at: f64, width: u32, edits: &Edits, media: &Media) -> Plan {
        let known = media.width > 0 && media.height > 0;
        Plan {
            start: at,
            length: 0.0,
            width,
            fps: 1,
            assume_bt709: media.untagged_colors && media.height >= crate::pipeline::HD_HEIGHT,
            transfer: media.transfer,
            edits: edits.clone(),
            frame_size: known.then(|| crate::pipeline::frame_size(media.width, media.height, edits, width).ok()).flatten(),
            source_size: known.then_some((media.width, media.height)),
            subtitles: None,
        }
    }

    /// Frames ffmpeg emits: one per 1/fps step of the GIF's time that starts inside the range.
    pub fn frame_count(&self) -> u64 {
        ((self.gif_length() * self.fps as f64) - 1e-6).ceil().max(1.0) as u64
    }

    /// The range's length as the GIF plays it (before a bounce doubles it).
    pub fn gif_length(&self) -> f64 {
        self.length / self.edits.speed
    }
}

/// The full ffmpeg command line after the program name.
pub fn args(plan: &Plan, input: &Input, route: &ffmpeg::Route, overlays: &[String]) -> Vec<String> {
    // Info-level lines carry the stream listing; `Log::split` keeps errors apart from it.
    let mut a: Vec<String> = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info"].map(String::from).to_vec();
    a.extend(ffmpeg::input_args(input, route));
    // -ss before -i: jump to the keyframe before start, then decode exactly to start.
    a.extend(["-ss".into(), format!("{:.6}", plan.start), "-i".into(), ffmpeg::input_location(input, route)]);
    let filters = filters::gif(plan, overlays);
    a.extend(
        [
            // An output duration: the GIF's own time, after any change of speed.
            "-t".to_string(),
            format!("{:.6}", plan.gif_length()),
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

/// The plan's captions laid out for its frame size (the pipeline learns the size first).
pub fn prepare_captions(sidecars: &Sidecars, plan: &Plan) -> Result<Option<captions::Prepared>> {
    if !plan.edits.has_captions() {
        return Ok(None);
    }
    let (width, height) = plan.frame_size.ok_or_else(|| Msg::internal("captions need the frame size first"))?;
    captions::prepare(&plan.edits, &sidecars.fonts, captions::Area::whole(width, height))
}

/// Largest frame ffmpeg may hand over: the output width cap, any sane aspect ratio.
const MAX_FRAME_PIXELS: usize = (crate::spec::MAX_WIDTH as usize) * (crate::spec::MAX_WIDTH as usize) * 4;

pub struct Decoder {
    // Fields drop in order: the pipe closes before the process is waited for, so an ffmpeg
    // blocked on a full pipe ends (where no group kill reaches it, as on Windows).
    out: BufReader<ChildStdout>,
    proc: Proc,
    route: ffmpeg::Route,
    /// The caption files ffmpeg reads, removed once it is done.
    _captions: Option<captions::Prepared>,
}

impl Decoder {
    pub fn spawn(sidecars: &Sidecars, plan: &Plan, input: &Input, cancel: &CancelToken) -> Result<Decoder> {
        let prepared = prepare_captions(sidecars, plan)?;
        let overlays = prepared.as_ref().map(|p| p.filters.clone()).unwrap_or_default();
        let (mut cmd, route) = ffmpeg::command(sidecars, input)?;
        cmd.args(args(plan, input, &route, &overlays));
        let mut proc = Proc::spawn("ffmpeg", cmd, cancel, true)?;
        let out = proc.stdout().ok_or_else(|| Msg::internal("ffmpeg has no stdout"))?;
        Ok(Decoder { proc, out: BufReader::with_capacity(64 * 1024, out), route, _captions: prepared })
    }

    /// Bytes ffmpeg's requests have received so far, for a remote input.
    pub fn received(&self) -> Option<std::sync::Arc<std::sync::atomic::AtomicU64>> {
        self.route.guard().map(|g| g.received_counter())
    }

    /// The next frame, or None at the end of the range.
    pub fn next_frame(&mut self) -> Result<Option<ImgVec<RGBA8>>> {
        let Some((width, height)) = self.read_header()? else { return Ok(None) };
        // ffmpeg's bytes land straight in the pixel buffer gifski takes: one copy per frame.
        let mut pixels = vec![RGBA8::new(0, 0, 0, 255); width * height];
        match self.out.read_exact(pixels.as_bytes_mut()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(Msg::internal(format!("reading frames from ffmpeg: {e}")).into()),
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
            let got = self.out.read_until(b'\n', &mut line).map_err(|e| Msg::internal(format!("reading frames from ffmpeg: {e}")))?;
            if got == 0 || line.last() != Some(&b'\n') {
                return Ok(None);
            }
            let text = String::from_utf8_lossy(&line);
            let mut words = text.split_whitespace();
            let (key, value) = (words.next().unwrap_or(""), words.next().and_then(|v| v.parse::<usize>().ok()));
            match (n, key) {
                (0, "P7") => {}
                (0, _) | (12.., _) => return Err(Msg::internal("ffmpeg sent frames gifgrab cannot read").into()),
                (_, "WIDTH") => width = value.unwrap_or(0),
                (_, "HEIGHT") => height = value.unwrap_or(0),
                (_, "DEPTH") => depth = value.unwrap_or(0),
                (_, "ENDHDR") => break,
                _ => {}
            }
        }
        if depth != 4 || width == 0 || height == 0 || width * height > MAX_FRAME_PIXELS {
            return Err(Msg::internal(format!("ffmpeg sent an unexpected frame ({width}×{height}, {depth} channels)")).into());
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
                log.errors = ffmpeg::with_refusals(&log.errors, &self.route);
                (Ok(status), log)
            }
            Err(e) => (Err(e), ffmpeg::Log::default()),
        }
    }
}
