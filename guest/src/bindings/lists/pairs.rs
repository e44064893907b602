//! Lists and pairs: construction (`list`, `cons*`, `make-list`, `append`),
//! access (`length`, `list-ref`, `list-tail`, `last-pair`, ...), deletion,
//! membership (`memq`, `member`, ...), `filter`, and `car`, `cdr` and their
//! compositions `caar` ... `cddddr`.

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::alists::{same_eq, same_equal, same_eqv};
use super::predicates::car_of;
use super::{
    arg_out_of_range, bool_value, charge_pairs, list_index_arg, proper, walk, wrong_arg,
    wrong_type_anon, wrong_type_c,
};

// ------------------------------------------------------------------- lists

pub(super) fn list(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    charge_pairs(interp, a.len())?;
    Ok(Value::list(a.to_vec()))
}

pub(super) fn cons(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    charge_pairs(interp, 1)?;
    Ok(Value::cons(a[0].clone(), a[1].clone()))
}

pub(super) fn cons_star(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let Some((last, init)) = a.split_last() else {
        return Err(Exn::arity("cons*", 0, "at least 1"));
    };
    charge_pairs(interp, init.len())?;
    Ok(Value::list_with_tail(init.to_vec(), last.clone()))
}

pub(super) fn null_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(matches!(a[0], Value::Null)))
}

pub(super) fn pair_p(_: &mut Interp, a: &[Value]) -> Result<Value> {
    Ok(bool_value(matches!(a[0], Value::Pair(_))))
}

pub(super) fn list_p(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let (_, tail) = walk(interp, &a[0])?;
    Ok(bool_value(matches!(tail, Value::Null)))
}

pub(super) fn length(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let mut n: i64 = 0;
    let mut cur = &a[0];
    while let Value::Pair(p) = cur {
        n += 1;
        cur = &p.cdr;
    }
    if !matches!(cur, Value::Null) {
        return Err(wrong_arg("length", 1, &a[0]));
    }
    interp.tick_n(n as u64)?;
    Ok(Value::Int(n))
}

pub(super) fn list_copy(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let items = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("list-copy", 1, &a[0]))?;
    charge_pairs(interp, items.len())?;
    Ok(Value::list(items))
}

pub(super) fn reverse(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let items = proper(interp, &a[0])?.ok_or_else(|| wrong_arg("reverse", 1, &a[0]))?;
    charge_pairs(interp, items.len())?;
    Ok(items
        .into_iter()
        .fold(Value::Null, |acc, x| Value::cons(x, acc)))
}

pub(super) fn list_head(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let k = list_index_arg("list-head", 2, &a[1])?;
    let mut out = Vec::new();
    let mut cur = &a[0];
    while out.len() < k {
        match cur {
            Value::Pair(p) => {
                out.push(p.car.clone());
                cur = &p.cdr;
            }
            other => return Err(wrong_type_c("list-head", 1, "pair", other)),
        }
    }
    interp.tick_n(k as u64)?;
    charge_pairs(interp, k)?;
    Ok(Value::list(out))
}

/// `list-tail` and `list-cdr-ref` (an alias, reporting as `list-tail`).
pub(super) fn list_tail(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let k = list_index_arg("list-tail", 2, &a[1])?;
    let mut cur = &a[0];
    for _ in 0..k {
        match cur {
            Value::Pair(p) => cur = &p.cdr,
            other => return Err(wrong_type_c("list-tail", 1, "pair", other)),
        }
    }
    interp.tick_n(k as u64)?;
    Ok(cur.clone())
}

pub(super) fn list_ref(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let k = list_index_arg("list-ref", 2, &a[1])?;
    let mut cur = &a[0];
    let mut i = 0;
    loop {
        match cur {
            Value::Pair(p) if i == k => {
                interp.tick_n(k as u64)?;
                return Ok(p.car.clone());
            }
            Value::Pair(p) => {
                cur = &p.cdr;
                i += 1;
            }
            Value::Null => return Err(arg_out_of_range("list-ref", 2, &a[1])),
            _ => return Err(wrong_arg("list-ref", 1, &a[0])),
        }
    }
}

/// boot-9.scm's `(list-index list obj)`: the position of the first element
/// `eq?` to `obj`, or `#f`.
pub(super) fn list_index(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let mut cur = &a[0];
    let mut n: i64 = 0;
    let found = loop {
        if matches!(cur, Value::Null) {
            break Ok(Value::Bool(false));
        }
        match car_of(cur) {
            Ok((x, rest)) => {
                if x.eq(&a[1]) {
                    break Ok(Value::Int(n));
                }
                n += 1;
                cur = rest;
            }
            Err(e) => break Err(e),
        }
    };
    interp.tick_n(n as u64)?;
    found
}

/// `(make-list n [fill])`, `fill` defaulting to `()`.
pub(super) fn make_list(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let n = match &a[0] {
        Value::Int(i) if (0..=u32::MAX as i64).contains(i) => *i as usize,
        v @ (Value::Int(_) | Value::Big(_)) => {
            return Err(Exn::guile(
                "out-of-range",
                "",
                "Value out of range ~S to< ~S: ~S",
                vec![Value::Int(0), Value::Int(u32::MAX as i64), v.clone()],
                Value::list([v.clone()]),
            ))
        }
        v => return Err(wrong_type_anon("", "exact integer", v)),
    };
    charge_pairs(interp, n)?;
    let fill = a.get(1).cloned().unwrap_or(Value::Null);
    let mut out = Value::Null;
    for _ in 0..n {
        out = Value::cons(fill.clone(), out);
    }
    Ok(out)
}

