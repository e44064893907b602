//! End-to-end tests of `potluck-wasm check` through the real binary: every
//! fixture dish behaves as its `;; expect:` line says, output formats, exit
//! statuses, and hostile files on disk.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::host::git;
use common::{cache_dir, cli, expectation, fixtures, scm_files, tempdir};
use serde_json::{json, Value};

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

/// Run the CLI as [`cli`] does, with `input` on its standard input.
fn cli_stdin(args: &[&str], cwd: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_potluck-wasm"))
        .args(args)
        .current_dir(cwd)
        .env("POTLUCK_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run potluck-wasm");
    child
        .stdin
        .take()
        .expect("a stdin pipe")
        .write_all(input)
        .expect("write the dish to stdin");
    child.wait_with_output().expect("wait for potluck-wasm")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A git checkout `dir/repo` with `guix-potluck/pigz.scm` (a valid dish,
/// pigz 2.8) and an empty subdirectory `src/deep`.
fn repo_with_a_dish(dir: &Path) -> PathBuf {
    let repo = dir.join("repo");
    std::fs::create_dir_all(repo.join("src/deep")).expect("create src/deep");
    std::fs::create_dir(repo.join("guix-potluck")).expect("create guix-potluck/");
    std::fs::copy(
        fixtures().join("dishes/valid/license-list.scm"),
        repo.join("guix-potluck/pigz.scm"),
    )
    .expect("copy the dish");
    git(&repo, &["init", "-q"]);
    repo
}

/// The summary line of one dish that passed without warnings.
const ONE_OK: &str = "checked 1 dish: 1 ok, 0 failed (0 errors, 0 warnings)\n";

#[test]
fn check_without_a_path_finds_guix_potluck_from_a_subdirectory() {
    let dir = tempdir();
    let repo = repo_with_a_dish(dir.path());
    let out = cli(&["check"], &repo.join("src/deep"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Found above the current directory: shown by its absolute path.
    let dish = repo
        .canonicalize()
        .expect("canonical repo path")
        .join("guix-potluck/pigz.scm");
    assert_eq!(
        stderr(&out),
        format!("ok: pigz 2.8 ({})\n{ONE_OK}", dish.display())
    );

    // The search stops at the root of the repository the directory is in:
    // a nested checkout does not see its parent's guix-potluck/.
    let nested = repo.join("vendor/lib");
    std::fs::create_dir_all(&nested).expect("create vendor/lib");
    git(&nested, &["init", "-q"]);
    let out = cli(&["check"], &nested);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "there is no guix-potluck/ directory here or above, up to the repository root"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_of_a_repository_root_checks_its_guix_potluck() {
    let dir = tempdir();
    let repo = repo_with_a_dish(dir.path());
    for arg in ["repo", "repo/"] {
        let out = cli(&["check", arg], dir.path());
        assert_eq!(out.status.code(), Some(0), "{arg}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("ok: pigz 2.8 (repo/guix-potluck/pigz.scm)\n{ONE_OK}"),
            "{arg}"
        );
    }
    let abs = repo.to_str().expect("a UTF-8 temp path");
    let out = cli(&["check", abs], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("ok: pigz 2.8 ({abs}/guix-potluck/pigz.scm)\n{ONE_OK}")
    );
}

#[test]
fn check_dash_reads_one_dish_from_stdin() {
    let dir = tempdir();
    let dish =
        std::fs::read(fixtures().join("dishes/valid/license-list.scm")).expect("read the dish");
    let out = cli_stdin(&["check", "-"], dir.path(), &dish);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("ok: pigz 2.8 (<stdin>)\n{ONE_OK}"));

    let bad = b"(potluck-package\n  (name \"x\")\n  (bogus 1))\n";
    let out = cli_stdin(&["check", "-"], dir.path(), bad);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: unknown potluck-package field `bogus` [invalid-dish]\n --> <stdin>:3:4\n"
        ),
        "{}",
        stderr(&out)
    );

    // JSON names it the same way.
    let out = cli_stdin(&["check", "--format", "json", "-"], dir.path(), bad);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["dishes"][0]["file"], "<stdin>");
    assert_eq!(json["dishes"][0]["diagnostics"][0]["file"], "<stdin>");
    assert_eq!(json["dishes"][0]["diagnostics"][0]["line"], 3);
    assert_eq!(json["dishes"][0]["diagnostics"][0]["column"], 4);
}

#[test]
fn quiet_prints_only_problems_and_the_summary() {
    let root = fixtures().join("dishes");
    let dishes = ["author/license-list.scm", "author/lint-tzdata-input.scm"];
    let full = cli(&["check", dishes[0], dishes[1]], &root);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let full = stderr(&full);
    assert_eq!(
        full.lines().filter(|l| l.starts_with("ok: ")).count(),
        2,
        "{full}"
    );
    let without_ok: String = full
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("ok: "))
        .collect();
    for flag in ["-q", "--quiet"] {
        let out = cli(&["check", flag, dishes[0], dishes[1]], &root);
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr(&out));
        let quiet = stderr(&out);
        assert_eq!(quiet, without_ok, "{flag}");
        assert!(
            quiet.starts_with(
                "warning: field `inputs`: \"tzdata\" should probably not be an input at all [lint]\n"
            ),
            "{flag}: {quiet}"
        );
        assert!(
            quiet.ends_with("\nchecked 2 dishes: 2 ok, 0 failed (0 errors, 1 warning)\n"),
            "{flag}: {quiet}"
        );
    }
    // Nothing to say but the summary.
    let out = cli(&["check", "-q", dishes[0]], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), ONE_OK);
}

