//! A structured generator of Scheme expressions over the potluck binding
//! set, typed so that most expressions evaluate without a type error.  A
//! deterministic function of its input bytes ([`Unstructured`]).  The
//! generator's methods are split by the type they produce: [`numbers`],
//! [`text`] (strings, characters, symbols, char-sets) and [`data`] (lists,
//! vectors, whole programs and dishes); [`control`] adds the control and
//! binding forms, well formed and malformed, in [`Mode::Eval`].

use std::fmt;
use std::fmt::Write as _;

use arbitrary::Unstructured;

mod control;
mod data;
mod numbers;
mod text;

// ============================================================ the generator

/// A generated expression, rendered as Scheme text by `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Literal text: a number, string or character literal, a symbol.
    Atom(String),
    /// `(e ...)`
    List(Vec<Expr>),
    /// `(e ... . tail)`
    Dotted(Vec<Expr>, Box<Expr>),
    /// `#(e ...)`
    Vector(Vec<Expr>),
    /// `'e`
    Quote(Box<Expr>),
    /// `` `e ``
    Quasi(Box<Expr>),
    /// `,e`
    Unquote(Box<Expr>),
    /// `,@e`
    Splice(Box<Expr>),
    /// Several top-level forms, one per line.
    Program(Vec<Expr>),
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn seq(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{e}")?;
            }
            Ok(())
        }
        match self {
            Expr::Atom(s) => f.write_str(s),
            Expr::List(items) => {
                f.write_str("(")?;
                seq(f, items)?;
                f.write_str(")")
            }
            Expr::Dotted(items, tail) => {
                f.write_str("(")?;
                seq(f, items)?;
                write!(f, " . {tail})")
            }
            Expr::Vector(items) => {
                f.write_str("#(")?;
                seq(f, items)?;
                f.write_str(")")
            }
            Expr::Quote(e) => write!(f, "'{e}"),
            Expr::Quasi(e) => write!(f, "`{e}"),
            Expr::Unquote(e) => write!(f, ",{e}"),
            Expr::Splice(e) => write!(f, ",@{e}"),
            Expr::Program(forms) => {
                for (i, e) in forms.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

fn atom(s: impl Into<String>) -> Expr {
    Expr::Atom(s.into())
}

fn call(name: &str, args: Vec<Expr>) -> Expr {
    let mut items = Vec::with_capacity(args.len() + 1);
    items.push(atom(name));
    items.extend(args);
    Expr::List(items)
}

/// What the generator is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pure expressions whose printed value Guile 3.0 must reproduce: only
    /// bindings and characters whose behaviour and printing both implement
    /// alike (see [`LEGITIMATE_DIVERGENCES`]), rarely ill-typed.
    Differential,
    /// Anything: every binding of the environment with random arguments,
    /// arbitrary characters and symbols, definitions, macros, errors and dish
    /// forms — for the no-panic, clean-diagnostic oracle.
    Eval,
}

/// The static type an expression is generated for.  Generation is
/// "well-typed-ish": arguments are generated for the parameter types, with a
/// small chance of a wrong type to exercise the error paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Rat,
    Real,
    Num,
    Str,
    Char,
    Bool,
    Sym,
    /// A char-set; `small` ones hold only a few printable characters (safe to
    /// list), others may be huge.
    CharSet {
        small: bool,
    },
    IntList,
    StrList,
    CharList,
    AnyList,
    Alist,
    Vector,
    /// Any printable value (never a char-set or a procedure).
    Any,
}

const PRINTABLE: &[Ty] = &[
    Ty::Int,
    Ty::Rat,
    Ty::Real,
    Ty::Num,
    Ty::Str,
    Ty::Char,
    Ty::Bool,
    Ty::Sym,
    Ty::IntList,
    Ty::StrList,
    Ty::CharList,
    Ty::AnyList,
    Ty::Alist,
    Ty::Vector,
    Ty::Any,
];

