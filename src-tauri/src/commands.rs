//! The Tauri command layer: argument plumbing only; the work happens in `session`.

use gifgrab_core::edits::Edits;
use gifgrab_core::error::{Error, Msg, Result};
use gifgrab_core::pipeline::Progress;
use gifgrab_core::render::output::Format;
use gifgrab_core::session::{Converted, GifInfo, GifRequest, Probed, Saved, Session};
use std::sync::Arc;
use tauri::ipc::{Channel, Response};
use tauri::State;

type S<'a> = State<'a, Arc<Session>>;

/// Runs blocking pipeline work off the async runtime.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| Error::from(Msg::internal(format!("the job crashed: {e}"))))?
}

#[tauri::command]
pub async fn probe(state: S<'_>, source: String, width: Option<u32>, fps: Option<u32>) -> Result<Probed> {
    let session = state.inner().clone();
    let defaults = gifgrab_core::spec::GifSpec::default();
    blocking(move || session.probe(&source, width.unwrap_or(defaults.width), fps.unwrap_or(defaults.fps))).await
}

#[tauri::command]
pub async fn set_sign_in(state: S<'_>, sign_in: gifgrab_core::source::cookies::SignIn) -> Result<()> {
    let session = state.inner().clone();
    blocking(move || session.set_sign_in(sign_in)).await
}

#[tauri::command]
pub async fn preview_frame(state: S<'_>, id: String, at: f64, slot: Option<String>, edits: Option<Edits>) -> Result<Response> {
    let session = state.inner().clone();
    let edits = edits.unwrap_or_default();
    blocking(move || session.preview(&id, at, slot.as_deref().unwrap_or("frame"), &edits)).await.map(Response::new)
}

/// A timeline sheet as the window receives it: the picture in base64 (the window makes a
/// blob: URL of it; its content policy allows no data: pictures), and its tiles.
#[derive(Clone, serde::Serialize)]
pub struct SheetOut {
    base64: String,
    #[serde(flatten)]
    sheet: gifgrab_core::render::timeline::Sheet,
}

/// The timeline's thumbnails over a stretch, one channel message per sheet as each arrives.
#[tauri::command]
pub async fn timeline(
    state: S<'_>,
    id: String,
    window: gifgrab_core::render::timeline::Window,
    zoomed: Option<bool>,
    on_sheet: Channel<SheetOut>,
) -> Result<gifgrab_core::render::timeline::Summary> {
    use base64::Engine;
    let session = state.inner().clone();
    blocking(move || {
        session.timeline(&id, window, zoomed.unwrap_or(false), &mut |sheet| {
            let base64 = base64::engine::general_purpose::STANDARD.encode(&sheet.image);
            drop(on_sheet.send(SheetOut { base64, sheet }));
        })
    })
    .await
}

/// The moment as a small looping GIF, with its edits (a newer call cancels an older one).
#[tauri::command]
pub async fn preview_loop(state: S<'_>, id: String, spec: gifgrab_core::spec::GifSpec) -> Result<Response> {
    let session = state.inner().clone();
    blocking(move || session.preview_loop(&id, &spec)).await.map(Response::new)
}

#[derive(serde::Serialize)]
pub struct CacheUsage {
    used: u64,
    limit: u64,
}

/// The byte cache's size on disk and its limit (null when there is none).
#[tauri::command]
pub async fn cache_usage(state: S<'_>) -> Result<Option<CacheUsage>> {
    let session = state.inner().clone();
    blocking(move || Ok(session.cache_usage().map(|(used, limit)| CacheUsage { used, limit }))).await
}

#[tauri::command]
pub async fn clear_cache(state: S<'_>) -> Result<()> {
    let session = state.inner().clone();
    blocking(move || session.clear_cache()).await
}

/// The size range of the GIF the window is set to make (a newer call cancels an older one).
#[tauri::command]
pub async fn estimate_size(state: S<'_>, id: String, spec: gifgrab_core::spec::GifSpec) -> Result<gifgrab_core::render::estimate::SizeEstimate> {
    let session = state.inner().clone();
    blocking(move || session.estimate(&id, &spec)).await
}

#[tauri::command]
pub async fn make_gif(state: S<'_>, request: GifRequest, on_progress: Channel<Progress>) -> Result<GifInfo> {
    let session = state.inner().clone();
    blocking(move || session.make(&request, &move |p| drop(on_progress.send(p)))).await
}

#[tauri::command]
pub fn cancel_gif(state: S<'_>, job_id: String) {
    state.cancel(&job_id);
}

/// Forgets a made GIF (or cancels it while it runs): the queue's Remove.
#[tauri::command]
pub fn discard_gif(state: S<'_>, job_id: String) {
    state.discard(&job_id);
}

#[tauri::command]
pub async fn gif_bytes(state: S<'_>, job_id: String) -> Result<Response> {
    let session = state.inner().clone();
    blocking(move || session.gif_bytes(&job_id)).await.map(Response::new)
}

#[tauri::command]
pub async fn save_gif(state: S<'_>, job_id: String, path: String) -> Result<Saved> {
    let session = state.inner().clone();
    blocking(move || session.save(&job_id, &path)).await
}

