//! Compile-time hash indexes over fixed lists of names (the primitives, the
//! syntactic keywords): resolving a name is one hash and usually one string
//! comparison, instead of a scan of the list.  Built by constant evaluation,
//! so an instance pays nothing to set them up.

/// The hash of a name: four bytes at a time with a multiply-rotate step
/// (FNV-1a's one multiplication per byte was a visible share of reading a
/// dish in wasm).  Usable in constant evaluation; the same function builds
/// the indexes and probes them.
pub const fn name_hash(bytes: &[u8]) -> u32 {
    const K: u32 = 0x9e37_79b9;
    let mut h = bytes.len() as u32;
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<4>() {
        h = (h.rotate_left(5) ^ u32::from_le_bytes(*word)).wrapping_mul(K);
        rest = tail;
    }
    if !rest.is_empty() {
        // The last one to three bytes: as the last four bytes of the name
        // (overlapping the last word) when it is that long.
        let w = match bytes.last_chunk::<4>() {
            Some(last) => u32::from_le_bytes(*last),
            None => {
                let mut w = 0u32;
                let mut i = 0;
                while i < rest.len() {
                    w |= (rest[i] as u32) << (8 * i);
                    i += 1;
                }
                w
            }
        };
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    h ^ (h >> 15)
}

/// Whether two names are equal: eight bytes at a time (the guest's
/// `memcmp` compares one byte at a time, and name comparisons are most of
/// what finding a symbol costs).
#[inline]
pub fn names_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let word =
            |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"));
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last eight bytes, overlapping what was compared.
        return word(a, n - 8) == word(b, n - 8);
    }
    if n >= 4 {
        // The first and the last four bytes (overlapping when n < 8).
        let word =
            |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().expect("4 bytes"));
        return word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4);
    }
    a.iter().zip(b).all(|(x, y)| x == y)
}

pub const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// An open-addressing hash table from a name to its position in a list:
/// each slot is 0 (empty) or 1 + the position.  `SLOTS` must be at least
/// twice the list's length, so that probe runs stay short.
pub struct NameIndex<const SLOTS: usize> {
    slots: [u16; SLOTS],
}

impl<const SLOTS: usize> NameIndex<SLOTS> {
    /// Index `names`; a name listed twice resolves to its first position.
    pub const fn new(names: &[&str]) -> Self {
        assert!(names.len() * 2 <= SLOTS && SLOTS < u16::MAX as usize);
        let mut slots = [0u16; SLOTS];
        let mut p = 0;
        while p < names.len() {
            let name = names[p].as_bytes();
            let mut slot = name_hash(name) as usize % SLOTS;
            loop {
                let e = slots[slot] as usize;
                if e == 0 {
                    slots[slot] = (p + 1) as u16;
                    break;
                }
                if bytes_eq(names[e - 1].as_bytes(), name) {
                    break;
                }
                slot = (slot + 1) % SLOTS;
            }
            p += 1;
        }
        NameIndex { slots }
    }

    /// The position of `name` in `names` (the list this index was built
    /// from).
    pub fn get(&self, names: &[&str], name: &str) -> Option<usize> {
        self.get_hashed(names, name, name_hash(name.as_bytes()))
    }

    /// Like [`NameIndex::get`], with `hash` = [`name_hash`] of `name`
    /// already computed.
    #[inline]
    pub fn get_hashed(&self, names: &[&str], name: &str, hash: u32) -> Option<usize> {
        let mut slot = hash as usize % SLOTS;
        loop {
            let e = self.slots[slot] as usize;
            if e == 0 {
                return None;
            }
            if names_eq(names[e - 1].as_bytes(), name.as_bytes()) {
                return Some(e - 1);
            }
            slot = (slot + 1) % SLOTS;
        }
    }
}

impl<const SLOTS: usize> NameIndex<SLOTS> {
    /// [`NameIndex::get`] in constant evaluation.
    pub const fn get_const(&self, names: &[&str], name: &str) -> Option<usize> {
        let name = name.as_bytes();
        let mut slot = name_hash(name) as usize % SLOTS;
        loop {
            let e = self.slots[slot] as usize;
            if e == 0 {
                return None;
            }
            if bytes_eq(names[e - 1].as_bytes(), name) {
                return Some(e - 1);
            }
            slot = (slot + 1) % SLOTS;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &["car", "cdr", "cons", "car", "", "list->string"];
    static INDEX: NameIndex<16> = NameIndex::new(NAMES);

    #[test]
    fn finds_first_positions_and_nothing_else() {
        assert_eq!(INDEX.get(NAMES, "car"), Some(0));
        assert_eq!(INDEX.get(NAMES, "cdr"), Some(1));
        assert_eq!(INDEX.get(NAMES, "cons"), Some(2));
        assert_eq!(INDEX.get(NAMES, ""), Some(4));
        assert_eq!(INDEX.get(NAMES, "list->string"), Some(5));
        for absent in ["ca", "carr", "CAR", "list", "string"] {
            assert_eq!(INDEX.get(NAMES, absent), None);
        }
    }

    #[test]
    fn word_wise_comparison_agrees_with_byte_wise() {
        let base: Vec<u8> = (b'a'..=b'z').collect();
        for n in 0..=20 {
            let a = &base[..n];
            assert!(names_eq(a, a), "{n}");
            assert!(bytes_eq(a, a), "{n}");
            for m in 0..=20 {
                assert_eq!(names_eq(a, &base[..m]), n == m, "{n} vs {m}");
            }
            // One byte differs, at every position.
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!names_eq(a, &b), "{n}, byte {i}");
                assert!(!bytes_eq(a, &b), "{n}, byte {i}");
            }
        }
    }
}
