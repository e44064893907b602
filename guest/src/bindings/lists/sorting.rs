//! `sort`, `stable-sort`, `sort-list`, `sorted?` and `merge`, with
//! libguile's algorithms: merge sort for lists and `stable-sort`, quicksort
//! for vectors.

use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::{Str, Value};

use super::{arg_out_of_range, charge_pairs, proper, wrong_arg, wrong_type_anon};

// ------------------------------------------------------------------ sorting

/// Call the `less` procedure as libguile does (`scm_is_true` of the result).
fn less(interp: &mut Interp, f: &Value, x: &Value, y: &Value) -> Result<bool> {
    Ok(interp.apply(f, vec![x.clone(), y.clone()])?.is_true())
}

/// libguile's `scm_merge_list_step`: sorts `v[lo..lo + n]`, splitting off
/// the first `n / 2` elements.  Stable.
fn merge_list_step(
    interp: &mut Interp,
    f: &Value,
    v: &mut [Value],
    lo: usize,
    n: usize,
) -> Result<()> {
    if n > 2 {
        let mid = n / 2;
        merge_list_step(interp, f, v, lo, mid)?;
        merge_list_step(interp, f, v, lo + mid, n - mid)?;
        merge_runs(interp, f, v, lo, lo + mid, lo + n)
    } else if n == 2 {
        if less(interp, f, &v[lo + 1], &v[lo])? {
            v.swap(lo, lo + 1);
        }
        Ok(())
    } else {
        Ok(())
    }
}

/// Merge the sorted runs `v[lo..mid]` and `v[mid..hi]`, taking from the
/// second run only when its head is strictly less (`less(b, a)`).
fn merge_runs(
    interp: &mut Interp,
    f: &Value,
    v: &mut [Value],
    lo: usize,
    mid: usize,
    hi: usize,
) -> Result<()> {
    let mut out = Vec::with_capacity(hi - lo);
    let (mut i, mut j) = (lo, mid);
    while i < mid && j < hi {
        if less(interp, f, &v[j], &v[i])? {
            out.push(v[j].clone());
            j += 1;
        } else {
            out.push(v[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&v[i..mid]);
    out.extend_from_slice(&v[j..hi]);
    for (k, x) in out.into_iter().enumerate() {
        v[lo + k] = x;
    }
    Ok(())
}

/// libguile's `scm_merge_vector_step` (`stable-sort` of a vector): sorts
/// `v[low..=high]`, the first half being `low..=(low + high) / 2`.
fn merge_vector_step(
    interp: &mut Interp,
    f: &Value,
    v: &mut [Value],
    low: usize,
    high: usize,
) -> Result<()> {
    if high > low {
        let mid = (low + high) / 2;
        merge_vector_step(interp, f, v, low, mid)?;
        merge_vector_step(interp, f, v, mid + 1, high)?;
        merge_runs(interp, f, v, low, mid + 1, high + 1)?;
    }
    Ok(())
}

fn buggy_less() -> Exn {
    Exn::misc("", "buggy less predicate used when sorting")
}

/// libguile's `quicksort.i.c` (`sort` of a vector): median-of-three
/// quicksort down to partitions of 4, then insertion sort.  Not stable.
fn quicksort(interp: &mut Interp, f: &Value, v: &mut [Value]) -> Result<()> {
    const MAX_THRESH: i64 = 4;
    let n = v.len() as i64;
    let at = |i: i64| i as usize;
    if n > MAX_THRESH {
        let (mut lo, mut hi) = (0i64, n - 1);
        // The bottom entry plays the part of the C version's unused slot.
        let mut stack: Vec<(i64, i64)> = vec![(0, 0)];
        while !stack.is_empty() {
            let mid = lo + (hi - lo) / 2;
            if less(interp, f, &v[at(mid)], &v[at(lo)])? {
                v.swap(at(mid), at(lo));
            }
            if less(interp, f, &v[at(hi)], &v[at(mid)])? {
                v.swap(at(mid), at(hi));
                if less(interp, f, &v[at(mid)], &v[at(lo)])? {
                    v.swap(at(mid), at(lo));
                }
            }
            let pivot = v[at(mid)].clone();
            let mut left = lo + 1;
            let mut right = hi - 1;
            loop {
                while less(interp, f, &v[at(left)], &pivot)? {
                    left += 1;
                    if left > hi {
                        return Err(buggy_less());
                    }
                }
                while less(interp, f, &pivot, &v[at(right)])? {
                    right -= 1;
                    if right < lo {
                        return Err(buggy_less());
                    }
                }
                if left < right {
                    v.swap(at(left), at(right));
                    left += 1;
                    right -= 1;
                } else if left == right {
                    left += 1;
                    right -= 1;
                    break;
                }
                if left > right {
                    break;
                }
            }
            if right - lo <= MAX_THRESH {
                if hi - left <= MAX_THRESH {
                    match stack.pop() {
                        Some((l, h)) => {
                            lo = l;
                            hi = h;
                        }
                        None => break,
                    }
                } else {
                    lo = left;
                }
            } else if hi - left <= MAX_THRESH {
                hi = right;
            } else if right - lo > hi - left {
                stack.push((lo, right));
                lo = left;
            } else {
                stack.push((left, hi));
                hi = right;
            }
        }
    }
    // Insertion sort, after putting the least of the first five in front.
    let end = n - 1;
    let thresh = end.min(MAX_THRESH);
    let mut tmp = 0i64;
    let mut run = 1i64;
    while run <= thresh {
        if less(interp, f, &v[at(run)], &v[at(tmp)])? {
            tmp = run;
        }
        run += 1;
    }
    if tmp != 0 {
        v.swap(at(tmp), 0);
    }
    run = 2;
    while run <= end {
        let mut tmp = run - 1;
        while less(interp, f, &v[at(run)], &v[at(tmp)])? {
            if tmp == 0 {
                return Err(buggy_less());
            }
            tmp -= 1;
        }
        tmp += 1;
        if tmp != run {
            v[at(tmp)..=at(run)].rotate_right(1);
        }
        run += 1;
    }
    Ok(())
}

fn chars_of(s: &Str) -> Vec<Value> {
    s.s.chars().map(Value::Char).collect()
}

fn string_of(items: &[Value]) -> Value {
    let s: String = items
        .iter()
        .filter_map(|v| match v {
            Value::Char(c) => Some(*c),
            _ => None,
        })
        .collect();
    Value::string(s)
}

fn sort_list_items(interp: &mut Interp, f: &Value, mut items: Vec<Value>) -> Result<Value> {
    charge_pairs(interp, items.len())?;
    let n = items.len();
    merge_list_step(interp, f, &mut items, 0, n)?;
    Ok(Value::list(items))
}

pub(super) fn sort(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Pair(_) => {
            let items = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("list-copy", 1, &a[0]))?;
            sort_list_items(interp, &a[1], items)
        }
        Value::Vector(v) => {
            interp.charge(v.len().saturating_mul(16))?;
            let mut items = (**v).clone();
            quicksort(interp, &a[1], &mut items)?;
            Ok(Value::Vector(Rc::new(items.into())))
        }
        Value::Str(s) => {
            interp.charge(s.s.len())?;
            let mut items = chars_of(s);
            quicksort(interp, &a[1], &mut items)?;
            Ok(string_of(&items))
        }
        other => Err(wrong_arg("sort", 1, other)),
    }
}

pub(super) fn stable_sort(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Pair(_) => {
            let items = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("list-copy", 1, &a[0]))?;
            sort_list_items(interp, &a[1], items)
        }
        Value::Vector(v) => {
            interp.charge(v.len().saturating_mul(16))?;
            let mut items = (**v).clone();
            if !items.is_empty() {
                let high = items.len() - 1;
                merge_vector_step(interp, &a[1], &mut items, 0, high)?;
            }
            Ok(Value::Vector(Rc::new(items.into())))
        }
        Value::Str(_) => Err(wrong_type_anon("", "non-uniform array", &a[0])),
        other => Err(wrong_type_anon("", "array", other)),
    }
}

