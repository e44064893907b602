//! String predicates and accessors (`string?`, `string-length`,
//! `string-ref`, ...) and the substring operations: `substring`,
//! `string-take`/`-drop`, padding, trimming, `xsubstring`,
//! `string-replace` and `string-reverse`.

use std::rc::Rc;

use crate::bindings::{arg_char, arg_index, arg_str};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::{Str, Value};

use super::{
    arg_pred, chars_of, exact_int, is_c_space, new_string, opt_range, scan, slice,
    string_from_chars, STR_COST,
};

// ------------------------------------------------ predicates, accessors

pub(super) fn string_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(matches!(args[0], Value::Str(_))))
}

pub(super) fn string_null_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(
        arg_str("string-null?", 1, &args[0])?.s.is_empty(),
    ))
}

pub(super) fn string_length(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-length", 1, &args[0])?;
    if !s.s.is_ascii() {
        scan(interp, s.s.len())?;
    }
    Ok(Value::Int(s.char_len() as i64))
}

pub(super) fn string_utf8_length(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(
        arg_str("string-utf8-length", 1, &args[0])?.s.len() as i64,
    ))
}

pub(super) fn string_ref(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-ref", 1, &args[0])?;
    let k = arg_index("string-ref", 2, &args[1])?;
    let c = if s.s.is_ascii() {
        s.s.as_bytes().get(k).map(|&b| b as char)
    } else {
        scan(interp, k)?;
        s.s.chars().nth(k)
    };
    c.map(Value::Char)
        .ok_or_else(|| Exn::out_of_range("string-ref", 2, &args[1]))
}

// ------------------------------------------------------------ substrings

fn substring_of(interp: &mut Interp, s: &Str, start: usize, end: usize) -> Result<Value> {
    if !s.s.is_ascii() {
        scan(interp, s.s.len())?;
    }
    let sub = slice(&s.s, start, end);
    new_string(interp, sub.len(), || sub.to_string())
}

fn substring_common(interp: &mut Interp, subr: &str, args: &[Value]) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    if !s.s.is_ascii() {
        scan(interp, s.s.len())?;
    }
    let (start, end) = opt_range(subr, args, 1, s.char_len())?;
    substring_of(interp, s, start, end)
}

pub(super) fn substring(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    substring_common(interp, "substring", args)
}

pub(super) fn string_copy(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    substring_common(interp, "string-copy", args)
}

/// `(subr s n)`: `n` must be at most the length of `s`.
fn take_arg(subr: &str, args: &[Value]) -> Result<(Rc<Str>, usize, usize)> {
    let s = arg_str(subr, 1, &args[0])?.clone();
    let n = arg_index(subr, 2, &args[1])?;
    let len = s.char_len();
    if n > len {
        return Err(Exn::out_of_range(subr, 2, &args[1]));
    }
    Ok((s, n, len))
}

pub(super) fn string_take(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (s, n, _) = take_arg("string-take", args)?;
    substring_of(interp, &s, 0, n)
}

pub(super) fn string_drop(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (s, n, len) = take_arg("string-drop", args)?;
    substring_of(interp, &s, n, len)
}

pub(super) fn string_take_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (s, n, len) = take_arg("string-take-right", args)?;
    substring_of(interp, &s, len - n, len)
}

pub(super) fn string_drop_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (s, n, len) = take_arg("string-drop-right", args)?;
    substring_of(interp, &s, 0, len - n)
}

fn pad(interp: &mut Interp, subr: &str, args: &[Value], right: bool) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    let n = arg_index(subr, 2, &args[1])?;
    let fill = match args.get(2) {
        Some(v) => arg_char(subr, 3, v)?,
        None => ' ',
    };
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 3, cs.len())?;
    let sub = &cs[start..end];
    let len = sub.len();
    let kept: &[char] = if len >= n {
        if right {
            &sub[..n]
        } else {
            &sub[len - n..]
        }
    } else {
        sub
    };
    let fill_n = n - kept.len();
    let bytes = fill_n
        .saturating_mul(fill.len_utf8())
        .saturating_add(kept.iter().map(|c| c.len_utf8()).sum());
    new_string(interp, bytes, || {
        let filler = std::iter::repeat_n(fill, fill_n);
        if right {
            kept.iter().copied().chain(filler).collect()
        } else {
            filler.chain(kept.iter().copied()).collect()
        }
    })
}