/// The finished GIF as WebP or MP4 (made once per job, in the background after Done): its size,
/// for the Save dialog's file types.
#[tauri::command]
pub async fn convert_gif(state: S<'_>, job_id: String, format: Format) -> Result<Converted> {
    let session = state.inner().clone();
    blocking(move || session.converted(&job_id, format).map(|(_, converted)| converted)).await
}

/// Copies the finished GIF to the clipboard (its bytes and a kept file); the copy's path back.
#[tauri::command]
pub async fn copy_gif(app: tauri::AppHandle, state: S<'_>, job_id: String) -> Result<Saved> {
    let session = state.inner().clone();
    let copied = blocking(move || session.copy_for_clipboard(&job_id)).await?;
    let saved = Saved { path: copied.path.clone(), bytes: copied.bytes.len() as u64 };
    crate::clipboard::offer(&app, copied)?;
    Ok(saved)
}

/// Starts dragging the finished GIF out of the window (the mouse button is down on it).
#[tauri::command]
pub async fn drag_gif(window: tauri::WebviewWindow, state: S<'_>, job_id: String) -> Result<String> {
    let session = state.inner().clone();
    let copied = blocking(move || session.copy_for_clipboard(&job_id)).await?;
    let path = copied.path.to_string_lossy().into_owned();
    crate::drag_out::start(&window, copied.uri)?;
    Ok(path)
}

#[tauri::command]
pub fn firefox_profiles() -> Vec<gifgrab_core::source::cookies::Profile> {
    gifgrab_core::source::cookies::firefox_profiles()
}

/// The versions in use, for the About part of Settings.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct About {
    gifgrab: String,
    ytdlp: Option<String>,
    ytdlp_source: String,
    deno: Option<String>,
    ffmpeg: Option<String>,
    channel: gifgrab_core::tools::ytdlp_update::Channel,
}

#[tauri::command]
pub async fn versions(state: S<'_>) -> Result<About> {
    let session = state.inner().clone();
    blocking(move || {
        let v = gifgrab_core::tools::sidecars::versions(session.sidecars()?.as_ref());
        let channel = gifgrab_core::tools::ytdlp_update::data_dir().map(|d| gifgrab_core::tools::ytdlp_update::channel(&d)).unwrap_or_default();
        Ok(About { gifgrab: env!("CARGO_PKG_VERSION").into(), ytdlp: v.ytdlp, ytdlp_source: v.ytdlp_source, deno: v.deno, ffmpeg: v.ffmpeg, channel })
    })
    .await
}

#[tauri::command]
pub async fn update_video_support(state: S<'_>, channel: gifgrab_core::tools::ytdlp_update::Channel) -> Result<gifgrab_core::tools::ytdlp_update::Updated> {
    let session = state.inner().clone();
    blocking(move || session.update_video_support(channel)).await
}

/// The system's languages, most wanted first (WebKitGTK's `navigator.languages` says en-US whatever
/// the desktop's language is).
#[tauri::command]
pub fn system_languages() -> Vec<String> {
    sys_locale::get_locales().collect()
}

/// The window's language, for the messages the Rust side sends it (the CLI stays English).
#[tauri::command]
pub fn set_language(lang: gifgrab_core::error::Lang) {
    gifgrab_core::error::set_ui_language(lang);
}

/// Files and links handed over by the desktop since the window last asked.
#[tauri::command]
pub fn take_opened(opened: State<'_, crate::opened::Opened>) -> Vec<String> {
    opened.take()
}

// History: the app's list of recent GIFs (core/src/history.rs), kept in its data folder.

type H<'a> = State<'a, gifgrab_core::history::History>;

#[tauri::command]
pub fn history_list(history: H<'_>) -> Vec<gifgrab_core::history::Entry> {
    history.list()
}

/// Records the GIF job `job_id` made (its still is taken from it); the entry back with its id.
#[tauri::command]
pub async fn history_add(history: H<'_>, state: S<'_>, job_id: String, entry: gifgrab_core::history::Entry) -> Result<gifgrab_core::history::Entry> {
    let gif = state.gif_path(&job_id)?;
    history.add(entry, &gif)
}

#[tauri::command]
pub fn history_saved(history: H<'_>, id: String, path: String) -> Result<()> {
    history.set_saved(&id, &path)
}

#[tauri::command]
pub fn history_remove(history: H<'_>, id: String) -> Result<()> {
    history.remove(&id)
}

#[tauri::command]
pub fn history_thumb(history: H<'_>, id: String) -> Result<Response> {
    history.thumbnail(&id).map(Response::new)
}

/// Opens an entry's saved GIF in the system's viewer (only a path the history recorded).
#[tauri::command]
pub fn history_open(app: tauri::AppHandle, history: H<'_>, id: String) -> Result<()> {
    use tauri_plugin_opener::OpenerExt;
    let entry = history.list().into_iter().find(|e| e.id == id).ok_or(Msg::GifGone { detail: "no longer in the history".into() })?;
    // Only what gifgrab saves: a recorded path that is anything else is not handed to the opener.
    let ours = |p: &String| matches!(gifgrab_core::render::output::Format::of_path(std::path::Path::new(p)), Ok(Some(_)));
    let path = entry.saved_path.filter(|p| ours(p) && std::path::Path::new(p).is_file()).ok_or(Msg::GifGone { detail: "the saved file is gone".into() })?;
    app.opener().open_path(path, None::<&str>).map_err(|e| Msg::internal(format!("open: {e}")).into())
}
