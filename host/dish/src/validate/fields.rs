//! The scalar fields: name, version, source (URI, commit, hash, snippet),
//! home page and build system.

use potluck_sandbox::diagnostic::quote;
use potluck_sandbox::dish::{Datum, Spanned};

use super::Cx;
use crate::nix;
use crate::uri::check_public_uri;

pub(super) fn check(cx: &mut Cx) {
    check_name(cx);
    check_version(cx);
    let src = &cx.dish.source;
    if let Err(why) = check_public_uri(&src.git_uri.value, &["git", "http", "https"], cx.policy) {
        cx.error(
            "git-uri",
            &src.git_uri,
            why,
            "use the public URL others clone from, e.g. \"https://example.org/project.git\"",
        );
    }
    check_commit(cx);
    check_sha256(cx);
    if let Some(snippet) = &src.snippet {
        if !matches!(snippet.value, Datum::List(_, None) | Datum::Null) {
            cx.error(
                "snippet",
                snippet,
                "must be #f or a list (an expression to run on the source)".into(),
                "write (snippet '(begin ...)) or leave the field out",
            );
        }
    }
    if let Err(why) = check_public_uri(&cx.dish.home_page.value, &["http", "https"], cx.policy) {
        cx.error(
            "home-page",
            &cx.dish.home_page,
            why,
            "give the project's web page, e.g. \"https://example.org/hello\"",
        );
    }
    check_build_system(cx);
    for span in &cx.dish.discarded {
        let at = Spanned {
            value: (),
            span: *span,
        };
        cx.warn(
            "potluck-package",
            &at,
            "this potluck-package is not the file's last form, so it is ignored: only the last one counts".into(),
            "keep one potluck-package per dish file; put another package in a file of its own",
        );
    }
}

pub(super) fn single_line<T>(cx: &mut Cx, field: &str, at: &Spanned<T>, s: &str) -> bool {
    if let Some(c) = s
        .chars()
        .find(|&c| c.is_control() || potluck_contract::grammar::is_hazard(c))
    {
        cx.error(
            field,
            at,
            format!(
                "contains U+{:04X}, a control, invisible or bidirectional-text character",
                c as u32
            ),
            "keep this field on one line of visible text",
        );
        return false;
    }
    true
}

fn check_name(cx: &mut Cx) {
    let name = &cx.dish.name;
    let v = name.value.as_str();
    if v.is_empty() {
        cx.error(
            "name",
            name,
            "must not be empty".into(),
            "write e.g. (name \"hello\")",
        );
        return;
    }
    if !single_line(cx, "name", name, v) {
        return;
    }
    let first_ok = v
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let chars_ok = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-+._".contains(c));
    if !first_ok || !chars_ok || v.contains("..") {
        let suggestion: String = v
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "+._".contains(c) {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_matches(|c: char| !c.is_ascii_alphanumeric())
            .replace("..", ".");
        cx.error(
            "name",
            name,
            format!("`{}` is not a Guix package name", quote(v)),
            format!(
                "package names use lowercase letters, digits and `-+._`, start with a letter or digit and have no `..`{}",
                if suggestion.is_empty() { String::new() } else { format!("; e.g. \"{suggestion}\"") }
            ),
        );
    }
}

fn check_version(cx: &mut Cx) {
    let version = &cx.dish.version;
    let v = version.value.as_str();
    if v.is_empty() {
        cx.error(
            "version",
            version,
            "must not be empty".into(),
            "write e.g. (version \"1.0.0\")",
        );
    } else if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || ".-+_~".contains(*c)))
    {
        let what = if c.is_whitespace() {
            "white space".to_string()
        } else if c.is_control() || potluck_contract::grammar::is_hazard(c) {
            format!("U+{:04X}, an invisible character", c as u32)
        } else {
            format!("`{c}`")
        };
        cx.error(
            "version",
            version,
            format!("`{}` contains {what}", quote(v)),
            "Guix versions use ASCII letters, digits and `.-+_~`, e.g. \"1.0.0\" or \"0.3.1-2.a65e817\"",
        );
    } else if v.len() > 64 {
        cx.error(
            "version",
            version,
            format!("is {} characters long", v.len()),
            "a version is short, e.g. \"1.0.0\"",
        );
    }
}

