//! The network guard: ffmpeg reads remote media through a proxy on 127.0.0.1 that lets it
//! reach the link's own host and public hosts (CDNs, redirects), but never this computer or
//! the local network on a playlist's or a redirect's say-so.

use crate::error::{Doing, Error, Msg};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use crate::source::loopback::Loopback;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Marks the guard's refusals in the text `ffmpeg::classify` reads.
pub const REFUSED: &str = "refused by gifgrab's network guard:";
/// Marks a server the guard could not connect to (nothing listening, no route).
pub const UNREACHABLE: &str = "gifgrab's network guard could not connect to";

/// A running proxy for one ffmpeg run; stops when dropped.
pub struct Guard {
    server: Loopback,
    notes: Arc<Notes>,
    /// Bytes the servers sent back through this guard (answers and tunnels alike).
    received: Arc<AtomicU64>,
}

type Notes = Mutex<Vec<String>>;

/// Where requests may go: the link's own host and port, and public addresses.
#[derive(Clone)]
struct Policy {
    origin_host: String,
    origin_port: u16,
    /// The origin's addresses, looked up once: a name that later resolves elsewhere (DNS
    /// rebinding) cannot turn the origin's exception into a way into the local network.
    origin_addrs: Vec<SocketAddr>,
    /// The user's own proxy (`http_proxy`, as ffmpeg would have used it) and `no_proxy` list.
    user_proxy: Option<(String, u16)>,
    no_proxy: Vec<String>,
}

