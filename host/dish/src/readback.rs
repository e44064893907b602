//! The host's independent reader of what it emits: every channel module is
//! read back with `lexpr` (a Scheme reader that shares no code with the
//! printer or the interpreter) before it may be committed, and must be
//! exactly the tree it was printed from ([`verify`]) and have exactly the
//! allowed shape ([`check_shape`]): one `define-module` using only
//! `#:use-module` clauses, the dish label, the input helper, and one
//! `define-public` of a `package` whose fields are the ones the emitter
//! writes, its data quoted and its inputs looked up by the helper.  Together
//! with the tests that read every emitted module with real Guile, the
//! printer has two independent readers behind it.

use lexpr::parse::{CharSyntax, KeywordSyntax, Options, StringSyntax};
use lexpr::Value;

use crate::pretty::Sexp;

/// Why text did not read back as it should.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReadbackError {
    #[error("the text does not read back: {0}")]
    Syntax(String),
    #[error("the text read back as {0} data instead of one")]
    Count(usize),
    #[error("form {form} reads back differently: {detail}")]
    Differs { form: usize, detail: String },
    #[error("the module does not have the allowed shape: {0}")]
    Shape(String),
}

/// The reader options: Guile's `#:keyword` syntax, R6RS strings and
/// characters, no `nil`/`t` specials.
pub fn options() -> Options {
    Options::new()
        .with_keyword_syntax(KeywordSyntax::Octothorpe)
        .with_string_syntax(StringSyntax::R6RS)
        .with_char_syntax(CharSyntax::R6RS)
}

/// Every datum of `text`, in order.
pub fn read_all(text: &str) -> Result<Vec<Value>, ReadbackError> {
    let mut parser = lexpr::Parser::from_str_custom(text, options());
    let mut out = Vec::new();
    loop {
        match parser.next_value() {
            Ok(Some(v)) => out.push(v),
            Ok(None) => return Ok(out),
            Err(e) => return Err(ReadbackError::Syntax(e.to_string())),
        }
    }
}

/// The one datum of `text`.
pub fn read_one(text: &str) -> Result<Value, ReadbackError> {
    let mut all = read_all(text)?;
    match all.len() {
        1 => Ok(all.remove(0)),
        n => Err(ReadbackError::Count(n)),
    }
}

/// A read datum as a [`Sexp`] (for constants the emitter writes).
pub fn to_sexp(v: &Value) -> Result<Sexp, String> {
    Ok(match v {
        Value::Symbol(s) => Sexp::Sym(s.to_string()),
        Value::Keyword(k) => Sexp::Keyword(k.to_string()),
        Value::String(s) => Sexp::Str(s.to_string()),
        Value::Bool(b) => Sexp::Bool(*b),
        Value::Char(c) => Sexp::Char(*c),
        Value::Null => Sexp::List(vec![]),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Sexp::Int(i),
            (None, Some(f)) => Sexp::Real(f),
            _ => return Err(format!("the number {n}")),
        },
        Value::Cons(_) => {
            let mut items = Vec::new();
            let mut cur = v;
            loop {
                match cur {
                    Value::Cons(c) => {
                        items.push(to_sexp(c.car())?);
                        cur = c.cdr();
                    }
                    Value::Null => break Sexp::List(items),
                    tail => break Sexp::Dotted(items, Box::new(to_sexp(tail)?)),
                }
            }
        }
        Value::Vector(items) => Sexp::Vector(items.iter().map(to_sexp).collect::<Result<_, _>>()?),
        other => return Err(format!("unexpected datum {other}")),
    })
}

