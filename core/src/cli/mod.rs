//! The headless command line: `gifgrab <SOURCE> --start T --end T [options]`, a thin adapter
//! over the pipeline. Exit 0 on success, 2 on bad arguments, 1 on other failures, 130 when interrupted.

mod args;
mod bar;

use crate::error::{Error, Msg};
use crate::os::process::CancelToken;
use crate::pipeline::{self, Request, Target};
use crate::render::convert;
use crate::render::output::Format;
use crate::tools::sidecars::Sidecars;
use args::{Cli, Job};
use bar::Bar;
use clap::Parser;
use std::ffi::OsString;
use std::path::PathBuf;

pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(std::iter::once(OsString::from("gifgrab")).chain(args)) {
        Ok(cli) => cli,
        Err(e) => {
            // A value our own parser refused (a time) carries our error behind clap's words.
            if let Some(ours) = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<Error>()) {
                json_line(ours);
            }
            let _ = e.print();
            // --help is no error; everything else clap reports is a usage error.
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if cli.version {
        return print_versions();
    }
    if let Some(channel) = &cli.update_yt_dlp {
        return update_ytdlp(Some(channel.as_str()).filter(|c| !c.is_empty()));
    }
    let cache = if cli.no_cache { None } else { crate::source::cache::default_root() };
    crate::source::cache::configure(cache, crate::source::cache::default_limit());
    let job = match cli.job() {
        Ok(job) => job,
        Err(e) => {
            json_line(&e);
            eprintln!("error: {e}\n\nFor more information, try '--help'.");
            return 2;
        }
    };
    match run(job) {
        Ok(()) => 0,
        Err(e @ Error(Msg::Cancelled)) => {
            json_line(&e);
            eprintln!("\nerror: cancelled; nothing was written");
            130
        }
        Err(e) => {
            // Only the command line has --overwrite; the app's Save dialog asks instead.
            let hint = if matches!(e.msg(), Msg::OutputExists { .. }) { " Or pass --overwrite to replace it." } else { "" };
            json_line(&e);
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
            json_line(&e);
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
            let channel = Channel::parse(name).ok_or_else(|| Msg::UpdateChannel { name: name.to_string() })?;
            let data = ytdlp_update::data_dir().ok_or(Msg::NoDataFolderHome)?;
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
        Err(e @ Error(Msg::Cancelled)) => {
            json_line(&e);
            130
        }
        Err(e) => {
            json_line(&e);
            eprintln!("error: {e}");
            if e.is_usage() { 2 } else { 1 }
        }
    }
}

/// With GIFGRAB_ERROR_JSON set (to anything but empty or 0), an error also goes to stderr as one JSON line (kind, code,
/// args, message) before its text: scripts and tests tell errors apart without reading words.
fn json_line(e: &Error) {
    if std::env::var_os("GIFGRAB_ERROR_JSON").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("{}", serde_json::to_string(e).unwrap_or_default());
    }
}

/// `-o FOLDER` puts the default name in that folder; `-o name` without an extension gets `.gif`.
fn target_of(output: Option<PathBuf>) -> Target {
    match output {
        // `-o clips/` names a folder even before it exists (then said missing, not `clips.gif`).
        Some(dir) if dir.is_dir() || dir.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR) || dir.as_os_str().to_string_lossy().ends_with('/') => {
            Target::DefaultNameIn(dir)
        }
        Some(mut file) => {
            if crate::render::output::extension(&file).is_none() {
                file = crate::render::output::with_gif_added(&file);
            }
            Target::File(file)
        }
        None => Target::DefaultNameIn(PathBuf::from(".")),
    }
}

