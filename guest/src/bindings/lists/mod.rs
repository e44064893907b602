//! Lists, pairs, association lists, sorting, iteration and predicates.
//!
//! Each procedure follows Guile 3.0's behaviour, including its error keys
//! and messages: the C primitives (`length`, `assq`, `sort`, ...) validate
//! the way libguile does, and the procedures Guile defines in Scheme
//! (`map`, `iota`, `and-map`, `compose`, ...) fail the way their
//! `boot-9.scm` definitions do.  Sorting reproduces libguile's algorithms
//! (merge sort for lists and `stable-sort`, quicksort for vectors), so a
//! comparator sees the same calls in the same order as in Guile.

mod alists;
mod iteration;
mod pairs;
mod predicates;
mod sorting;
#[cfg(test)]
mod tests;

use crate::bindings::Prim;
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::prim;
use crate::value::Value;

use alists::{
    acons, assoc, assoc_ref, assq, assq_ref, assv, assv_ref, sloppy_assoc, sloppy_assq, sloppy_assv,
};
use iteration::{compose, constant, for_each, identity, iota, map, negate, noop};
use pairs::{
    append, caaaar, caaadr, caaar, caadar, caaddr, caadr, caar, cadaar, cadadr, cadar, caddar,
    cadddr, caddr, cadr, car, cdaaar, cdaadr, cdaar, cdadar, cdaddr, cdadr, cdar, cddaar, cddadr,
    cddar, cdddar, cddddr, cdddr, cddr, cdr, cons, cons_star, delete, delq, delv, filter,
    last_pair, length, list, list_copy, list_head, list_index, list_p, list_ref, list_tail,
    make_list, member, memq, memv, null_p, pair_p, reverse,
};
use predicates::{
    and_map, and_then, boolean_p, eq_p, equal_p, eqv_p, not, or_map, to_bool, unspecified_p,
};
use sorting::{merge, sort, sort_list, sorted_p, stable_sort};

/// Bytes charged for each pair a primitive allocates.
const PAIR_COST: usize = 32;

pub(crate) const PRIMS: &[Prim] = &[
    // Iteration bindings.
    prim!("compose", 1, _, compose),
    prim!("for-each", 2, _, for_each),
    prim!("identity", 1, 1, identity),
    prim!("iota", 1, 3, iota),
    prim!("map", 2, _, map),
    prim!("map-in-order", 2, _, map),
    prim!("const", 1, 1, constant),
    prim!("noop", 0, _, noop),
    // Unspecified bindings (`*unspecified*` is a constant of the core).
    prim!("unspecified?", 1, 1, unspecified_p),
    // Predicate bindings.
    prim!("->bool", 1, 1, to_bool),
    prim!("and-map", 2, 2, and_map),
    prim!("and=>", 2, 2, and_then),
    prim!("boolean?", 1, 1, boolean_p),
    prim!("eq?", 0, _, eq_p),
    prim!("equal?", 0, _, equal_p),
    prim!("eqv?", 0, _, eqv_p),
    prim!("negate", 1, 1, negate),
    prim!("not", 1, 1, not),
    prim!("or-map", 2, 2, or_map),
    // Sort bindings.
    prim!("sort", 2, 2, sort),
    prim!("sorted?", 2, 2, sorted_p),
    prim!("stable-sort", 2, 2, stable_sort),
    prim!("sort-list", 2, 2, sort_list),
    // Alist bindings.
    prim!("acons", 3, 3, acons),
    prim!("assoc", 2, 2, assoc),
    prim!("assoc-ref", 2, 2, assoc_ref),
    prim!("assq", 2, 2, assq),
    prim!("assq-ref", 2, 2, assq_ref),
    prim!("assv", 2, 2, assv),
    prim!("assv-ref", 2, 2, assv_ref),
    prim!("sloppy-assoc", 2, 2, sloppy_assoc),
    prim!("sloppy-assq", 2, 2, sloppy_assq),
    prim!("sloppy-assv", 2, 2, sloppy_assv),
    // List bindings.
    prim!("list", 0, _, list),
    prim!("list-cdr-ref", 2, 2, list_tail),
    prim!("list-copy", 1, 1, list_copy),
    prim!("list-head", 2, 2, list_head),
    prim!("list-index", 2, 2, list_index),
    prim!("list-ref", 2, 2, list_ref),
    prim!("list-tail", 2, 2, list_tail),
    prim!("list?", 1, 1, list_p),
    prim!("null?", 1, 1, null_p),
    prim!("make-list", 1, 2, make_list),
    prim!("append", 0, _, append),
    prim!("delete", 2, 2, delete),
    prim!("delq", 2, 2, delq),
    prim!("delv", 2, 2, delv),
    prim!("filter", 2, 2, filter),
    prim!("length", 1, 1, length),
    prim!("member", 2, 2, member),
    prim!("memq", 2, 2, memq),
    prim!("memv", 2, 2, memv),
    prim!("merge", 3, 3, merge),
    prim!("reverse", 1, 1, reverse),
    // Pair bindings.
    prim!("last-pair", 1, 1, last_pair),
    prim!("pair?", 1, 1, pair_p),
    prim!("caaaar", 1, 1, caaaar),
    prim!("caaadr", 1, 1, caaadr),
    prim!("caaar", 1, 1, caaar),
    prim!("caadar", 1, 1, caadar),
    prim!("caaddr", 1, 1, caaddr),
    prim!("caadr", 1, 1, caadr),
    prim!("caar", 1, 1, caar),
    prim!("cadaar", 1, 1, cadaar),
    prim!("cadadr", 1, 1, cadadr),
    prim!("cadar", 1, 1, cadar),
    prim!("caddar", 1, 1, caddar),
    prim!("cadddr", 1, 1, cadddr),
    prim!("caddr", 1, 1, caddr),
    prim!("cadr", 1, 1, cadr),
    prim!("car", 1, 1, car),
    prim!("cdaaar", 1, 1, cdaaar),
    prim!("cdaadr", 1, 1, cdaadr),
    prim!("cdaar", 1, 1, cdaar),
    prim!("cdadar", 1, 1, cdadar),
    prim!("cdaddr", 1, 1, cdaddr),
    prim!("cdadr", 1, 1, cdadr),
    prim!("cdar", 1, 1, cdar),
    prim!("cddaar", 1, 1, cddaar),
    prim!("cddadr", 1, 1, cddadr),
    prim!("cddar", 1, 1, cddar),
    prim!("cdddar", 1, 1, cdddar),
    prim!("cddddr", 1, 1, cddddr),
    prim!("cdddr", 1, 1, cdddr),
    prim!("cddr", 1, 1, cddr),
    prim!("cdr", 1, 1, cdr),
    prim!("cons", 2, 2, cons),
    prim!("cons*", 1, _, cons_star),
];

