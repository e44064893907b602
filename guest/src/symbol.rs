//! Symbols: a compile-time table of every name the interpreter itself knows,
//! and an interner for the rest.
//!
//! Every primitive, syntactic keyword and binding of the environment, and
//! the names dishes write over and over (the potluck fields, `else`, `...`),
//! is a *static* symbol: its number is its position in [`STATIC_NAMES`],
//! found through a hash index built by constant evaluation, so reading it
//! allocates nothing and a fresh instance starts with the whole table in
//! place.  What a symbol denotes is then a table lookup by number — whether
//! it is syntax ([`Symbol::syntax_keyword`]) and which primitive it names
//! ([`Symbol::primitive`]) — instead of a search by name.  Other names
//! (local variables, license and build-system names, ...) are interned in
//! a per-thread table whose name text lives in append-only chunks and is
//! never freed: the wasm guest evaluates one dish per instance and throws
//! the whole memory away, and natively the table only grows with distinct
//! names, as any interner does.

use std::cell::RefCell;

use crate::bindings::{Prim, ENVIRONMENT, PRIMS, PRIM_COUNT, PRIM_NAME_LIST};
use crate::dish::{PACKAGE_FIELDS, SOURCE_FIELDS};
use crate::eval::{Kw, SYNTAX};
use crate::names::{name_hash, NameIndex};

/// An interned (or, with `make-symbol`, uninterned) symbol.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(u32);

/// Names dishes and the interpreter use often that are neither primitives,
/// syntax, bindings of the 2017 environment nor record fields.
const EXTRA: &[&str] = &[
    // Auxiliary syntax.
    "else",
    "=>",
    "_",
    "...",
    "break",
    "continue",
    "syntax-case",
    // `current-source-location` keys.
    "line",
    "column",
    "filename",
];

const STATIC_COUNT: usize = PRIM_COUNT
    + SYNTAX.len()
    + ENVIRONMENT.len()
    + PACKAGE_FIELDS.len()
    + SOURCE_FIELDS.len()
    + EXTRA.len();

/// The static symbols' names: the primitives, the syntactic keywords, the
/// 2017 environment, the potluck-package and potluck-source fields and
/// [`EXTRA`].  The primitives come first, in the order of
/// [`crate::bindings::PRIMS`], so a static symbol below [`PRIM_COUNT`]
/// names the primitive of the same number.  A name listed twice is the
/// symbol of its first position.
const STATIC_NAME_LIST: [&str; STATIC_COUNT] = {
    let mut out = [""; STATIC_COUNT];
    let mut k = 0;
    let lists: [&[&str]; 6] = [
        &PRIM_NAME_LIST,
        SYNTAX,
        ENVIRONMENT,
        PACKAGE_FIELDS,
        SOURCE_FIELDS,
        EXTRA,
    ];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            out[k] = lists[l][i];
            (i, k) = (i + 1, k + 1);
        }
        l += 1;
    }
    out
};

/// See [`STATIC_NAME_LIST`].
pub static STATIC_NAMES: [&str; STATIC_COUNT] = STATIC_NAME_LIST;

const STATIC_SLOTS: usize = 4096;
const STATIC_INDEX_C: NameIndex<STATIC_SLOTS> = NameIndex::new(&STATIC_NAME_LIST);
static STATIC_INDEX: NameIndex<STATIC_SLOTS> = STATIC_INDEX_C;

/// For each static symbol: 1 + its position in [`SYNTAX`], or 0.
static STATIC_SYNTAX: [u8; STATIC_COUNT] = {
    assert!(SYNTAX.len() < u8::MAX as usize);
    let mut out = [0u8; STATIC_COUNT];
    let mut k = 0;
    while k < SYNTAX.len() {
        match STATIC_INDEX_C.get_const(&STATIC_NAME_LIST, SYNTAX[k]) {
            Some(i) => out[i] = k as u8 + 1,
            None => unreachable!(),
        }
        k += 1;
    }
    out
};

/// Names interned at run time: what is not in [`STATIC_NAMES`].
struct Dynamic {
    /// The name of dynamic symbol `STATIC_COUNT + i`.
    names: Vec<&'static str>,
    /// Whether dynamic symbol `STATIC_COUNT + i` is interned.
    interned: Vec<bool>,
    /// Open addressing over the interned names: each slot is 0 (empty) or
    /// 1 + a position in `names`.  Its length is a power of two, at least
    /// twice the number of interned names.
    table: Vec<u32>,
    count: usize,
    /// The key of the table's hash (SipHash-1-3), a secret from the host
    /// (see [`set_hash_key`]): with an unkeyed hash a dish could choose
    /// thousands of names in one probe chain and make interning quadratic.
    key: u64,
    /// Free space of the current chunk of name text.
    chunk: &'static mut [std::mem::MaybeUninit<u8>],
}

