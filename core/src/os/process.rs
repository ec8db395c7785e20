//! Child processes a job owns: each in its own process group, its output read while it runs,
//! and the whole tree killed and reaped on cancel, on error and on drop.

use crate::error::{Error, Msg, Result};
use std::io::Read;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// Shared by a job and whoever may cancel it; cancelling kills every live child at once.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    groups: Mutex<Vec<u32>>,
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        // Killing under the lock: a group is unregistered (under it too) before it is reaped,
        // so a signal never reaches a reused process id.
        if let Ok(groups) = self.0.groups.lock() {
            groups.iter().for_each(|pgid| kill_group(*pgid));
        }
    }

    /// Kills one group if it is still a live child of this job (for the stall watchdog).
    pub fn kill_if_live(&self, pgid: u32) {
        if let Ok(groups) = self.0.groups.lock() {
            if groups.contains(&pgid) {
                kill_group(pgid);
            }
        }
    }

    /// Whether both are the same token (clones share one).
    pub fn same_as(&self, other: &CancelToken) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
    }

    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Msg::Cancelled.into())
        } else {
            Ok(())
        }
    }

    fn register(&self, pgid: u32) {
        if let Ok(mut g) = self.0.groups.lock() {
            g.push(pgid);
            // A cancel that raced the spawn must still reach the new child.
            if self.is_cancelled() {
                kill_group(pgid);
            }
        }
    }

    fn unregister(&self, pgid: u32) {
        if let Ok(mut g) = self.0.groups.lock() {
            g.retain(|p| *p != pgid);
        }
    }
}

#[cfg(unix)]
pub fn kill_group(pgid: u32) {
    // SAFETY: killpg only sends a signal; a stale group id is harmless (ESRCH).
    unsafe {
        libc::killpg(pgid as libc::pid_t, libc::SIGKILL);
    }
}

/// Windows has no process groups here: end the process and its children by their tree.
#[cfg(windows)]
pub fn kill_group(pid: u32) {
    use std::os::windows::process::CommandExt;
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    let _ = Command::new("taskkill")
        .args(["/F", "/T", "/PID", &pid.to_string()])
        .creation_flags(CREATE_NO_WINDOW)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

#[cfg(not(any(unix, windows)))]
pub fn kill_group(_pgid: u32) {}

/// Whether a process with this id still exists (to tell stale leftovers from live work).
#[cfg(unix)]
pub fn alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
}

#[cfg(not(unix))]
pub fn alive(_pid: i32) -> bool {
    true
}

/// A running child: its own process group, stderr drained on a thread (head and tail kept).
pub struct Proc {
    child: Child,
    stderr: Option<JoinHandle<()>>,
    captured: Arc<(Mutex<Captured>, Condvar)>,
    token: CancelToken,
    name: &'static str,
    reaped: bool,
}

const STDERR_HEAD: usize = 32 * 1024;
const STDERR_TAIL: usize = 64 * 1024;

/// What a child wrote to stderr: its start (ffmpeg's stream listing) and its last words.
#[derive(Default)]
struct Captured {
    head: Vec<u8>,
    tail: Vec<u8>,
    dropped: bool,
    closed: bool,
}

