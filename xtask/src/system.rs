//! System packages (Debian/Ubuntu) and the test tools installed with cargo and npm.

use crate::{sh, Result};
use std::path::PathBuf;
use std::process::Command;

const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libxdo-dev",
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "python3-venv",
];
const TEST_PACKAGES: &[&str] = &["xvfb", "xauth", "webkit2gtk-driver", "xdotool", "imagemagick", "dbus-x11", "xclip", "python3-gi", "gir1.2-gtk-3.0"];
/// The quality bench's peer: Debian's gifsicle (1.93; 1.96 changed `--lossy`'s scale).
const BENCH_PACKAGES: &[&str] = &["gifsicle"];
const TAURI_DRIVER_VERSION: &str = "2.1.0";
const TAURI_CLI_VERSION: &str = "2.12.5";

pub fn ensure_bench_packages() -> Result {
    ensure(BENCH_PACKAGES.to_vec())
}

pub fn ensure_packages(for_tests: bool) -> Result {
    let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
    if for_tests {
        wanted.extend_from_slice(TEST_PACKAGES);
    }
    ensure(wanted)
}

fn ensure(wanted: Vec<&str>) -> Result {
    if !cfg!(target_os = "linux") || !sh::works(Command::new("dpkg-query").arg("--version")) {
        return Err(format!(
            "automatic set-up supports Debian and Ubuntu. Install the Tauri 2 prerequisites for your \
             system (https://v2.tauri.app/start/prerequisites/) and the equivalents of: {}; then run \
             this command again",
            wanted.join(" ")
        ));
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing system packages: {}", missing.join(" "));
    let root = is_root();
    let apt = |args: &[&str]| {
        let mut c = if root { Command::new("apt-get") } else { Command::new("sudo") };
        if !root {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    sh::run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq"]);
    install.args(&missing);
    sh::run(&mut install)
}

fn installed(pkg: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", pkg])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn tools_root() -> PathBuf {
    crate::cache_dir().join("tools")
}

pub fn tauri_driver_path() -> PathBuf {
    tools_root().join("bin/tauri-driver")
}

/// tauri-driver bridges WebDriver to WebKitWebDriver for the end-to-end tests.
pub fn ensure_tauri_driver() -> Result {
    let bin = tauri_driver_path();
    let stamp = tools_root().join(".tauri-driver.stamp");
    if bin.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(TAURI_DRIVER_VERSION) {
        return Ok(());
    }
    eprintln!("xtask: installing tauri-driver {TAURI_DRIVER_VERSION} (cargo install, about a minute)");
    sh::run(
        sh::cargo()
            .args(["install", "--locked", "--quiet", "tauri-driver", "--version", TAURI_DRIVER_VERSION, "--root"])
            .arg(tools_root()),
    )?;
    std::fs::write(&stamp, TAURI_DRIVER_VERSION).map_err(|e| format!("write {}: {e}", stamp.display()))
}

/// The Tauri CLI (npm package) for bundling.
pub fn ensure_tauri_cli() -> Result<PathBuf> {
    let dir = tools_root().join("tauri-cli");
    let bin = dir.join("node_modules/.bin/tauri");
    if !sh::works(Command::new(&bin).arg("--version")) {
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        sh::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir)
                .arg(format!("@tauri-apps/cli@{TAURI_CLI_VERSION}")),
        )?;
    }
    Ok(bin)
}
