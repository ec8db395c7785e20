//! A second LZW pass over a finished GIF: each pixel may be written as any palette colour within
//! `loss` of what the GIF shows there, and an unchanged pixel as either transparency or a colour,
//! whichever extends the current LZW string. Written here because gifski's and gifsicle's lossy
//! LZW count transparency against a colour as maximally different (they do not look beneath it).

use rgb::RGB8;
use std::borrow::Cow;

/// The GIF re-encoded; `loss` is the largest squared RGB error allowed for one pixel (0: exact).
/// GIFs it does not handle (interlaced, disposal other than keep) come back unchanged.
pub fn squeeze(gif: &[u8], loss: u32) -> Result<Vec<u8>, gif::DecodingError> {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::Indexed);
    let mut dec = opts.read_info(gif)?;
    let (w, h) = (usize::from(dec.width()), usize::from(dec.height()));
    let global: Option<Vec<u8>> = dec.global_palette().map(<[u8]>::to_vec);
    let repeat = dec.repeat();
    let mut out = Vec::with_capacity(gif.len());
    {
        let Ok(mut enc) = gif::Encoder::new(&mut out, w as u16, h as u16, global.as_deref().unwrap_or(&[])) else { return Ok(gif.to_vec()) };
        if enc.set_repeat(repeat).is_err() {
            return Ok(gif.to_vec());
        }
        // What the GIF means after each frame, and what the squeezed one shows.
        let mut intended = vec![RGB8::new(0, 0, 0); w * h];
        let mut shown = intended.clone();
        while let Some(frame) = dec.read_next_frame()? {
            let keeps = matches!(frame.dispose, gif::DisposalMethod::Keep | gif::DisposalMethod::Any);
            let inside = usize::from(frame.left) + usize::from(frame.width) <= w && usize::from(frame.top) + usize::from(frame.height) <= h;
            let Some(raw_pal) = frame.palette.as_deref().or(global.as_deref()) else { return Ok(gif.to_vec()) };
            if frame.interlaced || !keeps || !inside {
                return Ok(gif.to_vec());
            }
            let pal: Vec<RGB8> = raw_pal.chunks_exact(3).map(|c| RGB8::new(c[0], c[1], c[2])).collect();
            let (fw, fh) = (usize::from(frame.width), usize::from(frame.height));
            let at = |i: usize| (usize::from(frame.top) + i / fw) * w + usize::from(frame.left) + i % fw;
            let mut target = Vec::with_capacity(fw * fh);
            let mut under = Vec::with_capacity(fw * fh);
            for (i, &idx) in frame.buffer.iter().enumerate() {
                let p = at(i);
                if Some(idx) != frame.transparent {
                    intended[p] = pal.get(usize::from(idx)).copied().unwrap_or_default();
                }
                target.push(intended[p]);
                under.push(shown[p]);
            }
            let image = Image { pal: &pal, transparent: frame.transparent, given: &frame.buffer, target: &target, under: &under };
            let min_code_size = (pal.len().max(4).next_power_of_two().trailing_zeros() as u8).clamp(2, 8);
            let (lzw, chosen) = encode(&image, min_code_size, loss);
            for (i, &c) in chosen.iter().enumerate() {
                if Some(c) != frame.transparent {
                    shown[at(i)] = pal[usize::from(c)];
                }
            }
            let mut buffer = Vec::with_capacity(lzw.len() + 1);
            buffer.push(min_code_size);
            buffer.extend_from_slice(&lzw);
            let squeezed = gif::Frame { buffer: Cow::Owned(buffer), palette: frame.palette.clone(), ..frame.clone() };
            if enc.write_lzw_pre_encoded_frame(&squeezed).is_err() {
                return Ok(gif.to_vec());
            }
        }
    }
    Ok(out)
}

/// One frame's pixels: the indices given, the colour each should show, the picture beneath it.
struct Image<'a> {
    pal: &'a [RGB8],
    transparent: Option<u8>,
    given: &'a [u8],
    target: &'a [RGB8],
    under: &'a [RGB8],
}

impl Image<'_> {
    /// The colour index `s` shows at pixel `i`.
    fn colour(&self, s: u8, i: usize) -> RGB8 {
        if Some(s) == self.transparent {
            self.under[i]
        } else {
            self.pal.get(usize::from(s)).copied().unwrap_or_default()
        }
    }
}

fn distance(a: RGB8, b: RGB8) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    d(a.r, b.r) + d(a.g, b.g) + d(a.b, b.b)
}

