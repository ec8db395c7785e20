//! The desktop app end to end: the real window under X, driven through tauri-driver and
//! WebKitWebDriver like a user would (labels, buttons, the native Save dialog), against real
//! sidecars and a loopback HTTP server. Each test checks what the user sees.
//!
//! Needs an X display (`xvfb-run -a -s "-screen 0 1280x1024x24" cargo test ...`), the built
//! app (`cargo build -p gifgrab`), tauri-driver, WebKitWebDriver, xdotool and ImageMagick's
//! `import`. Every test runs its own tauri-driver (and private D-Bus) on free ports, one app
//! at a time; screenshots land in target/e2e-shots, driver and app output in target/e2e-logs.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use gifgrab_tests::server::TestServer;
use gifgrab_tests::*;
use serde_json::{json, Value};
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Harness: tauri-driver per test, one app session, screenshots, waits and finders.
// ---------------------------------------------------------------------------------------------

/// Longest a whole test may take before it is failed (a hung WebDriver call never returns).
const TEST_BUDGET: Duration = Duration::from_secs(240);
/// How long WebDriver gets to start the app and open a session.
const SESSION_TIMEOUT: Duration = Duration::from_secs(30);
/// Default wait for something to show up in the page.
const UI_WAIT: f64 = 15.0;

fn workspace_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").join("target"))
}

fn shots_dir() -> PathBuf {
    let dir = workspace_target().join("e2e-shots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

fn tauri_driver_bin() -> PathBuf {
    std::env::var_os("GIFGRAB_TAURI_DRIVER").map(PathBuf::from).unwrap_or_else(|| {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| "/root".into());
        home.join(".cache/gifgrab-dev/tools/bin/tauri-driver")
    })
}

fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("a free port");
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

/// One app at a time. Every test still gets its own tauri-driver on free ports (no stale
/// driver can answer for it), but two apps on one X display disturb each other: with no window
/// manager a newly mapped window takes the keyboard focus, which blurs the field the other test
/// is typing into (the app then formats a half-typed time).
static ONE_APP: Mutex<()> = Mutex::new(());

/// The running test's private session bus, for desktop services a test plays (the file manager).
static SESSION_BUS: Mutex<String> = Mutex::new(String::new());

/// A tauri-driver of our own on free ports, with a private D-Bus session (else GTK autolaunches
/// one per display, shared between tests, whose daemons outlive them). Dropping it ends the
/// driver (SIGTERM, then wait), then the bus, then anything else that carries its tag.
struct Driver {
    child: Child,
    bus: Child,
    port: u16,
    /// Set in the environment of tauri-driver, so the app and its children carry it too.
    tag: String,
    log: PathBuf,
    app_env: Vec<(String, PathBuf)>,
}

impl Driver {
    /// `extra`: more environment for the app (a system language, say).
    fn start(name: &str, extra: &[(&str, &str)]) -> Driver {
        assert!(
            std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()),
            "the desktop end-to-end tests need an X display: run them under \
             `xvfb-run -a -s \"-screen 0 1280x1024x24\" cargo test ...`"
        );
        let driver = tauri_driver_bin();
        assert!(driver.exists(), "tauri-driver not found at {} (set GIFGRAB_TAURI_DRIVER)", driver.display());
        assert!(app_bin().exists(), "the app is not built at {}: run `cargo build -p gifgrab`", app_bin().display());

        let (port, native_port) = free_ports();
        let tag = format!("{}-{name}", std::process::id());
        let logs = workspace_target().join("e2e-logs");
        std::fs::create_dir_all(&logs).expect("log folder");
        let log = logs.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("driver log");
        // A fresh home for the app's settings, history and caches: no test sees another's.
        let home = workspace_target().join("e2e-home").join(name);
        let _ = std::fs::remove_dir_all(&home);
        std::fs::create_dir_all(&home).expect("app home");
        let (mut bus, bus_address) = start_bus(&tag);
        *SESSION_BUS.lock().unwrap_or_else(|p| p.into_inner()) = bus_address.clone();
        let app_env: Vec<(String, PathBuf)> = vec![
            ("GIFGRAB_SIDECAR_DIR".into(), bin_dir()),
            ("GIFGRAB_E2E_RUN".into(), tag.clone().into()),
            ("DBUS_SESSION_BUS_ADDRESS".into(), bus_address.clone().into()),
            ("XDG_CONFIG_HOME".into(), home.join("config")),
            ("XDG_DATA_HOME".into(), home.join("data")),
            ("XDG_CACHE_HOME".into(), home.join("cache")),
        ];
        let app_env: Vec<(String, PathBuf)> = app_env.into_iter().chain(extra.iter().map(|(k, v)| (k.to_string(), PathBuf::from(v)))).collect();
        let child = Command::new(&driver)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(app_env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log handle"))
            .stderr(out)
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) => {
                stop(&[bus.id() as i32]);
                let _ = bus.wait();
                panic!("start {}: {e}", driver.display());
            }
        };
        let mut me = Driver { child, bus, port, tag, log, app_env };
        // tauri-driver forwards to the WebKitWebDriver it starts on the native port: a session
        // request before that one listens fails, so wait for both.
        let listening = eventually(10.0, || {
            let both = [port, native_port].iter().all(|p| TcpStream::connect(("127.0.0.1", *p)).is_ok());
            both || matches!(me.child.try_wait(), Ok(Some(_)))
        });
        if let Ok(Some(status)) = me.child.try_wait() {
            panic!("tauri-driver exited at start ({status}); see {}", me.log.display());
        }
        assert!(listening, "tauri-driver did not listen on port {port} within 10 s; see {}", me.log.display());
        me
    }

    /// Starts the app and opens a WebDriver session on it.
    async fn session(&self) -> Client {
        self.launcher().session(&[]).await
    }

    fn launcher(&self) -> Launcher {
        Launcher { port: self.port, log: self.log.clone(), env: self.app_env.clone() }
    }
}

/// Starts the app again through the test's driver (same home, same bus): for what must survive
/// a restart, and for launches with arguments.
#[derive(Clone)]
struct Launcher {
    port: u16,
    log: PathBuf,
    /// What the driver gives the app: its tag, bus, home folders and sidecars.
    env: Vec<(String, PathBuf)>,
}

impl Launcher {
    /// Ends a session and waits for its app to go (a new launch would else be handed to it).
    async fn close(&self, c: Client) {
        let _ = tokio::time::timeout(Duration::from_secs(10), c.close()).await;
        let tag = self.env.iter().find(|(k, _)| k == "GIFGRAB_E2E_RUN").map(|(_, v)| v.to_string_lossy().into_owned()).unwrap_or_default();
        let app = std::fs::canonicalize(app_bin()).expect("app path");
        let running = move || {
            pids_with_env("GIFGRAB_E2E_RUN", &tag).into_iter().any(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e == app))
        };
        assert!(run_blocking(move || eventually(10.0, || !running())).await, "the app still runs 10 s after its session closed");
    }

    /// The running app's process id (the one this test's driver started).
    fn app_pid(&self) -> i32 {
        let tag = self.env.iter().find(|(k, _)| k == "GIFGRAB_E2E_RUN").map(|(_, v)| v.to_string_lossy().into_owned()).unwrap_or_default();
        let app = std::fs::canonicalize(app_bin()).expect("app path");
        pids_with_env("GIFGRAB_E2E_RUN", &tag)
            .into_iter()
            .find(|p| std::fs::read_link(format!("/proc/{p}/exe")).is_ok_and(|e| e == app))
            .expect("the app's process")
    }

    /// Launches the app the way the desktop does (no driver), in the test's session.
    fn spawn(&self, args: &[&str]) -> Child {
        Command::new(app_bin()).args(args).envs(self.env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null()).stderr(Stdio::piped()).spawn().expect("launch the app")
    }

    /// Starts the app with `args` and opens a WebDriver session on it.
    async fn session(&self, args: &[&str]) -> Client {
        let app = std::fs::canonicalize(app_bin()).expect("app path");
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({ "application": app, "args": args }));
        let url = format!("http://127.0.0.1:{}", self.port);
        // One retry: on a loaded machine the first request can still meet a driver warming up.
        let connect = async {
            match ClientBuilder::native().capabilities(caps.clone()).connect(&url).await {
                Ok(client) => Ok(client),
                Err(_) => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    ClientBuilder::native().capabilities(caps).connect(&url).await
                }
            }
        };
        match tokio::time::timeout(SESSION_TIMEOUT, connect).await {
            Ok(Ok(client)) => {
                wait_ready(&client).await;
                client
            }
            Ok(Err(e)) => panic!("no WebDriver session: {e}; see {}", self.log.display()),
            Err(_) => panic!(
                "no WebDriver session within {} s (did the app crash at start?); see {}",
                SESSION_TIMEOUT.as_secs(),
                self.log.display()
            ),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver end WebKitWebDriver; SIGKILL would orphan it.
        stop(&[self.child.id() as i32]);
        let _ = self.child.wait();
        stop(&[self.bus.id() as i32]);
        let _ = self.bus.wait();
        // The app, its sidecars and bus services should go by themselves; end any straggler.
        let tagged = || pids_with_env("GIFGRAB_E2E_RUN", &self.tag);
        eventually(3.0, || tagged().is_empty());
        let left = tagged();
        if !left.is_empty() {
            let names: Vec<String> = left.iter().map(|p| describe(*p)).collect();
            eprintln!(
                "e2e {}: ending {} process(es) still running 3 s after the driver stopped: {names:?}",
                self.tag,
                left.len()
            );
            stop(&left);
        }
    }
}

/// A private session bus: the daemon and its address.
fn start_bus(tag: &str) -> (Child, String) {
    use std::io::BufRead;
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
        .env("GIFGRAB_E2E_RUN", tag)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start dbus-daemon: {e}"));
    let mut address = String::new();
    let read = std::io::BufReader::new(bus.stdout.take().expect("bus stdout")).read_line(&mut address);
    if read.is_err() || address.trim().is_empty() {
        stop(&[bus.id() as i32]);
        let _ = bus.wait();
        panic!("dbus-daemon gave no address");
    }
    (bus, address.trim().to_string())
}

