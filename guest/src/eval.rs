//! The evaluator: syntax is compiled to a small tree of [`Expr`] nodes with
//! lexical addresses, which a tree-walking interpreter runs with proper tail
//! calls (a trampoline), Guile's `catch`/`throw` semantics, and hard limits on
//! steps, recursion depth, allocation and macro expansion.
//!
//! Every special form of the 2017 environment is compiled here (see
//! [`SYNTAX`]); procedures live in [`crate::bindings`].

use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use crate::bindings::{self, Prim};
use crate::diag::{Diagnostic, DiagnosticKind, Exn, Result};
use crate::macros::Macro;
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::{line_col, Span};
use crate::value::{Record, RecordKind, Symbol, Value};

/// Interpreter limits.  Each default is chosen so that any realistic dish
/// stays far below it while a runaway dish is stopped within milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Evaluation and compilation steps.  Default: 2 000 000.
    pub max_steps: u64,
    /// Nesting of non-tail evaluation (and of compilation).  Default: 1 000,
    /// calibrated so that it fires before the host's 1 MiB wasm stack runs out.
    pub max_depth: u32,
    /// Bytes allocated in all, counted cumulatively as Guile's
    /// `#:allocation-limit` does.  Default: 50 000 000 (as in 2017).
    pub max_alloc_bytes: u64,
    /// Syntax nodes produced by macro expansion.  Default: 1 000 000.
    pub max_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 2_000_000,
            max_depth: 1_000,
            max_alloc_bytes: 50_000_000,
            max_expansion: 1_000_000,
        }
    }
}

/// Names the compiler handles as syntax rather than as procedures.
pub const SYNTAX: &[&str] = &[
    "and",
    "begin",
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
    "delay",
    "potluck-package",
    "potluck-source",
];

/// A syntactic keyword: its position in [`SYNTAX`].  The compiler
/// dispatches on it as a number, not by comparing names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kw(u8);

impl Kw {
    /// The keyword `name` (in constant evaluation; a name that is not in
    /// [`SYNTAX`] is a compile-time error).
    pub const fn of(name: &str) -> Kw {
        let mut i = 0;
        while i < SYNTAX.len() {
            if crate::names::bytes_eq(SYNTAX[i].as_bytes(), name.as_bytes()) {
                return Kw(i as u8);
            }
            i += 1;
        }
        panic!("not a syntactic keyword")
    }

    /// The keyword at `index` in [`SYNTAX`].
    pub(crate) const fn at(index: usize) -> Kw {
        assert!(index < SYNTAX.len());
        Kw(index as u8)
    }

    pub fn name(self) -> &'static str {
        SYNTAX[self.0 as usize]
    }
}

/// The syntactic keywords, by name.
pub mod kw {
    use super::Kw;
    pub const AND: Kw = Kw::of("and");
    pub const BEGIN: Kw = Kw::of("begin");
    pub const CASE: Kw = Kw::of("case");
    pub const CASE_LAMBDA: Kw = Kw::of("case-lambda");
    pub const CASE_LAMBDA_STAR: Kw = Kw::of("case-lambda*");
    pub const COND: Kw = Kw::of("cond");
    pub const DEFINE: Kw = Kw::of("define");
    pub const DEFINE_STAR: Kw = Kw::of("define*");
    pub const DEFINE_VALUES: Kw = Kw::of("define-values");
    pub const DO: Kw = Kw::of("do");
    pub const IF: Kw = Kw::of("if");
    pub const LAMBDA: Kw = Kw::of("lambda");
    pub const LAMBDA_STAR: Kw = Kw::of("lambda*");
    pub const LET: Kw = Kw::of("let");
    pub const LET_STAR: Kw = Kw::of("let*");
    pub const LETREC: Kw = Kw::of("letrec");
    pub const LETREC_STAR: Kw = Kw::of("letrec*");
    pub const OR: Kw = Kw::of("or");
    pub const QUASIQUOTE: Kw = Kw::of("quasiquote");
    pub const QUOTE: Kw = Kw::of("quote");
    pub const UNLESS: Kw = Kw::of("unless");
    pub const UNQUOTE: Kw = Kw::of("unquote");
    pub const UNQUOTE_SPLICING: Kw = Kw::of("unquote-splicing");
    pub const WHEN: Kw = Kw::of("when");
    pub const WHILE: Kw = Kw::of("while");
    pub const LAMBDA_GREEK: Kw = Kw::of("λ");
    pub const CURRENT_FILENAME: Kw = Kw::of("current-filename");
    pub const CURRENT_SOURCE_LOCATION: Kw = Kw::of("current-source-location");
    pub const DEFINE_SYNTAX: Kw = Kw::of("define-syntax");
    pub const DEFINE_SYNTAX_PARAMETER: Kw = Kw::of("define-syntax-parameter");
    pub const DEFINE_SYNTAX_RULE: Kw = Kw::of("define-syntax-rule");
    pub const IDENTIFIER_SYNTAX: Kw = Kw::of("identifier-syntax");
    pub const LET_SYNTAX: Kw = Kw::of("let-syntax");
    pub const LETREC_SYNTAX: Kw = Kw::of("letrec-syntax");
    pub const SYNTAX_ERROR: Kw = Kw::of("syntax-error");
    pub const SYNTAX_RULES: Kw = Kw::of("syntax-rules");
    pub const DELAY: Kw = Kw::of("delay");
    pub const POTLUCK_PACKAGE: Kw = Kw::of("potluck-package");
    pub const POTLUCK_SOURCE: Kw = Kw::of("potluck-source");
}

/// Names that exist in Guile but give dishes capabilities (I/O, evaluation,
/// modules, processes, the clock).  Using one gets an explanation.
const CAPABILITY_NAMES: &[&str] = &[
    "open-input-file",
    "open-output-file",
    "open-file",
    "call-with-input-file",
    "call-with-output-file",
    "with-input-from-file",
    "with-output-to-file",
    "read",
    "write",
    "display",
    "newline",
    "format",
    "simple-format",
    "read-char",
    "peek-char",
    "write-char",
    "current-input-port",
    "current-output-port",
    "current-error-port",
    "load",
    "primitive-load",
    "load-from-path",
    "eval",
    "primitive-eval",
    "eval-string",
    "compile",
    "resolve-module",
    "resolve-interface",
    "current-module",
    "the-environment",
    "module-ref",
    "module-set!",
    "@",
    "@@",
    "use-modules",
    "define-module",
    "system",
    "system*",
    "getenv",
    "setenv",
    "environ",
    "exit",
    "primitive-exit",
    "sleep",
    "usleep",
    "current-time",
    "gettimeofday",
    "get-internal-real-time",
    "random",
    "open-pipe",
    "open-input-pipe",
    "delete-file",
    "mkdir",
    "rename-file",
    "chdir",
    "getcwd",
    "opendir",
    "stat",
    "lstat",
    "file-exists?",
    "fork",
    "execl",
    "execlp",
    "kill",
    "socket",
    "connect",
    "dynamic-link",
    "dynamic-call",
    "set!",
    "call/cc",
    "call-with-current-continuation",
    "dynamic-wind",
    "gc",
    "make-vector",
    "vector-set!",
    "string-set!",
    "set-car!",
    "set-cdr!",
    "hash-set!",
];

// ------------------------------------------------------------ compiled code

/// Where `define-values` stores one value.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    Local(u32),
    Global(u32),
}

#[derive(Debug)]
pub enum CaseBody {
    Exprs(Expr),
    Arrow(Expr),
}

#[derive(Debug)]
pub enum Expr {
    Const(Value),
    Local {
        depth: u32,
        index: u32,
        span: Span,
    },
    Global {
        slot: u32,
        span: Span,
    },
    InitLocal {
        index: u32,
        value: Box<Expr>,
    },
    DefineGlobal {
        slot: u32,
        value: Box<Expr>,
    },
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Seq(Box<[Expr]>),
    Lambda(Rc<[Rc<Lambda>]>, Option<Symbol>),
    Call {
        func: Box<Expr>,
        args: Box<[Expr]>,
        span: Span,
    },
    /// A new frame of `size` slots whose first slots are `inits`, evaluated
    /// in the enclosing environment.
    Frame {
        size: u32,
        inits: Box<[Expr]>,
        body: Box<Expr>,
    },
    And(Box<[Expr]>),
    Or(Box<[Expr]>),
    Case {
        key: Box<Expr>,
        clauses: Box<[(Box<[Value]>, CaseBody)]>,
        default: Option<Box<CaseBody>>,
    },
    While {
        test: Box<Expr>,
        body: Box<Expr>,
    },
    Break(Box<[Expr]>),
    Continue,
    Delay(Rc<Expr>),
    DefineValues {
        value: Box<Expr>,
        targets: Box<[Target]>,
        rest: Option<Target>,
        span: Span,
    },
    Record {
        kind: RecordKind,
        fields: Box<[(Symbol, Expr, Span)]>,
        span: Span,
    },
}

/// One clause of a procedure: its parameters and body.
#[derive(Debug)]
pub struct Lambda {
    pub req: u32,
    /// Optional parameters with their default expressions (`#f` without).
    pub opt: Box<[Option<Expr>]>,
    pub rest: bool,
    pub keys: Box<[(Symbol, Option<Expr>)]>,
    pub allow_other_keys: bool,
    pub frame_size: u32,
    pub body: Expr,
    pub span: Span,
}

impl Lambda {
    fn is_simple(&self) -> bool {
        self.opt.is_empty() && self.keys.is_empty()
    }

    fn accepts(&self, n: usize) -> bool {
        let req = self.req as usize;
        n >= req && (self.rest || !self.keys.is_empty() || n <= req + self.opt.len())
    }
}

pub type Env = Rc<Frame>;

/// A runtime frame: the slots of one scope and the enclosing frame.
#[derive(Debug)]
pub struct Frame {
    slots: RefCell<Vec<Value>>,
    parent: Option<Env>,
}

pub type NativeFn = fn(&mut Interp, &[Value], &[Value]) -> Result<Value>;

pub enum Closure {
    Scheme {
        cases: Rc<[Rc<Lambda>]>,
        env: Env,
        name: Option<Symbol>,
    },
    /// A procedure made by a primitive (`compose`, `negate`, `const`):
    /// `f(interp, captured, args)`.
    Native {
        name: &'static str,
        captured: Vec<Value>,
        f: NativeFn,
    },
}

impl std::fmt::Debug for Closure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#<procedure>")
    }
}

impl Closure {
    pub fn name(&self) -> Option<Symbol> {
        match self {
            Closure::Scheme { name, .. } => *name,
            Closure::Native { name, .. } => Some(Symbol::intern(name)),
        }
    }
}

/// Make a procedure value from a native function and captured values.
pub fn make_native_closure(name: &'static str, captured: Vec<Value>, f: NativeFn) -> Value {
    Value::Closure(Rc::new(Closure::Native { name, captured, f }))
}

#[derive(Debug)]
pub enum PromiseState {
    Delayed(Rc<Expr>, Env),
    /// Made by `make-promise`: forcing calls the thunk.
    Thunk(Value),
    Forcing,
    Forced(Value),
}

#[derive(Debug)]
pub struct Promise {
    pub state: RefCell<PromiseState>,
}

enum Step {
    Done(Value),
    Tail(Rc<Closure>, Vec<Value>, Span),
}

/// An entry of the dynamic handler stack.
pub(crate) enum Dyn {
    Catch(Value),
    Handler(Value, Value),
}

/// Per-expansion hygiene information: identifiers renamed by one macro
/// expansion fall back to the renamed identifier, looked up in the scopes
/// that were visible where the macro was defined.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarkInfo {
    pub prev: u32,
    pub scope_len: u32,
}

