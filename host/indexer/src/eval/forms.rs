//! Special forms and the `package` record.
//!
//! [`is_builtin`] says which names the evaluator implements itself (they
//! win over module definitions, unless bound lexically); `eval_builtin`
//! evaluates them.  The forms whose arguments are not simply evaluated are
//! here: quote and quasiquote, the `let` family, `begin`, `lambda` (and
//! Guix's memoizing `mlambda`/`mlambdaq`, which are lambdas here, and
//! `memoize`), `if`, `cond`, `case`, `when`, `unless`, `and`, `or`,
//! `match` and `match-lambda`, `delay`, `(@ (module) var)`, `package`,
//! `package/inherit`, `hidden-package`, `deprecated-package`, and the
//! string-building forms that tolerate no failure (`string-append`,
//! `git-version`, ...).  An `if`/`cond`/`when`/`and`/`or` whose test is
//! unknown is an error: a branch is never guessed.  Other names go to the
//! strict procedures of [`super::procs`], whose arguments are evaluated
//! first.
//!
//! `package` evaluates only `name`, `version` and `properties`, in field
//! order, each seeing the fields before it (as Guix records bind them); the
//! parent of `(inherit X)` gives the fields that are not set, and `inherits`
//! records the variable the parent was read from.

use std::rc::Rc;

use super::procs::{is_strict, tolerates_unknown};
use super::{quoted, EResult, Env, EvalError, Lex, Pkg, Prim, Source, Value, World};
use crate::module::{at_ref, parse_params, Params};
use crate::reader::Datum;

/// Forms evaluated by `eval_builtin` before their arguments.
const SPECIAL: &[&str] = &[
    "quote",
    "quasiquote",
    "let",
    "let*",
    "letrec",
    "letrec*",
    "begin",
    "lambda",
    "lambda*",
    "mlambda",
    "mlambdaq",
    "mlambda*",
    "memoize",
    "package",
    "package/inherit",
    "hidden-package",
    "deprecated-package",
    "string-append",
    "git-version",
    "hg-version",
    "package-version",
    "package-name",
    "package-properties",
    "number->string",
    "symbol->string",
    "string-take",
    "version-major",
    "version-major+minor",
    "version-major+minor+point",
    "list",
    "cons",
    "@",
    "@@",
    "if",
    "cond",
    "case",
    "when",
    "unless",
    "and",
    "or",
    "define",
    "delay",
    "match",
    "match-lambda",
    "format",
    "simple-format",
    "char-set",
    "%current-target-system",
    "%current-system",
    "supported-package?",
    "origin",
    "plain-file",
    "local-file",
    "computed-file",
    "program-file",
    "scheme-file",
    "mixed-text-file",
    "bootloader",
    "operating-system",
];

/// Whether `name` is a procedure or syntax the evaluator implements.
pub(super) fn is_builtin(name: &str) -> bool {
    SPECIAL.contains(&name) || is_strict(name)
}

