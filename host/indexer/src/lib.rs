//! Rebuilds the Guix package index from a Guix source checkout.
//!
//! [`index_checkout`] reads `gnu/packages/*.scm`, `guix/build-system/*.scm`
//! and `guix/licenses.scm` with a tolerant Guile [`reader`], scans each module
//! ([`module`]), evaluates the public definitions just enough to know each
//! package's name, version and status ([`eval`]), and returns the rows;
//! [`write_tsv`] writes them in the format of `data/guix-packages/`.  Nothing
//! is guessed: a definition that cannot be evaluated is skipped with a
//! warning, and a file that cannot be read is skipped with a warning.

pub mod eval;
pub mod module;
pub mod reader;
mod tsv;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::eval::{EvalError, Pkg, Source, Value, World};
use crate::module::{Module, PublicKind};
use crate::reader::{Datum, Form};

pub use tsv::{natural_cmp, write_tsv};

/// One row of `packages.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageRow {
    pub name: String,
    pub version: String,
    pub module: String,
    pub variable: String,
    pub line: u32,
    pub flags: Vec<String>,
}

/// One row of `build-systems.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSystemRow {
    pub symbol: String,
    pub module: String,
    pub variable: String,
}

/// One row of `licenses.tsv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenseRow {
    pub variable: String,
    pub name: String,
    pub uri: String,
}

/// Everything extracted from a checkout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexData {
    pub packages: Vec<PackageRow>,
    pub build_systems: Vec<BuildSystemRow>,
    pub licenses: Vec<LicenseRow>,
    /// Files or definitions skipped, and recoverable syntax oddities, each
    /// starting with `PATH:LINE: ` (PATH relative to the checkout).
    pub warnings: Vec<String>,
}

/// Why a checkout could not be indexed at all.
#[derive(Debug, Error)]
pub enum IndexError {
    #[error("{0} is not a Guix checkout: it has no gnu/packages directory")]
    NotACheckout(PathBuf),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the indexer crashed: {0}")]
    Internal(String),
}

/// Stack for the indexing thread: inheritance chains and procedure inlining
/// recurse, and deep Guix files are read recursively.
const STACK_BYTES: usize = 256 << 20;

/// Reads DIR/gnu/packages/*.scm, DIR/guix/build-system/*.scm and DIR/guix/licenses.scm.
pub fn index_checkout(dir: &Path) -> Result<IndexData, IndexError> {
    let dir = dir.to_path_buf();
    let handle = std::thread::Builder::new()
        .name("potluck-index".into())
        .stack_size(STACK_BYTES)
        .spawn(move || index_checkout_inner(&dir))
        .map_err(|e| IndexError::Internal(format!("cannot start the indexing thread: {e}")))?;
    match handle.join() {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(IndexError::Internal(message))
        }
    }
}

fn index_checkout_inner(dir: &Path) -> Result<IndexData, IndexError> {
    let packages_dir = dir.join("gnu").join("packages");
    if !packages_dir.is_dir() {
        return Err(IndexError::NotACheckout(dir.to_path_buf()));
    }
    let mut data = IndexData::default();

    // Packages.
    let mut modules = Vec::new();
    for (stem, path) in scm_files(&packages_dir)? {
        let rel = format!("gnu/packages/{stem}.scm");
        let Some(forms) = read_forms(&path, &rel, &mut data.warnings)? else {
            continue;
        };
        let name = format!("(gnu packages {stem})");
        modules.push(module::scan(&name, &rel, &forms, &mut data.warnings));
    }
    index_packages(&modules, &mut data);

    // Build systems.
    let bs_dir = dir.join("guix").join("build-system");
    if bs_dir.is_dir() {
        for (stem, path) in scm_files(&bs_dir)? {
            let rel = format!("guix/build-system/{stem}.scm");
            let Some(forms) = read_forms(&path, &rel, &mut data.warnings)? else {
                continue;
            };
            let name = format!("(guix build-system {stem})");
            let module = module::scan(&name, &rel, &forms, &mut data.warnings);
            index_build_systems(&module, &mut data);
        }
    } else {
        data.warnings
            .push("guix/build-system: no such directory; no build systems indexed".into());
    }

    // Licenses.
    let licenses = dir.join("guix").join("licenses.scm");
    if licenses.is_file() {
        let rel = "guix/licenses.scm";
        if let Some(forms) = read_forms(&licenses, rel, &mut data.warnings)? {
            let module = module::scan("(guix licenses)", rel, &forms, &mut data.warnings);
            for form in &forms {
                collect_licenses(&form.datum, &module, &mut data);
            }
        }
    } else {
        data.warnings
            .push("guix/licenses.scm: no such file; no licenses indexed".into());
    }
    Ok(data)
}

