//! gifgrab's developer commands: `cargo xtask run | test | setup | bundle | bench`.
//! Set-up lives here, in Rust, so a fresh clone needs only cargo, Python 3 and Node.

mod fonts;
mod media;
mod peers;
mod sh;
mod sidecars;
mod system;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <run|test|setup|bundle>
  run     set up what is missing, build and open the gifgrab window
  test    set up what is missing (test tools and media too), build, run every test
  setup   only install what is missing (add --test for the test tools and media;
          --target TRIPLE: that system's sidecars, format-checked, for its bundle)
  bundle  build the installable Linux package (.deb) with the sidecars inside
  bench   time gifgrab against other ways to make a GIF (--quick: one case, one run; --rate MBIT;
          --quality: bytes against SSIMULACRA 2 beside gifski, ffmpeg's best recipes and gifsicle;
          --effects: what each edit (crop, speed, reverse, bounce, captions, subtitles) costs;
          --remake: re-makes with and without the byte cache, and the timeline's timings)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("setup") => match target_arg(&args) {
            // Another system's sidecars only (for its bundle); no packages, media or driver here.
            Ok(Some(target)) => sidecars::ensure_all(Some(&target)).and_then(|_| fonts::ensure()),
            Ok(None) => setup(args.iter().any(|a| a == "--test")).map(|_| ()),
            Err(e) => Err(e),
        },
        Some("bundle") => bundle(),
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask sits one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent").to_path_buf()
}

/// Downloads, builds and generated media are cached outside the clone, so a fresh clone is warm.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GIFGRAB_DEV_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    base.join("gifgrab-dev")
}

/// `--target TRIPLE` (or `--target=TRIPLE`) after `setup`.
fn target_arg(args: &[String]) -> Result<Option<String>> {
    for (i, a) in args.iter().enumerate() {
        if let Some(t) = a.strip_prefix("--target=") {
            return Ok(Some(t.to_string()));
        }
        if a == "--target" {
            return args.get(i + 1).cloned().map(Some).ok_or_else(|| "--target needs a triple".into());
        }
    }
    Ok(None)
}

pub struct Setup {
    pub media_dir: PathBuf,
}

fn setup(for_tests: bool) -> Result<Setup> {
    let started = std::time::Instant::now();
    system::ensure_packages(for_tests)?;
    sidecars::ensure_all(None)?;
    fonts::ensure()?;
    let media_dir = if for_tests {
        let dir = media::ensure_all()?;
        system::ensure_tauri_driver()?;
        dir
    } else {
        PathBuf::new()
    };
    eprintln!("xtask: set-up ready in {:.0} s", started.elapsed().as_secs_f64());
    Ok(Setup { media_dir })
}

fn run(extra: &[String]) -> Result {
    setup(false)?;
    let mut cmd = sh::cargo();
    cmd.args(["run", "--package", "gifgrab", "--"]).args(extra);
    sh::run(&mut cmd)
}

fn test(extra: &[String]) -> Result {
    let s = setup(true)?;
    let root = root();
    // The end-to-end tests drive the built app, so build it before any test runs.
    sh::run(sh::cargo().args(["build", "--package", "gifgrab", "--package", "gifgrab-core"]))?;
    let target = sh::target_dir();
    let mut cmd = if std::env::var_os("DISPLAY").is_some() {
        sh::cargo()
    } else {
        // The tests that open windows need a display: give them a virtual one.
        let mut c = std::process::Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1280x1024x24", "cargo"]);
        c
    };
    cmd.args(["test", "--workspace", "--no-fail-fast"])
        .args(extra)
        .env("GIFGRAB_MEDIA_DIR", &s.media_dir)
        .env("GIFGRAB_SIDECAR_DIR", target.join("debug"))
        .env("GIFGRAB_APP_BIN", target.join("debug").join("gifgrab"))
        .env("GIFGRAB_TAURI_DRIVER", system::tauri_driver_path())
        .current_dir(&root);
    sh::run(&mut cmd)
}

fn bench(extra: &[String]) -> Result {
    let s = setup(true)?;
    // Timings mean nothing in a debug build.
    sh::run(sh::cargo().args(["build", "--release", "--package", "gifgrab", "--package", "gifgrab-core"]))?;
    let release = sh::target_dir().join("release");
    let mut cmd = sh::cargo();
    // --quality: bytes against SSIMULACRA 2 beside the best of the field, instead of timings.
    let quality = extra.iter().any(|a| a == "--quality");
    if quality {
        system::ensure_bench_packages()?;
    }
    // --effects: what each edit costs against the plain GIF.
    let effects = extra.iter().any(|a| a == "--effects");
    // --remake: many GIFs from one video with and without the byte cache, and the timeline.
    let remake = extra.iter().any(|a| a == "--remake");
    let bin = if quality { "quality" } else if effects { "effects" } else if remake { "remake" } else { "bench" };
    cmd.args(["run", "--release", "--quiet", "--package", "gifgrab-tests", "--bin", bin, "--"])
        .args(extra.iter().filter(|a| !["--quality", "--effects", "--remake"].contains(&a.as_str())))
        .env("GIFGRAB_MEDIA_DIR", &s.media_dir)
        .env("GIFGRAB_SIDECAR_DIR", &release)
        .env("GIFGRAB_APP_BIN", release.join("gifgrab"));
    // moviepy is optional: without it (no network for PyPI) its row is left out.
    match peers::moviepy_python() {
        Ok(python) => {
            cmd.env("GIFGRAB_BENCH_MOVIEPY", python);
        }
        Err(e) => eprintln!("xtask: no moviepy row: {e}"),
    }
    sh::run(&mut cmd)
}

fn bundle() -> Result {
    setup(false)?;
    let cli = system::ensure_tauri_cli()?;
    let mut cmd = std::process::Command::new(cli);
    cmd.args(["build", "--bundles", "deb"]).current_dir(root().join("src-tauri"));
    sh::run(&mut cmd)?;
    let debs = sh::target_dir().join("release/bundle/deb");
    eprintln!("xtask: package written under {}", debs.display());
    Ok(())
}
