//! String, symbol and keyword bindings, with Guile 3.0 (SRFI-13) semantics.
//!
//! Strings are immutable here, so the `/shared`, `/copy` and `/read-only`
//! variants behave like their plain counterparts.  Indexes count
//! characters, not bytes.  Every primitive that builds a string or a list
//! whose size depends on the dish calls `Interp::charge` first; loops whose
//! length the dish controls call `Interp::tick_n`.
//!
//! Known differences from Guile 3.0.8, all where Guile misbehaves:
//! `xsubstring` indexes the replicated *substring* `[start end)` as SRFI-13
//! says (Guile ignores `start` and, for some negative `from`, reads past
//! the string); `(make-string -1)` and `(string-pad s -1)` are range errors
//! (Guile crashes).  `string-normalize-*` only handle ASCII strings (which
//! every form leaves unchanged) and report anything else as unsupported.

mod access;
mod case;
mod compare;
mod construct;
mod file_names;
mod higher_order;
mod search;
mod symbols;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use crate::bindings::chars::{downcase, upcase};
use crate::bindings::charset::{in_table, CharSet, GRAPHIC};
use crate::bindings::{arg_index, Prim};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::prim;
use crate::value::{Str, Value};

use access::{
    string_copy, string_drop, string_drop_right, string_length, string_null_p, string_p,
    string_pad, string_pad_right, string_ref, string_replace, string_reverse, string_take,
    string_take_right, string_trim, string_trim_both, string_trim_right, string_utf8_length,
    substring, xsubstring,
};
use case::{
    string_downcase, string_normalize_nfc, string_normalize_nfd, string_normalize_nfkc,
    string_normalize_nfkd, string_titlecase, string_upcase,
};
use compare::{
    r5rs_ci_eq, r5rs_ci_ge, r5rs_ci_gt, r5rs_ci_le, r5rs_ci_lt, r5rs_eq, r5rs_ge, r5rs_gt, r5rs_le,
    r5rs_lt, srfi_ci_eq, srfi_ci_ge, srfi_ci_gt, srfi_ci_le, srfi_ci_lt, srfi_ci_ne, srfi_eq,
    srfi_ge, srfi_gt, srfi_le, srfi_lt, srfi_ne, string_compare, string_compare_ci, string_hash,
    string_hash_ci, string_prefix_ci_p, string_prefix_length, string_prefix_length_ci,
    string_prefix_p, string_suffix_ci_p, string_suffix_length, string_suffix_length_ci,
    string_suffix_p,
};
use construct::{
    list_to_string, make_string, reverse_list_to_string, string, string_append, string_concatenate,
    string_concatenate_reverse, string_join, string_tabulate, string_to_list, string_unfold,
    string_unfold_right,
};
use file_names::{absolute_file_name_p, basename, dirname, file_name_separator_p, in_vicinity};
use higher_order::{
    string_any, string_delete, string_every, string_filter, string_fold, string_fold_right,
    string_for_each, string_for_each_index, string_map,
};
use search::{
    string_contains, string_contains_ci, string_count, string_index, string_index_right,
    string_skip, string_skip_right, string_split, string_tokenize,
};
use symbols::{
    keyword_p, keyword_to_symbol, list_to_symbol, make_symbol, string_ci_to_symbol,
    string_to_symbol, symbol, symbol_append, symbol_interned_p, symbol_p, symbol_to_keyword,
    symbol_to_string,
};

/// Approximate cost of one list cell, for `Interp::charge`.
const PAIR_COST: usize = 32;
/// Approximate fixed cost of one string object.
const STR_COST: usize = 32;
/// Characters scanned per tick of work.
const CHARS_PER_TICK: usize = 64;

