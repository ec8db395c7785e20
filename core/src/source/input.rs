//! What ffmpeg opens, as the look-up found it: where, with which headers, from which link,
//! when it may be read and until when; and how its pictures' brightness is coded.
//! Its own module so that look-up, probe and decode share it without depending on each other.

/// What ffmpeg opens: a media URL with the headers the site wants, or a local file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Input {
    pub location: String,
    pub headers: Vec<(String, String)>,
    pub remote: bool,
    /// Servers that ignore Range break seeking: then ffmpeg reads from the top, no seeks.
    pub plain_requests: bool,
    /// The link the user gave (a page link for yt-dlp's finds): the one server besides
    /// public hosts that the network guard lets ffmpeg reach. Empty: the location itself.
    pub origin: String,
    /// The media host answers only from this Unix time on (YouTube's pre-roll wait).
    pub available_at: Option<f64>,
    /// The signed URL stops working at this Unix time (`expire=`).
    pub expires_at: Option<u64>,
    /// Which file this is, for the byte cache, when the URL alone does not say (a site's
    /// signed URLs change on each look-up: its video and rendition do not). None: the URL.
    pub cache_key: Option<String>,
}

impl Input {
    /// A link straight to media, read as it is.
    pub(crate) fn direct_link(url: &str) -> Input {
        Input { location: url.to_string(), remote: true, ..Input::default() }
    }

    /// Whether the signed URL still works for at least `margin` seconds more.
    pub fn fresh_for(&self, margin: u64) -> bool {
        self.expires_at.is_none_or(|at| crate::source::wait::unix_now() + margin as f64 <= at as f64)
    }
}

/// How the stream's brightness is coded: SDR, or one of the HDR curves that need tone mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transfer {
    #[default]
    Sdr,
    /// HDR10 and Dolby Vision's HDR10 base layer (SMPTE ST 2084).
    Pq,
    /// Hybrid log-gamma (ARIB STD-B67): what phones record by default.
    Hlg,
}

impl Transfer {
    /// From ffmpeg's colour words (`yuv420p10le(tv, bt2020nc/bt2020/smpte2084)`) or yt-dlp's
    /// `dynamic_range` ("HDR10", "HLG", "DV").
    pub fn from_words(text: &str) -> Transfer {
        let t = text.to_ascii_lowercase();
        if t.contains("arib-std-b67") || t.contains("hlg") {
            Transfer::Hlg
        } else if t.contains("smpte2084") || t.contains("hdr10") || t == "hdr" || t == "dv" || t.contains("hdr12") {
            Transfer::Pq
        } else {
            Transfer::Sdr
        }
    }
}

