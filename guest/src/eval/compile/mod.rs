//! The compiler: syntax to [`Expr`] trees.  Identifiers resolve to frame
//! slots, globals, syntax or macros (with hygiene marks); macro uses are
//! expanded; every special form of [`SYNTAX`](super::SYNTAX) is compiled
//! here or in a submodule.

mod define;
mod forms;
mod lambda;
mod quasiquote;
mod record;

use std::rc::Rc;

use crate::diag::{DiagnosticKind, Exn, Result};
use crate::macros::Macro;
use crate::reader::{Ident, Syntax, SyntaxKind};
use crate::span::{line_col, Span};
use crate::value::{RecordKind, Symbol, Value};

use super::{kw, Expr, Interp, Kw, MarkInfo, Target, NODE_COST};

struct Scope {
    vars: Vars,
    macros: Vec<(Ident, Rc<Macro>)>,
}

/// The variables of one scope, in slot order.  Names are only ever added,
/// so a lookup in a big scope (a body with hundreds of internal defines)
/// goes through an index brought up to date on demand instead of a scan,
/// which kept compilation linear in the number of defines.
#[derive(Default)]
struct Vars {
    list: Vec<Ident>,
    /// How many of `list` are in `index`, and the last slot of each name.
    index: std::cell::RefCell<(usize, rustc_hash::FxHashMap<Ident, u32>)>,
}

impl Vars {
    /// Scopes up to this size are scanned: faster than hashing.
    const SCAN: usize = 16;

    /// The slot of the last variable named `id`.
    fn position(&self, id: Ident) -> Option<usize> {
        if self.list.len() <= Self::SCAN {
            return self.list.iter().rposition(|n| *n == id);
        }
        let mut index = self.index.borrow_mut();
        let (done, map) = &mut *index;
        for (i, n) in self.list.iter().enumerate().skip(*done) {
            map.insert(*n, i as u32);
        }
        *done = self.list.len();
        map.get(&id).map(|&i| i as usize)
    }
}

impl std::ops::Deref for Vars {
    type Target = Vec<Ident>;
    fn deref(&self) -> &Vec<Ident> {
        &self.list
    }
}

impl std::ops::DerefMut for Vars {
    fn deref_mut(&mut self) -> &mut Vec<Ident> {
        &mut self.list
    }
}

impl From<Vec<Ident>> for Vars {
    fn from(list: Vec<Ident>) -> Vars {
        Vars {
            list,
            index: Default::default(),
        }
    }
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

/// Collect results into a vector of exactly the iterator's length (a
/// `collect` into `Result` cannot size the vector, and grows it).
fn collect_exact<T>(items: impl ExactSizeIterator<Item = Result<T>>) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(item?);
    }
    Ok(out)
}

impl Interp {
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
                if let Some(index) = scope.vars.position(id) {
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
                    vars: bindings
                        .iter()
                        .map(|(id, _)| *id)
                        .collect::<Vec<_>>()
                        .into(),
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
                        vars: Vars::default(),
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
                        vars: Vars::default(),
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
}

enum Head {
    Macro(Rc<Macro>),
    Syntax(Kw),
}

fn seq(mut exprs: Vec<Expr>) -> Expr {
    match exprs.len() {
        0 => Expr::Const(Value::Unspecified),
        1 => exprs.pop().expect("one expression"),
        _ => Expr::Seq(exprs.into()),
    }
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
