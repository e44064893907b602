//! A small partial evaluator for Guix package definitions.
//!
//! It evaluates just enough of a definition to learn a package's name,
//! version, `hidden?` and `superseded` properties and how they were obtained
//! (literal, computed, inherited; through which procedure).  Module-level
//! variables are looked up in the module and then in the modules it imports
//! (the `(gnu packages ...)` modules and the `(gnu build ...)`-style modules
//! they import), and evaluated once.  Procedures of those modules are
//! inlined.  Anything else is an [`EvalError`]: the caller skips that
//! definition instead of guessing.
//!
//! This file holds the values, the environment, variable lookup and
//! procedure application; [`forms`] has the special forms and `package`,
//! [`procs`] the list, number and predicate procedures, [`strings`] the
//! string and character procedures, and [`transform`] the Guix package
//! transformers (`sbcl-package->ecl-package`, `package-input-rewriting`,
//! ...) and `define-record-type*` records.
//!
//! Evaluation is bounded: it nests at most [`MAX_DEPTH`] deep, and each
//! top-level evaluation has [`FUEL`] units of work (one per evaluation step,
//! plus the size of every string or list built), all of them together
//! [`TOTAL_FUEL`].

mod forms;
mod procs;
mod strings;
mod transform;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use thiserror::Error;

use crate::macros::Macro;
use crate::module::{Def, Module, Params};
use crate::reader::Datum;

pub use transform::Transformer;

/// Deepest evaluation nesting (inheritance chains, calls, lets) accepted.
const MAX_DEPTH: usize = 300;

/// Work allowed for one top-level evaluation (indexing the Guix checkout
/// of the shipped index needs at most about 1 300 for one definition).
pub const FUEL: u64 = 1_000_000;

/// Work allowed for all the evaluations of one [`World`] (indexing the
/// Guix checkout of the shipped index needs about 220 000 in all).
pub const TOTAL_FUEL: u64 = 200_000_000;

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
    #[error("evaluation took too many steps")]
    OutOfFuel,
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
    /// `None` for `(name #f)` (a base that its users rename).
    pub name: Option<String>,
    pub version: String,
    pub hidden: bool,
    /// The variable named by the `superseded` property.
    pub superseded: Option<String>,
    /// The variable the parent package (`(inherit X)`, `package/inherit`)
    /// was read from.
    pub inherits: Option<String>,
    pub name_source: Source,
    pub version_source: Source,
    /// Procedures and transformers that produced the package, innermost
    /// first.
    pub via: Vec<String>,
}

/// A procedure value.
#[derive(Debug)]
pub struct Closure {
    name: String,
    /// A `lambda` (not recorded in `via`).
    anonymous: bool,
    params: Params,
    body: Vec<Datum>,
    env: Lex,
    module: usize,
}

/// A procedure implemented by the evaluator, as a value.
#[derive(Debug)]
pub enum Prim {
    /// A builtin procedure passed as a value (`keyword?`, `target-arm?`...).
    Builtin(String),
    /// `(negate F)`.
    Negate(Value),
    /// `(const V)`.
    Const(Value),
    /// `(match-lambda CLAUSE...)`.
    MatchLambda {
        clauses: Vec<Datum>,
        env: Lex,
        module: usize,
    },
    /// A Guix package transformer.
    Transformer(Transformer),
}

/// A character set (`char-set`, `char-set-complement`).
#[derive(Clone, Debug, PartialEq)]
pub struct CharSet {
    pub chars: Vec<char>,
    pub complement: bool,
}

impl CharSet {
    pub fn contains(&self, c: char) -> bool {
        self.chars.contains(&c) != self.complement
    }
}

/// A `define-record-type*` record: its type's constructor and its fields.
#[derive(Debug)]
pub struct Record {
    pub constructor: String,
    pub fields: Vec<(String, EResult)>,
}