impl Captured {
    fn push(&mut self, mut bytes: &[u8]) {
        let room = STDERR_HEAD.saturating_sub(self.head.len());
        let (h, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(h);
        bytes = rest;
        self.tail.extend_from_slice(bytes);
        if self.tail.len() > STDERR_TAIL * 2 {
            self.tail.drain(..self.tail.len() - STDERR_TAIL);
            self.dropped = true;
        }
    }

    fn text(&self) -> String {
        let gap: &[u8] = if self.dropped { b"\n[...]\n" } else { b"" };
        String::from_utf8_lossy(&[&self.head[..], gap, &self.tail[..]].concat()).into_owned()
    }
}

impl Proc {
    /// Spawns `cmd` with stdout piped (or discarded) and stderr captured.
    pub fn spawn(name: &'static str, mut cmd: Command, token: &CancelToken, pipe_stdout: bool) -> Result<Proc> {
        token.check()?;
        cmd.stdin(Stdio::null())
            .stdout(if pipe_stdout { Stdio::piped() } else { Stdio::null() })
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        // If gifgrab itself is killed outright, the kernel ends the child too. The spawning
        // thread always waits for its child, so it never dies first.
        #[cfg(target_os = "linux")]
        unsafe {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches only the child being started.
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| spawn_error(name, &cmd, &e))?;
        token.register(child.id());
        let captured = Arc::new((Mutex::new(Captured::default()), Condvar::new()));
        let sink = captured.clone();
        let stderr = child.stderr.take().map(|mut err| {
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = err.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut c) = sink.0.lock() {
                        c.push(&buf[..n]);
                    }
                    sink.1.notify_all();
                }
                if let Ok(mut c) = sink.0.lock() {
                    c.closed = true;
                }
                sink.1.notify_all();
            })
        });
        Ok(Proc { child, stderr, captured, token: token.clone(), name, reaped: false })
    }

    /// What the child has written to stderr so far.
    pub fn stderr_so_far(&self) -> String {
        self.captured.0.lock().map(|c| c.text()).unwrap_or_default()
    }

    /// Waits (at most `limit`) until the stderr read so far satisfies `ready`.
    pub fn wait_stderr(&self, ready: impl Fn(&str) -> bool, limit: std::time::Duration) {
        let deadline = std::time::Instant::now() + limit;
        let (lock, more) = &*self.captured;
        let Ok(mut c) = lock.lock() else { return };
        while !c.closed && !ready(&c.text()) {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return;
            }
            c = match more.wait_timeout(c, left) {
                Ok((c, _)) => c,
                Err(_) => return,
            };
        }
    }

    pub fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Waits for exit and returns the status with everything it wrote to stderr.
    pub fn finish(mut self) -> Result<(ExitStatus, String)> {
        let status = self.reap().map_err(|e| Msg::internal(format!("waiting for {}: {e}", self.name)))?;
        if let Some(reader) = self.stderr.take() {
            let _ = reader.join();
        }
        self.token.check()?;
        Ok((status, self.stderr_so_far()))
    }

    /// Waits for the child without reaping it, ends its group (grandchildren included) while
    /// its id is still ours, forgets it, and only then reaps it.
    #[cfg(unix)]
    fn reap(&mut self) -> std::io::Result<ExitStatus> {
        let pid = self.child.id();
        wait_unreaped(pid);
        kill_group(pid);
        self.token.unregister(pid);
        let status = self.child.wait();
        self.reaped = true;
        status
    }

    /// Elsewhere the open handle keeps the id ours until the child is dropped: wait, forget.
    #[cfg(not(unix))]
    fn reap(&mut self) -> std::io::Result<ExitStatus> {
        let status = self.child.wait();
        self.token.unregister(self.child.id());
        self.reaped = true;
        status
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.reaped {
            kill_group(self.child.id());
            let _ = self.reap();
        }
    }
}

/// Blocks until the child has exited, leaving it a zombie so its id cannot be reused yet
/// (`waitid` with `WNOWAIT`: Linux and macOS both have it).
#[cfg(unix)]
fn wait_unreaped(pid: u32) {
    loop {
        // SAFETY: waitid writes only into `info`, which lives on this stack frame.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOWAIT) };
        if r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return;
        }
    }
}


fn spawn_error(name: &str, cmd: &Command, e: &std::io::Error) -> Error {
    let (tool, path) = (name.to_string(), cmd.get_program().to_string_lossy().into_owned());
    Error(match e.kind() {
        std::io::ErrorKind::NotFound => Msg::ToolMissing { tool, path },
        std::io::ErrorKind::PermissionDenied => Msg::ToolNotExecutable { tool, path },
        _ => Msg::ToolWontStart { tool, detail: e.to_string() },
    })
}
