//! Symbol bindings (`string->symbol`, `symbol->string`, `symbol-append`,
//! ...) and keyword bindings (`keyword?`, `keyword->symbol`,
//! `symbol->keyword`).

use crate::bindings::{arg_char, arg_str, arg_sym};
use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::{Symbol, Value};

use super::construct::chars_from_list;
use super::{new_string, STR_COST};

// --------------------------------------------------------------- symbols

fn intern_charged(interp: &mut Interp, name: &str) -> Result<Value> {
    interp.charge(name.len().saturating_add(STR_COST))?;
    Ok(Value::Sym(Symbol::intern(name)))
}

pub(super) fn string_to_symbol(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string->symbol", 1, &args[0])?;
    intern_charged(interp, &s.s)
}

/// Guile folds case here only when the reader is case-insensitive, which
/// it is not by default: the name is kept as it is.
pub(super) fn string_ci_to_symbol(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("string-ci->symbol", 1, &args[0])?;
    intern_charged(interp, &s.s)
}

pub(super) fn symbol_to_string(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let sym = arg_sym("symbol->string", 1, &args[0])?;
    let name = sym.name();
    new_string(interp, name.len(), || name.to_string())
}

pub(super) fn list_to_symbol(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    if args.len() != 1 {
        return Err(Exn::arity("list->string", args.len(), "1"));
    }
    let cs = chars_from_list("list->string", &args[0])?;
    let name: String = cs.iter().collect();
    intern_charged(interp, &name)
}

pub(super) fn make_symbol(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let s = arg_str("make-symbol", 1, &args[0])?;
    interp.charge(s.s.len().saturating_add(STR_COST))?;
    Ok(Value::Sym(Symbol::uninterned(&s.s)))
}

pub(super) fn symbol(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut name = String::new();
    for (i, v) in args.iter().enumerate() {
        name.push(arg_char("symbol", i + 1, v)?);
    }
    intern_charged(interp, &name)
}

pub(super) fn symbol_append(interp: &mut Interp, args: &[Value]) -> Result<Value> {
    let mut names = Vec::with_capacity(args.len());
    for (i, v) in args.iter().enumerate() {
        names.push(arg_sym("symbol-append", i + 1, v)?.name());
    }
    let total = names
        .iter()
        .fold(0usize, |acc, n| acc.saturating_add(n.len()));
    interp.charge(total.saturating_add(STR_COST))?;
    let name: String = names.iter().map(|n| &**n).collect();
    Ok(Value::Sym(Symbol::intern(&name)))
}

pub(super) fn symbol_interned_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let sym = arg_sym("symbol-interned?", 1, &args[0])?;
    Ok(Value::Bool(sym.is_interned()))
}

pub(super) fn symbol_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(matches!(args[0], Value::Sym(_))))
}

// -------------------------------------------------------------- keywords

pub(super) fn keyword_p(_: &mut Interp, args: &[Value]) -> Result<Value> {
    Ok(Value::Bool(matches!(args[0], Value::Keyword(_))))
}

pub(super) fn keyword_to_symbol(_: &mut Interp, args: &[Value]) -> Result<Value> {
    match &args[0] {
        Value::Keyword(s) => Ok(Value::Sym(*s)),
        v => Err(Exn::wrong_type("keyword->symbol", 1, "keyword", v)),
    }
}

pub(super) fn symbol_to_keyword(_: &mut Interp, args: &[Value]) -> Result<Value> {
    let sym = arg_sym("symbol->keyword", 1, &args[0])?;
    Ok(Value::Keyword(sym))
}