/// A value of the evaluator.
#[derive(Clone, Debug)]
pub enum Value {
    Str(String),
    Int(i64),
    Char(char),
    Sym(String),
    /// `#:name`, without the prefix.
    Keyword(String),
    Bool(bool),
    List(Vec<Value>, Option<Box<Value>>),
    /// A package and the variable it was read from, if any.
    Pkg(Rc<Pkg>, Option<String>),
    Proc(Rc<Closure>),
    Prim(Rc<Prim>),
    CharSet(Rc<CharSet>),
    Record(Rc<Record>),
    /// `(delay EXPR)`.
    Promise(Rc<(Datum, Lex, usize)>),
    /// A value known not to be a package (`origin`, `plain-file`, ...).
    Opaque(&'static str),
    /// Something the evaluator does not model (a gexp, a vector, ...).
    Unknown,
}

impl Value {
    pub fn describe(&self) -> String {
        match self {
            Value::Str(s) => format!("the string {s:?}"),
            Value::Int(i) => format!("the number {i}"),
            Value::Char(c) => format!("the character {c:?}"),
            Value::Sym(s) => format!("the symbol {s}"),
            Value::Keyword(s) => format!("the symbol #:{s}"),
            Value::Bool(_) => "a boolean".into(),
            Value::List(..) => "a list".into(),
            Value::Pkg(..) => "a package".into(),
            Value::Proc(_) | Value::Prim(_) => "a procedure".into(),
            Value::CharSet(_) => "a character set".into(),
            Value::Record(_) => "a record".into(),
            Value::Promise(_) => "a promise".into(),
            Value::Opaque(what) => format!("an {what}"),
            Value::Unknown => "an unknown value".into(),
        }
    }

    fn is_false(&self) -> bool {
        matches!(self, Value::Bool(false))
    }

    fn empty() -> Value {
        Value::List(Vec::new(), None)
    }

    fn is_procedure(&self) -> bool {
        matches!(self, Value::Proc(_) | Value::Prim(_))
    }
}

/// A lexical environment frame.
#[derive(Debug)]
pub struct Env {
    vars: Vec<(String, EResult)>,
    parent: Lex,
}

impl Env {
    fn lookup(env: &Lex, name: &str) -> Option<EResult> {
        let mut cur = env.as_ref();
        while let Some(frame) = cur {
            if let Some((_, v)) = frame.vars.iter().rev().find(|(n, _)| n == name) {
                return Some(v.clone());
            }
            cur = frame.parent.as_ref();
        }
        None
    }

