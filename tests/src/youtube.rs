//! A fake YouTube for tests: the real bundled yt-dlp, loaded with the extractor plugin in
//! `tests/ytdlp-plugins`, answers `http://127.0.0.1:PORT/yt/watch?v=ID` offline from a scenario
//! file `yt/ID.json` that [`FakeYouTube`] writes into the test server's folder.
//!
//! ```ignore
//! let dir = TempDir::new("yt");
//! let yt = FakeYouTube::new(&dir.0);
//! yt.add("abc", &Scenario::new().formats(youtube_menu()).available_in(3));
//! let server = TestServer::start(&dir.0).unwrap();
//! let picked = pick_format(&yt.watch_url(&server, "abc"), "bv/bv*/b", "res:480");
//! ```

use crate::server::TestServer;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugin's IE_NAME: yt-dlp's lines read `[youtube:gifgrabtest] ID: ...`.
pub const IE_NAME: &str = "youtube:gifgrabtest";
/// Length of the menu's media (long.mp4), for `duration` and sizes.
const MENU_DURATION: f64 = 600.0;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// The folder to pass as `--plugin-dirs` (holds `gifgrab_fake_youtube/yt_dlp_plugins/...`).
pub fn plugin_dir() -> PathBuf {
    workspace().join("tests/ytdlp-plugins")
}

/// A sidecar: the built copy next to the app if there is one, else set-up's in src-tauri/binaries.
fn sidecar(name: &str) -> PathBuf {
    let built = crate::bin_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if built.exists() {
        return built;
    }
    let triple = match (std::env::consts::ARCH, std::env::consts::OS) {
        (arch, "linux") => format!("{arch}-unknown-linux-gnu"),
        (arch, "macos") => format!("{arch}-apple-darwin"),
        (arch, _) => format!("{arch}-pc-windows-msvc"),
    };
    workspace().join(format!("src-tauri/binaries/{name}-{triple}{}", std::env::consts::EXE_SUFFIX))
}

/// The bundled yt-dlp.
pub fn ytdlp_bin() -> PathBuf {
    sidecar("gifgrab-yt-dlp")
}

/// Where a format's bytes come from; [`FakeYouTube::add`] links it under a path of its own.
#[derive(Clone, Debug, PartialEq)]
pub enum Media {
    /// One file, served as `yt/media/ID/<format_id>.<ext of the file>`.
    File(PathBuf),
    /// An HLS folder (`index.m3u8` + segments), served as `yt/media/ID/<format_id>/index.m3u8`.
    Hls(PathBuf),
}

/// One entry of a format menu: the JSON fields the plugin passes to yt-dlp, plus its media.
#[derive(Clone, Debug, PartialEq)]
pub struct Format {
    pub fields: Map<String, Value>,
    pub media: Option<Media>,
}

impl Format {
    /// A format with just an id; `url` (relative to the server root, or absolute) or `media` to follow.
    pub fn new(format_id: &str) -> Format {
        let mut fields = Map::new();
        fields.insert("format_id".into(), json!(format_id));
        Format { fields, media: None }
    }

    /// A YouTube-style video-only DASH https rendition.
    pub fn video(format_id: &str, width: u32, height: u32, fps: u32, vcodec: &str, tbr: f64) -> Format {
        let ext = if vcodec.starts_with("avc1") { "mp4" } else { "webm" };
        let note = if fps > 30 { format!("{height}p{fps}") } else { format!("{height}p") };
        Format::new(format_id)
            .set("width", width)
            .set("height", height)
            .set("fps", fps)
            .set("vcodec", vcodec)
            .set("acodec", "none")
            .set("dynamic_range", "SDR")
            .set("protocol", "https")
            .set("ext", ext)
            .set("container", format!("{ext}_dash"))
            .set("format_note", note)
            .set("tbr", tbr)
            // YouTube gives contentLength; this is what the bitrate implies for the menu's length.
            .set("filesize", (tbr * 1000.0 / 8.0 * MENU_DURATION) as u64)
    }

