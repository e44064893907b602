//! Building strings and converting to and from them: `make-string`,
//! `string`, `list->string`, `string->list`, `string-append`,
//! `string-concatenate`, `string-join`, `string-tabulate` and the unfolds.

use crate::bindings::{arg_char, arg_index, arg_list, arg_str};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::Value;

use super::{
    bad_arg, charged_list, chars_of, check_proc, new_string, non_char_result, opt_range, slice,
    string_from_chars, STR_COST,
};

// ------------------------------------------------ construction/conversion

pub(super) fn chars_from_list(subr: &str, v: &Value) -> Result<Vec<char>> {
    let items = arg_list(subr, 1, v).map_err(|_| bad_arg(subr, 1, v))?;
    items
        .iter()
        .map(|x| match x {
            Value::Char(c) => Ok(*c),
            _ => Err(Exn::wrong_type(subr, 1, "character", x)),
        })
        .collect()
}

pub(super) fn list_to_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let cs = chars_from_list("list->string", &args[0])?;
    string_from_chars(interp, &cs)
}

pub(super) fn reverse_list_to_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut cs = chars_from_list("reverse-list->string", &args[0])?;
    cs.reverse();
    string_from_chars(interp, &cs)
}

pub(super) fn make_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let n = arg_index("make-string", 1, &args[0])?;
    let c = match args.get(1) {
        Some(v) => arg_char("make-string", 2, v)?,
        None => '\0',
    };
    new_string(interp, n.saturating_mul(c.len_utf8()), || {
        std::iter::repeat_n(c, n).collect()
    })
}

pub(super) fn string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut cs = Vec::with_capacity(args.len());
    for (i, v) in args.iter().enumerate() {
        cs.push(arg_char("string", i + 1, v)?);
    }
    string_from_chars(interp, &cs)
}

pub(super) fn string_to_list(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string->list", 1, &args[0])?;
    let cs = chars_of(interp, s)?;
    let (start, end) = opt_range("string->list", args, 1, cs.len())?;
    charged_list(
        interp,
        cs[start..end].iter().map(|&c| Value::Char(c)).collect(),
    )
}

/// Concatenate strings after charging for the result.
fn concat(interp: &mut Interp, parts: &[&str]) -> Result<Value> {
    let total = parts
        .iter()
        .fold(0usize, |acc, p| acc.saturating_add(p.len()));
    new_string(interp, total, || parts.concat())
}

fn strings_of<'a>(subr: &str, items: &'a [Value]) -> Result<Vec<&'a str>> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::Str(s) => Ok(s.s.as_str()),
            _ => Err(Exn::wrong_type(subr, i + 1, "string", v)),
        })
        .collect()
}

pub(super) fn string_append(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let parts = strings_of("string-append", args)?;
    concat(interp, &parts)
}

fn string_list(subr: &str, v: &Value) -> Result<Vec<Value>> {
    v.list_to_vec().ok_or_else(|| bad_arg(subr, 1, v))
}

pub(super) fn string_concatenate(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let items = string_list("string-concatenate", &args[0])?;
    let parts = strings_of("string-concatenate", &items)?;
    concat(interp, &parts)
}

pub(super) fn string_concatenate_reverse(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-concatenate-reverse";
    let items = string_list(SUBR, &args[0])?;
    let mut parts = strings_of(SUBR, &items)?;
    parts.reverse();
    if let Some(fv) = args.get(1) {
        let fin = arg_str(SUBR, 2, fv)?;
        let n = fin.char_len();
        let end = match args.get(2) {
            Some(v) => {
                let e = arg_index(SUBR, 3, v)?;
                if e > n {
                    return Err(Exn::out_of_range(SUBR, 3, v));
                }
                e
            }
            None => n,
        };
        parts.push(slice(&fin.s, 0, end));
        concat(interp, &parts)
    } else {
        concat(interp, &parts)
    }
}

