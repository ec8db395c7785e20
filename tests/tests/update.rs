//! Updating yt-dlp from a release folder served on loopback: a verified copy lands in the data
//! folder and is chosen; a bad hash, an unreachable source, a missing asset or a corrupt copy
//! change nothing and leave the bundled yt-dlp in use; concurrent updates never interleave.

use gifgrab_core::error::Msg;
use gifgrab_core::os::process::CancelToken;
use gifgrab_core::tools::sidecars::{self, Sidecars};
use gifgrab_core::tools::ytdlp_update::{self as update, Channel};
use gifgrab_tests::server::TestServer;
use gifgrab_tests::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The yt-dlp gifgrab ships (the one-folder build where set-up placed it).
fn bundled() -> PathBuf {
    Sidecars::in_dir(&bin_dir()).bundled_ytdlp
}

/// A single-file yt-dlp, as yt-dlp's releases publish one: the one-file sidecar.
fn release_binary() -> PathBuf {
    bin_dir().join(format!("gifgrab-yt-dlp{}", std::env::consts::EXE_SUFFIX))
}

fn asset() -> &'static str {
    update::asset().expect("yt-dlp publishes a binary for this platform")
}

fn version_of(path: &Path) -> String {
    sidecars::version_of("yt-dlp", path, "--version", Duration::from_secs(30), None).expect("yt-dlp answers --version")
}

/// A release folder: the bundled yt-dlp under the official asset name and sums for several
/// assets (`hash` overrides the one listed for ours).
fn release(dir: &TempDir, hash: Option<&str>) -> (TestServer, String) {
    let root = dir.path("release");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(release_binary(), root.join(asset())).unwrap();
    let real = update::sha256_file(&root.join(asset())).unwrap();
    let mut sums = String::new();
    for (i, name) in ["yt-dlp", "yt-dlp.exe", "yt-dlp_linux", "yt-dlp_linux_aarch64", "yt-dlp_macos", "yt-dlp_x86.exe"].iter().enumerate() {
        let line_hash = if *name == asset() { hash.map(str::to_string).unwrap_or_else(|| real.clone()) } else { format!("{i:x}").repeat(64) };
        sums.push_str(&format!("{line_hash}  {name}\n"));
    }
    std::fs::write(root.join("SHA2-256SUMS"), sums).unwrap();
    let server = TestServer::start(&root).unwrap();
    let base = server.url("").trim_end_matches('/').to_string();
    (server, base)
}

fn run_update(data: &Path, base: &str) -> gifgrab_core::Result<update::Updated> {
    update::update_in(data, base, Channel::Stable, &bundled(), &CancelToken::new())
}

/// Names in `<data>/yt-dlp` that an update in progress would leave.
fn temp_files(data: &Path) -> Vec<String> {
    std::fs::read_dir(update::folder(data))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(".download-") || n.contains(".tmp-")).collect())
        .unwrap_or_default()
}

#[test]
fn an_update_installs_a_verified_copy_that_is_then_chosen() {
    let dir = TempDir::new("update-ok");
    let data = dir.path("data");
    let (server, base) = release(&dir, None);
    // A crashed update's leftover, removed by the next one.
    std::fs::create_dir_all(update::folder(&data)).unwrap();
    std::fs::write(update::folder(&data).join(".download-1-2"), b"half a download").unwrap();

    let bundled_version = version_of(&bundled());
    let done = run_update(&data, &base).expect("the update succeeds");
    assert_eq!(done.version, bundled_version);
    assert_eq!(done.previous.as_deref(), Some(bundled_version.as_str()));
    assert!(!done.changed, "the same version as the bundled one: {done:?}");
    let copy = update::copy_path(&data);
    assert_eq!(version_of(&copy), bundled_version);
    assert_eq!(temp_files(&data), Vec::<String>::new());
    let stamp = update::read_stamp(&data).expect("a stamp");
    assert_eq!(stamp.sha256, update::sha256_file(&release_binary()).unwrap());
    assert_eq!(stamp.size, std::fs::metadata(&copy).unwrap().len());
    assert_eq!((stamp.version.as_str(), stamp.channel), (bundled_version.as_str(), Channel::Stable));

    // Already current: the sums are read, the binary is not downloaded again.
    let sent = server.bytes_sent();
    let again = run_update(&data, &base).expect("a second update succeeds");
    assert!(!again.changed && again.version == bundled_version, "{again:?}");
    assert!(server.bytes_sent() - sent < 4096, "downloaded again: {} bytes", server.bytes_sent() - sent);

    locate_in_child(&data, &copy);
    let located = Sidecars::with_data(&bin_dir(), &data);
    assert_eq!(located.ytdlp, copy);
    assert_eq!(located.bundled_ytdlp, bundled());
    assert_eq!(located.bundled_fallback().map(|s| s.ytdlp), Some(bundled()));
    let v = sidecars::versions(&located);
    assert_eq!(v.ytdlp.as_deref(), Some(bundled_version.as_str()));
    assert_eq!(v.ytdlp_source, "updated (stable)");
    assert!(v.deno.as_deref().is_some_and(|d| d.starts_with(|c: char| c.is_ascii_digit())), "{v:?}");
    assert!(v.ffmpeg.is_some(), "{v:?}");

    // Without its stamp the copy proves it runs once and is stamped again.
    std::fs::remove_file(data.join("yt-dlp/stamp.json")).unwrap();
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, copy);
    assert_eq!(update::read_stamp(&data).map(|s| s.sha256), Some(stamp.sha256));
}

