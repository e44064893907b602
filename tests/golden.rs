//! Golden files: the human-readable diagnostics of `potluck-wasm check` for
//! every sample dish, byte for byte.  Regenerate them after an intended
//! change with:
//!
//!     scripts/regenerate-golden
//!
//! and review the diff.

mod common;

use common::{cli, fixtures, scm_files};

#[test]
fn diagnostics_match_the_golden_files() {
    let root = fixtures().join("shared-dishes");
    let golden = fixtures().join("../golden/diagnostics");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for file in scm_files(&root) {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let out = cli(&["check", "--color", "never", &rel], &root);
        let text = String::from_utf8(out.stderr).unwrap();
        let name = rel.replace('/', "__").replace(".scm", ".txt");
        let path = golden.join(&name);
        if update {
            std::fs::write(&path, &text).unwrap();
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
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}