/// SIGTERM to each pid, then up to 5 s for them to go, then SIGKILL for the stubborn.
fn stop(pids: &[i32]) {
    for &pid in pids {
        // SAFETY: plain kill(2) on processes this test started.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
    if !eventually(5.0, || pids.iter().all(|&p| has_ended(p))) {
        for &pid in pids.iter().filter(|&&p| !has_ended(p)) {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// "pid<-parent command line", for reports.
fn describe(pid: i32) -> String {
    let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let ppid = parent_of(pid).map_or("?".to_string(), |p| p.to_string());
    format!("{pid}<-{ppid} {}", String::from_utf8_lossy(&cmd).replace('\0', " ").trim())
}

/// Processes whose environment holds `var=value`.
fn pids_with_env(var: &str, value: &str) -> Vec<i32> {
    let needle = format!("{var}={value}");
    let me = std::process::id() as i32;
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else { continue };
        if pid == me {
            continue;
        }
        let env = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if env.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()) {
            pids.push(pid);
        }
    }
    pids
}

/// The window is ready once its modules have run (they mark the page when its remembered settings
/// are in; `autofocus` alone puts the caret in the link field before any script runs) and the caret
/// is in the link field, as a user sees it.
async fn wait_ready(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let focused = c.execute("return document.body.dataset.ready === 'true' && document.activeElement && document.activeElement.id;", vec![]).await;
        if matches!(&focused, Ok(serde_json::Value::String(id)) if id == "source") {
            return;
        }
        assert!(Instant::now() < deadline, "the window never put the caret in the link field: {focused:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs one test: its own driver and app, `body` against the session, then a screenshot of
/// the page (also when the body failed) and the session closed before the panic is passed on.
fn e2e<F, Fut>(name: &'static str, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    e2e_launching(name, &[], |c, _| body(c));
}

/// As `e2e`, with the launcher for tests that restart the app or launch it again; the body
/// takes its own screenshots of any later session.
fn e2e_launching<F, Fut>(name: &'static str, extra_env: &[(&str, &str)], body: F)
where
    F: FnOnce(Client, Launcher) -> Fut,
    Fut: Future<Output = ()>,
{
    let _turn = ONE_APP.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let started = Instant::now();
    let driver = Driver::start(name, extra_env);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let outcome = runtime.block_on(async {
        let client = driver.session().await;
        let outcome = tokio::time::timeout(TEST_BUDGET, CatchPanic(Box::pin(body(client.clone(), driver.launcher())))).await;
        if let Err(e) = save_screenshot(&client, name).await {
            eprintln!("e2e {name}: no screenshot: {e}");
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        outcome
    });
    drop(runtime);
    drop(driver);
    eprintln!("e2e {name}: {:.1} s", started.elapsed().as_secs_f64());
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("{name}: did not finish within {} s", TEST_BUDGET.as_secs()),
    }
}

/// A future that turns a panic while polling into an `Err` (so clean-up still runs).
struct CatchPanic<F>(std::pin::Pin<Box<F>>);

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(std::task::Poll::Ready(v)) => std::task::Poll::Ready(Ok(v)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(panic) => std::task::Poll::Ready(Err(panic)),
        }
    }
}

async fn save_screenshot(c: &Client, name: &str) -> Result<(), String> {
    // The snapshot is the last painted frame, which can lag behind the DOM: let two frames paint.
    let painted = c.execute_async(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
        vec![],
    );
    let _ = tokio::time::timeout(Duration::from_secs(2), painted).await;
    let png = c.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(shots_dir().join(format!("{name}.png")), png).map_err(|e| e.to_string())
}

/// Polls `probe` until it gives `Ok`; on time-out fails with `what` and the last `Err` seen.
async fn wait_for<T>(secs: f64, what: &str, mut probe: impl AsyncFnMut() -> Result<T, String>) -> T {
    let until = Instant::now() + Duration::from_secs_f64(secs);
    loop {
        let last = match probe().await {
            Ok(v) => return v,
            Err(e) => e,
        };
        if Instant::now() > until {
            panic!("waited {secs} s for {what}; last seen: {last}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An XPath/CSS string literal.
fn quoted(s: &str) -> String {
    assert!(!s.contains('\''), "label with a quote: {s}");
    format!("'{s}'")
}

/// The form control a `<label>` with this text is for.
async fn field(c: &Client, label: &str) -> Element {
    let xpath = format!("//*[@id=//label[normalize-space()={}]/@for]", quoted(label));
    c.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("no field labelled {label:?}: {e}"))
}

/// A button by its text or aria-label, scrolled to the middle of its view (WebKit's driver
/// scrolls only until an edge shows, which can leave its centre under the action bar).
async fn button(c: &Client, name: &str) -> Element {
    let xpath = format!("//button[normalize-space()={0} or @aria-label={0}]", quoted(name));
    let el = c.find(Locator::XPath(&xpath)).await.unwrap_or_else(|e| panic!("no button {name:?}: {e}"));
    let _ = c.execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&el).expect("element as JSON")]).await;
    el
}

/// A field's current value.
async fn value(el: &Element) -> String {
    el.prop("value").await.ok().flatten().unwrap_or_default()
}

/// Replaces a field's text from the keyboard as a user would: select all, delete, type, then
/// `last` (Tab or Enter). WebDriver's Element Clear is not used: it empties the field without
/// the input event a user's deleting fires.
async fn retype(c: &Client, label: &str, text: &str, last: Key) {
    let el = field(c, label).await;
    el.click().await.unwrap_or_else(|e| panic!("click {label:?}: {e}"));
    // Two commands: WebKitWebDriver keeps Control down until the end of one (it ignores Null).
    el.send_keys(&format!("{}a", &*Key::Control)).await.unwrap_or_else(|e| panic!("select all in {label:?}: {e}"));
    let keys = format!("{}{text}{}", &*Key::Backspace, &*last);
    el.send_keys(&keys).await.unwrap_or_else(|e| panic!("type into {label:?}: {e}"));
}

/// Sets a field and moves on with Tab.
async fn set_field(c: &Client, label: &str, text: &str) {
    retype(c, label, text, Key::Tab).await;
}

/// Types into a field and presses Enter.
async fn enter_in(c: &Client, label: &str, text: &str) {
    retype(c, label, text, Key::Enter).await;
}

/// The text a user sees in the element `css` ("" when it is not rendered or missing).
///
/// WebKitWebDriver's own Get Element Text calls any element with `overflow: hidden` hidden
/// (so the media card's title, which clips with an ellipsis, would read ""): ask the page.
async fn visible_text(c: &Client, css: &str) -> String {
    let script = "
        const el = document.querySelector(arguments[0]);
        if (!el || el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') return '';
        return el.innerText.trim();";
    let text = c.execute(script, vec![json!(css)]).await.unwrap_or_else(|e| panic!("read {css}: {e}"));
    text.as_str().unwrap_or_default().to_string()
}

/// Waits until the text of `css` passes `ok`, and returns it.
async fn wait_text(c: &Client, css: &str, secs: f64, what: &str, ok: impl Fn(&str) -> bool) -> String {
    wait_for(secs, what, async || {
        let text = visible_text(c, css).await;
        if ok(&text) {
            Ok(text)
        } else {
            Err(format!("{css} reads {text:?}"))
        }
    })
    .await
}

/// The status line in the action bar.
async fn status(c: &Client) -> String {
    visible_text(c, "[role=status]").await
}

/// An image as the page has it: shown?, src, natural size (0 until loaded).
#[derive(Debug)]
struct Shown {
    displayed: bool,
    src: String,
    width: u64,
    height: u64,
}

/// The `<img>` with this alt text.
async fn image(c: &Client, alt: &str) -> Shown {
    let el = c
        .find(Locator::Css(&format!("img[alt={}]", quoted(alt))))
        .await
        .unwrap_or_else(|e| panic!("no image {alt:?}: {e}"));
    let displayed = el.is_displayed().await.unwrap_or(false);
    let facts = c
        .execute(
            "const i = arguments[0]; return [i.getAttribute('src') || '', i.complete ? i.naturalWidth : 0, i.naturalHeight];",
            vec![serde_json::to_value(&el).expect("element as JSON")],
        )
        .await
        .expect("image facts");
    Shown {
        displayed,
        src: facts[0].as_str().unwrap_or_default().to_string(),
        width: facts[1].as_u64().unwrap_or(0),
        height: facts[2].as_u64().unwrap_or(0),
    }
}

/// Waits for the image to show a frame other than the one whose src was `old`.
async fn wait_new_image(c: &Client, alt: &str, old: &str, secs: f64) -> Shown {
    wait_for(secs, &format!("the image {alt:?} to show a new frame"), async || {
        let img = image(c, alt).await;
        if img.displayed && img.src.starts_with("blob:") && img.src != old && img.width > 0 {
            Ok(img)
        } else {
            Err(format!("{img:?}"))
        }
    })
    .await
}

/// Pastes a link into the source field and waits for the media card and first frames.
async fn load_video(c: &Client, link: &str) {
    enter_in(c, "Video link or file", link).await;
    wait_media_card(c).await;
}

/// Waits for the card of long.mp4 (every test uses it) and its first frame previews.
async fn wait_media_card(c: &Client) {
    wait_text(c, "#media-title", 30.0, "the media card with the title \"long\"", |t| t == "long").await;
    let duration = visible_text(c, "#media-duration").await;
    assert!(duration.contains("10:00.0"), "media card duration reads {duration:?}");
    for alt in ["Video thumbnail", "Frame at start", "Frame at end"] {
        wait_new_image(c, alt, "", 30.0).await;
    }
}

/// Sets Start and End and waits for both frame previews to change to the new times.
async fn pick_range(c: &Client, start: &str, end: &str) {
    pick_range_in(c, ["Start", "End"], ["Frame at start", "Frame at end"], start, end).await;
}

/// `pick_range` in a window whose fields are labelled `labels` and frames named `frames`.
async fn pick_range_in(c: &Client, labels: [&str; 2], frames: [&str; 2], start: &str, end: &str) {
    let mut before = Vec::new();
    for alt in frames {
        before.push(image(c, alt).await.src);
    }
    set_field(c, labels[0], start).await;
    set_field(c, labels[1], end).await;
    for (label, want) in [(labels[0], start), (labels[1], end)] {
        let shown = value(&field(c, label).await).await;
        assert_eq!(shown, format!("{want}.0"), "{label} after typing {want}");
    }
    for (alt, old) in frames.into_iter().zip(&before) {
        wait_new_image(c, alt, old, 30.0).await;
    }
}

async fn run_blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("blocking helper")
}

/// Runs xdotool, at most 20 s (`search --sync` waits forever for a window that never comes).
fn xdotool(args: &[&str]) -> String {
    let out = Command::new("timeout")
        .arg("20")
        .arg("xdotool")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run xdotool: {e}"));
    assert!(out.status.code() != Some(124), "xdotool {args:?} gave up after 20 s");
    assert!(out.status.success(), "xdotool {args:?} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Screenshot of the whole X screen (native dialogs included).
fn screen_shot(name: &str) {
    let path = shots_dir().join(format!("{name}.png"));
    let out = Command::new("/usr/bin/import").args(["-window", "root"]).arg(&path).output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => eprintln!("import -window root failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("import -window root: {e}"),
    }
}

/// Chooses `path` in the GTK "Save GIF" dialog the way a user would: type it, press Return.
fn answer_save_dialog(path: &Path, shot: &str) {
    // In the Save dialog the name field has the focus: select its text and type over it.
    answer_file_dialog("^Save GIF$", "ctrl+a", path, shot);
}

/// Accepts the GTK "Save GIF" dialog as it opened: the name and folder the window suggested.
fn accept_save_dialog(shot: &str) {
    let title = "^Save GIF$";
    let found = xdotool(&["search", "--sync", "--onlyvisible", "--name", title]);
    let window = found.lines().next().unwrap_or_else(|| panic!("no dialog titled {title}")).trim().to_string();
    std::thread::sleep(Duration::from_millis(700)); // let the chooser settle
    screen_shot(shot);
    for _ in 0..4 {
        let _ = Command::new("xdotool").args(["windowfocus", "--sync", &window]).status();
        xdotool(&["key", "Return"]);
        std::thread::sleep(Duration::from_millis(1500));
        let open = Command::new("xdotool").args(["search", "--onlyvisible", "--name", title]).output().map(|o| !o.stdout.is_empty()).unwrap_or(false);
        if !open {
            return;
        }
    }
}

/// Answers the GTK file dialog titled `title` (a regex): `select` readies the text field
/// (the name, or the location bar of an Open dialog), then `path` is typed and confirmed.
fn answer_file_dialog(title: &str, select: &str, path: &Path, shot: &str) {
    let found = xdotool(&["search", "--sync", "--onlyvisible", "--name", title]);
    let window = found.lines().next().unwrap_or_else(|| panic!("no dialog titled {title}")).trim().to_string();
    std::thread::sleep(Duration::from_millis(700)); // let the chooser settle
    xdotool(&["windowfocus", "--sync", &window]);
    xdotool(&["key", "--clearmodifiers", select]);
    xdotool(&["type", "--delay", "20", path.to_str().expect("UTF-8 path")]);
    std::thread::sleep(Duration::from_millis(300));
    screen_shot(shot);
    xdotool(&["key", "Return"]);
    // A name completion popup can take the first Return: press again while the dialog stays.
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(1500));
        let open = Command::new("xdotool").args(["search", "--onlyvisible", "--name", title]).output().map(|o| !o.stdout.is_empty()).unwrap_or(false);
        if !open {
            return;
        }
        let _ = Command::new("xdotool").args(["windowfocus", &window]).status();
        xdotool(&["key", "Return"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[test]
fn paste_link_make_gif_and_save() {
    e2e("paste_link_make_gif_and_save", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let out_dir = TempDir::new("e2e-save");
        let target = out_dir.path("moment.gif");

        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:03").await;
        // The size is shown beside the frame count before anything is made.
        let estimate = wait_text(&c, "#estimate", 30.0, "a size beside the frame count", |t| t.contains('≈')).await;
        let (low, high) = shown_size_range(&estimate);
        save_screenshot(&c, "paste_link_make_gif_and_save-estimate").await.expect("screenshot");

        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        let gif = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        assert_eq!((gif.width, gif.height), (480, 270), "the GIF shown");
        let info = visible_text(&c, "#result-info").await;
        assert!(info.contains("480×270") && info.contains("45 frames"), "result info reads {info:?}");

        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let chosen = target.clone();
        run_blocking(move || answer_save_dialog(&chosen, "paste_link_make_gif_and_save-dialog")).await;
        let saved = format!("Saved to {}", target.display());
        wait_text(&c, "[role=status]", 20.0, &format!("the status {saved:?}"), |t| t == saved).await;

        let facts = gif_facts(&target);
        let bytes = std::fs::metadata(&target).expect("saved").len() as f64;
        assert!((low..=high).contains(&bytes), "the GIF has {bytes} bytes; the window said {estimate:?}");
        assert_eq!((facts.width, facts.height), (480, 270), "saved GIF size");
        assert!(facts.frames.abs_diff(45) <= 1, "saved GIF has {} frames, want 45", facts.frames);
        assert_eq!(out_dir.names(), vec!["moment.gif"], "only the GIF in the folder");
    });
}

/// Right after "Done" the window makes the WebP and MP4 and shows their sizes; a name ending in
/// .webp in the Save dialog saves the animated WebP (the dialog's file types carry the sizes).
#[test]
fn the_webp_and_mp4_sizes_show_and_a_webp_is_saved() {
    e2e("the_webp_and_mp4_sizes_show_and_a_webp_is_saved", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let out_dir = TempDir::new("e2e-webp");
        let target = out_dir.path("moment.webp");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:02").await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        let info = wait_text(&c, "#result-info", 60.0, "the WebP and MP4 sizes", |t| t.contains(" · WebP ") && t.contains(" · MP4 ")).await;
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let chosen = target.clone();
        run_blocking(move || answer_save_dialog(&chosen, "the_webp_and_mp4_sizes_show_and_a_webp_is_saved-dialog")).await;
        let saved = format!("Saved to {}", target.display());
        wait_text(&c, "[role=status]", 20.0, &format!("the status {saved:?}"), |t| t == saved).await;
        let webp = webp_facts(&target);
        assert_eq!((webp.width, webp.height, webp.loops), (480, 270, 0), "the saved WebP");
        assert_eq!(webp.durations_ms.len(), 30, "30 frames");
        // The size shown is the file's ("WebP 301 KB" or "WebP 1.2 MB").
        let shown = info.split(" · WebP ").nth(1).and_then(|r| r.split(" · ").next()).unwrap_or_default().to_string();
        let bytes = std::fs::metadata(&target).unwrap().len();
        let as_shown = if bytes >= 1024 * 1024 { format!("{:.1} MB", bytes as f64 / 1048576.0) } else { format!("{} KB", (bytes as f64 / 1024.0).round()) };
        assert_eq!(shown, as_shown, "the result line's WebP size: {info:?}");
        assert_eq!(out_dir.names(), vec!["moment.webp"], "only the WebP in the folder");
        // The type picker beside Save as… sets the name the dialog suggests (GTK's own type list
        // leaves the name as it is): MP4 there, the suggestion accepted, an MP4 in that folder.
        let picker = c.find(Locator::XPath("//select[@aria-label='Save as type']")).await.expect("the type picker");
        picker.select_by_label("MP4").await.expect("choose MP4");
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        run_blocking(move || accept_save_dialog("the_webp_and_mp4_sizes_show_and_a_webp_is_saved-mp4")).await;
        let status = wait_text(&c, "[role=status]", 20.0, "saved as MP4", |t| t.starts_with("Saved to") && t.ends_with(".mp4")).await;
        let mp4 = PathBuf::from(status.trim_start_matches("Saved to "));
        assert_eq!(mp4.parent(), Some(out_dir.0.as_path()), "in the folder saved to last: {status}");
        let (frames, size) = video_frame_times(&mp4);
        assert_eq!((frames.len(), size), (30, (480, 270)), "an MP4 of the GIF's 30 frames");
    });
}

#[test]
fn bad_link_shows_its_message() {
    e2e("bad_link_shows_its_message", |c| async move {
        for (link, says) in
            [("ftp://example.com/x.mp4", "not supported"), ("/no/such/file.mp4", "neither a link nor an existing file")]
        {
            enter_in(&c, "Video link or file", link).await;
            let shown =
                wait_text(&c, "#link-error", UI_WAIT, &format!("the message for {link}"), |t| t.contains(says)).await;
            assert!(!shown.contains('{') && !shown.contains("kind"), "raw error shown: {shown}");
            let source = field(&c, "Video link or file").await;
            assert_eq!(source.attr("aria-invalid").await.unwrap().as_deref(), Some("true"), "field marked invalid");
            assert_eq!(value(&source).await, link, "the link stays in the field");
            let make = button(&c, "Make GIF").await;
            assert!(!make.is_enabled().await.unwrap(), "Make GIF is enabled with no video");
            assert_eq!(visible_text(&c, "#media-title").await, "", "a media card is shown");
        }
    });
}

/// The bytes a shown "About 45 frames · ≈ 1.1–1.3 MB" (or "≈ 812 KB") allows, widened by
/// the display's rounding.
fn shown_size_range(text: &str) -> (f64, f64) {
    let shown = text.split('≈').nth(1).expect("a size").trim().replace(['–', ' '], " ");
    let words: Vec<&str> = shown.split_whitespace().collect();
    let unit = |u: &str| match u {
        "MB" => (1024.0 * 1024.0, 0.05 * 1024.0 * 1024.0),
        "KB" => (1024.0, 512.0),
        _ => (1.0, 0.5),
    };
    let numbers: Vec<(f64, &str)> = match words.as_slice() {
        [a, u] => vec![(a.parse().unwrap(), *u)],
        [a, b, u] => vec![(a.parse().unwrap(), *u), (b.parse().unwrap(), *u)],
        [a, ua, b, ub] => vec![(a.parse().unwrap(), *ua), (b.parse().unwrap(), *ub)],
        _ => panic!("cannot read the size in {text:?}"),
    };
    let (lo, lu) = numbers[0];
    let (hi, hu) = *numbers.last().unwrap();
    (lo * unit(lu).0 - unit(lu).1, hi * unit(hu).0 + unit(hu).1)
}

/// "Fit under" a custom 1 MB: the GIF made and saved is at most that, and the window says so.
#[test]
fn a_size_limit_is_met_and_named() {
    e2e("a_size_limit_is_met_and_named", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:20").await;
        field(&c, "Fit under").await.select_by_label("Custom…").await.expect("choose Custom…");
        // 20 s in 20 KB: said before anything is made, with what would fit.
        set_field(&c, "Size limit in MB", "0.02").await;
        let cannot = wait_text(&c, "#size-warning", 60.0, "the note that it cannot fit", |t| t.contains("cannot fit")).await;
        assert!(cannot.contains("20 KB") && cannot.contains("would fit"), "{cannot}");
        set_field(&c, "Size limit in MB", "1").await;
        let warned = wait_text(&c, "#size-warning", 60.0, "the note that settings will be lowered", |t| t.contains("over 1 MB")).await;
        assert!(warned.contains("lower quality"), "{warned}");
        save_screenshot(&c, "a_size_limit_is_met_and_named-form").await.expect("screenshot");
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 120.0, "the status \"Done\"", |t| t == "Done").await;
        let shown = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        assert_eq!(shown.width, 480, "the width stays; quality goes first");
        let info = wait_text(&c, "#result-info", UI_WAIT, "the result's facts", |t| !t.is_empty()).await;
        save_screenshot(&c, "a_size_limit_is_met_and_named-result").await.expect("screenshot");
        assert!(info.contains("fits under 1 MB: quality 90 →"), "result info reads {info:?}");
        let bytes = info.split(" · ").next().unwrap_or_default().to_string();
        let (low, high) = shown_size_range(&format!("≈ {bytes}"));
        assert!(high <= 1_000_000.0 + 52_429.0 && low >= 0.5e6, "the GIF is {bytes}: not just under 1 MB");
    });
}

/// Slack emoji on a phone's portrait video: the note says the box, and the GIF is 128 px tall
/// and narrower (the window sends the height cap as the CLI does).
#[test]
fn slack_emoji_fit_a_portrait_video_in_their_box() {
    e2e("slack_emoji_fit_a_portrait_video_in_their_box", |c| async move {
        let site = TempDir::new("e2e-portrait");
        // Stored landscape, shown portrait by its rotation tag, as phones record.
        let made = ffmpeg().args(["-display_rotation", "90", "-i"]).arg(media("long.mp4")).args(["-c", "copy"]).arg(site.path("long.mp4")).status().unwrap();
        assert!(made.success());
        let srv = TestServer::start(&site.0).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:02").await;
        field(&c, "Fit under").await.select_by_label("Slack emoji · 128 KB").await.expect("choose Slack emoji");
        let note = visible_text(&c, "#width-note").await;
        assert!(note.contains("128×128"), "the width note reads {note:?}");
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 120.0, "the status \"Done\"", |t| t == "Done").await;
        let shown = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        save_screenshot(&c, "slack_emoji_fit_a_portrait_video_in_their_box").await.expect("screenshot");
        assert!(shown.height <= 128 && shown.height >= 124, "the GIF fills the box's height: {}×{}", shown.width, shown.height);
        assert!(shown.width < shown.height, "still portrait: {}×{}", shown.width, shown.height);
        let info = wait_text(&c, "#result-info", UI_WAIT, "the result's facts", |t| !t.is_empty()).await;
        assert!(info.contains("fits under 128 KB"), "result info reads {info:?}");
    });
}

/// "Open file…" opens the system's dialog; the file chosen there is loaded.
#[test]
fn open_file_loads_the_chosen_video() {
    e2e("open_file_loads_the_chosen_video", |c| async move {
        button(&c, "Open file…").await.click().await.expect("click Open file…");
        let file = media("bikes.mp4");
        run_blocking(move || answer_file_dialog("^Open a video$", "ctrl+l", &file, "open_file_loads_the_chosen_video-dialog")).await;
        wait_text(&c, "#media-title", 30.0, "the chosen file's title", |t| t == "bikes").await;
        assert!(value(&field(&c, "Video link or file").await).await.ends_with("bikes.mp4"), "its path is in the field");
    });
}

/// A start typed past the end takes the end along, keeping the clip's length.
#[test]
fn moving_the_start_past_the_end_keeps_the_length() {
    e2e("moving_the_start_past_the_end_keeps_the_length", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:04").await;
        set_field(&c, "Start", "2:00").await;
        assert_eq!(value(&field(&c, "End").await).await, "2:04.0", "the end follows, 4 s on");
        assert_eq!(visible_text(&c, "#range-error").await, "", "no complaint about the range");
        let make = button(&c, "Make GIF").await;
        assert!(make.is_enabled().await.unwrap(), "Make GIF stays enabled");
    });
}

/// The window's time fields read times by the CLI's rules: the shared table, run in the page.
#[test]
fn time_fields_follow_the_cli_rules() {
    e2e("time_fields_follow_the_cli_rules", |c| async move {
        let table: serde_json::Value =
            serde_json::from_str(include_str!("../time-cases.json")).expect("tests/time-cases.json");
        let cases = table["cases"].as_array().expect("cases").clone();
        let texts: Vec<serde_json::Value> = cases.iter().map(|case| case[0].clone()).collect();
        let got = c
            .execute_async(
                "const [texts, done] = arguments;
                 import('./lib/time.js').then((m) => done(texts.map((t) => m.parseTime(t))), (e) => done(String(e)));",
                vec![json!(texts)],
            )
            .await
            .expect("parseTime runs in the page");
        let got = got.as_array().expect("an array").clone();
        assert_eq!(got.len(), cases.len());
        for (case, got) in cases.iter().zip(got) {
            let (text, want) = (&case[0], case[1].as_f64());
            match (got.as_f64(), want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-9, "{text}: the window reads {g}, the CLI {w}"),
                (None, None) => assert!(got.is_null(), "{text}: {got}"),
                (g, w) => panic!("{text}: the window reads {g:?}, the CLI {w:?}"),
            }
        }
    });
}

