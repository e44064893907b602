//! Validation of a dish's fields: every rule of the 2017 potluck (non-empty
//! strings, public git/http/https URIs, a 40-hex commit, a nix-base32
//! SHA-256, known build system and license, keyword/value arguments,
//! placeholder texts) plus Guix's naming rules and `guix lint`-style advice
//! as warnings.  Every problem names the field, points at its span, says
//! what was expected and how to fix it.  Inputs are resolved against the
//! package index ([`crate::resolve`]).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;
use url::{Host, Url};

use crate::diagnostic::{Diagnostic, Kind};
use crate::dish::{Datum, Dish, Spanned, SpecList};
use crate::index::Index;
use crate::nix;
use crate::resolve::{self, Resolved};

/// The `init` placeholders that must be replaced before a dish is accepted.
pub const PLACEHOLDER_SYNOPSIS: &str = "Declarative synopsis here";
pub const PLACEHOLDER_DESCRIPTION: &str = "Declarative description here...";

/// Policy knobs of validation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Accept loopback hosts in URIs.  For tests only: a shared host must
    /// never fetch from its own machine.
    pub allow_loopback: bool,
}

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
        .find(|c| c.is_control() || *c == '\u{2028}' || *c == '\u{2029}')
    {
        cx.error(
            field,
            at,
            format!("contains the control character U+{:04X}", c as u32),
            "keep this field on one line of printable text",
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
            format!("`{v}` is not a Guix package name"),
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
    } else if v.chars().any(char::is_whitespace) {
        cx.error(
            "version",
            version,
            format!("`{v}` contains white space"),
            "write the version without spaces, e.g. \"1.0.0\"",
        );
    } else {
        check_single_line(cx, "version", version, v);
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
                crate::diagnostic::truncate(v, 60)
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
    let close = potluck_guest::eval::closest(&at.value, names.iter().cloned());
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
        format!("`{}` is not a known {}", at.value, field.replace('-', " ")),
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

/// Every symbol and keyword in `d` must be one the emitted module can
/// spell (see `emit::valid_symbol`): `check` refuses what `emit` could not write.
fn check_printable(cx: &mut Cx, field: &str, d: &Spanned<Datum>) {
    fn first_bad(d: &Datum) -> Option<String> {
        match d {
            Datum::Symbol(s) if !crate::emit::valid_symbol(s) => Some(format!("the symbol `{s}`")),
            Datum::Keyword(k) if !crate::emit::valid_symbol(k) => {
                Some(format!("the keyword `#:{k}`"))
            }
            Datum::List(items, tail) => items.iter().chain(tail.as_deref()).find_map(first_bad),
            Datum::Vector(items) => items.iter().find_map(first_bad),
            _ => None,
        }
    }
    if let Some(what) = first_bad(&d.value) {
        cx.error(
            field,
            d,
            format!("{what} cannot be written in a Guile module (Guile would read it as something else)"),
            "use plain names: letters, digits and `-`, not starting like a number",
        );
    }
}

fn describe(d: &Datum) -> String {
    match d {
        Datum::Symbol(s) => format!("the symbol `{s}`"),
        Datum::Keyword(k) => format!("#:{k}"),
        Datum::String(s) => format!("the string \"{}\"", crate::diagnostic::truncate(s, 40)),
        Datum::List(..) | Datum::Null => "a list".into(),
        Datum::Integer(i) => format!("the number {i}"),
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
    if list.items.len() > potluck_guest::dish::MAX_SPECS {
        let d = Diagnostic::error(
            Kind::Limit,
            format!(
                "field `{field}`: {} inputs, more than the {} allowed",
                list.items.len(),
                potluck_guest::dish::MAX_SPECS
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
                format!("\"{}\" is listed twice", item.value),
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

/// Check that `uri` is a public URI with one of `schemes`: no user
/// information, no fragment, a host that is a public DNS name or a global
/// IP address (every spelling of loopback, private, link-local, unique-local
/// and other special-purpose addresses is refused).  Returns the parsed URL.
pub fn check_public_uri(uri: &str, schemes: &[&str], policy: Policy) -> Result<Url, String> {
    let url = Url::parse(uri).map_err(|e| {
        format!(
            "`{}` is not a valid URI ({e})",
            crate::diagnostic::truncate(uri, 80)
        )
    })?;
    if !schemes.contains(&url.scheme()) {
        return Err(format!(
            "the scheme `{}:` is not allowed; use {}",
            url.scheme(),
            schemes
                .iter()
                .map(|s| format!("`{s}:`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a `#fragment`".into());
    }
    let host = url.host().ok_or_else(|| "has no host".to_string())?;
    let ip = match host {
        Host::Ipv4(a) => Some(IpAddr::V4(a)),
        Host::Ipv6(a) => Some(IpAddr::V6(a)),
        Host::Domain(d) => {
            // Non-special schemes (git:) keep numeric hosts as text: read
            // them the way an HTTP client would.
            match Url::parse(&format!("http://{d}/"))
                .ok()
                .and_then(|u| u.host().map(|h| h.to_owned()))
            {
                Some(Host::Ipv4(a)) => Some(IpAddr::V4(a)),
                Some(Host::Ipv6(a)) => Some(IpAddr::V6(a)),
                _ => {
                    check_domain(d, policy)?;
                    None
                }
            }
        }
    };
    if let Some(ip) = ip {
        if !(is_global(ip) || (policy.allow_loopback && ip.is_loopback())) {
            return Err(format!("the host {ip} is not a public address"));
        }
    }
    Ok(url)
}

fn check_domain(d: &str, policy: Policy) -> Result<(), String> {
    let lower = d.trim_end_matches('.').to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        if policy.allow_loopback {
            return Ok(());
        }
        return Err(format!("the host `{d}` is this machine, not a public host"));
    }
    let local_suffix = [
        ".local",
        ".internal",
        ".lan",
        ".home.arpa",
        ".intranet",
        ".corp",
        ".localdomain",
    ];
    if local_suffix.iter().any(|s| lower.ends_with(s)) {
        return Err(format!(
            "the host `{d}` is a local-network name, not a public host"
        ));
    }
    if !lower.contains('.') {
        return Err(format!(
            "the host `{d}` is not a fully qualified public name"
        ));
    }
    Ok(())
}

fn is_global_v4(a: Ipv4Addr) -> bool {
    let o = a.octets();
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_private()
        || a.is_link_local()
        || a.is_broadcast()
        || a.is_documentation()
        || a.is_multicast()
        || o[0] == 0
        || o[0] >= 240
        || (o[0] == 100 && (o[1] & 0xc0) == 64)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        || (o[0] == 198 && (o[1] & 0xfe) == 18))
}

fn is_global_v6(a: Ipv6Addr) -> bool {
    if let Some(v4) = a.to_ipv4_mapped() {
        return is_global_v4(v4);
    }
    let s = a.segments();
    // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) embed a v4 address.
    if (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0]) || s[..6] == [0, 0, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return !a.is_unspecified() && !a.is_loopback() && is_global_v4(v4);
    }
    !(a.is_unspecified()
        || a.is_loopback()
        || a.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || (s[0] == 0x2001 && s[1] < 0x200)
        || s[0] == 0x2002
        || (s[0] == 0x0100 && s[1..4] == [0, 0, 0]))
}

/// Whether `ip` is a public (globally routable) address.
pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => is_global_v4(a),
        IpAddr::V6(a) => is_global_v6(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(u: &str) -> Result<Url, String> {
        check_public_uri(u, &["git", "http", "https"], Policy::default())
    }

    #[test]
    fn public_uris_are_accepted() {
        for u in [
            "https://github.com/jqlang/jq",
            "git://git.savannah.gnu.org/guile.git",
            "http://example.org:8080/x.git",
            "https://[2606:4700::1111]/x",
            "https://8.8.8.8/repo",
        ] {
            assert!(uri(u).is_ok(), "{u}: {:?}", uri(u));
        }
    }

    #[test]
    fn private_and_local_hosts_in_every_spelling_are_refused() {
        for u in [
            "http://localhost/x",
            "http://LOCALHOST./x",
            "http://foo.localhost/x",
            "http://127.0.0.1/x",
            "http://127.1/x",
            "http://0x7f.0.0.1/x",
            "http://0177.0.0.1/x",
            "http://2130706433/x",
            "git://2130706433/x",
            "git://0x7f000001/x",
            "http://0/x",
            "http://0.0.0.0/x",
            "http://10.1.2.3/x",
            "http://172.16.0.1/x",
            "http://192.168.1.1/x",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/x",
            "http://[::1]/x",
            "http://[::]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://[::ffff:10.0.0.1]/x",
            "http://[fe80::1]/x",
            "http://[fd00::1]/x",
            "http://[fc00::1]/x",
            "http://[64:ff9b::7f00:1]/x",
            "http://[2001:db8::1]/x",
            "http://printer.local/x",
            "http://intranet/x",
            "https://user:pw@github.com/x",
            "https://user@github.com/x",
            "https://github.com/x#frag",
            "ext::sh -c touch% /tmp/pwned",
            "file:///etc/passwd",
            "ssh://github.com/x",
            "ftp://ftp.gnu.org/gnu/",
            "/local/path",
            "",
        ] {
            assert!(uri(u).is_err(), "{u} was accepted");
        }
    }

    #[test]
    fn loopback_only_with_the_testing_policy() {
        let p = Policy {
            allow_loopback: true,
        };
        assert!(check_public_uri("git://127.0.0.1:9418/x", &["git"], p).is_ok());
        assert!(check_public_uri("http://localhost/x", &["http"], p).is_ok());
        assert!(check_public_uri("http://10.0.0.1/x", &["http"], p).is_err());
    }
}
