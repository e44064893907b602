//! Number and bit bindings: arithmetic, comparison, the integer division
//! families, transcendental functions, `number->string`/`string->number`
//! and the `log*`/`ash` bit operations, following Guile 3.0's
//! `libguile/numbers.c` (exactness, contagion and error keys included).
//!
//! Complex numbers do not exist in the sandbox: where Guile would return a
//! non-real complex number (`(sqrt -4)`, `(log -1)`, `(asin 2)`, ...), these
//! primitives raise a `misc-error` saying so.
//!
//! Every exact integer result whose size depends on the dish's input is
//! announced to [`Interp::check_int_bits`] (with a conservative estimate of
//! its size) before it is computed, so `(expt 10 (expt 10 9))` or
//! `(ash 1 10000000000)` fail with a limit diagnostic instead of exhausting
//! memory.

mod arith;
mod bits;
mod division;
mod exactness;
mod powers;
#[cfg(test)]
mod tests;
mod text;
mod transcendental;

use std::rc::Rc;

use num_bigint::BigInt;

use crate::bindings::Prim;
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{self, big_to_value, Num};
use crate::prim;
use crate::value::Value;

use arith::{
    p_abs, p_add, p_complex_p, p_div, p_even_p, p_exact_integer_p, p_exact_p, p_finite_p, p_ge,
    p_gt, p_inf, p_inf_p, p_integer_p, p_le, p_lt, p_max, p_min, p_mul, p_nan, p_nan_p,
    p_negative_p, p_num_eq, p_number_p, p_odd_p, p_one_minus, p_one_plus, p_positive_p,
    p_rational_p, p_real_p, p_sub, p_zero_p,
};
use bits::{
    p_ash, p_integer_length, p_logand, p_logbit_p, p_logcount, p_logior, p_lognot, p_logtest,
    p_logxor, p_round_ash,
};
use division::{
    p_ceiling, p_ceiling_divide, p_ceiling_quotient, p_ceiling_remainder, p_centered_divide,
    p_centered_quotient, p_centered_remainder, p_euclidean_divide, p_euclidean_quotient,
    p_euclidean_remainder, p_floor, p_floor_divide, p_floor_quotient, p_floor_remainder, p_gcd,
    p_lcm, p_modulo, p_quotient, p_remainder, p_round, p_round_divide, p_round_quotient,
    p_round_remainder, p_truncate, p_truncate_divide, p_truncate_quotient, p_truncate_remainder,
};
use exactness::{p_denominator, p_exact_to_inexact, p_numerator, p_rationalize};
use powers::{p_exact_integer_sqrt, p_expt, p_integer_expt, p_modulo_expt, p_sqrt};
use text::{p_number_to_string, p_string_to_number};
use transcendental::{
    p_acos, p_acosh, p_angle, p_asin, p_asinh, p_atan, p_atanh, p_cos, p_cosh, p_exp, p_imag_part,
    p_log, p_log10, p_magnitude, p_make_polar, p_make_rectangular, p_real_part, p_sin, p_sinh,
    p_tan, p_tanh,
};

pub use text::{flonum_to_string, parse_exact_decimal};

/// Guile 3.0 on a 64-bit host: fixnums have 62 bits.
pub const MOST_POSITIVE_FIXNUM: i64 = (1 << 61) - 1;
pub const MOST_NEGATIVE_FIXNUM: i64 = -(1 << 61);

