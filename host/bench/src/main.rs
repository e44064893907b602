//! `potluck-bench` (a development tool, not part of the product): the
//! performance numbers quoted in README.md,
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

mod guile;
mod host;
mod measure;
mod multihost;
mod table;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::bail;
use clap::Parser;
use potluck_sandbox::{Cache, Limits, Sandbox};
use serde::Serialize;

use crate::guile::GuileBaseline;
use crate::host::bench_host;
use crate::measure::*;
use crate::table::print_table;

/// The `potluck-wasm` binary measured: `--potluck-wasm`, else the one next
/// to this program (cargo builds both into the same directory).
pub fn potluck_wasm() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("POTLUCK_BENCH_BINARY") {
        return Ok(PathBuf::from(p));
    }
    let me = std::env::current_exe()?;
    let exe = me.with_file_name("potluck-wasm");
    if !exe.is_file() {
        bail!(
            "{} is missing: build it first (cargo build --release -p potluck-wasm) or set POTLUCK_BENCH_BINARY",
            exe.display()
        );
    }
    Ok(exe)
}

/// The benchmarks of potluck-wasm.
#[derive(Parser, Debug, Clone)]
#[command(name = "potluck-bench", version)]
pub struct BenchArgs {
    /// Directory of typical dishes (`*.scm`) to measure.
    #[arg(long, default_value = "benches/dishes")]
    pub corpus: PathBuf,
    /// The Guile baseline script.
    #[arg(long, default_value = "benches/guile/sandbox-bench.scm")]
    pub guile_script: PathBuf,
    /// Skip the Guile baseline.
    #[arg(long)]
    pub no_guile: bool,
    /// Also measure the shared host: enqueue burst and end-to-end update.
    #[arg(long)]
    pub host: bool,
    /// Measure only the shared host scaled out: 1, 2 and 3 hosts on one
    /// PostgreSQL store next to one host on SQLite (needs PostgreSQL's
    /// initdb and pg_ctl; `--trials` trials per configuration).
    #[arg(long)]
    pub multi_host: bool,
    /// Requests in the enqueue burst (with --host).
    #[arg(long, default_value_t = 5000)]
    pub burst: usize,
    /// Steady-state rounds over the corpus in each trial (Guile runs a
    /// quarter as many, as it is slower).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Interleaved trials of the steady-state measures (potluck-wasm and
    /// Guile back to back); medians are reported.
    #[arg(long, default_value_t = 5)]
    pub trials: usize,
    /// Fresh processes started for each cold-start figure.
    #[arg(long, default_value_t = 10)]
    pub cold_runs: usize,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
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
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let dishes = corpus(&args.corpus)?;
    if args.multi_host {
        let scratch = tempdir()?;
        let rows =
            multihost::bench_multi_host(&dishes, &scratch, &scratch.join("cache"), args.trials);
        let _ = std::fs::remove_dir_all(&scratch);
        let rows = rows?;
        multihost::print_multi_host(&rows);
        if let Some(path) = &args.json {
            std::fs::write(path, serde_json::to_string_pretty(&rows)? + "\n")?;
        }
        return Ok(());
    }
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

fn main() -> std::process::ExitCode {
    let args = BenchArgs::parse();
    match run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
