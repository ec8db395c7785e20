//! The lossy LZW coder behind the squeeze: for one frame, the longest table string from each
//! pixel whose colours all lie within the loss of what that pixel should show.

use super::Pixel;
use rgb::RGB8;
use rustc_hash::FxHashMap;

/// One frame's pixels: the indices given, the colour each should show, the picture beneath it.
pub(super) struct Image<'a> {
    /// The palette padded to 256 colours, so an index needs no bounds check.
    pal: [RGB8; 256],
    colours: usize,
    transparent: Option<u8>,
    given: &'a [u8],
    target: &'a [Pixel],
    under: &'a [Pixel],
}

impl<'a> Image<'a> {
    pub(super) fn new(pal: &[RGB8], transparent: Option<u8>, given: &'a [u8], target: &'a [Pixel], under: &'a [Pixel]) -> Self {
        let mut padded = [RGB8::default(); 256];
        let colours = pal.len().min(256);
        padded[..colours].copy_from_slice(&pal[..colours]);
        Image { pal: padded, colours, transparent, given, target, under }
    }

    /// The colour index `s` shows at pixel `i`.
    fn colour(&self, s: u8, i: usize) -> Pixel {
        if Some(s) == self.transparent {
            self.under[i]
        } else {
            Some(self.pal[usize::from(s)])
        }
    }
}

/// Squared RGB distance; a painted pixel is infinitely far from an unpainted one.
pub(super) fn distance(a: Pixel, b: Pixel) -> u32 {
    match (a, b) {
        (Some(a), Some(b)) => squared(channels(a), channels(b)),
        (None, None) => 0,
        _ => u32::MAX,
    }
}

const MAX_CODES: usize = 4096;
/// No node: the end of a child list.
const NONE: u16 = u16::MAX;

/// The decoder's table as a trie; children are linked lists, in the order they were added (the
/// search's ties depend on it), so a table of 4096 strings costs no allocation per string.
struct Trie {
    suffix: Vec<u8>,
    parent: Vec<u16>,
    first_child: Vec<u16>,
    last_child: Vec<u16>,
    next_sibling: Vec<u16>,
}

impl Trie {
    fn new() -> Self {
        let v = || Vec::with_capacity(MAX_CODES);
        Trie { suffix: Vec::with_capacity(MAX_CODES), parent: v(), first_child: v(), last_child: v(), next_sibling: v() }
    }

    fn len(&self) -> usize {
        self.suffix.len()
    }

    /// Back to the single indices, clear and end of information.
    fn reset(&mut self, clear: usize) {
        for v in [&mut self.parent, &mut self.first_child, &mut self.last_child, &mut self.next_sibling] {
            v.clear();
            v.resize(clear + 2, NONE);
        }
        self.suffix.clear();
        self.suffix.extend((0..clear + 2).map(|i| i as u8));
    }

