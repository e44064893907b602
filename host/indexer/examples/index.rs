//! Indexes a Guix checkout into a directory, as the shipped index was made:
//!
//! `cargo run --release -p potluck-index --example index -- GUIX-SRC OUT-DIR [--stale FILE]... [--shipped]`
//!
//! `--stale FILE` lists a file of the checkout as stale (its rows get the
//! flag `stale-source`); `--shipped` uses the options the shipped index was
//! made with (`IndexOptions::shipped()`).  Warnings go to stderr.

use std::path::PathBuf;
use std::time::Instant;

use potluck_index::{index_checkout_with, write_tsv, IndexOptions};

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut options = IndexOptions::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stale" => match args.next() {
                Some(f) => options.stale_files.push(f),
                None => {
                    eprintln!("--stale needs a file");
                    return std::process::ExitCode::FAILURE;
                }
            },
            "--shipped" => options = IndexOptions::shipped(),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    let [src, out] = positional.as_slice() else {
        eprintln!("usage: index GUIX-SRC OUT-DIR [--stale FILE]... [--shipped]");
        return std::process::ExitCode::FAILURE;
    };
    let start = Instant::now();
    let data = match index_checkout_with(src, &options) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let elapsed = start.elapsed();
    if let Err(e) = write_tsv(&data, out) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return std::process::ExitCode::FAILURE;
    }
    for w in &data.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "{} packages, {} build systems ({} with keywords), {} licenses, {} warnings; indexed in {:.2} s",
        data.packages.len(),
        data.build_systems.len(),
        data.build_system_keywords.len(),
        data.licenses.len(),
        data.warnings.len(),
        elapsed.as_secs_f64()
    );
    std::process::ExitCode::SUCCESS
}
