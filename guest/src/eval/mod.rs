//! The evaluator: syntax is compiled to a small tree of [`Expr`] nodes with
//! lexical addresses, which a tree-walking interpreter runs with proper tail
//! calls (a trampoline), Guile's `catch`/`throw` semantics, and hard limits on
//! steps, recursion depth, allocation and macro expansion.
//!
//! Every special form of the 2017 environment is compiled here (see
//! [`SYNTAX`]); procedures live in [`crate::bindings`].

mod apply;
mod code;
mod compile;
mod globals;
mod run;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap as HashMap;

use crate::diag::{Diagnostic, Exn, Result};
use crate::macros::Macro;
use crate::reader::Syntax;
use crate::span::Span;
use crate::value::{RecordKind, Symbol, Value};

pub use code::{
    make_native_closure, CaseBody, Closure, Env, Expr, Frame, Lambda, NativeFn, Promise,
    PromiseState, Target,
};

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
