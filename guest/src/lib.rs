//! The potluck dish interpreter.
//!
//! A dish is a small Scheme file that evaluates to one `potluck-package`.
//! This crate reads it ([`reader`]), evaluates it with exactly the 2017
//! potluck binding set ([`eval`], [`bindings`]) under hard limits, and checks
//! the result's structure ([`dish`]).  It knows nothing of files, networks,
//! git or Guix: it is compiled to a WebAssembly component that the host runs
//! in a sandbox with no capabilities.  Natively it is linked only by its own
//! tests and by development tools that say so (`guest/fuzzing`, the
//! examples, the fuzz targets); the host's product crates never link it.

pub mod allocator;
pub mod bindings;
pub mod diag;
pub mod dish;
pub mod eval;
pub mod macros;
pub mod names;
pub mod num;
pub mod printer;
pub mod reader;
pub mod span;
pub mod symbol;
mod teardown;
pub mod value;

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
    evaluate_inner(file, source, limits, false)
}

/// Like [`evaluate`], but never frees what the evaluation built (the syntax,
/// the interpreter's heap, the final value): for a one-shot instance whose
/// whole memory is thrown away after the call, as in the wasm export, where
/// walking and freeing those structures would be a fifth of the work.
pub fn evaluate_once(file: &str, source: &str, limits: Limits) -> Result<Dish, Vec<Diagnostic>> {
    evaluate_inner(file, source, limits, true)
}

fn evaluate_inner(
    file: &str,
    source: &str,
    limits: Limits,
    leak: bool,
) -> Result<Dish, Vec<Diagnostic>> {
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
    interp.one_shot = leak;
    let dish = match eval::eval_source(&mut interp, &forms) {
        Ok(value) => {
            let dish = dish::from_value(&value, last_span).map(|mut d| {
                d.discarded = std::mem::take(&mut interp.discarded_packages);
                d
            });
            if leak {
                std::mem::forget(value);
            }
            dish
        }
        Err(d) => Err(vec![d]),
    };
    if leak {
        std::mem::forget(interp);
        std::mem::forget(forms);
    }
    dish
}

/// The names the sandbox binds, in the 2017 order.
pub fn binding_names() -> &'static [&'static str] {
    bindings::ENVIRONMENT
}
