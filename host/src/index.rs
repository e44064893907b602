//! The index of the Guix package graph: packages (name, version, module,
//! variable, flags), build systems and licenses.
//!
//! The product ships its own copy (`data/guix-packages/`, embedded in the
//! binary); `--index DIR` loads another directory of the same three files,
//! as written by `potluck-wasm index --guix-checkout` or taken from
//! `../shared/guix-packages/`.  Loading parses tab-separated text with no
//! per-row allocation beyond the strings themselves.

use std::borrow::Cow;
use std::path::Path;

use thiserror::Error;

const PACKAGES: &str = include_str!("../../data/guix-packages/packages.tsv");
const BUILD_SYSTEMS: &str = include_str!("../../data/guix-packages/build-systems.tsv");
const LICENSES: &str = include_str!("../../data/guix-packages/licenses.tsv");

/// One package variable of the Guix package set, borrowed from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// E.g. `(gnu packages guile)`.
    pub module: &'a str,
    /// E.g. `guile-3.0`.
    pub variable: &'a str,
    pub hidden: bool,
    pub deprecated: bool,
    /// `(define-public a b)`: the same package as variable `b`.
    pub alias_of: Option<&'a str>,
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

type Range = (u32, u32);

/// A package row: byte ranges into the index text, no allocation per row.
#[derive(Debug, Clone, Copy)]
struct Row {
    name: Range,
    version: Range,
    module: Range,
    variable: Range,
    alias_of: Option<Range>,
    hidden: bool,
    deprecated: bool,
    syntax: bool,
}

/// The loaded index.  Package rows are kept sorted by name, so lookups
/// are binary searches over ranges of the original text.
#[derive(Debug)]
pub struct Index {
    text: Cow<'static, str>,
    rows: Vec<Row>,
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
        Index::parse(Cow::Borrowed(PACKAGES), BUILD_SYSTEMS, LICENSES, "builtin")
            .expect("the shipped index is well formed (tested)")
    }

    /// Load `packages.tsv`, `build-systems.tsv` and `licenses.tsv` from
    /// `path`, a directory, or the directory of `path` when it names one of
    /// those files.
    pub fn load(path: &Path) -> Result<Index, IndexError> {
        let dir = if path.is_file() {
            path.parent().unwrap_or(Path::new("."))
        } else {
            path
        };
        let read = |name: &str| {
            let p = dir.join(name);
            std::fs::read_to_string(&p).map_err(|source| IndexError::Io {
                path: p.display().to_string(),
                source,
            })
        };
        Index::parse(
            Cow::Owned(read("packages.tsv")?),
            &read("build-systems.tsv")?,
            &read("licenses.tsv")?,
            &dir.display().to_string(),
        )
    }

    pub fn parse(
        packages: Cow<'static, str>,
        build_systems: &str,
        licenses: &str,
        origin: &str,
    ) -> Result<Index, IndexError> {
        let bad = |file: &str, line: usize, message: String| IndexError::Format {
            file: format!("{origin}/{file}"),
            line,
            message,
        };
        let mut rows = Vec::with_capacity(packages.len() / 80);
        let base = packages.as_ptr() as usize;
        let range = |s: &str| -> Range {
            let start = (s.as_ptr() as usize - base) as u32;
            (start, start + s.len() as u32)
        };
        for (i, line) in packages.lines().enumerate().skip(1) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.split('\t');
            let (Some(name), Some(version), Some(module), Some(variable), Some(_line), Some(flags)) =
                (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
            else {
                return Err(bad(
                    "packages.tsv",
                    i + 1,
                    format!(
                        "expected 6 tab-separated columns, found {}",
                        line.split('\t').count()
                    ),
                ));
            };
            let mut row = Row {
                name: range(name),
                version: range(version),
                module: range(module),
                variable: range(variable),
                alias_of: None,
                hidden: false,
                deprecated: false,
                syntax: false,
            };
            for flag in flags.split(',') {
                match flag {
                    "hidden" => row.hidden = true,
                    "deprecated" => row.deprecated = true,
                    "syntax" => row.syntax = true,
                    _ => {
                        if let Some(a) = flag.strip_prefix("alias=") {
                            row.alias_of = Some(range(a));
                        } else if let Some(a) = flag.strip_prefix("deprecated-alias=") {
                            row.alias_of = Some(range(a));
                            row.deprecated = true;
                        }
                    }
                }
            }
            rows.push(row);
        }
        let text_of = |r: Range| &packages[r.0 as usize..r.1 as usize];
        if !rows
            .windows(2)
            .all(|w| text_of(w[0].name) <= text_of(w[1].name))
        {
            rows.sort_by(|a, b| text_of(a.name).cmp(text_of(b.name)));
        }
        let table = |text: &str, file: &str| -> Result<Vec<[String; 3]>, IndexError> {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate().skip(1) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let f: Vec<&str> = line.split('\t').collect();
                if f.len() < 3 {
                    return Err(bad(
                        file,
                        i + 1,
                        format!("expected 3 tab-separated columns, found {}", f.len()),
                    ));
                }
                out.push([f[0].to_string(), f[1].to_string(), f[2].to_string()]);
            }
            Ok(out)
        };
        let build_systems = table(build_systems, "build-systems.tsv")?
            .into_iter()
            .map(|[symbol, module, variable]| BuildSystem {
                symbol,
                module,
                variable,
            })
            .collect();
        let licenses = table(licenses, "licenses.tsv")?
            .into_iter()
            .map(|[variable, name, uri]| License {
                variable,
                name,
                uri,
            })
            .collect();
        Ok(Index {
            text: packages,
            rows,
            build_systems,
            licenses,
        })
    }

    fn str(&self, r: Range) -> &str {
        &self.text[r.0 as usize..r.1 as usize]
    }

    fn package(&self, row: &Row) -> Package<'_> {
        Package {
            name: self.str(row.name),
            version: self.str(row.version),
            module: self.str(row.module),
            variable: self.str(row.variable),
            hidden: row.hidden,
            deprecated: row.deprecated,
            alias_of: row.alias_of.map(|r| self.str(r)),
            syntax: row.syntax,
        }
    }

    /// Number of package rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every package variable named `name` (the package name, not the variable).
    pub fn named(&self, name: &str) -> impl Iterator<Item = Package<'_>> {
        let lo = self.rows.partition_point(|r| self.str(r.name) < name);
        let hi = lo + self.rows[lo..].partition_point(|r| self.str(r.name) == name);
        self.rows[lo..hi].iter().map(|r| self.package(r))
    }

    /// Every distinct package name, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut last: Option<&str> = None;
        self.rows.iter().filter_map(move |r| {
            let n = self.str(r.name);
            if last == Some(n) {
                None
            } else {
                last = Some(n);
                Some(n)
            }
        })
    }

    /// Every package row.
    pub fn packages(&self) -> impl Iterator<Item = Package<'_>> {
        self.rows.iter().map(|r| self.package(r))
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
        assert_eq!(i.len(), 31_877);
        assert_eq!(i.names().count(), 30_797);
        assert_eq!(i.build_systems.len(), 50);
        assert_eq!(i.licenses.len(), 117);
        assert!(i.build_system("gnu").is_some());
        assert_eq!(i.license("gpl3+").map(|l| l.name.as_str()), Some("GPL 3+"));
        let guile: Vec<&str> = i.named("guile").map(|p| p.variable).collect();
        assert!(guile.contains(&"guile-3.0"));
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let e = Index::parse("h\nonly\ttwo\n".into(), "h\n", "h\n", "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x/packages.tsv:2: expected 6 tab-separated columns, found 2"
        );
    }
}