pub(crate) const PRIMS: &[Prim] = &[
    // File names.
    prim!("absolute-file-name?", 1, 1, absolute_file_name_p),
    prim!("file-name-separator?", 1, 1, file_name_separator_p),
    prim!("in-vicinity", 2, 2, in_vicinity),
    prim!("basename", 1, 2, basename),
    prim!("dirname", 1, 1, dirname),
    // Construction and conversion.
    prim!("list->string", 1, 1, list_to_string),
    prim!("make-string", 1, 2, make_string),
    prim!("reverse-list->string", 1, 1, reverse_list_to_string),
    prim!("string", 0, _, string),
    prim!("string->list", 1, 3, string_to_list),
    prim!("string-append", 0, _, string_append),
    prim!("string-append/shared", 0, _, string_append),
    prim!("string-concatenate", 1, 1, string_concatenate),
    prim!("string-concatenate/shared", 1, 1, string_concatenate),
    prim!(
        "string-concatenate-reverse",
        1,
        3,
        string_concatenate_reverse
    ),
    prim!(
        "string-concatenate-reverse/shared",
        1,
        3,
        string_concatenate_reverse
    ),
    prim!("string-join", 1, 3, string_join),
    prim!("string-tabulate", 2, 2, string_tabulate),
    prim!("string-unfold", 4, 6, string_unfold),
    prim!("string-unfold-right", 4, 6, string_unfold_right),
    // Predicates and accessors.
    prim!("string?", 1, 1, string_p),
    prim!("string-null?", 1, 1, string_null_p),
    prim!("string-length", 1, 1, string_length),
    prim!("string-utf8-length", 1, 1, string_utf8_length),
    prim!("string-ref", 2, 2, string_ref),
    // Substrings.
    prim!("substring", 2, 3, substring),
    prim!("substring/copy", 2, 3, substring),
    prim!("substring/read-only", 2, 3, substring),
    prim!("substring/shared", 2, 3, substring),
    prim!("string-copy", 1, 3, string_copy),
    prim!("string-take", 2, 2, string_take),
    prim!("string-take-right", 2, 2, string_take_right),
    prim!("string-drop", 2, 2, string_drop),
    prim!("string-drop-right", 2, 2, string_drop_right),
    prim!("string-pad", 2, 5, string_pad),
    prim!("string-pad-right", 2, 5, string_pad_right),
    prim!("string-trim", 1, 4, string_trim),
    prim!("string-trim-right", 1, 4, string_trim_right),
    prim!("string-trim-both", 1, 4, string_trim_both),
    prim!("xsubstring", 2, 5, xsubstring),
    prim!("string-replace", 2, 6, string_replace),
    prim!("string-reverse", 1, 3, string_reverse),
    // Splitting.
    prim!("string-split", 2, 2, string_split),
    prim!("string-tokenize", 1, 4, string_tokenize),
    // Searching.
    prim!("string-index", 2, 4, string_index),
    prim!("string-index-right", 2, 4, string_index_right),
    prim!("string-rindex", 2, 4, string_index_right),
    prim!("string-skip", 2, 4, string_skip),
    prim!("string-skip-right", 2, 4, string_skip_right),
    prim!("string-count", 2, 4, string_count),
    prim!("string-contains", 2, 6, string_contains),
    prim!("string-contains-ci", 2, 6, string_contains_ci),
    // Higher order.
    prim!("string-any", 2, 4, string_any),
    prim!("string-any-c-code", 2, 4, string_any),
    prim!("string-every", 2, 4, string_every),
    prim!("string-filter", 2, 4, string_filter),
    prim!("string-delete", 2, 4, string_delete),
    prim!("string-map", 2, 4, string_map),
    prim!("string-for-each", 2, 4, string_for_each),
    prim!("string-for-each-index", 2, 4, string_for_each_index),
    prim!("string-fold", 3, 5, string_fold),
    prim!("string-fold-right", 3, 5, string_fold_right),
    // Case.
    prim!("string-upcase", 1, 3, string_upcase),
    prim!("string-downcase", 1, 3, string_downcase),
    prim!("string-titlecase", 1, 3, string_titlecase),
    prim!("string-capitalize", 1, 1, string_titlecase),
    // Normalization (ASCII only: see `normalize`).
    prim!("string-normalize-nfc", 1, 1, string_normalize_nfc),
    prim!("string-normalize-nfd", 1, 1, string_normalize_nfd),
    prim!("string-normalize-nfkc", 1, 1, string_normalize_nfkc),
    prim!("string-normalize-nfkd", 1, 1, string_normalize_nfkd),
    // Prefixes and suffixes.
    prim!("string-prefix?", 2, 6, string_prefix_p),
    prim!("string-prefix-ci?", 2, 6, string_prefix_ci_p),
    prim!("string-suffix?", 2, 6, string_suffix_p),
    prim!("string-suffix-ci?", 2, 6, string_suffix_ci_p),
    prim!("string-prefix-length", 2, 6, string_prefix_length),
    prim!("string-prefix-length-ci", 2, 6, string_prefix_length_ci),
    prim!("string-suffix-length", 2, 6, string_suffix_length),
    prim!("string-suffix-length-ci", 2, 6, string_suffix_length_ci),
    // SRFI-13 comparisons (two strings, optional ranges).
    prim!("string=", 2, 6, srfi_eq),
    prim!("string<>", 2, 6, srfi_ne),
    prim!("string<", 2, 6, srfi_lt),
    prim!("string>", 2, 6, srfi_gt),
    prim!("string<=", 2, 6, srfi_le),
    prim!("string>=", 2, 6, srfi_ge),
    prim!("string-ci=", 2, 6, srfi_ci_eq),
    prim!("string-ci<>", 2, 6, srfi_ci_ne),
    prim!("string-ci<", 2, 6, srfi_ci_lt),
    prim!("string-ci>", 2, 6, srfi_ci_gt),
    prim!("string-ci<=", 2, 6, srfi_ci_le),
    prim!("string-ci>=", 2, 6, srfi_ci_ge),
    // R5RS comparisons (any number of strings).
    prim!("string=?", 0, _, r5rs_eq),
    prim!("string<?", 0, _, r5rs_lt),
    prim!("string>?", 0, _, r5rs_gt),
    prim!("string<=?", 0, _, r5rs_le),
    prim!("string>=?", 0, _, r5rs_ge),
    prim!("string-ci=?", 0, _, r5rs_ci_eq),
    prim!("string-ci<?", 0, _, r5rs_ci_lt),
    prim!("string-ci>?", 0, _, r5rs_ci_gt),
    prim!("string-ci<=?", 0, _, r5rs_ci_le),
    prim!("string-ci>=?", 0, _, r5rs_ci_ge),
    prim!("string-compare", 5, 9, string_compare),
    prim!("string-compare-ci", 5, 9, string_compare_ci),
    prim!("string-hash", 1, 4, string_hash),
    prim!("string-hash-ci", 1, 4, string_hash_ci),
    // Symbols.
    prim!("string->symbol", 1, 1, string_to_symbol),
    prim!("string-ci->symbol", 1, 1, string_ci_to_symbol),
    prim!("symbol->string", 1, 1, symbol_to_string),
    prim!("list->symbol", 0, _, list_to_symbol),
    prim!("make-symbol", 1, 1, make_symbol),
    prim!("symbol", 0, _, symbol),
    prim!("symbol-append", 0, _, symbol_append),
    prim!("symbol-interned?", 1, 1, symbol_interned_p),
    prim!("symbol?", 1, 1, symbol_p),
    // Keywords.
    prim!("keyword?", 1, 1, keyword_p),
    prim!("keyword->symbol", 1, 1, keyword_to_symbol),
    prim!("symbol->keyword", 1, 1, symbol_to_keyword),
];

