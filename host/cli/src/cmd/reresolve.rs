//! `potluck-wasm reresolve`: resolve dishes' inputs against two indexes and
//! report what changed and what broke.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use potluck_dish::index::Index;
use potluck_dish::pipeline::Pipeline;
use potluck_dish::resolve::{compare, Change, Resolved};
use potluck_dish::uri::Policy;
use potluck_sandbox::diagnostic::terminal_safe;
use serde::Serialize;

use crate::args::{cores, load_index, Format, SandboxArgs};
use crate::cmd::check::dish_files;

#[derive(Args)]
pub struct ReresolveArgs {
    /// Dish files or directories of dishes [default: as for `check`].
    pub paths: Vec<PathBuf>,
    /// The index the dishes were resolved against [default: the shipped index].
    #[arg(long, value_name = "DIR")]
    pub old_index: Option<PathBuf>,
    /// The new index.
    #[arg(long, value_name = "DIR")]
    pub new_index: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

/// One dish in the JSON output.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct DishChanges {
    file: String,
    /// Why the dish did not evaluate (then `inputs` is empty).
    error: Option<String>,
    inputs: Vec<InputChange>,
}

#[derive(Serialize)]
struct InputChange {
    field: &'static str,
    spec: String,
    change: Change,
}

fn show(r: &Resolved) -> String {
    format!("{} {} {}", r.module, r.variable, r.version)
}

pub fn run(args: ReresolveArgs) -> anyhow::Result<ExitCode> {
    let old = load_index(args.old_index.as_deref())?;
    let new = Index::load(&args.new_index)?;
    let files = dish_files(&args.paths, args.sandbox.max_source_bytes)?;
    let jobs = cores();
    let sandbox = args.sandbox.sandbox(jobs as u32)?;
    let pipeline = Pipeline {
        sandbox: &sandbox,
        index: &old,
        policy: Policy::default(),
        deny_warnings: false,
        target: None,
    };
    let mut out = Vec::new();
    let mut broke = 0;
    for r in pipeline.run_all(files, jobs, &|| {}) {
        let Some(dish) = r.dish else {
            out.push(DishChanges {
                file: r.file,
                error: r.diagnostics.first().map(|d| d.message.clone()),
                inputs: vec![],
            });
            continue;
        };
        let mut inputs = Vec::new();
        for (field, list) in [
            ("inputs", &dish.inputs),
            ("native-inputs", &dish.native_inputs),
            ("propagated-inputs", &dish.propagated_inputs),
        ] {
            for item in &list.items {
                let change = compare(&old, &new, &item.value);
                if matches!(change, Change::Broke { .. }) {
                    broke += 1;
                }
                inputs.push(InputChange {
                    field,
                    spec: item.value.clone(),
                    change,
                });
            }
        }
        out.push(DishChanges {
            file: r.file,
            error: None,
            inputs,
        });
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        Format::Human => {
            for d in &out {
                let file = terminal_safe(&d.file);
                if let Some(e) = &d.error {
                    println!("{file}: does not evaluate: {}", terminal_safe(e));
                    continue;
                }
                for c in &d.inputs {
                    let spec = terminal_safe(&c.spec);
                    match &c.change {
                        Change::Same { .. } => {}
                        Change::Changed { old, new } => {
                            println!("{file}: \"{spec}\": {} -> {}", show(old), show(new))
                        }
                        Change::Broke { error, help, .. } => {
                            println!("{file}: \"{spec}\": BROKEN: {error} ({help})")
                        }
                        Change::Fixed { new, .. } => {
                            println!("{file}: \"{spec}\": now resolves to {}", show(new))
                        }
                        Change::StillBroken { error } => {
                            println!("{file}: \"{spec}\": still broken: {error}")
                        }
                    }
                }
            }
            eprintln!(
                "re-resolved {} dish{}: {broke} input{} broke",
                out.len(),
                if out.len() == 1 { "" } else { "es" },
                if broke == 1 { "" } else { "s" }
            );
        }
    }
    Ok(if broke > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
