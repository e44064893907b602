//! Writes the index as the four TSV files of `data/guix-packages/`.
//!
//! `packages.tsv` is sorted by name (bytewise), then version (natural sort:
//! runs of digits compare as numbers), then module, then variable;
//! `build-systems.tsv` by symbol, module, variable; `licenses.tsv` keeps the
//! order of `guix/licenses.scm`.  Empty flag lists are written as `-`.
//! `build-system-keywords.tsv` has the header
//! `build-system<TAB>keywords<TAB>accepts-other-keys`, one row per build
//! system sorted by symbol, the keywords sorted and comma-separated (an
//! empty field if there are none), and `yes` or `no`.

use std::cmp::Ordering;
use std::path::Path;

use crate::{BuildSystemKeywordsRow, BuildSystemRow, IndexData, LicenseRow, PackageRow};

/// Writes packages.tsv, build-systems.tsv, licenses.tsv and
/// build-system-keywords.tsv in exactly the format of data/guix-packages/
/// (same headers, tab-separated, packages sorted by name, then version (natural sort: numeric runs
/// compared as numbers), then module, then variable; flags comma-separated or `-`).
pub fn write_tsv(data: &IndexData, out_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    std::fs::write(out_dir.join("packages.tsv"), packages_tsv(&data.packages))?;
    std::fs::write(
        out_dir.join("build-systems.tsv"),
        build_systems_tsv(&data.build_systems),
    )?;
    std::fs::write(out_dir.join("licenses.tsv"), licenses_tsv(&data.licenses))?;
    std::fs::write(
        out_dir.join("build-system-keywords.tsv"),
        build_system_keywords_tsv(&data.build_system_keywords),
    )?;
    Ok(())
}

/// The text of `build-system-keywords.tsv` for `rows` (sorted here).
pub fn build_system_keywords_tsv(rows: &[BuildSystemKeywordsRow]) -> String {
    let mut rows: Vec<&BuildSystemKeywordsRow> = rows.iter().collect();
    rows.sort_by(|a, b| a.build_system.cmp(&b.build_system));
    let mut out = String::from("build-system\tkeywords\taccepts-other-keys\n");
    for r in rows {
        let mut keywords: Vec<String> = r.keywords.iter().map(|k| clean(k)).collect();
        keywords.sort();
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            clean(&r.build_system),
            keywords.join(","),
            if r.accepts_other_keys { "yes" } else { "no" }
        ));
    }
    out
}

/// The text of `packages.tsv` for `rows` (sorted here).
pub fn packages_tsv(rows: &[PackageRow]) -> String {
    let mut rows: Vec<&PackageRow> = rows.iter().collect();
    rows.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| natural_cmp(&a.version, &b.version))
            .then_with(|| a.module.cmp(&b.module))
            .then_with(|| a.variable.cmp(&b.variable))
            .then_with(|| a.line.cmp(&b.line))
    });
    let mut out = String::from("name\tversion\tmodule\tvariable\tline\tflags\n");
    for r in rows {
        let flags = if r.flags.is_empty() {
            "-".to_string()
        } else {
            r.flags
                .iter()
                .map(|f| clean(f))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            clean(&r.name),
            clean(&r.version),
            clean(&r.module),
            clean(&r.variable),
            r.line,
            flags
        ));
    }
    out
}

/// The text of `build-systems.tsv` for `rows` (sorted here).
pub fn build_systems_tsv(rows: &[BuildSystemRow]) -> String {
    let mut rows: Vec<&BuildSystemRow> = rows.iter().collect();
    rows.sort_by(|a, b| {
        (&a.symbol, &a.module, &a.variable).cmp(&(&b.symbol, &b.module, &b.variable))
    });
    let mut out = String::from("symbol\tmodule\tvariable\n");
    for r in rows {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            clean(&r.symbol),
            clean(&r.module),
            clean(&r.variable)
        ));
    }
    out
}

/// The text of `licenses.tsv` for `rows`, in their order.
pub fn licenses_tsv(rows: &[LicenseRow]) -> String {
    let mut out = String::from("variable\tname\turi\n");
    for r in rows {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            clean(&r.variable),
            clean(&r.name),
            clean(&r.uri)
        ));
    }
    out
}

/// Keeps a field on one line and in one column.
fn clean(s: &str) -> String {
    if s.contains(['\t', '\n', '\r']) {
        s.replace(['\t', '\n', '\r'], " ")
    } else {
        s.to_string()
    }
}

/// Natural order: runs of ASCII digits compare as numbers (then shorter
/// first, so `1` < `01`), other runs compare bytewise.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (ra, rest_a) = split_run(a);
        let (rb, rest_b) = split_run(b);
        let ord = if ra[0].is_ascii_digit() && rb[0].is_ascii_digit() {
            let ta = trim_zeros(ra);
            let tb = trim_zeros(rb);
            ta.len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| ra.len().cmp(&rb.len()))
        } else {
            ra.cmp(rb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        a = rest_a;
        b = rest_b;
    }
}

/// Splits off the leading run of digits or of non-digits.
fn split_run(s: &[u8]) -> (&[u8], &[u8]) {
    let digit = s[0].is_ascii_digit();
    let end = s
        .iter()
        .position(|c| c.is_ascii_digit() != digit)
        .unwrap_or(s.len());
    s.split_at(end)
}

fn trim_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| c != b'0').unwrap_or(s.len());
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut v = vec![
            "1.10", "1.9", "1.9.1", "1.0-rc1", "1.0", "2", "10", "01", "1", "1a",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        // `01` sorts after every `1...`: a tie between equal numbers is
        // broken by the length of the run, at that run.
        assert_eq!(
            v,
            vec!["1", "1.0", "1.0-rc1", "1.9", "1.9.1", "1.10", "1a", "01", "2", "10"]
        );
        let big = "123456789012345678901234567890";
        assert_eq!(natural_cmp(big, "9"), Ordering::Greater);
    }
}
