//! From the source's bytes to the GIF on disk: decode and filter, encode, previews, the output file.

pub mod captions;
pub mod convert;
pub mod decode;
pub mod encode;
pub mod estimate;
pub mod ffmpeg;
pub mod filters;
pub mod fit;
pub mod output;
pub mod pictures;
pub mod preview;
pub mod sequence;
pub mod squeeze;
pub mod timeline;
