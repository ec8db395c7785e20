//! Where the bundled ffmpeg, yt-dlp and deno live: beside the gifgrab binary (Tauri's
//! `externalBin` puts them there in a build and in every installed bundle). yt-dlp may instead
//! come from the app data folder, where `ytdlp_update` keeps a newer verified copy.

use crate::error::{Msg, Result};
use crate::os::process::{CancelToken, Proc};
use crate::tools::ytdlp_update;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Sidecars {
    pub ffmpeg: PathBuf,
    /// The yt-dlp to run: the updated copy when usable, else the bundled one.
    pub ytdlp: PathBuf,
    pub deno: PathBuf,
    /// The one shipped with gifgrab, to fall back on if the updated copy cannot start.
    pub bundled_ytdlp: PathBuf,
    /// The caption fonts (a resource folder).
    pub fonts: PathBuf,
}

impl Sidecars {
    /// All three in one folder, named as the bundle names them. yt-dlp's one-folder build
    /// (a resource, `yt-dlp/`) starts in half the time of the one-file sidecar, which unpacks
    /// itself on every call: it is used when it is there and runnable.
    pub fn in_dir(dir: &Path) -> Sidecars {
        let exe = |name: &str| dir.join(format!("gifgrab-{name}{}", std::env::consts::EXE_SUFFIX));
        let ytdlp = one_folder_ytdlp(dir).unwrap_or_else(|| exe("yt-dlp"));
        let fonts = crate::render::captions::fonts_dir(dir);
        Sidecars { ffmpeg: exe("ffmpeg"), ytdlp: ytdlp.clone(), deno: exe("deno"), bundled_ytdlp: ytdlp, fonts }
    }

    /// The bundled ones from `dir`, yt-dlp from `data` when its copy there is usable and not
    /// older than the bundled one.
    pub fn with_data(dir: &Path, data: &Path) -> Sidecars {
        let mut s = Sidecars::in_dir(dir);
        if let Some((copy, stamp)) = ytdlp_update::usable_copy(data) {
            let bundled = ytdlp_update::bundled_version_cached(data, &s.bundled_ytdlp);
            if ytdlp_update::prefer_copy(&stamp.version, bundled.as_deref()) {
                s.ytdlp = copy;
            }
        }
        s
    }

    /// `GIFGRAB_SIDECAR_DIR` if set, else the folder of the running binary; yt-dlp from the app
    /// data folder (`GIFGRAB_DATA_DIR` or the platform's) when it holds a usable copy.
    pub fn locate() -> Result<Sidecars> {
        let dir = match std::env::var_os("GIFGRAB_SIDECAR_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let exe = std::env::current_exe()
                    .map_err(|e| Msg::OwnFolderUnknown { detail: e.to_string() })?;
                exe.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        };
        Ok(match ytdlp_update::data_dir() {
            Some(data) => Sidecars::with_data(&dir, &data),
            None => Sidecars::in_dir(&dir),
        })
    }

    /// Whether yt-dlp is the updated copy rather than the bundled one.
    pub fn ytdlp_updated(&self) -> bool {
        self.ytdlp != self.bundled_ytdlp
    }

    /// The same with the bundled yt-dlp, when the updated copy fails to start (exec format
    /// error, deleted, no permission); None when it already is the bundled one.
    pub fn bundled_fallback(&self) -> Option<Sidecars> {
        self.ytdlp_updated().then(|| Sidecars { ytdlp: self.bundled_ytdlp.clone(), ..self.clone() })
    }
}

/// The one-folder yt-dlp: beside the binary (a build, Windows, macOS's resources are found
/// from there too) or in the .deb's resource folder (`/usr/lib/gifgrab` for `/usr/bin`).
fn one_folder_ytdlp(dir: &Path) -> Option<PathBuf> {
    let name = format!("gifgrab-yt-dlp{}", std::env::consts::EXE_SUFFIX);
    let mut places = vec![dir.join("yt-dlp").join(&name), dir.join("../Resources/yt-dlp").join(&name)];
    if let Some(prefix) = dir.parent() {
        places.push(prefix.join("lib/gifgrab/yt-dlp").join(&name));
    }
    places.into_iter().find(|p| runnable(p))
}

#[cfg(unix)]
fn runnable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn runnable(path: &Path) -> bool {
    path.is_file()
}

/// What the About panel and `gifgrab-cli --version` show; None where a tool did not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Versions {
    pub ytdlp: Option<String>,
    /// "bundled" or "updated (stable)" / "updated (nightly)".
    pub ytdlp_source: String,
    pub deno: Option<String>,
    pub ffmpeg: Option<String>,
}

const VERSION_LIMIT: Duration = Duration::from_secs(15);

