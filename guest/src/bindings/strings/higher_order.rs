//! The string procedures that call a procedure or test a predicate on each
//! character: `string-any`, `string-every`, `string-filter`,
//! `string-delete`, `string-map`, `string-for-each` and the folds.

use crate::bindings::arg_str;
use crate::diag::Result;
use crate::eval::Interp;
use crate::value::Value;

use super::{arg_pred, chars_of, check_proc, non_char_result, opt_range, string_from_chars};

// ---------------------------------------------------------- higher order

/// `(subr proc s [start end])`: the procedure argument, the characters and
/// the range.
fn proc_s_range(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
) -> Result<(Vec<char>, usize, usize)> {
    let s = arg_str(subr, 2, &args[1])?;
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 2, cs.len())?;
    Ok((cs, start, end))
}

pub(super) fn string_any(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let pred = arg_pred("string-any", 1, &args[0])?;
    let (cs, start, end) = proc_s_range(interp, "string-any", args)?;
    for &c in &cs[start..end] {
        let v = pred.call(interp, c)?;
        if v.is_true() {
            return Ok(v);
        }
    }
    Ok(Value::Bool(false))
}

pub(super) fn string_every(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let pred = arg_pred("string-every", 1, &args[0])?;
    let (cs, start, end) = proc_s_range(interp, "string-every", args)?;
    let mut last = Value::Bool(true);
    for &c in &cs[start..end] {
        last = pred.call(interp, c)?;
        if !last.is_true() {
            return Ok(last);
        }
    }
    Ok(last)
}

fn filter(interp: &mut Interp, subr: &str, args: &[Value], keep: bool) -> Result<Value> {
    let pred = arg_pred(subr, 1, &args[0])?;
    let (cs, start, end) = proc_s_range(interp, subr, args)?;
    let mut out = Vec::new();
    for &c in &cs[start..end] {
        if pred.test(interp, c)? == keep {
            out.push(c);
        }
    }
    string_from_chars(interp, &out)
}

pub(super) fn string_filter(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    filter(interp, "string-filter", args, true)
}

pub(super) fn string_delete(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    filter(interp, "string-delete", args, false)
}

pub(super) fn string_map(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-map";
    let f = &args[0];
    check_proc(SUBR, 1, f)?;
    let (cs, start, end) = proc_s_range(interp, SUBR, args)?;
    let mut out = Vec::with_capacity(end - start);
    for &c in &cs[start..end] {
        match interp.apply(f, vec![Value::Char(c)])? {
            Value::Char(r) => out.push(r),
            _ => return Err(non_char_result(SUBR, f)),
        }
    }
    string_from_chars(interp, &out)
}

pub(super) fn string_for_each(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-for-each";
    let f = &args[0];
    check_proc(SUBR, 1, f)?;
    let (cs, start, end) = proc_s_range(interp, SUBR, args)?;
    for &c in &cs[start..end] {
        interp.apply(f, vec![Value::Char(c)])?;
    }
    Ok(Value::Unspecified)
}

pub(super) fn string_for_each_index(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-for-each-index";
    let f = &args[0];
    check_proc(SUBR, 1, f)?;
    let (_, start, end) = proc_s_range(interp, SUBR, args)?;
    for i in start..end {
        interp.apply(f, vec![Value::Int(i as i64)])?;
    }
    Ok(Value::Unspecified)
}

fn fold_common(interp: &mut Interp, subr: &str, args: &[Value], right: bool) -> Result<Value> {
    let kons = &args[0];
    check_proc(subr, 1, kons)?;
    let s = arg_str(subr, 3, &args[2])?;
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 3, cs.len())?;
    let mut acc = args[1].clone();
    let range = &cs[start..end];
    if right {
        for &c in range.iter().rev() {
            acc = interp.apply(kons, vec![Value::Char(c), acc])?;
        }
    } else {
        for &c in range {
            acc = interp.apply(kons, vec![Value::Char(c), acc])?;
        }
    }
    Ok(acc)
}

pub(super) fn string_fold(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    fold_common(interp, "string-fold", args, false)
}

pub(super) fn string_fold_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    fold_common(interp, "string-fold-right", args, true)
}
