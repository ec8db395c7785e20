//! A second LZW pass over a finished GIF: each pixel may be written as any palette colour within
//! `loss` of what the GIF shows there (the error of the pixel before carried into it, as error
//! diffusion does), and an unchanged pixel as either transparency or a colour,
//! whichever extends the current LZW string. Written here because gifski's and gifsicle's lossy
//! LZW count transparency against a colour as maximally different (they do not look beneath it).

use rgb::RGB8;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

mod lzw;
use lzw::{encode, Image};

/// The GIF re-encoded; `loss` is the largest squared RGB error allowed for one pixel.
pub fn squeeze(gif: &[u8], loss: u32) -> std::io::Result<Vec<u8>> {
    let mut s = Squeezer::new(Vec::with_capacity(gif.len()), loss);
    s.write_all(gif)?;
    s.finish()
}

/// A writer that squeezes a GIF streamed into it, frame by frame as each one's bytes are complete,
/// into `inner`. Blocks other than images pass through as they are; a GIF it does not handle
/// (interlaced, a disposal other than keep, a broken block) passes through from there on.
pub struct Squeezer<W: Write> {
    inner: W,
    loss: u32,
    pending: Vec<u8>,
    state: State,
    written: Arc<AtomicU64>,
}

enum State {
    Header,
    /// `intended` and `shown` are None where no frame has painted yet.
    Blocks { width: usize, height: usize, global: Vec<RGB8>, intended: Vec<Pixel>, shown: Vec<Pixel>, transparent: Option<u8>, keeps: bool },
    PassThrough,
}

impl<W: Write> Squeezer<W> {
    /// With `loss` 0 it only passes bytes on (exact, it would make gifski's GIFs 1–2 % larger).
    pub fn new(inner: W, loss: u32) -> Self {
        let state = if loss == 0 { State::PassThrough } else { State::Header };
        Squeezer { inner, loss, pending: Vec::new(), state, written: Arc::new(AtomicU64::new(0)) }
    }

    /// Bytes written to `inner` so far, readable from another thread.
    pub fn written(&self) -> Arc<AtomicU64> {
        self.written.clone()
    }