/// Characters whose `write` form the guest and Guile agree on, in strings
/// and as characters: graphic characters, including letters with special
/// case mappings.  (Guile writes other characters as octal `#\NNN` or
/// `\xHH`/`\uHHHH` escapes; the guest writes them raw: see
/// [`LEGITIMATE_DIVERGENCES`].)
const STRING_CHARS: &[char] = &[
    'a', 'b', 'c', 'x', 'y', 'z', 'A', 'B', 'Z', '0', '1', '7', '9', ' ', ' ', '-', '_', '.', ',',
    '/', ':', '"', '\\', '(', ')', '#', ';', '\'', '|', '!', '?', '\n', '\t', 'é', 'É', 'ß', 'λ',
    'Λ', 'Σ', 'σ', 'ς', 'ǆ', 'ǅ', 'Ǆ', 'İ', 'ı', 'ﬁ', 'ä', 'Ω', 'ω', '中', '😀', '¡', '§', '€',
    '٣', 'Ⅳ', '½',
];

/// Characters used as character literals in differential mode: the string
/// characters plus the named characters Guile and the guest both write by
/// the same name.
const CHAR_EXTRA: &[char] = &[
    '\0', '\u{7}', '\u{8}', '\u{7f}', '\u{1b}', '\u{c}', '\u{b}', '\r',
];

const SYMBOLS: &[&str] = &[
    "a",
    "b",
    "foo",
    "bar",
    "x1",
    "a-b",
    "->x",
    "λ",
    "hello-world",
    "...",
    "+",
    "-",
    "*",
    "<=?",
    "gpl3+",
];

const KEYWORDS: &[&str] = &["#:a", "#:key", "#:configure-flags", "#:tests?"];

const REALS: &[&str] = &[
    "0.0",
    "-0.0",
    "1.5",
    "0.1",
    "-2.25",
    "1e10",
    "1e21",
    "1e22",
    "123.456",
    "1e-7",
    "3.141592653589793",
    "2.5",
    "0.5",
    "-0.5",
    "1e300",
    "1e-300",
    "4.9e-324",
    "1.7976931348623157e308",
    "100.0",
    "12345678.9",
    "+inf.0",
    "-inf.0",
    "+nan.0",
    "-1e-5",
    "6.02214076e23",
    "#i1/3",
    "1#.#",
];

const BIG_INTS: &[&str] = &[
    "4611686018427387903",
    "4611686018427387904",
    "-4611686018427387904",
    "-4611686018427387905",
    "2305843009213693951",
    "2305843009213693952",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "100000000000000000000",
    "-340282366920938463463374607431768211456",
];

/// Texts for `string->number`: numbers in every syntax, and near misses.
const NUMERIC_TEXTS: &[&str] = &[
    "12",
    "-7",
    "+5",
    "1/2",
    "-6/4",
    "1/0",
    "0/5",
    "1.5",
    ".5",
    "5.",
    "-.5e2",
    "1e3",
    "1E3",
    "1e",
    "1e+2",
    "1e-2",
    "#x1f",
    "#XFF",
    "#b101",
    "#o17",
    "#d10",
    "#e1.5",
    "#i1/4",
    "#x#e1",
    "#e#x10",
    "#x1.5",
    "+inf.0",
    "-inf.0",
    "+nan.0",
    "inf",
    "nan",
    "-",
    "+",
    ".",
    "",
    " 1",
    "1 ",
    "1_000",
    "abc",
    "ff",
    "FF",
    "101",
    "777",
    "1/2/3",
    "--1",
    "+-1",
    "1+",
    "0x10",
    "123456789012345678901234567890",
    "#e1e30",
    "#e1.2e-3",
    "#i123456789012345678901",
    "1#",
    "1.5e3.2",
    "1/2e3",
    "#t",
    "i",
    "1##.#",
    "1#.5",
    "#e1.1",
    "#e1.1#",
    "-1#/2",
    "#x1#",
    "1e-300",
    "1e308",
];

/// More texts for `string->number`, in eval mode only: complex numbers
/// (Guile has them, the guest does not) and exponents beyond the flonum
/// range (Guile 3.0.8 raises out-of-range, the guest gives ±inf.0 or ±0.0).
const EVAL_NUMERIC_TEXTS: &[&str] = &["+i", "1+2i", "-i", "1@2", "1e400", "-1e-400", "1e309"];

/// Procedures on characters usable by `string-map`, `map` and friends.
const CHAR_TO_CHAR: &[&str] = &["char-upcase", "char-downcase", "char-titlecase"];
const CHAR_PREDS: &[&str] = &[
    "char-alphabetic?",
    "char-numeric?",
    "char-whitespace?",
    "char-upper-case?",
    "char-lower-case?",
];
const SMALL_CHARSETS: &[&str] = &["char-set:digit", "char-set:hex-digit", "char-set:empty"];
const BIG_CHARSETS: &[&str] = &[
    "char-set:letter",
    "char-set:lower-case",
    "char-set:upper-case",
    "char-set:title-case",
    "char-set:letter+digit",
    "char-set:graphic",
    "char-set:printing",
    "char-set:whitespace",
    "char-set:blank",
    "char-set:iso-control",
    "char-set:punctuation",
    "char-set:symbol",
    "char-set:ascii",
    "char-set:full",
    "char-set:designated",
];

