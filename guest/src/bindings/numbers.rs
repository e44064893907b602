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

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Pow, Signed, ToPrimitive, Zero};

use crate::bindings::{arg_str, Prim};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{self, big_to_value, rat_to_value, Num};
use crate::prim;
use crate::value::Value;

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
    Value::Values(Rc::new(vec![a, b]))
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

// ------------------------------------------------------- exact -> flonum

/// 2^e as a flonum, for e in the normal range.
fn pow2(e: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// x * 2^e, exact whenever the result is representable.
fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    x * pow2(e)
}

/// The flonum nearest to n/d (d > 0), ties to even, like Guile's
/// `scm_i_divide2double`.
fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
    if n.is_zero() {
        return 0.0;
    }
    if let (Some(a), Some(b)) = (n.to_i64(), d.to_i64()) {
        if a.unsigned_abs() < (1 << 53) && b.unsigned_abs() < (1 << 53) {
            return a as f64 / b as f64;
        }
    }
    let neg = n.is_negative() != d.is_negative();
    let n = n.abs();
    let d = d.abs();
    let nb = n.bits() as i64;
    let db = d.bits() as i64;
    // n/d lies in [2^(nb-db-1), 2^(nb-db+1)).
    let mut e = (nb - db - 53).max(-1074);
    if e > 1100 {
        return if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let (mut q, r, divisor) = if e >= 0 {
        let dd = &d << (e as usize);
        let (q, r) = n.div_rem(&dd);
        (q, r, dd)
    } else {
        let nn = &n << ((-e) as usize);
        let (q, r) = nn.div_rem(&d);
        (q, r, d.clone())
    };
    let round_up = if q.bits() > 53 {
        let low_bit = q.is_odd();
        q >>= 1usize;
        e += 1;
        low_bit && (!r.is_zero() || q.is_odd())
    } else {
        match (&r << 1usize).cmp(&divisor) {
            Ordering::Greater => true,
            Ordering::Equal => q.is_odd(),
            Ordering::Less => false,
        }
    };
    if round_up {
        q += 1;
    }
    let qf = q.to_u64().map(|v| v as f64).unwrap_or(f64::INFINITY);
    let x = ldexp(qf, e);
    if neg {
        -x
    } else {
        x
    }
}

fn big_to_f64(b: &BigInt) -> f64 {
    match b.to_i64() {
        Some(i) => i as f64,
        None => ratio_to_f64(b, &BigInt::one()),
    }
}

fn to_f64(n: &Num) -> f64 {
    match n {
        Num::Int(i) => *i as f64,
        Num::Big(b) => big_to_f64(b),
        Num::Rat(r) => ratio_to_f64(r.numer(), r.denom()),
        Num::Real(f) => *f,
    }
}

/// `inexact->exact` of a flonum (Guile: out-of-range for infinities and NaNs).
fn f64_to_exact(subr: &str, f: f64) -> Result<Num> {
    if !f.is_finite() {
        return Err(Exn::out_of_range(subr, 1, &Value::Real(f)));
    }
    if f == f.trunc() && f.abs() < 9.0e18 {
        return Ok(Num::Int(f as i64));
    }
    match BigRational::from_float(f) {
        Some(r) => Ok(if r.denom().is_one() {
            Num::Big(r.numer().clone())
        } else {
            Num::Rat(r)
        }),
        None => Err(Exn::out_of_range(subr, 1, &Value::Real(f))),
    }
}

fn numer_denom(n: &Num) -> (BigInt, BigInt) {
    match n {
        Num::Int(i) => (BigInt::from(*i), BigInt::one()),
        Num::Big(b) => (b.clone(), BigInt::one()),
        Num::Rat(r) => (r.numer().clone(), r.denom().clone()),
        Num::Real(_) => (BigInt::zero(), BigInt::one()),
    }
}

fn exact_zero(n: &Num) -> bool {
    matches!(n, Num::Int(0))
}

// ------------------------------------------------------------ arithmetic

fn add2(interp: &mut Interp, a: &Num, b: &Num) -> Result<Num> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Ok(match x.checked_add(*y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(*x) + y),
        }),
        (Num::Real(_), _) | (_, Num::Real(_)) => Ok(Num::Real(to_f64(a) + to_f64(b))),
        _ => {
            let est = if matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_)) {
                a.bits() + b.bits() + 1
            } else {
                a.bits().max(b.bits()) + 1
            };
            guard_bits(interp, est)?;
            Ok(num::add(a, b))
        }
    }
}

fn negate(a: &Num) -> Num {
    match a {
        Num::Int(i) => match i.checked_neg() {
            Some(n) => Num::Int(n),
            None => Num::Big(-BigInt::from(*i)),
        },
        Num::Big(b) => Num::Big(-b),
        Num::Rat(r) => Num::Rat(-r),
        Num::Real(f) => Num::Real(-f),
    }
}

fn sub2(interp: &mut Interp, a: &Num, b: &Num) -> Result<Num> {
    match (a, b) {
        // Guile treats (- 0 x) as (- x), so (- 0 0.0) is -0.0.
        (Num::Int(0), _) => Ok(negate(b)),
        (Num::Int(x), Num::Int(y)) => Ok(match x.checked_sub(*y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(*x) - y),
        }),
        (Num::Real(_), _) | (_, Num::Real(_)) => Ok(Num::Real(to_f64(a) - to_f64(b))),
        _ => {
            let est = if matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_)) {
                a.bits() + b.bits() + 1
            } else {
                a.bits().max(b.bits()) + 1
            };
            guard_bits(interp, est)?;
            Ok(num::sub(a, b))
        }
    }
}

fn mul2(interp: &mut Interp, a: &Num, b: &Num) -> Result<Num> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Ok(match x.checked_mul(*y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(*x) * y),
        }),
        (Num::Real(_), _) | (_, Num::Real(_)) => Ok(Num::Real(to_f64(a) * to_f64(b))),
        _ => {
            let est = a.bits() + b.bits();
            guard_bits(interp, est)?;
            multiplication_work(interp, a.bits(), b.bits())?;
            Ok(num::mul(a, b))
        }
    }
}

/// Binary `/`; an exact zero divisor is an error even for a flonum
/// dividend, as in Guile.
fn div2(interp: &mut Interp, a: &Num, b: &Num) -> Result<Num> {
    if exact_zero(b) {
        return Err(overflow("divide"));
    }
    match (a, b) {
        (Num::Real(_), _) | (_, Num::Real(_)) => Ok(Num::Real(to_f64(a) / to_f64(b))),
        (Num::Int(x), Num::Int(y)) if *y != -1 && x % y == 0 => Ok(Num::Int(x / y)),
        _ => {
            // A quotient of integers is no bigger than its operands; one of
            // fractions can be as big as both.
            let est = if matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_)) {
                a.bits() + b.bits()
            } else {
                a.bits().max(b.bits()) + 1
            };
            guard_bits(interp, est)?;
            bignum_work(interp, a.bits(), b.bits())?;
            num::div(a, b).map_err(|_| overflow("divide"))
        }
    }
}

/// Guile's `scm_product` on values, including its quirk that `(* 1 x)` is
/// `x` whatever `x` is.
fn product(interp: &mut Interp, x: &Value, y: &Value) -> Result<Value> {
    if matches!(x, Value::Int(1)) {
        return Ok(y.clone());
    }
    if matches!(y, Value::Int(1)) {
        return Ok(x.clone());
    }
    let a = number("*", 1, x)?;
    let b = number("*", 2, y)?;
    Ok(mul2(interp, &a, &b)?.into_value())
}

fn p_add(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let [Value::Int(a), Value::Int(b)] = args {
        if let Some(c) = a.checked_add(*b) {
            return Ok(Value::Int(c));
        }
    }
    match args {
        [] => Ok(Value::Int(0)),
        [x] => {
            number("+", 1, x)?;
            Ok(x.clone())
        }
        [first, rest @ ..] => {
            let mut acc = number("+", 1, first)?;
            for y in rest {
                let b = number("+", 2, y)?;
                acc = add2(interp, &acc, &b)?;
            }
            Ok(acc.into_value())
        }
    }
}

fn p_sub(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let [Value::Int(a), Value::Int(b)] = args {
        if let Some(c) = a.checked_sub(*b) {
            return Ok(Value::Int(c));
        }
    }
    match args {
        [] => Err(Exn::arity("-", 0, "at least 1")),
        [x] => Ok(negate(&number("-", 1, x)?).into_value()),
        [first, rest @ ..] => {
            let mut acc = number("-", 1, first)?;
            for y in rest {
                let b = number("-", 2, y)?;
                acc = sub2(interp, &acc, &b)?;
            }
            Ok(acc.into_value())
        }
    }
}

fn p_mul(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let [Value::Int(a), Value::Int(b)] = args {
        if let Some(c) = a.checked_mul(*b) {
            return Ok(Value::Int(c));
        }
    }
    match args {
        [] => Ok(Value::Int(1)),
        [x] => {
            number("*", 1, x)?;
            Ok(x.clone())
        }
        [first, rest @ ..] => {
            let mut acc = first.clone();
            for y in rest {
                acc = product(interp, &acc, y)?;
            }
            Ok(acc)
        }
    }
}

fn invert(interp: &mut Interp, x: &Num) -> Result<Num> {
    div2(interp, &Num::Int(1), x)
}

fn p_div(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    match args {
        [] => Err(Exn::arity("/", 0, "at least 1")),
        [x] => {
            let a = number("/", 1, x)?;
            Ok(invert(interp, &a)?.into_value())
        }
        [first, rest @ ..] => {
            let mut acc = number("/", 1, first)?;
            for y in rest {
                let b = number("/", 2, y)?;
                acc = div2(interp, &acc, &b)?;
            }
            Ok(acc.into_value())
        }
    }
}

fn p_one_plus(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let Value::Int(a) = args[0] {
        if let Some(c) = a.checked_add(1) {
            return Ok(Value::Int(c));
        }
    }
    let a = number("+", 1, &args[0])?;
    Ok(add2(interp, &a, &Num::Int(1))?.into_value())
}

fn p_one_minus(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let Value::Int(a) = args[0] {
        if let Some(c) = a.checked_sub(1) {
            return Ok(Value::Int(c));
        }
    }
    let a = number("-", 1, &args[0])?;
    Ok(sub2(interp, &a, &Num::Int(1))?.into_value())
}

fn p_abs(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(abs_num(&number("abs", 1, &args[0])?).into_value())
}

fn abs_num(n: &Num) -> Num {
    match n {
        Num::Real(f) => Num::Real(f.abs()),
        other if other.is_negative() => negate(other),
        other => other.clone(),
    }
}

// ------------------------------------------------------------ comparison

fn compare(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Real(x), Num::Real(y)) => x.partial_cmp(y),
        (Num::Int(x), Num::Real(y)) if x.unsigned_abs() <= 1 << 53 => (*x as f64).partial_cmp(y),
        (Num::Real(x), Num::Int(y)) if y.unsigned_abs() <= 1 << 53 => x.partial_cmp(&(*y as f64)),
        _ => num::cmp(a, b),
    }
}

fn chain(subr: &str, args: &[Value], test: fn(Option<Ordering>) -> bool) -> Result<Value> {
    if args.len() < 2 {
        return Ok(Value::Bool(true));
    }
    // Fixnums, the common case, compare without conversion.
    if let [Value::Int(a), Value::Int(b)] = args {
        return Ok(Value::Bool(test(Some(a.cmp(b)))));
    }
    let is_eq = subr == "=";
    let mut prev = if is_eq {
        number(subr, 1, &args[0])?
    } else {
        real(subr, 1, &args[0])?
    };
    for y in &args[1..] {
        // Guile's `=` reports every bad argument in position 1.
        let b = if is_eq {
            number(subr, 1, y)?
        } else {
            real(subr, 2, y)?
        };
        if !test(compare(&prev, &b)) {
            return Ok(Value::Bool(false));
        }
        prev = b;
    }
    Ok(Value::Bool(true))
}

fn p_lt(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("<", args, |o| o == Some(Ordering::Less))
}

fn p_le(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("<=", args, |o| {
        matches!(o, Some(Ordering::Less | Ordering::Equal))
    })
}

fn p_num_eq(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("=", args, |o| o == Some(Ordering::Equal))
}

fn p_gt(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain(">", args, |o| o == Some(Ordering::Greater))
}

fn p_ge(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain(">=", args, |o| {
        matches!(o, Some(Ordering::Greater | Ordering::Equal))
    })
}

fn extremum(subr: &str, args: &[Value], want_max: bool) -> Result<Value> {
    let mut acc = real(subr, 1, &args[0])?;
    for y in &args[1..] {
        let b = real(subr, 2, y)?;
        acc = if acc.is_exact() && b.is_exact() {
            let less = compare(&acc, &b) == Some(Ordering::Less);
            if less == want_max {
                b
            } else {
                acc
            }
        } else {
            let xx = to_f64(&acc);
            let yy = to_f64(&b);
            Num::Real(if xx.is_nan() {
                xx
            } else if yy.is_nan() {
                yy
            } else if xx < yy {
                if want_max {
                    yy
                } else {
                    xx
                }
            } else if xx > yy {
                if want_max {
                    xx
                } else {
                    yy
                }
            } else if xx.is_sign_negative() == want_max {
                // Equal: distinguish -0.0 from 0.0.
                yy
            } else {
                xx
            })
        };
    }
    Ok(acc.into_value())
}

fn p_max(_: &mut Interp, args: &[Value]) -> Result<Value> {
    extremum("max", args, true)
}

fn p_min(_: &mut Interp, args: &[Value]) -> Result<Value> {
    extremum("min", args, false)
}

// ------------------------------------------------------------ predicates

fn p_number_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

fn p_complex_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

fn p_real_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

fn p_rational_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match &args[0] {
        Value::Int(_) | Value::Big(_) | Value::Rat(_) => true,
        Value::Real(f) => f.is_finite(),
        _ => false,
    }))
}

fn p_integer_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(is_integer(&args[0])))
}

fn p_exact_integer_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(is_exact_integer(&args[0])))
}

fn p_exact_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(number("exact?", 1, &args[0])?.is_exact()))
}

fn p_zero_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(number("zero?", 1, &args[0])?.is_zero()))
}

fn p_positive_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = real("positive?", 1, &args[0])?;
    Ok(Value::Bool(match n {
        Num::Real(f) => f > 0.0,
        other => !other.is_zero() && !other.is_negative(),
    }))
}

fn p_negative_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = real("negative?", 1, &args[0])?;
    Ok(Value::Bool(match n {
        Num::Real(f) => f < 0.0,
        other => other.is_negative(),
    }))
}

fn parity(subr: &str, v: &Value) -> Result<bool> {
    match v {
        Value::Int(i) => Ok(i & 1 == 1),
        Value::Big(b) => Ok(b.is_odd()),
        Value::Real(f) if f.is_finite() => {
            let rem = (f % 2.0).abs();
            if rem == 1.0 {
                Ok(true)
            } else if rem == 0.0 {
                Ok(false)
            } else {
                Err(Exn::wrong_type(subr, 1, "integer", v))
            }
        }
        _ => Err(Exn::wrong_type(subr, 1, "integer", v)),
    }
}

fn p_odd_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(parity("odd?", &args[0])?))
}

fn p_even_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(!parity("even?", &args[0])?))
}

fn p_finite_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("finite?", 1, &args[0])? {
        Num::Real(f) => f.is_finite(),
        _ => true,
    }))
}

fn p_inf_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("inf?", 1, &args[0])? {
        Num::Real(f) => f.is_infinite(),
        _ => false,
    }))
}

fn p_nan_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("nan?", 1, &args[0])? {
        Num::Real(f) => f.is_nan(),
        _ => false,
    }))
}

fn p_inf(_: &mut Interp, _: &[Value]) -> Result<Value> {
    Ok(Value::Real(f64::INFINITY))
}

fn p_nan(_: &mut Interp, _: &[Value]) -> Result<Value> {
    Ok(Value::Real(f64::NAN))
}

// ------------------------------------------------------- rounding