    /// A YouTube-style audio-only m4a (itag 140-like).
    pub fn audio(format_id: &str, abr: f64) -> Format {
        Format::new(format_id)
            .set("vcodec", "none")
            .set("acodec", "mp4a.40.2")
            .set("protocol", "https")
            .set("ext", "m4a")
            .set("container", "m4a_dash")
            .set("format_note", "medium")
            .set("abr", abr)
            .set("tbr", abr)
            .set("asr", 44100)
            .set("audio_channels", 2)
            .set("filesize", (abr * 1000.0 / 8.0 * MENU_DURATION) as u64)
    }

    /// Sets (or with `Value::Null`, clears) a field.
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Format {
        match value.into() {
            Value::Null => self.fields.remove(key),
            v => self.fields.insert(key.into(), v),
        };
        self
    }

    /// Marks it HDR10 (vp9.2 keeps its own vcodec string).
    pub fn hdr(self) -> Format {
        let note = format!("{} HDR", self.str("format_note").unwrap_or_default());
        self.set("dynamic_range", "HDR10").set("format_note", note)
    }

    /// Makes it an HLS copy (YouTube's m3u8 formats: protocol m3u8_native, no filesize).
    pub fn m3u8(self) -> Format {
        self.set("protocol", "m3u8_native").set("container", Value::Null).set("filesize", Value::Null)
    }

    pub fn media(mut self, media: Media) -> Format {
        self.media = Some(media);
        self
    }

    pub fn id(&self) -> &str {
        self.str("format_id").unwrap_or_default()
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn num(&self, key: &str) -> Option<f64> {
        self.fields.get(key).and_then(Value::as_f64)
    }
}

/// What the fake site answers for one video. Fields the builder lacks go in with [`Scenario::set`].
#[derive(Clone, Debug, Default)]
pub struct Scenario {
    pub fields: Map<String, Value>,
    pub formats: Vec<Format>,
}

impl Scenario {
    pub fn new() -> Scenario {
        Scenario::default().set("title", "Fake YouTube video").set("duration", MENU_DURATION)
    }

    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Scenario {
        self.fields.insert(key.into(), value.into());
        self
    }

    pub fn formats(mut self, formats: impl IntoIterator<Item = Format>) -> Scenario {
        self.formats = formats.into_iter().collect();
        self
    }

    /// yt-dlp fails with `ERROR: [youtube:gifgrabtest] ID: <text>` (text verbatim).
    pub fn error(self, text: &str) -> Scenario {
        self.set("error", text)
    }

    /// Seconds until the URLs' `expire=` (default 21600, YouTube's ~6 h); the server then answers 403.
    pub fn expire_in(self, secs: i64) -> Scenario {
        self.set("expire_in", secs)
    }

    /// Per extraction: element k-1 for the k-th lookup of this video, the last one repeating.
    pub fn expire_in_each(self, secs: &[i64]) -> Scenario {
        self.set("expire_in", secs.to_vec())
    }

    /// A pre-roll ad: `available_at` = now + secs, and the server answers 403 until then.
    pub fn available_in(self, secs: i64) -> Scenario {
        self.set("available_in", secs)
    }

    pub fn available_in_each(self, secs: &[i64]) -> Scenario {
        self.set("available_in", secs.to_vec())
    }

    /// The plugin sleeps this long before answering (to cancel during lookup).
    pub fn extract_delay(self, secs: f64) -> Scenario {
        self.set("extract_delay", secs)
    }

    pub fn json(&self) -> Value {
        let mut v = self.fields.clone();
        v.insert("formats".into(), Value::Array(self.formats.iter().map(|f| Value::Object(f.fields.clone())).collect()));
        Value::Object(v)
    }
}

/// Writes scenarios (and links their media) into the folder a [`TestServer`] serves.
pub struct FakeYouTube {
    root: PathBuf,
}

impl FakeYouTube {
    /// `root` is the server's root folder; scenarios go to `root/yt/`.
    pub fn new(root: impl Into<PathBuf>) -> FakeYouTube {
        let root = root.into();
        std::fs::create_dir_all(root.join("yt")).expect("create yt/");
        FakeYouTube { root }
    }