/// Loads long.mp4 (tagged `token` in its link), picks the range, waits for the look-ups to
/// end, then throttles the server and clicks Make GIF; returns the pid of the fetching ffmpeg.
async fn start_slow_job(c: &Client, srv: &TestServer, token: &str, start: &str, end: &str) -> i32 {
    // Look up and preview at full speed, then make fetching the range slow.
    load_video(c, &srv.url(&format!("long.mp4?{token}"))).await;
    pick_range(c, start, end).await;
    let lookups_done = eventually(10.0, || processes_mentioning(token).is_empty());
    assert!(lookups_done, "look-up processes still running: {:?}", processes_mentioning(token));
    srv.set_rate(Some(40_000));

    button(c, "Make GIF").await.click().await.expect("click Make GIF");
    wait_for(30.0, "gifgrab-ffmpeg fetching the range", async || {
        let found = processes_mentioning(token);
        let fetching = found.iter().find(|p| p.contains("gifgrab-ffmpeg"));
        match fetching.and_then(|p| p.split(':').next()?.parse::<i32>().ok()) {
            Some(pid) => Ok(pid),
            None => Err(format!("{found:?}; status {:?}", status(c).await)),
        }
    })
    .await
}

#[test]
fn cancel_during_slow_download_returns_to_form() {
    e2e("cancel_during_slow_download_returns_to_form", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let token = format!("cancel{}", std::process::id());
        // 30 s: the previews (and the timeline) put both ends in the byte cache, not the middle.
        start_slow_job(&c, &srv, &token, "2:00", "2:30").await;
        let running = status(&c).await;
        // The window words the stage itself (the Rust side sends facts only).
        let worded = ["Reading the video…", "Looking up the video…", "Starting…"].contains(&running.as_str())
            || (running.starts_with("Encoding ") && running.ends_with(" frames…"));
        assert!(worded, "status while running: {running:?}");
        save_screenshot(&c, "cancel_during_slow_download_returns_to_form-running").await.expect("screenshot");

        let clicked = Instant::now();
        button(&c, "Cancel").await.click().await.expect("click Cancel");
        wait_text(&c, "[role=status]", 1.0, "the status \"Cancelled\"", |t| t == "Cancelled").await;
        let make = button(&c, "Make GIF").await;
        assert!(make.is_displayed().await.unwrap() && make.is_enabled().await.unwrap(), "Make GIF is back and enabled");
        assert_eq!(value(&field(&c, "Start").await).await, "2:00.0", "Start kept");
        assert_eq!(value(&field(&c, "End").await).await, "2:30.0", "End kept");
        assert!(!button(&c, "Cancel").await.is_displayed().await.unwrap(), "Cancel still shown");
        let left = Duration::from_secs(1).saturating_sub(clicked.elapsed()).as_secs_f64();
        // The job's processes; the timeline's thumbnails (JPEG stills) are the window's own and
        // go on, on a slow link, while it shows the form.
        let job = || processes_mentioning(&token).into_iter().filter(|p| !p.contains("-c:v mjpeg")).collect::<Vec<_>>();
        let ended = eventually(left, || job().is_empty());
        assert!(ended, "still running 1 s after Cancel: {:?}", job());
        assert_eq!(visible_text(&c, "#error").await, "", "an error shown after cancelling");
    });
}

