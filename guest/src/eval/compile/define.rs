//! Definitions and bodies: `define`, `define*`, `define-values`,
//! `define-syntax` and `define-syntax-rule`, macro transformers, and bodies
//! whose internal definitions become slots of the innermost scope.

use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::{kw, Expr, Interp, Target};
use crate::macros::Macro;
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::Span;
use crate::value::{Symbol, Value};

use super::lambda::parse_formals;
use super::{seq, Cx, Head};

impl Interp {
    /// Parse `(define name value)`, `(define (name . formals) body ...)`.
    pub(super) fn parse_define(
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

    pub(super) fn parse_define_values(
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

    pub(super) fn parse_define_syntax(
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

    pub(super) fn parse_macro(
        &mut self,
        spec: &Syntax,
        name: Symbol,
        cx: &Cx,
    ) -> Result<Rc<Macro>> {
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
    pub(super) fn compile_body(
        &mut self,
        forms: &[Syntax],
        cx: &mut Cx,
        span: Span,
    ) -> Result<Expr> {
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
}
