//! The one error type: every failure a user can meet, each with a kind the UI can act on.

mod en;
mod ko;
mod msg;

pub use msg::{Doing, InUse, Msg, Setting, SizeProblem};

use std::sync::atomic::{AtomicU8, Ordering};

/// A language the messages are worded in. The CLI and logs are always English; the app sends
/// its messages in the window's language (`set_ui_language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ko,
}

/// The language serialized errors carry in `message`: process-wide, English until set.
static UI_LANGUAGE: AtomicU8 = AtomicU8::new(Lang::En as u8);

/// Sets the language of the `message` the UI gets from now on (`messageEn` stays English).
pub fn set_ui_language(lang: Lang) {
    UI_LANGUAGE.store(lang as u8, Ordering::Relaxed);
}

/// The language set by `set_ui_language` (English by default).
pub fn ui_language() -> Lang {
    match UI_LANGUAGE.load(Ordering::Relaxed) {
        x if x == Lang::Ko as u8 => Lang::Ko,
        _ => Lang::En,
    }
}

/// A failure: its message, which knows its kind and its English text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", en::text(.0))]
pub struct Error(pub Msg);

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Msg> for Error {
    fn from(msg: Msg) -> Error {
        Error(msg)
    }
}

impl Error {
    /// A stable, machine-readable name for the UI and tests.
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// Which message this is, stabler than its words (see `Msg::code`).
    pub fn code(&self) -> String {
        self.0.code()
    }

    pub fn msg(&self) -> &Msg {
        &self.0
    }

    /// The message worded in `lang` (`Display` is always English).
    pub fn text_in(&self, lang: Lang) -> String {
        match lang {
            Lang::En => en::text(&self.0),
            Lang::Ko => ko::text(&self.0),
        }
    }

    /// Errors in what the user typed (the CLI exits 2 for these).
    pub fn is_usage(&self) -> bool {
        matches!(
            self.kind(),
            "invalid_link" | "invalid_time" | "invalid_option" | "end_before_start" | "range_too_short" | "range_too_long"
        )
    }

    /// Maps a file-system error while writing `what` to the kind a user can act on.
    pub fn from_write(e: &std::io::Error, what: &std::path::Path) -> Error {
        let place = what.display().to_string();
        use std::io::ErrorKind as K;
        // The standard library's kinds, not errno values: Windows' codes differ (ERROR_DISK_FULL …).
        Error(match e.kind() {
            K::StorageFull | K::QuotaExceeded => Msg::DiskFull { place },
            K::ReadOnlyFilesystem | K::PermissionDenied => Msg::ReadOnly { place },
            K::NotFound | K::NotADirectory => Msg::NoFolder { place },
            _ => Msg::WriteFailed { place, detail: e.to_string() },
        })
    }
}

/// What the UI gets: `{kind, code, args, message, messageEn}`: `message` in the UI language
/// (`set_ui_language`), `messageEn` always English (for logs and bug reports).
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            kind: &'static str,
            #[serde(flatten)]
            msg: &'a Msg,
            message: String,
            #[serde(rename = "messageEn")]
            message_en: String,
        }
        let message_en = self.text_in(Lang::En);
        let message = match ui_language() {
            Lang::En => message_en.clone(),
            lang => self.text_in(lang),
        };
        serde::Serialize::serialize(&Wire { kind: self.kind(), msg: &self.0, message, message_en }, s)
    }
}

#[cfg(test)]
mod tests;
