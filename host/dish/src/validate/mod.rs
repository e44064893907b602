//! Validation of a dish's fields: every rule of the 2017 potluck (non-empty
//! strings, public git/http/https URIs, a 40-hex commit, a nix-base32
//! SHA-256, known build system and license, keyword/value arguments,
//! placeholder texts), what Guix itself would refuse later (keywords the
//! build system does not take, flag lists that are not code, Texinfo
//! markup, build systems a channel cannot serve), and `guix lint`'s local
//! advice as warnings naming its checker.  Every problem names the field,
//! points at its span, says what was expected and how to fix it.
//!
//! [`fields`] checks the scalar fields, [`licenses`] the licenses (with
//! SPDX and common names mapped to Guix's), [`arguments`] the keyword
//! arguments, [`text`] the synopsis and description (with [`texinfo`]),
//! and [`inputs`] resolves the inputs ([`crate::resolve`]) and lints them.

mod arguments;
mod fields;
mod inputs;
pub mod licenses;
pub mod texinfo;
mod text;

use serde::Serialize;

use potluck_sandbox::diagnostic::{Diagnostic, Kind};
use potluck_sandbox::dish::{Dish, Spanned};

use crate::index::Index;
use crate::resolve::Resolved;
use crate::uri::Policy;

/// The `init` placeholders that must be replaced before a dish is accepted.
pub const PLACEHOLDER_SYNOPSIS: &str = "Declarative synopsis here";
pub const PLACEHOLDER_DESCRIPTION: &str = "Declarative description here...";

/// Resolved inputs of a dish, per field.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResolvedInputs {
    pub inputs: Vec<Resolved>,
    pub native_inputs: Vec<Resolved>,
    pub propagated_inputs: Vec<Resolved>,
}

/// The outcome of validating one dish.
#[derive(Debug, Clone, Default)]
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
    pub resolved: ResolvedInputs,
}

impl Validation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// What every check works with.
struct Cx<'a> {
    dish: &'a Dish,
    source: &'a str,
    /// The lines of `source`, indexed once for every diagnostic.
    lines: potluck_contract::span::LineIndex,
    index: &'a Index,
    policy: Policy,
    out: Vec<Diagnostic>,
}

impl Cx<'_> {
    fn located<T>(&self, d: Diagnostic, at: &Spanned<T>) -> Diagnostic {
        self.placed(d, at.span.start, at.span.end)
    }

    /// `d` in the dish's file, at the byte range `start..end` of its source.
    fn placed(&self, d: Diagnostic, start: usize, end: usize) -> Diagnostic {
        d.in_file(&self.dish.file)
            .at_indexed(&self.lines, self.source, start, end)
    }

    /// An error about `field`.
    fn error<T>(&mut self, field: &str, at: &Spanned<T>, message: String, help: impl Into<String>) {
        let d = Diagnostic::error(Kind::Validation, format!("field `{field}`: {message}"));
        let d = self.located(d, at).with_help(help);
        self.out.push(d);
    }

    /// An error about `field` at the byte range `start..end` of the source.
    fn error_at(&mut self, field: &str, start: usize, end: usize, message: String, help: String) {
        let d = Diagnostic::error(Kind::Validation, format!("field `{field}`: {message}"));
        let d = self.placed(d, start, end).with_help(help);
        self.out.push(d);
    }

    /// Lint advice about `field`.
    fn warn<T>(&mut self, field: &str, at: &Spanned<T>, message: String, help: impl Into<String>) {
        let d = Diagnostic::warning(Kind::Lint, format!("field `{field}`: {message}"));
        let d = self.located(d, at).with_help(help);
        self.out.push(d);
    }

    /// Advice `guix lint` gives through its checker `checker`.
    fn lint<T>(
        &mut self,
        checker: &str,
        field: &str,
        at: &Spanned<T>,
        message: String,
        help: impl Into<String>,
    ) {
        let help = format!("{} (guix lint: {checker})", help.into());
        self.warn(field, at, message, help);
    }
}

/// Validate every field of `dish` and resolve its inputs.
pub fn validate(dish: &Dish, source: &str, index: &Index, policy: Policy) -> Validation {
    let mut cx = Cx {
        dish,
        source,
        lines: potluck_contract::span::LineIndex::new(source),
        index,
        policy,
        out: Vec::new(),
    };
    fields::check(&mut cx);
    licenses::check(&mut cx);
    arguments::check(&mut cx);
    text::check(&mut cx);
    let resolved = inputs::check(&mut cx);
    Validation {
        diagnostics: cx.out,
        resolved,
    }
}