/// Guile's `scm_c_round`: to nearest, ties to even, with its exact
/// handling of signed zeros (`(round -0.4)` is `0.0`).
fn c_round(x: f64) -> f64 {
    if x == x.floor() {
        return x;
    }
    let plus_half = x + 0.5;
    let result = plus_half.floor();
    if plus_half == result && plus_half / 2.0 != (plus_half / 2.0).floor() {
        result - 1.0
    } else {
        result
    }
}

fn round_like(subr: &str, v: &Value, kind: DivKind, f: fn(f64) -> f64) -> Result<Value> {
    match number(subr, 1, v)? {
        Num::Int(_) | Num::Big(_) => Ok(v.clone()),
        Num::Real(x) => Ok(Value::Real(f(x))),
        Num::Rat(r) => {
            let (q, _) = int_divide(kind, r.numer(), r.denom());
            Ok(int_value(q))
        }
    }
}

fn p_floor(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("floor", &args[0], DivKind::Floor, f64::floor)
}

fn p_ceiling(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("ceiling", &args[0], DivKind::Ceiling, f64::ceil)
}

fn p_truncate(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("truncate", &args[0], DivKind::Truncate, f64::trunc)
}

fn p_round(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("round", &args[0], DivKind::Round, c_round)
}

// ------------------------------------------------------- integer division

#[derive(Clone, Copy, PartialEq, Eq)]
enum DivKind {
    Floor,
    Ceiling,
    Truncate,
    Round,
    Centered,
}

impl DivKind {
    fn name(self) -> &'static str {
        match self {
            DivKind::Floor => "floor",
            DivKind::Ceiling => "ceiling",
            DivKind::Truncate => "truncate",
            DivKind::Round => "round",
            DivKind::Centered => "centered",
        }
    }

    fn quotient_f64(self, x: f64, y: f64) -> f64 {
        match self {
            DivKind::Floor => (x / y).floor(),
            DivKind::Ceiling => (x / y).ceil(),
            DivKind::Truncate => (x / y).trunc(),
            DivKind::Round => c_round(x / y),
            DivKind::Centered => {
                if y > 0.0 {
                    (x / y + 0.5).floor()
                } else if y < 0.0 {
                    (x / y - 0.5).ceil()
                } else {
                    f64::NAN
                }
            }
        }
    }
}

/// Which of the three results a division primitive returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DivPart {
    Quotient,
    Remainder,
    Both,
}

/// Adjust a floor division (q0, r0) of x by y to the other kinds.
fn adjust_floor_i128(kind: DivKind, x: i128, y: i128) -> (i128, i128) {
    let (q0, r0) = (x.div_euclid(y), x.rem_euclid(y));
    // rem_euclid is non-negative; floor division wants the sign of y.
    let (q0, r0) = if r0 != 0 && y < 0 {
        (q0 - 1, r0 + y)
    } else {
        (q0, r0)
    };
    let bump = match kind {
        DivKind::Floor => return (q0, r0),
        DivKind::Truncate => return (x / y, x % y),
        DivKind::Ceiling => r0 != 0,
        DivKind::Round => {
            let twice = 2 * r0.abs();
            twice > y.abs() || (twice == y.abs() && q0 & 1 == 1)
        }
        DivKind::Centered => {
            let twice = 2 * r0.abs();
            if y > 0 {
                twice >= y
            } else {
                twice > -y
            }
        }
    };
    if bump {
        (q0 + 1, r0 - y)
    } else {
        (q0, r0)
    }
}

fn int_divide(kind: DivKind, x: &BigInt, y: &BigInt) -> (BigInt, BigInt) {
    if let (Some(a), Some(b)) = (x.to_i64(), y.to_i64()) {
        let (q, r) = adjust_floor_i128(kind, a as i128, b as i128);
        return (BigInt::from(q), BigInt::from(r));
    }
    if kind == DivKind::Truncate {
        return x.div_rem(y);
    }
    let (q0, r0) = x.div_mod_floor(y);
    let bump = match kind {
        DivKind::Floor | DivKind::Truncate => false,
        DivKind::Ceiling => !r0.is_zero(),
        DivKind::Round => {
            let twice = r0.abs() << 1usize;
            match twice.cmp(&y.abs()) {
                Ordering::Greater => true,
                Ordering::Equal => q0.is_odd(),
                Ordering::Less => false,
            }
        }
        DivKind::Centered => {
            let twice = r0.abs() << 1usize;
            if y.is_positive() {
                twice >= *y
            } else {
                twice > -y
            }
        }
    };
    if bump {
        (q0 + 1, r0 - y)
    } else {
        (q0, r0)
    }
}

/// The division families: `floor/`, `floor-quotient`, `floor-remainder`,
/// and so on.  `kind` `None` is the euclidean family, which is floor or
/// ceiling depending on the sign of the divisor.
fn divide(
    interp: &mut Interp,
    subr: &str,
    kind: Option<DivKind>,
    part: DivPart,
    x: &Value,
    y: &Value,
) -> Result<Value> {
    let a = number(subr, 1, x)?;
    let b = number(subr, 2, y)?;
    let kind = kind.unwrap_or(if b.is_negative() {
        DivKind::Ceiling
    } else {
        DivKind::Floor
    });
    let overflow_name = |exact: bool| -> String {
        match part {
            DivPart::Quotient => format!("{}-quotient", kind.name()),
            DivPart::Remainder => format!("{}-remainder", kind.name()),
            DivPart::Both if exact => format!("{}-divide", kind.name()),
            DivPart::Both => format!("{}/", kind.name()),
        }
    };
    if !a.is_exact() || !b.is_exact() {
        let (xf, yf) = (to_f64(&a), to_f64(&b));
        if yf == 0.0 {
            return Err(overflow(&overflow_name(false)));
        }
        let q = kind.quotient_f64(xf, yf);
        let r = xf - q * yf;
        return Ok(match part {
            DivPart::Quotient => Value::Real(q),
            DivPart::Remainder => Value::Real(r),
            DivPart::Both => values2(Value::Real(q), Value::Real(r)),
        });
    }
    if b.is_zero() {
        return Err(overflow(&overflow_name(true)));
    }
    if let (Num::Int(xi), Num::Int(yi)) = (&a, &b) {
        let (q, r) = adjust_floor_i128(kind, *xi as i128, *yi as i128);
        return Ok(match part {
            DivPart::Quotient => i128_value(q),
            DivPart::Remainder => i128_value(r),
            DivPart::Both => values2(i128_value(q), i128_value(r)),
        });
    }
    let (xn, xd) = numer_denom(&a);
    let (yn, yd) = numer_denom(&b);
    if xd.is_one() && yd.is_one() {
        guard_bits(interp, a.bits().max(b.bits()) + 1)?;
    } else {
        guard_bits(interp, a.bits() + b.bits())?;
    }
    bignum_work(interp, a.bits(), b.bits())?;
    let (q, r) = if xd.is_one() && yd.is_one() {
        int_divide(kind, &xn, &yn)
    } else {
        int_divide(kind, &(&xn * &yd), &(&yn * &xd))
    };
    let r = if xd.is_one() && yd.is_one() {
        int_value(r)
    } else {
        rat_to_value(BigRational::new(r, &xd * &yd))
    };
    Ok(match part {
        DivPart::Quotient => int_value(q),
        DivPart::Remainder => r,
        DivPart::Both => values2(int_value(q), r),
    })
}

macro_rules! division_prims {
    ($($fname:ident, $subr:expr, $kind:expr, $part:expr;)*) => {
        $(
            fn $fname(interp: &mut Interp, args: &[Value]) -> Result<Value> {
                divide(interp, $subr, $kind, $part, &args[0], &args[1])
            }
        )*
    };
}

division_prims! {
    p_floor_divide, "floor/", Some(DivKind::Floor), DivPart::Both;
    p_floor_quotient, "floor-quotient", Some(DivKind::Floor), DivPart::Quotient;
    p_floor_remainder, "floor-remainder", Some(DivKind::Floor), DivPart::Remainder;
    p_ceiling_divide, "ceiling/", Some(DivKind::Ceiling), DivPart::Both;
    p_ceiling_quotient, "ceiling-quotient", Some(DivKind::Ceiling), DivPart::Quotient;
    p_ceiling_remainder, "ceiling-remainder", Some(DivKind::Ceiling), DivPart::Remainder;
    p_truncate_divide, "truncate/", Some(DivKind::Truncate), DivPart::Both;
    p_truncate_quotient, "truncate-quotient", Some(DivKind::Truncate), DivPart::Quotient;
    p_truncate_remainder, "truncate-remainder", Some(DivKind::Truncate), DivPart::Remainder;
    p_round_divide, "round/", Some(DivKind::Round), DivPart::Both;
    p_round_quotient, "round-quotient", Some(DivKind::Round), DivPart::Quotient;
    p_round_remainder, "round-remainder", Some(DivKind::Round), DivPart::Remainder;
    p_centered_divide, "centered/", Some(DivKind::Centered), DivPart::Both;
    p_centered_quotient, "centered-quotient", Some(DivKind::Centered), DivPart::Quotient;
    p_centered_remainder, "centered-remainder", Some(DivKind::Centered), DivPart::Remainder;
    p_euclidean_divide, "euclidean/", None, DivPart::Both;
    p_euclidean_quotient, "euclidean-quotient", None, DivPart::Quotient;
    p_euclidean_remainder, "euclidean-remainder", None, DivPart::Remainder;
}

/// `quotient`, `remainder` and `modulo`: integers only (flonums allowed
/// when integral), then the truncate/floor families.
fn integer_division(
    interp: &mut Interp,
    subr: &str,
    kind: DivKind,
    part: DivPart,
    args: &[Value],
) -> Result<Value> {
    if !is_integer(&args[0]) {
        return Err(Exn::wrong_type(subr, 1, "integer", &args[0]));
    }
    if !is_integer(&args[1]) {
        return Err(Exn::wrong_type(subr, 2, "integer", &args[1]));
    }
    let name = match part {
        DivPart::Quotient => "truncate-quotient",
        _ if kind == DivKind::Floor => "floor-remainder",
        _ => "truncate-remainder",
    };
    divide(interp, name, Some(kind), part, &args[0], &args[1])
}

fn p_quotient(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    integer_division(
        interp,
        "quotient",
        DivKind::Truncate,
        DivPart::Quotient,
        args,
    )
}

fn p_remainder(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    integer_division(
        interp,
        "remainder",
        DivKind::Truncate,
        DivPart::Remainder,
        args,
    )
}

fn p_modulo(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    integer_division(interp, "modulo", DivKind::Floor, DivPart::Remainder, args)
}

// ------------------------------------------------------- gcd, lcm

fn gcd_lcm(interp: &mut Interp, subr: &str, args: &[Value], is_gcd: bool) -> Result<Value> {
    match args {
        [] => Ok(Value::Int(if is_gcd { 0 } else { 1 })),
        [x] => Ok(abs_num(&number("abs", 1, x)?).into_value()),
        [first, rest @ ..] => {
            let mut acc = first.clone();
            for (i, y) in rest.iter().enumerate() {
                let x_ok = is_integer(&acc);
                if !x_ok {
                    let pos = if i == 0 { 1 } else { 2 };
                    return Err(Exn::wrong_type(subr, pos, "integer", &acc));
                }
                if !is_integer(y) {
                    return Err(Exn::wrong_type(subr, 2, "integer", y));
                }
                let inexact = matches!(acc, Value::Real(_)) || matches!(y, Value::Real(_));
                let a = to_exact_integer(&acc);
                let b = to_exact_integer(y);
                bignum_work(interp, a.bits(), b.bits())?;
                let r = if is_gcd {
                    a.gcd(&b)
                } else if a.is_zero() || b.is_zero() {
                    BigInt::zero()
                } else {
                    guard_bits(interp, a.bits() + b.bits())?;
                    a.lcm(&b)
                };
                acc = if inexact {
                    Value::Real(big_to_f64(&r))
                } else {
                    int_value(r)
                };
            }
            Ok(acc)
        }
    }
}

/// An integer value (exact, or an integral flonum) as an exact integer.
fn to_exact_integer(v: &Value) -> BigInt {
    match v {
        Value::Int(i) => BigInt::from(*i),
        Value::Big(b) => (**b).clone(),
        Value::Real(f) => BigRational::from_float(*f)
            .map(|r| r.to_integer())
            .unwrap_or_default(),
        _ => BigInt::zero(),
    }
}

fn p_gcd(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    gcd_lcm(interp, "gcd", args, true)
}

fn p_lcm(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    gcd_lcm(interp, "lcm", args, false)
}

// ------------------------------------------------------- powers

/// Bits of |n|^k, from above.
fn power_bits(n: &BigInt, k: u64) -> u64 {
    let bits = n.bits();
    if bits <= 1 {
        return 1;
    }
    // log2 |n| from its top 53 bits.
    let shift = bits.saturating_sub(53);
    let top = (n.abs() >> shift as usize).to_u64().unwrap_or(u64::MAX) as f64;
    let log2 = top.log2() + shift as f64;
    let est = (k as f64) * log2;
    if est >= u64::MAX as f64 / 2.0 {
        u64::MAX / 2
    } else {
        est as u64 + 2
    }
}

/// Guile's `integer-expt`, on values (so that its quirks with
/// non-numbers, such as `(expt 'a 1)`, follow Guile's).
fn integer_expt(interp: &mut Interp, n: &Value, k: &BigInt) -> Result<Value> {
    let mut n = n.clone();
    let mut k = k.clone();
    if k.is_negative() {
        if let Some(num) = Num::from_value(&n) {
            if num.is_zero() {
                return Ok(Value::Real(f64::NAN));
            }
        }
        k = -k;
        let x = number("/", 1, &n)?;
        n = invert(interp, &x)?.into_value();
    }
    if k.is_zero() {
        return Ok(Value::Int(1));
    }
    match &n {
        Value::Int(_) | Value::Big(_) => {
            let b = to_exact_integer(&n);
            if b.is_zero() || b.is_one() {
                return Ok(n);
            }
            if b == BigInt::from(-1) {
                return Ok(if k.is_odd() { n } else { Value::Int(1) });
            }
            let Some(ku) = k.to_u64() else {
                return Err(overflow("integer-expt"));
            };
            let est = power_bits(&b, ku);
            guard_bits(interp, est)?;
            // Dominated by the last squaring.
            multiplication_work(interp, est / 2, est / 2)?;
            return Ok(int_value(Pow::pow(b, ku)));
        }
        Value::Rat(r) => {
            let Some(ku) = k.to_u64() else {
                return Err(overflow("integer-expt"));
            };
            let est = power_bits(r.numer(), ku).saturating_add(power_bits(r.denom(), ku));
            guard_bits(interp, est)?;
            multiplication_work(interp, est / 2, est / 2)?;
            let num = Pow::pow(r.numer().clone(), ku);
            let den = Pow::pow(r.denom().clone(), ku);
            return Ok(rat_to_value(BigRational::new_raw(num, den)));
        }
        _ => {}
    }
    // The general case: square and multiply.
    let mut acc = Value::Int(1);
    loop {
        interp.tick_n(1)?;
        if k.is_zero() {
            break;
        }
        if k.is_one() {
            acc = product(interp, &acc, &n)?;
            break;
        }
        if k.is_odd() {
            acc = product(interp, &acc, &n)?;
        }
        n = product(interp, &n, &n)?;
        k >>= 1usize;
    }
    Ok(acc)
}

fn p_integer_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if !is_exact_integer(&args[1]) {
        return Err(Exn::wrong_type(
            "integer-expt",
            2,
            "exact integer",
            &args[1],
        ));
    }
    let k = to_exact_integer(&args[1]);
    integer_expt(interp, &args[0], &k)
}

