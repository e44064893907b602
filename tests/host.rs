//! End-to-end tests of the shared host: `potluck-wasm host-channel` as a real
//! process, fixture repos made by the tests and served by a real
//! `git daemon` on 127.0.0.1 (the server runs with the testing-only
//! `--allow-loopback-remotes`), `potluck-wasm update` as the client, real
//! Guile reading every committed module, `git fsck` on the channel, a
//! kill -9 in the middle of a burst, and the status page in headless
//! Chromium.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::host::*;
use common::{cache_dir, tempdir};

#[test]
fn an_update_publishes_keeps_and_removes_modules() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let broken = b";; a broken dish\n(potluck-package (name \"broken\"))\n";
    let repo = daemon.repo(
        "alice",
        &[
            ("guix-potluck/assoc.scm", &valid_dish("assoc-tables.scm")),
            ("guix-potluck/bits.scm", &valid_dish("bit-operations.scm")),
            ("guix-potluck/broken.scm", broken),
            ("guix-potluck/README.md", b"not a dish"),
            ("src/main.c", b"int main(void) { return 0; }\n"),
        ],
    );
    let server = Server::start(&tmp.path().join("state"), &["--workers", "2"]);
    let url = daemon.url("alice");

    // The client, as an author runs it.
    let (code, out) = update_cli(&["update", &url, "main", "--host", &server.base, "--wait"]);
    assert_eq!(code, 1, "a failing dish makes `update --wait` fail: {out}");
    assert!(out.contains("2 published, 1 failed"), "{out}");
    assert!(out.contains("FAILED broken.scm"), "{out}");
    assert!(
        out.contains("guix-potluck/broken.scm:2:1"),
        "diagnostics with file:line:col: {out}"
    );
    assert!(out.contains("ok     assoc.scm"), "{out}");

    let ch = server.channel();
    let files = channel_files(&ch);
    assert!(files.contains(&".guix-channel".to_string()));
    let modules: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("modules/gnu/"))
        .collect();
    let sources: Vec<&String> = files.iter().filter(|f| f.starts_with("dishes/")).collect();
    assert_eq!(modules.len(), 2, "{files:?}");
    assert_eq!(sources.len(), 2, "{files:?}");
    let bits = modules
        .iter()
        .find(|m| m.ends_with("/main/bits.scm"))
        .unwrap()
        .to_string();
    let bits_source = sources
        .iter()
        .find(|m| m.ends_with("/main/bits.scm"))
        .unwrap()
        .to_string();
    assert_eq!(
        channel_read(&ch, &bits_source).unwrap().as_bytes(),
        valid_dish("bit-operations.scm")
    );
    let log = git(&ch, &["log", "--format=%s", "main"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(
        log.lines().next().unwrap(),
        format!("Update {url} branch main at {head}")
    );
    assert_eq!(guile_reads_every_module(&ch), 2);
    fsck(&ch);

    // The API shows the dishes, with diagnostics for the failing one.
    let (s, d) = get(&server.base, "/api/dishes");
    assert_eq!(s, 200);
    let dishes = d["dishes"].as_array().unwrap();
    assert_eq!(dishes.len(), 3);
    let b = dishes.iter().find(|d| d["file"] == "broken.scm").unwrap();
    assert_eq!(b["ok"], false);
    assert!(b["module-path"].is_null());
    assert!(!b["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(b["diagnostics"][0]["file"], "guix-potluck/broken.scm");
    let (_, r) = get(&server.base, "/api/repos");
    assert_eq!(r["repos"][0]["git-url"], url.as_str());
    assert_eq!(r["repos"][0]["dishes"], 3);
    assert_eq!(r["repos"][0]["failing"], 1);

    // Second commit: bits breaks (keeps its last good module), assoc is
    // removed (its module goes), a new dish appears.
    std::fs::write(repo.join("guix-potluck/bits.scm"), "(this is not a dish").unwrap();
    std::fs::remove_file(repo.join("guix-potluck/assoc.scm")).unwrap();
    write_files(
        &repo,
        &[("guix-potluck/new.scm", &valid_dish("bounded-recursion.scm"))],
    );
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "change"]);
    let id = enqueue(&server.base, &url, "main");
    let job = wait_job(&server, id);
    assert_eq!(job["state"], "done", "{job}");
    let files = channel_files(&ch);
    assert!(
        files.contains(&bits),
        "the failing dish keeps its module: {files:?}"
    );
    assert!(files.contains(&bits_source));
    assert!(
        !files.iter().any(|f| f.ends_with("/assoc.scm")),
        "{files:?}"
    );
    assert!(files
        .iter()
        .any(|f| f.ends_with("gnu/packages/potluck/") || f.ends_with("/main/new.scm")));
    assert!(files.contains(&".guix-channel".to_string()));
    let bits_rec = job["dishes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "bits.scm")
        .unwrap()
        .clone();
    assert_eq!(bits_rec["ok"], false);
    assert_eq!(
        bits_rec["module-path"],
        bits.as_str(),
        "the kept module is shown"
    );
    assert!(bits_rec["rendered"]
        .as_str()
        .unwrap()
        .contains("bits.scm:1:1"));
    assert_eq!(guile_reads_every_module(&ch), 2);
    fsck(&ch);

    // The same commit again: no new channel commit.
    let before = git(&ch, &["rev-parse", "main"]);
    let id = enqueue(&server.base, &url, "main");
    let job = wait_job(&server, id);
    assert!(job["channel-commit"].is_null(), "{job}");
    assert!(job["summary"]
        .as_str()
        .unwrap()
        .contains("already up to date"));
    assert_eq!(git(&ch, &["rev-parse", "main"]), before);
}

#[test]
fn the_api_refuses_bad_requests_with_clear_json_errors() {
    let tmp = tempdir();
    let server = Server::start(
        &tmp.path().join("state"),
        &["--workers", "0", "--max-queued", "3"],
    );
    let base = &server.base;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"{not json".to_vec(), "not valid JSON"),
        (b"[1, 2]".to_vec(), "must be a JSON object"),
        (br#"{"branch": "main"}"#.to_vec(), "`git-url` is missing"),
        (
            br#"{"git-url": "https://example.org/r.git"}"#.to_vec(),
            "`branch` is missing",
        ),
        (
            br#"{"git-url": 42, "branch": "main"}"#.to_vec(),
            "must be a string",
        ),
        (
            br#"{"git-url": "file:///etc", "branch": "main"}"#.to_vec(),
            "scheme `file:`",
        ),
        (
            br#"{"git-url": "ext::sh -c id", "branch": "main"}"#.to_vec(),
            "git-url",
        ),
        (
            br#"{"git-url": "/srv/git/repo", "branch": "main"}"#.to_vec(),
            "git-url",
        ),
        (
            br#"{"git-url": "https://10.1.2.3/r.git", "branch": "main"}"#.to_vec(),
            "not a public address",
        ),
        (
            br#"{"git-url": "https://example.org/r.git", "branch": "--upload-pack=touch /tmp/x"}"#
                .to_vec(),
            "must not start with `-`",
        ),
        (
            br#"{"git-url": "https://example.org/r.git", "branch": "a..b"}"#.to_vec(),
            "`..`",
        ),
        (
            br#"{"git-url": "https://example.org/r.git", "branch": ""}"#.to_vec(),
            "empty",
        ),
        (
            format!(
                r#"{{"git-url": "https://example.org/{}", "branch": "main"}}"#,
                "a".repeat(9000)
            )
            .into_bytes(),
            "larger than 8192 bytes",
        ),
    ];
    for (body, want) in cases {
        let (status, _, v) = post_raw(base, &body);
        assert_eq!(status, 400, "{v}");
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(want), "expected {want:?} in {msg:?}");
    }
    // Duplicates get the waiting job's id; a full queue says when to retry.
    let a = enqueue(base, "https://example.org/a.git", "main");
    assert_eq!(enqueue(base, "https://example.org/a.git", "main"), a);
    let b = enqueue(base, "https://example.org/a.git", "dev");
    assert_ne!(a, b);
    enqueue(base, "https://example.org/b.git", "main");
    let (status, retry, v) = post_raw(
        base,
        br#"{"git-url": "https://example.org/c.git", "branch": "main"}"#,
    );
    assert_eq!(status, 503, "{v}");
    assert!(retry.is_some());
    assert!(v["error"].as_str().unwrap().contains("queue is full"));
    // Unknown jobs and pages.
    assert_eq!(get(base, "/api/jobs/999999").0, 404);
    assert_eq!(get(base, "/api/jobs/abc").0, 400);
    assert_eq!(get(base, "/nope").0, 404);
    let (s, j) = get(base, &format!("/api/jobs/{a}"));
    assert_eq!(s, 200);
    assert_eq!(j["state"], "queued");
    assert_eq!(j["git-url"], "https://example.org/a.git");
}