fn run(args: Job) -> Result<(), Error> {
    let parsed = crate::source::link::parse_source(&args.source)?;
    let source = parsed.source.clone();
    let sidecars = Sidecars::locate()?;
    let target = target_of(args.output);
    let cancel = CancelToken::new();
    let on_signal = cancel.clone();
    // Ctrl-C cancels the job: children die, temp files go, we exit 130.
    let _ = ctrlc::set_handler(move || on_signal.cancel());
    let req_limit = args.spec.max_bytes;
    let mut req = Request { spec: args.spec, overwrite: args.overwrite, sign_in: args.sign_in };
    // A clip link is looked up for its range; the GIF is then made from that same answer.
    let mut located = None;
    if args.range_from_link {
        let range;
        (range, located) = link_range(&sidecars, &parsed, &req, &cancel)?;
        (req.spec.start, req.spec.end) = range;
    }
    // A clip names its own end; otherwise the 3 s from a start stop where the video does.
    let cut_at_end = args.end_is_default && !located.as_ref().is_some_and(|m: &crate::source::probe::Media| m.section.is_some());
    req.spec.validate()?;
    if args.estimate {
        let media = match located {
            Some(media) => crate::source::probe::complete(&sidecars, media, &cancel)?,
            None => crate::source::probe::probe(&sidecars, &source, &req.fit(), &cancel)?,
        };
        let guess = within_video(cut_at_end, &mut req, |req| pipeline::estimate(&sidecars, &media, req, &cancel))?;
        println!("{}", size_range(guess.low, guess.high));
        match (&guess.cannot_fit, req_limit) {
            (Some(e), _) => eprintln!("{e}"),
            (None, Some(limit)) if guess.middle() > limit => {
                eprintln!("Over {} as set: making it would lower the quality, frame rate or width to fit.", crate::render::fit::show_bytes(limit))
            }
            (None, Some(limit)) if guess.high > limit => eprintln!(
                "Close to {} as set: making it checks, and lowers the quality, frame rate or width if need be.",
                crate::render::fit::show_bytes(limit)
            ),
            (None, Some(limit)) => eprintln!("Fits under {} as set.", crate::render::fit::show_bytes(limit)),
            _ => {}
        }
        eprintln!("{}; nothing was written", frames(guess.frames));
        return Ok(());
    }
    let bar = Bar::new();
    let format = match &target {
        Target::File(file) => Format::of_path(file)?.unwrap_or(Format::Gif),
        Target::DefaultNameIn(_) => Format::Gif,
    };
    let (made, gif_bytes) = within_video(cut_at_end, &mut req, |req| match (&target, format) {
        (Target::File(file), Format::Webp | Format::Mp4) => converted(&sidecars, &source, located.as_ref(), req, file, format, &cancel, &bar),
        _ => Ok((make(&sidecars, &source, located.as_ref(), req, &target, &cancel, &bar)?, None)),
    })?;
    bar.clear();
    let path = made.path.strip_prefix("./").unwrap_or(&made.path);
    if let Some(limit) = req_limit {
        let changed = made.fitted.as_deref().unwrap_or("no change needed");
        eprintln!("Fits under {}: {changed} ({} encode{})", crate::render::fit::show_bytes(limit), made.encodes, if made.encodes == 1 { "" } else { "s" });
    }
    let from_gif = gif_bytes.map(|b| format!("; the GIF was {}", human_size(b))).unwrap_or_default();
    eprintln!(
        "Saved {} ({}, {}, {}×{}, {:.2} s{from_gif})",
        path.display(),
        human_size(made.bytes),
        frames(made.frames),
        made.width,
        made.height,
        made.duration
    );
    Ok(())
}

