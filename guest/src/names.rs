//! Compile-time hash indexes over fixed lists of names (the primitives, the
//! syntactic keywords): resolving a name is one hash and usually one string
//! comparison, instead of a scan of the list.  Built by constant evaluation,
//! so an instance pays nothing to set them up.

/// FNV-1a, usable in constant evaluation.
const fn fnv1a(bytes: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h as usize
}

const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
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
            let mut slot = fnv1a(name) % SLOTS;
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
        let mut slot = fnv1a(name.as_bytes()) % SLOTS;
        loop {
            let e = self.slots[slot] as usize;
            if e == 0 {
                return None;
            }
            if names[e - 1] == name {
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
}