#[test]
fn dropped_link_fills_the_field() {
    e2e("dropped_link_fills_the_field", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let link = srv.url("long.mp4");
        // WebDriver cannot drag from outside the page: an HTML5 drop as WebKit delivers one.
        let script = "
            const data = new DataTransfer();
            data.setData('text/uri-list', arguments[0] + '\\r\\n');
            for (const type of ['dragenter', 'dragover', 'drop']) {
                document.body.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: data }));
            }";
        c.execute(script, vec![json!(link)]).await.expect("synthetic drop");
        let source = field(&c, "Video link or file").await;
        assert_eq!(value(&source).await, link, "the dropped link in the field");
        wait_media_card(&c).await;
        let overlay = c.find(Locator::Css("#drop-overlay")).await.expect("drop overlay");
        assert!(!overlay.is_displayed().await.unwrap(), "the drop overlay stays up after the drop");
    });
}

#[test]
fn junk_commands_are_rejected() {
    e2e("junk_commands_are_rejected", |c| async move {
        let pwned = PathBuf::from(format!("/tmp/gifgrab-pwned-{}", std::process::id()));
        let _ = std::fs::remove_file(&pwned);
        let script = "
            const [pwned, done] = arguments;
            const core = window.__TAURI__.core;
            const settle = (name, call) => {
                let p;
                try { p = Promise.resolve(call()); } catch (e) { p = Promise.reject(e); }
                return p.then(
                    (value) => ({ name, rejected: false, value: JSON.parse(JSON.stringify(value ?? null)) }),
                    (error) => ({ name, rejected: true, error: JSON.parse(JSON.stringify(error ?? null)) }),
                );
            };
            Promise.all([
                settle('save_gif', () => core.invoke('save_gif', { jobId: '../../etc/passwd', path: '/tmp/x' })),
                settle('convert_gif', () => core.invoke('convert_gif', { jobId: '../../etc/passwd', format: 'webp' })),
                settle('preview_frame', () => core.invoke('preview_frame', { id: 'nope', at: -1 })),
                settle('make_gif', () => core.invoke('make_gif', {
                    request: { id: 'nope', jobId: 'a/b', start: 0, end: 1, width: 480, fps: 15, quality: 90, plays: 0 },
                    onProgress: new core.Channel(),
                })),
                settle('probe', () => core.invoke('probe', { source: '--exec=touch ' + pwned })),
                settle('shell execute', () => core.invoke('plugin:shell|execute', {
                    program: 'sh', args: ['-c', 'touch ' + pwned], options: {},
                })),
                settle('shell open', () => core.invoke('plugin:shell|open', { path: 'file://' + pwned })),
            ]).then((results) => done({ shellApi: typeof window.__TAURI__.shell, results }),
                    (e) => done({ failed: String(e) }));";
        let answer = c.execute_async(script, vec![json!(pwned)]).await.expect("script ran");
        let results = answer["results"].as_array().unwrap_or_else(|| panic!("no results: {answer}"));
        for r in results {
            let name = r["name"].as_str().unwrap_or("?");
            assert_eq!(r["rejected"], Value::Bool(true), "{name} was accepted: {r}");
            if name.starts_with("shell") {
                // No shell permission in the capability: the ACL refuses before the plugin runs.
                let refusal = r["error"].as_str().unwrap_or_default();
                assert!(refusal.contains("not allowed"), "{name} was not refused for lack of permission: {r}");
                continue;
            }
            let kind = r["error"]["kind"].as_str().unwrap_or_default();
            let message = r["error"]["message"].as_str().unwrap_or_default();
            assert!(!kind.is_empty() && !message.trim().is_empty(), "{name} rejected without kind and message: {r}");
        }
        assert_eq!(results.len(), 7, "{answer}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!pwned.exists(), "{} was created", pwned.display());
    });
}

/// Sends WM_DELETE_WINDOW to a window, as a window manager's close button does.
fn ask_to_close(window: u32) {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};
    let (conn, _) = x11rb::connect(None).expect("X display");
    let atom = |name: &[u8]| conn.intern_atom(false, name).expect("intern").reply().expect("atom").atom;
    let (protocols, delete) = (atom(b"WM_PROTOCOLS"), atom(b"WM_DELETE_WINDOW"));
    let event = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, event).expect("send close");
    conn.flush().expect("flush");
}

/// The parent process id of `pid`, from /proc.
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit(')').next()?.split_whitespace().nth(1)?.parse().ok()
}

/// Gone, or a zombie its parent has not reaped yet.
fn has_ended(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')))
        .unwrap_or(true)
}

