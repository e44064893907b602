//! The reader and evaluator fuzz bodies and their oracles: whatever the
//! bytes, reading and evaluating never panic, every span lies inside the
//! source, what the printer writes reads back as the same datum, and every
//! diagnostic is clean.

use potluck_guest::diag::{Diagnostic, DiagnosticKind};
use potluck_guest::eval::{eval_source, Interp, Limits};
use potluck_guest::printer::write_string;
use potluck_guest::reader::{read_all, Syntax, SyntaxKind, MAX_NESTING};
use potluck_guest::span::Span;
use potluck_guest::value::Value;

use crate::gen::{generate, Mode};

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
            let _ = potluck_guest::printer::display_string(&v);
            let _ = potluck_guest::dish::flatten(&v);
            let last = forms.last().map_or(Span::new(0, 0), |f| f.span);
            match potluck_guest::dish::from_value(&v, last) {
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

fn check_dish_spans(src: &str, d: &potluck_guest::dish::Dish) {
    for s in [
        d.name.span,
        d.version.span,
        d.build_system.span,
        d.synopsis.span,
        d.description.span,
        d.licenses.span,
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
