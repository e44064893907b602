//! Three `host-channel` processes share one PostgreSQL store (a private
//! cluster the test starts on loopback) and one channel repository, under
//! faults: a burst of 1 000 update requests over 50 repos in four rounds of
//! new commits, `kill -9` of one host while it works and of another while
//! it commits, and a database restart in the middle.  Every accepted
//! request must end done or failed, no channel commit may be lost or made
//! twice, the channel must pass `git fsck --strict` and every module must
//! read in Guile.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::host::*;
use common::tempdir;
use potluck_testing::require_postgres;
use serde_json::Value;

const REPOS: usize = 50;
const ROUNDS: usize = 4;
const REQUESTS: usize = 1000;

/// A valid dish whose description names `round`: each round changes every
/// module.
fn dish(repo: usize, round: usize) -> Vec<u8> {
    format!(
        r#";; Repo {repo}, round {round}.
(potluck-package
  (name "multi-{repo}")
  (version "1.{round}")
  (source (potluck-source
            (git-uri "https://example.org/multi-{repo}")
            (git-commit "0123456789abcdef0123456789abcdef01234567")
            (sha256 "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73")))
  (build-system 'gnu)
  (inputs '("zlib"))
  (home-page "https://example.org/multi-{repo}")
  (synopsis "Package of the multi-host test")
  (description "This package is published in round {round}.")
  (license 'gpl3+))
"#
    )
    .into_bytes()
}

fn host_args<'a>(url: &'a str, target: &'a str) -> Vec<&'a str> {
    vec![
        "--store",
        url,
        "--target",
        target,
        "--workers",
        "2",
        "--lease-secs",
        "3",
    ]
}

/// Post one request to `base`; the job id when it was accepted.
fn try_enqueue(base: &str, url: &str) -> Option<i64> {
    let body = serde_json::json!({ "git-url": url, "branch": "main" }).to_string();
    let resp = agent()
        .post(&format!("{base}/api/enqueue-update"))
        .header("content-type", "application/json")
        .send(body.as_bytes());
    let mut resp = resp.ok()?;
    if resp.status().as_u16() != 202 {
        return None;
    }
    let v: Value = serde_json::from_str(&resp.body_mut().read_to_string().ok()?).ok()?;
    v["job"].as_i64()
}

fn job(bases: &[String], id: i64) -> Option<Value> {
    bases.iter().find_map(|b| {
        let mut resp = agent().get(&format!("{b}/api/jobs/{id}")).call().ok()?;
        (resp.status().as_u16() == 200)
            .then(|| serde_json::from_str(&resp.body_mut().read_to_string().ok()?).ok())
            .flatten()
    })
}

fn subjects(channel: &Path) -> Vec<String> {
    let out = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(channel)
        .args(["log", "--format=%s", "main"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn three_hosts_on_one_database_survive_kills_and_a_database_restart() {
    let Some(pg) = require_postgres("the multi-host fault test") else {
        return;
    };
    pg.create_db("potluck");
    let url = pg.url("potluck");
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    let repos: Vec<_> = (0..REPOS)
        .map(|i| daemon.repo(&format!("r{i}"), &[("guix-potluck/p.scm", &dish(i, 0))]))
        .collect();
    let urls: Vec<String> = (0..REPOS).map(|i| daemon.url(&format!("r{i}"))).collect();
    let target = tmp.path().join("channel.git");
    let target_s = target.to_str().unwrap().to_string();
    let args = host_args(&url, &target_s);
    let mut hosts: Vec<Server> = (0..3)
        .map(|i| Server::start(&tmp.path().join(format!("state{i}")), &args))
        .collect();

    let accepted = Mutex::new(Vec::<i64>::new());
    let sent = AtomicUsize::new(0);
    for round in 0..ROUNDS {
        if round > 0 {
            for (i, r) in repos.iter().enumerate() {
                write_files(r, &[("guix-potluck/p.scm", &dish(i, round))]);
                git(r, &["commit", "-q", "-a", "-m", &format!("round {round}")]);
            }
        }
        let bases: Vec<String> = hosts.iter().map(|h| h.base.clone()).collect();
        // The round's requests, from four clients at once.
        std::thread::scope(|s| {
            for client in 0..4 {
                let (bases, urls, accepted, sent) = (&bases, &urls, &accepted, &sent);
                s.spawn(move || {
                    let per_round = REQUESTS / ROUNDS;
                    for k in (client..per_round).step_by(4) {
                        sent.fetch_add(1, Ordering::Relaxed);
                        let base = &bases[k % bases.len()];
                        if let Some(id) = try_enqueue(base, &urls[k % REPOS]) {
                            accepted.lock().unwrap().push(id);
                        }
                    }
                });
            }
            // The faults, while the round's jobs run.
            match round {
                1 => {
                    // A host killed while it works; back after a while.
                    std::thread::sleep(Duration::from_millis(300));
                    hosts[1].kill9();
                }
                2 => {
                    // A host killed as soon as the channel moves (it is
                    // committing or about to), and the database restarted.
                    let before = subjects(&target).len();
                    let start = Instant::now();
                    while subjects(&target).len() == before
                        && start.elapsed() < Duration::from_secs(30)
                    {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    hosts[2].kill9();
                    pg.restart();
                }
                _ => {}
            }
        });
        if round == 1 {
            hosts[1].restart(&args);
        }
        if round == 2 {
            hosts[2].restart(&args);
        }
    }

    // Every accepted request ends, whichever host answers.
    let bases: Vec<String> = hosts.iter().map(|h| h.base.clone()).collect();
    let ids = accepted.into_inner().unwrap();
    assert!(
        ids.len() >= REQUESTS / 2,
        "only {} of {} requests accepted",
        ids.len(),
        sent.load(Ordering::Relaxed)
    );
    let start = Instant::now();
    let mut ends: BTreeMap<i64, Value> = BTreeMap::new();
    for &id in ids.iter().collect::<BTreeSet<_>>() {
        loop {
            if let Some(j) = job(&bases, id) {
                if j["state"] == "done" || j["state"] == "failed" {
                    ends.insert(id, j);
                    break;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(300),
                "job {id} never ended: {:?}\n{}",
                job(&bases, id),
                hosts
                    .iter()
                    .map(|h| h.log())
                    .collect::<Vec<_>>()
                    .join("\n----\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let failed: Vec<&Value> = ends.values().filter(|j| j["state"] == "failed").collect();
    // Kills and the restart cost attempts, never a job.
    assert!(failed.is_empty(), "jobs failed: {failed:#?}");
    // No commit is lost: each job's channel commit is on the branch.
    for j in ends.values() {
        if let Some(c) = j["channel-commit"].as_str() {
            let out = std::process::Command::new("git")
                .arg("--git-dir")
                .arg(&target)
                .args(["merge-base", "--is-ancestor", c, "main"])
                .status()
                .unwrap();
            assert!(
                out.success(),
                "channel commit {c} of job {} is lost",
                j["id"]
            );
        }
    }

    // A final, quiet request per repo: the channel ends at every repo's
    // last commit, each published by exactly one channel commit.
    for u in &urls {
        let id = enqueue(&bases[0], u, "main");
        assert_eq!(wait_job(&hosts[0], id)["state"], "done");
    }
    let subjects = subjects(&target);
    let mut seen = BTreeSet::new();
    for s in &subjects {
        if s.starts_with("Update ") {
            assert!(seen.insert(s.clone()), "committed twice: {s}");
        }
    }
    for (r, u) in repos.iter().zip(&urls) {
        let head = git(r, &["rev-parse", "HEAD"]);
        let want = format!("Update {u} branch main at {head}");
        assert!(seen.contains(&want), "{want} is missing: {subjects:#?}");
    }
    fsck(&target);
    assert_eq!(guile_reads_every_module(&target), REPOS);
    eprintln!(
        "multi-host: {} sent, {} accepted ({} distinct jobs), {} failed, {} channel commits",
        sent.load(Ordering::Relaxed),
        ids.len(),
        ends.len(),
        failed.len(),
        subjects.len()
    );
}
