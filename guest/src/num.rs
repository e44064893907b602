//! The numeric tower: fixnums, bignums, exact rationals and flonums, with
//! Guile's contagion rules (exact op inexact → inexact), parsing and printing.

use std::cmp::Ordering;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::diag::{Exn, Result};
use crate::value::Value;

/// A number taken out of a [`Value`] for arithmetic.
#[derive(Clone, Debug)]
pub enum Num {
    Int(i64),
    Big(BigInt),
    Rat(BigRational),
    Real(f64),
}

impl Num {
    pub fn from_value(v: &Value) -> Option<Num> {
        Some(match v {
            Value::Int(i) => Num::Int(*i),
            Value::Big(b) => Num::Big((**b).clone()),
            Value::Rat(r) => Num::Rat((**r).clone()),
            Value::Real(f) => Num::Real(*f),
            _ => return None,
        })
    }

    /// Back to a value, in canonical form (small integers as fixnums,
    /// integral rationals as integers).
    pub fn into_value(self) -> Value {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Big(b) => big_to_value(b),
            Num::Rat(r) => rat_to_value(r),
            Num::Real(f) => Value::Real(f),
        }
    }

    pub fn is_exact(&self) -> bool {
        !matches!(self, Num::Real(_))
    }

    pub fn to_f64(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Big(b) => b.to_f64().unwrap_or(f64::NAN),
            Num::Rat(r) => rat_to_f64(r),
            Num::Real(f) => *f,
        }
    }

    pub fn to_big(&self) -> Option<BigInt> {
        match self {
            Num::Int(i) => Some(BigInt::from(*i)),
            Num::Big(b) => Some(b.clone()),
            _ => None,
        }
    }

    pub fn to_rat(&self) -> Option<BigRational> {
        match self {
            Num::Int(i) => Some(BigRational::from_integer(BigInt::from(*i))),
            Num::Big(b) => Some(BigRational::from_integer(b.clone())),
            Num::Rat(r) => Some(r.clone()),
            Num::Real(f) => BigRational::from_float(*f),
        }
    }

    pub fn is_zero(&self) -> bool {
        match self {
            Num::Int(i) => *i == 0,
            Num::Big(b) => b.is_zero(),
            Num::Rat(r) => r.is_zero(),
            Num::Real(f) => *f == 0.0,
        }
    }

    pub fn is_negative(&self) -> bool {
        match self {
            Num::Int(i) => *i < 0,
            Num::Big(b) => b.is_negative(),
            Num::Rat(r) => r.is_negative(),
            Num::Real(f) => *f < 0.0,
        }
    }

    /// Bits needed to store the magnitude (0 for inexact numbers).
    pub fn bits(&self) -> u64 {
        match self {
            Num::Int(i) => 64 - i.unsigned_abs().leading_zeros() as u64,
            Num::Big(b) => b.bits(),
            Num::Rat(r) => r.numer().bits() + r.denom().bits(),
            Num::Real(_) => 0,
        }
    }
}

pub fn big_to_value(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::Big(Rc::new(b)),
    }
}

pub fn rat_to_value(r: BigRational) -> Value {
    if r.denom().is_one() {
        big_to_value(r.numer().clone())
    } else {
        Value::Rat(Rc::new(r))
    }
}

fn rat_to_f64(r: &BigRational) -> f64 {
    if let (Some(n), Some(d)) = (r.numer().to_f64(), r.denom().to_f64()) {
        if n.is_finite() && d.is_finite() {
            return n / d;
        }
    }
    // Scale large numerators/denominators down before dividing.
    let nb = r.numer().bits() as i64;
    let db = r.denom().bits() as i64;
    let shift = nb - db - 60;
    let scaled = if shift > 0 {
        r.numer().clone() / (r.denom() << shift as usize)
    } else {
        (r.numer() << (-shift) as usize) / r.denom().clone()
    };
    scaled.to_f64().unwrap_or(f64::NAN) * 2f64.powi(shift.clamp(-2000, 2000) as i32)
}

/// Which representation two operands meet in.
enum Pair2 {
    Int(i64, i64),
    Big(BigInt, BigInt),
    Rat(BigRational, BigRational),
    Real(f64, f64),
}

fn coerce(a: &Num, b: &Num) -> Pair2 {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Pair2::Int(*x, *y),
        (Num::Real(_), _) | (_, Num::Real(_)) => Pair2::Real(a.to_f64(), b.to_f64()),
        (Num::Rat(_), _) | (_, Num::Rat(_)) => Pair2::Rat(
            a.to_rat().unwrap_or_default(),
            b.to_rat().unwrap_or_default(),
        ),
        _ => Pair2::Big(
            a.to_big().unwrap_or_default(),
            b.to_big().unwrap_or_default(),
        ),
    }
}

