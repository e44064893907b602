//! The `CharSet` type (sorted inclusive ranges of scalar values, with the
//! set algebra the primitives use) and the `CharSetCursor` that
//! `char-set-cursor` returns.

use std::cell::Cell;
use std::rc::Rc;

use super::{MAX_CODE_POINT, SURROGATE_END, SURROGATE_START};

/// A set of Unicode scalar values as sorted, non-overlapping, non-adjacent
/// inclusive ranges.  Ranges never contain surrogates (so the full set is
/// two ranges, split around them, as in Guile).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CharSet {
    pub ranges: Vec<(u32, u32)>,
}

impl CharSet {
    pub fn contains(&self, c: char) -> bool {
        self.contains_code(c as u32)
    }

    pub fn contains_code(&self, c: u32) -> bool {
        in_table(&self.ranges, c)
    }

    pub fn empty() -> CharSet {
        CharSet { ranges: Vec::new() }
    }

    /// The set of all Unicode scalar values.
    pub fn full() -> CharSet {
        CharSet {
            ranges: vec![
                (0, SURROGATE_START - 1),
                (SURROGATE_END + 1, MAX_CODE_POINT),
            ],
        }
    }

    /// A set from ranges that are already canonical (sorted, merged, no
    /// surrogates), such as the static tables of this module.
    pub fn from_canonical(ranges: &[(u32, u32)]) -> CharSet {
        CharSet {
            ranges: ranges.to_vec(),
        }
    }

    /// A set from arbitrary code points (surrogates and values above
    /// [`MAX_CODE_POINT`] are dropped).
    pub fn from_points(mut points: Vec<u32>) -> CharSet {
        points.sort_unstable();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for p in points {
            if !is_scalar(u64::from(p)) {
                continue;
            }
            push_merge(&mut ranges, (p, p));
        }
        CharSet { ranges }
    }

    /// A set from arbitrary inclusive ranges (surrogates and values above
    /// [`MAX_CODE_POINT`] are dropped).
    pub fn from_ranges(ranges: Vec<(u32, u32)>) -> CharSet {
        let mut pieces: Vec<(u32, u32)> = Vec::with_capacity(ranges.len() + 1);
        for (lo, hi) in ranges {
            let hi = hi.min(MAX_CODE_POINT);
            if lo <= hi {
                push_valid(&mut pieces, lo, hi);
            }
        }
        pieces.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(pieces.len());
        for r in pieces {
            push_merge(&mut merged, r);
        }
        CharSet { ranges: merged }
    }

    /// The number of characters.
    pub fn size(&self) -> u64 {
        self.ranges
            .iter()
            .map(|&(lo, hi)| u64::from(hi - lo) + 1)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The characters in increasing order.
    pub fn chars(&self) -> impl DoubleEndedIterator<Item = char> + '_ {
        self.ranges
            .iter()
            .flat_map(|&(lo, hi)| (lo..=hi).filter_map(char::from_u32))
    }

    pub fn union(&self, other: &CharSet) -> CharSet {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        loop {
            let next = match (a.get(i), b.get(j)) {
                (Some(&x), Some(&y)) => {
                    if x.0 <= y.0 {
                        i += 1;
                        x
                    } else {
                        j += 1;
                        y
                    }
                }
                (Some(&x), None) => {
                    i += 1;
                    x
                }
                (None, Some(&y)) => {
                    j += 1;
                    y
                }
                (None, None) => break,
            };
            push_merge(&mut out, next);
        }
        CharSet { ranges: out }
    }

    pub fn intersection(&self, other: &CharSet) -> CharSet {
        let (a, b) = (&self.ranges, &other.ranges);
        let mut out: Vec<(u32, u32)> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        CharSet { ranges: out }
    }

    /// All scalar values not in the set.
    pub fn complement(&self) -> CharSet {
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.ranges.len() + 2);
        let mut next: u32 = 0;
        for &(lo, hi) in &self.ranges {
            if lo > next {
                push_valid(&mut out, next, lo - 1);
            }
            next = hi + 1;
        }
        if next <= MAX_CODE_POINT {
            push_valid(&mut out, next, MAX_CODE_POINT);
        }
        CharSet { ranges: out }
    }

    pub fn difference(&self, other: &CharSet) -> CharSet {
        if other.is_empty() || self.is_empty() {
            return self.clone();
        }
        self.intersection(&other.complement())
    }

    pub fn xor(&self, other: &CharSet) -> CharSet {
        self.difference(other).union(&other.difference(self))
    }

    /// Whether every character of `self` is in `other`.
    pub fn is_subset(&self, other: &CharSet) -> bool {
        let b = &other.ranges;
        let mut j = 0;
        for &(lo, hi) in &self.ranges {
            while j < b.len() && b[j].1 < lo {
                j += 1;
            }
            if j == b.len() || b[j].0 > lo || b[j].1 < hi {
                return false;
            }
        }
        true
    }

    pub fn insert(&self, c: u32) -> CharSet {
        self.union(&CharSet::from_points(vec![c]))
    }

    pub fn remove(&self, c: u32) -> CharSet {
        self.difference(&CharSet::from_points(vec![c]))
    }
}

/// Whether `c` is in the sorted inclusive `table`.
pub(crate) fn in_table(table: &[(u32, u32)], c: u32) -> bool {
    let i = table.partition_point(|&(lo, _)| lo <= c);
    i > 0 && table[i - 1].1 >= c
}

/// Whether `n` is a Unicode scalar value (a valid character).
pub(super) fn is_scalar(n: u64) -> bool {
    n < u64::from(SURROGATE_START)
        || (n > u64::from(SURROGATE_END) && n <= u64::from(MAX_CODE_POINT))
}

/// Append `r` to sorted `out`, merging it with the last range when they
/// overlap or touch.
pub(super) fn push_merge(out: &mut Vec<(u32, u32)>, (lo, hi): (u32, u32)) {
    if let Some(last) = out.last_mut() {
        if lo <= last.1.saturating_add(1) {
            if hi > last.1 {
                last.1 = hi;
            }
            return;
        }
    }
    out.push((lo, hi));
}

/// Append `lo..=hi` minus the surrogates to `out`.
fn push_valid(out: &mut Vec<(u32, u32)>, lo: u32, hi: u32) {
    if lo < SURROGATE_START {
        out.push((lo, hi.min(SURROGATE_START - 1)));
    }
    if hi > SURROGATE_END {
        out.push((lo.max(SURROGATE_END + 1), hi));
    }
}

/// A position in a char-set, as returned by `char-set-cursor`.
#[derive(Debug, Clone)]
pub struct CharSetCursor {
    /// The set the cursor was made for.
    pub set: std::rc::Rc<CharSet>,
    /// The character the cursor was made at, or `None` for an empty set.
    /// The live position is [`CharSetCursor::position`].
    pub current: Option<u32>,
    /// Guile's cursors are mutable (`char-set-cursor-next` advances the
    /// cursor it is given): the range index and the character, or `None` at
    /// the end.
    pub pos: Cell<Option<(usize, u32)>>,
}

impl CharSetCursor {
    pub fn new(set: Rc<CharSet>) -> CharSetCursor {
        let pos = set.ranges.first().map(|&(lo, _)| (0, lo));
        CharSetCursor {
            current: pos.map(|(_, c)| c),
            set,
            pos: Cell::new(pos),
        }
    }

    /// The character the cursor is at now, or `None` at the end.
    pub fn position(&self) -> Option<u32> {
        self.pos.get().map(|(_, c)| c)
    }
}