struct Scope {
    vars: Vec<Ident>,
    macros: Vec<(Ident, Rc<Macro>)>,
}

/// Compile-time context: the lexical scopes, innermost last.
pub(crate) struct Cx {
    scopes: Vec<Scope>,
    in_while: u32,
}

enum Resolved {
    Local(u32, u32),
    Macro(Rc<Macro>),
    Global(Symbol),
}

/// The interpreter: globals, limits and counters of one dish evaluation.
pub struct Interp {
    pub limits: Limits,
    steps: u64,
    depth: u32,
    alloc: u64,
    expansion: u64,
    globals: Vec<Value>,
    global_names: Vec<Symbol>,
    global_index: HashMap<Symbol, u32>,
    global_macros: HashMap<Symbol, Rc<Macro>>,
    pub(crate) marks: Vec<MarkInfo>,
    pub(crate) dynamic: Vec<Dyn>,
    file: Rc<str>,
    source: Rc<str>,
    root: Env,
    /// Never free compiled code: the whole memory is thrown away after
    /// this evaluation (see [`crate::evaluate_once`]).
    pub(crate) one_shot: bool,
    /// Spans of `potluck-package` records that top-level forms before the
    /// last evaluated to (only the last counts; at most 16 are kept).
    pub discarded_packages: Vec<Span>,
}

static QQ_CONS: Prim = Prim::new("cons", 2, Some(2), |_, a| {
    Ok(Value::cons(a[0].clone(), a[1].clone()))
});
static QQ_APPEND: Prim = Prim::new("append", 2, Some(2), |interp, a| {
    let items = a[0]
        .list_to_vec()
        .ok_or_else(|| Exn::wrong_type("append", 1, "list", &a[0]))?;
    interp.charge(items.len() * 32)?;
    Ok(Value::list_with_tail(items, a[1].clone()))
});
static QQ_VECTOR: Prim = Prim::new("list->vector", 1, Some(1), |interp, a| {
    let items = a[0]
        .list_to_vec()
        .ok_or_else(|| Exn::wrong_type("list->vector", 1, "list", &a[0]))?;
    interp.charge(items.len() * 16)?;
    Ok(Value::Vector(Rc::new(items)))
});

/// Collect results into a vector of exactly the iterator's length (a
/// `collect` into `Result` cannot size the vector, and grows it).
fn collect_exact<T>(items: impl ExactSizeIterator<Item = Result<T>>) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(item?);
    }
    Ok(out)
}

/// Bytes charged for each compiled or expanded node.
const NODE_COST: usize = 64;

