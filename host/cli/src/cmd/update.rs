//! `potluck-wasm update`: ask a potluck host to update from a repository.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use potluck_sandbox::diagnostic::terminal_safe;
use potluck_server::api::JobState;
use potluck_server::client;

use crate::args::Format;

#[derive(Args)]
pub struct UpdateArgs {
    /// The public git URL of your repo.
    pub remote: String,
    /// The branch holding guix-potluck/.
    pub branch: String,
    /// The potluck host (URL, or a host name for https).
    #[arg(long, env = "POTLUCK_HOST")]
    pub host: String,
    /// Wait for the job to finish and print its outcome.
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    pub wait_timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

pub fn run(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let queued = client::enqueue(&args.host, &args.remote, &args.branch)?;
    let id = queued.job;
    if !args.wait {
        match args.format {
            Format::Json => println!("{}", serde_json::to_string(&queued)?),
            Format::Human => println!(
                "job {id} {}",
                if queued.duplicate {
                    "was already queued for this repo and branch"
                } else {
                    "queued"
                }
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let j = client::wait(&args.host, id, Duration::from_secs(args.wait_timeout))?;
    let failed = j.job.state != JobState::Done || j.dishes.iter().any(|d| !d.ok);
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&j)?),
        Format::Human => {
            // Everything here came from the host, and from a repository
            // before that: it is made terminal-safe.
            println!(
                "job {id} {}: {}",
                j.job.state.as_str(),
                terminal_safe(
                    j.job
                        .error
                        .as_deref()
                        .or(j.job.summary.as_deref())
                        .unwrap_or("")
                )
            );
            if let Some(c) = &j.job.channel_commit {
                println!("channel commit {}", terminal_safe(c));
            }
            for d in &j.dishes {
                println!(
                    "  {} {} -> {}",
                    if d.ok { "ok    " } else { "FAILED" },
                    terminal_safe(&d.file),
                    terminal_safe(d.module_name.as_deref().unwrap_or("(no module)"))
                );
                if !d.ok {
                    for line in d.rendered.lines() {
                        println!("    {}", terminal_safe(line));
                    }
                }
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