pub fn constants() -> Vec<(&'static str, Value)> {
    let name = "file-name-separator-string";
    constant(name).map(|v| (name, v)).into_iter().collect()
}

/// The value of one of [`constants`], by name, without building the list.
pub fn constant(name: &str) -> Option<Value> {
    (name == "file-name-separator-string").then(|| Value::string("/"))
}

// ------------------------------------------------------------------ helpers

/// Guile's `SCM_WRONG_TYPE_ARG` shape: no "expecting" part.
fn bad_arg(subr: &str, pos: usize, v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        subr,
        &format!("Wrong type argument in position {pos}: ~S"),
        vec![v.clone()],
        Value::list([v.clone()]),
    )
}

fn non_char_result(subr: &str, proc_: &Value) -> Exn {
    Exn::guile(
        "misc-error",
        subr,
        "procedure ~S returned non-char",
        vec![proc_.clone()],
        Value::Bool(false),
    )
}

fn check_proc(subr: &str, pos: usize, v: &Value) -> Result<()> {
    if v.is_procedure() {
        Ok(())
    } else {
        Err(bad_arg(subr, pos, v))
    }
}

/// An exact integer that fits in `i64` (for `xsubstring`'s signed indices).
fn exact_int(subr: &str, pos: usize, v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Big(_) => Err(Exn::out_of_range(subr, pos, v)),
        _ => Err(Exn::wrong_type(subr, pos, "exact integer", v)),
    }
}

