//! The binding and conditional forms: `let` (and named `let`), `let*`,
//! `cond`, `case`, and `do` rewritten as a named `let`.

use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::{CaseBody, Expr, Interp};
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::Span;
use crate::value::Value;

use super::{collect_exact, expect_len, seq, Cx, Scope, Vars};

impl Interp {
    pub(super) fn parse_bindings(&self, s: &Syntax, kw: &str) -> Result<Vec<(Ident, Syntax)>> {
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

    pub(super) fn compile_let(
        &mut self,
        s: &Syntax,
        items: &[Syntax],
        cx: &mut Cx,
    ) -> Result<Expr> {
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
                vars: vec![loop_name].into(),
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
            vars: bindings
                .iter()
                .map(|(id, _)| *id)
                .collect::<Vec<_>>()
                .into(),
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

    pub(super) fn compile_let_star(
        &mut self,
        bindings: &[(Ident, Syntax)],
        body: &[Syntax],
        cx: &mut Cx,
        span: Span,
    ) -> Result<Expr> {
        let Some(((id, init), rest)) = bindings.split_first() else {
            cx.scopes.push(Scope {
                vars: Vars::default(),
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
            vars: vec![*id].into(),
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

    pub(super) fn compile_cond(&mut self, clauses: &[Syntax], cx: &mut Cx) -> Result<Expr> {
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
        if parts.len() == 3 && self.is_syntax_ident(cx, &parts[1], "=>") {
            // (test => receiver): bind the test's value in a hidden slot.
            let hidden = self.fresh_ident("cond-value", cx);
            cx.scopes.push(Scope {
                vars: vec![hidden].into(),
                macros: Vec::new(),
            });
            // The rest of the `cond` is compiled once, inside the hidden
            // slot's scope (compiling it outside too doubled the work per
            // `=>` clause).
            let r = (|| {
                let receiver = self.compile(&parts[2], cx)?;
                self.enter()?;
                let rest_inner = self.compile_cond(rest, cx);
                self.depth -= 1;
                Ok::<_, Exn>((receiver, rest_inner?))
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
        self.enter()?;
        let rest_expr = self.compile_cond(rest, cx);
        self.depth -= 1;
        if parts.len() == 1 {
            return Ok(Expr::Or(vec![test, rest_expr?].into()));
        }
        let body = seq(self.compile_all(&parts[1..], cx)?);
        Ok(Expr::If(
            Box::new(test),
            Box::new(body),
            Box::new(rest_expr?),
        ))
    }

    pub(super) fn compile_case(
        &mut self,
        args: &[Syntax],
        cx: &mut Cx,
        span: Span,
    ) -> Result<Expr> {
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
            span,
        })
    }

    pub(super) fn desugar_do(&mut self, s: &Syntax, items: &[Syntax]) -> Result<Syntax> {
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
}
