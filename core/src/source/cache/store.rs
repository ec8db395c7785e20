//! The cache on disk: one folder per version of a remote file, holding it in fixed blocks, each
//! its own file. A block is written to a temporary name and renamed into place, so a crash or a
//! second process never sees half a block; the least recently used blocks go past the limit.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Blocks are this long (the last one of a file may be shorter): small enough that a seek
/// fetches little past what ffmpeg reads, large enough that 1 GB is a few thousand files.
pub const BLOCK: u64 = 128 * 1024;
/// The default bound on the blocks kept, over all files.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

/// What identifies one version of a remote file: a new length, ETag or date is another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub total: u64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

pub struct Store {
    root: PathBuf,
    limit: u64,
}

/// The blocks of one version of one file.
#[derive(Debug, Clone)]
pub struct Entry {
    dir: PathBuf,
    pub total: u64,
}

impl Store {
    pub fn new(root: PathBuf, limit: u64) -> Store {
        Store { root, limit }
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The entry for `identity` (which rendition of which video, or the URL) at `version`.
    pub fn entry(&self, identity: &str, version: &Version) -> Entry {
        let mut h = Sha256::new();
        for part in [identity, &version.total.to_string(), version.etag.as_deref().unwrap_or(""), version.last_modified.as_deref().unwrap_or("")] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let name: String = h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect();
        Entry { dir: self.root.join(name), total: version.total }
    }

    /// The bytes the blocks take, over all entries.
    pub fn usage(&self) -> u64 {
        blocks(&self.root).iter().map(|b| b.len).sum()
    }

    /// Removes the least recently used blocks until the rest fit the limit.
    pub fn trim(&self) {
        let mut all = blocks(&self.root);
        let mut used: u64 = all.iter().map(|b| b.len).sum();
        if used <= self.limit {
            return;
        }
        all.sort_by_key(|b| b.used);
        for b in all {
            if used <= self.limit {
                break;
            }
            if fs::remove_file(&b.path).is_ok() {
                used = used.saturating_sub(b.len);
            }
            if let Some(dir) = b.path.parent() {
                let _ = fs::remove_dir(dir); // only if it is now empty
            }
        }
    }

    /// Removes every block (the "Clear cache" action).
    pub fn clear(&self) -> io::Result<()> {
        match fs::remove_dir_all(&self.root) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

impl Entry {
    fn block_path(&self, index: u64) -> PathBuf {
        self.dir.join(format!("{index}.block"))
    }

    /// The length block `index` has when whole (the file's last block may be short).
    pub fn block_len(&self, index: u64) -> u64 {
        self.total.saturating_sub(index * BLOCK).min(BLOCK)
    }

    pub fn blocks(&self) -> u64 {
        self.total.div_ceil(BLOCK)
    }

    pub fn has(&self, index: u64) -> bool {
        fs::metadata(self.block_path(index)).is_ok_and(|m| m.len() == self.block_len(index))
    }

    /// Block `index` if it is held whole; marks it used now.
    pub fn read(&self, index: u64) -> Option<Vec<u8>> {
        let path = self.block_path(index);
        let bytes = fs::read(&path).ok()?;
        if bytes.len() as u64 != self.block_len(index) {
            return None;
        }
        if let Ok(f) = fs::File::options().append(true).open(&path) {
            let _ = f.set_modified(SystemTime::now());
        }
        Some(bytes)
    }

    /// Keeps block `index`; a block of the wrong length is not kept.
    pub fn write(&self, index: u64, bytes: &[u8]) -> io::Result<()> {
        if bytes.len() as u64 != self.block_len(index) || index >= self.blocks() {
            return Err(io::Error::other("not a whole block"));
        }
        fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".part-").tempfile_in(&self.dir)?;
        tmp.write_all(bytes)?;
        tmp.persist(self.block_path(index)).map_err(|e| e.error)?;
        Ok(())
    }
}

struct Held {
    path: PathBuf,
    len: u64,
    used: SystemTime,
}

/// Every whole block file below `root` (left-over `.part-` files of a crash count too, oldest).
fn blocks(root: &Path) -> Vec<Held> {
    let mut out = Vec::new();
    let Ok(dirs) = fs::read_dir(root) else { return out };
    for dir in dirs.flatten() {
        let Ok(files) = fs::read_dir(dir.path()) else { continue };
        for file in files.flatten() {
            let Ok(meta) = file.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let partial = file.file_name().to_string_lossy().starts_with(".part-");
            let used = if partial { SystemTime::UNIX_EPOCH } else { meta.modified().unwrap_or(SystemTime::UNIX_EPOCH) };
            out.push(Held { path: file.path(), len: meta.len(), used });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(total: u64) -> Version {
        Version { total, etag: Some("\"a\"".into()), last_modified: None }
    }

    #[test]
    fn a_new_version_is_another_entry() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), DEFAULT_LIMIT);
        let a = store.entry("v1", &version(10));
        a.write(0, &[7; 10]).unwrap();
        assert_eq!(a.read(0).unwrap(), vec![7; 10]);
        let changed = Version { etag: Some("\"b\"".into()), ..version(10) };
        assert!(!store.entry("v1", &changed).has(0));
        assert!(!store.entry("v2", &version(10)).has(0));
        assert!(a.write(0, &[1; 9]).is_err(), "a short block is refused");
    }

    #[test]
    fn trim_keeps_the_newest_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_path_buf(), 3 * BLOCK);
        let e = store.entry("big", &version(10 * BLOCK));
        for k in 0..5 {
            e.write(k, &vec![k as u8; BLOCK as usize]).unwrap();
            let old = SystemTime::now() - std::time::Duration::from_secs(100 - k * 10);
            fs::File::options().append(true).open(e.block_path(k)).unwrap().set_modified(old).unwrap();
        }
        e.read(0).unwrap(); // used now: the newest
        store.trim();
        assert_eq!(store.usage(), 3 * BLOCK);
        assert_eq!((0..5).map(|k| e.has(k)).collect::<Vec<_>>(), [true, false, false, true, true]);
        // A partial block left by a crash is never read and goes first.
        fs::write(e.dir.join(".part-x"), [0u8; 5]).unwrap();
        store.trim();
        assert!(!e.dir.join(".part-x").exists());
        store.clear().unwrap();
        assert_eq!(store.usage(), 0);
    }
}
