//! Recent GIFs: what was made from which link, with which settings, and where it was saved.
//! One JSON list in the app's data folder plus a small still per entry; the list is written
//! whole to a temporary file and renamed over the old one, so a crash mid-write leaves the old list.

use crate::error::{Error, Msg, Result};
use crate::spec::GifSpec;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Entries kept: the oldest go (with their stills) when a new one comes.
pub const KEPT: usize = 30;
/// The still's width at most, in pixels.
const THUMB_WIDTH: u16 = 160;
const LIST: &str = "history.json";

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub id: String,
    /// Seconds since 1970.
    pub made_at: u64,
    /// The link or path as the user gave it.
    pub source: String,
    pub title: String,
    pub spec: GifSpec,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    pub bytes: u64,
    pub saved_path: Option<String>,
}

pub struct History {
    dir: PathBuf,
    /// One writer at a time: each change reads, edits and replaces the whole list.
    write: Mutex<()>,
}

impl History {
    pub fn new(dir: PathBuf) -> History {
        History { dir, write: Mutex::new(()) }
    }

    /// Newest first. A missing or unreadable list is an empty history, not an error.
    pub fn list(&self) -> Vec<Entry> {
        std::fs::read(self.dir.join(LIST)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Records a made GIF: its still (the first frame of `gif`), then the entry at the top.
    pub fn add(&self, mut entry: Entry, gif: &Path) -> Result<Entry> {
        let _one = self.write.lock().unwrap_or_else(|p| p.into_inner());
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::from_write(&e, &self.dir))?;
        entry.id = format!("{}-{}", entry.made_at, std::process::id() as u64 * 1000 + next_serial());
        write_atomically(&self.thumb_path(&entry.id), &thumbnail(gif)?)?;
        let mut entries = self.list();
        entries.retain(|e| e.id != entry.id);
        entries.insert(0, entry.clone());
        for gone in entries.split_off(KEPT.min(entries.len())) {
            let _ = std::fs::remove_file(self.thumb_path(&gone.id));
        }
        self.store(&entries)?;
        Ok(entry)
    }

    /// Notes where an entry's GIF was saved.
    pub fn set_saved(&self, id: &str, path: &str) -> Result<()> {
        let _one = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut entries = self.list();
        let Some(entry) = entries.iter_mut().find(|e| e.id == id) else { return Ok(()) };
        entry.saved_path = Some(path.to_string());
        self.store(&entries)
    }

    pub fn remove(&self, id: &str) -> Result<()> {
        check_id(id)?;
        let _one = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut entries = self.list();
        entries.retain(|e| e.id != id);
        self.store(&entries)?;
        let _ = std::fs::remove_file(self.thumb_path(id));
        Ok(())
    }

    /// The entry's still, a small one-frame GIF.
    pub fn thumbnail(&self, id: &str) -> Result<Vec<u8>> {
        check_id(id)?;
        std::fs::read(self.thumb_path(id)).map_err(|e| Msg::GifGone { detail: e.to_string() }.into())
    }

    fn thumb_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.gif"))
    }

    fn store(&self, entries: &[Entry]) -> Result<()> {
        let json = serde_json::to_vec_pretty(entries).map_err(|e| Msg::internal(e.to_string()))?;
        write_atomically(&self.dir.join(LIST), &json)
    }
}

/// Ids are ours (digits and a dash): anything else could name a file outside the folder.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > 40 || !id.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return Err(Msg::internal("not a history entry").into());
    }
    Ok(())
}

fn next_serial() -> u64 {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Beside the target, flushed, then renamed over it: readers see the old file or the new, whole.
fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::from_write(&e, dir))?;
    tmp.write_all(bytes).and_then(|_| tmp.as_file().sync_all()).map_err(|e| Error::from_write(&e, target))?;
    tmp.persist(target).map_err(|e| Error::from_write(&e.error, target))?;
    Ok(())
}

