//! `potluck-wasm bench`: the performance numbers quoted in README.md,
//! measured in one run on a corpus of typical dishes.
//!
//! - cold `check` of one dish, as a fresh process, with an empty and with a
//!   warm compiled-code cache (median of several runs);
//! - steady-state latency per dish (sandbox instantiation + evaluation +
//!   host re-validation): median and p99;
//! - throughput in dishes per second with 1 and 2 worker threads;
//! - CPU time to stop an infinite loop with the default limits;
//! - peak resident memory of this process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;

use crate::index::Index;
use crate::resolve;
use crate::sandbox::{Cache, Limits, Sandbox};

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Directory of typical dishes (`*.scm`) to measure.
    #[arg(long, default_value = "tests/fixtures/shared-dishes/valid")]
    corpus: PathBuf,
    /// Steady-state rounds over the corpus.
    #[arg(long, default_value_t = 20)]
    rounds: usize,
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
    pub dishes_per_sec_1_worker: f64,
    pub dishes_per_sec_2_workers: f64,
    pub infinite_loop_cpu_ms: f64,
    pub infinite_loop_diagnostic: String,
    pub median_fuel_per_dish: u64,
    pub index_load_ms: f64,
    pub resolve_100k_ms: f64,
    pub peak_rss_mib: f64,
}

fn corpus(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the corpus directory {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "scm"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p)?;
        out.push((p.display().to_string(), text));
    }
    if out.is_empty() {
        bail!("no *.scm dishes in {}", dir.display());
    }
    Ok(out)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
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
    times.sort_by(f64::total_cmp);
    Ok(percentile(&times, 0.5))
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
    let cold_warm = cold_check(first, &cache, args.cold_runs.max(1), false)?;

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
    fuels.sort_unstable();

    // Steady state, one thread.
    let mut lat = Vec::with_capacity(dishes.len() * args.rounds);
    let t = Instant::now();
    for _ in 0..args.rounds {
        for (file, text) in &dishes {
            let t0 = Instant::now();
            let r = sandbox.evaluate(file, text);
            lat.push(t0.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(r.is_ok());
        }
    }
    let one = lat.len() as f64 / t.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);

    // Throughput with two workers.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
    let work: Vec<&(String, String)> = (0..args.rounds).flat_map(|_| dishes.iter()).collect();
    let t = Instant::now();
    pool.install(|| {
        work.par_iter().for_each(|(file, text)| {
            std::hint::black_box(sandbox.evaluate(file, text).is_ok());
        })
    });
    let two = work.len() as f64 / t.elapsed().as_secs_f64();

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

    let results = Results {
        corpus_dishes: dishes.len(),
        cold_check_empty_cache_ms: cold_empty,
        cold_check_warm_cache_ms: cold_warm,
        steady_median_us: percentile(&lat, 0.5),
        steady_p99_us: percentile(&lat, 0.99),
        dishes_per_sec_1_worker: one,
        dishes_per_sec_2_workers: two,
        infinite_loop_cpu_ms: loop_ms,
        infinite_loop_diagnostic: loop_diag,
        median_fuel_per_dish: fuels[fuels.len() / 2],
        index_load_ms,
        resolve_100k_ms,
        peak_rss_mib: peak_rss_mib(),
    };
    let _ = std::fs::remove_dir_all(&scratch);
    print_table(&results);
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&results)? + "\n")?;
    }
    Ok(())
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
    loads.sort_by(f64::total_cmp);
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
    (percentile(&loads, 0.5), t.elapsed().as_secs_f64() * 1000.0)
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
}

fn tempdir() -> anyhow::Result<PathBuf> {
    let base = std::env::temp_dir().join(format!("potluck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&base)?;
    Ok(base)
}