/// Asks the three tools at once (yt-dlp alone takes half a second to unpack).
pub fn versions(s: &Sidecars) -> Versions {
    let ask = |name: &'static str, path: &Path, arg: &'static str| {
        let path = path.to_path_buf();
        std::thread::spawn(move || version_of(name, &path, arg, VERSION_LIMIT, None).ok())
    };
    let ytdlp = ask("yt-dlp", &s.ytdlp, "--version");
    let deno = ask("deno", &s.deno, "--version");
    let ffmpeg = ask("ffmpeg", &s.ffmpeg, "-version");
    let ytdlp_source = match s.ytdlp_updated() {
        true => {
            let channel = s.ytdlp.parent().and_then(Path::parent).and_then(ytdlp_update::read_stamp).map(|st| st.channel);
            format!("updated ({})", channel.unwrap_or_default().name())
        }
        false => "bundled".to_string(),
    };
    let join = |h: std::thread::JoinHandle<Option<String>>| h.join().ok().flatten();
    Versions { ytdlp: join(ytdlp), ytdlp_source, deno: join(deno), ffmpeg: join(ffmpeg) }
}

/// Runs `path arg` (at most `limit`, or until `cancel`) and returns the version token of the
/// first line of its output: `2026.10.26`, `deno 2.9.8 (...)` -> `2.9.8`,
/// `ffmpeg version n9.0.2-17-g2a571b6068 ...` -> `n9.0.2-17-g2a571b6068`.
pub fn version_of(name: &'static str, path: &Path, arg: &str, limit: Duration, cancel: Option<&CancelToken>) -> Result<String> {
    let mut cmd = Command::new(path);
    cmd.arg(arg);
    let out = run_limited(name, cmd, limit, cancel)?;
    let line = out.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default();
    version_token(line).ok_or_else(|| Msg::NoVersion { tool: name.into(), path: path.display().to_string() }.into())
}

pub fn version_token(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let starts_digit = |w: &str| w.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit());
    let token = match words.iter().position(|w| w.eq_ignore_ascii_case("version")) {
        Some(i) => words.get(i + 1).copied(),
        None => words.iter().copied().take(2).find(|w| starts_digit(w)),
    }?;
    Some(token.to_string())
}

/// Stdout of a short-lived child, killed (group and all) after `limit` or on `cancel`.
fn run_limited(name: &'static str, cmd: Command, limit: Duration, cancel: Option<&CancelToken>) -> Result<String> {
    let token = CancelToken::new();
    let mut proc = Proc::spawn(name, cmd, &token, true)?;
    let (done, finished) = mpsc::channel::<()>();
    let (watch, outer) = (token.clone(), cancel.cloned());
    let watchdog = std::thread::spawn(move || {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline && !outer.as_ref().is_some_and(CancelToken::is_cancelled) {
            if finished.recv_timeout(Duration::from_millis(100)) != Err(mpsc::RecvTimeoutError::Timeout) {
                return;
            }
        }
        watch.cancel();
    });
    let mut out = Vec::new();
    if let Some(stdout) = proc.stdout() {
        let _ = stdout.take(64 * 1024).read_to_end(&mut out);
    }
    let finished = proc.finish();
    drop(done);
    let _ = watchdog.join();
    if cancel.is_some_and(CancelToken::is_cancelled) {
        return Err(Msg::Cancelled.into());
    }
    let (status, stderr) = finished
        .map_err(|_| Msg::ToolTimeout { tool: name.into(), seconds: limit.as_secs() })?;
    if !status.success() {
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no message").trim().to_string();
        return Err(Msg::ToolFailed { tool: name.into(), status: status.to_string(), detail: last }.into());
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tokens() {
        assert_eq!(version_token("2026.10.26").as_deref(), Some("2026.10.26"));
        assert_eq!(version_token("deno 2.9.8 (stable, release, x86_64-unknown-linux-gnu)").as_deref(), Some("2.9.8"));
        assert_eq!(
            version_token("ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright (c) 2000-2026").as_deref(),
            Some("n9.0.2-17-g2a571b6068-20260930")
        );
        assert_eq!(version_token("Usage: thing [OPTIONS]"), None);
        assert_eq!(version_token(""), None);
    }

    #[test]
    fn fallback_only_when_updated() {
        let s = Sidecars::in_dir(Path::new("/x"));
        assert!(!s.ytdlp_updated() && s.bundled_fallback().is_none());
        let u = Sidecars { ytdlp: PathBuf::from("/data/yt-dlp/yt-dlp"), ..s.clone() };
        assert_eq!(u.bundled_fallback().map(|f| f.ytdlp), Some(s.ytdlp));
    }
}
