//! Resolution of input specifications (`"guile@3.0"`, `"glib:bin"`) against
//! the Guix package index, as Guix's `specification->package+output` does:
//! `NAME[@VERSION][:OUTPUT]`, where VERSION is a prefix on version
//! components (`guile@2.2` matches 2.2.7, not 2.20), the highest matching
//! version wins, and hidden or deprecated packages are chosen only when
//! nothing else matches (with a warning).

use std::cmp::Ordering;

use serde::Serialize;
use thiserror::Error;

use crate::index::{Index, Package};

/// A parsed specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec<'a> {
    pub name: &'a str,
    pub version: Option<&'a str>,
    pub output: Option<&'a str>,
}

/// What an input resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolved {
    pub spec: String,
    pub name: String,
    pub version: String,
    /// E.g. `(gnu packages guile)`.
    pub module: String,
    /// E.g. `guile-3.0`.
    pub variable: String,
    /// `None` for the default output, `out`.
    pub output: Option<String>,
    /// Set when the choice deserves a warning (hidden or deprecated package).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Other packages of the same name and version Guix could have chosen:
    /// `(module) variable` each.  Guix warns "ambiguous package
    /// specification" then.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub ambiguous: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResolveError {
    #[error("`{spec}` is not a package specification: {why}")]
    BadSpec { spec: String, why: String },
    #[error("no package is named `{name}`")]
    UnknownName {
        name: String,
        suggestions: Vec<String>,
    },
    #[error("no version of `{name}` matches `{wanted}`; versions available: {}", available.join(", "))]
    NoVersion {
        name: String,
        wanted: String,
        available: Vec<String>,
    },
}

impl ResolveError {
    /// How to fix it.
    pub fn help(&self) -> String {
        match self {
            ResolveError::BadSpec { .. } => {
                "write NAME, NAME@VERSION or NAME:OUTPUT, e.g. \"guile@3.0\" or \"glib:bin\""
                    .to_string()
            }
            ResolveError::UnknownName { suggestions, .. } if !suggestions.is_empty() => {
                format!("did you mean {}?", quoted_list(suggestions))
            }
            ResolveError::UnknownName { .. } => {
                "check the name with `guix search` or in the Guix package list".to_string()
            }
            ResolveError::NoVersion {
                name, available, ..
            } => match available.last() {
                Some(v) => {
                    format!("ask for an existing version, e.g. \"{name}@{v}\", or drop the version")
                }
                None => format!("drop the version: \"{name}\""),
            },
        }
    }
}

fn quoted_list(items: &[String]) -> String {
    let q: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        _ => format!("{} or {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '%')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-+._".contains(c))
}

/// Parse `NAME[@VERSION][:OUTPUT]`.
pub fn parse_spec(spec: &str) -> Result<Spec<'_>, ResolveError> {
    let bad = |why: &str| ResolveError::BadSpec {
        spec: potluck_sandbox::diagnostic::quote(spec),
        why: why.to_string(),
    };
    if spec.is_empty() {
        return Err(bad("it is empty"));
    }
    if spec.contains('/') {
        return Err(bad(
            "it contains `/`; inputs name packages, not files or store paths",
        ));
    }
    if spec.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("it contains white space or control characters"));
    }
    let (rest, output) = match spec.rsplit_once(':') {
        Some((r, o)) => (r, Some(o)),
        None => (spec, None),
    };
    let (name, version) = match rest.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (rest, None),
    };
    if !valid_name(name) {
        return Err(bad(
            "the package name may only use letters, digits and `-+._`",
        ));
    }
    if let Some(v) = version {
        if v.is_empty() || v.contains('@') {
            return Err(bad("the version after `@` is empty or malformed"));
        }
    }
    if let Some(o) = output {
        if o.is_empty()
            || !o
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad(
                "the output after `:` must be a name such as `bin`, `lib` or `doc`",
            ));
        }
    }
    Ok(Spec {
        name,
        version,
        output,
    })
}

/// Split a version into comparable components: `.`-separated, and within a
/// component runs of digits and of other characters.
fn components(v: &str) -> Vec<&str> {
    v.split('.').collect()
}