    fn extend(parent: &Lex, vars: Vec<(String, EResult)>) -> Lex {
        Some(Rc::new(Env {
            vars,
            parent: parent.clone(),
        }))
    }
}

/// A lexical environment (`None` at top level).
pub type Lex = Option<Rc<Env>>;
pub type EResult = Result<Value, EvalError>;

/// The evaluator over a set of scanned modules.
pub struct World<'m> {
    modules: &'m [Module],
    by_name: HashMap<&'m str, usize>,
    cache: RefCell<HashMap<(usize, String), EResult>>,
    in_progress: RefCell<Vec<(usize, String)>>,
    depth: Cell<usize>,
    fuel: Cell<u64>,
    total_fuel: Cell<u64>,
}

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
            fuel: Cell::new(FUEL),
            total_fuel: Cell::new(TOTAL_FUEL),
        }
    }

    /// The work done so far by all evaluations.
    pub fn fuel_spent(&self) -> u64 {
        TOTAL_FUEL - self.total_fuel.get()
    }

    /// Evaluates `expr` at the top level of module `m`.
    pub fn eval_top(&self, expr: &Datum, m: usize) -> EResult {
        self.refuel();
        self.eval(expr, &None, m)
    }

    /// The value of variable `name` as seen from module `m` at top level.
    pub fn lookup_global(&self, name: &str, m: usize) -> EResult {
        self.refuel();
        self.lookup(name, &None, m)
    }

    fn refuel(&self) {
        if self.depth.get() == 0 {
            self.fuel.set(FUEL);
        }
    }

    /// Uses `n` units of fuel.
    fn charge(&self, n: usize) -> Result<(), EvalError> {
        let n = n as u64;
        let left = self.fuel.get().checked_sub(n).ok_or(EvalError::OutOfFuel)?;
        let total = self
            .total_fuel
            .get()
            .checked_sub(n)
            .ok_or(EvalError::OutOfFuel)?;
        self.fuel.set(left);
        self.total_fuel.set(total);
        Ok(())
    }

    fn enter(&self) -> Result<DepthGuard<'_>, EvalError> {
        let d = self.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        self.charge(1)?;
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
        // Procedures of Guix outside the package modules.
        if let Some(v) = transform::transformer_value(name).or_else(|| procs::builtin_value(name)) {
            return Ok(v);
        }
        Err(EvalError::Unbound(name.to_string()))
    }

    /// The macro `name` as seen from module `m`: the module's own, or one
    /// exported by a module it imports; with the defining module.
    fn find_macro(&self, name: &str, m: usize) -> Option<(&'m Macro, usize)> {
        let module = &self.modules[m];
        if let Some(mac) = module.macros.get(name) {
            return Some((mac, m));
        }
        for import in &module.imports {
            let Some(&target) = self.by_name.get(import.module.as_str()) else {
                continue;
            };
            let Some(source_name) = import.source_name(name) else {
                continue;
            };
            let target_module = &self.modules[target];
            if let (Some(mac), true) = (
                target_module.macros.get(&source_name),
                target_module.exports.contains(&source_name),
            ) {
                return Some((mac, target));
            }
        }
        None
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
                anonymous: false,
                params: params.clone(),
                body: body.clone(),
                env: None,
                module: m,
            }))),
        };
        self.in_progress.borrow_mut().retain(|k| k != &key);
        // Results that failed only because of a cycle or a limit are not
        // cached, so that a later lookup from elsewhere can succeed.
        if !matches!(
            result,
            Err(EvalError::Cycle(_) | EvalError::TooDeep | EvalError::OutOfFuel)
        ) {
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
            Datum::Char(c) => Ok(Value::Char(*c)),
            Datum::Keyword(k) => Ok(Value::Keyword(k.clone())),
            Datum::Symbol(s) => {
                if Env::lookup(env, s).is_none() {
                    if let Some((Macro::Identifier(e), defining)) = self.find_macro(s, m) {
                        // An identifier macro such as `pkg-config`.
                        return Ok(match self.eval(e, &None, defining)? {
                            Value::Pkg(p, _) => {
                                let mut p = (*p).clone();
                                p.via.push("syntax".into());
                                Value::Pkg(Rc::new(p), None)
                            }
                            other => other,
                        });
                    }
                }
                match self.lookup(s, env, m)? {
                    Value::Pkg(p, _) => Ok(Value::Pkg(p, Some(s.clone()))),
                    other => Ok(other),
                }
            }
            Datum::List {
                items, tail: None, ..
            } if !items.is_empty() => self.eval_call(items, env, m),
            _ => Ok(Value::Unknown),
        }
    }

    /// Evaluates `expr` for a binding or an argument: an error is kept as
    /// the value, and only matters if the value is used.
    fn eval_lazy(&self, expr: &Datum, env: &Lex, m: usize) -> EResult {
        self.eval(expr, env, m)
    }

    fn eval_call(&self, items: &[Datum], env: &Lex, m: usize) -> EResult {
        let args = &items[1..];
        let Some(head) = items[0].as_symbol() else {
            if let Datum::List { .. } = &items[0] {
                let proc = self.eval(&items[0], env, m)?;
                let values = args.iter().map(|a| self.eval_lazy(a, env, m)).collect();
                return self.call_value(&proc, values, &items[0].to_string());
            }
            return Err(EvalError::Unsupported(items[0].to_string()));
        };
        let lexical = Env::lookup(env, head);
        if lexical.is_none() {
            if let Some((mac @ Macro::Rules { .. }, _)) = self.find_macro(head, m) {
                let line = items[0].line().unwrap_or(0);
                let form = Datum::list(items.to_vec(), line);
                let out = mac.expand(&form, line).ok_or_else(|| {
                    EvalError::Unsupported(format!("{head} (macro use not matched)"))
                })?;
                self.charge(crate::macros::node_count(&out, usize::MAX))?;
                return self.eval(&out, env, m);
            }
            if forms::is_builtin(head) {
                return self.eval_builtin(head, args, env, m);
            }
        }
        let proc = match lexical {
            Some(v) => v?,
            None => match self.lookup(head, env, m) {
                Ok(v) => v,
                Err(EvalError::Unbound(_)) => {
                    if let Some(v) = self.record_call(head, args, env, m) {
                        return v;
                    }
                    return Err(EvalError::Unsupported(head.to_string()));
                }
                Err(e) => return Err(e),
            },
        };
        let values = args.iter().map(|a| self.eval_lazy(a, env, m)).collect();
        self.call_value(&proc, values, head)
    }

    /// Calls a procedure value on arguments evaluated lazily (errors kept).
    fn call_value(&self, proc: &Value, args: Vec<EResult>, head: &str) -> EResult {
        match proc {
            Value::Proc(closure) => match self.apply(closure, args)? {
                Value::Pkg(p, _) => {
                    let mut p = (*p).clone();
                    if !closure.anonymous {
                        p.via.push(closure.name.clone());
                    }
                    Ok(Value::Pkg(Rc::new(p), None))
                }
                other => Ok(other),
            },
            Value::Prim(prim) => match &**prim {
                Prim::Transformer(t) => {
                    if args.is_empty() {
                        return Err(EvalError::BadArguments(t.name().to_string()));
                    }
                    self.apply_transformer(t, args)
                }
                _ => {
                    let values = args.into_iter().collect::<Result<Vec<_>, _>>()?;
                    self.call_simple(proc, values)
                }
            },
            _ => Err(EvalError::Unsupported(head.to_string())),
        }
    }

    /// Calls a procedure value on evaluated arguments.
    fn call_simple(&self, proc: &Value, args: Vec<Value>) -> EResult {
        let _guard = self.enter()?;
        match proc {
            Value::Proc(closure) => {
                let result = self.apply(closure, args.into_iter().map(Ok).collect())?;
                match result {
                    Value::Pkg(p, _) if !closure.anonymous => {
                        let mut p = (*p).clone();
                        p.via.push(closure.name.clone());
                        Ok(Value::Pkg(Rc::new(p), None))
                    }
                    other => Ok(other),
                }
            }
            Value::Prim(prim) => match &**prim {
                Prim::Builtin(name) => self.apply_prim(name, args),
                Prim::Negate(f) => {
                    let r = self.call_simple(f, args)?;
                    Ok(Value::Bool(r.is_false()))
                }
                Prim::Const(v) => Ok(v.clone()),
                Prim::MatchLambda {
                    clauses,
                    env,
                    module,
                } => {
                    let [v] = <[Value; 1]>::try_from(args)
                        .map_err(|_| EvalError::BadArguments("match-lambda".into()))?;
                    self.match_value(&v, clauses, env, *module)
                }
                Prim::Transformer(t) => {
                    self.apply_transformer(t, args.into_iter().map(Ok).collect())
                }
            },
            other => Err(EvalError::Unsupported(format!(
                "call of {}",
                other.describe()
            ))),
        }
    }

    fn apply(&self, closure: &Closure, args: Vec<EResult>) -> EResult {
        let params = &closure.params;
        let mut positional = Vec::new();
        let mut keywords: Vec<(String, EResult)> = Vec::new();
        let mut iter = args.into_iter();
        while let Some(arg) = iter.next() {
            match &arg {
                Ok(Value::Keyword(k)) if !params.keys.is_empty() => {
                    let value = iter
                        .next()
                        .ok_or_else(|| EvalError::BadArguments(closure.name.clone()))?;
                    keywords.push((k.clone(), value));
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
            let rest_values: Vec<EResult> = positional.collect();
            let value = match rest_values.iter().find_map(|r| r.as_ref().err()) {
                Some(e) => Err(e.clone()),
                None => Ok(Value::List(
                    rest_values
                        .into_iter()
                        .map(|r| r.expect("no error"))
                        .collect(),
                    None,
                )),
            };
            env = Env::extend(&env, vec![(rest.clone(), value)]);
        }
        for (name, default) in &params.keys {
            let value = match keywords.iter().position(|(k, _)| k == name) {
                Some(i) => keywords.remove(i).1,
                None => self.eval_default(default.as_ref(), &env, closure.module),
            };
            env = Env::extend(&env, vec![(name.clone(), value)]);
        }
        self.eval_body(&closure.body, &env, closure.module)
    }

    fn eval_default(&self, default: Option<&Datum>, env: &Lex, m: usize) -> EResult {
        match default {
            Some(d) => self.eval_lazy(d, env, m),
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
                    let v = self.eval_lazy(&items[2], &env, m);
                    env = Env::extend(&env, vec![(name.clone(), v)]);
                }
                Some(sig @ Datum::List { .. }) => {
                    if let Some((name, params)) = crate::module::parse_signature(sig) {
                        let closure = Value::Proc(Rc::new(Closure {
                            name: name.clone(),
                            anonymous: false,
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
}

/// Structural equality (`equal?`); packages are equal when they are the
/// same object or have the same name and version.  Lists nested deeper
/// than [`MAX_EQUAL_DEPTH`] are not equal.
pub fn equal(a: &Value, b: &Value) -> bool {
    equal_at(a, b, 0)
}

/// Deepest nesting compared by [`equal`].
pub const MAX_EQUAL_DEPTH: usize = 10_000;

fn equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_EQUAL_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::List(ai, at), Value::List(bi, bt)) => {
            ai.len() == bi.len()
                && ai.iter().zip(bi).all(|(x, y)| equal_at(x, y, depth + 1))
                && match (at, bt) {
                    (None, None) => true,
                    (Some(x), Some(y)) => equal_at(x, y, depth + 1),
                    _ => false,
                }
        }
        (Value::Pkg(p, _), Value::Pkg(q, _)) => {
            Rc::ptr_eq(p, q) || (p.name == q.name && p.version == q.version)
        }
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Char(x), Value::Char(y)) => x == y,
        (Value::Sym(x), Value::Sym(y)) => x == y,
        (Value::Keyword(x), Value::Keyword(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Proc(x), Value::Proc(y)) => Rc::ptr_eq(x, y),
        (Value::Prim(x), Value::Prim(y)) => Rc::ptr_eq(x, y),
        (Value::CharSet(x), Value::CharSet(y)) => x == y,
        (Value::Record(x), Value::Record(y)) => Rc::ptr_eq(x, y),
        (Value::Opaque(x), Value::Opaque(y)) => x == y,
        _ => false,
    }
}

/// The value of a quoted datum.
pub fn quoted(datum: &Datum) -> Value {
    match datum {
        Datum::Str(s) => Value::Str(s.clone()),
        Datum::Number(n) => n.parse().map(Value::Int).unwrap_or(Value::Unknown),
        Datum::Symbol(s) => Value::Sym(s.clone()),
        Datum::Keyword(k) => Value::Keyword(k.clone()),
        Datum::Bool(b) => Value::Bool(*b),
        Datum::Char(c) => Value::Char(*c),
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
