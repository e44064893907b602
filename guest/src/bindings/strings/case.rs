//! Case mapping (`string-upcase`, `string-downcase`, `string-titlecase`)
//! and the `string-normalize-*` forms.

use crate::bindings::arg_str;
use crate::bindings::chars::{downcase, is_alphabetic as is_letter, titlecase, upcase};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::{chars_of, new_string, opt_range, string_from_chars};

// ------------------------------------------------------------------ case

/// Map the characters of `[start end)`, returning the whole string.
fn case_map(interp: &mut Interp, subr: &str, args: &[Value], f: fn(char) -> char) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    let mut cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 1, cs.len())?;
    for c in &mut cs[start..end] {
        *c = f(*c);
    }
    string_from_chars(interp, &cs)
}

pub(super) fn string_upcase(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    case_map(interp, "string-upcase", args, upcase)
}

pub(super) fn string_downcase(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    case_map(interp, "string-downcase", args, downcase)
}

pub(super) fn string_titlecase(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-titlecase", 1, &args[0])?;
    let mut cs = chars_of(interp, s)?;
    let (start, end) = opt_range("string-titlecase", args, 1, cs.len())?;
    let mut in_word = false;
    for c in &mut cs[start..end] {
        if is_letter(*c) {
            *c = if in_word { downcase(*c) } else { titlecase(*c) };
            in_word = true;
        } else {
            in_word = false;
        }
    }
    string_from_chars(interp, &cs)
}

/// Unicode normalization needs tables this crate does not carry; ASCII
/// strings are invariant under every normalization form, anything else is
/// reported as unsupported rather than answered wrongly.
fn normalize(interp: &mut Interp, subr: &str, args: &[Value]) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    if s.s.is_ascii() {
        new_string(interp, s.s.len(), || s.s.clone())
    } else {
        Err(Exn::unsupported(subr).with_help(
            "Unicode normalization is only supported for ASCII strings in the potluck sandbox",
        ))
    }
}

pub(super) fn string_normalize_nfc(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    normalize(interp, "string-normalize-nfc", args)
}

pub(super) fn string_normalize_nfd(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    normalize(interp, "string-normalize-nfd", args)
}

pub(super) fn string_normalize_nfkc(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    normalize(interp, "string-normalize-nfkc", args)
}

pub(super) fn string_normalize_nfkd(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    normalize(interp, "string-normalize-nfkd", args)
}
