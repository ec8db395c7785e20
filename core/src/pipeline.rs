//! The wiring: probe → decode (ffmpeg, fetching only the range) → encode (gifski) → save,
//! streamed on two threads, with progress through one callback and cancel through a token.

use crate::source::link::Source;
use crate::spec::GifSpec;
use crate::source::cookies::SignIn;
use crate::source::fetch::Fit;
use crate::render::decode::{BurnIn, Decoder, Plan};
use crate::render::encode;
use crate::render::sequence::Sequence;
use crate::edits::Edits;
use crate::render::fit;
use crate::render::estimate::SizeEstimate;
use crate::error::{Doing, Error, Msg, Result};
use crate::render::output::Staged;
use crate::source::input::Input;
use crate::source::probe::{self, Media};
use crate::os::process::CancelToken;
use crate::tools::sidecars::Sidecars;
use crate::source::server_check;
use crate::source::wait;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A GIF may hold at most this many pixels over all frames (memory and file size stay sane).
pub const MAX_TOTAL_PIXELS: u64 = 600_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Probing,
    /// The site's pre-roll wait: `done` of `total` seconds waited.
    Waiting,
    /// Sampling sizes to fit under a limit.
    Sizing,
    Fetching,
    Encoding,
    Saving,
    /// Making the WebP or MP4 from the finished GIF (the command line's `-o clip.webp`).
    Converting,
    Done,
}

/// Where a job is: facts only. The words are the adapters' (`text::progress` for the CLI,
/// `progressText` in the window), so a second language needs no change here.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
    /// The site asking for a pre-roll wait (Waiting only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

impl Progress {
    fn new(stage: Stage, done: u64, total: u64) -> Progress {
        Progress { stage, done, total, site: None }
    }

    /// The pre-roll wait's countdown, naming the site that asks for it.
    fn waiting(site: &str, waited: u64, total: u64) -> Progress {
        Progress { stage: Stage::Waiting, done: waited, total, site: Some(site.to_string()) }
    }

    pub fn fraction(&self) -> Option<f64> {
        (self.total > 0).then(|| self.done as f64 / self.total as f64)
    }
}

pub type OnProgress<'a> = &'a (dyn Fn(Progress) + Sync);

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Made {
    pub path: PathBuf,
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    pub duration: f64,
    /// What fitting under a size limit changed ("480 → 400 px, quality 90 → 74").
    pub fitted: Option<String>,
    /// Passes with different settings it took (1, or 2 when a size limit needed a correction).
    pub encodes: u32,
}

/// Where the finished GIF goes.
#[derive(Debug, Clone)]
pub enum Target {
    File(PathBuf),
    /// `<title> <start>-<end>.gif` in this folder, named once the title is known.
    DefaultNameIn(PathBuf),
}

/// What to make (the spec), and the job's circumstances: may an existing file be replaced,
/// which sign-in the site gets.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub spec: GifSpec,
    pub overwrite: bool,
    pub sign_in: SignIn,
}

impl Request {
    /// The rendition this GIF needs from a site.
    pub fn fit(&self) -> Fit {
        Fit { width: self.spec.width, fps: self.spec.fps, sign_in: self.sign_in.clone() }
    }

    /// The rendition for a video of `own` size: with a crop (or an aspect) wide enough that the
    /// part kept still gives the GIF's width.
    pub fn fit_for(&self, own: (u32, u32)) -> Fit {
        let mut fit = self.fit();
        if let (true, Ok((kept, _))) = (self.spec.width > 0 && own.0 > 0, self.spec.edits.region(own.0, own.1)) {
            if kept > 0 && kept < own.0 {
                fit.width = (u64::from(self.spec.width) * u64::from(own.0)).div_ceil(u64::from(kept)).min(u64::from(crate::spec::MAX_WIDTH)) as u32;
            }
        }
        fit
    }
}

/// A looked-up video read in a rendition wide enough for `req`'s crop: asked of the site again
/// when the first answer's rendition would make the GIF narrower than asked.
fn wide_enough(sidecars: &Sidecars, media: Media, req: &Request, cancel: &CancelToken) -> Result<Media> {
    let Some(lookup) = &media.lookup else { return Ok(media) };
    let wanted = req.fit_for(media.own_size());
    if lookup.fit.same_rendition(&wanted) {
        return Ok(media);
    }
    probe::locate(sidecars, &crate::source::link::Source::Url(lookup.url.clone()), &wanted, cancel)
}