impl Interp {
    pub fn new(limits: Limits, file: &str, source: &str) -> Interp {
        Interp {
            limits,
            steps: 0,
            depth: 0,
            alloc: 0,
            expansion: 0,
            globals: Vec::new(),
            global_names: Vec::new(),
            global_index: HashMap::default(),
            global_macros: HashMap::default(),
            marks: vec![MarkInfo {
                prev: 0,
                scope_len: 0,
            }],
            dynamic: Vec::new(),
            file: Rc::from(file),
            source: Rc::from(source),
            root: Rc::new(Frame {
                slots: RefCell::new(Vec::new()),
                parent: None,
            }),
            one_shot: false,
            discarded_packages: Vec::new(),
        }
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn allocated(&self) -> u64 {
        self.alloc
    }

    pub fn max_depth(&self) -> u32 {
        self.limits.max_depth
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    // -------------------------------------------------------------- limits

    #[inline]
    fn tick(&mut self) -> Result<()> {
        self.tick_n(1)
    }

    #[inline]
    pub fn tick_n(&mut self, n: u64) -> Result<()> {
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.limits.max_steps {
            return Err(self.step_limit());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn step_limit(&self) -> Exn {
        Exn::limit(format!(
            "evaluation took more than {} steps, the interpreter's step limit",
            self.limits.max_steps
        ))
        .with_help("a dish must evaluate quickly; look for a loop or recursion that never ends")
    }

    #[inline]
    pub fn charge(&mut self, bytes: usize) -> Result<()> {
        self.alloc = self.alloc.saturating_add(bytes as u64);
        if self.alloc > self.limits.max_alloc_bytes {
            return Err(self.alloc_limit());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn alloc_limit(&self) -> Exn {
        Exn::limit(format!(
            "the dish allocated more than {} bytes, the allocation limit",
            self.limits.max_alloc_bytes
        ))
        .with_help("a dish should build a package description, not large data structures")
    }

    /// Largest exact integer a dish may compute, in bits (1 MiB of digits).
    pub const MAX_INTEGER_BITS: u64 = 8 * 1024 * 1024;

    pub fn check_int_bits(&mut self, bits: u64) -> Result<()> {
        if bits > Self::MAX_INTEGER_BITS {
            return Err(Exn::limit(format!(
                "an exact integer of about {bits} bits is larger than the {} bits the sandbox allows",
                Self::MAX_INTEGER_BITS
            )));
        }
        self.charge((bits / 8) as usize)
    }

    #[inline]
    fn enter(&mut self) -> Result<()> {
        self.enter_n(1)
    }

    /// Enter `n` levels of recursion at once: calls made from primitives
    /// (`map`, `sort`, `catch`, ...) stack more native frames than a call
    /// made by the evaluator, and count for more.
    #[inline]
    fn enter_n(&mut self, n: u32) -> Result<()> {
        if self.depth.saturating_add(n) > self.limits.max_depth {
            return Err(self.depth_limit());
        }
        self.depth += n;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn depth_limit(&self) -> Exn {
        Exn::limit(format!(
            "recursion deeper than {} levels, the interpreter's depth limit",
            self.limits.max_depth
        ))
        .with_help("use a tail-recursive loop (named let, do) instead of deep non-tail recursion")
    }

    pub(crate) fn count_expansion(&mut self, nodes: u64) -> Result<()> {
        self.expansion = self.expansion.saturating_add(nodes);
        if self.expansion > self.limits.max_expansion {
            return Err(Exn::limit(format!(
                "macro expansion produced more than {} syntax nodes, the expansion limit",
                self.limits.max_expansion
            ))
            .with_help("look for a macro that expands to ever larger code"));
        }
        self.charge(nodes as usize * NODE_COST)
    }

    // -------------------------------------------------------------- globals

    fn global_slot(&mut self, sym: Symbol) -> u32 {
        if let Some(&slot) = self.global_index.get(&sym) {
            return slot;
        }
        let slot = self.globals.len() as u32;
        // Every name the environment binds is a static symbol.
        let builtin = match sym.primitive() {
            Some(p) => Value::Prim(p),
            None if sym.is_static() => bindings::constant(sym.name()).unwrap_or(Value::Unassigned),
            None => Value::Unassigned,
        };
        self.globals.push(builtin);
        self.global_names.push(sym);
        self.global_index.insert(sym, slot);
        slot
    }

    /// The value of a global, if bound.
    pub fn global(&mut self, name: &str) -> Option<Value> {
        let slot = self.global_slot(Symbol::intern(name));
        match &self.globals[slot as usize] {
            Value::Unassigned => None,
            v => Some(v.clone()),
        }
    }

    fn unbound_error(&self, sym: Symbol, span: Span) -> Exn {
        let name = sym.name();
        let mut e = Exn::guile(
            "unbound-variable",
            "",
            "Unbound variable: ~S",
            vec![Value::Sym(sym)],
            Value::Bool(false),
        )
        .at(span);
        if CAPABILITY_NAMES.contains(&name) {
            e = e.with_help(format!(
                "`{name}` is not available in the potluck sandbox: dishes are pure data, with no I/O, evaluation, modules, mutation or processes"
            ));
        } else if let Some(s) = self.did_you_mean(name) {
            e = e.with_help(format!("did you mean `{s}`?"));
        } else {
            e = e.with_help(
                "define it before its use, or check its spelling against the potluck environment",
            );
        }
        e
    }

    fn did_you_mean(&self, name: &str) -> Option<String> {
        let candidates = self
            .global_names
            .iter()
            .zip(self.globals.iter())
            .filter(|(_, v)| !matches!(v, Value::Unassigned))
            .map(|(s, _)| s.name().to_string())
            .chain(bindings::ENVIRONMENT.iter().map(|s| s.to_string()))
            .chain(self.global_macros.keys().map(|s| s.name().to_string()));
        potluck_contract::distance::closest(name, candidates)
    }

    // -------------------------------------------------------------- top level

    /// Evaluate one top-level form.
    pub fn eval_toplevel(&mut self, form: &Syntax) -> Result<Value> {
        let mut cx = Cx {
            scopes: Vec::new(),
            in_while: 0,
        };
        let expr = self.compile_toplevel(form, &mut cx)?;
        let root = self.root.clone();
        let r = self.eval(&expr, &root);
        if self.one_shot {
            std::mem::forget(expr);
        }
        r
    }

    fn compile_toplevel(&mut self, form: &Syntax, cx: &mut Cx) -> Result<Expr> {
        self.tick()?;
        self.enter()?;
        let r = self.compile_toplevel_inner(form, cx);
        self.depth -= 1;
        r
    }

    fn compile_toplevel_inner(&mut self, form: &Syntax, cx: &mut Cx) -> Result<Expr> {
        if let Some((head, items)) = self.head_of(form, cx) {
            match head {
                Head::Macro(m) => {
                    let expanded = self.expand(&m, form, cx.scopes.len())?;
                    return self.compile_toplevel(&expanded, cx);
                }
                Head::Syntax(k) => match k {
                    kw::BEGIN => {
                        let mut exprs = Vec::new();
                        for f in &items[1..] {
                            exprs.push(self.compile_toplevel(f, cx)?);
                        }
                        return Ok(seq(exprs));
                    }
                    kw::DEFINE | kw::DEFINE_STAR => {
                        let (id, value) =
                            self.parse_define(form, items, k == kw::DEFINE_STAR, cx)?;
                        let slot = self.global_slot(id.sym);
                        let value = self.compile_named(&value, cx, Some(id.sym))?;
                        return Ok(Expr::DefineGlobal {
                            slot,
                            value: Box::new(value),
                        });
                    }
                    kw::DEFINE_VALUES => {
                        let (formals, expr) = self.parse_define_values(form, items)?;
                        let value = self.compile(&expr, cx)?;
                        let targets = formals
                            .0
                            .iter()
                            .map(|id| Target::Global(self.global_slot(id.sym)))
                            .collect();
                        let rest = formals.1.map(|id| Target::Global(self.global_slot(id.sym)));
                        return Ok(Expr::DefineValues {
                            value: Box::new(value),
                            targets,
                            rest,
                            span: form.span,
                        });
                    }
                    kw::DEFINE_SYNTAX | kw::DEFINE_SYNTAX_RULE => {
                        let (id, m) = self.parse_define_syntax(form, items, k.name(), cx)?;
                        self.global_macros.insert(id.sym, m);
                        return Ok(Expr::Const(Value::Unspecified));
                    }
                    _ => {}
                },
            }
        }
        self.compile(form, cx)
    }

    // -------------------------------------------------------------- resolution

    fn resolve(&self, cx: &Cx, id: Ident) -> Resolved {
        let mut id = id;
        let mut limit = cx.scopes.len();
        loop {
            let scopes = &cx.scopes[..limit];
            for (i, scope) in scopes.iter().enumerate().rev() {
                if let Some((_, m)) = scope.macros.iter().rev().find(|(n, _)| *n == id) {
                    return Resolved::Macro(m.clone());
                }
                if let Some(index) = scope.vars.iter().rposition(|n| *n == id) {
                    let depth = (cx.scopes.len() - 1 - i) as u32;
                    return Resolved::Local(depth, index as u32);
                }
            }
            if id.mark == 0 {
                // Most dishes define no macro: skip the lookup (the map's
                // own emptiness check comes after the call, not before).
                if !self.global_macros.is_empty() {
                    if let Some(m) = self.global_macros.get(&id.sym) {
                        return Resolved::Macro(m.clone());
                    }
                }
                return Resolved::Global(id.sym);
            }
            let info = self.marks[id.mark as usize];
            id = Ident {
                sym: id.sym,
                mark: info.prev,
            };
            limit = limit.min(info.scope_len as usize);
        }
    }

    /// What the head of a list form denotes, when it is syntax or a macro.
    fn head_of<'s>(&self, form: &'s Syntax, cx: &Cx) -> Option<(Head, &'s [Syntax])> {
        let items = form.list()?;
        let id = items.first()?.ident()?;
        match self.resolve(cx, id) {
            Resolved::Macro(m) => Some((Head::Macro(m), items)),
            Resolved::Global(sym) => sym.syntax_keyword().map(|s| (Head::Syntax(s), items)),
            Resolved::Local(..) => None,
        }
    }

    fn is_syntax_ident(&self, cx: &Cx, s: &Syntax, name: &str) -> bool {
        match s.ident() {
            Some(id) => {
                matches!(self.resolve(cx, id), Resolved::Global(sym) if sym.is(name))
            }
            None => false,
        }
    }

    // -------------------------------------------------------------- compiler

    pub(crate) fn compile(&mut self, s: &Syntax, cx: &mut Cx) -> Result<Expr> {
        self.compile_named(s, cx, None)
    }

    fn compile_named(&mut self, s: &Syntax, cx: &mut Cx, name: Option<Symbol>) -> Result<Expr> {
        self.tick()?;
        self.charge(NODE_COST)?;
        self.enter()?;
        let r = self.compile_inner(s, cx, name);
        self.depth -= 1;
        r
    }

    fn compile_inner(&mut self, s: &Syntax, cx: &mut Cx, name: Option<Symbol>) -> Result<Expr> {
        match &s.kind {
            // The reader gives a string literal its span, and every
            // compilation of that syntax shares the one string (macros copy
            // literals with their spans, so a literal a macro inserts twice
            // is one object, `eq?` to itself, as in Guile).  A literal whose
            // node has another span gets a copy with that span.
            SyntaxKind::Lit(Value::Str(st)) if st.span == Some(s.span) => {
                Ok(Expr::Const(Value::Str(st.clone())))
            }
            SyntaxKind::Lit(Value::Str(st)) => {
                Ok(Expr::Const(Value::Str(Rc::new(crate::value::Str {
                    s: st.s.clone(),
                    span: Some(s.span),
                }))))
            }
            SyntaxKind::Lit(v) => Ok(Expr::Const(v.clone())),
            SyntaxKind::Vector(_) => Ok(Expr::Const(self.datum(s)?)),
            SyntaxKind::Ident(id) => match self.resolve(cx, *id) {
                Resolved::Local(depth, index) => Ok(Expr::Local {
                    depth,
                    index,
                    span: s.span,
                }),
                Resolved::Macro(m) => match &*m {
                    Macro::IdentifierSyntax(template) => {
                        let t = template.clone();
                        self.compile(&t, cx)
                    }
                    Macro::Rules(_) => Err(Exn::syntax(
                        format!(
                            "`{}` is a macro; it cannot be used as a value",
                            id.sym.name()
                        ),
                        s.span,
                    )),
                },
                Resolved::Global(sym) => {
                    if let Some(n) = sym.syntax_keyword().map(Kw::name) {
                        return Err(Exn::syntax(
                            format!("`{n}` is syntax; it cannot be used as a value"),
                            s.span,
                        )
                        .with_help(format!("use it in a form such as `({n} ...)`")));
                    }
                    Ok(Expr::Global {
                        slot: self.global_slot(sym),
                        span: s.span,
                    })
                }
            },
            SyntaxKind::List(items, tail) => {
                if tail.is_some() {
                    return Err(Exn::syntax("a dotted list cannot be evaluated", s.span)
                        .with_help("quote it if it is data: '(a . b)"));
                }
                if items.is_empty() {
                    return Err(Exn::syntax("empty combination `()`", s.span)
                        .with_help("write '() for the empty list"));
                }
                if let Some((head, items)) = self.head_of(s, cx) {
                    return match head {
                        Head::Macro(m) => {
                            if let Macro::IdentifierSyntax(t) = &*m {
                                let mut new_items = vec![t.clone()];
                                new_items.extend(items[1..].iter().cloned());
                                let form = Syntax::new_list(new_items, s.span);
                                return self.compile(&form, cx);
                            }
                            let expanded = self.expand(&m, s, cx.scopes.len())?;
                            self.compile_named(&expanded, cx, name)
                        }
                        Head::Syntax(kw) => self.compile_special(kw, s, items, cx, name),
                    };
                }
                // `break` and `continue` inside `while`.
                if cx.in_while > 0 {
                    if self.is_syntax_ident(cx, &items[0], "break") {
                        let args = self.compile_all(&items[1..], cx)?;
                        return Ok(Expr::Break(args.into()));
                    }
                    if self.is_syntax_ident(cx, &items[0], "continue") {
                        return Ok(Expr::Continue);
                    }
                }
                let func = self.compile(&items[0], cx)?;
                let args = self.compile_all(&items[1..], cx)?;
                Ok(Expr::Call {
                    func: Box::new(func),
                    args: args.into(),
                    span: s.span,
                })
            }
        }
    }

    fn compile_all(&mut self, items: &[Syntax], cx: &mut Cx) -> Result<Vec<Expr>> {
        collect_exact(items.iter().map(|i| self.compile(i, cx)))
    }

    fn datum(&mut self, s: &Syntax) -> Result<Value> {
        let cap = self.limits.max_depth;
        s.to_datum(cap)
            .ok_or_else(|| Exn::limit("quoted data nested too deeply").at(s.span))
    }

    fn compile_special(
        &mut self,
        k: Kw,
        s: &Syntax,
        items: &[Syntax],
        cx: &mut Cx,
        name: Option<Symbol>,
    ) -> Result<Expr> {
        let kw = k.name();
        let args = &items[1..];
        let span = s.span;
        match k {
            kw::QUOTE => {
                expect_len(kw, items, 2, 2, span)?;
                Ok(Expr::Const(self.datum(&args[0])?))
            }
            kw::QUASIQUOTE => {
                expect_len(kw, items, 2, 2, span)?;
                self.compile_qq(&args[0], 1, cx)
            }
            kw::UNQUOTE | kw::UNQUOTE_SPLICING => {
                Err(Exn::syntax(format!("`{kw}` outside of a quasiquote"), span))
            }
            kw::IF => {
                expect_len(kw, items, 3, 4, span)?;
                let test = self.compile(&args[0], cx)?;
                let then = self.compile(&args[1], cx)?;
                let els = match args.get(2) {
                    Some(e) => self.compile(e, cx)?,
                    None => Expr::Const(Value::Unspecified),
                };
                Ok(Expr::If(Box::new(test), Box::new(then), Box::new(els)))
            }
            kw::BEGIN => {
                if args.is_empty() {
                    return Ok(Expr::Const(Value::Unspecified));
                }
                let exprs = self.compile_all(args, cx)?;
                Ok(seq(exprs))
            }
            kw::LAMBDA | kw::LAMBDA_GREEK | kw::LAMBDA_STAR => {
                expect_len(kw, items, 3, usize::MAX, span)?;
                let lam =
                    self.compile_lambda(&args[0], &args[1..], k == kw::LAMBDA_STAR, cx, span)?;
                Ok(Expr::Lambda(Rc::from(vec![Rc::new(lam)]), name))
            }
            kw::CASE_LAMBDA | kw::CASE_LAMBDA_STAR => {
                let mut cases = Vec::new();
                for clause in args {
                    let parts = clause.list().filter(|p| p.len() >= 2).ok_or_else(|| {
                        Exn::syntax(
                            format!("bad `{kw}` clause: expected (formals body ...)"),
                            clause.span,
                        )
                    })?;
                    cases.push(Rc::new(self.compile_lambda(
                        &parts[0],
                        &parts[1..],
                        k == kw::CASE_LAMBDA_STAR,
                        cx,
                        clause.span,
                    )?));
                }
                Ok(Expr::Lambda(Rc::from(cases), name))
            }
            kw::LET => self.compile_let(s, items, cx),
            kw::LET_STAR => {
                expect_len(kw, items, 3, usize::MAX, span)?;
                let bindings = self.parse_bindings(&args[0], kw)?;
                self.compile_let_star(&bindings, &args[1..], cx, span)
            }
            kw::LETREC | kw::LETREC_STAR => {
                expect_len(kw, items, 3, usize::MAX, span)?;
                let bindings = self.parse_bindings(&args[0], kw)?;
                cx.scopes.push(Scope {
                    vars: bindings.iter().map(|(id, _)| *id).collect(),
                    macros: Vec::new(),
                });
                let r = (|| {
                    let mut body = Vec::new();
                    for (i, (id, init)) in bindings.iter().enumerate() {
                        let value = self.compile_named(init, cx, Some(id.sym))?;
                        body.push(Expr::InitLocal {
                            index: i as u32,
                            value: Box::new(value),
                        });
                    }
                    body.push(self.compile_body(&args[1..], cx, span)?);
                    Ok(seq(body))
                })();
                let scope = cx.scopes.pop().expect("scope pushed above");
                Ok(Expr::Frame {
                    size: scope.vars.len() as u32,
                    inits: Box::new([]),
                    body: Box::new(r?),
                })
            }
            kw::AND => Ok(match args.len() {
                0 => Expr::Const(Value::Bool(true)),
                1 => self.compile(&args[0], cx)?,
                _ => Expr::And(self.compile_all(args, cx)?.into()),
            }),
            kw::OR => Ok(match args.len() {
                0 => Expr::Const(Value::Bool(false)),
                1 => self.compile(&args[0], cx)?,
                _ => Expr::Or(self.compile_all(args, cx)?.into()),
            }),
            kw::WHEN | kw::UNLESS => {
                expect_len(kw, items, 3, usize::MAX, span)?;
                let test = self.compile(&args[0], cx)?;
                let body = seq(self.compile_all(&args[1..], cx)?);
                let none = Expr::Const(Value::Unspecified);
                Ok(if k == kw::WHEN {
                    Expr::If(Box::new(test), Box::new(body), Box::new(none))
                } else {
                    Expr::If(Box::new(test), Box::new(none), Box::new(body))
                })
            }
            kw::COND => self.compile_cond(args, cx),
            kw::CASE => self.compile_case(args, cx, span),
            kw::DO => {
                let form = self.desugar_do(s, items)?;
                self.compile(&form, cx)
            }
            kw::WHILE => {
                expect_len(kw, items, 2, usize::MAX, span)?;
                let test = self.compile(&args[0], cx)?;
                cx.in_while += 1;
                let body = self.compile_all(&args[1..], cx);
                cx.in_while -= 1;
                let body = body?;
                Ok(Expr::While {
                    test: Box::new(test),
                    body: Box::new(if body.is_empty() {
                        Expr::Const(Value::Unspecified)
                    } else {
                        seq(body)
                    }),
                })
            }
            kw::DELAY => {
                expect_len(kw, items, 2, 2, span)?;
                let e = self.compile(&args[0], cx)?;
                Ok(Expr::Delay(Rc::new(e)))
            }
            kw::DEFINE
            | kw::DEFINE_STAR
            | kw::DEFINE_VALUES
            | kw::DEFINE_SYNTAX
            | kw::DEFINE_SYNTAX_RULE => Err(Exn::syntax(
                format!("`{kw}` is only allowed at the top level or at the start of a body"),
                span,
            )
            .with_help("use `let` to bind a name inside an expression")),
            kw::LET_SYNTAX | kw::LETREC_SYNTAX => {
                expect_len(kw, items, 3, usize::MAX, span)?;
                let bindings = self.parse_bindings(&args[0], kw)?;
                let mut macros = Vec::new();
                if k == kw::LETREC_SYNTAX {
                    cx.scopes.push(Scope {
                        vars: Vec::new(),
                        macros: Vec::new(),
                    });
                }
                for (id, spec) in &bindings {
                    let m = self.parse_macro(spec, id.sym, cx)?;
                    if k == kw::LETREC_SYNTAX {
                        cx.scopes
                            .last_mut()
                            .expect("pushed")
                            .macros
                            .push((*id, m.clone()));
                    }
                    macros.push((*id, m));
                }
                if k == kw::LET_SYNTAX {
                    cx.scopes.push(Scope {
                        vars: Vec::new(),
                        macros,
                    });
                }
                let body = self.compile_body(&args[1..], cx, span);
                let scope = cx.scopes.pop().expect("scope pushed above");
                Ok(Expr::Frame {
                    size: scope.vars.len() as u32,
                    inits: Box::new([]),
                    body: Box::new(body?),
                })
            }
            kw::SYNTAX_RULES | kw::IDENTIFIER_SYNTAX => Err(Exn::syntax(
                format!("`{kw}` is only meaningful as the transformer of `define-syntax`"),
                span,
            )),
            kw::SYNTAX_ERROR => {
                let msg = match args.first().map(|a| &a.kind) {
                    Some(SyntaxKind::Lit(Value::Str(m))) => m.s.clone(),
                    _ => "syntax error".to_string(),
                };
                let irritants: Vec<String> = args
                    .iter()
                    .skip(1)
                    .filter_map(|a| a.to_datum(32))
                    .map(|v| crate::printer::write_string(&v))
                    .collect();
                let full = if irritants.is_empty() {
                    msg
                } else {
                    format!("{msg} {}", irritants.join(" "))
                };
                Err(Exn::syntax(full, span))
            }
            kw::DEFINE_SYNTAX_PARAMETER => {
                Err(Exn::unsupported("define-syntax-parameter").at(span))
            }
            kw::CURRENT_FILENAME => {
                expect_len(kw, items, 1, 1, span)?;
                Ok(Expr::Const(Value::string(&*self.file)))
            }
            kw::CURRENT_SOURCE_LOCATION => {
                expect_len(kw, items, 1, 1, span)?;
                // Guile's source properties: 0-based line and column.
                let (line, col) = line_col(&self.source, span.start);
                Ok(Expr::Const(Value::list([
                    Value::cons(Value::sym("line"), Value::Int(line as i64 - 1)),
                    Value::cons(Value::sym("column"), Value::Int(col as i64 - 1)),
                    Value::cons(Value::sym("filename"), Value::string(&*self.file)),
                ])))
            }
            kw::POTLUCK_PACKAGE => self.compile_record(RecordKind::Package, s, items, cx),
            kw::POTLUCK_SOURCE => self.compile_record(RecordKind::Source, s, items, cx),
            _ => Err(Exn::fatal(
                DiagnosticKind::Internal,
                format!("special form `{kw}` has no compiler"),
                Some(span),
            )),
        }
    }

    fn compile_qq(&mut self, t: &Syntax, depth: u32, cx: &mut Cx) -> Result<Expr> {
        self.tick()?;
        self.enter()?;
        let r = self.compile_qq_inner(t, depth, cx);
        self.depth -= 1;
        r
    }

    fn compile_qq_inner(&mut self, t: &Syntax, depth: u32, cx: &mut Cx) -> Result<Expr> {
        let call = |p: &'static Prim, args: Vec<Expr>, span: Span| Expr::Call {
            func: Box::new(Expr::Const(Value::Prim(p))),
            args: args.into(),
            span,
        };
        match &t.kind {
            SyntaxKind::List(items, tail) => {
                if tail.is_none() && items.len() == 2 {
                    if items[0].is_sym("unquote") {
                        return if depth == 1 {
                            self.compile(&items[1], cx)
                        } else {
                            let inner = self.compile_qq(&items[1], depth - 1, cx)?;
                            Ok(self.qq_list2("unquote", inner, t.span))
                        };
                    }
                    if items[0].is_sym("quasiquote") {
                        let inner = self.compile_qq(&items[1], depth + 1, cx)?;
                        return Ok(self.qq_list2("quasiquote", inner, t.span));
                    }
                }
                let mut acc = match tail {
                    Some(tl) => self.compile_qq(tl, depth, cx)?,
                    None => Expr::Const(Value::Null),
                };
                for item in items.iter().rev() {
                    if let Some(parts) = item.list() {
                        if parts.len() == 2 && parts[0].is_sym("unquote-splicing") {
                            if depth == 1 {
                                let spliced = self.compile(&parts[1], cx)?;
                                acc = call(&QQ_APPEND, vec![spliced, acc], item.span);
                                continue;
                            }
                            let inner = self.compile_qq(&parts[1], depth - 1, cx)?;
                            let elt = self.qq_list2("unquote-splicing", inner, item.span);
                            acc = call(&QQ_CONS, vec![elt, acc], item.span);
                            continue;
                        }
                    }
                    let elt = self.compile_qq(item, depth, cx)?;
                    acc = call(&QQ_CONS, vec![elt, acc], item.span);
                }
                Ok(fold_consts(acc))
            }
            SyntaxKind::Vector(items) => {
                let as_list = Syntax::new_list(items.to_vec(), t.span);
                let list = self.compile_qq(&as_list, depth, cx)?;
                Ok(fold_consts(call(&QQ_VECTOR, vec![list], t.span)))
            }
            _ => Ok(Expr::Const(self.datum(t)?)),
        }
    }

    fn qq_list2(&mut self, head: &str, inner: Expr, span: Span) -> Expr {
        let tail = Expr::Call {
            func: Box::new(Expr::Const(Value::Prim(&QQ_CONS))),
            args: vec![inner, Expr::Const(Value::Null)].into(),
            span,
        };
        fold_consts(Expr::Call {
            func: Box::new(Expr::Const(Value::Prim(&QQ_CONS))),
            args: vec![Expr::Const(Value::sym(head)), tail].into(),
            span,
        })
    }

    fn parse_bindings(&self, s: &Syntax, kw: &str) -> Result<Vec<(Ident, Syntax)>> {
        let list = s.list().ok_or_else(|| {
            Exn::syntax(
                format!("`{kw}` expects a list of bindings ((name value) ...)"),
                s.span,
            )
        })?;
        list.iter()
            .map(|b| match b.list() {
                Some([name, value]) => match name.ident() {
                    Some(id) => Ok((id, value.clone())),
                    None => Err(Exn::syntax(
                        "a binding's name must be an identifier",
                        name.span,
                    )),
                },
                _ => Err(Exn::syntax(
                    format!("bad `{kw}` binding: expected (name value)"),
                    b.span,
                )),
            })
            .collect()
    }

    fn compile_let(&mut self, s: &Syntax, items: &[Syntax], cx: &mut Cx) -> Result<Expr> {
        let span = s.span;
        expect_len("let", items, 3, usize::MAX, span)?;
        if let Some(loop_name) = items[1].ident() {
            // Named let.
            expect_len("let", items, 4, usize::MAX, span)?;
            let bindings = self.parse_bindings(&items[2], "let")?;
            let inits = collect_exact(bindings.iter().map(|(_, init)| self.compile(init, cx)))?;
            let formals = Syntax::new_list(
                bindings
                    .iter()
                    .map(|(id, _)| Syntax {
                        kind: SyntaxKind::Ident(*id),
                        span,
                    })
                    .collect(),
                items[2].span,
            );
            cx.scopes.push(Scope {
                vars: vec![loop_name],
                macros: Vec::new(),
            });
            let lam = self.compile_lambda(&formals, &items[3..], false, cx, span);
            cx.scopes.pop();
            let lam = Expr::Lambda(Rc::from(vec![Rc::new(lam?)]), Some(loop_name.sym));
            let func = Expr::Frame {
                size: 1,
                inits: Box::new([]),
                body: Box::new(seq(vec![
                    Expr::InitLocal {
                        index: 0,
                        value: Box::new(lam),
                    },
                    Expr::Local {
                        depth: 0,
                        index: 0,
                        span,
                    },
                ])),
            };
            return Ok(Expr::Call {
                func: Box::new(func),
                args: inits.into(),
                span,
            });
        }
        let bindings = self.parse_bindings(&items[1], "let")?;
        let inits = collect_exact(
            bindings
                .iter()
                .map(|(id, init)| self.compile_named(init, cx, Some(id.sym))),
        )?;
        cx.scopes.push(Scope {
            vars: bindings.iter().map(|(id, _)| *id).collect(),
            macros: Vec::new(),
        });
        let body = self.compile_body(&items[2..], cx, span);
        let scope = cx.scopes.pop().expect("scope pushed above");
        Ok(Expr::Frame {
            size: scope.vars.len() as u32,
            inits: inits.into(),
            body: Box::new(body?),
        })
    }

    fn compile_let_star(
        &mut self,
        bindings: &[(Ident, Syntax)],
        body: &[Syntax],
        cx: &mut Cx,
        span: Span,
    ) -> Result<Expr> {
        let Some(((id, init), rest)) = bindings.split_first() else {
            cx.scopes.push(Scope {
                vars: Vec::new(),
                macros: Vec::new(),
            });
            let b = self.compile_body(body, cx, span);
            let scope = cx.scopes.pop().expect("scope pushed above");
            return Ok(Expr::Frame {
                size: scope.vars.len() as u32,
                inits: Box::new([]),
                body: Box::new(b?),
            });
        };
        let init = self.compile_named(init, cx, Some(id.sym))?;
        cx.scopes.push(Scope {
            vars: vec![*id],
            macros: Vec::new(),
        });
        let inner = if rest.is_empty() {
            self.compile_body(body, cx, span)
        } else {
            self.enter()?;
            let r = self.compile_let_star(rest, body, cx, span);
            self.depth -= 1;
            r
        };
        let scope = cx.scopes.pop().expect("scope pushed above");
        Ok(Expr::Frame {
            size: scope.vars.len() as u32,
            inits: Box::new([init]),
            body: Box::new(inner?),
        })
    }

    fn compile_cond(&mut self, clauses: &[Syntax], cx: &mut Cx) -> Result<Expr> {
        let Some((clause, rest)) = clauses.split_first() else {
            return Ok(Expr::Const(Value::Unspecified));
        };
        let parts = clause.list().filter(|p| !p.is_empty()).ok_or_else(|| {
            Exn::syntax("bad `cond` clause: expected (test expr ...)", clause.span)
        })?;
        if self.is_syntax_ident(cx, &parts[0], "else") {
            if !rest.is_empty() {
                return Err(Exn::syntax(
                    "`else` must be the last `cond` clause",
                    clause.span,
                ));
            }
            return Ok(seq(self.compile_all(&parts[1..], cx)?));
        }
        let test = self.compile(&parts[0], cx)?;
        self.enter()?;
        let rest_expr = self.compile_cond(rest, cx);
        self.depth -= 1;
        if parts.len() == 1 {
            return Ok(Expr::Or(vec![test, rest_expr?].into()));
        }
        if parts.len() == 3 && self.is_syntax_ident(cx, &parts[1], "=>") {
            // (test => receiver): bind the test's value in a hidden slot.
            let hidden = self.fresh_ident("cond-value", cx);
            cx.scopes.push(Scope {
                vars: vec![hidden],
                macros: Vec::new(),
            });
            let r = (|| {
                let receiver = self.compile(&parts[2], cx)?;
                let rest_inner = self.compile_cond(rest, cx)?;
                Ok::<_, Exn>((receiver, rest_inner))
            })();
            cx.scopes.pop();
            let (receiver, rest_inner) = r?;
            let local = || Expr::Local {
                depth: 0,
                index: 0,
                span: clause.span,
            };
            return Ok(Expr::Frame {
                size: 1,
                inits: Box::new([test]),
                body: Box::new(Expr::If(
                    Box::new(local()),
                    Box::new(Expr::Call {
                        func: Box::new(receiver),
                        args: vec![local()].into(),
                        span: clause.span,
                    }),
                    Box::new(rest_inner),
                )),
            });
        }
        let body = seq(self.compile_all(&parts[1..], cx)?);
        Ok(Expr::If(
            Box::new(test),
            Box::new(body),
            Box::new(rest_expr?),
        ))
    }

    fn compile_case(&mut self, args: &[Syntax], cx: &mut Cx, span: Span) -> Result<Expr> {
        let Some((key, clauses)) = args.split_first() else {
            return Err(Exn::syntax("`case` needs a key expression", span));
        };
        let key = self.compile(key, cx)?;
        let mut out = Vec::new();
        let mut default = None;
        for (i, clause) in clauses.iter().enumerate() {
            let parts = clause.list().filter(|p| p.len() >= 2).ok_or_else(|| {
                Exn::syntax(
                    "bad `case` clause: expected ((datum ...) expr ...)",
                    clause.span,
                )
            })?;
            let body = if parts.len() == 3 && self.is_syntax_ident(cx, &parts[1], "=>") {
                CaseBody::Arrow(self.compile(&parts[2], cx)?)
            } else {
                CaseBody::Exprs(seq(self.compile_all(&parts[1..], cx)?))
            };
            if self.is_syntax_ident(cx, &parts[0], "else") {
                if i + 1 != clauses.len() {
                    return Err(Exn::syntax(
                        "`else` must be the last `case` clause",
                        clause.span,
                    ));
                }
                default = Some(Box::new(body));
                continue;
            }
            let data = parts[0].list().ok_or_else(|| {
                Exn::syntax("a `case` clause starts with a list of data", parts[0].span)
            })?;
            let data = collect_exact(data.iter().map(|d| self.datum(d)))?;
            out.push((data.into_boxed_slice(), body));
        }
        Ok(Expr::Case {
            key: Box::new(key),
            clauses: out.into(),
            default,
        })
    }

    fn desugar_do(&mut self, s: &Syntax, items: &[Syntax]) -> Result<Syntax> {
        let span = s.span;
        if items.len() < 3 {
            return Err(Exn::syntax(
                "bad `do`: expected (do ((var init step) ...) (test expr ...) command ...)",
                span,
            ));
        }
        let specs = items[1]
            .list()
            .ok_or_else(|| Exn::syntax("`do` expects a list of (var init step)", items[1].span))?;
        let end = items[2]
            .list()
            .filter(|e| !e.is_empty())
            .ok_or_else(|| Exn::syntax("`do` expects (test expr ...)", items[2].span))?;
        let loop_id = Syntax {
            kind: SyntaxKind::Ident(self.fresh_ident_at_top("do-loop")),
            span,
        };
        let mut bindings = Vec::new();
        let mut steps = Vec::new();
        for spec in specs {
            match spec.list() {
                Some([var, init]) => {
                    bindings.push(Syntax::new_list(vec![var.clone(), init.clone()], spec.span));
                    steps.push(var.clone());
                }
                Some([var, init, step]) => {
                    bindings.push(Syntax::new_list(vec![var.clone(), init.clone()], spec.span));
                    steps.push(step.clone());
                }
                _ => {
                    return Err(Exn::syntax(
                        "bad `do` binding: expected (var init [step])",
                        spec.span,
                    ))
                }
            }
        }
        let kw = |name: &str| Syntax::new_ident(name, span);
        let mut result = vec![
            kw("begin"),
            Syntax {
                kind: SyntaxKind::Lit(Value::Unspecified),
                span,
            },
        ];
        result.extend(end[1..].iter().cloned());
        let mut again = vec![loop_id.clone()];
        again.extend(steps);
        let mut body = vec![kw("begin")];
        body.extend(items[3..].iter().cloned());
        body.push(Syntax::new_list(again, span));
        let iff = Syntax::new_list(
            vec![
                kw("if"),
                end[0].clone(),
                Syntax::new_list(result, span),
                Syntax::new_list(body, span),
            ],
            span,
        );
        Ok(Syntax::new_list(
            vec![
                kw("let"),
                loop_id,
                Syntax::new_list(bindings, items[1].span),
                iff,
            ],
            span,
        ))
    }

    /// A fresh identifier no dish code can name.
    fn fresh_ident(&mut self, name: &str, cx: &Cx) -> Ident {
        let mark = self.marks.len() as u32;
        self.marks.push(MarkInfo {
            prev: 0,
            scope_len: cx.scopes.len() as u32,
        });
        Ident {
            sym: Symbol::intern(name),
            mark,
        }
    }

    fn fresh_ident_at_top(&mut self, name: &str) -> Ident {
        let mark = self.marks.len() as u32;
        self.marks.push(MarkInfo {
            prev: 0,
            scope_len: 0,
        });
        Ident {
            sym: Symbol::intern(name),
            mark,
        }
    }

    fn compile_record(
        &mut self,
        kind: RecordKind,
        s: &Syntax,
        items: &[Syntax],
        cx: &mut Cx,
    ) -> Result<Expr> {
        use crate::dish::*;
        let (form, known, required): (_, &[Symbol], &[Symbol]) = match kind {
            RecordKind::Package => (
                "potluck-package",
                &PACKAGE_FIELD_SYMBOLS,
                &PACKAGE_REQUIRED_SYMBOLS,
            ),
            RecordKind::Source => (
                "potluck-source",
                &SOURCE_FIELD_SYMBOLS,
                &SOURCE_REQUIRED_SYMBOLS,
            ),
        };
        let mut fields: Vec<(Symbol, Expr, Span)> = Vec::with_capacity(items.len() - 1);
        let mut seen: Vec<(Symbol, Span)> = Vec::with_capacity(items.len() - 1);
        for clause in &items[1..] {
            let invalid =
                |msg: String| Exn::fatal(DiagnosticKind::InvalidDish, msg, Some(clause.span));
            let parts = clause.list().ok_or_else(|| {
                invalid(format!("`{form}` takes (field value) clauses"))
                    .with_help("write e.g. (name \"hello\")")
            })?;
            let Some(field) = parts.first().and_then(Syntax::ident) else {
                return Err(invalid(format!("`{form}` takes (field value) clauses"))
                    .with_help("each clause starts with a field name, e.g. (version \"1.0\")"));
            };
            let fname = field.sym.name();
            if !known.contains(&field.sym) {
                let names: Vec<&str> = known.iter().map(|s| s.name()).collect();
                let help = match potluck_contract::distance::closest(fname, &names) {
                    Some(s) => format!(
                        "did you mean `{s}`? the fields of {form} are: {}",
                        names.join(", ")
                    ),
                    None => format!("the fields of {form} are: {}", names.join(", ")),
                };
                return Err(Exn::fatal(
                    DiagnosticKind::InvalidDish,
                    format!("unknown {form} field `{fname}`"),
                    Some(parts[0].span),
                )
                .with_help(help));
            }
            if let Some((_, first)) = seen.iter().find(|(f, _)| *f == field.sym) {
                let (l, c) = line_col(&self.source, first.start);
                return Err(invalid(format!("field `{fname}` is given twice in {form}"))
                    .with_help(format!(
                        "it was first given at line {l}, column {c}; keep one of them"
                    )));
            }
            seen.push((field.sym, clause.span));
            if parts.len() != 2 {
                return Err(invalid(format!(
                    "field `{fname}` takes exactly one value, but {} were given",
                    parts.len() - 1
                ))
                .with_help(format!(
                    "write ({fname} VALUE); to give a list, quote it: ({fname} '(...))"
                )));
            }
            let value = self.compile(&parts[1], cx)?;
            fields.push((field.sym, value, parts[1].span));
        }
        for req_sym in required {
            let req = req_sym.name();
            if !seen.iter().any(|(f, _)| f == req_sym) {
                return Err(Exn::fatal(
                    DiagnosticKind::InvalidDish,
                    format!("{form} is missing the required field `{req}`"),
                    Some(items[0].span.to(s.span)),
                )
                .with_help(crate::dish::field_example(req)));
            }
        }
        Ok(Expr::Record {
            kind,
            fields: fields.into(),
            span: s.span,
        })
    }

    /// Parse `(define name value)`, `(define (name . formals) body ...)`.
    fn parse_define(
        &mut self,
        form: &Syntax,
        items: &[Syntax],
        star: bool,
        _cx: &Cx,
    ) -> Result<(Ident, Syntax)> {
        let kw = if star { "define*" } else { "define" };
        if items.len() < 2 {
            return Err(Exn::syntax(
                format!("bad `{kw}`: expected ({kw} name value)"),
                form.span,
            ));
        }
        match &items[1].kind {
            SyntaxKind::Ident(id) => {
                if items.len() > 3 {
                    return Err(Exn::syntax(
                        format!("bad `{kw}`: expected ({kw} name value), got more than one value"),
                        form.span,
                    ));
                }
                let value = match items.get(2) {
                    Some(v) => v.clone(),
                    None => Syntax {
                        kind: SyntaxKind::Lit(Value::Unspecified),
                        span: form.span,
                    },
                };
                Ok((*id, value))
            }
            SyntaxKind::List(head, tail) if !head.is_empty() => {
                let Some(id) = head[0].ident() else {
                    return Err(Exn::syntax(
                        "curried definitions are not supported; define the procedure by name",
                        items[1].span,
                    ));
                };
                if items.len() < 3 {
                    return Err(Exn::syntax(
                        format!("`{kw}` of a procedure needs a body"),
                        form.span,
                    ));
                }
                let formals = Syntax {
                    kind: SyntaxKind::List(head[1..].to_vec().into(), tail.clone()),
                    span: items[1].span,
                };
                let mut lambda = vec![
                    Syntax::new_ident(if star { "lambda*" } else { "lambda" }, items[0].span),
                    formals,
                ];
                lambda.extend(items[2..].iter().cloned());
                // The `lambda` keyword must resolve to the real syntax, even
                // if the dish shadowed the name locally: mark it as ours.
                let mut lam = Syntax::new_list(lambda, form.span);
                if let SyntaxKind::List(ref mut its, _) = lam.kind {
                    let mut v = its.to_vec();
                    v[0] = Syntax {
                        kind: SyntaxKind::Ident(self.fresh_ident_at_top(if star {
                            "lambda*"
                        } else {
                            "lambda"
                        })),
                        span: items[0].span,
                    };
                    *its = v.into();
                }
                Ok((id, lam))
            }
            _ => Err(Exn::syntax(
                format!("bad `{kw}`: the name must be an identifier"),
                items[1].span,
            )),
        }
    }

    fn parse_define_values(
        &self,
        form: &Syntax,
        items: &[Syntax],
    ) -> Result<((Vec<Ident>, Option<Ident>), Syntax)> {
        if items.len() != 3 {
            return Err(Exn::syntax(
                "bad `define-values`: expected (define-values (name ...) expr)",
                form.span,
            ));
        }
        let formals = parse_formals(&items[1])?;
        Ok((formals, items[2].clone()))
    }

    fn parse_define_syntax(
        &mut self,
        form: &Syntax,
        items: &[Syntax],
        kw: &str,
        cx: &Cx,
    ) -> Result<(Ident, Rc<Macro>)> {
        if kw == "define-syntax-rule" {
            let bad = || {
                Exn::syntax(
                    "bad `define-syntax-rule`: expected (define-syntax-rule (name pattern ...) template)",
                    form.span,
                )
            };
            if items.len() != 3 && items.len() != 4 {
                return Err(bad());
            }
            let (pattern_items, tail) = match &items[1].kind {
                SyntaxKind::List(p, t) if !p.is_empty() => (p.clone(), t.clone()),
                _ => return Err(bad()),
            };
            let id = pattern_items[0].ident().ok_or_else(bad)?;
            let template = items.last().expect("length checked").clone();
            let m = crate::macros::SyntaxRules::single(
                id.sym,
                Syntax {
                    kind: SyntaxKind::List(pattern_items, tail),
                    span: items[1].span,
                },
                template,
                cx.scopes.len(),
            );
            return Ok((id, Rc::new(Macro::Rules(m))));
        }
        if items.len() != 3 {
            return Err(Exn::syntax(
                "bad `define-syntax`: expected (define-syntax name (syntax-rules ...))",
                form.span,
            ));
        }
        let id = items[1].ident().ok_or_else(|| {
            Exn::syntax("the name of a macro must be an identifier", items[1].span)
        })?;
        let m = self.parse_macro(&items[2], id.sym, cx)?;
        Ok((id, m))
    }

    fn parse_macro(&mut self, spec: &Syntax, name: Symbol, cx: &Cx) -> Result<Rc<Macro>> {
        let parts = spec.list().unwrap_or(&[]);
        let head = parts.first();
        if head.is_some_and(|h| self.is_syntax_ident(cx, h, "syntax-rules")) {
            let rules = crate::macros::SyntaxRules::parse(name, spec, parts, cx.scopes.len())?;
            return Ok(Rc::new(Macro::Rules(rules)));
        }
        if head.is_some_and(|h| self.is_syntax_ident(cx, h, "identifier-syntax")) {
            if parts.len() != 2 {
                return Err(Exn::unsupported("identifier-syntax with set! clauses").at(spec.span));
            }
            return Ok(Rc::new(Macro::IdentifierSyntax(parts[1].clone())));
        }
        if let Some(id) = head.and_then(Syntax::ident) {
            if matches!(id.sym.name(), "syntax-case" | "lambda" | "λ") {
                return Err(Exn::syntax(
                    "only `syntax-rules` and `identifier-syntax` transformers are available in the potluck sandbox",
                    spec.span,
                ));
            }
        }
        Err(Exn::syntax(
            "a macro must be defined with `syntax-rules` or `identifier-syntax`",
            spec.span,
        ))
    }

    /// Compile a body: definitions (also those produced by macros and
    /// `begin`) become slots of the innermost scope, in order.
    fn compile_body(&mut self, forms: &[Syntax], cx: &mut Cx, span: Span) -> Result<Expr> {
        enum Item {
            Define(u32, Syntax, Symbol),
            DefineValues(Vec<u32>, Option<u32>, Syntax, Span),
            Expr(Syntax),
        }
        let mut queue: std::collections::VecDeque<Syntax> = forms.iter().cloned().collect();
        let mut items = Vec::new();
        while let Some(form) = queue.pop_front() {
            self.tick()?;
            let Some((head, parts)) = self.head_of(&form, cx) else {
                items.push(Item::Expr(form));
                continue;
            };
            match head {
                Head::Macro(m) => {
                    if matches!(&*m, Macro::IdentifierSyntax(_)) {
                        items.push(Item::Expr(form));
                        continue;
                    }
                    let expanded = self.expand(&m, &form, cx.scopes.len())?;
                    queue.push_front(expanded);
                }
                Head::Syntax(kw::BEGIN) => {
                    for f in parts[1..].iter().rev() {
                        queue.push_front(f.clone());
                    }
                }
                Head::Syntax(k @ (kw::DEFINE | kw::DEFINE_STAR)) => {
                    let (id, value) = self.parse_define(&form, parts, k == kw::DEFINE_STAR, cx)?;
                    let scope = cx.scopes.last_mut().expect("a body has a scope");
                    scope.vars.push(id);
                    items.push(Item::Define((scope.vars.len() - 1) as u32, value, id.sym));
                }
                Head::Syntax(kw::DEFINE_VALUES) => {
                    let ((names, rest), expr) = self.parse_define_values(&form, parts)?;
                    let scope = cx.scopes.last_mut().expect("a body has a scope");
                    let mut idx = Vec::new();
                    for id in names {
                        scope.vars.push(id);
                        idx.push((scope.vars.len() - 1) as u32);
                    }
                    let rest = rest.map(|id| {
                        scope.vars.push(id);
                        (scope.vars.len() - 1) as u32
                    });
                    items.push(Item::DefineValues(idx, rest, expr, form.span));
                }
                Head::Syntax(k @ (kw::DEFINE_SYNTAX | kw::DEFINE_SYNTAX_RULE)) => {
                    let (id, m) = self.parse_define_syntax(&form, parts, k.name(), cx)?;
                    cx.scopes
                        .last_mut()
                        .expect("a body has a scope")
                        .macros
                        .push((id, m));
                }
                Head::Syntax(_) => items.push(Item::Expr(form)),
            }
        }
        if items.is_empty() {
            return Err(Exn::syntax("this body has no expression", span)
                .with_help("a body needs at least one expression after its definitions"));
        }
        let mut exprs = Vec::new();
        for item in items {
            exprs.push(match item {
                Item::Define(index, value, name) => Expr::InitLocal {
                    index,
                    value: Box::new(self.compile_named(&value, cx, Some(name))?),
                },
                Item::DefineValues(idx, rest, expr, span) => Expr::DefineValues {
                    value: Box::new(self.compile(&expr, cx)?),
                    targets: idx.into_iter().map(Target::Local).collect(),
                    rest: rest.map(Target::Local),
                    span,
                },
                Item::Expr(form) => self.compile(&form, cx)?,
            });
        }
        Ok(seq(exprs))
    }

    fn compile_lambda(
        &mut self,
        formals: &Syntax,
        body: &[Syntax],
        star: bool,
        cx: &mut Cx,
        span: Span,
    ) -> Result<Lambda> {
        if body.is_empty() {
            return Err(Exn::syntax("a procedure needs a body", span));
        }
        let (req, opt, rest, keys, allow_other_keys) = if star {
            parse_star_formals(formals)?
        } else {
            let (req, rest) = parse_formals(formals)?;
            (req, Vec::new(), rest, Vec::new(), false)
        };
        let mut vars: Vec<Ident> = req.clone();
        let saved_while = std::mem::take(&mut cx.in_while);
        cx.scopes.push(Scope {
            vars: Vec::new(),
            macros: Vec::new(),
        });
        let r = (|| {
            cx.scopes
                .last_mut()
                .expect("pushed")
                .vars
                .extend(req.iter().copied());
            let mut opt_exprs = Vec::new();
            for (id, default) in &opt {
                let e = match default {
                    Some(d) => Some(self.compile(d, cx)?),
                    None => None,
                };
                opt_exprs.push(e);
                cx.scopes.last_mut().expect("pushed").vars.push(*id);
                vars.push(*id);
            }
            if let Some(r) = rest {
                cx.scopes.last_mut().expect("pushed").vars.push(r);
            }
            let mut key_exprs = Vec::new();
            for (id, kw, default) in &keys {
                let e = match default {
                    Some(d) => Some(self.compile(d, cx)?),
                    None => None,
                };
                key_exprs.push((*kw, e));
                cx.scopes.last_mut().expect("pushed").vars.push(*id);
            }
            let body = self.compile_body(body, cx, span)?;
            Ok::<_, Exn>((opt_exprs, key_exprs, body))
        })();
        let scope = cx.scopes.pop().expect("scope pushed above");
        cx.in_while = saved_while;
        let (opt_exprs, key_exprs, body) = r?;
        Ok(Lambda {
            req: req.len() as u32,
            opt: opt_exprs.into(),
            rest: rest.is_some(),
            keys: key_exprs.into(),
            allow_other_keys,
            frame_size: scope.vars.len() as u32,
            body,
            span,
        })
    }

    // -------------------------------------------------------------- evaluation

    /// Evaluate `e` (not in tail position) in `env`.
    pub(crate) fn eval(&mut self, e: &Expr, env: &Env) -> Result<Value> {
        match e {
            Expr::Const(v) => return Ok(v.clone()),
            Expr::Local { depth, index, span } => return self.local(env, *depth, *index, *span),
            _ => {}
        }
        self.enter()?;
        let r = match self.eval_step(e, env, false) {
            Ok(Step::Done(v)) => Ok(v),
            Ok(Step::Tail(c, args, span)) => self.run_closure(c, args, span),
            Err(e) => Err(e),
        };
        self.depth -= 1;
        r
    }

    fn local(&self, env: &Env, depth: u32, index: u32, span: Span) -> Result<Value> {
        let mut frame = env;
        for _ in 0..depth {
            frame = frame
                .parent
                .as_ref()
                .expect("compiler computed a valid depth");
        }
        let v = frame.slots.borrow()[index as usize].clone();
        if matches!(v, Value::Unassigned) {
            return Err(Exn::guile(
                "unbound-variable",
                "",
                "Variable used before its definition",
                vec![],
                Value::Bool(false),
            )
            .at(span)
            .with_help("move the definition before this use"));
        }
        Ok(v)
    }

    fn run_closure(&mut self, c: Rc<Closure>, args: Vec<Value>, span: Span) -> Result<Value> {
        let mut step = self.enter_closure(&c, args, span)?;
        loop {
            match step {
                Step::Done(v) => return Ok(v),
                Step::Tail(c, args, span) => step = self.enter_closure(&c, args, span)?,
            }
        }
    }

    /// Call a procedure with arguments (used by primitives such as `map`).
    pub fn apply(&mut self, f: &Value, args: Vec<Value>) -> Result<Value> {
        self.apply_at(f, args, None)
    }

    fn apply_at(&mut self, f: &Value, args: Vec<Value>, span: Option<Span>) -> Result<Value> {
        /// Depth a call from a primitive counts for (see `enter_n`).
        const PRIMITIVE_CALL_DEPTH: u32 = 4;
        self.tick()?;
        self.enter_n(PRIMITIVE_CALL_DEPTH)?;
        let r = match f {
            Value::Closure(c) => self.run_closure(c.clone(), args, span.unwrap_or_default()),
            Value::Prim(p) => self.call_prim(p, args),
            other => Err(not_a_procedure(other)),
        };
        self.depth -= PRIMITIVE_CALL_DEPTH;
        match span {
            Some(s) => r.map_err(|e| e.at(s)),
            None => r,
        }
    }

    fn call_prim(&mut self, p: &'static Prim, args: Vec<Value>) -> Result<Value> {
        if args.len() < p.min || p.max.is_some_and(|m| args.len() > m) {
            return Err(self.raise(Exn::arity(p.name, args.len(), &p.arity_text())));
        }
        let Some(f) = p.f else {
            return Err(Exn::unsupported(p.name));
        };
        if std::ptr::eq(p, &crate::bindings::core::APPLY) {
            // `apply` calls through so that deep `apply` loops stay iterative.
            let (f, args) = crate::bindings::core::spread_apply_args(&args)?;
            return self.apply(&f, args);
        }
        f(self, &args).map_err(|e| self.raise(e))
    }

    /// Run the pre-unwind handlers (`with-throw-handler`) of a Scheme
    /// exception once, innermost first, up to the `catch` that will take it.
    pub(crate) fn raise(&mut self, e: Exn) -> Exn {
        let Exn::Throw(mut t) = e else {
            return e;
        };
        if t.raised {
            return Exn::Throw(t);
        }
        t.raised = true;
        let key = Value::Sym(t.key);
        let mut i = self.dynamic.len();
        while i > 0 {
            i -= 1;
            let (matches, handler) = match &self.dynamic[i] {
                Dyn::Catch(k) => (key_matches(k, &key), None),
                Dyn::Handler(k, h) => (key_matches(k, &key), Some(h.clone())),
            };
            if !matches {
                continue;
            }
            let Some(h) = handler else {
                break;
            };
            // The handler runs with the handlers inside it disabled.
            let saved = self.dynamic.split_off(i);
            let mut args = vec![key.clone()];
            args.extend(t.args.list_to_vec().unwrap_or_default());
            let r = self.apply(&h, args);
            self.dynamic.extend(saved);
            if let Err(new) = r {
                return new;
            }
        }
        Exn::Throw(t)
    }

    fn enter_closure(&mut self, c: &Rc<Closure>, args: Vec<Value>, span: Span) -> Result<Step> {
        self.tick()?;
        match &**c {
            Closure::Native { captured, f, .. } => {
                let r = f(self, captured, &args).map_err(|e| self.raise(e).at(span))?;
                Ok(Step::Done(r))
            }
            Closure::Scheme { cases, env, name } => {
                let lam = match cases.iter().find(|l| l.accepts(args.len())) {
                    Some(l) => l.clone(),
                    None => {
                        let n = name
                            .map(|s| s.name().to_string())
                            .unwrap_or_else(|| "#<procedure>".into());
                        let expected = describe_arity(cases);
                        return Err(self.raise(Exn::arity(&n, args.len(), &expected)).at(span));
                    }
                };
                let env = self.bind(&lam, env, args, span)?;
                self.eval_step(&lam.body, &env, true)
            }
        }
    }

    fn bind(&mut self, lam: &Lambda, env: &Env, mut args: Vec<Value>, span: Span) -> Result<Env> {
        self.charge(32 + 16 * lam.frame_size as usize)?;
        let size = lam.frame_size as usize;
        if lam.is_simple() {
            let req = lam.req as usize;
            if lam.rest {
                let rest = Value::list(args.drain(req..).collect::<Vec<_>>());
                args.push(rest);
            }
            args.resize(size.max(args.len()), Value::Unassigned);
            return Ok(Rc::new(Frame {
                slots: RefCell::new(args),
                parent: Some(env.clone()),
            }));
        }
        let frame = Rc::new(Frame {
            slots: RefCell::new(Vec::with_capacity(size)),
            parent: Some(env.clone()),
        });
        let req = lam.req as usize;
        let mut it = args.into_iter().peekable();
        for _ in 0..req {
            let v = it.next().expect("arity checked");
            frame.slots.borrow_mut().push(v);
        }
        for default in lam.opt.iter() {
            let take = match it.peek() {
                Some(Value::Keyword(_)) if !lam.keys.is_empty() => false,
                Some(_) => true,
                None => false,
            };
            let v = if take {
                it.next().expect("peeked")
            } else {
                match default {
                    Some(d) => self.eval(d, &frame)?,
                    None => Value::Bool(false),
                }
            };
            frame.slots.borrow_mut().push(v);
        }
        let remaining: Vec<Value> = it.collect();
        if lam.rest {
            frame
                .slots
                .borrow_mut()
                .push(Value::list(remaining.clone()));
        } else if lam.keys.is_empty() && !remaining.is_empty() {
            return Err(Exn::arity(
                "#<procedure>",
                req + lam.opt.len() + remaining.len(),
                "fewer",
            )
            .at(span));
        }
        if !lam.keys.is_empty() {
            let mut given: Vec<Option<Value>> = vec![None; lam.keys.len()];
            let mut i = 0;
            while i < remaining.len() {
                match &remaining[i] {
                    Value::Keyword(k) => {
                        let Some(v) = remaining.get(i + 1) else {
                            return Err(Exn::misc(
                                "#<procedure>",
                                format!("Keyword argument has no value: #:{}", k.name()),
                            )
                            .at(span));
                        };
                        match lam.keys.iter().position(|(kw, _)| kw == k) {
                            Some(pos) => given[pos] = Some(v.clone()),
                            None if lam.allow_other_keys => {}
                            None => {
                                return Err(Exn::misc(
                                    "#<procedure>",
                                    format!("Unrecognized keyword: #:{}", k.name()),
                                )
                                .at(span))
                            }
                        }
                        i += 2;
                    }
                    other if !lam.rest => {
                        return Err(Exn::misc(
                            "#<procedure>",
                            format!("Invalid keyword: {}", crate::printer::write_string(other)),
                        )
                        .at(span))
                    }
                    _ => i += 1,
                }
            }
            for ((_, default), g) in lam.keys.iter().zip(given) {
                let v = match g {
                    Some(v) => v,
                    None => match default {
                        Some(d) => self.eval(d, &frame)?,
                        None => Value::Bool(false),
                    },
                };
                frame.slots.borrow_mut().push(v);
            }
        }
        frame.slots.borrow_mut().resize(size, Value::Unassigned);
        Ok(frame)
    }

    fn eval_step(&mut self, e: &Expr, env: &Env, tail: bool) -> Result<Step> {
        self.tick()?;
        match e {
            Expr::Const(v) => Ok(Step::Done(v.clone())),
            Expr::Local { depth, index, span } => {
                self.local(env, *depth, *index, *span).map(Step::Done)
            }
            Expr::Global { slot, span } => match &self.globals[*slot as usize] {
                Value::Unassigned => {
                    Err(self.unbound_error(self.global_names[*slot as usize], *span))
                }
                v => Ok(Step::Done(v.clone())),
            },
            Expr::InitLocal { index, value } => {
                let v = self.eval(value, env)?;
                env.slots.borrow_mut()[*index as usize] = v;
                Ok(Step::Done(Value::Unspecified))
            }
            Expr::DefineGlobal { slot, value } => {
                let v = self.eval(value, env)?;
                self.globals[*slot as usize] = v;
                Ok(Step::Done(Value::Unspecified))
            }
            Expr::If(test, then, els) => {
                let t = self.eval(test, env)?;
                self.eval_branch(if t.is_true() { then } else { els }, env, tail)
            }
            Expr::Seq(exprs) => {
                let (last, init) = exprs.split_last().expect("sequences are not empty");
                for e in init {
                    self.eval(e, env)?;
                }
                self.eval_branch(last, env, tail)
            }
            Expr::Call { func, args, span } => {
                let mut f = self.eval(func, env)?;
                let mut argv = Vec::with_capacity(args.len());
                for a in args.iter() {
                    let v = self.eval(a, env)?;
                    argv.push(single_value(v).map_err(|e| e.at(*span))?);
                }
                // `apply` in tail position is a tail call of its procedure.
                while let Value::Prim(p) = &f {
                    if !std::ptr::eq(*p, &crate::bindings::core::APPLY) || argv.is_empty() {
                        break;
                    }
                    let (g, spread) =
                        crate::bindings::core::spread_apply_args(&argv).map_err(|e| e.at(*span))?;
                    f = g;
                    argv = spread;
                }
                match f {
                    Value::Closure(c) => {
                        if tail {
                            Ok(Step::Tail(c, argv, *span))
                        } else {
                            self.enter()?;
                            let r = self.run_closure(c, argv, *span).map(Step::Done);
                            self.depth -= 1;
                            r
                        }
                    }
                    Value::Prim(p) => self
                        .call_prim(p, argv)
                        .map(Step::Done)
                        .map_err(|e| e.at(*span)),
                    other => Err(self.raise(not_a_procedure(&other)).at(*span)),
                }
            }
            Expr::Frame { size, inits, body } => {
                self.charge(32 + 16 * *size as usize)?;
                let mut slots = Vec::with_capacity(*size as usize);
                for i in inits.iter() {
                    slots.push(self.eval(i, env)?);
                }
                slots.resize(*size as usize, Value::Unassigned);
                let frame = Rc::new(Frame {
                    slots: RefCell::new(slots),
                    parent: Some(env.clone()),
                });
                self.eval_branch(body, &frame, tail)
            }
            Expr::And(exprs) => {
                let (last, init) = exprs.split_last().expect("and has operands");
                for e in init {
                    let v = self.eval(e, env)?;
                    if !v.is_true() {
                        return Ok(Step::Done(v));
                    }
                }
                self.eval_branch(last, env, tail)
            }
            Expr::Or(exprs) => {
                let (last, init) = exprs.split_last().expect("or has operands");
                for e in init {
                    let v = self.eval(e, env)?;
                    if v.is_true() {
                        return Ok(Step::Done(v));
                    }
                }
                self.eval_branch(last, env, tail)
            }
            Expr::Lambda(..)
            | Expr::Case { .. }
            | Expr::While { .. }
            | Expr::Break(_)
            | Expr::Continue
            | Expr::Delay(_)
            | Expr::DefineValues { .. }
            | Expr::Record { .. } => self.eval_step_rare(e, env, tail),
        }
    }

    /// The less common forms, out of [`Interp::eval_step`]'s way: a smaller
    /// function for the hot forms evaluates them faster in wasm.
    #[inline(never)]
    fn eval_step_rare(&mut self, e: &Expr, env: &Env, tail: bool) -> Result<Step> {
        match e {
            Expr::Lambda(cases, name) => {
                self.charge(48)?;
                Ok(Step::Done(Value::Closure(Rc::new(Closure::Scheme {
                    cases: cases.clone(),
                    env: env.clone(),
                    name: *name,
                }))))
            }
            Expr::Case {
                key,
                clauses,
                default,
            } => {
                let k = self.eval(key, env)?;
                let body = clauses
                    .iter()
                    .find(|(data, _)| data.iter().any(|d| d.eqv(&k)))
                    .map(|(_, b)| b)
                    .or(default.as_deref());
                match body {
                    None => Ok(Step::Done(Value::Unspecified)),
                    Some(CaseBody::Exprs(e)) => self.eval_branch(e, env, tail),
                    Some(CaseBody::Arrow(f)) => {
                        let f = self.eval(f, env)?;
                        self.apply(&f, vec![k]).map(Step::Done)
                    }
                }
            }
            Expr::While { test, body } => loop {
                self.tick()?;
                if !self.eval(test, env)?.is_true() {
                    return Ok(Step::Done(Value::Unspecified));
                }
                match self.eval(body, env) {
                    Ok(_) | Err(Exn::Continue) => {}
                    Err(Exn::Break(v)) => return Ok(Step::Done(v)),
                    Err(e) => return Err(e),
                }
            },
            Expr::Break(args) => {
                let mut vals = Vec::new();
                for a in args.iter() {
                    vals.push(self.eval(a, env)?);
                }
                Err(Exn::Break(match vals.len() {
                    0 => Value::Unspecified,
                    1 => vals.pop().expect("one value"),
                    _ => Value::Values(Rc::new(vals)),
                }))
            }
            Expr::Continue => Err(Exn::Continue),
            Expr::Delay(e) => Ok(Step::Done(Value::Promise(Rc::new(Promise {
                state: RefCell::new(PromiseState::Delayed(e.clone(), env.clone())),
            })))),
            Expr::DefineValues {
                value,
                targets,
                rest,
                span,
            } => {
                let v = self.eval(value, env)?;
                let vals = match v {
                    Value::Values(vs) => (*vs).clone(),
                    one => vec![one],
                };
                if vals.len() < targets.len() || (rest.is_none() && vals.len() != targets.len()) {
                    return Err(Exn::arity(
                        "define-values",
                        vals.len(),
                        &targets.len().to_string(),
                    )
                    .at(*span));
                }
                let mut store = |t: &Target, v: Value| match t {
                    Target::Local(i) => env.slots.borrow_mut()[*i as usize] = v,
                    Target::Global(g) => self.globals[*g as usize] = v,
                };
                let mut it = vals.into_iter();
                for t in targets.iter() {
                    store(t, it.next().expect("length checked"));
                }
                if let Some(r) = rest {
                    store(r, Value::list(it.collect::<Vec<_>>()));
                }
                Ok(Step::Done(Value::Unspecified))
            }
            Expr::Record { kind, fields, span } => {
                let mut out = Vec::with_capacity(fields.len());
                for (name, e, fspan) in fields.iter() {
                    let v = self.eval(e, env)?;
                    out.push((*name, v, *fspan));
                }
                Ok(Step::Done(Value::Record(Rc::new(Record {
                    kind: *kind,
                    fields: out,
                    span: *span,
                }))))
            }
            Expr::Const(_)
            | Expr::Local { .. }
            | Expr::Global { .. }
            | Expr::InitLocal { .. }
            | Expr::DefineGlobal { .. }
            | Expr::If(..)
            | Expr::Seq(_)
            | Expr::Call { .. }
            | Expr::Frame { .. }
            | Expr::And(_)
            | Expr::Or(_) => unreachable!("eval_step evaluates the common forms"),
        }
    }

    fn eval_branch(&mut self, e: &Expr, env: &Env, tail: bool) -> Result<Step> {
        match e {
            Expr::Const(v) => Ok(Step::Done(v.clone())),
            Expr::Local { depth, index, span } => {
                self.local(env, *depth, *index, *span).map(Step::Done)
            }
            _ => {
                self.enter()?;
                let r = self.eval_step(e, env, tail);
                self.depth -= 1;
                r
            }
        }
    }

    /// `force`.
    pub fn force(&mut self, p: &Rc<Promise>) -> Result<Value> {
        let state = std::mem::replace(&mut *p.state.borrow_mut(), PromiseState::Forcing);
        match state {
            PromiseState::Forced(v) => {
                *p.state.borrow_mut() = PromiseState::Forced(v.clone());
                Ok(v)
            }
            PromiseState::Forcing => Err(Exn::misc("force", "promise forced while being forced")),
            PromiseState::Delayed(e, env) => match self.eval(&e, &env) {
                Ok(v) => {
                    let v = match v {
                        Value::Promise(inner) if !Rc::ptr_eq(&inner, p) => self.force(&inner)?,
                        v => v,
                    };
                    *p.state.borrow_mut() = PromiseState::Forced(v.clone());
                    Ok(v)
                }
                Err(err) => {
                    *p.state.borrow_mut() = PromiseState::Delayed(e, env);
                    Err(err)
                }
            },
            PromiseState::Thunk(f) => match self.apply(&f, Vec::new()) {
                Ok(v) => {
                    *p.state.borrow_mut() = PromiseState::Forced(v.clone());
                    Ok(v)
                }
                Err(err) => {
                    *p.state.borrow_mut() = PromiseState::Thunk(f);
                    Err(err)
                }
            },
        }
    }
}

enum Head {
    Macro(Rc<Macro>),
    Syntax(Kw),
}

/// A value in a single-value position: the first of several values, as
/// Guile does; none is an error.
fn single_value(v: Value) -> Result<Value> {
    match v {
        Value::Values(vs) => vs
            .first()
            .cloned()
            .ok_or_else(|| Exn::misc("", "Zero values returned to single-valued continuation")),
        v => Ok(v),
    }
}

fn key_matches(k: &Value, key: &Value) -> bool {
    matches!(k, Value::Bool(true)) || k.eq(key)
}

fn not_a_procedure(v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        "",
        "Wrong type to apply: ~S",
        vec![v.clone()],
        Value::list([v.clone()]),
    )
}

fn describe_arity(cases: &[Rc<Lambda>]) -> String {
    let parts: Vec<String> = cases
        .iter()
        .map(|l| {
            let req = l.req as usize;
            if l.rest || !l.keys.is_empty() {
                format!("at least {req}")
            } else if l.opt.is_empty() {
                req.to_string()
            } else {
                format!("{req} to {}", req + l.opt.len())
            }
        })
        .collect();
    parts.join(" or ")
}

fn seq(mut exprs: Vec<Expr>) -> Expr {
    match exprs.len() {
        0 => Expr::Const(Value::Unspecified),
        1 => exprs.pop().expect("one expression"),
        _ => Expr::Seq(exprs.into()),
    }
}

/// Fold calls of the quasiquote helpers whose arguments are all constants.
fn fold_consts(e: Expr) -> Expr {
    if let Expr::Call { func, args, span } = &e {
        if let Expr::Const(Value::Prim(p)) = &**func {
            if args.iter().all(|a| matches!(a, Expr::Const(_))) {
                let vals: Vec<Value> = args
                    .iter()
                    .map(|a| match a {
                        Expr::Const(v) => v.clone(),
                        _ => Value::Null,
                    })
                    .collect();
                if std::ptr::eq(*p, &QQ_CONS) {
                    return Expr::Const(Value::cons(vals[0].clone(), vals[1].clone()));
                }
                if std::ptr::eq(*p, &QQ_VECTOR) {
                    if let Some(items) = vals[0].list_to_vec() {
                        return Expr::Const(Value::Vector(Rc::new(items)));
                    }
                }
                let _ = span;
            }
        }
    }
    e
}

fn expect_len(kw: &str, items: &[Syntax], min: usize, max: usize, span: Span) -> Result<()> {
    if items.len() < min || items.len() > max {
        let usage = match kw {
            "quote" => "(quote datum)",
            "quasiquote" => "(quasiquote template)",
            "if" => "(if test then [else])",
            "lambda" | "λ" | "lambda*" => "(lambda formals body ...)",
            "let" => "(let ((name value) ...) body ...)",
            "let*" => "(let* ((name value) ...) body ...)",
            "letrec" | "letrec*" => "(letrec ((name value) ...) body ...)",
            "when" => "(when test body ...)",
            "unless" => "(unless test body ...)",
            "while" => "(while test body ...)",
            "delay" => "(delay expr)",
            "let-syntax" | "letrec-syntax" => "(let-syntax ((name transformer) ...) body ...)",
            _ => "",
        };
        return Err(
            Exn::syntax(format!("bad `{kw}` form"), span).with_help(if usage.is_empty() {
                format!("check the number of parts of this `{kw}` form")
            } else {
                format!("the form is {usage}")
            }),
        );
    }
    Ok(())
}

fn parse_formals(s: &Syntax) -> Result<(Vec<Ident>, Option<Ident>)> {
    let bad = |sp: Span| Exn::syntax("parameters must be identifiers", sp);
    match &s.kind {
        SyntaxKind::Ident(id) => Ok((Vec::new(), Some(*id))),
        SyntaxKind::List(items, tail) => {
            let mut req = Vec::new();
            for i in items.iter() {
                let id = i.ident().ok_or_else(|| {
                    if matches!(&i.kind, SyntaxKind::Lit(Value::Keyword(_))) {
                        Exn::syntax("keyword parameters need `lambda*` or `define*`", i.span)
                    } else {
                        bad(i.span)
                    }
                })?;
                if req.contains(&id) {
                    return Err(Exn::syntax(
                        format!("duplicate parameter `{}`", id.sym.name()),
                        i.span,
                    ));
                }
                req.push(id);
            }
            let rest = match tail {
                Some(t) => Some(t.ident().ok_or_else(|| bad(t.span))?),
                None => None,
            };
            Ok((req, rest))
        }
        _ => Err(bad(s.span)),
    }
}

type StarFormals = (
    Vec<Ident>,
    Vec<(Ident, Option<Syntax>)>,
    Option<Ident>,
    Vec<(Ident, Symbol, Option<Syntax>)>,
    bool,
);

fn parse_star_formals(s: &Syntax) -> Result<StarFormals> {
    let (items, tail): (&[Syntax], Option<&Rc<Syntax>>) = match &s.kind {
        SyntaxKind::Ident(id) => return Ok((Vec::new(), Vec::new(), Some(*id), Vec::new(), false)),
        SyntaxKind::List(items, tail) => (items, tail.as_ref()),
        _ => return Err(Exn::syntax("bad parameter list", s.span)),
    };
    #[derive(PartialEq, PartialOrd)]
    enum Mode {
        Req,
        Opt,
        Key,
        Rest,
    }
    let mut mode = Mode::Req;
    let (mut req, mut opt, mut keys) = (Vec::new(), Vec::new(), Vec::new());
    let mut rest = tail
        .map(|t| {
            t.ident()
                .ok_or_else(|| Exn::syntax("bad rest parameter", t.span))
        })
        .transpose()?;
    let mut allow = false;
    for item in items {
        if let SyntaxKind::Lit(Value::Keyword(k)) = &item.kind {
            let next = match k.name() {
                "optional" => Some(Mode::Opt),
                "key" => Some(Mode::Key),
                "rest" => Some(Mode::Rest),
                _ => None,
            };
            if let Some(next) = next {
                if next <= mode {
                    return Err(Exn::syntax(
                        format!("`#:{}` is out of order", k.name()),
                        item.span,
                    )
                    .with_help("the order is: required, #:optional, #:key, #:rest"));
                }
                mode = next;
                continue;
            }
            match k.name() {
                "allow-other-keys" => allow = true,
                other => {
                    return Err(Exn::syntax(
                        format!("unknown parameter keyword `#:{other}`"),
                        item.span,
                    )
                    .with_help("use #:optional, #:key, #:rest or #:allow-other-keys"))
                }
            }
            continue;
        }
        let (id, default) = match (&item.kind, item.list()) {
            (SyntaxKind::Ident(id), _) => (*id, None),
            (_, Some([name, default])) if mode == Mode::Opt || mode == Mode::Key => {
                let id = name
                    .ident()
                    .ok_or_else(|| Exn::syntax("bad parameter", name.span))?;
                (id, Some(default.clone()))
            }
            _ => return Err(Exn::syntax("bad parameter", item.span)),
        };
        match mode {
            Mode::Req => req.push(id),
            Mode::Opt => opt.push((id, default)),
            Mode::Key => keys.push((id, id.sym, default)),
            Mode::Rest => rest = Some(id),
        }
    }
    Ok((req, opt, rest, keys, allow))
}

/// Evaluate every top-level form of `src`; the value of the last one.
pub fn eval_source(
    interp: &mut Interp,
    forms: &[Syntax],
) -> std::result::Result<Value, Diagnostic> {
    let mut last = Value::Unspecified;
    for (i, form) in forms.iter().enumerate() {
        if i > 0 {
            if let Value::Record(r) = &last {
                if r.kind == RecordKind::Package && interp.discarded_packages.len() < 16 {
                    interp.discarded_packages.push(r.span);
                }
            }
        }
        last = interp.eval_toplevel(form).map_err(|e| {
            let mut d = e.into_diagnostic();
            if d.span.is_none() {
                d.span = Some(form.span);
            }
            d
        })?;
    }
    Ok(last)
}
