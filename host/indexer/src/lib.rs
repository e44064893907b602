//! Rebuilds the Guix package index from a Guix source checkout.
//!
//! [`index_checkout`] reads `gnu/packages/*.scm`, `guix/build-system/*.scm`
//! and `guix/licenses.scm` with a tolerant Guile [`reader`], scans each module
//! ([`module`], expanding its own macros with [`macros`]), evaluates the
//! public definitions just enough to know each package's name, version and
//! status ([`eval`]; the modules outside `gnu/packages` that package modules
//! import from `gnu/`, such as `(gnu build chromium-extension)`, are scanned
//! too, for their procedures), turns them into rows ([`rows`]), derives the
//! keywords each build system accepts ([`keywords`]), and returns it all;
//! [`write_tsv`] writes the four files of `data/guix-packages/`.  Nothing
//! is guessed: a definition that cannot be evaluated is skipped with a
//! warning, and a file that cannot be read is skipped with a warning.

pub mod eval;
pub mod keywords;
pub mod macros;
pub mod module;
pub mod reader;
mod rows;
mod tsv;

use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::module::{Module, PublicKind};
use crate::reader::{Datum, Form};
use crate::rows::unwrap_lets;

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

/// One row of `build-system-keywords.tsv`: the keywords a build system
/// accepts in a package's `arguments`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildSystemKeywordsRow {
    /// The build system's symbol, as in `build-systems.tsv`.
    pub build_system: String,
    /// Sorted, without `#:`; the keywords Guix sets itself
    /// ([`keywords::PLUMBING`]) are not listed.
    pub keywords: Vec<String>,
    /// Any other keyword is accepted too (and ignored).
    pub accepts_other_keys: bool,
}

/// Everything extracted from a checkout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexData {
    pub packages: Vec<PackageRow>,
    pub build_systems: Vec<BuildSystemRow>,
    pub licenses: Vec<LicenseRow>,
    /// One row for each build system of `build_systems` whose keywords
    /// could be derived.
    pub build_system_keywords: Vec<BuildSystemKeywordsRow>,
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

/// How to index a checkout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexOptions {
    /// Files of the checkout (relative paths such as
    /// `gnu/packages/tex.scm`) known to be older than the rest of it: their
    /// rows get the flag `stale-source`.  A listed file that is not in the
    /// checkout is a warning.
    pub stale_files: Vec<String>,
}

impl IndexOptions {
    /// The options the shipped index (`data/guix-packages/`) was made with:
    /// [`SHIPPED_STALE_FILES`] are stale.
    pub fn shipped() -> IndexOptions {
        IndexOptions {
            stale_files: SHIPPED_STALE_FILES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// The files of the Guix source the shipped index was made from
/// (`/work/shared/guix/src`, see `data/guix-packages/README.md`) that are
/// older than its commit: `tex.scm` is from 2024-08-31.
pub const SHIPPED_STALE_FILES: &[&str] = &["gnu/packages/tex.scm"];

/// Reads DIR/gnu/packages/*.scm, DIR/guix/build-system/*.scm and
/// DIR/guix/licenses.scm, with the default options (no stale files).
pub fn index_checkout(dir: &Path) -> Result<IndexData, IndexError> {
    index_checkout_with(dir, &IndexOptions::default())
}

/// [`index_checkout`] with `options`.
pub fn index_checkout_with(dir: &Path, options: &IndexOptions) -> Result<IndexData, IndexError> {
    let dir = dir.to_path_buf();
    let options = options.clone();
    let handle = std::thread::Builder::new()
        .name("potluck-index".into())
        .stack_size(STACK_BYTES)
        .spawn(move || index_checkout_inner(&dir, &options))
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

fn index_checkout_inner(dir: &Path, options: &IndexOptions) -> Result<IndexData, IndexError> {
    let packages_dir = dir.join("gnu").join("packages");
    if !packages_dir.is_dir() {
        return Err(IndexError::NotACheckout(dir.to_path_buf()));
    }
    let mut data = IndexData::default();
    for stale in &options.stale_files {
        if !dir.join(stale).is_file() {
            data.warnings
                .push(format!("{stale}: listed as stale, but no such file"));
        }
    }

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
    let indexed = modules.len();
    scan_gnu_imports(dir, &mut modules, &mut data.warnings)?;
    rows::index_packages(&modules, indexed, &options.stale_files, &mut data);

    // Build systems.
    let bs_dir = dir.join("guix").join("build-system");
    if bs_dir.is_dir() {
        let mut bs_forms = Vec::new();
        for (stem, path) in scm_files(&bs_dir)? {
            let rel = format!("guix/build-system/{stem}.scm");
            let Some(forms) = read_forms(&path, &rel, &mut data.warnings)? else {
                continue;
            };
            let name = format!("(guix build-system {stem})");
            let module = module::scan(&name, &rel, &forms, &mut data.warnings);
            index_build_systems(&module, &mut data);
            bs_forms.push((name, rel, forms));
        }
        let bs_modules = keywords::BuildSystemModules::new(
            bs_forms
                .iter()
                .map(|(name, _, forms)| (name.clone(), forms.as_slice())),
        );
        for bs in &data.build_systems {
            match bs_modules.accepted(&bs.module, &bs.variable) {
                Ok(accepted) => data.build_system_keywords.push(BuildSystemKeywordsRow {
                    build_system: bs.symbol.clone(),
                    keywords: accepted.keywords,
                    accepts_other_keys: accepted.accepts_other_keys,
                }),
                Err(e) => {
                    let rel = bs_forms
                        .iter()
                        .find(|(name, _, _)| *name == bs.module)
                        .map_or("guix/build-system", |(_, rel, _)| rel.as_str());
                    data.warnings.push(format!(
                        "{rel}: keywords of `{}` not derived: {e}",
                        bs.variable
                    ));
                }
            }
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

/// Scans the modules outside `gnu/packages` that the package modules
/// import from `gnu/` (e.g. `(gnu build icecat-extension)`), when their file
/// is in the checkout; one level deep.  They are not indexed.
fn scan_gnu_imports(
    dir: &Path,
    modules: &mut Vec<Module>,
    warnings: &mut Vec<String>,
) -> Result<(), IndexError> {
    let mut wanted = std::collections::BTreeSet::new();
    for module in modules.iter() {
        for import in &module.imports {
            let parts: Vec<&str> = import
                .module
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(' ')
                .collect();
            let plain = parts
                .iter()
                .all(|p| !p.is_empty() && !p.contains(['/', '\\', '.']));
            if plain && parts.len() >= 2 && parts[0] == "gnu" && parts[1] != "packages" {
                wanted.insert(parts.join("/"));
            }
        }
    }
    for rel in wanted {
        let path = dir.join(format!("{rel}.scm"));
        if !path.is_file() {
            continue;
        }
        let rel_file = format!("{rel}.scm");
        let Some(forms) = read_forms(&path, &rel_file, warnings)? else {
            continue;
        };
        let name = format!("({})", rel.replace('/', " "));
        modules.push(module::scan(&name, &rel_file, &forms, warnings));
    }
    Ok(())
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