const MAX_CODES: usize = 4096;

struct Node {
    suffix: u8,
    parent: u16,
    children: Vec<u16>,
}

/// Codes are written least significant bit first; the width follows the decoder's table.
struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    fn put(&mut self, code: u16, width: u32) {
        self.acc |= u32::from(code) << self.n;
        self.n += width;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The width a decoder reads the next code with, its table holding `next` codes.
fn width(next: usize, min_code_size: u8) -> u32 {
    let mut bits = u32::from(min_code_size) + 1;
    while bits < 12 && next >= 1 << bits {
        bits += 1;
    }
    bits
}

/// The frame's LZW data and the index chosen for every pixel.
fn encode(image: &Image, min_code_size: u8, loss: u32) -> (Vec<u8>, Vec<u8>) {
    let clear = 1usize << min_code_size;
    let n = image.target.len();
    let mut chosen = vec![0u8; n];
    let mut bits = Bits { out: Vec::with_capacity(n / 2), acc: 0, n: 0 };
    let mut nodes: Vec<Node> = Vec::with_capacity(MAX_CODES);
    let reset = |nodes: &mut Vec<Node>| {
        nodes.clear();
        nodes.extend((0..clear + 2).map(|i| Node { suffix: i as u8, parent: u16::MAX, children: Vec::new() }));
    };
    reset(&mut nodes);
    bits.put(clear as u16, width(nodes.len(), min_code_size));
    // The string written last: the table gains it plus the next string's first index, as the
    // decoder's does (so a lossy choice of that index stays in step).
    let mut previous: Option<u16> = None;
    let mut pos = 0;
    while pos < n {
        let (node, end) = longest(image, &nodes, pos, clear, loss);
        let mut walk = node;
        for i in (pos..end).rev() {
            chosen[i] = nodes[walk as usize].suffix;
            walk = nodes[walk as usize].parent;
        }
        // The decoder reads this code at its table's width before it adds to the table.
        bits.put(node, width(nodes.len(), min_code_size));
        if let Some(prev) = previous {
            let id = nodes.len() as u16;
            nodes.push(Node { suffix: chosen[pos], parent: prev, children: Vec::new() });
            nodes[prev as usize].children.push(id);
        }
        previous = Some(node);
        pos = end;
        // A full table is cleared at once (measured: keeping it full made bikes' GIF 35 % larger).
        if nodes.len() == MAX_CODES && pos < n {
            bits.put(clear as u16, width(nodes.len(), min_code_size));
            reset(&mut nodes);
            previous = None;
        }
    }
    bits.put(clear as u16 + 1, width(nodes.len(), min_code_size));
    (bits.finish(), chosen)
}

/// The code whose string matches the most pixels from `pos` within `loss` each (ties: the least
/// error), and where it ends.
fn longest(image: &Image, nodes: &[Node], pos: usize, clear: usize, loss: u32) -> (u16, usize) {
    let mut best = (u16::from(image.given[pos]), pos + 1, u64::MAX);
    let mut stack: Vec<(u16, usize, u64)> = Vec::new();
    for root in 0..clear.min(image.pal.len().max(1)) {
        let d = distance(image.colour(root as u8, pos), image.target[pos]);
        if d <= loss {
            stack.push((root as u16, pos + 1, u64::from(d)));
        }
    }
    while let Some((node, next, total)) = stack.pop() {
        if next > best.1 || (next == best.1 && total < best.2) {
            best = (node, next, total);
        }
        if next >= image.target.len() {
            continue;
        }
        for &child in &nodes[node as usize].children {
            let d = distance(image.colour(nodes[child as usize].suffix, next), image.target[next]);
            if d <= loss {
                stack.push((child, next + 1, total + u64::from(d)));
            }
        }
    }
    (best.0, best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let squeezed = squeeze(&gif, 0).unwrap();
        assert_eq!(pictures(&squeezed), pictures(&gif));
    }

    #[test]
    fn a_lossy_squeeze_stays_within_the_loss_and_is_smaller() {
        let gif = sample();
        let loss = 300;
        let squeezed = squeeze(&gif, loss).unwrap();
        for (a, b) in pictures(&squeezed).iter().zip(pictures(&gif)) {
            assert!(a.iter().zip(&b).all(|(x, y)| distance(*x, *y) <= loss));
        }
        assert!(squeezed.len() < gif.len(), "{} not under {}", squeezed.len(), gif.len());
    }
}
