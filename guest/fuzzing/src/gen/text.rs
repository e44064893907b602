//! Strings, characters, booleans, symbols and char-sets.

use super::*;

impl ExprGen<'_, '_> {
    pub(super) fn char_proc(&mut self, d: u32) -> Expr {
        match self.pick(3) {
            0 | 1 => atom(self.one_of(CHAR_TO_CHAR)),
            _ => self.lambda1(Ty::Char, Ty::Char, d),
        }
    }

    /// A character predicate as SRFI-13 takes it: a procedure, a character
    /// or a char-set.
    pub(super) fn char_pred(&mut self, d: u32) -> Expr {
        match self.pick(4) {
            0 => atom(self.one_of(CHAR_PREDS)),
            1 => self.gen(Ty::Char, d),
            2 => self.gen(Ty::CharSet { small: false }, d),
            _ => self.lambda1(Ty::Char, Ty::Bool, d),
        }
    }

    pub(super) fn string(&mut self, d: u32) -> Expr {
        let s = |g: &mut Self| g.gen(Ty::Str, d);
        let k = |g: &mut Self| g.small_nat(7);
        match self.pick(50) {
            0 => self.str_lit(),
            1 => call("string-append", vec![s(self), s(self)]),
            2 => call("string-append", vec![s(self), s(self), s(self)]),
            3 => call("substring", vec![s(self), k(self)]),
            4 => call("substring", vec![s(self), k(self), k(self)]),
            5 => call("string-upcase", vec![s(self)]),
            6 => call("string-downcase", vec![s(self)]),
            7 => call("number->string", vec![self.gen(Ty::Num, d)]),
            8 => {
                let n = self.gen(Ty::Int, d);
                let r = atom(self.one_of(&["2", "8", "10", "16"]));
                call("number->string", vec![n, r])
            }
            9 => call("list->string", vec![self.gen(Ty::CharList, d)]),
            10 => call("string", vec![self.gen(Ty::Char, d), self.gen(Ty::Char, d)]),
            11 => call("make-string", vec![k(self), self.gen(Ty::Char, d)]),
            12..=15 => {
                let f = [
                    "string-take",
                    "string-drop",
                    "string-take-right",
                    "string-drop-right",
                ][self.pick(4)];
                call(f, vec![s(self), k(self)])
            }
            16 => call("string-pad", vec![s(self), k(self)]),
            17 => call(
                "string-pad-right",
                vec![s(self), k(self), self.gen(Ty::Char, d)],
            ),
            18 => call("string-trim", vec![s(self)]),
            19 => call("string-trim-right", vec![s(self)]),
            20 => call("string-trim-both", vec![s(self)]),
            21 => call("string-reverse", vec![s(self)]),
            22 => call("symbol->string", vec![self.gen(Ty::Sym, d)]),
            23 => call("string-join", vec![self.gen(Ty::StrList, d)]),
            24 => call("string-join", vec![self.gen(Ty::StrList, d), s(self)]),
            25 => call(
                "char-set->string",
                vec![self.gen(Ty::CharSet { small: true }, d)],
            ),
            26 => {
                let f = self.char_proc(d);
                call("string-map", vec![f, s(self)])
            }
            27 => {
                let p = self.char_pred(d);
                call("string-filter", vec![p, s(self)])
            }
            28 => {
                let p = self.char_pred(d);
                call("string-delete", vec![p, s(self)])
            }
            29 => call("string-copy", vec![s(self)]),
            30 => call("string-titlecase", vec![s(self)]),
            31 => call("string-capitalize", vec![s(self)]),
            32 => {
                let l = self.gen(Ty::StrList, d);
                call("list-ref", vec![l, self.small_nat(3)])
            }
            33 => call("car", vec![self.gen(Ty::StrList, d)]),
            34 => call("string-concatenate", vec![self.gen(Ty::StrList, d)]),
            35 => call("xsubstring", vec![s(self), k(self), k(self)]),
            36 => call("basename", vec![s(self)]),
            37 => call("dirname", vec![s(self)]),
            38 => call("in-vicinity", vec![s(self), s(self)]),
            39 => {
                let f = self.lambda1(Ty::Int, Ty::Char, d);
                call("string-tabulate", vec![f, k(self)])
            }
            40 => call("string-replace", vec![s(self), s(self), k(self), k(self)]),
            41 => call(
                "symbol->string",
                vec![call(
                    "symbol-append",
                    vec![self.gen(Ty::Sym, d), self.gen(Ty::Sym, d)],
                )],
            ),
            42 => call("reverse-list->string", vec![self.gen(Ty::CharList, d)]),
            43 => call(
                "number->string",
                vec![call("exact->inexact", vec![self.gen(Ty::Rat, d)])],
            ),
            44 => call(
                "apply",
                vec![atom("string-append"), self.gen(Ty::StrList, d)],
            ),
            45 => call(
                "list->string",
                vec![call("reverse", vec![call("string->list", vec![s(self)])])],
            ),
            46 => call("string-pad", vec![s(self), k(self), self.gen(Ty::Char, d)]),
            47 => call("string-copy", vec![s(self), k(self), k(self)]),
            48 => {
                let c = self.gen(Ty::Char, d);
                call("string-trim-both", vec![s(self), c])
            }
            _ => call("substring", vec![s(self), k(self), k(self)]),
        }
    }

