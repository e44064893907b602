//! The sandbox environment: exactly the bindings of the 2017
//! `(guix potluck environment)` module, nothing more.
//!
//! [`ENVIRONMENT`] is that list, verbatim.  Each name is either syntax
//! (handled by the compiler in [`crate::eval`]) or a primitive procedure
//! registered by one of the submodules here.  A name that is on the list but
//! not implemented yet is registered with no function, and calling it
//! reports "binding X is not supported yet" — never a wrong result.

pub mod chars;
pub mod charset;
pub mod core;
pub mod lists;
pub mod numbers;
pub mod strings;

use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::Interp;
use crate::value::{Str, Symbol, Value};

/// A primitive's implementation.  `args` has already been checked against
/// the primitive's arity.
pub type PrimFn = fn(&mut Interp, &[Value]) -> Result<Value>;

/// A primitive procedure of the environment.
pub struct Prim {
    pub name: &'static str,
    pub min: usize,
    /// `None`: any number of arguments from `min` on.
    pub max: Option<usize>,
    /// `None`: on the 2017 list but not supported yet.
    pub f: Option<PrimFn>,
}

impl Prim {
    pub const fn new(name: &'static str, min: usize, max: Option<usize>, f: PrimFn) -> Prim {
        Prim {
            name,
            min,
            max,
            f: Some(f),
        }
    }

    pub const fn unsupported(name: &'static str) -> Prim {
        Prim {
            name,
            min: 0,
            max: None,
            f: None,
        }
    }

    pub fn arity_text(&self) -> String {
        match self.max {
            Some(max) if max == self.min => format!("{}", self.min),
            Some(max) => format!("{} to {}", self.min, max),
            None => format!("at least {}", self.min),
        }
    }
}

/// `prim!("name", min, max, function)`; `max` is a number or `_` for variadic.
#[macro_export]
macro_rules! prim {
    ($name:expr, $min:expr, _, $f:expr) => {
        $crate::bindings::Prim::new($name, $min, None, $f)
    };
    ($name:expr, $min:expr, $max:expr, $f:expr) => {
        $crate::bindings::Prim::new($name, $min, Some($max), $f)
    };
}

/// The primitive tables, in registration order.
const GROUPS: [&[Prim]; 7] = [
    std::slice::from_ref(&core::APPLY),
    core::PRIMS,
    lists::PRIMS,
    numbers::PRIMS,
    strings::PRIMS,
    chars::PRIMS,
    charset::PRIMS,
];

pub(crate) const PRIM_COUNT: usize = {
    let mut n = 0;
    let mut g = 0;
    while g < GROUPS.len() {
        n += GROUPS[g].len();
        g += 1;
    }
    n
};

/// Every primitive, flattened from [`GROUPS`].
pub(crate) static PRIMS: [&Prim; PRIM_COUNT] = {
    let mut out = [&core::APPLY; PRIM_COUNT];
    let (mut g, mut k) = (0, 0);
    while g < GROUPS.len() {
        let mut p = 0;
        while p < GROUPS[g].len() {
            out[k] = &GROUPS[g][p];
            (p, k) = (p + 1, k + 1);
        }
        g += 1;
    }
    out
};

/// The position in [`PRIMS`] of the primitive called `name` (evaluated at
/// compile time; an unknown name fails the build).
pub(crate) const fn prim_index(name: &str) -> usize {
    let (mut g, mut k) = (0, 0);
    while g < GROUPS.len() {
        let mut p = 0;
        while p < GROUPS[g].len() {
            let candidate = GROUPS[g][p].name.as_bytes();
            let wanted = name.as_bytes();
            if candidate.len() == wanted.len() {
                let mut i = 0;
                while i < wanted.len() && candidate[i] == wanted[i] {
                    i += 1;
                }
                if i == wanted.len() {
                    return k;
                }
            }
            (p, k) = (p + 1, k + 1);
        }
        g += 1;
    }
    panic!("no such primitive")
}

