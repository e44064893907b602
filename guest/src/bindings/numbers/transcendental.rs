//! `exp`, `log`, `log10`, the trigonometric and hyperbolic functions, and
//! the complex-number parts (`real-part`, `magnitude`, `make-polar`, ...)
//! restricted to real numbers.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::Num;
use crate::value::Value;

use super::arith::abs_num;
use super::exactness::{ldexp, ratio_to_f64, to_f64};
use super::{complex_result, number, overflow, real, MOST_NEGATIVE_FIXNUM, MOST_POSITIVE_FIXNUM};

// ------------------------------------------------------- exp and log

const LN_2: f64 = std::f64::consts::LN_2;
const LOG10_E: f64 = std::f64::consts::LOG10_E;

/// log |n| of an exact integer, the way Guile computes it for bignums
/// (significand and binary exponent) and fixnums (via a double).
fn log_abs_int(n: &BigInt) -> f64 {
    if let Some(i) = n.to_i64() {
        if is_fixnum(i) {
            return (i as f64).abs().ln();
        }
    }
    let bits = n.bits();
    let shift = bits.saturating_sub(64);
    let top = (n.abs() >> shift as usize).to_u64().unwrap_or(u64::MAX);
    // Significand in [0.5, 1) and exponent `bits`.
    let signif = ldexp(top as f64, shift as i64 - bits as i64);
    signif.ln() + bits as f64 * LN_2
}

/// log of a positive exact rational n/d.
fn log_fraction(n: &BigInt, d: &BigInt) -> f64 {
    let ns = n.bits() as i64;
    let ds = d.bits() as i64;
    if (ns - ds).abs() > 1 {
        log_abs_int(n) - log_abs_int(d)
    } else {
        ratio_to_f64(&(n - d), d).ln_1p()
    }
}

pub(super) fn p_log(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match number("log", 1, &args[0])? {
        Num::Real(x) => {
            if x.is_sign_negative() && !x.is_nan() {
                Err(complex_result("log"))
            } else {
                Ok(Value::Real(x.ln()))
            }
        }
        Num::Int(0) => Err(overflow("log")),
        n @ (Num::Int(_) | Num::Big(_)) => {
            let b = n.to_big().unwrap_or_default();
            if b.is_negative() {
                return Err(complex_result("log"));
            }
            Ok(Value::Real(log_abs_int(&b)))
        }
        Num::Rat(r) => {
            if r.is_negative() {
                return Err(complex_result("log"));
            }
            Ok(Value::Real(log_fraction(r.numer(), r.denom())))
        }
    }
}

fn is_fixnum(i: i64) -> bool {
    (MOST_NEGATIVE_FIXNUM..=MOST_POSITIVE_FIXNUM).contains(&i)
}

pub(super) fn p_log10(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = number("log10", 1, &args[0])?;
    let flonum_path = match n {
        Num::Real(_) => true,
        Num::Int(i) => is_fixnum(i),
        _ => false,
    };
    match n {
        Num::Int(0) => Err(overflow("log10")),
        _ if flonum_path => {
            let x = to_f64(&n);
            if x.is_sign_negative() && !x.is_nan() {
                Err(complex_result("log10"))
            } else {
                Ok(Value::Real(x.abs().log10()))
            }
        }
        Num::Rat(r) => {
            if r.is_negative() {
                return Err(complex_result("log10"));
            }
            Ok(Value::Real(LOG10_E * log_fraction(r.numer(), r.denom())))
        }
        other => {
            let b = other.to_big().unwrap_or_default();
            if b.is_negative() {
                return Err(complex_result("log10"));
            }
            Ok(Value::Real(LOG10_E * log_abs_int(&b)))
        }
    }
}

pub(super) fn p_exp(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Real(to_f64(&number("exp", 1, &args[0])?).exp()))
}

// ------------------------------------------------------- trigonometry

