//! `number->string` and `string->number`: Guile's number syntax read in any
//! radix, and flonums printed as Guile prints them.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Pow, ToPrimitive, Zero};

use crate::bindings::arg_str;
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::num::{self, rat_to_value, Num};
use crate::value::Value;

use super::{gcd_work, guard_bits, multiplication_work, number};

// ------------------------------------------------------- number <-> string

fn radix_arg(subr: &str, args: &[Value], max: i64) -> Result<u32> {
    match args.get(1) {
        None => Ok(10),
        Some(Value::Int(r)) if (2..=max).contains(r) => Ok(*r as u32),
        Some(v @ (Value::Int(_) | Value::Big(_))) => Err(Exn::out_of_range(subr, 2, v)),
        Some(v) => Err(Exn::wrong_type(subr, 2, "exact integer", v)),
    }
}

pub(super) fn p_number_to_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
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

pub(super) fn p_string_to_number(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string->number", 1, &args[0])?;
    let radix = radix_arg("string->number", args, i32::MAX as i64)?;
    let text = s.s.as_str();
    let bits_per_char = 64 - u64::from(radix).leading_zeros() as u64;
    let est = (text.len() as u64).saturating_mul(bits_per_char);
    guard_bits(interp, est)?;
    multiplication_work(interp, est, est)?;
    if text.contains('/') {
        // A fraction is reduced.
        gcd_work(interp, est)?;
    }
    if radix > 36 {
        return Ok(parse_big_radix(text, radix).unwrap_or(Value::Bool(false)));
    }
    if let Some(e) = num::exponent_out_of_range(text, radix) {
        return Err(Exn::guile(
            "out-of-range",
            "string->number",
            "Value out of range: ~S",
            vec![Value::Int(e)],
            Value::list([Value::Int(e)]),
        ));
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
