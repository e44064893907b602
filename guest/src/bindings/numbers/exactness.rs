//! Conversions between exact numbers and flonums (correctly rounded
//! `exact->inexact`, `inexact->exact` of a flonum), and the exactness
//! bindings: `exact->inexact`, `numerator`, `denominator`, `rationalize`.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{rat_to_value, Num};
use crate::value::Value;

use super::{gcd_work, guard_bits, int_value, number, real};

// ------------------------------------------------------- exact -> flonum

/// 2^e as a flonum, for e in the normal range.
fn pow2(e: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// x * 2^e, exact whenever the result is representable.
pub(super) fn ldexp(mut x: f64, mut e: i64) -> f64 {
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
pub(super) fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
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

pub(super) fn big_to_f64(b: &BigInt) -> f64 {
    match b.to_i64() {
        Some(i) => i as f64,
        None => ratio_to_f64(b, &BigInt::one()),
    }
}

pub(super) fn to_f64(n: &Num) -> f64 {
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

pub(super) fn numer_denom(n: &Num) -> (BigInt, BigInt) {
    match n {
        Num::Int(i) => (BigInt::from(*i), BigInt::one()),
        Num::Big(b) => (b.clone(), BigInt::one()),
        Num::Rat(r) => (r.numer().clone(), r.denom().clone()),
        Num::Real(_) => (BigInt::zero(), BigInt::one()),
    }
}

pub(super) fn exact_zero(n: &Num) -> bool {
    matches!(n, Num::Int(0))
}

// ------------------------------------------------------- exactness

pub(super) fn p_exact_to_inexact(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Real(to_f64(&number("exact->inexact", 1, &args[0])?)))
}

pub(super) fn p_numerator(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_denominator(_: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_rationalize(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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
    let bits = x.numer().bits() + x.denom().bits() + eps.numer().bits() + eps.denom().bits() + 2;
    guard_bits(interp, bits)?;
    // `x - eps` and `x + eps` are reduced, and so is the result.
    for _ in 0..3 {
        gcd_work(interp, bits)?;
    }
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
