//! The app's jobs and probed sources, behind the Tauri commands (which only forward here).
//! Every argument is checked as if it came from an attacker: the webview is untrusted.

use crate::edits::Edits;
use crate::render::estimate::SizeEstimate;
use crate::render::timeline::{Sheet, Summary, Window};
use crate::spec::GifSpec;
use crate::source::cookies::SignIn;
use crate::source::fetch::Fit;
use crate::error::{Error, Msg, Result};
use crate::render::convert;
use crate::render::output::{self, Format};
use crate::pipeline::{self, Made, OnProgress};
use crate::source::probe::{self, Media};
use crate::os::process::CancelToken;
use crate::tools::sidecars::Sidecars;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The app's work folders (and the command line's, for a WebP or MP4): `<prefix><pid>-…`.
pub const WORK_PREFIX: &str = "gifgrab-app-";

/// A work folder for one task, gone when dropped; named as the app's, so a killed run's is
/// removed at the app's next start.
pub fn scratch_folder() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{WORK_PREFIX}{}-", std::process::id()))
        .tempdir()
        .map_err(|e| crate::error::Error::from_write(&e, &std::env::temp_dir()))
}
/// A loaded source's media URL is renewed when less than this is left of its life.
const SOURCE_MARGIN_SECS: u64 = 600;

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probed {
    pub id: String,
    pub title: String,
    pub duration: Option<f64>,
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
    pub start_hint: Option<f64>,
    /// Where the moment ends when the link names one (a YouTube clip).
    pub end_hint: Option<f64>,
    /// Seconds of the site's pre-roll wait still ahead (0: none).
    pub wait_seconds: u64,
    /// The subtitle tracks on offer (language, name, automatic).
    pub subtitles: Vec<crate::source::subtitles::SubTrack>,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GifRequest {
    pub id: String,
    pub job_id: String,
    /// The window's range and options, under the same names as `GifSpec`'s.
    #[serde(flatten)]
    pub spec: GifSpec,
}

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GifInfo {
    pub job_id: String,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    pub duration: f64,
    pub bytes: u64,
    pub suggested_name: String,
    /// The name in the user's Pictures (or Downloads, or home) folder, for the Save dialog.
    pub suggested_path: PathBuf,
    /// The size limit it was fitted under, and what fitting changed.
    pub max_bytes: Option<u64>,
    pub fitted: Option<String>,
}

/// The made GIF in another format, kept in the work folder: what the Save dialog's file types show.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Converted {
    pub format: Format,
    pub bytes: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Saved {
    pub path: PathBuf,
    pub bytes: u64,
}

struct Job {
    cancel: CancelToken,
    made: Option<(Made, String)>,
    /// The size the GIF was fitted under: its WebP and MP4 must fit too.
    limit: Option<u64>,
    /// When it started, among this session's jobs (the oldest made ones go first).
    order: u64,
}

/// Made GIFs kept for the window (the result shown, the queue's finished jobs); the work
/// folder is often in memory, so older ones go.
const KEPT_GIFS: usize = 12;

/// A made job's GIF and its conversions leave the work folder; conversions under way stop.
fn discard_files(job: &Job) {
    job.cancel.cancel();
    if let Some((made, _)) = &job.made {
        // The GIF is one of the formats.
        for format in Format::ALL {
            let _ = std::fs::remove_file(made.path.with_extension(format.ext()));
        }
    }
}

/// The range preview's loop: small and quick, as a glance before the real GIF.
const LOOP_WIDTH: u32 = 320;
const LOOP_FPS: u32 = 12;
const LOOP_QUALITY: u8 = 60;

/// The size estimate shares the previews' cancel-by-slot (one estimate at a time).
const ESTIMATE_SLOT: &str = "estimate";

pub struct Session {
    /// Replaced when video support is updated; each job keeps the copy it started with.
    sidecars: Mutex<Result<Arc<Sidecars>>>,
    work_dir: PathBuf,
    sources: Mutex<HashMap<String, Arc<Media>>>,
    /// Probes and previews: cancelled (their children killed) when the app closes.
    background: CancelToken,
    jobs: Mutex<HashMap<String, Job>>,
    next_id: AtomicU64,
    /// Each preview slot's latest request ("start", "end"): a newer one cancels the one before.
    previews: Mutex<HashMap<String, CancelToken>>,
    /// The user's opt-in sign-in for sites that ask for one (off by default).
    sign_in: Mutex<SignIn>,
    /// One conversion at a time: a second ask for the same file waits, then finds it made.
    converting: Mutex<()>,
    /// One whole-file fetch at a time; the sources already asked whether their server honours Range.
    localising: Mutex<std::collections::HashSet<String>>,
}

/// A server that ignores Range has its file fetched whole for previews up to this size.
const LOCAL_COPY_LIMIT: u64 = 1_000_000_000;

impl Session {
    pub fn new(sidecars: Result<Sidecars>) -> Session {
        let base = std::env::temp_dir();
        remove_stale_work_dirs(&base);
        // A fresh, private folder (mode 0700, unguessable name): never one made beforehand by
        // someone else. The pid in its name lets a later start remove it after a crash.
        let prefix = format!("{WORK_PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let work_dir = builder
            .tempdir_in(&base)
            .map(tempfile::TempDir::keep)
            .unwrap_or_else(|_| base.join(format!("{WORK_PREFIX}{}-unavailable", std::process::id())));
        Session {
            sidecars: Mutex::new(sidecars.map(Arc::new)),
            work_dir,
            sources: Mutex::new(HashMap::new()),
            background: CancelToken::new(),
            jobs: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            sign_in: Mutex::new(SignIn::default()),
            previews: Mutex::new(HashMap::new()),
            converting: Mutex::new(()),
            localising: Mutex::new(std::collections::HashSet::new()),
        }
    }

    pub fn work_dir(&self) -> &Path {
        &self.work_dir
    }

    /// The sidecars in use now (an update of video support replaces them).
    pub fn sidecars(&self) -> Result<Arc<Sidecars>> {
        lock(&self.sidecars).clone()
    }

    /// Fetches the newest yt-dlp on `channel`; later look-ups use it.
    pub fn update_video_support(&self, channel: crate::tools::ytdlp_update::Channel) -> Result<crate::tools::ytdlp_update::Updated> {
        let data = crate::tools::ytdlp_update::data_dir()
            .ok_or(Msg::NoDataFolder)?;
        crate::tools::ytdlp_update::set_channel(&data, channel)?;
        let updated = crate::tools::ytdlp_update::update(&*self.sidecars()?, &self.background)?;
        *lock(&self.sidecars) = Sidecars::locate().map(Arc::new);
        Ok(updated)
    }

    /// Sets (or, with an empty one, turns off) the sign-in used for later look-ups.
    pub fn set_sign_in(&self, sign_in: SignIn) -> Result<()> {
        // Checked now, so the settings panel can say what is wrong with it.
        drop(sign_in.prepared()?);
        *lock(&self.sign_in) = sign_in;
        Ok(())
    }

    fn fit(&self, width: u32, fps: u32) -> Fit {
        Fit { width, fps, sign_in: lock(&self.sign_in).clone() }
    }

    /// Looks a source up for the GIF the window is set to make (`width`, `fps`).
    pub fn probe(&self, text: &str, width: u32, fps: u32) -> Result<Probed> {
        if text.len() > 8192 {
            return Err(Msg::LinkTooLong.into());
        }
        GifSpec { width, fps, ..GifSpec::default() }.validate_options()?;
        let parsed = crate::source::link::parse_source(text)?;
        let media = probe::probe(&*self.sidecars()?, &parsed.source, &self.fit(width, fps), &self.background)?;
        let id = format!("s{}", self.next_id.fetch_add(1, Ordering::SeqCst));
        let probed = Probed {
            id: id.clone(),
            title: media.title.clone(),
            duration: media.duration,
            // The video's own size, in which the window draws the crop.
            width: media.own_size().0,
            height: media.own_size().1,
            fps: media.fps,
            // A link's own t= first, else where a clip begins.
            start_hint: parsed.start_hint.or(media.section.map(|s| s.0)).filter(|t| media.duration.is_none_or(|d| *t < d)),
            end_hint: media.section.filter(|_| parsed.start_hint.is_none()).map(|s| s.1),
            wait_seconds: crate::source::wait::seconds_left(&media.input),
            subtitles: media.subtitles.clone(),
        };
        lock(&self.sources).insert(id, Arc::new(media));
        Ok(probed)
    }

    fn source(&self, id: &str) -> Result<Arc<Media>> {
        lock(&self.sources)
            .get(id)
            .cloned()
            .ok_or(Msg::SourceGone.into())
    }

    /// The source with a media URL that is still valid and serves `fit`: a site's look-up
    /// is shared by previews and GIFs until the URL nears its expiry or the GIF needs
    /// another rendition.
    /// The video's own size, as the window shows it (0×0 before it is known).
    fn own_size(&self, id: &str) -> (u32, u32) {
        self.source(id).map(|m| m.own_size()).unwrap_or((0, 0))
    }

    fn current_source(&self, id: &str, fit: Option<Fit>, cancel: &CancelToken) -> Result<Arc<Media>> {
        let media = self.source(id)?;
        let Some(lookup) = &media.lookup else { return Ok(media) };
        let fit = fit.unwrap_or_else(|| lookup.fit.clone());
        if media.input.fresh_for(SOURCE_MARGIN_SECS) && lookup.fit.same_rendition(&fit) {
            return Ok(media);
        }
        let parsed = crate::source::link::Source::Url(lookup.url.clone());
        let sidecars = self.sidecars()?;
        let found = probe::locate(&sidecars, &parsed, &fit, cancel)?;
        // A size the site did not state is read from the new rendition, never kept from the old
        // one (a crop is moved onto the rendition by it).
        let found = if found.width == 0 { probe::complete(&sidecars, found, cancel)? } else { found };
        let fresh = Arc::new(Media {
            input: found.input,
            lookup: found.lookup,
            width: found.width,
            height: found.height,
            subtitles: if found.subtitles.is_empty() { media.subtitles.clone() } else { found.subtitles },
            // Its sheets' URLs are signed as the video's are.
            storyboard: found.storyboard.or_else(|| media.storyboard.clone()),
            full: found.full.or(media.full),
            ..(*media).clone()
        });
        lock(&self.sources).insert(id.to_string(), fresh.clone());
        Ok(fresh)
    }

    /// Previews and estimates read a remote file with bounded range requests,
    /// which a server that ignores Range garbles. Asked once (one byte), such a file is fetched
    /// whole (the window's background work, not this slot's: a newer preview does not restart
    /// it) and read locally from then on, by the GIF too.
    fn with_local_fallback<T>(&self, id: &str, media: Arc<Media>, cancel: &CancelToken, mut work: impl FnMut(&Media) -> Result<T>) -> Result<T> {
        match work(&media) {
            Err(e) if matches!(e.kind(), "bad_media" | "network") && media.input.remote && !cancel.is_cancelled() => {
                match self.local_copy(id, &media) {
                    Some(local) => work(&local),
                    None => Err(e),
                }
            }
            other => other,
        }
    }

    fn local_copy(&self, id: &str, media: &Arc<Media>) -> Option<Arc<Media>> {
        let mut settled = lock(&self.localising);
        // Another slot's failure may have fetched it meanwhile.
        if let Ok(now) = self.source(id) {
            if !now.input.remote {
                return Some(now);
            }
        }
        // Asked once per source: a server that honours Range failed for its own reasons.
        if !settled.insert(id.to_string()) || crate::source::server_check::ask(&media.input) != crate::source::server_check::Answer::Whole {
            return None;
        }
        let whole = crate::source::whole::fetch(&media.input, LOCAL_COPY_LIMIT, &self.background).ok()?;
        let local = Arc::new(Media { input: whole.input(), lookup: None, whole: Some(Arc::new(whole)), ..(**media).clone() });
        lock(&self.sources).insert(id.to_string(), local.clone());
        Some(local)
    }

    /// A still frame for a preview slot; a newer request for the same slot stops this one
    /// (its download too), as the window has dropped it.
    pub fn preview(&self, id: &str, at: f64, slot: &str, edits: &Edits) -> Result<Vec<u8>> {
        edits.validate()?;
        if slot.len() > 32 {
            return Err(Msg::SlotInvalid.into());
        }
        self.in_slot(slot, |cancel| {
            let media = self.current_source(id, None, cancel)?;
            let sidecars = self.sidecars()?;
            self.with_local_fallback(id, media, cancel, |m| crate::render::preview::frame_jpeg(&sidecars, m, at, edits, cancel))
        })
    }

    /// The timeline's thumbnails over `window`, sent to `on_sheet` as they come. The whole
    /// video's strip and the zoomed one each have their slot: a newer ask for the same view
    /// stops the older one.
    pub fn timeline(&self, id: &str, window: Window, zoomed: bool, on_sheet: &mut dyn FnMut(Sheet)) -> Result<Summary> {
        self.in_slot(if zoomed { "timeline-zoom" } else { "timeline" }, |cancel| {
            let media = self.current_source(id, None, cancel)?;
            let sidecars = self.sidecars()?;
            // A server that ignores Range fails every keyframe's read: the whole-file copy serves.
            self.with_local_fallback(id, media, cancel, |m| crate::render::timeline::thumbnails(&sidecars, m, window, cancel, &mut *on_sheet))
        })
    }

    /// The moment as a small looping GIF with its edits, from the rendition (and so the cached
    /// bytes) the real GIF will use; a newer ask stops an older one.
    pub fn preview_loop(&self, id: &str, spec: &GifSpec) -> Result<Vec<u8>> {
        let asked = pipeline::Request { spec: spec.clone(), overwrite: true, sign_in: lock(&self.sign_in).clone() };
        asked.spec.validate()?;
        let width = if spec.width == 0 { LOOP_WIDTH } else { spec.width.min(LOOP_WIDTH) };
        let small = GifSpec { width, fps: spec.fps.min(LOOP_FPS), quality: LOOP_QUALITY, plays: 0, max_bytes: None, ..spec.clone() };
        let req = pipeline::Request { spec: small, ..asked.clone() };
        self.in_slot("loop", |cancel| {
            let media = self.current_source(id, Some(asked.fit_for(self.own_size(id))), cancel)?;
            let target = self.work_dir.join(format!("loop-{}.gif", self.next_id.fetch_add(1, Ordering::SeqCst)));
            let made = pipeline::render(&*self.sidecars()?, &media, &req, &target, cancel, &|_| {});
            let bytes = made.and_then(|m| std::fs::read(&m.path).map_err(|e| Msg::GifReadBack { detail: e.to_string() }.into()));
            let _ = std::fs::remove_file(&target);
            bytes
        })
    }

    /// The byte cache's size on disk and its limit (None: no cache).
    pub fn cache_usage(&self) -> Option<(u64, u64)> {
        crate::source::cache::shared().map(|store| (store.usage(), store.limit()))
    }

    /// Empties the byte cache; work under way fetches what it needs again.
    pub fn clear_cache(&self) -> Result<()> {
        match crate::source::cache::shared() {
            Some(store) => store.clear().map_err(|e| Msg::CacheNotCleared { detail: e.to_string() }.into()),
            None => Ok(()),
        }
    }

    /// The size range of `spec`'s GIF; a newer estimate cancels an older one still sampling.
    pub fn estimate(&self, id: &str, spec: &GifSpec) -> Result<SizeEstimate> {
        let req = pipeline::Request { spec: spec.clone(), overwrite: true, sign_in: lock(&self.sign_in).clone() };
        self.in_slot(ESTIMATE_SLOT, |cancel| {
            let media = self.current_source(id, Some(req.fit_for(self.own_size(id))), cancel)?;
            let sidecars = self.sidecars()?;
            self.with_local_fallback(id, media, cancel, |m| pipeline::estimate(&sidecars, m, &req, cancel))
        })
    }

    /// Runs `work` with its own cancel token under `slot`: a newer call in the same slot
    /// cancels it (the window dropped that request), and so does closing the window.
    fn in_slot<T>(&self, slot: &str, work: impl FnOnce(&CancelToken) -> Result<T>) -> Result<T> {
        let cancel = CancelToken::new();
        if let Some(older) = lock(&self.previews).insert(slot.to_string(), cancel.clone()) {
            older.cancel();
        }
        if self.background.is_cancelled() {
            cancel.cancel();
        }
        let result = work(&cancel);
        let mut slots = lock(&self.previews);
        if slots.get(slot).is_some_and(|c| c.same_as(&cancel)) {
            slots.remove(slot);
        }
        result
    }

    pub fn make(&self, req: &GifRequest, on_progress: OnProgress) -> Result<GifInfo> {
        check_job_id(&req.job_id)?;
        self.source(&req.id)?;
        let sidecars = self.sidecars()?;
        let cancel = CancelToken::new();
        {
            let mut jobs = lock(&self.jobs);
            if jobs.get(&req.job_id).is_some_and(|j| !j.cancel.is_cancelled() || j.made.is_some()) {
                return Err(Msg::JobIdInUse.into());
            }
            // A Cancel that arrived before the job started has left a cancelled entry.
            if let Some(early) = jobs.remove(&req.job_id) {
                drop(early);
                return Err(Msg::Cancelled.into());
            }
            let mut made: Vec<(u64, String)> = jobs.iter().filter(|(_, j)| j.made.is_some()).map(|(id, j)| (j.order, id.clone())).collect();
            made.sort();
            for (_, id) in made.iter().take((made.len() + 1).saturating_sub(KEPT_GIFS)) {
                if let Some(job) = jobs.remove(id) {
                    discard_files(&job);
                }
            }
            let order = self.next_id.fetch_add(1, Ordering::SeqCst);
            jobs.insert(req.job_id.clone(), Job { cancel: cancel.clone(), made: None, limit: req.spec.max_bytes, order });
        }
        let target = self.work_dir.join(format!("{}.gif", req.job_id));
        // The app writes into its own work folder; the Save dialog has asked about replacing.
        let job = pipeline::Request { spec: req.spec.clone(), overwrite: true, sign_in: lock(&self.sign_in).clone() };
        let result = self
            .current_source(&req.id, Some(job.fit_for(self.own_size(&req.id))), &cancel)
            .and_then(|media| pipeline::render(&sidecars, &media, &job, &target, &cancel, on_progress).map(|made| (made, media)));
        crate::os::memory::release_unused();
        let mut jobs = lock(&self.jobs);
        match result {
            Ok((made, media)) => {
                let name = output::default_name(&media.title, req.spec.start, req.spec.end);
                let info = GifInfo {
                    job_id: req.job_id.clone(),
                    width: made.width,
                    height: made.height,
                    frames: made.frames,
                    duration: made.duration,
                    bytes: made.bytes,
                    suggested_path: save_folder().join(&name),
                    suggested_name: name.clone(),
                    max_bytes: req.spec.max_bytes,
                    fitted: made.fitted.clone(),
                };
                if let Some(job) = jobs.get_mut(&req.job_id) {
                    job.made = Some((made, name));
                }
                Ok(info)
            }
            Err(e) => {
                jobs.remove(&req.job_id);
                Err(e)
            }
        }
    }

    pub fn cancel(&self, job_id: &str) {
        if check_job_id(job_id).is_err() {
            return;
        }
        let mut jobs = lock(&self.jobs);
        match jobs.get(job_id) {
            Some(job) => job.cancel.cancel(),
            // The job has not started yet: leave word so it never does.
            None => {
                let cancel = CancelToken::new();
                cancel.cancel();
                jobs.insert(job_id.to_string(), Job { cancel, made: None, limit: None, order: 0 });
            }
        }
    }

    /// Forgets a made GIF (the queue's Remove): its files leave the work folder. A job still
    /// running is cancelled instead.
    pub fn discard(&self, job_id: &str) {
        if check_job_id(job_id).is_err() {
            return;
        }
        let mut jobs = lock(&self.jobs);
        match jobs.get(job_id) {
            Some(job) if job.made.is_none() => job.cancel.cancel(),
            Some(_) => {
                if let Some(job) = jobs.remove(job_id) {
                    discard_files(&job);
                }
            }
            None => {}
        }
    }

    pub fn gif_path(&self, job_id: &str) -> Result<PathBuf> {
        check_job_id(job_id)?;
        lock(&self.jobs)
            .get(job_id)
            .and_then(|j| j.made.as_ref())
            .map(|(m, _)| m.path.clone())
            .ok_or(Msg::GifNotReady.into())
    }

    pub fn gif_bytes(&self, job_id: &str) -> Result<Vec<u8>> {
        let path = self.gif_path(job_id)?;
        std::fs::read(&path).map_err(|e| Msg::GifReadBack { detail: e.to_string() }.into())
    }

    /// The made GIF as `format` (a WebP or MP4 from its frames), converted once per job into
    /// the work folder: a second ask, or saving after the window showed the size, is instant.
    pub fn converted(&self, job_id: &str, format: Format) -> Result<(PathBuf, Converted)> {
        let gif = self.gif_path(job_id)?;
        let path = gif.with_extension(format.ext());
        let _one_at_a_time = lock(&self.converting);
        // Written atomically: a file there is complete.
        if let Ok(meta) = std::fs::metadata(&path) {
            return Ok((path, Converted { format, bytes: meta.len() }));
        }
        let (cancel, limit) = lock(&self.jobs).get(job_id).map(|j| (j.cancel.clone(), j.limit)).ok_or(Msg::GifNotReady)?;
        if self.background.is_cancelled() {
            cancel.cancel();
        }
        let out = convert::convert(&*self.sidecars()?, &gif, format, &path, true, limit, &cancel)?;
        Ok((path, Converted { format, bytes: out.bytes }))
    }

    /// Saves the GIF, or the WebP or MP4 made from it, as the chosen name's extension says.
    pub fn save(&self, job_id: &str, path: &str) -> Result<Saved> {
        let gif = self.gif_path(job_id)?;
        let mut target = PathBuf::from(path);
        if path.is_empty() || path.len() > 4096 || path.contains('\0') || !target.is_absolute() {
            return Err(Msg::UseSaveDialog.into());
        }
        if target.is_dir() {
            return Err(Msg::SaveToFolder { path: target.display().to_string() }.into());
        }
        // The dialog asked about replacing the name it showed; a name we extend was never asked.
        let format = Format::of_path(&target)?;
        let extended = format.is_none();
        if extended {
            target = output::with_gif_added(&target);
        }
        let from = match format {
            Some(other @ (Format::Webp | Format::Mp4)) => self.converted(job_id, other)?.0,
            _ => gif,
        };
        let bytes = output::save_copy(&from, &target, !extended)?;
        Ok(Saved { path: target, bytes })
    }

    /// A kept copy of the GIF under its own name (the work folder's copy goes with the next GIF),
    /// for the clipboard's file list: its path, bytes, and `file://` URI (percent-encoded).
    pub fn copy_for_clipboard(&self, job_id: &str) -> Result<Copied> {
        let from = self.gif_path(job_id)?;
        let name = lock(&self.jobs).get(job_id).and_then(|j| j.made.as_ref()).map(|(_, n)| n.clone()).unwrap_or_else(|| "gifgrab.gif".into());
        let dir = copies_dir();
        std::fs::create_dir_all(&dir).map_err(|e| Error::from_write(&e, &dir))?;
        prune_copies(&dir, KEPT_COPIES - 1);
        let path = dir.join(&name);
        let _ = std::fs::remove_file(&path);
        output::save_copy(&from, &path, false)?;
        let bytes = std::fs::read(&path).map_err(|e| Msg::GifReadBack { detail: e.to_string() })?;
        let uri = url::Url::from_file_path(&path).map(String::from).map_err(|_| Msg::internal("no file URI for the copy"))?;
        Ok(Copied { path, bytes, uri })
    }

    /// Ends every job (killing its children) and removes the work folder.
    pub fn shutdown(&self) {
        self.background.cancel();
        for preview in lock(&self.previews).values() {
            preview.cancel();
        }
        for job in lock(&self.jobs).values() {
            job.cancel.cancel();
        }
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A GIF put on the clipboard: the kept copy, its bytes and its URI.
pub struct Copied {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    pub uri: String,
}

/// Copied GIFs kept for pasting as files: the newest few.
const KEPT_COPIES: usize = 10;

/// `$XDG_CACHE_HOME/gifgrab/copied` (or `~/.cache/…`): a pasted file list must outlive the work folder.
fn copies_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("gifgrab").join("copied")
}

/// Keeps the newest `keep` GIFs in `dir`.
fn prune_copies(dir: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .filter(|(_, p)| p.extension().is_some_and(|x| x == "gif"))
        .collect();
    files.sort_by(|a, b| b.0.cmp(&a.0));
    for (_, old) in files.into_iter().skip(keep) {
        let _ = std::fs::remove_file(old);
    }
}

/// Where a GIF is saved by default: Pictures, else Downloads, else home.
fn save_folder() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    ["Pictures", "Downloads"].iter().map(|d| home.join(d)).find(|d| d.is_dir()).unwrap_or(home)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Job ids name files in the work folder: letters, digits and dashes only.
fn check_job_id(id: &str) -> Result<()> {
    let ok = !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Msg::JobIdInvalid.into())
    }
}

/// Work folders left by a gifgrab that crashed (its process is gone) are removed at start.
fn remove_stale_work_dirs(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name.strip_prefix(WORK_PREFIX).and_then(|p| p.split('-').next()).and_then(|p| p.parse::<i32>().ok());
        let Some(pid) = pid else { continue };
        if pid != std::process::id() as i32 && !crate::os::process::alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
