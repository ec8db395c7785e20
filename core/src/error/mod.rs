//! The one error type: every failure a user can meet, each with a kind the UI can act on.

mod en;
mod msg;

pub use msg::{Doing, InUse, Msg, SizeProblem};

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

/// What the UI gets: `{kind, code, args, message}` (the English message until the UI words its own).
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Wire<'a> {
            kind: &'static str,
            #[serde(flatten)]
            msg: &'a Msg,
            message: String,
        }
        serde::Serialize::serialize(&Wire { kind: self.kind(), msg: &self.0, message: self.to_string() }, s)
    }
}

#[cfg(test)]
mod tests;