fn p_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (x, y) = (&args[0], &args[1]);
    if is_integer(y) {
        if is_exact_integer(y) {
            let k = to_exact_integer(y);
            return integer_expt(interp, x, &k);
        }
        // Inexact integral exponent: compute with an inexact base and an
        // exact exponent, then make the result inexact.
        let base = number("exact->inexact", 1, x)?;
        let base = Value::Real(to_f64(&base));
        let k = to_exact_integer(y);
        let r = integer_expt(interp, &base, &k)?;
        let r = number("exact->inexact", 1, &r)?;
        return Ok(Value::Real(to_f64(&r)));
    }
    match (Num::from_value(x), Num::from_value(y)) {
        (Some(a), Some(b)) => {
            let xf = to_f64(&a);
            if xf >= 0.0 {
                Ok(Value::Real(xf.powf(to_f64(&b))))
            } else {
                Err(complex_result("expt"))
            }
        }
        (Some(_), None) => Err(Exn::wrong_type("expt", 2, "number", y)),
        (None, _) => Err(Exn::wrong_type("expt", 1, "number", x)),
    }
}

fn p_modulo_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = exact_int("modulo-expt", 1, &args[0])?;
    let k = exact_int("modulo-expt", 2, &args[1])?;
    let m = exact_int("modulo-expt", 3, &args[2])?;
    if m.is_zero() {
        return Err(overflow("modulo-expt"));
    }
    let mb = m.bits();
    // Each step of the exponentiation multiplies and reduces numbers of
    // the modulus's size.
    let limbs = mb / 64 + 1;
    interp.tick_n(k.bits().saturating_mul(limbs.saturating_mul(limbs)) / 64)?;
    let (base, exp) = if k.is_negative() {
        match mod_inverse(&n, &m.abs()) {
            Some(inv) => (inv, -k),
            None => return Err(overflow("modulo-expt")),
        }
    } else {
        (n, k)
    };
    Ok(int_value(base.modpow(&exp, &m)))
}

/// The inverse of n modulo m (m > 0), if it exists.
fn mod_inverse(n: &BigInt, m: &BigInt) -> Option<BigInt> {
    let ext = n.mod_floor(m).extended_gcd(m);
    if ext.gcd.is_one() {
        Some(ext.x.mod_floor(m))
    } else {
        None
    }
}

// ------------------------------------------------------- roots

fn p_exact_integer_sqrt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let v = &args[0];
    let k = match v {
        Value::Int(i) if *i >= 0 => BigInt::from(*i),
        Value::Big(b) if !b.is_negative() => (**b).clone(),
        _ => {
            return Err(Exn::wrong_type(
                "exact-integer-sqrt",
                1,
                "exact non-negative integer",
                v,
            ))
        }
    };
    sqrt_work(interp, k.bits())?;
    let s = k.sqrt();
    let r = &k - &s * &s;
    Ok(values2(int_value(s), int_value(r)))
}

/// Newton's iteration costs about one division of the number by its root.
fn sqrt_work(interp: &mut Interp, bits: u64) -> Result<()> {
    bignum_work(interp, bits, bits / 2)
}

/// sqrt of an exact integer: exact for perfect squares.
fn exact_sqrt(interp: &mut Interp, n: &BigInt) -> Result<Option<BigInt>> {
    if n.is_negative() {
        return Ok(None);
    }
    sqrt_work(interp, n.bits())?;
    let s = n.sqrt();
    Ok(if &s * &s == *n { Some(s) } else { None })
}

/// sqrt of an exact integer as a flonum (without overflowing for big ones).
fn inexact_int_sqrt(n: &BigInt) -> f64 {
    let bits = n.bits();
    if bits < 1000 {
        return big_to_f64(n).sqrt();
    }
    let shift = (bits - 200) & !1;
    let top = big_to_f64(&(n >> shift as usize));
    ldexp(top.sqrt(), (shift / 2) as i64)
}

fn p_sqrt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    match number("sqrt", 1, &args[0])? {
        Num::Real(x) => {
            if x < 0.0 {
                Err(complex_result("sqrt"))
            } else {
                Ok(Value::Real(x.sqrt()))
            }
        }
        n @ (Num::Int(_) | Num::Big(_)) => {
            let b = n.to_big().unwrap_or_default();
            if b.is_negative() {
                return Err(complex_result("sqrt"));
            }
            match exact_sqrt(interp, &b)? {
                Some(s) => Ok(int_value(s)),
                None => Ok(Value::Real(inexact_int_sqrt(&b))),
            }
        }
        Num::Rat(r) => {
            if r.is_negative() {
                return Err(complex_result("sqrt"));
            }
            let (n, d) = (r.numer(), r.denom());
            if let (Some(ns), Some(ds)) = (exact_sqrt(interp, n)?, exact_sqrt(interp, d)?) {
                return Ok(rat_to_value(BigRational::new_raw(ns, ds)));
            }
            let xx = ratio_to_f64(n, d);
            if xx.is_finite() && xx >= f64::MIN_POSITIVE {
                return Ok(Value::Real(xx.sqrt()));
            }
            let shift = (n.bits() as i64 - d.bits() as i64) / 2;
            let (n2, d2) = if shift > 0 {
                (n.clone(), d << (2 * shift) as usize)
            } else {
                (n << (-2 * shift) as usize, d.clone())
            };
            Ok(Value::Real(ldexp(ratio_to_f64(&n2, &d2).sqrt(), shift)))
        }
    }
}

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

fn p_log(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_log10(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_exp(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_sin(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("sin", &args[0], Some((0, 0)), everywhere, f64::sin)
}

fn p_cos(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("cos", &args[0], Some((0, 1)), everywhere, f64::cos)
}

fn p_tan(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("tan", &args[0], Some((0, 0)), everywhere, f64::tan)
}

fn p_sinh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("sinh", &args[0], Some((0, 0)), everywhere, f64::sinh)
}

fn p_cosh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("cosh", &args[0], Some((0, 1)), everywhere, f64::cosh)
}

fn p_tanh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("tanh", &args[0], Some((0, 0)), everywhere, f64::tanh)
}

fn p_asin(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("asin", &args[0], Some((0, 0)), unit_interval, f64::asin)
}

fn p_acos(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("acos", &args[0], Some((1, 0)), unit_interval, f64::acos)
}

fn p_asinh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("asinh", &args[0], Some((0, 0)), everywhere, f64::asinh)
}

fn p_acosh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("acosh", &args[0], Some((1, 0)), |x| x >= 1.0, f64::acosh)
}

fn p_atanh(_: &mut Interp, args: &[Value]) -> Result<Value> {
    transcendental("atanh", &args[0], Some((0, 0)), unit_interval, f64::atanh)
}

fn p_atan(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_real_part(_: &mut Interp, args: &[Value]) -> Result<Value> {
    number("real-part", 1, &args[0])?;
    Ok(args[0].clone())
}

fn p_imag_part(_: &mut Interp, args: &[Value]) -> Result<Value> {
    number("imag-part", 1, &args[0])?;
    Ok(Value::Int(0))
}

fn p_magnitude(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(abs_num(&number("magnitude", 1, &args[0])?).into_value())
}

fn p_angle(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let negative = match number("angle", 1, &args[0])? {
        Num::Real(f) => f.is_sign_negative(),
        other => other.is_negative(),
    };
    Ok(Value::Real(if negative { 0.0f64.atan2(-1.0) } else { 0.0 }))
}

fn p_make_rectangular(_: &mut Interp, args: &[Value]) -> Result<Value> {
    real("make-rectangular", 1, &args[0])?;
    real("make-rectangular", 2, &args[1])?;
    if matches!(args[1], Value::Int(0)) {
        Ok(args[0].clone())
    } else {
        Err(complex_result("make-rectangular"))
    }
}

fn p_make_polar(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

// ------------------------------------------------------- exactness

fn p_exact_to_inexact(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Real(to_f64(&number("exact->inexact", 1, &args[0])?)))
}

fn p_numerator(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match number("numerator", 1, &args[0])? {
        Num::Int(_) | Num::Big(_) => Ok(args[0].clone()),
        Num::Rat(r) => Ok(int_value(r.numer().clone())),
        Num::Real(f) => {
            if f == f.floor() {
                return Ok(Value::Real(f));
            }
            let (n, _) = numer_denom(&f64_to_exact("inexact->exact", f)?);
            Ok(Value::Real(big_to_f64(&n)))
        }
    }
}

fn p_denominator(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match number("denominator", 1, &args[0])? {
        Num::Int(_) | Num::Big(_) => Ok(Value::Int(1)),
        Num::Rat(r) => Ok(int_value(r.denom().clone())),
        Num::Real(f) => {
            if f == f.floor() {
                return Ok(Value::Real(1.0));
            }
            let (_, d) = numer_denom(&f64_to_exact("inexact->exact", f)?);
            Ok(Value::Real(big_to_f64(&d)))
        }
    }
}

fn p_rationalize(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let x = real("rationalize", 1, &args[0])?;
    let eps = real("rationalize", 2, &args[1])?;
    if !x.is_exact() || !eps.is_exact() {
        let (xf, ef) = (to_f64(&x), to_f64(&eps));
        if !ef.is_finite() {
            return Ok(Value::Real(if !ef.is_nan() && xf.is_finite() {
                0.0
            } else {
                f64::NAN
            }));
        }
        if !xf.is_finite() {
            return Ok(Value::Real(xf));
        }
        let xe = f64_to_exact("inexact->exact", xf)?;
        let ee = f64_to_exact("inexact->exact", ef)?;
        let r = exact_rationalize(interp, &xe, &ee)?;
        return Ok(Value::Real(to_f64(
            &Num::from_value(&r).unwrap_or(Num::Int(0)),
        )));
    }
    exact_rationalize(interp, &x, &eps)
}

/// The simplest rational within eps of x (both exact), by the continued
/// fractions of the interval's endpoints.
fn exact_rationalize(interp: &mut Interp, x: &Num, eps: &Num) -> Result<Value> {
    let x = x.to_rat().unwrap_or_default();
    let eps = eps.to_rat().unwrap_or_default().abs();
    guard_bits(
        interp,
        x.numer().bits() + x.denom().bits() + eps.numer().bits() + eps.denom().bits() + 2,
    )?;
    let negative = x.is_negative();
    let x = x.abs();
    let lo = &x - &eps;
    let hi = &x + &eps;
    if !lo.is_positive() {
        return Ok(Value::Int(0));
    }
    // Convergents: n2/d2 and n1/d1 are the last two.
    let mut n1 = if negative {
        BigInt::from(-1)
    } else {
        BigInt::one()
    };
    let mut d1 = BigInt::zero();
    let mut n2 = BigInt::zero();
    let mut d2 = BigInt::one();
    let (mut nlo, mut dlo) = (lo.numer().clone(), lo.denom().clone());
    let (mut nhi, mut dhi) = (hi.numer().clone(), hi.denom().clone());
    loop {
        interp.tick_n(1 + (nlo.bits() + nhi.bits()) / 256)?;
        let (qlo, rlo) = nlo.div_mod_floor(&dlo);
        let (qhi, rhi) = nhi.div_mod_floor(&dhi);
        let mut n0 = &n2 + &n1 * &qlo;
        let mut d0 = &d2 + &d1 * &qlo;
        if rlo.is_zero() || qlo != qhi {
            if !rlo.is_zero() {
                n0 += &n1;
                d0 += &d1;
            }
            return Ok(rat_to_value(BigRational::new(n0, d0)));
        }
        n2 = std::mem::replace(&mut n1, n0);
        d2 = std::mem::replace(&mut d1, d0);
        // Next endpoints: dhi/rhi and dlo/rlo (reciprocals swap the order).
        let new_nlo = std::mem::replace(&mut dhi, rlo);
        let new_nhi = std::mem::replace(&mut dlo, rhi);
        nlo = new_nlo;
        nhi = new_nhi;
    }
}

// ------------------------------------------------------- number <-> string

fn radix_arg(subr: &str, args: &[Value], max: i64) -> Result<u32> {
    match args.get(1) {
        None => Ok(10),
        Some(Value::Int(r)) if (2..=max).contains(r) => Ok(*r as u32),
        Some(v @ (Value::Int(_) | Value::Big(_))) => Err(Exn::out_of_range(subr, 2, v)),
        Some(v) => Err(Exn::wrong_type(subr, 2, "exact integer", v)),
    }
}

fn p_number_to_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let radix = radix_arg("number->string", args, 36)?;
    let v = &args[0];
    let n = number("number->string", 1, v)?;
    let digits_per_bit = 1.0 / (radix as f64).log2();
    let len = (n.bits() as f64 * digits_per_bit) as usize + 8;
    interp.charge(len)?;
    multiplication_work(interp, n.bits(), n.bits())?;
    let s = match &n {
        Num::Real(f) => flonum_to_string(*f, radix),
        _ => num::to_string(v, radix),
    };
    Ok(Value::string(s))
}

fn p_string_to_number(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string->number", 1, &args[0])?;
    let radix = radix_arg("string->number", args, i32::MAX as i64)?;
    let text = s.s.as_str();
    let bits_per_char = 64 - u64::from(radix).leading_zeros() as u64;
    let est = (text.len() as u64).saturating_mul(bits_per_char);
    guard_bits(interp, est)?;
    multiplication_work(interp, est, est)?;
    if radix > 36 {
        return Ok(parse_big_radix(text, radix).unwrap_or(Value::Bool(false)));
    }
    if let Some(v) = parse_exact_decimal(interp, text, radix)? {
        return Ok(v);
    }
    Ok(num::parse_number(text, radix).unwrap_or(Value::Bool(false)))
}

/// `#e` with a decimal (`#e1.1`, `#e1e300`) is the exact value of the
/// decimal as written, not of the nearest flonum: `11/10`.  `None` when
/// `text` is not such a literal.
pub fn parse_exact_decimal(interp: &mut Interp, text: &str, radix: u32) -> Result<Option<Value>> {
    let mut radix = radix;
    let mut exact = false;
    let mut body = text;
    while body.len() > 2 && body.as_bytes()[0] == b'#' {
        match body.as_bytes()[1].to_ascii_lowercase() {
            b'e' => exact = true,
            b'i' => return Ok(None),
            b'x' => radix = 16,
            b'b' => radix = 2,
            b'o' => radix = 8,
            b'd' => radix = 10,
            _ => return Ok(None),
        }
        body = &body[2..];
    }
    if !exact || radix != 10 {
        return Ok(None);
    }
    let Some((negative, digits, scale)) = crate::num::decimal_parts(body) else {
        return Ok(None);
    };
    // 10^|scale| has about 3.33 bits per digit.
    guard_bits(
        interp,
        (digits.len() as u64 + scale.unsigned_abs()).saturating_mul(4),
    )?;
    let mantissa = BigInt::parse_bytes(digits.as_bytes(), 10).unwrap_or_default();
    let power = Pow::pow(BigInt::from(10), scale.unsigned_abs());
    let value = if scale >= 0 {
        BigRational::from_integer(mantissa * power)
    } else {
        BigRational::new(mantissa, power)
    };
    Ok(Some(rat_to_value(if negative { -value } else { value })))
}