pub(super) fn append(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let Some((last, init)) = a.split_last() else {
        return Ok(Value::Null);
    };
    let mut items = Vec::new();
    for (i, l) in init.iter().enumerate() {
        let (xs, tail) = walk(interp, l)?;
        if !matches!(tail, Value::Null) {
            return Err(wrong_type_c("append", i + 1, "empty list", &tail));
        }
        charge_pairs(interp, xs.len())?;
        items.extend(xs);
    }
    Ok(Value::list_with_tail(items, last.clone()))
}

pub(super) fn last_pair(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    let mut cur = match &a[0] {
        Value::Null => return Ok(Value::Null),
        Value::Pair(p) => p,
        other => return Err(wrong_type_c("last-pair", 1, "pair", other)),
    };
    let mut n = 0u64;
    while let Value::Pair(next) = &cur.cdr {
        cur = next;
        n += 1;
    }
    interp.tick_n(n)?;
    Ok(Value::Pair(cur.clone()))
}

/// `delete`, `delq`, `delv`: a copy of the list without the matching
/// elements (libguile validates through `list-copy`).
fn delete_matching(
    interp: &mut Interp,
    a: &[Value],
    same: fn(&Interp, &Value, &Value) -> Result<bool>,
) -> Result<Value> {
    let items = proper(interp, &a[1])?.ok_or_else(|| wrong_arg("list-copy", 1, &a[1]))?;
    let mut kept = Vec::with_capacity(items.len());
    for x in items {
        if !same(interp, &a[0], &x)? {
            kept.push(x);
        }
    }
    charge_pairs(interp, kept.len())?;
    Ok(Value::list(kept))
}

pub(super) fn delete(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    delete_matching(interp, a, same_equal)
}

pub(super) fn delq(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    delete_matching(interp, a, same_eq)
}

pub(super) fn delv(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    delete_matching(interp, a, same_eqv)
}

/// `memq` and `memv`: the first tail whose car matches; an improper end
/// reached without a match is an error.
fn mem_search(
    interp: &mut Interp,
    subr: &str,
    a: &[Value],
    same: fn(&Interp, &Value, &Value) -> Result<bool>,
) -> Result<Value> {
    let mut cur = &a[1];
    let mut n = 0u64;
    let found = loop {
        match cur {
            Value::Pair(p) => {
                if same(interp, &p.car, &a[0])? {
                    break Ok(cur.clone());
                }
                n += 1;
                cur = &p.cdr;
            }
            Value::Null => break Ok(Value::Bool(false)),
            _ => break Err(wrong_type_c(subr, 2, "list", &a[1])),
        }
    };
    interp.tick_n(n)?;
    found
}

pub(super) fn memq(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    mem_search(interp, "memq", a, same_eq)
}

pub(super) fn memv(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    mem_search(interp, "memv", a, same_eqv)
}

/// `member` checks that its argument is a proper list before searching.
pub(super) fn member(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    if proper(interp, &a[1])?.is_none() {
        return Err(wrong_arg("member", 2, &a[1]));
    }
    mem_search(interp, "member", a, same_equal)
}

pub(super) fn filter(interp: &mut Interp, a: &[Value]) -> Result<Value> {
    if !a[0].is_procedure() {
        return Err(wrong_arg("filter", 1, &a[0]));
    }
    let items = proper(interp, &a[1])?.ok_or_else(|| wrong_arg("filter", 2, &a[1]))?;
    let mut kept = Vec::new();
    for x in items {
        if interp.apply(&a[0], vec![x.clone()])?.is_true() {
            kept.push(x);
        }
    }
    charge_pairs(interp, kept.len())?;
    Ok(Value::list(kept))
}

// ------------------------------------------------------------------- pairs

pub(super) fn car(_: &mut Interp, a: &[Value]) -> Result<Value> {
    match &a[0] {
        Value::Pair(p) => Ok(p.car.clone()),
        other => Err(Exn::wrong_type("car", 1, "pair", other)),
    }
}

pub(super) fn cdr(_: &mut Interp, a: &[Value]) -> Result<Value> {
    match &a[0] {
        Value::Pair(p) => Ok(p.cdr.clone()),
        other => Err(Exn::wrong_type("cdr", 1, "pair", other)),
    }
}

/// `c[ad]+r`: apply the letters of `name` between `c` and `r`, last first.
fn cxr(name: &str, v: &Value) -> Result<Value> {
    let path = &name.as_bytes()[1..name.len() - 1];
    let mut cur = v.clone();
    for op in path.iter().rev() {
        let next = match &cur {
            Value::Pair(p) if *op == b'a' => p.car.clone(),
            Value::Pair(p) => p.cdr.clone(),
            other => return Err(wrong_type_anon(name, "pair", other)),
        };
        cur = next;
    }
    Ok(cur)
}

macro_rules! cxr_fns {
    ($($f:ident),* $(,)?) => {
        $(
            pub(super) fn $f(_: &mut Interp, a: &[Value]) -> Result<Value> {
                cxr(stringify!($f), &a[0])
            }
        )*
    };
}

cxr_fns!(
    caar, cadr, cdar, cddr, caaar, caadr, cadar, caddr, cdaar, cdadr, cddar, cdddr, caaaar, caaadr,
    caadar, caaddr, cadaar, cadadr, caddar, cadddr, cdaaar, cdaadr, cdadar, cdaddr, cddaar, cddadr,
    cdddar, cddddr,
);
