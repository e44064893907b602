//! Measures of the sandbox itself: the corpus, statistics, cold starts,
//! steady state, resolution and a many-dish `check`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
pub use potluck_bench::stats::{corpus, median, percentile};

use potluck_dish::index::Index;
use potluck_dish::resolve;
use potluck_sandbox::Sandbox;

/// CPU time of the calling thread (Linux), for the infinite-loop figure.
pub(crate) fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Peak resident set size of this process (Linux), in MiB.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub(crate) fn cold_check(
    dish: &str,
    cache: &Path,
    runs: usize,
    clear: bool,
) -> anyhow::Result<f64> {
    let exe = crate::potluck_wasm()?;
    let mut times = Vec::new();
    for _ in 0..runs {
        if clear {
            let _ = std::fs::remove_dir_all(cache);
        }
        let t = Instant::now();
        let out = Command::new(&exe)
            .args(["check", "--color", "never", "--cache-dir"])
            .arg(cache)
            .arg(dish)
            .output()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if !out.status.success() {
            bail!(
                "check of {dish} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    Ok(median(times))
}

/// Dishes per second on one thread over `rounds` passes of the corpus;
/// each dish's latency is added to `lat`.
pub(crate) fn steady_one_worker(
    sandbox: &Sandbox,
    dishes: &[(String, String)],
    rounds: usize,
    lat: &mut Vec<f64>,
) -> f64 {
    let t = Instant::now();
    for _ in 0..rounds {
        for (file, text) in dishes {
            let t0 = Instant::now();
            let r = sandbox.evaluate(file, text);
            lat.push(t0.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(r.is_ok());
        }
    }
    (rounds * dishes.len()) as f64 / t.elapsed().as_secs_f64()
}

/// Dishes per second with two workers: two threads taking the next dish
/// from a shared counter, as the host's workers take jobs (a rayon pool
/// here measured 20% less, its work splitting rather than the sandbox).
pub(crate) fn steady_two_workers(
    sandbox: &Sandbox,
    dishes: &[(String, String)],
    rounds: usize,
) -> f64 {
    let work: Vec<&(String, String)> = (0..rounds).flat_map(|_| dishes.iter()).collect();
    let next = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some((file, text)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                    std::hint::black_box(sandbox.evaluate(file, text).is_ok());
                }
            });
        }
    });
    work.len() as f64 / t.elapsed().as_secs_f64()
}

/// Median time to load the shipped index, and the time to resolve 100 000
/// specifications: names, `@VERSION` prefixes, `:OUTPUT`s and a few unknown
/// names (which compute suggestions), against it.
pub(crate) fn bench_resolution() -> (f64, f64) {
    let mut loads = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        std::hint::black_box(Index::builtin());
        loads.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let index = Index::builtin();
    let names: Vec<(String, String)> = index
        .packages()
        .step_by(7)
        .map(|p| (p.name.to_string(), p.version.to_string()))
        .collect();
    let specs: Vec<String> = (0..100_000)
        .map(|i| {
            let (name, version) = &names[(i * 7919) % names.len()];
            let major = version.split('.').next().unwrap_or(version);
            match i % 10 {
                0..=3 => name.clone(),
                4 | 5 => format!("{name}@{major}"),
                6 => format!("{name}@{version}"),
                7 => format!("{name}:out"),
                8 if i % 1000 == 8 => format!("{name}x-no-such"),
                _ => format!("{name}@{major}:bin"),
            }
        })
        .collect();
    let t = Instant::now();
    let mut ok = 0usize;
    for s in &specs {
        ok += usize::from(resolve::resolve(&index, s).is_ok());
    }
    std::hint::black_box(ok);
    (median(loads), t.elapsed().as_secs_f64() * 1000.0)
}

pub(crate) fn tempdir() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir().join(format!("potluck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base)?;
    Ok(base)
}

/// Peak RSS (MiB) and wall time (ms) of `check` on `n` dishes (the corpus
/// repeated), measured with wait4(2) on the child.
pub(crate) fn check_many(
    dishes: &[(String, String)],
    scratch: &Path,
    cache: &Path,
    n: usize,
) -> anyhow::Result<(f64, f64)> {
    let dir = scratch.join("many");
    std::fs::create_dir_all(&dir)?;
    for i in 0..n {
        let (_, text) = &dishes[i % dishes.len()];
        std::fs::write(dir.join(format!("d{i:04}.scm")), text)?;
    }
    let t = Instant::now();
    let child = Command::new(crate::potluck_wasm()?)
        .args(["check", "--format", "json", "--cache-dir"])
        .arg(cache)
        .arg(&dir)
        .stdout(std::process::Stdio::null())
        .spawn()?;
    let (status, rss_kib) = wait_rusage(child)?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    if status != 0 {
        bail!("check of {n} corpus dishes failed (exit status {status})");
    }
    Ok((ms, rss_kib as f64 / 1024.0))
}

/// Wait for `child`; its exit status and peak RSS in KiB.
pub(crate) fn wait_rusage(child: std::process::Child) -> anyhow::Result<(i32, i64)> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        bail!("wait4 failed: {}", std::io::Error::last_os_error());
    }
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss))
}

pub(crate) fn guile_json(
    out: &std::process::Output,
    what: &str,
) -> anyhow::Result<serde_json::Value> {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or("");
    serde_json::from_str(line).with_context(|| {
        format!(
            "Guile {what}: unexpected output {line:?}; stderr: {}",
            potluck_sandbox::diagnostic::truncate(&String::from_utf8_lossy(&out.stderr), 2000)
        )
    })
}
