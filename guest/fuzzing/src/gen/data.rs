//! Lists, vectors, association lists, any value, whole programs and dishes.

use super::*;

impl ExprGen<'_, '_> {
    pub(super) fn int_list(&mut self, d: u32) -> Expr {
        let l = |g: &mut Self| g.gen(Ty::IntList, d);
        let i = |g: &mut Self| g.gen(Ty::Int, d);
        match self.pick(26) {
            0 => self.leaf(Ty::IntList),
            1 => call("list", vec![i(self), i(self)]),
            2 => call("list", vec![i(self), i(self), i(self)]),
            3 => call("iota", vec![self.small_nat(6)]),
            4 => call("iota", vec![self.small_nat(6), i(self)]),
            5 => call("iota", vec![self.small_nat(6), i(self), i(self)]),
            6 => call("reverse", vec![l(self)]),
            7 => call("append", vec![l(self), l(self)]),
            8 => call("list-tail", vec![l(self), self.small_nat(3)]),
            9 => call("list-head", vec![l(self), self.small_nat(3)]),
            10 => call("cdr", vec![l(self)]),
            11 => call("cons", vec![i(self), l(self)]),
            12 => {
                let f = self.lambda1(Ty::Int, Ty::Int, d);
                call("map", vec![f, l(self)])
            }
            13 => {
                let p = match self.pick(3) {
                    0 => atom(self.one_of(&["even?", "odd?", "positive?", "negative?", "zero?"])),
                    _ => self.lambda1(Ty::Int, Ty::Bool, d),
                };
                call("filter", vec![p, l(self)])
            }
            14 => call("sort", vec![l(self), atom(self.one_of(&["<", ">"]))]),
            15 => call("stable-sort", vec![l(self), atom(self.one_of(&["<", ">"]))]),
            16 => call("delete", vec![i(self), l(self)]),
            17 => call("list-copy", vec![l(self)]),
            18 => call("cons*", vec![i(self), i(self), l(self)]),
            19 => call(
                "merge",
                vec![
                    call("sort", vec![l(self), atom("<")]),
                    call("sort", vec![l(self), atom("<")]),
                    atom("<"),
                ],
            ),
            20 => call(
                "map",
                vec![atom("char->integer"), self.gen(Ty::CharList, d)],
            ),
            21 => call("map", vec![atom("string-length"), self.gen(Ty::StrList, d)]),
            22 => call(
                "map",
                vec![atom(self.one_of(&["1+", "1-", "abs", "-"])), l(self)],
            ),
            23 => call("delv", vec![i(self), l(self)]),
            24 => Expr::Quasi(Box::new(Expr::List(vec![
                Expr::Unquote(Box::new(i(self))),
                Expr::Splice(Box::new(l(self))),
                Expr::Unquote(Box::new(i(self))),
            ]))),
            _ => call("sort-list", vec![l(self), atom("<")]),
        }
    }

    pub(super) fn str_list(&mut self, d: u32) -> Expr {
        let l = |g: &mut Self| g.gen(Ty::StrList, d);
        let s = |g: &mut Self| g.gen(Ty::Str, d);
        match self.pick(16) {
            0 => self.leaf(Ty::StrList),
            1 => call("list", vec![s(self), s(self)]),
            2 => {
                // Guile 3.0.8 splits a Latin-1 string at a character above
                // U+00FF by its low byte: split at Latin-1 characters only.
                let c = match self.mode {
                    Mode::Differential => self.char_lit_in(&[' ', ',', '/', 'a', '-', '.', 'é']),
                    Mode::Eval => self.gen(Ty::Char, d),
                };
                call("string-split", vec![s(self), c])
            }
            3 => call("string-tokenize", vec![s(self)]),
            4 => call(
                "string-tokenize",
                vec![s(self), self.gen(Ty::CharSet { small: false }, d)],
            ),
            5 => call("map", vec![atom("string-upcase"), l(self)]),
            6 => call(
                "map",
                vec![atom("number->string"), self.gen(Ty::IntList, d)],
            ),
            7 => call("reverse", vec![l(self)]),
            8 => call(
                "sort",
                vec![l(self), atom(self.one_of(&["string<?", "string>?"]))],
            ),
            9 => call("append", vec![l(self), l(self)]),
            10 => call("cons", vec![s(self), l(self)]),
            11 => call("filter", vec![atom("string-null?"), l(self)]),
            12 => {
                let f = self.lambda1(Ty::Str, Ty::Str, d);
                call("map", vec![f, l(self)])
            }
            13 => call("map", vec![atom("string"), self.gen(Ty::CharList, d)]),
            14 => call("list-tail", vec![l(self), self.small_nat(2)]),
            _ => call("delete", vec![s(self), l(self)]),
        }
    }