/// `string->number` with a radix above 36: digits are still 0-9 and a-z,
/// so only integers and fractions without prefixes can be written.
fn parse_big_radix(text: &str, radix: u32) -> Option<Value> {
    if text.starts_with('#') {
        let has_radix_prefix = text
            .as_bytes()
            .chunks(2)
            .take_while(|c| c.first() == Some(&b'#'))
            .any(|c| {
                matches!(
                    c.get(1),
                    Some(b'x' | b'X' | b'b' | b'B' | b'o' | b'O' | b'd' | b'D')
                )
            });
        return if has_radix_prefix {
            num::parse_number(text, 10)
        } else {
            None
        };
    }
    let digits = |s: &str| -> Option<BigInt> {
        if s.is_empty() {
            return None;
        }
        let mut acc = BigInt::zero();
        for c in s.chars() {
            acc = acc * radix + c.to_digit(36)?;
        }
        Some(acc)
    };
    let (neg, body) = match text.as_bytes().first()? {
        b'+' => (false, &text[1..]),
        b'-' => (true, &text[1..]),
        _ => (false, text),
    };
    let value = match body.split_once('/') {
        Some((n, d)) => {
            let d = digits(d)?;
            if d.is_zero() {
                return None;
            }
            BigRational::new(digits(n)?, d)
        }
        None => BigRational::from_integer(digits(body)?),
    };
    Some(rat_to_value(if neg { -value } else { value }))
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Guile's flonum printer (`idbl2str`): the shortest digit string that
/// reads back (Burger & Dybvig's free-format algorithm) in any radix, with
/// Guile's choice between positional and scientific notation.
pub fn flonum_to_string(f: f64, radix: u32) -> String {
    if f.is_nan() {
        return "+nan.0".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+inf.0" } else { "-inf.0" }.into();
    }
    let mut out: Vec<u8> = Vec::new();
    if f.is_sign_negative() {
        out.push(b'-');
    }
    if f == 0.0 {
        out.extend_from_slice(b"0.0");
        return String::from_utf8(out).unwrap_or_default();
    }
    let radix_big = BigInt::from(radix);
    let bits = f.abs().to_bits();
    let exp_field = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e) = if exp_field == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1u64 << 52), exp_field - 1075)
    };
    let f_big = BigInt::from(mant);
    let is_even = mant & 1 == 0;
    let min_normal = mant == 1u64 << 52;
    let (mut r, mut s, mut m_plus, mut m_minus);
    if e < 0 {
        m_minus = BigInt::one();
        if !min_normal || e == -1074 {
            m_plus = BigInt::one();
            r = &f_big << 1usize;
            s = BigInt::one() << ((1 - e) as usize);
        } else {
            m_plus = BigInt::from(2);
            r = &f_big << 2usize;
            s = BigInt::one() << ((2 - e) as usize);
        }
    } else {
        m_minus = BigInt::one() << (e as usize);
        if !min_normal {
            m_plus = m_minus.clone();
            r = &f_big << ((1 + e) as usize);
            s = BigInt::from(2);
        } else {
            m_plus = &m_minus << 1usize;
            r = &f_big << ((2 + e) as usize);
            s = BigInt::from(4);
        }
    }
    // Whether a scaled bound reaches s: with an even mantissa the
    // interval's ends round to it, so equality counts.
    let reaches = |a: &BigInt, b: &BigInt| -> bool {
        if is_even {
            a >= b
        } else {
            a > b
        }
    };
    let mut k: i64 = 0;
    let mut hi = &r + &m_plus;
    while reaches(&hi, &s) {
        s *= &radix_big;
        k += 1;
    }
    if k == 0 {
        hi *= &radix_big;
        while !reaches(&hi, &s) {
            r *= &radix_big;
            m_plus *= &radix_big;
            m_minus *= &radix_big;
            hi *= &radix_big;
            k -= 1;
        }
    }
    let expon = k - 1;
    let mut show_exp = false;
    if k <= 0 {
        if k <= -3 {
            show_exp = true;
            k = 1;
        } else {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', k.unsigned_abs() as usize));
        }
    }
    loop {
        m_plus *= &radix_big;
        m_minus *= &radix_big;
        r *= &radix_big;
        let (digit, rem) = r.div_mod_floor(&s);
        r = rem;
        let mut d = digit.to_u32().unwrap_or(0) as usize;
        hi = &r + &m_plus;
        // Guile: end_1 = mpz_cmp (r, mminus) < f_is_even,
        //        end_2 = mpz_cmp (s, hi) < f_is_even.
        let end1 = if is_even { r <= m_minus } else { r < m_minus };
        let end2 = if is_even { s <= hi } else { s < hi };
        if end1 || end2 {
            let twice_r = &r << 1usize;
            if !end2 {
            } else if !end1
                || (if d & 1 == 1 {
                    twice_r >= s
                } else {
                    twice_r > s
                })
            {
                d += 1;
            }
            out.push(DIGITS[d.min(35)]);
            k -= 1;
            if k == 0 {
                out.push(b'.');
            }
            break;
        }
        out.push(DIGITS[d.min(35)]);
        k -= 1;
        if k == 0 {
            out.push(b'.');
        }
    }
    if k > 0 {
        if expon >= 7 && k >= 4 && expon >= k {
            k -= expon;
            let at = (out.len() as i64 + k) as usize;
            out.insert(at, b'.');
            show_exp = true;
        } else {
            out.extend(std::iter::repeat_n(b'0', k as usize));
            out.push(b'.');
            k = 0;
        }
    }
    if k == 0 {
        out.push(b'0');
    }
    let mut text = String::from_utf8(out).unwrap_or_default();
    if show_exp {
        text.push('e');
        text.push_str(&BigInt::from(expon).to_str_radix(radix));
    }
    text
}

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

fn p_logand(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logand", args, -1, |a, b| a & b, |a, b| a & b)
}

fn p_logior(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logior", args, 0, |a, b| a | b, |a, b| a | b)
}

fn p_logxor(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    bitwise(interp, "logxor", args, 0, |a, b| a ^ b, |a, b| a ^ b)
}

fn p_lognot(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match &args[0] {
        Value::Int(i) => Ok(Value::Int(!i)),
        v => {
            let n = int_arg("lognot", 1, v)?;
            Ok(int_value(-n - 1))
        }
    }
}

fn p_logtest(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let a = int_arg("logtest", 1, &args[0])?;
    let b = int_arg("logtest", 2, &args[1])?;
    Ok(Value::Bool(!(a & b).is_zero()))
}

fn p_logbit_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_logcount(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = int_arg("logcount", 1, &args[0])?;
    let m = if n.is_negative() { -n - 1 } else { n };
    let count: u64 = m.iter_u64_digits().map(|d| u64::from(d.count_ones())).sum();
    Ok(Value::Int(count as i64))
}