#[test]
fn hostile_repos_get_clear_diagnostics_and_nothing_escapes() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let good = valid_dish("assoc-tables.scm");

    // Symlinks out of the tree, a submodule, a non-UTF-8 name, a 200 MB
    // dish and a 200 MB data file next to one good dish.
    let repo = daemon.repo("mixed", &[("guix-potluck/good.scm", &good)]);
    std::os::unix::fs::symlink("/etc/passwd", repo.join("guix-potluck/passwd.scm")).unwrap();
    std::os::unix::fs::symlink("../../../etc", repo.join("guix-potluck/up.scm")).unwrap();
    let raw = std::ffi::OsStr::from_bytes(b"caf\xe9.scm");
    std::fs::write(repo.join("guix-potluck").join(raw), &good).unwrap();
    let big = vec![b' '; 200 << 20];
    std::fs::write(repo.join("guix-potluck/big.scm"), &big).unwrap();
    std::fs::write(repo.join("data.bin"), &big).unwrap();
    drop(big);
    git(&repo, &["add", "-A"]);
    let sub_commit = git(&repo, &["rev-parse", "HEAD"]);
    git(
        &repo,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{sub_commit},guix-potluck/sub.scm"),
        ],
    );
    write_files(
        &repo,
        &[(
            ".gitmodules",
            b"[submodule \"x\"]\n\tpath = guix-potluck/sub.scm\n\turl = ../evil\n",
        )],
    );
    git(&repo, &["add", ".gitmodules"]);
    git(&repo, &["commit", "-q", "-m", "hostile"]);

    // A template with a hook in the server's environment must not run.
    let hooks = tmp.path().join("template/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let marker = tmp.path().join("hook-ran");
    let hook = hooks.join("post-checkout");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch {}\n", marker.display())).unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    // The server starts with hostile environment variables the fetch must
    // ignore: a template directory with a hook, and a hooks path.
    let state = tmp.path().join("state");
    let template = tmp.path().join("template");
    let server = &Server::start_with_env(
        &state,
        &["--max-dishes", "100"],
        &[
            ("GIT_TEMPLATE_DIR", &template),
            (
                "GIT_CONFIG_PARAMETERS",
                Path::new("'core.hookspath'='/tmp/hooks'"),
            ),
        ],
    );

    let id = enqueue(&server.base, &daemon.url("mixed"), "main");
    let job = wait_job(server, id);
    assert_eq!(job["state"], "done", "{job}\n{}", server.log());
    let dishes = job["dishes"].as_array().unwrap();
    let find = |f: &str| {
        dishes
            .iter()
            .find(|d| d["file"].as_str().unwrap().contains(f))
            .unwrap_or_else(|| panic!("no record for {f}: {dishes:?}"))
            .clone()
    };
    assert_eq!(find("good.scm")["ok"], true);
    for (file, want) in [
        ("passwd.scm", "symbolic link"),
        ("up.scm", "symbolic link"),
        ("sub.scm", "submodule"),
        ("caf", "not valid UTF-8"),
        ("big.scm", "larger than the 1048576-byte limit"),
    ] {
        let d = find(file);
        assert_eq!(d["ok"], false, "{file}");
        assert!(
            d["rendered"].as_str().unwrap().contains(want),
            "{file}: {d}"
        );
    }
    assert!(!marker.exists(), "a hook ran");
    let files = channel_files(&server.channel());
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with("modules/gnu/"))
            .count(),
        1,
        "{files:?}"
    );
    assert!(!files.iter().any(|f| f.contains("passwd")));
    fsck(&server.channel());
    // Scratch space is reclaimed.
    let scratch: Vec<_> = std::fs::read_dir(state.join("scratch")).unwrap().collect();
    assert!(scratch.is_empty(), "{scratch:?}");

    // Thousands of dishes: refused as a whole, with the numbers.
    let many: Vec<(String, Vec<u8>)> = (0..2000)
        .map(|i| (format!("guix-potluck/d{i}.scm"), good.clone()))
        .collect();
    let many_refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    daemon.repo("many", &many_refs);
    let job = wait_job(server, enqueue(&server.base, &daemon.url("many"), "main"));
    assert_eq!(job["state"], "failed");
    assert!(
        job["error"].as_str().unwrap().contains("2000 dishes")
            && job["error"].as_str().unwrap().contains("at most 100"),
        "{job}"
    );

    // No guix-potluck directory; a guix-potluck symlink; a missing branch;
    // a branch that disappears after a good update.
    daemon.repo("empty", &[("README", b"nothing here")]);
    let job = wait_job(server, enqueue(&server.base, &daemon.url("empty"), "main"));
    assert!(
        job["error"]
            .as_str()
            .unwrap()
            .contains("no guix-potluck/ directory"),
        "{job}"
    );
    let linked = daemon.repo("linked", &[("real/x.scm", &good)]);
    std::os::unix::fs::symlink("real", linked.join("guix-potluck")).unwrap();
    git(&linked, &["add", "-A"]);
    git(&linked, &["commit", "-q", "-m", "link"]);
    let job = wait_job(server, enqueue(&server.base, &daemon.url("linked"), "main"));
    assert!(
        job["error"].as_str().unwrap().contains("symbolic link"),
        "{job}"
    );
    let job = wait_job(server, enqueue(&server.base, &daemon.url("mixed"), "nope"));
    assert_eq!(job["state"], "failed");
    assert!(job["error"].as_str().unwrap().contains("nope"), "{job}");
    git(&repo, &["branch", "feature"]);
    let ok = wait_job(
        server,
        enqueue(&server.base, &daemon.url("mixed"), "feature"),
    );
    assert_eq!(ok["state"], "done");
    git(&repo, &["branch", "-D", "feature"]);
    let gone = wait_job(
        server,
        enqueue(&server.base, &daemon.url("mixed"), "feature"),
    );
    assert_eq!(gone["state"], "failed", "{gone}");
    assert!(
        gone["error"].as_str().unwrap().contains("feature"),
        "{gone}"
    );
    // Its last good module stays in the channel.
    let files = channel_files(&server.channel());
    assert!(
        files.iter().any(|f| f.contains("/feature/good.scm")),
        "{files:?}"
    );
    // A published dish that turns into a symlink keeps its last good module.
    std::fs::remove_file(repo.join("guix-potluck/good.scm")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.join("guix-potluck/good.scm")).unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "link"]);
    let job = wait_job(server, enqueue(&server.base, &daemon.url("mixed"), "main"));
    let rec = job["dishes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "good.scm")
        .unwrap()
        .clone();
    assert_eq!(rec["ok"], false, "{rec}");
    assert!(rec["rendered"].as_str().unwrap().contains("symbolic link"));
    let kept = rec["module-path"]
        .as_str()
        .expect("the kept module is shown");
    assert!(channel_files(&server.channel()).contains(&kept.to_string()));
    // A repo that is not there at all.
    let job = wait_job(
        server,
        enqueue(&server.base, &daemon.url("missing"), "main"),
    );
    assert_eq!(job["state"], "failed");
    assert!(!job["error"].as_str().unwrap().is_empty());
    fsck(&server.channel());
    assert!(!marker.exists(), "a hook ran");
}