pub fn add(a: &Num, b: &Num) -> Num {
    match coerce(a, b) {
        Pair2::Int(x, y) => match x.checked_add(y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(x) + y),
        },
        Pair2::Big(x, y) => Num::Big(x + y),
        Pair2::Rat(x, y) => Num::Rat(x + y),
        Pair2::Real(x, y) => Num::Real(x + y),
    }
}

pub fn sub(a: &Num, b: &Num) -> Num {
    match coerce(a, b) {
        Pair2::Int(x, y) => match x.checked_sub(y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(x) - y),
        },
        Pair2::Big(x, y) => Num::Big(x - y),
        Pair2::Rat(x, y) => Num::Rat(x - y),
        Pair2::Real(x, y) => Num::Real(x - y),
    }
}

pub fn mul(a: &Num, b: &Num) -> Num {
    match coerce(a, b) {
        Pair2::Int(x, y) => match x.checked_mul(y) {
            Some(z) => Num::Int(z),
            None => Num::Big(BigInt::from(x) * y),
        },
        Pair2::Big(x, y) => Num::Big(x * y),
        Pair2::Rat(x, y) => Num::Rat(x * y),
        Pair2::Real(x, y) => Num::Real(x * y),
    }
}

/// `/`: exact division gives exact rationals; exact division by zero is an error.
pub fn div(a: &Num, b: &Num) -> Result<Num> {
    match coerce(a, b) {
        Pair2::Real(x, y) => Ok(Num::Real(x / y)),
        Pair2::Int(_, 0) => Err(div_by_zero("/")),
        Pair2::Int(x, y) if y != -1 && x % y == 0 => Ok(Num::Int(x / y)),
        _ => {
            let (x, y) = (
                a.to_rat().unwrap_or_default(),
                b.to_rat().unwrap_or_default(),
            );
            if y.is_zero() {
                return Err(div_by_zero("/"));
            }
            Ok(Num::Rat(x / y))
        }
    }
}

pub fn div_by_zero(subr: &str) -> Exn {
    Exn::guile(
        "numerical-overflow",
        subr,
        "Numerical overflow",
        vec![],
        Value::Bool(false),
    )
}

/// Numeric comparison; `None` when a NaN is involved.
pub fn cmp(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Real(x), Num::Real(y)) => x.partial_cmp(y),
        (Num::Real(x), other) | (other, Num::Real(x)) if !x.is_finite() => {
            let _ = other;
            let o = if x.is_nan() {
                return None;
            } else if *x > 0.0 {
                Ordering::Greater
            } else {
                Ordering::Less
            };
            Some(if matches!(a, Num::Real(_)) {
                o
            } else {
                o.reverse()
            })
        }
        _ => match coerce_exact(a, b) {
            Pair2::Int(x, y) => Some(x.cmp(&y)),
            Pair2::Big(x, y) => Some(x.cmp(&y)),
            Pair2::Rat(x, y) => Some(x.cmp(&y)),
            Pair2::Real(x, y) => x.partial_cmp(&y),
        },
    }
}

/// Like `coerce` but compares finite flonums exactly against exact numbers
/// (as Guile does), so `(= 1/3 0.3333333333333333)` is `#f`.
fn coerce_exact(a: &Num, b: &Num) -> Pair2 {
    match (a, b) {
        (Num::Real(_), _) | (_, Num::Real(_)) => Pair2::Rat(
            a.to_rat().unwrap_or_default(),
            b.to_rat().unwrap_or_default(),
        ),
        _ => coerce(a, b),
    }
}

pub fn neg(a: &Num) -> Num {
    sub(&Num::Int(0), a)
}

/// Integer division flavours share this: quotient and remainder of exact
/// integers, truncating toward zero.
pub fn int_quot_rem(a: &BigInt, b: &BigInt) -> (BigInt, BigInt) {
    a.div_rem(b)
}

// ---------------------------------------------------------------- parsing

/// `text` as an integer if it is an optional sign and one to eighteen
/// decimal digits (which always fit in an `i64`).
#[inline]
fn small_decimal(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (d - b'0') as i64;
    }
    Some(if negative { -n } else { n })
}

