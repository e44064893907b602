//! Test helpers: evaluate Scheme text and show the result as Guile's `write` would.

use crate::diag::Diagnostic;
use crate::eval::{eval_source, Interp, Limits};
use crate::printer::write_string;
use crate::reader::read_all;

/// Evaluate `src` with default limits; the `write` form of the last value.
pub fn eval(src: &str) -> Result<String, Diagnostic> {
    eval_with(src, Limits::default())
}

pub fn eval_with(src: &str, limits: Limits) -> Result<String, Diagnostic> {
    let src = src.to_string();
    // Run on a thread with a large stack, as the wasm guest has.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let forms = read_all(&src)?;
            let mut interp = Interp::new(limits, "test.scm", &src);
            eval_source(&mut interp, &forms).map(|v| write_string(&v))
        })
        .expect("spawn test thread")
        .join()
        .expect("evaluation thread panicked")
}

/// Assert that `src` evaluates to `expected` (its `write` form).
#[track_caller]
pub fn check(src: &str, expected: &str) {
    match eval(src) {
        Ok(got) => assert_eq!(got, expected, "evaluating {src}"),
        Err(d) => panic!("evaluating {src}: error {:?}: {}", d.kind, d.message),
    }
}

/// Assert that `src` fails with a diagnostic of `kind`; returns it.
#[track_caller]
pub fn check_err(src: &str, kind: crate::diag::DiagnosticKind) -> Diagnostic {
    match eval(src) {
        Ok(got) => panic!("evaluating {src}: expected a {kind:?} error, got {got}"),
        Err(d) => {
            assert_eq!(d.kind, kind, "evaluating {src}: {}", d.message);
            d
        }
    }
}
