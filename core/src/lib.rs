//! gifgrab's core: a video link and a moment in, a beautiful GIF out. No Tauri here: the app
//! crate and the CLI are thin adapters over it, and the compiler keeps it that way.
//!
//! - `source/`: the link is looked up (yt-dlp), waited for, probed and fetched through the guard;
//! - `render/`: ffmpeg decodes and filters, gifski encodes, the output is written;
//! - `tools/`: the bundled sidecars and yt-dlp's updates; `os/`: child processes and confinement.

pub mod cli;
pub mod edits;
pub mod error;
pub mod history;
pub mod os;
pub mod pipeline;
pub mod render;
pub mod session;
pub mod source;
pub mod spec;
pub mod text;
pub mod tools;

pub use error::{Error, Result};
