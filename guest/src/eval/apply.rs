//! Procedure calls: applying closures and primitives, binding arguments to
//! parameters (optional, keyword and rest), arity errors, and running
//! `with-throw-handler` handlers when a Scheme exception is raised.

use std::cell::RefCell;
use std::rc::Rc;

use crate::bindings::Prim;
use crate::diag::{Exn, Result};
use crate::span::Span;
use crate::value::Value;

use super::run::Step;
use super::{Closure, Dyn, Env, Frame, Interp, Lambda};

impl Interp {
    pub(super) fn run_closure(
        &mut self,
        c: Rc<Closure>,
        args: Vec<Value>,
        span: Span,
    ) -> Result<Value> {
        let mut step = self.enter_closure(&c, args, span)?;
        loop {
            match step {
                Step::Done(v) => return Ok(v),
                Step::Tail(c, args, span) => step = self.enter_closure(&c, args, span)?,
            }
        }
    }

    /// Call a procedure with arguments (used by primitives such as `map`).
    pub fn apply(&mut self, f: &Value, args: Vec<Value>) -> Result<Value> {
        self.apply_at(f, args, None)
    }

    fn apply_at(&mut self, f: &Value, args: Vec<Value>, span: Option<Span>) -> Result<Value> {
        /// Depth a call from a primitive counts for (see `enter_n`).
        const PRIMITIVE_CALL_DEPTH: u32 = 4;
        self.tick()?;
        self.enter_n(PRIMITIVE_CALL_DEPTH)?;
        let r = match f {
            Value::Closure(c) => self.run_closure(c.clone(), args, span.unwrap_or_default()),
            Value::Prim(p) => self.call_prim(p, args),
            other => Err(not_a_procedure(other)),
        };
        self.depth -= PRIMITIVE_CALL_DEPTH;
        match span {
            Some(s) => r.map_err(|e| e.at(s)),
            None => r,
        }
    }

    pub(super) fn call_prim(&mut self, p: &'static Prim, args: Vec<Value>) -> Result<Value> {
        if args.len() < p.min || p.max.is_some_and(|m| args.len() > m) {
            return Err(self.raise(Exn::arity(p.name, args.len(), &p.arity_text())));
        }
        let Some(f) = p.f else {
            return Err(Exn::unsupported(p.name));
        };
        if std::ptr::eq(p, &crate::bindings::core::APPLY) {
            // `apply` calls through so that deep `apply` loops stay iterative.
            let (f, args) = crate::bindings::core::spread_apply_args(&args)?;
            return self.apply(&f, args);
        }
        f(self, &args).map_err(|e| self.raise(e))
    }

    /// Run the pre-unwind handlers (`with-throw-handler`) of a Scheme
    /// exception once, innermost first, up to the `catch` that will take it.
    pub(crate) fn raise(&mut self, e: Exn) -> Exn {
        let Exn::Throw(mut t) = e else {
            return e;
        };
        if t.raised {
            return Exn::Throw(t);
        }
        t.raised = true;
        let key = Value::Sym(t.key);
        let mut i = self.dynamic.len();
        while i > 0 {
            i -= 1;
            let (matches, handler) = match &self.dynamic[i] {
                Dyn::Catch(k) => (key_matches(k, &key), None),
                Dyn::Handler(k, h) => (key_matches(k, &key), Some(h.clone())),
            };
            if !matches {
                continue;
            }
            let Some(h) = handler else {
                break;
            };
            // The handler runs with the handlers inside it disabled.
            let saved = self.dynamic.split_off(i);
            let mut args = vec![key.clone()];
            args.extend(t.args.list_to_vec().unwrap_or_default());
            let r = self.apply(&h, args);
            self.dynamic.extend(saved);
            if let Err(new) = r {
                return new;
            }
        }
        Exn::Throw(t)
    }

    fn enter_closure(&mut self, c: &Rc<Closure>, args: Vec<Value>, span: Span) -> Result<Step> {
        self.tick()?;
        match &**c {
            Closure::Native { captured, f, .. } => {
                let r = f(self, captured, &args).map_err(|e| self.raise(e).at(span))?;
                Ok(Step::Done(r))
            }
            Closure::Scheme { cases, env, name } => {
                let lam = match cases.iter().find(|l| l.accepts(args.len())) {
                    Some(l) => l.clone(),
                    None => {
                        let n = name
                            .map(|s| s.name().to_string())
                            .unwrap_or_else(|| "#<procedure>".into());
                        let expected = describe_arity(cases);
                        return Err(self.raise(Exn::arity(&n, args.len(), &expected)).at(span));
                    }
                };
                let env = self.bind(&lam, env, args, span)?;
                self.eval_step(&lam.body, &env, true)
            }
        }
    }

