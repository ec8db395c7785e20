//! Opt-in sign-in for yt-dlp: a cookies.txt file or a browser's cookie store. Never on by
//! default, checked before use, and never quoted: no cookie value reaches a log or a message.

use crate::error::{Msg, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignIn {
    /// A Netscape-format cookies.txt file.
    pub cookies_file: Option<PathBuf>,
    /// `BROWSER[:PROFILE]`, as yt-dlp's `--cookies-from-browser` takes it.
    pub browser: Option<String>,
}

/// Browsers yt-dlp can read cookies from.
pub(crate) const BROWSERS: &[&str] = &["brave", "chrome", "chromium", "edge", "firefox", "opera", "safari", "vivaldi", "whale"];

/// A sign-in ready for one yt-dlp run: the cookies file is a private copy (yt-dlp writes
/// the jar back at exit; the user's own file stays as it was), removed on drop.
pub struct Prepared {
    sign_in: SignIn,
    _copy: Option<tempfile::NamedTempFile>,
}

impl Prepared {
    pub fn sign_in(&self) -> &SignIn {
        &self.sign_in
    }
}

impl SignIn {
    pub fn is_on(&self) -> bool {
        self.cookies_file.is_some() || self.browser.is_some()
    }

    /// yt-dlp's arguments for this sign-in (none when off).
    pub fn args(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(file) = &self.cookies_file {
            a.extend(["--cookies".to_string(), file.to_string_lossy().into_owned()]);
        }
        if let Some(browser) = &self.browser {
            a.extend(["--cookies-from-browser".to_string(), browser.clone()]);
        }
        a
    }

    /// Checks the sign-in and makes the private copy of a cookies file.
    pub fn prepared(&self) -> Result<Prepared> {
        if self.cookies_file.is_some() && self.browser.is_some() {
            return Err(Msg::CookiesAndBrowser.into());
        }
        if let Some(browser) = &self.browser {
            check_browser(browser)?;
        }
        let Some(file) = &self.cookies_file else {
            return Ok(Prepared { sign_in: self.clone(), _copy: None });
        };
        let text = read_cookies(file)?;
        let copy = tempfile::Builder::new()
            .prefix("gifgrab-cookies-")
            .suffix(".txt")
            .tempfile()
            .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()).map(|_| f))
            .map_err(|e| Msg::internal(format!("could not stage the cookies file: {e}")))?;
        let sign_in = SignIn { cookies_file: Some(copy.path().to_path_buf()), browser: None };
        Ok(Prepared { sign_in, _copy: Some(copy) })
    }
}

/// `BROWSER[+KEYRING][:PROFILE][::CONTAINER]`: the browser must be one yt-dlp reads.
pub fn check_browser(spec: &str) -> Result<()> {
    let name = spec.split([':', '+']).next().unwrap_or("").trim().to_ascii_lowercase();
    if spec.len() > 1024 || spec.chars().any(char::is_control) || !BROWSERS.contains(&name.as_str()) {
        return Err(Msg::UnknownBrowser { name }.into());
    }
    if cfg!(windows) && name != "firefox" {
        return Err(Msg::WindowsChromium.into());
    }
    Ok(())
}

/// A Firefox profile the settings panel offers (its folder is what yt-dlp is given).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Profile {
    pub name: String,
    pub path: String,
}

/// Firefox's profiles on this computer, from each known `profiles.ini`, default first.
pub fn firefox_profiles() -> Vec<Profile> {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let appdata = std::env::var_os("APPDATA").map(PathBuf::from).unwrap_or_default();
    let roots = [
        home.join(".mozilla/firefox"),
        home.join("snap/firefox/common/.mozilla/firefox"),
        home.join(".var/app/org.mozilla.firefox/.mozilla/firefox"),
        home.join("Library/Application Support/Firefox"),
        appdata.join("Mozilla/Firefox"),
    ];
    let mut found = Vec::new();
    for root in roots {
        let Ok(ini) = std::fs::read_to_string(root.join("profiles.ini")) else { continue };
        found.extend(parse_profiles(&ini, &root));
    }
    found
}