/// Where `got` differs from `want`, if it does (numbers compare by value,
/// bit for bit for reals).
fn differs(got: &Value, want: &Sexp) -> Option<String> {
    let same = match (want, got) {
        (Sexp::Sym(a), Value::Symbol(b)) => a.as_str() == &**b,
        (Sexp::Keyword(a), Value::Keyword(b)) => a.as_str() == &**b,
        (Sexp::Str(a), Value::String(b)) => a.as_str() == &**b,
        (Sexp::Bool(a), Value::Bool(b)) => a == b,
        (Sexp::Char(a), Value::Char(b)) => a == b,
        (Sexp::Int(a), Value::Number(n)) => n.as_i64() == Some(*a),
        (Sexp::Real(a), Value::Number(n)) => {
            n.is_f64() && n.as_f64().is_some_and(|b| b.to_bits() == a.to_bits())
        }
        (Sexp::List(items), Value::Null) => items.is_empty(),
        (Sexp::List(items), Value::Cons(_)) | (Sexp::Dotted(items, _), Value::Cons(_)) => {
            let mut cur = got;
            for (i, item) in items.iter().enumerate() {
                match cur {
                    Value::Cons(c) => {
                        if let Some(d) = differs(c.car(), item) {
                            return Some(format!("item {i}: {d}"));
                        }
                        cur = c.cdr();
                    }
                    _ => return Some(format!("a list shorter than {} items", items.len())),
                }
            }
            return match (want, cur) {
                (Sexp::List(_), Value::Null) => None,
                (Sexp::Dotted(_, tail), t) => differs(t, tail).map(|d| format!("the tail: {d}")),
                _ => Some("a longer list".into()),
            };
        }
        (Sexp::Vector(items), Value::Vector(got)) => {
            if items.len() != got.len() {
                return Some("a vector of another length".into());
            }
            return items
                .iter()
                .zip(got.iter())
                .enumerate()
                .find_map(|(i, (w, g))| differs(g, w).map(|d| format!("vector item {i}: {d}")));
        }
        _ => false,
    };
    (!same).then(|| {
        let mut w = String::new();
        crate::pretty::write_flat(want, &mut w);
        format!(
            "read {} where {} was written",
            potluck_sandbox::diagnostic::quote(&got.to_string()),
            potluck_sandbox::diagnostic::quote(&w)
        )
    })
}

/// Read `text` back and check it is exactly `forms`, in the allowed shape.
pub fn verify(text: &str, forms: &[Sexp]) -> Result<(), ReadbackError> {
    let got = read_all(text)?;
    if got.len() != forms.len() {
        return Err(ReadbackError::Count(got.len()));
    }
    for (i, (g, w)) in got.iter().zip(forms).enumerate() {
        if let Some(detail) = differs(g, w) {
            return Err(ReadbackError::Differs { form: i, detail });
        }
    }
    check_shape(&got)
}

fn list(v: &Value) -> Option<Vec<&Value>> {
    let mut out = Vec::new();
    let mut cur = v;
    loop {
        match cur {
            Value::Cons(c) => {
                out.push(c.car());
                cur = c.cdr();
            }
            Value::Null => return Some(out),
            _ => return None,
        }
    }
}

fn is_sym(v: &Value, s: &str) -> bool {
    matches!(v, Value::Symbol(x) if &**x == s)
}

fn head_is<'a>(v: &'a Value, s: &str) -> Option<Vec<&'a Value>> {
    list(v).filter(|l| l.first().is_some_and(|h| is_sym(h, s)))
}

fn shape(cond: bool, what: &str) -> Result<(), ReadbackError> {
    if cond {
        Ok(())
    } else {
        Err(ReadbackError::Shape(what.into()))
    }
}

/// A list of symbols, such as a module name.
fn symbols(v: &Value) -> bool {
    list(v).is_some_and(|l| !l.is_empty() && l.iter().all(|x| matches!(x, Value::Symbol(_))))
}

/// The package fields a module may have, in the order it has them.
const FIELDS: [&str; 12] = [
    "name",
    "version",
    "source",
    "build-system",
    "arguments",
    "inputs",
    "native-inputs",
    "propagated-inputs",
    "home-page",
    "synopsis",
    "description",
    "license",
];

/// The fields every module has.
const REQUIRED: [&str; 8] = [
    "name",
    "version",
    "source",
    "build-system",
    "home-page",
    "synopsis",
    "description",
    "license",
];

