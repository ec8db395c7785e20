//! Keeping yt-dlp current: a verified copy of the official release binary in the app data folder.
//!
//! The bundled yt-dlp is built from the PyPI wheel, whose `-U` refuses ("installed with pip"),
//! and YouTube breaks old versions within weeks. So gifgrab fetches the official release
//! binary itself (stable: yt-dlp/yt-dlp, nightly: yt-dlp/yt-dlp-nightly-builds, the asset for
//! this platform), downloads `SHA2-256SUMS` from the same release and checks the binary's
//! SHA-256 against it, as yt-dlp's own updater does. The GPG signature of `SHA2-256SUMS` is not
//! checked: yt-dlp's updater does not check it either, both files come over HTTPS from the same
//! GitHub release, and an OpenPGP implementation would add dozens of crates to the build.
//!
//! Layout of `<data>/yt-dlp/`: `yt-dlp` (the copy), `stamp.json` (what it is, keyed by size and
//! mtime so using it costs no process start), `channel` (stable|nightly), `bundled.json` (the
//! bundled yt-dlp's version, so an old copy never shadows a newer gifgrab's), `.lock` (one
//! updater at a time), `.download-*` (an update under way; a crashed one's leftovers are removed
//! by the next update). The bundled yt-dlp stays the fallback: a missing, broken or older copy
//! is ignored.

use crate::error::{Error, InUse, Msg, Result};
use crate::os::process::CancelToken;
use crate::tools::sidecars::{self, Sidecars};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The Tauri identifier: the app data folder is named after it.
const APP_ID: &str = "app.gifgrab.desktop";
const STABLE: &str = "https://github.com/yt-dlp/yt-dlp/releases/latest/download";
const NIGHTLY: &str = "https://github.com/yt-dlp/yt-dlp-nightly-builds/releases/latest/download";
pub(crate) const SUMS: &str = "SHA2-256SUMS";
/// Official binaries are about 35 MB; anything far bigger is not one.
pub(crate) const MAX_DOWNLOAD: u64 = 200 << 20;
const MAX_SUMS: u64 = 1 << 20;
/// A fresh download must answer `--version` within this (a onefile binary unpacks first).
const CHECK_NEW: Duration = Duration::from_secs(30);
/// An unstamped copy found at start-up gets this long to prove it runs.
const CHECK_FOUND: Duration = Duration::from_secs(15);
const TEMP_PREFIX: &str = ".download-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    #[default]
    Stable,
    Nightly,
}

impl Channel {
    pub fn name(self) -> &'static str {
        match self {
            Channel::Stable => "stable",
            Channel::Nightly => "nightly",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        match s.trim() {
            "stable" => Some(Channel::Stable),
            "nightly" => Some(Channel::Nightly),
            _ => None,
        }
    }

    /// Where this channel's latest release assets are downloaded from.
    pub fn releases(self) -> &'static str {
        match self {
            Channel::Stable => STABLE,
            Channel::Nightly => NIGHTLY,
        }
    }
}

/// What the data copy is, recorded when it was installed or last proven to run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub version: String,
    pub channel: Channel,
    pub size: u64,
    pub mtime_ns: u64,
    pub sha256: String,
}

/// The outcome of an update: the version now in use and the one before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Updated {
    pub version: String,
    pub previous: Option<String>,
    pub changed: bool,
    pub channel: Channel,
}

/// The official release asset for this platform, if yt-dlp publishes one.
pub fn asset() -> Option<&'static str> {
    if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        Some("yt-dlp_linux")
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        Some("yt-dlp_linux_aarch64")
    } else if cfg!(target_os = "macos") {
        Some("yt-dlp_macos")
    } else if cfg!(all(windows, target_arch = "x86_64")) {
        Some("yt-dlp.exe")
    } else {
        None
    }
}

/// The app data folder: `GIFGRAB_DATA_DIR` if set, else where Tauri puts `app_data_dir`.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("GIFGRAB_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    platform_data_dir().map(|d| d.join(APP_ID))
}

fn absolute_env(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_absolute())
}

#[cfg(target_os = "macos")]
fn platform_data_dir() -> Option<PathBuf> {
    absolute_env("HOME").map(|h| h.join("Library/Application Support"))
}