    fn add(&mut self, parent: u16, suffix: u8) {
        let id = self.len() as u16;
        self.suffix.push(suffix);
        self.parent.push(parent);
        self.first_child.push(NONE);
        self.last_child.push(NONE);
        self.next_sibling.push(NONE);
        let p = usize::from(parent);
        match self.last_child[p] {
            NONE => self.first_child[p] = id,
            last => self.next_sibling[usize::from(last)] = id,
        }
        self.last_child[p] = id;
    }
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
pub(super) fn encode(image: &Image, min_code_size: u8, loss: u32) -> (Vec<u8>, Vec<u8>) {
    let clear = 1usize << min_code_size;
    let n = image.target.len();
    let mut chosen = vec![0u8; n];
    let mut bits = Bits { out: Vec::with_capacity(n / 2), acc: 0, n: 0 };
    let mut trie = Trie::new();
    trie.reset(clear);
    bits.put(clear as u16, width(trie.len(), min_code_size));
    // The string written last: the table gains it plus the next string's first index, as the
    // decoder's does (so a lossy choice of that index stays in step).
    let mut previous: Option<u16> = None;
    // The palette colours within `loss` of each colour met, found once per frame (ranges of `roots`).
    let mut near: FxHashMap<Pixel, (usize, usize)> = FxHashMap::default();
    let mut roots: Vec<u8> = Vec::new();
    let mut stack = Vec::new();
    let mut pos = 0;
    while pos < n {
        let want = image.target[pos];
        let (from, to) = *near.entry(want).or_insert_with(|| {
            let start = roots.len();
            let opaque = (0..clear.min(image.colours)).filter(|&i| Some(i as u8) != image.transparent);
            roots.extend(opaque.filter(|&i| distance(Some(image.pal[i]), want) <= loss).map(|i| i as u8));
            (start, roots.len())
        });
        let (node, end) = longest(image, &trie, pos, clear, &roots[from..to], loss, &mut stack);
        let mut walk = node;
        for i in (pos..end).rev() {
            chosen[i] = trie.suffix[usize::from(walk)];
            walk = trie.parent[usize::from(walk)];
        }
        // The decoder reads this code at its table's width before it adds to the table.
        bits.put(node, width(trie.len(), min_code_size));
        if let Some(prev) = previous {
            trie.add(prev, chosen[pos]);
        }
        previous = Some(node);
        pos = end;
        // A full table is cleared at once (measured: keeping it full made bikes' GIF 35 % larger).
        if trie.len() == MAX_CODES && pos < n {
            bits.put(clear as u16, width(trie.len(), min_code_size));
            trie.reset(clear);
            previous = None;
        }
    }
    bits.put(clear as u16 + 1, width(trie.len(), min_code_size));
    (bits.finish(), chosen)
}

/// A string being tried: its code, the pixel after it, its summed error, the error carried on.
type Try = (u16, usize, u64, Carry);

/// The code whose string matches the most pixels from `pos` within `loss` each (ties: the least
/// error), and where it ends.
/// `roots`: the opaque colours within `loss` of the pixel at `pos` (transparency is tried here);
/// `stack`: scratch space, kept between calls.
fn longest(image: &Image, trie: &Trie, pos: usize, clear: usize, roots: &[u8], loss: u32, stack: &mut Vec<Try>) -> (u16, usize) {
    let mut best = (u16::from(image.given[pos]), pos + 1, u64::MAX);
    stack.clear();
    let want = image.target[pos];
    // Only a single index is a code of its own: a transparent index past them is left alone.
    let beneath = image.transparent.filter(|&t| usize::from(t) < clear);
    for root in roots.iter().copied().chain(beneath) {
        let got = image.colour(root, pos);
        let d = distance(got, want);
        if d <= loss {
            stack.push((u16::from(root), pos + 1, u64::from(d), carry(want, got)));
        }
    }
    while let Some((node, next, total, error)) = stack.pop() {
        if next > best.1 || (next == best.1 && total < best.2) {
            best = (node, next, total);
        }
        if next >= image.target.len() {
            continue;
        }
        // Each pixel's error is carried into the next one's wish (as error diffusion does), so a
        // long string averages out instead of drifting into a streak.
        let (want, half) = (carried(image.target[next], error, 1), carried(image.target[next], error, 2));
        let mut child = trie.first_child[usize::from(node)];
        // The same test as `distance` (painted against unpainted never matches), unrolled: this
        // loop is most of the squeeze's time.
        match (want, half) {
            (Some(want), Some(half)) => {
                let (w, h) = (channels(want), channels(half));
                while child != NONE {
                    if let Some(got) = image.colour(trie.suffix[usize::from(child)], next) {
                        let g = channels(got);
                        let d = squared(g, w).min(squared(g, h));
                        if d <= loss {
                            stack.push((child, next + 1, total + u64::from(d), missed(w, g)));
                        }
                    }
                    child = trie.next_sibling[usize::from(child)];
                }
            }
            _ => {
                // Nothing painted here yet: only transparency still shows nothing.
                while child != NONE {
                    let s = trie.suffix[usize::from(child)];
                    if Some(s) == image.transparent && image.under[next].is_none() {
                        stack.push((child, next + 1, total, [0; 3]));
                    }
                    child = trie.next_sibling[usize::from(child)];
                }
            }
        }
    }
    (best.0, best.1)
}

fn channels(c: RGB8) -> [i32; 3] {
    [i32::from(c.r), i32::from(c.g), i32::from(c.b)]
}

fn squared(a: [i32; 3], b: [i32; 3]) -> u32 {
    ((a[0] - b[0]).pow(2) + (a[1] - b[1]).pow(2) + (a[2] - b[2]).pow(2)) as u32
}

/// What a pixel missed its colour by, three quarters of it carried to the next.
type Carry = [i16; 3];

fn carry(want: Pixel, got: Pixel) -> Carry {
    match (want, got) {
        (Some(w), Some(g)) => missed(channels(w), channels(g)),
        _ => [0; 3],
    }
}

/// [`carry`] of two painted colours.
fn missed(want: [i32; 3], got: [i32; 3]) -> Carry {
    let d = |i: usize| ((want[i] - got[i]) * 3 / 4) as i16;
    [d(0), d(1), d(2)]
}

/// `target` moved by `error` / `divisor`.
fn carried(target: Pixel, error: Carry, divisor: i16) -> Pixel {
    target.map(|t| {
        let m = |c: u8, e: i16| (i16::from(c) + e / divisor).clamp(0, 255) as u8;
        RGB8::new(m(t.r, error[0]), m(t.g, error[1]), m(t.b, error[2]))
    })
}
