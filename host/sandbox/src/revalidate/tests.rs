//! Hostile guest results: each must be refused (or accepted) without the
//! interpreter, in work bounded by the output limit.

use potluck_contract::limits::{
    MAX_DATUM_DEPTH, MAX_DIAGNOSTICS, MAX_DIAGNOSTIC_TEXT, MAX_NUMBER_DIGITS,
};

use super::*;
use crate::diagnostic::Kind;
use wit::DatumNode as N;

fn span(start: u32, end: u32) -> wit::Span {
    wit::Span { start, end }
}

fn sstr(v: &str, s: wit::Span) -> wit::SpannedString {
    wit::SpannedString {
        value: v.into(),
        span: s,
    }
}

fn package(name_span: wit::Span, nodes: Vec<N>) -> wit::Package {
    let ok = span(0, 1);
    let specs = wit::StringList {
        items: vec![],
        span: ok,
    };
    wit::Package {
        name: sstr("x", name_span),
        version: sstr("1", ok),
        source: wit::Source {
            git_uri: sstr("https://e.org/x", ok),
            git_commit: sstr("0", ok),
            sha256: sstr("0", ok),
            snippet: None,
            span: ok,
        },
        build_system: sstr("gnu", ok),
        arguments: wit::SpannedDatum {
            value: wit::Datum { nodes },
            span: ok,
        },
        inputs: specs.clone(),
        native_inputs: specs.clone(),
        propagated_inputs: specs,
        synopsis: sstr("S", ok),
        description: sstr("D", ok),
        licenses: wit::StringList {
            items: vec![sstr("gpl3+", ok)],
            span: ok,
        },
        home_page: sstr("https://e.org", ok),
        span: ok,
        discarded: vec![],
    }
}

const SRC: &str = "(λ)";

fn args(nodes: Vec<N>) -> Result<Dish, Vec<Diagnostic>> {
    from_guest(package(span(0, 1), nodes), "f.scm", SRC, 4 << 20)
}

fn refused_as(r: Result<Dish, Vec<Diagnostic>>, kind: Kind, what: &str) {
    let errs = r.expect_err(what);
    assert_eq!(errs[0].kind, kind, "{what}: {errs:?}");
}

#[test]
fn malformed_results_are_refused() {
    assert!(args(vec![N::Null]).is_ok());
    let cases: Vec<(&str, wit::Package)> = vec![
        ("span past the end", package(span(0, 99), vec![N::Null])),
        (
            "span inside a character",
            package(span(1, 2), vec![N::Null]),
        ),
        ("reversed span", package(span(2, 1), vec![N::Null])),
        ("empty datum", package(span(0, 1), vec![])),
        (
            "forward reference",
            package(span(0, 1), vec![N::Pair((1, 1)), N::Null]),
        ),
        ("self reference", package(span(0, 1), vec![N::Pair((0, 0))])),
        (
            "bad vector index",
            package(span(0, 1), vec![N::Vector(vec![5])]),
        ),
        (
            "bad bignum",
            package(span(0, 1), vec![N::BigInteger("12x".into())]),
        ),
        (
            "leading zero",
            package(span(0, 1), vec![N::BigInteger("012".into())]),
        ),
        (
            "zero denominator",
            package(span(0, 1), vec![N::Rational("1/0".into())]),
        ),
        (
            "not in lowest terms",
            package(span(0, 1), vec![N::Rational("6/4".into())]),
        ),
        (
            "integral rational",
            package(span(0, 1), vec![N::Rational("4/1".into())]),
        ),
    ];
    for (what, p) in cases {
        refused_as(from_guest(p, "f.scm", SRC, 1 << 20), Kind::Internal, what);
    }
}

#[test]
fn giant_numbers_are_refused_by_their_length() {
    let giant = "7".repeat(400_000);
    refused_as(
        args(vec![N::BigInteger(giant.clone())]),
        Kind::Internal,
        "giant integer",
    );
    refused_as(
        args(vec![N::Rational(format!("{giant}/{giant}1"))]),
        Kind::Internal,
        "giant rational",
    );
    // At the limit, a gcd of two coprime numbers of 1 000 digits is cheap.
    let n = format!("1{}", "0".repeat(MAX_NUMBER_DIGITS - 1));
    let d = "3".repeat(MAX_NUMBER_DIGITS);
    assert!(args(vec![N::Rational(format!("-{n}/{d}"))]).is_ok());
    assert!(args(vec![N::BigInteger(format!("-{n}"))]).is_ok());
}

#[test]
fn huge_strings_are_a_limit_not_a_copy() {
    let huge = "x".repeat(5 << 20);
    refused_as(
        args(vec![N::String(huge.clone())]),
        Kind::Limit,
        "huge datum string",
    );
    let mut p = package(span(0, 1), vec![N::Null]);
    p.description = sstr(&huge, span(0, 1));
    refused_as(
        from_guest(p, "f.scm", SRC, 4 << 20),
        Kind::Limit,
        "huge field",
    );
}

#[test]
fn a_dag_that_would_expand_exponentially_is_refused_not_expanded() {
    let mut nodes = vec![N::Null];
    for i in 0..64u32 {
        nodes.push(N::Pair((i, i)));
    }
    let errs = from_guest(package(span(0, 1), nodes), "f.scm", SRC, usize::MAX).unwrap_err();
    assert_eq!(errs[0].kind, Kind::Internal, "{errs:?}");
}

/// `(x . #(…))` nested `levels` deep in the car direction, as the guest
/// flattens it.
fn tail_vectors(levels: u32) -> Vec<N> {
    let mut nodes = vec![N::Symbol("x".into())];
    let mut inner = 0u32;
    for _ in 0..levels {
        let vector = nodes.len() as u32;
        nodes.push(N::Vector(vec![inner]));
        nodes.push(N::Pair((0, vector)));
        inner = nodes.len() as u32 - 1;
    }
    nodes
}

#[test]
fn the_depth_rule_is_the_guests() {
    // Each level is a pair whose cdr is a vector: one level of depth per
    // pair (the vector's item), none for the cdr.
    assert!(args(tail_vectors(130)).is_ok());
    assert!(args(tail_vectors(MAX_DATUM_DEPTH)).is_ok());
    refused_as(
        args(tail_vectors(MAX_DATUM_DEPTH + 1)),
        Kind::Internal,
        "too deep",
    );
    // A long proper list is not deep at all.
    let mut nodes = vec![N::Null];
    for i in 0..40_000u32 {
        nodes.push(N::Integer(i64::from(i)));
        nodes.push(N::Pair((2 * i + 1, 2 * i)));
    }
    assert!(args(nodes).is_ok());
}

#[test]
fn guest_diagnostics_are_bounded_and_relocated() {
    let many: Vec<wit::Diagnostic> = (0..500)
        .map(|_| wit::Diagnostic {
            kind: wit::DiagnosticKind::Syntax,
            message: "m".repeat(10_000),
            help: None,
            file: "/etc/passwd".into(),
            line: 999,
            column: 999,
            span: Some(span(0, 999)),
        })
        .collect();
    let out = diagnostics_from_guest(many, "f.scm", SRC, 1 << 20);
    assert!(out.len() <= MAX_DIAGNOSTICS + 1);
    assert_eq!(out[0].file, "f.scm");
    assert_eq!(out[0].line, Some(1));
    assert!(out[0].message.len() <= MAX_DIAGNOSTIC_TEXT + 3);
    assert!(out[0].span.unwrap().end <= SRC.len());
}
