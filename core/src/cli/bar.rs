//! Progress on stderr: a live bar on a terminal, plain lines otherwise.

use crate::pipeline::{self, Progress};
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// Progress on stderr: a live bar on a terminal, plain lines (each stage, each 10 %) otherwise.
pub struct Bar {
    live: bool,
    last: Mutex<(Option<pipeline::Stage>, u64)>,
}

impl Bar {
    pub fn new() -> Bar {
        Bar { live: std::io::stderr().is_terminal(), last: Mutex::new((None, 0)) }
    }

    pub fn show(&self, p: &Progress) {
        let pct = p.fraction().map(|f| (f * 100.0).round() as u64);
        let mut last = match self.last.lock() {
            Ok(l) => l,
            Err(_) => return,
        };
        let mut err = std::io::stderr().lock();
        if self.live {
            let filled = pct.unwrap_or(0) as usize / 5;
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled.min(20)));
            let _ = write!(err, "\r\x1b[2K[{bar}] {:>3}% {}", pct.unwrap_or(0), crate::text::progress(p));
        } else {
            let decile = pct.unwrap_or(0) / 10;
            if last.0 != Some(p.stage) || decile != last.1 {
                let _ = match pct {
                    Some(pct) => writeln!(err, "{:?}: {pct}% {}", p.stage, crate::text::progress(p)),
                    None => writeln!(err, "{:?}: {}", p.stage, crate::text::progress(p)),
                };
            }
            *last = (Some(p.stage), decile);
        }
        let _ = err.flush();
    }

    pub fn clear(&self) {
        if self.live {
            eprint!("\r\x1b[2K");
        }
    }
}
