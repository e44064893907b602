//! `potluck-wasm init`: start guix-potluck/ at the root of a git checkout.

use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use potluck_dish::index::Index;
use potluck_dish::init::{self, InitOptions};

#[derive(Args)]
pub struct InitArgs {
    /// The public git URL others clone this repository from [default: the
    /// `origin` remote].
    pub remote: Option<String>,
    /// The build system, or `help` to list them.
    #[arg(long, default_value = "gnu")]
    pub build_system: String,
    /// The license (a variable of `(guix licenses)`), or `help` to list them.
    #[arg(long, default_value = "gpl3+")]
    pub license: String,
    /// Add autoconf, automake, libtool and pkg-config as native inputs
    /// (gnu-build-system then runs autoreconf when there is no configure).
    #[arg(long)]
    pub autotools: bool,
}

pub fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let index = Index::builtin();
    if args.build_system == "help" {
        for b in &index.build_systems {
            println!("{:<20} {} {}", b.symbol, b.module, b.variable);
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.license == "help" {
        for l in &index.licenses {
            println!("{:<20} {}", l.variable, l.name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let opts = InitOptions {
        remote: args.remote,
        build_system: args.build_system,
        license: args.license,
        autotools: args.autotools,
    };
    let done = init::init(Path::new("."), &opts, &index)?;
    let shown = done
        .dish
        .strip_prefix(".")
        .unwrap_or(&done.dish)
        .display()
        .to_string();
    println!("created {shown} and guix-potluck/README.md");
    println!("note: {}", done.version_note);
    if let Some(n) = &done.remote_note {
        println!("note: {n}");
    }
    let branch = done.branch.as_deref().unwrap_or("BRANCH");
    println!("next steps:");
    println!(
        "  1. replace the placeholder synopsis and description in {shown}, and list the inputs"
    );
    println!("  2. potluck-wasm check");
    println!("  3. git add guix-potluck && git commit -m 'Add potluck dish' && git push");
    println!(
        "  4. potluck-wasm update {} {branch} --host HOST",
        done.remote
    );
    Ok(ExitCode::SUCCESS)
}
