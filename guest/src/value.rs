//! Runtime values of the dish interpreter.
//!
//! Values are immutable once built (the sandbox has no `set!` and no mutating
//! primitives), reference counted, and dropped iteratively (see
//! `teardown`) so that a dish cannot overflow the interpreter's stack by
//! building a very long or very deep structure.

use std::fmt::{self, Write as _};
use std::rc::Rc;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::bindings::charset::{CharSet, CharSetCursor};
use crate::bindings::Prim;
use crate::eval::{Closure, Promise};
use crate::span::Span;

pub use crate::symbol::Symbol;

/// An immutable string.  `span` is set when the string was written literally
/// in the dish, so diagnostics about it can point at it.
#[derive(Debug)]
pub struct Str {
    pub s: String,
    pub span: Option<Span>,
}

impl Str {
    pub fn char_len(&self) -> usize {
        if self.s.is_ascii() {
            self.s.len()
        } else {
            self.s.chars().count()
        }
    }
}

pub struct Pair {
    pub car: Value,
    pub cdr: Value,
}

/// A record built by `potluck-package` or `potluck-source`: the clause
/// values in order, with the span of each clause's value expression.
#[derive(Debug)]
pub struct Record {
    pub kind: RecordKind,
    pub fields: Vec<(Symbol, Value, Span)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Package,
    Source,
}

#[derive(Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Big(Rc<BigInt>),
    Rat(Rc<BigRational>),
    Real(f64),
    Char(char),
    Str(Rc<Str>),
    Sym(Symbol),
    Keyword(Symbol),
    Pair(Rc<Pair>),
    Vector(Rc<Items>),
    Prim(&'static Prim),
    Closure(Rc<Closure>),
    Promise(Rc<Promise>),
    CharSet(Rc<CharSet>),
    CharSetCursor(Rc<CharSetCursor>),
    Record(Rc<Record>),
    /// Zero or several values (`values`); one value is never wrapped.
    Values(Rc<Items>),
    Unspecified,
    /// The value of a `letrec` or internal definition before it is set.
    Unassigned,
}

/// The elements of a vector or of multiple values.  Its `Drop` (in
/// `teardown`) frees nested elements without recursing.
#[derive(Debug, Default)]
pub struct Items(pub Vec<Value>);

impl std::ops::Deref for Items {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl std::ops::DerefMut for Items {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0
    }
}

impl From<Vec<Value>> for Items {
    fn from(v: Vec<Value>) -> Items {
        Items(v)
    }
}

impl FromIterator<Value> for Items {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Items {
        Items(iter.into_iter().collect())
    }
}

impl Value {
    pub fn cons(car: Value, cdr: Value) -> Value {
        Value::Pair(Rc::new(Pair { car, cdr }))
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::Str(Rc::new(Str {
            s: s.into(),
            span: None,
        }))
    }

    pub fn sym(name: &str) -> Value {
        Value::Sym(Symbol::intern(name))
    }

    pub fn is_true(&self) -> bool {
        !matches!(self, Value::Bool(false))
    }

    pub fn list(items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>) -> Value {
        Self::list_with_tail(items, Value::Null)
    }

    pub fn list_with_tail(
        items: impl IntoIterator<Item = Value, IntoIter: DoubleEndedIterator>,
        tail: Value,
    ) -> Value {
        items
            .into_iter()
            .rev()
            .fold(tail, |acc, v| Value::cons(v, acc))
    }

    /// The elements of a proper list, or `None` for an improper one (pairs
    /// are immutable, so no list is circular).
    pub fn list_to_vec(&self) -> Option<Vec<Value>> {
        // Count first, so that the vector is allocated once.
        let mut n = 0;
        let mut cur = self;
        while let Value::Pair(p) = cur {
            n += 1;
            cur = &p.cdr;
        }
        if !matches!(cur, Value::Null) {
            return None;
        }
        let mut out = Vec::with_capacity(n);
        let mut cur = self;
        while let Value::Pair(p) = cur {
            out.push(p.car.clone());
            cur = &p.cdr;
        }
        Some(out)
    }

