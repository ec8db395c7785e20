//! The one error type: every failure a user can meet, each with a kind the UI can act on.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidLink(String),
    #[error("{0}")]
    InvalidTime(String),
    #[error("{0}")]
    InvalidOption(String),
    #[error("{0}")]
    EndBeforeStart(String),
    #[error("{0}")]
    RangeTooShort(String),
    #[error("{0}")]
    RangeTooLong(String),
    #[error("{0}")]
    StartPastEnd(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    SignInRequired(String),
    #[error("{0}")]
    Network(String),
    #[error("{0}")]
    LiveStream(String),
    #[error("{0}")]
    NoVideo(String),
    /// The bundled yt-dlp is too old for the site: an update of video support may help.
    #[error("{0}")]
    Outdated(String),
    /// The site's page said something gifgrab has no better words for.
    #[error("{0}")]
    SiteError(String),
    #[error("{0}")]
    BadMedia(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Sidecar(String),
    #[error("{0}")]
    DiskFull(String),
    #[error("{0}")]
    NotWritable(String),
    #[error("{0}")]
    OutputExists(String),
    #[error("Cancelled.")]
    Cancelled,
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A stable, machine-readable name for the UI and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidLink(_) => "invalid_link",
            Error::InvalidTime(_) => "invalid_time",
            Error::InvalidOption(_) => "invalid_option",
            Error::EndBeforeStart(_) => "end_before_start",
            Error::RangeTooShort(_) => "range_too_short",
            Error::RangeTooLong(_) => "range_too_long",
            Error::StartPastEnd(_) => "start_past_end",
            Error::NotFound(_) => "not_found",
            Error::Forbidden(_) => "forbidden",
            Error::SignInRequired(_) => "sign_in_required",
            Error::Network(_) => "network",
            Error::LiveStream(_) => "live_stream",
            Error::NoVideo(_) => "no_video",
            Error::Outdated(_) => "outdated",
            Error::SiteError(_) => "site_error",
            Error::BadMedia(_) => "bad_media",
            Error::TooLarge(_) => "too_large",
            Error::Sidecar(_) => "sidecar",
            Error::DiskFull(_) => "disk_full",
            Error::NotWritable(_) => "not_writable",
            Error::OutputExists(_) => "output_exists",
            Error::Cancelled => "cancelled",
            Error::Internal(_) => "internal",
        }
    }

    /// Errors in what the user typed (the CLI exits 2 for these).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Error::InvalidLink(_)
                | Error::InvalidTime(_)
                | Error::InvalidOption(_)
                | Error::EndBeforeStart(_)
                | Error::RangeTooShort(_)
                | Error::RangeTooLong(_)
        )
    }

    /// Maps a file-system error while writing `what` to the kind a user can act on.
    pub fn from_write(e: &std::io::Error, what: &std::path::Path) -> Error {
        let place = what.display();
        use std::io::ErrorKind as K;
        // The standard library's kinds, not errno values: Windows' codes differ (ERROR_DISK_FULL …).
        match e.kind() {
            K::StorageFull | K::QuotaExceeded => {
                Error::DiskFull(format!("The disk is full while writing {place}. Free some space or choose another folder."))
            }
            K::ReadOnlyFilesystem | K::PermissionDenied => Error::NotWritable(format!(
                "Cannot write to {place}: the folder is read-only or you lack permission. Choose another folder."
            )),
            K::NotFound | K::NotADirectory => {
                Error::NotWritable(format!("Cannot write {place}: the folder does not exist."))
            }
            _ => Error::NotWritable(format!("Cannot write {place}: {e}.")),
        }
    }
}

impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Error", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn write_failures_get_the_kind_a_user_can_act_on() {
        let kind = |code| Error::from_write(&std::io::Error::from_raw_os_error(code), std::path::Path::new("/x/a.gif")).kind();
        for (code, want) in [
            (libc::ENOSPC, "disk_full"),
            (libc::EDQUOT, "disk_full"),
            (libc::EROFS, "not_writable"),
            (libc::EACCES, "not_writable"),
            (libc::EPERM, "not_writable"),
            (libc::ENOENT, "not_writable"),
        ] {
            assert_eq!(kind(code), want, "errno {code}");
        }
        let full = Error::from_write(&std::io::Error::from_raw_os_error(libc::ENOSPC), std::path::Path::new("/x/a.gif"));
        assert!(full.to_string().contains("/x/a.gif"), "{full}");
    }
}
