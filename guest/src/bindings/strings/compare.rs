//! Prefixes and suffixes (`string-prefix?`, `string-suffix-length`, ...),
//! the SRFI-13 and R5RS comparisons (`string=`, `string<?`, `string-ci>=?`,
//! `string-compare`, ...) and `string-hash`.

use std::cmp::Ordering;

use num_bigint::Sign;

use crate::bindings::arg_str;
use crate::bindings::chars::downcase;
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::search::two_ranges;
use super::{chars_of, check_proc, fold, opt_range, scan};

// -------------------------------------------------- prefixes and suffixes

fn mapped(cs: &[char], ci: bool) -> Vec<char> {
    if ci {
        cs.iter().map(|&c| fold(c)).collect()
    } else {
        cs.to_vec()
    }
}

fn prefix_len(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn suffix_len(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

fn affix(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    ci: bool,
    suffix: bool,
    length: bool,
) -> Result<Value> {
    let (t, (s1, e1), (s2, e2)) = two_ranges(interp, subr, args, 2)?;
    let a = mapped(&t.a[s1..e1], ci);
    let b = mapped(&t.b[s2..e2], ci);
    let n = if suffix {
        suffix_len(&a, &b)
    } else {
        prefix_len(&a, &b)
    };
    Ok(if length {
        Value::Int(n as i64)
    } else {
        Value::Bool(n == a.len())
    })
}

pub(super) fn string_prefix_p(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-prefix?", args, false, false, false)
}

pub(super) fn string_prefix_ci_p(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-prefix-ci?", args, true, false, false)
}

pub(super) fn string_suffix_p(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-suffix?", args, false, true, false)
}

pub(super) fn string_suffix_ci_p(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-suffix-ci?", args, true, true, false)
}

pub(super) fn string_prefix_length(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-prefix-length", args, false, false, true)
}

pub(super) fn string_prefix_length_ci(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-prefix-length-ci", args, true, false, true)
}

pub(super) fn string_suffix_length(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-suffix-length", args, false, true, true)
}

pub(super) fn string_suffix_length_ci(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    affix(interp, "string-suffix-length-ci", args, true, true, true)
}

// ------------------------------------------------------------ comparison

/// Compare two character slices, optionally case-folded.  Also returns the
/// index of the first mismatch (or the length of the shorter slice).
fn compare(a: &[char], b: &[char], ci: bool) -> (Ordering, usize) {
    for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
        let (x, y) = if ci { (fold(x), fold(y)) } else { (x, y) };
        match x.cmp(&y) {
            Ordering::Equal => {}
            o => return (o, i),
        }
    }
    (a.len().cmp(&b.len()), a.len().min(b.len()))
}

fn srfi_cmp(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    ci: bool,
    ok: fn(Ordering) -> bool,
) -> Result<Value> {
    let (t, (s1, e1), (s2, e2)) = two_ranges(interp, subr, args, 2)?;
    let (o, _) = compare(&t.a[s1..e1], &t.b[s2..e2], ci);
    Ok(Value::Bool(ok(o)))
}

macro_rules! srfi_compare {
    ($($f:ident, $name:expr, $ci:expr, $ok:expr;)*) => {
        $(pub(super) fn $f(interp: &mut Interp, args: &[Value]) -> Result<Value> {
            srfi_cmp(interp, $name, args, $ci, $ok)
        })*
    };
}

srfi_compare! {
    srfi_eq, "string=", false, |o| o == Ordering::Equal;
    srfi_ne, "string<>", false, |o| o != Ordering::Equal;
    srfi_lt, "string<", false, |o| o == Ordering::Less;
    srfi_gt, "string>", false, |o| o == Ordering::Greater;
    srfi_le, "string<=", false, |o| o != Ordering::Greater;
    srfi_ge, "string>=", false, |o| o != Ordering::Less;
    srfi_ci_eq, "string-ci=", true, |o| o == Ordering::Equal;
    srfi_ci_ne, "string-ci<>", true, |o| o != Ordering::Equal;
    srfi_ci_lt, "string-ci<", true, |o| o == Ordering::Less;
    srfi_ci_gt, "string-ci>", true, |o| o == Ordering::Greater;
    srfi_ci_le, "string-ci<=", true, |o| o != Ordering::Greater;
    srfi_ci_ge, "string-ci>=", true, |o| o != Ordering::Less;
}

fn r5rs_cmp(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    ci: bool,
    ok: fn(Ordering) -> bool,
) -> Result<Value> {
    if args.len() < 2 {
        return Ok(Value::Bool(true));
    }
    for i in 0..args.len() - 1 {
        let a = arg_str(subr, i + 1, &args[i])?;
        let b = arg_str(subr, i + 2, &args[i + 1])?;
        scan(interp, a.s.len().min(b.s.len()))?;
        let o = if ci {
            compare(
                &a.s.chars().collect::<Vec<_>>(),
                &b.s.chars().collect::<Vec<_>>(),
                true,
            )
            .0
        } else {
            a.s.chars().cmp(b.s.chars())
        };
        if !ok(o) {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

macro_rules! r5rs_compare {
    ($($f:ident, $name:expr, $ci:expr, $ok:expr;)*) => {
        $(pub(super) fn $f(interp: &mut Interp, args: &[Value]) -> Result<Value> {
            r5rs_cmp(interp, $name, args, $ci, $ok)
        })*
    };
}

r5rs_compare! {
    r5rs_eq, "string=?", false, |o| o == Ordering::Equal;
    r5rs_lt, "string<?", false, |o| o == Ordering::Less;
    r5rs_gt, "string>?", false, |o| o == Ordering::Greater;
    r5rs_le, "string<=?", false, |o| o != Ordering::Greater;
    r5rs_ge, "string>=?", false, |o| o != Ordering::Less;
    r5rs_ci_eq, "string-ci=?", true, |o| o == Ordering::Equal;
    r5rs_ci_lt, "string-ci<?", true, |o| o == Ordering::Less;
    r5rs_ci_gt, "string-ci>?", true, |o| o == Ordering::Greater;
    r5rs_ci_le, "string-ci<=?", true, |o| o != Ordering::Greater;
    r5rs_ci_ge, "string-ci>=?", true, |o| o != Ordering::Less;
}

fn compare_procs(interp: &mut Interp, subr: &str, args: &[Value], ci: bool) -> Result<Value> {
    for pos in 3..=5 {
        check_proc(subr, pos, &args[pos - 1])?;
    }
    let (t, (s1, e1), (s2, e2)) = two_ranges(interp, subr, args, 5)?;
    let (o, i) = compare(&t.a[s1..e1], &t.b[s2..e2], ci);
    let (proc_, index) = match o {
        Ordering::Less => (&args[2], s1 + i),
        Ordering::Equal => (&args[3], e1),
        Ordering::Greater => (&args[4], s1 + i),
    };
    interp.apply(proc_, vec![Value::Int(index as i64)])
}

pub(super) fn string_compare(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    compare_procs(interp, "string-compare", args, false)
}

pub(super) fn string_compare_ci(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    compare_procs(interp, "string-compare-ci", args, true)
}

// ------------------------------------------------------------------ hash

/// Guile 3.0's string hash: Bob Jenkins' lookup3 `hashword2` over the code
/// points, as in libguile/hash.c.
fn guile_string_hash(cs: &[char]) -> u64 {
    fn rot(x: u32, k: u32) -> u32 {
        x.rotate_left(k)
    }
    let len = cs.len();
    let init = 0xdead_beef_u32
        .wrapping_add(((len as u64) << 2) as u32)
        .wrapping_add(47);
    let (mut a, mut b, mut c) = (init, init, init);
    let k: Vec<u32> = cs.iter().map(|&ch| ch as u32).collect();
    let mut rest = &k[..];
    while rest.len() > 3 {
        a = a.wrapping_add(rest[0]);
        b = b.wrapping_add(rest[1]);
        c = c.wrapping_add(rest[2]);
        // mix(a, b, c)
        a = a.wrapping_sub(c);
        a ^= rot(c, 4);
        c = c.wrapping_add(b);
        b = b.wrapping_sub(a);
        b ^= rot(a, 6);
        a = a.wrapping_add(c);
        c = c.wrapping_sub(b);
        c ^= rot(b, 8);
        b = b.wrapping_add(a);
        a = a.wrapping_sub(c);
        a ^= rot(c, 16);
        c = c.wrapping_add(b);
        b = b.wrapping_sub(a);
        b ^= rot(a, 19);
        a = a.wrapping_add(c);
        c = c.wrapping_sub(b);
        c ^= rot(b, 4);
        b = b.wrapping_add(a);
        rest = &rest[3..];
    }
    if !rest.is_empty() {
        if rest.len() == 3 {
            c = c.wrapping_add(rest[2]);
        }
        if rest.len() >= 2 {
            b = b.wrapping_add(rest[1]);
        }
        a = a.wrapping_add(rest[0]);
        // final(a, b, c)
        c ^= b;
        c = c.wrapping_sub(rot(b, 14));
        a ^= c;
        a = a.wrapping_sub(rot(c, 11));
        b ^= a;
        b = b.wrapping_sub(rot(a, 25));
        c ^= b;
        c = c.wrapping_sub(rot(b, 16));
        a ^= c;
        a = a.wrapping_sub(rot(c, 4));
        b ^= a;
        b = b.wrapping_sub(rot(a, 14));
        c ^= b;
        c = c.wrapping_sub(rot(b, 24));
    }
    (((c as u64) << 32) | b as u64) >> 2
}

fn hash_common(interp: &mut Interp, subr: &str, args: &[Value], ci: bool) -> Result<Value> {
    let s = arg_str(subr, 1, &args[0])?;
    // Guile's default bound is most-positive-fixnum.
    let bound: u64 = match args.get(1) {
        None => (1u64 << 61) - 1,
        Some(v @ Value::Int(i)) => {
            if *i <= 0 {
                return Err(Exn::out_of_range(subr, 2, v));
            }
            *i as u64
        }
        Some(v @ Value::Big(b)) => match (b.sign(), u64::try_from(&**b)) {
            (Sign::Plus, Ok(n)) => n,
            _ => return Err(Exn::out_of_range(subr, 2, v)),
        },
        Some(v) => return Err(Exn::wrong_type(subr, 2, "exact integer", v)),
    };
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 2, cs.len())?;
    let sub = mapped_lower(&cs[start..end], ci);
    Ok(Value::Int((guile_string_hash(&sub) % bound) as i64))
}

fn mapped_lower(cs: &[char], ci: bool) -> Vec<char> {
    if ci {
        cs.iter().map(|&c| downcase(c)).collect()
    } else {
        cs.to_vec()
    }
}

pub(super) fn string_hash(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    hash_common(interp, "string-hash", args, false)
}

pub(super) fn string_hash_ci(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    hash_common(interp, "string-hash-ci", args, true)
}
