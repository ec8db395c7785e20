//! Text for people: user input quoted back safely, and the CLI's progress lines.

use crate::pipeline::{Progress, Stage};

/// "Encoding 42 of 75 frames…": the CLI's words for a progress report (the window has its own).
pub fn progress(p: &Progress) -> String {
    match p.stage {
        Stage::Probing => "Looking up the video…".into(),
        Stage::Waiting => format!(
            "{} asks every viewer to wait {} s before the video plays…",
            p.site.as_deref().unwrap_or("The video site"),
            p.total.saturating_sub(p.done)
        ),
        Stage::Sizing => "Choosing settings that fit the size limit…".into(),
        Stage::Fetching => "Reading the video…".into(),
        Stage::Encoding => format!("Encoding {} of {} frames…", p.done, p.total),
        Stage::Saving => "Saving…".into(),
        Stage::Converting => "Converting…".into(),
        Stage::Done => "Done".into(),
    }
}

/// Shortens and de-controls user text before quoting it back in a message.
pub fn printable(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 80 {
        format!("{}…", clean.chars().take(80).collect::<String>())
    } else {
        clean
    }
}
