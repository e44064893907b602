//! Emission: a validated, resolved dish becomes a Guile module of the
//! channel, `(gnu packages potluck REPO BRANCH STEM)`.
//!
//! Nothing a dish author writes can become code: one printer writes every
//! string (escaped: quotes, backslashes, and every control or line-separator
//! character), symbol (checked against a strict grammar) and keyword, and
//! the module's shape is fixed here.  The same dish and index always give
//! the same bytes.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::dish::{Datum, Dish};
use crate::index::Index;
use crate::resolve::Resolved;
use crate::validate::ResolvedInputs;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EmitError {
    #[error("`{0}` cannot be written as a Guile symbol")]
    BadSymbol(String),
    #[error("unknown build system `{0}`")]
    UnknownBuildSystem(String),
    #[error("unknown license `{0}`")]
    UnknownLicense(String),
}

/// Where a dish's module goes: its name parts and its file path relative to
/// the channel root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModulePath {
    /// `["gnu", "packages", "potluck", REPO, BRANCH, STEM]`.
    pub name: Vec<String>,
    /// `gnu/packages/potluck/REPO/BRANCH/STEM.scm`.
    pub file: String,
}

/// Turn arbitrary text into a readable symbol segment: lowercase ASCII
/// letters, digits, `.` and `-` are kept, every other run of characters
/// becomes one `-`, leading and trailing `-`/`.` are dropped.  When that lost
/// information (anything was changed, or nothing is left), `-` and the first
/// 8 hex digits of the text's SHA-256 are appended, so two different texts
/// never map to the same segment.
pub fn segment(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    let trimmed = out
        .trim_matches(|c| c == '-' || c == '.')
        .replace("..", ".");
    if trimmed == text && valid_symbol(&trimmed) {
        return trimmed;
    }
    // What Guile would read as a number (a branch `2.0`) gets a prefix.
    let trimmed = if trimmed.is_empty() || valid_symbol(&trimmed) {
        trimmed
    } else {
        format!("x-{trimmed}")
    };
    let hash = hex::encode(&Sha256::digest(text.as_bytes())[..4]);
    if trimmed.is_empty() {
        format!("x-{hash}")
    } else {
        format!("{trimmed}-{hash}")
    }
}

/// The module of dish `stem` from `repo` (a git URL) at `branch`.  The repo
/// segment is the URL's host and path (lowercased first, so case alone never
/// adds a hash); the branch and stem are taken as they are.
pub fn module_path(repo: &str, branch: &str, stem: &str) -> ModulePath {
    let without_scheme = repo.split_once("://").map_or(repo, |(_, rest)| rest);
    let trimmed = without_scheme.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let lowered = trimmed.to_lowercase();
    // Lowercasing loses information too: hash when the URL had capitals.
    let repo_seg = if lowered == trimmed {
        segment(&lowered)
    } else {
        let s = segment(&lowered);
        let hash = hex::encode(&Sha256::digest(repo.as_bytes())[..4]);
        format!("{s}-{hash}")
    };
    let name = vec![
        "gnu".to_string(),
        "packages".to_string(),
        "potluck".to_string(),
        repo_seg,
        segment(branch),
        segment(stem),
    ];
    let file = format!("{}.scm", name.join("/"));
    ModulePath { name, file }
}