/// Everything in one call: the CLI's path. The source is only located first; one ffmpeg
/// run then learns its size and length while decoding.
pub fn make_gif(
    sidecars: &Sidecars,
    source: &Source,
    req: &Request,
    target: &Target,
    cancel: &CancelToken,
    on_progress: OnProgress,
) -> Result<Made> {
    req.spec.validate()?;
    match target {
        Target::File(path) => refuse_existing(path, req.overwrite)?,
        // A folder that is not there is said before the look-up, as a file's is.
        Target::DefaultNameIn(dir) if !dir.is_dir() => {
            return Err(Msg::FolderMissing { path: std::path::absolute(dir).unwrap_or(dir.clone()).display().to_string() }.into())
        }
        Target::DefaultNameIn(_) => {}
    }
    on_progress(Progress::new(Stage::Probing, 0, 0));
    let media = probe::locate(sidecars, source, &req.fit(), cancel)?;
    make_gif_of(sidecars, &media, req, target, cancel, on_progress)
}

/// `make_gif` of a video already looked up.
pub fn make_gif_of(sidecars: &Sidecars, media: &Media, req: &Request, target: &Target, cancel: &CancelToken, on_progress: OnProgress) -> Result<Made> {
    req.spec.validate()?;
    let media = &wide_enough(sidecars, media.clone(), req, cancel)?;
    let path = match target {
        Target::File(path) => path.clone(),
        Target::DefaultNameIn(dir) => dir.join(crate::render::output::default_name(&media.title, req.spec.start, req.spec.end)),
    };
    refuse_existing(&path, req.overwrite)?;
    render(sidecars, media, req, &path, cancel, on_progress)
}

/// The size range of the GIF `req` would make, from a few sample windows (nothing is written).
pub fn estimate(sidecars: &Sidecars, media: &Media, req: &Request, cancel: &CancelToken) -> Result<SizeEstimate> {
    req.spec.validate()?;
    if let Some(duration) = media.duration {
        check_inside(req.spec.start, req.spec.end, duration)?;
    }
    crate::source::wait::until_available(&media.input, cancel, &|_| {})?;
    let (spec, region) = boxed(&req.spec, media)?;
    let mut guess = crate::render::estimate::estimate(sidecars, media, &spec, cancel)?;
    // Over a size limit: can fitting get there at all? Said now, before anything is made.
    if let (Some(limit), Some((region_width, _))) = (spec.max_bytes, region) {
        let floor = fit::floor(&spec, region_width);
        if guess.middle() > limit {
            // A floor that cannot be sampled (too short at its frame rate) leaves the size as it is.
            let at_floor = if floor == spec { Some(guess.middle()) } else { crate::render::estimate::estimate(sidecars, media, &floor, cancel).ok().map(|e| e.middle()) };
            guess.cannot_fit = at_floor.and_then(|size| fit::cannot_fit(&spec, &floor, limit, size));
        }
    }
    Ok(guess)
}

/// `spec` inside the part of the picture its edits keep (and a box such as Slack's), with that
/// part's size; unknown (and `spec` as it is) while the source's size is.
fn boxed(spec: &GifSpec, media: &Media) -> Result<(GifSpec, Option<(u32, u32)>)> {
    if media.width == 0 {
        return Ok((spec.clone(), None));
    }
    let spec = GifSpec { edits: media.edits_here(&spec.edits)?, ..spec.clone() };
    let region = spec.edits.region(media.width, media.height)?;
    Ok((spec.boxed(region), Some(region)))
}

/// Fails before any download when the target exists: the existing file stays as it is.
/// An existing file is kept unless asked: said before any work is done.
pub fn refuse_existing(path: &Path, overwrite: bool) -> Result<()> {
    if !overwrite && path.exists() {
        Staged::create(path, false)?;
    }
    // A name too long or a folder not writable is said now, not after the work: a file with a
    // name as long is made beside it and removed (the target's own name is never touched).
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let length = path.file_name().map_or(0, |n| n.len());
    let pad = "x".repeat(length.saturating_sub(8));
    match tempfile::Builder::new().prefix(".g").suffix(&pad).rand_bytes(6).tempfile_in(dir) {
        Ok(_probe) => Ok(()),
        // A missing folder has its own message, from Staged::create.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::from_write(&e, path)),
    }
}

