//! ffmpeg → frames: seeks the input to the start (only that part is fetched), decodes the
//! range at the output size and rate, and hands out raw RGBA frames from its stdout pipe.

use crate::error::{Error, Result};
use crate::ffmpeg;
use crate::probe::Input;
use crate::process::{CancelToken, Proc};
use crate::sidecars::Sidecars;
use imgref::ImgVec;
use rgb::{ComponentBytes, RGBA8};
use std::io::Read;
use std::process::{ChildStdout, Command, ExitStatus};

/// What to decode: the range, and the frames' size and rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub start: f64,
    pub length: f64,
    pub width: u32,
    pub height: u32,
    pub fps: u32,
    /// Assume HD colours for untagged HD sources (ffmpeg would assume SD's BT.601).
    pub assume_bt709: bool,
}

impl Plan {
    /// Frames ffmpeg emits: one per 1/fps step that starts inside the range.
    pub fn frame_count(&self) -> u64 {
        ((self.length * self.fps as f64) - 1e-6).ceil().max(1.0) as u64
    }
}

/// The full ffmpeg command line after the program name.
pub fn args(plan: &Plan, input: &Input) -> Vec<String> {
    let mut a: Vec<String> = ["-hide_banner", "-nostdin", "-loglevel", "error"].map(String::from).to_vec();
    a.extend(ffmpeg::input_args(input));
    // -ss before -i: jump to the keyframe before start, then decode exactly to start.
    a.extend(["-ss".into(), format!("{:.6}", plan.start), "-i".into(), ffmpeg::input_location(input)]);
    let matrix = if plan.assume_bt709 { ":in_color_matrix=bt709" } else { ":in_color_matrix=auto" };
    let filters = format!(
        "fps={fps},scale={w}:{h}:flags=lanczos+accurate_rnd+full_chroma_int{matrix}:in_range=auto:out_range=full,setsar=1,format=rgba",
        fps = plan.fps,
        w = plan.width,
        h = plan.height,
    );
    a.extend(
        [
            "-t".to_string(),
            format!("{:.6}", plan.length),
            "-map".into(),
            "0:v:0".into(),
            "-an".into(),
            "-sn".into(),
            "-dn".into(),
            "-vf".into(),
            filters,
            "-f".into(),
            "rawvideo".into(),
            "-pix_fmt".into(),
            "rgba".into(),
            "pipe:1".into(),
        ],
    );
    a
}

pub struct Decoder {
    proc: Proc,
    out: ChildStdout,
    width: usize,
    height: usize,
}

impl Decoder {
    pub fn spawn(sidecars: &Sidecars, plan: &Plan, input: &Input, cancel: &CancelToken) -> Result<Decoder> {
        let mut cmd = Command::new(&sidecars.ffmpeg);
        cmd.args(args(plan, input));
        let mut proc = Proc::spawn("ffmpeg", cmd, cancel, true)?;
        let out = proc.stdout().ok_or_else(|| Error::Internal("ffmpeg has no stdout".into()))?;
        Ok(Decoder { proc, out, width: plan.width as usize, height: plan.height as usize })
    }

    /// The next frame, or None at the end of the range.
    pub fn next_frame(&mut self) -> Result<Option<ImgVec<RGBA8>>> {
        // ffmpeg's bytes land straight in the pixel buffer gifski takes: one copy per frame.
        let mut pixels = vec![RGBA8::new(0, 0, 0, 255); self.width * self.height];
        let bytes = pixels.as_bytes_mut();
        let mut filled = 0;
        while filled < bytes.len() {
            match self.out.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::Internal(format!("reading frames from ffmpeg: {e}"))),
            }
        }
        if filled < bytes.len() {
            return Ok(None);
        }
        // GIFs made here are opaque, whatever alpha a source may carry.
        pixels.iter_mut().for_each(|p| p.a = 255);
        Ok(Some(ImgVec::new(pixels, self.width, self.height)))
    }

    pub fn id(&self) -> u32 {
        self.proc.id()
    }

    /// Waits for ffmpeg; returns its exit status and what it wrote to stderr.
    pub fn finish(self) -> (Result<ExitStatus>, String) {
        drop(self.out);
        match self.proc.finish() {
            Ok((status, stderr)) => (Ok(status), stderr),
            Err(e) => (Err(e), String::new()),
        }
    }
}