fn check_commit(cx: &mut Cx) {
    let c = &cx.dish.source.git_commit;
    let v = c.value.as_str();
    let ok = v.len() == 40
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !ok {
        let why = if v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit()) {
            "must be in lowercase".to_string()
        } else if v.len() == 40 {
            "must be 40 hexadecimal digits".to_string()
        } else {
            format!(
                "must be a full commit id of 40 hexadecimal digits, not `{}`",
                potluck_sandbox::diagnostic::truncate(v, 60)
            )
        };
        cx.error(
            "git-commit",
            c,
            why,
            "a dish pins an exact commit: run `git rev-parse HEAD` in your checkout and paste its output",
        );
    }
}

fn check_sha256(cx: &mut Cx) {
    let h = &cx.dish.source.sha256;
    let help =
        "run `guix hash -rx .` at the root of a clean checkout of that commit and paste its output";
    match nix::decode(&h.value, 32) {
        Ok(_) => {}
        Err(nix::DecodeError::Length { got, expected }) => {
            cx.error("sha256", h, format!("must be {expected} nix-base32 characters, but has {got}"), help)
        }
        Err(nix::DecodeError::Char { index, ch }) => cx.error(
            "sha256",
            h,
            format!(
                "character {} (`{ch}`) is not in the nix-base32 alphabet `0123456789abcdfghijklmnpqrsvwxyz`",
                index + 1
            ),
            help,
        ),
        Err(nix::DecodeError::Overflow) => cx.error(
            "sha256",
            h,
            "does not decode to a 32-byte hash (its first character must be 0 or 1)".into(),
            help,
        ),
    }
}

/// Build systems whose packages need what a dish cannot give: their
/// dependencies from Guix's own package set for that language (which only
/// Guix can extend) or vendored in the source.  Each gets a warning that
/// says why the package will probably not build.
const CANNOT_SERVE: &[(&str, &str)] = &[
    ("cargo", "cargo-build-system builds Rust offline, against crate sources that Guix lists in its own gnu/packages/rust-crates.scm (`cargo-inputs`); a dish can only name Guix packages, so unless the project has no crate dependencies or vendors them in its source, `guix build` will fail"),
    ("go", "go-build-system builds offline against Go modules packaged in Guix (go-* packages); a dish whose dependencies are not all packaged in Guix, or vendored in its source, will fail to build; it also needs #:import-path"),
    ("node", "node-build-system builds offline against npm packages packaged in Guix (node-* packages, few); unless every dependency is packaged or vendored, `guix build` will fail"),
    ("composer", "composer-build-system needs PHP dependencies packaged in Guix, which has almost none; only a project without dependencies (or with them vendored) builds"),
    ("elm", "elm-build-system needs Elm packages packaged in Guix (elm-* packages); unless every dependency is packaged, `guix build` will fail"),
    ("dub", "dub-build-system needs D dependencies packaged in Guix, which has almost none; only a project without dependencies builds"),
    ("rebar", "rebar-build-system needs Erlang dependencies packaged in Guix (erlang-* packages); unless every dependency is packaged or vendored, `guix build` will fail"),
    ("mix", "mix-build-system needs Elixir dependencies packaged in Guix (elixir-* packages); unless every dependency is packaged or vendored, `guix build` will fail"),
    ("julia", "julia-build-system needs Julia packages packaged in Guix (julia-* packages); unless every dependency is packaged, `guix build` will fail"),
    ("texlive", "texlive-build-system builds TeX Live packages from Guix's own TeX Live sources; it is not meant for a project's own repository"),
];

fn check_build_system(cx: &mut Cx) {
    let bs = &cx.dish.build_system;
    let index = cx.index;
    if index.build_system(&bs.value).is_none() {
        let names: Vec<&str> = index
            .build_systems
            .iter()
            .map(|b| b.symbol.as_str())
            .collect();
        let close = potluck_contract::distance::closest(&bs.value, &names);
        let help = match close {
            Some(c) => format!("did you mean '{c}? (`potluck-wasm init --build-system help` lists all {})", names.len()),
            None => format!(
                "use one of the {} build systems Guix has, e.g. 'gnu (`potluck-wasm init --build-system help` lists them)",
                names.len()
            ),
        };
        cx.error(
            "build-system",
            bs,
            format!("`{}` is not a Guix build system", quote(&bs.value)),
            help,
        );
        return;
    }
    if let Some((_, why)) = CANNOT_SERVE.iter().find(|(name, _)| *name == bs.value) {
        cx.warn(
            "build-system",
            bs,
            format!("a channel can publish this package, but it will probably not build: {why}"),
            "check that `guix build` succeeds with the channel, or choose another build system",
        );
    }
}
