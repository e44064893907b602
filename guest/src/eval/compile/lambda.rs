//! Procedures: `lambda` and `lambda*` clauses compiled to [`Lambda`], and
//! their parameter lists (required, `#:optional`, `#:key`, `#:rest`).

use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::eval::{Interp, Lambda};
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::Span;
use crate::value::{Symbol, Value};

use super::{Cx, Scope, Vars};

impl Interp {
    pub(super) fn compile_lambda(
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
            vars: Vars::default(),
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
}

pub(super) fn parse_formals(s: &Syntax) -> Result<(Vec<Ident>, Option<Ident>)> {
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