#[test]
fn a_wrong_hash_is_refused_and_nothing_changes() {
    let dir = TempDir::new("update-hash");
    let data = dir.path("data");
    let (_bad, bad_base) = release(&dir, Some(&"e".repeat(64)));
    let err = run_update(&data, &bad_base).expect_err("a mismatching hash is refused");
    assert_eq!((err.kind(), err.code().as_str()), ("network", "update_damaged"), "{err}");
    assert!(err.to_string().contains("nothing was changed"), "{err}");
    assert!(!update::copy_path(&data).exists(), "a refused download became the copy");
    assert_eq!(temp_files(&data), Vec::<String>::new());
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, bundled());

    // Over an installed copy: the copy and its stamp stay as they were.
    let good = TempDir::new("update-hash-good");
    let (_good, good_base) = release(&good, None);
    run_update(&data, &good_base).expect("the good release installs");
    let before = (update::sha256_file(&update::copy_path(&data)).unwrap(), update::read_stamp(&data));
    let err = run_update(&data, &bad_base).expect_err("refused again");
    assert_eq!(err.kind(), "network", "{err}");
    assert!(matches!(err.msg(), Msg::UpdateDamaged { keeps } if keeps.updated), "{err:?}");
    assert!(err.to_string().contains("keeps using the video support it updated earlier"), "{err}");
    assert_eq!((update::sha256_file(&update::copy_path(&data)).unwrap(), update::read_stamp(&data)), before);
    assert_eq!(temp_files(&data), Vec::<String>::new());
}

#[test]
fn an_unreachable_source_is_a_clear_network_error() {
    let dir = TempDir::new("update-offline");
    let data = dir.path("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let err = run_update(&data, &format!("http://127.0.0.1:{port}")).expect_err("nothing listens there");
    let text = err.to_string();
    assert_eq!((err.kind(), err.code().as_str()), ("network", "release_unreachable"), "{err}");
    assert!(text.starts_with("Could not reach yt-dlp's release page ("), "{text}");
    let expect = format!("gifgrab keeps using the bundled video support, version {}.", version_of(&bundled()));
    assert!(text.ends_with(&expect), "{text}");
    assert!(!update::copy_path(&data).exists());
    locate_in_child(&data, &bundled());
}

#[test]
fn a_release_without_our_asset_is_not_found() {
    let dir = TempDir::new("update-404");
    let data = dir.path("data");
    let (_server, base) = release(&dir, None);
    std::fs::remove_file(dir.path("release").join(asset())).unwrap();
    let err = run_update(&data, &base).expect_err("the asset is missing");
    assert_eq!(err.kind(), "not_found", "{err}");
    assert!(matches!(err.msg(), Msg::NoRelease { channel, .. } if channel == "stable"), "{err:?}");
    assert!(err.to_string().contains("no stable release for this platform"), "{err}");
    // Sums that do not list the asset say the same, before any download.
    std::fs::write(dir.path("release/SHA2-256SUMS"), format!("{}  yt-dlp_other\n", "a".repeat(64))).unwrap();
    let err = run_update(&data, &base).expect_err("not listed");
    assert_eq!((err.kind(), err.code().as_str()), ("not_found", "release_unlisted"), "{err}");
    assert_eq!(temp_files(&data), Vec::<String>::new());
}

#[test]
fn a_corrupt_copy_is_ignored() {
    let dir = TempDir::new("update-corrupt");
    let data = dir.path("data");
    let (_server, base) = release(&dir, None);
    run_update(&data, &base).expect("installed");
    let copy = update::copy_path(&data);
    let real = std::fs::read(&copy).unwrap();

    std::fs::write(&copy, b"\x7fELF\x02\x01\x01 garbage, not a program").unwrap();
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, bundled(), "garbage bytes");

    std::fs::write(&copy, &real[..real.len() / 3]).unwrap();
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, bundled(), "a truncated copy");

    std::fs::write(&copy, b"#!/bin/sh\necho not a version\n").unwrap();
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, bundled(), "a program that is not yt-dlp");

    std::fs::write(update::folder(&data).join("stamp.json"), b"{ not json").unwrap();
    std::fs::remove_file(&copy).unwrap();
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, bundled(), "no copy, a broken stamp");

    // The next update repairs it.
    run_update(&data, &base).expect("reinstalled");
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, copy);
}