/// The structured expression generator.  Every choice reads from the
/// [`Unstructured`] bytes; exhausted bytes read as zeros, and choice 0 is
/// always the simplest (a literal), so generation always terminates.
pub struct ExprGen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    mode: Mode,
    vars: Vec<(String, Ty)>,
    next_var: u32,
    budget: u32,
}

/// Generate one top-level expression (or, in [`Mode::Eval`], a short
/// program) from `bytes`.
pub fn generate(bytes: &[u8], mode: Mode) -> Expr {
    let mut u = Unstructured::new(bytes);
    let mut g = ExprGen::new(&mut u, mode);
    g.top()
}

impl<'a, 'b> ExprGen<'a, 'b> {
    pub fn new(u: &'a mut Unstructured<'b>, mode: Mode) -> Self {
        let budget = match mode {
            Mode::Differential => 40,
            Mode::Eval => 120,
        };
        ExprGen {
            u,
            mode,
            vars: Vec::new(),
            next_var: 0,
            budget,
        }
    }

    // ------------------------------------------------------------ choices

    /// A choice in `0..n` (0 when the bytes are exhausted).
    fn pick(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.u.int_in_range(lo..=hi).unwrap_or(lo)
    }

    /// True with probability about `num`/256.
    fn chance(&mut self, num: u8) -> bool {
        self.u.arbitrary::<u8>().unwrap_or(255) < num
    }

    fn one_of<T: Copy>(&mut self, items: &[T]) -> T {
        let i = self.pick(items.len());
        items[i]
    }

    fn fresh_var(&mut self) -> String {
        self.next_var += 1;
        format!("v{}", self.next_var)
    }

    // ---------------------------------------------------------- top level

    /// A complete expression of a printable type (or a program, in eval mode).
    pub fn top(&mut self) -> Expr {
        if self.mode == Mode::Eval {
            match self.pick(8) {
                0..=3 => {}
                4 => return self.program(),
                5 => return self.dish(),
                6 => return self.random_call(3),
                _ => {
                    let ty = self.one_of(&[Ty::CharSet { small: false }, Ty::Any]);
                    return self.gen(ty, 6);
                }
            }
        }
        let ty = self.one_of(PRINTABLE);
        self.gen(ty, 5)
    }

    /// An expression of type `ty`, at most `depth` levels deep.
    pub fn gen(&mut self, ty: Ty, depth: u32) -> Expr {
        if depth == 0 || self.budget == 0 {
            return self.leaf(ty);
        }
        self.budget -= 1;
        let ill = match self.mode {
            Mode::Differential => 2,
            Mode::Eval => 24,
        };
        if self.chance(ill) {
            // A wrongly typed argument: the error paths must be clean too.
            let other = self.one_of(PRINTABLE);
            return self.leaf(other);
        }
        if self.mode == Mode::Eval && self.chance(24) {
            return self.control(ty, depth);
        }
        // Generic productions, valid at every type.
        match self.pick(16) {
            0..=10 => {}
            11 => {
                if let Some(v) = self.var_of(ty) {
                    return atom(v);
                }
            }
            12 => {
                let c = self.gen(Ty::Bool, depth - 1);
                let a = self.gen(ty, depth - 1);
                let b = self.gen(ty, depth - 1);
                return call("if", vec![c, a, b]);
            }
            13 => return self.let_form(ty, depth),
            14 => {
                let body = self.gen(ty, depth - 1);
                let fallback = self.leaf(ty);
                return call(
                    "catch",
                    vec![
                        atom("#t"),
                        call("lambda", vec![Expr::List(vec![]), body]),
                        call("lambda", vec![atom("args"), fallback]),
                    ],
                );
            }
            _ => {
                let c = self.gen(Ty::Bool, depth - 1);
                let a = self.gen(ty, depth - 1);
                let b = self.gen(ty, depth - 1);
                return call(
                    "cond",
                    vec![Expr::List(vec![c, a]), Expr::List(vec![atom("else"), b])],
                );
            }
        }
        let d = depth - 1;
        match ty {
            Ty::Int => self.int(d),
            Ty::Rat => self.rat(d),
            Ty::Real => self.real(d),
            Ty::Num => self.num(d),
            Ty::Str => self.string(d),
            Ty::Char => self.char(d),
            Ty::Bool => self.boolean(d),
            Ty::Sym => self.symbol(d),
            Ty::CharSet { small } => self.charset(small, d),
            Ty::IntList => self.int_list(d),
            Ty::StrList => self.str_list(d),
            Ty::CharList => self.char_list(d),
            Ty::AnyList => self.any_list(d),
            Ty::Alist => self.alist(d),
            Ty::Vector => self.vector(d),
            Ty::Any => self.any(d),
        }
    }