/// Symbols the printer accepts: what Guile reads back as the same symbol,
/// with no character that could start other syntax.
pub fn valid_symbol(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Letters and digits of any script, and Scheme's symbol punctuation:
    // no white space, control, format (bidi) or delimiter character.
    let allowed = |c: char| c.is_alphanumeric() || "!$%&*/:<=>?^_~+-.".contains(c);
    if !s.chars().all(allowed) {
        return false;
    }
    // `.` alone is list syntax; only `...` may start with a dot.
    if first == '.' && s != "..." {
        return false;
    }
    if first == '+' || first == '-' {
        // `+1`, `-.5` are numbers; `+i`, `-inf.0i` are complex numbers.
        if s[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
            || (s.len() > 1 && s.ends_with('i'))
        {
            return false;
        }
    }
    if first.is_ascii_digit() {
        // Guile reads `0ad` or `1+` as symbols, but `1e3`, `1/2`, `1f0`,
        // `12#` or `3+4i` as numbers: accept digits only when followed by a
        // letter that no number syntax uses.
        let name_letter = s
            .chars()
            .any(|c| c.is_alphabetic() && !"eEsSfFdDlLiI".contains(c));
        if !(name_letter || s == "1+" || s == "1-") || s.contains('/') {
            return false;
        }
    }
    potluck_guest::num::parse_number(s, 10).is_none()
}

/// The one printer of emitted modules.
#[derive(Default)]
pub struct Printer {
    pub out: String,
}

impl Printer {
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\t' => self.out.push_str("\\t"),
                '\r' => self.out.push_str("\\r"),
                c if (c as u32) < 0x20 || c == '\u{7f}' => {
                    let _ = write!(self.out, "\\x{:02x}", c as u32);
                }
                c if c.is_control() || hazard(c) => {
                    // Guile's \u takes exactly four hex digits.
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    pub fn symbol(&mut self, s: &str) -> Result<(), EmitError> {
        if !valid_symbol(s) {
            return Err(EmitError::BadSymbol(s.to_string()));
        }
        self.out.push_str(s);
        Ok(())
    }

    pub fn keyword(&mut self, k: &str) -> Result<(), EmitError> {
        if !valid_symbol(k) {
            return Err(EmitError::BadSymbol(format!("#:{k}")));
        }
        self.out.push_str("#:");
        self.out.push_str(k);
        Ok(())
    }

    pub fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Plain data, as it appears inside a quote.
    pub fn datum(&mut self, d: &Datum) -> Result<(), EmitError> {
        match d {
            Datum::Null => self.raw("()"),
            Datum::Bool(true) => self.raw("#t"),
            Datum::Bool(false) => self.raw("#f"),
            Datum::Integer(i) | Datum::Rational(i) => {
                // Re-check: digits, an optional sign and one `/`.
                if potluck_guest::num::parse_number(i, 10).is_none() {
                    return Err(EmitError::BadSymbol(i.clone()));
                }
                self.raw(i)
            }
            Datum::Real(f) => self.raw(&potluck_guest::num::float_to_string(*f)),
            Datum::Char(c) => {
                if c.is_ascii_graphic() {
                    let _ = write!(self.out, "#\\{c}");
                } else {
                    let _ = write!(self.out, "#\\x{:x}", *c as u32);
                }
            }
            Datum::String(s) => self.string(s),
            Datum::Symbol(s) => self.symbol(s)?,
            Datum::Keyword(k) => self.keyword(k)?,
            Datum::Unspecified => self.raw("*unspecified*"),
            Datum::List(items, tail) => {
                self.raw("(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(" ");
                    }
                    self.datum(item)?;
                }
                if let Some(t) = tail {
                    self.raw(" . ");
                    self.datum(t)?;
                }
                self.raw(")");
            }
            Datum::Vector(items) => {
                self.raw("#(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(" ");
                    }
                    self.datum(item)?;
                }
                self.raw(")");
            }
        }
        Ok(())
    }
}

