//! The other tools the bench compares with, set up in the dev cache: moviepy 2.x (the old
//! site's encoder) in a private venv, from PyPI.

use crate::sh;
use crate::Result;
use std::path::PathBuf;
use std::process::Command;

const MOVIEPY: &str = "moviepy==2.2.1";

/// The venv's python with moviepy importable; made once, cached by version.
pub fn moviepy_python() -> Result<PathBuf> {
    let base = crate::cache_dir().join("moviepy-2.2.1");
    let python = base.join("venv/bin/python");
    let stamp = base.join("ready");
    if stamp.exists() {
        return Ok(python);
    }
    eprintln!("xtask: installing {MOVIEPY} for the bench (about 30 s)");
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    sh::run(sh::python().args(["-m", "venv"]).arg(base.join("venv")))?;
    sh::run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", MOVIEPY]))?;
    sh::run(Command::new(&python).args(["-c", "import moviepy"]))?;
    std::fs::write(&stamp, MOVIEPY).map_err(|e| format!("write {}: {e}", stamp.display()))?;
    Ok(python)
}