thread_local! {
    static DYNAMIC: RefCell<Dynamic> = const {
        RefCell::new(Dynamic {
            names: Vec::new(),
            interned: Vec::new(),
            table: Vec::new(),
            count: 0,
            key: 0,
            chunk: &mut [],
        })
    };
}

/// Bytes of name text allocated at a time.
const CHUNK_BYTES: usize = 4096;
/// Slots of the table when the first name is interned (a typical dish
/// interns a few dozen names of its own).
const FIRST_SLOTS: usize = 128;

impl Dynamic {
    /// A copy of `name` that lives as long as the thread's symbols.
    fn keep(&mut self, name: &str) -> &'static str {
        let n = name.len();
        if n > CHUNK_BYTES / 4 {
            return Box::leak(name.into());
        }
        if self.chunk.len() < n {
            self.chunk = Box::leak(Box::new_uninit_slice(CHUNK_BYTES));
        }
        let chunk = std::mem::take(&mut self.chunk);
        let (dst, rest) = chunk.split_at_mut(n);
        self.chunk = rest;
        // SAFETY: `dst` is `n` bytes of a leaked chunk that nothing else
        // refers to; after the copy they hold the UTF-8 text of `name`, and
        // they are never written again.
        unsafe {
            std::ptr::copy_nonoverlapping(name.as_ptr(), dst.as_mut_ptr().cast::<u8>(), n);
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(dst.as_ptr().cast::<u8>(), n))
        }
    }

    fn push(&mut self, name: &str, interned: bool) -> u32 {
        let name = self.keep(name);
        self.names.push(name);
        self.interned.push(interned);
        (STATIC_COUNT + self.names.len() - 1) as u32
    }

    fn hash(&self, name: &str) -> usize {
        use std::hash::Hasher;
        let mut h = siphasher::sip::SipHasher13::new_with_keys(self.key, !self.key);
        h.write(name.as_bytes());
        h.finish() as usize
    }

    fn intern(&mut self, name: &str) -> Symbol {
        let hash = self.hash(name);
        if self.table.is_empty() {
            self.table = vec![0; FIRST_SLOTS];
            self.names.reserve(FIRST_SLOTS / 2);
            self.interned.reserve(FIRST_SLOTS / 2);
        }
        let mask = self.table.len() - 1;
        let mut slot = hash & mask;
        loop {
            let e = self.table[slot] as usize;
            if e == 0 {
                break;
            }
            if crate::names::names_eq(self.names[e - 1].as_bytes(), name.as_bytes()) {
                return Symbol((STATIC_COUNT + e - 1) as u32);
            }
            slot = (slot + 1) & mask;
        }
        let id = self.push(name, true);
        self.table[slot] = id - STATIC_COUNT as u32 + 1;
        self.count += 1;
        if self.count * 2 > self.table.len() {
            self.grow();
        }
        Symbol(id)
    }

    fn grow(&mut self) {
        self.rehash(self.table.len() * 2);
    }

    fn rehash(&mut self, slots: usize) {
        let mut table = vec![0u32; slots];
        let mask = table.len() - 1;
        for &e in self.table.iter().filter(|&&e| e != 0) {
            let mut slot = self.hash(self.names[e as usize - 1]) & mask;
            while table[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            table[slot] = e;
        }
        self.table = table;
    }
}

/// Key the hash of the table of names interned at run time with a secret
/// the host draws for each evaluation.  Names already interned are kept.
pub fn set_hash_key(key: u64) {
    DYNAMIC.with(|d| {
        let mut d = d.borrow_mut();
        if d.key != key {
            d.key = key;
            let slots = d.table.len();
            if slots > 0 {
                d.rehash(slots);
            }
        }
    });
}

impl Symbol {
    /// The interned symbol with this name.
    #[inline]
    pub fn intern(name: &str) -> Symbol {
        let hash = name_hash(name.as_bytes());
        if let Some(i) = STATIC_INDEX.get_hashed(&STATIC_NAMES, name, hash) {
            return Symbol(i as u32);
        }
        DYNAMIC.with(|d| d.borrow_mut().intern(name))
    }

    /// The static symbol named `name`, if it is one (interning nothing).
    pub fn find_static(name: &str) -> Option<Symbol> {
        STATIC_INDEX
            .get(&STATIC_NAMES, name)
            .map(|i| Symbol(i as u32))
    }

    /// The static symbol `name` (in constant evaluation; a name that is not
    /// in [`STATIC_NAMES`] is a compile-time error).
    pub const fn known(name: &str) -> Symbol {
        match STATIC_INDEX_C.get_const(&STATIC_NAME_LIST, name) {
            Some(i) => Symbol(i as u32),
            None => panic!("not a static symbol"),
        }
    }

    /// A fresh symbol that is `eq?` to no other (`make-symbol`).
    pub fn uninterned(name: &str) -> Symbol {
        DYNAMIC.with(|d| Symbol(d.borrow_mut().push(name, false)))
    }