/// `-o clip.webp` / `-o clip.mp4`: the GIF is made as ever, in a private work folder, then
/// converted from its frames. A size limit fits the GIF, and the converted file must fit too.
fn converted(
    sidecars: &Sidecars,
    source: &crate::source::link::Source,
    located: Option<&crate::source::probe::Media>,
    req: &Request,
    file: &std::path::Path,
    format: Format,
    cancel: &CancelToken,
    bar: &Bar,
) -> Result<(pipeline::Made, Option<u64>), Error> {
    pipeline::refuse_existing(file, req.overwrite)?;
    let work = crate::session::scratch_folder()?;
    let gif = make(sidecars, source, located, req, &Target::File(work.path().join("clip.gif")), cancel, bar)?;
    bar.show(&pipeline::Progress { stage: pipeline::Stage::Converting, done: 0, total: 0, site: None });
    let out = convert::convert(sidecars, &gif.path, format, file, req.overwrite, req.spec.max_bytes, cancel)?;
    // What fitting changed, the GIF's settings and then the WebP's or MP4's own.
    let fitted = match (gif.fitted.clone(), out.fitted) {
        (Some(a), Some(b)) => Some(format!("{a}, {b}")),
        (a, b) => a.or(b),
    };
    let made = pipeline::Made { path: file.to_path_buf(), bytes: out.bytes, width: out.width, height: out.height, fitted, ..gif.clone() };
    Ok((made, Some(gif.bytes)))
}

/// `work` for `req`; a start alone asks for 3 s, and near the video's end gets what is left of
/// them (the length is known once the work has looked, which says it in its refusal).
fn within_video<T>(cut_at_end: bool, req: &mut Request, mut work: impl FnMut(&Request) -> Result<T, Error>) -> Result<T, Error> {
    match work(req) {
        Err(Error(Msg::EndPastEnd { length, .. })) if cut_at_end && length > req.spec.start => {
            req.spec.end = length;
            req.spec.validate()?;
            work(req)
        }
        other => other,
    }
}

/// The GIF, from the video already looked up if there is one.
fn make(
    sidecars: &Sidecars,
    source: &crate::source::link::Source,
    located: Option<&crate::source::probe::Media>,
    req: &Request,
    target: &Target,
    cancel: &CancelToken,
    bar: &Bar,
) -> Result<pipeline::Made, Error> {
    match located {
        Some(media) => pipeline::make_gif_of(sidecars, media, req, target, cancel, &|p| bar.show(&p)),
        None => pipeline::make_gif(sidecars, source, req, target, cancel, &|p| bar.show(&p)),
    }
}

/// The part a link names when no --start/--end were given: a YouTube clip's (asked of the
/// site, whose answer comes back too), or 3 s from its `t=`.
fn link_range(
    sidecars: &Sidecars,
    parsed: &crate::source::link::ParsedSource,
    req: &Request,
    cancel: &CancelToken,
) -> Result<((f64, f64), Option<crate::source::probe::Media>), Error> {
    if let Some(start) = parsed.start_hint {
        return Ok(((start, start + args::DEFAULT_LENGTH), None));
    }
    let media = match &parsed.source {
        crate::source::link::Source::Url(url) if !crate::source::link::is_direct_media(url) => {
            crate::source::probe::locate(sidecars, &parsed.source, &req.fit(), cancel)?
        }
        _ => return Err(Msg::MissingArguments.into()),
    };
    let (start, end) = media.section.ok_or(Error::from(Msg::MissingArguments))?;
    Ok(((start, end.min(start + crate::spec::MAX_LENGTH)), Some(media)))
}

/// "1.6–2.1 MB", or one size when the range is exact.
pub fn size_range(low: u64, high: u64) -> String {
    if low == high {
        return format!("{} (exact)", human_size(low));
    }
    let (lo, hi) = (human_size(low), human_size(high));
    // The unit once when both ends share it, as the window shows it.
    match (lo.rsplit_once(' '), hi.rsplit_once(' ')) {
        _ if lo == hi => format!("about {lo}"),
        (Some((number, unit)), Some((_, other))) if unit == other => format!("about {number}–{hi}"),
        _ => format!("about {lo} – {hi}"),
    }
}

pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// "1 frame", "45 frames".
fn frames(n: u64) -> String {
    if n == 1 { "1 frame".into() } else { format!("{n} frames") }
}