fn parse_profiles(ini: &str, root: &Path) -> Vec<Profile> {
    let mut out: Vec<(bool, Profile)> = Vec::new();
    let (mut name, mut path, mut relative, mut default) = (None::<String>, None::<String>, true, false);
    let mut flush = |name: &mut Option<String>, path: &mut Option<String>, relative: bool, default: bool| {
        if let (Some(n), Some(p)) = (name.take(), path.take()) {
            let full = if relative { root.join(&p) } else { PathBuf::from(&p) };
            out.push((default, Profile { name: n, path: full.to_string_lossy().into_owned() }));
        }
    };
    for line in ini.lines().map(str::trim) {
        if line.starts_with('[') {
            flush(&mut name, &mut path, relative, default);
            (relative, default) = (true, false);
        } else if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "Name" => name = Some(v.trim().to_string()),
                "Path" => path = Some(v.trim().to_string()),
                "IsRelative" => relative = v.trim() != "0",
                "Default" => default = v.trim() == "1",
                _ => {}
            }
        }
    }
    flush(&mut name, &mut path, relative, default);
    out.sort_by_key(|(default, _)| !*default);
    out.into_iter().map(|(_, p)| p).collect()
}

/// Reads a cookies file and checks it is in the Netscape cookies.txt format yt-dlp reads.
fn read_cookies(file: &Path) -> Result<String> {
    let path = || file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Msg::CookiesMissing { path: path() }.into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(Msg::CookiesIsFolder { path: path() }.into())
        }
        Err(e) => return Err(Msg::CookiesUnreadable { path: path(), detail: e.kind().to_string() }.into()),
    };
    let not_netscape = || Msg::CookiesNotNetscape { path: path() };
    let text = String::from_utf8(bytes).map_err(|_| not_netscape())?;
    let mut cookies = 0;
    for line in text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()) {
        let line = line.strip_prefix("#HttpOnly_").unwrap_or(line);
        if line.starts_with('#') {
            continue;
        }
        if line.split('\t').count() != 7 {
            return Err(not_netscape().into());
        }
        cookies += 1;
    }
    if cookies == 0 {
        return Err(Msg::CookiesEmpty { path: path() }.into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "SAPISID-very-secret-value";

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn a_netscape_file_is_copied_privately() {
        let good = format!("# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t1900000000\tSAPISID\t{SECRET}\n");
        let f = file_with(&good);
        let prepared = SignIn { cookies_file: Some(f.path().into()), browser: None }.prepared().unwrap();
        let copy = prepared.sign_in().cookies_file.clone().unwrap();
        assert_ne!(copy, f.path());
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), good);
        drop(prepared);
        assert!(!copy.exists(), "the private copy is removed");
    }

    #[test]
    fn bad_files_get_their_own_messages_without_cookie_values() {
        let missing = SignIn { cookies_file: Some("/no/such/cookies.txt".into()), browser: None };
        assert!(missing.prepared().err().unwrap().to_string().contains("does not exist"));
        let json = file_with(&format!("[{{\"name\":\"SAPISID\",\"value\":\"{SECRET}\"}}]"));
        let e = SignIn { cookies_file: Some(json.path().into()), browser: None }.prepared().err().unwrap();
        assert!(e.to_string().contains("Netscape") && !e.to_string().contains(SECRET), "{e}");
        let empty = file_with("# Netscape HTTP Cookie File\n");
        assert!(SignIn { cookies_file: Some(empty.path().into()), browser: None }.prepared().err().unwrap().to_string().contains("no cookies"));
        let dir = SignIn { cookies_file: Some(std::env::temp_dir()), browser: None };
        assert!(dir.prepared().err().unwrap().to_string().contains("folder"));
    }

    #[test]
    fn firefox_profiles_are_listed_default_first() {
        let ini = "[General]\nStartWithLastProfile=1\n\n[Profile1]\nName=work\nIsRelative=1\nPath=abc.work\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=xyz.default-release\nDefault=1\n\n[Install4F96D1932A9F858E]\nDefault=xyz.default-release\n";
        let found = parse_profiles(ini, Path::new("/home/u/.mozilla/firefox"));
        assert_eq!(found.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["default-release", "work"]);
        assert_eq!(found[0].path, "/home/u/.mozilla/firefox/xyz.default-release");
    }

    #[test]
    fn browsers_are_checked() {
        assert!(check_browser("firefox").is_ok() && check_browser("firefox:default-release").is_ok());
        assert!(check_browser("netscape").unwrap_err().to_string().contains("firefox"));
        assert_eq!(SignIn::default().args(), Vec::<String>::new());
        assert_eq!(SignIn { browser: Some("firefox:work".into()), ..Default::default() }.args(), ["--cookies-from-browser", "firefox:work"]);
    }
}