#[cfg(windows)]
fn platform_data_dir() -> Option<PathBuf> {
    absolute_env("APPDATA")
}

#[cfg(not(any(target_os = "macos", windows)))]
fn platform_data_dir() -> Option<PathBuf> {
    absolute_env("XDG_DATA_HOME").or_else(|| absolute_env("HOME").map(|h| h.join(".local/share")))
}

/// `GIFGRAB_YTDLP_RELEASES` if set (tests), else the channel's GitHub release.
pub fn releases_url(channel: Channel) -> String {
    std::env::var("GIFGRAB_YTDLP_RELEASES").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| channel.releases().to_string())
}

pub fn folder(data: &Path) -> PathBuf {
    data.join("yt-dlp")
}

/// Where the updated copy lives.
pub fn copy_path(data: &Path) -> PathBuf {
    folder(data).join(format!("yt-dlp{}", std::env::consts::EXE_SUFFIX))
}

fn stamp_path(data: &Path) -> PathBuf {
    folder(data).join("stamp.json")
}

/// The chosen channel (stable unless set).
pub fn channel(data: &Path) -> Channel {
    fs::read_to_string(folder(data).join("channel")).ok().and_then(|s| Channel::parse(&s)).unwrap_or_default()
}

pub fn set_channel(data: &Path, channel: Channel) -> Result<()> {
    let path = folder(data).join("channel");
    fs::create_dir_all(folder(data)).map_err(|e| Error::from_write(&e, &folder(data)))?;
    write_atomic(&path, channel.name().as_bytes())
}

pub fn read_stamp(data: &Path) -> Option<Stamp> {
    serde_json::from_slice(&fs::read(stamp_path(data)).ok()?).ok()
}

/// The data copy if it is usable: its stamp matches, or it proves it runs (and is re-stamped).
/// Never fails: anything wrong with the copy means "use the bundled one".
pub fn usable_copy(data: &Path) -> Option<(PathBuf, Stamp)> {
    let path = copy_path(data);
    let (size, mtime_ns) = file_key(&path)?;
    if let Some(stamp) = read_stamp(data).filter(|s| s.size == size && s.mtime_ns == mtime_ns) {
        return Some((path, stamp));
    }
    let version = sidecars::version_of("yt-dlp", &path, "--version", CHECK_FOUND, None).ok()?;
    ytdlp_version(&version)?;
    // Replaced while it ran: the stamp would describe another file; trust neither.
    if file_key(&path)? != (size, mtime_ns) {
        return None;
    }
    let channel = read_stamp(data).map(|s| s.channel).unwrap_or_else(|| self::channel(data));
    let stamp = Stamp { version, channel, size, mtime_ns, sha256: sha256_file(&path).ok()? };
    // Only when no update is running: it writes the stamp itself.
    if let Some(_lock) = try_lock(data) {
        let _ = write_stamp(data, &stamp);
    }
    Some((path, stamp))
}

/// Updates the data copy from the channel chosen in the app data folder.
pub fn update(sidecars: &Sidecars, cancel: &CancelToken) -> Result<Updated> {
    let data = data_dir().ok_or(Msg::NoHomeForUpdate)?;
    let channel = channel(&data);
    update_in(&data, &releases_url(channel), channel, &sidecars.bundled_ytdlp, cancel)
}

