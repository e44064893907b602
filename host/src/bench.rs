//! `potluck-wasm bench`: the performance numbers quoted in README.md,
//! measured in one run on a corpus of typical dishes.
//!
//! - cold `check` of one dish, as a fresh process, with an empty and with a
//!   warm compiled-code cache (median of several runs);
//! - steady-state latency per dish (sandbox instantiation + evaluation +
//!   host re-validation): median and p99;
//! - throughput in dishes per second with 1 and 2 worker threads;
//! - the steady-state figures, potluck-wasm's and Guile's, are taken in
//!   several interleaved *trials* (each trial measures both, back to back)
//!   and reported as medians, with the median of the trials' ratios: the
//!   machines this runs on are shared and noisy, and a slow phase then hits
//!   both sides of a ratio;
//! - CPU time to stop an infinite loop with the default limits;
//! - peak resident memory of this process, and of `check` on 1 000 dishes;
//! - the same corpus under Guile 3.0's own `eval-in-sandbox` with the 2017
//!   potluck bindings (`benches/guile/sandbox-bench.scm`): steady-state
//!   dishes/s in one process and cold start (one `guile` per dish), and the
//!   ratios between the two;
//! - with `--host`: an enqueue burst against a real `host-channel` process
//!   (requests/s, p99 latency) and a 100-dish repo updated end to end, from
//!   a local `git daemon` to the channel commit.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use serde::Serialize;

use crate::index::Index;
use crate::resolve;
use crate::sandbox::{Cache, Limits, Sandbox};

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Directory of typical dishes (`*.scm`) to measure.
    #[arg(long, default_value = "benches/dishes")]
    corpus: PathBuf,
    /// The Guile baseline script.
    #[arg(long, default_value = "benches/guile/sandbox-bench.scm")]
    guile_script: PathBuf,
    /// Skip the Guile baseline.
    #[arg(long)]
    no_guile: bool,
    /// Also measure the shared host: enqueue burst and end-to-end update.
    #[arg(long)]
    host: bool,
    /// Requests in the enqueue burst (with --host).
    #[arg(long, default_value_t = 5000)]
    burst: usize,
    /// Steady-state rounds over the corpus in each trial (Guile runs a
    /// quarter as many, as it is slower).
    #[arg(long, default_value_t = 20)]
    rounds: usize,
    /// Interleaved trials of the steady-state measures (potluck-wasm and
    /// Guile back to back); medians are reported.
    #[arg(long, default_value_t = 5)]
    trials: usize,
    /// Fresh processes started for each cold-start figure.
    #[arg(long, default_value_t = 10)]
    cold_runs: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Results {
    pub corpus_dishes: usize,
    pub cold_check_empty_cache_ms: f64,
    pub cold_check_warm_cache_ms: f64,
    pub steady_median_us: f64,
    pub steady_p99_us: f64,
    /// Medians over the trials.
    pub dishes_per_sec_1_worker: f64,
    pub dishes_per_sec_2_workers: f64,
    /// Each trial's steady-state figures, in order.
    pub trials: Vec<Trial>,
    pub infinite_loop_cpu_ms: f64,
    pub infinite_loop_diagnostic: String,
    pub median_fuel_per_dish: u64,
    pub index_load_ms: f64,
    pub resolve_100k_ms: f64,
    pub peak_rss_mib: f64,
    pub check_1000_dishes_peak_rss_mib: f64,
    pub check_1000_dishes_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guile: Option<GuileResults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostResults>,
}

/// One trial of the steady-state measures, taken back to back.
#[derive(Debug, Clone, Serialize)]
pub struct Trial {
    pub dishes_per_sec_1_worker: f64,
    pub dishes_per_sec_2_workers: f64,
    /// Guile's figures in the same trial (absent with `--no-guile`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guile: Option<GuileTrial>,
}

