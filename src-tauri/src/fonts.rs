//! The window's own text in every script: on Linux the bundled Noto Sans CJK joins fontconfig's
//! fonts for this process, so Hangul, kana and Han show in fields and labels even on a system
//! without a CJK font (WebKitGTK finds fonts through fontconfig only).

use std::path::Path;

/// Must run before GTK starts; leaves a FONTCONFIG_FILE the user set alone.
#[cfg(target_os = "linux")]
pub fn add_bundled(fonts: &Path) {
    if std::env::var_os("FONTCONFIG_FILE").is_some() || !fonts.is_dir() {
        return;
    }
    let Some(cache) = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
    else {
        return;
    };
    let dir = cache.join("gifgrab");
    let conf = dir.join("fonts.conf");
    let escaped = fonts.to_string_lossy().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let text = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n  <dir>{escaped}</dir>\n</fontconfig>\n"
    );
    if std::fs::create_dir_all(&dir).is_ok() && std::fs::write(&conf, text).is_ok() {
        // SAFETY: at start-up, before GTK, the webview or any job reads the environment.
        unsafe { std::env::set_var("FONTCONFIG_FILE", &conf) };
    }
}

#[cfg(not(target_os = "linux"))]
pub fn add_bundled(_fonts: &Path) {}
