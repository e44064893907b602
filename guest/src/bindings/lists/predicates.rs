//! Predicates and boolean procedures: `not`, `boolean?`, `eq?`, `eqv?`,
//! `equal?`, `unspecified?`, `and=>`, `and-map` and `or-map`.

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::{bool_value, equal, one};

// -------------------------------------------------------------- predicates

pub(super) fn unspecified_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(matches!(a[0], Value::Unspecified)))
}

pub(super) fn to_bool(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(a[0].is_true()))
}

pub(super) fn not(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(!a[0].is_true()))
}

pub(super) fn boolean_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(matches!(a[0], Value::Bool(_))))
}

pub(super) fn eq_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(a.windows(2).all(|w| w[0].eq(&w[1]))))
}

pub(super) fn eqv_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(a.windows(2).all(|w| w[0].eqv(&w[1]))))
}

pub(super) fn equal_p(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    for w in a.windows(2) {
        if !equal(interp, &w[0], &w[1])? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// `(and=> value proc)`: `#f` when `value` is, else `(proc value)`.
pub(super) fn and_then(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    if !a[0].is_true() {
        return Ok(Value::Bool(false));
    }
    interp.apply(&a[1], vec![a[0].clone()])
}

pub(super) fn car_of(v: &Value) -> Result<(&Value, &Value)> {
    match v {
        Value::Pair(p) => Ok((&p.car, &p.cdr)),
        _ => Err(Exn::wrong_type("car", 1, "pair", v)),
    }
}

/// boot-9.scm's `and-map`: the last result, or `#f` at the first false one.
pub(super) fn and_map(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let mut result = Value::Bool(true);
    let mut l = &a[1];
    loop {
        if !result.is_true() {
            return Ok(result);
        }
        if matches!(l, Value::Null) {
            return Ok(result);
        }
        let (x, rest) = car_of(l)?;
        result = one(interp.apply(&a[0], vec![x.clone()])?)?;
        l = rest;
    }
}

/// boot-9.scm's `or-map`: the first true result, or `#f`.
pub(super) fn or_map(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let mut result = Value::Bool(false);
    let mut l = &a[1];
    loop {
        if result.is_true() {
            return Ok(result);
        }
        if matches!(l, Value::Null) {
            return Ok(Value::Bool(false));
        }
        let (x, rest) = car_of(l)?;
        result = one(interp.apply(&a[0], vec![x.clone()])?)?;
        l = rest;
    }
}
