//! The potluck dish interpreter.
//!
//! A dish is a small Scheme file that evaluates to one `potluck-package`.
//! This crate reads it ([`reader`]), evaluates it with exactly the 2017
//! potluck binding set ([`eval`], [`bindings`]) under hard limits, and checks
//! the result's structure ([`dish`]).  It knows nothing of files, networks,
//! git or Guix: it is compiled to a WebAssembly component that the host runs
//! in a sandbox with no capabilities, and it also builds and tests natively.

pub mod allocator;
pub mod bindings;
pub mod diag;
pub mod dish;
pub mod eval;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzzing;
pub mod macros;
pub mod num;
pub mod printer;
pub mod reader;
pub mod span;
pub mod value;

#[cfg(test)]
mod eval_tests;
#[cfg(test)]
pub(crate) mod testing;

#[cfg(target_arch = "wasm32")]
mod export;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: allocator::SizeClasses = allocator::SizeClasses::new();

pub use diag::{Diagnostic, DiagnosticKind};
pub use dish::Dish;
pub use eval::Limits;

/// Evaluate the dish `source` (named `file` in diagnostics and by
/// `current-filename`).
pub fn evaluate(file: &str, source: &str, limits: Limits) -> Result<Dish, Vec<Diagnostic>> {
    let forms = reader::read_all(source).map_err(|d| vec![d])?;
    let Some(last) = forms.last() else {
        return Err(vec![Diagnostic::new(
            DiagnosticKind::InvalidDish,
            "the dish is empty",
            Some(span::Span::new(0, 0)),
        )
        .with_help("a dish file must end with a (potluck-package ...) form")]);
    };
    let last_span = last.span;
    let mut interp = eval::Interp::new(limits, file, source);
    let value = eval::eval_source(&mut interp, &forms).map_err(|d| vec![d])?;
    dish::from_value(&value, last_span)
}

/// The names the sandbox binds, in the 2017 order.
pub fn binding_names() -> &'static [&'static str] {
    bindings::ENVIRONMENT
}
