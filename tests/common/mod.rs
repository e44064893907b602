//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

pub mod host;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use potluck_sandbox::{Cache, Limits, Sandbox};

/// The compiled-code cache shared by the tests of one build (a cache, not
/// test state: every test's own files live in its own temp dir).
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("potluck-cache")
}

pub fn sandbox() -> Sandbox {
    sandbox_with(Limits::default())
}

pub fn sandbox_with(limits: Limits) -> Sandbox {
    Sandbox::new(limits, &Cache::Dir(cache_dir()), 4)
        .expect("sandbox")
        .0
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// Run the CLI with the shared cache.
pub fn cli(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_potluck-wasm"))
        .args(args)
        .current_dir(cwd)
        .env("POTLUCK_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1")
        .output()
        .expect("run potluck-wasm")
}

/// The `;; expect: KIND` of a fixture.
pub fn expectation(text: &str) -> &str {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix(";; expect: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("fixture without an `;; expect:` first line"))
}

/// Every `*.scm` under `dir`, recursively, sorted.
pub fn scm_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "scm") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("potluck-test-")
        .tempdir()
        .expect("tempdir")
}

/// The golden file `tests/golden/NAME`: with `UPDATE_GOLDEN` set (see
/// `scripts/regenerate-golden`) it is written with `actual` first.
pub fn golden_or_update(name: &str, actual: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
    }
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden file {}: {e}; run scripts/regenerate-golden and review the diff",
            path.display()
        )
    })
}

/// The Guix source, or `None` after saying loudly why the test cannot run
/// (a panic under `CI`).
pub fn guix_source(test: &str) -> Option<PathBuf> {
    let missing = |why: String| {
        let text = format!(
            "\n*** SKIPPED {test}: {why}.\n\
             *** Set POTLUCK_GUIX_SOURCE to a Guix source tree (CI uses ../shared/guix/src)\n\
             *** and install Guile 3.0 with Guix's libraries (scripts/setup --test).\n"
        );
        if std::env::var_os("CI").is_some() {
            panic!("{text}");
        }
        eprintln!("{text}");
        None
    };
    let Some(src) = std::env::var_os("POTLUCK_GUIX_SOURCE") else {
        return missing("POTLUCK_GUIX_SOURCE is not set".into());
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let src = root.join(src);
    if !src.join("guix/channels.scm").is_file() {
        return missing(format!("{} has no guix/channels.scm", src.display()));
    }
    match Command::new("guile").arg("--version").output() {
        Ok(o) if o.status.success() => {}
        _ => return missing("guile is not on PATH".into()),
    }
    Some(src.canonicalize().unwrap())
}