/// Downloads `{releases}/{asset}`, checks it against `{releases}/SHA2-256SUMS` and that it runs,
/// then puts it in place of the data copy in one rename. On any failure nothing is changed.
pub fn update_in(data: &Path, releases: &str, channel: Channel, bundled: &Path, cancel: &CancelToken) -> Result<Updated> {
    let asset = asset().ok_or(Msg::NoBuildForPlatform)?;
    let dir = folder(data);
    fs::create_dir_all(&dir).map_err(|e| Error::from_write(&e, &dir))?;
    let _lock = lock(data, cancel)?;
    remove_leftovers(&dir);
    let current = usable_copy(data);
    let keeps = || {
        let (version, updated) = in_use(data, current.as_ref().map(|(_, s)| s), bundled);
        InUse { version, updated }
    };
    let base = releases.trim_end_matches('/');
    let sums_url = format!("{base}/{SUMS}");
    let agent = agent();
    let mut expected = expected_hash(&agent, &sums_url, asset).map_err(|e| e.into_error(&sums_url, channel, &keeps))?;

    if let Some((_, stamp)) = current.as_ref().filter(|(_, s)| s.sha256 == expected) {
        // Already the release's binary: no download; only the channel may be news.
        if stamp.channel != channel {
            write_stamp(data, &Stamp { channel, ..stamp.clone() })?;
        }
        return Ok(Updated { version: stamp.version.clone(), previous: Some(stamp.version.clone()), changed: false, channel });
    }

    let url = format!("{base}/{asset}");
    let temp = Temp(dir.join(format!("{TEMP_PREFIX}{}-{}", std::process::id(), now_ns())));
    let got = download(&agent, &url, &temp.0, cancel).map_err(|e| e.into_error(&url, channel, &keeps))?;
    if got != expected {
        // A release published between the two requests: its sums name the new binary.
        let again = expected_hash(&agent, &sums_url, asset).map_err(|e| e.into_error(&sums_url, channel, &keeps))?;
        if again == expected || again != got {
            return Err(Msg::UpdateDamaged { keeps: keeps() }.into());
        }
        expected = again;
    }
    make_executable(&temp.0)?;
    let version = fresh_version(&temp.0, cancel);
    cancel.check()?;
    let version = version.ok_or_else(|| Msg::UpdateWontRun { keeps: keeps() })?;
    let target = copy_path(data);
    fs::rename(&temp.0, &target).map_err(|e| Error::from_write(&e, &target))?;
    temp.keep();
    let (size, mtime_ns) = file_key(&target).ok_or_else(|| Msg::internal("the new yt-dlp vanished"))?;
    write_stamp(data, &Stamp { version: version.clone(), channel, size, mtime_ns, sha256: expected })?;
    let previous = in_use(data, current.as_ref().map(|(_, s)| s), bundled).0;
    Ok(Updated { changed: previous.as_deref() != Some(version.as_str()), version, previous, channel })
}

/// What a fresh download says to `--version`: a second try covers ETXTBSY (a thread forking
/// just as the file was closed still held it open for writing).
fn fresh_version(path: &Path, cancel: &CancelToken) -> Option<String> {
    let ask = || sidecars::version_of("yt-dlp", path, "--version", CHECK_NEW, Some(cancel)).ok().filter(|v| ytdlp_version(v).is_some());
    ask().or_else(|| {
        std::thread::sleep(Duration::from_millis(200));
        ask()
    })
}

/// The yt-dlp version in a `--version` line (`2026.10.26`, nightly `2026.10.27.232815`), as numbers.
pub fn ytdlp_version(s: &str) -> Option<Vec<u64>> {
    let parts: Vec<u64> = s.trim().split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    (parts.len() >= 3).then_some(parts)
}