// ------------------------------------------------------------------ helpers

/// `Wrong type argument in position N: X` (libguile's `SCM_WRONG_TYPE_ARG`,
/// which names no expected type).
fn wrong_arg(subr: &str, pos: usize, v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        subr,
        "Wrong type argument in position ~A: ~S",
        vec![Value::Int(pos as i64), v.clone()],
        Value::list([v.clone()]),
    )
}

/// `Wrong type argument in position N (expecting TYPE): X` in the shape
/// libguile's `SCM_ASSERT_TYPE` gives it (position and type as format
/// arguments).
fn wrong_type_c(subr: &str, pos: usize, expected: &str, v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        subr,
        "Wrong type argument in position ~A (expecting ~A): ~S",
        vec![Value::Int(pos as i64), Value::string(expected), v.clone()],
        Value::list([v.clone()]),
    )
}

/// `Wrong type (expecting TYPE): X`, as raised by libguile's conversion
/// helpers (`scm_to_size_t`, array handles), without a procedure name.
fn wrong_type_anon(subr: &str, expected: &str, v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        subr,
        "Wrong type (expecting ~A): ~S",
        vec![Value::string(expected), v.clone()],
        Value::list([v.clone()]),
    )
}

/// `Argument N out of range: X` (libguile's `SCM_ASSERT_RANGE`).
fn arg_out_of_range(subr: &str, pos: usize, v: &Value) -> Exn {
    Exn::guile(
        "out-of-range",
        subr,
        "Argument ~A out of range: ~S",
        vec![Value::Int(pos as i64), v.clone()],
        Value::list([v.clone()]),
    )
}

/// The error `scm-error` raises in `map` and `for-each`.
fn map_error(subr: &str, msg: &str, v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        subr,
        msg,
        vec![v.clone()],
        Value::Bool(false),
    )
}

/// The single value a Scheme continuation receives: the first of several
/// values; zero values is an error (as in Guile's VM).
fn one(v: Value) -> Result<Value> {
    match v {
        Value::Values(vs) => vs
            .first()
            .cloned()
            .ok_or_else(|| Exn::misc("", "Zero values returned to single-valued continuation")),
        v => Ok(v),
    }
}

fn charge_pairs(interp: &mut Interp, n: usize) -> Result<()> {
    interp.charge(n.saturating_mul(PAIR_COST))
}

/// The elements of a proper list, or `None`.  Counts one step per element.
fn proper(interp: &mut Interp, v: &Value) -> Result<Option<Vec<Value>>> {
    let items = v.list_to_vec();
    if let Some(items) = &items {
        interp.tick_n(items.len() as u64)?;
    }
    Ok(items)
}

/// The elements of a possibly improper list and its final cdr.
fn walk(interp: &mut Interp, v: &Value) -> Result<(Vec<Value>, Value)> {
    let mut out = Vec::new();
    let mut cur = v;
    while let Value::Pair(p) = cur {
        out.push(p.car.clone());
        cur = &p.cdr;
    }
    interp.tick_n(out.len() as u64)?;
    Ok((out, cur.clone()))
}

fn equal(interp: &Interp, a: &Value, b: &Value) -> Result<bool> {
    a.equal(b, interp.max_depth())
        .ok_or_else(|| Exn::limit("structure too deep for equal?"))
}

/// An index argument of `list-head`, `list-tail`, `list-ref`: an exact
/// integer (checked by libguile's `scm_to_size_t`).
fn list_index_arg(subr: &str, pos: usize, v: &Value) -> Result<usize> {
    match v {
        Value::Int(i) if *i >= 0 => Ok(*i as usize),
        Value::Int(_) | Value::Big(_) => Err(Exn::out_of_range(subr, pos, v)),
        _ => Err(wrong_type_anon("", "exact integer", v)),
    }
}

fn bool_value(b: bool) -> Value {
    Value::Bool(b)
}