#[test]
fn closing_the_window_mid_job_ends_its_work() {
    e2e("closing_the_window_mid_job_ends_its_work", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let token = format!("close{}", std::process::id());
        let ffmpeg = start_slow_job(&c, &srv, &token, "3:00", "3:05").await;
        // The app is the fetching ffmpeg's parent; its work folder holds the unfinished GIF.
        let app = parent_of(ffmpeg).expect("the ffmpeg's parent");
        // Named `gifgrab-app-<pid>-<random>`: the pid, then a part nobody can guess.
        let prefix = format!("gifgrab-app-{app}-");
        let work = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .expect("the app's work folder");
        assert!(work.is_dir(), "no work folder at {}", work.display());

        // The window's close button: what a window manager sends when it is clicked.
        let windows = run_blocking(move || xdotool(&["search", "--pid", &app.to_string(), "--name", "^gifgrab$"])).await;
        let windows: Vec<u32> = windows.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert!(!windows.is_empty(), "no gifgrab window of process {app}");
        // Without a window manager the first request is at times not delivered: ask again,
        // as an impatient user clicks twice.
        run_blocking(move || {
            eventually(5.0, || {
                windows.iter().for_each(|w| ask_to_close(*w));
                std::thread::sleep(Duration::from_millis(500));
                has_ended(app)
            })
        })
        .await;
        let ended = eventually(5.0, || has_ended(app) && processes_mentioning(&token).is_empty() && !work.exists());
        assert!(has_ended(app), "the app still runs 5 s after its window was asked to close");
        assert!(ended, "left after closing: processes {:?}, work folder there: {}", processes_mentioning(&token), work.exists());
    });
}

/// The page's numbers in the crop fields.
async fn crop_fields(c: &Client) -> [i64; 4] {
    let got = c
        .execute("return ['crop-w','crop-h','crop-x','crop-y'].map((id) => Number(document.getElementById(id).value));", vec![])
        .await
        .expect("crop fields");
    let n = |i: usize| got[i].as_i64().unwrap_or(-1);
    [n(0), n(1), n(2), n(3)]
}

/// Keeps the pixels of an image in the page (a blob URL, so a canvas may read it) under `key`,
/// and returns the share of pixels in rows `from..to` (fractions of the height) that differ
/// clearly from those kept under `against` (0 when there is nothing to compare with).
async fn changed_share(c: &Client, alt: &str, key: &str, against: &str, from: f64, to: f64) -> f64 {
    let script = "
        const [alt, key, against, from, to] = arguments;
        const img = document.querySelector(`img[alt='${alt}']`);
        const cv = document.createElement('canvas');
        cv.width = img.naturalWidth; cv.height = img.naturalHeight;
        const g = cv.getContext('2d'); g.drawImage(img, 0, 0);
        const now = g.getImageData(0, 0, cv.width, cv.height).data;
        window.__kept = window.__kept || {};
        window.__kept[key] = now;
        const old = window.__kept[against];
        if (!old || old.length !== now.length) return 0;
        const y0 = Math.floor(cv.height * from), y1 = Math.ceil(cv.height * to);
        let changed = 0;
        for (let i = y0 * cv.width * 4; i < y1 * cv.width * 4; i += 4) {
            if (Math.abs(now[i] - old[i]) + Math.abs(now[i + 1] - old[i + 1]) + Math.abs(now[i + 2] - old[i + 2]) > 90) changed++;
        }
        return changed / ((y1 - y0) * cv.width);";
    let got = c.execute(script, vec![json!(alt), json!(key), json!(against), json!(from), json!(to)]).await;
    got.expect("pixels of the image").as_f64().unwrap_or(-1.0)
}

/// Crop box, speed, direction and a Hangul caption as a user sets them, checked on the start
/// frame and in the GIF made.
#[test]
fn edits_show_on_the_start_frame_and_in_the_gif() {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    e2e("edits_show_on_the_start_frame_and_in_the_gif", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:02").await;

        // A square crop: the largest centred box of the 1280×720 frame.
        button(&c, "1:1").await.click().await.expect("click 1:1");
        let boxed = c.find(Locator::Css("#crop-box")).await.expect("crop box");
        assert!(boxed.is_displayed().await.unwrap(), "the crop box shows on the start frame");
        assert_eq!(crop_fields(&c).await, [720, 720, 280, 0]);
        // Dragged 40 px to the left with the mouse, then 1 % of the width right with a key.
        let drag = MouseActions::new("mouse".into())
            .then(PointerAction::MoveToElement { element: boxed.clone(), duration: None, x: 0.0, y: 0.0 })
            .then(PointerAction::Down { button: MOUSE_BUTTON_LEFT })
            .then(PointerAction::MoveBy { duration: Some(Duration::from_millis(200)), x: -40.0, y: 0.0 })
            .then(PointerAction::Up { button: MOUSE_BUTTON_LEFT });
        c.perform_actions(drag).await.expect("drag the crop box");
        let [w, h, x, y] = crop_fields(&c).await;
        assert!((w, h, y) == (720, 720, 0) && x < 200, "after the drag: {w}×{h} at {x},{y}");
        boxed.send_keys(&Key::Right).await.expect("arrow key on the box");
        let moved = crop_fields(&c).await[2];
        assert_eq!(moved, x + 13, "the arrow key moves the box by 1 % of the width");

        // Twice as fast: the range's 2 s play in 1 s.
        let speed = field(&c, "Speed").await;
        speed.select_by_value("2").await.expect("choose 2×");
        wait_text(&c, "#plays-for", UI_WAIT, "how long the GIF plays", |t| t == "GIF plays 1.0 s").await;
        wait_text(&c, "#estimate", UI_WAIT, "the frame count at 2×", |t| t.starts_with("About 15 frames")).await;

        // A Hangul caption appears at the top of the crop box on the start frame.
        let before = image(&c, "Frame at start").await.src;
        changed_share(&c, "Frame at start", "plain", "", 0.0, 1.0).await;
        set_field(&c, "Top caption", "안녕하세요").await;
        assert_eq!(value(&field(&c, "Top caption").await).await, "안녕하세요");
        wait_new_image(&c, "Frame at start", &before, 30.0).await;
        let top = changed_share(&c, "Frame at start", "captioned", "plain", 0.0, 0.25).await;
        let rest = changed_share(&c, "Frame at start", "captioned", "plain", 0.3, 1.0).await;
        save_screenshot(&c, "edits_show_on_the_start_frame_and_in_the_gif-preview").await.expect("screenshot");
        assert!(top > 0.03 && rest < 0.002, "the caption changed {top:.3} of the top band and {rest:.4} of the rest");

        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        let gif = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        assert_eq!((gif.width, gif.height), (480, 480), "a square GIF");
        let info = visible_text(&c, "#result-info").await;
        assert!(info.contains("480×480") && info.contains("15 frames") && info.contains("1.0 s"), "result info reads {info:?}");
        save_screenshot(&c, "edits_show_on_the_start_frame_and_in_the_gif-result").await.expect("screenshot");
    });
}

/// The subtitle menu lists a page's own tracks (the window's language first); the chosen one is
/// drawn in the GIF during its cues only.
#[test]
fn the_subtitle_menu_offers_the_videos_tracks() {
    e2e("the_subtitle_menu_offers_the_videos_tracks", |c| async move {
        const VTT: &str = "WEBVTT\n\n00:00:11.000 --> 00:00:12.000\n안녕하세요\n\n00:00:12.500 --> 00:00:13.000\nSECOND\n";
        let site = TempDir::new("e2e-subs-site");
        std::fs::copy(media("long.mp4"), site.path("clip.mp4")).unwrap();
        std::fs::write(site.path("clip.ko.vtt"), VTT).unwrap();
        std::fs::write(site.path("clip.en.vtt"), VTT.replace("안녕하세요", "HELLO")).unwrap();
        std::fs::write(
            site.path("page.html"),
            "<!doctype html><html><head><title>long</title></head><body><video src=\"clip.mp4\">\
             <track kind=\"subtitles\" src=\"clip.ko.vtt\" srclang=\"ko\" label=\"Korean\">\
             <track kind=\"subtitles\" src=\"clip.en.vtt\" srclang=\"en\" label=\"English\"></video></body></html>",
        )
        .unwrap();
        let srv = TestServer::start(&site.0).expect("test server");
        enter_in(&c, "Video link or file", &srv.url("page.html")).await;
        wait_text(&c, "#media-title", 60.0, "the page's video", |t| t.starts_with("long")).await;
        let subs = field(&c, "Subtitles").await;
        let listed = c
            .execute("return [...document.getElementById('subs').options].map((o) => o.textContent);", vec![])
            .await
            .expect("the subtitle menu");
        let listed: Vec<String> = listed.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(listed, ["Off", "English", "Korean", "From a file…"], "the window's language (English) first");
        assert_eq!(value(&subs).await, "", "subtitles are off until chosen");
        set_field(&c, "Start", "0:10.5").await;
        set_field(&c, "End", "0:13").await;
        assert_eq!((value(&field(&c, "Start").await).await, value(&field(&c, "End").await).await), ("0:10.5".into(), "0:13.0".into()));
        subs.select_by_label("Korean").await.expect("choose Korean");
        wait_text(&c, "#subs-note", UI_WAIT, "the subtitles note", |t| t.contains("drawn in the GIF")).await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 90.0, "the status \"Done\"", |t| t == "Done").await;
        let out = TempDir::new("e2e-subs-save");
        let target = out.path("subs.gif");
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let chosen = target.clone();
        run_blocking(move || answer_save_dialog(&chosen, "the_subtitle_menu_offers_the_videos_tracks-dialog")).await;
        wait_text(&c, "[role=status]", 20.0, "saved", |t| t.starts_with("Saved to")).await;

        // The same moment without subtitles, by the CLI: the two differ only while a cue is on.
        let plain = out.path("plain.gif");
        let made = gifgrab().args([media("long.mp4").to_str().unwrap(), "-s", "10.5", "-e", "13", "-o"]).arg(&plain).output().unwrap();
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        let (with, without) = (gif_frames_rgb(&target, 480, 270), gif_frames_rgb(&plain, 480, 270));
        assert_eq!(with.len(), without.len());
        let row = 480 * 3;
        for i in 0..with.len() {
            let t = 10.5 + i as f64 / 15.0;
            let bottom = (180..270).filter(|&y| {
                with[i][y * row..(y + 1) * row].iter().zip(&without[i][y * row..(y + 1) * row]).filter(|(a, b)| a.abs_diff(**b) > 60).count() > 3
            });
            let rows = bottom.count();
            let inside = (11.05..11.95).contains(&t) || (12.55..12.95).contains(&t);
            let outside = t < 10.95 || (12.05..12.45).contains(&t);
            assert!(!inside || rows > 4, "frame {i} ({t:.2} s) shows no cue");
            // A cue is 19 rows; the two GIFs' own palettes may part on a stray row or two of
            // edge pixels (measured: 5-8 pixels just after a cue, at palette quality under 75).
            assert!(!outside || rows <= 2, "frame {i} ({t:.2} s) shows a cue out of its time ({rows} rows)");
        }
    });
}

