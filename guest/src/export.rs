//! The WebAssembly component export: a thin conversion between the WIT
//! contract (`wit/potluck.wit`) and this crate's types.
//!
//! The guest is built for `wasm32-unknown-unknown`, whose standard library
//! has no operating system interface at all, and the core module is made
//! a component by `wit-component` in the sandbox crate's build script: the
//! component imports nothing (the sandbox's tests check it).

use crate::dish::{self, DatumNode};
use crate::span::{line_col, Span};

wit_bindgen::generate!({
    path: "../wit",
    world: "potluck-guest",
});

use exports::potluck::sandbox::dish as w;

struct Component;

fn span(s: Span) -> w::Span {
    w::Span {
        start: s.start,
        end: s.end,
    }
}

fn sstr(s: dish::Spanned<String>) -> w::SpannedString {
    w::SpannedString {
        value: s.value,
        span: span(s.span),
    }
}

fn datum(d: dish::Datum) -> w::Datum {
    w::Datum {
        nodes: d
            .nodes
            .into_iter()
            .map(|n| match n {
                DatumNode::Null => w::DatumNode::Null,
                DatumNode::Bool(b) => w::DatumNode::Boolean(b),
                DatumNode::Int(i) => w::DatumNode::Integer(i),
                DatumNode::BigInt(s) => w::DatumNode::BigInteger(s),
                DatumNode::Rational(s) => w::DatumNode::Rational(s),
                DatumNode::Real(f) => w::DatumNode::Real(f),
                DatumNode::Char(c) => w::DatumNode::Character(c),
                DatumNode::Str(s) => w::DatumNode::String(s),
                DatumNode::Sym(s) => w::DatumNode::Symbol(s),
                DatumNode::Keyword(s) => w::DatumNode::Keyword(s),
                DatumNode::Pair(a, b) => w::DatumNode::Pair((a, b)),
                DatumNode::Vector(v) => w::DatumNode::Vector(v),
                DatumNode::Unspecified => w::DatumNode::Unspecified,
            })
            .collect(),
    }
}

fn sdatum(d: dish::Spanned<dish::Datum>) -> w::SpannedDatum {
    w::SpannedDatum {
        value: datum(d.value),
        span: span(d.span),
    }
}

fn specs(l: dish::StringList) -> w::StringList {
    w::StringList {
        items: l.items.into_iter().map(sstr).collect(),
        span: span(l.span),
    }
}

fn kind(k: crate::DiagnosticKind) -> w::DiagnosticKind {
    use crate::DiagnosticKind as K;
    match k {
        K::Syntax => w::DiagnosticKind::Syntax,
        K::UnboundVariable => w::DiagnosticKind::UnboundVariable,
        K::WrongType => w::DiagnosticKind::WrongType,
        K::Arity => w::DiagnosticKind::Arity,
        K::OutOfRange => w::DiagnosticKind::OutOfRange,
        K::UserError => w::DiagnosticKind::UserError,
        K::InvalidDish => w::DiagnosticKind::InvalidDish,
        K::Unsupported => w::DiagnosticKind::Unsupported,
        K::Limit => w::DiagnosticKind::Limit,
        K::Internal => w::DiagnosticKind::Internal,
    }
}

impl w::Guest for Component {
    fn evaluate(
        file: String,
        source: String,
        limits: w::Limits,
        hash_key: u64,
    ) -> Result<w::Package, Vec<w::Diagnostic>> {
        crate::symbol::set_hash_key(hash_key);
        let limits = crate::Limits {
            max_steps: limits.max_steps,
            max_depth: limits.max_depth,
            max_alloc_bytes: limits.max_alloc_bytes,
            max_expansion: limits.max_expansion,
        };
        match crate::evaluate_once(&file, &source, limits) {
            Ok(d) => Ok(w::Package {
                name: sstr(d.name),
                version: sstr(d.version),
                source: w::Source {
                    git_uri: sstr(d.source.git_uri),
                    git_commit: sstr(d.source.git_commit),
                    sha256: sstr(d.source.sha256),
                    snippet: d.source.snippet.map(sdatum),
                    span: span(d.source.span),
                },
                build_system: sstr(d.build_system),
                arguments: sdatum(d.arguments),
                inputs: specs(d.inputs),
                native_inputs: specs(d.native_inputs),
                propagated_inputs: specs(d.propagated_inputs),
                synopsis: sstr(d.synopsis),
                description: sstr(d.description),
                licenses: specs(d.licenses),
                home_page: sstr(d.home_page),
                span: span(d.span),
                discarded: d.discarded.into_iter().map(span).collect(),
            }),
            Err(diags) => Err(diags
                .into_iter()
                .map(|d| {
                    let (line, column) = d.span.map_or((0, 0), |s| line_col(&source, s.start));
                    w::Diagnostic {
                        kind: kind(d.kind),
                        message: d.message,
                        help: d.help,
                        file: file.clone(),
                        line,
                        column,
                        span: d.span.map(span),
                    }
                })
                .collect()),
        }
    }

    fn bindings() -> Vec<String> {
        crate::binding_names()
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
}

export!(Component);
