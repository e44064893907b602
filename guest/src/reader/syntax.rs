//! Syntax objects, the reader's output and the input of the compiler and
//! of macros: identifiers with hygiene marks, lists, vectors and literals,
//! each with its span.

use std::rc::Rc;

use crate::span::Span;
use crate::value::{Symbol, Value};

/// An identifier: a symbol plus the hygiene mark of the macro expansion that
/// introduced it (0 for identifiers written in the dish).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ident {
    pub sym: Symbol,
    pub mark: u32,
}

impl Ident {
    pub fn plain(sym: Symbol) -> Ident {
        Ident { sym, mark: 0 }
    }
}

/// A datum as read, with its span; the input of the compiler and of macros.
#[derive(Debug, Clone)]
pub struct Syntax {
    pub kind: SyntaxKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum SyntaxKind {
    Ident(Ident),
    /// A list: its elements and, for a dotted list, its tail.
    List(Rc<[Syntax]>, Option<Rc<Syntax>>),
    Vector(Rc<[Syntax]>),
    /// A self-evaluating literal: number, string, character, boolean, keyword.
    Lit(Value),
}

impl Syntax {
    pub fn ident(&self) -> Option<Ident> {
        match &self.kind {
            SyntaxKind::Ident(id) => Some(*id),
            _ => None,
        }
    }

    /// The elements of a proper list.
    pub fn list(&self) -> Option<&[Syntax]> {
        match &self.kind {
            SyntaxKind::List(items, None) => Some(items),
            _ => None,
        }
    }

    pub fn is_sym(&self, name: &str) -> bool {
        matches!(&self.kind, SyntaxKind::Ident(id) if id.sym.is(name))
    }

    pub fn new_list(items: Vec<Syntax>, span: Span) -> Syntax {
        Syntax {
            kind: SyntaxKind::List(items.into(), None),
            span,
        }
    }

    pub fn new_ident(name: &str, span: Span) -> Syntax {
        Syntax {
            kind: SyntaxKind::Ident(Ident::plain(Symbol::intern(name))),
            span,
        }
    }

    /// This syntax as a datum (what `quote` gives): identifiers become their
    /// symbols, string literals remember their span.  `None` when nested
    /// deeper than `depth`.
    pub fn to_datum(&self, depth: u32) -> Option<Value> {
        if depth == 0 {
            return None;
        }
        Some(match &self.kind {
            SyntaxKind::Ident(id) => Value::Sym(id.sym),
            SyntaxKind::Lit(Value::Str(s)) if s.span == Some(self.span) => Value::Str(s.clone()),
            SyntaxKind::Lit(Value::Str(s)) => Value::Str(Rc::new(crate::value::Str {
                s: s.s.clone(),
                span: Some(self.span),
            })),
            SyntaxKind::Lit(v) => v.clone(),
            SyntaxKind::List(items, tail) => {
                let tail = match tail {
                    Some(t) => t.to_datum(depth - 1)?,
                    None => Value::Null,
                };
                let mut acc = tail;
                for item in items.iter().rev() {
                    acc = Value::cons(item.to_datum(depth - 1)?, acc);
                }
                acc
            }
            SyntaxKind::Vector(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(item.to_datum(depth - 1)?);
                }
                Value::Vector(Rc::new(out.into()))
            }
        })
    }

    /// Count of syntax nodes, capped at `cap` (for expansion budgets).
    pub fn size(&self, cap: u64) -> u64 {
        let mut n = 1u64;
        match &self.kind {
            SyntaxKind::List(items, tail) => {
                for item in items.iter() {
                    if n >= cap {
                        return n;
                    }
                    n += item.size(cap - n);
                }
                if let Some(t) = tail {
                    n += t.size(cap.saturating_sub(n));
                }
            }
            SyntaxKind::Vector(items) => {
                for item in items.iter() {
                    if n >= cap {
                        return n;
                    }
                    n += item.size(cap - n);
                }
            }
            _ => {}
        }
        n
    }
}