pub(super) fn string_join(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-join";
    let items = string_list(SUBR, &args[0])?;
    let delim: &str = match args.get(1) {
        Some(v) => &arg_str(SUBR, 2, v)?.s,
        None => " ",
    };
    #[derive(PartialEq)]
    enum Grammar {
        Infix,
        Strict,
        Prefix,
        Suffix,
    }
    let grammar = match args.get(2) {
        None => Grammar::Infix,
        Some(Value::Sym(s)) if s.is("infix") => Grammar::Infix,
        Some(Value::Sym(s)) if s.is("strict-infix") => Grammar::Strict,
        Some(Value::Sym(s)) if s.is("prefix") => Grammar::Prefix,
        Some(Value::Sym(s)) if s.is("suffix") => Grammar::Suffix,
        Some(v) => return Err(bad_arg(SUBR, 3, v)),
    };
    if grammar == Grammar::Strict && items.is_empty() {
        return Err(Exn::misc(
            SUBR,
            "strict-infix grammar requires non-empty list",
        ));
    }
    let strs = strings_of(SUBR, &items)?;
    let mut parts: Vec<&str> = Vec::with_capacity(strs.len() * 2);
    for (i, s) in strs.iter().enumerate() {
        match grammar {
            Grammar::Prefix => parts.push(delim),
            Grammar::Infix | Grammar::Strict if i > 0 => parts.push(delim),
            _ => {}
        }
        parts.push(s);
        if grammar == Grammar::Suffix {
            parts.push(delim);
        }
    }
    concat(interp, &parts)
}

pub(super) fn string_tabulate(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    const SUBR: &str = "string-tabulate";
    let f = &args[0];
    check_proc(SUBR, 1, f)?;
    let n = arg_index(SUBR, 2, &args[1])?;
    interp.charge(n.saturating_add(STR_COST))?;
    let mut out = String::with_capacity(n.min(1 << 16));
    for i in 0..n {
        interp.tick_n(1)?;
        match interp.apply(f, vec![Value::Int(i as i64)])? {
            Value::Char(c) => {
                if c.len_utf8() > 1 {
                    interp.charge(c.len_utf8() - 1)?;
                }
                out.push(c)
            }
            _ => return Err(non_char_result(SUBR, f)),
        }
    }
    Ok(Value::string(out))
}

/// The common loop of `string-unfold` and `string-unfold-right`: the
/// characters produced, the final seed, the base and `make_final`.
fn unfold(
    interp: &mut Interp,
    subr: &str,
    args: &[Value],
) -> Result<(Vec<char>, Value, Option<Value>)> {
    let (p, f, g) = (&args[0], &args[1], &args[2]);
    check_proc(subr, 1, p)?;
    check_proc(subr, 2, f)?;
    check_proc(subr, 3, g)?;
    let mut seed = args[3].clone();
    if let Some(base) = args.get(4) {
        arg_str(subr, 5, base)?;
    }
    let make_final = match args.get(5) {
        Some(v) => {
            check_proc(subr, 6, v)?;
            Some(v.clone())
        }
        None => None,
    };
    let mut out = Vec::new();
    loop {
        interp.tick_n(1)?;
        if interp.apply(p, vec![seed.clone()])?.is_true() {
            break;
        }
        match interp.apply(f, vec![seed.clone()])? {
            Value::Char(c) => {
                interp.charge(std::mem::size_of::<char>())?;
                out.push(c);
            }
            _ => return Err(non_char_result(subr, f)),
        }
        seed = interp.apply(g, vec![seed])?;
    }
    let fin = match make_final {
        Some(mf) => {
            let v = interp.apply(&mf, vec![seed.clone()])?;
            if !matches!(v, Value::Str(_)) {
                return Err(Exn::wrong_type("string-append", 1, "string", &v));
            }
            Some(v)
        }
        None => None,
    };
    Ok((out, seed, fin))
}

fn str_or_empty(v: Option<&Value>) -> &str {
    match v {
        Some(Value::Str(s)) => &s.s,
        _ => "",
    }
}

pub(super) fn string_unfold(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (cs, _, fin) = unfold(interp, "string-unfold", args)?;
    let mid: String = cs.iter().collect();
    concat(
        interp,
        &[str_or_empty(args.get(4)), &mid, str_or_empty(fin.as_ref())],
    )
}

pub(super) fn string_unfold_right(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let (cs, _, fin) = unfold(interp, "string-unfold-right", args)?;
    let mid: String = cs.iter().rev().collect();
    concat(
        interp,
        &[str_or_empty(fin.as_ref()), &mid, str_or_empty(args.get(4))],
    )
}
