//! Rounding (`floor`, `ceiling`, `truncate`, `round`), the integer
//! division families (`floor/`, `truncate-quotient`, `euclidean/`, ...,
//! `quotient`, `remainder`, `modulo`), `gcd` and `lcm`.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{rat_to_value, Num};
use crate::value::Value;

use super::arith::abs_num;
use super::exactness::{big_to_f64, numer_denom, to_f64};
use super::{
    bignum_work, gcd_work, guard_bits, i128_value, int_value, is_integer, number, overflow, values2,
};

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

pub(super) fn p_floor(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("floor", &args[0], DivKind::Floor, f64::floor)
}

pub(super) fn p_ceiling(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("ceiling", &args[0], DivKind::Ceiling, f64::ceil)
}

pub(super) fn p_truncate(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("truncate", &args[0], DivKind::Truncate, f64::trunc)
}

pub(super) fn p_round(_: &mut Interp, args: &[Value]) -> Result<Value> {
    round_like("round", &args[0], DivKind::Round, c_round)
}

// ------------------------------------------------------- integer division

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DivKind {
    Floor,
    Ceiling,
    Truncate,
    Round,
    Centered,
}

impl DivKind {
    pub(super) fn name(self) -> &'static str {
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
pub(super) fn adjust_floor_i128(kind: DivKind, x: i128, y: i128) -> (i128, i128) {
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

pub(super) fn int_divide(kind: DivKind, x: &BigInt, y: &BigInt) -> (BigInt, BigInt) {
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
        gcd_work(interp, a.bits() + b.bits())?;
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
            pub(super) fn $fname(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_quotient(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    integer_division(
        interp,
        "quotient",
        DivKind::Truncate,
        DivPart::Quotient,
        args,
    )
}

pub(super) fn p_remainder(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    integer_division(
        interp,
        "remainder",
        DivKind::Truncate,
        DivPart::Remainder,
        args,
    )
}

pub(super) fn p_modulo(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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
                gcd_work(interp, a.bits() + b.bits())?;
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
pub(super) fn to_exact_integer(v: &Value) -> BigInt {
    match v {
        Value::Int(i) => BigInt::from(*i),
        Value::Big(b) => (**b).clone(),
        Value::Real(f) => BigRational::from_float(*f)
            .map(|r| r.to_integer())
            .unwrap_or_default(),
        _ => BigInt::zero(),
    }
}

pub(super) fn p_gcd(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    gcd_lcm(interp, "gcd", args, true)
}

pub(super) fn p_lcm(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    gcd_lcm(interp, "lcm", args, false)
}
