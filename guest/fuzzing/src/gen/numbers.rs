//! Numbers: literals and numeric expressions.

use super::*;

impl ExprGen<'_, '_> {
    pub(super) fn int_lit(&mut self) -> Expr {
        match self.pick(8) {
            0..=4 => atom(self.range(-20, 20).to_string()),
            5 => atom(self.one_of(BIG_INTS)),
            6 => {
                let n = 1 + self.pick(40);
                let mut s = String::new();
                if self.pick(2) == 1 {
                    s.push('-');
                }
                for i in 0..n {
                    let d = self.range(if i == 0 { 1 } else { 0 }, 9);
                    s.push(char::from(b'0' + d as u8));
                }
                atom(s)
            }
            _ => atom(self.range(-100_000, 100_000).to_string()),
        }
    }

    pub(super) fn rat_lit(&mut self) -> Expr {
        match self.pick(5) {
            3 => atom(self.one_of(&[
                "#e1.1", "#e-1.5e3", "#e1e-2", "#e.125", "#x-ff/11", "#e1#/3",
            ])),
            0..=2 => {
                let n = self.range(-60, 60);
                let d = self.range(2, 36);
                atom(format!("{n}/{d}"))
            }
            _ => {
                let n = self.range(i64::MIN / 2, i64::MAX / 2);
                let d = self.range(2, i64::MAX / 2);
                atom(format!("{n}000000000007/{d}"))
            }
        }
    }

    pub(super) fn real_lit(&mut self) -> Expr {
        match self.pick(4) {
            0..=2 => atom(self.one_of(REALS)),
            _ => {
                let bits = self.u.arbitrary::<u64>().unwrap_or(0);
                let f = f64::from_bits(bits);
                if f.is_finite() {
                    // Rust's `{:e}`: the shortest digits that read back, an
                    // independent spelling (not the guest's printer).
                    atom(format!("{f:e}"))
                } else {
                    atom("1.25")
                }
            }
        }
    }

    pub(super) fn any_char(&mut self) -> char {
        match self.mode {
            Mode::Differential => self.one_of(STRING_CHARS),
            Mode::Eval => match self.pick(4) {
                0 | 1 => self.one_of(STRING_CHARS),
                2 => char::from(self.range(0, 127) as u8),
                _ => {
                    let n = self.u.arbitrary::<u32>().unwrap_or(0) % 0x11_0000;
                    char::from_u32(n).unwrap_or('?')
                }
            },
        }
    }

    pub(super) fn str_lit(&mut self) -> Expr {
        let n = match self.pick(4) {
            0 => 0,
            1 | 2 => 1 + self.pick(6),
            _ => self.pick(24),
        };
        let mut s = String::from("\"");
        for _ in 0..n {
            let c = self.any_char();
            push_string_char(&mut s, c);
        }
        s.push('"');
        atom(s)
    }

    pub(super) fn char_lit(&mut self) -> Expr {
        match self.mode {
            Mode::Differential => {
                if self.pick(8) == 0 {
                    self.char_lit_in(CHAR_EXTRA)
                } else {
                    self.char_lit_in(STRING_CHARS)
                }
            }
            Mode::Eval => {
                let c = self.any_char();
                atom(char_literal(c))
            }
        }
    }

    pub(super) fn char_lit_in(&mut self, pool: &[char]) -> Expr {
        let c = self.one_of(pool);
        atom(char_literal(c))
    }

    pub(super) fn sym_atom(&mut self) -> Expr {
        if self.mode == Mode::Eval && self.pick(8) == 0 {
            // Any name, as `#{...}#`.
            let n = self.pick(6);
            let mut name = String::new();
            for _ in 0..n {
                let c = self.any_char();
                if c != '}' {
                    name.push(c);
                }
            }
            return atom(format!("#{{{name}}}#"));
        }
        atom(self.one_of(SYMBOLS))
    }

    pub(super) fn small_nat(&mut self, max: i64) -> Expr {
        atom(self.range(0, max).to_string())
    }

    pub(super) fn small_int(&mut self, lo: i64, hi: i64) -> Expr {
        atom(self.range(lo, hi).to_string())
    }

    // ------------------------------------------------------------ numbers