impl Guard {
    /// Starts a guard for media at `url` (http or https).
    pub fn start(url: &str) -> std::io::Result<Guard> {
        let parsed = url::Url::parse(url).map_err(|e| std::io::Error::other(e.to_string()))?;
        let origin_host = bare_host(parsed.host_str().unwrap_or(""));
        let origin_port = parsed.port_or_known_default().unwrap_or(80);
        let origin_addrs = (origin_host.as_str(), origin_port).to_socket_addrs().map(|a| a.collect()).unwrap_or_default();
        let (user_proxy, no_proxy) = user_proxy_from_env();
        let policy = Policy { origin_host, origin_port, origin_addrs, user_proxy, no_proxy };
        let notes = Arc::new(Mutex::new(Vec::new()));
        let received = Arc::new(AtomicU64::new(0));
        let (notes2, received2) = (notes.clone(), received.clone());
        let server = Loopback::start(MAX_CONNECTIONS, move |client| serve(client, &policy, &notes2, &received2))?;
        Ok(Guard { server, notes, received })
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// The value for ffmpeg's `-http_proxy`.
    pub fn proxy_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    /// Bytes received from servers so far (a timeline's thumbnails keep to a budget by it).
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    /// The same count, to watch from another thread while ffmpeg runs.
    pub fn received_counter(&self) -> Arc<AtomicU64> {
        self.received.clone()
    }

    /// One line per refused or unreachable destination, for `ffmpeg::classify`.
    pub fn report(&self) -> String {
        let notes = self.notes.lock().map(|r| r.clone()).unwrap_or_default();
        notes.iter().map(|n| format!("{n}\n")).collect()
    }
}

/// A writer that adds what it writes to a shared count.
struct Counted {
    inner: TcpStream,
    count: Arc<AtomicU64>,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// At most this many connections are served at once: ffmpeg and yt-dlp use a handful.
const MAX_CONNECTIONS: usize = 32;
/// A client that connects must send its request within this long (then it may stay idle).
const HEAD_TIMEOUT: Duration = Duration::from_secs(15);

/// Handles one connection from ffmpeg: a CONNECT tunnel (https) or plain http requests.
fn serve(client: TcpStream, policy: &Policy, notes: &Notes, received: &Arc<AtomicU64>) {
    let _ = client.set_nodelay(true);
    let Ok(reader) = client.try_clone() else { return };
    let mut reader = BufReader::new(reader);
    let _ = client.set_read_timeout(Some(HEAD_TIMEOUT));
    let Some(mut head) = read_head(&mut reader) else { return };
    // From here a read may wait as long as a response takes to stream back.
    let _ = client.set_read_timeout(None);
    // A kept-alive client (yt-dlp's) may ask for another host next: each gets its own check.
    while let Some(next) = serve_host(&client, &mut reader, head, policy, notes, received) {
        head = next;
    }
    let _ = client.shutdown(Shutdown::Both);
}

/// Serves requests for one checked host; returns the next request's head if the client then
/// asks for another host on the same connection.
fn serve_host(
    client: &TcpStream,
    reader: &mut BufReader<TcpStream>,
    head: Head,
    policy: &Policy,
    notes: &Notes,
    received: &Arc<AtomicU64>,
) -> Option<Head> {
    let Ok(client) = client.try_clone() else { return None };
    let (host, port, rest) = if head.method == "CONNECT" {
        match split_host_port(&head.target, 443) {
            Some((h, p)) => (h, p, None),
            None => {
                deny(client, "a malformed request");
                return None;
            }
        }
    } else {
        match url::Url::parse(&head.target) {
            Ok(u) if u.scheme() == "http" => (bare_host(u.host_str().unwrap_or("")), u.port_or_known_default().unwrap_or(80), Some(u)),
            _ => {
                deny(client, "a malformed request");
                return None;
            }
        }
    };
    let via = policy.proxy_for(&host);
    let addrs = match policy.allowed(&host, port) {
        Ok(addrs) => addrs,
        // Behind a proxy, names often resolve only there: it is asked instead.
        Err(Refusal::NotFound) if via.is_some() => Vec::new(),
        Err(Refusal::NotFound) => {
            note(notes, format!("{UNREACHABLE} {host}:{port} (name not found)"));
            deny(client, "a name that was not found");
            return None;
        }
        Err(Refusal::Local) => {
            let why = "an address on this computer or the local network";
            note(notes, format!("{REFUSED} {host}:{port}, {why}"));
            deny(client, why);
            return None;
        }
    };
    let upstream = match via {
        Some((proxy_host, proxy_port)) => {
            let tunnel = rest.is_none().then(|| format!("{}:{port}", host_for_url(&host)));
            through_user_proxy(proxy_host, *proxy_port, tunnel.as_deref())
        }
        None => connect_any(&addrs),
    };
    let upstream = match upstream {
        Ok(upstream) => upstream,
        Err(why) => {
            note(notes, format!("{UNREACHABLE} {host}:{port} ({why})"));
            let mut c = client;
            let _ = c.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return None;
        }
    };
    let _ = upstream.set_nodelay(true);
    let (Ok(mut up_write), Ok(mut up_read), Ok(down)) = (upstream.try_clone(), upstream.try_clone(), client.try_clone()) else {
        return None;
    };
    // Set before this side closes the upstream to move on to another host: the client stays.
    let moving_on = Arc::new(AtomicBool::new(false));
    let moving = moving_on.clone();
    let mut down = Counted { inner: down, count: received.clone() };
    // Answers flow back untouched on their own thread.
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut down);
        let down = down.inner;
        // The server ended the connection: so does the client's end.
        if !moving.load(Ordering::SeqCst) {
            let _ = down.shutdown(Shutdown::Both);
        }
    });
    let mut pending = None;
    match rest {
        None => {
            let mut c = client.try_clone().ok();
            if let Some(c) = c.as_mut() {
                let _ = c.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
            }
            // Inside the tunnel is TLS to the checked host: copied blind.
            let _ = std::io::copy(reader, &mut up_write);
        }
        Some(first) => {
            // A proxy of the user's takes the full URL; a server, the path.
            let request_target = |u: &url::Url| match via {
                Some(_) => u.to_string(),
                None => u[url::Position::BeforePath..url::Position::AfterQuery].to_string(),
            };
            let (mut head, mut url) = (head, first);
            // Each request on this upstream stays with the checked host; another host is
            // checked anew (the client waits for an answer before asking, so none is cut).
            loop {
                if up_write.write_all(&head.for_server(&request_target(&url))).is_err() {
                    break;
                }
                let Some(next) = read_head(reader) else { break };
                match url::Url::parse(&next.target) {
                    Ok(u) if bare_host(u.host_str().unwrap_or("")) == host && u.port_or_known_default() == Some(port) => {
                        (head, url) = (next, u);
                    }
                    _ => {
                        pending = Some(next);
                        break;
                    }
                }
            }
        }
    }
    moving_on.store(pending.is_some(), Ordering::SeqCst);
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = back.join();
    pending
}