/// Characters that must never appear raw in a module: line and paragraph
/// separators, the byte-order mark and the bidi controls ("trojan source").
fn hazard(c: char) -> bool {
    matches!(
        c,
        '\u{2028}'
            | '\u{2029}'
            | '\u{85}'
            | '\u{feff}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Leading comment lines of a dish (its copyright notices), sanitised:
/// only `;` lines before the first datum, control and bidi characters dropped, at
/// most 50 lines of 200 characters.
pub fn header_comments(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        let t = line.trim_start();
        if t.is_empty() {
            continue;
        }
        if !t.starts_with(';') {
            break;
        }
        if t.starts_with(";; expect:") {
            continue;
        }
        let clean: String = t
            .chars()
            .filter(|c| !c.is_control() && !hazard(*c))
            .take(200)
            .collect();
        out.push(clean);
        if out.len() == 50 {
            break;
        }
    }
    out
}

fn input_list(p: &mut Printer, field: &str, list: &[Resolved]) -> Result<(), EmitError> {
    if list.is_empty() {
        return Ok(());
    }
    p.raw(&format!("\n    ({field} (list"));
    for r in list {
        p.raw(" ");
        match &r.output {
            Some(o) => {
                p.raw("(list ");
                p.symbol(&r.variable)?;
                p.raw(" ");
                p.string(o);
                p.raw(")");
            }
            None => p.symbol(&r.variable)?,
        }
    }
    p.raw("))");
    Ok(())
}

/// The text of the module for `dish`.
pub fn emit_module(
    dish: &Dish,
    inputs: &ResolvedInputs,
    index: &Index,
    module: &ModulePath,
    comments: &[String],
) -> Result<String, EmitError> {
    let bs = index
        .build_system(&dish.build_system.value)
        .ok_or_else(|| EmitError::UnknownBuildSystem(dish.build_system.value.clone()))?;
    let license = index
        .license(&dish.license.value)
        .ok_or_else(|| EmitError::UnknownLicense(dish.license.value.clone()))?;
    let mut p = Printer::default();
    p.raw(";;; This file was generated by potluck-wasm from a dish; do not edit.\n");
    for c in comments {
        p.raw(c);
        p.raw("\n");
    }
    p.raw("\n(define-module (");
    for (i, part) in module.name.iter().enumerate() {
        if i > 0 {
            p.raw(" ");
        }
        p.symbol(part)?;
    }
    p.raw(")\n  #:use-module (guix packages)\n  #:use-module (guix git-download)\n  #:use-module ");
    let bs_module =
        module_form(&bs.module).ok_or_else(|| EmitError::BadSymbol(bs.module.clone()))?;
    p.raw("(");
    for (i, part) in bs_module.iter().enumerate() {
        if i > 0 {
            p.raw(" ");
        }
        p.symbol(part)?;
    }
    p.raw(")\n  #:use-module ((guix licenses) #:prefix license:)");
    // One #:select per package module, sorted and deduplicated.
    let mut by_module: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for r in inputs
        .inputs
        .iter()
        .chain(&inputs.native_inputs)
        .chain(&inputs.propagated_inputs)
    {
        by_module.entry(&r.module).or_default().insert(&r.variable);
    }
    for (m, vars) in &by_module {
        let parts = module_form(m).ok_or_else(|| EmitError::BadSymbol(m.to_string()))?;
        p.raw("\n  #:use-module ((");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                p.raw(" ");
            }
            p.symbol(part)?;
        }
        p.raw(") #:select (");
        for (i, v) in vars.iter().enumerate() {
            if i > 0 {
                p.raw(" ");
            }
            p.symbol(v)?;
        }
        p.raw("))");
    }
    p.raw(")\n\n(define-public ");
    let var = format!("potluck-{}", dish.name.value);
    p.symbol(&var)?;
    p.raw("\n  (package\n    (name ");
    p.string(&dish.name.value);
    p.raw(")\n    (version ");
    p.string(&dish.version.value);
    p.raw(")\n    (source\n     (origin\n       (method git-fetch)\n       (uri (git-reference\n             (url ");
    p.string(&dish.source.git_uri.value);
    p.raw(")\n             (commit ");
    p.string(&dish.source.git_commit.value);
    p.raw(")))\n       (file-name (git-file-name name version))\n       (sha256 (base32 ");
    p.string(&dish.source.sha256.value);
    p.raw("))");
    if let Some(snippet) = &dish.source.snippet {
        p.raw("\n       (snippet '");
        p.datum(&snippet.value)?;
        p.raw(")");
    }
    p.raw("))\n    (build-system ");
    p.symbol(&bs.variable)?;
    p.raw(")");
    if !matches!(dish.arguments.value, Datum::Null) {
        p.raw("\n    (arguments '");
        p.datum(&dish.arguments.value)?;
        p.raw(")");
    }
    input_list(&mut p, "inputs", &inputs.inputs)?;
    input_list(&mut p, "native-inputs", &inputs.native_inputs)?;
    input_list(&mut p, "propagated-inputs", &inputs.propagated_inputs)?;
    p.raw("\n    (home-page ");
    p.string(&dish.home_page.value);
    p.raw(")\n    (synopsis ");
    p.string(&dish.synopsis.value);
    p.raw(")\n    (description ");
    p.string(&dish.description.value);
    p.raw(")\n    (license ");
    p.symbol(&format!("license:{}", license.variable))?;
    p.raw(")))\n");
    Ok(p.out)
}

/// `(gnu packages guile)` → `["gnu", "packages", "guile"]`, each a valid symbol.
fn module_form(m: &str) -> Option<Vec<&str>> {
    let inner = m.strip_prefix('(')?.strip_suffix(')')?;
    let parts: Vec<&str> = inner.split(' ').collect();
    parts.iter().all(|p| valid_symbol(p)).then_some(parts)
}

