//! The evaluator: runs compiled [`Expr`] trees in an environment, with
//! tail calls returned to a trampoline as [`Step::Tail`], and `force`.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diag::{Exn, Result};
use crate::span::Span;
use crate::value::{Record, Value};

use super::apply::not_a_procedure;
use super::{CaseBody, Closure, Env, Expr, Frame, Interp, Promise, PromiseState, Target};

pub(super) enum Step {
    Done(Value),
    Tail(Rc<Closure>, Vec<Value>, Span),
}

impl Interp {
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

    pub(super) fn eval_step(&mut self, e: &Expr, env: &Env, tail: bool) -> Result<Step> {
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
                let f = self.eval(func, env)?;
                let mut argv = Vec::with_capacity(args.len());
                for a in args.iter() {
                    let v = self.eval(a, env)?;
                    argv.push(single_value(v).map_err(|e| e.at(*span))?);
                }
                self.call_value(f, argv, *span, tail)
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
                span,
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
                        self.call_value(f, vec![k], *span, tail)
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
                    _ => Value::Values(Rc::new(vals.into())),
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

    /// Call `f` with `argv`: a closure in tail position becomes a
    /// [`Step::Tail`].  The primitives that end by calling a procedure —
    /// `apply`, `and=>` and `call-with-values` — hand that call back here,
    /// so it is a tail call wherever theirs is (as in Guile).
    fn call_value(
        &mut self,
        mut f: Value,
        mut argv: Vec<Value>,
        span: Span,
        tail: bool,
    ) -> Result<Step> {
        while let Value::Prim(p) = &f {
            use crate::bindings::{core, AND_THEN, CALL_WITH_VALUES, PRIMS};
            if std::ptr::eq(*p, &core::APPLY) && !argv.is_empty() {
                let (g, spread) = core::spread_apply_args(&argv).map_err(|e| e.at(span))?;
                f = g;
                argv = spread;
            } else if std::ptr::eq(*p, PRIMS[AND_THEN]) && argv.len() == 2 {
                if !argv[0].is_true() {
                    return Ok(Step::Done(Value::Bool(false)));
                }
                let value = argv.swap_remove(0);
                f = argv.pop().expect("two arguments");
                argv = vec![value];
            } else if std::ptr::eq(*p, PRIMS[CALL_WITH_VALUES]) && argv.len() == 2 {
                core::check_call_with_values(&argv).map_err(|e| e.at(span))?;
                let consumer = argv.pop().expect("two arguments");
                let produced = self.apply(&argv[0], Vec::new()).map_err(|e| e.at(span))?;
                argv = match produced {
                    Value::Values(vs) => (*vs).clone(),
                    v => vec![v],
                };
                f = consumer;
                self.tick()?;
            } else {
                break;
            }
        }
        match f {
            Value::Closure(c) => {
                if tail {
                    Ok(Step::Tail(c, argv, span))
                } else {
                    self.enter()?;
                    let r = self.run_closure(c, argv, span).map(Step::Done);
                    self.depth -= 1;
                    r
                }
            }
            Value::Prim(p) => self
                .call_prim(p, argv)
                .map(Step::Done)
                .map_err(|e| e.at(span)),
            other => Err(self.raise(not_a_procedure(&other)).at(span)),
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