    pub(super) fn char(&mut self, d: u32) -> Expr {
        let c = |g: &mut Self| g.gen(Ty::Char, d);
        match self.pick(9) {
            0 => self.char_lit(),
            1 => call("char-upcase", vec![c(self)]),
            2 => call("char-downcase", vec![c(self)]),
            3 => call("string-ref", vec![self.gen(Ty::Str, d), self.small_nat(5)]),
            4 => {
                let n =
                    self.one_of(&[65, 97, 122, 48, 955, 931, 962, 223, 304, 305, 452, 453, 454]);
                if self.pick(2) == 0 {
                    call("integer->char", vec![atom(n.to_string())])
                } else {
                    let k = self.small_nat(25);
                    call("integer->char", vec![call("+", vec![atom("97"), k])])
                }
            }
            5 => call("car", vec![self.gen(Ty::CharList, d)]),
            6 => call("char-titlecase", vec![c(self)]),
            7 => call(
                "list-ref",
                vec![self.gen(Ty::CharList, d), self.small_nat(3)],
            ),
            _ => call(
                "string-ref",
                vec![
                    call("string-upcase", vec![self.gen(Ty::Str, d)]),
                    self.small_nat(2),
                ],
            ),
        }
    }

    pub(super) fn boolean(&mut self, d: u32) -> Expr {
        let s = |g: &mut Self| g.gen(Ty::Str, d);
        let n = |g: &mut Self| g.gen(Ty::Num, d);
        let c = |g: &mut Self| g.gen(Ty::Char, d);
        let a = |g: &mut Self| g.gen(Ty::Any, d);
        match self.pick(34) {
            0 => self.leaf(Ty::Bool),
            1 => {
                let cs = self.gen(Ty::CharSet { small: false }, d);
                call("char-set-contains?", vec![cs, c(self)])
            }
            2 => {
                let f = self.one_of(&[
                    "string-prefix?",
                    "string-suffix?",
                    "string-prefix-ci?",
                    "string=?",
                    "string<?",
                    "string-ci=?",
                    "string<=?",
                    "string>?",
                ]);
                call(f, vec![s(self), s(self)])
            }
            3 => call("string-null?", vec![s(self)]),
            4..=8 => {
                let f = ["<", "<=", "=", ">", ">="][self.pick(5)];
                call(f, vec![n(self), n(self)])
            }
            9 => call("equal?", vec![a(self), a(self)]),
            10 => call("eqv?", vec![n(self), n(self)]),
            11 => call("eq?", vec![self.gen(Ty::Sym, d), self.gen(Ty::Sym, d)]),
            12 => {
                let f = self.one_of(&["even?", "odd?"]);
                call(f, vec![self.gen(Ty::Int, d)])
            }
            13 => {
                let f = self.one_of(&[
                    "zero?",
                    "positive?",
                    "negative?",
                    "exact?",
                    "integer?",
                    "rational?",
                    "real?",
                    "exact-integer?",
                ]);
                call(f, vec![n(self)])
            }
            14 => {
                let f = self.one_of(&[
                    "number?",
                    "string?",
                    "symbol?",
                    "char?",
                    "pair?",
                    "list?",
                    "null?",
                    "boolean?",
                    "not",
                    "keyword?",
                    "char-set?",
                ]);
                call(f, vec![a(self)])
            }
            15 => call("char<?", vec![c(self), c(self)]),
            16 => call("char-ci=?", vec![c(self), c(self)]),
            17 => call(self.one_of(CHAR_PREDS), vec![c(self)]),
            18 => {
                let cs = self.gen(Ty::CharSet { small: true }, d);
                call(
                    "char-set-contains?",
                    vec![call("char-set-complement", vec![cs]), c(self)],
                )
            }
            19 => call(
                "char-set=",
                vec![
                    self.gen(Ty::CharSet { small: false }, d),
                    self.gen(Ty::CharSet { small: false }, d),
                ],
            ),
            20 => call(
                "char-set<=",
                vec![
                    self.gen(Ty::CharSet { small: false }, d),
                    self.gen(Ty::CharSet { small: false }, d),
                ],
            ),
            21 => {
                let f = self.one_of(&["nan?", "finite?", "inf?"]);
                call(f, vec![self.gen(Ty::Real, d)])
            }
            22 => {
                let f = self.one_of(&["string-every", "string-any"]);
                let p = self.char_pred(d);
                call(f, vec![p, s(self)])
            }
            23 => call(
                "sorted?",
                vec![
                    self.gen(Ty::IntList, d),
                    atom(self.one_of(&["<", ">", "<="])),
                ],
            ),
            24 => call("and", vec![self.gen(Ty::Bool, d), self.gen(Ty::Bool, d)]),
            25 => call("or", vec![self.gen(Ty::Bool, d), self.gen(Ty::Bool, d)]),
            26 => call("->bool", vec![a(self)]),
            27 => {
                let f = self.one_of(&["char-set-every", "char-set-any"]);
                let p = atom(self.one_of(CHAR_PREDS));
                call(f, vec![p, self.gen(Ty::CharSet { small: true }, d)])
            }
            28 => call("not", vec![self.gen(Ty::Bool, d)]),
            29 => call("string-ci<", vec![s(self), s(self)]),
            30 => call("char-upper-case?", vec![c(self)]),
            31 => call("and-map", vec![atom("even?"), self.gen(Ty::IntList, d)]),
            32 => call(
                "or-map",
                vec![atom(self.one_of(CHAR_PREDS)), self.gen(Ty::CharList, d)],
            ),
            _ => call("eqv?", vec![c(self), c(self)]),
        }
    }

