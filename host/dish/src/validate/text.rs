//! The synopsis and the description: what Guix refuses (empty, the `init`
//! placeholders, invisible characters, invalid Texinfo markup, at the exact
//! position) and the advice of `guix lint`'s `synopsis` and `description`
//! checkers, as warnings naming the checker.

use potluck_sandbox::dish::Spanned;

use super::fields::single_line;
use super::texinfo;
use super::{Cx, PLACEHOLDER_DESCRIPTION, PLACEHOLDER_SYNOPSIS};

pub(super) fn check(cx: &mut Cx) {
    synopsis(cx);
    description(cx);
}

/// Texinfo problems of the field `field`, located in the source when the
/// field is a plain string literal there.
fn texinfo_markup(cx: &mut Cx, field: &str, at: &Spanned<String>) -> bool {
    let mut ok = true;
    for p in texinfo::check(&at.value) {
        let (start, end) = match literal_range(cx.source, at, p.start, p.end) {
            Some(r) => r,
            None => (at.span.start, at.span.end),
        };
        if p.error {
            ok = false;
            cx.error_at(
                field,
                start,
                end,
                format!("invalid Texinfo markup: {}", p.message),
                format!(
                    "{} (guix lint: {field}: Texinfo markup in {field} is invalid)",
                    p.help
                ),
            );
        } else {
            let d = potluck_sandbox::diagnostic::Diagnostic::warning(
                potluck_sandbox::diagnostic::Kind::Lint,
                format!("field `{field}`: {}", p.message),
            );
            let d = cx.placed(d, start, end).with_help(p.help);
            cx.out.push(d);
        }
    }
    ok
}

/// The source byte range of the value's bytes `start..end`, when the
/// field's span is a string literal whose only escapes are `\"`, `\\`,
/// `\n`, `\t` and line continuations in no part before `end`; `None`
/// otherwise (the value was computed, or escaped in another way).
fn literal_range(
    source: &str,
    at: &Spanned<String>,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let lit = source.get(at.span.start..at.span.end)?;
    let body = lit.strip_prefix('"')?.strip_suffix('"')?;
    let base = at.span.start + 1;
    let (mut vi, mut si) = (0usize, 0usize);
    let (mut from, mut to) = (None, None);
    let sb = body.as_bytes();
    let vb = at.value.as_bytes();
    while vi <= vb.len() {
        if vi == start && from.is_none() {
            from = Some(base + si);
        }
        if vi == end {
            to = Some(base + si);
            break;
        }
        if si >= sb.len() || vi >= vb.len() {
            return None;
        }
        if sb[si] == b'\\' {
            let (byte, skip) = match sb.get(si + 1)? {
                b'"' => (b'"', 2),
                b'\\' => (b'\\', 2),
                b'n' => (b'\n', 2),
                b't' => (b'\t', 2),
                _ => return None,
            };
            if vb[vi] != byte {
                return None;
            }
            si += skip;
        } else {
            if sb[si] != vb[vi] {
                return None;
            }
            si += 1;
        }
        vi += 1;
    }
    Some((from?, to?))
}

/// Guix's `check-proper-start`: an upper-case letter, a digit, an opening
/// quote or bracket, one of a few markup commands, or the package name.
fn proper_start(text: &str, name: &str) -> bool {
    if text.starts_with('@') {
        return true;
    }
    let first = text.chars().next();
    if first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "(\"'`".contains(c)) {
        return true;
    }
    let word = text
        .split(' ')
        .next()
        .unwrap_or("")
        .replace('_', "-")
        .to_lowercase();
    let name = name.to_lowercase();
    word.starts_with(&name) || word.ends_with(&name)
}

fn synopsis(cx: &mut Cx) {
    let s = &cx.dish.synopsis;
    let v = s.value.as_str();
    if v.trim().is_empty() {
        cx.error(
            "synopsis",
            s,
            "must not be empty".into(),
            "describe the package in a few words",
        );
        return;
    }
    if v.trim() == PLACEHOLDER_SYNOPSIS {
        cx.error(
            "synopsis",
            s,
            "is still the placeholder from `potluck-wasm init`".into(),
            "replace it with a short description of the package",
        );
        return;
    }
    if !single_line(cx, "synopsis", s, v) {
        return;
    }
    if !texinfo_markup(cx, "synopsis", s) {
        return;
    }
    if !v.starts_with(|c: char| c.is_alphanumeric() || c == '@') {
        cx.error(
            "synopsis",
            s,
            "must start with a letter or a digit".into(),
            "a synopsis is a short plain-text phrase such as \"Command-line JSON processor\"",
        );
        return;
    }
    let name = cx.dish.name.value.as_str();
    if !proper_start(v, name) {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            "should start with an upper-case letter or digit".into(),
            "start the synopsis with a capital letter",
        );
    }
    let lower = v.to_lowercase();
    if ["a ", "an "].iter().any(|a| lower.starts_with(a)) {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            "starts with an article".into(),
            "drop the leading article",
        );
    }
    if v.ends_with('.') && !v.ends_with("etc.") {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            "ends with a period".into(),
            "drop the final period",
        );
    }
    let first = lower
        .split(|c: char| !(c.is_alphanumeric() || "-+._".contains(c)))
        .next();
    let abbreviation = v.split(' ').next().is_some_and(|w| {
        w.len() > 1
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && w.starts_with(|c: char| c.is_ascii_uppercase())
    });
    if first == Some(name.to_lowercase().as_str()) && !abbreviation {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            "starts with the package name".into(),
            "say what the package does; the name is shown next to it already",
        );
    }
    let len = v.chars().count();
    if len >= 80 {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            format!("is {len} characters long"),
            "keep the synopsis under 80 characters",
        );
    }
    if v.ends_with(char::is_whitespace) {
        cx.lint(
            "synopsis",
            "synopsis",
            s,
            "ends with white space".into(),
            "remove the trailing white space",
        );
    }
}