pub(crate) const PRIMS: &[Prim] = &[
    // Number bindings.
    prim!("*", 0, _, p_mul),
    prim!("+", 0, _, p_add),
    prim!("-", 1, _, p_sub),
    prim!("/", 1, _, p_div),
    prim!("1+", 1, 1, p_one_plus),
    prim!("1-", 1, 1, p_one_minus),
    prim!("<", 0, _, p_lt),
    prim!("<=", 0, _, p_le),
    prim!("=", 0, _, p_num_eq),
    prim!(">", 0, _, p_gt),
    prim!(">=", 0, _, p_ge),
    prim!("abs", 1, 1, p_abs),
    prim!("acos", 1, 1, p_acos),
    prim!("acosh", 1, 1, p_acosh),
    prim!("angle", 1, 1, p_angle),
    prim!("asin", 1, 1, p_asin),
    prim!("asinh", 1, 1, p_asinh),
    prim!("atan", 1, 2, p_atan),
    prim!("atanh", 1, 1, p_atanh),
    prim!("ceiling", 1, 1, p_ceiling),
    prim!("ceiling-quotient", 2, 2, p_ceiling_quotient),
    prim!("ceiling-remainder", 2, 2, p_ceiling_remainder),
    prim!("ceiling/", 2, 2, p_ceiling_divide),
    prim!("centered-quotient", 2, 2, p_centered_quotient),
    prim!("centered-remainder", 2, 2, p_centered_remainder),
    prim!("centered/", 2, 2, p_centered_divide),
    prim!("complex?", 1, 1, p_complex_p),
    prim!("cos", 1, 1, p_cos),
    prim!("cosh", 1, 1, p_cosh),
    prim!("denominator", 1, 1, p_denominator),
    prim!("euclidean-quotient", 2, 2, p_euclidean_quotient),
    prim!("euclidean-remainder", 2, 2, p_euclidean_remainder),
    prim!("euclidean/", 2, 2, p_euclidean_divide),
    prim!("even?", 1, 1, p_even_p),
    prim!("exact->inexact", 1, 1, p_exact_to_inexact),
    prim!("exact-integer-sqrt", 1, 1, p_exact_integer_sqrt),
    prim!("exact-integer?", 1, 1, p_exact_integer_p),
    prim!("exact?", 1, 1, p_exact_p),
    prim!("exp", 1, 1, p_exp),
    prim!("expt", 2, 2, p_expt),
    prim!("finite?", 1, 1, p_finite_p),
    prim!("floor", 1, 1, p_floor),
    prim!("floor-quotient", 2, 2, p_floor_quotient),
    prim!("floor-remainder", 2, 2, p_floor_remainder),
    prim!("floor/", 2, 2, p_floor_divide),
    prim!("gcd", 0, _, p_gcd),
    prim!("imag-part", 1, 1, p_imag_part),
    prim!("inf", 0, 0, p_inf),
    prim!("inf?", 1, 1, p_inf_p),
    prim!("integer-expt", 2, 2, p_integer_expt),
    prim!("integer-length", 1, 1, p_integer_length),
    prim!("integer?", 1, 1, p_integer_p),
    prim!("lcm", 0, _, p_lcm),
    prim!("log", 1, 1, p_log),
    prim!("log10", 1, 1, p_log10),
    prim!("magnitude", 1, 1, p_magnitude),
    prim!("make-polar", 2, 2, p_make_polar),
    prim!("make-rectangular", 2, 2, p_make_rectangular),
    prim!("max", 1, _, p_max),
    prim!("min", 1, _, p_min),
    prim!("modulo", 2, 2, p_modulo),
    prim!("modulo-expt", 3, 3, p_modulo_expt),
    prim!("nan", 0, 0, p_nan),
    prim!("nan?", 1, 1, p_nan_p),
    prim!("negative?", 1, 1, p_negative_p),
    prim!("numerator", 1, 1, p_numerator),
    prim!("odd?", 1, 1, p_odd_p),
    prim!("positive?", 1, 1, p_positive_p),
    prim!("quotient", 2, 2, p_quotient),
    prim!("rational?", 1, 1, p_rational_p),
    prim!("rationalize", 2, 2, p_rationalize),
    prim!("real-part", 1, 1, p_real_part),
    prim!("real?", 1, 1, p_real_p),
    prim!("remainder", 2, 2, p_remainder),
    prim!("round", 1, 1, p_round),
    prim!("round-quotient", 2, 2, p_round_quotient),
    prim!("round-remainder", 2, 2, p_round_remainder),
    prim!("round/", 2, 2, p_round_divide),
    prim!("sin", 1, 1, p_sin),
    prim!("sinh", 1, 1, p_sinh),
    prim!("sqrt", 1, 1, p_sqrt),
    prim!("tan", 1, 1, p_tan),
    prim!("tanh", 1, 1, p_tanh),
    prim!("truncate", 1, 1, p_truncate),
    prim!("truncate-quotient", 2, 2, p_truncate_quotient),
    prim!("truncate-remainder", 2, 2, p_truncate_remainder),
    prim!("truncate/", 2, 2, p_truncate_divide),
    prim!("zero?", 1, 1, p_zero_p),
    prim!("number?", 1, 1, p_number_p),
    prim!("number->string", 1, 2, p_number_to_string),
    prim!("string->number", 1, 2, p_string_to_number),
    // Bit bindings.
    prim!("ash", 2, 2, p_ash),
    prim!("round-ash", 2, 2, p_round_ash),
    prim!("logand", 0, _, p_logand),
    prim!("logcount", 1, 1, p_logcount),
    prim!("logior", 0, _, p_logior),
    prim!("lognot", 1, 1, p_lognot),
    prim!("logtest", 2, 2, p_logtest),
    prim!("logxor", 0, _, p_logxor),
    prim!("logbit?", 2, 2, p_logbit_p),
];