    /// Writes `yt/ID.json`; each format with `media` gets a distinct path `yt/media/ID/...`
    /// so the request log shows which rendition was fetched. Can be called again to change it.
    pub fn add(&self, id: &str, scenario: &Scenario) {
        let mut scenario = scenario.clone();
        for f in &mut scenario.formats {
            let Some(media) = f.media.clone() else { continue };
            let url = self.place(id, f.id(), &media);
            f.fields.insert("url".into(), json!(url));
        }
        let path = self.root.join(format!("yt/{id}.json"));
        let tmp = path.with_extension("json.tmp");
        // Written aside and renamed, so a lookup never reads half a file.
        std::fs::write(&tmp, serde_json::to_vec_pretty(&scenario.json()).unwrap()).expect("write scenario");
        std::fs::rename(&tmp, &path).expect("place scenario");
    }

    /// The watch URL yt-dlp is given.
    pub fn watch_url(&self, server: &TestServer, id: &str) -> String {
        server.url(&format!("yt/watch?v={id}"))
    }

    /// Links `media` under `yt/media/ID/` and returns its URL path (relative to the server root).
    fn place(&self, id: &str, format_id: &str, media: &Media) -> String {
        let dir = self.root.join(format!("yt/media/{id}"));
        std::fs::create_dir_all(&dir).expect("create media dir");
        match media {
            Media::File(src) => {
                let ext = src.extension().and_then(|e| e.to_str()).unwrap_or("bin");
                let name = format!("{format_id}.{ext}");
                link(src, &dir.join(&name));
                format!("yt/media/{id}/{name}")
            }
            Media::Hls(src) => {
                let sub = dir.join(format_id);
                std::fs::create_dir_all(&sub).expect("create hls dir");
                for entry in std::fs::read_dir(src).expect("read hls dir").flatten() {
                    link(&entry.path(), &sub.join(entry.file_name()));
                }
                format!("yt/media/{id}/{format_id}/index.m3u8")
            }
        }
    }
}

/// A YouTube-like storyboard of long.mp4 for video `id` under `root` (the served folder): sheets
/// `yt/media/ID/sb0/M0.jpg`… of 5×5 tiles of 160×90, one every 10 s (long.mp4's every fifth
/// keyframe, so each tile is exactly the frame at its time), listed as YouTube's `sb0` format.
pub fn storyboard_of_long(root: &Path, id: &str) -> Format {
    let dir = root.join(format!("yt/media/{id}/sb0"));
    std::fs::create_dir_all(&dir).expect("create storyboard dir");
    let status = Command::new(sidecar("gifgrab-ffmpeg"))
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-skip_frame", "nokey", "-i"])
        .arg(crate::media("long.mp4"))
        .args(["-vf", "select='not(mod(n,5))',scale=160:90:flags=lanczos,tile=5x5", "-fps_mode", "passthrough", "-q:v", "3", "-start_number", "0"])
        .arg(dir.join("M%d.jpg"))
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "could not make the storyboard");
    let sheets = std::fs::read_dir(&dir).expect("storyboard dir").count();
    let fragments: Vec<Value> = (0..sheets).map(|k| json!({"url": format!("yt/media/{id}/sb0/M{k}.jpg"), "duration": 250.0})).collect();
    Format::new("sb0")
        .set("format_note", "storyboard")
        .set("protocol", "mhtml")
        .set("ext", "mhtml")
        .set("vcodec", "none")
        .set("acodec", "none")
        .set("width", 160)
        .set("height", 90)
        .set("columns", 5)
        .set("rows", 5)
        .set("fps", 0.1)
        .set("url", format!("yt/media/{id}/sb0/M0.jpg"))
        .set("fragments", json!(fragments))
}

/// A hard link (the server refuses symlinks out of its root), else a copy.
fn link(src: &Path, dst: &Path) {
    let _ = std::fs::remove_file(dst);
    if std::fs::hard_link(src, dst).is_err() {
        std::fs::copy(src, dst).unwrap_or_else(|e| panic!("copy {} to {}: {e}", src.display(), dst.display()));
    }
}

