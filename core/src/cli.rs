//! The headless command line: `gifgrab <SOURCE> --start T --end T [options]`.
//! Exit 0 on success, 2 on bad arguments, 1 on other failures, 130 when interrupted.

use crate::clip::{self, Options};
use crate::source::cookies::SignIn;
use crate::error::Error;
use crate::pipeline::{self, Progress, Request, Target};
use crate::os::process::CancelToken;
use crate::tools::sidecars::Sidecars;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

const USAGE: &str = "usage: gifgrab <SOURCE> --start <TIME> --end <TIME> [--width <PX>] [--fps <N>] [--quality <1-100>] [--once] [-o, --output <FILE>] [--overwrite]
                [--cookies <FILE> | --cookies-from-browser <BROWSER[:PROFILE]>]
       gifgrab --update-yt-dlp [stable|nightly]
       gifgrab --version

  SOURCE          a video link (YouTube, any site yt-dlp knows, a direct .mp4/.webm/.m3u8 link) or a local file
  --start, --end  seconds (83.25), m:ss[.fff] or h:mm:ss[.fff]; the clip is 0.1 to 60 s long
  --width         output width in pixels (default 480; 0 keeps the source width; never upscales)
  --fps           frames per second (default 15)
  --quality       1-100 (default 90)
  --once          play once instead of looping forever
  -o, --output    the GIF file (default: \"<title> <start>-<end>.gif\" in the current folder)
  --overwrite     replace the output file if it exists
  --cookies       sign in with a Netscape cookies.txt file (for YouTube's bot check, age gate, members-only videos)
  --cookies-from-browser  sign in with a browser's cookies, e.g. firefox or firefox:PROFILE (Chrome on Windows cannot be read)
  --update-yt-dlp fetch the newest official yt-dlp (video support) into gifgrab's data folder
  --version       gifgrab's version and the versions of yt-dlp, deno and ffmpeg in use

Run gifgrab with no arguments to open the app.";

#[derive(Debug)]
struct Args {
    source: String,
    start: f64,
    end: f64,
    options: Options,
    output: Option<PathBuf>,
    overwrite: bool,
    sign_in: SignIn,
}

pub fn main(args: Vec<OsString>) -> i32 {
    let args: Vec<String> = match args.into_iter().map(|a| a.into_string()).collect() {
        Ok(a) => a,
        Err(_) => return usage_error("arguments must be valid UTF-8 text"),
    };
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    if args.iter().any(|a| a == "-V" || a == "--version") {
        return print_versions();
    }
    if let Some(i) = args.iter().position(|a| a == "--update-yt-dlp") {
        return update_ytdlp(args.get(i + 1).map(String::as_str));
    }
    let parsed = match parse_args(&args) {
        Ok(p) => p,
        Err(msg) => return usage_error(&msg),
    };
    match run(parsed) {
        Ok(()) => 0,
        Err(Error::Cancelled) => {
            eprintln!("\nerror: cancelled; nothing was written");
            130
        }
        Err(e) => {
            // Only the command line has --overwrite; the app's Save dialog asks instead.
            let hint = if matches!(e, Error::OutputExists(_)) { " Or pass --overwrite to replace it." } else { "" };
            eprintln!("\nerror: {e}{hint}");
            if e.is_usage() {
                2
            } else {
                1
            }
        }
    }
}

/// gifgrab's version and the sidecars' in use.
fn print_versions() -> i32 {
    println!("gifgrab {}", env!("CARGO_PKG_VERSION"));
    match Sidecars::locate() {
        Ok(sidecars) => {
            let v = crate::tools::sidecars::versions(&sidecars);
            let unknown = || "unknown (does not run)".to_string();
            println!("yt-dlp {} ({})", v.ytdlp.unwrap_or_else(unknown), v.ytdlp_source);
            println!("deno {}", v.deno.unwrap_or_else(unknown));
            println!("ffmpeg {}", v.ffmpeg.unwrap_or_else(unknown));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// `--update-yt-dlp [stable|nightly]`: fetches the newest official yt-dlp into the data folder.
fn update_ytdlp(channel: Option<&str>) -> i32 {
    use crate::tools::ytdlp_update::{self, Channel};
    let result = (|| {
        let sidecars = Sidecars::locate()?;
        if let Some(name) = channel {
            let channel = Channel::parse(name).ok_or_else(|| Error::InvalidOption(format!("--update-yt-dlp takes stable or nightly (got \"{}\")", clip::printable(name))))?;
            let data = ytdlp_update::data_dir().ok_or_else(|| Error::NotWritable("gifgrab cannot find its data folder (no HOME).".into()))?;
            ytdlp_update::set_channel(&data, channel)?;
        }
        let cancel = CancelToken::new();
        let on_signal = cancel.clone();
        let _ = ctrlc::set_handler(move || on_signal.cancel());
        eprintln!("Updating video support (yt-dlp)…");
        ytdlp_update::update(&sidecars, &cancel)
    })();
    match result {
        Ok(u) if u.changed => {
            eprintln!("Updated yt-dlp {} → {} ({} channel)", u.previous.as_deref().unwrap_or("bundled"), u.version, u.channel.name());
            0
        }
        Ok(u) => {
            eprintln!("yt-dlp {} is the newest on the {} channel", u.version, u.channel.name());
            0
        }
        Err(Error::Cancelled) => 130,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_usage() { 2 } else { 1 }
        }
    }
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}\n\n{USAGE}");
    2
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut source = None;
    let (mut start, mut end, mut output) = (None, None, None);
    let mut options = Options::default();
    let mut overwrite = false;
    let mut sign_in = SignIn::default();
    let mut i = 0;
    let mut rest_are_sources = false;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") && !rest_are_sources => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            _ if rest_are_sources || !flag.starts_with('-') || flag == "-" => {
                if source.replace(arg.clone()).is_some() {
                    return Err(format!("only one SOURCE can be given (got another: {})", clip::printable(arg)));
                }
            }
            "--" => rest_are_sources = true,
            "--start" | "-s" => start = Some(time(&value("--start")?)?),
            "--end" | "-e" => end = Some(time(&value("--end")?)?),
            "--width" | "-w" => options.width = number(&value("--width")?, "--width")?,
            "--fps" | "-r" => options.fps = number(&value("--fps")?, "--fps")?,
            // Out of u8's range is out of 1-100 too: let validation say so, not the parser.
            "--quality" | "-q" => options.quality = u8::try_from(number::<u64>(&value("--quality")?, "--quality")?).unwrap_or(u8::MAX),
            "--output" | "-o" => output = Some(PathBuf::from(value("--output")?)),
            "--cookies" => sign_in.cookies_file = Some(PathBuf::from(value("--cookies")?)),
            "--cookies-from-browser" => sign_in.browser = Some(value("--cookies-from-browser")?),
            "--overwrite" | "-y" | "--once" if inline.is_some() => {
                return Err(format!("{flag} takes no value (got {})", clip::printable(arg)))
            }
            "--overwrite" | "-y" => overwrite = true,
            "--once" => options.loop_forever = false,
            _ => return Err(format!("unknown option {}", clip::printable(arg))),
        }
        i += 1;
    }
    let source = source.ok_or("missing SOURCE: give a video link or file")?;
    let start = start.ok_or("missing --start")?;
    let end = end.ok_or("missing --end")?;
    clip::validate_range(start, end).map_err(|e| e.to_string())?;
    options.validate().map_err(|e| e.to_string())?;
    if let Some(browser) = &sign_in.browser {
        crate::source::cookies::check_browser(browser).map_err(|e| e.to_string())?;
    }
    if sign_in.cookies_file.is_some() && sign_in.browser.is_some() {
        return Err("use either --cookies or --cookies-from-browser, not both".into());
    }
    if let Some(ext) = output.as_ref().filter(|o| !o.is_dir()).and_then(|o| o.extension()) {
        if !ext.eq_ignore_ascii_case("gif") {
            return Err(format!(
                "gifgrab writes GIF files only: name the output .gif (got .{})",
                clip::printable(&ext.to_string_lossy())
            ));
        }
    }
    Ok(Args { source, start, end, options, output, overwrite, sign_in })
}

