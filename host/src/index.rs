//! The index of the Guix package graph: packages (name, version, module,
//! variable, flags), build systems and licenses.
//!
//! The product ships its own copy (`data/guix-packages/`, embedded in the
//! binary); `--index DIR` loads another directory of the same three files,
//! as written by `potluck-wasm index --guix-checkout` or taken from
//! `../shared/guix-packages/`.  Loading parses tab-separated text with no
//! per-row allocation beyond the strings themselves.

use std::collections::HashMap;
use std::path::Path;

use thiserror::Error;

const PACKAGES: &str = include_str!("../../data/guix-packages/packages.tsv");
const BUILD_SYSTEMS: &str = include_str!("../../data/guix-packages/build-systems.tsv");
const LICENSES: &str = include_str!("../../data/guix-packages/licenses.tsv");

/// One package variable of the Guix package set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// E.g. `(gnu packages guile)`.
    pub module: String,
    /// E.g. `guile-3.0`.
    pub variable: String,
    pub hidden: bool,
    pub deprecated: bool,
    /// `(define-public a b)`: the same package as variable `b`.
    pub alias_of: Option<String>,
    /// The variable is an exported macro (e.g. `pkg-config`).
    pub syntax: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSystem {
    /// The build system's name, as dishes write it (`'gnu`).
    pub symbol: String,
    pub module: String,
    pub variable: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct License {
    /// The variable in `(guix licenses)`, as dishes write it (`'gpl3+`).
    pub variable: String,
    pub name: String,
    pub uri: String,
}

/// The loaded index.
#[derive(Debug, Default)]
pub struct Index {
    pub packages: Vec<Package>,
    /// Rows of each package name, in file order.
    pub by_name: HashMap<String, Vec<usize>>,
    pub build_systems: Vec<BuildSystem>,
    pub licenses: Vec<License>,
}

#[derive(Debug, Error)]
pub enum IndexError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Format {
        file: String,
        line: usize,
        message: String,
    },
}

impl Index {
    /// The index shipped with potluck-wasm.
    pub fn builtin() -> Index {
        Index::parse(PACKAGES, BUILD_SYSTEMS, LICENSES, "builtin")
            .expect("the shipped index is well formed (tested)")
    }

    /// Load `packages.tsv`, `build-systems.tsv` and `licenses.tsv` from `dir`.
    pub fn load(dir: &Path) -> Result<Index, IndexError> {
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|source| IndexError::Io {
                path: p.display().to_string(),
                source,
            })
        };
        Index::parse(
            &read("packages.tsv")?,
            &read("build-systems.tsv")?,
            &read("licenses.tsv")?,
            &dir.display().to_string(),
        )
    }

    pub fn parse(
        packages: &str,
        build_systems: &str,
        licenses: &str,
        origin: &str,
    ) -> Result<Index, IndexError> {
        let mut index = Index::default();
        let rows = |text: &str,
                    file: &str,
                    cols: usize|
         -> Result<Vec<(usize, Vec<String>)>, IndexError> {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate().skip(1) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let fields: Vec<String> = line.split('\t').map(str::to_string).collect();
                if fields.len() < cols {
                    return Err(IndexError::Format {
                        file: format!("{origin}/{file}"),
                        line: i + 1,
                        message: format!(
                            "expected {cols} tab-separated columns, found {}",
                            fields.len()
                        ),
                    });
                }
                out.push((i + 1, fields));
            }
            Ok(out)
        };
        for (_, f) in rows(packages, "packages.tsv", 6)? {
            let flags: Vec<&str> = f[5].split(',').collect();
            let alias_of = flags
                .iter()
                .find_map(|fl| {
                    fl.strip_prefix("alias=")
                        .or_else(|| fl.strip_prefix("deprecated-alias="))
                })
                .map(str::to_string);
            let pkg = Package {
                hidden: flags.contains(&"hidden"),
                deprecated: flags.contains(&"deprecated")
                    || flags.iter().any(|f| f.starts_with("deprecated-alias=")),
                syntax: flags.contains(&"syntax"),
                alias_of,
                name: f[0].clone(),
                version: f[1].clone(),
                module: f[2].clone(),
                variable: f[3].clone(),
            };
            index
                .by_name
                .entry(pkg.name.clone())
                .or_default()
                .push(index.packages.len());
            index.packages.push(pkg);
        }
        for (_, f) in rows(build_systems, "build-systems.tsv", 3)? {
            index.build_systems.push(BuildSystem {
                symbol: f[0].clone(),
                module: f[1].clone(),
                variable: f[2].clone(),
            });
        }
        for (_, f) in rows(licenses, "licenses.tsv", 3)? {
            index.licenses.push(License {
                variable: f[0].clone(),
                name: f[1].clone(),
                uri: f[2].clone(),
            });
        }
        Ok(index)
    }

    pub fn build_system(&self, symbol: &str) -> Option<&BuildSystem> {
        self.build_systems.iter().find(|b| b.symbol == symbol)
    }

    pub fn license(&self, variable: &str) -> Option<&License> {
        self.licenses.iter().find(|l| l.variable == variable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_index_loads_with_the_documented_counts() {
        let i = Index::builtin();
        assert_eq!(i.packages.len(), 31_877);
        assert_eq!(i.by_name.len(), 30_797);
        assert_eq!(i.build_systems.len(), 50);
        assert_eq!(i.licenses.len(), 117);
        assert!(i.build_system("gnu").is_some());
        assert_eq!(i.license("gpl3+").map(|l| l.name.as_str()), Some("GPL 3+"));
        let guile: Vec<&str> = i.by_name["guile"]
            .iter()
            .map(|&r| i.packages[r].variable.as_str())
            .collect();
        assert!(guile.contains(&"guile-3.0"));
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let e = Index::parse("h\nonly\ttwo\n", "h\n", "h\n", "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x/packages.tsv:2: expected 6 tab-separated columns, found 2"
        );
    }
}
