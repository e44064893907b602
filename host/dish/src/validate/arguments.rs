//! `arguments` (and the source's `snippet`): data a channel module can
//! hold, in the shape Guix gives it — keyword/value pairs, each keyword one
//! the build system accepts, each value code the build side can evaluate.
//!
//! Guix splices the values of `arguments` into the build script as code:
//! `#:configure-flags '("--x")` is the list `("--x")`, but a value computed
//! as a bare list, `#:configure-flags ("--x")`, is a call of the string
//! `"--x"` and fails inside the build with "Wrong type to apply".  Such a
//! value is refused here, with the fix.

use potluck_sandbox::diagnostic::quote;
use potluck_sandbox::dish::{Datum, Spanned};

use super::Cx;
use crate::index::PLUMBING_KEYWORDS;

pub(super) fn check(cx: &mut Cx) {
    writable(cx, "arguments", &cx.dish.arguments);
    if let Some(snippet) = &cx.dish.source.snippet {
        writable(cx, "snippet", snippet);
    }
    let args = &cx.dish.arguments;
    let items = match &args.value {
        Datum::Null => return,
        Datum::List(items, None) => items,
        _ => {
            cx.error(
                "arguments",
                args,
                "must be a list of keywords and values".into(),
                "write e.g. (arguments '(#:tests? #f #:configure-flags '(\"--enable-x\")))",
            );
            return;
        }
    };
    for (i, item) in items.iter().enumerate().step_by(2) {
        if !matches!(item, Datum::Keyword(_)) {
            cx.error(
                "arguments",
                args,
                format!(
                    "element {} must be a keyword such as #:tests?, but it is {}",
                    i + 1,
                    describe(item)
                ),
                "arguments alternate keywords and values: '(#:KEYWORD VALUE #:KEYWORD VALUE ...)",
            );
            return;
        }
    }
    if items.len() % 2 == 1 {
        cx.error(
            "arguments",
            args,
            format!(
                "the last keyword, {}, has no value",
                describe(&items[items.len() - 1])
            ),
            "give every keyword a value",
        );
        return;
    }
    let mut seen: Vec<&str> = Vec::new();
    for pair in items.chunks(2) {
        let (Datum::Keyword(k), value) = (&pair[0], &pair[1]) else {
            continue;
        };
        if seen.contains(&k.as_str()) {
            cx.error(
                "arguments",
                args,
                format!("#:{} is given twice", quote(k)),
                "give each keyword once (Guix would use the last)",
            );
        }
        seen.push(k);
        keyword(cx, args, k);
        value_is_code(cx, args, k, value);
    }
}

/// What a module can hold ([`crate::emit::datum`]).
fn writable(cx: &mut Cx, field: &str, d: &Spanned<Datum>) {
    if let Err(e) = crate::emit::datum(&d.value) {
        cx.error(
            field,
            d,
            e.to_string(),
            "package arguments are plain data: strings, symbols, keywords, booleans, 64-bit integers, decimals and lists of them",
        );
    }
}

/// The keyword must be one the build system's `lower` and build procedure
/// accept (the index's table), or `guix build` fails with "Unrecognized
/// keyword".
fn keyword(cx: &mut Cx, args: &Spanned<Datum>, k: &str) {
    let Some(bs) = cx.index.build_system(&cx.dish.build_system.value) else {
        return;
    };
    let Some(accepted) = &bs.keywords else {
        return;
    };
    if accepted.any || accepted.accepted.iter().any(|a| a == k) {
        return;
    }
    let shown = quote(k);
    if PLUMBING_KEYWORDS.contains(&k) {
        cx.error(
            "arguments",
            args,
            format!("#:{shown} is set by Guix itself, from the package's other fields"),
            format!("remove #:{shown} from the arguments"),
        );
        return;
    }
    let help = match potluck_contract::distance::closest(k, &accepted.accepted) {
        Some(c) => format!(
            "did you mean #:{c}? {}'s keywords are: {}",
            bs.symbol,
            list(&accepted.accepted)
        ),
        None => format!("{}'s keywords are: {}", bs.symbol, list(&accepted.accepted)),
    };
    cx.error(
        "arguments",
        args,
        format!(
            "{} does not take #:{shown}: `guix build` would stop with \"Unrecognized keyword\"",
            bs.variable
        ),
        help,
    );
}

fn list(keywords: &[String]) -> String {
    keywords
        .iter()
        .map(|k| format!("#:{k}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of a flags keyword (`#:configure-flags`, `#:make-flags`,
/// `#:test-flags`…) or of `#:phases` is code on the build side: it must
/// not be a list whose head cannot be called (a string, a number, a
/// list...).  Other keywords (`#:modules`, `#:imported-modules`…) take data.
fn value_is_code(cx: &mut Cx, args: &Spanned<Datum>, k: &str, value: &Datum) {
    if !(k.ends_with("-flags") || k == "phases") {
        return;
    }
    let Datum::List(items, _) = value else {
        return;
    };
    let Some(head) = items.first() else {
        return;
    };
    if matches!(head, Datum::Symbol(_)) {
        return;
    }
    let mut shown = String::new();
    if let Ok(s) = crate::emit::datum(value) {
        crate::pretty::write_flat(&s, &mut shown);
    }
    cx.error(
        "arguments",
        args,
        format!(
            "the value of #:{} is the bare list {}, which Guix evaluates as code on the build side: it fails with \"Wrong type to apply\"",
            quote(k),
            quote(&shown)
        ),
        format!(
            "quote the list: '(#:{} '{}) — or, when it is computed, `(#:{} ',(list ...))",
            quote(k),
            quote(&shown),
            quote(k)
        ),
    );
}

fn describe(d: &Datum) -> String {
    match d {
        Datum::Symbol(s) => format!("the symbol `{}`", quote(s)),
        Datum::Keyword(k) => format!("#:{}", quote(k)),
        Datum::String(s) => format!("the string \"{}\"", quote(s)),
        Datum::List(..) | Datum::Null => "a list".into(),
        Datum::Integer(i) => format!("the number {}", quote(i)),
        _ => "not a keyword".into(),
    }
}