/// `-o FOLDER` puts the default name in that folder; `-o name` without an extension gets `.gif`.
fn target_of(output: Option<PathBuf>) -> Target {
    match output {
        Some(dir) if dir.is_dir() => Target::DefaultNameIn(dir),
        Some(mut file) => {
            if file.extension().is_none() {
                file.set_extension("gif");
            }
            Target::File(file)
        }
        None => Target::DefaultNameIn(PathBuf::from(".")),
    }
}

fn time(text: &str) -> Result<f64, String> {
    clip::parse_time(text).map_err(|e| e.to_string())
}

fn number<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String> {
    text.trim().parse().map_err(|_| format!("{name} must be a whole number (got \"{}\")", clip::printable(text)))
}

fn run(args: Args) -> Result<(), Error> {
    let source = clip::parse_source(&args.source)?.source;
    let sidecars = Sidecars::locate()?;
    let target = target_of(args.output);
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    // Ctrl-C cancels the job: children die, temp files go, we exit 130.
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    let bar = Bar::new();
    let req = Request { start: args.start, end: args.end, options: args.options, overwrite: args.overwrite, sign_in: args.sign_in };
    let made = pipeline::make_gif(&sidecars, &source, &req, &target, &cancel, &|p| bar.show(&p))?;
    bar.clear();
    let path = made.path.strip_prefix("./").unwrap_or(&made.path);
    eprintln!(
        "Saved {} ({}, {} frames, {}×{}, {:.2} s)",
        path.display(),
        human_size(made.bytes),
        made.frames,
        made.width,
        made.height,
        made.duration
    );
    Ok(())
}

pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Progress on stderr: a live bar on a terminal, plain lines (each stage, each 10 %) otherwise.
struct Bar {
    live: bool,
    last: Mutex<(Option<pipeline::Stage>, u64)>,
}

impl Bar {
    fn new() -> Bar {
        Bar { live: std::io::stderr().is_terminal(), last: Mutex::new((None, 0)) }
    }

    fn show(&self, p: &Progress) {
        let pct = p.fraction().map(|f| (f * 100.0).round() as u64);
        let mut last = match self.last.lock() {
            Ok(l) => l,
            Err(_) => return,
        };
        let mut err = std::io::stderr().lock();
        if self.live {
            let filled = pct.unwrap_or(0) as usize / 5;
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled.min(20)));
            let _ = write!(err, "\r\x1b[2K[{bar}] {:>3}% {}", pct.unwrap_or(0), p.text);
        } else {
            let decile = pct.unwrap_or(0) / 10;
            if last.0 != Some(p.stage) || decile != last.1 {
                let _ = match pct {
                    Some(pct) => writeln!(err, "{:?}: {pct}% {}", p.stage, p.text),
                    None => writeln!(err, "{:?}: {}", p.stage, p.text),
                };
            }
            *last = (Some(p.stage), decile);
        }
        let _ = err.flush();
    }

    fn clear(&self) {
        if self.live {
            eprint!("\r\x1b[2K");
        }
    }
}