/// The `*.scm` files of `dir`, sorted by name, as (stem, path).
fn scm_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, IndexError> {
    let io = |source| IndexError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = file_name.strip_suffix(".scm") else {
            continue;
        };
        if stem.is_empty() || !path.is_file() {
            continue;
        }
        files.push((stem.to_string(), path));
    }
    files.sort();
    Ok(files)
}

/// Reads a file's forms; a file that cannot be read or parsed is a warning.
fn read_forms(
    path: &Path,
    rel: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Vec<Form>>, IndexError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(format!("{rel}: cannot read: {e}; skipped"));
            return Ok(None);
        }
    };
    match reader::read_bytes(&bytes) {
        Ok(out) => {
            warnings.extend(
                out.warnings
                    .into_iter()
                    .map(|w| format!("{rel}:{}", strip_line_prefix(&w))),
            );
            Ok(Some(out.forms))
        }
        Err(e) => {
            warnings.push(format!(
                "{rel}:{}; file skipped",
                strip_line_prefix(&e.to_string())
            ));
            Ok(None)
        }
    }
}

/// Turns the reader's `line N: msg` into `N: msg`.
fn strip_line_prefix(message: &str) -> String {
    message.strip_prefix("line ").unwrap_or(message).to_string()
}

/// Heads of expressions that are certainly not packages: skipped silently.
const NOT_PACKAGE_HEADS: &[&str] = &[
    "lambda",
    "lambda*",
    "case-lambda",
    "match-lambda",
    "match-lambda*",
    "origin",
    "list",
    "quote",
    "quasiquote",
    "gexp",
    "cons",
    "cons*",
    "append",
    "map",
    "filter",
    "plain-file",
    "local-file",
    "computed-file",
    "program-file",
    "scheme-file",
    "mixed-text-file",
    "search-patches",
    "search-patch",
    "search-path-specification",
    "git-reference",
    "make-parameter",
    "string-append",
    "delay",
    "vector",
    "alist->hash-table",
    "make-hash-table",
    "build-system",
    "license",
    "operating-system",
    "bootloader",
];

fn index_packages(modules: &[Module], data: &mut IndexData) {
    let world = World::new(modules);
    for (m, module) in modules.iter().enumerate() {
        for public in &module.publics {
            let warn = |data: &mut IndexData, e: &EvalError| {
                data.warnings.push(format!(
                    "{}:{}: `{}` skipped: {e}",
                    module.path, public.line, public.var
                ));
            };
            let mut row = RowFlags {
                exported: public.exported,
                ..RowFlags::default()
            };
            // Whether a failure may be silent: the value is certainly not a
            // package.
            let (result, maybe_not_package) = match &public.kind {
                PublicKind::Value { expr, deprecated } => {
                    row.deprecated = *deprecated;
                    if let Datum::Symbol(target) = expr {
                        row.alias = Some(target.clone());
                        (world.lookup_global(target, m), false)
                    } else {
                        let head = unwrap_lets(expr).head().unwrap_or("");
                        (world.eval_top(expr, m), NOT_PACKAGE_HEADS.contains(&head))
                    }
                }
                PublicKind::DeprecatedAlias { target } => {
                    row.deprecated = true;
                    row.deprecated_alias = Some(target.clone());
                    (world.lookup_global(target, m), false)
                }
            };
            match result {
                Ok(Value::Pkg(pkg, _)) => data.packages.push(PackageRow {
                    name: pkg.name.clone(),
                    version: pkg.version.clone(),
                    module: module.name.clone(),
                    variable: public.var.clone(),
                    line: public.line,
                    flags: row.flags(&pkg),
                }),
                Ok(_) => {}
                Err(e) => {
                    if !maybe_not_package {
                        warn(data, &e);
                    }
                }
            }
        }
    }
}