/// Typos `guix lint` knows, and their fixes.
const TYPOS: &[(&str, &str)] = &[
    ("Infrastucture", "Infrastructure"),
    ("This packages", "This package"),
    ("This modules", "This module"),
    ("allows to ", "allows one to "),
    ("dependant", "dependent"),
    ("dissapears", "disappears"),
    ("invokation", "invocation"),
    ("permits to ", "permits one to "),
    ("provices", "provides"),
    ("useable", "usable"),
];

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &["i.e", "e.g", "a.k.a", "resp", "cf", "al"];

fn description(cx: &mut Cx) {
    let d = &cx.dish.description;
    let v = d.value.as_str();
    if v.trim().is_empty() {
        cx.error(
            "description",
            d,
            "must not be empty".into(),
            "describe the package in full sentences",
        );
        return;
    }
    if v.trim_end().ends_with("...") || v.trim() == PLACEHOLDER_DESCRIPTION {
        cx.error(
            "description",
            d,
            "ends with \"...\", like the placeholder from `potluck-wasm init`".into(),
            "replace it with a description of the package in full sentences",
        );
        return;
    }
    if let Some(c) = v.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\t') || potluck_contract::grammar::is_hazard(c)
    }) {
        cx.error(
            "description",
            d,
            format!(
                "contains U+{:04X}, a control, invisible or bidirectional-text character",
                c as u32
            ),
            "use plain text (newlines and tabs are fine)",
        );
        return;
    }
    if !texinfo_markup(cx, "description", d) {
        return;
    }
    let name = cx.dish.name.value.as_str();
    if !proper_start(v, name) {
        cx.lint(
            "description",
            "description",
            d,
            "does not start with a capital letter".into(),
            "start the description with an upper-case letter or digit",
        );
    }
    if !(v.ends_with('.') || v.ends_with(' ')) {
        cx.lint(
            "description",
            "description",
            d,
            "does not end with a period".into(),
            "write the description in full sentences",
        );
    }
    if v.starts_with(' ') || v.ends_with(' ') {
        cx.lint(
            "description",
            "description",
            d,
            "starts or ends with white space".into(),
            "remove the leading and trailing white space",
        );
    }
    for (typo, fix) in TYPOS {
        if v.contains(typo) {
            cx.lint(
                "description",
                "description",
                d,
                format!("contains the typo \"{}\"", typo.trim_end()),
                format!("write \"{}\"", fix.trim_end()),
            );
        }
    }
    if let Some(c) = v.chars().find(|c| matches!(c, '™' | '®')) {
        cx.lint(
            "description",
            "description",
            d,
            format!("contains the trademark sign {c}"),
            "remove it",
        );
    }
    if has_quote_ornament(v) {
        cx.lint(
            "description",
            "description",
            d,
            "quotes a word with ' or `".into(),
            "use @code{…} or similar markup instead of quotes",
        );
    }
    let single: Vec<usize> = single_spaced_sentences(v);
    if !single.is_empty() {
        cx.lint(
            "description",
            "description",
            d,
            format!(
                "sentences are separated by one space (at character{} {})",
                if single.len() == 1 { "" } else { "s" },
                single
                    .iter()
                    .take(5)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "Guix separates sentences with two spaces: \"First sentence.  Second one.\"",
        );
    }
    if v.chars().count() < 20 {
        cx.warn(
            "description",
            d,
            "is very short".into(),
            "describe what the package does and what it is for",
        );
    }
}

/// `['`][[:graph:]]+'`: a word in quotes.
fn has_quote_ornament(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        (c == '\'' || c == '`')
            && chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != '\'')
            && chars[i + 1..]
                .iter()
                .take_while(|c| !c.is_whitespace())
                .skip(1)
                .any(|c| *c == '\'')
    })
}

/// Character positions (0-based, as `guix lint` reports them) of `. X`
/// where X is upper case and the period ends a sentence.
fn single_spaced_sentences(v: &str) -> Vec<usize> {
    let chars: Vec<char> = v.chars().collect();
    let mut out = Vec::new();
    for i in 0..chars.len().saturating_sub(2) {
        if chars[i] == '.' && chars[i + 1] == ' ' && chars[i + 2].is_uppercase() {
            let before: String = chars[..i].iter().collect();
            let initial = before.chars().last().is_some_and(char::is_uppercase);
            let lower = before.to_lowercase();
            let abbreviation = ABBREVIATIONS.iter().any(|a| lower.ends_with(a));
            if !initial && !abbreviation {
                out.push(i);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_spacing_is_guix_lints() {
        assert_eq!(single_spaced_sentences("One. Two.  Three."), vec![3]);
        assert!(single_spaced_sentences("Made by J. Smith, e.g. This.").is_empty());
        assert!(has_quote_ornament("use 'foo' here"));
        assert!(!has_quote_ornament("it's fine"));
        assert!(proper_start("jq is like sed", "jq"));
        assert!(!proper_start("a tool", "jq"));
    }

    #[test]
    fn literal_positions_follow_escapes() {
        let src = r#"(description "a \"b\" c@d")"#;
        let at = Spanned {
            value: "a \"b\" c@d".to_string(),
            span: potluck_sandbox::Span { start: 13, end: 26 },
        };
        let (s, e) = literal_range(src, &at, 7, 8).unwrap();
        assert_eq!(&src[s..e], "@");
    }
}