/// The GIF's frame size: the part the edits keep, at the requested width (never upscaled,
/// at most the cap), height by aspect. The decoder's crop and scale filters compute the same.
pub fn frame_size(source_width: u32, source_height: u32, edits: &Edits, width: u32) -> Result<(u32, u32)> {
    let (rw, rh) = edits.region(source_width.max(1), source_height.max(1))?;
    let w = (if width == 0 || width >= rw { rw } else { width }).clamp(1, crate::spec::MAX_WIDTH);
    let h = ((rh as f64 * w as f64 / rw as f64).round() as u32).max(1);
    Ok((w, h))
}

/// Checks the range against the video, then decodes and encodes it into `target`.
/// Facts the media does not know yet are checked as soon as ffmpeg has listed the stream.
pub fn render(
    sidecars: &Sidecars,
    media: &Media,
    req: &Request,
    target: &Path,
    cancel: &CancelToken,
    on_progress: OnProgress,
) -> Result<Made> {
    req.spec.validate()?;
    let (start, end, overwrite) = (req.spec.start, req.spec.end, req.overwrite);
    if let Some(duration) = media.duration {
        check_inside(start, end, duration)?;
    }
    // Fitting under a size, a crop and captions need the source's size: learn it first if the
    // look-up did not say.
    let edits = &req.spec.edits;
    // A local file's subtitle streams are listed by the same look.
    let needs_size = req.spec.max_bytes.is_some() || req.spec.max_height.is_some() || edits.crop.is_some() || edits.aspect.is_some() || edits.has_captions() || edits.subs.is_some();
    let completed;
    let media = if needs_size && !media.is_known() {
        completed = probe::complete(sidecars, media.clone(), cancel)?;
        if let Some(duration) = completed.duration {
            check_inside(start, end, duration)?;
        }
        &completed
    } else {
        media
    };
    // A crop outside the frame is refused before anything is fetched or written.
    let (spec, region) = boxed(&req.spec, media)?;
    // The subtitle file is fetched once (kept until the GIF is done), never the media's audio.
    let subs = match &req.spec.edits.subs {
        Some(choice) => Some(crate::source::subtitles::prepare(sidecars, media, choice, cancel)?),
        None => None,
    };
    let fonts = sidecars.fonts.join(crate::render::captions::SUBTITLE_FONTS);
    let burn_in = subs.as_ref().map(|s| BurnIn { ass: s.path().to_path_buf(), fonts: fonts.clone() });
    let mut req = Request { spec, ..req.clone() };
    // What the user asked for: fitting lowers settings from here, never past it.
    let asked = req.spec.clone();
    // Estimates of the chosen settings; a full pass shows how far off they were.
    let mut expected = 0.0;
    let region_width = region.map_or(media.width, |(w, _)| w);
    // Fitting samples the same settings more than once: each is encoded once.
    let mut sampled: Vec<(GifSpec, SizeEstimate)> = Vec::new();
    let mut sample = |s: &GifSpec| -> Result<SizeEstimate> {
        if let Some((_, known)) = sampled.iter().find(|(spec, _)| spec == s) {
            return Ok(known.clone());
        }
        let estimate = crate::render::estimate::estimate(sidecars, media, s, cancel)?;
        sampled.push((s.clone(), estimate.clone()));
        Ok(estimate)
    };
    if let Some(limit) = req.spec.max_bytes {
        on_progress(Progress::new(Stage::Sizing, 0, 0));
        wait_for(media, &media.input, cancel, on_progress)?;
        // The estimate is good to about ±8 %: settings that more likely fit than not are tried as
        // asked (a pass over the limit stops early and is corrected once from what it measured).
        let as_asked = sample(&asked)?;
        let (chosen, predicted) = if as_asked.middle() <= limit {
            (asked.clone(), as_asked.middle() as f64)
        } else {
            fit::choose(&asked, region_width, limit, limit as f64 * fit::AIM, &mut sample)?
        };
        req.spec = chosen;
        expected = predicted;
    }
    let req = &mut req;
    let mut plan = Plan { subtitles: burn_in, ..Plan::gif(&req.spec, media) };
    let mut total = plan.frame_count();
    if let Some((width, height)) = plan.frame_size {
        check_total(width as usize, height as usize, req.spec.edits.gif_frames(total))?;
    }
    let (staged, file) = Staged::create(target, overwrite)?;
    let mut input = media.input.clone();
    if !input.fresh_for(EXPIRY_MARGIN_SECS) {
        input = relocate(sidecars, media, cancel)?;
    }
    // Only a real wait has an edge where the host may still say 403.
    let mut waited = wait::seconds_left(&input) > 0;
    wait_for(media, &input, cancel, on_progress)?;
    on_progress(Progress::new(Stage::Fetching, 0, total));
    let (mut retries, mut located_again, mut redone) = (0, false, false);
    // The whole file, when a server without Range could not be read plainly (kept until done).
    let mut whole: Option<crate::source::whole::Whole> = None;
    // Passes with different settings (a size limit allows one correction); retries of the
    // same pass (colours, Range, the pre-roll edge, a new URL) do not count.
    let mut encodes = 1u32;
    let limit = req.spec.max_bytes.unwrap_or(0);
    let mut kept = None;
    // How far under the truth the estimates were on the last pass that went over.
    let mut over_by: Option<f64> = None;
    let encoded = loop {
        let job = Job { sidecars, input: &input, plan: &plan, req, cancel, on_progress, total };
        match encode_stream(&job, file_writer(&file), target) {
            // Well under the limit after changing settings: one more pass, a little closer to it.
            Ok(encoded) if encodes < 2 && fit::worth_second_pass(&req.spec, &asked, file_len(&file)) => {
                // This one fits: kept (at most the limit, in memory) in case the closer pass is over.
                let bytes = read_back(&file, target)?;
                let bias = bytes.len() as f64 / expected.max(1.0);
                kept = Some((encoded, bytes, req.spec.clone(), total));
                on_progress(Progress::new(Stage::Sizing, 0, 0));
                // The estimates were high by this much: choose again from what was asked (any knob
                // may come back: quality, frame rate or width), but only ever higher than this pass.
                let closer = fit::choose(&asked, region_width, limit, limit as f64 * fit::AIM_CLOSER / bias, &mut sample);
                let (chosen, predicted) = match closer {
                    Ok((chosen, predicted)) if fit::above(&chosen, &req.spec, region_width) => (chosen, predicted),
                    _ => break kept.take().expect("kept").0,
                };
                (req.spec, expected) = (chosen, predicted);
                plan = plan.with_settings(&req.spec);
                total = plan.frame_count();
                encodes += 1;
            }
            // The closer pass went over: the first, which fits, stands.
            Err(Stop::Oversize { .. }) if kept.is_some() => {
                let (encoded, bytes, spec, frames) = kept.take().expect("kept");
                file.set_len(0).map_err(|e| Error::from_write(&e, target))?;
                std::io::Seek::rewind(&mut &file).map_err(|e| Error::from_write(&e, target))?;
                std::io::Write::write_all(&mut &file, &bytes).map_err(|e| Error::from_write(&e, target))?;
                req.spec = spec;
                total = frames;
                plan = plan.with_settings(&req.spec);
                break encoded;
            }
            Ok(encoded) => break encoded,
            // Over the limit: the pass stopped early; correct from what it measured. A second
            // pass over too gets one last, more careful try (the estimates' error can grow as
            // quality drops: measured 1.37 times low at q60, 1.71 at q30 on one clip).
            Err(Stop::Oversize { bytes, first, frames }) if encodes < 3 => {
                // Project to the end along where the estimate's windows saw the bytes build up
                // (a fade to black costs little at its end); without them, the first frame is
                // whole and the rest are changes at the rate so far.
                let per_frame = bytes.saturating_sub(first) as f64 / frames.saturating_sub(1).max(1) as f64;
                let linear = first as f64 + per_frame * plan.edits.gif_frames(total).saturating_sub(1) as f64;
                let projected = match sample(&req.spec.clone())?.share_through(frames) {
                    // The windows are in the video's order: a reversed or bounced GIF walks them otherwise.
                    Some(share) if share >= 0.2 && plan.edits.direction == crate::edits::Direction::Forward => bytes as f64 / share,
                    _ => linear,
                }
                .max(bytes as f64);
                // The estimates were low by this much: aim that much (and a little more) lower;
                // after two, by as much again as the error grew between them.
                let low_by = (projected / expected.max(1.0)).max(1.0);
                let growth = over_by.map_or(1.0, |before: f64| (low_by / before).max(1.0));
                over_by = Some(low_by);
                let aim = if encodes < 2 { fit::AIM } else { fit::AIM_LAST };
                on_progress(Progress::new(Stage::Sizing, 0, 0));
                let (chosen, predicted) = fit::choose(&asked, region_width, limit, limit as f64 * aim / (low_by * growth * 1.02), &mut sample)?;
                (req.spec, expected) = (chosen, predicted);
                plan = plan.with_settings(&req.spec);
                total = plan.frame_count();
                encodes += 1;
            }
            Err(Stop::Oversize { .. }) => {
                return Err(Msg::OverTwice { limit }.into());
            }
            // The listing showed colours the plan did not expect: decode again the right way.
            Err(Stop::Redo(better)) if !redone => {
                plan = *better;
                redone = true;
            }
            // A server that ignores Range garbles bounded requests: read it plainly instead.
            Err(Stop::Failed(e)) if worth_plain_retry(&e) && input.remote && !input.plain_requests => {
                let answer = server_check::ask(&input);
                if answer != server_check::Answer::Whole {
                    return Err(server_check::explain(&answer, Doing::ReadVideo).unwrap_or(e));
                }
                input.plain_requests = true
            }
            // A 403 right after the pre-roll wait: the host's clock may lag a little.
            Err(Stop::Failed(e)) if e.kind() == "forbidden" && waited && wait::just_after_wait(&input) && retries < wait::RETRY_BACKOFF_MS.len() => {
                wait::backoff(retries, cancel)?;
                retries += 1;
            }
            // A signed URL that worked has expired or been revoked: ask the site once more.
            Err(Stop::Failed(e)) if matches!(e.kind(), "forbidden" | "not_found") && media.lookup.is_some() && !located_again => {
                located_again = true;
                input = relocate(sidecars, media, cancel)?;
                waited = wait::seconds_left(&input) > 0;
                wait_for(media, &input, cancel, on_progress)?;
            }
            // Read plainly from the top and still failed: an MP4 with its index last needs a seek
            // back such a server cannot give. Fetched whole once, it is read from here.
            Err(Stop::Failed(e)) if input.plain_requests && input.remote && whole.is_none() && e.kind() != "cancelled" => {
                on_progress(Progress::new(Stage::Fetching, 0, total));
                match crate::source::whole::fetch(&input, crate::source::whole::LIMIT, cancel) {
                    Ok(fetched) => {
                        input = fetched.input();
                        whole = Some(fetched);
                    }
                    Err(f) if matches!(f.kind(), "cancelled" | "disk_full" | "not_writable") => return Err(f),
                    Err(_) => return Err(e),
                }
            }
            Err(Stop::Failed(e)) => return Err(e),
            Err(Stop::Redo(_)) => return Err(Msg::internal("the colour retry repeated itself").into()),
        }
        file.set_len(0).map_err(|e| Error::from_write(&e, target))?;
        std::io::Seek::rewind(&mut &file).map_err(|e| Error::from_write(&e, target))?;
    };
    cancel.check()?;
    // Never a file over the limit while claiming it fits.
    if req.spec.max_bytes.is_some() && file_len(&file) > limit {
        return Err(Msg::CameOutOver { limit }.into());
    }
    on_progress(Progress::new(Stage::Saving, encoded.written, total));
    let path = staged.commit(file, overwrite)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    // What a viewer counts: gifski merged any identical frames.
    let frames = crate::render::pictures::count(&path).unwrap_or(encoded.written);
    on_progress(Progress::new(Stage::Done, encoded.written, total));
    Ok(Made {
        path,
        bytes,
        width: encoded.width,
        height: encoded.height,
        frames,
        // gifski merges identical frames into longer ones: the length comes from the decoded count.
        duration: plan.edits.gif_frames(encoded.decoded) as f64 / plan.fps as f64,
        fitted: fit::describe_changes(&asked, &req.spec, region_width),
        encodes,
    })
}

