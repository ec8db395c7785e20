//! A small, robust HTTP/1.1 file server for integration tests and benchmarks.
//!
//! It serves the files below a root directory on `127.0.0.1` to real clients
//! (yt-dlp, ffmpeg, curl): GET and HEAD, single byte ranges, keep-alive, and a
//! handful of injectable faults (error statuses, dropped or stalled bodies,
//! ignored ranges, redirect loops). Every connection runs on its own thread;
//! nothing in here panics on bad input, and write errors caused by clients
//! hanging up are silently ignored.
//!
//! Like googlevideo, it answers 403 to URLs whose query says `expire=<unix s>` has passed or
//! `not_before=<unix ms>` has not yet come; it numbers the GETs of each path (`X-Hit-Count`), and
//! keeps a log of every request (see [`TestServer::log`]).
//!
//! Only the standard library is used.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Size of the chunks read from disk and written to the socket when unthrottled.
const CHUNK: usize = 64 * 1024;
/// Largest chunk written at once while a rate limit is active.
const RATE_CHUNK: u64 = 16 * 1024;
/// How long a keep-alive connection may sit idle (or dribble a header) before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Granularity at which blocked handlers look at the shutdown flag.
const POLL: Duration = Duration::from_millis(50);
/// Sleep between polls of the nonblocking listener.
const ACCEPT_POLL: Duration = Duration::from_millis(5);
/// Upper bound on the size of a request head.
const MAX_HEAD: usize = 64 * 1024;
/// Request bodies up to this size are read and discarded; larger ones close the connection.
const MAX_DISCARD: u64 = 1024 * 1024;
/// How long `Drop` waits for connection threads to notice the shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// A fault injected into responses for existing files.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Behave normally.
    None,
    /// Answer every media request with this status and a small text body.
    Status(u16),
    /// Send the headers and this many body bytes per response, then close the socket.
    DropAfter(u64),
    /// Send the headers (and a few body bytes), then nothing more until the server is dropped.
    Stall,
    /// Claim the full `Content-Length` but send only this many bytes, then close.
    Truncate(u64),
    /// Always answer 200 with the whole file, without `Accept-Ranges`.
    IgnoreRange,
    /// Answer `302` with `Location` pointing at the requested path itself.
    RedirectLoop,
}

/// One request as the server saw and answered it.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// Empty for a request head that could not be parsed (answered 400).
    pub method: String,
    /// The path as sent (still percent-encoded), without query.
    pub path: String,
    /// The raw query string, without `?` (empty if none).
    pub query: String,
    pub headers: Vec<(String, String)>,
    /// The response status; 0 while the head has not been written yet.
    pub status: u16,
    /// Body bytes written so far (file bytes only, as in `bytes_sent`).
    pub bytes: u64,
    /// When the request head had arrived.
    pub at: Instant,
    /// The same moment as Unix time in milliseconds (comparable with `expire`/`not_before`).
    pub unix_ms: u64,
    /// Identifies the entry while its response is still being written.
    seq: u64,
}

impl LoggedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter with this name, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        query_param(&self.query, name)
    }
}

/// Now as Unix time in milliseconds.
pub fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// State shared between the server handle, the accept thread and connection threads.
struct Shared {
    root: PathBuf,
    /// Canonical form of `root`, used to reject symlink escapes.
    canonical_root: Option<PathBuf>,
    shutdown: AtomicBool,
    bytes_sent: AtomicU64,
    requests: AtomicU64,
    active: AtomicUsize,
    /// Bytes per second; 0 means unlimited.
    rate: AtomicU64,
    fault: Mutex<Fault>,
    log: Mutex<Vec<LoggedRequest>>,
    next_seq: AtomicU64,
    /// GETs per request path, for `X-Hit-Count`.
    hits: Mutex<HashMap<String, u64>>,
}