    pub(super) fn int(&mut self, d: u32) -> Expr {
        let i = |g: &mut Self| g.gen(Ty::Int, d);
        match self.pick(56) {
            0 => self.int_lit(),
            1 => call("+", vec![i(self), i(self)]),
            2 => call("-", vec![i(self), i(self)]),
            3 => call("*", vec![i(self), i(self)]),
            4 => call("+", vec![i(self), i(self), i(self)]),
            5 => call("-", vec![i(self)]),
            6 => call("quotient", vec![i(self), i(self)]),
            7 => call("remainder", vec![i(self), i(self)]),
            8 => call("modulo", vec![i(self), i(self)]),
            9 => {
                let b = self.int_lit();
                let e = self.small_nat(12);
                call("expt", vec![b, e])
            }
            10 => call("abs", vec![i(self)]),
            11 => call("max", vec![i(self), i(self)]),
            12 => call("min", vec![i(self), i(self)]),
            13 => call("gcd", vec![i(self), i(self)]),
            14 => call("lcm", vec![i(self), i(self)]),
            15 => call("string-length", vec![self.gen(Ty::Str, d)]),
            16 => {
                let t = self.one_of(&[Ty::IntList, Ty::StrList, Ty::CharList, Ty::AnyList]);
                call("length", vec![self.gen(t, d)])
            }
            17 => call("char->integer", vec![self.gen(Ty::Char, d)]),
            18 => call(
                "char-set-size",
                vec![self.gen(Ty::CharSet { small: false }, d)],
            ),
            19 => call("numerator", vec![self.gen(Ty::Rat, d)]),
            20 => call("denominator", vec![self.gen(Ty::Rat, d)]),
            21..=24 => {
                let f = ["floor", "ceiling", "round", "truncate"][self.pick(4)];
                call(f, vec![self.gen(Ty::Rat, d)])
            }
            25 => call("logand", vec![i(self), i(self)]),
            26 => call("logior", vec![i(self), i(self)]),
            27 => call("logxor", vec![i(self), i(self)]),
            28 => call("lognot", vec![i(self)]),
            29 => {
                let n = i(self);
                let s = self.small_int(-70, 70);
                call("ash", vec![n, s])
            }
            30 => call("integer-length", vec![i(self)]),
            31 => call("logcount", vec![i(self)]),
            32 => call("1+", vec![i(self)]),
            33 => call("1-", vec![i(self)]),
            34..=45 => {
                let f = [
                    "floor-quotient",
                    "floor-remainder",
                    "euclidean-quotient",
                    "euclidean-remainder",
                    "round-quotient",
                    "round-remainder",
                    "centered-quotient",
                    "centered-remainder",
                    "truncate-quotient",
                    "truncate-remainder",
                    "ceiling-quotient",
                    "ceiling-remainder",
                ][self.pick(12)];
                call(f, vec![i(self), i(self)])
            }
            46 => {
                let l = self.gen(Ty::IntList, d);
                let k = self.small_nat(4);
                call("list-ref", vec![l, k])
            }
            47 => call("car", vec![self.gen(Ty::IntList, d)]),
            48 => call("apply", vec![atom("+"), self.gen(Ty::IntList, d)]),
            49 => {
                let a = i(self);
                let l = self.gen(Ty::IntList, d);
                call("apply", vec![atom("max"), call("cons", vec![a, l])])
            }
            50 => {
                let s = self.gen(Ty::Str, d);
                let c = self.gen(Ty::Char, d);
                call("string-count", vec![s, c])
            }
            51 => {
                let f = self.one_of(&["string-prefix-length", "string-suffix-length"]);
                call(f, vec![self.gen(Ty::Str, d), self.gen(Ty::Str, d)])
            }
            52 => {
                let b = self.int_lit();
                let e = self.small_nat(10);
                call("integer-expt", vec![b, e])
            }
            53 => {
                let b = i(self);
                let e = self.small_nat(40);
                let m = i(self);
                call("modulo-expt", vec![b, e, m])
            }
            54 => {
                // A bounded named-let loop: the sum of BODY(i) for i < K.
                let k = self.small_nat(8);
                let iv = self.fresh_var();
                self.vars.push((iv.clone(), Ty::Int));
                let body = self.gen(Ty::Int, d);
                self.vars.pop();
                let acc = self.fresh_var();
                call(
                    "let",
                    vec![
                        atom("loop"),
                        Expr::List(vec![
                            Expr::List(vec![atom(&iv), atom("0")]),
                            Expr::List(vec![atom(&acc), atom("0")]),
                        ]),
                        call(
                            "if",
                            vec![
                                call(">=", vec![atom(&iv), k]),
                                atom(&acc),
                                call(
                                    "loop",
                                    vec![
                                        call("+", vec![atom(&iv), atom("1")]),
                                        call("+", vec![atom(&acc), body]),
                                    ],
                                ),
                            ],
                        ),
                    ],
                )
            }
            _ => call("string-utf8-length", vec![self.gen(Ty::Str, d)]),
        }
    }