/// What X's clipboard holds for `target`, read by xclip as a pasting app would.
fn clipboard(target: &str) -> Vec<u8> {
    let out = Command::new("xclip").args(["-selection", "clipboard", "-t", target, "-o"]).output().expect("xclip runs");
    assert!(out.status.success(), "xclip -t {target}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The desktop's file manager on the test's bus (tests/desktop/file_manager.py): it records each
/// ShowItems call in `log`. Returns once it owns its name.
fn start_file_manager(log: &Path) -> Child {
    use std::io::BufRead;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/file_manager.py");
    let bus = SESSION_BUS.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut fm = Command::new("/usr/bin/python3")
        .arg(&script)
        .arg(log)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the file manager (python3-gi)");
    let mut line = String::new();
    let _ = std::io::BufReader::new(fm.stdout.take().unwrap()).read_line(&mut line);
    assert_eq!(line.trim(), "ready", "the file manager did not take its bus name");
    fm
}

/// After saving: Copy puts the animated GIF itself on the clipboard (its bytes, and a file list
/// naming a kept copy), by the button and by Ctrl+C, so a chat app's paste gets the animation;
/// Show in folder asks the file manager to show the saved file.
#[test]
fn copy_and_show_in_folder_after_saving() {
    e2e("copy_and_show_in_folder_after_saving", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:01").await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        // The saved file is the GIF made: the clipboard must hold the same bytes.
        let out_dir = TempDir::new("e2e-copy");
        let target = out_dir.path("saved.gif");
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let chosen = target.clone();
        run_blocking(move || answer_save_dialog(&chosen, "copy_and_show_in_folder_after_saving-dialog")).await;
        wait_text(&c, "[role=status]", 20.0, "the status \"Saved to …\"", |t| t.starts_with("Saved to")).await;
        let made = std::fs::read(&target).expect("the saved GIF");
        assert!(gif_facts(&target).frames > 1, "an animated GIF");

        for how in ["button", "Ctrl+C"] {
            let _ = Command::new("xclip").args(["-selection", "clipboard", "-i", "/dev/null"]).status();
            if how == "button" {
                button(&c, "Copy").await.click().await.expect("click Copy");
            } else {
                c.find(Locator::Css("#result-img")).await.unwrap().click().await.expect("click the GIF");
                c.active_element().await.unwrap().send_keys(&format!("{}c", &*Key::Control)).await.expect("Ctrl+C");
            }
            wait_text(&c, "[role=status]", UI_WAIT, "the status \"Copied…\"", |t| t.starts_with("Copied")).await;
            let targets = String::from_utf8(clipboard("TARGETS")).unwrap();
            for t in ["image/gif", "text/uri-list", "x-special/gnome-copied-files"] {
                assert!(targets.lines().any(|l| l == t), "{how}: the clipboard offers no {t}: {targets}");
            }
            assert!(clipboard("image/gif") == made, "{how}: the clipboard's image/gif is not the GIF made");
            let uris = String::from_utf8(clipboard("text/uri-list")).unwrap();
            let uri = uris.lines().next().unwrap_or_default().to_string();
            let file = url::Url::parse(&uri).ok().and_then(|u| u.to_file_path().ok()).unwrap_or_else(|| panic!("{how}: no file URI: {uris:?}"));
            assert_eq!(file.file_name().unwrap().to_string_lossy(), "long 60-61.gif", "{how}: the copy keeps its name, space and all");
            assert!(std::fs::read(&file).unwrap() == made, "{how}: the file the clipboard names is not the GIF");
            let gnome = String::from_utf8(clipboard("x-special/gnome-copied-files")).unwrap();
            assert_eq!(gnome, format!("copy\n{uri}"), "{how}");
        }
        save_screenshot(&c, "copy_and_show_in_folder_after_saving-copied").await.expect("screenshot");

        let shown_log = out_dir.path("file-manager.log");
        let mut fm = start_file_manager(&shown_log);
        button(&c, "Show in folder").await.click().await.expect("click Show in folder");
        let want = format!("ShowItems {}", url::Url::from_file_path(&target).unwrap());
        let asked = wait_for(10.0, "the file manager asked to show the GIF", async || {
            let got = std::fs::read_to_string(&shown_log).unwrap_or_default();
            if got.is_empty() { Err(got) } else { Ok(got) }
        })
        .await;
        let _ = fm.kill();
        let _ = fm.wait();
        assert_eq!(asked.trim(), want, "what Show in folder asked of the file manager");
    });
}

/// The choices a user made are there after a restart, and the Save dialog opens in the folder
/// the last GIF went to (a folder with a space).
#[test]
fn settings_and_the_save_folder_survive_a_restart() {
    e2e_launching("settings_and_the_save_folder_survive_a_restart", &[], |c, launcher| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let out_dir = TempDir::new("e2e-remember");
        // (xdotool types Hangul unreliably into the GTK dialog: the drag test covers Hangul names.)
        let folder = out_dir.path("my GIFs");
        std::fs::create_dir_all(&folder).unwrap();
        field(&c, "Width").await.select_by_label("320 px").await.expect("choose 320 px");
        field(&c, "Frame rate").await.select_by_label("10 fps").await.expect("choose 10 fps");
        field(&c, "Fit under").await.select_by_label("GitHub · 10 MB").await.expect("choose GitHub");
        field(&c, "Caption style").await.select_by_label("Plain (on a dark band)").await.expect("choose Plain");
        let quality = field(&c, "Quality").await;
        quality.click().await.expect("click the quality slider");
        quality.send_keys(&(&*Key::Left).repeat(100)).await.expect("arrow keys");
        quality.send_keys(&(&*Key::Right).repeat(69)).await.expect("arrow keys");
        assert_eq!(value(&quality).await, "70", "the slider moved by keys");

        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:01").await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let first = folder.join("first.gif");
        run_blocking(move || answer_save_dialog(&first, "settings_and_the_save_folder_survive_a_restart-dialog")).await;
        wait_text(&c, "[role=status]", 20.0, "the status \"Saved to …\"", |t| t.starts_with("Saved to")).await;

        launcher.close(c).await;
        let c = launcher.session(&[]).await;
        let width = field(&c, "Width").await;
        wait_for(UI_WAIT, "the width as it was left", async || {
            let v = value(&width).await;
            if v == "320" { Ok(()) } else { Err(v) }
        })
        .await;
        assert_eq!(value(&field(&c, "Frame rate").await).await, "10");
        assert_eq!(value(&field(&c, "Quality").await).await, "70");
        assert_eq!(visible_text(&c, "#quality-value").await, "70", "the slider's readout");
        let fit = c.execute("const f = document.getElementById('fit'); return f.selectedOptions[0].textContent;", vec![]).await.unwrap();
        assert_eq!(fit, json!("GitHub · 10 MB"), "the size target");
        assert_eq!(value(&field(&c, "Caption style").await).await, "plain");

        // A bare name in the Save dialog lands in the folder it opened in: the last one used.
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:01").await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        let shown = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        assert_eq!(shown.width, 320, "the GIF is made at the remembered width");
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        run_blocking(|| answer_save_dialog(Path::new("again.gif"), "settings_and_the_save_folder_survive_a_restart-dialog2")).await;
        wait_text(&c, "[role=status]", 20.0, "the status \"Saved to …\"", |t| t.starts_with("Saved to")).await;
        save_screenshot(&c, "settings_and_the_save_folder_survive_a_restart-after").await.expect("screenshot");
        let mut names: Vec<String> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["again.gif", "first.gif"], "the second GIF went where the first did");
        launcher.close(c).await;
    });
}

/// `gifgrab FILE` opens the window with the file loaded; a second launch with a link hands it
/// to that window and ends, and no second window appears.
#[test]
fn a_file_or_link_handed_over_opens_in_the_one_window() {
    e2e_launching("a_file_or_link_handed_over_opens_in_the_one_window", &[], |c, launcher| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        launcher.close(c).await;
        let file = media_dir().join("long.mp4");
        let c = launcher.session(&[file.to_str().unwrap()]).await;
        wait_media_card(&c).await;
        assert_eq!(value(&field(&c, "Video link or file").await).await, file.to_str().unwrap(), "the link field holds the file");
        save_screenshot(&c, "a_file_or_link_handed_over_opens_in_the_one_window-file").await.expect("screenshot");

        let link = srv.url("long.mp4");
        let mut second = launcher.spawn(&[&link]);
        let mut second_said = second.stderr.take().expect("stderr");
        let ended = run_blocking(move || {
            let until = Instant::now() + Duration::from_secs(20);
            loop {
                if let Some(status) = second.try_wait().expect("wait") {
                    return Some(status);
                }
                if Instant::now() > until {
                    let _ = second.kill();
                    return None;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
        .await;
        assert!(ended.is_some_and(|s| s.success()), "the second launch should hand over and end: {ended:?}");
        // Handed over before its own window could start, and says so in the terminal.
        let mut said = String::new();
        std::io::Read::read_to_string(&mut second_said, &mut said).unwrap();
        assert!(said.contains("opened in the gifgrab window already open"), "{said:?}");
        let source = field(&c, "Video link or file").await;
        wait_for(UI_WAIT, "the link in the open window", async || {
            let v = value(&source).await;
            if v == link { Ok(()) } else { Err(v) }
        })
        .await;
        wait_media_card(&c).await;
        let windows = xdotool(&["search", "--onlyvisible", "--name", "^gifgrab$"]);
        assert_eq!(windows.lines().count(), 1, "one gifgrab window: {windows:?}");
        save_screenshot(&c, "a_file_or_link_handed_over_opens_in_the_one_window-link").await.expect("screenshot");
        launcher.close(c).await;
    });
}

/// A real X drag of the result onto another window delivers the GIF file, its Hangul name with
/// a space intact (the drop target is a small GTK window: tests/desktop/drop_target.py).
#[test]
fn dragging_the_gif_out_delivers_the_file() {
    e2e("dragging_the_gif_out_delivers_the_file", |c| async move {
        let dir = TempDir::new("e2e-drag");
        let video = dir.path("고양이 영상.mp4");
        std::fs::copy(media_dir().join("bikes.mp4"), &video).expect("copy the video");
        enter_in(&c, "Video link or file", video.to_str().unwrap()).await;
        wait_text(&c, "#media-title", 30.0, "the media card", |t| t == "고양이 영상").await;
        pick_range(&c, "0:01", "0:02").await;
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        let shown = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;

        let log = dir.path("dropped.log");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("desktop/drop_target.py");
        let mut target = Command::new("/usr/bin/python3").arg(&script).arg(&log).args(["950", "100"]).stdout(Stdio::piped()).spawn().expect("start the drop target (python3-gi)");
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(target.stdout.take().unwrap()), &mut line);
        assert_eq!(line.trim(), "ready", "the drop target did not map");
        let rect = c
            .execute("const r = document.getElementById('result-img').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", vec![])
            .await
            .unwrap();
        let window = xdotool(&["search", "--onlyvisible", "--name", "^gifgrab$"]).lines().next().unwrap().to_string();
        let geometry = xdotool(&["getwindowgeometry", "--shell", &window]);
        let at = |k: &str| geometry.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).unwrap().trim().parse::<f64>().unwrap();
        let (x, y) = (at("X") + rect[0].as_f64().unwrap(), at("Y") + rect[1].as_f64().unwrap());
        let (x, y) = (x.round() as i32, y.round() as i32);
        run_blocking(move || {
            xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]);
            xdotool(&["mousedown", "1"]);
            // Small steps first (past the drag threshold), then over to the target, then wait a beat.
            for step in 1..=30 {
                let (px, py) = (x + (1100 - x) * step / 30, y + (250 - y) * step / 30);
                xdotool(&["mousemove", &px.to_string(), &py.to_string()]);
                std::thread::sleep(Duration::from_millis(30));
            }
            std::thread::sleep(Duration::from_millis(300));
            screen_shot("dragging_the_gif_out_delivers_the_file-over");
            xdotool(&["mouseup", "1"]);
        })
        .await;
        let dropped = wait_for(10.0, "the dropped file list", async || {
            let got = std::fs::read_to_string(&log).unwrap_or_default();
            if got.trim().is_empty() { Err(got) } else { Ok(got) }
        })
        .await;
        let _ = target.kill();
        let _ = target.wait();
        let uri = dropped.lines().next().unwrap().to_string();
        assert!(!uri.contains(' '), "the URI is percent-encoded: {uri}");
        let file = url::Url::parse(&uri).ok().and_then(|u| u.to_file_path().ok()).unwrap_or_else(|| panic!("not a file URI: {uri}"));
        assert_eq!(file.file_name().unwrap().to_string_lossy(), "고양이 영상 1-2.gif", "the file keeps its name");
        let facts = gif_facts(&file);
        assert_eq!((facts.width, facts.height), (shown.width as u32, shown.height as u32), "the dropped file is the GIF shown");
        let info = visible_text(&c, "#result-info").await;
        assert!(info.contains(&format!("{} frames", facts.frames)), "the dropped GIF has {} frames; the window says {info:?}", facts.frames);

        // Dragged out and let go over the window itself: still the result, not a new source.
        let source_before = value(&field(&c, "Video link or file").await).await;
        run_blocking(move || {
            xdotool(&["mousemove", "--sync", &x.to_string(), &y.to_string()]);
            xdotool(&["mousedown", "1"]);
            for step in 1..=20 {
                xdotool(&["mousemove", &(x + step * 6).to_string(), &(y - step * 8).to_string()]);
                std::thread::sleep(Duration::from_millis(30));
            }
            std::thread::sleep(Duration::from_millis(300));
            xdotool(&["mouseup", "1"]);
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let still = c.find(Locator::Css("#result-img")).await.unwrap().is_displayed().await.unwrap();
        assert!(still, "the result is still shown after a drag let go over the window");
        assert_eq!(value(&field(&c, "Video link or file").await).await, source_before, "the GIF was not loaded as a video");
    });
}

/// Words allowed to stay in Latin letters in the Korean window: names, units, the time example.
const NAMES: &[&str] = &[
    "gifgrab", "GIF", "YouTube", "MB", "KB", "GB", "px", "fps", "Discord", "GitHub", "X", "Slack", "Firefox", "cookies", "txt",
    "Chrome", "Edge", "Windows", "Netscape", "yt", "dlp", "Shift", "URL", "long", "W", "H", "Y", "s",
    "http", "mp", "WebP", "MP",
];

/// Latin words in `text` that are not names: English left untranslated.
fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() > 1 && !NAMES.contains(w)).map(String::from).collect()
}