/// A signed URL with less life left than this is renewed before a job starts (one that
/// expires mid-job is renewed then).
const EXPIRY_MARGIN_SECS: u64 = 1;

/// A fresh media URL from the site for the same look-up (plain inputs stay as they are).
fn relocate(sidecars: &Sidecars, media: &Media, cancel: &CancelToken) -> Result<Input> {
    match &media.lookup {
        Some(lookup) => Ok(probe::locate(sidecars, &Source::Url(lookup.url.clone()), &lookup.fit, cancel)?.input),
        None => Ok(media.input.clone()),
    }
}

/// The pre-roll wait as a stage with a countdown.
fn wait_for(media: &Media, input: &Input, cancel: &CancelToken, on_progress: OnProgress) -> Result<()> {
    let total = wait::seconds_left(input);
    if total == 0 {
        return Ok(());
    }
    let youtube = media.lookup.as_ref().is_some_and(|l| crate::source::link::is_youtube(&l.url));
    let site = if youtube { "YouTube" } else { "The video site" };
    wait::until_available(input, cancel, &|left| on_progress(Progress::waiting(site, total.saturating_sub(left), total)))
}

/// From this height up, untagged video is HD and means BT.709 colours.
pub const HD_HEIGHT: u32 = 590;

fn check_total(width: usize, height: usize, frames: u64) -> Result<()> {
    if frames * width as u64 * height as u64 > MAX_TOTAL_PIXELS || height > 4 * crate::spec::MAX_WIDTH as usize {
        return Err(Msg::GifTooLarge { width, height, frames }.into());
    }
    Ok(())
}

