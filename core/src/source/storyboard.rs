//! A site's storyboard: the sprite sheets of tiny frames YouTube lists as `sb*` formats, which
//! give a timeline its thumbnails for a few kilobytes each instead of seeking in the video.

/// One level of a storyboard: sheets of `columns`×`rows` tiles of `tile_width`×`tile_height`,
/// one tile every `interval` seconds from the start.
#[derive(Debug, Clone, PartialEq)]
pub struct Storyboard {
    pub tile_width: u32,
    pub tile_height: u32,
    pub columns: u32,
    pub rows: u32,
    pub interval: f64,
    /// The sheets' URLs in order (sheet k starts at tile k·columns·rows).
    pub sheets: Vec<String>,
    pub headers: Vec<(String, String)>,
}

/// A storyboard format as yt-dlp lists it (`format_note: storyboard`, `protocol: mhtml`).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Listed {
    format_note: Option<String>,
    protocol: Option<String>,
    width: Option<f64>,
    height: Option<f64>,
    rows: Option<f64>,
    columns: Option<f64>,
    fps: Option<f64>,
    #[serde(default)]
    fragments: Vec<Fragment>,
    http_headers: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

#[derive(Debug, Default, Clone, serde::Deserialize)]
struct Fragment {
    url: Option<String>,
    duration: Option<f64>,
}

/// Tiles this wide are sharp on the timeline's strip and its hover picture; smaller levels only
/// when none is this large.
const WANTED_TILE_WIDTH: u32 = 160;

/// The level best for a timeline among yt-dlp's formats: the smallest at least
/// `WANTED_TILE_WIDTH` wide, else the largest. None when the site lists no usable storyboard.
pub fn pick(formats: &[Listed]) -> Option<Storyboard> {
    let levels: Vec<Storyboard> = formats.iter().filter_map(level).collect();
    let wide = levels.iter().filter(|l| l.tile_width >= WANTED_TILE_WIDTH).min_by_key(|l| l.tile_width);
    wide.or_else(|| levels.iter().max_by_key(|l| l.tile_width)).cloned()
}

fn level(f: &Listed) -> Option<Storyboard> {
    let is_storyboard = f.format_note.as_deref() == Some("storyboard") || f.protocol.as_deref() == Some("mhtml");
    if !is_storyboard {
        return None;
    }
    let whole = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 1.0 && *v <= 10_000.0).map(|v| v as u32);
    let (tile_width, tile_height, columns, rows) = (whole(f.width)?, whole(f.height)?, whole(f.columns)?, whole(f.rows)?);
    let sheets: Vec<String> = f
        .fragments
        .iter()
        .map(|fr| fr.url.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")))
        .collect::<Option<_>>()?;
    if sheets.is_empty() || sheets.len() > 10_000 {
        return None;
    }
    let per_sheet = (columns * rows) as f64;
    // yt-dlp's fps is tiles per second; without it the first sheet's duration says the same.
    let interval = match f.fps.filter(|x| x.is_finite() && *x > 0.0) {
        Some(fps) => 1.0 / fps,
        None => f.fragments[0].duration.filter(|d| d.is_finite() && *d > 0.0)? / per_sheet,
    };
    let headers = f.http_headers.as_ref().map(|h| super::fetch::clean_headers(h)).unwrap_or_default();
    Some(Storyboard { tile_width, tile_height, columns, rows, interval, sheets, headers })
}

impl Storyboard {
    pub fn tiles_per_sheet(&self) -> u32 {
        self.columns * self.rows
    }

    /// The sheet and the tile in it nearest to `at` seconds.
    pub fn tile_at(&self, at: f64) -> (usize, u32) {
        let index = (at.max(0.0) / self.interval).round() as u64;
        let per = self.tiles_per_sheet() as u64;
        let sheet = ((index / per) as usize).min(self.sheets.len() - 1);
        let tile = if sheet as u64 == index / per { (index % per) as u32 } else { self.tiles_per_sheet() - 1 };
        (sheet, tile)
    }

    /// The time tile `tile` of sheet `sheet` shows.
    pub fn time_of(&self, sheet: usize, tile: u32) -> f64 {
        (sheet as u64 * self.tiles_per_sheet() as u64 + tile as u64) as f64 * self.interval
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(json: &str) -> Vec<Listed> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn picks_the_level_near_the_wanted_size_and_reads_its_times() {
        let formats = listed(
            r#"[{"format_id":"sb2","format_note":"storyboard","protocol":"mhtml","width":48,"height":27,"rows":10,"columns":10,"fps":0.1,
                 "fragments":[{"url":"https://i.ytimg.com/sb/x/L0/M0.jpg","duration":1000}]},
                {"format_id":"sb0","format_note":"storyboard","protocol":"mhtml","width":160,"height":90,"rows":5,"columns":5,
                 "fragments":[{"url":"https://i.ytimg.com/sb/x/L2/M0.jpg","duration":50},{"url":"https://i.ytimg.com/sb/x/L2/M1.jpg","duration":50}],
                 "http_headers":{"User-Agent":"UA"}},
                {"format_id":"137","vcodec":"avc1","width":1920,"height":1080,"url":"https://v"}]"#,
        );
        let sb = pick(&formats).unwrap();
        assert_eq!((sb.tile_width, sb.tile_height, sb.columns, sb.rows, sb.sheets.len()), (160, 90, 5, 5, 2));
        assert_eq!(sb.interval, 2.0);
        assert_eq!(sb.headers, vec![("User-Agent".to_string(), "UA".to_string())]);
        assert_eq!(sb.tile_at(0.9), (0, 0));
        assert_eq!(sb.tile_at(50.9), (1, 0));
        assert_eq!(sb.tile_at(1e6), (1, 24), "past the end: the last tile");
        assert_eq!(sb.time_of(1, 3), 56.0);
    }

    #[test]
    fn no_storyboard_or_a_broken_one_is_none() {
        assert!(pick(&listed(r#"[{"format_id":"18","width":640,"height":360}]"#)).is_none());
        let local = r#"[{"format_note":"storyboard","width":160,"height":90,"rows":5,"columns":5,"fps":1,"fragments":[{"url":"file:///etc/passwd"}]}]"#;
        assert!(pick(&listed(local)).is_none(), "only web addresses");
        let no_rows = r#"[{"format_note":"storyboard","width":160,"height":90,"columns":5,"fps":1,"fragments":[{"url":"https://a/b"}]}]"#;
        assert!(pick(&listed(no_rows)).is_none());
    }
}
