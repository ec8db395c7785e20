//! Where the bundled ffmpeg, yt-dlp and deno live: beside the gifgrab binary (Tauri's
//! `externalBin` puts them there in a build and in every installed bundle).

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Sidecars {
    pub ffmpeg: PathBuf,
    pub ytdlp: PathBuf,
    pub deno: PathBuf,
}

impl Sidecars {
    /// All three in one folder, named as the bundle names them.
    pub fn in_dir(dir: &Path) -> Sidecars {
        let exe = |name: &str| dir.join(format!("gifgrab-{name}{}", std::env::consts::EXE_SUFFIX));
        Sidecars { ffmpeg: exe("ffmpeg"), ytdlp: exe("yt-dlp"), deno: exe("deno") }
    }

    /// `GIFGRAB_SIDECAR_DIR` if set, else the folder of the running binary.
    pub fn locate() -> Result<Sidecars> {
        if let Some(dir) = std::env::var_os("GIFGRAB_SIDECAR_DIR") {
            return Ok(Sidecars::in_dir(Path::new(&dir)));
        }
        let exe = std::env::current_exe()
            .map_err(|e| Error::Sidecar(format!("Cannot find gifgrab's own folder ({e}); reinstall gifgrab.")))?;
        let dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Sidecars::in_dir(&dir))
    }
}