/// Failures that bounded range requests cause on servers ignoring Range ("partial file").
fn worth_plain_retry(e: &Error) -> bool {
    e.kind() == "bad_media" || matches!(e.msg(), Msg::ConnectionDropped { .. })
}

/// The staged file's bytes so far.
fn read_back(file: &std::fs::File, target: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Seek::rewind(&mut &*file).map_err(|e| Error::from_write(&e, target))?;
    std::io::Read::read_to_end(&mut &*file, &mut bytes).map_err(|e| Error::from_write(&e, target))?;
    Ok(bytes)
}

fn file_len(file: &std::fs::File) -> u64 {
    file.metadata().map(|m| m.len()).unwrap_or(0)
}

fn file_writer(file: &std::fs::File) -> BufWriter<&std::fs::File> {
    BufWriter::with_capacity(256 * 1024, file)
}

fn check_inside(start: f64, end: f64, duration: f64) -> Result<()> {
    if duration < crate::spec::MIN_LENGTH {
        return Err(Msg::VideoTooShort { length: duration }.into());
    }
    if start >= duration - 0.01 {
        return Err(Msg::StartPastEnd { start, length: duration }.into());
    }
    if end > duration + 0.05 {
        return Err(Msg::EndPastEnd { end, length: duration }.into());
    }
    Ok(())
}

