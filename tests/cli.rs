//! End-to-end tests of `potluck-wasm check` through the real binary: every
//! fixture dish behaves as its `;; expect:` line says, output formats, exit
//! statuses, and hostile files on disk.

mod common;

use std::path::Path;

use common::{cli, expectation, fixtures, scm_files, tempdir};
use serde_json::Value;

fn check_json(paths: &[&Path], cwd: &Path) -> (i32, Value) {
    let mut args = vec!["check", "--format", "json"];
    let strs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    args.extend(strs.iter().map(String::as_str));
    let out = cli(&args, cwd);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn every_fixture_dish_behaves_as_expected() {
    let files = scm_files(&fixtures().join("shared-dishes"))
        .into_iter()
        .chain(scm_files(&fixtures().join("dishes")))
        .collect::<Vec<_>>();
    assert!(files.len() >= 40, "only {} fixtures", files.len());
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let dir = tempdir();
    let (code, json) = check_json(&refs, dir.path());
    assert_eq!(code, 1, "some fixtures are expected to fail");
    let reports = json["dishes"].as_array().unwrap();
    assert_eq!(reports.len(), files.len());
    let mut failures = Vec::new();
    for (file, report) in files.iter().zip(reports) {
        let text = std::fs::read_to_string(file).unwrap();
        let expect = expectation(&text);
        let kinds: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["kind"].as_str().unwrap())
            .collect();
        let ok = report["ok"].as_bool().unwrap();
        let good = match expect {
            "ok" => ok && kinds.is_empty(),
            "error" => {
                !ok && !kinds.is_empty() && !kinds.iter().any(|k| *k == "limit" || *k == "internal")
            }
            "limit" => !ok && kinds.contains(&"limit") && !kinds.contains(&"internal"),
            other => panic!("{}: unknown expectation {other}", file.display()),
        };
        if !good {
            failures.push(format!(
                "{}: expected {expect}, got {:?} {}",
                file.display(),
                kinds,
                report["diagnostics"]
            ));
        }
        // Every diagnostic that has a position points inside the file.
        for d in report["diagnostics"].as_array().unwrap() {
            if let Some(span) = d.get("span").filter(|s| !s.is_null()) {
                let end = span["end"].as_u64().unwrap() as usize;
                assert!(end <= text.len(), "{}: span past the end", file.display());
                assert!(d["line"].as_u64().unwrap() >= 1);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixtures misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn human_output_is_rustc_style_and_exit_statuses_are_right() {
    let dir = tempdir();
    let bad = dir.path().join("bad.scm");
    std::fs::write(&bad, "(define x 1)\n(strng-append \"a\" \"b\")\n").unwrap();
    let out = cli(&["check", bad.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: Unbound variable: strng-append [unbound-variable]"),
        "{err}"
    );
    assert!(err.contains(&format!("--> {}:2:2", bad.display())), "{err}");
    assert!(err.contains("2 | (strng-append \"a\" \"b\")"), "{err}");
    assert!(err.contains("^^^^^^^^^^^^"), "{err}");
    assert!(
        err.contains("= help: did you mean `string-append`?"),
        "{err}"
    );

    let good = fixtures().join("shared-dishes/valid/jq.scm");
    let out = cli(&["check", good.to_str().unwrap()], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("ok: jq 1.7.1"));

    let out = cli(&["check", "does/not/exist"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("cannot read `does/not/exist`: no such file or directory"));

    // No argument and no guix-potluck/ here: a usage error that says what to do.
    let out = cli(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("there is no guix-potluck/ directory here or above"));

    let out = cli(&["check", "--bogus-flag"], dir.path());
    assert_eq!(out.status.code(), Some(2));

    // A memory cap below the interpreter's initial memory is a usage error,
    // not a failure deep in the engine.
    let out = cli(
        &["check", "--memory-mib", "1", good.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("invalid value '1' for '--memory-mib <MIB>': 1 is not in 2..=4096"));
}

#[test]
fn default_path_is_guix_potluck_and_json_has_the_same_facts() {
    let dir = tempdir();
    let pot = dir.path().join("guix-potluck");
    std::fs::create_dir(&pot).unwrap();
    std::fs::copy(
        fixtures().join("shared-dishes/valid/lz4.scm"),
        pot.join("lz4.scm"),
    )
    .unwrap();
    std::fs::write(pot.join("broken.scm"), "(potluck-package (name \"x\")").unwrap();
    std::fs::write(pot.join("README.md"), "not a dish").unwrap();
    let (code, json) = check_json(&[], dir.path());
    assert_eq!(code, 1);
    let reports = json["dishes"].as_array().unwrap();
    assert_eq!(reports.len(), 2, "README.md is not a dish");
    assert_eq!(reports[0]["file"], "guix-potluck/broken.scm");
    assert_eq!(reports[0]["ok"], false);
    let d = &reports[0]["diagnostics"][0];
    assert_eq!(d["kind"], "syntax");
    assert_eq!(d["line"], 1);
    assert_eq!(d["column"], 1);
    assert_eq!(d["file"], "guix-potluck/broken.scm");
    assert!(d["help"].as_str().unwrap().contains("closing parenthesis"));
    assert_eq!(reports[1]["ok"], true);
    assert_eq!(reports[1]["dish"]["name"]["value"], "lz4");
    assert_eq!(json["summary"]["failed"], 1);
}

#[test]
fn hostile_files_on_disk_get_clear_errors_and_the_rest_is_checked() {
    use std::os::unix::fs::symlink;
    let dir = tempdir();
    let pot = dir.path().join("guix-potluck");
    std::fs::create_dir(&pot).unwrap();
    std::fs::copy(
        fixtures().join("shared-dishes/valid/jq.scm"),
        pot.join("a-good.scm"),
    )
    .unwrap();
    std::fs::write(pot.join("binary.scm"), b"(potluck\0\x01\x02").unwrap();
    std::fs::write(pot.join("latin1.scm"), b"(define x \"caf\xe9\")").unwrap();
    // A 100 MB sparse file: refused without being read.
    let big = std::fs::File::create(pot.join("huge.scm")).unwrap();
    big.set_len(100 << 20).unwrap();
    std::fs::write(dir.path().join("secret.scm"), "(potluck-package)").unwrap();
    symlink("../secret.scm", pot.join("escape.scm")).unwrap();
    symlink("/etc/passwd", pot.join("passwd.scm")).unwrap();
    symlink("loop.scm", pot.join("loop.scm")).unwrap();
    symlink(".", pot.join("dir.scm")).unwrap();
    std::fs::create_dir(pot.join("subdir.scm")).unwrap();
    symlink("a-good.scm", pot.join("inside-link.scm")).unwrap();
    // A FIFO: opening it would block forever; it must not be opened.
    let fifo = pot.join("fifo.scm");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());

    let (code, json) = check_json(&[], dir.path());
    assert_eq!(code, 1);
    let reports = json["dishes"].as_array().unwrap();
    let by_name = |n: &str| {
        reports
            .iter()
            .find(|r| r["file"] == format!("guix-potluck/{n}"))
            .unwrap_or_else(|| panic!("no report for {n}: {json}"))
    };
    let msg = |n: &str| {
        by_name(n)["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(by_name("a-good.scm")["ok"], true);
    assert_eq!(
        by_name("inside-link.scm")["ok"],
        true,
        "a symlink inside the tree is fine"
    );
    assert!(
        msg("binary.scm").contains("binary file"),
        "{}",
        msg("binary.scm")
    );
    assert!(
        msg("latin1.scm").contains("not valid UTF-8 (invalid byte at line 1, column 15)"),
        "{}",
        msg("latin1.scm")
    );
    assert!(
        msg("huge.scm").contains("larger than the 1048576-byte limit"),
        "{}",
        msg("huge.scm")
    );
    assert!(
        msg("escape.scm").contains("outside the dish directory"),
        "{}",
        msg("escape.scm")
    );
    assert!(
        msg("passwd.scm").contains("outside the dish directory"),
        "{}",
        msg("passwd.scm")
    );
    assert!(msg("loop.scm").contains("loop"), "{}", msg("loop.scm"));
    assert!(msg("dir.scm").contains("directory"), "{}", msg("dir.scm"));
    assert!(
        msg("subdir.scm").contains("directory"),
        "{}",
        msg("subdir.scm")
    );
    assert!(
        msg("fifo.scm").contains("not a regular file"),
        "{}",
        msg("fifo.scm")
    );
    for r in reports {
        for d in r["diagnostics"].as_array().unwrap() {
            assert_ne!(d["kind"], "internal", "{r}");
        }
    }
}

#[test]
fn bindings_and_imports_commands_audit_the_sandbox() {
    let dir = tempdir();
    let out = cli(&["bindings"], dir.path());
    assert!(out.status.success());
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect();
    assert!(names.len() > 400, "{}", names.len());
    assert!(names.contains(&"potluck-package".to_string()));
    assert!(!names.contains(&"set!".to_string()));
    let out = cli(&["imports"], dir.path());
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("imports nothing"));
}
