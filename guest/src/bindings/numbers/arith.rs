//! Arithmetic (`+`, `-`, `*`, `/`, `1+`, `1-`, `abs`), numeric comparison
//! (`<` ... `>=`, `max`, `min`) and the numeric predicates (`number?`,
//! `integer?`, `zero?`, `nan?`, ...).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::Signed;

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{self, Num};
use crate::value::Value;

use super::exactness::{exact_zero, to_f64};
use super::{
    bignum_work, gcd_work, guard_bits, is_exact_integer, is_integer, multiplication_work, number,
    overflow, real,
};

// ------------------------------------------------------------ arithmetic

fn add2(interp: &mut Interp, a: &Num, b: &Num) -> Result<Num> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Ok(match x.checked_add(*y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(*x) + y),
        }),
        (Num::Real(_), _) | (_, Num::Real(_)) => Ok(Num::Real(to_f64(a) + to_f64(b))),
        _ => {
            let rational = matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_));
            let est = if rational {
                a.bits() + b.bits() + 1
            } else {
                a.bits().max(b.bits()) + 1
            };
            guard_bits(interp, est)?;
            if rational {
                multiplication_work(interp, a.bits(), b.bits())?;
                gcd_work(interp, est)?;
            }
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
            let rational = matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_));
            let est = if rational {
                a.bits() + b.bits() + 1
            } else {
                a.bits().max(b.bits()) + 1
            };
            guard_bits(interp, est)?;
            if rational {
                multiplication_work(interp, a.bits(), b.bits())?;
                gcd_work(interp, est)?;
            }
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
            if matches!(a, Num::Rat(_)) || matches!(b, Num::Rat(_)) {
                gcd_work(interp, est)?;
            }
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
            gcd_work(interp, est)?;
            num::div(a, b).map_err(|_| overflow("divide"))
        }
    }
}

/// Guile's `scm_product` on values, including its quirk that `(* 1 x)` is
/// `x` whatever `x` is.
pub(super) fn product(interp: &mut Interp, x: &Value, y: &Value) -> Result<Value> {
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

pub(super) fn p_add(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_sub(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_mul(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn invert(interp: &mut Interp, x: &Num) -> Result<Num> {
    div2(interp, &Num::Int(1), x)
}

pub(super) fn p_div(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_one_plus(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let Value::Int(a) = args[0] {
        if let Some(c) = a.checked_add(1) {
            return Ok(Value::Int(c));
        }
    }
    let a = number("+", 1, &args[0])?;
    Ok(add2(interp, &a, &Num::Int(1))?.into_value())
}

pub(super) fn p_one_minus(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if let Value::Int(a) = args[0] {
        if let Some(c) = a.checked_sub(1) {
            return Ok(Value::Int(c));
        }
    }
    let a = number("-", 1, &args[0])?;
    Ok(sub2(interp, &a, &Num::Int(1))?.into_value())
}

pub(super) fn p_abs(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(abs_num(&number("abs", 1, &args[0])?).into_value())
}

pub(super) fn abs_num(n: &Num) -> Num {
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

pub(super) fn p_lt(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("<", args, |o| o == Some(Ordering::Less))
}

pub(super) fn p_le(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("<=", args, |o| {
        matches!(o, Some(Ordering::Less | Ordering::Equal))
    })
}

pub(super) fn p_num_eq(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain("=", args, |o| o == Some(Ordering::Equal))
}

pub(super) fn p_gt(_: &mut Interp, args: &[Value]) -> Result<Value> {
    chain(">", args, |o| o == Some(Ordering::Greater))
}

pub(super) fn p_ge(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_max(_: &mut Interp, args: &[Value]) -> Result<Value> {
    extremum("max", args, true)
}

pub(super) fn p_min(_: &mut Interp, args: &[Value]) -> Result<Value> {
    extremum("min", args, false)
}

// ------------------------------------------------------------ predicates

pub(super) fn p_number_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

pub(super) fn p_complex_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

pub(super) fn p_real_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(args[0].is_number()))
}

pub(super) fn p_rational_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match &args[0] {
        Value::Int(_) | Value::Big(_) | Value::Rat(_) => true,
        Value::Real(f) => f.is_finite(),
        _ => false,
    }))
}

pub(super) fn p_integer_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(is_integer(&args[0])))
}

pub(super) fn p_exact_integer_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(is_exact_integer(&args[0])))
}

pub(super) fn p_exact_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(number("exact?", 1, &args[0])?.is_exact()))
}

pub(super) fn p_zero_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(number("zero?", 1, &args[0])?.is_zero()))
}

pub(super) fn p_positive_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = real("positive?", 1, &args[0])?;
    Ok(Value::Bool(match n {
        Num::Real(f) => f > 0.0,
        other => !other.is_zero() && !other.is_negative(),
    }))
}

pub(super) fn p_negative_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_odd_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(parity("odd?", &args[0])?))
}

pub(super) fn p_even_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(!parity("even?", &args[0])?))
}

pub(super) fn p_finite_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("finite?", 1, &args[0])? {
        Num::Real(f) => f.is_finite(),
        _ => true,
    }))
}

pub(super) fn p_inf_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("inf?", 1, &args[0])? {
        Num::Real(f) => f.is_infinite(),
        _ => false,
    }))
}

pub(super) fn p_nan_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(match real("nan?", 1, &args[0])? {
        Num::Real(f) => f.is_nan(),
        _ => false,
    }))
}

pub(super) fn p_inf(_: &mut Interp, _: &[Value]) -> Result<Value> {
    Ok(Value::Real(f64::INFINITY))
}

pub(super) fn p_nan(_: &mut Interp, _: &[Value]) -> Result<Value> {
    Ok(Value::Real(f64::NAN))
}
