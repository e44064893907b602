//! The hostile corpus: every dish in `tests/fixtures/dishes/hostile/` is
//! stopped exactly as the `;; expect: KIND -- description` first line says,
//! when the real binary checks the whole directory in one run, and the host's
//! peak memory stays bounded while it does.
//!
//! File names are prefixed by category: `cap-` (capability probes: I/O,
//! evaluation, modules, processes), `loop-` (every loop form), `mem-`
//! (memory and bignum bombs), `rec-` (deep non-tail recursion), `reader-`
//! (reader bombs), `callcc-` (continuation tricks), `exn-` (exceptions thrown
//! from handlers) and `macro-` (macro expansion bombs).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{cache_dir, cli, expectation, fixtures, scm_files, tempdir};
use serde_json::Value;

/// Every category prefix, with the least number of cases it must hold.
const CATEGORIES: &[(&str, usize)] = &[
    ("cap-", 40),
    ("loop-", 20),
    ("mem-", 20),
    ("rec-", 10),
    ("reader-", 10),
    ("callcc-", 5),
    ("exn-", 10),
    ("macro-", 10),
];

/// The least number of cases in the corpus.
const MIN_CASES: usize = 150;

/// Dishes evaluated at once.  Peak memory grows with the number of live
/// sandboxes (each may use up to its 64 MiB of linear memory), so the run is
/// pinned to a fixed count for the bound below to mean the same everywhere.
const JOBS: &str = "2";

/// The bound on the peak resident set size of the `check` process, in KiB
/// (the unit of `ru_maxrss` on Linux).
const MAX_RSS_KIB: libc::c_long = 200 * 1024;

/// The whole run must finish well within this; a hang fails the test.
const DEADLINE: Duration = Duration::from_secs(300);

fn hostile_dir() -> PathBuf {
    fixtures().join("dishes/hostile")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_else(|| panic!("bad fixture path {}", path.display()))
        .to_string()
}

fn category(name: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .map(|(prefix, _)| *prefix)
        .find(|prefix| name.starts_with(prefix))
}

/// The peak resident set size, in KiB, of the largest child process this
/// process has waited for.
fn children_peak_rss_kib() -> libc::c_long {
    // SAFETY: `rusage` is a plain C struct for which all zero bytes is a
    // valid value, and `getrusage` only writes into the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage` for the whole call.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage: {}", std::io::Error::last_os_error());
    usage.ru_maxrss
}

/// The diagnostic a capability probe promises, from its second line
/// `;; diagnostic: KIND | MESSAGE | HELP` (the help part is optional): the
/// first error must have that kind, its message must contain MESSAGE (be
/// MESSAGE, for an unbound variable) and its
/// help HELP.  Every `cap-` probe expected to fail must carry one, so that a
/// probe stopped for the wrong reason (a typo, a missing field) fails.
fn promised_diagnostic<'a>(
    name: &str,
    text: &'a str,
    expect: &str,
) -> Option<Result<(&'a str, &'a str, Option<&'a str>), String>> {
    if !name.starts_with("cap-") || expect != "error" {
        return None;
    }
    let Some(line) = text
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix(";; diagnostic: "))
    else {
        return Some(Err(
            "a failing capability probe must say on its second line which diagnostic stops it \
             (`;; diagnostic: KIND | MESSAGE | HELP`)"
                .to_string(),
        ));
    };
    let mut parts = line.split(" | ");
    let kind = parts.next().unwrap_or_default();
    let message = parts.next().unwrap_or_default();
    let help = parts.next();
    if kind.is_empty() || message.is_empty() {
        return Some(Err(format!("malformed diagnostic line `{line}`")));
    }
    Some(Ok((kind, message, help)))
}