/// The `.guix-channel` file of the channel root.
pub fn guix_channel() -> &'static str {
    "(channel\n  (version 0)\n  (directory \".\"))\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_readable_and_collision_free() {
        assert_eq!(segment("main"), "main");
        assert_eq!(segment("wip-potluck"), "wip-potluck");
        let a = segment("feature/x");
        let b = segment("feature-x");
        assert_ne!(a, b, "a lossy mapping gets a hash");
        assert!(a.starts_with("feature-x-"));
        assert_eq!(b, "feature-x");
        assert!(segment("").starts_with("x-"));
        assert!(segment("..").starts_with("x-"));
        assert!(valid_symbol(&segment("Ünïcode/ブランチ")));
        assert!(segment("2.0").starts_with("x-2.0-"), "{}", segment("2.0"));
        assert_eq!(segment("0ad"), "0ad");
    }

    #[test]
    fn module_paths_from_urls() {
        let m = module_path("https://github.com/jqlang/jq.git", "master", "jq");
        assert!(m.name[3].starts_with("github.com-jqlang-jq-"), "{m:?}");
        assert_eq!(
            m.file,
            format!("gnu/packages/potluck/{}/master/jq.scm", m.name[3])
        );
        // Different repos never collide, even when they look alike.
        let x = module_path("https://github.com/a/b-c", "main", "p");
        let y = module_path("https://github.com/a-b/c", "main", "p");
        let z = module_path("https://GitHub.com/a/b-c", "main", "p");
        assert_ne!(x.name, y.name);
        assert_ne!(x.name, z.name);
        for m in [&x, &y, &z] {
            assert!(m.name.iter().all(|s| valid_symbol(s)), "{m:?}");
        }
    }

    fn read_back(text: &str) -> Vec<potluck_guest::reader::Syntax> {
        potluck_guest::reader::read_all(text).expect("emitted text reads back")
    }

    proptest::proptest! {
        #[test]
        fn any_string_reads_back_as_itself(s in "\\PC*|[\"\\\\\n\r\t\u{0}-\u{1f}\u{7f}-\u{9f}\u{2028}\u{2029}#;()|a-z]{0,40}") {
            let mut p = Printer::default();
            p.string(&s);
            let data = read_back(&p.out);
            proptest::prop_assert_eq!(data.len(), 1);
            let v = data[0].to_datum(10).unwrap();
            proptest::prop_assert_eq!(potluck_guest::printer::display_string(&v), s);
            // One line, whatever the string held.
            let one_line = !p.out.contains('\n') && !p.out.contains('\u{2028}');
            proptest::prop_assert!(one_line, "the string spans lines");
        }

        #[test]
        fn symbols_that_pass_the_check_read_back_as_one_symbol(s in "[a-z%+*/<=>!?:$&^_~.-][a-z0-9%+*/<=>!?:$&^_~.-]{0,12}") {
            if valid_symbol(&s) {
                let data = read_back(&s);
                proptest::prop_assert_eq!(data.len(), 1);
                proptest::prop_assert_eq!(data[0].ident().map(|i| i.sym.name().to_string()), Some(s));
            }
        }
    }

    #[test]
    fn strings_are_escaped_and_symbols_checked() {
        let mut p = Printer::default();
        p.string("a\"b\\c\nd\u{2028}e\u{0}f\u{7f}");
        assert_eq!(p.out, r#""a\"b\\c\nd\u2028e\x00f\x7f""#);
        for bad in [
            "",
            "1e3",
            "12",
            "+i",
            "-i",
            "+inf.0i",
            "-nan.0i",
            "#foo",
            "a b",
            "a(b",
            "a\"b",
            "a;b",
            "'a",
            "`a",
            ",a",
            ".",
            "..",
            "+1",
            "-.5",
            "a|b",
            "@x",
            "a\u{2028}",
        ] {
            assert!(!valid_symbol(bad), "{bad:?}");
        }
        for good in [
            "0ad",
            "1+",
            "1-",
            "389-ds-base",
            "guile-3.0",
            "%pkg-config",
            "license:gpl3+",
            "gcc-toolchain-14",
            "+",
            "-",
            "...",
            "->x",
            "python-3.11",
        ] {
            assert!(valid_symbol(good), "{good}");
        }
    }
}