    fn var_of(&mut self, ty: Ty) -> Option<String> {
        let fits = |t: Ty| {
            t == ty
                || (ty == Ty::Num && matches!(t, Ty::Int | Ty::Rat | Ty::Real))
                || (ty == Ty::Any && !matches!(t, Ty::CharSet { .. }))
                || (ty == Ty::AnyList && matches!(t, Ty::IntList | Ty::StrList | Ty::CharList))
                || (matches!(ty, Ty::CharSet { small: false }) && matches!(t, Ty::CharSet { .. }))
        };
        let candidates: Vec<String> = self
            .vars
            .iter()
            .filter(|(_, t)| fits(*t))
            .map(|(n, _)| n.clone())
            .collect();
        if candidates.is_empty() {
            return None;
        }
        let i = self.pick(candidates.len());
        Some(candidates[i].clone())
    }

    /// `(let ((v INIT)) BODY)` or `((lambda (v) BODY) INIT)`, with `v` in
    /// scope in `BODY`.
    fn let_form(&mut self, ty: Ty, depth: u32) -> Expr {
        let vty = self.one_of(&[
            Ty::Int,
            Ty::Num,
            Ty::Str,
            Ty::Char,
            Ty::IntList,
            Ty::StrList,
            Ty::CharSet { small: true },
            Ty::Any,
        ]);
        let init = self.gen(vty, depth - 1);
        let v = self.fresh_var();
        self.vars.push((v.clone(), vty));
        let body = self.gen(ty, depth - 1);
        self.vars.pop();
        match self.pick(3) {
            0 => call(
                "let",
                vec![Expr::List(vec![Expr::List(vec![atom(&v), init])]), body],
            ),
            1 => call(
                "let*",
                vec![Expr::List(vec![Expr::List(vec![atom(&v), init])]), body],
            ),
            _ => Expr::List(vec![
                call("lambda", vec![Expr::List(vec![atom(&v)]), body]),
                init,
            ]),
        }
    }

    /// `(lambda (v) BODY)` with `v` of type `arg` and `BODY` of type `ret`.
    fn lambda1(&mut self, arg: Ty, ret: Ty, depth: u32) -> Expr {
        let v = self.fresh_var();
        self.vars.push((v.clone(), arg));
        let body = self.gen(ret, depth.saturating_sub(1));
        self.vars.pop();
        call("lambda", vec![Expr::List(vec![atom(&v)]), body])
    }

    // ------------------------------------------------------------ leaves

