//! Channel modules: real Guile 3.0 reads every emitted module (only the
//! allowed top-level forms), loads it against stub modules written here, and
//! the package's fields equal the dish's, character for character — also for
//! hostile strings.  Golden files pin the exact text; regenerate them with
//! `UPDATE_GOLDEN=1 cargo test -p potluck-wasm --test emit`.
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

/// Stub modules for everything an emitted module uses: `package`, `origin`
/// and `git-reference` build association lists, every other imported name
/// is bound to its own symbol.
fn write_stubs(dir: &Path, modules: &[String]) {
    let write = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let record = |name: &str| {
        format!(
            "(define-syntax {name}\n  (syntax-rules ()\n    ((_ (field value) ...)\n     (let* ((field value) ...) (list (cons 'field field) ...)))))\n"
        )
    };
    write(
        "guix/packages.scm",
        &format!("(define-module (guix packages) #:export (package origin base32))\n{}{}(define (base32 s) s)\n", record("package"), record("origin")),
    );
    write(
        "guix/git-download.scm",
        &format!(
            "(define-module (guix git-download) #:export (git-fetch git-reference git-file-name))\n(define git-fetch 'git-fetch)\n{}(define (git-file-name n v) (string-append n \"-\" v \"-checkout\"))\n",
            record("git-reference")
        ),
    );
    let licenses: Vec<String> =
        std::fs::read_to_string(fixtures().join("../../data/guix-packages/licenses.tsv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect();
    let mut lic = format!(
        "(define-module (guix licenses) #:export ({}))\n",
        licenses.join(" ")
    );
    for l in &licenses {
        lic.push_str(&format!("(define {l} '{l})\n"));
    }
    write("guix/licenses.scm", &lic);
    // Build systems and package modules, from the emitted #:use-module lines.
    let mut imports: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for text in modules {
        for line in text.lines() {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("#:use-module ((gnu packages ") {
                let (m, sel) = rest.split_once(") #:select (").unwrap();
                let vars = sel.trim_end_matches(')').trim_end_matches(')');
                imports
                    .entry(format!("gnu packages {m}"))
                    .or_default()
                    .extend(vars.split(' ').map(String::from));
            } else if let Some(rest) = l.strip_prefix("#:use-module (guix build-system ") {
                let m = rest.trim_end_matches(')');
                imports
                    .entry(format!("guix build-system {m}"))
                    .or_default()
                    .insert(format!("{m}-build-system"));
            }
        }
    }
    for (m, vars) in imports {
        let vars: Vec<String> = vars.into_iter().collect();
        let mut text = format!("(define-module ({m}) #:export ({}))\n", vars.join(" "));
        for v in &vars {
            text.push_str(&format!("(define {v} '{v})\n"));
        }
        write(&format!("{}.scm", m.replace(' ', "/")), &text);
    }
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
        "(channel\n  (version 0)\n  (directory \".\"))\n"
    );

    let mut check_args = vec!["check", "--format", "json"];
    check_args.extend(paths.iter().map(String::as_str));
    let json: Value = serde_json::from_slice(&cli(&check_args, dir.path()).stdout).unwrap();

    let mut modules = Vec::new();
    let mut script = String::from("(define (codes s) (map char->integer (string->list s)))\n");
    for (path, report) in dishes.iter().zip(json["dishes"].as_array().unwrap()) {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let m = potluck_wasm::emit::module_path(REPO, BRANCH, &stem);
        let file = channel.join(&m.file);
        let text = std::fs::read_to_string(&file).unwrap();
        let d = &report["dish"];
        let var = format!("potluck-{}", d["name"]["value"].as_str().unwrap());
        // Only (define-module ...) and (define-public ...) at top level.
        script.push_str(&format!(
            "(write (call-with-input-file {:?} (lambda (p) (let loop ((acc '())) (let ((x (read p))) (if (eof-object? x) (reverse acc) (loop (cons (car x) acc))))))))\n(newline)\n",
            file.display().to_string()
        ));
        script.push_str(&format!(
            "(let* ((p (@ ({}) {var})) (src (assq-ref p 'source)) (ref (assq-ref src 'uri)))\n  (write (list (codes (assq-ref p 'name)) (codes (assq-ref p 'version)) (codes (assq-ref p 'synopsis)) (codes (assq-ref p 'description)) (codes (assq-ref p 'home-page)) (codes (assq-ref ref 'url)) (codes (assq-ref ref 'commit)) (codes (assq-ref src 'sha256)) (assq-ref p 'license) (assq-ref src 'file-name))))\n(newline)\n",
            m.name.join(" ")
        ));
        let s = |k: &str| d[k]["value"].as_str().unwrap().to_string();
        let src = |k: &str| d["source"][k]["value"].as_str().unwrap().to_string();
        modules.push((
            stem,
            text,
            vec![
                "(define-module define-public)".to_string(),
                format!(
                    "({} {} {} {} {} {} {} {} {} {:?})",
                    codes(&s("name")),
                    codes(&s("version")),
                    codes(&s("synopsis")),
                    codes(&s("description")),
                    codes(&s("home-page")),
                    codes(&src("git-uri")),
                    codes(&src("git-commit")),
                    codes(&src("sha256")),
                    s("license"),
                    format!("{}-{}-checkout", s("name"), s("version")),
                ),
            ],
        ));
    }
    let stubs = dir.path().join("stubs");
    let texts: Vec<String> = modules.iter().map(|(_, t, _)| t.clone()).collect();
    write_stubs(&stubs, &texts);
    let output = guile(&script, &[&stubs, &channel]);
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
    let golden = fixtures().join("../golden/modules");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let shared: BTreeSet<String> = scm_files(&fixtures().join("shared-dishes/valid"))
        .iter()
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    for (stem, text) in modules.iter().filter(|(s, _)| shared.contains(s)) {
        let path = golden.join(format!("{stem}.scm"));
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, text).unwrap();
        } else {
            let expected = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("missing {} (UPDATE_GOLDEN=1)", path.display()));
            assert_eq!(
                text, &expected,
                "{stem}: emitted module differs from its golden file"
            );
        }
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
    let evil = r#"Evil \") (system \"touch /tmp/potluck-canary\") (\" #.(exit) ; comment\n line two\u2028 sep \\ back #| x |# \u202e rtl"#;
    let text = template.replace(
        "(description \"jq is like sed for JSON data.",
        &format!("(description \"{evil} jq is like sed for JSON data."),
    );
    assert_ne!(text, template);
    std::fs::write(&dish, text).unwrap();
    emit_and_load(&[dish]);
    assert!(!Path::new("/tmp/potluck-canary").exists());
}