/// One decode-and-encode attempt's inputs.
struct Job<'a> {
    sidecars: &'a Sidecars,
    input: &'a Input,
    plan: &'a Plan,
    req: &'a Request,
    cancel: &'a CancelToken,
    on_progress: OnProgress<'a>,
    total: u64,
}

struct Encoded {
    written: u64,
    decoded: u64,
    width: u32,
    height: u32,
}

/// Why an attempt ended early: an error, or a better plan to decode with.
enum Stop {
    Failed(Error),
    Redo(Box<Plan>),
    /// The GIF grew past its size limit after `frames` frames (`bytes` written).
    Oversize { bytes: u64, first: u64, frames: u64 },
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Failed(e)
    }
}

/// Checks the source against the request once ffmpeg has listed it and sent a frame; returns
/// the video's length if the listing states it.
fn check_first_frame(job: &Job, listing: &str, width: usize, height: usize) -> std::result::Result<Option<f64>, Stop> {
    let info = crate::render::ffmpeg::parse_info(listing);
    // A JPEG is listed as lasting 0.04 s: a picture, not a video too short.
    if crate::render::ffmpeg::still_picture(listing) {
        return Err(Error::from(Msg::StillPicture).into());
    }
    if let Some(info) = &info {
        crate::render::ffmpeg::check_source_size(info)?;
        if let Some(duration) = info.duration {
            check_inside(job.req.spec.start, job.req.spec.end, duration)?;
        }
        let assume_bt709 = job.plan.assume_bt709 || (info.untagged_colors && info.height >= HD_HEIGHT);
        if assume_bt709 != job.plan.assume_bt709 || info.transfer != job.plan.transfer {
            return Err(Stop::Redo(Box::new(Plan { assume_bt709, transfer: info.transfer, ..job.plan.clone() })));
        }
    }
    check_total(width, height, job.plan.edits.gif_frames(job.total))?;
    Ok(info.and_then(|i| i.duration))
}