pub(super) fn sort_list(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let items = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("sort-list", 1, &a[0]))?;
    sort_list_items(interp, &a[1], items)
}

pub(super) fn sorted_p(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let items = match &a[0] {
        Value::Null => return Ok(Value::Bool(true)),
        Value::Pair(_) => {
            proper(interp, &a[0])?.ok_or_else(|| arg_out_of_range("sorted?", 1, &a[0]))?
        }
        Value::Vector(v) => (**v).clone(),
        Value::Str(s) => chars_of(s),
        other => return Err(wrong_type_anon("", "array", other)),
    };
    for w in items.windows(2) {
        if less(interp, &a[1], &w[1], &w[0])? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// `(merge alist blist less)`: lists only; an empty list returns the other
/// one unchanged.
pub(super) fn merge(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    if matches!(a[0], Value::Null) {
        return Ok(a[1].clone());
    }
    if matches!(a[1], Value::Null) {
        return Ok(a[0].clone());
    }
    let xs = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("merge", 1, &a[0]))?;
    let ys = proper(interp, &a[1])?.ok_or_else(|| wrong_arg("merge", 2, &a[1]))?;
    charge_pairs(interp, xs.len() + ys.len())?;
    let mut out = Vec::with_capacity(xs.len() + ys.len());
    let (mut i, mut j) = (0, 0);
    while i < xs.len() && j < ys.len() {
        if less(interp, &a[2], &ys[j], &xs[i])? {
            out.push(ys[j].clone());
            j += 1;
        } else {
            out.push(xs[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&xs[i..]);
    out.extend_from_slice(&ys[j..]);
    Ok(Value::list(out))
}