/// The GIF's first frame, shrunk to `THUMB_WIDTH` (nearest pixel: a still to recognise it by).
fn thumbnail(gif: &Path) -> Result<Vec<u8>> {
    let bad = |e: &dyn std::fmt::Display| Error::from(Msg::GifReadBack { detail: e.to_string() });
    let file = std::fs::File::open(gif).map_err(|e| bad(&e))?;
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::io::BufReader::new(file)).map_err(|e| bad(&e))?;
    let (w, h) = (decoder.width(), decoder.height());
    if w == 0 || h == 0 {
        return Err(bad(&"an empty canvas"));
    }
    let mut canvas = vec![0u8; w as usize * h as usize * 4];
    let frame = decoder.read_next_frame().map_err(|e| bad(&e))?.ok_or_else(|| bad(&"no frames"))?;
    for row in 0..frame.height as usize {
        for col in 0..frame.width as usize {
            let (x, y) = (frame.left as usize + col, frame.top as usize + row);
            if x < w as usize && y < h as usize {
                let from = (row * frame.width as usize + col) * 4;
                canvas[(y * w as usize + x) * 4..][..4].copy_from_slice(&frame.buffer[from..from + 4]);
            }
        }
    }
    let tw = w.min(THUMB_WIDTH).max(1);
    let th = ((h as u32 * tw as u32) / w.max(1) as u32).max(1) as u16;
    let mut small = Vec::with_capacity(tw as usize * th as usize * 4);
    for y in 0..th as usize {
        for x in 0..tw as usize {
            let (sx, sy) = (x * w as usize / tw as usize, y * h as usize / th as usize);
            small.extend_from_slice(&canvas[(sy * w as usize + sx) * 4..][..4]);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, tw, th, &[]).map_err(|e| bad(&e))?;
        let still = gif::Frame::from_rgba_speed(tw, th, &mut small, 10);
        encoder.write_frame(&still).map_err(|e| bad(&e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64) -> Entry {
        Entry {
            id: String::new(),
            made_at: 1_780_000_000 + n,
            source: format!("https://example.com/{n}.mp4"),
            title: format!("clip {n}"),
            spec: GifSpec { start: n as f64, end: n as f64 + 1.0, ..GifSpec::default() },
            width: 480,
            height: 270,
            frames: 15,
            bytes: 1000,
            saved_path: None,
        }
    }

    /// A 4×2 two-frame GIF: red then blue.
    fn tiny_gif(path: &Path) {
        let mut bytes = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut bytes, 4, 2, &[]).unwrap();
            for rgb in [[255u8, 0, 0], [0, 0, 255]] {
                let mut px: Vec<u8> = (0..8).flat_map(|_| [rgb[0], rgb[1], rgb[2], 255]).collect();
                enc.write_frame(&gif::Frame::from_rgba(4, 2, &mut px)).unwrap();
            }
        }
        std::fs::write(path, bytes).unwrap();
    }

    #[test]
    fn entries_come_back_newest_first_bounded_with_their_stills() {
        let dir = tempfile::tempdir().unwrap();
        let gif = dir.path().join("made.gif");
        tiny_gif(&gif);
        let history = History::new(dir.path().join("history"));
        let mut ids = Vec::new();
        for n in 0..(KEPT as u64 + 3) {
            ids.push(history.add(entry(n), &gif).unwrap().id);
        }
        let listed = history.list();
        assert_eq!(listed.len(), KEPT, "bounded");
        assert_eq!(listed[0].title, format!("clip {}", KEPT + 2), "newest first");
        assert!(history.thumbnail(&ids[0]).is_err(), "the oldest's still went with it");
        let still = history.thumbnail(&listed[0].id).unwrap();
        let mut decoder = gif::DecodeOptions::new();
        decoder.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = decoder.read_info(&still[..]).unwrap();
        let frame = decoder.read_next_frame().unwrap().unwrap();
        assert_eq!(&frame.buffer[..4], &[255, 0, 0, 255], "the still is the first frame");
        assert!(decoder.read_next_frame().unwrap().is_none(), "one frame");

        history.set_saved(&listed[1].id, "/home/me/Pictures/clip.gif").unwrap();
        history.remove(&listed[0].id).unwrap();
        let after = History::new(dir.path().join("history")).list();
        assert_eq!(after.len(), KEPT - 1);
        assert_eq!(after[0].saved_path.as_deref(), Some("/home/me/Pictures/clip.gif"), "kept across opens");
        assert!(history.thumbnail(&listed[0].id).is_err(), "removed with its still");
        let outside = dir.path().join("cat.gif");
        std::fs::write(&outside, b"GIF89a").unwrap();
        assert!(history.remove("../cat").is_err() && outside.exists(), "an id that is a path is refused");
    }

    #[test]
    fn a_write_cut_off_midway_leaves_the_last_whole_list() {
        let dir = tempfile::tempdir().unwrap();
        let gif = dir.path().join("made.gif");
        tiny_gif(&gif);
        let history = History::new(dir.path().join("history"));
        history.add(entry(1), &gif).unwrap();
        // What a crash mid-write leaves: a half-written temporary file beside the list.
        let whole = std::fs::read(dir.path().join("history").join(LIST)).unwrap();
        std::fs::write(dir.path().join("history").join(".tmpCUT"), &whole[..whole.len() / 2]).unwrap();
        assert_eq!(history.list().len(), 1, "the list is read whole");
        history.add(entry(2), &gif).unwrap();
        assert_eq!(history.list().len(), 2);
        // A list damaged by other means reads as empty rather than failing the window.
        std::fs::write(dir.path().join("history").join(LIST), &whole[..whole.len() / 2]).unwrap();
        assert!(history.list().is_empty());
        history.add(entry(3), &gif).unwrap();
        assert_eq!(history.list().len(), 1, "and a new GIF starts it again");
    }
}