/// Guile's steady state in one trial: one `guile` process per mode.
#[derive(Debug, Clone, Serialize)]
pub struct GuileTrial {
    /// A fresh `make-sandbox-module` per dish (`eval-in-sandbox`'s default).
    pub fresh_dishes_per_sec: f64,
    pub fresh_median_us: f64,
    /// Interfaces built once, a fresh module per dish.
    pub shared_dishes_per_sec: f64,
    pub shared_median_us: f64,
}

impl GuileTrial {
    /// Guile's best case: the faster of the two modes.
    fn best(&self) -> f64 {
        self.fresh_dishes_per_sec.max(self.shared_dishes_per_sec)
    }
}

/// Guile 3.0 `eval-in-sandbox` on the same corpus.
#[derive(Debug, Serialize)]
pub struct GuileResults {
    pub version: String,
    /// A fresh `make-sandbox-module` per dish (medians over the trials, as
    /// are the other steady-state figures).
    pub steady_dishes_per_sec: f64,
    pub steady_median_us: f64,
    /// Interfaces built once, a fresh module per dish (Guile's best case).
    pub steady_shared_dishes_per_sec: f64,
    pub steady_shared_median_us: f64,
    /// One `guile` process per dish, script compiled (cache warm).
    pub cold_one_dish_ms: f64,
    /// potluck-wasm 1 worker / Guile's best steady state (the median of the
    /// trials' ratios, as are the other steady-state ratios).
    pub ratio_steady_1_worker: f64,
    /// potluck-wasm 2 workers / Guile's best steady state.
    pub ratio_steady_2_workers: f64,
    /// potluck-wasm 1 worker / Guile's `eval-in-sandbox` as called with no
    /// `#:module` (a fresh sandbox module per dish, its default).
    pub ratio_steady_1_worker_default: f64,
    /// potluck-wasm 2 workers / the same.
    pub ratio_steady_2_workers_default: f64,
    /// Guile cold start / potluck-wasm cold check (warm cache).
    pub ratio_cold: f64,
}

/// The shared host, as a real `host-channel` process on loopback.
#[derive(Debug, Serialize)]
pub struct HostResults {
    pub burst_requests: usize,
    pub enqueues_per_sec: f64,
    pub enqueue_median_ms: f64,
    pub enqueue_p99_ms: f64,
    pub update_100_dishes_median_ms: f64,
}

/// The dishes (`*.scm`) of a corpus directory, sorted by file name: each
/// one's path and text.
pub fn corpus(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the corpus directory {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "scm"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p)
            .with_context(|| format!("cannot read the dish {}", p.display()))?;
        out.push((p.display().to_string(), text));
    }
    if out.is_empty() {
        bail!("no *.scm dishes in {}", dir.display());
    }
    Ok(out)
}

/// The `p` quantile (0 ≤ `p` ≤ 1) of sorted figures, interpolating
/// between the two nearest (0 for none): `p` = 0.5 is the median, the mean
/// of the two middle figures for an even count.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let x = last as f64 * p.clamp(0.0, 1.0);
    let (i, frac) = (x.floor() as usize, x.fract());
    match sorted.get(i + 1) {
        Some(next) if frac > 0.0 => sorted[i] + (next - sorted[i]) * frac,
        _ => sorted[i],
    }
}