#[test]
fn version_names_the_index_commit_and_the_guest_hash() {
    let dir = tempdir();
    // `-V` is the short form, as in rustc and cargo: the version alone.
    let out = cli(&["-V"], dir.path());
    assert!(out.status.success(), "-V: {}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        concat!("potluck-wasm ", env!("CARGO_PKG_VERSION"), "\n")
    );
    {
        let flag = "--version";
        let out = cli(&[flag], dir.path());
        assert!(out.status.success(), "{flag}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).expect("UTF-8 version");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{flag}: {text}");
        assert_eq!(
            lines[0],
            concat!("potluck-wasm ", env!("CARGO_PKG_VERSION")),
            "{flag}"
        );
        let hex = |s: &str, n: usize| {
            s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        };
        let commit = lines[1]
            .strip_prefix("package index: Guix commit ")
            .unwrap_or_else(|| panic!("{flag}: {text}"));
        assert!(hex(commit, 40), "{flag}: {text}");
        let hash = lines[2]
            .strip_prefix("guest component: sha256 ")
            .unwrap_or_else(|| panic!("{flag}: {text}"));
        assert!(hex(hash, 64), "{flag}: {text}");
    }
}

#[test]
fn bindings_and_imports_refuse_sandbox_limit_flags() {
    let dir = tempdir();
    for cmd in ["bindings", "imports"] {
        for (flag, value) in [
            ("--fuel", "5"),
            ("--timeout-ms", "5"),
            ("--memory-mib", "2"),
        ] {
            let out = cli(&[cmd, flag, value], dir.path());
            assert_eq!(out.status.code(), Some(2), "{cmd} {flag}: {}", stderr(&out));
            assert!(
                stderr(&out).starts_with(&format!("error: unexpected argument '{flag}' found\n")),
                "{cmd} {flag}: {}",
                stderr(&out)
            );
            assert!(out.stdout.is_empty(), "{cmd} {flag}");
        }
    }
}

