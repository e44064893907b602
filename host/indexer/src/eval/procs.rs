//! Procedures whose arguments are evaluated first: lists and association
//! lists, numbers, predicates, higher-order procedures (`map`, `filter`,
//! `find`, `apply`, `negate`, `const`), promises, and Guix's `target-*?`
//! predicates (with `(guix utils)` semantics for a native x86_64-linux
//! build: `(%current-target-system)` is `#f`).
//!
//! [`is_strict`] lists them (string procedures are in
//! [`super::strings`]); an argument whose value is unknown makes the call an
//! error, except for the list procedures of [`tolerates_unknown`], which may
//! see partial lists such as `package-properties`.  [`builtin_value`] gives
//! the few builtins that Guix code passes around as values.

use std::rc::Rc;

use super::{equal, EResult, EvalError, Prim, Value, World};

/// Predicates and other strict procedures of the control group.
const CONTROL: &[&str] = &[
    "not",
    "zero?",
    "null?",
    "pair?",
    "list?",
    "string?",
    "symbol?",
    "number?",
    "boolean?",
    "procedure?",
    "package?",
    "origin?",
    "eq?",
    "eqv?",
    "equal?",
    "string=?",
    "char=?",
    "=",
    "string-prefix?",
    "string-suffix?",
    "string-null?",
    "string-contains",
    "<",
    ">",
    "<=",
    ">=",
    "+",
    "-",
    "*",
    "1+",
    "1-",
    "member",
    "memq",
    "negate",
    "const",
    "identity",
    "force",
    "string->symbol",
    "apply",
    "cut",
];

/// List procedures.
const LISTS: &[&str] = &[
    "assoc-ref",
    "assq-ref",
    "assoc",
    "assq",
    "car",
    "cdr",
    "cadr",
    "cddr",
    "caar",
    "first",
    "second",
    "third",
    "last",
    "list-ref",
    "length",
    "append",
    "reverse",
    "cons*",
    "alist-delete",
    "map",
    "filter",
    "find",
    "keyword?",
    "package-full-name",
];

/// The `(guix utils)` target predicates.
const TARGETS: &[&str] = &[
    "target-64bit?",
    "target-x86-32?",
    "target-x86-64?",
    "target-aarch64?",
    "target-arm?",
    "target-linux?",
    "target-hurd?",
    "target-riscv64?",
    "target-ppc64le?",
    "target-powerpc?",
    "target-mingw?",
    "target-avr?",
    "target-hurd64?",
    "target-x86?",
    "target-arm32?",
    "target-32bit?",
    "target-little-endian?",
    "target-loongarch64?",
    "target-ppc32?",
    "target-mips64el?",
    "target-bpf?",
];

/// The system of a native build.
const SYSTEM: &str = "x86_64-linux";

/// Whether `name` is a strict procedure implemented here or in strings.
pub(super) fn is_strict(name: &str) -> bool {
    CONTROL.contains(&name)
        || LISTS.contains(&name)
        || TARGETS.contains(&name)
        || super::strings::is_string_proc(name)
}

/// Procedures that accept an unknown argument.
pub(super) fn tolerates_unknown(name: &str) -> bool {
    matches!(
        name,
        "null?"
            | "pair?"
            | "list?"
            | "length"
            | "list-ref"
            | "car"
            | "first"
            | "append"
            | "cons*"
            | "assoc-ref"
            | "assq-ref"
            | "assoc"
            | "assq"
            | "map"
            | "filter"
            | "alist-delete"
            | "reverse"
    ) || TARGETS.contains(&name)
}

/// Builtins that are looked up as values when no module defines them.
pub(super) fn builtin_value(name: &str) -> Option<Value> {
    let usable = TARGETS.contains(&name)
        || matches!(
            name,
            "keyword?"
                | "string?"
                | "package?"
                | "symbol?"
                | "string-downcase"
                | "char-downcase"
                | "identity"
                | "origin?"
        );
    usable.then(|| Value::Prim(Rc::new(Prim::Builtin(name.to_string()))))
}

fn list(v: &Value) -> Result<(&[Value], Option<&Value>), ()> {
    match v {
        Value::List(items, tail) => Ok((items, tail.as_deref())),
        _ => Err(()),
    }
}

fn int(v: &Value) -> Result<i64, ()> {
    match v {
        Value::Int(i) => Ok(*i),
        _ => Err(()),
    }
}

fn text(v: &Value) -> Result<&str, ()> {
    match v {
        Value::Str(s) => Ok(s),
        _ => Err(()),
    }
}

