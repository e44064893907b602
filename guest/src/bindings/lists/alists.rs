//! Association lists: `acons`, `assq`/`assv`/`assoc`, their `sloppy-`
//! variants and the `-ref` accessors.

use crate::diag::Result;
use crate::eval::Interp;
use crate::value::Value;

use super::{charge_pairs, equal, wrong_type_c};

// ------------------------------------------------------------------ alists

pub(super) fn acons(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    charge_pairs(interp, 2)?;
    Ok(Value::cons(
        Value::cons(a[0].clone(), a[1].clone()),
        a[2].clone(),
    ))
}

/// `assq`, `assv`, `assoc`: the first entry whose key matches; an entry
/// that is not a pair before the match, or an improper end, is an error.
fn assoc_search(
    interp: &mut Interp,
    subr: &str,
    key: &Value,
    alist: &Value,
    same: fn(&Interp, &Value, &Value) -> Result<bool>,
) -> Result<Value> {
    let bad = || wrong_type_c(subr, 2, "association list", alist);
    let mut cur = alist;
    let mut steps = 0u64;
    let found = loop {
        match cur {
            Value::Pair(p) => {
                steps += 1;
                let Value::Pair(entry) = &p.car else {
                    break Err(bad());
                };
                if same(interp, &entry.car, key)? {
                    break Ok(p.car.clone());
                }
                cur = &p.cdr;
            }
            Value::Null => break Ok(Value::Bool(false)),
            _ => break Err(bad()),
        }
    };
    interp.tick_n(steps)?;
    found
}

/// The `sloppy-` variants and the `-ref` procedures: entries that are not
/// pairs are skipped and an improper end ends the search.
fn sloppy_search(
    interp: &mut Interp,
    key: &Value,
    alist: &Value,
    same: fn(&Interp, &Value, &Value) -> Result<bool>,
) -> Result<Option<Value>> {
    let mut cur = alist;
    let mut steps = 0u64;
    let mut found = None;
    while let Value::Pair(p) = cur {
        steps += 1;
        if let Value::Pair(entry) = &p.car {
            if same(interp, &entry.car, key)? {
                found = Some(p.car.clone());
                break;
            }
        }
        cur = &p.cdr;
    }
    interp.tick_n(steps)?;
    Ok(found)
}

pub(super) fn same_eq(_: &Interp, a: &Value, b: &Value) -> Result<bool> {
    Ok(a.eq(b))
}

pub(super) fn same_eqv(_: &Interp, a: &Value, b: &Value) -> Result<bool> {
    Ok(a.eqv(b))
}

pub(super) fn same_equal(interp: &Interp, a: &Value, b: &Value) -> Result<bool> {
    equal(interp, a, b)
}

pub(super) fn assq(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    assoc_search(interp, "assq", &a[0], &a[1], same_eq)
}

pub(super) fn assv(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    // libguile hands keys that are not heap numbers to `assq`.
    let subr = match a[0] {
        Value::Big(_) | Value::Rat(_) | Value::Real(_) => "assv",
        _ => "assq",
    };
    assoc_search(interp, subr, &a[0], &a[1], same_eqv)
}

pub(super) fn assoc(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    assoc_search(interp, "assoc", &a[0], &a[1], same_equal)
}

pub(super) fn sloppy_assq(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(sloppy_search(interp, &a[0], &a[1], same_eq)?.unwrap_or(Value::Bool(false)))
}

pub(super) fn sloppy_assv(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(sloppy_search(interp, &a[0], &a[1], same_eqv)?.unwrap_or(Value::Bool(false)))
}

pub(super) fn sloppy_assoc(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(sloppy_search(interp, &a[0], &a[1], same_equal)?.unwrap_or(Value::Bool(false)))
}

fn entry_value(found: Option<Value>) -> Value {
    match found {
        Some(Value::Pair(p)) => p.cdr.clone(),
        _ => Value::Bool(false),
    }
}

/// `(assq-ref alist key)`: note the argument order.
pub(super) fn assq_ref(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(entry_value(sloppy_search(interp, &a[1], &a[0], same_eq)?))
}

pub(super) fn assv_ref(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(entry_value(sloppy_search(interp, &a[1], &a[0], same_eqv)?))
}

pub(super) fn assoc_ref(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(entry_value(sloppy_search(
        interp, &a[1], &a[0], same_equal,
    )?))
}