fn p_integer_length(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

fn p_ash(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    shift(interp, "ash", args, false)
}

fn p_round_ash(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    shift(interp, "round-ash", args, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::DiagnosticKind;
    use crate::testing::{check_err, eval};

    /// Expressions and their `write` form under Guile 3.0.8 (generated by
    /// running each through `guile`).
    const GUILE_VALUES: &[(&str, &str)] = &[
        (r##"(+)"##, r##"0"##),
        (r##"(+ 1)"##, r##"1"##),
        (r##"(+ 1 2 3)"##, r##"6"##),
        (r##"(+ 1/2 1/3)"##, r##"5/6"##),
        (r##"(+ 1/2 1/2)"##, r##"1"##),
        (r##"(+ 1 2.5)"##, r##"3.5"##),
        (r##"(+ 1/3 0.5)"##, r##"0.8333333333333333"##),
        (r##"(+ 9223372036854775807 1)"##, r##"9223372036854775808"##),
        (
            r##"(+ -9223372036854775808 -1)"##,
            r##"-9223372036854775809"##,
        ),
        (
            r##"(+ most-positive-fixnum 1)"##,
            r##"2305843009213693952"##,
        ),
        (r##"(+ (expt 2 100) (- (expt 2 100)))"##, r##"0"##),
        (r##"(- 5)"##, r##"-5"##),
        (r##"(- 0.0)"##, r##"-0.0"##),
        (r##"(- 0 0.0)"##, r##"-0.0"##),
        (r##"(- 0.0 0)"##, r##"0.0"##),
        (r##"(- 1 2 3)"##, r##"-4"##),
        (r##"(- 1/2 1/3)"##, r##"1/6"##),
        (r##"(- -9223372036854775808)"##, r##"9223372036854775808"##),
        (r##"(- 10 2.5)"##, r##"7.5"##),
        (r##"(*)"##, r##"1"##),
        (r##"(* 7)"##, r##"7"##),
        (r##"(* 2 3 4)"##, r##"24"##),
        (r##"(* 2 1/2)"##, r##"1"##),
        (r##"(* 1.5 2)"##, r##"3.0"##),
        (r##"(* 0 1.5)"##, r##"0.0"##),
        (r##"(* 0 +inf.0)"##, r##"+nan.0"##),
        (
            r##"(* 4294967296 4294967296)"##,
            r##"18446744073709551616"##,
        ),
        (
            r##"(* 99999999999 99999999999 99999999999)"##,
            r##"999999999970000000000299999999999"##,
        ),
        (r##"(* 1 'a)"##, r##"a"##),
        (r##"(* 'a 1)"##, r##"a"##),
        (r##"(/ 2)"##, r##"1/2"##),
        (r##"(/ 0.0)"##, r##"+inf.0"##),
        (r##"(/ 6 4)"##, r##"3/2"##),
        (r##"(/ 1 2 3)"##, r##"1/6"##),
        (r##"(/ 8 2 2)"##, r##"2"##),
        (r##"(/ 1 2.0)"##, r##"0.5"##),
        (r##"(/ 1 0.0)"##, r##"+inf.0"##),
        (r##"(/ -1 0.0)"##, r##"-inf.0"##),
        (r##"(/ 0 0.0)"##, r##"+nan.0"##),
        (r##"(/ 1/2 1/4)"##, r##"2"##),
        (r##"(/ -6 4)"##, r##"-3/2"##),
        (r##"(/ 6 -4)"##, r##"-3/2"##),
        (r##"(/ (expt 10 30) (expt 10 28))"##, r##"100"##),
        (r##"(1+ 1)"##, r##"2"##),
        (r##"(1+ 1/2)"##, r##"3/2"##),
        (r##"(1+ 0.5)"##, r##"1.5"##),
        (r##"(1- 0.5)"##, r##"-0.5"##),
        (r##"(1- 0)"##, r##"-1"##),
        (r##"(1- (- (expt 2 62)))"##, r##"-4611686018427387905"##),
        (r##"(< 1 2 3)"##, r##"#t"##),
        (r##"(< 1 3 2)"##, r##"#f"##),
        (r##"(< 3 2 'a)"##, r##"#f"##),
        (r##"(<)"##, r##"#t"##),
        (r##"(< 1)"##, r##"#t"##),
        (r##"(< 'a)"##, r##"#t"##),
        (r##"(< 1 2.5)"##, r##"#t"##),
        (r##"(< 1/3 0.3333333333333333)"##, r##"#f"##),
        (r##"(> 1/3 0.3333333333333333)"##, r##"#t"##),
        (r##"(= 1/3 0.3333333333333333)"##, r##"#f"##),
        (r##"(= 1 1.0 1)"##, r##"#t"##),
        (r##"(= 1 2 'a)"##, r##"#f"##),
        (r##"(= 0.5 1/2)"##, r##"#t"##),
        (r##"(< 1 +nan.0)"##, r##"#f"##),
        (r##"(= +nan.0 +nan.0)"##, r##"#f"##),
        (r##"(<= 1 1 2)"##, r##"#t"##),
        (r##"(<= 2 1)"##, r##"#f"##),
        (r##"(>= 3 3 1)"##, r##"#t"##),
        (r##"(> 3 2 1)"##, r##"#t"##),
        (r##"(> 3 2 2)"##, r##"#f"##),
        (r##"(< (expt 2 100) +inf.0)"##, r##"#t"##),
        (r##"(> (expt 10 400) 1e308)"##, r##"#t"##),
        (r##"(< -inf.0 (- (expt 10 400)))"##, r##"#t"##),
        (
            r##"(= (expt 2 53) (+ (exact->inexact (expt 2 53)) 0))"##,
            r##"#t"##,
        ),
        (
            r##"(= (+ (expt 2 53) 1) (exact->inexact (+ (expt 2 53) 1)))"##,
            r##"#f"##,
        ),
        (r##"(max 1 2.0)"##, r##"2.0"##),
        (r##"(max 1/2 0.25)"##, r##"0.5"##),
        (r##"(min 1 2.0)"##, r##"1.0"##),
        (r##"(max 1 2 3)"##, r##"3"##),
        (r##"(min 3 1 2)"##, r##"1"##),
        (r##"(max +nan.0 1)"##, r##"+nan.0"##),
        (r##"(max 1 +nan.0)"##, r##"+nan.0"##),
        (r##"(min 1 +nan.0)"##, r##"+nan.0"##),
        (r##"(max -0.0 0.0)"##, r##"0.0"##),
        (r##"(min -0.0 0.0)"##, r##"-0.0"##),
        (r##"(min 0 -0.0)"##, r##"-0.0"##),
        (r##"(max 1/3 0.1)"##, r##"0.3333333333333333"##),
        (r##"(max (expt 10 400) 1.0)"##, r##"+inf.0"##),
        (r##"(max 1 2 3.0 4)"##, r##"4.0"##),
        (r##"(max 1/2 1/3)"##, r##"1/2"##),
        (r##"(max 5)"##, r##"5"##),
        (r##"(abs -5/3)"##, r##"5/3"##),
        (r##"(abs -0.0)"##, r##"0.0"##),
        (r##"(abs -7)"##, r##"7"##),
        (
            r##"(abs most-negative-fixnum)"##,
            r##"2305843009213693952"##,
        ),
        (
            r##"(abs -9223372036854775808)"##,
            r##"9223372036854775808"##,
        ),
        (r##"(abs -2.5)"##, r##"2.5"##),
        (r##"(magnitude -5)"##, r##"5"##),
        (r##"(magnitude -1/2)"##, r##"1/2"##),
        (r##"(quotient 17 5)"##, r##"3"##),
        (r##"(quotient -17 5)"##, r##"-3"##),
        (r##"(quotient 17.0 5)"##, r##"3.0"##),
        (r##"(remainder -7 2)"##, r##"-1"##),
        (r##"(remainder 7 -2)"##, r##"1"##),
        (r##"(remainder 7.0 2)"##, r##"1.0"##),
        (r##"(modulo -7 2)"##, r##"1"##),
        (r##"(modulo 7 -2)"##, r##"-1"##),
        (r##"(modulo -7.0 2)"##, r##"1.0"##),
        (r##"(modulo 7 2.0)"##, r##"1.0"##),
        (r##"(modulo (- (expt 10 30)) 7)"##, r##"6"##),
        (r##"(remainder (- (expt 10 30)) 7)"##, r##"-1"##),
        (
            r##"(quotient (expt 10 30) -7)"##,
            r##"-142857142857142857142857142857"##,
        ),
        (r##"(modulo 13 4)"##, r##"1"##),
        (r##"(modulo -13 4)"##, r##"3"##),
        (r##"(floor/ -7 2)"##, r##"-4 1"##),
        (r##"(floor/ 123 -10)"##, r##"-13 -7"##),
        (r##"(floor/ -123 -10)"##, r##"12 -3"##),
        (r##"(ceiling/ -7 2)"##, r##"-3 -1"##),
        (r##"(ceiling/ 123 10)"##, r##"13 -7"##),
        (r##"(truncate/ -7 2)"##, r##"-3 -1"##),
        (r##"(round/ -7 2)"##, r##"-4 1"##),
        (r##"(round/ 5 2)"##, r##"2 1"##),
        (r##"(round/ 125 10)"##, r##"12 5"##),
        (r##"(round/ 127 10)"##, r##"13 -3"##),
        (r##"(round/ 135 10)"##, r##"14 -5"##),
        (r##"(euclidean/ -7 -2)"##, r##"4 1"##),
        (r##"(euclidean/ 7 -2)"##, r##"-3 1"##),
        (r##"(euclidean/ -123 10)"##, r##"-13 7"##),
        (r##"(euclidean/ -123 -10)"##, r##"13 7"##),
        (r##"(centered/ -7 2)"##, r##"-3 -1"##),
        (r##"(centered/ 7 2)"##, r##"4 -1"##),
        (r##"(centered/ 5 2)"##, r##"3 -1"##),
        (r##"(centered/ -5 2)"##, r##"-2 -1"##),
        (r##"(centered/ 123 -10)"##, r##"-12 3"##),
        (r##"(centered/ -123 -10)"##, r##"12 -3"##),
        (r##"(floor/ 7.5 2)"##, r##"3.0 1.5"##),
        (r##"(floor/ +inf.0 2)"##, r##"+inf.0 +nan.0"##),
        (r##"(floor/ 7 +inf.0)"##, r##"0.0 +nan.0"##),
        (r##"(floor/ -7 +inf.0)"##, r##"-0.0 +nan.0"##),
        (r##"(truncate/ 7.5 -2)"##, r##"-3.0 1.5"##),
        (r##"(round/ 7.5 2)"##, r##"4.0 -0.5"##),
        (r##"(round/ 5.0 2)"##, r##"2.0 1.0"##),
        (r##"(round/ 3.0 2)"##, r##"2.0 -1.0"##),
        (r##"(euclidean/ -7.5 2)"##, r##"-4.0 0.5"##),
        (r##"(euclidean/ -7.5 -2)"##, r##"4.0 0.5"##),
        (r##"(centered/ 7.5 2)"##, r##"4.0 -0.5"##),
        (r##"(centered/ -7.5 2)"##, r##"-4.0 0.5"##),
        (r##"(centered/ 5.0 2)"##, r##"3.0 -1.0"##),
        (r##"(centered/ -5.0 2)"##, r##"-2.0 -1.0"##),
        (r##"(ceiling/ 7.5 2)"##, r##"4.0 -0.5"##),
        (r##"(floor/ -123.2 -63.5)"##, r##"1.0 -59.7"##),
        (r##"(ceiling/ -123.2 -63.5)"##, r##"2.0 3.799999999999997"##),
        (r##"(round/ -123.2 -63.5)"##, r##"2.0 3.799999999999997"##),
        (
            r##"(centered/ -123.2 -63.5)"##,
            r##"2.0 3.799999999999997"##,
        ),
        (r##"(floor/ 7/2 1/3)"##, r##"10 1/6"##),
        (r##"(floor/ 16/3 -10/7)"##, r##"-4 -8/21"##),
        (r##"(ceiling/ 16/3 -10/7)"##, r##"-3 22/21"##),
        (r##"(truncate/ 16/3 -10/7)"##, r##"-3 22/21"##),
        (r##"(round/ 16/3 -10/7)"##, r##"-4 -8/21"##),
        (r##"(centered/ 16/3 -10/7)"##, r##"-4 -8/21"##),
        (r##"(euclidean/ 16/3 -10/7)"##, r##"-3 22/21"##),
        (r##"(round/ 7/2 1)"##, r##"4 -1/2"##),
        (r##"(round/ 5/2 1)"##, r##"2 1/2"##),
        (r##"(centered/ 5/2 1)"##, r##"3 -1/2"##),
        (r##"(centered/ 7/2 -1)"##, r##"-4 -1/2"##),
        (r##"(euclidean/ -7/2 -1)"##, r##"4 1/2"##),
        (
            r##"(floor/ (expt 10 30) 7)"##,
            r##"142857142857142857142857142857 1"##,
        ),
        (
            r##"(floor/ (- (expt 10 30)) 7)"##,
            r##"-142857142857142857142857142858 6"##,
        ),
        (
            r##"(round/ (expt 10 30) 7)"##,
            r##"142857142857142857142857142857 1"##,
        ),
        (
            r##"(centered/ (expt 10 30) 7)"##,
            r##"142857142857142857142857142857 1"##,
        ),
        (
            r##"(ceiling/ (expt 10 30) (- (expt 10 29) 3))"##,
            r##"11 -99999999999999999999999999967"##,
        ),
        (r##"(floor/ 7 -2.0)"##, r##"-4.0 -1.0"##),
        (
            r##"(floor/ -9223372036854775808 -1)"##,
            r##"9223372036854775808 0"##,
        ),
        (
            r##"(truncate/ -9223372036854775808 -1)"##,
            r##"9223372036854775808 0"##,
        ),
        (r##"(floor-quotient 123 -10)"##, r##"-13"##),
        (r##"(floor-remainder 123 -10)"##, r##"-7"##),
        (r##"(floor-quotient -123.2 -63.5)"##, r##"1.0"##),
        (r##"(floor-remainder 16/3 -10/7)"##, r##"-8/21"##),
        (r##"(ceiling-quotient 123 10)"##, r##"13"##),
        (r##"(ceiling-remainder -123 -10)"##, r##"7"##),
        (r##"(truncate-quotient -123 10)"##, r##"-12"##),
        (r##"(truncate-remainder -123.2 -63.5)"##, r##"-59.7"##),
        (r##"(round-quotient 135 10)"##, r##"14"##),
        (r##"(round-remainder 127 10)"##, r##"-3"##),
        (r##"(centered-quotient -123 10)"##, r##"-12"##),
        (r##"(centered-remainder 16/3 -10/7)"##, r##"-8/21"##),
        (r##"(euclidean-quotient -123 -10)"##, r##"13"##),
        (r##"(euclidean-remainder 16/3 -10/7)"##, r##"22/21"##),
        (r##"(floor-quotient 7.0 2)"##, r##"3.0"##),
        (r##"(floor 2.5)"##, r##"2.0"##),
        (r##"(floor -2.5)"##, r##"-3.0"##),
        (r##"(floor -7/2)"##, r##"-4"##),
        (r##"(floor 5)"##, r##"5"##),
        (r##"(ceiling -7/2)"##, r##"-3"##),
        (r##"(ceiling 1/3)"##, r##"1"##),
        (r##"(ceiling 0.2)"##, r##"1.0"##),
        (r##"(truncate -7/2)"##, r##"-3"##),
        (r##"(truncate 2.7)"##, r##"2.0"##),
        (r##"(truncate -2.7)"##, r##"-2.0"##),
        (r##"(round 2.5)"##, r##"2.0"##),
        (r##"(round 3.5)"##, r##"4.0"##),
        (r##"(round -2.5)"##, r##"-2.0"##),
        (r##"(round -0.4)"##, r##"0.0"##),
        (r##"(round -0.5)"##, r##"0.0"##),
        (r##"(round 0.49999999999999994)"##, r##"0.0"##),
        (r##"(round 5/2)"##, r##"2"##),
        (r##"(round -5/2)"##, r##"-2"##),
        (r##"(round 7/2)"##, r##"4"##),
        (r##"(round 1/2)"##, r##"0"##),
        (r##"(round -1/2)"##, r##"0"##),
        (r##"(round 3/2)"##, r##"2"##),
        (r##"(round +inf.0)"##, r##"+inf.0"##),
        (r##"(round 4503599627370497.0)"##, r##"4503599627370497.0"##),
        (r##"(gcd)"##, r##"0"##),
        (r##"(gcd 12 18)"##, r##"6"##),
        (r##"(gcd -12 18)"##, r##"6"##),
        (r##"(gcd 12.0 18)"##, r##"6.0"##),
        (r##"(gcd 0 5)"##, r##"5"##),
        (r##"(gcd 4 6 8)"##, r##"2"##),
        (r##"(gcd -4)"##, r##"4"##),
        (
            r##"(gcd (expt 2 100) (expt 6 50))"##,
            r##"1125899906842624"##,
        ),
        (r##"(lcm)"##, r##"1"##),
        (r##"(lcm 4 6)"##, r##"12"##),
        (r##"(lcm -4 6)"##, r##"12"##),
        (r##"(lcm 4.0 6)"##, r##"12.0"##),
        (r##"(lcm 0 6)"##, r##"0"##),
        (r##"(lcm 2 3 4)"##, r##"12"##),
        (r##"(lcm (expt 2 70) 3)"##, r##"3541774862152233910272"##),
        (r##"(expt 2 -1)"##, r##"1/2"##),
        (r##"(expt 2.0 3)"##, r##"8.0"##),
        (r##"(expt 2 100)"##, r##"1267650600228229401496703205376"##),
        (r##"(expt 2 0.5)"##, r##"1.4142135623730951"##),
        (r##"(expt 4 1/2)"##, r##"2.0"##),
        (r##"(expt 8 1/3)"##, r##"2.0"##),
        (r##"(expt 0 0)"##, r##"1"##),
        (r##"(expt 0.0 0)"##, r##"1"##),
        (r##"(expt 0 0.0)"##, r##"1.0"##),
        (r##"(expt 1/2 3)"##, r##"1/8"##),
        (r##"(expt 2/3 -2)"##, r##"9/4"##),
        (r##"(expt 0 -1)"##, r##"+nan.0"##),
        (r##"(expt 0.0 -1)"##, r##"+nan.0"##),
        (r##"(expt 0 5)"##, r##"0"##),
        (r##"(expt 10 -3)"##, r##"1/1000"##),
        (r##"(expt 10.0 -3)"##, r##"0.0010000000000000002"##),
        (r##"(expt 1/2 -3)"##, r##"8"##),
        (r##"(expt -2 3)"##, r##"-8"##),
        (r##"(expt -2 -3)"##, r##"-1/8"##),
        (r##"(expt 2 3.0)"##, r##"8.0"##),
        (r##"(expt -8.0 3.0)"##, r##"-512.0"##),
        (r##"(expt 2 -1.0)"##, r##"0.5"##),
        (r##"(expt 1 (expt 10 30))"##, r##"1"##),
        (r##"(expt -1 (+ 1 (expt 10 30)))"##, r##"-1"##),
        (r##"(expt -1 (expt 10 30))"##, r##"1"##),
        (r##"(expt 0 (expt 10 30))"##, r##"0"##),
        (r##"(expt +inf.0 2)"##, r##"+inf.0"##),
        (r##"(expt 2 +inf.0)"##, r##"+inf.0"##),
        (r##"(expt 1/4 1/2)"##, r##"0.5"##),
        (r##"(expt 2 -1/2)"##, r##"0.7071067811865476"##),
        (r##"(expt 1.5 2)"##, r##"2.25"##),
        (r##"(expt 'a 0)"##, r##"1"##),
        (r##"(expt 'a 1)"##, r##"a"##),
        (r##"(expt 2.5 0)"##, r##"1"##),
        (r##"(expt 3 40)"##, r##"12157665459056928801"##),
        (r##"(expt -3 41)"##, r##"-36472996377170786403"##),
        (r##"(integer-expt 2 10)"##, r##"1024"##),
        (r##"(integer-expt 2 -1)"##, r##"1/2"##),
        (r##"(integer-expt 2.0 3)"##, r##"8.0"##),
        (r##"(integer-expt -3 3)"##, r##"-27"##),
        (r##"(integer-expt 5 -3)"##, r##"1/125"##),
        (r##"(integer-expt 0 0)"##, r##"1"##),
        (r##"(integer-expt 2/3 3)"##, r##"8/27"##),
        (r##"(modulo-expt 2 10 1000)"##, r##"24"##),
        (r##"(modulo-expt 2 -1 7)"##, r##"4"##),
        (r##"(modulo-expt -2 3 5)"##, r##"2"##),
        (r##"(modulo-expt 2 3 -5)"##, r##"-2"##),
        (r##"(modulo-expt 2 3 5)"##, r##"3"##),
        (
            r##"(modulo-expt 3 (expt 10 20) 1000000007)"##,
            r##"139421235"##,
        ),
        (r##"(modulo-expt 7 0 1)"##, r##"0"##),
        (r##"(exact-integer-sqrt 17)"##, r##"4 1"##),
        (r##"(exact-integer-sqrt 0)"##, r##"0 0"##),
        (r##"(exact-integer-sqrt 16)"##, r##"4 0"##),
        (
            r##"(exact-integer-sqrt (expt 10 41))"##,
            r##"316227766016837933199 562477137586013626399"##,
        ),
        (r##"(sqrt 16)"##, r##"4"##),
        (r##"(sqrt 1/4)"##, r##"1/2"##),
        (r##"(sqrt 2)"##, r##"1.4142135623730951"##),
        (r##"(sqrt 16.0)"##, r##"4.0"##),
        (r##"(sqrt 15)"##, r##"3.872983346207417"##),
        (r##"(sqrt (expt 10 40))"##, r##"100000000000000000000"##),
        (r##"(sqrt (+ 1 (expt 10 40)))"##, r##"1.0e20"##),
        (r##"(sqrt 0)"##, r##"0"##),
        (r##"(sqrt -0.0)"##, r##"-0.0"##),
        (r##"(sqrt (expt 10 401))"##, r##"3.1622776601683794e200"##),
        (
            r##"(sqrt (/ (expt 10 400) 3))"##,
            r##"5.773502691896257e199"##,
        ),
        (r##"(sqrt 2/9)"##, r##"0.4714045207910317"##),
        (r##"(sqrt 1/2)"##, r##"0.7071067811865476"##),
        (r##"(sqrt +inf.0)"##, r##"+inf.0"##),
        (r##"(exp 0)"##, r##"1.0"##),
        (r##"(exp 1)"##, r##"2.718281828459045"##),
        (r##"(exp 1/2)"##, r##"1.6487212707001282"##),
        (r##"(exp 1000)"##, r##"+inf.0"##),
        (r##"(exp -1000)"##, r##"0.0"##),
        (r##"(log 1)"##, r##"0.0"##),
        (r##"(log 0.0)"##, r##"-inf.0"##),
        (r##"(log 100)"##, r##"4.605170185988092"##),
        (r##"(log (expt 10 400))"##, r##"921.0340371976182"##),
        (r##"(log (expt 3 500))"##, r##"549.3061443340548"##),
        (r##"(log (/ 1 (expt 3 500)))"##, r##"-549.3061443340548"##),
        (r##"(log 1/3)"##, r##"-1.0986122886681096"##),
        (r##"(log 3/2)"##, r##"0.4054651081081644"##),
        (r##"(log +inf.0)"##, r##"+inf.0"##),
        (r##"(log10 100)"##, r##"2.0"##),
        (r##"(log10 1000)"##, r##"3.0"##),
        (r##"(log10 0.0)"##, r##"-inf.0"##),
        (r##"(log10 1/1000)"##, r##"-3.0"##),
        (r##"(log10 (expt 3 500))"##, r##"238.5606273598312"##),
        (r##"(log10 2)"##, r##"0.3010299956639812"##),
        (r##"(sin 0)"##, r##"0"##),
        (r##"(sin 0.0)"##, r##"0.0"##),
        (r##"(sin 1)"##, r##"0.8414709848078965"##),
        (r##"(cos 0)"##, r##"1"##),
        (r##"(cos 1)"##, r##"0.5403023058681398"##),
        (r##"(tan 0)"##, r##"0"##),
        (r##"(tan 1)"##, r##"1.5574077246549023"##),
        (r##"(asin 0)"##, r##"0"##),
        (r##"(asin 1)"##, r##"1.5707963267948966"##),
        (r##"(asin 0.5)"##, r##"0.5235987755982989"##),
        (r##"(acos 1)"##, r##"0"##),
        (r##"(acos 0)"##, r##"1.5707963267948966"##),
        (r##"(acos 0.5)"##, r##"1.0471975511965979"##),
        (r##"(atan 0)"##, r##"0"##),
        (r##"(atan 1)"##, r##"0.7853981633974483"##),
        (r##"(atan 1 1)"##, r##"0.7853981633974483"##),
        (r##"(atan 0 1)"##, r##"0.0"##),
        (r##"(atan 1 0)"##, r##"1.5707963267948966"##),
        (r##"(atan -1 -1)"##, r##"-2.356194490192345"##),
        (r##"(atan 0 -1)"##, r##"3.141592653589793"##),
        (r##"(atanh 0)"##, r##"0"##),
        (r##"(atanh 0.5)"##, r##"0.5493061443340548"##),
        (r##"(acosh 1)"##, r##"0"##),
        (r##"(acosh 2)"##, r##"1.3169578969248166"##),
        (r##"(asinh 0)"##, r##"0"##),
        (r##"(asinh 1)"##, r##"0.881373587019543"##),
        (r##"(sinh 0)"##, r##"0"##),
        (r##"(sinh 1)"##, r##"1.1752011936438014"##),
        (r##"(cosh 0)"##, r##"1"##),
        (r##"(cosh 1)"##, r##"1.5430806348152437"##),
        (r##"(tanh 0)"##, r##"0"##),
        (r##"(tanh 1)"##, r##"0.7615941559557649"##),
        (r##"(sin 1/2)"##, r##"0.479425538604203"##),
        (r##"(cos (expt 10 30))"##, r##"-0.9999564608959665"##),
        (r##"(exact->inexact 1/3)"##, r##"0.3333333333333333"##),
        (
            r##"(exact->inexact 12345678901234567890123)"##,
            r##"1.2345678901234568e22"##,
        ),
        (r##"(exact->inexact (expt 10 400))"##, r##"+inf.0"##),
        (r##"(exact->inexact (- (expt 10 400)))"##, r##"-inf.0"##),
        (r##"(exact->inexact 5)"##, r##"5.0"##),
        (r##"(exact->inexact 2.0)"##, r##"2.0"##),
        (
            r##"(exact->inexact (/ (+ (expt 10 400) 1) (* 3 (expt 10 400))))"##,
            r##"0.3333333333333333"##,
        ),
        (r##"(exact->inexact (/ 1 (expt 10 400)))"##, r##"0.0"##),
        (r##"(numerator 6/4)"##, r##"3"##),
        (r##"(denominator 6/4)"##, r##"2"##),
        (r##"(numerator 0.5)"##, r##"1.0"##),
        (r##"(denominator 0.5)"##, r##"2.0"##),
        (r##"(denominator 5)"##, r##"1"##),
        (r##"(numerator 2.0)"##, r##"2.0"##),
        (r##"(numerator -3)"##, r##"-3"##),
        (r##"(denominator 0.1)"##, r##"36028797018963970.0"##),
        (r##"(numerator 0.1)"##, r##"3602879701896397.0"##),
        (r##"(numerator +inf.0)"##, r##"+inf.0"##),
        (r##"(denominator +inf.0)"##, r##"1.0"##),
        (r##"(numerator -0.0)"##, r##"-0.0"##),
        (r##"(rationalize 1/3 1/100)"##, r##"1/3"##),
        (r##"(rationalize 0.3 1/10)"##, r##"0.3333333333333333"##),
        (r##"(rationalize 3/10 1/10)"##, r##"1/3"##),
        (r##"(rationalize 3/10 0.1)"##, r##"0.3333333333333333"##),
        (r##"(rationalize -3/10 1/10)"##, r##"-1/3"##),
        (r##"(rationalize 1/3 1)"##, r##"0"##),
        (r##"(rationalize 5 1/2)"##, r##"5"##),
        (r##"(rationalize 22/7 0)"##, r##"22/7"##),
        (r##"(rationalize 314159/100000 1/1000)"##, r##"201/64"##),
        (r##"(rationalize 0.5 +inf.0)"##, r##"0.0"##),
        (r##"(rationalize +inf.0 0.1)"##, r##"+inf.0"##),
        (r##"(rationalize 1 +nan.0)"##, r##"+nan.0"##),
        (r##"(rationalize 3/10 -1/10)"##, r##"1/3"##),
        (r##"(number->string 255 16)"##, r##""ff""##),
        (r##"(number->string -255 2)"##, r##""-11111111""##),
        (r##"(number->string 1/3 3)"##, r##""1/10""##),
        (r##"(number->string 2.5 2)"##, r##""10.1""##),
        (r##"(number->string 255)"##, r##""255""##),
        (r##"(number->string 1/3 16)"##, r##""1/3""##),
        (r##"(number->string 123 10)"##, r##""123""##),
        (r##"(number->string 0.1)"##, r##""0.1""##),
        (
            r##"(number->string (expt 2 100) 16)"##,
            r##""10000000000000000000000000""##,
        ),
        (r##"(number->string 255.5 16)"##, r##""ff.8""##),
        (r##"(number->string -0.0 16)"##, r##""-0.0""##),
        (r##"(number->string +inf.0 16)"##, r##""+inf.0""##),
        (r##"(number->string +nan.0)"##, r##""+nan.0""##),
        (
            r##"(number->string 1e300 2)"##,
            r##""1.01111110010000111100100010000000000001110101100111e1111100100""##,
        ),
        (
            r##"(number->string 1e-10 16)"##,
            r##""6.df37f675ef6ece-9""##,
        ),
        (r##"(number->string 35 36)"##, r##""z""##),
        (r##"(number->string 1000.0)"##, r##""1000.0""##),
        (r##"(number->string 1e21 16)"##, r##""3.635c9adc5deae11""##),
        (r##"(number->string 0.0001)"##, r##""1.0e-4""##),
        (
            r##"(number->string 3.14159 8)"##,
            r##""3.11037476006703156""##,
        ),
        (
            r##"(number->string (string->number "1e3"))"##,
            r##""1000.0""##,
        ),
        (r##"(string->number "ff" 16)"##, r##"255"##),
        (r##"(string->number "#xff" 10)"##, r##"255"##),
        (r##"(string->number "abc")"##, r##"#f"##),
        (r##"(string->number "1/2")"##, r##"1/2"##),
        (r##"(string->number "1/2" 16)"##, r##"1/2"##),
        (r##"(string->number "1.5" 16)"##, r##"#f"##),
        (r##"(string->number "#e1.5")"##, r##"3/2"##),
        (r##"(string->number "#i1/2")"##, r##"0.5"##),
        (r##"(string->number "1e3" 16)"##, r##"483"##),
        (r##"(string->number "")"##, r##"#f"##),
        (r##"(string->number "+5")"##, r##"5"##),
        (r##"(string->number ".5")"##, r##"0.5"##),
        (r##"(string->number "5.")"##, r##"5.0"##),
        (r##"(string->number "10" 37)"##, r##"37"##),
        (r##"(string->number "10" 3)"##, r##"3"##),
        (r##"(string->number "-12" 8)"##, r##"-10"##),
        (r##"(string->number "101" 2)"##, r##"5"##),
        (
            r##"(string->number "123456789012345678901234567890")"##,
            r##"123456789012345678901234567890"##,
        ),
        (r##"(string->number "-1/3")"##, r##"-1/3"##),
        (r##"(string->number "+inf.0")"##, r##"+inf.0"##),
        (r##"(string->number "-inf.0")"##, r##"-inf.0"##),
        (r##"(string->number "z" 36)"##, r##"35"##),
        (r##"(string->number "zz" 100)"##, r##"3535"##),
        (r##"(string->number "1/0")"##, r##"#f"##),
        (r##"(string->number "#b101")"##, r##"5"##),
        (r##"(string->number "1e")"##, r##"#f"##),
        (r##"(string->number "-")"##, r##"#f"##),
        (r##"(integer-length -8)"##, r##"3"##),
        (r##"(integer-length 8)"##, r##"4"##),
        (r##"(integer-length 0)"##, r##"0"##),
        (r##"(integer-length -1)"##, r##"0"##),
        (r##"(integer-length 255)"##, r##"8"##),
        (r##"(integer-length (expt 2 100))"##, r##"101"##),
        (r##"(integer-length (- (expt 2 100)))"##, r##"100"##),
        (r##"(integer-length most-negative-fixnum)"##, r##"61"##),
        (r##"(ash 1 10)"##, r##"1024"##),
        (r##"(ash -23 -2)"##, r##"-6"##),
        (r##"(ash 1 -1)"##, r##"0"##),
        (r##"(ash -1 -1)"##, r##"-1"##),
        (r##"(ash 5 0)"##, r##"5"##),
        (r##"(ash 0 100)"##, r##"0"##),
        (r##"(ash 1 100)"##, r##"1267650600228229401496703205376"##),
        (r##"(ash (expt 2 100) -98)"##, r##"4"##),
        (r##"(ash -5 -100)"##, r##"-1"##),
        (r##"(ash 5 -100)"##, r##"0"##),
        (r##"(ash -1 -10000000000000000000000)"##, r##"-1"##),
        (r##"(ash 1 -10000000000000000000000)"##, r##"0"##),
        (
            r##"(ash -9223372036854775808 1)"##,
            r##"-18446744073709551616"##,
        ),
        (r##"(round-ash 10 -1)"##, r##"5"##),
        (r##"(round-ash 10 -2)"##, r##"2"##),
        (r##"(round-ash 11 -2)"##, r##"3"##),
        (r##"(round-ash 13 -2)"##, r##"3"##),
        (r##"(round-ash 14 -2)"##, r##"4"##),
        (r##"(round-ash -1 -1)"##, r##"0"##),
        (r##"(round-ash -3 -1)"##, r##"-2"##),
        (r##"(round-ash -5 -1)"##, r##"-2"##),
        (r##"(round-ash 1 3)"##, r##"8"##),
        (r##"(round-ash 5 -100)"##, r##"0"##),
        (
            r##"(round-ash (+ (expt 2 100) (expt 2 99)) -100)"##,
            r##"2"##,
        ),
        (
            r##"(round-ash (+ (expt 2 101) (expt 2 100)) -101)"##,
            r##"2"##,
        ),
        (r##"(logand)"##, r##"-1"##),
        (r##"(logand 7)"##, r##"7"##),
        (r##"(logand 7 3 1)"##, r##"1"##),
        (r##"(logand -1 255)"##, r##"255"##),
        (r##"(logand -8 -3)"##, r##"-8"##),
        (r##"(logand (- (expt 2 100)) (- (expt 2 70) 1))"##, r##"0"##),
        (r##"(logand 1.5)"##, r##"1.5"##),
        (r##"(logior)"##, r##"0"##),
        (r##"(logior 7)"##, r##"7"##),
        (r##"(logior 0 1 3)"##, r##"3"##),
        (r##"(logior -8 3)"##, r##"-5"##),
        (
            r##"(logior (expt 2 100) 1)"##,
            r##"1267650600228229401496703205377"##,
        ),
        (r##"(logxor)"##, r##"0"##),
        (r##"(logxor 7)"##, r##"7"##),
        (r##"(logxor 0 1 3)"##, r##"2"##),
        (r##"(logxor 0 1 3 3)"##, r##"1"##),
        (
            r##"(logxor -1 (expt 2 80))"##,
            r##"-1208925819614629174706177"##,
        ),
        (r##"(lognot 0)"##, r##"-1"##),
        (r##"(lognot -1)"##, r##"0"##),
        (r##"(lognot 128)"##, r##"-129"##),
        (
            r##"(lognot (expt 2 100))"##,
            r##"-1267650600228229401496703205377"##,
        ),
        (r##"(logtest 4 11)"##, r##"#f"##),
        (r##"(logtest 4 7)"##, r##"#t"##),
        (r##"(logtest -1 -1)"##, r##"#t"##),
        (r##"(logbit? 0 13)"##, r##"#t"##),
        (r##"(logbit? 1 13)"##, r##"#f"##),
        (r##"(logbit? 2 13)"##, r##"#t"##),
        (r##"(logbit? 4 13)"##, r##"#f"##),
        (r##"(logbit? 100 -1)"##, r##"#t"##),
        (r##"(logbit? 3 -8)"##, r##"#t"##),
        (r##"(logbit? 2 -8)"##, r##"#f"##),
        (r##"(logbit? 100 (expt 2 100))"##, r##"#t"##),
        (r##"(logcount 170)"##, r##"4"##),
        (r##"(logcount 0)"##, r##"0"##),
        (r##"(logcount -2)"##, r##"1"##),
        (r##"(logcount -256)"##, r##"8"##),
        (r##"(logcount (- (expt 2 100) 1))"##, r##"100"##),
        (r##"(number? 1)"##, r##"#t"##),
        (r##"(number? 'a)"##, r##"#f"##),
        (r##"(complex? 1)"##, r##"#t"##),
        (r##"(complex? 'a)"##, r##"#f"##),
        (r##"(real? 1/2)"##, r##"#t"##),
        (r##"(real? 1.5)"##, r##"#t"##),
        (r##"(real? "1")"##, r##"#f"##),
        (r##"(rational? 1.5)"##, r##"#t"##),
        (r##"(rational? +inf.0)"##, r##"#f"##),
        (r##"(rational? +nan.0)"##, r##"#f"##),
        (r##"(rational? 1/2)"##, r##"#t"##),
        (r##"(rational? 'a)"##, r##"#f"##),
        (r##"(integer? 2.0)"##, r##"#t"##),
        (r##"(integer? 2.5)"##, r##"#f"##),
        (r##"(integer? +inf.0)"##, r##"#f"##),
        (r##"(integer? 'a)"##, r##"#f"##),
        (r##"(integer? (expt 2 100))"##, r##"#t"##),
        (r##"(exact-integer? 2)"##, r##"#t"##),
        (r##"(exact-integer? 2.0)"##, r##"#f"##),
        (r##"(exact-integer? 'a)"##, r##"#f"##),
        (r##"(exact? 1.0)"##, r##"#f"##),
        (r##"(exact? 1/2)"##, r##"#t"##),
        (r##"(zero? 0.0)"##, r##"#t"##),
        (r##"(zero? -0.0)"##, r##"#t"##),
        (r##"(zero? 0)"##, r##"#t"##),
        (r##"(zero? 1/2)"##, r##"#f"##),
        (r##"(positive? 0)"##, r##"#f"##),
        (r##"(positive? 1/2)"##, r##"#t"##),
        (r##"(positive? -0.0)"##, r##"#f"##),
        (r##"(positive? +inf.0)"##, r##"#t"##),
        (r##"(negative? -1/2)"##, r##"#t"##),
        (r##"(negative? -0.0)"##, r##"#f"##),
        (r##"(negative? (- (expt 2 100)))"##, r##"#t"##),
        (r##"(odd? 3)"##, r##"#t"##),
        (r##"(odd? 3.0)"##, r##"#t"##),
        (r##"(odd? -3)"##, r##"#t"##),
        (r##"(even? 0)"##, r##"#t"##),
        (r##"(even? (expt 10 30))"##, r##"#t"##),
        (r##"(even? -2.0)"##, r##"#t"##),
        (r##"(finite? 1)"##, r##"#t"##),
        (r##"(finite? +inf.0)"##, r##"#f"##),
        (r##"(finite? +nan.0)"##, r##"#f"##),
        (r##"(inf? +inf.0)"##, r##"#t"##),
        (r##"(inf? -inf.0)"##, r##"#t"##),
        (r##"(inf? 1)"##, r##"#f"##),
        (r##"(nan? +nan.0)"##, r##"#t"##),
        (r##"(nan? 1/2)"##, r##"#f"##),
        (r##"(inf)"##, r##"+inf.0"##),
        (r##"(nan)"##, r##"+nan.0"##),
        (r##"(real-part 1.5)"##, r##"1.5"##),
        (r##"(real-part 1/2)"##, r##"1/2"##),
        (r##"(imag-part 1.5)"##, r##"0"##),
        (r##"(imag-part 3)"##, r##"0"##),
        (r##"(angle 1)"##, r##"0.0"##),
        (r##"(angle -1)"##, r##"3.141592653589793"##),
        (r##"(angle -0.0)"##, r##"3.141592653589793"##),
        (r##"(angle 0)"##, r##"0.0"##),
        (r##"(angle -1/2)"##, r##"3.141592653589793"##),
        (r##"(make-rectangular 1 0)"##, r##"1"##),
        (r##"(make-rectangular 1.5 0)"##, r##"1.5"##),
        (r##"(make-polar 2 0)"##, r##"2"##),
        (r##"(make-polar 0 1.0)"##, r##"0"##),
        (r##"(make-polar 0 0)"##, r##"0"##),
        (r##"most-positive-fixnum"##, r##"2305843009213693951"##),
        (r##"most-negative-fixnum"##, r##"-2305843009213693952"##),
        (
            r##"(+ most-positive-fixnum 1)"##,
            r##"2305843009213693952"##,
        ),
        (r##"(exact->inexact 2/3)"##, r##"0.6666666666666666"##),
        (r##"(exact->inexact -1/7)"##, r##"-0.14285714285714285"##),
        (r##"(sin 1/3)"##, r##"0.3271946967961522"##),
        (r##"(cos 2/3)"##, r##"0.785887260776948"##),
        (r##"(tan (expt 10 20))"##, r##"-0.8446024630198843"##),
        (r##"(atan 1/3 2/3)"##, r##"0.4636476090008061"##),
        (r##"(exp 1/3)"##, r##"1.3956124250860895"##),
        (r##"(exp (expt 10 20))"##, r##"+inf.0"##),
        (r##"(exp (- (expt 10 20)))"##, r##"0.0"##),
        (r##"(log (expt 2 62))"##, r##"42.975125194716604"##),
        (r##"(log (- (expt 2 61) 1))"##, r##"42.281978014156664"##),
        (r##"(log (+ (expt 2 62) 12345))"##, r##"42.97512519471661"##),
        (
            r##"(log 12345678901234567890123456789)"##,
            r##"64.68310362614893"##,
        ),
        (
            r##"(log10 12345678901234567890123456789)"##,
            r##"28.0915149772127"##,
        ),
        (r##"(log10 (expt 2 62))"##, r##"18.66385973116683"##),
        (
            r##"(log 1/12345678901234567890123456789)"##,
            r##"-64.68310362614893"##,
        ),
        (
            r##"(log 12345678901234567890/12345678901234567891)"##,
            r##"-8.100000072900001e-20"##,
        ),
        (r##"(log10 3/7)"##, r##"-0.3679767852945944"##),
        (r##"(sqrt (expt 2 62))"##, r##"2147483648"##),
        (r##"(sqrt (+ 1 (expt 2 62)))"##, r##"2147483648.0"##),
        (r##"(sqrt (+ 1 (expt 2 64)))"##, r##"4294967296.0"##),
        (
            r##"(sqrt 12345678901234567890123456789)"##,
            r##"111111110611111.11"##,
        ),
        (r##"(sqrt 1/3)"##, r##"0.5773502691896257"##),
        (
            r##"(sqrt 2/12345678901234567890123456789)"##,
            r##"1.2727922118633505e-14"##,
        ),
        (
            r##"(sqrt (/ 1 (expt 10 400)))"##,
            r##"1/100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"##,
        ),
        (
            r##"(sqrt (/ 3 (expt 10 401)))"##,
            r##"5.477225575051661e-201"##,
        ),
        (r##"(expt 1.1 1000)"##, r##"2.469932918005993e41"##),
        (r##"(expt 1.0000001 12345)"##, r##"1.0012352622476344"##),
        (r##"(expt 1.1 -77)"##, r##"6.497753664165421e-4"##),
        (r##"(expt 3.0 2.5)"##, r##"15.588457268119896"##),
        (r##"(expt 2 1/3)"##, r##"1.2599210498948732"##),
        (r##"(expt 1/2 0.5)"##, r##"0.7071067811865476"##),
        (r##"(expt 10 -20)"##, r##"1/100000000000000000000"##),
        (r##"(expt 2.0 100)"##, r##"1.2676506002282294e30"##),
        (r##"(expt 7 -1.0)"##, r##"0.14285714285714285"##),
        (
            r##"(number->string 3.14159 3)"##,
            r##""10.0102110122202012020010001000221""##,
        ),
        (r##"(number->string 1/3 2)"##, r##""1/11""##),
        (
            r##"(number->string 123.456 7)"##,
            r##""234.312256641535441""##,
        ),
        (r##"(number->string 1e100 36)"##, r##""2.hqbczu2ow5e1s""##),
        (r##"(number->string 1e-100 36)"##, r##""e.fyckx6cd9re-1t""##),
        (r##"(number->string 0.5 36)"##, r##""0.i""##),
        (
            r##"(number->string 6.02e23 16)"##,
            r##""7.f7a7c42a34d84e13""##,
        ),
        (
            r##"(number->string -1.5e-7 2)"##,
            r##""-1.010000100001111101011111010000001101100000110111011e-10111""##,
        ),
        (
            r##"(number->string (expt 2 70) 8)"##,
            r##""200000000000000000000000""##,
        ),
        (
            r##"(number->string -1234567890123456789012 36)"##,
            r##""-78jo1siaf4qnmc""##,
        ),
        (
            r##"(number->string 123456789.123)"##,
            r##""123456789.123""##,
        ),
        (r##"(number->string 1e22)"##, r##""1.0e22""##),
        (r##"(number->string 1.2345e-5)"##, r##""1.2345e-5""##),
        (r##"(rationalize 0.333 1/1000)"##, r##"0.3333333333333333"##),
        (
            r##"(rationalize (/ 314159265 100000000) 1/10000000)"##,
            r##"75238/23949"##,
        ),
        (r##"(rationalize 1/7 1/1000000)"##, r##"1/7"##),
        (r##"(rationalize 355/113 0)"##, r##"355/113"##),
        (r##"(rationalize -355/113 1/100)"##, r##"-22/7"##),
        (r##"(round 0.5)"##, r##"0.0"##),
        (r##"(round 1.5)"##, r##"2.0"##),
        (r##"(round -1.5)"##, r##"-2.0"##),
        (r##"(round 2.5000000001)"##, r##"3.0"##),
        (r##"(truncate -0.5)"##, r##"-0.0"##),
        (r##"(floor -0.5)"##, r##"-1.0"##),
        (r##"(ceiling -0.5)"##, r##"-0.0"##),
        (r##"(floor 0.0)"##, r##"0.0"##),
        (r##"(abs -1/2)"##, r##"1/2"##),
        (r##"(max 1 2 +nan.0)"##, r##"+nan.0"##),
        (r##"(min -inf.0 +nan.0)"##, r##"+nan.0"##),
        (r##"(floor/ -0.0 2)"##, r##"-0.0 0.0"##),
        (r##"(modulo -0.0 2)"##, r##"0.0"##),
        (r##"(remainder -0.0 2)"##, r##"0.0"##),
        (
            r##"(exact->inexact (/ (expt 2 1100) (+ 1 (expt 2 1100))))"##,
            r##"1.0"##,
        ),
        (r##"(exact->inexact (/ 1 (expt 2 1074)))"##, r##"5.0e-324"##),
        (r##"(exact->inexact (/ 1 (expt 2 1075)))"##, r##"0.0"##),
        (r##"(exact->inexact (/ 3 (expt 2 1076)))"##, r##"5.0e-324"##),
        (r##"(exact->inexact (/ 3 (expt 2 1075)))"##, r##"1.0e-323"##),
        (
            r##"(exact->inexact (/ (+ (expt 2 1024) 1) 2))"##,
            r##"8.98846567431158e307"##,
        ),
        (
            r##"(exact->inexact (- (expt 2 1024) (expt 2 970)))"##,
            r##"+inf.0"##,
        ),
        (
            r##"(exact->inexact (- (expt 2 1024) (expt 2 971)))"##,
            r##"1.7976931348623157e308"##,
        ),
        (
            r##"(exact->inexact 9007199254740993)"##,
            r##"9007199254740992.0"##,
        ),
        (
            r##"(exact->inexact 9007199254740995)"##,
            r##"9007199254740996.0"##,
        ),
        (
            r##"(exact->inexact 36028797018963971)"##,
            r##"36028797018963970.0"##,
        ),
        (
            r##"(exact->inexact 123456789012345678901/1000)"##,
            r##"123456789012345680.0"##,
        ),
        (r##"(* 1.5 (expt 10 400))"##, r##"+inf.0"##),
        (r##"(+ 0.5 1/3)"##, r##"0.8333333333333333"##),
        (r##"(- 1/3 0.5)"##, r##"-0.16666666666666669"##),
        (r##"(/ 1/3 0.5)"##, r##"0.6666666666666666"##),
        (r##"(/ 0.5 1/3)"##, r##"1.5"##),
        (r##"(+ (expt 2 100) 0.5)"##, r##"1.2676506002282294e30"##),
        (r##"(- (expt 10 30) 1.0)"##, r##"1.0e30"##),
        (r##"(< 1/3 (exact->inexact 1/3))"##, r##"#f"##),
        (r##"(= 9007199254740993 9007199254740992.0)"##, r##"#f"##),
        (r##"(< 9007199254740992.0 9007199254740993)"##, r##"#t"##),
        (r##"(> (expt 2 1024) 1.7976931348623157e308)"##, r##"#t"##),
        (r##"(max 9007199254740993 1.0)"##, r##"9007199254740992.0"##),
        (
            r##"(quotient (expt 2 100) 3.0)"##,
            r##"4.2255020007607644e29"##,
        ),
        (r##"(modulo (expt 2 100) 7.0)"##, r##"0.0"##),
        (r##"(gcd 0 0)"##, r##"0"##),
        (r##"(gcd -5)"##, r##"5"##),
        (r##"(lcm -5)"##, r##"5"##),
        (r##"(lcm 1/2)"##, r##"1/2"##),
        (r##"(gcd 0.0 6)"##, r##"6.0"##),
        (r##"(numerator 1/3)"##, r##"1"##),
        (r##"(denominator -1/3)"##, r##"3"##),
        (r##"(numerator -2.5)"##, r##"-5.0"##),
        (r##"(denominator -2.5)"##, r##"2.0"##),
        (r##"(expt 0.0 0.5)"##, r##"0.0"##),
        (r##"(expt 0 1/2)"##, r##"0.0"##),
        (r##"(expt 0.0 2)"##, r##"0.0"##),
        (r##"(exact-integer-sqrt 1)"##, r##"1 0"##),
        (r##"(exact-integer-sqrt 2)"##, r##"1 1"##),
        (
            r##"(exact-integer-sqrt 4611686018427387904)"##,
            r##"2147483648 0"##,
        ),
        (
            r##"(exact-integer-sqrt 9223372036854775807)"##,
            r##"3037000499 5928526806"##,
        ),
        (r##"(round-ash -10 -2)"##, r##"-2"##),
        (r##"(round-ash -6 -2)"##, r##"-2"##),
        (r##"(round-ash -2 -2)"##, r##"0"##),
        (r##"(ash -1 1)"##, r##"-2"##),
        (
            r##"(ash most-positive-fixnum 1)"##,
            r##"4611686018427387902"##,
        ),
        (
            r##"(logand -4611686018427387905 -1)"##,
            r##"-4611686018427387905"##,
        ),
        (
            r##"(logxor most-negative-fixnum -1)"##,
            r##"2305843009213693951"##,
        ),
        (
            r##"(lognot most-negative-fixnum)"##,
            r##"2305843009213693951"##,
        ),
        (
            r##"(lognot -9223372036854775808)"##,
            r##"9223372036854775807"##,
        ),
        (r##"(logcount -9223372036854775808)"##, r##"63"##),
        (r##"(integer-length -9223372036854775808)"##, r##"63"##),
        (r##"(integer-length 9223372036854775807)"##, r##"63"##),
        (
            r##"(logior -9223372036854775808 1)"##,
            r##"-9223372036854775807"##,
        ),
        (r##"(ash -9223372036854775808 -63)"##, r##"-1"##),
        (r##"(ash -9223372036854775808 -64)"##, r##"-1"##),
        (r##"(atan 0.0 -0.0)"##, r##"3.141592653589793"##),
        (r##"(atan -0.0 -1)"##, r##"-3.141592653589793"##),
        (r##"(acos -1)"##, r##"3.141592653589793"##),
        (r##"(asin -1)"##, r##"-1.5707963267948966"##),
        (r##"(acosh 1.0)"##, r##"0.0"##),
        (r##"(atanh 1.0)"##, r##"+inf.0"##),
        (r##"(atanh -1)"##, r##"-inf.0"##),
        (r##"(tanh 1000)"##, r##"1.0"##),
        (r##"(sinh 1000)"##, r##"+inf.0"##),
        (r##"(asinh -1000)"##, r##"-7.600902709541988"##),
        (r##"(string->number "#e1.1")"##, r##"11/10"##),
        (r##"(string->number "#e0.1")"##, r##"1/10"##),
        (r##"(string->number "#e-1.25e-2")"##, r##"-1/80"##),
        (r##"(string->number "#x#e10")"##, r##"16"##),
        (r##"(string->number "#e#d1e3")"##, r##"1000"##),
        (r##"(string->number "#e1.5e1")"##, r##"15"##),
        (r##"(string->number "#e.5")"##, r##"1/2"##),
        (r##"(string->number "#e1/2")"##, r##"1/2"##),
        (
            r##"(= (string->number "#e1e300") (expt 10 300))"##,
            r##"#t"##,
        ),
    ];

    /// Expressions that raise an error in Guile: (expression, key, subr).
    const GUILE_ERRORS: &[(&str, &str, &str)] = &[
        (r##"(+ 1 "a")"##, "wrong-type-arg", "+"),
        (r##"(+ "a" 1)"##, "wrong-type-arg", "+"),
        (r##"(+ 1 2 "a")"##, "wrong-type-arg", "+"),
        (r##"(- "a")"##, "wrong-type-arg", "-"),
        (r##"(* 1.5 'x)"##, "wrong-type-arg", "*"),
        (r##"(* 'x 2)"##, "wrong-type-arg", "*"),
        (r##"(/ 1 0)"##, "numerical-overflow", "divide"),
        (r##"(/ 1.0 0)"##, "numerical-overflow", "divide"),
        (r##"(/ 0)"##, "numerical-overflow", "divide"),
        (r##"(/ 0.0 0)"##, "numerical-overflow", "divide"),
        (r##"(/ 1 'a)"##, "wrong-type-arg", "/"),
        (r##"(< 1 'a)"##, "wrong-type-arg", "<"),
        (r##"(< 'a 1)"##, "wrong-type-arg", "<"),
        (r##"(< 1 2 'a)"##, "wrong-type-arg", "<"),
        (r##"(= 1 'a)"##, "wrong-type-arg", "="),
        (r##"(= 1 1 'a)"##, "wrong-type-arg", "="),
        (r##"(> 1 'a)"##, "wrong-type-arg", ">"),
        (r##"(max 'a)"##, "wrong-type-arg", "max"),
        (r##"(max 1 'a)"##, "wrong-type-arg", "max"),
        (r##"(min 1 2 'a)"##, "wrong-type-arg", "min"),
        (r##"(1+ 'a)"##, "wrong-type-arg", "+"),
        (r##"(1- 'a)"##, "wrong-type-arg", "-"),
        (r##"(abs 'a)"##, "wrong-type-arg", "abs"),
        (
            r##"(quotient 7 0)"##,
            "numerical-overflow",
            "truncate-quotient",
        ),
        (
            r##"(remainder 7 0)"##,
            "numerical-overflow",
            "truncate-remainder",
        ),
        (r##"(modulo 7 0)"##, "numerical-overflow", "floor-remainder"),
        (
            r##"(quotient 7.0 0)"##,
            "numerical-overflow",
            "truncate-quotient",
        ),
        (r##"(quotient 7.5 2)"##, "wrong-type-arg", "quotient"),
        (r##"(modulo 7.5 2)"##, "wrong-type-arg", "modulo"),
        (
            r##"(modulo 7.0 0.0)"##,
            "numerical-overflow",
            "floor-remainder",
        ),
        (r##"(remainder 'a 2)"##, "wrong-type-arg", "remainder"),
        (r##"(remainder 2 'a)"##, "wrong-type-arg", "remainder"),
        (r##"(floor/ 7 0)"##, "numerical-overflow", "floor-divide"),
        (r##"(floor/ 7.0 0)"##, "numerical-overflow", "floor/"),
        (r##"(floor/ 7.0 0.0)"##, "numerical-overflow", "floor/"),
        (r##"(floor/ 'a 1)"##, "wrong-type-arg", "floor/"),
        (r##"(floor/ 1 'a)"##, "wrong-type-arg", "floor/"),
        (
            r##"(truncate/ 7 0)"##,
            "numerical-overflow",
            "truncate-divide",
        ),
        (
            r##"(ceiling/ 7 0)"##,
            "numerical-overflow",
            "ceiling-divide",
        ),
        (r##"(round/ 7 0)"##, "numerical-overflow", "round-divide"),
        (
            r##"(euclidean/ 7 0)"##,
            "numerical-overflow",
            "floor-divide",
        ),
        (
            r##"(centered/ 7 0)"##,
            "numerical-overflow",
            "centered-divide",
        ),
        (
            r##"(floor-quotient 7 0)"##,
            "numerical-overflow",
            "floor-quotient",
        ),
        (
            r##"(floor-remainder 7 0)"##,
            "numerical-overflow",
            "floor-remainder",
        ),
        (
            r##"(euclidean-quotient 7 0)"##,
            "numerical-overflow",
            "floor-quotient",
        ),
        (
            r##"(centered-remainder 7.0 0)"##,
            "numerical-overflow",
            "centered-remainder",
        ),
        (r##"(floor 'a)"##, "wrong-type-arg", "floor"),
        (r##"(round "x")"##, "wrong-type-arg", "round"),
        (r##"(gcd 1/2 3)"##, "wrong-type-arg", "gcd"),
        (r##"(gcd 2 1/2)"##, "wrong-type-arg", "gcd"),
        (r##"(lcm 2 +inf.0)"##, "wrong-type-arg", "lcm"),
        (r##"(expt 'a 2)"##, "wrong-type-arg", "*"),
        (r##"(expt 2 'a)"##, "wrong-type-arg", "expt"),
        (r##"(expt 1.0 'a)"##, "wrong-type-arg", "expt"),
        (r##"(expt 'a 0.5)"##, "wrong-type-arg", "expt"),
        (
            r##"(integer-expt 2 3.0)"##,
            "wrong-type-arg",
            "integer-expt",
        ),
        (
            r##"(integer-expt 2 1/2)"##,
            "wrong-type-arg",
            "integer-expt",
        ),
        (
            r##"(integer-expt 2 (expt 10 30))"##,
            "numerical-overflow",
            "integer-expt",
        ),
        (
            r##"(modulo-expt 2 -1 4)"##,
            "numerical-overflow",
            "modulo-expt",
        ),
        (
            r##"(modulo-expt 2 3 0)"##,
            "numerical-overflow",
            "modulo-expt",
        ),
        (
            r##"(modulo-expt 2.0 3 5)"##,
            "wrong-type-arg",
            "modulo-expt",
        ),
        (
            r##"(modulo-expt 2 3 5.0)"##,
            "wrong-type-arg",
            "modulo-expt",
        ),
        (
            r##"(exact-integer-sqrt -1)"##,
            "wrong-type-arg",
            "exact-integer-sqrt",
        ),
        (
            r##"(exact-integer-sqrt 4.0)"##,
            "wrong-type-arg",
            "exact-integer-sqrt",
        ),
        (
            r##"(exact-integer-sqrt 1/4)"##,
            "wrong-type-arg",
            "exact-integer-sqrt",
        ),
        (r##"(log 0)"##, "numerical-overflow", "log"),
        (r##"(log10 0)"##, "numerical-overflow", "log10"),
        (r##"(log 'a)"##, "wrong-type-arg", "log"),
        (r##"(sqrt 'a)"##, "wrong-type-arg", "sqrt"),
        (r##"(sin 'a)"##, "wrong-type-arg", "sin"),
        (r##"(atan 1 'a)"##, "wrong-type-arg", "atan"),
        (r##"(atan 'a 1)"##, "wrong-type-arg", "atan"),
        (r##"(exp "1")"##, "wrong-type-arg", "exp"),
        (
            r##"(exact->inexact 'a)"##,
            "wrong-type-arg",
            "exact->inexact",
        ),
        (r##"(numerator 'a)"##, "wrong-type-arg", "numerator"),
        (r##"(numerator +nan.0)"##, "out-of-range", "inexact->exact"),
        (r##"(denominator 'a)"##, "wrong-type-arg", "denominator"),
        (r##"(rationalize 'a 1)"##, "wrong-type-arg", "rationalize"),
        (r##"(rationalize 1 'a)"##, "wrong-type-arg", "rationalize"),
        (
            r##"(number->string 'a)"##,
            "wrong-type-arg",
            "number->string",
        ),
        (r##"(number->string 255 37)"##, "out-of-range", ""),
        (r##"(number->string 255 1)"##, "out-of-range", ""),
        (r##"(number->string 255 2.0)"##, "wrong-type-arg", ""),
        (
            r##"(string->number 'a)"##,
            "wrong-type-arg",
            "string->number",
        ),
        (r##"(string->number "10" 1)"##, "out-of-range", ""),
        (r##"(string->number "10" 'x)"##, "wrong-type-arg", ""),
        (
            r##"(integer-length 1.0)"##,
            "wrong-type-arg",
            "integer-length",
        ),
        (
            r##"(integer-length 'a)"##,
            "wrong-type-arg",
            "integer-length",
        ),
        (r##"(ash 1.0 1)"##, "wrong-type-arg", "ash"),
        (r##"(ash 1 1.0)"##, "wrong-type-arg", "ash"),
        (r##"(ash 1 (expt 10 30))"##, "numerical-overflow", "ash"),
        (r##"(round-ash 'a 1)"##, "wrong-type-arg", "round-ash"),
        (r##"(logand 1.0 1)"##, "wrong-type-arg", "logand"),
        (r##"(logand 1 1.0)"##, "wrong-type-arg", "logand"),
        (r##"(logand 'a)"##, "wrong-type-arg", "logand"),
        (r##"(logior 1 'a)"##, "wrong-type-arg", "logior"),
        (r##"(logxor 2 "x")"##, "wrong-type-arg", "logxor"),
        (r##"(lognot 1.5)"##, "wrong-type-arg", "lognot"),
        (r##"(logtest 1 1.5)"##, "wrong-type-arg", "logtest"),
        (r##"(logbit? 1.0 5)"##, "wrong-type-arg", ""),
        (r##"(logbit? 1 5.0)"##, "wrong-type-arg", "logbit?"),
        (r##"(logcount 1.5)"##, "wrong-type-arg", "logcount"),
        (r##"(exact? 'a)"##, "wrong-type-arg", "exact?"),
        (r##"(zero? 'a)"##, "wrong-type-arg", "zero?"),
        (r##"(positive? 'a)"##, "wrong-type-arg", "positive?"),
        (r##"(negative? "x")"##, "wrong-type-arg", "negative?"),
        (r##"(odd? 3.5)"##, "wrong-type-arg", "odd?"),
        (r##"(even? 1/2)"##, "wrong-type-arg", "even?"),
        (r##"(even? +inf.0)"##, "wrong-type-arg", "even?"),
        (r##"(even? 'a)"##, "wrong-type-arg", "even?"),
        (r##"(finite? 'a)"##, "wrong-type-arg", "finite?"),
        (r##"(inf? 'a)"##, "wrong-type-arg", "inf?"),
        (r##"(nan? 'a)"##, "wrong-type-arg", "nan?"),
        (r##"(real-part 'a)"##, "wrong-type-arg", "real-part"),
        (r##"(imag-part 'a)"##, "wrong-type-arg", "imag-part"),
        (r##"(magnitude 'a)"##, "wrong-type-arg", "magnitude"),
        (r##"(angle 'a)"##, "wrong-type-arg", "angle"),
        (
            r##"(make-rectangular 'a 1)"##,
            "wrong-type-arg",
            "make-rectangular",
        ),
        (
            r##"(make-rectangular 1 'a)"##,
            "wrong-type-arg",
            "make-rectangular",
        ),
        (r##"(make-polar 'a 1)"##, "wrong-type-arg", "make-polar"),
        (r##"(min 'x)"##, "wrong-type-arg", "min"),
    ];

    /// Expressions whose value is a non-real complex number in Guile.
    const GUILE_COMPLEX: &[&str] = &[
        r##"(sqrt -4)"##,
        r##"(sqrt -4.0)"##,
        r##"(sqrt -1/4)"##,
        r##"(sqrt (- (expt 10 40)))"##,
        r##"(expt -8 1/3)"##,
        r##"(expt -2.0 0.5)"##,
        r##"(log -1)"##,
        r##"(log -0.0)"##,
        r##"(log -1/2)"##,
        r##"(log (- (expt 10 400)))"##,
        r##"(log10 -10)"##,
        r##"(log10 (- (expt 10 400)))"##,
        r##"(asin 2)"##,
        r##"(acos 2)"##,
        r##"(acosh 0)"##,
        r##"(atanh 2)"##,
        r##"(asin +nan.0)"##,
        r##"(make-rectangular 1 2)"##,
        r##"(make-rectangular 1 0.0)"##,
        r##"(make-polar 1 1)"##,
        r##"(make-polar 2.0 0.0)"##,
    ];

    #[test]
    fn values_match_guile() {
        let mut failures = Vec::new();
        for (src, want) in GUILE_VALUES {
            match eval(src) {
                Ok(got) if got == *want => {}
                Ok(got) => failures.push(format!("{src}: got {got}, Guile gives {want}")),
                Err(d) => failures.push(format!(
                    "{src}: error {:?} {}, Guile gives {want}",
                    d.kind, d.message
                )),
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn errors_match_guile() {
        let mut failures = Vec::new();
        for (src, key, subr) in GUILE_ERRORS {
            let kind = match *key {
                "wrong-type-arg" => DiagnosticKind::WrongType,
                "out-of-range" | "numerical-overflow" => DiagnosticKind::OutOfRange,
                _ => DiagnosticKind::UserError,
            };
            match eval(src) {
                Ok(got) => failures.push(format!("{src}: got {got}, Guile raises {key}")),
                Err(d) if d.kind != kind => failures.push(format!(
                    "{src}: {:?} {}, Guile raises {key}",
                    d.kind, d.message
                )),
                Err(d) if !subr.is_empty() && !d.message.starts_with(&format!("{subr}:")) => {
                    failures.push(format!(
                        "{src}: message {}, Guile's subr is {subr}",
                        d.message
                    ))
                }
                Err(_) => {}
            }
        }
        assert!(
            failures.is_empty(),
            "{} mismatches:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn complex_results_are_refused() {
        for src in GUILE_COMPLEX {
            let d = check_err(src, DiagnosticKind::UserError);
            assert!(d.message.contains("complex"), "{src}: {}", d.message);
        }
    }

    #[test]
    fn wrong_type_positions() {
        // Guile's positions: the folded binary operation's argument.
        for (src, pos) in [
            ("(+ 1 \"a\")", 2),
            ("(+ \"a\" 1)", 1),
            ("(+ 1 2 \"a\")", 2),
            ("(< 1 2 'a)", 2),
            ("(< 'a 1)", 1),
            ("(= 1 'a)", 1),
            ("(floor/ 1 'a)", 2),
            ("(modulo-expt 2 3 5.0)", 3),
        ] {
            let d = check_err(src, DiagnosticKind::WrongType);
            assert!(
                d.message.contains(&format!("position {pos}")),
                "{src}: {}",
                d.message
            );
        }
    }

    #[test]
    fn huge_exact_results_hit_the_limit_before_computing() {
        for src in [
            "(expt 10 (expt 10 9))",
            "(expt 7 100000000)",
            "(integer-expt 3 100000000)",
            "(ash 1 10000000000)",
            "(round-ash -1 100000000)",
            "(let ((h (expt 2 5000000))) (* h h))",
            "(let ((h (expt 2 5000000))) (* h h h))",
            "(let ((h (expt 2 5000000))) (+ (* 3/7 h) (/ 1 h)))",
            "(expt 2/3 10000000)",
            "(expt 12345678901234567890 1000000)",
            "(string->number (make-string 3000000 #\\9))",
            "(exact-integer-sqrt (expt 2 7000000))",
        ] {
            let d = check_err(src, DiagnosticKind::Limit);
            assert!(!d.message.is_empty(), "{src}");
        }
    }

    #[test]
    fn moderately_big_numbers_work() {
        crate::testing::check("(integer-length (expt 3 100000))", "158497");
        crate::testing::check("(integer-length (ash 1 1000000))", "1000001");
        crate::testing::check(
            "(let ((h (expt 2 100000))) (= (quotient (* h h) h) h))",
            "#t",
        );
        crate::testing::check("(modulo (expt 7 10000) 1000)", "1");
        crate::testing::check(
            "(exact->inexact (/ (expt 3 1000) (expt 2 1580)))",
            "31.17895610379364",
        );
        // Guile 3.0.8 gets these wrong (its logtest of two equal bignums
        // is #f, and logbit? of a bignum index crashes); these are the
        // mathematically right answers.
        crate::testing::check("(logtest (expt 2 100) (expt 2 100))", "#t");
        crate::testing::check("(logbit? (expt 10 30) -5)", "#t");
        crate::testing::check("(logbit? (expt 10 30) 5)", "#f");
    }

    #[test]
    fn flonum_printing_matches_guile() {
        let cases: &[(f64, u32, &str)] = &[
            (0.0001, 10, "1.0e-4"),
            (0.001, 10, "0.001"),
            (0.00123, 10, "0.00123"),
            (1e7, 10, "1.0e7"),
            (12345678.0, 10, "12345678.0"),
            (123456789.0, 10, "123456789.0"),
            (1e21, 10, "1.0e21"),
            (1.5e10, 10, "1.5e10"),
            (100.0, 10, "100.0"),
            (1000.0, 10, "1000.0"),
            (1234567.0, 10, "1234567.0"),
            (1.7976931348623157e308, 10, "1.7976931348623157e308"),
            (5e-324, 10, "5.0e-324"),
            (0.1, 10, "0.1"),
            (1.0 / 3.0, 10, "0.3333333333333333"),
            (-2.5, 10, "-2.5"),
            (-0.0, 16, "-0.0"),
            (
                0.1,
                2,
                "1.100110011001100110011001100110011001100110011001101e-100",
            ),
            (1e21, 16, "3.635c9adc5deae11"),
            (255.5, 16, "ff.8"),
            (
                1e300,
                2,
                "1.01111110010000111100100010000000000001110101100111e1111100100",
            ),
            (1e-10, 16, "6.df37f675ef6ece-9"),
            (2.5, 2, "10.1"),
        ];
        for (f, radix, want) in cases {
            assert_eq!(flonum_to_string(*f, *radix), *want, "{f} in radix {radix}");
        }
    }

    #[test]
    fn exact_to_flonum_rounds_correctly() {
        let big = BigInt::parse_bytes(b"12345678901234567890123", 10).unwrap();
        assert_eq!(big_to_f64(&big), 1.2345678901234568e22);
        let ten400 = Pow::pow(BigInt::from(10), 400u32);
        assert_eq!(big_to_f64(&ten400), f64::INFINITY);
        assert_eq!(ratio_to_f64(&BigInt::one(), &ten400), 0.0);
        assert_eq!(ratio_to_f64(&BigInt::from(1), &BigInt::from(3)), 1.0 / 3.0);
        let third = ratio_to_f64(&(&ten400 + 1), &(&ten400 * 3));
        assert_eq!(third, 1.0 / 3.0);
        // 2^53 + 1 rounds to even.
        let n = (BigInt::one() << 53usize) + 1;
        assert_eq!(big_to_f64(&n), 9007199254740992.0);
        let n = (BigInt::one() << 53usize) + 3;
        assert_eq!(big_to_f64(&n), 9007199254740996.0);
        // Subnormal results.
        let tiny = ratio_to_f64(&BigInt::one(), &(BigInt::one() << 1074usize));
        assert_eq!(tiny, 5e-324);
    }

    #[test]
    fn division_kinds() {
        let cases: &[(DivKind, i128, i128, i128, i128)] = &[
            (DivKind::Floor, -7, 2, -4, 1),
            (DivKind::Ceiling, -7, 2, -3, -1),
            (DivKind::Truncate, -7, 2, -3, -1),
            (DivKind::Round, -7, 2, -4, 1),
            (DivKind::Round, 5, 2, 2, 1),
            (DivKind::Round, 127, 10, 13, -3),
            (DivKind::Round, 123, -10, -12, 3),
            (DivKind::Centered, -7, 2, -3, -1),
            (DivKind::Centered, 7, 2, 4, -1),
            (DivKind::Centered, 5, 2, 3, -1),
            (DivKind::Centered, -5, 2, -2, -1),
            (DivKind::Centered, 123, -10, -12, 3),
            (DivKind::Centered, -123, -10, 12, -3),
            (DivKind::Floor, 123, -10, -13, -7),
        ];
        for &(kind, x, y, q, r) in cases {
            assert_eq!(
                adjust_floor_i128(kind, x, y),
                (q, r),
                "{} {x} {y}",
                kind.name()
            );
            let (bq, br) = int_divide(
                kind,
                &(BigInt::from(x) << 100usize),
                &(BigInt::from(y) << 100usize),
            );
            assert_eq!(bq, BigInt::from(q), "big {} {x} {y}", kind.name());
            assert_eq!(
                br,
                BigInt::from(r) << 100usize,
                "big {} {x} {y}",
                kind.name()
            );
        }
    }
}