    pub(super) fn char_list(&mut self, d: u32) -> Expr {
        let l = |g: &mut Self| g.gen(Ty::CharList, d);
        let c = |g: &mut Self| g.gen(Ty::Char, d);
        match self.pick(13) {
            0 => self.leaf(Ty::CharList),
            1 => call("string->list", vec![self.gen(Ty::Str, d)]),
            2 => call(
                "string->list",
                vec![self.gen(Ty::Str, d), self.small_nat(3)],
            ),
            3 => call(
                "char-set->list",
                vec![self.gen(Ty::CharSet { small: true }, d)],
            ),
            4 => {
                let f = self.char_proc(d);
                call("map", vec![f, l(self)])
            }
            5 => call("reverse", vec![l(self)]),
            6 => call("list", vec![c(self), c(self)]),
            7 => call("filter", vec![atom(self.one_of(CHAR_PREDS)), l(self)]),
            8 => call(
                "sort",
                vec![
                    l(self),
                    atom(self.one_of(&["char<?", "char>?", "char-ci<?"])),
                ],
            ),
            9 => call("append", vec![l(self), l(self)]),
            10 => call("cons", vec![c(self), l(self)]),
            11 => call(
                "string-fold",
                vec![atom("cons"), atom("'()"), self.gen(Ty::Str, d)],
            ),
            _ => call(
                "string-fold-right",
                vec![atom("cons"), atom("'()"), self.gen(Ty::Str, d)],
            ),
        }
    }

    pub(super) fn any_list(&mut self, d: u32) -> Expr {
        let a = |g: &mut Self| g.gen(Ty::Any, d);
        let l = |g: &mut Self| g.gen(Ty::AnyList, d);
        match self.pick(14) {
            0 => self.leaf(Ty::AnyList),
            1 => call("list", vec![a(self), a(self)]),
            2 => call("list", vec![a(self), a(self), a(self)]),
            3 => call("cons", vec![a(self), l(self)]),
            // The splice is not last: there Guile takes any value (even a
            // non-list) as the tail, where the guest requires a list (see
            // LEGITIMATE_DIVERGENCES).
            4 => Expr::Quasi(Box::new(Expr::List(vec![
                self.sym_atom(),
                Expr::Splice(Box::new(l(self))),
                Expr::Unquote(Box::new(a(self))),
            ]))),
            5 => call(
                "call-with-values",
                vec![
                    call(
                        "lambda",
                        vec![Expr::List(vec![]), call("values", vec![a(self), a(self)])],
                    ),
                    atom("list"),
                ],
            ),
            6 => call("reverse", vec![l(self)]),
            7 => call("append", vec![l(self), l(self)]),
            8 => call("list-tail", vec![l(self), self.small_nat(2)]),
            9 => {
                let t = self.one_of(&[Ty::IntList, Ty::StrList, Ty::CharList]);
                self.gen(t, d)
            }
            10 => {
                let f = self.lambda1(Ty::Int, Ty::Any, d);
                call("map", vec![f, self.gen(Ty::IntList, d)])
            }
            11 => call("last-pair", vec![l(self)]),
            12 => call("list-copy", vec![l(self)]),
            _ => call(
                "map",
                vec![
                    atom("cons"),
                    self.gen(Ty::IntList, d),
                    self.gen(Ty::StrList, d),
                ],
            ),
        }
    }

    pub(super) fn alist(&mut self, d: u32) -> Expr {
        match self.pick(4) {
            0 => self.leaf(Ty::Alist),
            1 => {
                let k = self.gen(Ty::Sym, d);
                let v = self.gen(Ty::Any, d);
                call("acons", vec![k, v, self.gen(Ty::Alist, d)])
            }
            2 => {
                let k = self.gen(Ty::Str, d);
                let v = self.gen(Ty::Int, d);
                call(
                    "cons",
                    vec![call("cons", vec![k, v]), self.gen(Ty::Alist, d)],
                )
            }
            _ => call("reverse", vec![self.gen(Ty::Alist, d)]),
        }
    }

    pub(super) fn vector(&mut self, d: u32) -> Expr {
        match self.pick(3) {
            0 => self.leaf(Ty::Vector),
            1 => Expr::Quasi(Box::new(Expr::Vector(vec![
                Expr::Unquote(Box::new(self.gen(Ty::Any, d))),
                Expr::Unquote(Box::new(self.gen(Ty::Any, d))),
            ]))),
            _ => Expr::Quasi(Box::new(Expr::Vector(vec![
                self.datum(1),
                Expr::Splice(Box::new(self.gen(Ty::AnyList, d))),
            ]))),
        }
    }

