//! How many pictures a finished GIF holds: gifski merges identical frames into one longer one,
//! so the count of frames fed to it is not what a viewer shows.

use std::path::Path;

/// The frames of the GIF at `path`, read without decoding their pixels; None if unreadable.
pub fn count(path: &Path) -> Option<u64> {
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let file = std::io::BufReader::new(std::fs::File::open(path).ok()?);
    let mut decoder = options.read_info(file).ok()?;
    let mut frames = 0;
    while decoder.read_next_frame().ok()?.is_some() {
        frames += 1;
    }
    Some(frames)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_the_frames_in_the_file_and_refuses_broken_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("three.gif");
        let mut gif = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut gif, 2, 2, &[0, 0, 0, 255, 255, 255]).unwrap();
            for pixel in [0u8, 1, 0] {
                enc.write_frame(&gif::Frame::from_indexed_pixels(2, 2, vec![pixel; 4], None)).unwrap();
            }
        }
        std::fs::write(&path, &gif).unwrap();
        assert_eq!(super::count(&path), Some(3));
        std::fs::write(&path, b"GIF89a").unwrap();
        assert_eq!(super::count(&path), None);
        assert_eq!(super::count(&dir.path().join("none.gif")), None);
    }
}
