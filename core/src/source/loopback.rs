//! A server on 127.0.0.1 for one ffmpeg run (the network guard, the byte cache): each
//! connection on its own thread, a cap on how many at once, stopped when dropped.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub struct Loopback {
    port: u16,
    stop: Arc<AtomicBool>,
    listener: Option<JoinHandle<()>>,
}

impl Loopback {
    /// Listens on a free port; `serve` handles each connection, at most `max` at once (a client
    /// holding connections open cannot make it spawn without end: the rest are told 503).
    pub fn start(max: usize, serve: impl Fn(TcpStream) + Send + Sync + 'static) -> std::io::Result<Loopback> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let serve = Arc::new(serve);
        let open = Arc::new(AtomicUsize::new(0));
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = conn else {
                    // Out of descriptors, say: wait instead of spinning.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                let Some(slot) = Slot::take(&open, max) else {
                    busy(client);
                    continue;
                };
                let serve = serve.clone();
                std::thread::spawn(move || {
                    serve(client);
                    drop(slot);
                });
            }
        });
        Ok(Loopback { port, stop, listener: Some(thread) })
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the stop; if that fails, the thread is left to end
        // with the process rather than blocking here.
        let woke = TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], self.port)), Duration::from_secs(1));
        if let (Ok(_), Some(t)) = (woke, self.listener.take()) {
            let _ = t.join();
        }
    }
}

/// One of the `max` places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        let before = open.fetch_add(1, Ordering::SeqCst);
        let slot = Slot(open.clone());
        (before < max).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn busy(mut client: TcpStream) {
    let _ = client.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = client.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}