    pub(super) fn any(&mut self, d: u32) -> Expr {
        let a = |g: &mut Self| g.gen(Ty::Any, d);
        match self.pick(18) {
            0 => self.leaf(Ty::Any),
            1 => {
                let t = self.one_of(PRINTABLE);
                self.gen(t, d)
            }
            2 => call("cons", vec![a(self), a(self)]),
            3 => call("string->number", vec![self.numeric_text(d)]),
            4 => call(
                "string-index",
                vec![self.gen(Ty::Str, d), self.char_pred(d)],
            ),
            5 => call(
                "string-contains",
                vec![self.gen(Ty::Str, d), self.gen(Ty::Str, d)],
            ),
            6 => {
                let f = self.one_of(&["assoc", "assv", "assq"]);
                let k = self.lookup_key(f == "assoc");
                call(f, vec![k, self.gen(Ty::Alist, d)])
            }
            7 => {
                let f = self.one_of(&["assoc-ref", "assv-ref", "assq-ref"]);
                let k = self.lookup_key(f == "assoc-ref");
                call(f, vec![self.gen(Ty::Alist, d), k])
            }
            8 => {
                let f = self.one_of(&["member", "memv", "memq"]);
                let k = if f == "member" {
                    self.gen(Ty::Int, d)
                } else {
                    self.small_int(-20, 20)
                };
                call(f, vec![k, self.gen(Ty::IntList, d)])
            }
            9 => call("and", vec![a(self), a(self)]),
            10 => call("or", vec![a(self), a(self)]),
            11 => {
                let k = self.gen(Ty::Int, d);
                let x = a(self);
                let y = a(self);
                call(
                    "case",
                    vec![
                        k,
                        Expr::List(vec![Expr::List(vec![atom("0"), atom("1"), atom("2")]), x]),
                        Expr::List(vec![atom("else"), y]),
                    ],
                )
            }
            12 => call(
                "string-index-right",
                vec![self.gen(Ty::Str, d), self.gen(Ty::Char, d)],
            ),
            13 => {
                let radix = self.one_of(&["2", "8", "16"]);
                let text = match self.pick(2) {
                    0 => call("number->string", vec![self.gen(Ty::Int, d), atom(radix)]),
                    _ => self.numeric_text(d),
                };
                call("string->number", vec![text, atom(radix)])
            }
            14 => call(
                "string-rindex",
                vec![self.gen(Ty::Str, d), self.gen(Ty::Char, d)],
            ),
            15 => call(
                "catch",
                vec![
                    atom("#t"),
                    call("lambda", vec![Expr::List(vec![]), a(self)]),
                    call(
                        "lambda",
                        vec![
                            Expr::Dotted(vec![atom("key")], Box::new(atom("args"))),
                            atom("'caught"),
                        ],
                    ),
                ],
            ),
            16 => call("list-index", vec![atom("even?"), self.gen(Ty::IntList, d)]),
            _ => call("string-skip", vec![self.gen(Ty::Str, d), self.char_pred(d)]),
        }
    }

    /// Text for `string->number`.  In differential mode ASCII only: Guile
    /// 3.0.8 parses some non-ASCII digits and letters by their low byte
    /// (`(string->number "ı")` is 1) — see LEGITIMATE_DIVERGENCES.
    pub(super) fn numeric_text(&mut self, d: u32) -> Expr {
        match (self.mode, self.pick(3)) {
            (Mode::Eval, 0) => self.gen(Ty::Str, d),
            (_, 1) => call("number->string", vec![self.gen(Ty::Num, d)]),
            (Mode::Eval, 2) => atom(format!("\"{}\"", self.one_of(EVAL_NUMERIC_TEXTS))),
            _ => atom(format!("\"{}\"", self.one_of(NUMERIC_TEXTS))),
        }
    }

    /// A char-set whose complement Guile 3.0.8 computes right: one without
    /// U+10FFFF (Guile's `char-set-complement` of a set holding U+10FFFF
    /// also holds the surrogates and U+0000; see LEGITIMATE_DIVERGENCES).
    pub(super) fn complementable(&mut self, d: u32) -> Expr {
        match self.pick(2) {
            0 => self.gen(Ty::CharSet { small: true }, d),
            _ => {
                let named: Vec<&str> = BIG_CHARSETS
                    .iter()
                    .copied()
                    .filter(|n| !matches!(*n, "char-set:full" | "char-set:designated"))
                    .collect();
                atom(self.one_of(&named))
            }
        }
    }

