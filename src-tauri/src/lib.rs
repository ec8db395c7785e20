//! gifgrab: a video link and a moment in, a beautiful GIF out.
//! The pipeline modules know nothing of Tauri; `app` and `cli` are thin adapters over them.

pub mod app;
pub mod cli;
pub mod clip;
pub mod commands;
pub mod cookies;
pub mod decode;
pub mod encode;
pub mod error;
pub mod fetch;
pub mod ffmpeg;
pub mod guard;
pub mod memory;
pub mod output;
pub mod pipeline;
pub mod preview;
pub mod probe;
pub mod process;
pub mod sandbox;
pub mod session;
pub mod sidecars;
pub mod wait;
pub mod walls;
pub mod ytdlp_update;

pub use error::{Error, Result};
