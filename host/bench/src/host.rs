//! The shared host: an enqueue burst against a real `host-channel` and a
//! 100-dish repository updated end to end.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use crate::measure::*;
use crate::{BenchArgs, HostResults};

/// A `host-channel` child process; killed on drop.
pub(crate) struct HostProcess {
    child: std::process::Child,
    pub(crate) base: String,
}

impl HostProcess {
    pub(crate) fn start(state: &Path, cache: &Path, extra: &[&str]) -> anyhow::Result<HostProcess> {
        use std::io::BufRead;
        let mut child = Command::new(crate::potluck_wasm()?)
            .args(["host-channel", "--listen", "127.0.0.1:0", "--cache-dir"])
            .arg(cache)
            .arg("--state")
            .arg(state)
            // The benchmark's dishes name sources that do not exist.
            .arg("--skip-source-verification")
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .with_context(|| format!("host-channel did not start: {line:?}"))?
            .to_string();
        Ok(HostProcess { child, base })
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn git_in(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.org",
        ])
        .args(args)
        .output()
        .context("git is needed for --host")?;
    if !out.status.success() {
        bail!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub(crate) fn bench_host(
    args: &BenchArgs,
    dishes: &[(String, String)],
    scratch: &Path,
    cache: &Path,
) -> anyhow::Result<HostResults> {
    // 1. Enqueue burst: only the API (no workers), distinct repos.
    let host = HostProcess::start(
        &scratch.join("burst-state"),
        cache,
        &["--workers", "0", "--max-queued", "1000000"],
    )?;
    let clients = 4;
    let per = args.burst.div_ceil(clients);
    let t = Instant::now();
    let lat: Vec<f64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|c| {
                let base = host.base.clone();
                s.spawn(move || -> anyhow::Result<Vec<f64>> {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut lat = Vec::with_capacity(per);
                    for i in 0..per {
                        let body = serde_json::json!({
                            "git-url": format!("https://example.org/bench/r{c}-{i}.git"),
                            "branch": "main",
                        });
                        let t0 = Instant::now();
                        let r = agent
                            .post(&format!("{base}/api/enqueue-update"))
                            .send_json(&body)?;
                        lat.push(t0.elapsed().as_secs_f64() * 1000.0);
                        if r.status().as_u16() != 202 {
                            bail!("enqueue answered {}", r.status());
                        }
                    }
                    Ok(lat)
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
    let rps = lat.len() as f64 / t.elapsed().as_secs_f64();
    let mut lat = lat;
    lat.sort_by(f64::total_cmp);
    drop(host);

    // 2. A 100-dish repo updated end to end from a local git daemon.
    let repos = scratch.join("repos");
    let repo = repos.join("hundred");
    std::fs::create_dir_all(repo.join("guix-potluck"))?;
    git_in(&repo, &["init", "-q", "-b", "main"])?;
    git_in(&repo, &["config", "uploadpack.allowFilter", "true"])?;
    for (i, (_, text)) in dishes.iter().cycle().take(100).enumerate() {
        std::fs::write(repo.join(format!("guix-potluck/d{i:03}.scm")), text)?;
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
    let host = HostProcess::start(
        &scratch.join("e2e-state"),
        cache,
        &["--workers", "1", "--allow-loopback-remotes"],
    );
    let result = (|| -> anyhow::Result<f64> {
        let host = host?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let url = format!("git://127.0.0.1:{port}/hundred");
        let mut times = Vec::new();
        for round in 0..5 {
            // A changed dish every round, so every round makes a commit.
            std::fs::write(
                repo.join("guix-potluck/d000.scm"),
                format!(";; round {round}\n{}", dishes[0].1),
            )?;
            git_in(&repo, &["add", "-A"])?;
            git_in(&repo, &["commit", "-q", "-m", "round"])?;
            let t = Instant::now();
            let mut r = agent
                .post(&format!("{}/api/enqueue-update", host.base))
                .send_json(serde_json::json!({ "git-url": url, "branch": "main" }))?;
            let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
            let id = v["job"].as_i64().context("no job id")?;
            let job = loop {
                let mut r = agent.get(&format!("{}/api/jobs/{id}", host.base)).call()?;
                let v: serde_json::Value = serde_json::from_str(&r.body_mut().read_to_string()?)?;
                if v["state"] == "done" || v["state"] == "failed" {
                    break v;
                }
                if t.elapsed() > Duration::from_secs(60) {
                    bail!("the 100-dish update did not finish in 60 s");
                }
                std::thread::sleep(Duration::from_millis(2));
            };
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            let published = job["dishes"]
                .as_array()
                .map_or(0, |d| d.iter().filter(|d| d["ok"] == true).count());
            if job["state"] != "done" || published != 100 {
                bail!(
                    "the 100-dish update did not publish every dish: {}",
                    job["summary"]
                );
            }
        }
        Ok(median(times))
    })();
    let _ = daemon.kill();
    let _ = daemon.wait();
    Ok(HostResults {
        burst_requests: lat.len(),
        enqueues_per_sec: rps,
        enqueue_median_ms: percentile(&lat, 0.5),
        enqueue_p99_ms: percentile(&lat, 0.99),
        update_100_dishes_median_ms: result?,
    })
}
