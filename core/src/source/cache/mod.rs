//! The byte cache between ffmpeg and the network: ranges of a remote file, once fetched, are
//! kept on disk and served from there to every later preview, GIF and re-make, in this run and
//! after a restart, bounded and least recently used first.

pub mod serve;
pub mod store;
mod upstream;

pub use serve::Serving;
pub use store::Store;

use crate::source::input::Input;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

static SHARED: Mutex<Option<Arc<Store>>> = Mutex::new(None);

/// Turns the cache on at `root` (the app and the command line do; the library alone does not
/// write to the user's folders), or off with None.
pub fn configure(root: Option<PathBuf>, limit: u64) {
    let store = root.map(|r| Arc::new(Store::new(r, limit)));
    if let Some(s) = &store {
        s.trim();
    }
    if let Ok(mut shared) = SHARED.lock() {
        *shared = store;
    }
}

/// The cache in use, if any.
pub fn shared() -> Option<Arc<Store>> {
    SHARED.lock().ok().and_then(|s| s.clone())
}

/// `$GIFGRAB_CACHE_DIR`, else `$XDG_CACHE_HOME/gifgrab/media` (or `~/.cache/gifgrab/media`).
pub fn default_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GIFGRAB_CACHE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("gifgrab").join("media"))
}

/// The limit: `$GIFGRAB_CACHE_LIMIT` bytes, else 1 GB.
pub fn default_limit() -> u64 {
    std::env::var("GIFGRAB_CACHE_LIMIT").ok().and_then(|v| v.parse().ok()).unwrap_or(store::DEFAULT_LIMIT)
}

/// A server on loopback that reads `input` through the cache, or None to read it directly
/// (a local file, no cache, a server without ranges, a playlist).
pub fn serve(input: &Input, proxy: &str) -> Option<Serving> {
    if !input.remote || input.plain_requests {
        return None;
    }
    let store = shared()?;
    let upstream = upstream::Upstream::new(&input.location, &input.headers, proxy)?;
    let identity = input.cache_key.clone().unwrap_or_else(|| input.location.clone());
    let shown_as = url::Url::parse(&input.location)
        .map(|u| {
            let name = u.path_segments().and_then(|mut s| s.next_back()).unwrap_or_default().to_string();
            format!("/{name}{}", u.query().map(|q| format!("?{q}")).unwrap_or_default())
        })
        .unwrap_or_default();
    Serving::start(store, &identity, upstream, &shown_as)
}