    fn leaf(&mut self, ty: Ty) -> Expr {
        if let Some(v) = self.var_of(ty) {
            if self.chance(64) {
                return atom(v);
            }
        }
        match ty {
            Ty::Int => self.int_lit(),
            Ty::Rat => self.rat_lit(),
            Ty::Real => self.real_lit(),
            Ty::Num => match self.pick(3) {
                0 => self.int_lit(),
                1 => self.rat_lit(),
                _ => self.real_lit(),
            },
            Ty::Str => self.str_lit(),
            Ty::Char => self.char_lit(),
            Ty::Bool => atom(if self.pick(2) == 0 { "#t" } else { "#f" }),
            Ty::Sym => Expr::Quote(Box::new(self.sym_atom())),
            Ty::CharSet { small } => {
                if small || self.pick(2) == 0 {
                    match self.pick(3) {
                        0 => atom(self.one_of(SMALL_CHARSETS)),
                        1 => {
                            let s = self.str_lit();
                            call("string->char-set", vec![s])
                        }
                        _ => {
                            let a = self.char_lit_in(STRING_CHARS);
                            let b = self.char_lit_in(STRING_CHARS);
                            call("char-set", vec![a, b])
                        }
                    }
                } else {
                    atom(self.one_of(BIG_CHARSETS))
                }
            }
            Ty::IntList => {
                let n = self.pick(5);
                let items = (0..n).map(|_| self.int_lit()).collect();
                Expr::Quote(Box::new(Expr::List(items)))
            }
            Ty::StrList => {
                let n = self.pick(4);
                let items = (0..n).map(|_| self.str_lit()).collect();
                Expr::Quote(Box::new(Expr::List(items)))
            }
            Ty::CharList => {
                let n = self.pick(4);
                let items = (0..n).map(|_| self.char_lit()).collect();
                Expr::Quote(Box::new(Expr::List(items)))
            }
            Ty::AnyList => {
                let d = self.datum(2);
                match d {
                    Expr::List(_) | Expr::Dotted(..) => Expr::Quote(Box::new(d)),
                    other => Expr::Quote(Box::new(Expr::List(vec![other]))),
                }
            }
            Ty::Alist => {
                let n = self.pick(4);
                let mut items = Vec::new();
                for _ in 0..n {
                    let k = match self.pick(3) {
                        0 => self.sym_atom(),
                        1 => self.str_lit(),
                        _ => self.int_lit(),
                    };
                    let v = self.datum(1);
                    items.push(Expr::Dotted(vec![k], Box::new(v)));
                }
                Expr::Quote(Box::new(Expr::List(items)))
            }
            Ty::Vector => {
                let n = self.pick(4);
                let items = (0..n).map(|_| self.datum(2)).collect();
                Expr::Vector(items)
            }
            Ty::Any => {
                let d = self.datum(2);
                match d {
                    Expr::List(_) | Expr::Dotted(..) => Expr::Quote(Box::new(d)),
                    other => quote_if_needed(other),
                }
            }
        }
    }

    /// Plain data, as written inside a quote.
    fn datum(&mut self, depth: u32) -> Expr {
        let k = if depth == 0 {
            self.pick(8)
        } else {
            self.pick(11)
        };
        match k {
            0 => self.int_lit(),
            1 => self.rat_lit(),
            2 => self.real_lit(),
            3 => self.str_lit(),
            4 => self.char_lit(),
            5 => self.sym_atom(),
            6 => atom(if self.pick(2) == 0 { "#t" } else { "#f" }),
            7 => atom(self.one_of(KEYWORDS)),
            8 => {
                let n = self.pick(4);
                Expr::List((0..n).map(|_| self.datum(depth - 1)).collect())
            }
            9 => {
                let n = 1 + self.pick(3);
                let items = (0..n).map(|_| self.datum(depth - 1)).collect();
                let tail = self.datum(0);
                // `(a . ())` is `(a)`, and a tail that is itself a list
                // prints without the dot: both spellings read the same.
                Expr::Dotted(items, Box::new(tail))
            }
            _ => {
                let n = self.pick(3);
                Expr::Vector((0..n).map(|_| self.datum(depth - 1)).collect())
            }
        }
    }
}

fn quote_if_needed(d: Expr) -> Expr {
    match d {
        Expr::Atom(ref s)
            if (s.starts_with(['"', '#']) && !s.starts_with("#{"))
                || potluck_guest::num::parse_number(s, 10).is_some() =>
        {
            d
        }
        Expr::Vector(_) => d,
        other => Expr::Quote(Box::new(other)),
    }
}

/// Append `c` to a string literal, escaped so that both Guile 3.0 and the
/// guest read it back as `c`.
fn push_string_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => out.push(c),
    }
}

/// A character literal both Guile 3.0 and the guest read as `c`.
fn char_literal(c: char) -> String {
    match c {
        ' ' => "#\\space".into(),
        '\n' => "#\\newline".into(),
        '\t' => "#\\tab".into(),
        '\r' => "#\\return".into(),
        '\0' => "#\\nul".into(),
        '\u{7}' => "#\\alarm".into(),
        '\u{8}' => "#\\backspace".into(),
        '\u{7f}' => "#\\delete".into(),
        '\u{1b}' => "#\\esc".into(),
        '\u{c}' => "#\\page".into(),
        '\u{b}' => "#\\vtab".into(),
        c if c.is_alphanumeric() || (c.is_ascii_graphic()) => format!("#\\{c}"),
        c => format!("#\\x{:x}", c as u32),
    }
}
