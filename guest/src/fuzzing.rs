//! Fuzzing support: the bodies of the cargo-fuzz targets in `fuzz/`, their
//! oracles, a structured generator of Scheme expressions over the potluck
//! binding set, and the differential oracle against real Guile 3.0.
//!
//! Everything here is ordinary code, so the same bodies run on the stable
//! toolchain in `guest/tests/fuzz_smoke.rs` (seed corpus, regressions and a
//! time-boxed random run) and under libFuzzer in `fuzz/fuzz_targets/*.rs`
//! (a few lines each).  Generators are deterministic functions of their
//! input bytes ([`arbitrary::Unstructured`]): the same bytes always give the
//! same expression, which is what lets libFuzzer minimise and replay.
//!
//! Native only: the wasm guest does not contain this module.

use std::fmt;
use std::fmt::Write as _;

pub use arbitrary;
use arbitrary::Unstructured;

use crate::diag::{Diagnostic, DiagnosticKind};
use crate::eval::{eval_source, Interp, Limits};
use crate::printer::write_string;
use crate::reader::{read_all, Syntax, SyntaxKind, MAX_NESTING};
use crate::span::Span;
use crate::value::Value;

/// Small limits for fuzzing the evaluator: every input finishes in
/// milliseconds, and the recursion bound is far below what an 8 MiB native
/// stack (libFuzzer's main thread) can hold.
pub const FUZZ_LIMITS: Limits = Limits {
    max_steps: 50_000,
    max_depth: 200,
    max_alloc_bytes: 4_000_000,
    max_expansion: 50_000,
};

// ===================================================================== reader

/// The reader fuzz target: arbitrary bytes (as UTF-8, lossily) must read to
/// data or to a clean syntax/limit diagnostic, never panic.  On success every
/// span is inside the source, on character boundaries, inside its parent's
/// span and after its previous sibling; and printing each datum with the
/// guest's `write` and reading the text back gives the same datum, whenever
/// the printer can represent it (see [`printer_round_trips`]).
pub fn reader_body(bytes: &[u8]) {
    let src = String::from_utf8_lossy(bytes);
    let src: &str = &src;
    match read_all(src) {
        Ok(forms) => {
            let mut prev_end = 0u32;
            for form in &forms {
                assert!(
                    form.span.start >= prev_end,
                    "top-level datum at {:?} overlaps the previous one (ending at {prev_end}) in {src:?}",
                    form.span
                );
                check_syntax_spans(src, form, form.span);
                prev_end = form.span.end;
                round_trip(src, form);
            }
        }
        Err(d) => {
            assert!(
                matches!(d.kind, DiagnosticKind::Syntax | DiagnosticKind::Limit),
                "the reader failed with a {:?} diagnostic: {} (source {src:?})",
                d.kind,
                d.message
            );
            assert_clean_diagnostic(src, &d);
        }
    }
}

fn check_span(src: &str, s: Span) {
    let (start, end) = (s.start as usize, s.end as usize);
    assert!(
        start <= end && end <= src.len(),
        "span {start}..{end} outside a {}-byte source {src:?}",
        src.len()
    );
    assert!(
        src.is_char_boundary(start) && src.is_char_boundary(end),
        "span {start}..{end} inside a character of {src:?}"
    );
}