    fn bind(&mut self, lam: &Lambda, env: &Env, mut args: Vec<Value>, span: Span) -> Result<Env> {
        self.charge(32 + 16 * lam.frame_size as usize)?;
        let size = lam.frame_size as usize;
        if lam.is_simple() {
            let req = lam.req as usize;
            if lam.rest {
                let rest = Value::list(args.drain(req..).collect::<Vec<_>>());
                args.push(rest);
            }
            args.resize(size.max(args.len()), Value::Unassigned);
            return Ok(Rc::new(Frame {
                slots: RefCell::new(args),
                parent: Some(env.clone()),
            }));
        }
        let frame = Rc::new(Frame {
            slots: RefCell::new(Vec::with_capacity(size)),
            parent: Some(env.clone()),
        });
        let req = lam.req as usize;
        let mut it = args.into_iter().peekable();
        for _ in 0..req {
            let v = it.next().expect("arity checked");
            frame.slots.borrow_mut().push(v);
        }
        for default in lam.opt.iter() {
            let take = match it.peek() {
                Some(Value::Keyword(_)) if !lam.keys.is_empty() => false,
                Some(_) => true,
                None => false,
            };
            let v = if take {
                it.next().expect("peeked")
            } else {
                match default {
                    Some(d) => self.eval(d, &frame)?,
                    None => Value::Bool(false),
                }
            };
            frame.slots.borrow_mut().push(v);
        }
        let remaining: Vec<Value> = it.collect();
        if lam.rest {
            frame
                .slots
                .borrow_mut()
                .push(Value::list(remaining.clone()));
        } else if lam.keys.is_empty() && !remaining.is_empty() {
            return Err(Exn::arity(
                "#<procedure>",
                req + lam.opt.len() + remaining.len(),
                "fewer",
            )
            .at(span));
        }
        if !lam.keys.is_empty() {
            let mut given: Vec<Option<Value>> = vec![None; lam.keys.len()];
            let mut i = 0;
            while i < remaining.len() {
                match &remaining[i] {
                    Value::Keyword(k) => {
                        let Some(v) = remaining.get(i + 1) else {
                            return Err(Exn::misc(
                                "#<procedure>",
                                format!("Keyword argument has no value: #:{}", k.name()),
                            )
                            .at(span));
                        };
                        match lam.keys.iter().position(|(kw, _)| kw == k) {
                            Some(pos) => given[pos] = Some(v.clone()),
                            None if lam.allow_other_keys => {}
                            None => {
                                return Err(Exn::misc(
                                    "#<procedure>",
                                    format!("Unrecognized keyword: #:{}", k.name()),
                                )
                                .at(span))
                            }
                        }
                        i += 2;
                    }
                    other if !lam.rest => {
                        return Err(Exn::misc(
                            "#<procedure>",
                            format!("Invalid keyword: {}", crate::printer::write_string(other)),
                        )
                        .at(span))
                    }
                    _ => i += 1,
                }
            }
            for ((_, default), g) in lam.keys.iter().zip(given) {
                let v = match g {
                    Some(v) => v,
                    None => match default {
                        Some(d) => self.eval(d, &frame)?,
                        None => Value::Bool(false),
                    },
                };
                frame.slots.borrow_mut().push(v);
            }
        }
        frame.slots.borrow_mut().resize(size, Value::Unassigned);
        Ok(frame)
    }
}

fn key_matches(k: &Value, key: &Value) -> bool {
    matches!(k, Value::Bool(true)) || k.eq(key)
}

pub(super) fn not_a_procedure(v: &Value) -> Exn {
    Exn::guile(
        "wrong-type-arg",
        "",
        "Wrong type to apply: ~S",
        vec![v.clone()],
        Value::list([v.clone()]),
    )
}

fn describe_arity(cases: &[Rc<Lambda>]) -> String {
    let parts: Vec<String> = cases
        .iter()
        .map(|l| {
            let req = l.req as usize;
            if l.rest || !l.keys.is_empty() {
                format!("at least {req}")
            } else if l.opt.is_empty() {
                req.to_string()
            } else {
                format!("{req} to {}", req + l.opt.len())
            }
        })
        .collect();
    parts.join(" or ")
}