/// The body of `let`-family wrappers around an expression.
fn unwrap_lets(mut expr: &Datum) -> &Datum {
    while let (Some("let" | "let*" | "letrec" | "letrec*"), Some(items)) =
        (expr.head(), expr.as_list())
    {
        match (items.get(1), items.last()) {
            (Some(Datum::List { .. }), Some(last)) if items.len() >= 3 => expr = last,
            _ => break,
        }
    }
    expr
}

/// What the definition form adds to a row's flags.
#[derive(Default)]
struct RowFlags {
    exported: bool,
    deprecated: bool,
    alias: Option<String>,
    deprecated_alias: Option<String>,
}

impl RowFlags {
    /// The flags, in the order used by `data/guix-packages/packages.tsv`.
    fn flags(&self, pkg: &Pkg) -> Vec<String> {
        let mut flags = Vec::new();
        let is_alias = self.alias.is_some() || self.deprecated_alias.is_some();
        if pkg.hidden {
            flags.push("hidden".to_string());
        }
        let superseded = if self.deprecated_alias.is_some() {
            None
        } else {
            pkg.superseded.as_ref()
        };
        if self.deprecated || superseded.is_some() {
            flags.push("deprecated".into());
        }
        if let Some(s) = superseded {
            flags.push(format!("superseded-by={s}"));
        }
        if let Some(a) = &self.alias {
            flags.push(format!("alias={a}"));
        }
        if let Some(a) = &self.deprecated_alias {
            flags.push(format!("deprecated-alias={a}"));
        }
        if self.exported {
            flags.push("exported".into());
        }
        if !is_alias {
            if let Some(i) = &pkg.inherits {
                flags.push(format!("inherits={i}"));
            }
            for (field, source) in [("name", pkg.name_source), ("version", pkg.version_source)] {
                match source {
                    Source::Inherited => flags.push(format!("{field}-inherited")),
                    Source::Computed => flags.push(format!("{field}-computed")),
                    Source::Literal => {}
                }
            }
            if !pkg.via.is_empty() {
                flags.push(format!("via={}", pkg.via.join("+")));
            }
        }
        flags
    }
}

fn index_build_systems(module: &Module, data: &mut IndexData) {
    for public in &module.publics {
        let PublicKind::Value { expr, .. } = &public.kind else {
            continue;
        };
        let body = unwrap_lets(expr);
        if body.head() != Some("build-system") {
            continue;
        }
        let symbol = body.as_list().unwrap_or(&[])[1..].iter().find_map(|field| {
            let items = field.as_list()?;
            if field.head() != Some("name") {
                return None;
            }
            let quoted = items.get(1)?;
            match quoted.as_list()? {
                [Datum::Symbol(q), Datum::Symbol(s)] if q == "quote" => Some(s.clone()),
                _ => None,
            }
        });
        match symbol {
            Some(symbol) => data.build_systems.push(BuildSystemRow {
                symbol,
                module: module.name.clone(),
                variable: public.var.clone(),
            }),
            None => data.warnings.push(format!(
                "{}:{}: build system `{}` skipped: its name is not a quoted symbol",
                module.path, public.line, public.var
            )),
        }
    }
}

/// Finds `(define VAR (license "NAME" "URI" ...))`, looking inside wrappers.
fn collect_licenses(datum: &Datum, module: &Module, data: &mut IndexData) {
    let Some(items) = datum.as_list() else {
        return;
    };
    match datum.head() {
        Some("define") => {
            if let [_, Datum::Symbol(var), value] = items {
                if value.head() != Some("license") {
                    return;
                }
                if !module.exports.is_empty() && !module.exports.contains(var) {
                    return;
                }
                match value.as_list().unwrap_or(&[]) {
                    [_, Datum::Str(name), Datum::Str(uri), ..] => data.licenses.push(LicenseRow {
                        variable: var.clone(),
                        name: name.clone(),
                        uri: uri.clone(),
                    }),
                    _ => data.warnings.push(format!(
                        "{}:{}: license `{var}` skipped: its name or URI is not a string literal",
                        module.path,
                        datum.line().unwrap_or(0)
                    )),
                }
            }
        }
        Some("define-module" | "define-syntax" | "define-record-type" | "define*") => {}
        _ => {
            for item in items {
                collect_licenses(item, module, data);
            }
        }
    }
}