/// A 10-minute real audio file (bigbuckbunny's AAC looped, stream copy, moov first: ~2 s once), cached in temp.
pub fn audio_media() -> PathBuf {
    let out = std::env::temp_dir().join("gifgrab-fake-youtube-audio-v2.m4a");
    if out.exists() {
        return out;
    }
    let tmp = out.with_extension(format!("{}.m4a", std::process::id()));
    let status = Command::new(sidecar("gifgrab-ffmpeg"))
        .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-stream_loop", "120", "-i"])
        .arg(crate::media("bigbuckbunny.mp4"))
        .args(["-map", "0:a", "-c:a", "copy", "-t", "600", "-movflags", "+faststart"])
        .arg(&tmp)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "could not make the fake audio");
    std::fs::rename(&tmp, &out).expect("place fake audio");
    out
}

/// A YouTube-shaped menu (like the `visionos` client's): video-only DASH https avc1 at
/// 240/360/480/720p 30 fps (133-136) and 60 fps (133-60..136-60), HDR10 vp9.2 30 fps (331-334),
/// HLS avc1 copies (229-232) and audio-only m4a (140). The metadata differs, the bytes do not:
/// every video format serves long.mp4 (720p 25 fps H.264) or its HLS copy.
pub fn youtube_menu() -> Vec<Format> {
    let video = Media::File(crate::media("long.mp4"));
    let hls = Media::Hls(crate::media("long_hls"));
    // (height, width, avc1 itag, avc1 codec, vp9.2 itag, vp9.2 level, HLS itag, kbit/s)
    let rungs = [
        (240, 426, "133", "avc1.4d4015", "331", "21", "229", 250.0),
        (360, 640, "134", "avc1.4d401e", "332", "30", "230", 500.0),
        (480, 854, "135", "avc1.4d401f", "333", "31", "231", 900.0),
        (720, 1280, "136", "avc1.4d401f", "334", "40", "232", 1800.0),
    ];
    let mut menu = Vec::new();
    for (h, w, avc, codec, vp92, level, hls_id, kbps) in rungs {
        menu.push(Format::video(avc, w, h, 30, codec, kbps).media(video.clone()));
        menu.push(Format::video(&format!("{avc}-60"), w, h, 60, codec, kbps * 1.5).media(video.clone()));
        let vp92_codec = format!("vp09.02.{level}.10.01.09.16.09.00");
        menu.push(Format::video(vp92, w, h, 30, &vp92_codec, kbps * 1.3).hdr().media(video.clone()));
        menu.push(Format::video(hls_id, w, h, 30, codec, kbps).m3u8().media(hls.clone()));
    }
    menu.push(Format::audio("140", 129.5).media(Media::File(audio_media())));
    menu
}

/// [`youtube_menu`] plus SDR 30 fps vp9 (242-247) and AV1 (395-398), as YouTube also offers.
pub fn youtube_menu_all_codecs() -> Vec<Format> {
    let video = Media::File(crate::media("long.mp4"));
    let mut menu = youtube_menu();
    for (h, w, vp9, av1, av1_level, kbps) in [
        (240, 426, "242", "395", "00", 200.0),
        (360, 640, "243", "396", "01", 400.0),
        (480, 854, "244", "397", "04", 700.0),
        (720, 1280, "247", "398", "05", 1400.0),
    ] {
        menu.push(Format::video(vp9, w, h, 30, "vp9", kbps).media(video.clone()));
        menu.push(Format::video(av1, w, h, 30, &format!("av01.0.{av1_level}M.08"), kbps * 0.8).media(video.clone()));
    }
    menu
}

/// Runs the bundled yt-dlp with the fake site's plugin only and returns its `-J` output,
/// or yt-dlp's stderr if it failed.
pub fn ytdlp_json(url: &str, args: &[&str]) -> Result<Value, String> {
    let out = Command::new(ytdlp_bin())
        .arg("--no-plugin-dirs")
        .arg("--plugin-dirs")
        .arg(plugin_dir())
        .args(["--ignore-config", "--no-cache-dir", "-J"])
        .args(args)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", ytdlp_bin().display()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("bad -J output: {e}"))
}