    pub(super) fn symbol(&mut self, d: u32) -> Expr {
        match self.pick(5) {
            0 => Expr::Quote(Box::new(self.sym_atom())),
            1 => {
                // A literal name: `string->symbol` of arbitrary text writes
                // as `#{...}#` in Guile (see LEGITIMATE_DIVERGENCES).
                let name = self.one_of(SYMBOLS);
                call("string->symbol", vec![atom(format!("\"{name}\""))])
            }
            2 => call(
                "symbol-append",
                vec![self.gen(Ty::Sym, d), self.gen(Ty::Sym, d)],
            ),
            3 => call("car", vec![call("list", vec![self.gen(Ty::Sym, d)])]),
            _ => call("keyword->symbol", vec![atom(self.one_of(KEYWORDS))]),
        }
    }

    pub(super) fn charset(&mut self, small: bool, d: u32) -> Expr {
        let small_cs = |g: &mut Self| g.gen(Ty::CharSet { small: true }, d);
        let any_cs = |g: &mut Self| g.gen(Ty::CharSet { small: false }, d);
        let c = |g: &mut Self| g.gen(Ty::Char, d);
        let n = if small { 13 } else { 17 };
        match self.pick(n) {
            0 => self.leaf(Ty::CharSet { small }),
            1 => call("char-set", vec![c(self), c(self), c(self)]),
            2 => call("string->char-set", vec![self.gen(Ty::Str, d)]),
            3 => call("list->char-set", vec![self.gen(Ty::CharList, d)]),
            4 => call("char-set-adjoin", vec![small_cs(self), c(self)]),
            5 => call("char-set-delete", vec![small_cs(self), c(self)]),
            6 => call("char-set-union", vec![small_cs(self), small_cs(self)]),
            7 => call("char-set-intersection", vec![small_cs(self), any_cs(self)]),
            8 => call("char-set-difference", vec![small_cs(self), any_cs(self)]),
            9 => {
                let p = atom(self.one_of(CHAR_PREDS));
                call("char-set-filter", vec![p, small_cs(self)])
            }
            10 => {
                let lo = self.range(0x61, 0x7a);
                let k = self.range(0, 6);
                call(
                    "ucs-range->char-set",
                    vec![atom(lo.to_string()), atom((lo + k).to_string())],
                )
            }
            11 => call("char-set-xor", vec![small_cs(self), small_cs(self)]),
            12 => call("->char-set", vec![self.gen(Ty::Str, d)]),
            13 => {
                let cs = match self.mode {
                    Mode::Eval => any_cs(self),
                    Mode::Differential => self.complementable(d),
                };
                call("char-set-complement", vec![cs])
            }
            14 => call("char-set-union", vec![any_cs(self), any_cs(self)]),
            15 => call("char-set-adjoin", vec![any_cs(self), c(self)]),
            _ => call("char-set-xor", vec![any_cs(self), any_cs(self)]),
        }
    }
}
