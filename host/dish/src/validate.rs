//! Validation of a dish's fields: every rule of the 2017 potluck (non-empty
//! strings, public git/http/https URIs, a 40-hex commit, a nix-base32
//! SHA-256, known build system and license, keyword/value arguments,
//! placeholder texts) plus Guix's naming rules and `guix lint`-style advice
//! as warnings.  Every problem names the field, points at its span, says
//! what was expected and how to fix it.  Inputs are resolved against the
//! package index ([`crate::resolve`]).

use serde::Serialize;

use potluck_sandbox::diagnostic::{quote, Diagnostic, Kind};
use potluck_sandbox::dish::{Datum, Dish, Spanned, SpecList};
use crate::index::Index;
use crate::nix;
use crate::resolve::{self, Resolved};
use crate::uri::{check_public_uri, Policy};

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

struct Cx<'a> {
    dish: &'a Dish,
    source: &'a str,
    out: Vec<Diagnostic>,
    /// Unknown input names suggestions were computed for.
    suggested: usize,
}

impl Cx<'_> {
    fn error<T>(&mut self, field: &str, at: &Spanned<T>, message: String, help: impl Into<String>) {
        let d = Diagnostic::error(Kind::Validation, format!("field `{field}`: {message}"))
            .in_file(&self.dish.file)
            .at(self.source, at.span.start, at.span.end)
            .with_help(help);
        self.out.push(d);
    }

    fn warn<T>(&mut self, field: &str, at: &Spanned<T>, message: String, help: impl Into<String>) {
        let d = Diagnostic::warning(Kind::Lint, format!("field `{field}`: {message}"))
            .in_file(&self.dish.file)
            .at(self.source, at.span.start, at.span.end)
            .with_help(help);
        self.out.push(d);
    }
}

/// Validate every field of `dish` and resolve its inputs.
pub fn validate(dish: &Dish, source: &str, index: &Index, policy: Policy) -> Validation {
    let mut cx = Cx {
        dish,
        source,
        out: Vec::new(),
        suggested: 0,
    };
    check_name(&mut cx);
    check_version(&mut cx);
    let src = &dish.source;
    if let Err(why) = check_public_uri(&src.git_uri.value, &["git", "http", "https"], policy) {
        cx.error(
            "git-uri",
            &src.git_uri,
            why,
            "use the public URL others clone from, e.g. \"https://example.org/project.git\"",
        );
    }
    check_commit(&mut cx);
    check_sha256(&mut cx);
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
    check_known(
        &mut cx,
        "build-system",
        &dish.build_system,
        index.build_systems.iter().map(|b| b.symbol.as_str()),
    );
    check_known(
        &mut cx,
        "license",
        &dish.license,
        index.licenses.iter().map(|l| l.variable.as_str()),
    );
    check_arguments(&mut cx);
    check_printable(&mut cx, "arguments", &dish.arguments);
    if let Some(snippet) = &dish.source.snippet {
        check_printable(&mut cx, "snippet", snippet);
    }
    if let Err(why) = check_public_uri(&dish.home_page.value, &["http", "https"], policy) {
        cx.error(
            "home-page",
            &dish.home_page,
            why,
            "give the project's web page, e.g. \"https://example.org/hello\"",
        );
    }
    check_synopsis(&mut cx);
    check_description(&mut cx);
    let resolved = ResolvedInputs {
        inputs: resolve_list(&mut cx, "inputs", &dish.inputs, index),
        native_inputs: resolve_list(&mut cx, "native-inputs", &dish.native_inputs, index),
        propagated_inputs: resolve_list(
            &mut cx,
            "propagated-inputs",
            &dish.propagated_inputs,
            index,
        ),
    };
    Validation {
        diagnostics: cx.out,
        resolved,
    }
}

fn check_single_line<T>(cx: &mut Cx, field: &str, at: &Spanned<T>, s: &str) -> bool {
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
    if !check_single_line(cx, "name", name, v) {
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

fn check_known<'a>(
    cx: &mut Cx,
    field: &str,
    at: &Spanned<String>,
    known: impl Iterator<Item = &'a str> + Clone,
) {
    if known.clone().any(|k| k == at.value) {
        return;
    }
    let names: Vec<String> = known.map(str::to_string).collect();
    let close = potluck_contract::distance::closest(&at.value, &names);
    let file = if field == "license" {
        "licenses.tsv"
    } else {
        "build-systems.tsv"
    };
    let help = match close {
        Some(c) => format!(
            "did you mean '{c}? (all {} names are in the package index's {file})",
            names.len()
        ),
        None => format!(
            "use one of the {} names in the package index's {file}, e.g. '{}",
            names.len(),
            names[0]
        ),
    };
    cx.error(
        field,
        at,
        format!("`{}` is not a known {}", quote(&at.value), field.replace('-', " ")),
        help,
    );
}

fn check_arguments(cx: &mut Cx) {
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
    }
}