fn check_syntax_spans(src: &str, s: &Syntax, parent: Span) {
    check_span(src, s.span);
    assert!(
        s.span.start >= parent.start && s.span.end <= parent.end,
        "span {:?} is not inside its parent {parent:?} in {src:?}",
        s.span
    );
    let children: Vec<&Syntax> = match &s.kind {
        SyntaxKind::List(items, tail) => items.iter().chain(tail.as_deref()).collect(),
        SyntaxKind::Vector(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    let mut prev_end = s.span.start;
    for c in children {
        assert!(
            c.span.start >= prev_end,
            "span {:?} starts before its previous sibling ends ({prev_end}) in {src:?}",
            c.span
        );
        check_syntax_spans(src, c, s.span);
        prev_end = c.span.end;
    }
}

fn round_trip(src: &str, form: &Syntax) {
    let Some(datum) = form.to_datum(MAX_NESTING as u32 + 8) else {
        panic!("a datum the reader accepted is nested too deep for to_datum: {src:?}");
    };
    if !printer_round_trips(&datum) {
        return;
    }
    let printed = write_string(&datum);
    let again = match read_all(&printed) {
        Ok(again) => again,
        Err(d) => panic!(
            "the printed datum does not read back: {} at {:?}\n  source:  {src:?}\n  printed: {printed:?}",
            d.message, d.span
        ),
    };
    assert_eq!(
        again.len(),
        1,
        "the printed datum reads back as {} data\n  source:  {src:?}\n  printed: {printed:?}",
        again.len()
    );
    let back = again[0]
        .to_datum(MAX_NESTING as u32 + 8)
        .expect("re-read datum converts");
    assert!(
        same_datum(&datum, &back),
        "the printed datum reads back as different data\n  source:  {src:?}\n  printed: {printed:?}\n  re-read: {:?}",
        write_string(&back)
    );
}

/// Whether `write` of `v` is expected to read back as `v`.  Excluded, by
/// design or as known printer limitations:
///
/// * output longer than the printer's 4 KiB cap or nested deeper than its
///   200-level cap (it prints `...` there, by design);
/// * symbols whose name does not read back as that one symbol (`#{a b}#`,
///   `#{1}#`, `#{}#`): the guest printer writes symbol names raw, where
///   Guile writes `#{...}#` — a divergence listed in `fuzz/README.md`;
/// * strings holding control characters other than `\n`, `\t`, `\r`: the
///   guest printer writes them `\x1;` (R6RS style), which neither Guile
///   3.0's reader nor the guest's accepts (Guile writes `\x01`) — a printer
///   bug reported with this module.
pub fn printer_round_trips(v: &Value) -> bool {
    fn walk(v: &Value, depth: u32, budget: &mut usize) -> bool {
        if depth > 190 || *budget == 0 {
            return false;
        }
        *budget -= 1;
        match v {
            Value::Sym(s) => symbol_reads_back(s.name()),
            Value::Str(s) => {
                !s.s.chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
            }
            Value::Pair(_) => {
                let mut cur = v;
                loop {
                    match cur {
                        Value::Pair(p) => {
                            if !walk(&p.car, depth + 1, budget) {
                                return false;
                            }
                            cur = &p.cdr;
                        }
                        Value::Null => return true,
                        other => return walk(other, depth + 1, budget),
                    }
                }
            }
            Value::Vector(items) => items.iter().all(|i| walk(i, depth + 1, budget)),
            _ => true,
        }
    }
    let mut budget = 2000;
    walk(v, 0, &mut budget) && write_string(v).len() < 4000
}

fn symbol_reads_back(name: &str) -> bool {
    match read_all(name) {
        Ok(data) => {
            data.len() == 1
                && data[0].span == Span::new(0, name.len())
                && data[0].ident().is_some_and(|i| i.sym.is(name))
        }
        Err(_) => false,
    }
}

/// Structural equality of plain data: numbers by exactness and value (flonums
/// bit for bit, every NaN equal), strings by content, symbols by name.
pub fn same_datum(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        (Value::Pair(_), Value::Pair(_)) => {
            let (mut x, mut y) = (a, b);
            loop {
                match (x, y) {
                    (Value::Pair(p), Value::Pair(q)) => {
                        if !same_datum(&p.car, &q.car) {
                            return false;
                        }
                        x = &p.cdr;
                        y = &q.cdr;
                    }
                    _ => return same_datum(x, y),
                }
            }
        }
        (Value::Vector(x), Value::Vector(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_datum(p, q))
        }
        (Value::Str(x), Value::Str(y)) => x.s == y.s,
        (Value::Sym(x), Value::Sym(y)) | (Value::Keyword(x), Value::Keyword(y)) => {
            x.name() == y.name()
        }
        (Value::Pair(_) | Value::Vector(_) | Value::Str(_), _) => false,
        _ => a.eqv(b),
    }
}

/// A diagnostic that escapes the guest must be one a user can act on: not an
/// internal error, with a message, and with a span (if any) that is inside
/// the source and on character boundaries.
pub fn assert_clean_diagnostic(src: &str, d: &Diagnostic) {
    assert!(
        d.kind != DiagnosticKind::Internal,
        "internal error: {} (source {src:?})",
        d.message
    );
    assert!(
        !d.message.trim().is_empty(),
        "a {:?} diagnostic without a message (source {src:?})",
        d.kind
    );
    if let Some(s) = d.span {
        check_span(src, s);
    }
}

// ================================================================= evaluator

/// The evaluator fuzz target: the bytes drive [`ExprGen`] (in
/// [`Mode::Eval`]: every binding, ill-typed arguments, arbitrary characters,
/// dish forms), the text it renders is read and evaluated with
/// [`FUZZ_LIMITS`].  The generated text must read; evaluation must end in a
/// value (which must print and convert) or a clean diagnostic, never panic.
pub fn eval_body(bytes: &[u8]) {
    let program = generate(bytes, Mode::Eval);
    let src = program.to_string();
    let forms = match read_all(&src) {
        Ok(f) => f,
        Err(d) => panic!(
            "generated text does not read: {} at {:?}\n{src}",
            d.message, d.span
        ),
    };
    let mut interp = Interp::new(FUZZ_LIMITS, "fuzz.scm", &src);
    match eval_source(&mut interp, &forms) {
        Ok(v) => {
            let _ = write_string(&v);
            let _ = crate::printer::display_string(&v);
            let _ = crate::dish::flatten(&v);
            let last = forms.last().map_or(Span::new(0, 0), |f| f.span);
            match crate::dish::from_value(&v, last) {
                Ok(dish) => check_dish_spans(&src, &dish),
                Err(ds) => {
                    assert!(!ds.is_empty(), "a dish refused without a diagnostic");
                    for d in &ds {
                        assert_clean_diagnostic(&src, d);
                    }
                }
            }
        }
        Err(d) => assert_clean_diagnostic(&src, &d),
    }
}

fn check_dish_spans(src: &str, d: &crate::dish::Dish) {
    for s in [
        d.name.span,
        d.version.span,
        d.build_system.span,
        d.synopsis.span,
        d.description.span,
        d.license.span,
        d.home_page.span,
        d.arguments.span,
        d.source.span,
        d.source.git_uri.span,
        d.source.git_commit.span,
        d.source.sha256.span,
        d.span,
    ] {
        check_span(src, s);
    }
    for l in [&d.inputs, &d.native_inputs, &d.propagated_inputs] {
        check_span(src, l.span);
        for i in &l.items {
            check_span(src, i.span);
        }
    }
}

/// Evaluate `src` natively and return Guile's `write` form of the value.
/// Runs on the current thread: callers provide the stack (the evaluator's
/// depth limit assumes a few MiB).
pub fn eval_to_written(src: &str, limits: Limits) -> Result<String, Diagnostic> {
    let forms = read_all(src)?;
    let mut interp = Interp::new(limits, "fuzz.scm", src);
    eval_source(&mut interp, &forms).map(|v| match v {
        Value::Values(_) => "#<values>".to_string(),
        v => write_string(&v),
    })
}

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

    fn int_lit(&mut self) -> Expr {
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

    fn rat_lit(&mut self) -> Expr {
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

    fn real_lit(&mut self) -> Expr {
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

    fn any_char(&mut self) -> char {
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

    fn str_lit(&mut self) -> Expr {
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

    fn char_lit(&mut self) -> Expr {
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

    fn char_lit_in(&mut self, pool: &[char]) -> Expr {
        let c = self.one_of(pool);
        atom(char_literal(c))
    }

    fn sym_atom(&mut self) -> Expr {
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

    fn small_nat(&mut self, max: i64) -> Expr {
        atom(self.range(0, max).to_string())
    }

    fn small_int(&mut self, lo: i64, hi: i64) -> Expr {
        atom(self.range(lo, hi).to_string())
    }

    // ------------------------------------------------------------ numbers

    fn int(&mut self, d: u32) -> Expr {
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

    fn rat(&mut self, d: u32) -> Expr {
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

    fn real(&mut self, d: u32) -> Expr {
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

    fn num(&mut self, d: u32) -> Expr {
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

    // ------------------------------------------------------------ strings

    fn char_proc(&mut self, d: u32) -> Expr {
        match self.pick(3) {
            0 | 1 => atom(self.one_of(CHAR_TO_CHAR)),
            _ => self.lambda1(Ty::Char, Ty::Char, d),
        }
    }

    /// A character predicate as SRFI-13 takes it: a procedure, a character
    /// or a char-set.
    fn char_pred(&mut self, d: u32) -> Expr {
        match self.pick(4) {
            0 => atom(self.one_of(CHAR_PREDS)),
            1 => self.gen(Ty::Char, d),
            2 => self.gen(Ty::CharSet { small: false }, d),
            _ => self.lambda1(Ty::Char, Ty::Bool, d),
        }
    }

    fn string(&mut self, d: u32) -> Expr {
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

    fn char(&mut self, d: u32) -> Expr {
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

    fn boolean(&mut self, d: u32) -> Expr {
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

    fn symbol(&mut self, d: u32) -> Expr {
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

    fn charset(&mut self, small: bool, d: u32) -> Expr {
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

    // ------------------------------------------------------------ lists

    fn int_list(&mut self, d: u32) -> Expr {
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

    fn str_list(&mut self, d: u32) -> Expr {
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

    fn char_list(&mut self, d: u32) -> Expr {
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

    fn any_list(&mut self, d: u32) -> Expr {
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

    fn alist(&mut self, d: u32) -> Expr {
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

    fn vector(&mut self, d: u32) -> Expr {
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

    fn any(&mut self, d: u32) -> Expr {
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
    fn numeric_text(&mut self, d: u32) -> Expr {
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
    fn complementable(&mut self, d: u32) -> Expr {
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
    fn lookup_key(&mut self, by_equal: bool) -> Expr {
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
    fn random_call(&mut self, depth: u32) -> Expr {
        let prims: Vec<&'static str> = crate::bindings::primitives().map(|p| p.name).collect();
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
    fn program(&mut self) -> Expr {
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
    fn dish(&mut self) -> Expr {
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

fn quote_if_needed(d: Expr) -> Expr {
    match d {
        Expr::Atom(ref s)
            if (s.starts_with(['"', '#']) && !s.starts_with("#{"))
                || crate::num::parse_number(s, 10).is_some() =>
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

// ============================================================== differential

/// Divergences between the guest and Guile 3.0.8 that are legitimate, or
/// known and avoided by the generator in [`Mode::Differential`]; each is
/// compensated for in [`compare`] or kept out of the generated expressions.
/// `fuzz/README.md` lists the same.
pub const LEGITIMATE_DIVERGENCES: &[(&str, &str)] = &[
    (
        "error wording",
        "an error compares as `error` whatever its key, message or arguments: \
         the guest's messages are its own (with spans and help), not Guile's",
    ),
    (
        "catch handler arguments",
        "generated handlers ignore the thrown key and arguments (`(lambda args X)`), \
         because they carry the error wording",
    ),
    (
        "printer truncation",
        "the guest's printer cuts output at 4 KiB and 200 levels of nesting (`...`), \
         by design: results that long are not compared",
    ),
    (
        "non-graphic characters",
        "Guile writes characters that are not graphic (controls other than the named ones, \
         Zs/Zl/Zp spaces, Cf format characters, private-use and unassigned code points) \
         as octal `#\\NNN`, combining marks as `#\\◌́`, and escapes them in strings \
         (`\\x01`, `\\xa0`, `\\u2028`); the guest writes them raw, or `#\\x1` and `\\x1;`. \
         The generator draws characters from a pool of graphic characters and the named ones",
    ),
    (
        "symbols needing #{ }#",
        "Guile writes symbols that would not read back as written (`#{a b}#`, `#{1}#`); \
         the guest writes the name raw. The generator only makes symbols from plain names",
    ),
    (
        "identity of literals",
        "`eq?`/`eqv?` of two equal but separately written strings, vectors or \
         bignums is unspecified; Guile answers #f when the code is `eval`ed and #t when it \
         is compiled or loaded (constants are coalesced), and the guest makes all empty \
         strings `eqv?`. Generated `assq`/`assv`/`memq`/`memv` lookups use small integers, \
         characters and symbols as keys",
    ),
    (
        "unquote-splicing as the tail",
        "Guile expands `(a ,@x) to (cons 'a x): a splice in last position takes any value \
         as the tail, even a non-list or an improper list (`(1 ,@3) is (1 . 3)); the guest \
         requires a proper list. The generator never splices in last position",
    ),
    (
        "Guile bugs with characters above U+00FF",
        "Guile 3.0.8's `string->number` reads some non-ASCII characters by their low byte \
         or digit value (`(string->number \"ı\")` is 1, `(string->number \"#x١\")` is \
         10), and `string-split` of a Latin-1 string at a character above U+00FF splits at \
         its low byte (`(string-split \"a0\" #\\İ)` is (\"a\" \"\")). The guest answers #f \
         and does not split. The generator gives `string->number` ASCII text and \
         `string-split` Latin-1 delimiters",
    ),
    (
        "Guile's char-set-complement with U+10FFFF",
        "Guile 3.0.8's `char-set-complement` of a set that holds U+10FFFF (`char-set:full`, \
         `char-set:designated`, any complement) also holds the 2048 surrogate code points and \
         U+0000: `(char-set-size (char-set-complement char-set:full))` is 2049, the guest's 0. \
         The generator only complements sets without U+10FFFF",
    ),
    (
        "flonum overflow in string->number",
        "Guile 3.0.8 raises out-of-range for decimal exponents beyond the flonum range \
         (`(string->number \"1e400\")`); the guest rounds to ±inf.0 or ±0.0. Only in eval mode",
    ),
    (
        "complex numbers",
        "Guile answers `sqrt`, `log`, `expt` and the inverse trigonometric functions of \
         out-of-domain arguments with complex numbers, and `string->number` reads `1+2i`; \
         the guest has none. The generator only passes such functions arguments in their \
         real domain, and complex syntax only in eval mode",
    ),
    (
        "char-set printing",
        "Guile writes char-sets as `#<charset {...}>`, the guest as `#<char-set>`: \
         char-sets are only generated as arguments, never as results",
    ),
];

/// The outcome of evaluating one expression, as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The `write` form of the value.
    Value(String),
    /// Any error (wording is not compared).
    Error,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Value(v) => f.write_str(v),
            Outcome::Error => f.write_str("<error>"),
        }
    }
}

/// Limits for the differential run: the defaults, so that nothing the
/// generator makes comes near them.
pub const DIFFERENTIAL_LIMITS: Limits = Limits {
    max_steps: 2_000_000,
    max_depth: 1_000,
    max_alloc_bytes: 50_000_000,
    max_expansion: 1_000_000,
};

/// The guest's outcome for one expression (callers provide a large stack).
pub fn guest_outcome(src: &str) -> Outcome {
    match eval_to_written(src, DIFFERENTIAL_LIMITS) {
        Ok(v) => Outcome::Value(v),
        Err(_) => Outcome::Error,
    }
}

/// `n` expressions for the differential run, deterministic from `seed`:
/// each from 256 bytes of an xorshift64* stream.
pub fn differential_exprs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = XorShift::new(seed);
    (0..n)
        .map(|_| {
            let bytes = rng.bytes(256);
            generate(&bytes, Mode::Differential).to_string()
        })
        .collect()
}

/// A tiny deterministic generator of fuzz inputs (xorshift64*).
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

/// Scheme tokens: the fuzz dictionary (`fuzz/scheme.dict` holds the same)
/// and the material of [`random_scheme_text`] and [`mutate`].
pub const SCHEME_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "#(",
    "'",
    "`",
    ",",
    ",@",
    ".",
    " . ",
    "\"",
    "\\",
    ";",
    "\n",
    "#|",
    "|#",
    "#;",
    "#!",
    "!#",
    "#\\",
    "#\\space",
    "#\\x41",
    "#\\newline",
    "#\\nul",
    "#\\(",
    "#t",
    "#f",
    "#true",
    "#false",
    "#:",
    "#:key",
    "#{",
    "}#",
    "#e",
    "#i",
    "#x",
    "#b",
    "#o",
    "#d",
    "#.",
    "#'",
    "#vu8(",
    "1",
    "-1",
    "0",
    "1/2",
    "1.5",
    "1e3",
    "1#",
    "+inf.0",
    "-nan.0",
    "+i",
    "99999999999999999999",
    "\\x41;",
    "\\u03bb",
    "\\n",
    "λ",
    "é",
    "\u{2028}",
    "😀",
    "define",
    "lambda",
    "let",
    "let*",
    "letrec",
    "if",
    "cond",
    "case",
    "else",
    "=>",
    "and",
    "or",
    "when",
    "unless",
    "do",
    "quote",
    "quasiquote",
    "unquote",
    "define-syntax",
    "syntax-rules",
    "define-syntax-rule",
    "let-syntax",
    "...",
    "_",
    "define*",
    "lambda*",
    "#:optional",
    "#:key",
    "#:rest",
    "case-lambda",
    "define-values",
    "call-with-values",
    "values",
    "apply",
    "catch",
    "throw",
    "error",
    "with-throw-handler",
    "scm-error",
    "delay",
    "force",
    "make-promise",
    "while",
    "break",
    "continue",
    "string-append",
    "substring",
    "number->string",
    "string->number",
    "string->symbol",
    "char-set",
    "char-set:letter",
    "list",
    "cons",
    "car",
    "cdr",
    "map",
    "filter",
    "sort",
    "append",
    "reverse",
    "assoc",
    "expt",
    "+",
    "-",
    "*",
    "/",
    "potluck-package",
    "potluck-source",
    "name",
    "version",
    "source",
    "git-uri",
    "git-commit",
    "sha256",
    "build-system",
    "inputs",
    "native-inputs",
    "propagated-inputs",
    "arguments",
    "home-page",
    "synopsis",
    "description",
    "license",
    "'gnu",
    "'gpl3+",
    "\"hello\"",
    "current-filename",
    "current-source-location",
    " ",
    "\t",
];

/// Random text made of [`SCHEME_TOKENS`] and, now and then, random bytes:
/// stable-toolchain fuzzing for the reader and the sandbox.
pub fn random_scheme_text(rng: &mut XorShift, tokens: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..tokens {
        let r = rng.next_u64();
        if r.is_multiple_of(16) {
            out.push((r >> 8) as u8);
        } else {
            out.extend_from_slice(
                SCHEME_TOKENS[(r >> 8) as usize % SCHEME_TOKENS.len()].as_bytes(),
            );
            if r & 0x1000 != 0 {
                out.push(b' ');
            }
        }
    }
    out
}

/// A random mutation of `input` (insert a token, delete or duplicate a
/// range, flip a byte), as libFuzzer would make, for the stable smoke run.
pub fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.next_u64() % 4;
    for _ in 0..rounds {
        let r = rng.next_u64();
        let at = if out.is_empty() {
            0
        } else {
            (r >> 8) as usize % (out.len() + 1)
        };
        match r % 5 {
            0 => {
                let t = SCHEME_TOKENS[(r >> 32) as usize % SCHEME_TOKENS.len()];
                out.splice(at..at, t.bytes());
            }
            1 if !out.is_empty() => {
                let end = (at + 1 + (r >> 40) as usize % 16).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 if !out.is_empty() => {
                let end = (at + 1 + (r >> 40) as usize % 32).min(out.len());
                let piece: Vec<u8> = out[at.min(end)..end].to_vec();
                out.splice(at..at, piece);
            }
            3 if at < out.len() => out[at] ^= 1 << ((r >> 48) % 8),
            _ => out.extend_from_slice(&rng.bytes(1 + (r >> 56) as usize % 8)),
        }
    }
    out.truncate(1 << 16);
    out
}

/// The Guile side of the differential oracle: reads one expression per line
/// from standard input, evaluates each in a fresh copy of nothing but
/// `(guile-user)`, and prints one line per expression: `ok <write form>` or
/// `error`.  Errors while reading a line count as `error` too.
pub const GUILE_DRIVER: &str = r#"
(set-port-encoding! (current-input-port) "UTF-8")
(set-port-encoding! (current-output-port) "UTF-8")
(use-modules (ice-9 rdelim))
(define env (interaction-environment))
(define (outcome line)
  (catch #t
    (lambda ()
      (let ((e (call-with-input-string line read)))
        (call-with-values (lambda () (eval e env))
          (case-lambda
            ((v) (string-append "ok " (object->string v)))
            (vs "ok #<values>")))))
    (lambda (key . args) "error")))
(let loop ()
  (let ((line (read-line)))
    (unless (eof-object? line)
      (display (outcome line))
      (newline)
      (force-output)
      (loop))))
"#;

/// Compare the guest's and Guile's outcomes for `expr`.  `None` when they
/// agree (after the allowances of [`LEGITIMATE_DIVERGENCES`]); otherwise a
/// description of the divergence.
pub fn compare(expr: &str, guest: &Outcome, guile: &Outcome) -> Option<String> {
    match (guest, guile) {
        (Outcome::Error, Outcome::Error) => None,
        (Outcome::Value(a), Outcome::Value(b)) if a == b => None,
        // Printer truncation (by design): not compared.
        (Outcome::Value(a), Outcome::Value(_)) if a.len() >= 4000 || a.contains("...") => None,
        // Control characters in strings: the guest writes `\x7;` where
        // Guile writes `\a` (a known printer divergence): not compared.
        (Outcome::Value(a), Outcome::Value(_)) if has_guest_hex_escape(a) => None,
        _ => Some(format!(
            "divergence\n  expression: {expr}\n  guest:      {guest}\n  guile:      {guile}"
        )),
    }
}

/// Whether `written` holds the guest printer's `\xH;` string escape (an
/// unescaped backslash, `x`, hex digits, `;`).
fn has_guest_hex_escape(written: &str) -> bool {
    let b = written.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'x') {
                let digits = b[i + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                if digits > 0 && b.get(i + 2 + digits) == Some(&b';') {
                    return true;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Run `exprs` through one `guile` process (`guile` on `PATH`).  `Ok(None)`
/// when `guile` cannot be started.
pub fn guile_outcomes(exprs: &[String]) -> std::io::Result<Option<Vec<Outcome>>> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "potluck-differential-{}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let driver = dir.join("driver.scm");
    std::fs::write(&driver, GUILE_DRIVER)?;
    let child = Command::new("guile")
        .arg("-q")
        .arg("--no-auto-compile")
        .arg(&driver)
        .env("LC_ALL", "C.UTF-8")
        .env("GUILE_AUTO_COMPILE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_dir_all(&dir);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let mut input = String::new();
    for e in exprs {
        assert!(!e.contains('\n'), "an expression spans lines: {e}");
        input.push_str(e);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    writer.join().expect("writer thread")?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "guile failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let text = String::from_utf8(out.stdout).map_err(std::io::Error::other)?;
    let outcomes: Vec<Outcome> = text
        .lines()
        .map(|l| match l.strip_prefix("ok ") {
            Some(v) => Outcome::Value(v.to_string()),
            None => Outcome::Error,
        })
        .collect();
    if outcomes.len() != exprs.len() {
        return Err(std::io::Error::other(format!(
            "guile printed {} outcomes for {} expressions",
            outcomes.len(),
            exprs.len()
        )));
    }
    Ok(Some(outcomes))
}

/// Time for each of `bodies` bodies in a stable-toolchain smoke run:
/// `POTLUCK_FUZZ_SMOKE_SECS` (default 20 s) shared between them.
pub fn smoke_budget(bodies: u32) -> std::time::Duration {
    let secs: f64 = std::env::var("POTLUCK_FUZZ_SMOKE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    std::time::Duration::from_secs_f64(secs.max(0.0) / f64::from(bodies.max(1)))
}

/// The smoke runs' generator seed: `POTLUCK_FUZZ_SMOKE_SEED`, or a fixed one.
pub fn smoke_seed() -> u64 {
    std::env::var("POTLUCK_FUZZ_SMOKE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00c0_ffee)
}

/// Every file under `dir`, recursively, sorted (README.md files skipped):
/// the seed inputs of the smoke runs.
pub fn seed_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() && p.file_name().is_none_or(|n| n != "README.md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        for seed in 1..50u64 {
            let bytes = XorShift::new(seed).bytes(300);
            for mode in [Mode::Differential, Mode::Eval] {
                assert_eq!(generate(&bytes, mode), generate(&bytes, mode));
            }
        }
        // Exhausted input still generates (a literal).
        assert!(!generate(&[], Mode::Differential).to_string().is_empty());
    }

    #[test]
    fn generated_text_reads_as_one_datum() {
        let mut rng = XorShift::new(7);
        for _ in 0..500 {
            let bytes = rng.bytes(256);
            let text = generate(&bytes, Mode::Differential).to_string();
            let data = read_all(&text).unwrap_or_else(|d| panic!("{}: {text}", d.message));
            assert_eq!(data.len(), 1, "{text}");
        }
    }

    #[test]
    fn reader_round_trip_catches_differences() {
        let a = read_all("(a 1.5 \"x\" #\\y #(1 2) . z)").unwrap();
        let b = read_all("(a 1.5 \"x\" #\\y #(1 2) . w)").unwrap();
        let (a, b) = (a[0].to_datum(100).unwrap(), b[0].to_datum(100).unwrap());
        assert!(same_datum(&a, &a));
        assert!(!same_datum(&a, &b));
        assert!(same_datum(&Value::Real(f64::NAN), &Value::Real(-f64::NAN)));
        assert!(!same_datum(&Value::Real(0.0), &Value::Real(-0.0)));
        assert!(!same_datum(&Value::Int(1), &Value::Real(1.0)));
    }

    #[test]
    fn guest_hex_escapes_are_recognised() {
        assert!(has_guest_hex_escape(r#""a\xb;-""#));
        assert!(!has_guest_hex_escape(r#""a\\xb;-""#));
        assert!(!has_guest_hex_escape(r#""\v-""#));
    }
}
