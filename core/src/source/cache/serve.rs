//! The cache as ffmpeg sees it: a server on 127.0.0.1 for one run, answering byte ranges of one
//! remote file from the blocks held and fetching only the blocks missing.

use super::store::{Entry, Store, Version, BLOCK};
use super::upstream::{Body, Failed, Upstream};
use crate::source::guard::{read_head, Head};
use std::collections::HashSet;
use std::io::{BufReader, Read, Write};
use crate::source::loopback::Loopback;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One upstream request covers at most this many missing blocks (2 MB): a client that stops
/// reading leaves little fetched for nothing.
const RUN_BLOCKS: u64 = 16;
const HEAD_TIMEOUT: Duration = Duration::from_secs(15);
const MAX_CONNECTIONS: usize = 16;

/// A running cache server for one ffmpeg run; stops (and trims the cache) when dropped.
pub struct Serving {
    /// Taken (stopped) first when dropped, then the cache is trimmed.
    server: Option<Loopback>,
    port: u16,
    path: String,
    /// `/NAME?QUERY` of the remote URL, after the path.
    shown_as: String,
    shared: Arc<Shared>,
    store: Arc<Store>,
}

struct Shared {
    entry: Entry,
    version: Version,
    upstream: Upstream,
    path: String,
    /// Blocks whose aligned fetch failed before reaching the asked offset: fetched from there
    /// instead, so a server that always drops early still lets ffmpeg go forward.
    unaligned: Mutex<HashSet<u64>>,
    /// Body bytes fetched from the server in this run.
    fetched: AtomicU64,
}

impl Serving {
    /// Serves `identity`'s file through the cache when its server answers byte ranges; None
    /// (read it directly) otherwise.
    pub fn start(store: Arc<Store>, identity: &str, upstream: Upstream, shown_as: &str) -> Option<Serving> {
        let (version, first) = upstream.version()?;
        let entry = store.entry(identity, &version);
        // A playlist's first line; held block 0 answers without asking the server again.
        let first = match (first, entry.read(0)) {
            (Some(b), _) => b,
            (None, Some(block)) => block[0],
            (None, None) => upstream.first_byte(&version)?,
        };
        if super::upstream::starts_like_text(first) {
            return None;
        }
        // Another local user may connect to the port; only ffmpeg knows this path. The file's
        // own name and query follow, as ffmpeg's command line showed them before (logs, `ps`).
        let path = format!("/{}", random_token());
        let shared = Arc::new(Shared {
            entry,
            version,
            upstream,
            path: path.clone(),
            unaligned: Mutex::new(HashSet::new()),
            fetched: AtomicU64::new(0),
        });
        let served = shared.clone();
        let server = Loopback::start(MAX_CONNECTIONS, move |client| serve(client, &served)).ok()?;
        let port = server.port();
        Some(Serving { server: Some(server), port, path, shown_as: shown_as.to_string(), shared, store })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL ffmpeg opens instead of the remote one.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{}{}", self.port, self.path, self.shown_as)
    }

    /// Body bytes fetched from the server so far in this run.
    pub fn fetched(&self) -> u64 {
        self.shared.fetched.load(Ordering::SeqCst)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        drop(self.server.take());
        self.store.trim();
    }
}

fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_err() {
        // No /dev/urandom (not Linux): the standard library's per-process random hash keys.
        for half in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
            half.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Answers one client connection's requests (ffmpeg keeps it alive between ranges).
fn serve(client: TcpStream, shared: &Shared) {
    let _ = client.set_nodelay(true);
    let Ok(reader) = client.try_clone() else { return };
    let mut reader = BufReader::new(reader);
    loop {
        let _ = client.set_read_timeout(Some(HEAD_TIMEOUT));
        let Some(head) = read_head(&mut reader) else { break };
        let _ = client.set_read_timeout(None);
        if !answer(&client, &head, shared) {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Both);
}

/// Answers one request; false when the connection must close.
fn answer(mut client: &TcpStream, head: &Head, shared: &Shared) -> bool {
    let total = shared.entry.total;
    let is_head = head.method == "HEAD";
    let asked = head.target.split(['/', '?']).nth(1).unwrap_or_default();
    if head.method != "GET" && !is_head || asked != &shared.path[1..] {
        let _ = client.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return false;
    }
    let range = head.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("range")).map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    let (from, to, partial) = match range.as_deref().map(|r| parse_range(r, total)) {
        None => (0, total - 1, false),
        Some(Some((a, b))) => (a, b, true),
        Some(None) => {
            let _ = write!(client, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{total}\r\nContent-Length: 0\r\n\r\n");
            return true;
        }
    };
    // The first missing range is asked for before answering, so the server's refusal (an
    // expired URL's 403, say) reaches ffmpeg as its own status.
    let mut pending = None;
    if !is_head && !shared.entry.has(from / BLOCK) {
        match open_run(shared, from, to) {
            Ok(body) => pending = Some(body),
            Err(Failed(status)) => {
                let status = if status == 0 { 502 } else { status };
                let _ = write!(client, "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", reason(status));
                return false;
            }
        }
    }
    let status = if partial { "206 Partial Content" } else { "200 OK" };
    let range_line = if partial { format!("Content-Range: bytes {from}-{to}/{total}\r\n") } else { String::new() };
    let head_out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\n{range_line}Content-Length: {}\r\n\r\n",
        to - from + 1
    );
    if client.write_all(head_out.as_bytes()).is_err() {
        return false;
    }
    if is_head {
        return true;
    }
    let mut pos = from;
    while pos <= to {
        let body = match pending.take() {
            Some(body) => body,
            None => {
                let index = pos / BLOCK;
                if let Some(block) = shared.entry.read(index) {
                    let start = (pos - index * BLOCK) as usize;
                    let end = ((to + 1).min((index + 1) * BLOCK) - index * BLOCK) as usize;
                    if client.write_all(&block[start..end]).is_err() {
                        return false;
                    }
                    pos = index * BLOCK + end as u64;
                    continue;
                }
                match open_run(shared, pos, to) {
                    Ok(body) => body,
                    // Headers are out: a short body tells ffmpeg to ask again.
                    Err(_) => return false,
                }
            }
        };
        match stream_run(shared, body, pos, to, client) {
            Some(next) => pos = next,
            None => return false,
        }
    }
    true
}

/// Opens the upstream request for the missing blocks from `pos`'s on (up to `to`'s block).
fn open_run(shared: &Shared, pos: u64, to: u64) -> Result<Body, Failed> {
    let entry = &shared.entry;
    let first = pos / BLOCK;
    let mut last = first;
    while last + 1 <= to / BLOCK && last + 1 - first < RUN_BLOCKS && !entry.has(last + 1) {
        last += 1;
    }
    let unaligned = shared.unaligned.lock().map(|u| u.contains(&first)).unwrap_or(false);
    let from = if unaligned { pos } else { first * BLOCK };
    let end = ((last + 1) * BLOCK).min(entry.total) - 1;
    shared.upstream.range(from, end, &shared.version)
}

/// Streams an upstream body: every byte in `pos..=to` to the client, every whole block into
/// the cache. Returns where the client's range goes on, or None when either side failed.
fn stream_run(shared: &Shared, body: Body, pos: u64, to: u64, mut client: &TcpStream) -> Option<u64> {
    let entry = &shared.entry;
    let mut at = body.start; // the offset of the next byte from the server
    let mut sent_to = pos; // the client has everything before this
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK as usize);
    // A body starting mid-block (see `unaligned`) keeps nothing until the next block begins.
    let mut keeping = at % BLOCK == 0;
    let mut buf = vec![0u8; 64 * 1024];
    let mut reader = body.reader.take(body.end + 1 - body.start);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        shared.fetched.fetch_add(n as u64, Ordering::Relaxed);
        let chunk = &buf[..n];
        // To the client: the part of this chunk it asked for and has not had.
        let (lo, hi) = (sent_to.max(at), (to + 1).min(at + n as u64));
        if lo < hi {
            if client.write_all(&chunk[(lo - at) as usize..(hi - at) as usize]).is_err() {
                return None;
            }
            sent_to = hi;
        }
        // Into the cache: whole blocks.
        let mut rest = chunk;
        let mut offset = at;
        while !rest.is_empty() {
            if offset % BLOCK == 0 {
                keeping = true;
                block.clear();
            }
            let index = offset / BLOCK;
            let room = (entry.block_len(index) - offset % BLOCK) as usize;
            let take = room.min(rest.len());
            if keeping {
                block.extend_from_slice(&rest[..take]);
                if block.len() as u64 == entry.block_len(index) {
                    let _ = entry.write(index, &block); // a full disk only means fetching again later
                    block.clear();
                }
            }
            rest = &rest[take..];
            offset += take as u64;
        }
        at += n as u64;
    }
    if at > body.end {
        // The whole run came (it may stop short of `to` where held blocks begin).
        return Some(sent_to);
    }
    // The body ended early: if it never reached the client's offset, fetch from there next time.
    if at <= pos {
        if let Ok(mut u) = shared.unaligned.lock() {
            u.insert(pos / BLOCK);
        }
    }
    None
}

/// The standard words for a status (the http crate's table): ffmpeg's log, and so the error
/// the user reads, names them.
fn reason(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Upstream Error")
}

/// `bytes=A-B`, `bytes=A-` or `bytes=-N` within `total` → (first, last).
fn parse_range(value: &str, total: u64) -> Option<(u64, u64)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || total == 0 {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        return (n > 0).then(|| (total.saturating_sub(n), total - 1));
    }
    let first: u64 = a.parse().ok()?;
    let last = if b.is_empty() { total - 1 } else { b.parse::<u64>().ok()?.min(total - 1) };
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_are_read_as_ffmpeg_sends_them() {
        use super::parse_range;
        assert_eq!(parse_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(parse_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(parse_range("bytes=90-500", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("bytes=0-1,5-6", 100), None);
    }
}
