//! Helpers shared by the integration tests: temporary Guix-style
//! checkouts, line lookup, rows and TSV parsing.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use potluck_index::PackageRow;

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "potluck-index-test-{}-{tag}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The 1-based line of the only line of `text` containing `needle`.
pub fn line_of(text: &str, needle: &str) -> u32 {
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| match needle.strip_suffix('\n') {
            Some(whole) => *l == whole,
            None => l.contains(needle),
        })
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(lines.len(), 1, "{needle:?} must occur exactly once");
    lines[0] as u32
}

pub fn row(
    name: &str,
    version: &str,
    module: &str,
    var: &str,
    line: u32,
    flags: &[&str],
) -> PackageRow {
    PackageRow {
        name: name.into(),
        version: version.into(),
        module: format!("(gnu packages {module})"),
        variable: var.into(),
        line,
        flags: flags.iter().map(|f| f.to_string()).collect(),
    }
}

/// A file of `data/guix-packages/`.
pub fn shipped(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/guix-packages")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A file of `tests/fixtures/`.
pub fn fixture(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The rows of a TSV text (header skipped), each checked to have
/// `columns` fields.
pub fn parse_tsv(text: &str, columns: usize) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| {
            let fields: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(fields.len(), columns, "{l}");
            fields
        })
        .collect()
}

/// The flags column of a row.
pub fn flags_text(flags: &[String]) -> String {
    if flags.is_empty() {
        "-".to_string()
    } else {
        flags.join(",")
    }
}
