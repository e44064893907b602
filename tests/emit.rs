//! Channel modules: real Guile 3.0's reader reads every emitted module (only
//! the allowed top-level forms), and the package's fields equal the dish's,
//! character for character — also for hostile strings.  (Loading them in
//! real Guix is `tests/guix.rs`'s job.)  Golden files pin the exact text;
//! regenerate them with `scripts/regenerate-golden`.
//!
//! Guile is required: a missing `guile` is a failure, not a skip.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{cli, fixtures, scm_files, tempdir};
use serde_json::Value;

const REPO: &str = "https://example.org/potluck/dishes.git";
const BRANCH: &str = "main";

fn guile(script: &str, load_path: &[&Path]) -> String {
    let mut cmd = Command::new("guile");
    cmd.arg("--no-auto-compile");
    for p in load_path {
        cmd.arg("-L").arg(p);
    }
    let out = cmd.arg("-c").arg(script).output().expect(
        "Guile 3.0 must be installed (scripts/setup --test installs it): cannot run `guile`",
    );
    assert!(
        out.status.success(),
        "guile failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn codes(s: &str) -> String {
    let c: Vec<String> = s.chars().map(|c| (c as u32).to_string()).collect();
    format!("({})", c.join(" "))
}

/// Emit `dishes` into a fresh channel and check them in Guile; returns the
/// emitted module texts by file stem.
fn emit_and_load(dishes: &[std::path::PathBuf]) -> Vec<(String, String)> {
    let dir = tempdir();
    let channel = dir.path().join("channel");
    let paths: Vec<String> = dishes.iter().map(|p| p.display().to_string()).collect();
    let mut args = vec![
        "emit",
        "--repo",
        REPO,
        "--branch",
        BRANCH,
        "--out",
        channel.to_str().unwrap(),
    ];
    args.extend(paths.iter().map(String::as_str));
    let out = cli(&args, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(channel.join(".guix-channel")).unwrap(),
        "(channel\n  (version 0)\n  (directory \"modules\"))\n"
    );

    let mut check_args = vec!["check", "--format", "json"];
    check_args.extend(paths.iter().map(String::as_str));
    let json: Value = serde_json::from_slice(&cli(&check_args, dir.path()).stdout).unwrap();

    let mut modules = Vec::new();
    let mut script = String::from(
        "(define (codes s) (map char->integer (string->list s)))
(define (forms file)
  (call-with-input-file file
    (lambda (p) (let loop ((acc '())) (let ((x (read p))) (if (eof-object? x) (reverse acc) (loop (cons x acc))))))))
(define (field pkg name) (cadr (assq name (cdr pkg))))
",
    );
    for (path, report) in dishes.iter().zip(json["dishes"].as_array().unwrap()) {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let m = potluck_dish::layout::module_path(REPO, BRANCH, &stem);
        let file = channel.join(&m.file);
        let text = std::fs::read_to_string(&file).unwrap();
        let d = &report["dish"];
        // Only the four allowed forms at top level; the package's fields.
        script.push_str(&format!(
            "(let* ((f (forms {file:?})) (pkg (caddr (list-ref f 3))) (src (field pkg 'source))
        (ref (cadr (assq 'uri (cdr src)))) (sha (cadr (assq 'sha256 (cdr src)))))
  (write (map car f)) (newline)
  (write (list (codes (field pkg 'name)) (codes (field pkg 'version)) (codes (field pkg 'synopsis))
               (codes (field pkg 'description)) (codes (field pkg 'home-page))
               (codes (cadr (assq 'url (cdr ref)))) (codes (cadr (assq 'commit (cdr ref))))
               (codes (cadr sha)) (field pkg 'license) (cadr (list-ref f 3))))
  (newline))\n",
            file = file.display().to_string()
        ));
        let s = |k: &str| d[k]["value"].as_str().unwrap().to_string();
        let src = |k: &str| d["source"][k]["value"].as_str().unwrap().to_string();
        modules.push((
            stem,
            text,
            vec![
                "(define-module define define define-public)".to_string(),
                format!(
                    "({} {} {} {} {} {} {} {} {} potluck-{})",
                    codes(&s("name")),
                    codes(&s("version")),
                    codes(&s("synopsis")),
                    codes(&potluck_dish::emit::fill(&s("description"), 70)),
                    codes(&s("home-page")),
                    codes(&src("git-uri")),
                    codes(&src("git-commit")),
                    codes(&src("sha256")),
                    {
                        let l: Vec<String> = d["licenses"]["items"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|l| format!("license:{}", l["value"].as_str().unwrap()))
                            .collect();
                        if l.len() == 1 {
                            l[0].clone()
                        } else {
                            format!("(list {})", l.join(" "))
                        }
                    },
                    s("name"),
                ),
            ],
        ));
    }
    let output = guile(&script, &[]);
    let expected: Vec<String> = modules.iter().flat_map(|(_, _, e)| e.clone()).collect();
    let got: Vec<&str> = output.lines().collect();
    assert_eq!(got.len(), expected.len(), "{output}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(*g, e, "Guile read back something else");
    }
    modules.into_iter().map(|(s, t, _)| (s, t)).collect()
}

fn valid_dishes() -> Vec<std::path::PathBuf> {
    let mut v = scm_files(&fixtures().join("shared-dishes/valid"));
    v.extend(scm_files(&fixtures().join("dishes/valid")));
    v
}

#[test]
fn every_valid_dish_emits_a_module_that_guile_reads_and_loads() {
    let dishes = valid_dishes();
    assert!(dishes.len() > 50);
    let modules = emit_and_load(&dishes);
    // Golden files for the sample dishes.
    let shared: BTreeSet<String> = scm_files(&fixtures().join("shared-dishes/valid"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    for (stem, text) in modules.iter().filter(|(s, _)| shared.contains(s)) {
        let expected = common::golden_or_update(&format!("modules/{stem}.scm"), text);
        assert_eq!(
            text, &expected,
            "{stem}: emitted module differs from its golden file"
        );
    }
}

#[test]
fn emission_is_deterministic() {
    let dishes = vec![fixtures().join("shared-dishes/valid/tealdeer.scm")];
    let a = emit_and_load(&dishes);
    let b = emit_and_load(&dishes);
    assert_eq!(a, b);
}

#[test]
fn hostile_strings_come_back_exactly_and_never_become_code() {
    let dir = tempdir();
    let dish = dir.path().join("evil.scm");
    let template = std::fs::read_to_string(fixtures().join("shared-dishes/valid/jq.scm")).unwrap();
    let evil = r#"Evil \") (system \"touch /tmp/potluck-canary\") (\" #.(exit) ; comment\n line two \\ back #| x |# \t tab"#;
    let text = template.replace(
        "(description \"jq is like sed for JSON data.",
        &format!("(description \"{evil} jq is like sed for JSON data."),
    );
    assert_ne!(text, template);
    std::fs::write(&dish, text).unwrap();
    emit_and_load(&[dish]);
    assert!(!Path::new("/tmp/potluck-canary").exists());
}

/// Characters no module may hold are refused by `check`, so `emit` writes
/// nothing for the dish.
#[test]
fn unwritable_strings_are_refused_not_written() {
    let dir = tempdir();
    let template = std::fs::read_to_string(fixtures().join("shared-dishes/valid/jq.scm")).unwrap();
    for c in ['\u{2028}', '\u{202e}', '\u{1}', '\u{feff}'] {
        let dish = dir.path().join("evil.scm");
        std::fs::write(
            &dish,
            template.replace(
                "(description \"jq is",
                &format!("(description \"a{c}b jq is"),
            ),
        )
        .unwrap();
        let out_dir = dir.path().join("channel");
        let out = cli(
            &[
                "emit",
                "--repo",
                REPO,
                "--branch",
                BRANCH,
                "--out",
                out_dir.to_str().unwrap(),
                dish.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{c:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("U+{:04X}", c as u32)), "{c:?}: {err}");
        assert!(
            !out_dir.join("modules").exists(),
            "{c:?}: a module was written"
        );
    }
}