/// The exponent of a decimal literal such as `1e400` when Guile refuses it
/// ("Value out of range"): Guile reads a written exponent only within
/// -324..=308, exact (`#e1e-500`) or not; `None` for any other text.
pub fn exponent_out_of_range(text: &str, default_radix: u32) -> Option<i64> {
    let mut radix = default_radix;
    let mut s = text;
    let mut prefix_len = 0;
    while s.len() >= 2 && s.as_bytes()[0] == b'#' {
        match s.as_bytes()[1].to_ascii_lowercase() {
            b'x' => radix = 16,
            b'b' => radix = 2,
            b'o' => radix = 8,
            b'd' => radix = 10,
            b'e' | b'i' => {}
            _ => return None,
        }
        s = &s[2..];
        prefix_len += 2;
    }
    if radix != 10 {
        return None;
    }
    let e = s.find(['e', 'E'])?;
    let (digits, sign) = match s.as_bytes().get(e + 1) {
        Some(b'-') => (&s[e + 2..], -1),
        Some(b'+') => (&s[e + 2..], 1),
        _ => (&s[e + 1..], 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let exponent = digits.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    }) * sign;
    if (-324..=308).contains(&exponent) {
        return None;
    }
    // Only a number with that exponent is refused, not a symbol like `e400`.
    let mantissa = &text[..prefix_len + e];
    parse_number(mantissa, default_radix).map(|_| exponent)
}

/// Parse a number literal as Guile's reader and `string->number` do.
/// Returns `None` for anything that is not a number (the reader then makes
/// it a symbol).  Complex literals are not supported and return `None`.
pub fn parse_number(text: &str, default_radix: u32) -> Option<Value> {
    // The common case: a short decimal integer.
    if default_radix == 10 {
        if let Some(i) = small_decimal(text.as_bytes()) {
            return Some(Value::Int(i));
        }
    }
    parse_number_general(text, default_radix)
}

fn parse_number_general(text: &str, default_radix: u32) -> Option<Value> {
    let mut radix = default_radix;
    let mut exactness: Option<bool> = None;
    let mut s = text;
    while s.len() >= 2 && s.as_bytes()[0] == b'#' {
        match s.as_bytes()[1].to_ascii_lowercase() {
            b'x' => radix = 16,
            b'b' => radix = 2,
            b'o' => radix = 8,
            b'd' => radix = 10,
            b'e' => exactness = Some(true),
            b'i' => exactness = Some(false),
            _ => return None,
        }
        s = &s[2..];
    }
    // R5RS `#` digit placeholders, which Guile reads: `1#` is 10.0, `1#/2`
    // is 5.0, `1.5#e1` is 15.0; they make the number inexact unless `#e`.
    let expanded: String;
    let hashed = s.contains('#');
    if hashed {
        expanded = expand_hash_digits(s, radix)?;
        s = &expanded;
    }
    // `#e1.1` is the exact value of the decimal as written (11/10), not of
    // the nearest flonum.
    if exactness == Some(true) && radix == 10 {
        if let Some(r) = exact_decimal(s) {
            return Some(rat_to_value(r));
        }
    }
    let n = parse_real(s, radix)?;
    Some(match exactness {
        None if hashed => Value::Real(n.to_f64()),
        None => n.into_value(),
        Some(true) => match n {
            Num::Real(f) => BigRational::from_float(f).map(rat_to_value)?,
            other => other.into_value(),
        },
        Some(false) => Value::Real(n.to_f64()),
    })
}

/// `s` with its `#` digit placeholders replaced by `0`, or `None` when a
/// `#` is misplaced: only after at least one digit, only at the end of an
/// integer, numerator, denominator or mantissa (`1#.#`, `1.5#`, but not
/// `1#.5`), never in an exponent, and in radix 10 only for decimals.
fn expand_hash_digits(s: &str, radix: u32) -> Option<String> {
    let (sign, body) = match s.as_bytes().first() {
        Some(b'+' | b'-') => s.split_at(1),
        _ => ("", s),
    };
    let uinteger = |t: &str| {
        let d = t.trim_end_matches('#');
        !d.is_empty() && d.chars().all(|c| c.is_digit(radix))
    };
    if let Some((n, d)) = body.split_once('/') {
        if !uinteger(n) || !uinteger(d) {
            return None;
        }
    } else if radix == 10 {
        let (mantissa, exponent) = match body.find(['e', 'E']) {
            Some(i) => body.split_at(i),
            None => (body, ""),
        };
        if exponent.contains('#') {
            return None;
        }
        let (int, frac) = match mantissa.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (mantissa, None),
        };
        let int_digits = int.trim_end_matches('#');
        if !int_digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let int_hashes = int.len() - int_digits.len();
        match frac {
            None if int_digits.is_empty() => return None,
            None => {}
            Some(f) => {
                let frac_digits = f.trim_end_matches('#');
                if !frac_digits.bytes().all(|b| b.is_ascii_digit())
                    || (int_hashes > 0 && !frac_digits.is_empty())
                    || (int_digits.is_empty() && (int_hashes > 0 || frac_digits.is_empty()))
                {
                    return None;
                }
            }
        }
    } else if !uinteger(body) {
        return None;
    }
    Some(format!("{sign}{}", body.replace('#', "0")))
}