#[test]
fn kill_9_mid_burst_loses_no_accepted_job() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let good = valid_dish("assoc-tables.scm");
    let other = valid_dish("bit-operations.scm");
    let repos: Vec<String> = (0..12)
        .map(|i| {
            let name = format!("r{i}");
            daemon.repo(
                &name,
                &[
                    ("guix-potluck/a.scm", &good),
                    ("guix-potluck/b.scm", &other),
                ],
            );
            daemon.url(&name)
        })
        .collect();
    let state = tmp.path().join("state");
    // First only the API runs: every accepted request must be on disk when
    // the process is killed in the middle of the burst.
    let mut server = Server::start(&state, &["--workers", "0"]);
    let mut accepted = std::collections::BTreeSet::new();
    for (i, url) in repos.iter().enumerate() {
        accepted.insert(enqueue(&server.base, url, "main"));
        if i == 5 {
            server.restart(&["--workers", "0"]);
        }
    }
    // Workers start; kill -9 once some jobs are done and others are not.
    server.restart(&["--workers", "2"]);
    let state_of =
        |server: &Server, id: i64| get(&server.base, &format!("/api/jobs/{id}")).1["state"].clone();
    let start = Instant::now();
    loop {
        let done = accepted
            .iter()
            .filter(|id| state_of(&server, **id) == "done")
            .count();
        if done >= 1 {
            assert!(
                done < accepted.len(),
                "all jobs finished before the crash; the test needs more work"
            );
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.restart(&["--workers", "2"]);
    for id in &accepted {
        let job = wait_job(&server, *id);
        assert_eq!(job["state"], "done", "job {id}: {job}\n{}", server.log());
    }
    let ch = server.channel();
    fsck(&ch);
    let files = channel_files(&ch);
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with("modules/gnu/"))
            .count(),
        repos.len() * 2,
        "{files:?}"
    );
    // Each update was committed once: a re-run after a crash finds the
    // channel up to date.
    let log = git(&ch, &["log", "--format=%s", "main"]);
    let updates: Vec<&str> = log.lines().filter(|l| l.starts_with("Update ")).collect();
    let unique: std::collections::BTreeSet<&&str> = updates.iter().collect();
    assert_eq!(updates.len(), unique.len(), "{log}");
    assert_eq!(updates.len(), repos.len());
    assert_eq!(guile_reads_every_module(&ch), repos.len() * 2);
}

