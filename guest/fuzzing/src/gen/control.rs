//! Control and binding forms for [`Mode::Eval`](super::Mode::Eval): `cond`
//! and `case` with `=>`, `do`, named `let`, `when`/`unless`, `while`,
//! `lambda*` with optional and keyword arguments, `case-lambda`, multiple
//! values, `letrec`, `define-values`, local macros — and each of these
//! forms malformed, so the compiler's syntax errors are reached too.

use super::{atom, call, Expr, ExprGen, Ty};

/// Forms written wrongly, each a syntax error the compiler must report
/// cleanly (with a span inside the source).
const MALFORMED: &[&str] = &[
    "(cond)",
    "(cond ())",
    "(cond (#t =>))",
    "(cond (else 1) (#t 2))",
    "(case)",
    "(case 1 (1 2))",
    "(case 1 ((1) =>))",
    "(case 1 (else => ))",
    "(do)",
    "(do ((i 0 1 2)) (#t))",
    "(do (i) (#t))",
    "(lambda)",
    "(lambda (x x) x)",
    "(lambda (1) 1)",
    "(lambda* (#:optional) 1)",
    "(lambda* (#:key (a)) a)",
    "(lambda* (a #:rest) a)",
    "(case-lambda (x))",
    "(let ((x)) x)",
    "(let loop)",
    "(let* (x) x)",
    "(letrec ((1 2)) 1)",
    "(if)",
    "(if 1 2 3 4)",
    "(define)",
    "(define 1 2)",
    "(define-values (a . 1) (values 1 2))",
    "(begin (define))",
    "(quote)",
    "(quasiquote 1 2)",
    "(unquote 1)",
    "(unquote-splicing 1)",
    "(syntax-rules ())",
    "(define-syntax m (syntax-rules () ((_ . 1) 1)))",
    "(let-syntax ((m 1)) (m))",
    "(syntax-error \"message\" 1)",
    "(identifier-syntax 1)",
    "(when)",
    "(while)",
    "(delay)",
    "(define-syntax-rule (m) 1 2)",
    "(current-source-location 1)",
    "()",
    "(1 . 2)",
    "(else)",
    "(=>)",
];