/// `and=>`'s position in [`PRIMS`]: the evaluator makes its call a tail call.
pub(crate) const AND_THEN: usize = prim_index("and=>");
/// `call-with-values`'s position in [`PRIMS`]: the evaluator makes the
/// consumer's call a tail call.
pub(crate) const CALL_WITH_VALUES: usize = prim_index("call-with-values");

/// The primitives' names, in the order of [`PRIMS`] (a constant, for the
/// compile-time symbol table of [`crate::symbol`]).
pub(crate) const PRIM_NAME_LIST: [&str; PRIM_COUNT] = {
    let mut out = [""; PRIM_COUNT];
    let (mut g, mut k) = (0, 0);
    while g < GROUPS.len() {
        let mut p = 0;
        while p < GROUPS[g].len() {
            out[k] = GROUPS[g][p].name;
            (p, k) = (p + 1, k + 1);
        }
        g += 1;
    }
    out
};

/// Every primitive of the environment (syntax excluded).
pub fn primitives() -> impl Iterator<Item = &'static Prim> {
    PRIMS.iter().copied()
}

/// The primitive registered under `name`, if any (the first, if twice):
/// the primitive its static symbol names.
pub fn find_primitive(name: &str) -> Option<&'static Prim> {
    Symbol::find_static(name)?.primitive()
}

/// The value the environment binds to `name`, if any.  Looked up on first
/// reference, so a dish pays only for the names it uses.
pub fn lookup(name: &str) -> Option<Value> {
    match find_primitive(name) {
        Some(p) => Some(Value::Prim(p)),
        None => constant(name),
    }
}

/// The value the environment binds to `name` if that is not a primitive
/// (`*unspecified*`, `char-set:letter`, `most-positive-fixnum`, ...).
pub fn constant(name: &str) -> Option<Value> {
    match name {
        "*unspecified*" => Some(Value::Unspecified),
        n if n.starts_with("char-set:") => charset::standard_set(n).map(Value::CharSet),
        n => numbers::constant(n).or_else(|| strings::constant(n)),
    }
}

/// Values that the environment binds to names but that are not procedures
/// (`*unspecified*`, `char-set:letter`, `most-positive-fixnum`, ...).
pub fn constants() -> Vec<(&'static str, Value)> {
    let mut out = vec![("*unspecified*", Value::Unspecified)];
    out.extend(numbers::constants());
    out.extend(strings::constants());
    out.extend(charset::constants());
    out
}

// ------------------------------------------------------------ argument helpers

pub fn arg_int(subr: &str, pos: usize, v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Real(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(*f as i64),
        Value::Big(_) => Err(Exn::out_of_range(subr, pos, v)),
        _ => Err(Exn::wrong_type(subr, pos, "integer", v)),
    }
}

/// A non-negative exact integer that fits in `usize` (indices, counts).
pub fn arg_index(subr: &str, pos: usize, v: &Value) -> Result<usize> {
    match v {
        Value::Int(i) if *i >= 0 => {
            usize::try_from(*i).map_err(|_| Exn::out_of_range(subr, pos, v))
        }
        Value::Int(_) | Value::Big(_) => Err(Exn::out_of_range(subr, pos, v)),
        _ => Err(Exn::wrong_type(subr, pos, "exact non-negative integer", v)),
    }
}

pub fn arg_str<'a>(subr: &str, pos: usize, v: &'a Value) -> Result<&'a Rc<Str>> {
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(Exn::wrong_type(subr, pos, "string", v)),
    }
}

pub fn arg_char(subr: &str, pos: usize, v: &Value) -> Result<char> {
    match v {
        Value::Char(c) => Ok(*c),
        _ => Err(Exn::wrong_type(subr, pos, "character", v)),
    }
}

pub fn arg_sym(subr: &str, pos: usize, v: &Value) -> Result<Symbol> {
    match v {
        Value::Sym(s) => Ok(*s),
        _ => Err(Exn::wrong_type(subr, pos, "symbol", v)),
    }
}

