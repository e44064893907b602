//! `potluck-wasm emit`: write the channel modules of dishes that pass
//! `check` into a channel directory, in the layout a host publishes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use potluck_dish::layout;
use potluck_dish::pipeline::Target;
use potluck_sandbox::diagnostic::terminal_safe;

use crate::args::Format;
use crate::cmd::check::{dish_files, run_pipeline, CommonArgs};
use crate::report::{self, Human, Summary};

#[derive(Args)]
pub struct EmitArgs {
    /// Dish files or directories of dishes.
    #[arg(required = true)]
    pub dishes: Vec<PathBuf>,
    /// The git URL the dishes come from (names the module).
    #[arg(long)]
    pub repo: String,
    /// The branch the dishes come from (names the module).
    #[arg(long)]
    pub branch: String,
    /// The channel root to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Write `contents` to `root/rel` through a temporary file and a rename.
fn write(root: &Path, rel: &str, contents: &[u8]) -> anyhow::Result<()> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

pub fn run(args: EmitArgs) -> anyhow::Result<ExitCode> {
    let files = dish_files(&args.dishes, args.common.sandbox.max_source_bytes)?;
    let target = Target {
        repo: args.repo.clone(),
        branch: args.branch.clone(),
    };
    let reports = run_pipeline(&args.common, files, Some(&target))?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    write(
        &args.out,
        ".guix-channel",
        layout::guix_channel().as_bytes(),
    )?;
    let human = Human {
        color: args.common.color.on_stderr(),
        quiet: args.common.quiet,
        explain_inputs: false,
    };
    for r in &reports {
        if let (Some(module), Some(text), Some(source)) = (&r.module, &r.module_text, &r.source) {
            write(&args.out, &module.file, text.as_bytes())?;
            write(&args.out, &module.dish_file, source.as_bytes())?;
            if args.common.format == Format::Human && !args.common.quiet {
                println!(
                    "{} -> {} {}",
                    terminal_safe(&r.file),
                    module.file,
                    module.display()
                );
            }
        }
        if args.common.format == Format::Human {
            for d in &r.diagnostics {
                eprintln!("{}\n", d.render(r.source.as_deref(), human.color));
            }
        }
    }
    let summary = Summary::of(&reports);
    match args.common.format {
        Format::Json => report::print_json(&reports)?,
        Format::Human => eprintln!("{}", summary.line("emitted")),
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
