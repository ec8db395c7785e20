//! Videos and links the desktop hands over: `gifgrab FILE_OR_LINK`, "Open with", and a second
//! launch passing its arguments to the window already open.

use std::path::Path;
use std::sync::Mutex;

/// Sources waiting for the window to take them (it may not have loaded yet).
#[derive(Default)]
pub struct Opened(Mutex<Vec<String>>);

/// The event that tells the window something was handed over; it then calls `take_opened`.
pub const OPENED_EVENT: &str = "opened";

impl Opened {
    pub fn push(&self, sources: Vec<String>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend(sources);
    }

    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Whether these arguments ask for the window with a video, not the CLI: only sources, no options
/// (a desktop's `%U` can pass several; the CLI always needs `--start` and `--end`).
pub fn opens_window(args: &[std::ffi::OsString]) -> bool {
    !args.is_empty() && args.iter().all(|a| !a.to_string_lossy().starts_with('-')) && has_display()
}

/// Without a display (a server, ssh) the arguments go to the CLI, which says what it needs.
fn has_display() -> bool {
    !cfg!(target_os = "linux") || ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|v| std::env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// The arguments as the link field takes them: files there made absolute against the launching
/// process's folder (a second launch runs elsewhere), anything else (links) as it is.
pub fn sources(args: &[String], cwd: &Path) -> Vec<String> {
    args.iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty() && !a.starts_with('-'))
        .map(|a| {
            let here = cwd.join(a);
            if !Path::new(a).is_absolute() && here.exists() {
                here.to_string_lossy().into_owned()
            } else {
                a.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_follow_the_launching_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("클립 1.mp4"), b"").unwrap();
        let args = ["클립 1.mp4", "https://youtu.be/x?t=5", "youtu.be/x", "/v/a b.mkv", "--x"].map(String::from);
        let want = [dir.path().join("클립 1.mp4").to_string_lossy().into_owned(), "https://youtu.be/x?t=5".into(), "youtu.be/x".into(), "/v/a b.mkv".into()];
        assert_eq!(sources(&args, dir.path()), want);
    }
}

#[cfg(test)]
mod desktop_entry {
    /// The .deb's desktop entry offers gifgrab for video files and passes what it opens.
    #[test]
    fn the_desktop_entry_opens_video_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let conf: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("tauri.conf.json")).unwrap()).unwrap();
        let template = conf["bundle"]["linux"]["deb"]["desktopTemplate"].as_str().expect("the bundle names its desktop template");
        let entry = std::fs::read_to_string(dir.join(template)).unwrap();
        let line = |key: &str| entry.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_default().to_string();
        assert!(line("Exec").ends_with(" %U"), "Exec passes the files and links: {}", line("Exec"));
        let types: Vec<String> = line("MimeType").split(';').filter(|t| !t.is_empty()).map(String::from).collect();
        for t in ["video/mp4", "video/webm", "video/x-matroska", "video/quicktime"] {
            assert!(types.iter().any(|x| x == t), "MimeType lacks {t}: {types:?}");
        }
        assert!(types.iter().all(|t| t.starts_with("video/")), "only video types: {types:?}");
    }
}