/// A radix-10 decimal such as `-1.25e3` split into its sign, its digits
/// and the power of ten they are scaled by (`(true, "125", 1)`); `None`
/// when `s` has no `.` or exponent or is not such a decimal.
pub fn decimal_parts(s: &str) -> Option<(bool, String, i64)> {
    if !s.contains(['.', 'e', 'E']) {
        return None;
    }
    let b = s.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let mut digits = String::new();
    let mut frac_digits: i64 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        digits.push(b[i] as char);
        i += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            digits.push(b[i] as char);
            frac_digits += 1;
            i += 1;
        }
    }
    if digits.is_empty() {
        return None;
    }
    let mut exponent: i64 = 0;
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        let exp_negative = b.get(i) == Some(&b'-');
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i64::from(b[i] - b'0'));
            i += 1;
        }
        if i == start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != b.len() {
        return None;
    }
    Some((negative, digits, exponent.saturating_sub(frac_digits)))
}

/// The exact value of a radix-10 decimal such as `-1.25e3`; `None` when `s`
/// is not one (integers and rationals are exact already), or when its
/// exponent is so large that the float path's bounds must apply.
fn exact_decimal(s: &str) -> Option<BigRational> {
    let (negative, digits, scale) = decimal_parts(s)?;
    // The reader has no allocation budget: keep 10^scale small.
    if scale.unsigned_abs() > 1000 {
        return None;
    }
    let mantissa = BigInt::parse_bytes(digits.as_bytes(), 10)?;
    let power = num_traits::pow(BigInt::from(10), scale.unsigned_abs() as usize);
    let value = if scale >= 0 {
        BigRational::from_integer(mantissa * power)
    } else {
        BigRational::new(mantissa, power)
    };
    Some(if negative { -value } else { value })
}

fn parse_real(s: &str, radix: u32) -> Option<Num> {
    match s {
        "+inf.0" => return Some(Num::Real(f64::INFINITY)),
        "-inf.0" => return Some(Num::Real(f64::NEG_INFINITY)),
        "+nan.0" | "-nan.0" => return Some(Num::Real(f64::NAN)),
        _ => {}
    }
    if let Some((n, d)) = s.split_once('/') {
        let n = parse_integer(n, radix)?;
        let d = parse_unsigned(d, radix)?;
        if d.is_zero() {
            return None;
        }
        return Some(Num::Rat(BigRational::new(n, d)));
    }
    if let Some(i) = parse_integer(s, radix) {
        return Some(Num::Big(i));
    }
    if radix != 10 {
        return None;
    }
    parse_decimal(s).map(Num::Real)
}

fn parse_unsigned(s: &str, radix: u32) -> Option<BigInt> {
    if s.is_empty() || !s.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    BigInt::parse_bytes(s.as_bytes(), radix)
}

fn parse_integer(s: &str, radix: u32) -> Option<BigInt> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let n = parse_unsigned(digits, radix)?;
    Some(if neg { -n } else { n })
}

fn parse_decimal(s: &str) -> Option<f64> {
    // Validate the R7RS decimal grammar ourselves; Rust's parser accepts
    // spellings such as "inf" and "NaN" that are symbols in Scheme.
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok()
}

// ---------------------------------------------------------------- printing

/// `number->string`.
pub fn to_string(v: &Value, radix: u32) -> String {
    match v {
        Value::Int(i) => {
            if radix == 10 {
                i.to_string()
            } else {
                BigInt::from(*i).to_str_radix(radix)
            }
        }
        Value::Big(b) => b.to_str_radix(radix),
        Value::Rat(r) => format!(
            "{}/{}",
            r.numer().to_str_radix(radix),
            r.denom().to_str_radix(radix)
        ),
        Value::Real(f) => float_to_string(*f),
        _ => String::new(),
    }
}