#[test]
fn sigterm_stops_the_host_cleanly() {
    let tmp = tempdir();
    let server = Server::start(&tmp.path().join("state"), &["--workers", "1"]);
    let pid = server.child.id() as i32;
    // SAFETY: sending SIGTERM to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let mut server = server;
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}\n{}", server.log());
    assert!(server.log().contains("stopped"));
}

#[test]
fn a_second_host_on_the_same_state_is_refused() {
    let tmp = tempdir();
    let state = tmp.path().join("state");
    let server = Server::start(&state, &["--workers", "0"]);
    let out = Command::new(BIN)
        .args(["host-channel", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .env("POTLUCK_CACHE_DIR", cache_dir())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("another host-channel is using the state directory"),
        "{err}"
    );
    // The first host still answers.
    let (status, _) = get(&server.base, "/api/repos");
    assert_eq!(status, 200);
    drop(server);
    // Once it is gone, the state is free again.
    let again = Server::start(&state, &["--workers", "0"]);
    assert_eq!(get(&again.base, "/api/repos").0, 200);
}

/// The status page in a real browser: it shows the dishes, the failure with
/// its diagnostic and the queue.  The screenshot is kept as an artifact in
/// `target/test-artifacts/status-page.png`.
#[test]
fn the_status_page_renders_in_headless_chromium() {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required in CI (scripts/setup --test installs it)"
        );
        eprintln!("SKIPPED: chromium is not installed (scripts/setup --test installs it)");
        return;
    };
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    daemon.repo(
        "page",
        &[
            ("guix-potluck/assoc.scm", &valid_dish("assoc-tables.scm")),
            (
                "guix-potluck/oops.scm",
                b"(potluck-package (name \"oops\") <script>alert(1)</script>",
            ),
        ],
    );
    let server = Server::start(&tmp.path().join("state"), &["--workers", "1"]);
    wait_job(&server, enqueue(&server.base, &daemon.url("page"), "main"));
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let shot = artifacts.join("status-page.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tmp.path().join("chromium-profile");
    let browser = |extra: &[&str]| {
        Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--window-size=1280,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("{}/", server.base))
            .output()
            .unwrap()
    };
    let dom = browser(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("potluck host"), "{dom}");
    assert!(dom.contains("libevent"), "the dish is listed: {dom}");
    assert!(dom.contains("id=\"failures\""), "{dom}");
    assert!(dom.contains("oops.scm"), "the failure is shown: {dom}");
    assert!(
        dom.contains("&lt;script&gt;"),
        "dish text is escaped: {dom}"
    );
    assert!(
        !dom.contains("<script>alert"),
        "dish text became markup: {dom}"
    );
    let out = browser(&[&format!("--screenshot={}", shot.display())]);
    assert!(
        shot.exists() && std::fs::metadata(&shot).unwrap().len() > 10_000,
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("screenshot: {}", shot.display());
}