    /// Whether this is one of the [`STATIC_NAMES`] (which include every
    /// name the environment binds).
    #[inline]
    pub fn is_static(self) -> bool {
        (self.0 as usize) < STATIC_COUNT
    }

    fn dynamic_index(self) -> Option<usize> {
        (self.0 as usize).checked_sub(STATIC_COUNT)
    }

    pub fn name(self) -> &'static str {
        match self.dynamic_index() {
            None => STATIC_NAMES[self.0 as usize],
            Some(i) => DYNAMIC.with(|d| d.borrow().names[i]),
        }
    }

    pub fn is_interned(self) -> bool {
        match self.dynamic_index() {
            None => true,
            Some(i) => DYNAMIC.with(|d| d.borrow().interned[i]),
        }
    }

    /// Compare with a name without allocating.
    pub fn is(self, name: &str) -> bool {
        self.name() == name
    }

    /// The syntactic keyword of [`SYNTAX`] this symbol names, if any.
    #[inline]
    pub fn syntax_keyword(self) -> Option<Kw> {
        let k = *STATIC_SYNTAX.get(self.0 as usize)?;
        (k != 0).then(|| Kw::at(k as usize - 1))
    }

    /// The primitive this symbol names, if any.
    #[inline]
    pub fn primitive(self) -> Option<&'static Prim> {
        PRIMS.get(self.0 as usize).copied()
    }
}

impl std::fmt::Debug for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names interned before the hash key changes are found after it, and
    /// names interned after it are distinct and stable.
    #[test]
    fn a_new_hash_key_keeps_every_name() {
        let before: Vec<Symbol> = (0..500)
            .map(|i| Symbol::intern(&format!("keyed-before-{i}")))
            .collect();
        set_hash_key(0x5eed_1234_abcd_9876);
        let after: Vec<Symbol> = (0..500)
            .map(|i| Symbol::intern(&format!("keyed-after-{i}")))
            .collect();
        set_hash_key(42);
        for (i, s) in before.iter().enumerate() {
            assert_eq!(Symbol::intern(&format!("keyed-before-{i}")), *s);
            assert_eq!(s.name(), format!("keyed-before-{i}"));
        }
        for (i, s) in after.iter().enumerate() {
            assert_eq!(Symbol::intern(&format!("keyed-after-{i}")), *s);
        }
        let distinct: std::collections::BTreeSet<_> = before.iter().chain(&after).collect();
        assert_eq!(distinct.len(), 1000);
    }

    #[test]
    fn static_symbols_are_their_first_position() {
        for (i, name) in STATIC_NAMES.iter().enumerate() {
            let first = STATIC_NAMES.iter().position(|n| n == name).unwrap();
            assert_eq!(Symbol::intern(name), Symbol(first as u32), "{name} at {i}");
            assert_eq!(Symbol::intern(name).name(), *name);
        }
        assert_eq!(Symbol::known("else").name(), "else");
        assert_eq!(Symbol::known("car").primitive().unwrap().name, "car");
    }

    #[test]
    fn syntax_and_primitives_are_found_by_number() {
        for kw in SYNTAX {
            assert_eq!(Symbol::intern(kw).syntax_keyword().map(Kw::name), Some(*kw));
        }
        for name in ["car", "string-append", "else", "zzz-not-a-name"] {
            assert_eq!(Symbol::intern(name).syntax_keyword(), None, "{name}");
        }
        for p in PRIMS.iter() {
            let found = Symbol::intern(p.name).primitive().map(|q| q.name);
            assert_eq!(found.map(|n| n == p.name), Some(true), "{}", p.name);
            assert!(std::ptr::eq(
                Symbol::intern(p.name).primitive().unwrap(),
                crate::bindings::find_primitive(p.name).unwrap()
            ));
        }
        assert!(Symbol::intern("my-local-name").primitive().is_none());
        for name in ENVIRONMENT {
            assert!(Symbol::intern(name).is_static(), "{name}");
        }
        assert!(!Symbol::intern("my-local-name").is_static());
        assert!(Symbol::intern("else").primitive().is_none());
    }

    #[test]
    fn dynamic_symbols_are_interned_once_and_survive_growth() {
        let names: Vec<String> = (0..2000).map(|i| format!("dyn-{i}-λ")).collect();
        let syms: Vec<Symbol> = names.iter().map(|n| Symbol::intern(n)).collect();
        for (n, s) in names.iter().zip(&syms) {
            assert_eq!(Symbol::intern(n), *s);
            assert_eq!(s.name(), n);
            assert!(s.is_interned());
            assert!(s.syntax_keyword().is_none() && s.primitive().is_none());
        }
        let long = "x".repeat(5000);
        assert_eq!(Symbol::intern(&long).name(), long);
        let u = Symbol::uninterned("dyn-1-λ");
        assert_ne!(u, syms[1]);
        assert_eq!(u.name(), "dyn-1-λ");
        assert!(!u.is_interned());
        assert_eq!(Symbol::intern("dyn-1-λ"), syms[1]);
    }
}