/// Guile's flonum printing: the shortest digits that read back, in plain
/// notation unless scientific notation is strictly shorter.
pub fn float_to_string(f: f64) -> String {
    crate::bindings::numbers::flonum_to_string(f, 10)
}

pub fn zero() -> BigInt {
    BigInt::zero()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        match parse_number(s, 10) {
            Some(v) => to_string(&v, 10),
            None => "none".into(),
        }
    }

    #[test]
    fn parse_and_print() {
        assert_eq!(p("42"), "42");
        assert_eq!(p("-7"), "-7");
        assert_eq!(p("6/4"), "3/2");
        assert_eq!(p("4/2"), "2");
        assert_eq!(p("1e21"), "1.0e21");
        assert_eq!(p("1e9"), "1.0e9");
        assert_eq!(p("123456789.0"), "123456789.0");
        assert_eq!(p("0.000123"), "1.23e-4");
        assert_eq!(p("0.00125"), "0.00125");
        assert_eq!(p("100.0"), "100.0");
        assert_eq!(p("#xff"), "255");
        assert_eq!(p("#e1.5"), "3/2");
        assert_eq!(p("#i3/4"), "0.75");
        assert_eq!(p("+inf.0"), "+inf.0");
        assert_eq!(p("inf"), "none");
        assert_eq!(p("1/0"), "none");
        assert_eq!(p("-"), "none");
        assert_eq!(p("."), "none");
        assert_eq!(p("1e"), "none");
        assert_eq!(p("99999999999999999999"), "99999999999999999999");
    }

    proptest::proptest! {
        /// The short-integer fast path agrees with the general parser.
        #[test]
        fn small_integers_parse_as_the_general_parser_does(
            s in "[+-]?[0-9]{0,20}[a-z.#/e]?[0-9]{0,2}"
        ) {
            let fast = parse_number(&s, 10).map(|v| to_string(&v, 10));
            let general = parse_number_general(&s, 10).map(|v| to_string(&v, 10));
            proptest::prop_assert_eq!(fast, general, "{}", s);
        }
    }

    /// Found by the differential oracle against Guile 3.0 (fuzz/README.md).
    #[test]
    fn hash_digits_and_exact_decimals_read_as_guile_reads_them() {
        assert_eq!(p("1#"), "10.0");
        assert_eq!(p("-1##"), "-100.0");
        assert_eq!(p("+1#.#"), "10.0");
        assert_eq!(p("1.5#"), "1.5");
        assert_eq!(p(".5#"), "0.5");
        assert_eq!(p("10#."), "100.0");
        assert_eq!(p("1.#e2"), "100.0");
        assert_eq!(p("1.5#e1"), "15.0");
        assert_eq!(p("1#/2"), "5.0");
        assert_eq!(p("1/2#"), "0.05");
        assert_eq!(p("#e1#"), "10");
        assert_eq!(p("#e1#/3"), "10/3");
        assert_eq!(p("#i1#"), "10.0");
        assert_eq!(p("#x1#"), "16.0");
        for bad in [
            "#", ".#", "1#1", "1#.5", "#.5", "1#/#", "1#e#", "1e2#", "#b1#.#", "#x1#.#",
        ] {
            assert_eq!(p(bad), "none", "{bad}");
        }
        assert_eq!(p("#e1.1"), "11/10");
        assert_eq!(p("#e1e-2"), "1/100");
        assert_eq!(p("#e-1.5e3"), "-1500");
        assert_eq!(p("#e1.1#"), "11/10");
        assert_eq!(p("#e1.5"), "3/2");
    }

    #[test]
    fn arithmetic_contagion() {
        let a = Num::Int(i64::MAX);
        let b = Num::Int(1);
        assert_eq!(
            to_string(&add(&a, &b).into_value(), 10),
            "9223372036854775808"
        );
        let third = div(&Num::Int(1), &Num::Int(3)).unwrap();
        assert_eq!(to_string(&third.clone().into_value(), 10), "1/3");
        assert_eq!(to_string(&mul(&third, &Num::Int(3)).into_value(), 10), "1");
        assert_eq!(
            to_string(&add(&third, &Num::Real(0.5)).into_value(), 10),
            "0.8333333333333333"
        );
        assert!(div(&Num::Int(1), &Num::Int(0)).is_err());
        assert_eq!(
            cmp(&Num::Int(1), &Num::Real(f64::INFINITY)),
            Some(Ordering::Less)
        );
        assert_eq!(cmp(&Num::Real(f64::NAN), &Num::Int(1)), None);
    }
}