/// The median of some figures, in any order (0 for none).
pub fn median(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = xs.into_iter().collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

/// CPU time of the calling thread (Linux), for the infinite-loop figure.
fn thread_cpu() -> Option<Duration> {
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

fn cold_check(dish: &str, cache: &Path, runs: usize, clear: bool) -> anyhow::Result<f64> {
    let exe = std::env::current_exe()?;
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

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let dishes = corpus(&args.corpus)?;
    let limits = Limits::default();
    let scratch = tempdir()?;
    let cache = scratch.join("cache");

    // Cold start, as a user runs it.
    let first = &dishes[0].0;
    let cold_empty = cold_check(first, &cache, args.cold_runs.clamp(1, 3), true)?;
    cold_check(first, &cache, 1, false)?;
    let cold_runs = args.cold_runs.max(1);
    let cold_warm = cold_check(first, &cache, cold_runs, false)?;

    let (sandbox, _) = Sandbox::new(limits, &Cache::Dir(cache.clone()), 4)?;
    // Every corpus dish must be valid, or the numbers mean nothing.
    let mut fuels = Vec::new();
    for (file, text) in &dishes {
        let (r, fuel) = sandbox.evaluate_measured(file, text);
        if let Err(d) = r {
            bail!("corpus dish {file} does not evaluate: {}", d[0].message);
        }
        fuels.push(fuel);
    }

    // Steady state, in interleaved trials with Guile's.
    let guile = if args.no_guile {
        None
    } else {
        Some(GuileBaseline::new(args, &scratch)?)
    };
    let n_trials = args.trials.max(1);
    let mut lat = Vec::with_capacity(dishes.len() * args.rounds * n_trials);
    let mut trials = Vec::with_capacity(n_trials);
    for _ in 0..n_trials {
        let one = steady_one_worker(&sandbox, &dishes, args.rounds, &mut lat);
        let two = steady_two_workers(&sandbox, &dishes, args.rounds);
        trials.push(Trial {
            dishes_per_sec_1_worker: one,
            dishes_per_sec_2_workers: two,
            guile: guile.as_ref().map(GuileBaseline::trial).transpose()?,
        });
    }
    lat.sort_by(f64::total_cmp);

    // An infinite loop, with the default limits.
    let c0 = thread_cpu();
    let w0 = Instant::now();
    let r = sandbox.evaluate("loop.scm", "(let loop () (loop))");
    let loop_ms = match (c0, thread_cpu()) {
        (Some(a), Some(b)) => (b - a).as_secs_f64() * 1000.0,
        _ => w0.elapsed().as_secs_f64() * 1000.0,
    };
    let loop_diag = match r {
        Err(d) => d[0].message.clone(),
        Ok(_) => bail!("the infinite loop was not stopped"),
    };

    let (index_load_ms, resolve_100k_ms) = bench_resolution();
    let (check_1000_ms, check_1000_rss) = check_many(&dishes, &scratch, &cache, 1000)?;
    let guile = match guile {
        Some(g) => Some(g.results(first, cold_runs, &trials, cold_warm)?),
        None => None,
    };
    let host = if args.host {
        Some(bench_host(args, &dishes, &scratch, &cache)?)
    } else {
        None
    };

    let results = Results {
        corpus_dishes: dishes.len(),
        cold_check_empty_cache_ms: cold_empty,
        cold_check_warm_cache_ms: cold_warm,
        steady_median_us: percentile(&lat, 0.5),
        steady_p99_us: percentile(&lat, 0.99),
        dishes_per_sec_1_worker: median(trials.iter().map(|t| t.dishes_per_sec_1_worker)),
        dishes_per_sec_2_workers: median(trials.iter().map(|t| t.dishes_per_sec_2_workers)),
        trials,
        infinite_loop_cpu_ms: loop_ms,
        infinite_loop_diagnostic: loop_diag,
        median_fuel_per_dish: median(fuels.iter().map(|&f| f as f64)).round() as u64,
        index_load_ms,
        resolve_100k_ms,
        peak_rss_mib: peak_rss_mib(),
        check_1000_dishes_peak_rss_mib: check_1000_rss,
        check_1000_dishes_ms: check_1000_ms,
        guile,
        host,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    print_table(&results);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&results)? + "\n")?;
    }
    Ok(())
}

