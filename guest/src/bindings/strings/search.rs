//! Splitting (`string-split`, `string-tokenize`) and searching
//! (`string-index`, `string-skip`, `string-count`, `string-contains`).

use crate::bindings::arg_str;
use crate::diag::Result;
use crate::eval::Interp;
use crate::value::Value;

use super::{arg_pred, bad_arg, chars_of, fold, is_graphic, opt_range, Pred, PAIR_COST, STR_COST};

// ------------------------------------------------------------- splitting

/// Strings for the given character ranges of `cs`, as a list.
fn pieces(interp: &mut Interp, cs: &[char], ranges: &[(usize, usize)]) -> Result<Value> {
    let bytes: usize = ranges
        .iter()
        .map(|&(a, b)| cs[a..b].iter().map(|c| c.len_utf8()).sum::<usize>() + STR_COST)
        .sum();
    interp.charge(bytes.saturating_add(ranges.len().saturating_mul(PAIR_COST)))?;
    Ok(Value::list(
        ranges
            .iter()
            .map(|&(a, b)| Value::string(cs[a..b].iter().collect::<String>()))
            .collect::<Vec<_>>(),
    ))
}

pub(super) fn string_split(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-split", 1, &args[0])?;
    let pred = arg_pred("string-split", 2, &args[1])?;
    let cs = chars_of(interp, s)?;
    let mut ranges = Vec::new();
    let mut from = 0;
    for (i, &c) in cs.iter().enumerate() {
        if pred.test(interp, c)? {
            ranges.push((from, i));
            from = i + 1;
        }
    }
    ranges.push((from, cs.len()));
    pieces(interp, &cs, &ranges)
}

pub(super) fn string_tokenize(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-tokenize";
    let s = arg_str(SUBR, 1, &args[0])?;
    let set = match args.get(1) {
        Some(Value::CharSet(cs)) => Some(cs.clone()),
        Some(v) => return Err(bad_arg(SUBR, 2, v)),
        None => None,
    };
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(SUBR, args, 2, cs.len())?;
    let in_token = |c: char| match &set {
        Some(set) => set.contains(c),
        None => is_graphic(c),
    };
    let mut ranges = Vec::new();
    let mut i = start;
    while i < end {
        if in_token(cs[i]) {
            let from = i;
            while i < end && in_token(cs[i]) {
                i += 1;
            }
            ranges.push((from, i));
        } else {
            i += 1;
        }
    }
    pieces(interp, &cs, &ranges)
}

// ------------------------------------------------------------- searching

/// `(subr s pred [start end])`: the string's characters, the predicate and
/// the range.
fn s_pred_range(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
) -> Result<(Vec<char>, Pred, usize, usize)> {
    let s = arg_str(subr, 1, &args[0])?;
    let pred = arg_pred(subr, 2, &args[1])?;
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range(subr, args, 2, cs.len())?;
    Ok((cs, pred, start, end))
}

fn index_or_false(i: Option<usize>) -> Value {
    match i {
        Some(i) => Value::Int(i as i64),
        None => Value::Bool(false),
    }
}

fn search(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    from_right: bool,
    want: bool,
) -> Result<Value> {
    let (cs, pred, start, end) = s_pred_range(interp, subr, args)?;
    if from_right {
        for i in (start..end).rev() {
            if pred.test(interp, cs[i])? == want {
                return Ok(Value::Int(i as i64));
            }
        }
    } else {
        for (i, &c) in cs.iter().enumerate().take(end).skip(start) {
            if pred.test(interp, c)? == want {
                return Ok(Value::Int(i as i64));
            }
        }
    }
    Ok(index_or_false(None))
}

pub(super) fn string_index(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    search(interp, "string-index", args, false, true)
}

pub(super) fn string_index_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    search(interp, "string-index-right", args, true, true)
}

pub(super) fn string_skip(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    search(interp, "string-skip", args, false, false)
}

pub(super) fn string_skip_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    search(interp, "string-skip-right", args, true, false)
}

pub(super) fn string_count(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (cs, pred, start, end) = s_pred_range(interp, "string-count", args)?;
    let mut n = 0i64;
    for &c in &cs[start..end] {
        if pred.test(interp, c)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// Two strings with optional ranges: `(subr s1 s2 [start1 end1 start2 end2])`.
pub(super) struct TwoRanges {
    pub(super) a: Vec<char>,
    pub(super) b: Vec<char>,
}

pub(super) fn two_ranges(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
    first_range: usize,
) -> Result<(TwoRanges, (usize, usize), (usize, usize))> {
    let s1 = arg_str(subr, 1, &args[0])?;
    let s2 = arg_str(subr, 2, &args[1])?;
    let a = chars_of(interp, s1)?;
    let b = chars_of(interp, s2)?;
    let r1 = opt_range(subr, args, first_range, a.len())?;
    let r2 = opt_range(subr, args, first_range + 2, b.len())?;
    Ok((TwoRanges { a, b }, r1, r2))
}

fn contains(interp: &mut Interp, subr: &str, args: &[Value], ci: bool) -> Result<Value> {
    let (t, (s1, e1), (s2, e2)) = two_ranges(interp, subr, args, 2)?;
    let map = |c: &char| if ci { fold(*c) } else { *c };
    let hay: String = t.a[s1..e1].iter().map(map).collect();
    let needle: String = t.b[s2..e2].iter().map(map).collect();
    Ok(match hay.find(&needle) {
        Some(off) => Value::Int((s1 + hay[..off].chars().count()) as i64),
        None => Value::Bool(false),
    })
}

pub(super) fn string_contains(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    contains(interp, "string-contains", args, false)
}

pub(super) fn string_contains_ci(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    contains(interp, "string-contains-ci", args, true)
}
