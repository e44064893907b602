//! Real Guix judges the channels we publish.  `tests/guix/check-channel.scm`
//! does with a channel directory what `guix pull` and `guix build` do, with
//! the real Guix source of `POTLUCK_GUIX_SOURCE` (`.ci/run` sets it to
//! `../shared/guix/src`) loaded once, interpreted, in one Guile process.
//! It checks, in that one process:
//!
//! - **emit**: the channel `potluck-wasm emit` writes from every valid
//!   fixture dish;
//! - **host**: the channel repository a real `host-channel` publishes after
//!   an update of a repo (served by `git daemon`) that holds the shared
//!   valid dishes, cloned as a subscriber clones it;
//! - both again under **skew**: the subscriber's Guix lacks `oniguruma`
//!   (an input of the `jq` dish) and has `libpng-next` in another module;
//!   every module must still load and only the packages using those inputs
//!   fail, with an error naming the dish and the specification;
//! - **broken**: a negative control made from the emitted channel with the
//!   three regressions this test exists to catch (a dish source under the
//!   module directory, an input imported with `#:select` of a variable
//!   Guix lacks, an argument keyword the build system does not accept),
//!   which must each be reported.
//!
//! Without the Guix source or Guile the test says so on stderr and passes,
//! unless `CI` is set, where it fails.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::host::*;
use common::{cli, fixtures, guix_source, scm_files, tempdir};

const SKEW_REMOVE: &str = "remove:gnu/packages/textutils.scm:oniguruma";
const SKEW_MOVE: &str = "move:gnu/packages/image.scm:libpng-next:gnu/packages/pretty-print.scm";

/// One RESULT line of the checker.
#[derive(Debug, Clone)]
struct Row {
    kind: String,
    fields: Vec<String>,
}

fn rows(stdout: &str) -> Vec<Row> {
    stdout
        .lines()
        .filter(|l| l.starts_with("RESULT"))
        .map(|l| {
            let mut parts = l.split('\t').map(str::to_string);
            Row {
                kind: parts.next().unwrap(),
                fields: parts.collect(),
            }
        })
        .collect()
}

/// The rows of `kind` for the run labelled `label`.
fn of<'a>(rows: &'a [Row], kind: &str, label: &str) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r.kind == kind && r.fields.first().is_some_and(|c| c == label))
        .collect()
}

