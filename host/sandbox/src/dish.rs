//! The host's view of a dish: plain Rust data rebuilt by
//! [`crate::revalidate`] from what the guest returned, after every check.
//! Nothing here points into guest memory or came from the interpreter's code.

use serde::Serialize;

use crate::diagnostic::Span;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Plain Scheme data, as dishes may put in `arguments` and `snippet`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Datum {
    Null,
    Bool(bool),
    /// An exact integer, in decimal.
    Integer(String),
    /// An exact rational `N/D`, in decimal, in lowest terms.
    Rational(String),
    Real(f64),
    Char(char),
    String(String),
    Symbol(String),
    Keyword(String),
    /// A list with an optional improper tail.
    List(Vec<Datum>, Option<Box<Datum>>),
    Vector(Vec<Datum>),
    Unspecified,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Source {
    pub git_uri: Spanned<String>,
    pub git_commit: Spanned<String>,
    pub sha256: Spanned<String>,
    pub snippet: Option<Spanned<Datum>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringList {
    pub items: Vec<Spanned<String>>,
    pub span: Span,
}

/// A dish that evaluated and passed the structural checks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Dish {
    pub file: String,
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub source: Source,
    pub build_system: Spanned<String>,
    pub arguments: Spanned<Datum>,
    pub inputs: StringList,
    pub native_inputs: StringList,
    pub propagated_inputs: StringList,
    pub synopsis: Spanned<String>,
    pub description: Spanned<String>,
    /// One license, or several.
    pub licenses: StringList,
    pub home_page: Spanned<String>,
    pub span: Span,
    /// Earlier top-level `potluck-package` forms, whose values were
    /// dropped (only the last counts).
    pub discarded: Vec<Span>,
}