/// ffmpeg's frames flow into gifski's collector on one thread while its writer runs here.
fn encode_stream(job: &Job, out: impl std::io::Write, target: &Path) -> std::result::Result<Encoded, Stop> {
    let (cancel, total) = (job.cancel, job.total);
    let (collector, writer) = encode::start(&job.req.spec)?;
    let mut decoder = Decoder::spawn(job.sidecars, job.plan, job.input, cancel)?;
    // Reading from the top (a server without Range) has no early frames to watch for.
    let limit = (!job.input.plain_requests).then_some(Duration::from_secs(STALL_SECS));
    let watch = Watchdog::new(decoder.id(), cancel, limit, decoder.received());
    let fps = job.plan.fps as f64;
    std::thread::scope(|scope| {
        scope.spawn(|| watch.run());
        let feeder = scope.spawn(|| -> std::result::Result<(u64, (u32, u32)), Stop> {
            let _stop = StopOnDrop(&watch);
            let collector = collector;
            let mut sequence = Sequence::new(job.plan.edits.direction);
            // Frames decoded, and frames handed to the encoder (in the GIF's order).
            let (mut index, mut shown) = (0usize, 0usize);
            // Timestamps, not counts, set the delays: the GIF plays at its own speed. Each is a
            // frame late: gifski takes a first timestamp as the last frame's delay (a lone frame's too).
            let mut add = |frame| {
                let added = collector.add_frame_rgba(shown, frame, (shown + 1) as f64 / fps).is_ok();
                shown += 1;
                added
            };
            let mut duration = None;
            let mut size = (0, 0);
            let mut writer_stopped = false;
            while let Some(frame) = decoder.next_frame()? {
                cancel.check()?;
                // A frame is in hand: the encoder, or waiting for the log below, is no stall.
                watch.busy(true);
                if index == 0 {
                    size = (frame.width() as u32, frame.height() as u32);
                    duration = check_first_frame(job, &decoder.listing(), frame.width(), frame.height())?;
                } else if (frame.width() as u32, frame.height() as u32) != size {
                    return Err(Error::from(Msg::SizeChanges).into());
                }
                writer_stopped = !sequence.push(frame).into_iter().all(&mut add);
                watch.busy(false);
                index += 1;
                if writer_stopped {
                    break; // the writer stopped; its own error explains why
                }
            }
            // Every frame is in: a slow exit of ffmpeg is no stall.
            watch.stop();
            if !writer_stopped {
                // Held back for reverse and bounce: shown once the last one has come.
                let _ = sequence.finish().into_iter().all(&mut add);
            }
            drop(collector);
            let (status, log) = decoder.finish();
            let status = status?;
            if watch.stalled() && (index as u64) + 1 < total {
                return Err(Error::from(Msg::Stalled { seconds: STALL_SECS }).into());
            }
            let duration = duration.or_else(|| crate::render::ffmpeg::parse_info(&log.listing).and_then(|i| i.duration));
            check_decode(status.success(), &log, index as u64, total, job, duration)?;
            Ok((index as u64, size))
        });
        let shown_total = job.plan.edits.gif_frames(total);
        let on_frame = |written: u64| {
            (job.on_progress)(Progress::new(Stage::Encoding, written.min(shown_total), shown_total));
        };
        let mut out = encode::TrackedWriter::new(out);
        // A pass with a size limit stops as soon as it is past it: it can only grow.
        let limit = job.req.spec.max_bytes;
        let over = std::sync::atomic::AtomicU64::new(0);
        let first_frame = std::sync::atomic::AtomicU64::new(0);
        let frames_done = std::sync::atomic::AtomicU64::new(0);
        let on_frame = |written: u64| {
            frames_done.store(written, std::sync::atomic::Ordering::Relaxed);
            on_frame(written)
        };
        let on_bytes = |bytes: u64| {
            let _ = first_frame.compare_exchange(0, bytes, std::sync::atomic::Ordering::Relaxed, std::sync::atomic::Ordering::Relaxed);
            let fits = limit.is_none_or(|l| bytes <= l);
            if !fits {
                over.store(bytes, std::sync::atomic::Ordering::Relaxed);
            }
            fits
        };
        let written = encode::write_watched(writer, &mut out, job.req.spec.quality, cancel, &on_frame, &on_bytes);
        // The buffer's last bytes must reach the disk now: a drop would hide their failure.
        let _ = std::io::Write::flush(&mut out);
        let fed = feeder.join().unwrap_or_else(|_| Err(Error::from(Msg::internal("the frame reader crashed")).into()));
        cancel.check()?;
        let bytes = over.load(std::sync::atomic::Ordering::Relaxed);
        if bytes > 0 {
            let first = first_frame.load(std::sync::atomic::Ordering::Relaxed);
            return Err(Stop::Oversize { bytes, first, frames: frames_done.load(std::sync::atomic::Ordering::Relaxed) });
        }
        // A failed write (disk full) stops everything else: it is the cause to report.
        if let Some(e) = out.error.take() {
            return Err(Error::from_write(&e, target).into());
        }
        // The decoder's error is the root cause; the writer's (no frames, aborted) follows from it.
        let (decoded, (width, height)) = fed?;
        let written = written.map_err(|e| match e {
            gifski::Error::Io(io) => Error::from_write(&io, target),
            other => Msg::internal(format!("GIF encoding failed: {other}")).into(),
        })?;
        Ok(Encoded { written, decoded, width, height })
    })
}