    /// Writes what is left over (a truncated GIF as it came) and hands back `inner`.
    pub fn finish(mut self) -> std::io::Result<W> {
        let rest = std::mem::take(&mut self.pending);
        self.emit(&rest)?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    fn emit(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        write_counted(&mut self.inner, &self.written, bytes)
    }

    /// Writes the first `n` pending bytes on as they are.
    fn emit_pending(&mut self, n: usize) -> std::io::Result<()> {
        write_counted(&mut self.inner, &self.written, &self.pending[..n])?;
        self.pending.drain(..n);
        Ok(())
    }

    /// Handles every complete block at the front of `pending`.
    fn drain(&mut self) -> std::io::Result<()> {
        loop {
            let step = match &mut self.state {
                State::PassThrough => Step::Pass(self.pending.len()),
                State::Header => header(&self.pending),
                State::Blocks { .. } => self.block(),
            };
            match step {
                Step::NeedMore => return Ok(()),
                Step::Pass(n) => {
                    self.emit_pending(n)?;
                    if self.pending.is_empty() {
                        return Ok(());
                    }
                }
                Step::Start { len, width, height, global } => {
                    self.emit_pending(len)?;
                    let unpainted = vec![None; width * height];
                    self.state = State::Blocks { width, height, global, intended: unpainted.clone(), shown: unpainted, transparent: None, keeps: true };
                }
                Step::Replace { len, with } => {
                    self.pending.drain(..len);
                    self.emit(&with)?;
                }
                Step::GiveUp => self.state = State::PassThrough,
            }
        }
    }

    /// The next block: an extension (a graphic control one noted), an image (squeezed), the end.
    fn block(&mut self) -> Step {
        let State::Blocks { width, height, global, intended, shown, transparent, keeps } = &mut self.state else { return Step::GiveUp };
        let b = &self.pending;
        match b.first() {
            None => Step::NeedMore,
            Some(0x3B) => Step::Pass(b.len()),
            Some(0x21) => {
                let Some(len) = sub_blocks_end(b, 2) else { return Step::NeedMore };
                if b.get(1) == Some(&0xF9) && b.len() >= 8 && b[2] == 4 {
                    *transparent = (b[3] & 1 == 1).then_some(b[6]);
                    *keeps = matches!((b[3] >> 2) & 7, 0 | 1);
                }
                Step::Pass(len)
            }
            Some(0x2C) => {
                if b.len() < 11 {
                    return Step::NeedMore;
                }
                let le = |i: usize| usize::from(u16::from_le_bytes([b[i], b[i + 1]]));
                let (left, top, fw, fh, flags) = (le(1), le(3), le(5), le(7), b[9]);
                let local_len = if flags & 0x80 != 0 { 3 << ((flags & 7) + 1) } else { 0 };
                let data = 10 + local_len;
                let Some(len) = sub_blocks_end(b, data + 1) else { return Step::NeedMore };
                let interlaced = flags & 0x40 != 0;
                if interlaced || !*keeps || left + fw > *width || top + fh > *height || fw * fh == 0 {
                    return Step::GiveUp;
                }
                let pal: Vec<RGB8> = if local_len > 0 { colours(&b[10..data]) } else { global.clone() };
                let min_code_size = b[data];
                let mut packed = Vec::with_capacity(len);
                let mut i = data + 1;
                while b[i] != 0 {
                    packed.extend_from_slice(&b[i + 1..i + 1 + usize::from(b[i])]);
                    i += 1 + usize::from(b[i]);
                }
                let Some(given) = unpack(&packed, min_code_size, fw * fh) else { return Step::GiveUp };
                if pal.is_empty() || given.iter().any(|&g| usize::from(g) >= pal.len()) {
                    return Step::GiveUp;
                }
                let at = |i: usize| (top + i / fw) * *width + left + i % fw;
                let mut target = Vec::with_capacity(fw * fh);
                let mut under = Vec::with_capacity(fw * fh);
                for (i, &idx) in given.iter().enumerate() {
                    let p = at(i);
                    if Some(idx) != *transparent {
                        intended[p] = Some(pal[usize::from(idx)]);
                    }
                    target.push(intended[p]);
                    under.push(shown[p]);
                }
                let image = Image::new(&pal, *transparent, &given, &target, &under);
                let (lzw, chosen) = encode(&image, min_code_size, self.loss);
                // A frame the squeeze would not make smaller stays as gifski wrote it.
                let smaller = lzw.len() + lzw.len().div_ceil(255) + 2 < len - data;
                for (i, &c) in (if smaller { &chosen } else { &given }).iter().enumerate() {
                    if Some(c) != *transparent {
                        shown[at(i)] = Some(pal[usize::from(c)]);
                    }
                }
                *transparent = None;
                *keeps = true;
                if !smaller {
                    return Step::Pass(len);
                }
                let mut with = b[..data].to_vec();
                with.push(min_code_size);
                for chunk in lzw.chunks(255) {
                    with.push(chunk.len() as u8);
                    with.extend_from_slice(chunk);
                }
                with.push(0);
                Step::Replace { len, with }
            }
            Some(_) => Step::GiveUp,
        }
    }
}

impl<W: Write> Write for Squeezer<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // Passing through (no squeeze, or a GIF it does not handle): no copy on the way.
        if matches!(self.state, State::PassThrough) && self.pending.is_empty() {
            self.emit(buf)?;
            return Ok(buf.len());
        }
        self.pending.extend_from_slice(buf);
        self.drain()?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes `bytes` on and adds them to the count of bytes written.
fn write_counted(inner: &mut impl Write, written: &AtomicU64, bytes: &[u8]) -> std::io::Result<()> {
    inner.write_all(bytes)?;
    written.fetch_add(bytes.len() as u64, Ordering::Relaxed);
    Ok(())
}

enum Step {
    NeedMore,
    Pass(usize),
    Start { len: usize, width: usize, height: usize, global: Vec<RGB8> },
    Replace { len: usize, with: Vec<u8> },
    GiveUp,
}

/// The signature, screen descriptor and global palette, once they have all come.
fn header(b: &[u8]) -> Step {
    if b.len() < 13 {
        return Step::NeedMore;
    }
    if &b[..3] != b"GIF" {
        return Step::GiveUp;
    }
    let (width, height, flags) = (usize::from(u16::from_le_bytes([b[6], b[7]])), usize::from(u16::from_le_bytes([b[8], b[9]])), b[10]);
    let global_len = if flags & 0x80 != 0 { 3 << ((flags & 7) + 1) } else { 0 };
    if b.len() < 13 + global_len {
        return Step::NeedMore;
    }
    // A canvas beyond any GIF gifski makes is not worth the memory: passed through.
    if width * height > MAX_CANVAS {
        return Step::GiveUp;
    }
    Step::Start { len: 13 + global_len, width, height, global: colours(&b[13..13 + global_len]) }
}

/// The most pixels a squeezed canvas may have (gifgrab's own frames are far smaller).
const MAX_CANVAS: usize = 16 << 20;

/// A pixel of the picture, or None where nothing has been painted (the GIF's background).
type Pixel = Option<RGB8>;

fn colours(bytes: &[u8]) -> Vec<RGB8> {
    bytes.chunks_exact(3).map(|c| RGB8::new(c[0], c[1], c[2])).collect()
}

/// Where the sub-blocks starting at `from` end (after their empty one), once all have come.
fn sub_blocks_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let n = usize::from(*b.get(i)?);
        if n == 0 {
            return Some(i + 1);
        }
        i += 1 + n;
    }
}

