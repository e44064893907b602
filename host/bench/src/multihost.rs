//! `--multi-host`: the shared host scaled out.  1, 2 and 3 `host-channel`
//! processes on this machine share a private PostgreSQL cluster (started
//! by [`potluck_testing::PgCluster`] on loopback) and one channel
//! repository, next to one host on its embedded SQLite store.  A loopback
//! `git daemon` serves 100 repos of one corpus dish each.  Each trial
//! commits a change to every repo, then four clients send 1 000 update
//! requests round-robin over the hosts (10 per repo): the enqueue rate is
//! requests answered per second, and updates per minute are the distinct
//! jobs published from the first request until the last job is done.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;

use crate::host::{git_in, HostProcess};
use potluck_bench::stats::median;

const REPOS: usize = 100;
const REQUESTS: usize = 1000;
const CLIENTS: usize = 4;

/// One configuration's medians over the trials.
#[derive(Debug, Serialize)]
pub struct MultiHostRow {
    pub store: &'static str,
    pub hosts: usize,
    pub enqueues_per_sec: f64,
    pub updates_per_min: f64,
    /// Distinct jobs per trial (requests for a repo already queued join
    /// its job).
    pub jobs_per_trial: f64,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// One trial: new commits everywhere, the burst, then wait for the jobs.
fn trial(
    bases: &[String],
    repos: &Path,
    urls: &[String],
    round: usize,
) -> anyhow::Result<(f64, f64, usize)> {
    for i in 0..REPOS {
        let r = repos.join(format!("r{i}"));
        std::fs::write(r.join("guix-potluck/round"), format!("{round}\n"))?;
        git_in(&r, &["add", "-A"])?;
        git_in(&r, &["commit", "-q", "-m", "round"])?;
    }
    let t = Instant::now();
    let ids: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..CLIENTS)
            .map(|c| {
                s.spawn(move || -> anyhow::Result<Vec<i64>> {
                    let agent = agent();
                    let mut ids = Vec::new();
                    for k in (c..REQUESTS).step_by(CLIENTS) {
                        let base = &bases[k % bases.len()];
                        let mut r = agent
                            .post(&format!("{base}/api/enqueue-update"))
                            .send_json(serde_json::json!({
                                "git-url": urls[k % REPOS], "branch": "main"
                            }))?;
                        if r.status().as_u16() != 202 {
                            bail!("enqueue answered {}", r.status());
                        }
                        let v: serde_json::Value =
                            serde_json::from_str(&r.body_mut().read_to_string()?)?;
                        ids.push(v["job"].as_i64().context("no job id")?);
                    }
                    Ok(ids)
                })
            })
            .collect();
        let mut all = Vec::new();
        for h in handles {
            all.extend(
                h.join()
                    .map_err(|_| anyhow::anyhow!("client thread panicked"))??,
            );
        }
        Ok::<_, anyhow::Error>(all)
    })?;
    let enqueue_secs = t.elapsed().as_secs_f64();
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let agent = agent();
    for id in &distinct {
        loop {
            let mut r = agent.get(&format!("{}/api/jobs/{id}", bases[0])).call()?;
            let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
            if v["state"] == "done" {
                break;
            }
            if v["state"] == "failed" {
                bail!("job {id} failed: {}", v["error"]);
            }
            if t.elapsed() > Duration::from_secs(600) {
                bail!("job {id} did not finish in 600 s");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let minutes = t.elapsed().as_secs_f64() / 60.0;
    Ok((
        ids.len() as f64 / enqueue_secs,
        distinct.len() as f64 / minutes,
        distinct.len(),
    ))
}

pub(crate) fn bench_multi_host(
    dishes: &[(String, String)],
    scratch: &Path,
    cache: &Path,
    trials: usize,
) -> anyhow::Result<Vec<MultiHostRow>> {
    let pg = potluck_testing::PgCluster::start()
        .map_err(|e| anyhow::anyhow!("PostgreSQL is needed for --multi-host: {e}"))?;
    let repos = scratch.join("multi-repos");
    for i in 0..REPOS {
        let r = repos.join(format!("r{i}"));
        std::fs::create_dir_all(r.join("guix-potluck"))?;
        git_in(&r, &["init", "-q", "-b", "main"])?;
        std::fs::write(r.join("guix-potluck/dish.scm"), &dishes[i % dishes.len()].1)?;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut daemon = Command::new("git")
        .args([
            "daemon",
            "--export-all",
            "--reuseaddr",
            "--listen=127.0.0.1",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", repos.display()))
        .arg(&repos)
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let urls: Vec<String> = (0..REPOS)
        .map(|i| format!("git://127.0.0.1:{port}/r{i}"))
        .collect();
    let result = (|| -> anyhow::Result<Vec<MultiHostRow>> {
        let mut rows = Vec::new();
        let mut round = 0;
        for (store, hosts) in [
            ("SQLite", 1),
            ("PostgreSQL", 1),
            ("PostgreSQL", 2),
            ("PostgreSQL", 3),
        ] {
            let name = format!("{}{hosts}", store.to_lowercase());
            let target = scratch.join(format!("{name}-channel.git"));
            let target = target.to_str().context("scratch path")?.to_string();
            let db_url;
            let mut extra = vec!["--workers", "2", "--allow-loopback-remotes"];
            if store == "PostgreSQL" {
                pg.create_db(&name);
                db_url = pg.url(&name);
                extra.extend(["--store", db_url.as_str(), "--target", target.as_str()]);
            }
            let procs = (0..hosts)
                .map(|h| {
                    HostProcess::start(&scratch.join(format!("{name}-state{h}")), cache, &extra)
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let bases: Vec<String> = procs.iter().map(|p| p.base.clone()).collect();
            // A first round publishes every repo; then the trials.
            trial(&bases, &repos, &urls, round)?;
            round += 1;
            let mut enq = Vec::new();
            let mut upd = Vec::new();
            let mut jobs = Vec::new();
            for _ in 0..trials.max(1) {
                let (e, u, j) = trial(&bases, &repos, &urls, round)?;
                round += 1;
                enq.push(e);
                upd.push(u);
                jobs.push(j as f64);
            }
            rows.push(MultiHostRow {
                store,
                hosts,
                enqueues_per_sec: median(enq),
                updates_per_min: median(upd),
                jobs_per_trial: median(jobs),
            });
        }
        Ok(rows)
    })();
    let _ = daemon.kill();
    let _ = daemon.wait();
    result
}

pub(crate) fn print_multi_host(rows: &[MultiHostRow]) {
    println!(
        "\nshared host scaled out ({REPOS} repos on a loopback git daemon, {REQUESTS} requests from {CLIENTS} clients per trial; medians)"
    );
    println!(
        "{:<12} {:>6} {:>14} {:>16} {:>14}",
        "store", "hosts", "enqueues/s", "updates/min", "jobs/trial"
    );
    for r in rows {
        println!(
            "{:<12} {:>6} {:>14.0} {:>16.0} {:>14.0}",
            r.store, r.hosts, r.enqueues_per_sec, r.updates_per_min, r.jobs_per_trial
        );
    }
}