    pub fn is_procedure(&self) -> bool {
        matches!(self, Value::Prim(_) | Value::Closure(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::Big(_) | Value::Rat(_) | Value::Real(_)
        )
    }

    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "empty list",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Big(_) => "integer",
            Value::Rat(_) => "rational",
            Value::Real(_) => "real",
            Value::Char(_) => "character",
            Value::Str(_) => "string",
            Value::Sym(_) => "symbol",
            Value::Keyword(_) => "keyword",
            Value::Pair(_) => "pair",
            Value::Vector(_) => "vector",
            Value::Prim(_) | Value::Closure(_) => "procedure",
            Value::Promise(_) => "promise",
            Value::CharSet(_) => "char-set",
            Value::CharSetCursor(_) => "char-set cursor",
            Value::Record(r) => match r.kind {
                RecordKind::Package => "potluck-package",
                RecordKind::Source => "potluck-source",
            },
            Value::Values(_) => "multiple values",
            Value::Unspecified => "unspecified",
            Value::Unassigned => "unassigned",
        }
    }

    /// `eq?`: identity for heap objects, value for small immediates.
    #[allow(clippy::should_implement_trait)]
    pub fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Char(a), Value::Char(b)) => a == b,
            (Value::Sym(a), Value::Sym(b)) => a == b,
            (Value::Keyword(a), Value::Keyword(b)) => a == b,
            (Value::Unspecified, Value::Unspecified) => true,
            (Value::Str(a), Value::Str(b)) => Rc::ptr_eq(a, b),
            (Value::Pair(a), Value::Pair(b)) => Rc::ptr_eq(a, b),
            (Value::Vector(a), Value::Vector(b)) => {
                Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty())
            }
            (Value::Prim(a), Value::Prim(b)) => std::ptr::eq(*a, *b),
            (Value::Closure(a), Value::Closure(b)) => Rc::ptr_eq(a, b),
            (Value::Promise(a), Value::Promise(b)) => Rc::ptr_eq(a, b),
            (Value::CharSet(a), Value::CharSet(b)) => Rc::ptr_eq(a, b),
            (Value::CharSetCursor(a), Value::CharSetCursor(b)) => Rc::ptr_eq(a, b),
            (Value::Record(a), Value::Record(b)) => Rc::ptr_eq(a, b),
            (Value::Big(a), Value::Big(b)) => Rc::ptr_eq(a, b),
            (Value::Rat(a), Value::Rat(b)) => Rc::ptr_eq(a, b),
            (Value::Real(a), Value::Real(b)) => a.to_bits() == b.to_bits(),
            _ => false,
        }
    }

    /// `eqv?`: like `eq?` but numbers and characters compare by value
    /// (exactness included).
    pub fn eqv(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Big(a), Value::Big(b)) => a == b,
            (Value::Rat(a), Value::Rat(b)) => a == b,
            (Value::Real(a), Value::Real(b)) => {
                a.to_bits() == b.to_bits()
                    || (a == b && a.is_sign_negative() == b.is_sign_negative())
            }
            (Value::Str(a), Value::Str(b)) => {
                Rc::ptr_eq(a, b) || (a.s.is_empty() && b.s.is_empty())
            }
            _ => self.eq(other),
        }
    }

    /// `equal?`: structural equality.  Iterative in the cdr direction and
    /// bounded in the car direction by `depth`; returns `None` when the
    /// structure is deeper than that.
    pub fn equal(&self, other: &Value, depth: u32) -> Option<bool> {
        if depth == 0 {
            return None;
        }
        let (mut a, mut b) = (self, other);
        loop {
            match (a, b) {
                (Value::Pair(x), Value::Pair(y)) => {
                    if Rc::ptr_eq(x, y) {
                        return Some(true);
                    }
                    if !x.car.equal(&y.car, depth - 1)? {
                        return Some(false);
                    }
                    a = &x.cdr;
                    b = &y.cdr;
                }
                (Value::Str(x), Value::Str(y)) => return Some(x.s == y.s),
                (Value::Vector(x), Value::Vector(y)) => {
                    if x.len() != y.len() {
                        return Some(false);
                    }
                    for (p, q) in x.iter().zip(y.iter()) {
                        if !p.equal(q, depth - 1)? {
                            return Some(false);
                        }
                    }
                    return Some(true);
                }
                (Value::CharSet(x), Value::CharSet(y)) => return Some(x == y),
                _ => return Some(a.eqv(b)),
            }
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::printer::write_string(self))
    }
}

/// Append `c` to `out` the way Guile's `write` spells a character.
pub fn write_char_literal(out: &mut String, c: char) {
    let name = match c {
        ' ' => Some("space"),
        '\n' => Some("newline"),
        '\t' => Some("tab"),
        '\r' => Some("return"),
        '\0' => Some("nul"),
        '\u{7}' => Some("alarm"),
        '\u{8}' => Some("backspace"),
        '\u{7f}' => Some("delete"),
        '\u{1b}' => Some("esc"),
        '\u{c}' => Some("page"),
        '\u{b}' => Some("vtab"),
        _ => None,
    };
    out.push_str("#\\");
    match name {
        Some(n) => out.push_str(n),
        None if c.is_control() => {
            let _ = write!(out, "x{:x}", c as u32);
        }
        None => out.push(c),
    }
}