/// A frame's indices from its LZW data, if they are whole (and coded as GIF allows: 2 to 8 bits).
fn unpack(packed: &[u8], min_code_size: u8, pixels: usize) -> Option<Vec<u8>> {
    if !(2..=8).contains(&min_code_size) {
        return None;
    }
    let mut out = weezl::decode::Decoder::new(weezl::BitOrder::Lsb, min_code_size).decode(packed).ok()?;
    if out.len() < pixels {
        return None;
    }
    out.truncate(pixels);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::lzw::distance;
    use super::*;
    use std::borrow::Cow;

    /// Every frame's picture, composited, as RGB.
    fn pictures(gif: &[u8]) -> Vec<Vec<RGB8>> {
        let mut opts = gif::DecodeOptions::new();
        opts.set_color_output(gif::ColorOutput::RGBA);
        let mut dec = opts.read_info(gif).expect("a GIF");
        let (w, h) = (usize::from(dec.width()), usize::from(dec.height()));
        let mut screen = vec![RGB8::new(0, 0, 0); w * h];
        let mut all = Vec::new();
        while let Some(f) = dec.read_next_frame().expect("a frame") {
            for (i, px) in f.buffer.chunks_exact(4).enumerate() {
                if px[3] > 0 {
                    let p = (usize::from(f.top) + i / usize::from(f.width)) * w + usize::from(f.left) + i % usize::from(f.width);
                    screen[p] = RGB8::new(px[0], px[1], px[2]);
                }
            }
            all.push(screen.clone());
        }
        all
    }

    /// Two frames of a noisy gradient, the second changing a band and marking the rest transparent.
    fn sample() -> Vec<u8> {
        let (w, h) = (64u16, 48u16);
        let pal: Vec<u8> = (0..=255u8).flat_map(|i| [i, i / 2, 255 - i]).collect();
        let mut out = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut out, w, h, &pal).unwrap();
            let first: Vec<u8> = (0..usize::from(w) * usize::from(h)).map(|i| ((i % 64) * 3 + (i * 7919 % 5)) as u8).collect();
            let mut f = gif::Frame { width: w, height: h, buffer: Cow::Owned(first.clone()), transparent: Some(255), dispose: gif::DisposalMethod::Keep, ..Default::default() };
            enc.write_frame(&f).unwrap();
            let second: Vec<u8> = first.iter().enumerate().map(|(i, &p)| if (i / 64) % 12 < 3 { p.wrapping_add(9) % 250 } else { 255 }).collect();
            f.buffer = Cow::Owned(second);
            enc.write_frame(&f).unwrap();
        }
        out
    }

    #[test]
    fn exact_squeeze_shows_the_same_pictures() {
        let gif = sample();
        assert_eq!(pictures(&squeeze(&gif, 1).unwrap()), pictures(&gif));
        // The LZW itself, exact: it decodes to the indices chosen, which show the same colours.
        let pal: Vec<RGB8> = (0..=255u8).map(|i| RGB8::new(i, i / 2, 255 - i)).collect();
        let given: Vec<u8> = (0..3000).map(|i| ((i % 64) * 3 + (i * 7919 % 5)) as u8).collect();
        let target: Vec<Pixel> = given.iter().map(|&g| Some(pal[usize::from(g)])).collect();
        let image = Image::new(&pal, None, &given, &target, &target);
        let (lzw, chosen) = encode(&image, 8, 0);
        assert_eq!(weezl::decode::Decoder::new(weezl::BitOrder::Lsb, 8).decode(&lzw).unwrap(), chosen);
        assert_eq!(chosen, given);
    }

    #[test]
    fn a_lossy_squeeze_stays_within_the_loss_and_is_smaller() {
        let gif = sample();
        let loss = 300;
        let squeezed = squeeze(&gif, loss).unwrap();
        for (a, b) in pictures(&squeezed).iter().zip(pictures(&gif)) {
            assert!(a.iter().zip(&b).all(|(x, y)| distance(Some(*x), Some(*y)) <= loss));
        }
        assert!(squeezed.len() < gif.len(), "{} not under {}", squeezed.len(), gif.len());
    }

    #[test]
    fn a_gif_streamed_in_small_pieces_is_squeezed_the_same() {
        let gif = sample();
        let mut s = Squeezer::new(Vec::new(), 300);
        let counter = s.written();
        for piece in gif.chunks(7) {
            s.write_all(piece).unwrap();
        }
        let streamed = s.finish().unwrap();
        assert_eq!(streamed, squeeze(&gif, 300).unwrap());
        assert_eq!(counter.load(Ordering::Relaxed), streamed.len() as u64);
    }

    #[test]
    fn what_is_not_a_gif_passes_through() {
        let junk = b"GIF89a\x10\x00".repeat(3);
        assert_eq!(squeeze(&junk, 100).unwrap(), junk);
        assert_eq!(squeeze(b"hello, world", 100).unwrap(), b"hello, world");
    }

    #[test]
    fn a_transparent_index_the_frame_never_uses_is_no_code_of_its_own() {
        // The second frame holds indices 0-3 only (codes of 3 bits), its transparent index is 200.
        let pal: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
        let mut gif = Vec::new();
        {
            let mut enc = gif::Encoder::new(&mut gif, 32, 8, &pal).unwrap();
            let first: Vec<u8> = (0..256).map(|i| (i % 4) as u8).collect();
            enc.write_frame(&gif::Frame { width: 32, height: 8, buffer: Cow::Owned(first.clone()), ..Default::default() }).unwrap();
            // Half its pixels as before: there transparency would do as well as the colour.
            let second: Vec<u8> = first.iter().enumerate().map(|(i, &p)| if i % 2 == 0 { p } else { (p + 1) % 4 }).collect();
            enc.write_frame(&gif::Frame { width: 32, height: 8, buffer: Cow::Owned(second), transparent: Some(200), ..Default::default() }).unwrap();
        }
        let squeezed = squeeze(&gif, 2).unwrap();
        assert_eq!(pictures(&squeezed), pictures(&gif));
    }
}