/// The allowed shape of a module, checked on what the reader found.
pub fn check_shape(forms: &[Value]) -> Result<(), ReadbackError> {
    shape(forms.len() == 4, "four top-level forms")?;
    let module = head_is(&forms[0], "define-module");
    let module = module.ok_or_else(|| ReadbackError::Shape("define-module first".into()))?;
    shape(module.len() >= 2 && symbols(module[1]), "a module name")?;
    shape(
        module[2..].chunks(2).all(|c| {
            c.len() == 2 && matches!(c[0], Value::Keyword(k) if k.as_ref() == "use-module")
        }),
        "only #:use-module clauses",
    )?;
    let label = head_is(&forms[1], "define").unwrap_or_default();
    shape(
        label.len() == 3
            && is_sym(label[1], "%potluck-dish")
            && matches!(label[2], Value::String(_)),
        "the dish label",
    )?;
    let helper = read_one(crate::emit::INPUT_HELPER)?;
    shape(forms[2] == helper, "the input helper, unchanged")?;
    let public = head_is(&forms[3], "define-public").unwrap_or_default();
    shape(
        public.len() == 3 && matches!(public[1], Value::Symbol(s) if s.starts_with("potluck-")),
        "one define-public of potluck-NAME",
    )?;
    let package =
        head_is(public[2], "package").ok_or_else(|| ReadbackError::Shape("a package".into()))?;
    let mut next = 0;
    let mut seen = Vec::new();
    for field in &package[1..] {
        let f = list(field).filter(|f| f.len() == 2);
        let f = f.ok_or_else(|| ReadbackError::Shape("(FIELD VALUE) clauses".into()))?;
        let Value::Symbol(name) = f[0] else {
            return Err(ReadbackError::Shape("field names".into()));
        };
        let at = FIELDS[next..]
            .iter()
            .position(|x| *x == &**name)
            .ok_or_else(|| ReadbackError::Shape(format!("the field {name}, in order")))?;
        next += at + 1;
        seen.push(name.to_string());
        let value = f[1];
        let ok = match &**name {
            "name" | "version" | "home-page" | "synopsis" | "description" => {
                matches!(value, Value::String(_))
            }
            "source" => head_is(value, "origin").is_some(),
            "build-system" => matches!(value, Value::Symbol(s) if s.ends_with("-build-system")),
            "arguments" => head_is(value, "quote").is_some_and(|q| q.len() == 2),
            "license" => {
                let license =
                    |v: &Value| matches!(v, Value::Symbol(s) if s.starts_with("license:"));
                license(value)
                    || head_is(value, "list")
                        .is_some_and(|l| l.len() > 2 && l[1..].iter().all(|v| license(v)))
            }
            _ => head_is(value, "list").is_some_and(|l| {
                l[1..].iter().all(|i| {
                    head_is(i, "potluck-input").is_some_and(|c| {
                        c.len() == 4
                            && matches!(c[1], Value::String(_))
                            && head_is(c[2], "quote").is_some_and(|q| q.len() == 2 && symbols(q[1]))
                            && matches!(c[3], Value::String(_))
                    })
                })
            }),
        };
        shape(ok, &format!("the field {name}'s value"))?;
    }
    shape(
        REQUIRED.iter().all(|r| seen.iter().any(|s| s == r)),
        "every required field",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_difference_is_found_and_located() {
        let want = Sexp::list([Sexp::sym("a"), Sexp::str("x\ny"), Sexp::Int(3)]);
        assert!(verify("(a \"x\\ny\" 3)", std::slice::from_ref(&want))
            .is_err_and(|e| matches!(e, ReadbackError::Shape(_))));
        let e = verify("(a \"x y\" 3)", std::slice::from_ref(&want)).unwrap_err();
        assert!(matches!(e, ReadbackError::Differs { form: 0, .. }), "{e}");
        assert!(e.to_string().contains("item 1"), "{e}");
        assert!(matches!(
            verify("(a", &[want]).unwrap_err(),
            ReadbackError::Syntax(_)
        ));
    }
}
