//! Turns the public definitions of the package modules into
//! `packages.tsv` rows.
//!
//! Each public of an indexed module is evaluated (an alias by looking up its
//! target, a deprecated alias by evaluating its target expression, which
//! may be an `(@ (module) var)` form); a package value becomes a row, with
//! the flags of [`RowFlags`] in the order of the shipped index.  A failure is
//! a warning, except for definitions whose head shows they are certainly
//! not packages ([`NOT_PACKAGE_HEADS`]); a non-package value is skipped
//! silently.  Rows of the files listed as stale (see
//! [`crate::IndexOptions::stale_files`]) get the flag `stale-source`.

use crate::eval::{EvalError, Pkg, Source, Value, World};
use crate::module::{Module, PublicKind};
use crate::reader::Datum;
use crate::{IndexData, PackageRow};

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

/// Indexes the publics of `modules[..indexed]` (the modules after them are
/// only there to be looked up).
pub(crate) fn index_packages(
    modules: &[Module],
    indexed: usize,
    stale: &[String],
    data: &mut IndexData,
) {
    let world = World::new(modules);
    for (m, module) in modules.iter().enumerate().take(indexed) {
        let is_stale = stale.contains(&module.path);
        for public in &module.publics {
            let mut row = RowFlags {
                exported: public.exported,
                syntax: public.syntax,
                stale: is_stale,
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
                PublicKind::DeprecatedAlias { target, expr } => {
                    row.deprecated = true;
                    row.deprecated_alias = Some(target.clone());
                    match expr {
                        Datum::Symbol(_) => (world.lookup_global(target, m), false),
                        other => (world.eval_top(other, m), false),
                    }
                }
            };
            let warn = |data: &mut IndexData, e: &dyn std::fmt::Display| {
                data.warnings.push(format!(
                    "{}:{}: `{}` skipped: {e}",
                    module.path, public.line, public.var
                ));
            };
            match result {
                Ok(Value::Pkg(pkg, _)) => {
                    let Some(name) = pkg.name.clone() else {
                        warn(data, &"its name is #f");
                        continue;
                    };
                    data.packages.push(PackageRow {
                        name,
                        version: pkg.version.clone(),
                        module: module.name.clone(),
                        variable: public.var.clone(),
                        line: public.line,
                        flags: row.flags(&pkg),
                    });
                }
                Ok(_) => {}
                Err(e) => {
                    if !maybe_not_package {
                        warn(data, &e as &EvalError);
                    }
                }
            }
        }
    }
}

/// The body of `let`-family wrappers around an expression.
pub(crate) fn unwrap_lets(mut expr: &Datum) -> &Datum {
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
    syntax: bool,
    stale: bool,
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
        if self.syntax {
            flags.push("syntax".into());
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
            let mut via = pkg.via.clone();
            if self.syntax {
                via.push("syntax".into());
            }
            if !via.is_empty() {
                flags.push(format!("via={}", via.join("+")));
            }
        }
        if self.stale {
            flags.push("stale-source".into());
        }
        flags
    }
}