/// Connects to the first address that answers; short tries, so a dead IPv6 route falls back
/// to IPv4 within ffmpeg's 10 s.
fn connect_any(addrs: &[SocketAddr]) -> Result<TcpStream, String> {
    let per_address = Duration::from_secs(4).min(Duration::from_secs(9) / addrs.len().max(1) as u32);
    let mut failure = String::from("no address");
    for a in addrs {
        match TcpStream::connect_timeout(a, per_address) {
            Ok(s) => return Ok(s),
            Err(e) => failure = e.to_string().to_ascii_lowercase(),
        }
    }
    Err(failure)
}

/// A connection through the user's proxy: as is for plain http, or a CONNECT tunnel to
/// `tunnel` (host:port) for https.
fn through_user_proxy(proxy_host: &str, proxy_port: u16, tunnel: Option<&str>) -> Result<TcpStream, String> {
    let addrs: Vec<SocketAddr> = (proxy_host, proxy_port)
        .to_socket_addrs()
        .map_err(|_| format!("your proxy {proxy_host} was not found"))?
        .collect();
    let mut stream = connect_any(&addrs).map_err(|e| format!("your proxy {proxy_host}:{proxy_port}: {e}"))?;
    if let Some(target) = tunnel {
        write!(stream, "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").map_err(|e| e.to_string())?;
        let _ = stream.set_read_timeout(Some(HEAD_TIMEOUT));
        let mut reader = BufReader::new(stream.try_clone().map_err(|e| e.to_string())?);
        let raw = read_raw_head(&mut reader).ok_or("your proxy closed the connection")?;
        // The tunnel's first bytes must not sit in this reader's buffer.
        if !reader.buffer().is_empty() {
            return Err("your proxy answered too much".into());
        }
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut answer = httparse::Response::new(&mut headers);
        let status = match answer.parse(&raw) {
            Ok(httparse::Status::Complete(_)) => answer.code.unwrap_or(0),
            _ => return Err("your proxy answered something that is not HTTP".into()),
        };
        if !(200..300).contains(&status) {
            return Err(format!("your proxy answered {status}"));
        }
        let _ = stream.set_read_timeout(None);
    }
    Ok(stream)
}

/// `http_proxy` (lower case first, as ffmpeg reads it) if it is an http:// proxy, and `no_proxy`.
fn user_proxy_from_env() -> (Option<(String, u16)>, Vec<String>) {
    let var = |names: &[&str]| names.iter().find_map(|n| std::env::var(n).ok()).filter(|v| !v.trim().is_empty());
    let proxy = var(&["http_proxy", "HTTP_PROXY"]).and_then(|p| {
        let u = url::Url::parse(p.trim()).ok()?;
        let host = bare_host(u.host_str()?);
        (u.scheme() == "http" && !host.is_empty()).then(|| (host, u.port_or_known_default().unwrap_or(80)))
    });
    let no_proxy = var(&["no_proxy", "NO_PROXY"])
        .map(|v| v.split([',', ' ']).map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase()).filter(|e| !e.is_empty()).collect())
        .unwrap_or_default();
    (proxy, no_proxy)
}

/// An IPv6 literal needs its brackets back in a URL or a CONNECT line.
fn host_for_url(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

/// Why a destination is refused.
#[derive(Debug, PartialEq)]
enum Refusal {
    NotFound,
    Local,
}

impl Policy {
    /// The user's proxy, unless `no_proxy` names this host.
    fn proxy_for(&self, host: &str) -> Option<&(String, u16)> {
        let skip = self.no_proxy.iter().any(|e| e == "*" || host == e || host.ends_with(&format!(".{e}")));
        self.user_proxy.as_ref().filter(|_| !skip)
    }

    /// The addresses to connect to, or why not.
    fn allowed(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, Refusal> {
        if host == self.origin_host && port == self.origin_port && !self.origin_addrs.is_empty() {
            return Ok(self.origin_addrs.clone());
        }
        let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().map_err(|_| Refusal::NotFound)?.collect();
        if addrs.is_empty() {
            return Err(Refusal::NotFound);
        }
        // The origin named another way (`localhost` for `127.0.0.1`): the same server by address.
        let same: Vec<SocketAddr> = addrs.iter().filter(|a| self.origin_addrs.contains(a)).copied().collect();
        if !same.is_empty() {
            return Ok(same);
        }
        if addrs.iter().all(|a| is_public(a.ip())) {
            return Ok(addrs);
        }
        Err(Refusal::Local)
    }
}

/// An address on the public internet: not this computer, the local network, or reserved space.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let seg = v6.segments();
            let tail_v4 = std::net::Ipv4Addr::new((seg[6] >> 8) as u8, seg[6] as u8, (seg[7] >> 8) as u8, seg[7] as u8);
            // IPv4 inside IPv6: NAT64 (64:ff9b::/96), IPv4-compatible (::/96) and 6to4 (2002::/16).
            if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || seg[..6] == [0; 6] {
                return is_public(IpAddr::V4(tail_v4));
            }
            if seg[0] == 0x2002 {
                let v4 = std::net::Ipv4Addr::new((seg[1] >> 8) as u8, seg[1] as u8, (seg[2] >> 8) as u8, seg[2] as u8);
                return is_public(IpAddr::V4(v4));
            }
            let first = seg[0];
            !(v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
        }
    }
}

