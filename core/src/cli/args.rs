//! The command line's grammar (clap) and its translation into one job: a source and a `GifSpec`.

use crate::edits::{self, Aspect, Crop, Direction, Edits, TextStyle};
use crate::error::{Error, Msg, Setting};
use crate::render::output::Format;
use crate::source::cookies::{self, SignIn};
use crate::spec::{self, GifSpec};
use clap::Parser;
use std::path::PathBuf;

/// A range from a start alone, as the window makes it.
pub const DEFAULT_LENGTH: f64 = 3.0;

/// Slack's emoji: 128 KB, in a 128×128 box.
const SLACK_EMOJI_SIDE: u32 = 128;
const NOT_FOR_UPDATES: [&str; 2] = ["update_yt_dlp", "version"];

#[derive(Debug, Parser)]
#[command(
    name = "gifgrab",
    about = "Paste a video link, pick the moment, get a beautiful GIF.",
    override_usage = "gifgrab <SOURCE> --start <TIME> --end <TIME> [OPTIONS]\n       gifgrab --update-yt-dlp [stable|nightly]\n       gifgrab --version",
    after_help = "Run gifgrab with no arguments to open the app. Exit codes: 0 done, 1 failed, 2 bad arguments, 130 interrupted."
)]
pub struct Cli {
    /// A video link (YouTube, any site yt-dlp knows, a direct .mp4/.webm/.m3u8 link) or a local file
    #[arg(value_name = "SOURCE", required_unless_present_any = NOT_FOR_UPDATES)]
    pub source: Option<String>,
    /// Seconds (83.25), m:ss[.fff] or h:mm:ss[.fff]; the clip is 0.1 to 60 s long. Without
    /// --start and --end a YouTube clip link's own part is made, or 3 s from a link's t=
    #[arg(short, long, value_name = "TIME", value_parser = time, allow_hyphen_values = true)]
    pub start: Option<f64>,
    /// The end, in the same forms as --start (without it: 3 s after the start)
    #[arg(short, long, value_name = "TIME", value_parser = time, allow_hyphen_values = true)]
    pub end: Option<f64>,
    /// Output width in pixels (0 keeps the source width; never upscales) [default: 480; 128 for slack-emoji]
    #[arg(short, long, value_name = "PX", value_parser = width, allow_hyphen_values = true)]
    pub width: Option<u32>,
    /// Frames per second
    #[arg(short = 'r', long, value_name = "N", default_value_t = GifSpec::default().fps, value_parser = fps, allow_hyphen_values = true)]
    pub fps: u32,
    /// Quality, 1-100
    #[arg(short, long, value_name = "1-100", default_value_t = GifSpec::default().quality.into(), value_parser = quality, allow_hyphen_values = true)]
    pub quality: u64,
    /// Play once instead of looping forever (the same as --loops 1)
    #[arg(long, conflicts_with = "loops")]
    pub once: bool,
    /// How many times the GIF plays: forever, once, or a number
    #[arg(long, value_name = "N|forever", value_parser = plays)]
    pub loops: Option<u16>,
    /// Crop to W:H:X:Y, in the video's pixels (as the app shows its size), before scaling
    #[arg(long, value_name = "W:H:X:Y", value_parser = crop)]
    pub crop: Option<Crop>,
    /// Crop to a shape around the centre: 1:1, 4:5, 16:9, 9:16 …
    #[arg(long, value_name = "W:H", value_parser = aspect, conflicts_with = "crop")]
    pub aspect: Option<Aspect>,
    /// Playback speed, 0.25 to 4 (2 = twice as fast); the GIF keeps its frame rate
    #[arg(long, value_name = "X", value_parser = speed, allow_hyphen_values = true)]
    pub speed: Option<f64>,
    /// Play backwards
    #[arg(long, conflicts_with = "bounce")]
    pub reverse: bool,
    /// Play forwards, then backwards
    #[arg(long)]
    pub bounce: bool,
    /// A caption at the top (any language: Latin, Hangul, kana, Han)
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub text_top: Option<String>,
    /// A caption at the bottom
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub text_bottom: Option<String>,
    /// The captions' look: meme (bold white, black outline) or plain (a sans on a dark band)
    #[arg(long, value_name = "STYLE", value_enum, default_value_t = TextStyle::Meme)]
    pub text_style: TextStyle,
    /// Burn in subtitles: a language of the video's own (en, ko; a site's automatic captions
    /// too), or an .srt, .vtt or .ass file
    #[arg(long, value_name = "LANG|FILE")]
    pub subs: Option<String>,
    /// The file: .gif, .webp (animated WebP) or .mp4 (silent H.264), made from the same frames;
    /// or a folder for the default name "<title> <start>-<end>.gif" (default: the current folder)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists
    #[arg(short = 'y', long)]
    pub overwrite: bool,
    /// Fit under a size: 10MB, 128KB (decimal units) or discord, github, x, slack-emoji (128 KB
    /// in a 128×128 box; for .webp and .mp4 the GIF is fitted, and the file made from it must fit
    /// too, at a lower WebP quality or MP4 CRF if need be); quality, then frame rate, then width
    /// are lowered as needed, and the change is shown
    #[arg(long, value_name = "SIZE", allow_hyphen_values = true)]
    pub max_size: Option<String>,
    /// Print the GIF's estimated size (from a few sample windows) and write nothing
    #[arg(long)]
    pub estimate: bool,
    /// Fetch every byte from the server: skip the cache of fetched ranges (in ~/.cache/gifgrab/media,
    /// or $GIFGRAB_CACHE_DIR) that lets a re-make with other settings fetch nothing
    #[arg(long)]
    pub no_cache: bool,
    /// Sign in with a Netscape cookies.txt file (YouTube's bot check, age gate, members-only videos)
    #[arg(long, value_name = "FILE", conflicts_with = "cookies_from_browser")]
    pub cookies: Option<PathBuf>,
    /// Sign in with a browser's cookies: firefox or firefox:PROFILE (Chrome on Windows cannot be read)
    #[arg(long, value_name = "BROWSER[:PROFILE]")]
    pub cookies_from_browser: Option<String>,
    /// Fetch the newest official yt-dlp (video support) into gifgrab's data folder: stable or nightly
    #[arg(long, value_name = "CHANNEL", num_args = 0..=1, default_missing_value = "", exclusive = true)]
    pub update_yt_dlp: Option<String>,
    /// gifgrab's version and the versions of yt-dlp, deno and ffmpeg in use
    #[arg(short = 'V', long, exclusive = true)]
    pub version: bool,
}

