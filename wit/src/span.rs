//! Byte spans in a dish source and their line/column form.
//!
//! [`line_col`] costs one pass over the text before the position; for many
//! positions in one text, build a [`LineIndex`] once (one pass) and ask it
//! (a binary search and one pass over the line).

/// A byte range `[start, end)` in a dish source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span `start..end`; offsets past `u32::MAX` saturate.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }
}

/// The greatest character boundary of `s` at or before `pos` (clamped to
/// the text).
pub fn floor_boundary(s: &str, pos: usize) -> usize {
    let mut i = pos.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// 1-based line and column (in characters) of byte offset `pos` in `src`.
/// Offsets past the end or inside a character are clamped.
pub fn line_col(src: &str, pos: usize) -> (u32, u32) {
    let pos = floor_boundary(src, pos);
    let before = &src.as_bytes()[..pos];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = src[line_start..pos].chars().count() + 1;
    (to_u32(line), to_u32(col))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The start of every line of a text, for locating many positions in it.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Index `src` (one pass).
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            len: src.len(),
        }
    }

    /// The 0-based line holding byte `pos` (clamped to the text).
    pub fn line_of(&self, pos: usize) -> usize {
        let pos = pos.min(self.len);
        self.starts.partition_point(|&s| s <= pos) - 1
    }

    /// Byte range of 0-based line `line`, without its `\n`.
    pub fn line_range(&self, src: &str, line: usize) -> (usize, usize) {
        let start = self.starts.get(line).copied().unwrap_or(self.len);
        let end = self
            .starts
            .get(line + 1)
            .map_or(src.len(), |&next| next - 1)
            .max(start);
        (start, end)
    }

    /// Same as [`line_col`] on the indexed text, in time proportional to
    /// the length of the line rather than of the text before it.
    pub fn line_col(&self, src: &str, pos: usize) -> (u32, u32) {
        let pos = floor_boundary(src, pos);
        let line = self.line_of(pos);
        let start = self.starts[line];
        let col = src[start..pos].chars().count() + 1;
        (to_u32(line + 1), to_u32(col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let s = "ab\nλx y";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 5), (2, 2));
        assert_eq!(line_col(s, 4), (2, 1)); // inside λ: clamped back
        assert_eq!(line_col(s, 99), (2, 5));
    }

    proptest::proptest! {
        #[test]
        fn the_index_agrees_with_the_scan(s in "[ab\nλ\r]{0,40}", pos in 0usize..50) {
            let ix = LineIndex::new(&s);
            proptest::prop_assert_eq!(ix.line_col(&s, pos), line_col(&s, pos));
            let line = ix.line_of(floor_boundary(&s, pos));
            let (a, b) = ix.line_range(&s, line);
            proptest::prop_assert!(!s[a..b].contains('\n'));
        }
    }
}