/// Channel "host": a real host publishes the shared valid dishes.
fn host_channel(tmp: &Path) -> (PathBuf, usize) {
    let daemon = Daemon::start(&tmp.join("repos"));
    let shared = scm_files(&fixtures().join("shared-dishes/valid"));
    let contents: Vec<(String, Vec<u8>)> = shared
        .iter()
        .map(|p| {
            (
                format!("guix-potluck/{}", p.file_name().unwrap().to_str().unwrap()),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = contents
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    daemon.repo("dishes", &files);
    let server = Server::start(&tmp.join("state"), &["--workers", "2"]);
    let id = enqueue(&server.base, &daemon.url("dishes"), "main");
    let job = wait_job(&server, id);
    assert_eq!(job["state"], "done", "{job:#}\n{}", server.log());
    let clone = tmp.join("host-channel");
    let out = Command::new("git")
        .args(["clone", "--quiet", "--branch", "main"])
        .arg(server.channel())
        .arg(&clone)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (clone, shared.len())
}

/// Channel "broken": a few emitted modules with one regression each.
fn broken_channel(emitted: &Path, to: &Path) {
    let modules = scm_files(&emitted.join("modules"));
    let copy = |name: &str| -> (PathBuf, String) {
        let from = modules
            .iter()
            .find(|p| p.file_name().is_some_and(|f| f == name))
            .unwrap_or_else(|| panic!("no emitted {name}"));
        let rel = from.strip_prefix(emitted).unwrap();
        (to.join(rel), std::fs::read_to_string(from).unwrap())
    };
    std::fs::create_dir_all(to.join("modules")).unwrap();
    std::fs::copy(emitted.join(".guix-channel"), to.join(".guix-channel")).unwrap();
    let write = |path: &Path, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    // 1. A keyword the build system does not accept.
    let (jq, text) = copy("jq.scm");
    assert!(text.contains("#:configure-flags"));
    write(&jq, &text.replace("#:configure-flags", "#:configure-flagz"));
    // 2. An input imported by name, which Guix lacks.
    let (tealdeer, text) = copy("tealdeer.scm");
    let text = text.replacen(
        "  #:use-module (guix packages)\n",
        "  #:use-module (guix packages)\n  #:use-module ((gnu packages textutils) #:select (oniguruma-renamed))\n",
        1,
    );
    assert!(text.contains("oniguruma-renamed"));
    write(&tealdeer, &text);
    // 3. A dish source in the module directory.
    write(
        &to.join("modules/stray-dish.scm"),
        &std::fs::read_to_string(fixtures().join("shared-dishes/valid/jq.scm")).unwrap(),
    );
}

#[test]
fn real_guix_pulls_and_builds_the_channels_we_publish() {
    let Some(guix) = guix_source("the real-Guix channel test") else {
        return;
    };
    let tmp = tempdir();
    let tmp = tmp.path();

    // Channel "emit".
    let emitted = tmp.join("emit-channel");
    let mut args = vec![
        "emit".to_string(),
        "--repo".into(),
        "https://example.org/alice/dishes".into(),
        "--branch".into(),
        "main".into(),
        "--out".into(),
        emitted.display().to_string(),
    ];
    let valid: Vec<PathBuf> = scm_files(&fixtures().join("shared-dishes/valid"))
        .into_iter()
        .chain(scm_files(&fixtures().join("dishes/valid")))
        .collect();
    args.extend(valid.iter().map(|p| p.display().to_string()));
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(&argv, tmp);
    assert!(
        out.status.success(),
        "emit: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let emitted_modules = scm_files(&emitted.join("modules")).len();
    assert_eq!(emitted_modules, valid.len(), "one module per valid dish");

    let (hosted, hosted_dishes) = host_channel(tmp);
    let hosted_modules = scm_files(&hosted.join("modules")).len();
    assert_eq!(hosted_modules, hosted_dishes);
    let broken = tmp.join("broken-channel");
    broken_channel(&emitted, &broken);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/guix/check-channel.scm");
    let e = emitted.display().to_string();
    let h = hosted.display().to_string();
    let b = broken.display().to_string();
    #[rustfmt::skip]
    let check_args: Vec<&str> = vec![
        "--quiet", "--style",
        &e, &h, &b,
        "--skew", SKEW_REMOVE, "--skew", SKEW_MOVE,
        "--expect-fail", "/jq.scm",
        "--expect-fail", "/map-filter-sort-inputs.scm",
        "--expect-fail", "/letrec-mutual-recursion.scm",
        &e,
        "--reset",
        "--skew", SKEW_REMOVE, "--skew", SKEW_MOVE,
        "--expect-fail", "/jq.scm",
        &h,
    ];
    let started = std::time::Instant::now();
    let out = Command::new("guile")
        .arg("-L")
        .arg(&guix)
        .arg("-s")
        .arg(&script)
        .args(&check_args)
        .env("GUILE_AUTO_COMPILE", "0")
        .current_dir(tmp)
        .output()
        .expect("run guile");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!(
        "check-channel.scm ran {:.0} s, exit {:?}",
        started.elapsed().as_secs_f64(),
        out.status.code()
    );
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    // The whole report is kept for whoever reads a CI log.
    let kept = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-channel-report.txt");
    std::fs::write(&kept, &report).unwrap();
    eprintln!("check-channel.scm report: {}", kept.display());
    let rows = rows(&stdout);
    let skew = format!("+skew={SKEW_REMOVE},{SKEW_MOVE}");
    let overall: BTreeMap<String, String> = of_kind(&rows, "RESULT-OVERALL");
    let expected_overall: BTreeMap<String, String> = [
        (e.clone(), "ok"),
        (h.clone(), "ok"),
        (b.clone(), "fail"),
        (format!("{e}{skew}"), "ok"),
        (format!("{h}{skew}"), "ok"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    assert_eq!(overall, expected_overall, "{report}");

    // Every package of the good channels lowers, every module loads, and
    // `guix style` leaves every file as it is.
    for label in [&e, &h] {
        let packages = of(&rows, "RESULT", label);
        let want = if *label == e {
            emitted_modules
        } else {
            hosted_modules
        };
        assert_eq!(packages.len(), want, "{label}: {report}");
        assert!(packages.iter().all(|r| r.fields[3] == "ok"), "{report}");
        let modules = of(&rows, "RESULT-MODULE", label);
        assert_eq!(modules.len(), want, "{report}");
        assert!(modules.iter().all(|r| r.fields[2] == "ok"), "{report}");
        let style = of(&rows, "RESULT-STYLE", label);
        assert_eq!(style.len(), want, "{report}");
        assert!(style.iter().all(|r| r.fields[2] == "ok"), "{report}");
        assert_eq!(of(&rows, "RESULT-CHANNEL", label)[0].fields[1], "ok");
    }

    // Under skew every module still loads and compiles; only the packages
    // with a missing input fail, and they say which dish and input.
    for (label, failing) in [
        (
            format!("{e}{skew}"),
            &[
                "/jq.scm",
                "/map-filter-sort-inputs.scm",
                "/letrec-mutual-recursion.scm",
            ][..],
        ),
        (format!("{h}{skew}"), &["/jq.scm"][..]),
    ] {
        assert_eq!(
            of(&rows, "RESULT-CHANNEL", &label)[0].fields[1],
            "ok",
            "{report}"
        );
        assert!(
            of(&rows, "RESULT-MODULE", &label)
                .iter()
                .all(|r| r.fields[2] == "ok"),
            "{report}"
        );
        assert!(
            of(&rows, "RESULT-SKEW", &label)
                .iter()
                .all(|r| r.fields[2] == "ok"),
            "{report}"
        );
        let expect = of(&rows, "RESULT-EXPECT", &label);
        assert_eq!(expect.len(), failing.len(), "{report}");
        assert!(
            expect.iter().all(|r| r.fields[3] == "expected-fail"),
            "{report}"
        );
        for r in of(&rows, "RESULT", &label) {
            let module_fails = failing.iter().any(|f| {
                let stem = &f[1..f.len() - ".scm".len()];
                r.fields[1].ends_with(&format!(" {stem})"))
            });
            if module_fails {
                assert_eq!(r.fields[3], "fail", "{report}");
                assert!(r.fields[4].contains("is not in this Guix"), "{r:?}");
                assert!(r.fields[4].contains("potluck: "), "{r:?}");
            } else {
                assert_eq!(r.fields[3], "ok", "{r:?}\n{report}");
            }
        }
    }

    // The negative control: each regression is caught.
    assert_eq!(
        of(&rows, "RESULT-CHANNEL", &b)[0].fields[1],
        "fail",
        "{report}"
    );
    let modules = of(&rows, "RESULT-MODULE", &b);
    let failed = |needle: &str| {
        modules
            .iter()
            .any(|r| r.fields[1].contains(needle) && r.fields[2] == "fail")
    };
    assert!(
        failed("stray-dish"),
        "a dish source under modules/: {report}"
    );
    assert!(
        failed("tealdeer"),
        "an import of a missing variable: {report}"
    );
    let jq = of(&rows, "RESULT", &b)
        .into_iter()
        .find(|r| r.fields[1].ends_with(" jq)"))
        .cloned();
    let jq = jq.unwrap_or_else(|| panic!("no jq result: {report}"));
    assert_eq!(jq.fields[3], "fail", "{report}");
    assert!(jq.fields[4].contains("configure-flagz"), "{jq:?}");
}

/// RESULT-OVERALL rows as label → ok|fail.
fn of_kind(rows: &[Row], kind: &str) -> BTreeMap<String, String> {
    rows.iter()
        .filter(|r| r.kind == kind)
        .map(|r| (r.fields[0].clone(), r.fields[1].clone()))
        .collect()
}
