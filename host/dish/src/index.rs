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

const PACKAGES: &str = include_str!("../../../data/guix-packages/packages.tsv");
const BUILD_SYSTEMS: &str = include_str!("../../../data/guix-packages/build-systems.tsv");
const LICENSES: &str = include_str!("../../../data/guix-packages/licenses.tsv");
const GUIX_COMMIT: &str = include_str!("../../../data/guix-packages/guix-commit");
const KEYWORDS: &str = include_str!("../../../data/guix-packages/build-system-keywords.tsv");

/// The Guix commit the shipped index was made from.
pub fn builtin_guix_commit() -> &'static str {
    GUIX_COMMIT.trim()
}

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
    /// The keywords its `arguments` may use (without `#:`), when the index
    /// has them (`build-system-keywords.tsv`).
    pub keywords: Option<Keywords>,
}

/// What keyword arguments a build system accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keywords {
    /// Sorted, without `#:`.
    pub accepted: Vec<String>,
    /// Any keyword is accepted (and unknown ones ignored).
    pub any: bool,
}

/// Keywords Guix passes to build systems itself (`make-bag`,
/// `bag->derivation`); a package's `arguments` must not set them.
pub const PLUMBING_KEYWORDS: [&str; 11] = [
    "build-inputs",
    "host-inputs",
    "inputs",
    "native-inputs",
    "native-search-paths",
    "outputs",
    "search-paths",
    "source",
    "system",
    "target",
    "target-inputs",
];

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
        Index::parse(
            Cow::Borrowed(PACKAGES),
            BUILD_SYSTEMS,
            LICENSES,
            Some(KEYWORDS),
            "builtin",
        )
        .expect("the shipped index is well formed (tested)")
    }

    /// Load `packages.tsv`, `build-systems.tsv`, `licenses.tsv` and, when
    /// it is there, `build-system-keywords.tsv` from `path`, a directory, or
    /// the directory of `path` when it names one of those files.
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
        let keywords = match std::fs::read_to_string(dir.join("build-system-keywords.tsv")) {
            Ok(k) => Some(k),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(IndexError::Io {
                    path: dir.join("build-system-keywords.tsv").display().to_string(),
                    source,
                })
            }
        };
        Index::parse(
            Cow::Owned(read("packages.tsv")?),
            &read("build-systems.tsv")?,
            &read("licenses.tsv")?,
            keywords.as_deref(),
            &dir.display().to_string(),
        )
    }

    pub fn parse(
        packages: Cow<'static, str>,
        build_systems: &str,
        licenses: &str,
        keywords: Option<&str>,
        origin: &str,
    ) -> Result<Index, IndexError> {
        let bad = |file: &str, line: usize, message: String| IndexError::Format {
            file: format!("{origin}/{file}"),
            line,
            message,
        };
        // Rows keep their columns as `u32` offsets into the text.
        if u32::try_from(packages.len()).is_err() {
            return Err(bad(
                "packages.tsv",
                1,
                "the table is larger than 4 GiB; split or trim it".into(),
            ));
        }
        let mut rows = Vec::with_capacity(packages.len() / 80);
        let base = packages.as_ptr() as usize;
        let range = |s: &str| -> Range {
            let start = (s.as_ptr() as usize - base) as u32;
            (start, start + s.len() as u32)
        };
        // One pass over the bytes, `memchr` finding each line's end and its
        // tabs (the `lines()` / `split('\t')` version was half of a cold
        // `check`).
        let bytes = packages.as_bytes();
        let mut pos = 0;
        let mut lineno = 0;
        while pos < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            let (start, line) = (pos, &bytes[pos..end]);
            pos = end + 1;
            lineno += 1;
            // `\r\n` line ends are allowed.
            let line_end = line.strip_suffix(b"\r").map_or(line.len(), <[u8]>::len);
            if lineno == 1 || line_end == 0 || line[0] == b'#' {
                continue;
            }
            // The bounds of the six columns (more are ignored).
            let mut cols = [(0u32, 0u32); 6];
            let (mut n, mut from) = (0, 0);
            for i in memchr::memchr_iter(b'\t', line) {
                cols[n] = ((start + from) as u32, (start + i) as u32);
                n += 1;
                from = i + 1;
                if n == 6 {
                    break;
                }
            }
            if n < 5 {
                return Err(bad(
                    "packages.tsv",
                    lineno,
                    format!("expected 6 tab-separated columns, found {}", n + 1),
                ));
            }
            if n == 5 {
                cols[5] = ((start + from) as u32, (start + line_end) as u32);
            }
            let mut row = Row {
                name: cols[0],
                version: cols[1],
                module: cols[2],
                variable: cols[3],
                alias_of: None,
                hidden: false,
                deprecated: false,
                syntax: false,
            };
            let flags = &packages[cols[5].0 as usize..cols[5].1 as usize];
            if flags != "-" {
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
        let keyword_rows = match keywords {
            Some(k) => Some(table(k, "build-system-keywords.tsv")?),
            None => None,
        };
        let mut build_systems: Vec<BuildSystem> = table(build_systems, "build-systems.tsv")?
            .into_iter()
            .map(|[symbol, module, variable]| BuildSystem {
                symbol,
                module,
                variable,
                keywords: None,
            })
            .collect();
        for (i, [symbol, list, any]) in keyword_rows.into_iter().flatten().enumerate() {
            let Some(bs) = build_systems.iter_mut().find(|b| b.symbol == symbol) else {
                return Err(bad(
                    "build-system-keywords.tsv",
                    i + 2,
                    format!("`{symbol}` is not in build-systems.tsv"),
                ));
            };
            let any = match any.as_str() {
                "yes" => true,
                "no" => false,
                other => {
                    return Err(bad(
                        "build-system-keywords.tsv",
                        i + 2,
                        format!("the third column is `yes` or `no`, not `{other}`"),
                    ))
                }
            };
            let mut accepted: Vec<String> = list
                .split(',')
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect();
            accepted.sort();
            bs.keywords = Some(Keywords { accepted, any });
        }
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
    fn rows_parse_with_crlf_comments_extra_columns_and_flags() {
        let text = "name\tversion\tmodule\tvariable\tline\tflags\r\n\
                    # a comment\n\
                    \n\
                    \r\n\
                    zz\t2\t(m z)\tzz-2\t9\tdeprecated-alias=zz-3,hidden\textra\n\
                    aa\t1.0\t(m a)\taa\t1\t-\r\n\
                    bb\t\t(m b)\tbb-syn\t2\tsyntax";
        let i = Index::parse(text.to_string().into(), "h\n", "h\n", None, "x").unwrap();
        let all: Vec<Package<'_>> = i.packages().collect();
        assert_eq!(all.len(), 3);
        // Sorted by name.
        assert_eq!(all[0].name, "aa");
        assert_eq!(
            (all[0].version, all[0].module, all[0].variable),
            ("1.0", "(m a)", "aa")
        );
        assert!(
            !all[0].hidden && !all[0].deprecated && !all[0].syntax && all[0].alias_of.is_none()
        );
        assert_eq!(
            (all[1].name, all[1].version, all[1].syntax),
            ("bb", "", true)
        );
        let zz = &all[2];
        assert_eq!(
            (zz.variable, zz.alias_of, zz.hidden, zz.deprecated),
            ("zz-2", Some("zz-3"), true, true)
        );
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let e = Index::parse("h\nonly\ttwo\n".into(), "h\n", "h\n", None, "x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x/packages.tsv:2: expected 6 tab-separated columns, found 2"
        );
    }
}