fn note(notes: &Notes, line: String) {
    if let Ok(mut n) = notes.lock() {
        if !n.contains(&line) {
            n.push(line);
        }
    }
}

fn deny(mut client: TcpStream, why: &str) {
    let body = format!("gifgrab will not read from {why}\n");
    let _ = write!(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    let _ = client.shutdown(Shutdown::Both);
}

/// A request head from a client, as httparse read it.
#[derive(Debug)]
pub(crate) struct Head {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Head {
    /// The request for the server itself: origin-form target, no proxy headers.
    fn for_server(&self, target: &str) -> Vec<u8> {
        let mut out = format!("{} {target} HTTP/1.1\r\n", self.method).into_bytes();
        for (name, value) in &self.headers {
            if name.to_ascii_lowercase().starts_with("proxy-") {
                continue;
            }
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

/// Reads one request head; None at the end, on a timeout, or when it is malformed or too long.
pub(crate) fn read_head(reader: &mut impl BufRead) -> Option<Head> {
    let raw = read_raw_head(reader)?;
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    if !matches!(request.parse(&raw), Ok(httparse::Status::Complete(_))) {
        return None;
    }
    let head = Head {
        method: request.method?.to_string(),
        target: request.path?.to_string(),
        headers: request.headers.iter().map(|h| (h.name.to_string(), h.value.to_vec())).collect(),
    };
    // ffmpeg and yt-dlp send no request bodies through here; a request carrying one is not from them.
    let has_body = head.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("transfer-encoding") || (name.eq_ignore_ascii_case("content-length") && value.trim_ascii() != b"0")
    });
    (!has_body).then_some(head)
}

/// The bytes up to and with the blank line that ends a head (64 KB at most).
fn read_raw_head(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    loop {
        let n = reader.by_ref().take(16 * 1024).read_until(b'\n', &mut head).ok()?;
        if n == 0 || head.len() > 64 * 1024 || !head.ends_with(b"\n") {
            return None;
        }
        if head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n") || head == b"\r\n" {
            return Some(head);
        }
    }
}

fn split_host_port(target: &str, default_port: u16) -> Option<(String, u16)> {
    let (host, port) = match target.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && p.chars().all(|c| c.is_ascii_digit()) => (h, p.parse().ok()?),
        _ => (target, default_port),
    };
    let host = bare_host(host);
    (!host.is_empty()).then_some((host, port))
}

/// Lower case, without IPv6 brackets.
fn bare_host(host: &str) -> String {
    host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase()
}


/// The error for a destination the guard refused or could not reach, if `log` names one.
pub fn refusal(log: &str, doing: Doing) -> Option<Error> {
    let named = |mark: &str| log.lines().find_map(|l| l.strip_prefix(mark)).map(|place| place.trim().to_string());
    if let Some(place) = named(REFUSED) {
        return Some(Msg::PointsAt { doing, place }.into());
    }
    named(UNREACHABLE).map(|place| Msg::NoConnection { doing, place }.into())
}

/// A secure connection that failed: Some(true) for a certificate the system does not trust,
/// Some(false) for a server that does not speak TLS at all (an https link to an http port).
/// `l` is yt-dlp's or ffmpeg's log, lower-cased.
pub fn tls_failure(l: &str) -> Option<bool> {
    let any = |needles: &[&str]| needles.iter().any(|n| l.contains(n));
    if any(&["certificate_verify_failed", "certificate verify failed", "hostname mismatch", "self-signed certificate", "self signed certificate", "certificate has expired"]) {
        Some(true)
    } else if any(&["wrong_version_number", "wrong version number", "record layer failure", "packet_length_too_long", "ssl: http_request"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_and_private_addresses() {
        for ip in [
            "127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.9", "169.254.1.1", "0.0.0.0", "100.64.0.1", "::1", "fd00::1",
            "fe80::1", "::ffff:127.0.0.1", "64:ff9b::c0a8:101", "::7f00:1", "2002:c0a8:101::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "142.250.74.14", "2a00:1450:4001::1", "64:ff9b::808:808", "2002:808:808::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_the_origin_may_be_local() {
        let origin: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let p = Policy { origin_host: "127.0.0.1".into(), origin_port: 8080, origin_addrs: vec![origin], user_proxy: None, no_proxy: vec![] };
        assert_eq!(p.allowed("127.0.0.1", 8080), Ok(vec![origin]));
        assert_eq!(p.allowed("127.0.0.1", 8081), Err(Refusal::Local));
        // Compared by address: `localhost` names the origin's 127.0.0.1 (its ::1 is not the origin).
        assert_eq!(p.allowed("localhost", 8080), Ok(vec![origin]));
        assert_eq!(p.allowed("localhost", 8081), Err(Refusal::Local));
        assert_eq!(p.allowed("no-such-host.invalid", 80), Err(Refusal::NotFound));
        assert_eq!(split_host_port("[::1]:443", 443), Some(("::1".into(), 443)));
        assert_eq!(split_host_port("example.com:8443", 443), Some(("example.com".into(), 8443)));
    }

    #[test]
    fn connections_past_the_cap_are_turned_away() {
        let guard = Guard::start("http://127.0.0.1:9/v.mp4").unwrap();
        let addr = SocketAddr::from(([127, 0, 0, 1], guard.port()));
        // Silent clients hold their places (each waits for a request that never comes).
        let held: Vec<TcpStream> = (0..MAX_CONNECTIONS).map(|_| TcpStream::connect(addr).unwrap()).collect();
        std::thread::sleep(Duration::from_millis(200));
        let mut extra = TcpStream::connect(addr).unwrap();
        extra.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut answer = String::new();
        let _ = extra.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer:?}");
        drop(held);
        // Places come back once those clients are gone.
        std::thread::sleep(Duration::from_millis(300));
        let mut next = TcpStream::connect(addr).unwrap();
        next.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        next.write_all(b"GET http://10.0.0.1/ HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        let _ = next.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer:?}");
    }

    #[test]
    fn requests_are_rewritten_for_the_server() {
        let head = "GET http://h:1/a/b.ts?x=1 HTTP/1.1\r\nHost: h:1\r\nProxy-Connection: keep-alive\r\nRange: bytes=0-\r\n\r\n";
        let mut r = std::io::Cursor::new(head.as_bytes().to_vec());
        let read = read_head(&mut r).unwrap();
        assert_eq!((read.method.as_str(), read.target.as_str()), ("GET", "http://h:1/a/b.ts?x=1"));
        assert_eq!(read.for_server("/a/b.ts?x=1"), b"GET /a/b.ts?x=1 HTTP/1.1\r\nHost: h:1\r\nRange: bytes=0-\r\n\r\n");
        let mut post = std::io::Cursor::new(b"POST http://h/ HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".to_vec());
        assert!(read_head(&mut post).is_none());
        // A header line without a colon, or a request line that is not HTTP/1, is not served.
        for junk in ["GET http://h/ HTTP/1.1\r\nno colon here\r\n\r\n", "GET http://h/ SPDY/3\r\n\r\n", "\r\n"] {
            assert!(read_head(&mut std::io::Cursor::new(junk.as_bytes().to_vec())).is_none(), "{junk:?}");
        }
    }
}

/// An HTTP client for media bytes whose every request goes through the guard at `proxy`, with
/// ffmpeg's own patience: a server silent 10 s into a read has stalled.
pub fn media_agent(proxy: &str) -> Option<ureq::Agent> {
    let proxy = ureq::Proxy::new(proxy).ok()?;
    let agent = ureq::Agent::config_builder()
        .proxy(Some(proxy))
        .http_status_as_error(false)
        .max_redirects(8)
        .timeout_connect(Some(std::time::Duration::from_secs(10)))
        .timeout_recv_response(Some(std::time::Duration::from_secs(20)))
        .timeout_per_read(Some(std::time::Duration::from_secs(10)))
        .build();
    Some(agent.into())
}
