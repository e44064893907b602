//! Guix habits in dishes.  A dish is written like a Guix package but is
//! data: what a Guix packager writes out of habit — `license:gpl3+`,
//! `gnu-build-system`, `(list glib)`, `(base32 "…")`, `(origin …)`,
//! `(package …)` — is an unbound variable in the sandbox.  The guest can
//! only say so; here, knowing Guix's names (the package index, its build
//! systems and licenses), the help says what the dish form is.

use potluck_sandbox::diagnostic::{Diagnostic, Kind};

use crate::index::Index;
use crate::validate::licenses::guix_names;

/// The habit a name shows, and the dish form to write instead.
pub fn dish_form(name: &str, index: &Index) -> Option<String> {
    if let Some(l) = name.strip_prefix("license:") {
        let l = match index.license(l) {
            Some(_) => l.to_string(),
            None => guix_names(l)
                .first()
                .map_or_else(|| l.to_string(), |s| s.to_string()),
        };
        return Some(format!(
            "a dish names its license with a quoted symbol: (license '{l}), not the (guix licenses) variable license:{l}"
        ));
    }
    if let Some(bs) = index.build_systems.iter().find(|b| b.variable == name) {
        return Some(format!(
            "a dish names its build system with a quoted symbol: (build-system '{}), not the variable {name}",
            bs.symbol
        ));
    }
    let form = match name {
        "base32" => "in a dish the hash is a plain string: (sha256 \"0abc…\") inside (potluck-source …), without (base32 …)",
        "origin" | "git-reference" | "git-fetch" | "url-fetch" | "method" | "uri" => {
            "a dish's source is (source (potluck-source (git-uri \"https://…\") (git-commit \"<40 hex digits>\") (sha256 \"<nix-base32>\"))), not an origin"
        }
        "package" | "define-public" => "a dish evaluates to one (potluck-package (name …) (version …) …), not a Guix package",
        "git-file-name" | "file-name" => "a dish has no file-name field: the channel module writes (file-name (git-file-name name version)) itself",
        "git-version" => "compute the version with string-append, e.g. (string-append \"1.0-\" \"1.\" (string-take commit 7)), or write it out: \"1.0-1.0123abc\"",
        "modify-phases" | "%standard-phases" | "invoke" | "add-after" | "add-before" | "replace"
        | "this-package-input" | "this-package-native-input" | "search-input-file"
        | "cc-for-target" | "gexp" | "ungexp" => {
            "arguments are data that Guix evaluates on the build side: quote them, e.g. (arguments '(#:phases (modify-phases %standard-phases (delete 'check))))"
        }
        "local-file" | "search-patches" | "search-patch" | "plain-file" => {
            "a dish cannot refer to files or patches: its source is the commit of its git-uri; use a (snippet '(…)) in potluck-source to change the checkout"
        }
        "inherit" | "package/inherit" | "specification->package" => {
            "a dish describes one package in full; inputs are strings such as \"guile@3.0\""
        }
        _ => "",
    };
    if !form.is_empty() {
        return Some(form.to_string());
    }
    if index.named(name).next().is_some() || index.packages().any(|p| p.variable == name) {
        return Some(format!(
            "`{name}` is a Guix package: in a dish, inputs are package specifications in a quoted list of strings, e.g. (inputs '(\"{name}\")), not (list {name})"
        ));
    }
    None
}

/// The name an "Unbound variable" diagnostic of the guest is about.
fn unbound_name(d: &Diagnostic) -> Option<&str> {
    if d.kind != Kind::UnboundVariable {
        return None;
    }
    d.message.strip_prefix("Unbound variable: ")
}

/// The guest's help for a license written as a string, `(license "MIT")`,
/// names the same text as a symbol; here it becomes the Guix license the
/// text names, when it is an SPDX identifier or a common name of one.
const LICENSE_STRING_HELP: &str = "name it with a quoted symbol: (license '";

/// Replace the help of every unbound-variable diagnostic that shows a
/// Guix habit with the dish form, and of a license written as a string
/// with the Guix license it names.
pub fn explain(diagnostics: &mut [Diagnostic], index: &Index) {
    for d in diagnostics {
        if let Some(name) = unbound_name(d) {
            if let Some(help) = dish_form(name, index) {
                d.help = Some(help);
            }
            continue;
        }
        let written = d
            .help
            .as_deref()
            .filter(|_| d.kind == Kind::InvalidDish)
            .and_then(|h| h.strip_prefix(LICENSE_STRING_HELP))
            .and_then(|h| h.strip_suffix(')'));
        if let Some(written) = written {
            if index.license(written).is_none() {
                if let Some(guix) = guix_names(written).first() {
                    d.help = Some(format!(
                        "name it with a quoted symbol, as Guix calls it: (license '{guix}) for {written}"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_habit_gets_its_dish_form() {
        let index = Index::builtin();
        for (name, want) in [
            ("license:gpl3+", "(license 'gpl3+)"),
            ("license:mit", "(license 'expat)"),
            ("gnu-build-system", "(build-system 'gnu)"),
            ("pyproject-build-system", "(build-system 'pyproject)"),
            ("base32", "(sha256 \"0abc…\")"),
            ("origin", "potluck-source"),
            ("package", "potluck-package"),
            ("glib", "(inputs '(\"glib\"))"),
            ("modify-phases", "quote them"),
        ] {
            let got = dish_form(name, &index).unwrap_or_default();
            assert!(got.contains(want), "{name}: {got}");
        }
        assert_eq!(dish_form("no-such-thing-at-all", &index), None);
    }
}
