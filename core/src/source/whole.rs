//! A whole file from a server that cannot send parts of it (it ignores Range), fetched once
//! into a work folder after reading it plainly from the top failed: an MP4 whose index comes
//! last (phones write it there) needs a seek back that such a server cannot give.

use crate::error::{Error, Msg, Result};
use crate::os::process::CancelToken;
use crate::source::guard::Guard;
use crate::source::input::Input;
use std::io::{Read, Write};
use std::path::PathBuf;

/// Larger files are not fetched whole for a GIF: ffmpeg's own error stands.
pub const LIMIT: u64 = 2_000_000_000;

/// The fetched file; its folder goes when this is dropped.
#[derive(Debug)]
pub struct Whole {
    _dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl PartialEq for Whole {
    fn eq(&self, other: &Whole) -> bool {
        self.path == other.path
    }
}

impl Whole {
    /// The input that reads it (a local file now).
    pub fn input(&self) -> Input {
        Input { location: self.path.to_string_lossy().into_owned(), ..Input::default() }
    }
}

/// Fetches `input` whole (at most `limit` bytes), through the network guard as ffmpeg's
/// requests go, with its headers.
pub fn fetch(input: &Input, limit: u64, cancel: &CancelToken) -> Result<Whole> {
    // Only for the caller, which keeps ffmpeg's own error then.
    let failed = |detail: String| -> Error { Msg::internal(format!("fetching the whole file: {detail}")).into() };
    let origin = if input.origin.is_empty() { &input.location } else { &input.origin };
    let guard = Guard::start(origin).map_err(|e| failed(e.to_string()))?;
    let agent = crate::source::guard::media_agent(&guard.proxy_url()).ok_or_else(|| failed("no proxy".into()))?;
    let mut request = agent.get(&input.location);
    for (name, value) in &input.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let response = request.call().map_err(|e| failed(e.to_string()))?;
    if response.status() != 200 {
        return Err(failed(format!("HTTP {}", response.status())));
    }
    let length = response.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|l| l > limit) {
        return Err(failed("too large to fetch whole".into()));
    }
    let dir = crate::session::scratch_folder()?;
    let path = dir.path().join("whole");
    let mut file = std::fs::File::create(&path).map_err(|e| Error::from_write(&e, dir.path()))?;
    let mut body = response.into_body().into_reader().take(limit + 1);
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        cancel.check()?;
        let n = body.read(&mut buf).map_err(|e| failed(e.to_string()))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > limit {
            return Err(failed("too large to fetch whole".into()));
        }
        file.write_all(&buf[..n]).map_err(|e| Error::from_write(&e, dir.path()))?;
    }
    if length.is_some_and(|l| l != total) {
        return Err(failed(format!("{total} of {} bytes came", length.unwrap_or(0))));
    }
    file.sync_all().map_err(|e| Error::from_write(&e, dir.path()))?;
    Ok(Whole { _dir: dir, path })
}
