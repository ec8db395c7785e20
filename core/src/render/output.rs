//! Where the GIF lands: written to a hidden temp file beside the target and moved into place
//! only when complete, never over an existing file unless asked. Also safe default names and
//! the file formats an output name may ask for.

use crate::error::{Error, Msg, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

/// What a saved file is, chosen by its name's extension (the CLI's `-o`, the Save dialog's path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Gif,
    /// Animated WebP, made from the GIF's frames.
    Webp,
    /// Silent H.264 MP4, made from the GIF's frames.
    Mp4,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Gif, Format::Webp, Format::Mp4];

    pub fn ext(self) -> &'static str {
        match self {
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Mp4 => "mp4",
        }
    }

    /// The format `path` names (any case); None without an extension, an error for others.
    pub fn of_path(path: &Path) -> Result<Option<Format>> {
        let Some(ext) = extension(path) else { return Ok(None) };
        let found = Format::ALL.into_iter().find(|f| ext.eq_ignore_ascii_case(f.ext()));
        found.map(Some).ok_or_else(|| Msg::OutputType { ext: ext.to_string_lossy().into_owned() }.into())
    }
}

/// A name's extension as people mean it: a short word after the last dot ("clip.webp"), not the
/// rest of a title with a dot in it ("Dr. Strange 0-3", "ep.3 best").
pub fn extension(path: &Path) -> Option<&std::ffi::OsStr> {
    let ext = path.extension()?;
    let text = ext.to_str()?;
    let word = (1..=5).contains(&text.len()) && text.starts_with(|c: char| c.is_ascii_alphabetic()) && text.chars().all(|c| c.is_ascii_alphanumeric());
    word.then_some(ext)
}

/// `name` with ".gif" added (not swapped in: "Dr. Strange" becomes "Dr. Strange.gif").
pub fn with_gif_added(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".gif");
    path.with_file_name(name)
}

/// A file being written; dropped without `commit`, it disappears (tempfile's `TempPath`).
pub struct Staged {
    temp: tempfile::TempPath,
    target: PathBuf,
}

impl Staged {
    pub fn create(target: &Path, overwrite: bool) -> Result<(Staged, File)> {
        if !overwrite && target.exists() {
            return Err(exists(target));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // Messages name the folder in full ("Cannot write to /home/me/clips", not ".").
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        if !dir.is_dir() {
            return Err(Msg::FolderMissing { path: dir.display().to_string() }.into());
        }
        remove_stale_parts(&dir);
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "gif".into());
        // The process id in the name lets a later run remove what a killed one left.
        let prefix = format!(".{}.{}-", short(&name, 80), std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(PART_SUFFIX);
        // tempfile's private 0600 would stay on the saved file: a new file gets what the
        // user's umask allows, as any other program's would.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let (file, temp) = builder
            .tempfile_in(&dir)
            .map_err(|e| Error::from_write(&e, &dir))?
            .into_parts();
        Ok((Staged { temp, target: target.to_path_buf() }, file))
    }

    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// Moves the finished file into place (atomically; never replacing unless `overwrite`).
    pub fn commit(self, file: File, overwrite: bool) -> Result<PathBuf> {
        file.sync_all().map_err(|e| Error::from_write(&e, &self.target))?;
        drop(file);
        let target = self.target;
        if overwrite {
            // A file replaced keeps its permissions (shared with a group, or kept private).
            if let Ok(meta) = std::fs::metadata(&target) {
                let _ = std::fs::set_permissions(&self.temp, meta.permissions());
            }
            self.temp.persist(&target).map_err(|e| Error::from_write(&e.error, &target))?;
            return Ok(target);
        }
        // No race, no clobbering: the move fails if the target appeared meanwhile.
        match self.temp.persist_noclobber(&target) {
            Ok(()) => Ok(target),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists || target.exists() => Err(exists(&target)),
            // File systems without hard links or an exclusive rename (FAT, some network shares).
            Err(e) => {
                e.path.persist(&target).map_err(|e| Error::from_write(&e.error, &target))?;
                Ok(target)
            }
        }
    }
}

const PART_SUFFIX: &str = ".gifgrab-part";

/// Removes partial files left in `dir` by a gifgrab that was killed (its process is gone).
fn remove_stale_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let owner = name
            .strip_suffix(PART_SUFFIX)
            .and_then(|rest| rest.rsplit_once('.'))
            .and_then(|(_, stamp)| stamp.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<i32>().ok());
        if owner.is_some_and(|pid| name.starts_with('.') && !crate::os::process::alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Copies a finished GIF to where the user chose, atomically.
pub fn save_copy(from: &Path, target: &Path, overwrite: bool) -> Result<u64> {
    let (staged, mut file) = Staged::create(target, overwrite)?;
    let mut src = File::open(from).map_err(|e| Msg::GifGone { detail: e.to_string() })?;
    let bytes = std::io::copy(&mut src, &mut file).map_err(|e| Error::from_write(&e, target))?;
    staged.commit(file, overwrite)?;
    Ok(bytes)
}

fn exists(target: &Path) -> Error {
    Msg::OutputExists { path: target.display().to_string() }.into()
}

/// `<title> <start>-<end>.gif`, safe on every file system.
pub fn default_name(title: &str, start: f64, end: f64) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !invisible(*c))
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = clean.trim_matches(|c: char| c == '.' || c == ' ' || c == '_' || c == '\u{200D}' || c == '\u{200C}');
    let clean = if clean.is_empty() { "gifgrab" } else { clean };
    format!("{} {}-{}.gif", short(clean, 100), seconds(start), seconds(end))
}