pub fn constants() -> Vec<(&'static str, Value)> {
    CONSTANTS
        .iter()
        .filter_map(|&n| Some((n, constant(n)?)))
        .collect()
}

const CONSTANTS: &[&str] = &["most-negative-fixnum", "most-positive-fixnum"];

/// The value of one of [`constants`], by name, without building the list.
pub fn constant(name: &str) -> Option<Value> {
    match name {
        "most-negative-fixnum" => Some(Value::Int(MOST_NEGATIVE_FIXNUM)),
        "most-positive-fixnum" => Some(Value::Int(MOST_POSITIVE_FIXNUM)),
        _ => None,
    }
}

// ------------------------------------------------------------------ helpers

const COMPLEX_MESSAGE: &str = "complex results are not supported in the potluck sandbox";

fn complex_result(subr: &str) -> Exn {
    Exn::misc(subr, COMPLEX_MESSAGE).with_help(
        "the potluck sandbox has real numbers only; check the sign of the argument first",
    )
}

fn overflow(subr: &str) -> Exn {
    num::div_by_zero(subr)
}

fn number(subr: &str, pos: usize, v: &Value) -> Result<Num> {
    Num::from_value(v).ok_or_else(|| Exn::wrong_type(subr, pos, "number", v))
}

fn real(subr: &str, pos: usize, v: &Value) -> Result<Num> {
    Num::from_value(v).ok_or_else(|| Exn::wrong_type(subr, pos, "real number", v))
}

fn is_exact_integer(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Big(_))
}

/// `integer?`: exact integers and finite integral flonums.
fn is_integer(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Big(_) => true,
        Value::Real(f) => f.is_finite() && f.floor() == *f,
        _ => false,
    }
}

fn exact_int(subr: &str, pos: usize, v: &Value) -> Result<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        Value::Big(b) => Ok((**b).clone()),
        _ => Err(Exn::wrong_type(subr, pos, "exact integer", v)),
    }
}

fn int_value(b: BigInt) -> Value {
    big_to_value(b)
}

fn i128_value(i: i128) -> Value {
    match i64::try_from(i) {
        Ok(i) => Value::Int(i),
        Err(_) => Value::Big(Rc::new(BigInt::from(i))),
    }
}

fn values2(a: Value, b: Value) -> Value {
    Value::Values(Rc::new(vec![a, b].into()))
}

/// Announce an exact result of about `bits` bits before computing it
/// (`check_int_bits` also charges its memory).
fn guard_bits(interp: &mut Interp, bits: u64) -> Result<()> {
    if bits > 62 {
        interp.check_int_bits(bits)?;
    }
    Ok(())
}

/// One interpreter step is worth about this many 64-bit limb operations.
const LIMB_OPS_PER_STEP: u64 = 64;

/// Count the work of a quadratic bignum operation (division, gcd,
/// conversion to decimal) on operands of `a` and `b` bits.
fn bignum_work(interp: &mut Interp, a: u64, b: u64) -> Result<()> {
    let la = a / 64 + 1;
    let lb = b / 64 + 1;
    if la > 4 && lb > 4 {
        interp.tick_n(la.saturating_mul(lb) / LIMB_OPS_PER_STEP)?;
    }
    Ok(())
}

/// Count the work of a greatest common divisor whose operands hold `bits`
/// bits in all, which every exact rational result pays to be reduced:
/// num-bigint's binary (Stein) gcd removes at least one bit per pass, and
/// each pass touches every limb.
fn gcd_work(interp: &mut Interp, bits: u64) -> Result<()> {
    let limbs = bits / 64 + 1;
    if limbs > 4 {
        interp.tick_n(bits.saturating_mul(limbs) / LIMB_OPS_PER_STEP)?;
    }
    Ok(())
}

/// Count the work of a bignum multiplication (Karatsuba and better above
/// a few dozen limbs).
fn multiplication_work(interp: &mut Interp, a: u64, b: u64) -> Result<()> {
    let (la, lb) = (a / 64 + 1, b / 64 + 1);
    let (small, large) = (la.min(lb), la.max(lb));
    if small <= 4 {
        return Ok(());
    }
    let ops = if small <= 32 {
        small * large
    } else {
        (large as f64 * (small as f64).powf(0.585) * 3.0) as u64
    };
    interp.tick_n(ops / LIMB_OPS_PER_STEP)
}