    pub(super) fn rat(&mut self, d: u32) -> Expr {
        let r = |g: &mut Self| g.gen(Ty::Rat, d);
        match self.pick(12) {
            0 => self.rat_lit(),
            1 => call("/", vec![self.gen(Ty::Int, d), self.gen(Ty::Int, d)]),
            2 => call("+", vec![r(self), r(self)]),
            3 => call("-", vec![r(self), r(self)]),
            4 => call("*", vec![r(self), r(self)]),
            5 => call("/", vec![r(self), r(self)]),
            6 => {
                let b = self.rat_lit();
                let e = self.small_int(-6, 6);
                call("expt", vec![b, e])
            }
            7 => call("abs", vec![r(self)]),
            8 => call("max", vec![r(self), r(self)]),
            9 => call("min", vec![r(self), r(self)]),
            10 => call("-", vec![r(self)]),
            _ => call("/", vec![r(self)]),
        }
    }

    pub(super) fn real(&mut self, d: u32) -> Expr {
        let x = |g: &mut Self| g.gen(Ty::Real, d);
        let n = |g: &mut Self| g.gen(Ty::Num, d);
        match self.pick(24) {
            0 => self.real_lit(),
            1 => call("exact->inexact", vec![n(self)]),
            2 => call("+", vec![x(self), n(self)]),
            3 => call("-", vec![x(self), n(self)]),
            4 => call("*", vec![x(self), n(self)]),
            5 => call("/", vec![x(self), n(self)]),
            // Guile returns complex numbers for the square root or log of a
            // negative number; the guest has no complex numbers.
            6 => call("sqrt", vec![call("abs", vec![x(self)])]),
            7 => call("exp", vec![x(self)]),
            8 => call(
                "log",
                vec![call("+", vec![atom("1"), call("abs", vec![x(self)])])],
            ),
            9 => call("sin", vec![x(self)]),
            10 => call("cos", vec![x(self)]),
            11 => call("atan", vec![x(self)]),
            12 => call("atan", vec![x(self), x(self)]),
            13..=16 => {
                let f = ["floor", "ceiling", "round", "truncate"][self.pick(4)];
                call(f, vec![x(self)])
            }
            17 => {
                let b = self.real_lit();
                let e = self.small_int(-8, 8);
                call("expt", vec![b, e])
            }
            18 => call("abs", vec![x(self)]),
            19 => call("max", vec![x(self), n(self)]),
            20 => call("min", vec![x(self), n(self)]),
            21 => call("exact->inexact", vec![self.gen(Ty::Rat, d)]),
            22 => {
                let b = self.small_nat(10);
                call("expt", vec![b, x(self)])
            }
            _ => call("/", vec![atom("1."), x(self)]),
        }
    }

    pub(super) fn num(&mut self, d: u32) -> Expr {
        let n = |g: &mut Self| g.gen(Ty::Num, d);
        match self.pick(10) {
            0 => self.leaf(Ty::Num),
            1 => self.int(d),
            2 => self.rat(d),
            3 => self.real(d),
            4 => call("+", vec![n(self), n(self)]),
            5 => call("*", vec![n(self), n(self)]),
            6 => call("-", vec![n(self), n(self)]),
            7 => call("/", vec![n(self), n(self)]),
            8 => call("max", vec![n(self), n(self)]),
            _ => call("min", vec![n(self), n(self)]),
        }
    }
}
