//! `potluck-wasm hash`: what `guix hash -rx` prints for a checkout (its
//! files without version-control directories) or, with `--commit`, for a
//! checkout of one commit as Guix's `git-fetch` makes it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use potluck_dish::nar::{self, Select};

#[derive(Args)]
pub struct HashArgs {
    /// A directory, or a git checkout with `--commit`.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Hash a fresh checkout of this revision (a tag, branch or commit)
    /// instead of the files in DIR: the `sha256` of a dish pinning it.
    #[arg(long, value_name = "REV")]
    pub commit: Option<String>,
}

pub fn run(args: HashArgs) -> anyhow::Result<ExitCode> {
    let hash = match &args.commit {
        None => nar::hash_dir(&args.dir, &Select::exclude_vcs_of(&args.dir))?,
        Some(rev) => {
            let commit = nar::resolve_commit(&args.dir, rev)?;
            let scratch = tempfile::tempdir()?;
            nar::checkout_hash(&args.dir, &commit, scratch.path())?
        }
    };
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}
