//! From what the user pasted to bytes ffmpeg may read: look-up, sign-in, waits, the network guard.

pub mod cache;
pub mod cookies;
pub mod fetch;
pub mod guard;
pub mod input;
pub mod link;
pub mod loopback;
pub mod probe;
pub mod server_check;
pub mod storyboard;
pub mod subtitles;
pub mod wait;
pub mod walls;
pub mod whole;