/// Whether the data copy should win over the bundled one: not older (a new gifgrab may bundle
/// a newer yt-dlp than an old update left behind).
pub fn prefer_copy(copy: &str, bundled: Option<&str>) -> bool {
    match (ytdlp_version(copy), bundled.and_then(ytdlp_version)) {
        (Some(c), Some(b)) => c >= b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn bundled_version(bundled: &Path) -> Option<String> {
    sidecars::version_of("yt-dlp", bundled, "--version", CHECK_FOUND, None).ok()
}

/// The bundled yt-dlp's version, remembered by path, size and mtime: asked once per install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seen {
    path: PathBuf,
    size: u64,
    mtime_ns: u64,
    version: String,
}

pub fn bundled_version_cached(data: &Path, bundled: &Path) -> Option<String> {
    let (size, mtime_ns) = file_key(bundled)?;
    let cache = folder(data).join("bundled.json");
    let seen: Option<Seen> = fs::read(&cache).ok().and_then(|b| serde_json::from_slice(&b).ok());
    if let Some(seen) = seen.filter(|s| s.path == bundled && s.size == size && s.mtime_ns == mtime_ns) {
        return Some(seen.version);
    }
    let version = bundled_version(bundled)?;
    let seen = Seen { path: bundled.to_path_buf(), size, mtime_ns, version: version.clone() };
    if let Ok(json) = serde_json::to_vec_pretty(&seen) {
        let _ = write_atomic(&cache, &json);
    }
    Some(version)
}

/// The version `Sidecars::with_data` would pick, and whether it is the data copy.
fn in_use(data: &Path, copy: Option<&Stamp>, bundled: &Path) -> (Option<String>, bool) {
    let bundled = bundled_version_cached(data, bundled);
    match copy {
        Some(s) if prefer_copy(&s.version, bundled.as_deref()) => (Some(s.version.clone()), true),
        _ => (bundled, false),
    }
}

/// A failed request, before it is worded for the user.
enum Fetch {
    Status(u16),
    Unreachable(String),
    Missing,
    TooLarge,
    Write(Error),
    Cancelled,
}

impl Fetch {
    fn into_error(self, url: &str, channel: Channel, keeps: &dyn Fn() -> InUse) -> Error {
        let (url, channel) = (url.to_string(), channel.name().to_string());
        Error(match self {
            Fetch::Status(404) => Msg::NoRelease { channel, url, keeps: keeps() },
            Fetch::Missing => Msg::ReleaseUnlisted { channel, url, asset: asset().map(String::from), keeps: keeps() },
            Fetch::Status(status) => Msg::ReleaseHttpError { status, url, keeps: keeps() },
            Fetch::Unreachable(detail) => Msg::ReleaseUnreachable { detail, keeps: keeps() },
            Fetch::TooLarge => Msg::DownloadTooLarge { url, keeps: keeps() },
            Fetch::Write(e) => return e,
            Fetch::Cancelled => Msg::Cancelled,
        })
    }
}

impl From<ureq::Error> for Fetch {
    fn from(e: ureq::Error) -> Fetch {
        match e {
            ureq::Error::StatusCode(code) => Fetch::Status(code),
            other => Fetch::Unreachable(other.to_string()),
        }
    }
}

/// Connect within 10 s, no read may stall for 30 s, the whole download within 15 min; the
/// user's http(s)_proxy and no_proxy are honoured (ureq reads them).
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_per_read(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(15 * 60)))
        .user_agent(format!("gifgrab/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// The lowercase hex SHA-256 that `SHA2-256SUMS` lists for `asset`.
fn expected_hash(agent: &ureq::Agent, url: &str, asset: &str) -> std::result::Result<String, Fetch> {
    let response = agent.get(url).call()?;
    let mut text = String::new();
    response
        .into_body()
        .into_reader()
        .take(MAX_SUMS)
        .read_to_string(&mut text)
        .map_err(|e| Fetch::Unreachable(e.to_string()))?;
    hash_for(&text, asset).ok_or(Fetch::Missing)
}

/// `<hex>  <name>` lines (a `*` before the name marks binary mode in sha256sum's format).
pub fn hash_for(sums: &str, asset: &str) -> Option<String> {
    sums.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        let (hash, name) = (words.next()?, words.next()?);
        let hex = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        (hex && name.trim_start_matches('*') == asset).then(|| hash.to_ascii_lowercase())
    })
}

/// Streams the body into `path`, hashing as it goes; returns the hex SHA-256.
fn download(agent: &ureq::Agent, url: &str, path: &Path, cancel: &CancelToken) -> std::result::Result<String, Fetch> {
    let response = agent.get(url).call()?;
    let mut body = response.into_body().into_reader();
    let mut file = File::create(path).map_err(|e| Fetch::Write(Error::from_write(&e, path)))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(Fetch::Cancelled);
        }
        let n = body.read(&mut buf).map_err(|e| Fetch::Unreachable(e.to_string()))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > MAX_DOWNLOAD {
            return Err(Fetch::TooLarge);
        }
        hasher.update(&buf[..n]);
        file.write_all(&buf[..n]).map_err(|e| Fetch::Write(Error::from_write(&e, path)))?;
    }
    // On disk before the rename makes it the copy: a crash must not leave a hole in its place.
    file.sync_all().map_err(|e| Fetch::Write(Error::from_write(&e, path)))?;
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match file.read(&mut buf)? {
            0 => return Ok(hex(&hasher.finalize())),
            n => hasher.update(&buf[..n]),
        }
    }
}

/// A download in progress, removed unless it became the copy.
struct Temp(PathBuf);

