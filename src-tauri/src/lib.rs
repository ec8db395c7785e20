//! gifgrab's desktop app: the window, its commands and nothing else. The pipeline, the session
//! and the CLI live in `gifgrab-core`, which knows nothing of Tauri.

pub mod app;
mod clipboard;
mod drag_out;
#[cfg(target_os = "linux")]
mod main_thread;
pub mod commands;
mod fonts;
mod handover;
pub mod opened;

pub use gifgrab_core::{Error, Result};
