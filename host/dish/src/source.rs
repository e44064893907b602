//! What a dish's source turned out to be, and the diagnostic that says so.
//!
//! The host's source workers and `check --verify-source` both fetch the
//! dish's `git-uri` at `git-commit` and hash the checkout as Guix's
//! `git-fetch` does; [`Verdict`] is what they found, and [`diagnostic`]
//! turns a bad verdict into an error pointing at the field to fix.

use potluck_sandbox::diagnostic::{Diagnostic, Kind};
use potluck_sandbox::Dish;

/// The outcome of verifying one dish's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The checkout hashes to the dish's `sha256`.
    Verified,
    /// The checkout hashes to `actual`.
    Mismatch { actual: String },
    /// The commit could not be fetched, for this reason.
    Unreachable(String),
}

impl Verdict {
    /// The verdict for a checkout that hashed to `actual`.
    pub fn of_hash(dish: &Dish, actual: &str) -> Verdict {
        if actual == dish.source.sha256.value {
            Verdict::Verified
        } else {
            Verdict::Mismatch {
                actual: actual.to_string(),
            }
        }
    }
}

/// The error for a bad verdict (none for [`Verdict::Verified`]), located in
/// `source_text`, the dish file's text, when there is one.
pub fn diagnostic(dish: &Dish, source_text: Option<&str>, verdict: &Verdict) -> Option<Diagnostic> {
    let src = &dish.source;
    let (d, span) = match verdict {
        Verdict::Verified => return None,
        Verdict::Mismatch { actual } => (
            Diagnostic::error(
                Kind::Source,
                format!(
                    "field `sha256`: the checkout of commit {} hashes to {actual}, not {}",
                    src.git_commit.value, src.sha256.value
                ),
            )
            .with_note(format!(
                "the source is {} at that commit",
                src.git_uri.value
            ))
            .with_help(format!(
                "if the commit is the one you mean, write (sha256 \"{actual}\") \
                 (`potluck-wasm refresh` rewrites version, git-commit and sha256 for you); \
                 `guix build` would stop with a hash mismatch"
            )),
            src.sha256.span,
        ),
        Verdict::Unreachable(why) => (
            Diagnostic::error(
                Kind::Source,
                format!(
                    "field `git-commit`: cannot fetch commit {} from {}: {why}",
                    src.git_commit.value, src.git_uri.value
                ),
            )
            .with_help(
                "push the commit to a branch or tag of that public repository (Guix fetches \
                 it by its id), or fix `git-uri` or `git-commit`",
            ),
            src.git_commit.span,
        ),
    };
    let d = d.in_file(&dish.file);
    Some(match source_text {
        Some(text) => d.at(text, span.start, span.end),
        None => d,
    })
}
