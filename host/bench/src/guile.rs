//! The Guile baseline: the same corpus under Guile 3.0's `eval-in-sandbox`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::measure::*;
use crate::{BenchArgs, GuileResults, GuileTrial, Trial};

/// `benches/guile/sandbox-bench.scm`.
/// Guile's `eval-in-sandbox` on the corpus, run by
pub struct GuileBaseline {
    version: String,
    script: PathBuf,
    corpus: String,
    rounds: String,
    /// Guile's compiled-code cache for the script (the 2017 host ran
    /// compiled modules); the dishes are evaluated by Guile's `eval`.
    ccache: PathBuf,
}

impl GuileBaseline {
    pub(crate) fn new(args: &BenchArgs, scratch: &Path) -> anyhow::Result<GuileBaseline> {
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
    pub(crate) fn trial(&self) -> anyhow::Result<GuileTrial> {
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
    pub(crate) fn results(
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
