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

/// `METHOD url` with an empty body: the status, the content type and the
/// body.
fn request(method: &str, url: &str) -> (u16, String, String) {
    let a = agent();
    let mut resp = match method {
        "PUT" => a.put(url).send_empty(),
        "DELETE" => a.delete(url).call(),
        _ => a.get(url).call(),
    }
    .unwrap();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = resp.body_mut().read_to_string().unwrap();
    (resp.status().as_u16(), content_type, body)
}

/// GET `path` whatever its size: the status and the bytes.
fn get_bytes(base: &str, path: &str) -> (u16, Vec<u8>) {
    let mut resp = agent().get(&format!("{base}{path}")).call().unwrap();
    let status = resp.status().as_u16();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    (status, body)
}

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
    // Every refusal is JSON with an `error`: a wrong method, a bad
    // `?limit=`, an unknown page or job.
    let refusals = [
        ("PUT", "/api/repos", 405, "not allowed"),
        ("DELETE", "/api/dishes", 405, "not allowed"),
        (
            "GET",
            "/api/enqueue-update",
            405,
            "POST /api/enqueue-update",
        ),
        (
            "GET",
            "/api/repos?limit=0",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        (
            "GET",
            "/api/repos?limit=abc",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        (
            "GET",
            "/api/repos?limit=5000",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        (
            "GET",
            "/api/dishes?limit=0",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        (
            "GET",
            "/api/dishes?limit=abc",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        (
            "GET",
            "/api/dishes?limit=5000",
            400,
            "`limit` is a number from 1 to 1000",
        ),
        ("GET", "/nope", 404, "no such page"),
        ("GET", "/api/jobs/999999", 404, "there is no job 999999"),
        ("GET", "/api/jobs/abc", 400, "a job id is a number"),
    ];
    for (method, path, status, want) in refusals {
        let (s, content_type, body) = request(method, &format!("{base}{path}"));
        assert_eq!(s, status, "{method} {path}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "{method} {path}: content-type {content_type:?}: {body}"
        );
        let v: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|_| panic!("{method} {path}: not JSON: {body}"));
        assert!(
            v["error"].as_str().is_some_and(|e| e.contains(want)),
            "{method} {path}: expected {want:?} in {v}"
        );
    }
    assert_eq!(get(base, "/api/repos?limit=1000").0, 200);
    assert_eq!(get(base, "/api/dishes?limit=1").0, 200);
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
    // A port nothing listens on: the public error says so in general terms,
    // never with the address and port git saw.
    let closed = free_port();
    for url in [
        format!("git://127.0.0.1:{closed}/x"),
        format!("http://127.0.0.1:{closed}/x.git"),
    ] {
        let job = wait_job(server, enqueue(&server.base, &url, "main"));
        assert_eq!(job["state"], "failed", "{job}");
        let error = job["error"].as_str().unwrap();
        assert!(
            error.contains("cannot connect to the repository's host"),
            "{url}: {error}"
        );
        assert!(
            !error.contains(&closed.to_string()) && !error.contains("127.0.0.1"),
            "{url}: the error shows connection details: {error}"
        );
    }
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

/// Issue 16: a SIGTERM with a client open that sends nothing, and one that
/// stopped in the middle of its headers, never finished.  The README
/// promises open connections 10 s and workers 30 s.  The request timeout
/// is long here, so that only the bounded stop can close them.
#[test]
fn sigterm_with_slow_clients_open_stops_within_the_promised_time() {
    use std::io::Write;
    let tmp = tempdir();
    let mut server = Server::start(
        &tmp.path().join("state"),
        &["--workers", "1", "--request-timeout", "300"],
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let _idle = std::net::TcpStream::connect(&addr).unwrap();
    let mut half = std::net::TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id() as i32;
    // SAFETY: sending SIGTERM to our own child process.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no exit 30 s after SIGTERM with slow clients open\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}\n{}", server.log());
    assert!(server.log().contains("stopped"), "{}", server.log());
}

/// Read from `s` until the server closes it; panics if it is still open
/// after `limit`.
fn closed_within(mut s: std::net::TcpStream, limit: Duration, what: &str) -> Duration {
    use std::io::Read;
    let start = Instant::now();
    s.set_read_timeout(Some(limit)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return start.elapsed(),
            // An answer (such as 408) before the close is fine.
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return start.elapsed(),
            Err(e) => panic!("{what}: still open after {:?} ({e})", start.elapsed()),
        }
        assert!(
            start.elapsed() < limit,
            "{what}: still open after {limit:?}"
        );
    }
}

/// Issue 16: connections that sent nothing or half their headers stayed
/// open for minutes, and about 1 100 of them stopped the host.  Each is
/// closed after the request timeout, and no more than `--max-connections`
/// are served at once (the others wait in the kernel's queue).
#[test]
fn idle_and_half_sent_requests_are_closed_and_connections_are_capped() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let tmp = tempdir();
    let server = Server::start(
        &tmp.path().join("state"),
        &["--workers", "0", "--request-timeout", "1"],
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let idle = TcpStream::connect(&addr).unwrap();
    let mut half = TcpStream::connect(&addr).unwrap();
    half.write_all(b"GET /api/repos HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    closed_within(
        idle,
        Duration::from_secs(10),
        "a connection that sent nothing",
    );
    closed_within(
        half,
        Duration::from_secs(10),
        "a connection that sent half its headers",
    );
    assert_eq!(get(&server.base, "/api/repos").0, 200);
    drop(server);

    let server = Server::start(
        &tmp.path().join("capped"),
        &[
            "--workers",
            "0",
            "--request-timeout",
            "60",
            "--max-connections",
            "3",
        ],
    );
    let addr = server.base.trim_start_matches("http://").to_string();
    let holders: Vec<TcpStream> = (0..3).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));
    // The kernel takes a fourth connection, but the host does not serve it
    // while three are open.
    let mut fourth = TcpStream::connect(&addr).unwrap();
    fourth
        .write_all(b"GET /api/repos HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    fourth
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let mut buf = [0u8; 64];
    match fourth.read(&mut buf) {
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) => {}
        other => panic!(
            "a fourth connection was served past the cap of 3: {other:?} {:?}",
            String::from_utf8_lossy(&buf)
        ),
    }
    // Once the three close, it is served.
    drop(holders);
    fourth
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = Vec::new();
    fourth.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
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

/// Issue 16: the totals of the status page counted only the rows it
/// shows (100 dishes, 30 failures).
#[test]
fn the_status_page_counts_every_dish_not_only_those_shown() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let broken: Vec<(String, Vec<u8>)> = (0..120)
        .map(|i| {
            (
                format!("guix-potluck/b{i:03}.scm"),
                format!(";; broken\n(potluck-package (name \"b{i}\"))\n").into_bytes(),
            )
        })
        .collect();
    let good = valid_dish("assoc-tables.scm");
    let mut files: Vec<(&str, &[u8])> = broken
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    files.push(("guix-potluck/good.scm", good.as_slice()));
    daemon.repo("many", &files);
    let server = Server::start(&tmp.path().join("state"), &["--workers", "1"]);
    let job = wait_job(&server, enqueue(&server.base, &daemon.url("many"), "main"));
    assert_eq!(job["state"], "done", "{job}");
    let (status, page) = get_bytes(&server.base, "/");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    for want in [
        "<p id=\"summary\">1 repos, 121 dishes (120 failing),",
        "The 100 most recent of 121 dishes.",
        "120 dishes are failing; the 30 most recent are shown.",
    ] {
        assert!(page.contains(want), "expected {want:?} in the page");
    }
    assert_eq!(page.matches("<tr><td><a href=\"/dish?").count(), 100);
    assert_eq!(page.matches("<h3><a href=\"/dish?").count(), 30);
    let (_, d) = get(&server.base, "/api/dishes?limit=10");
    assert_eq!(d["total"], 121, "{d}");
    assert_eq!(d["dishes"].as_array().unwrap().len(), 10);
}

/// Issue 16: 16 dishes whose `version` is 3.9 MB of U+0001 took 2.25 GB
/// and made `GET /` answer 624 MB.  Every answer about such a dish stays
/// small, and the dish is still shown as failing (`update --wait` exits 1).
#[test]
fn an_amplifying_dish_keeps_every_answer_small() {
    const PAGE: usize = 1 << 20;
    // The JSON cap (`MAX_RESPONSE`, 4 MiB) and a little more.
    const JSON: usize = (4 << 20) + (64 << 10);
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let amp = String::from_utf8(valid_dish("assoc-tables.scm"))
        .unwrap()
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("(version (") {
                "  (version (let loop ((s (string (integer->char 1))) (n 0)) (if (< n 22) (loop (string-append s s) (+ n 1)) (substring s 0 3900000))))".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        amp.contains("integer->char 1"),
        "the fixture has a (version ...) line"
    );
    daemon.repo(
        "amp",
        &[
            ("guix-potluck/amp.scm", amp.as_bytes()),
            ("guix-potluck/good.scm", &valid_dish("bit-operations.scm")),
        ],
    );
    let server = Server::start(&tmp.path().join("state"), &["--workers", "1"]);
    let url = daemon.url("amp");
    let (code, out) = update_cli(&["update", &url, "main", "--host", &server.base, "--wait"]);
    let mut problems = Vec::new();
    if code != 1 {
        problems.push(format!(
            "`update --wait` exited {code} with a failing dish: {out}"
        ));
    }
    if !out.contains("FAILED amp.scm") {
        problems.push(format!(
            "`update --wait` does not show the failing dish: {out}"
        ));
    }
    if out.len() > 64 << 10 {
        problems.push(format!("`update --wait` wrote {} bytes", out.len()));
    }
    let query = format!(
        "/dish?repo={}&branch=main&file=amp.scm",
        url.replace(':', "%3A").replace('/', "%2F")
    );
    let (_, repos) = get(&server.base, "/api/repos");
    let job_id = repos["repos"][0]["last-job"].as_i64().unwrap();
    for (path, cap) in [
        ("/".to_string(), PAGE),
        (query, PAGE),
        (format!("/api/jobs/{job_id}"), JSON),
        ("/api/dishes".to_string(), JSON),
    ] {
        let (status, body) = get_bytes(&server.base, &path);
        if status != 200 {
            problems.push(format!("GET {path}: {status}"));
        }
        if body.len() > cap {
            problems.push(format!("GET {path}: {} bytes (cap {cap})", body.len()));
        }
        if path.starts_with("/api/") {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            let dishes = v["dishes"].as_array().unwrap();
            let shown = dishes.iter().find(|d| d["file"] == "amp.scm");
            match shown {
                None => problems.push(format!(
                    "GET {path}: the failing dish is not listed ({} of 2 dishes, truncated {})",
                    dishes.len(),
                    v["truncated"]
                )),
                Some(d) => {
                    if d["ok"] != false {
                        problems.push(format!("GET {path}: amp.scm is not failing"));
                    }
                    let rendered = d["rendered"].as_str().unwrap_or("");
                    if rendered.len() > (16 << 10) + 3 {
                        problems.push(format!(
                            "GET {path}: {} bytes of rendered diagnostics",
                            rendered.len()
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// File names come from repos: escape sequences and bidi controls in them
/// reach an `update --wait` terminal escaped.
#[test]
fn file_names_from_a_repo_reach_the_terminal_escaped() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    daemon.repo(
        "names",
        &[
            (
                "guix-potluck/\u{1b}]0;X\u{7}ok.scm",
                &valid_dish("assoc-tables.scm"),
            ),
            (
                "guix-potluck/\u{202e}bad\u{1b}[2J.scm",
                b";; broken\n(potluck-package (name \"x\"))\n",
            ),
        ],
    );
    let server = Server::start(&tmp.path().join("state"), &["--workers", "1"]);
    let (code, out) = update_cli(&[
        "update",
        &daemon.url("names"),
        "main",
        "--host",
        &server.base,
        "--wait",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains('\u{1b}'), "ESC reached the terminal: {out:?}");
    assert!(!out.contains('\u{7}'), "BEL reached the terminal: {out:?}");
    assert!(
        !out.contains('\u{202e}'),
        "U+202E reached the terminal: {out:?}"
    );
    for want in [
        "\\u{1b}]0;X\\u{7}ok.scm",
        "\\u{202e}bad\\u{1b}[2J.scm",
        "error: the file name holds U+001B, a control or invisible character [io]",
        "= note: in guix-potluck/\\u{202e}bad\\u{1b}[2J.scm",
    ] {
        assert!(out.contains(want), "expected {want:?} in {out}");
    }
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
