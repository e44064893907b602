//! `potluck-wasm refresh`: pin a dish to a new commit of the repository it
//! lives in.  The dish is evaluated in the sandbox to find where its
//! `version`, `git-commit` and `sha256` are written; those literals are
//! replaced ([`potluck_dish::refresh::rewrite`]) and every other byte of the
//! file is kept.  The file is replaced atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use potluck_dish::files::DishFile;
use potluck_dish::pipeline::Pipeline;
use potluck_dish::refresh::{self, Pin};
use potluck_dish::uri::Policy;
use potluck_dish::{init, nar};

use potluck_sandbox::diagnostic::terminal_safe;

use crate::args::{load_index, SandboxArgs};
use crate::report::{self, Human};

#[derive(Args)]
pub struct RefreshArgs {
    /// The dish file to rewrite.
    pub dish: PathBuf,
    /// The revision to pin (a tag, branch or commit of the checkout the
    /// dish lives in).
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub to: String,
    /// Print what would change without writing the file.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

pub fn run(args: RefreshArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.dish)
        .with_context(|| format!("cannot read {}", args.dish.display()))?;
    let sandbox = args.sandbox.sandbox(1)?;
    let index = load_index(None)?;
    let pipeline = Pipeline {
        sandbox: &sandbox,
        index: &index,
        policy: Policy::default(),
        deny_warnings: false,
        target: None,
    };
    let shown = args.dish.display().to_string();
    let report = pipeline.run(DishFile {
        display: shown.clone(),
        text: Ok(text.clone()),
    });
    let Some(dish) = report.dish.as_ref() else {
        report::print_human(
            &report,
            Human {
                color: false,
                quiet: true,
                explain_inputs: false,
            },
        );
        anyhow::bail!("{shown} does not evaluate to a dish; fix the errors above first");
    };
    let dir = args
        .dish
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let checkout = match refresh::local_checkout(&args.dish, &dish.source.git_uri.value) {
        Some(c) => c,
        None => anyhow::bail!(
            "{shown}: its git-uri {} is not a remote of the git checkout it is in ({})\n  = help: `refresh` pins a commit of the repository the dish lives in; add the remote (git remote add origin {}) or edit the dish by hand (`potluck-wasm hash --commit REV` gives the sha256)",
            dish.source.git_uri.value,
            dir.display(),
            dish.source.git_uri.value
        ),
    };
    let commit = nar::resolve_commit(&checkout, &args.to)?;
    let (version, note) = init::version_of(&checkout, &commit);
    let scratch = tempfile::tempdir()?;
    let sha256 = nar::checkout_hash(&checkout, &commit, scratch.path())?;
    let pin = Pin {
        version,
        commit,
        sha256,
    };
    let new =
        refresh::rewrite(&text, dish, &pin).with_context(|| format!("cannot refresh {shown}"))?;
    let old = [
        ("version", &dish.version.value, &pin.version),
        ("git-commit", &dish.source.git_commit.value, &pin.commit),
        ("sha256", &dish.source.sha256.value, &pin.sha256),
    ];
    if new == text {
        println!("{shown} already pins {} ({})", pin.commit, pin.version);
        return Ok(ExitCode::SUCCESS);
    }
    for (field, from, to) in old {
        if from != to {
            println!("{field}: {} -> {to}", terminal_safe(from));
        }
    }
    println!("note: {note}");
    if args.dry_run {
        println!("(dry run: {shown} not written)");
        return Ok(ExitCode::SUCCESS);
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write next to {shown}"))?;
    tmp.write_all(new.as_bytes())?;
    if let Ok(meta) = std::fs::metadata(&args.dish) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.persist(&args.dish)
        .with_context(|| format!("cannot replace {shown}"))?;
    println!("rewrote {shown}");
    Ok(ExitCode::SUCCESS)
}