/// On a Korean system the window is Korean: every visible word (names aside), the progress,
/// the result's numbers and units; Settings switches to English, and the choice outlives a restart.
#[test]
fn the_window_speaks_korean_on_a_korean_system() {
    e2e_launching("the_window_speaks_korean_on_a_korean_system", &[("LANGUAGE", "ko"), ("LANG", "ko_KR.UTF-8")], |c, launcher| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        wait_text(&c, "#make-gif", UI_WAIT, "the window in Korean", |t| t == "GIF 만들기").await;
        let page = visible_text(&c, "body").await;
        assert!(english_words(&page).is_empty(), "English left in the Korean window: {:?}\n{page}", english_words(&page));
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-empty").await.expect("screenshot");

        // The Rust side's messages come in Korean too.
        enter_in(&c, "동영상 링크 또는 파일", "/no/such/video.mp4").await;
        let said = wait_text(&c, "#link-error", 30.0, "the message for a missing file", |t| !t.is_empty()).await;
        assert!(said.chars().any(|ch| ('가'..='힣').contains(&ch)), "the message is not Korean: {said}");
        enter_in(&c, "동영상 링크 또는 파일", &srv.url("long.mp4")).await;
        wait_text(&c, "#media-title", 30.0, "the media card", |t| t == "long").await;
        pick_range_in(&c, ["시작", "끝"], ["시작 프레임", "끝 프레임"], "1:00", "1:01").await;
        let estimate = wait_text(&c, "#estimate", 30.0, "the estimate in Korean", |t| t.contains("프레임") && t.contains('≈')).await;
        assert!(estimate.starts_with("약 15프레임"), "{estimate}");
        assert_eq!(visible_text(&c, "#length").await, "길이: 1.0초");
        let page = visible_text(&c, "body").await;
        assert!(english_words(&page).is_empty(), "English left in the Korean form: {:?}", english_words(&page));
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-form").await.expect("screenshot");

        button(&c, "GIF 만들기").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"완료\"", |t| t == "완료").await;
        let info = wait_text(&c, "#result-info", UI_WAIT, "the result's facts", |t| !t.is_empty()).await;
        assert!(info.contains("15프레임") && info.contains("1.0초") && info.contains("480×270"), "{info}");
        let page = visible_text(&c, "body").await;
        assert!(english_words(&page).is_empty(), "English left in the Korean result: {:?}", english_words(&page));
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-result").await.expect("screenshot");

        button(&c, "기록").await.click().await.expect("open History");
        let history = wait_text(&c, "#history", UI_WAIT, "the history in Korean", |t| t.contains("화질")).await;
        assert!(english_words(&history).is_empty(), "English left in the Korean history: {:?}\n{history}", english_words(&history));
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-history").await.expect("screenshot");
        button(&c, "닫기").await.click().await.expect("close History");
        button(&c, "설정").await.click().await.expect("open Settings");
        let settings = visible_text(&c, "#settings").await;
        assert!(english_words(&settings).is_empty(), "English left in the Korean Settings: {:?}", english_words(&settings));
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-settings").await.expect("screenshot");
        field(&c, "언어").await.select_by_label("English").await.expect("choose English");
        wait_text(&c, "#settings-heading", UI_WAIT, "Settings in English", |t| t == "Settings").await;
        button(&c, "Done").await.click().await.expect("close Settings");
        let info = visible_text(&c, "#result-info").await;
        assert!(info.contains("15 frames") && info.contains("1.0 s"), "the result redrawn in English: {info}");

        launcher.close(c).await;
        let c = launcher.session(&[]).await;
        wait_text(&c, "#make-gif", UI_WAIT, "the window in the chosen English", |t| t == "Make GIF").await;
        save_screenshot(&c, "the_window_speaks_korean_on_a_korean_system-english").await.expect("screenshot");
        launcher.close(c).await;
    });
}

/// History: a made and saved GIF is listed (its still, link, range, settings) after a restart;
/// Make again puts its link, range and settings back; Remove takes it away for good.
#[test]
fn history_lists_remakes_and_removes_a_gif() {
    e2e_launching("history_lists_remakes_and_removes_a_gif", &[], |c, launcher| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        let out_dir = TempDir::new("e2e-history");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "1:00", "1:01").await;
        field(&c, "Width").await.select_by_label("320 px").await.expect("choose 320 px");
        field(&c, "Top caption").await.send_keys("안녕").await.expect("type a caption");
        button(&c, "Make GIF").await.click().await.expect("click Make GIF");
        wait_text(&c, "[role=status]", 60.0, "the status \"Done\"", |t| t == "Done").await;
        button(&c, "Save as…").await.click().await.expect("click Save as…");
        let target = out_dir.path("kept.gif");
        let chosen = target.clone();
        run_blocking(move || answer_save_dialog(&chosen, "history_lists_remakes_and_removes_a_gif-dialog")).await;
        wait_text(&c, "[role=status]", 20.0, "the status \"Saved to …\"", |t| t.starts_with("Saved to")).await;

        launcher.close(c).await;
        let c = launcher.session(&[]).await;
        button(&c, "History").await.click().await.expect("open History");
        let row = wait_text(&c, "#history-list", UI_WAIT, "one GIF in the history", |t| t.contains("long")).await;
        assert!(row.contains(&srv.url("long.mp4")) && row.contains("1:00.0–1:01.0") && row.contains("320×180") && row.contains("15 fps"), "{row}");
        let still = wait_new_image(&c, "GIF from long", "", UI_WAIT).await;
        assert!(still.width > 0 && still.width <= 160, "a small still: {} px", still.width);
        let items = c.find_all(Locator::Css("#history-list li")).await.unwrap();
        assert_eq!(items.len(), 1, "one entry");
        save_screenshot(&c, "history_lists_remakes_and_removes_a_gif-list").await.expect("screenshot");

        button(&c, "Make again").await.click().await.expect("click Make again");
        wait_media_card(&c).await;
        assert_eq!(value(&field(&c, "Start").await).await, "1:00.0");
        assert_eq!(value(&field(&c, "End").await).await, "1:01.0");
        assert_eq!(value(&field(&c, "Width").await).await, "320");
        assert_eq!(value(&field(&c, "Top caption").await).await, "안녕");

        button(&c, "History").await.click().await.expect("open History");
        wait_text(&c, "#history-list", UI_WAIT, "the entry", |t| t.contains("long")).await;
        button(&c, "Remove").await.click().await.expect("click Remove");
        wait_for(UI_WAIT, "an empty history", async || {
            let n = c.find_all(Locator::Css("#history-list li")).await.map(|v| v.len()).unwrap_or(9);
            if n == 0 { Ok(()) } else { Err(format!("{n} entries")) }
        })
        .await;
        assert!(c.find(Locator::Css("#history-empty")).await.unwrap().is_displayed().await.unwrap(), "the empty note");
        launcher.close(c).await;
        let c = launcher.session(&[]).await;
        button(&c, "History").await.click().await.expect("open History");
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(c.find_all(Locator::Css("#history-list li")).await.unwrap().is_empty(), "removed for good");
        assert!(target.exists(), "removing from the history leaves the saved file");
        launcher.close(c).await;
    });
}

/// The window opens at the size it was closed at (its close button, as a window manager sends it).
#[test]
fn the_window_size_is_remembered() {
    e2e_launching("the_window_size_is_remembered", &[], |c, launcher| async move {
        let app = launcher.app_pid();
        let found = run_blocking(move || xdotool(&["search", "--pid", &app.to_string(), "--name", "^gifgrab$"])).await;
        let windows: Vec<u32> = found.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert!(!windows.is_empty(), "no gifgrab window of process {app}");
        let shown = run_blocking(move || xdotool(&["search", "--onlyvisible", "--pid", &app.to_string(), "--name", "^gifgrab$"])).await;
        let shown = shown.split_whitespace().next().expect("the shown window").to_string();
        run_blocking(move || xdotool(&["windowsize", "--sync", &shown, "1000", "760"])).await;
        // The page learns of the new size a moment after X has it.
        wait_for(5.0, "the window to take the new size", async || {
            let size = c.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
            if size == json!([1000, 760]) { Ok(()) } else { Err(format!("{size}")) }
        })
        .await;
        let closed = run_blocking(move || {
            eventually(8.0, || {
                windows.iter().for_each(|w| ask_to_close(*w));
                std::thread::sleep(Duration::from_millis(500));
                has_ended(app)
            })
        })
        .await;
        assert!(closed, "the app did not end when its window was asked to close");
        launcher.close(c).await;
        let c = launcher.session(&[]).await;
        let size = c.execute("return [window.innerWidth, window.innerHeight]", vec![]).await.unwrap();
        assert_eq!(size, json!([1000, 760]), "the window opens at the size it was closed at");
        launcher.close(c).await;
    });
}

