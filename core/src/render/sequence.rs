//! The order frames reach the encoder: as decoded, backwards, or there and back. Reverse has
//! to hold every frame until the last arrives; bounce streams the way there and keeps copies
//! for the way back (memory is bounded by the pipeline's total pixel check).

use crate::edits::Direction;
use imgref::ImgVec;
use rgb::RGBA8;

pub type Frame = ImgVec<RGBA8>;

pub struct Sequence {
    direction: Direction,
    kept: Vec<Frame>,
}

impl Sequence {
    pub fn new(direction: Direction) -> Sequence {
        Sequence { direction, kept: Vec::new() }
    }

    /// A decoded frame in; the frames the GIF can show next out.
    pub fn push(&mut self, frame: Frame) -> Vec<Frame> {
        match self.direction {
            Direction::Forward => vec![frame],
            Direction::Reverse => {
                self.kept.push(frame);
                Vec::new()
            }
            Direction::Bounce => {
                self.kept.push(frame.clone());
                vec![frame]
            }
        }
    }

    /// After the last decoded frame: what is left to show.
    pub fn finish(self) -> Vec<Frame> {
        let mut kept = self.kept;
        match self.direction {
            Direction::Forward => Vec::new(),
            Direction::Reverse => {
                kept.reverse();
                kept
            }
            // Back from the one before the last to the one after the first: no frame twice in a row.
            Direction::Bounce if kept.len() > 2 => kept[1..kept.len() - 1].iter().rev().cloned().collect(),
            Direction::Bounce => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(direction: Direction, n: u8) -> Vec<u8> {
        let mut seq = Sequence::new(direction);
        let mut out = Vec::new();
        for i in 0..n {
            out.extend(seq.push(ImgVec::new(vec![RGBA8::new(i, 0, 0, 255)], 1, 1)));
        }
        out.extend(seq.finish());
        out.iter().map(|f| f.buf()[0].r).collect()
    }

    #[test]
    fn frames_come_in_the_chosen_order() {
        assert_eq!(run(Direction::Forward, 4), [0, 1, 2, 3]);
        assert_eq!(run(Direction::Reverse, 4), [3, 2, 1, 0]);
        assert_eq!(run(Direction::Bounce, 4), [0, 1, 2, 3, 2, 1]);
        assert_eq!(run(Direction::Bounce, 2), [0, 1]);
    }
}