/// `arguments` and `snippet` must be data a channel module can hold
/// ([`crate::emit::datum`]): `check` refuses what `emit` could not write.
fn check_printable(cx: &mut Cx, field: &str, d: &Spanned<Datum>) {
    if let Err(e) = crate::emit::datum(&d.value) {
        cx.error(
            field,
            d,
            e.to_string(),
            "package arguments are plain data: strings, symbols, keywords, booleans, 64-bit integers, decimals and lists of them",
        );
    }
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

fn check_synopsis(cx: &mut Cx) {
    let s = &cx.dish.synopsis;
    let v = s.value.trim();
    if v.is_empty() {
        cx.error(
            "synopsis",
            s,
            "must not be empty".into(),
            "describe the package in a few words",
        );
        return;
    }
    if v == PLACEHOLDER_SYNOPSIS {
        cx.error(
            "synopsis",
            s,
            "is still the placeholder from `potluck-wasm init`".into(),
            "replace it with a short description of the package",
        );
        return;
    }
    if !check_single_line(cx, "synopsis", s, &s.value) {
        return;
    }
    if !v.chars().next().is_some_and(char::is_alphanumeric) {
        cx.error(
            "synopsis",
            s,
            "must start with a letter or a digit".into(),
            "a synopsis is a short plain-text phrase such as \"Command-line JSON processor\"",
        );
        return;
    }
    let lower = v.to_lowercase();
    if ["a ", "an ", "the "].iter().any(|a| lower.starts_with(a)) {
        cx.warn(
            "synopsis",
            s,
            "starts with an article".into(),
            "drop the leading article (guix lint: synopsis-start-article)",
        );
    }
    if v.ends_with('.') && !v.ends_with("etc.") {
        cx.warn(
            "synopsis",
            s,
            "ends with a period".into(),
            "drop the final period (guix lint: synopsis-final-period)",
        );
    }
    if v.chars().count() > 80 {
        cx.warn(
            "synopsis",
            s,
            format!("is {} characters long", v.chars().count()),
            "keep the synopsis under 80 characters",
        );
    }
    if v.chars().next().is_some_and(char::is_lowercase) {
        cx.warn(
            "synopsis",
            s,
            "starts with a lowercase letter".into(),
            "start the synopsis with an uppercase letter",
        );
    }
    if lower == cx.dish.name.value.to_lowercase() {
        cx.warn(
            "synopsis",
            s,
            "is just the package name".into(),
            "say what the package does",
        );
    }
}

fn check_description(cx: &mut Cx) {
    let d = &cx.dish.description;
    let v = d.value.trim();
    if v.is_empty() {
        cx.error(
            "description",
            d,
            "must not be empty".into(),
            "describe the package in full sentences",
        );
        return;
    }
    if v.ends_with("...") || v == PLACEHOLDER_DESCRIPTION {
        cx.error(
            "description",
            d,
            "ends with \"...\", like the placeholder from `potluck-wasm init`".into(),
            "replace it with a description of the package in full sentences",
        );
        return;
    }
    if let Some(c) = d.value.chars().find(|c| c.is_control() && *c != '\n') {
        cx.error(
            "description",
            d,
            format!("contains the control character U+{:04X}", c as u32),
            "use plain text",
        );
        return;
    }
    // Starting with the package's own name ("jq is like sed...") is fine.
    if v.chars().next().is_some_and(char::is_lowercase)
        && !v.starts_with(cx.dish.name.value.as_str())
    {
        cx.warn(
            "description",
            d,
            "does not start with a capital letter".into(),
            "start the description with a capital letter",
        );
    }
    if !v.ends_with(['.', '!', '?', ')']) {
        cx.warn(
            "description",
            d,
            "does not end with a period".into(),
            "write the description in full sentences",
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

/// Unknown names past this many per dish get no suggestions (each
/// suggestion scans the whole index).
const MAX_SUGGESTED: usize = 8;

fn resolve_list(cx: &mut Cx, field: &str, list: &SpecList, index: &Index) -> Vec<Resolved> {
    let mut out = Vec::new();
    if list.items.len() > potluck_contract::limits::MAX_SPECS {
        let d = Diagnostic::error(
            Kind::Limit,
            format!(
                "field `{field}`: {} inputs, more than the {} allowed",
                list.items.len(),
                potluck_contract::limits::MAX_SPECS
            ),
        )
        .in_file(&cx.dish.file)
        .at(cx.source, list.span.start, list.span.end);
        cx.out.push(d);
        return out;
    }
    let mut seen = std::collections::HashSet::new();
    for item in &list.items {
        if !seen.insert(item.value.as_str()) {
            cx.warn(
                field,
                item,
                format!("\"{}\" is listed twice", quote(&item.value)),
                "remove the duplicate",
            );
            continue;
        }
        let suggest = cx.suggested < MAX_SUGGESTED;
        match resolve::resolve_with(index, &item.value, suggest) {
            Ok(r) => {
                if let Some(w) = &r.warning {
                    cx.warn(
                        field,
                        item,
                        w.clone(),
                        "prefer a current package if one exists",
                    );
                }
                out.push(r);
            }
            Err(e) => {
                if matches!(e, resolve::ResolveError::UnknownName { .. }) {
                    cx.suggested += 1;
                }
                let d = Diagnostic::error(Kind::Resolution, format!("field `{field}`: {e}"))
                    .in_file(&cx.dish.file)
                    .at(cx.source, item.span.start, item.span.end)
                    .with_help(e.help());
                cx.out.push(d);
            }
        }
    }
    out
}