/// Count `n` characters of scanning work.
fn scan(interp: &mut Interp, n: usize) -> Result<()> {
    if n >= CHARS_PER_TICK {
        interp.tick_n((n / CHARS_PER_TICK) as u64)?;
    }
    Ok(())
}

/// The characters of a string, counting the work.
fn chars_of(interp: &mut Interp, s: &Str) -> Result<Vec<char>> {
    scan(interp, s.s.len())?;
    Ok(s.s.chars().collect())
}

/// A new string, charging for it first (`bytes` is its expected size).
fn new_string(interp: &mut Interp, bytes: usize, build: impl FnOnce() -> String) -> Result<Value> {
    interp.charge(bytes.saturating_add(STR_COST))?;
    Ok(Value::string(build()))
}

fn string_from_chars(interp: &mut Interp, cs: &[char]) -> Result<Value> {
    let bytes = cs.iter().map(|c| c.len_utf8()).sum();
    new_string(interp, bytes, || cs.iter().collect())
}

/// A list of values, charging for the cells first.
fn charged_list(interp: &mut Interp, items: Vec<Value>) -> Result<Value> {
    interp.charge(items.len().saturating_mul(PAIR_COST))?;
    Ok(Value::list(items))
}

/// The byte range of characters `start..end` of `s`.
fn byte_range(s: &str, start: usize, end: usize) -> (usize, usize) {
    if s.is_ascii() {
        return (start, end);
    }
    let mut b_start = s.len();
    let mut b_end = s.len();
    for (ci, (bi, _)) in s.char_indices().enumerate() {
        if ci == start {
            b_start = bi;
        }
        if ci == end {
            b_end = bi;
            break;
        }
    }
    (b_start.min(b_end), b_end)
}

fn slice(s: &str, start: usize, end: usize) -> &str {
    let (a, b) = byte_range(s, start, end);
    &s[a..b]
}

/// Optional `[start end]` arguments at `args[i]` and `args[i + 1]` for a
/// string of `n` characters.
fn opt_range(subr: &str, args: &[Value], i: usize, n: usize) -> Result<(usize, usize)> {
    let start = match args.get(i) {
        Some(v) => {
            let k = arg_index(subr, i + 1, v)?;
            if k > n {
                return Err(Exn::out_of_range(subr, i + 1, v));
            }
            k
        }
        None => 0,
    };
    let end = match args.get(i + 1) {
        Some(v) => {
            let k = arg_index(subr, i + 2, v)?;
            if k > n || k < start {
                return Err(Exn::out_of_range(subr, i + 2, v));
            }
            k
        }
        None => n,
    };
    Ok((start, end))
}

/// A "char_pred" argument: a character, a char-set or a predicate.
enum Pred {
    Char(char),
    Set(Rc<CharSet>),
    Proc(Value),
}

fn arg_pred(subr: &str, pos: usize, v: &Value) -> Result<Pred> {
    match v {
        Value::Char(c) => Ok(Pred::Char(*c)),
        Value::CharSet(s) => Ok(Pred::Set(s.clone())),
        v if v.is_procedure() => Ok(Pred::Proc(v.clone())),
        _ => Err(bad_arg(subr, pos, v)),
    }
}

impl Pred {
    fn call(&self, interp: &mut Interp, c: char) -> Result<Value> {
        match self {
            Pred::Char(x) => Ok(Value::Bool(*x == c)),
            Pred::Set(s) => Ok(Value::Bool(s.contains(c))),
            Pred::Proc(f) => interp.apply(f, vec![Value::Char(c)]),
        }
    }

    fn test(&self, interp: &mut Interp, c: char) -> Result<bool> {
        Ok(self.call(interp, c)?.is_true())
    }
}

// ------------------------------------------------------------ Unicode case

// Guile's simple case mappings and character classes come from the
// character bindings, so that both agree with Guile 3.0.8 (Unicode 13.0).

/// The case folding of Guile's case-insensitive string comparisons: the
/// lowercase of the uppercase, so that "ς" equals "σ" and "_" sorts
/// before "a".
fn fold(c: char) -> char {
    downcase(upcase(c))
}

/// The default of the `string-trim` family: C's `isspace` (Guile uses
/// libunistring's `uc_is_c_whitespace`), not `char-set:whitespace`.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// `char-set:graphic`, the default token set of `string-tokenize`.
fn is_graphic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    in_table(GRAPHIC, c as u32)
}