/// The `format_id` yt-dlp picks (`135` or `135+140` when merged) for `-f format -S sort`
/// (an empty sort means yt-dlp's default for the site).
pub fn pick_format(url: &str, format: &str, sort: &str) -> Result<String, String> {
    let mut args = vec!["-f", format];
    if !sort.is_empty() {
        args.extend(["-S", sort]);
    }
    let info = ytdlp_json(url, &args)?;
    info["format_id"].as_str().map(str::to_string).ok_or_else(|| "no format_id".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TempDir;

    #[test]
    fn menu_has_distinct_real_paths_and_sort_picks() {
        let dir = TempDir::new("fakeyt");
        let yt = FakeYouTube::new(&dir.0);
        let menu = youtube_menu();
        yt.add("menu1", &Scenario::new().formats(menu.clone()).available_in(30));
        let server = TestServer::start(&dir.0).unwrap();
        let url = yt.watch_url(&server, "menu1");

        let info = ytdlp_json(&url, &["-f", "bv/bv*/b", "-S", "res:480"]).unwrap();
        assert_eq!(info["extractor"], IE_NAME);
        let formats = info["formats"].as_array().unwrap();
        assert_eq!(formats.len(), menu.len());
        let mut paths: Vec<String> = formats
            .iter()
            .map(|f| f["url"].as_str().unwrap().split('?').next().unwrap().to_string())
            .collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), menu.len(), "every format has its own path");
        // Every URL is served, with the header the plugin adds; available_at is a pre-roll wait.
        let now = crate::server::unix_ms() / 1000;
        for f in formats {
            assert_eq!(f["http_headers"]["X-Gifgrab-Test"], "menu1");
            let at = f["available_at"].as_u64().unwrap();
            assert!(at >= now + 29 && at <= now + 31, "{at} vs {now}");
            assert!(f["url"].as_str().unwrap().contains("not_before="));
        }
        assert!(server.hits("/yt/menu1.json") >= 1);
    }

    #[test]
    fn error_text_comes_through_verbatim() {
        let dir = TempDir::new("fakeyt-err");
        let yt = FakeYouTube::new(&dir.0);
        let text = "Sign in to confirm you\u{2019}re not a bot. Use --cookies-from-browser or --cookies for the authentication. See  https://github.com/yt-dlp/yt-dlp/wiki/FAQ#how-do-i-pass-cookies-to-yt-dlp  for how to manually pass cookies";
        yt.add("bot", &Scenario::new().error(text));
        let server = TestServer::start(&dir.0).unwrap();
        let err = ytdlp_json(&yt.watch_url(&server, "bot"), &[]).unwrap_err();
        assert!(err.lines().any(|l| l == format!("ERROR: [{IE_NAME}] bot: {text}")), "{err}");
    }

    #[test]
    fn per_extraction_values_follow_hit_count() {
        let dir = TempDir::new("fakeyt-hits");
        let yt = FakeYouTube::new(&dir.0);
        let f = Format::video("136", 1280, 720, 30, "avc1.4d401f", 1800.0).media(Media::File(crate::media("long.mp4")));
        yt.add("exp", &Scenario::new().formats([f]).expire_in_each(&[5, 600]).set("error", json!([null, "gone now"])));
        let server = TestServer::start(&dir.0).unwrap();
        let url = yt.watch_url(&server, "exp");
        let expire = |info: &Value| -> u64 {
            let u = info["url"].as_str().unwrap();
            u.split("expire=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap()
        };
        let now = crate::server::unix_ms() / 1000;
        let first = ytdlp_json(&url, &[]).unwrap();
        assert!(expire(&first) <= now + 7);
        // The second lookup errors (the list's 2nd item); the third repeats the last item.
        assert!(ytdlp_json(&url, &[]).unwrap_err().contains("exp: gone now"));
        assert_eq!(server.hits("/yt/exp.json"), 2);
    }
}