/// With no new frame for this long (and the encoder not busy), the download has stalled.
const STALL_SECS: u64 = 20;
/// Bytes for the input that count as progress towards the first frame within STALL_SECS.
const STALL_PROGRESS_BYTES: u64 = 256 * 1024;

/// Kills a decoder that has stopped delivering frames, so a stalled server never hangs a job.
struct Watchdog<'a> {
    pid: u32,
    cancel: &'a CancelToken,
    limit: Option<Duration>,
    /// Bytes received for the input: a slow link still sending (a long keyframe interval
    /// before the first frame) is no stall.
    received: Option<std::sync::Arc<AtomicU64>>,
    born: Instant,
    last_ms: AtomicU64,
    busy: AtomicBool,
    done: AtomicBool,
    stalled: AtomicBool,
}

impl<'a> Watchdog<'a> {
    fn new(pid: u32, cancel: &'a CancelToken, limit: Option<Duration>, received: Option<std::sync::Arc<AtomicU64>>) -> Watchdog<'a> {
        Watchdog {
            pid,
            cancel,
            limit,
            received,
            born: Instant::now(),
            last_ms: AtomicU64::new(0),
            busy: AtomicBool::new(false),
            done: AtomicBool::new(false),
            stalled: AtomicBool::new(false),
        }
    }

    fn now_ms(&self) -> u64 {
        self.born.elapsed().as_millis() as u64
    }

    fn busy(&self, busy: bool) {
        self.last_ms.store(self.now_ms(), Ordering::Relaxed);
        self.busy.store(busy, Ordering::Relaxed);
    }

    fn stop(&self) {
        self.done.store(true, Ordering::Relaxed);
    }

    fn stalled(&self) -> bool {
        self.stalled.load(Ordering::Relaxed)
    }

    fn run(&self) {
        let Some(limit) = self.limit else { return };
        let bytes = || self.received.as_ref().map_or(0, |r| r.load(Ordering::Relaxed));
        let mut seen = bytes();
        while !self.done.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(100));
            // A trickle is a stall still: 256 KB in the time allowed (100 kbit/s) keeps the job going.
            if bytes().saturating_sub(seen) >= STALL_PROGRESS_BYTES {
                seen = bytes();
                self.last_ms.store(self.now_ms(), Ordering::Relaxed);
            }
            let idle = self.now_ms().saturating_sub(self.last_ms.load(Ordering::Relaxed));
            if !self.busy.load(Ordering::Relaxed) && idle > limit.as_millis() as u64 {
                self.stalled.store(true, Ordering::Relaxed);
                self.cancel.kill_if_live(self.pid);
                return;
            }
        }
    }
}

/// Ends the watchdog however the feeder leaves (an error or a cancel included).
struct StopOnDrop<'a, 'b>(&'a Watchdog<'b>);

impl Drop for StopOnDrop<'_, '_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Decides whether ffmpeg delivered the range, and if not, says why.
fn check_decode(ok: bool, log: &crate::render::ffmpeg::Log, got: u64, want: u64, job: &Job, duration: Option<f64>) -> Result<()> {
    let remote = job.input.remote;
    let trouble = !ok || !log.errors.trim().is_empty();
    if got == 0 {
        if crate::render::ffmpeg::only_pictures(&log.listing) {
            return Err(Msg::OnlyArtwork.into());
        }
        if crate::render::ffmpeg::still_picture(&log.listing) {
            return Err(Msg::StillPicture.into());
        }
        if trouble {
            return Err(crate::render::ffmpeg::classify(&log.complaints(), Doing::ReadVideo, remote));
        }
        let start = job.plan.start;
        if let Some(length) = duration.filter(|&d| d < crate::spec::MIN_LENGTH) {
            return Err(Msg::VideoTooShort { length }.into());
        }
        // The video says it lasts longer, yet nothing came: its bytes stop early or are damaged.
        if let Some(d) = duration.filter(|d| start < d - 0.5) {
            return Err(Msg::CutShort { length: d, start }.into());
        }
        return Err(Msg::NothingFromStart { start, length: duration }.into());
    }
    // A short read means the source ended early or the download broke off.
    if got + 1 < want && trouble {
        if !remote {
            return Err(Msg::FileEndsEarly.into());
        }
        let why = crate::render::ffmpeg::classify(&log.complaints(), Doing::FetchRange, true);
        return Err(match why.kind() {
            "bad_media" | "sidecar" => Msg::DownloadCut.into(),
            _ => why,
        });
    }
    Ok(())
}
