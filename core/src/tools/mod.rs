//! The bundled programs: where they are, their versions, and yt-dlp's updates.

pub mod sidecars;
pub mod ytdlp_update;