impl ExprGen<'_, '_> {
    /// A control or binding form of type `ty` (loosely: some forms give
    /// the unspecified value, which the eval oracle accepts).
    pub(super) fn control(&mut self, ty: Ty, depth: u32) -> Expr {
        let d = depth.saturating_sub(1);
        match self.pick(14) {
            0 => {
                // (cond (TEST => (lambda (v) BODY)) ... (else B))
                let test = self.gen(Ty::Any, d);
                let recv = self.lambda1(Ty::Any, ty, d);
                let other = self.gen(Ty::Bool, d);
                let a = self.gen(ty, d);
                let b = self.gen(ty, d);
                call(
                    "cond",
                    vec![
                        Expr::List(vec![test, atom("=>"), recv]),
                        Expr::List(vec![other, a]),
                        Expr::List(vec![atom("else"), b]),
                    ],
                )
            }
            1 => {
                // (case KEY ((d ...) A) ((d ...) => F) (else => G))
                let key = self.gen(Ty::Int, d);
                let mut clauses = Vec::new();
                for _ in 0..1 + self.pick(3) {
                    let data = (0..1 + self.pick(3))
                        .map(|_| atom(self.range(-3, 3).to_string()))
                        .collect();
                    let body = if self.chance(96) {
                        vec![atom("=>"), self.lambda1(Ty::Int, ty, d)]
                    } else {
                        vec![self.gen(ty, d)]
                    };
                    let mut clause = vec![Expr::List(data)];
                    clause.extend(body);
                    clauses.push(Expr::List(clause));
                }
                if self.chance(128) {
                    clauses.push(Expr::List(vec![
                        atom("else"),
                        atom("=>"),
                        self.lambda1(Ty::Int, ty, d),
                    ]));
                } else {
                    clauses.push(Expr::List(vec![atom("else"), self.gen(ty, d)]));
                }
                let mut items = vec![atom("case"), key];
                items.extend(clauses);
                Expr::List(items)
            }
            2 => {
                // (do ((i 0 (+ i 1)) (acc INIT STEP)) ((>= i N) acc) BODY)
                let i = self.fresh_var();
                let acc = self.fresh_var();
                let n = self.range(0, 12);
                let init = self.gen(ty, d);
                self.vars.push((i.clone(), Ty::Int));
                self.vars.push((acc.clone(), ty));
                let step = self.gen(ty, d);
                let body = self.gen(Ty::Any, d);
                self.vars.pop();
                self.vars.pop();
                call(
                    "do",
                    vec![
                        Expr::List(vec![
                            Expr::List(vec![
                                atom(&i),
                                atom("0"),
                                call("+", vec![atom(&i), atom("1")]),
                            ]),
                            Expr::List(vec![atom(&acc), init, step]),
                        ]),
                        Expr::List(vec![
                            call(">=", vec![atom(&i), atom(n.to_string())]),
                            atom(&acc),
                        ]),
                        body,
                    ],
                )
            }
            3 => {
                // (let loop ((i N) (acc INIT)) (if (<= i 0) acc (loop (- i 1) STEP)))
                let lp = self.fresh_var();
                let i = self.fresh_var();
                let acc = self.fresh_var();
                let n = self.range(0, 300);
                let init = self.gen(ty, d);
                self.vars.push((i.clone(), Ty::Int));
                self.vars.push((acc.clone(), ty));
                let step = self.gen(ty, d);
                self.vars.pop();
                self.vars.pop();
                call(
                    "let",
                    vec![
                        atom(&lp),
                        Expr::List(vec![
                            Expr::List(vec![atom(&i), atom(n.to_string())]),
                            Expr::List(vec![atom(&acc), init]),
                        ]),
                        call(
                            "if",
                            vec![
                                call("<=", vec![atom(&i), atom("0")]),
                                atom(&acc),
                                call(&lp, vec![call("-", vec![atom(&i), atom("1")]), step]),
                            ],
                        ),
                    ],
                )
            }
            4 => {
                let kw = self.one_of(&["when", "unless"]);
                let c = self.gen(Ty::Bool, d);
                let a = self.gen(Ty::Any, d);
                let b = self.gen(ty, d);
                call(kw, vec![c, a, b])
            }
            5 => {
                // (let ((cell (make-vector 1 0))) (while (< CELL[0] K) CELL[0] += 1) RESULT)
                // — `set!` is not in the binding set, so the loop counts
                // up in a vector cell.
                let cell = self.fresh_var();
                let k = self.range(0, 20);
                let result = self.gen(ty, d);
                call(
                    "let",
                    vec![
                        Expr::List(vec![Expr::List(vec![
                            atom(&cell),
                            call("make-vector", vec![atom("1"), atom("0")]),
                        ])]),
                        call(
                            "while",
                            vec![
                                call(
                                    "<",
                                    vec![
                                        call("vector-ref", vec![atom(&cell), atom("0")]),
                                        atom(k.to_string()),
                                    ],
                                ),
                                call(
                                    "vector-set!",
                                    vec![
                                        atom(&cell),
                                        atom("0"),
                                        call(
                                            "+",
                                            vec![
                                                call("vector-ref", vec![atom(&cell), atom("0")]),
                                                atom("1"),
                                            ],
                                        ),
                                    ],
                                ),
                            ],
                        ),
                        result,
                    ],
                )
            }
            6 => {
                // ((lambda* (a #:optional (b B) #:key (c C) #:rest r) BODY) ARGS ...)
                let (a, b, c) = (self.fresh_var(), self.fresh_var(), self.fresh_var());
                let bd = self.gen(Ty::Int, d);
                let cd = self.gen(Ty::Str, d);
                self.vars.push((a.clone(), Ty::Int));
                self.vars.push((b.clone(), Ty::Int));
                self.vars.push((c.clone(), Ty::Str));
                let mut body = self.gen(ty, d);
                self.vars.pop();
                self.vars.pop();
                self.vars.pop();
                let mut formals =
                    vec![atom(&a), atom("#:optional"), Expr::List(vec![atom(&b), bd])];
                if self.chance(160) {
                    formals.push(atom("#:key"));
                    formals.push(Expr::List(vec![atom(&c), cd]));
                    if self.chance(64) {
                        formals.push(atom("#:allow-other-keys"));
                    }
                } else {
                    // No keyword: the body's `c` is bound by a `let`.
                    let binding = Expr::List(vec![Expr::List(vec![atom(&c), cd])]);
                    body = call("let", vec![binding, body]);
                }
                if self.chance(64) {
                    formals.push(atom("#:rest"));
                    formals.push(atom(self.fresh_var()));
                }
                let kw = self.one_of(&["lambda*", "lambda"]);
                let f = call(kw, vec![Expr::List(formals), body]);
                let mut items = vec![f];
                for _ in 0..self.pick(5) {
                    items.push(match self.pick(4) {
                        0 => atom(self.one_of(&["#:key", "#:c", "#:other"])),
                        1 => atom(format!("#:{c}")),
                        2 => self.gen(Ty::Str, d),
                        _ => self.gen(Ty::Int, d),
                    });
                }
                Expr::List(items)
            }
            7 => {
                // ((case-lambda (() A) ((x) B) ((x y) C) (r D)) ARGS ...)
                let kw = self.one_of(&["case-lambda", "case-lambda*"]);
                let mut clauses = Vec::new();
                for n in 0..1 + self.pick(3) {
                    let params: Vec<String> = (0..n).map(|_| self.fresh_var()).collect();
                    for p in &params {
                        self.vars.push((p.clone(), Ty::Int));
                    }
                    let body = self.gen(ty, d);
                    for _ in &params {
                        self.vars.pop();
                    }
                    clauses.push(Expr::List(vec![
                        Expr::List(params.iter().map(atom).collect()),
                        body,
                    ]));
                }
                if self.chance(96) {
                    let r = self.fresh_var();
                    self.vars.push((r.clone(), Ty::IntList));
                    let body = self.gen(ty, d);
                    self.vars.pop();
                    clauses.push(Expr::List(vec![atom(&r), body]));
                }
                let mut items = vec![call(kw, clauses)];
                for _ in 0..self.pick(4) {
                    items.push(self.gen(Ty::Int, d));
                }
                Expr::List(items)
            }
            8 => {
                // (call-with-values (lambda () (values A B)) (lambda (x y) BODY))
                let (x, y) = (self.fresh_var(), self.fresh_var());
                let produced: Vec<Expr> = (0..self.pick(4)).map(|_| self.gen(Ty::Int, d)).collect();
                self.vars.push((x.clone(), Ty::Int));
                self.vars.push((y.clone(), Ty::Int));
                let body = self.gen(ty, d);
                self.vars.pop();
                self.vars.pop();
                call(
                    "call-with-values",
                    vec![
                        call("lambda", vec![Expr::List(vec![]), call("values", produced)]),
                        call("lambda", vec![Expr::List(vec![atom(&x), atom(&y)]), body]),
                    ],
                )
            }
            9 => {
                // (letrec ((even? ...) (odd? ...)) BODY), mutually recursive.
                let (ev, od, n) = (self.fresh_var(), self.fresh_var(), self.fresh_var());
                let k = self.range(0, 500);
                let kw = self.one_of(&["letrec", "letrec*"]);
                // (NAME (lambda (n) (if (= n 0) AT-ZERO (OTHER (- n 1)))))
                let binding = |name: &str, at_zero: &str, other: &str| {
                    let test = call("=", vec![atom(&n), atom("0")]);
                    let next = call(other, vec![call("-", vec![atom(&n), atom("1")])]);
                    let body = call("if", vec![test, atom(at_zero), next]);
                    Expr::List(vec![
                        atom(name),
                        call("lambda", vec![Expr::List(vec![atom(&n)]), body]),
                    ])
                };
                let bindings = vec![binding(&ev, "#t", &od), binding(&od, "#f", &ev)];
                call(
                    kw,
                    vec![Expr::List(bindings), call(&ev, vec![atom(k.to_string())])],
                )
            }
            10 => {
                // (let () (define-values (a b . r) (values ...)) (define* ...) BODY)
                let (a, b, r, f) = (
                    self.fresh_var(),
                    self.fresh_var(),
                    self.fresh_var(),
                    self.fresh_var(),
                );
                let produced: Vec<Expr> = (0..self.pick(5)).map(|_| self.gen(Ty::Int, d)).collect();
                let dv = call(
                    "define-values",
                    vec![
                        Expr::Dotted(vec![atom(&a), atom(&b)], Box::new(atom(&r))),
                        call("values", produced),
                    ],
                );
                let df = call(
                    "define*",
                    vec![
                        Expr::List(vec![
                            atom(&f),
                            atom("#:optional"),
                            Expr::List(vec![atom("z"), atom(&a)]),
                        ]),
                        atom("z"),
                    ],
                );
                self.vars.push((a.clone(), Ty::Int));
                self.vars.push((b.clone(), Ty::Int));
                let body = self.gen(ty, d);
                self.vars.pop();
                self.vars.pop();
                call(
                    "let",
                    vec![Expr::List(vec![]), dv, df, call(&f, vec![]), body],
                )
            }
            11 => {
                // (let-syntax ((m (syntax-rules (lit) ((_ lit x) x) ((_ x ...) (list x ...))))) (m ...))
                let m = self.fresh_var();
                let kw = self.one_of(&["let-syntax", "letrec-syntax"]);
                let args: Vec<Expr> = (0..self.pick(4)).map(|_| self.gen(Ty::Any, d)).collect();
                let mut use_ = vec![atom(&m)];
                if self.chance(96) {
                    use_.push(atom("lit"));
                }
                use_.extend(args);
                call(
                    kw,
                    vec![
                        Expr::List(vec![Expr::List(vec![
                            atom(&m),
                            call(
                                "syntax-rules",
                                vec![
                                    Expr::List(vec![atom("lit")]),
                                    Expr::List(vec![
                                        Expr::List(vec![atom("_"), atom("lit"), atom("x")]),
                                        atom("x"),
                                    ]),
                                    Expr::List(vec![
                                        Expr::List(vec![atom("_"), atom("x"), atom("...")]),
                                        call("list", vec![atom("x"), atom("...")]),
                                    ]),
                                ],
                            ),
                        ])]),
                        Expr::List(use_),
                    ],
                )
            }
            12 => {
                // (and) (or) (begin) and their one- and many-argument forms.
                let kw = self.one_of(&["and", "or", "begin"]);
                let args: Vec<Expr> = (0..self.pick(4)).map(|_| self.gen(ty, d)).collect();
                call(kw, args)
            }
            _ => {
                let text = self.one_of(MALFORMED);
                // Wrapped so it is compiled as an expression, or alone.
                if self.chance(128) {
                    call("begin", vec![atom(text)])
                } else {
                    atom(text)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{generate, Mode};
    use crate::XorShift;

    /// Random inputs reach every control form, and `Mode::Differential`
    /// (checked against Guile) gets none of them.
    #[test]
    fn random_inputs_reach_every_control_form_in_eval_mode_only() {
        let wanted = [
            "=> (lambda",
            "(case ",
            "(do (",
            "(while ",
            "(lambda* (",
            "#:optional",
            "#:key",
            "(case-lambda",
            "(call-with-values",
            "(letrec",
            "(define-values",
            "(define* (",
            "syntax-rules (lit)",
            "(when ",
            "(unless ",
            "(let-syntax",
            "(cond ())",
            "(lambda (x x) x)",
        ];
        let mut rng = XorShift::new(7);
        let mut eval = String::new();
        let mut differential = String::new();
        for _ in 0..4000 {
            let bytes = rng.bytes(256);
            eval.push_str(&generate(&bytes, Mode::Eval).to_string());
            differential.push_str(&generate(&bytes, Mode::Differential).to_string());
        }
        for w in wanted {
            assert!(eval.contains(w), "no eval input generated {w:?}");
        }
        for w in ["(while ", "(lambda* (", "(case-lambda", "(cond ())"] {
            assert!(
                !differential.contains(w),
                "a differential input holds {w:?}"
            );
        }
    }
}
