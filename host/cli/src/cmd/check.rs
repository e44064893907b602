//! `potluck-wasm check`: evaluate, validate and resolve dishes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Args;
use potluck_dish::files::{self, DishFile};
use potluck_dish::pipeline::{Pipeline, Report};
use potluck_dish::uri::Policy;

use crate::args::{cores, load_index, Color, Format, SandboxArgs};
use crate::report::{self, Human, Summary};

#[derive(Args)]
pub struct CheckArgs {
    /// Dish files, directories of dishes, or a repository root (its
    /// guix-potluck/); `-` reads one dish from standard input [default: the
    /// guix-potluck/ of this directory or a parent, up to the repository root].
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Show which Guix module and variable every input resolves to.
    #[arg(long)]
    pub explain_inputs: bool,
    /// Fetch every dish's `git-uri` at its `git-commit` and check its
    /// `sha256`, as the shared host does before publishing.  Without it,
    /// only dishes whose `git-uri` is a remote of the checkout they live in
    /// are checked, from the local objects.
    #[arg(long)]
    pub verify_source: bool,
    /// Check no source at all, not even from local objects.
    #[arg(long, conflicts_with = "verify_source")]
    pub no_verify_source: bool,
}

/// What `check` and `emit` share.
#[derive(Args)]
pub struct CommonArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Evaluate this many dishes at once [default: number of cores].
    #[arg(long, short)]
    pub jobs: Option<usize>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only problems and the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Treat warnings (lint advice) as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Package index: a directory with packages.tsv, build-systems.tsv and
    /// licenses.tsv, or its packages.tsv [default: the index shipped with
    /// potluck-wasm].
    #[arg(long, value_name = "FILE|DIR")]
    pub index: Option<PathBuf>,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// The dish files the paths name (see [`CheckArgs::paths`]).
pub fn dish_files(paths: &[PathBuf], max_bytes: usize) -> anyhow::Result<Vec<DishFile>> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        let here = std::env::current_dir()?;
        match files::find_dish_dir(&here) {
            Some(d) => vec![d.strip_prefix(&here).map_or(d.clone(), Path::to_path_buf)],
            None => anyhow::bail!(
                "there is no guix-potluck/ directory here or above, up to the repository root\n  = help: run this inside a checkout that has guix-potluck/ (`potluck-wasm init` starts one), or pass dish files or directories: potluck-wasm check PATH..."
            ),
        }
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    let mut rest = Vec::new();
    for p in &paths {
        if p.as_os_str() == "-" {
            let text = files::read_capped(std::io::stdin().lock(), "<stdin>", max_bytes, true);
            out.push(DishFile {
                display: "<stdin>".into(),
                text,
            });
        } else {
            rest.push(files::dish_path(p));
        }
    }
    out.extend(files::collect(&rest, max_bytes)?);
    if out.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no dish files (*.scm) in {}\n  = help: dishes are the .scm files directly inside guix-potluck/",
            shown.join(", ")
        );
    }
    Ok(out)
}

/// A progress bar on a terminal for 20 dishes or more; its time estimate
/// appears once a tenth of the dishes (at least 10) are done.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    eta_from: u64,
    eta_shown: AtomicBool,
}

impl Progress {
    fn new(n: usize, show: bool) -> Progress {
        let bar = (show && n >= 20).then(|| {
            let b = indicatif::ProgressBar::new(n as u64);
            b.set_style(style("{bar:40} {pos}/{len} dishes"));
            b
        });
        Progress {
            bar,
            eta_from: (n as u64 / 10).max(10),
            eta_shown: AtomicBool::new(false),
        }
    }

    fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
            if b.position() >= self.eta_from && !self.eta_shown.swap(true, Ordering::Relaxed) {
                b.set_style(style("{bar:40} {pos}/{len} dishes ({eta} left)"));
            }
        }
    }

    fn finish(self) {
        if let Some(b) = self.bar {
            b.finish_and_clear();
        }
    }
}

fn style(template: &str) -> indicatif::ProgressStyle {
    indicatif::ProgressStyle::with_template(template)
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
}

/// Take `files` through `pipeline` with the flags of `common`, showing
/// progress on a terminal.
pub fn run_pipeline(
    common: &CommonArgs,
    files: Vec<DishFile>,
    target: Option<&potluck_dish::pipeline::Target>,
) -> anyhow::Result<Vec<Report>> {
    let jobs = common.jobs.unwrap_or_else(cores).max(1);
    let sandbox = common.sandbox.sandbox(jobs as u32)?;
    let index = load_index(common.index.as_deref())?;
    let pipeline = Pipeline {
        sandbox: &sandbox,
        index: &index,
        policy: Policy::default(),
        deny_warnings: common.deny_warnings,
        target,
    };
    let show =
        common.format == Format::Human && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = Progress::new(files.len(), show);
    let reports = pipeline.run_all(files, jobs, &|| progress.inc());
    progress.finish();
    Ok(reports)
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let files = dish_files(&args.paths, args.common.sandbox.max_source_bytes)?;
    let mut reports = run_pipeline(&args.common, files, None)?;
    if !args.no_verify_source {
        crate::cmd::source::verify_all(&mut reports, args.verify_source)?;
    }
    let summary = Summary::of(&reports);
    match args.common.format {
        Format::Json => report::print_json(&reports)?,
        Format::Human => {
            let how = Human {
                color: args.common.color.on_stderr(),
                quiet: args.common.quiet,
                explain_inputs: args.explain_inputs,
            };
            for r in &reports {
                report::print_human(r, how);
            }
            eprintln!("{}", summary.line("checked"));
        }
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The estimate is not shown before a tenth of the dishes (at least 10)
    /// are done; fewer than 20 dishes get no bar at all.
    #[test]
    fn the_time_estimate_waits_until_it_means_something() {
        assert!(Progress::new(19, true).bar.is_none());
        assert!(Progress::new(500, false).bar.is_none());
        for (n, from) in [(20, 10), (50, 10), (500, 50)] {
            let p = Progress::new(n, true);
            let bar = p.bar.as_ref().expect("a bar for 20 dishes or more");
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            assert_eq!(p.eta_from, from);
            for _ in 1..from {
                p.inc();
            }
            assert!(!p.eta_shown.load(Ordering::Relaxed), "{n}: shown early");
            p.inc();
            assert!(p.eta_shown.load(Ordering::Relaxed), "{n}: not shown");
            p.finish();
        }
    }
}