/// Direction overrides (which make a name read backwards, `gif.exe` shown for `exe.gif`) and
/// zero-width spaces; the joiners inside emoji and scripts stay.
fn invisible(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn seconds(t: f64) -> String {
    let s = format!("{:.2}", t);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// At most `max` bytes, cut on a character boundary.
fn short(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dot_in_a_title_is_not_an_extension() {
        let of = |p: &str| Format::of_path(Path::new(p)).map_err(|e| e.code());
        assert_eq!(of("/x/Dr. Strange 0-3"), Ok(None));
        assert_eq!(of("/x/ep.3 best"), Ok(None));
        assert_eq!(of("/x/clip.2024"), Ok(None));
        assert_eq!(of("/x/clip.WebP"), Ok(Some(Format::Webp)));
        assert_eq!(of("/x/clip.png"), Err("output_type".to_string()));
        assert_eq!(with_gif_added(Path::new("/x/Dr. Strange 0-3")), PathBuf::from("/x/Dr. Strange 0-3.gif"));
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(default_name("Big Buck Bunny", 5.0, 10.5), "Big Buck Bunny 5-10.5.gif");
        assert_eq!(default_name("a/b\\c:d*e?f\"g<h>i|j", 0.0, 1.0), "a_b_c_d_e_f_g_h_i_j 0-1.gif");
        assert_eq!(default_name("../../etc/passwd", 1.25, 2.0), "etc_passwd 1.25-2.gif");
        assert_eq!(default_name("line\nbreak\ttab\u{7}", 0.0, 1.0), "line_break_tab 0-1.gif");
        assert_eq!(default_name("...", 0.0, 1.0), "gifgrab 0-1.gif");
        // No direction override (the name would read backwards), no invisible-only name; emoji joiners stay.
        assert_eq!(default_name("line1\ttab\u{202E}RTL.exe", 5.0, 7.0), "line1_tabRTL.exe 5-7.gif");
        assert_eq!(default_name("\u{200B}\u{200B}\u{200B}", 5.0, 7.0), "gifgrab 5-7.gif");
        assert_eq!(default_name("family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", 0.0, 1.0), "family \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} 0-1.gif");
        let long = "é".repeat(300);
        let name = default_name(&long, 0.0, 1.0);
        assert!(name.len() < 120 && name.ends_with(" 0-1.gif"), "{name}");
    }

    #[test]
    fn formats_come_from_the_extension() {
        let of = |p: &str| Format::of_path(Path::new(p));
        assert_eq!(of("a.gif"), Ok(Some(Format::Gif)));
        assert_eq!(of("dir/a.WebP"), Ok(Some(Format::Webp)));
        assert_eq!(of("a.b.MP4"), Ok(Some(Format::Mp4)));
        assert_eq!(of("clip"), Ok(None));
        assert_eq!(of("clip.png"), Err(Error(Msg::OutputType { ext: "png".into() })));
        assert_eq!(of(".webp"), Ok(None), "a hidden file named .webp has no extension");
    }

    #[test]
    fn staged_file_is_atomic_and_never_clobbers() {
        let dir = std::env::temp_dir().join(format!("gifgrab-output-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.gif");
        std::fs::write(&target, b"precious").unwrap();
        assert!(matches!(Staged::create(&target, false), Err(Error(Msg::OutputExists { .. }))));
        let (staged, mut file) = Staged::create(&target, true).unwrap();
        std::io::Write::write_all(&mut file, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        staged.commit(file, true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let other = dir.join("other.gif");
        let (staged, file) = Staged::create(&other, false).unwrap();
        let temp = staged.temp_path().to_path_buf();
        drop((staged, file));
        assert!(!temp.exists() && !other.exists());
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
