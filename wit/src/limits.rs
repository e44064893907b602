//! The sizes of what crosses the boundary, and how nesting is counted.
//!
//! The guest refuses to return data past these limits (with a diagnostic
//! that names the field); the host refuses any result past them as
//! malformed.  Both count nesting with [`Depth`], so a datum the guest
//! returns is never refused by the host for its shape.

/// Most package specifications in one inputs field.
pub const MAX_SPECS: usize = 500;

/// Most nodes a datum field (`arguments`, `snippet`) may flatten to, and
/// most nodes it may expand to (a shared sub-structure counts once per use).
pub const MAX_DATUM_NODES: usize = 100_000;

/// Deepest nesting of a datum field, counted by [`Depth`].
pub const MAX_DATUM_DEPTH: u32 = 256;

/// Most decimal digits of an exact integer outside 64 bits, or of either
/// part of an exact rational, in a returned datum.
pub const MAX_NUMBER_DIGITS: usize = 1_000;

/// The guest's test for [`MAX_NUMBER_DIGITS`] before it writes a number
/// out: a magnitude of at most this many bits has fewer than 1 000 decimal
/// digits (2^3300 < 10^994).
pub const MAX_NUMBER_BITS: u64 = 3_300;

/// Most diagnostics one evaluation returns.
pub const MAX_DIAGNOSTICS: usize = 64;

/// Longest message or help text of one returned diagnostic, in bytes.
pub const MAX_DIAGNOSTIC_TEXT: usize = 4_096;

/// The nesting depth of a node in a datum, as both sides count it: the
/// root is at depth 0; the car of a pair and the items of a vector are one
/// level deeper than the pair or vector; the cdr of a pair continues the
/// same list, so it is at the pair's own depth (whatever it holds: a pair,
/// a vector, an atom).  A datum is too deep when a node's depth exceeds
/// [`MAX_DATUM_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Depth(pub u32);

impl Depth {
    /// The depth of the root.
    pub const ROOT: Depth = Depth(0);

    /// The depth of a pair's car.
    pub const fn car(self) -> Depth {
        Depth(self.0.saturating_add(1))
    }

    /// The depth of a pair's cdr: the same.
    pub const fn cdr(self) -> Depth {
        self
    }

    /// The depth of a vector's items.
    pub const fn item(self) -> Depth {
        Depth(self.0.saturating_add(1))
    }

    /// Whether a node at this depth is past [`MAX_DATUM_DEPTH`].
    pub const fn too_deep(self) -> bool {
        self.0 > MAX_DATUM_DEPTH
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vector_in_cdr_position_is_at_the_pairs_depth() {
        let pair = Depth(130);
        assert_eq!(pair.cdr(), pair);
        assert_eq!(pair.cdr().item(), Depth(131));
        assert_eq!(pair.car(), Depth(131));
        assert!(!Depth(MAX_DATUM_DEPTH).too_deep());
        assert!(Depth(MAX_DATUM_DEPTH).car().too_deep());
        assert_eq!(Depth(u32::MAX).car(), Depth(u32::MAX));
    }
}