pub fn arg_list(subr: &str, pos: usize, v: &Value) -> Result<Vec<Value>> {
    v.list_to_vec()
        .ok_or_else(|| Exn::wrong_type(subr, pos, "list", v))
}

pub fn arg_proc(subr: &str, pos: usize, v: &Value) -> Result<()> {
    if v.is_procedure() {
        Ok(())
    } else {
        Err(Exn::wrong_type(subr, pos, "procedure", v))
    }
}

/// The 2017 `(guix potluck environment)` public interface, verbatim and in
/// its order.  `bindings` (the WIT export) returns exactly this list.
pub const ENVIRONMENT: &[&str] = &[
    // Core bindings.
    "and",
    "begin",
    "apply",
    "call-with-values",
    "values",
    "case",
    "case-lambda",
    "case-lambda*",
    "cond",
    "define",
    "define*",
    "define-values",
    "do",
    "if",
    "lambda",
    "lambda*",
    "let",
    "let*",
    "letrec",
    "letrec*",
    "or",
    "quasiquote",
    "quote",
    "unless",
    "unquote",
    "unquote-splicing",
    "when",
    "while",
    "λ",
    // Macro bindings.
    "current-filename",
    "current-source-location",
    "define-syntax",
    "define-syntax-parameter",
    "define-syntax-rule",
    "identifier-syntax",
    "let-syntax",
    "letrec-syntax",
    "syntax-error",
    "syntax-rules",
    // Iteration bindings.
    "compose",
    "for-each",
    "identity",
    "iota",
    "map",
    "map-in-order",
    "const",
    "noop",
    // Unspecified bindings.
    "unspecified?",
    "*unspecified*",
    // Predicate bindings.
    "->bool",
    "and-map",
    "and=>",
    "boolean?",
    "eq?",
    "equal?",
    "eqv?",
    "negate",
    "not",
    "or-map",
    // Error bindings.
    "error",
    "throw",
    "with-throw-handler",
    "catch",
    "strerror",
    "scm-error",
    // Sort bindings.
    "sort",
    "sorted?",
    "stable-sort",
    "sort-list",
    // Alist bindings.
    "acons",
    "assoc",
    "assoc-ref",
    "assq",
    "assq-ref",
    "assv",
    "assv-ref",
    "sloppy-assoc",
    "sloppy-assq",
    "sloppy-assv",
    // Number bindings.
    "*",
    "+",
    "-",
    "/",
    "1+",
    "1-",
    "<",
    "<=",
    "=",
    ">",
    ">=",
    "abs",
    "acos",
    "acosh",
    "angle",
    "asin",
    "asinh",
    "atan",
    "atanh",
    "ceiling",
    "ceiling-quotient",
    "ceiling-remainder",
    "ceiling/",
    "centered-quotient",
    "centered-remainder",
    "centered/",
    "complex?",
    "cos",
    "cosh",
    "denominator",
    "euclidean-quotient",
    "euclidean-remainder",
    "euclidean/",
    "even?",
    "exact->inexact",
    "exact-integer-sqrt",
    "exact-integer?",
    "exact?",
    "exp",
    "expt",
    "finite?",
    "floor",
    "floor-quotient",
    "floor-remainder",
    "floor/",
    "gcd",
    "imag-part",
    "inf",
    "inf?",
    "integer-expt",
    "integer-length",
    "integer?",
    "lcm",
    "log",
    "log10",
    "magnitude",
    "make-polar",
    "make-rectangular",
    "max",
    "min",
    "modulo",
    "modulo-expt",
    "most-negative-fixnum",
    "most-positive-fixnum",
    "nan",
    "nan?",
    "negative?",
    "numerator",
    "odd?",
    "positive?",
    "quotient",
    "rational?",
    "rationalize",
    "real-part",
    "real?",
    "remainder",
    "round",
    "round-quotient",
    "round-remainder",
    "round/",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "truncate",
    "truncate-quotient",
    "truncate-remainder",
    "truncate/",
    "zero?",
    "number?",
    "number->string",
    "string->number",
    // Charset bindings.
    "->char-set",
    "char-set",
    "char-set->list",
    "char-set->string",
    "char-set-adjoin",
    "char-set-any",
    "char-set-complement",
    "char-set-contains?",
    "char-set-copy",
    "char-set-count",
    "char-set-cursor",
    "char-set-cursor-next",
    "char-set-delete",
    "char-set-diff+intersection",
    "char-set-difference",
    "char-set-every",
    "char-set-filter",
    "char-set-fold",
    "char-set-for-each",
    "char-set-hash",
    "char-set-intersection",
    "char-set-map",
    "char-set-ref",
    "char-set-size",
    "char-set-unfold",
    "char-set-union",
    "char-set-xor",
    "char-set:ascii",
    "char-set:blank",
    "char-set:designated",
    "char-set:digit",
    "char-set:empty",
    "char-set:full",
    "char-set:graphic",
    "char-set:hex-digit",
    "char-set:iso-control",
    "char-set:letter",
    "char-set:letter+digit",
    "char-set:lower-case",
    "char-set:printing",
    "char-set:punctuation",
    "char-set:symbol",
    "char-set:title-case",
    "char-set:upper-case",
    "char-set:whitespace",
    "char-set<=",
    "char-set=",
    "char-set?",
    "end-of-char-set?",
    "list->char-set",
    "string->char-set",
    "ucs-range->char-set",
    // String bindings.
    "absolute-file-name?",
    "file-name-separator-string",
    "file-name-separator?",
    "in-vicinity",
    "basename",
    "dirname",
    "list->string",
    "make-string",
    "reverse-list->string",
    "string",
    "string->list",
    "string-any",
    "string-any-c-code",
    "string-append",
    "string-append/shared",
    "string-capitalize",
    "string-ci<",
    "string-ci<=",
    "string-ci<=?",
    "string-ci<>",
    "string-ci<?",
    "string-ci=",
    "string-ci=?",
    "string-ci>",
    "string-ci>=",
    "string-ci>=?",
    "string-ci>?",
    "string-compare",
    "string-compare-ci",
    "string-concatenate",
    "string-concatenate-reverse",
    "string-concatenate-reverse/shared",
    "string-concatenate/shared",
    "string-contains",
    "string-contains-ci",
    "string-copy",
    "string-count",
    "string-delete",
    "string-downcase",
    "string-drop",
    "string-drop-right",
    "string-every",
    "string-filter",
    "string-fold",
    "string-fold-right",
    "string-for-each",
    "string-for-each-index",
    "string-hash",
    "string-hash-ci",
    "string-index",
    "string-index-right",
    "string-join",
    "string-length",
    "string-map",
    "string-normalize-nfc",
    "string-normalize-nfd",
    "string-normalize-nfkc",
    "string-normalize-nfkd",
    "string-null?",
    "string-pad",
    "string-pad-right",
    "string-prefix-ci?",
    "string-prefix-length",
    "string-prefix-length-ci",
    "string-prefix?",
    "string-ref",
    "string-replace",
    "string-reverse",
    "string-rindex",
    "string-skip",
    "string-skip-right",
    "string-split",
    "string-suffix-ci?",
    "string-suffix-length",
    "string-suffix-length-ci",
    "string-suffix?",
    "string-tabulate",
    "string-take",
    "string-take-right",
    "string-titlecase",
    "string-tokenize",
    "string-trim",
    "string-trim-both",
    "string-trim-right",
    "string-unfold",
    "string-unfold-right",
    "string-upcase",
    "string-utf8-length",
    "string<",
    "string<=",
    "string<=?",
    "string<>",
    "string<?",
    "string=",
    "string=?",
    "string>",
    "string>=",
    "string>=?",
    "string>?",
    "string?",
    "substring",
    "substring/copy",
    "substring/read-only",
    "substring/shared",
    "xsubstring",
    // Symbol bindings.
    "string->symbol",
    "string-ci->symbol",
    "symbol->string",
    "list->symbol",
    "make-symbol",
    "symbol",
    "symbol-append",
    "symbol-interned?",
    "symbol?",
    // Keyword bindings.
    "keyword?",
    "keyword->symbol",
    "symbol->keyword",
    // Bit bindings.
    "ash",
    "round-ash",
    "logand",
    "logcount",
    "logior",
    "lognot",
    "logtest",
    "logxor",
    "logbit?",
    // Char bindings.
    "char-alphabetic?",
    "char-ci<=?",
    "char-ci<?",
    "char-ci=?",
    "char-ci>=?",
    "char-ci>?",
    "char-downcase",
    "char-general-category",
    "char-is-both?",
    "char-lower-case?",
    "char-numeric?",
    "char-titlecase",
    "char-upcase",
    "char-upper-case?",
    "char-whitespace?",
    "char<=?",
    "char<?",
    "char=?",
    "char>=?",
    "char>?",
    "char?",
    "char->integer",
    "integer->char",
    // List bindings.
    "list",
    "list-cdr-ref",
    "list-copy",
    "list-head",
    "list-index",
    "list-ref",
    "list-tail",
    "list?",
    "null?",
    "make-list",
    "append",
    "delete",
    "delq",
    "delv",
    "filter",
    "length",
    "member",
    "memq",
    "memv",
    "merge",
    "reverse",
    // Pair bindings.
    "last-pair",
    "pair?",
    "caaaar",
    "caaadr",
    "caaar",
    "caadar",
    "caaddr",
    "caadr",
    "caar",
    "cadaar",
    "cadadr",
    "cadar",
    "caddar",
    "cadddr",
    "caddr",
    "cadr",
    "car",
    "cdaaar",
    "cdaadr",
    "cdaar",
    "cdadar",
    "cdaddr",
    "cdadr",
    "cdar",
    "cddaar",
    "cddadr",
    "cddar",
    "cdddar",
    "cddddr",
    "cdddr",
    "cddr",
    "cdr",
    "cons",
    "cons*",
    // Promise bindings.
    "force",
    "delay",
    "make-promise",
    "promise?",
    // The potluck bindings.
    "potluck-package",
    "potluck-source",
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_environment_name_is_bound_exactly_once() {
        let syntax: HashSet<&str> = crate::eval::SYNTAX.iter().copied().collect();
        let mut seen: HashSet<&str> = HashSet::new();
        for p in primitives() {
            assert!(seen.insert(p.name), "primitive {} registered twice", p.name);
        }
        for (name, _) in constants() {
            assert!(seen.insert(name), "constant {name} registered twice");
        }
        for name in ENVIRONMENT {
            assert!(
                syntax.contains(name) || seen.contains(name),
                "{name} is on the 2017 list but not bound"
            );
        }
        let env: HashSet<&str> = ENVIRONMENT.iter().copied().collect();
        for name in seen.iter().chain(syntax.iter()) {
            assert!(
                env.contains(name),
                "{name} is bound but not on the 2017 list"
            );
        }
    }

    #[test]
    fn lookup_finds_every_binding_and_nothing_else() {
        for p in primitives() {
            let found = find_primitive(p.name).expect("every primitive is indexed");
            assert!(
                std::ptr::eq(found, p),
                "{} resolves to another entry",
                p.name
            );
        }
        for (name, v) in constants() {
            let got = lookup(name).unwrap_or_else(|| panic!("constant {name} not found"));
            assert!(
                got.equal(&v, 10) == Some(true),
                "constant {name} has another value"
            );
        }
        for name in ["", "carr", "car ", "CAR", "string-append!", "%system", "x"] {
            assert!(lookup(name).is_none(), "{name:?} must be unbound");
        }
    }
}
