//! A small partial evaluator for Guix package definitions.
//!
//! It evaluates just enough of a definition to learn a package's name,
//! version, `hidden?` and `superseded` properties and how they were obtained
//! (literal, computed, inherited; through which procedure).  It knows
//! `package`, `package/inherit`, `hidden-package`, `deprecated-package`, the
//! `let` family, `begin`, `lambda`/`define` (procedures of the package
//! modules are inlined), quote and quasiquote, and a handful of string
//! procedures (`string-append`, `git-version`, `hg-version`,
//! `package-version`, `version-major+minor`, ...).  Module-level variables
//! are looked up in the module and then in the `(gnu packages ...)` modules
//! it imports, and evaluated once.  Anything else is an [`EvalError`]: the
//! caller skips that definition instead of guessing.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use thiserror::Error;

use crate::module::{parse_params, Def, Module, Params};
use crate::reader::Datum;

/// Deepest evaluation nesting (inheritance chains, calls, lets) accepted.
const MAX_DEPTH: usize = 300;

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum EvalError {
    #[error("unbound variable `{0}`")]
    Unbound(String),
    #[error("unsupported procedure or syntax `{0}`")]
    Unsupported(String),
    #[error("`{0}`: wrong type or number of arguments")]
    BadArguments(String),
    #[error("expected a package, got {0}")]
    NotPackage(String),
    #[error("package has no `{0}` field")]
    MissingField(&'static str),
    #[error("circular definition of `{0}`")]
    Cycle(String),
    #[error("evaluation nested too deeply")]
    TooDeep,
}

/// How a package field got its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Literal,
    Computed,
    Inherited,
}

/// What the evaluator learnt about a package.
#[derive(Clone, Debug, PartialEq)]
pub struct Pkg {
    pub name: String,
    pub version: String,
    pub hidden: bool,
    /// The variable named by the `superseded` property.
    pub superseded: Option<String>,
    /// The parent expression of `(inherit X)` / `package/inherit`.
    pub inherits: Option<String>,
    pub name_source: Source,
    pub version_source: Source,
    /// Procedures that produced the package, outermost first.
    pub via: Vec<String>,
}

/// A procedure value.
#[derive(Debug)]
pub struct Closure {
    name: String,
    params: Params,
    body: Vec<Datum>,
    env: Option<Rc<Env>>,
    module: usize,
}

/// A value of the evaluator.
#[derive(Clone, Debug)]
pub enum Value {
    Str(String),
    Int(i64),
    Sym(String),
    Bool(bool),
    List(Vec<Value>, Option<Box<Value>>),
    /// A package and the variable it was read from, if any.
    Pkg(Rc<Pkg>, Option<String>),
    Proc(Rc<Closure>),
    /// Something the evaluator does not model (a gexp, an origin, ...).
    Unknown,
}

impl Value {
    fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("the string {s:?}"),
            Value::Int(i) => format!("the number {i}"),
            Value::Sym(s) => format!("the symbol {s}"),
            Value::Bool(_) => "a boolean".into(),
            Value::List(..) => "a list".into(),
            Value::Pkg(..) => "a package".into(),
            Value::Proc(_) => "a procedure".into(),
            Value::Unknown => "an unknown value".into(),
        }
    }
}

/// A lexical environment frame.
#[derive(Debug)]
pub struct Env {
    vars: Vec<(String, Result<Value, EvalError>)>,
    parent: Option<Rc<Env>>,
}

impl Env {
    fn lookup(env: &Option<Rc<Env>>, name: &str) -> Option<Result<Value, EvalError>> {
        let mut cur = env.as_ref();
        while let Some(frame) = cur {
            if let Some((_, v)) = frame.vars.iter().rev().find(|(n, _)| n == name) {
                return Some(v.clone());
            }
            cur = frame.parent.as_ref();
        }
        None
    }