/// A function with an exact result at an exact argument (`(sin 0)` is
/// exact 0), real results on `domain` and complex results elsewhere.
fn transcendental(
    subr: &str,
    v: &Value,
    exact_at: Option<(i64, i64)>,
    domain: fn(f64) -> bool,
    f: fn(f64) -> f64,
) -> Result<Value> {
    let n = number(subr, 1, v)?;
    if let (Some((arg, result)), Num::Int(i)) = (exact_at, &n) {
        if *i == arg {
            return Ok(Value::Int(result));
        }
    }
    let x = to_f64(&n);
    if domain(x) {
        Ok(Value::Real(f(x)))
    } else {
        Err(complex_result(subr))
    }
}

fn everywhere(_: f64) -> bool {
    true
}

fn unit_interval(x: f64) -> bool {
    (-1.0..=1.0).contains(&x)
}

pub(super) fn p_sin(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("sin", &args[0], Some((0, 0)), everywhere, f64::sin)
}

pub(super) fn p_cos(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("cos", &args[0], Some((0, 1)), everywhere, f64::cos)
}

pub(super) fn p_tan(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("tan", &args[0], Some((0, 0)), everywhere, f64::tan)
}

pub(super) fn p_sinh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("sinh", &args[0], Some((0, 0)), everywhere, f64::sinh)
}

pub(super) fn p_cosh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("cosh", &args[0], Some((0, 1)), everywhere, f64::cosh)
}

pub(super) fn p_tanh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("tanh", &args[0], Some((0, 0)), everywhere, f64::tanh)
}

pub(super) fn p_asin(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("asin", &args[0], Some((0, 0)), unit_interval, f64::asin)
}

pub(super) fn p_acos(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("acos", &args[0], Some((1, 0)), unit_interval, f64::acos)
}

pub(super) fn p_asinh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("asinh", &args[0], Some((0, 0)), everywhere, f64::asinh)
}

pub(super) fn p_acosh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("acosh", &args[0], Some((1, 0)), |x| x >= 1.0, f64::acosh)
}

pub(super) fn p_atanh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("atanh", &args[0], Some((0, 0)), unit_interval, f64::atanh)
}

pub(super) fn p_atan(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match args {
        [z] => transcendental("atan", z, Some((0, 0)), everywhere, f64::atan),
        [z, y] => {
            let a = real("atan", 1, z)?;
            let b = real("atan", 2, y)?;
            Ok(Value::Real(to_f64(&a).atan2(to_f64(&b))))
        }
        _ => Err(Exn::arity("atan", args.len(), "1 to 2")),
    }
}

// ------------------------------------------------------- complex parts

pub(super) fn p_real_part(_: &mut Interp, args: &[Value]) -> Result<Value> {
    number("real-part", 1, &args[0])?;
    Ok(args[0].clone())
}

pub(super) fn p_imag_part(_: &mut Interp, args: &[Value]) -> Result<Value> {
    number("imag-part", 1, &args[0])?;
    Ok(Value::Int(0))
}

pub(super) fn p_magnitude(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(abs_num(&number("magnitude", 1, &args[0])?).into_value())
}

pub(super) fn p_angle(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let negative = match number("angle", 1, &args[0])? {
        Num::Real(f) => f.is_sign_negative(),
        other => other.is_negative(),
    };
    Ok(Value::Real(if negative { 0.0f64.atan2(-1.0) } else { 0.0 }))
}

pub(super) fn p_make_rectangular(_: &mut Interp, args: &[Value]) -> Result<Value> {
    real("make-rectangular", 1, &args[0])?;
    real("make-rectangular", 2, &args[1])?;
    if matches!(args[1], Value::Int(0)) {
        Ok(args[0].clone())
    } else {
        Err(complex_result("make-rectangular"))
    }
}

pub(super) fn p_make_polar(_: &mut Interp, args: &[Value]) -> Result<Value> {
    real("make-polar", 1, &args[0])?;
    real("make-polar", 2, &args[1])?;
    if matches!(args[0], Value::Int(0)) {
        Ok(Value::Int(0))
    } else if matches!(args[1], Value::Int(0)) {
        Ok(args[0].clone())
    } else {
        Err(complex_result("make-polar"))
    }
}