fn compare_component(a: &str, b: &str) -> Ordering {
    // Natural comparison: numeric runs as numbers.
    let mut ai = a;
    let mut bi = b;
    loop {
        match (ai.is_empty(), bi.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let ad = ai.as_bytes()[0].is_ascii_digit();
        let bd = bi.as_bytes()[0].is_ascii_digit();
        let take = |s: &str, digit: bool| {
            s.find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(s.len())
        };
        let (ra, rb) = (take(ai, ad), take(bi, bd));
        let (pa, pb) = (&ai[..ra], &bi[..rb]);
        let o = if ad && bd {
            let (ta, tb) = (pa.trim_start_matches('0'), pb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            pa.cmp(pb)
        };
        if o != Ordering::Equal {
            return o;
        }
        ai = &ai[ra..];
        bi = &bi[rb..];
    }
}

/// Guix's `version-compare`.
pub fn version_compare(a: &str, b: &str) -> Ordering {
    let (ca, cb) = (components(a), components(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let o = compare_component(x, y);
        if o != Ordering::Equal {
            return o;
        }
    }
    ca.len().cmp(&cb.len())
}

/// Guix's `version-prefix?`: `2.2` is a prefix of `2.2.7`, not of `2.20`.
pub fn version_prefix(prefix: &str, version: &str) -> bool {
    let (p, v) = (components(prefix), components(version));
    p.len() <= v.len() && p.iter().zip(v.iter()).all(|(a, b)| a == b)
}

fn rank(p: &Package, name: &str) -> (bool, bool, bool, bool) {
    // Smaller is better: current over hidden/deprecated, originals over
    // aliases, the variable named like the package, plain variables.
    (
        p.hidden || p.deprecated,
        p.alias_of.is_some(),
        p.variable != name,
        p.syntax,
    )
}

/// Resolve one specification.
pub fn resolve(index: &Index, spec: &str) -> Result<Resolved, ResolveError> {
    resolve_with(index, spec, true)
}

/// [`resolve`], computing did-you-mean suggestions for an unknown name only
/// when `suggestions` is set.
pub fn resolve_with(
    index: &Index,
    spec: &str,
    suggestions: bool,
) -> Result<Resolved, ResolveError> {
    let parsed = parse_spec(spec)?;
    let rows: Vec<Package> = index.named(parsed.name).collect();
    if rows.is_empty() {
        return Err(ResolveError::UnknownName {
            name: potluck_sandbox::diagnostic::quote(parsed.name),
            suggestions: if suggestions {
                suggest(index, parsed.name)
            } else {
                Vec::new()
            },
        });
    }
    let candidates: Vec<&Package> = rows
        .iter()
        .filter(|p| parsed.version.is_none_or(|v| version_prefix(v, p.version)))
        .collect();
    if candidates.is_empty() {
        let mut available: Vec<String> = rows.iter().map(|p| p.version.to_string()).collect();
        available.sort_by(|a, b| version_compare(a, b));
        available.dedup();
        return Err(ResolveError::NoVersion {
            name: parsed.name.to_string(),
            wanted: potluck_sandbox::diagnostic::quote(parsed.version.unwrap_or_default()),
            available,
        });
    }
    let current = candidates.iter().any(|p| !(p.hidden || p.deprecated));
    let best = candidates
        .iter()
        .filter(|p| !current || !(p.hidden || p.deprecated))
        .max_by(|a, b| {
            version_compare(a.version, b.version)
                .then_with(|| rank(b, parsed.name).cmp(&rank(a, parsed.name)))
        })
        .expect("candidates is not empty");
    let warning = if best.deprecated {
        Some(format!(
            "`{spec}` resolves only to the deprecated package variable `{}`",
            best.variable
        ))
    } else if best.hidden {
        Some(format!(
            "`{spec}` resolves only to the hidden package variable `{}`",
            best.variable
        ))
    } else {
        None
    };
    // Distinct packages (not aliases or macros of one) Guix would find at
    // the chosen version; it skips hidden ones.
    let distinct: Vec<&&Package> = candidates
        .iter()
        .filter(|p| {
            p.version == best.version
                && !(p.hidden || p.deprecated || p.syntax)
                && p.alias_of.is_none()
        })
        .collect();
    let ambiguous = if distinct.len() > 1 {
        distinct
            .iter()
            .filter(|p| p.variable != best.variable)
            .map(|p| format!("{} {}", p.module, p.variable))
            .collect()
    } else {
        Vec::new()
    };
    Ok(Resolved {
        ambiguous,
        spec: spec.to_string(),
        name: best.name.to_string(),
        version: best.version.to_string(),
        module: best.module.to_string(),
        variable: best.variable.to_string(),
        output: parsed.output.filter(|o| *o != "out").map(str::to_string),
        warning,
    })
}

/// How one specification's resolution differs between two indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Change {
    Same {
        resolved: Resolved,
    },
    Changed {
        old: Resolved,
        new: Resolved,
    },
    Broke {
        old: Resolved,
        error: String,
        help: String,
    },
    Fixed {
        error: String,
        new: Resolved,
    },
    StillBroken {
        error: String,
    },
}

/// Resolve `spec` against `old` and `new` and say what changed.
pub fn compare(old: &Index, new: &Index, spec: &str) -> Change {
    match (resolve(old, spec), resolve(new, spec)) {
        (Ok(a), Ok(b)) if a == b => Change::Same { resolved: a },
        (Ok(a), Ok(b)) => Change::Changed { old: a, new: b },
        (Ok(a), Err(e)) => Change::Broke {
            old: a,
            error: e.to_string(),
            help: e.help(),
        },
        (Err(e), Ok(b)) => Change::Fixed {
            error: e.to_string(),
            new: b,
        },
        (Err(e), Err(_)) => Change::StillBroken {
            error: e.to_string(),
        },
    }
}

/// Up to three known names close to `name`.
pub fn suggest(index: &Index, name: &str) -> Vec<String> {
    use potluck_contract::distance;
    if name.len() > distance::MAX_CHARS {
        return Vec::new();
    }
    let max = distance::typo_budget(name);
    // Each edit changes a histogram of the bytes by at most 2: a cheap
    // filter before the edit distance.
    let histogram = |s: &str| {
        let mut h = [0i32; 32];
        for b in s.bytes() {
            h[(b % 32) as usize] += 1;
        }
        h
    };
    let wanted = histogram(name);
    let mut scored: Vec<(usize, &str)> = index
        .names()
        .filter(|k| k.len().abs_diff(name.len()) <= max)
        .filter(|k| {
            let h = histogram(k);
            let diff: i32 = h
                .iter()
                .zip(wanted.iter())
                .map(|(a, b)| (a - b).abs())
                .sum();
            diff as usize <= 2 * max
        })
        .filter_map(|k| distance::within(name, k, max).map(|d| (d, k)))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, k)| k.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx() -> Index {
        Index::builtin()
    }

    fn var(spec: &str) -> String {
        let r = resolve(&idx(), spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        format!(
            "{} {} {}{}",
            r.module,
            r.variable,
            r.version,
            r.output.map(|o| format!(" :{o}")).unwrap_or_default()
        )
    }

    #[test]
    fn versions_compare_like_guix() {
        assert_eq!(version_compare("2.2.7", "2.20"), Ordering::Less);
        assert_eq!(version_compare("3.0.11", "3.0.9"), Ordering::Greater);
        assert_eq!(version_compare("1.0", "1.0.1"), Ordering::Less);
        assert_eq!(version_compare("1.0rc2", "1.0rc10"), Ordering::Less);
        assert!(version_prefix("2.2", "2.2.7"));
        assert!(!version_prefix("2.2", "2.20"));
        assert!(version_prefix("3", "3.0.9"));
        assert!(!version_prefix("3.0.9.1", "3.0.9"));
    }

    #[test]
    fn specs_resolve_like_guix() {
        assert_eq!(var("guile@2.2"), "(gnu packages guile) guile-2.2 2.2.7");
        assert_eq!(var("guile@3.0.9"), "(gnu packages guile) guile-3.0 3.0.9");
        assert_eq!(var("guile"), "(gnu packages guile) guile-3.0.11 3.0.11");
        assert_eq!(
            var("zstd:lib"),
            "(gnu packages compression) zstd-1.5.7 1.5.7 :lib"
        );
        assert_eq!(var("zstd@1.5.6"), "(gnu packages compression) zstd 1.5.6");
        assert_eq!(var("openssl@1.1"), "(gnu packages tls) openssl-1.1 1.1.1u");
        assert_eq!(
            var("pkg-config"),
            "(gnu packages pkg-config) pkg-config 0.29.2"
        );
        assert_eq!(
            var("glib:bin"),
            "(gnu packages glib) glib-with-documentation 2.86.0 :bin"
        );
        assert_eq!(
            var("python:out"),
            "(gnu packages python) python-3.11 3.11.14"
        );
    }

    #[test]
    fn comparing_two_indexes_reports_changes_and_breakage() {
        let old = idx();
        let tsv = "name\tversion\tmodule\tvariable\tline\tflags\n\
                   guile\t3.0.9\t(gnu packages guile)\tguile-3.0\t1\t-\n\
                   guile\t3.2.0\t(gnu packages guile)\tguile-3.2\t2\t-\n";
        let new = Index::parse(
            tsv.to_string().into(),
            "s\tm\tv\n",
            "v\tn\tu\n",
            None,
            "test",
        )
        .unwrap();
        assert!(
            matches!(compare(&old, &new, "guile"), Change::Changed { new, .. } if new.variable == "guile-3.2")
        );
        assert!(matches!(
            compare(&old, &new, "guile@3.0.9"),
            Change::Same { .. }
        ));
        assert!(matches!(compare(&old, &new, "zstd"), Change::Broke { .. }));
        assert!(matches!(
            compare(&old, &new, "nonexistent-pkg"),
            Change::StillBroken { .. }
        ));
        assert!(matches!(compare(&new, &old, "zstd"), Change::Fixed { .. }));
    }

    #[test]
    fn errors_explain_themselves() {
        match resolve(&idx(), "guile@2.9").unwrap_err() {
            ResolveError::NoVersion { available, .. } => {
                assert!(
                    available.contains(&"2.2.7".to_string())
                        && available.contains(&"3.0.9".to_string())
                )
            }
            e => panic!("{e:?}"),
        }
        match resolve(&idx(), "gulie").unwrap_err() {
            e @ ResolveError::UnknownName { .. } => {
                assert!(e.help().contains("\"guile\""), "{}", e.help())
            }
            e => panic!("{e:?}"),
        }
        assert!(matches!(
            resolve(&idx(), "/gnu/store/xxx-bash/bin/sh"),
            Err(ResolveError::BadSpec { .. })
        ));
        for bad in ["", "a b", "guile@", "guile:", "@3", "x:y:z/w", "guile@3@4"] {
            assert!(resolve(&idx(), bad).is_err(), "{bad}");
        }
    }
}
