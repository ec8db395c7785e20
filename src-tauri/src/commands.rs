//! The Tauri command layer: argument plumbing only; the work happens in `session`.

use crate::error::{Error, Result};
use crate::pipeline::Progress;
use crate::session::{GifInfo, GifRequest, Probed, Saved, Session};
use std::sync::Arc;
use tauri::ipc::{Channel, Response};
use tauri::State;

type S<'a> = State<'a, Arc<Session>>;

/// Runs blocking pipeline work off the async runtime.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| Error::Internal(format!("the job crashed: {e}")))?
}

#[tauri::command]
pub async fn probe(state: S<'_>, source: String) -> Result<Probed> {
    let session = state.inner().clone();
    blocking(move || session.probe(&source)).await
}

#[tauri::command]
pub async fn preview_frame(state: S<'_>, id: String, at: f64) -> Result<Response> {
    let session = state.inner().clone();
    blocking(move || session.preview(&id, at)).await.map(Response::new)
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