impl World<'_> {
    pub(super) fn eval_builtin(&self, head: &str, args: &[Datum], env: &Lex, m: usize) -> EResult {
        let bad = || EvalError::BadArguments(head.to_string());
        match head {
            "quote" => Ok(quoted(args.first().ok_or_else(bad)?)),
            "quasiquote" => self.quasi(args.first().ok_or_else(bad)?, env, m),
            "let" | "let*" | "letrec" | "letrec*" => self.eval_let(head, args, env, m),
            "begin" => self.eval_body(args, env, m),
            "lambda" | "lambda*" | "mlambda" | "mlambdaq" | "mlambda*" => {
                let formals = args.first().ok_or_else(bad)?;
                let params = match formals {
                    Datum::List { items, tail, .. } => parse_params(items, tail.as_deref()),
                    Datum::Symbol(rest) => Some(Params {
                        rest: Some(rest.clone()),
                        ..Params::default()
                    }),
                    _ => None,
                }
                .ok_or_else(bad)?;
                Ok(Value::Proc(Rc::new(super::Closure {
                    name: "lambda".into(),
                    anonymous: true,
                    params,
                    body: args[1..].to_vec(),
                    env: env.clone(),
                    module: m,
                })))
            }
            "memoize" => {
                let [f] = args else { return Err(bad()) };
                self.eval(f, env, m)
            }
            "package" => self.eval_package(None, args, env, m),
            "package/inherit" => {
                let parent = args.first().ok_or_else(bad)?;
                self.eval_package(Some(parent), &args[1..], env, m)
            }
            "hidden-package" => {
                // Transparent: the same package, hidden, still read from
                // the same variable.
                let [arg] = args else { return Err(bad()) };
                match self.eval(arg, env, m)? {
                    Value::Pkg(p, var) => {
                        let mut p = (*p).clone();
                        p.hidden = true;
                        Ok(Value::Pkg(Rc::new(p), var))
                    }
                    other => Err(EvalError::NotPackage(other.describe())),
                }
            }
            "deprecated-package" => {
                let [name, new] = args else { return Err(bad()) };
                let parent = self.package_of(new, env, m)?;
                let (name, name_source) = match name {
                    Datum::Str(s) => (s.clone(), Source::Literal),
                    other => (self.string(other, env, m)?, Source::Computed),
                };
                Ok(Value::Pkg(
                    Rc::new(Pkg {
                        name: Some(name),
                        version: parent.version,
                        hidden: false,
                        superseded: Some(new.to_string()),
                        inherits: Some(new.to_string()),
                        name_source,
                        version_source: Source::Inherited,
                        via: Vec::new(),
                    }),
                    None,
                ))
            }
            "string-append" => {
                let mut s = String::new();
                for a in args {
                    s.push_str(&self.string(a, env, m)?);
                }
                self.charge(s.len())?;
                Ok(Value::Str(s))
            }
            "git-version" | "hg-version" => {
                let [version, revision, commit] = args else {
                    return Err(bad());
                };
                let version = self.string(version, env, m)?;
                let revision = match self.eval(revision, env, m)? {
                    Value::Str(s) => s,
                    Value::Int(i) => i.to_string(),
                    _ => return Err(bad()),
                };
                let commit = self.string(commit, env, m)?;
                let short: String = commit.chars().take(7).collect();
                Ok(Value::Str(format!("{version}-{revision}.{short}")))
            }
            "package-version" => {
                let [p] = args else { return Err(bad()) };
                Ok(Value::Str(self.package_of(p, env, m)?.version))
            }
            "package-name" => {
                let [p] = args else { return Err(bad()) };
                match self.package_of(p, env, m)?.name {
                    Some(name) => Ok(Value::Str(name)),
                    None => Ok(Value::Bool(false)),
                }
            }
            "package-properties" => {
                let [p] = args else { return Err(bad()) };
                let pkg = self.package_of(p, env, m)?;
                let mut props = Vec::new();
                if pkg.hidden {
                    props.push(Value::List(
                        vec![Value::Sym("hidden?".into())],
                        Some(Box::new(Value::Bool(true))),
                    ));
                }
                if let Some(s) = &pkg.superseded {
                    props.push(Value::List(
                        vec![Value::Sym("superseded".into())],
                        Some(Box::new(Value::Pkg(Rc::new(pkg.clone()), Some(s.clone())))),
                    ));
                }
                // Other properties are unknown: mark the list as partial.
                props.push(Value::Unknown);
                Ok(Value::List(props, None))
            }
            "number->string" => {
                let [n] = args else { return Err(bad()) };
                match self.eval(n, env, m)? {
                    Value::Int(i) => Ok(Value::Str(i.to_string())),
                    _ => Err(bad()),
                }
            }
            "symbol->string" => {
                let [s] = args else { return Err(bad()) };
                match self.eval(s, env, m)? {
                    Value::Sym(s) => Ok(Value::Str(s)),
                    _ => Err(bad()),
                }
            }
            "string-take" => {
                let [s, n] = args else { return Err(bad()) };
                let s = self.string(s, env, m)?;
                let Value::Int(n) = self.eval(n, env, m)? else {
                    return Err(bad());
                };
                let n = usize::try_from(n).map_err(|_| bad())?;
                if n > s.chars().count() {
                    return Err(bad());
                }
                Ok(Value::Str(s.chars().take(n).collect()))
            }
            "version-major" | "version-major+minor" | "version-major+minor+point" => {
                let [v] = args else { return Err(bad()) };
                let v = self.string(v, env, m)?;
                let n = match head {
                    "version-major" => 1,
                    "version-major+minor" => 2,
                    _ => 3,
                };
                let parts: Vec<&str> = v.split('.').collect();
                if parts.len() < n {
                    return Err(bad());
                }
                Ok(Value::Str(parts[..n].join(".")))
            }
            "list" => {
                self.charge(args.len())?;
                Ok(Value::List(
                    args.iter()
                        .map(|a| self.eval(a, env, m).unwrap_or(Value::Unknown))
                        .collect(),
                    None,
                ))
            }
            "cons" => {
                let [a, d] = args else { return Err(bad()) };
                let a = self.eval(a, env, m).unwrap_or(Value::Unknown);
                match self.eval(d, env, m).unwrap_or(Value::Unknown) {
                    Value::List(mut items, tail) => {
                        self.charge(items.len())?;
                        items.insert(0, a);
                        Ok(Value::List(items, tail))
                    }
                    other => Ok(Value::List(vec![a], Some(Box::new(other)))),
                }
            }
            "@" | "@@" => {
                let mut form = vec![Datum::Symbol(head.to_string())];
                form.extend(args.iter().cloned());
                let form = Datum::list(form, 0);
                let (module, var) = at_ref(&form).ok_or_else(bad)?;
                let Some(&target) = self.by_name.get(module.as_str()) else {
                    return Err(EvalError::Unbound(format!("{var} in {module}")));
                };
                self.module_var(target, var)
                    .unwrap_or_else(|| Err(EvalError::Unbound(var.to_string())))
            }
            "if" => {
                if !(2..=3).contains(&args.len()) {
                    return Err(bad());
                }
                match self.eval(&args[0], env, m)? {
                    Value::Unknown => Err(EvalError::Unsupported("if with unknown test".into())),
                    Value::Bool(false) => match args.get(2) {
                        Some(e) => self.eval(e, env, m),
                        None => Ok(Value::Unknown),
                    },
                    _ => self.eval(&args[1], env, m),
                }
            }
            "cond" => self.eval_cond(args, env, m),
            "case" => {
                let key = self.eval(args.first().ok_or_else(bad)?, env, m)?;
                for clause in &args[1..] {
                    let items = clause.as_list().filter(|c| !c.is_empty()).ok_or_else(bad)?;
                    let hit = match &items[0] {
                        Datum::Symbol(s) if s == "else" => true,
                        Datum::List { items: data, .. } => {
                            data.iter().any(|d| super::equal(&quoted(d), &key))
                        }
                        _ => false,
                    };
                    if hit {
                        return self.eval_body(&items[1..], env, m);
                    }
                }
                Ok(Value::Unknown)
            }
            "when" | "unless" => {
                let test = self.eval(args.first().ok_or_else(bad)?, env, m)?;
                if let Value::Unknown = test {
                    return Err(EvalError::Unsupported(format!("{head} with unknown test")));
                }
                if test.is_false() != (head == "when") {
                    self.eval_body(&args[1..], env, m)
                } else {
                    Ok(Value::Unknown)
                }
            }
            "and" | "or" => {
                let mut v = Value::Bool(head == "and");
                for a in args {
                    v = self.eval(a, env, m)?;
                    if let Value::Unknown = v {
                        return Err(EvalError::Unsupported(format!("{head} with unknown value")));
                    }
                    if v.is_false() == (head == "and") {
                        return Ok(v);
                    }
                }
                Ok(v)
            }
            "define" => Err(EvalError::Unsupported(
                "define in expression context".into(),
            )),
            "delay" => {
                let e = args.first().ok_or_else(bad)?;
                Ok(Value::Promise(Rc::new((e.clone(), env.clone(), m))))
            }
            "match" => {
                let v = self.eval(args.first().ok_or_else(bad)?, env, m)?;
                self.match_value(&v, &args[1..], env, m)
            }
            "match-lambda" => Ok(Value::Prim(Rc::new(Prim::MatchLambda {
                clauses: args.to_vec(),
                env: env.clone(),
                module: m,
            }))),
            "format" | "simple-format" => {
                let dest = self.eval(args.first().ok_or_else(bad)?, env, m)?;
                if !dest.is_false() {
                    return Err(EvalError::Unsupported("format to a port".into()));
                }
                let fmt = self.string(args.get(1).ok_or_else(bad)?, env, m)?;
                let values = args[2..]
                    .iter()
                    .map(|a| self.eval(a, env, m))
                    .collect::<Result<Vec<_>, _>>()?;
                let s = super::strings::format(&fmt, &values)?;
                self.charge(s.len())?;
                Ok(Value::Str(s))
            }
            "char-set" => {
                let mut chars = Vec::new();
                for a in args {
                    match self.eval(a, env, m)? {
                        Value::Char(c) => chars.push(c),
                        _ => return Err(bad()),
                    }
                }
                Ok(Value::CharSet(Rc::new(super::CharSet {
                    chars,
                    complement: false,
                })))
            }
            "%current-target-system" => Ok(Value::Bool(false)),
            "%current-system" => Ok(Value::Str("x86_64-linux".into())),
            "supported-package?" => Ok(Value::Bool(true)),
            "origin" => Ok(Value::Opaque("origin")),
            "bootloader" => Ok(Value::Opaque("bootloader")),
            "operating-system" => Ok(Value::Opaque("operating-system")),
            "plain-file" | "local-file" | "computed-file" | "program-file" | "scheme-file"
            | "mixed-text-file" => Ok(Value::Opaque("file-like object")),
            _ => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, env, m)?);
                }
                if !tolerates_unknown(head) && values.iter().any(|v| matches!(v, Value::Unknown)) {
                    return Err(EvalError::Unsupported(format!(
                        "{head} of an unknown value"
                    )));
                }
                self.apply_prim(head, values)
            }
        }
    }

    fn eval_let(&self, head: &str, args: &[Datum], env: &Lex, m: usize) -> EResult {
        let bad = || EvalError::BadArguments(head.to_string());
        let bindings = args.first().ok_or_else(bad)?;
        let Some(bindings) = bindings.as_list() else {
            // Named let: a loop.
            return Err(EvalError::Unsupported("named let".into()));
        };
        let sequential = head != "let";
        let mut vars = Vec::new();
        let mut new_env = env.clone();
        for binding in bindings {
            let pair = binding.as_list().ok_or_else(bad)?;
            let name = pair.first().and_then(Datum::as_symbol).ok_or_else(bad)?;
            let value = match pair.get(1) {
                Some(e) => self.eval_lazy(e, if sequential { &new_env } else { env }, m),
                None => Ok(Value::Unknown),
            };
            if sequential {
                new_env = Env::extend(&new_env, vec![(name.to_string(), value)]);
            } else {
                vars.push((name.to_string(), value));
            }
        }
        if !sequential {
            new_env = Env::extend(env, vars);
        }
        self.eval_body(&args[1..], &new_env, m)
    }

    fn eval_cond(&self, clauses: &[Datum], env: &Lex, m: usize) -> EResult {
        for clause in clauses {
            let items = clause
                .as_list()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| EvalError::BadArguments("cond".into()))?;
            if items[0].as_symbol() == Some("else") {
                return self.eval_body(&items[1..], env, m);
            }
            let test = self.eval(&items[0], env, m)?;
            if let Value::Unknown = test {
                return Err(EvalError::Unsupported("cond with unknown test".into()));
            }
            if test.is_false() {
                continue;
            }
            return match &items[1..] {
                [] => Ok(test),
                [arrow, f] if arrow.as_symbol() == Some("=>") => {
                    let f = self.eval(f, env, m)?;
                    self.call_simple(&f, vec![test])
                }
                body => self.eval_body(body, env, m),
            };
        }
        Ok(Value::Unknown)
    }

    /// `(match V CLAUSE...)`: the first clause whose pattern matches.
    pub(super) fn match_value(&self, v: &Value, clauses: &[Datum], env: &Lex, m: usize) -> EResult {
        for clause in clauses {
            let items = clause
                .as_list()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| EvalError::BadArguments("match".into()))?;
            let mut bindings = Vec::new();
            if self.match_pattern(&items[0], v, &mut bindings, env, m)? {
                return self.eval_body(&items[1..], &Env::extend(env, bindings), m);
            }
        }
        Err(EvalError::Unsupported("match: no clause matched".into()))
    }

    /// Matches `(ice-9 match)` patterns: `_`, variables, literals, quote,
    /// `(? pred pat...)`, `(or ...)`, `(and ...)`, list and dotted patterns.
    fn match_pattern(
        &self,
        pattern: &Datum,
        v: &Value,
        b: &mut Vec<(String, EResult)>,
        env: &Lex,
        m: usize,
    ) -> Result<bool, EvalError> {
        let _guard = self.enter()?;
        match pattern {
            Datum::Symbol(s) if s == "_" || s == "else" => Ok(true),
            Datum::Symbol(s) => {
                b.push((s.clone(), Ok(v.clone())));
                Ok(true)
            }
            Datum::Str(_) | Datum::Char(_) | Datum::Bool(_) | Datum::Number(_) => {
                Ok(super::equal(&quoted(pattern), v))
            }
            Datum::Keyword(_) => Ok(super::equal(&quoted(pattern), v)),
            Datum::List { items, tail, .. } => {
                match (pattern.head(), items.as_slice()) {
                    (Some("quote"), [_, d]) => return Ok(super::equal(&quoted(d), v)),
                    (Some("?"), [_, pred, rest @ ..]) => {
                        let f = self.eval(pred, env, m)?;
                        if self.call_simple(&f, vec![v.clone()])?.is_false() {
                            return Ok(false);
                        }
                        for p in rest {
                            if !self.match_pattern(p, v, b, env, m)? {
                                return Ok(false);
                            }
                        }
                        return Ok(true);
                    }
                    (Some("or"), [_, alternatives @ ..]) => {
                        for p in alternatives {
                            if self.match_pattern(p, v, b, env, m)? {
                                return Ok(true);
                            }
                        }
                        return Ok(false);
                    }
                    (Some("and"), [_, all @ ..]) => {
                        for p in all {
                            if !self.match_pattern(p, v, b, env, m)? {
                                return Ok(false);
                            }
                        }
                        return Ok(true);
                    }
                    _ => {}
                }
                let Value::List(values, vtail) = v else {
                    return Ok(false);
                };
                if items.len() >= 2 && items.last().and_then(Datum::as_symbol) == Some("...") {
                    return Err(EvalError::Unsupported("match ellipsis".into()));
                }
                match tail {
                    None => {
                        if items.len() != values.len() || vtail.is_some() {
                            return Ok(false);
                        }
                        for (p, x) in items.iter().zip(values) {
                            if !self.match_pattern(p, x, b, env, m)? {
                                return Ok(false);
                            }
                        }
                        Ok(true)
                    }
                    Some(t) => {
                        if values.len() < items.len() {
                            return Ok(false);
                        }
                        for (p, x) in items.iter().zip(values) {
                            if !self.match_pattern(p, x, b, env, m)? {
                                return Ok(false);
                            }
                        }
                        let rest = &values[items.len()..];
                        let rest = match (rest.is_empty(), vtail) {
                            (true, Some(t)) => (**t).clone(),
                            _ => Value::List(rest.to_vec(), vtail.clone()),
                        };
                        self.match_pattern(t, &rest, b, env, m)
                    }
                }
            }
            _ => Err(EvalError::Unsupported("match pattern".into())),
        }
    }

    pub(super) fn eval_package(
        &self,
        inherit: Option<&Datum>,
        fields: &[Datum],
        env: &Lex,
        m: usize,
    ) -> EResult {
        let mut parent_expr = inherit;
        for field in fields {
            if field.head() == Some("inherit") {
                parent_expr = field.as_list().and_then(|items| items.get(1));
            }
        }
        let (parent, parent_var) = match parent_expr {
            Some(p) => match self.eval(p, env, m)? {
                Value::Pkg(p, var) => (Some((*p).clone()), var),
                other => return Err(EvalError::NotPackage(other.describe())),
            },
            None => (None, None),
        };
        let mut name: Option<(Option<String>, Source)> = None;
        let mut version: Option<(String, Source)> = None;
        let mut properties: Option<&Datum> = None;
        // Fields may refer to the fields given before them (Guix records
        // bind them with `let*`; inherited fields are not bound).
        let mut field_env = env.clone();
        for field in fields {
            let Some(items) = field.as_list() else {
                continue;
            };
            let (Some(key), Some(value)) = (field.head(), items.get(1)) else {
                continue;
            };
            match key {
                "name" | "version" => {
                    let (text, source) = match value {
                        Datum::Str(s) => (Some(s.clone()), Source::Literal),
                        Datum::Bool(false) if key == "name" => (None, Source::Literal),
                        other => (Some(self.string(other, &field_env, m)?), Source::Computed),
                    };
                    let bound = match &text {
                        Some(s) => Value::Str(s.clone()),
                        None => Value::Bool(false),
                    };
                    field_env = Env::extend(&field_env, vec![(key.to_string(), Ok(bound))]);
                    if key == "name" {
                        name = Some((text, source));
                    } else {
                        version = Some((text.unwrap_or_default(), source));
                    }
                }
                "properties" => {
                    properties = Some(value);
                    let v = self.eval_lazy(value, &field_env, m);
                    field_env = Env::extend(&field_env, vec![("properties".to_string(), v)]);
                }
                _ => {}
            }
        }
        let (name, name_source) = match (name, &parent) {
            (Some(n), _) => n,
            (None, Some(p)) => (p.name.clone(), Source::Inherited),
            (None, None) => return Err(EvalError::MissingField("name")),
        };
        let (version, version_source) = match (version, &parent) {
            (Some(v), _) => v,
            (None, Some(p)) => (p.version.clone(), Source::Inherited),
            (None, None) => return Err(EvalError::MissingField("version")),
        };
        let (hidden, superseded) = match properties {
            Some(expr) => self.properties(expr, &field_env, m),
            None => parent
                .as_ref()
                .map(|p| (p.hidden, p.superseded.clone()))
                .unwrap_or((false, None)),
        };
        Ok(Value::Pkg(
            Rc::new(Pkg {
                name,
                version,
                hidden,
                superseded,
                inherits: parent_var,
                name_source,
                version_source,
                via: Vec::new(),
            }),
            None,
        ))
    }

    /// The `hidden?` and `superseded` entries of a `properties` field;
    /// `(key . value)` and `(key value ...)` entries both count.
    fn properties(&self, expr: &Datum, env: &Lex, m: usize) -> (bool, Option<String>) {
        let mut hidden = None;
        let mut superseded = None;
        if let Ok(Value::List(entries, _)) = self.eval(expr, env, m) {
            for entry in entries {
                let Value::List(items, tail) = entry else {
                    continue;
                };
                let Some(Value::Sym(key)) = items.first() else {
                    continue;
                };
                let value = if items.len() == 1 {
                    match tail {
                        Some(t) => *t,
                        None => Value::empty(),
                    }
                } else {
                    Value::List(items[1..].to_vec(), tail)
                };
                match (key.as_str(), value) {
                    ("hidden?", v) if hidden.is_none() => hidden = Some(!v.is_false()),
                    ("superseded", Value::Pkg(_, Some(var))) if superseded.is_none() => {
                        superseded = Some(var)
                    }
                    _ => {}
                }
            }
        }
        if hidden.is_none() || superseded.is_none() {
            let (mut h, mut s) = (None, None);
            scan_properties(expr, &mut h, &mut s, 0);
            hidden = hidden.or(h);
            superseded = superseded.or(s);
        }
        (hidden.unwrap_or(false), superseded)
    }

    fn quasi(&self, template: &Datum, env: &Lex, m: usize) -> EResult {
        let _guard = self.enter()?;
        match template {
            Datum::List { items, tail, .. } => {
                if items.len() == 2 && tail.is_none() && items[0].as_symbol() == Some("unquote") {
                    return Ok(self.eval(&items[1], env, m).unwrap_or(Value::Unknown));
                }
                let mut out = Vec::new();
                for item in items {
                    if item.head() == Some("unquote-splicing") {
                        let spliced = item
                            .as_list()
                            .and_then(|l| l.get(1))
                            .map(|e| self.eval(e, env, m));
                        match spliced {
                            Some(Ok(Value::List(values, None))) => out.extend(values),
                            _ => out.push(Value::Unknown),
                        }
                    } else {
                        out.push(self.quasi(item, env, m)?);
                    }
                }
                self.charge(out.len())?;
                let tail = match tail {
                    Some(t) => Some(Box::new(self.quasi(t, env, m)?)),
                    None => None,
                };
                Ok(Value::List(out, tail))
            }
            other => Ok(quoted(other)),
        }
    }
}

/// A fallback for `properties` expressions that cannot be evaluated: looks
/// for literal `(hidden? . #t)` and `(superseded . ,X)` entries.
fn scan_properties(
    expr: &Datum,
    hidden: &mut Option<bool>,
    superseded: &mut Option<String>,
    depth: usize,
) {
    if depth > crate::reader::MAX_DEPTH {
        return;
    }
    if let Datum::List { items, tail, .. } = expr {
        if let (Some(Datum::Symbol(key)), Some(value), 1) = (items.first(), tail, items.len()) {
            if key == "hidden?" && hidden.is_none() {
                *hidden = Some(!matches!(**value, Datum::Bool(false)));
            }
            if key == "superseded" && superseded.is_none() {
                if let Some([_, Datum::Symbol(var)]) = value.as_list() {
                    if value.head() == Some("unquote") {
                        *superseded = Some(var.clone());
                    }
                }
            }
        }
        for item in items {
            scan_properties(item, hidden, superseded, depth + 1);
        }
    }
}