/// Locks a mutex, shrugging off poisoning (a panicking test thread must not take the server down).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    fn stopping(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }

    fn rate(&self) -> Option<u64> {
        match self.rate.load(Ordering::Relaxed) {
            0 => None,
            r => Some(r),
        }
    }

    fn fault(&self) -> Fault {
        match self.fault.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// A running test server. Dropping it stops the server.
pub struct TestServer {
    port: u16,
    shared: Arc<Shared>,
    accept_thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves `root` on a free port of 127.0.0.1.
    pub fn start(root: impl Into<PathBuf>) -> io::Result<TestServer> {
        Self::start_on(root, 0)
    }

    /// Serves `root` on the given port of 127.0.0.1 (0 = any free port).
    pub fn start_on(root: impl Into<PathBuf>, port: u16) -> io::Result<TestServer> {
        let root = root.into();
        let canonical_root = root.canonicalize().ok();
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            root,
            canonical_root,
            shutdown: AtomicBool::new(false),
            bytes_sent: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            active: AtomicUsize::new(0),
            rate: AtomicU64::new(0),
            fault: Mutex::new(Fault::None),
            log: Mutex::new(Vec::new()),
            next_seq: AtomicU64::new(0),
            hits: Mutex::new(HashMap::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_thread = thread::Builder::new()
            .name(format!("testserver-accept-{port}"))
            .spawn(move || accept_loop(listener, accept_shared))?;
        Ok(TestServer {
            port,
            shared,
            accept_thread: Some(accept_thread),
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/` followed by `path` (a leading `/` is not doubled).
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }

    /// File body bytes written to clients since start or the last reset
    /// (error and redirect bodies are not counted).
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(Ordering::SeqCst)
    }

    /// Requests handled since start or the last reset.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Zeroes `bytes_sent` and `requests` and empties the log. Hit counts are kept (a
    /// scenario's "k-th extraction" should not restart because a test measures afresh).
    pub fn reset_counters(&self) {
        self.shared.bytes_sent.store(0, Ordering::SeqCst);
        self.shared.requests.store(0, Ordering::SeqCst);
        lock(&self.shared.log).clear();
    }

    /// Every request since start or the last reset, in order of arrival.
    pub fn log(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// GETs of `path` (as sent, without query) so far: the last `X-Hit-Count` it was given.
    pub fn hits(&self, path: &str) -> u64 {
        lock(&self.shared.hits).get(path).copied().unwrap_or(0)
    }

    /// Forgets all hit counts (the next GET of any path is hit 1 again).
    pub fn reset_hits(&self) {
        lock(&self.shared.hits).clear();
    }

    /// Sets the fault used for subsequent requests for existing files.
    pub fn set_fault(&self, fault: Fault) {
        match self.shared.fault.lock() {
            Ok(mut g) => *g = fault,
            Err(poisoned) => *poisoned.into_inner() = fault,
        }
    }

    /// Throttles body bytes per connection; `None` = unlimited. `Some(0)` is treated as 1 byte/s.
    pub fn set_rate(&self, bytes_per_sec: Option<u64>) {
        let v = match bytes_per_sec {
            None => 0,
            Some(r) => r.max(1),
        };
        self.shared.rate.store(v, Ordering::Relaxed);
    }

    /// Connections currently open.
    pub fn active_connections(&self) -> usize {
        self.shared.active.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        if let Some(handle) = self.accept_thread.take() {
            let _ = handle.join();
        }
        // Connection threads poll the flag every POLL; give them a moment to exit.
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        while self.shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
    }
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while !shared.stopping() {
        match listener.accept() {
            Ok((stream, _)) => {
                // Some platforms let accepted sockets inherit O_NONBLOCK.
                if stream.set_nonblocking(false).is_err() {
                    continue;
                }
                shared.active.fetch_add(1, Ordering::SeqCst);
                let conn_shared = Arc::clone(&shared);
                let spawned = thread::Builder::new()
                    .name("testserver-conn".into())
                    .spawn(move || {
                        let _guard = ActiveGuard(Arc::clone(&conn_shared));
                        Connection::new(stream, conn_shared).run();
                    });
                if spawned.is_err() {
                    // The closure (and its guard) never ran.
                    shared.active.fetch_sub(1, Ordering::SeqCst);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(ACCEPT_POLL),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // E.g. EMFILE or ECONNABORTED: back off and keep going.
            Err(_) => thread::sleep(ACCEPT_POLL),
        }
    }
}

/// Decrements the active-connection count when a connection thread ends (even by unwinding).
struct ActiveGuard(Arc<Shared>);

impl Drop for ActiveGuard {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A parsed request head.
struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    keep_alive: bool,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

enum ReadOutcome {
    Request(Request),
    /// Peer closed, idle timeout, shutdown or I/O error: just close.
    Closed,
    /// Unparseable head: answer 400 and close.
    Bad,
}

struct Connection {
    stream: TcpStream,
    shared: Arc<Shared>,
    /// Bytes received but not yet consumed (pipelined requests).
    buf: Vec<u8>,
    /// Log entry of the request being answered.
    seq: Option<u64>,
    /// Headers added to every response head of the current request (`X-Hit-Count`).
    extra: Vec<(&'static str, String)>,
}

impl Connection {
    fn new(stream: TcpStream, shared: Arc<Shared>) -> Self {
        Connection {
            stream,
            shared,
            buf: Vec::new(),
            seq: None,
            extra: Vec::new(),
        }
    }

    /// Starts the log entry of a new request (`None` for an unparseable head).
    fn begin_log(&mut self, req: Option<&Request>) {
        let seq = self.shared.next_seq.fetch_add(1, Ordering::SeqCst);
        let (method, target, headers) = match req {
            Some(r) => (r.method.clone(), r.target.as_str(), r.headers.clone()),
            None => (String::new(), "", Vec::new()),
        };
        let entry = LoggedRequest {
            method,
            path: request_path(target).to_string(),
            query: request_query(target).to_string(),
            headers,
            status: 0,
            bytes: 0,
            at: Instant::now(),
            unix_ms: unix_ms(),
            seq,
        };
        lock(&self.shared.log).push(entry);
        self.seq = Some(seq);
        self.extra.clear();
    }

    /// Updates the current request's log entry (gone if the log was reset meanwhile).
    fn update_log(&self, f: impl FnOnce(&mut LoggedRequest)) {
        let Some(seq) = self.seq else { return };
        let mut log = lock(&self.shared.log);
        // The entry is almost always the last or nearly so.
        if let Some(e) = log.iter_mut().rev().find(|e| e.seq == seq) {
            f(e);
        }
    }

    fn run(mut self) {
        let _ = self.stream.set_nodelay(true);
        if self.stream.set_read_timeout(Some(POLL)).is_err()
            || self.stream.set_write_timeout(Some(POLL)).is_err()
        {
            return;
        }
        loop {
            match self.read_request() {
                ReadOutcome::Closed => break,
                ReadOutcome::Bad => {
                    self.shared.requests.fetch_add(1, Ordering::SeqCst);
                    self.begin_log(None);
                    let _ = self.send_simple(400, false, true, &[]);
                    self.linger();
                    break;
                }
                ReadOutcome::Request(req) => {
                    self.shared.requests.fetch_add(1, Ordering::SeqCst);
                    self.begin_log(Some(&req));
                    match self.respond(&req) {
                        Ok(true) => continue,
                        Ok(false) | Err(_) => break,
                    }
                }
            }
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// After refusing a request: closes the sending side and reads what the client still sends
    /// for a moment, so the refusal arrives (closing with unread bytes would reset it away).
    fn linger(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Write);
        let until = Instant::now() + Duration::from_millis(500);
        let mut tmp = [0u8; 8192];
        while Instant::now() < until && !self.shared.stopping() {
            match self.stream.read(&mut tmp) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted) => {}
                Err(_) => break,
            }
        }
    }

    /// Reads more bytes into `buf`. Returns `Ok(false)` when the connection should close.
    fn fill(&mut self, idle_since: &mut Instant) -> bool {
        let mut tmp = [0u8; 8192];
        loop {
            if self.shared.stopping() {
                return false;
            }
            match self.stream.read(&mut tmp) {
                Ok(0) => return false,
                Ok(n) => {
                    self.buf.extend_from_slice(&tmp[..n]);
                    *idle_since = Instant::now();
                    return true;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    if idle_since.elapsed() >= IDLE_TIMEOUT {
                        return false;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
    }

    fn read_request(&mut self) -> ReadOutcome {
        let mut idle_since = Instant::now();
        loop {
            // Tolerate stray line breaks between requests.
            let skip = self
                .buf
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if skip > 0 {
                self.buf.drain(..skip);
            }
            // A request starts with a method; anything else (a TLS hello on this plain port) is
            // refused at once, as nginx and Apache do, not after waiting for a head.
            if self.buf.first().is_some_and(|b| !b.is_ascii_alphabetic()) {
                return ReadOutcome::Bad;
            }
            if let Some((head_len, consumed)) = find_head_end(&self.buf) {
                let head = String::from_utf8_lossy(&self.buf[..head_len]).into_owned();
                self.buf.drain(..consumed);
                let Some(mut req) = parse_head(&head) else {
                    return ReadOutcome::Bad;
                };
                // Request bodies are ignored, but must be skipped to keep the stream in sync.
                if req.header("transfer-encoding").is_some() {
                    req.keep_alive = false;
                } else if let Some(cl) = req.header("content-length") {
                    let Some(len) = parse_digits(cl.trim()) else {
                        return ReadOutcome::Bad;
                    };
                    if len > MAX_DISCARD {
                        req.keep_alive = false;
                    } else if !self.discard(len as usize, &mut idle_since) {
                        return ReadOutcome::Closed;
                    }
                }
                return ReadOutcome::Request(req);
            }
            if self.buf.len() > MAX_HEAD {
                return ReadOutcome::Bad;
            }
            if !self.fill(&mut idle_since) {
                return ReadOutcome::Closed;
            }
        }
    }

    fn discard(&mut self, mut len: usize, idle_since: &mut Instant) -> bool {
        loop {
            let take = len.min(self.buf.len());
            self.buf.drain(..take);
            len -= take;
            if len == 0 {
                return true;
            }
            if !self.fill(idle_since) {
                return false;
            }
        }
    }

    /// Writes all of `data`, retrying across write timeouts until shutdown.
    /// Body bytes (`count`) are added to the shared counter as they are written.
    fn write_all(&mut self, mut data: &[u8], count: bool) -> io::Result<()> {
        while !data.is_empty() {
            if self.shared.stopping() {
                return Err(stopping_error());
            }
            // Count optimistically before writing and take back what was not written,
            // so a client that has received the bytes always sees them counted.
            let attempt = data.len() as u64;
            if count {
                self.shared.bytes_sent.fetch_add(attempt, Ordering::SeqCst);
            }
            let result = self.stream.write(data);
            let written = match &result {
                Ok(n) => *n,
                Err(_) => 0,
            };
            if count && (written as u64) < attempt {
                self.shared
                    .bytes_sent
                    .fetch_sub(attempt - written as u64, Ordering::SeqCst);
            }
            if count && written > 0 {
                self.update_log(|e| e.bytes += written as u64);
            }
            match result {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => data = &data[n..],
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock
                            | io::ErrorKind::TimedOut
                            | io::ErrorKind::Interrupted
                    ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn write_head(
        &mut self,
        status: u16,
        keep_alive: bool,
        headers: &[(&str, String)],
    ) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", status, reason(status));
        head.push_str("Server: gifgrab-testserver\r\n");
        for (name, value) in headers.iter().chain(self.extra.iter()) {
            head.push_str(name);
            head.push_str(": ");
            head.push_str(value);
            head.push_str("\r\n");
        }
        if keep_alive {
            head.push_str("Connection: keep-alive\r\n");
            head.push_str(&format!("Keep-Alive: timeout={}\r\n", IDLE_TIMEOUT.as_secs()));
        } else {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        self.update_log(|e| e.status = status);
        self.write_all(head.as_bytes(), false)
    }

    /// A short text/plain response. Returns whether the connection may be kept.
    fn send_simple(
        &mut self,
        status: u16,
        keep_alive: bool,
        with_body: bool,
        extra: &[(&str, String)],
    ) -> io::Result<bool> {
        let body = format!("{} {}\n", status, reason(status));
        let mut headers: Vec<(&str, String)> = vec![
            ("Content-Type", "text/plain; charset=utf-8".to_string()),
            ("Content-Length", body.len().to_string()),
        ];
        headers.extend(extra.iter().cloned());
        self.write_head(status, keep_alive, &headers)?;
        if with_body {
            // Only file bytes are counted in `bytes_sent`.
            self.write_all(body.as_bytes(), false)?;
        }
        Ok(keep_alive)
    }

    /// Answers one request. `Ok(true)` means the connection stays open.
    fn respond(&mut self, req: &Request) -> io::Result<bool> {
        let keep = req.keep_alive;
        let is_head = req.method == "HEAD";
        if req.method != "GET" && !is_head {
            return self.send_simple(405, keep, true, &[("Allow", "GET, HEAD".to_string())]);
        }
        let path = request_path(&req.target);
        if !is_head {
            // Numbered per path so a fake site can answer its k-th lookup differently.
            let n = {
                let mut hits = lock(&self.shared.hits);
                let n = hits.entry(path.to_string()).or_insert(0);
                *n += 1;
                *n
            };
            self.extra.push(("X-Hit-Count", n.to_string()));
        }
        let Some(file_path) = resolve(&self.shared, path) else {
            return self.send_simple(404, keep, !is_head, &[]);
        };
        let Ok(mut file) = File::open(&file_path) else {
            return self.send_simple(404, keep, !is_head, &[]);
        };
        let (total, modified) = match file.metadata() {
            Ok(m) if m.is_file() => (m.len(), m.modified().ok()),
            _ => return self.send_simple(404, keep, !is_head, &[]),
        };

        // googlevideo's answer to an expired URL or one used before its pre-roll ad is over.
        if url_not_valid_now(request_query(&req.target)) {
            return self.send_simple(403, keep, !is_head, &[]);
        }

        let fault = self.shared.fault();
        match fault {
            Fault::Status(code) => return self.send_simple(code, keep, !is_head, &[]),
            Fault::RedirectLoop => {
                let location = redirect_target(&req.target);
                self.write_head(
                    302,
                    keep,
                    &[("Location", location), ("Content-Length", "0".to_string())],
                )?;
                return Ok(keep);
            }
            _ => {}
        }

        let ignore_range = fault == Fault::IgnoreRange;
        let range = if ignore_range {
            RangeReq::Whole
        } else {
            parse_range(req.header("range"), total)
        };
        let (status, start, len) = match range {
            RangeReq::Whole => (200, 0, total),
            RangeReq::Part(a, b) => (206, a, b - a + 1),
            RangeReq::Unsatisfiable => {
                let extra = [("Content-Range", format!("bytes */{total}"))];
                return self.send_simple(416, keep, !is_head, &extra);
            }
        };

        let mut headers: Vec<(&str, String)> = vec![
            ("Content-Type", content_type(&file_path).to_string()),
            ("Content-Length", len.to_string()),
        ];
        // As nginx does: a file replaced on disk gets a new ETag.
        if let Some(modified) = modified {
            let nanos = modified.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
            headers.push(("ETag", format!("\"{nanos:x}-{total:x}\"")));
        }
        if !ignore_range {
            headers.push(("Accept-Ranges", "bytes".to_string()));
        }
        if status == 206 {
            headers.push((
                "Content-Range",
                format!("bytes {}-{}/{}", start, start + len - 1, total),
            ));
        }
        self.write_head(status, keep, &headers)?;

        let body_limit = match fault {
            Fault::DropAfter(n) | Fault::Truncate(n) => n.min(len),
            Fault::Stall => (len / 2).min(CHUNK as u64),
            _ => len,
        };
        if !is_head && self.send_file(&mut file, start, body_limit).is_err() {
            return Ok(false);
        }
        match fault {
            Fault::Stall => {
                self.stall();
                Ok(false)
            }
            Fault::DropAfter(_) | Fault::Truncate(_) => Ok(false),
            _ => Ok(keep),
        }
    }

    /// Streams `len` bytes of `file` from `start`, honouring the rate limit.
    fn send_file(&mut self, file: &mut File, start: u64, len: u64) -> io::Result<()> {
        if len == 0 {
            return Ok(());
        }
        file.seek(SeekFrom::Start(start))?;
        let mut chunk = vec![0u8; CHUNK];
        let mut remaining = len;
        // Pacing state: bytes sent since `mark` at `current_rate`.
        let mut current_rate = self.shared.rate();
        let mut mark = Instant::now();
        let mut sent_since_mark: u64 = 0;
        while remaining > 0 {
            let rate = self.shared.rate();
            if rate != current_rate {
                current_rate = rate;
                mark = Instant::now();
                sent_since_mark = 0;
            }
            let mut want = remaining.min(CHUNK as u64);
            if let Some(r) = rate {
                let due = mark + Duration::from_secs_f64(sent_since_mark as f64 / r as f64);
                self.sleep_until(due)?;
                want = want.min((r / 20).clamp(512, RATE_CHUNK));
            }
            let want = want as usize;
            let n = read_some(file, &mut chunk[..want])?;
            if n == 0 {
                // File shrank underneath us; the response can't be completed.
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.write_all(&chunk[..n], true)?;
            remaining -= n as u64;
            sent_since_mark += n as u64;
        }
        Ok(())
    }

    fn sleep_until(&self, due: Instant) -> io::Result<()> {
        loop {
            if self.shared.stopping() {
                return Err(stopping_error());
            }
            let now = Instant::now();
            if now >= due {
                return Ok(());
            }
            thread::sleep((due - now).min(POLL));
        }
    }

    /// Keeps the socket open, sending nothing, until the server shuts down.
    fn stall(&self) {
        while !self.shared.stopping() {
            thread::sleep(POLL);
        }
    }
}

fn stopping_error() -> io::Error {
    io::Error::other("server stopping")
}

fn read_some(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Finds the end of a request head: returns (head length, bytes to consume).
fn find_head_end(buf: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == b'\n' {
            if buf.get(i + 1) == Some(&b'\n') {
                return Some((i, i + 2));
            }
            if buf.get(i + 1) == Some(&b'\r') && buf.get(i + 2) == Some(&b'\n') {
                return Some((i, i + 3));
            }
        }
        i += 1;
    }
    None
}

fn parse_head(head: &str) -> Option<Request> {
    let mut lines = head.split('\n').map(|l| l.trim_end_matches('\r'));
    let request_line = lines.next()?;
    let mut parts = request_line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let version = parts.next()?;
    if parts.next().is_some() || !version.starts_with("HTTP/") {
        return None;
    }
    let http10 = version == "HTTP/1.0";
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            continue;
        }
        let (name, value) = line.split_once(':')?;
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let mut req = Request {
        method,
        target,
        headers,
        keep_alive: !http10,
    };
    if let Some(conn) = req.header("connection") {
        let tokens: Vec<String> = conn
            .split(',')
            .map(|t| t.trim().to_ascii_lowercase())
            .collect();
        if tokens.iter().any(|t| t == "close") {
            req.keep_alive = false;
        } else if tokens.iter().any(|t| t == "keep-alive") {
            req.keep_alive = true;
        }
    }
    Some(req)
}

/// The path part of a request target (origin- or absolute-form), without query or fragment.
fn request_path(target: &str) -> &str {
    let mut t = target;
    for scheme in ["http://", "https://"] {
        if t.len() >= scheme.len() && t[..scheme.len()].eq_ignore_ascii_case(scheme) {
            let rest = &t[scheme.len()..];
            t = match rest.find('/') {
                Some(i) => &rest[i..],
                None => "/",
            };
            break;
        }
    }
    let end = t.find(['?', '#']).unwrap_or(t.len());
    &t[..end]
}

/// The query of a request target, without `?` and fragment (empty if none).
fn request_query(target: &str) -> &str {
    match target.find('?') {
        Some(i) => target[i + 1..].split('#').next().unwrap_or(""),
        None => "",
    }
}

/// The first parameter `name` of a query string, percent-decoded (`+` stays `+`).
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| String::from_utf8_lossy(&percent_decode(v)).into_owned())
    })
}

/// True if `expire=<unix s>` has passed or `not_before=<unix ms>` has not yet come.
fn url_not_valid_now(query: &str) -> bool {
    let now = unix_ms();
    let num = |name| query_param(query, name).and_then(|v| parse_digits(&v));
    let expired = num("expire").is_some_and(|s| now >= s.saturating_mul(1000));
    let early = num("not_before").is_some_and(|ms| now < ms);
    expired || early
}

/// Location for the redirect loop: the same path (and query) as requested.
fn redirect_target(target: &str) -> String {
    let path = request_path(target);
    let query = target
        .find('?')
        .map(|i| &target[i..])
        .map(|q| q.split('#').next().unwrap_or(""))
        .unwrap_or("");
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    format!("{path}{query}")
}

fn percent_decode(s: &str) -> Vec<u8> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Maps a URL path onto an existing regular file under the root, or `None` (→ 404).
fn resolve(shared: &Shared, url_path: &str) -> Option<PathBuf> {
    let decoded = String::from_utf8(percent_decode(url_path)).ok()?;
    let mut path = shared.root.clone();
    for comp in decoded.split('/') {
        match comp {
            "" | "." => continue,
            ".." => return None,
            c if c.contains('\0') || c.contains('\\') => return None,
            #[cfg(windows)]
            c if c.contains(':') => return None,
            c => {
                // A component must be a plain name; anything else could escape the root.
                let mut comps = Path::new(c).components();
                match (comps.next(), comps.next()) {
                    (Some(Component::Normal(_)), None) => path.push(c),
                    _ => return None,
                }
            }
        }
    }
    // Reject symlinks that lead outside the root.
    if let Some(root) = &shared.canonical_root {
        let canonical = path.canonicalize().ok()?;
        if !canonical.starts_with(root) {
            return None;
        }
    }
    let meta = std::fs::metadata(&path).ok()?;
    if meta.is_file() {
        Some(path)
    } else {
        None
    }
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        "gif" => "image/gif",
        "html" | "htm" => "text/html",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

#[derive(Debug, PartialEq)]
enum RangeReq {
    /// No (usable) Range header: send the whole file with 200.
    Whole,
    /// Inclusive byte range to send with 206.
    Part(u64, u64),
    /// 416.
    Unsatisfiable,
}

/// Digits only (no sign, no whitespace), without overflow.
fn parse_digits(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a single `bytes=` range. Malformed or multi-range headers are ignored (whole file).
fn parse_range(header: Option<&str>, total: u64) -> RangeReq {
    let Some(value) = header else {
        return RangeReq::Whole;
    };
    let value = value.trim();
    let Some((unit, spec)) = value.split_once('=') else {
        return RangeReq::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeReq::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeReq::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // Suffix range: the last n bytes.
        let Some(n) = parse_digits(last) else {
            return RangeReq::Whole;
        };
        if n == 0 || total == 0 {
            return RangeReq::Unsatisfiable;
        }
        let n = n.min(total);
        return RangeReq::Part(total - n, total - 1);
    }
    let Some(start) = parse_digits(first) else {
        return RangeReq::Whole;
    };
    let end = if last.is_empty() {
        None
    } else {
        match parse_digits(last) {
            Some(e) if e >= start => Some(e),
            _ => return RangeReq::Whole,
        }
    };
    if start >= total {
        return RangeReq::Unsatisfiable;
    }
    let end = end.unwrap_or(total - 1).min(total - 1);
    RangeReq::Part(start, end)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::sync::atomic::AtomicU32;

    static FIXTURE_SEQ: AtomicU32 = AtomicU32::new(0);

    /// A temp directory with a few fixture files, removed on drop.
    struct Fixture {
        dir: PathBuf,
    }

    impl Fixture {
        fn new() -> Fixture {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            let dir = std::env::temp_dir().join(format!(
                "gifgrab-testserver-{}-{}-{}",
                std::process::id(),
                FIXTURE_SEQ.fetch_add(1, Ordering::SeqCst),
                nanos
            ));
            std::fs::create_dir_all(dir.join("sub")).unwrap();
            std::fs::write(dir.join("video.mp4"), pattern(FILE_LEN)).unwrap();
            std::fs::write(dir.join("sub/list.m3u8"), b"#EXTM3U\n").unwrap();
            std::fs::write(dir.join("with space.ts"), b"tsdata").unwrap();
            std::fs::write(dir.join("empty.bin"), b"").unwrap();
            Fixture { dir }
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    const FILE_LEN: usize = 300_000;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    struct Response {
        status: u16,
        headers: HashMap<String, String>,
        body: Vec<u8>,
    }

    impl Response {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers.get(&name.to_ascii_lowercase()).map(|s| s.as_str())
        }
    }

    /// A raw HTTP client on one TCP connection.
    struct Client {
        stream: TcpStream,
        buf: Vec<u8>,
    }

    impl Client {
        fn connect(server: &TestServer) -> Client {
            let stream = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            Client {
                stream,
                buf: Vec::new(),
            }
        }

        fn send(&mut self, method: &str, path: &str, extra: &[&str]) {
            let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for h in extra {
                req.push_str(h);
                req.push_str("\r\n");
            }
            req.push_str("\r\n");
            self.stream.write_all(req.as_bytes()).unwrap();
        }

        fn fill(&mut self) -> usize {
            let mut tmp = [0u8; 65536];
            let n = self.stream.read(&mut tmp).unwrap_or(0);
            self.buf.extend_from_slice(&tmp[..n]);
            n
        }

        /// Reads the head, then up to Content-Length body bytes (fewer if the peer closes).
        fn read_response(&mut self, head_request: bool) -> Response {
            let end = loop {
                if let Some(p) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break p;
                }
                assert!(self.fill() > 0, "connection closed before response head");
            };
            let head = String::from_utf8(self.buf[..end].to_vec()).unwrap();
            self.buf.drain(..end + 4);
            let mut lines = head.split("\r\n");
            let status_line = lines.next().unwrap();
            let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
            let headers: HashMap<String, String> = lines
                .map(|l| {
                    let (n, v) = l.split_once(':').unwrap();
                    (n.trim().to_ascii_lowercase(), v.trim().to_string())
                })
                .collect();
            let len: usize = if head_request {
                0
            } else {
                headers
                    .get("content-length")
                    .map(|v| v.parse().unwrap())
                    .unwrap_or(0)
            };
            while self.buf.len() < len {
                if self.fill() == 0 {
                    break;
                }
            }
            let take = len.min(self.buf.len());
            let body: Vec<u8> = self.buf.drain(..take).collect();
            Response {
                status,
                headers,
                body,
            }
        }

        fn get(&mut self, path: &str, extra: &[&str]) -> Response {
            self.send("GET", path, extra);
            self.read_response(false)
        }

        /// True if the server closed the connection (EOF) within the read timeout.
        fn at_eof(&mut self) -> bool {
            let mut tmp = [0u8; 1024];
            loop {
                match self.stream.read(&mut tmp) {
                    Ok(0) => return true,
                    Ok(_) => continue,
                    Err(e) => return e.kind() == io::ErrorKind::ConnectionReset,
                }
            }
        }
    }

    fn wait_for(mut cond: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if cond() {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        cond()
    }

    #[test]
    fn full_get() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("video/mp4"));
        assert_eq!(r.header("content-length"), Some("300000"));
        assert_eq!(r.header("accept-ranges"), Some("bytes"));
        assert_eq!(r.header("connection"), Some("keep-alive"));
        assert_eq!(r.body, pattern(FILE_LEN));
        assert!(server.url("/video.mp4").ends_with(&format!(":{}/video.mp4", server.port())));
        assert_eq!(server.url("a.ts"), server.url("/a.ts"));
    }

    #[test]
    fn range_requests() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let all = pattern(FILE_LEN);

        let r = c.get("/video.mp4", &["Range: bytes=100-199"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.header("content-range"), Some("bytes 100-199/300000"));
        assert_eq!(r.header("content-length"), Some("100"));
        assert_eq!(r.body, &all[100..200]);

        let r = c.get("/video.mp4", &["Range: bytes=200000-"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.header("content-range"), Some("bytes 200000-299999/300000"));
        assert_eq!(r.body, &all[200_000..]);

        let r = c.get("/video.mp4", &["Range: bytes=-10"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.header("content-range"), Some("bytes 299990-299999/300000"));
        assert_eq!(r.body, &all[299_990..]);

        // End beyond the file is clamped.
        let r = c.get("/video.mp4", &["Range: bytes=299999-999999"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.body, &all[299_999..]);
    }

    #[test]
    fn unsatisfiable_range() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &["Range: bytes=300000-"]);
        assert_eq!(r.status, 416);
        assert_eq!(r.header("content-range"), Some("bytes */300000"));
        // Connection still usable afterwards.
        let r = c.get("/video.mp4", &["Range: bytes=0-0"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.body, vec![0u8]);
        let r = c.get("/empty.bin", &["Range: bytes=0-"]);
        assert_eq!(r.status, 416);
    }

    #[test]
    fn head_request() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        c.send("HEAD", "/sub/list.m3u8", &[]);
        let r = c.read_response(true);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-length"), Some("8"));
        assert_eq!(r.header("content-type"), Some("application/vnd.apple.mpegurl"));
        // No body followed: the next response starts right away on the same connection.
        let r = c.get("/with%20space.ts?x=1", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("video/mp2t"));
        assert_eq!(r.body, b"tsdata");
        // HEAD bodies are not counted; the GET body is, as soon as the client has it.
        assert_eq!(server.bytes_sent(), 6);
    }

    #[test]
    fn not_found_and_escapes() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let secret = fx.dir.parent().unwrap().join(format!(
            "{}-secret.txt",
            fx.dir.file_name().unwrap().to_string_lossy()
        ));
        std::fs::write(&secret, b"secret").unwrap();
        let name = secret.file_name().unwrap().to_string_lossy().into_owned();
        let mut c = Client::connect(&server);
        for path in [
            format!("/../{name}"),
            format!("/sub/../../{name}"),
            format!("/%2e%2e/{name}"),
            format!("/..%2f{name}"),
            "/missing.mp4".to_string(),
            "/sub".to_string(),
            "/".to_string(),
        ] {
            let r = c.get(&path, &[]);
            assert_eq!(r.status, 404, "{path}");
        }
        // `.` components are harmless.
        let r = c.get("/sub/./list.m3u8", &[]);
        assert_eq!(r.status, 200);
        let _ = std::fs::remove_file(&secret);
    }

    #[test]
    fn status_fault() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        server.set_fault(Fault::Status(404));
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &[]);
        assert_eq!(r.status, 404);
        assert!(String::from_utf8_lossy(&r.body).contains("404"));
        server.set_fault(Fault::Status(429));
        let r = c.get("/video.mp4", &[]);
        assert_eq!(r.status, 429);
        server.set_fault(Fault::None);
        let r = c.get("/video.mp4", &["Range: bytes=0-9"]);
        assert_eq!(r.status, 206);
    }

    #[test]
    fn byte_counter() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let _ = c.get("/video.mp4", &[]);
        assert!(wait_for(|| server.bytes_sent() == FILE_LEN as u64));
        assert_eq!(server.requests(), 1);
        server.reset_counters();
        assert_eq!(server.bytes_sent(), 0);
        assert_eq!(server.requests(), 0);
        let _ = c.get("/video.mp4", &["Range: bytes=10-1009"]);
        assert!(wait_for(|| server.bytes_sent() == 1000));
        assert_eq!(server.requests(), 1);
    }

    #[test]
    fn keep_alive_two_requests() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        // Pipelined: both requests written before reading either response.
        c.send("GET", "/sub/list.m3u8", &[]);
        c.send("GET", "/video.mp4", &["Range: bytes=5-9"]);
        let a = c.read_response(false);
        let b = c.read_response(false);
        assert_eq!(a.body, b"#EXTM3U\n");
        assert_eq!(b.body, &pattern(FILE_LEN)[5..10]);
        assert_eq!(server.requests(), 2);
        assert_eq!(server.active_connections(), 1);
        // Connection: close is honoured.
        let r = c.get("/sub/list.m3u8", &["Connection: close"]);
        assert_eq!(r.header("connection"), Some("close"));
        assert!(c.at_eof());
        assert!(wait_for(|| server.active_connections() == 0));
    }

    #[test]
    fn drop_and_truncate_faults() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        server.set_fault(Fault::DropAfter(1000));
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(r.body.len(), 1000);
        assert!(c.at_eof());

        server.set_fault(Fault::Truncate(70_000));
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &["Range: bytes=100-"]);
        assert_eq!(r.status, 206);
        assert_eq!(r.header("content-length"), Some("299900"));
        assert_eq!(r.body, &pattern(FILE_LEN)[100..70_100]);
        assert!(c.at_eof());
    }

    #[test]
    fn ignore_range_and_redirect_faults() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        server.set_fault(Fault::IgnoreRange);
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &["Range: bytes=10-19"]);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("accept-ranges"), None);
        assert_eq!(r.body.len(), FILE_LEN);

        server.set_fault(Fault::RedirectLoop);
        let r = c.get("/video.mp4?a=b", &[]);
        assert_eq!(r.status, 302);
        assert_eq!(r.header("location"), Some("/video.mp4?a=b"));
        // Missing files are still plain 404s.
        let r = c.get("/nope.mp4", &[]);
        assert_eq!(r.status, 404);
    }

    #[test]
    fn stall_is_released_on_drop() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        server.set_fault(Fault::Stall);
        let mut c = Client::connect(&server);
        c.send("GET", "/video.mp4", &[]);
        // Head arrives, then at most a partial body.
        while !c.buf.windows(4).any(|w| w == b"\r\n\r\n") {
            assert!(c.fill() > 0);
        }
        assert!(c.buf.starts_with(b"HTTP/1.1 200"));
        assert_eq!(server.active_connections(), 1);
        let t = Instant::now();
        drop(server);
        assert!(t.elapsed() < Duration::from_secs(2));
        assert!(c.at_eof());
    }

    #[test]
    fn malformed_requests_do_not_kill_the_server() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        for junk in [
            &b"\xff\xfe garbage\r\n\r\n"[..],
            b"GET\r\n\r\n",
            b"GET / HTTP/1.1\r\nNoColonHeader\r\n\r\n",
            b"GET /video.mp4 HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            // The start of a TLS hello: no line ends to wait for.
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        ] {
            let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            s.write_all(junk).unwrap();
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out);
            assert!(out.starts_with(b"HTTP/1.1 400"), "{:?}", String::from_utf8_lossy(&out));
        }
        // Client hanging up mid-body.
        let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        s.write_all(b"GET /video.mp4 HTTP/1.1\r\n\r\n").unwrap();
        let mut tmp = [0u8; 10];
        let _ = s.read(&mut tmp);
        drop(s);
        let mut c = Client::connect(&server);
        let r = c.get("/video.mp4", &["Range: bytes=0-3"]);
        assert_eq!(r.body, vec![0, 1, 2, 3]);
        c.send("POST", "/video.mp4", &["Content-Length: 3"]);
        c.stream.write_all(b"abc").unwrap();
        let r = c.read_response(false);
        assert_eq!(r.status, 405);
        let r = c.get("/video.mp4", &["Range: bytes=4-4"]);
        assert_eq!(r.body, vec![4]);
    }

    #[test]
    fn rate_limit_slows_transfer() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        server.set_rate(Some(200_000));
        let mut c = Client::connect(&server);
        let t = Instant::now();
        let r = c.get("/video.mp4", &["Range: bytes=0-99999"]);
        assert_eq!(r.body.len(), 100_000);
        // 100 kB at 200 kB/s takes roughly half a second.
        assert!(t.elapsed() >= Duration::from_millis(400), "{:?}", t.elapsed());
        server.set_rate(None);
    }

    #[test]
    fn range_parser() {
        assert_eq!(parse_range(None, 10), RangeReq::Whole);
        assert_eq!(parse_range(Some("bytes=0-4"), 10), RangeReq::Part(0, 4));
        assert_eq!(parse_range(Some("bytes=5-"), 10), RangeReq::Part(5, 9));
        assert_eq!(parse_range(Some("bytes=-3"), 10), RangeReq::Part(7, 9));
        assert_eq!(parse_range(Some("bytes=-30"), 10), RangeReq::Part(0, 9));
        assert_eq!(parse_range(Some("bytes=10-"), 10), RangeReq::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 10), RangeReq::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-2"), 10), RangeReq::Whole);
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), RangeReq::Whole);
        assert_eq!(parse_range(Some("items=0-1"), 10), RangeReq::Whole);
        assert_eq!(parse_range(Some("bytes=+1-2"), 10), RangeReq::Whole);
        assert_eq!(parse_range(Some("bytes=99999999999999999999999-"), 10), RangeReq::Whole);
        assert_eq!(percent_decode("a%20b%zz%4"), b"a b%zz%4");
        assert_eq!(request_path("http://h:1/x/y?q#f"), "/x/y");
        assert_eq!(request_path("/a?b"), "/a");
        assert_eq!(request_query("/a?b=1&c#f"), "b=1&c");
        assert_eq!(request_query("/a"), "");
        assert_eq!(query_param("x=1&expire=12&y=a%20b", "expire").as_deref(), Some("12"));
        assert_eq!(query_param("x=1&y=a%20b", "y").as_deref(), Some("a b"));
        assert_eq!(query_param("xexpire=1", "expire"), None);
    }

    #[test]
    fn request_log() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let before = unix_ms();
        let t0 = Instant::now();
        let mut c = Client::connect(&server);
        let _ = c.get("/video.mp4?itag=135&x=a%2Fb", &["Range: bytes=0-99", "X-Gifgrab-Test: abc"]);
        c.send("HEAD", "/sub/list.m3u8", &[]);
        let _ = c.read_response(true);
        let _ = c.get("/nope.mp4", &[]);
        let log = server.log();
        assert_eq!(log.len(), 3);
        assert_eq!((log[0].method.as_str(), log[0].path.as_str()), ("GET", "/video.mp4"));
        assert_eq!(log[0].query, "itag=135&x=a%2Fb");
        assert_eq!(log[0].param("x").as_deref(), Some("a/b"));
        assert_eq!(log[0].header("x-gifgrab-test"), Some("abc"));
        assert_eq!((log[0].status, log[0].bytes), (206, 100));
        assert!(log[0].at >= t0 && log[0].unix_ms >= before && log[0].unix_ms <= unix_ms());
        assert_eq!((log[1].method.as_str(), log[1].status, log[1].bytes), ("HEAD", 200, 0));
        assert_eq!((log[2].status, log[2].bytes), (404, 0));
        assert!(log[1].at <= log[2].at);

        // A body cut short is logged with what was really sent; a stalled one while in flight.
        server.set_fault(Fault::DropAfter(1000));
        let mut c = Client::connect(&server);
        let _ = c.get("/video.mp4", &[]);
        assert!(wait_for(|| server.log().last().map(|e| e.bytes) == Some(1000)));
        server.set_fault(Fault::Stall);
        let mut c = Client::connect(&server);
        c.send("GET", "/video.mp4", &[]);
        assert!(wait_for(|| server.log().len() == 5 && server.log()[4].status == 200));
        assert!(wait_for(|| server.log()[4].bytes > 0));
        assert!(server.log()[4].bytes < FILE_LEN as u64);
        server.set_fault(Fault::None);

        // Unparseable heads are logged too, so the log matches `requests()`.
        let mut s = TcpStream::connect(("127.0.0.1", server.port())).unwrap();
        s.write_all(b"GET\r\n\r\n").unwrap();
        assert!(wait_for(|| server.log().last().is_some_and(|e| e.status == 400)));
        assert_eq!(server.log().len() as u64, server.requests());
        assert_eq!(server.log().last().unwrap().method, "");

        server.reset_counters();
        assert!(server.log().is_empty());
        let mut c = Client::connect(&server);
        let _ = c.get("/sub/list.m3u8", &[]);
        assert_eq!(server.log().len(), 1);
    }

    #[test]
    fn hit_count_per_path() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let hit = |c: &mut Client, path: &str| c.get(path, &[]).header("x-hit-count").map(str::to_string);
        assert_eq!(hit(&mut c, "/sub/list.m3u8").as_deref(), Some("1"));
        assert_eq!(hit(&mut c, "/sub/list.m3u8?a=1").as_deref(), Some("2"));
        assert_eq!(hit(&mut c, "/video.mp4").as_deref(), Some("1"));
        assert_eq!(hit(&mut c, "/sub/list.m3u8").as_deref(), Some("3"));
        // Missing files and faulted answers are numbered too; HEAD is not counted.
        assert_eq!(hit(&mut c, "/nope.json").as_deref(), Some("1"));
        server.set_fault(Fault::Status(500));
        assert_eq!(hit(&mut c, "/video.mp4").as_deref(), Some("2"));
        server.set_fault(Fault::None);
        c.send("HEAD", "/video.mp4", &[]);
        assert_eq!(c.read_response(true).header("x-hit-count"), None);
        assert_eq!(server.hits("/video.mp4"), 2);
        // reset_counters keeps them; reset_hits starts over.
        server.reset_counters();
        assert_eq!(hit(&mut c, "/video.mp4").as_deref(), Some("3"));
        server.reset_hits();
        assert_eq!(hit(&mut c, "/video.mp4").as_deref(), Some("1"));
    }

    #[test]
    fn expire_and_not_before_queries() {
        let fx = Fixture::new();
        let server = TestServer::start(&fx.dir).unwrap();
        let mut c = Client::connect(&server);
        let now_s = unix_ms() / 1000;
        let status = |c: &mut Client, q: String| c.get(&format!("/video.mp4?{q}"), &["Range: bytes=0-9"]).status;
        assert_eq!(status(&mut c, format!("expire={}", now_s + 3600)), 206);
        assert_eq!(status(&mut c, format!("expire={}", now_s.saturating_sub(1))), 403);
        assert_eq!(status(&mut c, format!("not_before={}", unix_ms() - 1)), 206);
        // Not yet: 403 until the moment comes, then the bytes flow.
        let at = unix_ms() + 400;
        assert_eq!(status(&mut c, format!("expire={}&not_before={at}", now_s + 3600)), 403);
        assert!(wait_for(|| unix_ms() >= at));
        assert_eq!(status(&mut c, format!("expire={}&not_before={at}", now_s + 3600)), 206);
        // Junk values are ignored; missing files stay 404.
        assert_eq!(status(&mut c, "expire=soon&not_before=-5".to_string()), 206);
        let r = c.get(&format!("/nope.mp4?expire={}", now_s.saturating_sub(1)), &[]);
        assert_eq!(r.status, 404);
        // On top of the Fault: an invalid URL is 403 whatever the fault, a valid one gets the fault.
        server.set_fault(Fault::Status(500));
        assert_eq!(status(&mut c, format!("expire={}", now_s.saturating_sub(1))), 403);
        assert_eq!(status(&mut c, format!("expire={}", now_s + 3600)), 500);
        server.set_fault(Fault::None);
        // The 403 bodies are not file bytes.
        let log = server.log();
        assert!(log.iter().filter(|e| e.status == 403).all(|e| e.bytes == 0));
    }
}
