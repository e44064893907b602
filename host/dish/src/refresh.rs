//! `potluck-wasm refresh` and the local half of source verification.
//!
//! [`rewrite`] replaces the `version`, `git-commit` and `sha256` of a dish
//! file in place: each must be written as a plain string literal (its span,
//! as the sandbox reported it, holds exactly `"…"` with the evaluated
//! value), and only those bytes change; a computed field is refused with
//! the place to edit by hand.  [`local_checkout`] finds the git checkout a
//! dish file lives in when the dish's `git-uri` is one of that checkout's
//! remotes, so its source can be hashed from local objects.

use std::path::{Path, PathBuf};
use std::time::Duration;

use potluck_sandbox::diagnostic::Span;
use potluck_sandbox::dish::{Dish, Spanned};

use crate::git::CommandError;

/// The three fields `refresh` writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    pub version: String,
    pub commit: String,
    pub sha256: String,
}

/// Why a dish file could not be rewritten.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RewriteError {
    #[error(
        "field `{field}` is computed ({text}), not a string literal; write the new value there by hand: {value:?}"
    )]
    Computed {
        field: &'static str,
        text: String,
        value: String,
    },
    #[error("field `{field}`: the new value {value:?} cannot be written as a plain string")]
    Unprintable { field: &'static str, value: String },
}

/// The span's text, when it is exactly a string literal whose contents
/// (without escapes) are `value`.
fn literal(text: &str, span: Span, value: &str) -> bool {
    text.get(span.start..span.end)
        .and_then(|t| t.strip_prefix('"'))
        .and_then(|t| t.strip_suffix('"'))
        .is_some_and(|inner| inner == value && !inner.contains(['\\', '"']))
}

/// `text` (the dish file whose evaluation gave `dish`) with the three
/// fields of `pin`; every other byte is unchanged.  Fields whose value is
/// already the pinned one are left alone even when computed.
pub fn rewrite(text: &str, dish: &Dish, pin: &Pin) -> Result<String, RewriteError> {
    let fields: [(&'static str, &Spanned<String>, &str); 3] = [
        ("version", &dish.version, &pin.version),
        ("git-commit", &dish.source.git_commit, &pin.commit),
        ("sha256", &dish.source.sha256, &pin.sha256),
    ];
    let mut edits: Vec<(Span, String)> = Vec::new();
    for (field, old, new) in fields {
        if old.value == new {
            continue;
        }
        if new.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
            return Err(RewriteError::Unprintable {
                field,
                value: new.to_string(),
            });
        }
        if !literal(text, old.span, &old.value) {
            let shown = text
                .get(old.span.start..old.span.end)
                .unwrap_or("?")
                .to_string();
            return Err(RewriteError::Computed {
                field,
                text: potluck_sandbox::diagnostic::truncate(&shown, 60),
                value: new.to_string(),
            });
        }
        edits.push((old.span, format!("\"{new}\"")));
    }
    edits.sort_by_key(|(span, _)| std::cmp::Reverse(span.start));
    let mut out = text.to_string();
    for (span, with) in edits {
        out.replace_range(span.start..span.end, &with);
    }
    Ok(out)
}

/// A git URL without what does not change the repository it names: a
/// trailing `/` or `.git`, and the case of the scheme and host.
pub fn same_repository(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        let u = u.trim().trim_end_matches('/');
        let u = u.strip_suffix(".git").unwrap_or(u);
        match u.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                format!(
                    "{}://{}/{path}",
                    scheme.to_ascii_lowercase(),
                    host.to_ascii_lowercase()
                )
            }
            None => u.to_string(),
        }
    }
    norm(a) == norm(b)
}

const GIT_TIMEOUT: Duration = Duration::from_secs(60);

fn git(dir: &Path, args: &[&str]) -> Result<String, CommandError> {
    crate::git::output_in(dir, Path::new("/nonexistent"), args, GIT_TIMEOUT)
}

/// The root of the git checkout holding `file`, when one of its remotes is
/// `git_uri` (the dish describes the repository it lives in).
pub fn local_checkout(file: &Path, git_uri: &str) -> Option<PathBuf> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let top = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    let remotes = git(
        Path::new(&top),
        &["config", "--get-regexp", r"^remote\..*\.url$"],
    )
    .ok()?;
    remotes
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(_, url)| url))
        .any(|url| same_repository(url, git_uri))
        .then(|| PathBuf::from(top))
}

/// Whether `checkout` has `commit` among its objects.
pub fn has_commit(checkout: &Path, commit: &str) -> bool {
    commit.len() == 40
        && commit.bytes().all(|b| b.is_ascii_hexdigit())
        && git(
            checkout,
            &[
                "cat-file",
                "-e",
                "--end-of-options",
                &format!("{commit}^{{commit}}"),
            ],
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_compare_without_dot_git_slash_or_host_case() {
        assert!(same_repository(
            "https://GitHub.com/a/b.git",
            "https://github.com/a/b/"
        ));
        assert!(!same_repository(
            "https://github.com/a/b",
            "https://github.com/a/c"
        ));
        assert!(!same_repository(
            "https://github.com/A/b",
            "https://github.com/a/b"
        ));
    }

    #[test]
    fn a_literal_is_only_a_plain_string_with_the_value() {
        let t = r#"(version "1.0") (version (string-append "1" ".0")) "a\"b""#;
        assert!(literal(t, Span { start: 9, end: 14 }, "1.0"));
        assert!(!literal(t, Span { start: 25, end: 50 }, "1.0"));
        assert!(!literal(t, Span { start: 51, end: 57 }, "a\"b"));
    }
}
