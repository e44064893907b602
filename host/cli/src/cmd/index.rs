//! `potluck-wasm index`: rebuild the package index from a Guix checkout.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use potluck_dish::index::Index;

#[derive(Args)]
pub struct IndexArgs {
    /// The root of a Guix source checkout (it has gnu/packages/).
    #[arg(long, value_name = "DIR")]
    pub guix_checkout: PathBuf,
    /// Where to write packages.tsv, build-systems.tsv and licenses.tsv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Print every warning (definitions that could not be evaluated).
    #[arg(long, short)]
    pub verbose: bool,
    /// A file of the checkout older than the rest (e.g.
    /// gnu/packages/tex.scm): its rows get the flag `stale-source`.
    #[arg(long, value_name = "PATH")]
    pub stale_file: Vec<String>,
    /// Make the index as the shipped one was made (the stale files it
    /// names: gnu/packages/tex.scm).
    #[arg(long, conflicts_with = "stale_file")]
    pub shipped: bool,
}

pub fn run(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let options = if args.shipped {
        potluck_index::IndexOptions::shipped()
    } else {
        potluck_index::IndexOptions {
            stale_files: args.stale_file.clone(),
        }
    };
    let data = potluck_index::index_checkout_with(&args.guix_checkout, &options)
        .with_context(|| format!("cannot index {}", args.guix_checkout.display()))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    potluck_index::write_tsv(&data, &args.out)
        .with_context(|| format!("cannot write the index to {}", args.out.display()))?;
    let shown = if args.verbose {
        data.warnings.len()
    } else {
        data.warnings.len().min(10)
    };
    for w in &data.warnings[..shown] {
        eprintln!("warning: {w}");
    }
    if shown < data.warnings.len() {
        eprintln!(
            "... and {} more warnings (--verbose shows them all)",
            data.warnings.len() - shown
        );
    }
    eprintln!(
        "indexed {} packages, {} build systems and {} licenses into {} ({} definitions skipped with a warning)",
        data.packages.len(),
        data.build_systems.len(),
        data.licenses.len(),
        args.out.display(),
        data.warnings.len()
    );
    // The written index must load: the same code reads it for --index.
    Index::load(&args.out).context("the written index does not load")?;
    Ok(ExitCode::SUCCESS)
}