/// One GIF to make, checked: what the pipeline needs from the command line.
#[derive(Debug)]
pub struct Job {
    pub source: String,
    pub spec: GifSpec,
    pub output: Option<PathBuf>,
    pub overwrite: bool,
    pub estimate: bool,
    pub sign_in: SignIn,
    /// No --start or --end: the link's own part (a clip, a t=) sets the range.
    pub range_from_link: bool,
    /// No --end: 3 s from the start, cut at the video's end.
    pub end_is_default: bool,
}

impl Cli {
    /// The job, or a usage error (exit 2).
    pub fn job(self) -> Result<Job, Error> {
        let Some(source) = self.source else {
            return Err(Msg::MissingArguments.into());
        };
        // As the window does: a start alone makes 3 s; neither waits for the link's own part.
        let (start, end, range_from_link) = match (self.start, self.end) {
            (Some(start), Some(end)) => (start, end, false),
            (Some(start), None) => (start, start + DEFAULT_LENGTH, false),
            (None, None) => (0.0, DEFAULT_LENGTH, true),
            (None, Some(_)) => return Err(Msg::MissingArguments.into()),
        };
        let slack = self.max_size.as_deref().is_some_and(|m| m.trim().eq_ignore_ascii_case("slack-emoji"));
        let spec = GifSpec {
            start,
            end,
            // Slack's emoji fit in 128×128: that preset sets the width unless one is given, and
            // caps the height (a portrait video comes out 72×128).
            width: self.width.unwrap_or(if slack { SLACK_EMOJI_SIDE } else { GifSpec::default().width }),
            max_height: slack.then_some(SLACK_EMOJI_SIDE),
            fps: self.fps,
            // Out of u8's range is out of 1-100 too: let the spec's check say so.
            quality: u8::try_from(self.quality).unwrap_or(u8::MAX),
            plays: if self.once { 1 } else { self.loops.unwrap_or(0) },
            max_bytes: self.max_size.as_deref().map(spec::parse_size).transpose()?,
            edits: Edits {
                crop: self.crop,
                aspect: self.aspect,
                speed: self.speed.unwrap_or(1.0),
                direction: match (self.reverse, self.bounce) {
                    (true, _) => Direction::Reverse,
                    (_, true) => Direction::Bounce,
                    _ => Direction::Forward,
                },
                text_top: self.text_top.unwrap_or_default(),
                text_bottom: self.text_bottom.unwrap_or_default(),
                text_style: self.text_style,
                subs: self.subs,
            },
        };
        spec.validate()?;
        if let Some(browser) = &self.cookies_from_browser {
            cookies::check_browser(browser)?;
        }
        if let Some(file) = self.output.as_ref().filter(|o| !o.is_dir()) {
            Format::of_path(file)?;
        }
        let sign_in = SignIn { cookies_file: self.cookies, browser: self.cookies_from_browser };
        let end_is_default = self.end.is_none();
        Ok(Job { source, spec, output: self.output, overwrite: self.overwrite, estimate: self.estimate, sign_in, range_from_link, end_is_default })
    }
}

/// The error itself, not its text: the CLI finds it again behind clap's (see `cli::main`).
fn plays(text: &str) -> Result<u16, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "forever" | "infinite" | "0" => Ok(0),
        "once" => Ok(1),
        n => n.parse::<u16>().map_err(|_| Msg::NotPlays { text: text.trim().to_string() }.into()),
    }
}

/// A whole number ("15" or "15.0"); anything else names the setting and its form.
fn whole(text: &str, setting: Setting) -> Result<u64, Error> {
    let t = text.trim();
    let value = t.parse::<u64>().ok().or_else(|| t.parse::<f64>().ok().filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v < 1e12).map(|v| v as u64));
    value.ok_or_else(|| Msg::NotWhole { setting, text: t.to_string() }.into())
}

fn width(text: &str) -> Result<u32, Error> {
    let width = whole(text, Setting::Width)?;
    u32::try_from(width).map_err(|_| Msg::WidthTooLarge { width }.into())
}

fn fps(text: &str) -> Result<u32, Error> {
    whole(text, Setting::Fps).map(|f| u32::try_from(f).unwrap_or(u32::MAX))
}

fn quality(text: &str) -> Result<u64, Error> {
    whole(text, Setting::Quality)
}

fn crop(text: &str) -> Result<Crop, Error> {
    edits::parse_crop(text)
}

fn aspect(text: &str) -> Result<Aspect, Error> {
    edits::parse_aspect(text)
}

fn speed(text: &str) -> Result<f64, Error> {
    edits::parse_speed(text)
}

fn time(text: &str) -> Result<f64, Error> {
    spec::parse_time(text)
}
