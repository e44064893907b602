//! The compiled code and the runtime objects it makes: [`Expr`] trees
//! with lexical addresses, procedure clauses ([`Lambda`]), frames,
//! closures (Scheme and native) and promises.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diag::Result;
use crate::span::Span;
use crate::value::{RecordKind, Symbol, Value};

use super::Interp;

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
        /// The whole `case` form, where a `=>` receiver's call is reported.
        span: Span,
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
    pub(super) fn is_simple(&self) -> bool {
        self.opt.is_empty() && self.keys.is_empty()
    }

    pub(super) fn accepts(&self, n: usize) -> bool {
        let req = self.req as usize;
        n >= req && (self.rest || !self.keys.is_empty() || n <= req + self.opt.len())
    }
}

pub type Env = Rc<Frame>;

/// A runtime frame: the slots of one scope and the enclosing frame.
#[derive(Debug)]
pub struct Frame {
    pub(crate) slots: RefCell<Vec<Value>>,
    pub(crate) parent: Option<Env>,
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