fn index(v: &Value) -> Result<usize, ()> {
    usize::try_from(int(v)?).map_err(|_| ())
}

fn partial(name: &str) -> EvalError {
    EvalError::Unsupported(format!("{name} on a partial list"))
}

impl World<'_> {
    /// Applies strict procedure `name` to evaluated arguments.
    pub(super) fn apply_prim(&self, name: &str, vals: Vec<Value>) -> EResult {
        if TARGETS.contains(&name) {
            return target_pred(name, &vals);
        }
        if super::strings::is_string_proc(name) {
            return self.apply_string_proc(name, vals);
        }
        match self.apply_prim_inner(name, vals) {
            Ok(v) => v,
            Err(()) => Err(EvalError::BadArguments(name.to_string())),
        }
    }

    /// `Err(())` is a type or arity error.
    fn apply_prim_inner(&self, name: &str, vals: Vec<Value>) -> Result<EResult, ()> {
        let arg = |i: usize| vals.get(i).ok_or(());
        Ok(Ok(match name {
            "not" => Value::Bool(arg(0)?.is_false()),
            "zero?" => Value::Bool(int(arg(0)?)? == 0),
            "null?" => match arg(0)? {
                Value::List(items, tail) => {
                    if items.iter().any(|x| matches!(x, Value::Unknown)) {
                        return Ok(Err(EvalError::Unsupported(
                            "null? of a partial list".into(),
                        )));
                    }
                    Value::Bool(items.is_empty() && tail.is_none())
                }
                _ => Value::Bool(false),
            },
            "pair?" => Value::Bool(matches!(arg(0)?, Value::List(items, _) if !items.is_empty())),
            "list?" => Value::Bool(matches!(arg(0)?, Value::List(_, None))),
            "string?" => Value::Bool(matches!(arg(0)?, Value::Str(_))),
            "symbol?" => Value::Bool(matches!(arg(0)?, Value::Sym(_))),
            "number?" => Value::Bool(matches!(arg(0)?, Value::Int(_))),
            "boolean?" => Value::Bool(matches!(arg(0)?, Value::Bool(_))),
            "procedure?" => Value::Bool(arg(0)?.is_procedure()),
            "package?" => Value::Bool(matches!(arg(0)?, Value::Pkg(..))),
            "keyword?" => Value::Bool(matches!(arg(0)?, Value::Keyword(_))),
            "origin?" => Value::Bool(matches!(arg(0)?, Value::Opaque("origin"))),
            "eq?" | "eqv?" | "equal?" | "string=?" | "char=?" | "=" => {
                let first = arg(0)?;
                Value::Bool(vals[1..].iter().all(|v| equal(first, v)))
            }
            "string-prefix?" => Value::Bool(text(arg(1)?)?.starts_with(text(arg(0)?)?)),
            "string-suffix?" => Value::Bool(text(arg(1)?)?.ends_with(text(arg(0)?)?)),
            "string-null?" => Value::Bool(text(arg(0)?)?.is_empty()),
            "string-contains" => {
                let (s, needle) = (text(arg(0)?)?, text(arg(1)?)?);
                match s.find(needle) {
                    Some(i) => Value::Int(s[..i].chars().count() as i64),
                    None => Value::Bool(false),
                }
            }
            "<" | ">" | "<=" | ">=" => {
                let nums = vals.iter().map(int).collect::<Result<Vec<_>, _>>()?;
                Value::Bool(nums.windows(2).all(|w| match name {
                    "<" => w[0] < w[1],
                    ">" => w[0] > w[1],
                    "<=" => w[0] <= w[1],
                    _ => w[0] >= w[1],
                }))
            }
            "+" | "*" | "-" | "1+" | "1-" => {
                let nums = vals.iter().map(int).collect::<Result<Vec<_>, _>>()?;
                let r = match (name, nums.as_slice()) {
                    ("+", n) => n.iter().try_fold(0i64, |a, b| a.checked_add(*b)),
                    ("*", n) => n.iter().try_fold(1i64, |a, b| a.checked_mul(*b)),
                    ("-", [x]) => x.checked_neg(),
                    ("-", [x, rest @ ..]) => rest.iter().try_fold(*x, |a, b| a.checked_sub(*b)),
                    ("1+", [x]) => x.checked_add(1),
                    ("1-", [x]) => x.checked_sub(1),
                    _ => None,
                };
                Value::Int(r.ok_or(())?)
            }
            "member" | "memq" => {
                let (items, tail) = list(arg(1)?)?;
                let key = arg(0)?;
                if let Some(i) = items.iter().position(|x| equal(x, key)) {
                    Value::List(items[i..].to_vec(), tail.map(|t| Box::new(t.clone())))
                } else if items.iter().any(|x| matches!(x, Value::Unknown)) {
                    return Ok(Err(partial(name)));
                } else {
                    Value::Bool(false)
                }
            }
            "negate" => Value::Prim(Rc::new(Prim::Negate(arg(0)?.clone()))),
            "const" => Value::Prim(Rc::new(Prim::Const(arg(0)?.clone()))),
            "identity" => arg(0)?.clone(),
            "force" => match arg(0)? {
                Value::Promise(p) => {
                    let (expr, env, m) = &**p;
                    return Ok(self.eval(expr, env, *m));
                }
                other => other.clone(),
            },
            "string->symbol" => Value::Sym(text(arg(0)?)?.to_string()),
            "apply" => {
                let (f, rest) = vals.split_first().ok_or(())?;
                let (last, middle) = rest.split_last().ok_or(())?;
                let (items, _) = list(last)?;
                let mut args = middle.to_vec();
                args.extend(items.iter().cloned());
                return Ok(self.call_simple(f, args));
            }
            "cut" => return Ok(Err(EvalError::Unsupported("cut".into()))),
            "assoc-ref" | "assq-ref" | "assoc" | "assq" => {
                let (alist, key) = match name {
                    "assoc" | "assq" => (arg(1)?, arg(0)?),
                    _ => (arg(0)?, arg(1)?),
                };
                let (entries, _) = list(alist)?;
                for entry in entries {
                    match entry {
                        Value::List(items, tail)
                            if items.first().is_some_and(|k| equal(k, key)) =>
                        {
                            return Ok(Ok(match name {
                                "assoc" | "assq" => entry.clone(),
                                _ if items.len() == 1 => match tail {
                                    Some(t) => (**t).clone(),
                                    None => Value::empty(),
                                },
                                _ => Value::List(items[1..].to_vec(), tail.clone()),
                            }));
                        }
                        Value::Unknown => return Ok(Err(partial(name))),
                        _ => {}
                    }
                }
                Value::Bool(false)
            }
            "car" | "first" => list(arg(0)?)?.0.first().ok_or(())?.clone(),
            "cdr" => {
                let (items, tail) = list(arg(0)?)?;
                match items.len() {
                    0 => return Err(()),
                    1 => tail.cloned().unwrap_or_else(Value::empty),
                    _ => Value::List(items[1..].to_vec(), tail.map(|t| Box::new(t.clone()))),
                }
            }
            "cadr" | "second" => list(arg(0)?)?.0.get(1).ok_or(())?.clone(),
            "third" => list(arg(0)?)?.0.get(2).ok_or(())?.clone(),
            "caar" => {
                let first = list(arg(0)?)?.0.first().ok_or(())?;
                list(first)?.0.first().ok_or(())?.clone()
            }
            "cddr" => {
                let (items, tail) = list(arg(0)?)?;
                if items.len() < 2 {
                    return Err(());
                }
                Value::List(items[2..].to_vec(), tail.map(|t| Box::new(t.clone())))
            }
            "last" => list(arg(0)?)?.0.last().ok_or(())?.clone(),
            "list-ref" => list(arg(0)?)?.0.get(index(arg(1)?)?).ok_or(())?.clone(),
            "length" => match list(arg(0)?)? {
                (items, None) => Value::Int(items.len() as i64),
                _ => return Err(()),
            },
            "append" => {
                let mut items = Vec::new();
                let Some((last, init)) = vals.split_last() else {
                    return Ok(Ok(Value::empty()));
                };
                for v in init {
                    items.extend(list(v)?.0.iter().cloned());
                }
                if self.charge(items.len()).is_err() {
                    return Ok(Err(EvalError::OutOfFuel));
                }
                match last {
                    Value::List(more, tail) => {
                        items.extend(more.iter().cloned());
                        Value::List(items, tail.clone())
                    }
                    other => Value::List(items, Some(Box::new(other.clone()))),
                }
            }
            "reverse" => {
                let mut items = list(arg(0)?)?.0.to_vec();
                items.reverse();
                Value::List(items, None)
            }
            "cons*" => {
                let (last, init) = vals.split_last().ok_or(())?;
                let mut items = init.to_vec();
                match last {
                    Value::List(more, tail) => {
                        items.extend(more.iter().cloned());
                        Value::List(items, tail.clone())
                    }
                    other => Value::List(items, Some(Box::new(other.clone()))),
                }
            }
            "alist-delete" => {
                let key = arg(0)?;
                let (entries, _) = list(arg(1)?)?;
                Value::List(
                    entries
                        .iter()
                        .filter(|e| {
                            !matches!(e, Value::List(items, _)
                                if items.first().is_some_and(|k| equal(k, key)))
                        })
                        .cloned()
                        .collect(),
                    None,
                )
            }
            "map" => {
                let (f, lists) = vals.split_first().ok_or(())?;
                let lists = lists
                    .iter()
                    .map(|l| list(l).map(|(items, _)| items))
                    .collect::<Result<Vec<_>, _>>()?;
                let n = lists.iter().map(|l| l.len()).min().ok_or(())?;
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let args = lists.iter().map(|l| l[i].clone()).collect();
                    match self.call_simple(f, args) {
                        Ok(v) => out.push(v),
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Value::List(out, None)
            }
            "filter" => {
                let (items, _) = list(arg(1)?)?;
                let mut out = Vec::new();
                for x in items {
                    match self.call_simple(arg(0)?, vec![x.clone()]) {
                        Ok(v) if v.is_false() => {}
                        Ok(_) => out.push(x.clone()),
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Value::List(out, None)
            }
            "find" => {
                let (items, _) = list(arg(1)?)?;
                for x in items {
                    if let Value::Unknown = x {
                        return Ok(Err(partial(name)));
                    }
                    match self.call_simple(arg(0)?, vec![x.clone()]) {
                        Ok(v) if v.is_false() => {}
                        Ok(_) => return Ok(Ok(x.clone())),
                        Err(e) => return Ok(Err(e)),
                    }
                }
                Value::Bool(false)
            }
            "package-full-name" => match arg(0)? {
                Value::Pkg(p, _) => {
                    Value::Str(format!("{}@{}", p.name.as_deref().ok_or(())?, p.version))
                }
                _ => return Err(()),
            },
            _ => return Ok(Err(EvalError::Unsupported(name.to_string()))),
        }))
    }
}

/// The `target-*?` predicates of `(guix utils)`; the optional argument is
/// the target (default: the current target, or the system).
fn target_pred(name: &str, vals: &[Value]) -> EResult {
    let bad = || EvalError::BadArguments(name.to_string());
    let target: Option<&str> = match vals.first() {
        Some(Value::Str(s)) => Some(s),
        Some(Value::Bool(false)) => None,
        Some(_) => return Err(bad()),
        None if matches!(name, "target-mingw?" | "target-avr?" | "target-bpf?") => None,
        None => Some(SYSTEM),
    };
    let Some(t) = target else {
        return match name {
            "target-mingw?" | "target-bpf?" => Ok(Value::Bool(false)),
            _ => Err(bad()),
        };
    };
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| t.starts_with(p));
    let x86_32 = starts(&["i386-", "i486-", "i586-", "i686-"]);
    let is64 = starts(&[
        "x86_64",
        "aarch64",
        "mips64",
        "powerpc64",
        "riscv64",
        "loongarch64",
    ]);
    let hurd = t.ends_with("-gnu") && !t.contains("linux");
    Ok(Value::Bool(match name {
        "target-mingw?" => t.ends_with("-mingw32"),
        "target-bpf?" => t == "bpf" || t.starts_with("bpf-"),
        "target-linux?" => t.contains("linux"),
        "target-hurd?" => hurd,
        "target-avr?" => t == "avr" || t.starts_with("avr-"),
        "target-x86-32?" => x86_32,
        "target-x86-64?" => t.starts_with("x86_64-"),
        "target-x86?" => x86_32 || t.starts_with("x86_64-"),
        "target-aarch64?" => t.starts_with("aarch64"),
        "target-arm32?" => t.starts_with("arm"),
        "target-arm?" => starts(&["arm", "aarch64"]),
        "target-64bit?" => is64,
        "target-32bit?" => !is64,
        "target-riscv64?" => t.starts_with("riscv64"),
        "target-ppc64le?" => t.starts_with("powerpc64le-"),
        "target-ppc32?" => t.starts_with("powerpc-"),
        "target-powerpc?" => t.starts_with("powerpc"),
        "target-loongarch64?" => t.starts_with("loongarch64-"),
        "target-mips64el?" => t.starts_with("mips64el-"),
        "target-little-endian?" => !t.starts_with("powerpc-"),
        "target-hurd64?" => hurd && is64,
        _ => return Err(EvalError::Unsupported(name.to_string())),
    }))
}