    fn extend(
        parent: &Option<Rc<Env>>,
        vars: Vec<(String, Result<Value, EvalError>)>,
    ) -> Option<Rc<Env>> {
        Some(Rc::new(Env {
            vars,
            parent: parent.clone(),
        }))
    }
}

type Lex = Option<Rc<Env>>;
type EResult = Result<Value, EvalError>;

/// The evaluator over a set of scanned modules.
pub struct World<'m> {
    modules: &'m [Module],
    by_name: HashMap<&'m str, usize>,
    cache: RefCell<HashMap<(usize, String), EResult>>,
    in_progress: RefCell<Vec<(usize, String)>>,
    depth: Cell<usize>,
}

/// Names that are procedures or syntax the evaluator implements.
const BUILTINS: &[&str] = &[
    "quote",
    "quasiquote",
    "let",
    "let*",
    "letrec",
    "letrec*",
    "begin",
    "lambda",
    "lambda*",
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
];

impl<'m> World<'m> {
    pub fn new(modules: &'m [Module]) -> Self {
        World {
            modules,
            by_name: modules
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name.as_str(), i))
                .collect(),
            cache: RefCell::new(HashMap::new()),
            in_progress: RefCell::new(Vec::new()),
            depth: Cell::new(0),
        }
    }

    /// Evaluates `expr` at the top level of module `m`.
    pub fn eval_top(&self, expr: &Datum, m: usize) -> EResult {
        self.eval(expr, &None, m)
    }

    /// The value of variable `name` as seen from module `m` at top level.
    pub fn lookup_global(&self, name: &str, m: usize) -> EResult {
        self.lookup(name, &None, m)
    }

    fn enter(&self) -> Result<DepthGuard<'_>, EvalError> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        self.depth.set(d);
        Ok(DepthGuard(&self.depth))
    }

    fn lookup(&self, name: &str, env: &Lex, m: usize) -> EResult {
        if let Some(v) = Env::lookup(env, name) {
            return v;
        }
        if let Some(v) = self.module_var(m, name) {
            return v;
        }
        for import in &self.modules[m].imports {
            let Some(&target) = self.by_name.get(import.module.as_str()) else {
                continue;
            };
            let Some(source_name) = import.source_name(name) else {
                continue;
            };
            if !self.modules[target].visible.contains(&source_name) {
                continue;
            }
            if let Some(v) = self.module_var(target, &source_name) {
                return v;
            }
        }
        Err(EvalError::Unbound(name.to_string()))
    }

    /// Evaluates (once) a module-level definition.
    fn module_var(&self, m: usize, name: &str) -> Option<EResult> {
        let def = self.modules[m].defs.get(name)?;
        let key = (m, name.to_string());
        if let Some(v) = self.cache.borrow().get(&key) {
            return Some(v.clone());
        }
        if self.in_progress.borrow().contains(&key) {
            return Some(Err(EvalError::Cycle(name.to_string())));
        }
        self.in_progress.borrow_mut().push(key.clone());
        let result = match def {
            Def::Value(expr) => self.eval(expr, &None, m).map(|v| match v {
                Value::Pkg(p, None) => Value::Pkg(p, Some(name.to_string())),
                other => other,
            }),
            Def::Proc { params, body } => Ok(Value::Proc(Rc::new(Closure {
                name: name.to_string(),
                params: params.clone(),
                body: body.clone(),
                env: None,
                module: m,
            }))),
        };
        self.in_progress.borrow_mut().retain(|k| k != &key);
        // Results that failed only because of a cycle are not cached, so that
        // a later lookup from outside the cycle can succeed.
        if !matches!(result, Err(EvalError::Cycle(_) | EvalError::TooDeep)) {
            self.cache.borrow_mut().insert(key, result.clone());
        }
        Some(result)
    }

    fn eval(&self, expr: &Datum, env: &Lex, m: usize) -> EResult {
        let _guard = self.enter()?;
        match expr {
            Datum::Str(s) => Ok(Value::Str(s.clone())),
            Datum::Number(n) => Ok(n.parse().map(Value::Int).unwrap_or(Value::Unknown)),
            Datum::Bool(b) => Ok(Value::Bool(*b)),
            Datum::Keyword(k) => Ok(Value::Sym(format!("#:{k}"))),
            Datum::Symbol(s) => match self.lookup(s, env, m)? {
                Value::Pkg(p, _) => Ok(Value::Pkg(p, Some(s.clone()))),
                other => Ok(other),
            },
            Datum::List {
                items, tail: None, ..
            } if !items.is_empty() => self.eval_call(items, env, m),
            _ => Ok(Value::Unknown),
        }
    }

    fn eval_call(&self, items: &[Datum], env: &Lex, m: usize) -> EResult {
        let args = &items[1..];
        let Some(head) = items[0].as_symbol() else {
            return Err(EvalError::Unsupported(items[0].to_string()));
        };
        let lexical = Env::lookup(env, head);
        if lexical.is_none() && BUILTINS.contains(&head) {
            return self.eval_builtin(head, args, env, m);
        }
        let proc = match lexical {
            Some(v) => v?,
            None => match self.lookup(head, env, m) {
                Ok(v) => v,
                Err(EvalError::Unbound(_)) => return Err(EvalError::Unsupported(head.to_string())),
                Err(e) => return Err(e),
            },
        };
        let Value::Proc(closure) = proc else {
            return Err(EvalError::Unsupported(head.to_string()));
        };
        let values = args
            .iter()
            .map(|a| self.eval(a, env, m))
            .collect::<Vec<_>>();
        let result = self.apply(&closure, values)?;
        Ok(match result {
            Value::Pkg(p, _) => {
                let mut p = (*p).clone();
                p.via.insert(0, closure.name.clone());
                Value::Pkg(Rc::new(p), None)
            }
            other => other,
        })
    }

    fn apply(&self, closure: &Closure, args: Vec<EResult>) -> EResult {
        let params = &closure.params;
        let mut positional = Vec::new();
        let mut keywords: Vec<(String, EResult)> = Vec::new();
        let mut iter = args.into_iter();
        while let Some(arg) = iter.next() {
            match &arg {
                Ok(Value::Sym(s)) if s.starts_with("#:") && !params.keys.is_empty() => {
                    let value = iter
                        .next()
                        .ok_or_else(|| EvalError::BadArguments(closure.name.clone()))?;
                    keywords.push((s[2..].to_string(), value));
                }
                _ => positional.push(arg),
            }
        }
        if positional.len() < params.required.len()
            || (params.rest.is_none()
                && positional.len() > params.required.len() + params.optional.len())
        {
            return Err(EvalError::BadArguments(closure.name.clone()));
        }
        let mut positional = positional.into_iter();
        let mut vars = Vec::new();
        for name in &params.required {
            vars.push((name.clone(), positional.next().expect("counted above")));
        }
        // Defaults are evaluated in order, seeing the earlier parameters.
        let mut env = Env::extend(&closure.env, vars);
        for (name, default) in &params.optional {
            let value = match positional.next() {
                Some(v) => v,
                None => self.eval_default(default.as_ref(), &env, closure.module),
            };
            env = Env::extend(&env, vec![(name.clone(), value)]);
        }
        if let Some(rest) = &params.rest {
            let rest_values: Result<Vec<Value>, EvalError> = positional.collect();
            env = Env::extend(
                &env,
                vec![(rest.clone(), rest_values.map(|v| Value::List(v, None)))],
            );
        }
        for (name, default) in &params.keys {
            let value = match keywords.iter().position(|(k, _)| k == name) {
                Some(i) => keywords.swap_remove(i).1,
                None => self.eval_default(default.as_ref(), &env, closure.module),
            };
            env = Env::extend(&env, vec![(name.clone(), value)]);
        }
        self.eval_body(&closure.body, &env, closure.module)
    }

    fn eval_default(&self, default: Option<&Datum>, env: &Lex, m: usize) -> EResult {
        match default {
            Some(d) => self.eval(d, env, m),
            None => Ok(Value::Bool(false)),
        }
    }

    /// Evaluates a body: internal defines, then expressions; the last wins.
    fn eval_body(&self, body: &[Datum], env: &Lex, m: usize) -> EResult {
        let mut env = env.clone();
        let Some((last, init)) = body.split_last() else {
            return Err(EvalError::Unsupported("empty body".into()));
        };
        // Expressions before the last have no effect on the result; only
        // internal definitions matter.
        for form in init {
            let (Some(items), Some("define" | "define*")) = (form.as_list(), form.head()) else {
                continue;
            };
            match items.get(1) {
                Some(Datum::Symbol(name)) if items.len() == 3 => {
                    let v = self.eval(&items[2], &env, m);
                    env = Env::extend(&env, vec![(name.clone(), v)]);
                }
                Some(sig @ Datum::List { .. }) => {
                    if let Some((name, params)) = crate::module::parse_signature(sig) {
                        let closure = Value::Proc(Rc::new(Closure {
                            name: name.clone(),
                            params,
                            body: items[2..].to_vec(),
                            env: env.clone(),
                            module: m,
                        }));
                        env = Env::extend(&env, vec![(name, Ok(closure))]);
                    }
                }
                _ => {}
            }
        }
        self.eval(last, &env, m)
    }

    fn eval_builtin(&self, head: &str, args: &[Datum], env: &Lex, m: usize) -> EResult {
        let bad = || EvalError::BadArguments(head.to_string());
        match head {
            "quote" => Ok(quoted(args.first().ok_or_else(bad)?)),
            "quasiquote" => self.quasi(args.first().ok_or_else(bad)?, env, m),
            "let" | "let*" | "letrec" | "letrec*" => {
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
                        Some(e) => self.eval(e, if sequential { &new_env } else { env }, m),
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
            "begin" => self.eval_body(args, env, m),
            "lambda" | "lambda*" => {
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
                Ok(Value::Proc(Rc::new(Closure {
                    name: "lambda".into(),
                    params,
                    body: args[1..].to_vec(),
                    env: env.clone(),
                    module: m,
                })))
            }
            "package" => self.eval_package(None, args, env, m),
            "package/inherit" => {
                let parent = args.first().ok_or_else(bad)?;
                self.eval_package(Some(parent), &args[1..], env, m)
            }
            "hidden-package" => {
                let [arg] = args else { return Err(bad()) };
                let mut pkg = self.package_of(arg, env, m)?;
                if arg.as_symbol().is_some() {
                    pkg = Pkg {
                        inherits: Some(arg.to_string()),
                        name_source: Source::Inherited,
                        version_source: Source::Inherited,
                        via: Vec::new(),
                        ..pkg
                    };
                }
                pkg.hidden = true;
                Ok(Value::Pkg(Rc::new(pkg), None))
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
                        name,
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
                Ok(Value::Str(self.package_of(p, env, m)?.name))
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
                    // Guile's version procedures fail on short versions
                    // (except version-major+minor, which pads... do not guess).
                    return Err(bad());
                }
                Ok(Value::Str(parts[..n].join(".")))
            }
            "list" => Ok(Value::List(
                args.iter()
                    .map(|a| self.eval(a, env, m).unwrap_or(Value::Unknown))
                    .collect(),
                None,
            )),
            "cons" => {
                let [a, d] = args else { return Err(bad()) };
                let a = self.eval(a, env, m).unwrap_or(Value::Unknown);
                match self.eval(d, env, m).unwrap_or(Value::Unknown) {
                    Value::List(mut items, tail) => {
                        items.insert(0, a);
                        Ok(Value::List(items, tail))
                    }
                    other => Ok(Value::List(vec![a], Some(Box::new(other)))),
                }
            }
            _ => Err(EvalError::Unsupported(head.to_string())),
        }
    }

    fn string(&self, expr: &Datum, env: &Lex, m: usize) -> Result<String, EvalError> {
        match self.eval(expr, env, m)? {
            Value::Str(s) => Ok(s),
            other => Err(EvalError::BadArguments(format!(
                "{expr}` is {}, not a string; `",
                other.describe()
            ))),
        }
    }

    fn package_of(&self, expr: &Datum, env: &Lex, m: usize) -> Result<Pkg, EvalError> {
        match self.eval(expr, env, m)? {
            Value::Pkg(p, _) => Ok((*p).clone()),
            other => Err(EvalError::NotPackage(other.describe())),
        }
    }

    fn eval_package(
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
        let parent = match parent_expr {
            Some(p) => Some(self.package_of(p, env, m)?),
            None => None,
        };
        let mut name: Option<(String, Source)> = None;
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
                    let result = match value {
                        Datum::Str(s) => (s.clone(), Source::Literal),
                        other => (self.string(other, &field_env, m)?, Source::Computed),
                    };
                    field_env = Env::extend(
                        &field_env,
                        vec![(key.to_string(), Ok(Value::Str(result.0.clone())))],
                    );
                    if key == "name" {
                        name = Some(result);
                    } else {
                        version = Some(result);
                    }
                }
                "properties" => properties = Some(value),
                _ => {}
            }
        }
        let inherited =
            |f: fn(&Pkg) -> &String| parent.as_ref().map(|p| (f(p).clone(), Source::Inherited));
        let (name, name_source) = name
            .or_else(|| inherited(|p| &p.name))
            .ok_or(EvalError::MissingField("name"))?;
        let (version, version_source) = version
            .or_else(|| inherited(|p| &p.version))
            .ok_or(EvalError::MissingField("version"))?;
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
                inherits: parent_expr.map(Datum::to_string),
                name_source,
                version_source,
                via: Vec::new(),
            }),
            None,
        ))
    }

    /// The `hidden?` and `superseded` entries of a `properties` field.
    fn properties(&self, expr: &Datum, env: &Lex, m: usize) -> (bool, Option<String>) {
        let mut hidden = None;
        let mut superseded = None;
        if let Ok(Value::List(entries, _)) = self.eval(expr, env, m) {
            for entry in entries {
                let Value::List(key, Some(value)) = entry else {
                    continue;
                };
                match (key.as_slice(), *value) {
                    ([Value::Sym(k)], v) if k == "hidden?" && hidden.is_none() => {
                        hidden = Some(!matches!(v, Value::Bool(false)));
                    }
                    ([Value::Sym(k)], Value::Pkg(_, Some(var)))
                        if k == "superseded" && superseded.is_none() =>
                    {
                        superseded = Some(var);
                    }
                    _ => {}
                }
            }
        }
        if hidden.is_none() || superseded.is_none() {
            let (mut h, mut s) = (None, None);
            scan_properties(expr, &mut h, &mut s);
            hidden = hidden.or(h);
            superseded = superseded.or(s);
        }
        (hidden.unwrap_or(false), superseded)
    }

    fn quasi(&self, template: &Datum, env: &Lex, m: usize) -> EResult {
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
fn scan_properties(expr: &Datum, hidden: &mut Option<bool>, superseded: &mut Option<String>) {
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
            scan_properties(item, hidden, superseded);
        }
    }
}

/// The value of a quoted datum.
fn quoted(datum: &Datum) -> Value {
    match datum {
        Datum::Str(s) => Value::Str(s.clone()),
        Datum::Number(n) => n.parse().map(Value::Int).unwrap_or(Value::Unknown),
        Datum::Symbol(s) => Value::Sym(s.clone()),
        Datum::Keyword(k) => Value::Sym(format!("#:{k}")),
        Datum::Bool(b) => Value::Bool(*b),
        Datum::List { items, tail, .. } => Value::List(
            items.iter().map(quoted).collect(),
            tail.as_ref().map(|t| Box::new(quoted(t))),
        ),
        _ => Value::Unknown,
    }
}

struct DepthGuard<'a>(&'a Cell<usize>);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}