#[test]
fn emit_takes_the_output_flags_of_check() {
    let dir = tempdir();
    let flags = [
        "emit",
        "--format",
        "json",
        "--jobs",
        "2",
        "--color",
        "never",
        "--deny-warnings",
        "--repo",
        "https://example.org/potluck/dishes.git",
        "--branch",
        "main",
        "--out",
    ];
    let good = fixtures().join("dishes/author/license-list.scm");
    let channel = dir.path().join("channel");
    let mut args = flags.to_vec();
    args.extend([
        channel.to_str().expect("UTF-8 path"),
        good.to_str().expect("UTF-8 path"),
    ]);
    let out = cli(&args, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(json["schema"], 1);
    assert_eq!(
        json["summary"],
        json!({"checked": 1, "ok": 1, "failed": 0, "errors": 0, "warnings": 0})
    );
    let module = json["dishes"][0]["module"]["file"]
        .as_str()
        .unwrap_or_else(|| panic!("no module in {json}"));
    assert!(channel.join(module).is_file(), "{module} was not written");

    // --deny-warnings: a lint warning fails the dish, and nothing is emitted.
    let warned = fixtures().join("dishes/author/lint-tzdata-input.scm");
    let channel = dir.path().join("denied");
    let mut args = flags.to_vec();
    args.extend([
        channel.to_str().expect("UTF-8 path"),
        warned.to_str().expect("UTF-8 path"),
    ]);
    let out = cli(&args, dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(
        json["summary"],
        json!({"checked": 1, "ok": 0, "failed": 1, "errors": 1, "warnings": 0})
    );
    assert_eq!(json["dishes"][0]["diagnostics"][0]["severity"], "error");
    assert_eq!(json["dishes"][0]["diagnostics"][0]["kind"], "lint");
    assert!(
        !channel.join("modules").exists(),
        "a denied dish was emitted"
    );
}

#[test]
fn json_has_a_schema_the_counts_and_always_the_documented_keys() {
    let dir = tempdir();
    let limit = dir.path().join("omega.scm");
    std::fs::write(&limit, "((lambda (x) (x x)) (lambda (x) (x x)))\n").expect("write");
    let warned = fixtures().join("dishes/author/lint-tzdata-input.scm");
    let failed = fixtures().join("dishes/author/license-spdx-mit.scm");
    let (code, json) = check_json(
        &[limit.as_path(), warned.as_path(), failed.as_path()],
        dir.path(),
    );
    assert_eq!(code, 1, "{json}");
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {v}"))
            .keys()
            .cloned()
            .collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["dishes", "schema", "summary"]);
    assert_eq!(json["schema"], 1);
    assert_eq!(
        json["summary"],
        json!({"checked": 3, "ok": 1, "failed": 2, "errors": 2, "warnings": 1})
    );
    let dishes = json["dishes"].as_array().expect("dishes");
    assert_eq!(dishes.len(), 3);
    for d in dishes {
        assert_eq!(
            keys(d),
            ["diagnostics", "dish", "file", "inputs", "ok"],
            "{d}"
        );
        for diag in d["diagnostics"].as_array().expect("diagnostics") {
            assert_eq!(
                keys(diag),
                [
                    "column", "file", "help", "kind", "line", "message", "notes", "severity",
                    "span"
                ],
                "{diag}"
            );
        }
    }
    // Stopped by a limit: no dish, no inputs, no position; the keys are
    // there, as null.
    let stopped = &dishes[0];
    assert_eq!(stopped["ok"], false);
    assert_eq!(stopped["dish"], Value::Null);
    assert_eq!(stopped["inputs"], Value::Null);
    let d = &stopped["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["kind"], "limit");
    assert_eq!(d["line"], Value::Null);
    assert_eq!(d["column"], Value::Null);
    assert_eq!(d["span"], Value::Null);
    // A warning does not fail its dish; an error does.
    assert_eq!(dishes[1]["ok"], true);
    assert_eq!(dishes[1]["diagnostics"][0]["severity"], "warning");
    assert_eq!(dishes[2]["ok"], false);
    assert_eq!(dishes[2]["diagnostics"][0]["severity"], "error");
}

/// Quote `s` for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Whether `script` (util-linux) can run a command on a pseudo-terminal
/// here; says loudly why not otherwise.
fn script_works() -> bool {
    let ok = Command::new("script")
        .args(["-qec", "true", "/dev/null"])
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "\n*** SKIPPED colour on a terminal: `script -qec` (util-linux) cannot run here.\n"
        );
    }
    ok
}

/// The terminal output of `check --color auto` on a dish with an error,
/// run on a pseudo-terminal by `script`, with `NO_COLOR` and `TERM` set as
/// `env` says (unset when absent).
fn on_a_terminal(env: &[(&str, &str)]) -> String {
    let dish = fixtures().join("dishes/author/license-spdx-mit.scm");
    let command = format!(
        "{} check --no-verify-source --color auto {}",
        sh_quote(env!("CARGO_BIN_EXE_potluck-wasm")),
        sh_quote(dish.to_str().expect("UTF-8 path"))
    );
    let dir = tempdir();
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"])
        .current_dir(dir.path())
        .env("SHELL", "/bin/sh")
        .env("POTLUCK_CACHE_DIR", cache_dir())
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run script");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("checked 1 dish: 0 ok, 1 failed (1 error, 0 warnings)"),
        "{env:?}: {text}"
    );
    text
}

#[test]
fn colour_on_a_terminal_follows_no_color_and_term() {
    if !script_works() {
        return;
    }
    let coloured = |env: &[(&str, &str)]| on_a_terminal(env).contains('\x1b');
    assert!(coloured(&[("TERM", "xterm")]), "a terminal is coloured");
    assert!(
        coloured(&[("TERM", "xterm"), ("NO_COLOR", "")]),
        "an empty NO_COLOR does not disable colour (no-color.org)"
    );
    assert!(
        !coloured(&[("TERM", "xterm"), ("NO_COLOR", "1")]),
        "NO_COLOR=1 disables colour"
    );
    assert!(!coloured(&[("TERM", "dumb")]), "TERM=dumb gets no colour");
}