pub(super) fn string_pad(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    pad(interp, "string-pad", args, false)
}

pub(super) fn string_pad_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    pad(interp, "string-pad-right", args, true)
}

fn trim(interp: &mut Interp, subr: &str, args: &[Value], left: bool, right: bool) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    let pred = match args.get(1) {
        Some(v) => Some(arg_pred(subr, 2, v)?),
        None => None,
    };
    let cs = chars_of(interp, s)?;
    let (mut start, mut end) = opt_range(subr, args, 2, cs.len())?;
    let matches = |interp: &mut Interp, c: char| -> Result<bool> {
        match &pred {
            Some(p) => p.test(interp, c),
            None => Ok(is_c_space(c)),
        }
    };
    if left {
        while start < end && matches(interp, cs[start])? {
            start += 1;
        }
    }
    if right {
        while end > start && matches(interp, cs[end - 1])? {
            end -= 1;
        }
    }
    string_from_chars(interp, &cs[start..end])
}

pub(super) fn string_trim(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    trim(interp, "string-trim", args, true, false)
}

pub(super) fn string_trim_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    trim(interp, "string-trim-right", args, false, true)
}

pub(super) fn string_trim_both(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    trim(interp, "string-trim-both", args, true, true)
}

pub(super) fn xsubstring(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "xsubstring";
    let s = arg_str(SUBR, 1, &args[0])?;
    let from = exact_int(SUBR, 2, &args[1])?;
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(SUBR, args, 3, cs.len())?;
    let sub = &cs[start..end];
    let to = match args.get(2) {
        Some(v) => exact_int(SUBR, 3, v)?,
        None => from.saturating_add(sub.len() as i64),
    };
    if to < from {
        return Err(Exn::out_of_range(SUBR, 3, &args[2]));
    }
    if to == from {
        return new_string(interp, 0, String::new);
    }
    if sub.is_empty() {
        return Err(Exn::misc(SUBR, "start and end indices must not be equal"));
    }
    let count = (to as i128 - from as i128) as u128;
    let width = sub.iter().map(|c| c.len_utf8()).max().unwrap_or(1);
    let bytes = usize::try_from(count)
        .unwrap_or(usize::MAX)
        .saturating_mul(width);
    interp.charge(bytes.saturating_add(STR_COST))?;
    // The charge succeeded, so `count` is small.
    let count = count as usize;
    scan(interp, count)?;
    let n = sub.len() as i64;
    let first = from.rem_euclid(n) as usize;
    Ok(Value::string(
        sub.iter()
            .cycle()
            .skip(first)
            .take(count)
            .collect::<String>(),
    ))
}

pub(super) fn string_replace(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-replace";
    let s1 = arg_str(SUBR, 1, &args[0])?;
    let s2 = arg_str(SUBR, 2, &args[1])?;
    let c1 = chars_of(interp, s1)?;
    let c2 = chars_of(interp, s2)?;
    let (start1, end1) = opt_range(SUBR, args, 2, c1.len())?;
    let (start2, end2) = opt_range(SUBR, args, 4, c2.len())?;
    let mut out = Vec::with_capacity(start1 + (end2 - start2) + (c1.len() - end1));
    out.extend_from_slice(&c1[..start1]);
    out.extend_from_slice(&c2[start2..end2]);
    out.extend_from_slice(&c1[end1..]);
    string_from_chars(interp, &out)
}

pub(super) fn string_reverse(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-reverse", 1, &args[0])?;
    let mut cs = chars_of(interp, s)?;
    let (start, end) = opt_range("string-reverse", args, 1, cs.len())?;
    cs[start..end].reverse();
    string_from_chars(interp, &cs)
}
