//! Powers and roots: `expt`, `integer-expt`, `modulo-expt`, `sqrt` and
//! `exact-integer-sqrt`, with their exact integer results announced to the
//! interpreter's size limit before they are computed.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Pow, Signed, ToPrimitive, Zero};

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{rat_to_value, Num};
use crate::value::Value;

use super::arith::{invert, product};
use super::division::to_exact_integer;
use super::exactness::{big_to_f64, ldexp, ratio_to_f64, to_f64};
use super::{
    bignum_work, complex_result, exact_int, guard_bits, int_value, is_exact_integer, is_integer,
    multiplication_work, number, overflow, values2,
};

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

pub(super) fn p_integer_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_modulo_expt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_exact_integer_sqrt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_sqrt(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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
