//! Procedures on procedures and iteration: `compose`, `identity`, `const`,
//! `negate`, `noop`, `map`, `for-each` and `iota`.

use crate::diag::{Exn, Result};
use crate::eval::{make_native_closure, Interp};
use crate::num::{self, Num};
use crate::value::Value;

use super::{bool_value, charge_pairs, map_error, one, proper, wrong_arg};

// ------------------------------------------------------------- iteration

/// `(compose proc . rest)`: `proc` itself when alone, else a procedure
/// that applies the last procedure first, passing multiple values along.
pub(super) fn compose(_: &mut Interp, a: &[Value]) -> Result<Value> {
    if a.len() == 1 {
        return Ok(a[0].clone());
    }
    Ok(make_native_closure("compose", a.to_vec(), call_composed))
}

fn call_composed(interp: &mut Interp, procs: &[Value], args: &[Value]) -> Result<Value> {
    let mut args = args.to_vec();
    let mut result = Value::Unspecified;
    for (i, f) in procs.iter().enumerate().rev() {
        result = interp.apply(f, args)?;
        if i == 0 {
            break;
        }
        args = match result {
            Value::Values(ref vs) => (**vs).clone(),
            ref v => vec![v.clone()],
        };
    }
    Ok(result)
}

pub(super) fn identity(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(a[0].clone())
}

pub(super) fn constant(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(make_native_closure(
        "const",
        vec![a[0].clone()],
        call_constant,
    ))
}

fn call_constant(_: &mut Interp, captured: &[Value], _: &[Value]) -> Result<Value> {
    Ok(captured[0].clone())
}

pub(super) fn negate(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(make_native_closure(
        "negate",
        vec![a[0].clone()],
        call_negated,
    ))
}

fn call_negated(interp: &mut Interp, captured: &[Value], args: &[Value]) -> Result<Value> {
    let v = one(interp.apply(&captured[0], args.to_vec())?)?;
    Ok(bool_value(!v.is_true()))
}

/// `noop`: the first argument, or `#f` without arguments (as libguile's).
pub(super) fn noop(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(a.first().cloned().unwrap_or(Value::Bool(false)))
}

/// The lists of a `map` or `for-each` call, validated as boot-9.scm does.
fn map_lists(interp: &mut Interp, subr: &str, lists: &[Value]) -> Result<Vec<Vec<Value>>> {
    if lists.len() == 1 {
        let items = proper(interp, &lists[0])?
            .ok_or_else(|| map_error(subr, "Not a list: ~S", &lists[0]))?;
        return Ok(vec![items]);
    }
    let mut out: Vec<Vec<Value>> = Vec::with_capacity(lists.len());
    for l in lists {
        let items = proper(interp, l)?.ok_or_else(|| wrong_arg("length", 1, l))?;
        if let Some(first) = out.first() {
            if first.len() != items.len() {
                return Err(map_error(subr, "List of wrong length: ~S", l));
            }
        }
        out.push(items);
    }
    Ok(out)
}

pub(super) fn map(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let lists = map_lists(interp, "map", &a[1..])?;
    let n = lists[0].len();
    charge_pairs(interp, n)?;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let args: Vec<Value> = lists.iter().map(|l| l[i].clone()).collect();
        out.push(one(interp.apply(&a[0], args)?)?);
    }
    Ok(Value::list(out))
}

pub(super) fn for_each(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let lists = map_lists(interp, "for-each", &a[1..])?;
    for i in 0..lists[0].len() {
        let args: Vec<Value> = lists.iter().map(|l| l[i].clone()).collect();
        interp.apply(&a[0], args)?;
    }
    Ok(Value::Unspecified)
}

/// `(iota count [start [step]])`, defined in boot-9.scm as the list of
/// `(+ start (* n step))`: exact unless an argument is inexact.
pub(super) fn iota(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let count = &a[0];
    let bad_count = || Exn::throw("wrong-type-arg", Value::list([count.clone()]));
    let (n, exact_count) = match count {
        Value::Int(i) if *i >= 0 => (*i as u64, true),
        Value::Big(b) if !num_traits::Signed::is_negative(&**b) => (u64::MAX, true),
        Value::Real(f) if f.is_finite() && f.fract() == 0.0 && *f >= 0.0 => (
            if *f >= u64::MAX as f64 {
                u64::MAX
            } else {
                *f as u64
            },
            false,
        ),
        _ => return Err(bad_count()),
    };
    let start = a.get(1).cloned().unwrap_or(Value::Int(0));
    let step = a.get(2).cloned().unwrap_or(Value::Int(1));
    if n == 0 {
        return Ok(Value::Null);
    }
    let index = |i: u64| {
        if exact_count {
            Num::Int(i as i64)
        } else {
            Num::Real(i as f64)
        }
    };
    let (start_n, step_n) = match (Num::from_value(&start), Num::from_value(&step)) {
        (Some(s), Some(t)) => (s, t),
        (s, None) => {
            // (* (- count 1) step) fails first, except that Guile's `*`
            // returns a non-number unchanged when multiplied by exact 1.
            if exact_count && n == 2 {
                return Err(match s {
                    None => wrong_arg("+", 1, &start),
                    Some(_) => wrong_arg("+", 2, &step),
                });
            }
            return Err(wrong_arg("*", 2, &step));
        }
        (None, Some(_)) => return Err(wrong_arg("+", 1, &start)),
    };
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    charge_pairs(interp, n)?;
    let big_bits = match (&start_n, &step_n) {
        (Num::Int(_) | Num::Real(_), Num::Int(_) | Num::Real(_)) => None,
        _ => Some(start_n.bits().max(step_n.bits()) + 64),
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n as u64 {
        if let Some(bits) = big_bits {
            interp.check_int_bits(bits)?;
        }
        let v = num::add(&start_n, &num::mul(&index(i), &step_n));
        out.push(v.into_value());
    }
    Ok(Value::list(out))
}