impl Temp {
    fn keep(self) {
        std::mem::forget(self);
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// Under the lock every `.download-*` is a crashed updater's: none is being written.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn open_lock(data: &Path) -> std::io::Result<File> {
    File::options().create(true).truncate(false).write(true).open(folder(data).join(".lock"))
}

/// Waits for the updater lock (another gifgrab may be updating), giving way to a cancel.
fn lock(data: &Path, cancel: &CancelToken) -> Result<File> {
    let dir = folder(data);
    let file = open_lock(data).map_err(|e| Error::from_write(&e, &dir))?;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) => {
                cancel.check()?;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(fs::TryLockError::Error(e)) => return Err(Msg::internal(format!("locking {}: {e}", dir.display())).into()),
        }
    }
}

fn try_lock(data: &Path) -> Option<File> {
    let file = open_lock(data).ok()?;
    file.try_lock().ok()?;
    Some(file)
}

/// Size and modification time: what the stamp is keyed by.
fn file_key(path: &Path) -> Option<(u64, u64)> {
    let meta = fs::metadata(path).ok().filter(|m| m.is_file())?;
    let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), mtime.as_nanos() as u64))
}

fn write_stamp(data: &Path, stamp: &Stamp) -> Result<()> {
    let json = serde_json::to_vec_pretty(stamp).map_err(|e| Msg::internal(format!("stamp: {e}")))?;
    write_atomic(&stamp_path(data), &json)
}

/// Readers see the old file or the new one, never half of one.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = path.with_extension(format!("tmp-{}-{}", std::process::id(), now_ns()));
    let written = fs::write(&temp, bytes).and_then(|_| fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        Error::from_write(&e, path)
    })
}

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default()
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(|e| Error::from_write(&e, path))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_lines_name_the_asset() {
        let a = "a".repeat(64);
        let b = "B".repeat(64);
        let sums = format!("{a}  yt-dlp\n{b}  yt-dlp_linux\n{a} *yt-dlp.exe\nnot a line\n");
        assert_eq!(hash_for(&sums, "yt-dlp_linux"), Some("b".repeat(64)));
        assert_eq!(hash_for(&sums, "yt-dlp.exe"), Some(a.clone()));
        assert_eq!(hash_for(&sums, "yt-dlp"), Some(a));
        assert_eq!(hash_for(&sums, "yt-dlp_linux_aarch64"), None);
        assert_eq!(hash_for("abc  yt-dlp_linux", "yt-dlp_linux"), None);
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(ytdlp_version("2026.10.26\n"), Some(vec![2026, 10, 26]));
        assert_eq!(ytdlp_version("2026.10.27.232815"), Some(vec![2026, 10, 27, 232815]));
        assert_eq!(ytdlp_version("Usage: yt-dlp"), None);
        assert_eq!(ytdlp_version("1.2"), None);
        assert!(prefer_copy("2026.11.2", Some("2026.10.26")));
        assert!(prefer_copy("2026.10.26", Some("2026.10.26")));
        assert!(prefer_copy("2026.10.26.1", Some("2026.10.26")));
        assert!(!prefer_copy("2026.9.30", Some("2026.10.26")));
        assert!(prefer_copy("2026.9.30", None));
        assert!(!prefer_copy("garbage", Some("2026.10.26")));
    }

    #[test]
    fn channel_round_trips() {
        let dir = std::env::temp_dir().join(format!("gifgrab-channel-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(channel(&dir), Channel::Stable);
        set_channel(&dir, Channel::Nightly).unwrap();
        assert_eq!(channel(&dir), Channel::Nightly);
        assert_eq!(Channel::parse(" stable\n"), Some(Channel::Stable));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn stale_stamp_and_garbage_copy_are_ignored() {
        let dir = std::env::temp_dir().join(format!("gifgrab-garbage-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(folder(&dir)).unwrap();
        fs::write(copy_path(&dir), b"\x7fELF not really").unwrap();
        make_executable(&copy_path(&dir)).unwrap();
        let stamp = Stamp { version: "2026.10.26".into(), channel: Channel::Stable, size: 1, mtime_ns: 2, sha256: "0".repeat(64) };
        write_stamp(&dir, &stamp).unwrap();
        assert!(usable_copy(&dir).is_none());
        let _ = fs::remove_dir_all(&dir);
    }
}