#[test]
fn the_corpus_is_large_and_covers_every_category() {
    let files = scm_files(&hostile_dir());
    assert!(
        files.len() >= MIN_CASES,
        "only {} hostile cases, at least {MIN_CASES} are required",
        files.len()
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for file in &files {
        let name = file_name(file);
        match category(&name) {
            Some(prefix) => *counts.entry(prefix).or_default() += 1,
            None => problems.push(format!("{name}: no category prefix")),
        }
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let first = text.lines().next().unwrap_or_default();
        match first
            .strip_prefix(";; expect: ")
            .and_then(|rest| rest.split_once(" -- "))
        {
            Some((kind, description)) => {
                if !matches!(kind, "ok" | "error" | "limit") {
                    problems.push(format!("{name}: unknown expectation `{kind}`"));
                }
                if description.trim().is_empty() {
                    problems.push(format!("{name}: the expect line has no description"));
                }
            }
            None => problems.push(format!(
                "{name}: the first line is not `;; expect: KIND -- description`"
            )),
        }
    }
    for (prefix, min) in CATEGORIES {
        let n = counts.get(prefix).copied().unwrap_or(0);
        if n < *min {
            problems.push(format!(
                "category {prefix}: {n} cases, at least {min} required"
            ));
        }
    }
    println!("{} hostile cases: {counts:?}", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_hostile_dish_is_stopped_as_expected_with_bounded_memory() {
    let files = scm_files(&hostile_dir());
    assert!(files.len() >= MIN_CASES, "only {} cases", files.len());
    let dir = tempdir();

    // Compile (or load) the guest first, so the measured run below is the
    // evaluation of the corpus, not code generation.
    let warm = cli(&["bindings"], dir.path());
    assert!(
        warm.status.success(),
        "{}",
        String::from_utf8_lossy(&warm.stderr)
    );

    let out_path = dir.path().join("report.json");
    let err_path = dir.path().join("stderr.txt");
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_potluck-wasm"))
        .args(["check", "--format", "json", "--jobs", JOBS])
        .arg(hostile_dir())
        .current_dir(dir.path())
        .env("POTLUCK_CACHE_DIR", cache_dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .expect("run potluck-wasm");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for potluck-wasm") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`potluck-wasm check` did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let peak_kib = children_peak_rss_kib();
    println!(
        "checked {} hostile dishes in {elapsed:.2?}; peak RSS of the check process: {peak_kib} KiB ({:.1} MiB)",
        files.len(),
        peak_kib as f64 / 1024.0
    );

    let stderr = std::fs::read_to_string(err_path).unwrap_or_default();
    assert_eq!(
        status.code(),
        Some(1),
        "hostile dishes must fail, with exit status 1: {status}\n{stderr}"
    );
    let stdout = std::fs::read(out_path).unwrap();
    let json: Value = serde_json::from_slice(&stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}",
            String::from_utf8_lossy(&stdout[..stdout.len().min(2000)])
        )
    });
    let reports = json["dishes"].as_array().expect("a `dishes` array");

    let mut by_name: BTreeMap<String, &Value> = BTreeMap::new();
    for report in reports {
        let file = report["file"].as_str().expect("a `file` string");
        let previous = by_name.insert(file_name(Path::new(file)), report);
        assert!(previous.is_none(), "{file} reported twice");
    }
    let expected_names: BTreeSet<String> =
        files.iter().map(PathBuf::as_path).map(file_name).collect();
    let reported_names: BTreeSet<String> = by_name.keys().cloned().collect();
    assert_eq!(
        expected_names, reported_names,
        "the reports must be exactly the fixture files"
    );

    let mut failures = Vec::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        let name = file_name(file);
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let expect = expectation(&text);
        let report = by_name[&name];
        let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
        let all_kinds: Vec<&str> = diagnostics
            .iter()
            .map(|d| d["kind"].as_str().expect("a diagnostic kind"))
            .collect();
        let error_kinds: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d["severity"] == "error")
            .map(|d| d["kind"].as_str().expect("a diagnostic kind"))
            .collect();
        let ok = report["ok"].as_bool().expect("an `ok` boolean");
        let good = match expect {
            "ok" => ok && error_kinds.is_empty(),
            "error" => {
                !ok && !error_kinds.is_empty()
                    && !error_kinds
                        .iter()
                        .any(|k| *k == "limit" || *k == "internal")
            }
            "limit" => !ok && error_kinds.contains(&"limit"),
            other => panic!("{name}: unknown expectation `{other}`"),
        };
        let mut good = good;
        if let Some(promise) = promised_diagnostic(&name, &text, expect) {
            match promise {
                Err(problem) => {
                    failures.push(format!("{name}: {problem}"));
                }
                Ok((kind, message, help)) => {
                    // The first error is the one the probe promises.
                    let first = diagnostics.iter().find(|d| d["severity"] == "error");
                    let got_kind = first.and_then(|d| d["kind"].as_str()).unwrap_or("");
                    let got_message = first.and_then(|d| d["message"].as_str()).unwrap_or("");
                    let got_help = first.and_then(|d| d["help"].as_str()).unwrap_or("");
                    // An unbound variable's message is exact, so that a probe
                    // of `system*` is not satisfied by `system`.
                    let message_ok = if kind == "unbound-variable" {
                        got_message == message
                    } else {
                        got_message.contains(message)
                    };
                    if got_kind != kind || !message_ok || !help.is_none_or(|h| got_help.contains(h))
                    {
                        good = false;
                        failures.push(format!(
                            "{name}: promised `{kind}: {message}` (help: {help:?}), got `{got_kind}: {got_message}` (help: {got_help:?})"
                        ));
                    }
                }
            }
        }
        if !good || all_kinds.contains(&"internal") {
            let messages: Vec<String> = diagnostics
                .iter()
                .map(|d| {
                    format!(
                        "{} {}: {}",
                        d["severity"].as_str().unwrap_or("?"),
                        d["kind"].as_str().unwrap_or("?"),
                        d["message"].as_str().unwrap_or("?")
                    )
                })
                .collect();
            failures.push(format!(
                "{name}: expected {expect}, got ok={ok} {messages:?}"
            ));
        }
        *outcomes.entry(expect.to_string()).or_default() += 1;
    }
    println!("expectations: {outcomes:?}");
    assert!(
        failures.is_empty(),
        "{} hostile dishes misbehaved:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        peak_kib <= MAX_RSS_KIB,
        "peak RSS of `potluck-wasm check` was {peak_kib} KiB, over the {MAX_RSS_KIB} KiB bound"
    );
}