/// Runs this test binary's `name` helper with `env` in its own process (environment variables
/// are process-wide: setting them here would race the other tests' threads).
fn child(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", name, "--ignored", "--quiet"]).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    cmd.envs(env.iter().copied());
    cmd.spawn().unwrap()
}

fn succeeded(child: std::process::Child, what: &str) {
    let out = child.wait_with_output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "{what} failed: {}\n{text}", out.status);
}

/// `Sidecars::locate()` with `GIFGRAB_DATA_DIR=data` picks `expect` as yt-dlp.
fn locate_in_child(data: &Path, expect: &Path) {
    let env = [
        ("GIFGRAB_SIDECAR_DIR", bin_dir().into_os_string()),
        ("GIFGRAB_DATA_DIR", data.as_os_str().to_owned()),
        ("UPDATE_CHILD_EXPECT", expect.as_os_str().to_owned()),
    ];
    let env: Vec<(&str, &std::ffi::OsStr)> = env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
    succeeded(child("child_locate", &env), "locate()");
}

#[test]
#[ignore = "a helper run in its own process"]
fn child_locate() {
    let Some(expect) = std::env::var_os("UPDATE_CHILD_EXPECT") else { return };
    let located = Sidecars::locate().expect("sidecars");
    assert_eq!(located.ytdlp, PathBuf::from(expect));
    assert_eq!(located.bundled_ytdlp, bundled());
}

/// Run by `two_updates_at_once_leave_one_working_copy` in a second process.
#[test]
#[ignore = "a helper run in its own process"]
fn child_update() {
    let (Some(data), Some(base)) = (std::env::var_os("UPDATE_CHILD_DATA"), std::env::var("UPDATE_CHILD_BASE").ok()) else {
        return;
    };
    run_update(Path::new(&data), &base).expect("the child's update succeeds");
}

#[test]
fn two_updates_at_once_leave_one_working_copy() {
    let dir = TempDir::new("update-race");
    let data = dir.path("data");
    let (server, base) = release(&dir, None);
    // Slow enough that the three overlap: about 3 s per download.
    let size = std::fs::metadata(release_binary()).unwrap().len();
    server.set_rate(Some(size / 3));
    let other = child("child_update", &[("UPDATE_CHILD_DATA", data.as_os_str()), ("UPDATE_CHILD_BASE", base.as_ref())]);
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (data, base) = (data.clone(), base.clone());
            std::thread::spawn(move || run_update(&data, &base))
        })
        .collect();
    for t in threads {
        t.join().unwrap().expect("a thread's update succeeds");
    }
    succeeded(other, "the other process's update");
    let copy = update::copy_path(&data);
    assert_eq!(update::sha256_file(&copy).unwrap(), update::sha256_file(&release_binary()).unwrap());
    assert_eq!(version_of(&copy), version_of(&bundled()));
    assert_eq!(temp_files(&data), Vec::<String>::new());
    assert!(server.bytes_sent() < 2 * size, "only one of them downloaded: {} bytes", server.bytes_sent());
    assert_eq!(Sidecars::with_data(&bin_dir(), &data).ytdlp, copy);
}

/// An updated copy that stops starting (here: no longer executable, its stamp still matching)
/// costs nothing: the look-up falls back to the bundled yt-dlp.
#[test]
fn a_copy_that_no_longer_starts_falls_back_to_the_bundled_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("update-fallback");
    let data = dir.path("data");
    let (_release, base) = release(&dir, None);
    run_update(&data, &base).expect("the update succeeds");
    let copy = update::copy_path(&data);
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o000)).unwrap();
    let located = Sidecars::with_data(&bin_dir(), &data);
    assert_eq!(located.ytdlp, copy, "the stamp still vouches for the copy");
    let media = TestServer::start(media_dir()).unwrap();
    let lookup = gifgrab_core::source::fetch::Lookup { url: media.url("long.mp4"), fit: gifgrab_core::source::fetch::Fit { width: 480, fps: 15, ..Default::default() } };
    let found = gifgrab_core::source::fetch::resolve(&located, &lookup, &CancelToken::new()).expect("the bundled yt-dlp answers");
    assert!(found.input.location.ends_with("/long.mp4"), "{}", found.input.location);
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
}
