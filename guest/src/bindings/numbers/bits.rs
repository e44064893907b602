//! The bit operations on exact integers: `logand`, `logior`, `logxor`,
//! `lognot`, `logtest`, `logbit?`, `logcount`, `integer-length`, `ash` and
//! `round-ash`.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::division::to_exact_integer;
use super::{exact_int, guard_bits, int_value, is_exact_integer, number, overflow};

// ------------------------------------------------------- bits

fn int_arg(subr: &str, pos: usize, v: &Value) -> Result<BigInt> {
    exact_int(subr, pos, v)
}

fn bitwise(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    identity: i64,
    op: fn(&BigInt, &BigInt) -> BigInt,
    op64: fn(i64, i64) -> i64,
) -> Result<Value> {
    match args {
        [] => Ok(Value::Int(identity)),
        [x] => {
            number(subr, 1, x)?;
            Ok(x.clone())
        }
        [first, rest @ ..] => {
            let mut acc = first.clone();
            for y in rest {
                if !is_exact_integer(&acc) {
                    return Err(Exn::wrong_type(subr, 1, "exact integer", &acc));
                }
                if !is_exact_integer(y) {
                    return Err(Exn::wrong_type(subr, 2, "exact integer", y));
                }
                acc = match (&acc, y) {
                    (Value::Int(a), Value::Int(b)) => Value::Int(op64(*a, *b)),
                    _ => {
                        let a = to_exact_integer(&acc);
                        let b = to_exact_integer(y);
                        guard_bits(interp, a.bits().max(b.bits()) + 1)?;
                        int_value(op(&a, &b))
                    }
                };
            }
            Ok(acc)
        }
    }
}

pub(super) fn p_logand(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logand", args, -1, |a, b| a & b, |a, b| a & b)
}

pub(super) fn p_logior(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logior", args, 0, |a, b| a | b, |a, b| a | b)
}

pub(super) fn p_logxor(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logxor", args, 0, |a, b| a ^ b, |a, b| a ^ b)
}

pub(super) fn p_lognot(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match &args[0] {
        Value::Int(i) => Ok(Value::Int(!i)),
        v => {
            let n = int_arg("lognot", 1, v)?;
            Ok(int_value(-n - 1))
        }
    }
}

pub(super) fn p_logtest(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let a = int_arg("logtest", 1, &args[0])?;
    let b = int_arg("logtest", 2, &args[1])?;
    Ok(Value::Bool(!(a & b).is_zero()))
}

pub(super) fn p_logbit_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let index = match &args[0] {
        Value::Int(i) if *i >= 0 => *i as u64,
        Value::Big(b) if !b.is_negative() => u64::MAX,
        v @ (Value::Int(_) | Value::Big(_)) => return Err(Exn::out_of_range("logbit?", 1, v)),
        v => return Err(Exn::wrong_type("logbit?", 1, "exact integer", v)),
    };
    let j = int_arg("logbit?", 2, &args[1])?;
    Ok(Value::Bool(if index >= j.bits() {
        j.is_negative()
    } else {
        // Two's complement bit of a negative number: bit of !(|j| - 1).
        if j.is_negative() {
            let m: BigInt = -j - 1;
            !m.bit(index)
        } else {
            j.bit(index)
        }
    }))
}

pub(super) fn p_logcount(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = int_arg("logcount", 1, &args[0])?;
    let m = if n.is_negative() { -n - 1 } else { n };
    let count: u64 = m.iter_u64_digits().map(|d| u64::from(d.count_ones())).sum();
    Ok(Value::Int(count as i64))
}

pub(super) fn p_integer_length(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match &args[0] {
        Value::Int(i) => {
            let m = if *i < 0 { !*i } else { *i };
            Ok(Value::Int(64 - m.leading_zeros() as i64))
        }
        v => {
            let n = int_arg("integer-length", 1, v)?;
            let m = if n.is_negative() { -n - 1 } else { n };
            Ok(Value::Int(m.bits() as i64))
        }
    }
}

/// Shift `n` by `count` bits: left when count >= 0, else right with
/// floor (`ash`) or round-half-even (`round-ash`) rounding.
fn shift(interp: &mut Interp, subr: &str, args: &[Value], round: bool) -> Result<Value> {
    let n = int_arg(subr, 1, &args[0])?;
    let count = int_arg(subr, 2, &args[1])?;
    if !count.is_negative() {
        if n.is_zero() {
            return Ok(Value::Int(0));
        }
        let Some(c) = count.to_u64() else {
            return Err(overflow(subr));
        };
        if c / 32 >= i32::MAX as u64 {
            return Err(overflow(subr));
        }
        guard_bits(interp, n.bits().saturating_add(c))?;
        let Ok(c) = usize::try_from(c) else {
            return Err(overflow(subr));
        };
        return Ok(int_value(n << c));
    }
    let c = count.magnitude();
    let bits = n.bits();
    let c = match c.to_u64() {
        Some(c) if c <= bits + 1 => c as usize,
        _ => {
            // Shifted out entirely.
            return Ok(Value::Int(if !round && n.is_negative() { -1 } else { 0 }));
        }
    };
    if c == 0 {
        return Ok(int_value(n));
    }
    let q = n.div_floor(&(BigInt::one() << c));
    if !round {
        return Ok(int_value(q));
    }
    let r = &n - (&q << c);
    let half = BigInt::one() << (c - 1);
    let up = match r.cmp(&half) {
        Ordering::Greater => true,
        Ordering::Equal => q.is_odd(),
        Ordering::Less => false,
    };
    Ok(int_value(if up { q + 1 } else { q }))
}

pub(super) fn p_ash(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    shift(interp, "ash", args, false)
}

pub(super) fn p_round_ash(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    shift(interp, "round-ash", args, true)
}
