//! GTK work from a command: run on the main thread, and wait for its answer.

use gifgrab_core::error::{Msg, Result};

/// Runs `f` on the GTK main thread and waits up to 5 s for what it returns (`None`: no answer).
#[cfg(target_os = "linux")]
pub fn ask<T: Send + 'static>(app: &tauri::AppHandle, what: &str, f: impl FnOnce() -> T + Send + 'static) -> Result<Option<T>> {
    let (tx, rx) = std::sync::mpsc::channel();
    app.run_on_main_thread(move || {
        let _ = tx.send(f());
    })
    .map_err(|e| Msg::internal(format!("{what}: {e}")))?;
    Ok(rx.recv_timeout(std::time::Duration::from_secs(5)).ok())
}
