//! Inputs: every specification resolved as Guix's
//! `specification->package+output` would ([`crate::resolve`]), and the
//! advice of `guix lint`'s input checkers (`inputs-should-be-native`,
//! `inputs-should-not-be-input`, `inputs-should-be-minimal`) and of its
//! "ambiguous package specification" warning.

use potluck_sandbox::diagnostic::{quote, Diagnostic, Kind};
use potluck_sandbox::dish::StringList;

use super::{Cx, ResolvedInputs};
use crate::resolve::{self, Resolved};

/// Unknown input names past this many per dish get no suggestions (each
/// suggestion scans the whole index).
const MAX_SUGGESTED: usize = 8;

/// `inputs-should-be-native` (`guix/lint.scm`): build tools, matched on
/// `NAME` or `NAME:OUTPUT`.
const SHOULD_BE_NATIVE: &[&str] = &[
    "pkg-config",
    "autoconf",
    "automake",
    "bison",
    "cmake",
    "cmake-minimal",
    "dejagnu",
    "desktop-file-utils",
    "doxygen",
    "extra-cmake-modules",
    "flex",
    "gettext",
    "gettext-minimal",
    "glib:bin",
    "gobject-introspection",
    "googletest-source",
    "groff",
    "groff-minimal",
    "gtk-doc",
    "help2man",
    "intltool",
    "itstool",
    "kdoctools",
    "libtool",
    "m4",
    "qttools-5",
    "yasm",
    "nasm",
    "fasm",
    "scdoc",
    "swig",
    "qmake",
    "texinfo",
    "texlive-local-tree",
    "xorg-server-for-tests",
    "yelp-tools",
    "go-github-com-stretchr-testify",
    "go-github-com-onsi-ginkgo-v2",
    "go-gopkg-in-check-v1",
    "go-go-uber-org-mock",
    "pybind11",
    "python-cython",
    "python-docutils",
    "python-flit-scm",
    "python-hatch-docstring-description",
    "python-hatch-fancy-pypi-readme",
    "python-hatch-requirements-txt",
    "python-hatch-vcs",
    "python-hatchling",
    "python-hypothesis",
    "python-mock",
    "python-nose2",
    "python-pbr",
    "python-pdm-backend",
    "python-poetry-core",
    "python-pynose",
    "python-pypa-build",
    "python-pytest",
    "python-pytest-mock",
    "python-pytest-xdist",
    "python-setuptools-scm",
    "python-xdoctest",
];

/// `inputs-should-not-be-input`: what Guix provides otherwise, or what a
/// build does not need.
const NOT_AN_INPUT: &[&str] = &[
    "python-pip",
    "python-pre-commit",
    "tzdata",
    "nss-certs",
    "glibc-locales",
    "python-argparse",
    "python-wheel",
    "python-importlib-metadata",
    "python-nox",
    "python-tox",
    "python-codecov",
    "python-coverage",
    "python-black",
    "python-isort",
    "python-pycodestyle",
    "python-pep8",
    "python-check-manifest",
    "python-pyflakes",
    "python-flake8",
    "python-pylint",
    "python-mypy",
    "python-coveralls",
    "python-twine",
    "python-pytest-isort",
    "python-pytest-flake8",
    "python-pytest-cov",
    "python-pytest-black",
    "python-pytest-pep8",
    "python-pytest-mypy",
];

/// `inputs-should-be-minimal`.
const SHOULD_BE_MINIMAL: &[&str] = &["bash", "cmake", "gettext", "po4a"];

pub(super) fn check(cx: &mut Cx) -> ResolvedInputs {
    let mut suggested = 0;
    let dish = cx.dish;
    let resolved = ResolvedInputs {
        inputs: resolve_list(cx, "inputs", &dish.inputs, &mut suggested),
        native_inputs: resolve_list(cx, "native-inputs", &dish.native_inputs, &mut suggested),
        propagated_inputs: resolve_list(
            cx,
            "propagated-inputs",
            &dish.propagated_inputs,
            &mut suggested,
        ),
    };
    for (field, list, items) in [
        ("inputs", &resolved.inputs, &dish.inputs),
        (
            "native-inputs",
            &resolved.native_inputs,
            &dish.native_inputs,
        ),
        (
            "propagated-inputs",
            &resolved.propagated_inputs,
            &dish.propagated_inputs,
        ),
    ] {
        for r in list {
            let Some(at) = items.items.iter().find(|i| i.value == r.spec) else {
                continue;
            };
            let with_output = match &r.output {
                Some(o) => format!("{}:{o}", r.name),
                None => r.name.clone(),
            };
            if field != "native-inputs" && SHOULD_BE_NATIVE.contains(&with_output.as_str()) {
                cx.lint(
                    "inputs-should-be-native",
                    field,
                    at,
                    format!(
                        "\"{}\" is a build tool: it should probably be a native input",
                        quote(&r.spec)
                    ),
                    format!("move \"{}\" to (native-inputs '(...))", quote(&r.spec)),
                );
            }
            if NOT_AN_INPUT.contains(&r.name.as_str()) {
                cx.lint(
                    "inputs-should-not-be-input",
                    field,
                    at,
                    format!(
                        "\"{}\" should probably not be an input at all",
                        quote(&r.spec)
                    ),
                    "remove it: Guix provides it another way, or the build does not need it",
                );
            }
            if SHOULD_BE_MINIMAL.contains(&r.name.as_str()) {
                cx.lint(
                    "inputs-should-be-minimal",
                    field,
                    at,
                    format!(
                        "\"{}\" should probably be switched for its minimal variant",
                        quote(&r.spec)
                    ),
                    format!("use \"{}-minimal\"", r.name),
                );
            }
            if !r.ambiguous.is_empty() {
                cx.warn(
                    field,
                    at,
                    format!(
                        "ambiguous package specification \"{}\": Guix chooses {}@{} ({} {}) but also has {}",
                        quote(&r.spec),
                        r.name,
                        r.version,
                        r.module,
                        r.variable,
                        r.ambiguous.join(", ")
                    ),
                    "`guix build` warns the same; the others have the same name and version, so no specification tells them apart: if the one Guix chooses is not the one you mean, the dish cannot name it",
                );
            }
        }
    }
    resolved
}

fn resolve_list(
    cx: &mut Cx,
    field: &str,
    list: &StringList,
    suggested: &mut usize,
) -> Vec<Resolved> {
    let mut out = Vec::new();
    if list.items.len() > potluck_contract::limits::MAX_SPECS {
        let d = Diagnostic::error(
            Kind::Limit,
            format!(
                "field `{field}`: {} inputs, more than the {} allowed",
                list.items.len(),
                potluck_contract::limits::MAX_SPECS
            ),
        );
        let d = cx.placed(d, list.span.start, list.span.end);
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
        let suggest = *suggested < MAX_SUGGESTED;
        match resolve::resolve_with(cx.index, &item.value, suggest) {
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
                    *suggested += 1;
                }
                let d = Diagnostic::error(Kind::Resolution, format!("field `{field}`: {e}"));
                let d = cx
                    .placed(d, item.span.start, item.span.end)
                    .with_help(e.help());
                cx.out.push(d);
            }
        }
    }
    out
}