/// Where an element's centre is on the X screen (scrolled into view first).
async fn screen_point(c: &Client, css: &str) -> (i32, i32) {
    let script = "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center'});
        const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];";
    c.execute(script, vec![json!(css)]).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rect = c.execute(script, vec![json!(css)]).await.unwrap();
    let window = xdotool(&["search", "--onlyvisible", "--name", "^gifgrab$"]).lines().next().unwrap().to_string();
    let geometry = xdotool(&["getwindowgeometry", "--shell", &window]);
    let at = |k: &str| geometry.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).unwrap().trim().parse::<f64>().unwrap();
    ((at("X") + rect[0].as_f64().unwrap()).round() as i32, (at("Y") + rect[1].as_f64().unwrap()).round() as i32)
}

/// A real pointer drag by `dx` pixels, in small steps, under X.
async fn x_drag(from: (i32, i32), dx: i32) {
    run_blocking(move || {
        xdotool(&["mousemove", "--sync", &from.0.to_string(), &from.1.to_string()]);
        xdotool(&["mousedown", "1"]);
        for step in 1..=12 {
            xdotool(&["mousemove", &(from.0 + dx * step / 12).to_string(), &from.1.to_string()]);
            std::thread::sleep(Duration::from_millis(25));
        }
        std::thread::sleep(Duration::from_millis(150));
        xdotool(&["mouseup", "1"]);
    })
    .await;
}

/// The timeline fills with keyframe thumbnails; dragging its handles with the X pointer moves
/// start and end (and their frames), the keys move the focused handle, hovering names the time.
#[test]
fn the_timeline_is_dragged_and_keyed_and_shows_the_moment() {
    e2e_launching("the_timeline_is_dragged_and_keyed_and_shows_the_moment", &[], |c, launcher| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        pick_range(&c, "2:00", "2:03").await;
        let filled = "return [...document.querySelectorAll('.timeline-cell')].filter(e => e.style.backgroundImage).length;";
        wait_for(60.0, "thumbnails on the timeline", async || {
            let n = c.execute(filled, vec![]).await.unwrap().as_u64().unwrap_or(0);
            if n >= 6 { Ok(n) } else { Err(format!("{n} cells painted")) }
        })
        .await;
        let note = wait_text(&c, "#timeline-note", 60.0, "the note on the thumbnails", |t| t.contains("fetched")).await;
        assert!(note.starts_with("Thumbnails from keyframes: ") && (note.ends_with(" MB fetched") || note.ends_with(" KB fetched")), "the note says what the thumbnails cost: {note:?}");
        save_screenshot(&c, "the_timeline_is_dragged_and_keyed_and_shows_the_moment-loaded").await.expect("screenshot");
        // The memory of the app with the strip shown (its WebKit processes included), for the README.
        let rss_mb = tree_rss(launcher.app_pid() as u32) as f64 / 1048576.0;
        eprintln!("e2e timeline: the app's process tree holds {rss_mb:.0} MB with the timeline shown");
        assert!(rss_mb < 1500.0, "{rss_mb:.0} MB with the timeline shown");

        // The track is 600 s wide: its width in pixels tells what a drag is worth.
        let width = c.execute("return document.getElementById('timeline-track').getBoundingClientRect().width;", vec![]).await.unwrap().as_f64().unwrap();
        let per_px = 600.0 / width;
        let end_frame = image(&c, "Frame at end").await.src;
        let end_at = screen_point(&c, "#timeline-end").await;
        x_drag(end_at, 40).await;
        let end = parse_shown(&value(&field(&c, "End").await).await);
        let want = 123.0 + 40.0 * per_px;
        assert!((end - want).abs() <= 2.0 * per_px + 0.1, "End after a 40 px drag: {end} (wanted about {want:.1})");
        wait_new_image(&c, "Frame at end", &end_frame, 30.0).await;

        let start_frame = image(&c, "Frame at start").await.src;
        let start_at = screen_point(&c, "#timeline-start").await;
        x_drag(start_at, -30).await;
        let start = parse_shown(&value(&field(&c, "Start").await).await);
        let want = 120.0 - 30.0 * per_px;
        assert!((start - want).abs() <= 2.0 * per_px + 0.1, "Start after a -30 px drag: {start} (wanted about {want:.1})");
        wait_new_image(&c, "Frame at start", &start_frame, 30.0).await;
        let length = visible_text(&c, "#length").await;
        assert_eq!(length, format!("Length: {:.1} s", end - start), "the length follows");

        // The keys on the focused handle: Right 0.1 s, Shift+Right 1 s, Left back.
        let handle = c.find(Locator::Css("#timeline-start")).await.unwrap();
        handle.send_keys(&Key::Right).await.unwrap();
        let after = parse_shown(&value(&field(&c, "Start").await).await);
        assert!((after - (start + 0.1)).abs() < 0.051, "Right moved Start {start} → {after}");
        handle.send_keys(&format!("{}{}", &*Key::Shift, &*Key::Right)).await.unwrap();
        let shifted = parse_shown(&value(&field(&c, "Start").await).await);
        assert!((shifted - (after + 1.0)).abs() < 0.051, "Shift+Right moved Start {after} → {shifted}");

        // Hovering shows the time under the pointer and a picture.
        let (tx, ty) = screen_point(&c, "#timeline-track").await;
        run_blocking(move || xdotool(&["mousemove", "--sync", &(tx + 1).to_string(), &ty.to_string()])).await;
        run_blocking(move || xdotool(&["mousemove", "--sync", &tx.to_string(), &ty.to_string()])).await;
        let hover = wait_text(&c, ".timeline-hover-time", UI_WAIT, "the hover time", |t| !t.is_empty()).await;
        let hovered = parse_shown(&hover);
        assert!((hovered - 300.0).abs() <= 2.0 * per_px + 0.1, "the middle of the track is about 5:00, the hover says {hover}");
        // The nearest thumbnail at once, then the exact frame once the pointer rests.
        wait_for(UI_WAIT, "the exact frame in the hover picture", async || {
            let pic = c.execute("const p = document.querySelector('.timeline-hover-pic'); return [p.style.backgroundImage, p.dataset.exact];", vec![]).await.unwrap();
            if pic[0].as_str().unwrap_or("").contains("blob:") && pic[1] == "true" { Ok(()) } else { Err(format!("{pic}")) }
        })
        .await;
        save_screenshot(&c, "the_timeline_is_dragged_and_keyed_and_shows_the_moment-hover").await.expect("screenshot");

        // A short moment again: the loop below is a few seconds' work, not the 50 s dragged out.
        pick_range(&c, "2:00", "2:03").await;
        // Zoomed around the moment, the scale reads the moment's neighbourhood.
        button(&c, "Zoom to the moment").await.click().await.unwrap();
        let scale = visible_text(&c, "#timeline-scale").await;
        assert!(!scale.starts_with("0:00.0") && !scale.ends_with("10:00.0"), "zoomed scale {scale:?}");
        // The button waits for the frame previews of the keyed Start (slow on a loaded machine).
        let play = button(&c, "Play the moment").await;
        wait_for(UI_WAIT, "\"Play the moment\" to be enabled", async || {
            if play.is_enabled().await.unwrap_or(false) { Ok(()) } else { Err("disabled".to_string()) }
        })
        .await;
        play.click().await.unwrap();
        // On a time-out, what the window said instead (the button, the note under the strip).
        let said = "return [document.getElementById('play-moment').textContent, document.getElementById('moment-loop-error').textContent];";
        let shown = wait_for(60.0, "the moment's loop", async || {
            let img = image(&c, "The moment, playing as a loop").await;
            if img.displayed && img.src.starts_with("blob:") && img.width > 0 { Ok(img) } else { Err(format!("{img:?}; {}", c.execute(said, vec![]).await.unwrap())) }
        })
        .await;
        assert!(shown.width > 0 && shown.width <= 320, "a small loop: {shown:?}");
        save_screenshot(&c, "the_timeline_is_dragged_and_keyed_and_shows_the_moment-zoomed").await.expect("screenshot");
    });
}

/// "2:03.4" → 123.4.
fn parse_shown(text: &str) -> f64 {
    text.trim().split(':').fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or_else(|_| panic!("not a time: {text:?}")))
}

/// The queue: moments added from the form are made one after another while the form stays
/// in use, each with its own progress and cancel; a finished one opens as the result.
#[test]
fn queued_gifs_are_made_in_turn_each_with_its_own_cancel() {
    e2e("queued_gifs_are_made_in_turn_each_with_its_own_cancel", |c| async move {
        let srv = TestServer::start(media_dir()).expect("test server");
        load_video(&c, &srv.url("long.mp4")).await;
        for (start, end) in [("1:00", "1:01"), ("2:00", "2:02"), ("3:00", "3:03")] {
            pick_range(&c, start, end).await;
            button(&c, "Add to queue").await.click().await.expect("click Add to queue");
        }
        let items = "return [...document.querySelectorAll('.queue-item')].map(i => [i.dataset.state, i.querySelector('.queue-label').textContent, i.querySelector('.queue-status').textContent]);";
        let listed = c.execute(items, vec![]).await.unwrap();
        assert_eq!(listed.as_array().unwrap().len(), 3, "three in the queue: {listed}");
        assert!(listed[0][1].as_str().unwrap().contains("1:00.0–1:01.0"), "{listed}");
        // The third is cancelled while it waits (or runs); the form is still usable meanwhile.
        let third_cancel = c.find(Locator::Css(".queue-item:nth-child(3) button:nth-of-type(2)")).await.unwrap();
        assert_eq!(third_cancel.text().await.unwrap(), "Cancel");
        third_cancel.click().await.unwrap();
        assert!(field(&c, "Start").await.is_enabled().await.unwrap(), "the form stays usable while the queue runs");
        let done = wait_for(120.0, "the first two made", async || {
            let got = c.execute(items, vec![]).await.unwrap();
            let states: Vec<String> = got.as_array().unwrap().iter().map(|i| i[0].as_str().unwrap_or("").to_string()).collect();
            if states == ["done", "done", "cancelled"] { Ok(got) } else { Err(format!("{got}")) }
        })
        .await;
        assert!(done[1][2].as_str().unwrap().starts_with("Done · "), "a finished one says its size: {done}");
        save_screenshot(&c, "queued_gifs_are_made_in_turn_each_with_its_own_cancel-queue").await.expect("screenshot");
        c.find(Locator::Css(".queue-item:nth-child(2) button")).await.unwrap().click().await.unwrap();
        let gif = wait_new_image(&c, "Your GIF", "", UI_WAIT).await;
        assert_eq!(gif.width, 480);
        let info = visible_text(&c, "#result-info").await;
        assert!(info.contains("30 frames") && info.contains("2.0 s"), "the second GIF (2 s at 15 fps) shows: {info:?}");
    });
}
