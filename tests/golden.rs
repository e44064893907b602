//! Golden files: the human-readable diagnostics of `potluck-wasm check` for
//! every sample dish and every dish of an author's habits and mistakes, byte
//! for byte.  Regenerate them after an intended change with:
//!
//!     scripts/regenerate-golden
//!
//! and review the diff.

mod common;

use std::path::Path;

use common::{cli, fixtures, scm_files};

/// Check every dish under `root/sub` (or all of `root` when `sub` is empty)
/// from `root`, and compare its stderr with `tests/golden/diagnostics/`,
/// named after its path from `root` (`valid/jq.scm` → `valid__jq.txt`).
/// Returns the mismatches; with `UPDATE_GOLDEN` set, writes the files.
fn compare(root: &Path, sub: &str) -> Vec<String> {
    let golden = fixtures().join("../golden/diagnostics");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = scm_files(&root.join(sub));
    assert!(
        !files.is_empty(),
        "no dishes under {}",
        root.join(sub).display()
    );
    let mut mismatches = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(root)
            .expect("a dish under the fixture root")
            .to_str()
            .expect("a UTF-8 fixture path")
            .to_string();
        let out = cli(&["check", "--color", "never", &rel], root);
        let text = String::from_utf8(out.stderr).expect("UTF-8 diagnostics");
        let name = rel.replace('/', "__").replace(".scm", ".txt");
        let path = golden.join(&name);
        if update {
            std::fs::write(&path, &text)
                .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == text => {}
            Ok(expected) => mismatches.push(format!(
                "{name}:\n--- expected\n{expected}\n--- got\n{text}"
            )),
            Err(_) => mismatches.push(format!(
                "{name}: missing golden file (run scripts/regenerate-golden)"
            )),
        }
    }
    mismatches
}

#[test]
fn diagnostics_match_the_golden_files() {
    let mismatches = compare(&fixtures().join("shared-dishes"), "");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// What a dish author writes out of Guix habit or by mistake
/// (`tests/fixtures/dishes/author/`): each diagnostic in full, help included.
#[test]
fn author_diagnostics_match_the_golden_files() {
    let mismatches = compare(&fixtures().join("dishes"), "author");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