/// Dishes per second on one thread over `rounds` passes of the corpus;
/// each dish's latency is added to `lat`.
fn steady_one_worker(
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
fn steady_two_workers(sandbox: &Sandbox, dishes: &[(String, String)], rounds: usize) -> f64 {
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
fn bench_resolution() -> (f64, f64) {
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

fn print_table(r: &Results) {
    println!(
        "potluck-wasm bench: {} dishes in the corpus",
        r.corpus_dishes
    );
    println!("{:<48} {:>12}", "measure", "value");
    let rows = [
        (
            "cold check, one dish, empty cache (median)",
            format!("{:.1} ms", r.cold_check_empty_cache_ms),
        ),
        (
            "cold check, one dish, warm cache (median)",
            format!("{:.1} ms", r.cold_check_warm_cache_ms),
        ),
        (
            "steady state per dish (median)",
            format!("{:.1} µs", r.steady_median_us),
        ),
        (
            "steady state per dish (p99)",
            format!("{:.1} µs", r.steady_p99_us),
        ),
        (
            "throughput, 1 worker",
            format!("{:.0} dishes/s", r.dishes_per_sec_1_worker),
        ),
        (
            "throughput, 2 workers",
            format!("{:.0} dishes/s", r.dishes_per_sec_2_workers),
        ),
        (
            "infinite loop stopped after (CPU)",
            format!("{:.1} ms", r.infinite_loop_cpu_ms),
        ),
        (
            "fuel per typical dish (median)",
            format!("{}", r.median_fuel_per_dish),
        ),
        (
            "load the shipped package index (median)",
            format!("{:.1} ms", r.index_load_ms),
        ),
        (
            "resolve 100 000 input specifications",
            format!("{:.0} ms", r.resolve_100k_ms),
        ),
        (
            "peak RSS of the bench process",
            format!("{:.1} MiB", r.peak_rss_mib),
        ),
    ];
    for (k, v) in rows {
        println!("{k:<48} {v:>12}");
    }
    println!("infinite loop diagnostic: {}", r.infinite_loop_diagnostic);
    println!(
        "{:<48} {:>12}",
        "check of 1 000 dishes: peak RSS",
        format!("{:.1} MiB", r.check_1000_dishes_peak_rss_mib)
    );
    println!(
        "{:<48} {:>12}",
        "check of 1 000 dishes: wall time",
        format!("{:.0} ms", r.check_1000_dishes_ms)
    );
    println!("\nsteady-state trials (interleaved; the dishes/s above are their medians)");
    println!(
        "{:>5} {:>11} {:>11} {:>12} {:>12} {:>9} {:>9}",
        "trial", "1 worker/s", "2 workers/s", "Guile fresh", "Guile best", "1w/best", "2w/best"
    );
    for (i, t) in r.trials.iter().enumerate() {
        let guile = match &t.guile {
            Some(g) => format!(
                "{:>12.0} {:>12.0} {:>8.1}x {:>8.1}x",
                g.fresh_dishes_per_sec,
                g.best(),
                t.dishes_per_sec_1_worker / g.best(),
                t.dishes_per_sec_2_workers / g.best()
            ),
            None => format!("{:>12} {:>12} {:>9} {:>9}", "-", "-", "-", "-"),
        };
        println!(
            "{:>5} {:>11.0} {:>11.0} {guile}",
            i + 1,
            t.dishes_per_sec_1_worker,
            t.dishes_per_sec_2_workers,
        );
    }
    if let Some(g) = &r.guile {
        println!("\nGuile {} eval-in-sandbox, same corpus", g.version);
        let rows = [
            (
                "steady state, fresh sandbox module per dish",
                format!("{:.0} dishes/s", g.steady_dishes_per_sec),
            ),
            (
                "  per dish (median)",
                format!("{:.1} µs", g.steady_median_us),
            ),
            (
                "steady state, shared interfaces (best case)",
                format!("{:.0} dishes/s", g.steady_shared_dishes_per_sec),
            ),
            (
                "  per dish (median)",
                format!("{:.1} µs", g.steady_shared_median_us),
            ),
            (
                "cold start, one dish per guile process",
                format!("{:.1} ms", g.cold_one_dish_ms),
            ),
            (
                "ratio: potluck-wasm 1 worker / Guile best",
                format!("{:.1}x", g.ratio_steady_1_worker),
            ),
            (
                "ratio: potluck-wasm 2 workers / Guile best",
                format!("{:.1}x", g.ratio_steady_2_workers),
            ),
            (
                "ratio: 1 worker / Guile default (fresh module)",
                format!("{:.1}x", g.ratio_steady_1_worker_default),
            ),
            (
                "ratio: 2 workers / Guile default (fresh module)",
                format!("{:.1}x", g.ratio_steady_2_workers_default),
            ),
            (
                "ratio: Guile cold / potluck-wasm cold (warm)",
                format!("{:.1}x", g.ratio_cold),
            ),
        ];
        for (k, v) in rows {
            println!("{k:<48} {v:>12}");
        }
    }
    if let Some(h) = &r.host {
        println!("\nshared host (host-channel process on loopback)");
        let rows = [
            ("enqueue burst", format!("{} requests", h.burst_requests)),
            (
                "enqueues per second",
                format!("{:.0}/s", h.enqueues_per_sec),
            ),
            (
                "enqueue latency (median)",
                format!("{:.2} ms", h.enqueue_median_ms),
            ),
            (
                "enqueue latency (p99)",
                format!("{:.2} ms", h.enqueue_p99_ms),
            ),
            (
                "100-dish repo, fetch to commit (median)",
                format!("{:.0} ms", h.update_100_dishes_median_ms),
            ),
        ];
        for (k, v) in rows {
            println!("{k:<48} {v:>12}");
        }
    }
}

fn tempdir() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir().join(format!("potluck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base)?;
    Ok(base)
}

/// Peak RSS (MiB) and wall time (ms) of `check` on `n` dishes (the corpus
/// repeated), measured with wait4(2) on the child.
fn check_many(
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
    let child = Command::new(std::env::current_exe()?)
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
fn wait_rusage(child: std::process::Child) -> anyhow::Result<(i32, i64)> {
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

fn guile_json(out: &std::process::Output, what: &str) -> anyhow::Result<serde_json::Value> {
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap_or("");
    serde_json::from_str(line).with_context(|| {
        format!(
            "Guile {what}: unexpected output {line:?}; stderr: {}",
            crate::diagnostic::truncate(&String::from_utf8_lossy(&out.stderr), 2000)
        )
    })
}

/// Guile's `eval-in-sandbox` on the corpus, run by
/// `benches/guile/sandbox-bench.scm`.
struct GuileBaseline {
    version: String,
    script: PathBuf,
    corpus: String,
    rounds: String,
    /// Guile's compiled-code cache for the script (the 2017 host ran
    /// compiled modules); the dishes are evaluated by Guile's `eval`.
    ccache: PathBuf,
}

impl GuileBaseline {
    fn new(args: &BenchArgs, scratch: &Path) -> anyhow::Result<GuileBaseline> {
        let version = Command::new("guile")
            .arg("--version")
            .output()
            .context("Guile 3.0 is needed for the baseline (scripts/setup --test installs it; --no-guile skips it)")?;
        let version = String::from_utf8_lossy(&version.stdout)
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or("?")
            .to_string();
        Ok(GuileBaseline {
            version,
            script: args.guile_script.clone(),
            corpus: args.corpus.display().to_string(),
            rounds: args.rounds.div_ceil(4).max(2).to_string(),
            ccache: scratch.join("guile-cache"),
        })
    }

    fn run(
        &self,
        mode: &str,
        extra: &[&str],
        env: Option<(&str, &str)>,
    ) -> anyhow::Result<std::process::Output> {
        let mut c = Command::new("guile");
        c.arg(&self.script)
            .arg(mode)
            .args(extra)
            .env("XDG_CACHE_HOME", &self.ccache);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        Ok(c.output()?)
    }

    /// One trial: a steady-state run in each mode.
    fn trial(&self) -> anyhow::Result<GuileTrial> {
        let (fresh_dishes_per_sec, fresh_median_us) = self.steady("fresh")?;
        let (shared_dishes_per_sec, shared_median_us) = self.steady("shared")?;
        Ok(GuileTrial {
            fresh_dishes_per_sec,
            fresh_median_us,
            shared_dishes_per_sec,
            shared_median_us,
        })
    }

    /// One steady-state run (one `guile` process, the whole corpus
    /// several times) with `module` = `fresh` or `shared`: dishes/s and the
    /// median microseconds per dish.
    fn steady(&self, module: &str) -> anyhow::Result<(f64, f64)> {
        let out = self.run(
            "steady",
            &[&self.corpus, &self.rounds],
            Some(("POTLUCK_BENCH_MODULE", module)),
        )?;
        let v = guile_json(&out, "steady")?;
        if v["failures"].as_u64() != Some(0) {
            bail!("Guile failed on some corpus dishes: {v}");
        }
        Ok((
            v["dishes_per_sec"].as_f64().unwrap_or(0.0),
            v["per_dish_us_median"].as_f64().unwrap_or(0.0),
        ))
    }

    /// The cold start (`cold_runs` fresh processes on the dish `first`),
    /// the medians of the trials' figures and of their ratios (each trial's
    /// potluck-wasm figure over its own Guile figure), and the cold-start
    /// ratio to potluck-wasm's `cold_warm_ms`.
    fn results(
        &self,
        first: &str,
        cold_runs: usize,
        trials: &[Trial],
        cold_warm_ms: f64,
    ) -> anyhow::Result<GuileResults> {
        let warm = self.run("one", &[first], None)?;
        guile_json(&warm, "one")?;
        let mut cold = Vec::new();
        for _ in 0..cold_runs {
            let t = Instant::now();
            let out = self.run("one", &[first], None)?;
            cold.push(t.elapsed().as_secs_f64() * 1000.0);
            if !out.status.success() {
                bail!(
                    "Guile could not evaluate {first}: {}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
        let cold_one_dish_ms = median(cold);
        // Every trial has Guile's figures: the baseline ran in each.
        let with_guile: Vec<(&Trial, &GuileTrial)> = trials
            .iter()
            .filter_map(|t| Some((t, t.guile.as_ref()?)))
            .collect();
        let m = |f: &dyn Fn(&Trial, &GuileTrial) -> f64| {
            median(with_guile.iter().map(|&(t, g)| f(t, g)))
        };
        Ok(GuileResults {
            version: self.version.clone(),
            steady_dishes_per_sec: m(&|_, g| g.fresh_dishes_per_sec),
            steady_median_us: m(&|_, g| g.fresh_median_us),
            steady_shared_dishes_per_sec: m(&|_, g| g.shared_dishes_per_sec),
            steady_shared_median_us: m(&|_, g| g.shared_median_us),
            cold_one_dish_ms,
            ratio_steady_1_worker: m(&|t, g| t.dishes_per_sec_1_worker / g.best()),
            ratio_steady_2_workers: m(&|t, g| t.dishes_per_sec_2_workers / g.best()),
            ratio_steady_1_worker_default: m(&|t, g| {
                t.dishes_per_sec_1_worker / g.fresh_dishes_per_sec
            }),
            ratio_steady_2_workers_default: m(&|t, g| {
                t.dishes_per_sec_2_workers / g.fresh_dishes_per_sec
            }),
            ratio_cold: cold_one_dish_ms / cold_warm_ms,
        })
    }
}

/// A `host-channel` child process; killed on drop.
struct HostProcess {
    child: std::process::Child,
    base: String,
}

impl HostProcess {
    fn start(state: &Path, cache: &Path, extra: &[&str]) -> anyhow::Result<HostProcess> {
        use std::io::BufRead;
        let mut child = Command::new(std::env::current_exe()?)
            .args(["host-channel", "--listen", "127.0.0.1:0", "--cache-dir"])
            .arg(cache)
            .arg("--state")
            .arg(state)
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

fn git_in(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
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

fn bench_host(
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