    /// A key for an association or membership lookup.  With `eq?`/`eqv?`
    /// lookups (`assq`, `assv`, ...) in differential mode, only keys whose
    /// identity Guile and the guest agree on: small integers, characters,
    /// symbols (see "identity of literals" in [`LEGITIMATE_DIVERGENCES`]).
    pub(super) fn lookup_key(&mut self, by_equal: bool) -> Expr {
        if by_equal || self.mode == Mode::Eval {
            return quote_if_needed(self.datum(0));
        }
        match self.pick(3) {
            0 => self.small_int(-20, 20),
            1 => self.char_lit(),
            _ => Expr::Quote(Box::new(self.sym_atom())),
        }
    }

    // ------------------------------------------------- eval-mode extras

    /// A call of any primitive of the environment with random arguments.
    pub(super) fn random_call(&mut self, depth: u32) -> Expr {
        let prims: Vec<&'static str> = potluck_guest::bindings::primitives()
            .map(|p| p.name)
            .collect();
        let name = prims[self.pick(prims.len())];
        let n = self.pick(4);
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            args.push(match self.pick(6) {
                0 => atom(prims[self.pick(prims.len())]),
                1 => self.lambda1(Ty::Any, Ty::Any, depth.saturating_sub(1)),
                2 => self.gen(Ty::CharSet { small: false }, depth.saturating_sub(1)),
                _ => {
                    let t = self.one_of(PRINTABLE);
                    self.gen(t, depth.saturating_sub(1))
                }
            });
        }
        call(name, args)
    }

    /// A short program: definitions, macros, errors, promises, then a value.
    pub(super) fn program(&mut self) -> Expr {
        let mut forms = Vec::new();
        let n = 1 + self.pick(3);
        for _ in 0..n {
            let form = match self.pick(10) {
                0 => {
                    let v = self.fresh_var();
                    let t = self.one_of(PRINTABLE);
                    let e = self.gen(t, 3);
                    self.vars.push((v.clone(), t));
                    call("define", vec![atom(&v), e])
                }
                1 => {
                    let f = self.fresh_var();
                    let x = self.fresh_var();
                    self.vars.push((x.clone(), Ty::Int));
                    let body = self.gen(Ty::Any, 3);
                    self.vars.pop();
                    call("define", vec![Expr::List(vec![atom(&f), atom(&x)]), body])
                }
                2 => {
                    let m = self.fresh_var();
                    let e = self.gen(Ty::Any, 2);
                    let form = call(
                        "define-syntax-rule",
                        vec![
                            Expr::List(vec![atom(&m), atom("a"), atom("...")]),
                            call("list", vec![e, atom("a"), atom("...")]),
                        ],
                    );
                    forms.push(form);
                    let a1 = self.gen(Ty::Any, 2);
                    let a2 = self.gen(Ty::Any, 2);
                    call(&m, vec![a1, a2])
                }
                3 => {
                    let e = self.gen(Ty::Any, 3);
                    call("force", vec![call("delay", vec![e])])
                }
                4 => {
                    let k = Expr::Quote(Box::new(self.sym_atom()));
                    let e = self.gen(Ty::Any, 2);
                    let thrower = match self.pick(3) {
                        0 => call("throw", vec![k, e]),
                        1 => call("error", vec![atom("\"fuzz error\""), e]),
                        _ => call(
                            "scm-error",
                            vec![
                                atom("'misc-error"),
                                atom("\"fuzz\""),
                                atom("\"message ~a ~s\""),
                                call("list", vec![e.clone(), e]),
                                atom("#f"),
                            ],
                        ),
                    };
                    match self.pick(3) {
                        0 => thrower,
                        1 => call(
                            "catch",
                            vec![
                                atom("#t"),
                                call("lambda", vec![Expr::List(vec![]), thrower]),
                                call("lambda", vec![atom("args"), atom("args")]),
                            ],
                        ),
                        _ => call(
                            "with-throw-handler",
                            vec![
                                atom("#t"),
                                call("lambda", vec![Expr::List(vec![]), thrower]),
                                call("lambda", vec![atom("args"), atom("#f")]),
                            ],
                        ),
                    }
                }
                5 => {
                    let e = self.gen(Ty::Any, 3);
                    call(
                        "let",
                        vec![
                            Expr::List(vec![Expr::List(vec![atom("i"), atom("0")])]),
                            call(
                                "while",
                                vec![
                                    call("<", vec![atom("i"), atom("3")]),
                                    e,
                                    call("break", vec![atom("i")]),
                                ],
                            ),
                        ],
                    )
                }
                6 => {
                    let a = self.gen(Ty::Any, 2);
                    let b = self.gen(Ty::Any, 2);
                    call(
                        "define-values",
                        vec![
                            Expr::Dotted(vec![atom("dv1")], Box::new(atom("dvr"))),
                            call("values", vec![a, b]),
                        ],
                    )
                }
                7 => {
                    let e = self.gen(Ty::Any, 3);
                    call(
                        "let-syntax",
                        vec![
                            Expr::List(vec![Expr::List(vec![
                                atom("twice"),
                                call(
                                    "syntax-rules",
                                    vec![
                                        Expr::List(vec![]),
                                        Expr::List(vec![
                                            Expr::List(vec![atom("_"), atom("x")]),
                                            call("list", vec![atom("x"), atom("x")]),
                                        ]),
                                    ],
                                ),
                            ])]),
                            call("twice", vec![e]),
                        ],
                    )
                }
                8 => self.random_call(3),
                _ => {
                    let t = self.one_of(PRINTABLE);
                    self.gen(t, 4)
                }
            };
            forms.push(form);
        }
        Expr::Program(forms)
    }

    /// A `potluck-package` form whose fields are valid literals or generated
    /// expressions; sometimes a field is missing or doubled.
    pub(super) fn dish(&mut self) -> Expr {
        let string_field = |g: &mut Self, name: &str, valid: &str| -> Option<Expr> {
            let v = match g.pick(16) {
                0 => return None,
                1 | 2 => g.gen(Ty::Any, 3),
                3 | 4 => g.gen(Ty::Str, 3),
                _ => atom(format!("\"{valid}\"")),
            };
            Some(Expr::List(vec![atom(name), v]))
        };
        let mut source_fields = Vec::new();
        for (name, valid) in [
            ("git-uri", "https://example.org/x.git"),
            ("git-commit", "0123456789abcdef0123456789abcdef01234567"),
            (
                "sha256",
                "0m6frpjhnvmx2wrqp20vwh57aws54mkmjx5jjg1avr19r38almwg",
            ),
        ] {
            if let Some(f) = string_field(self, name, valid) {
                source_fields.push(f);
            }
        }
        if self.pick(4) == 0 {
            let snippet = Expr::Quote(Box::new(self.datum(3)));
            source_fields.push(Expr::List(vec![atom("snippet"), snippet]));
        }
        let mut fields = Vec::new();
        for (name, valid) in [("name", "hello"), ("version", "2.12.1")] {
            if let Some(f) = string_field(self, name, valid) {
                fields.push(f);
            }
        }
        fields.push(Expr::List(vec![
            atom("source"),
            call("potluck-source", source_fields),
        ]));
        let bs = match self.pick(3) {
            0 => self.gen(Ty::Any, 2),
            _ => atom("'gnu"),
        };
        fields.push(Expr::List(vec![atom("build-system"), bs]));
        for name in ["inputs", "native-inputs", "propagated-inputs"] {
            match self.pick(4) {
                0 => {}
                1 => fields.push(Expr::List(vec![atom(name), self.gen(Ty::StrList, 3)])),
                2 => fields.push(Expr::List(vec![atom(name), self.gen(Ty::Any, 3)])),
                _ => fields.push(Expr::List(vec![
                    atom(name),
                    atom("'(\"guile@3.0\" \"glib:bin\")"),
                ])),
            }
        }
        if self.pick(2) == 0 {
            let args = match self.pick(3) {
                0 => self.gen(Ty::AnyList, 3),
                1 => self.gen(Ty::Any, 3),
                _ => atom("'(#:tests? #f #:configure-flags '(\"--x\"))"),
            };
            fields.push(Expr::List(vec![atom("arguments"), args]));
        }
        for (name, valid) in [
            ("home-page", "https://example.org"),
            ("synopsis", "Greet the world"),
            ("description", "It greets."),
        ] {
            if let Some(f) = string_field(self, name, valid) {
                fields.push(f);
            }
        }
        let lic = match self.pick(3) {
            0 => self.gen(Ty::Any, 2),
            _ => atom("'gpl3+"),
        };
        fields.push(Expr::List(vec![atom("license"), lic]));
        if !fields.is_empty() && self.pick(8) == 0 {
            let i = self.pick(fields.len());
            let dup = fields[i].clone();
            fields.push(dup);
        }
        if !fields.is_empty() && self.pick(8) == 0 {
            let i = self.pick(fields.len());
            fields.swap(0, i);
        }
        call("potluck-package", fields)
    }
}
