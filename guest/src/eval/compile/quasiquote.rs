//! `quasiquote`: templates compiled to calls of `cons`, `append` and
//! `list->vector`, with the parts that are all constants folded.

use std::rc::Rc;

use crate::bindings::Prim;
use crate::diag::{Exn, Result};
use crate::eval::{Expr, Interp};
use crate::reader::{Syntax, SyntaxKind};
use crate::span::Span;
use crate::value::Value;

use super::Cx;

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
    Ok(Value::Vector(Rc::new(items.into())))
});

impl Interp {
    pub(super) fn compile_qq(&mut self, t: &Syntax, depth: u32, cx: &mut Cx) -> Result<Expr> {
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
                        return Expr::Const(Value::Vector(Rc::new(items.into())));
                    }
                }
                let _ = span;
            }
        }
    }
    e
}
