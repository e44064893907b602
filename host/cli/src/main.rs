//! The `potluck-wasm` command line: parses the arguments and hands each
//! subcommand to its module in [`cmd`].  Errors end here: they are printed
//! as `error: …` with exit status 2 (a dish that fails is status 1).

mod args;
mod cmd;
mod report;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::args::CacheArgs;

#[derive(Parser)]
#[command(
    name = "potluck-wasm",
    version,
    about = "Publish Guix package definitions from any git repo, evaluated in a wasm sandbox"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate dishes in the sandbox and report every problem.
    Check(cmd::check::CheckArgs),
    /// Write the channel modules of dishes (they must pass `check`).
    Emit(cmd::emit::EmitArgs),
    /// Start guix-potluck/ at the root of a git checkout.
    Init(cmd::init::InitArgs),
    /// Print the hash `guix hash -rx` prints for a checkout, or for a
    /// commit of it (a dish's `sha256`).
    Hash(cmd::hash::HashArgs),
    /// Pin a dish to a new commit: rewrite its version, git-commit and
    /// sha256 in place.
    Refresh(cmd::refresh::RefreshArgs),
    /// List the names the sandbox environment binds (for audit).
    Bindings(CacheArgs),
    /// List the imports of the embedded guest component (for audit).
    Imports(CacheArgs),
    /// Re-resolve dishes' inputs against a new package index and report
    /// which inputs changed and which broke.
    Reresolve(cmd::reresolve::ReresolveArgs),
    /// Build a package index from a Guix source checkout.
    Index(cmd::index::IndexArgs),
    /// Run a shared potluck host: take update requests over HTTP, evaluate
    /// every dish in the sandbox, and commit the channel.
    HostChannel(cmd::host_channel::HostChannelArgs),
    /// Ask a potluck host to update its channel from your repo.
    Update(cmd::update::UpdateArgs),
}

/// `--version`: the program's version, the Guix commit of the built-in
/// package index and the SHA-256 of the embedded guest component.
fn long_version() -> &'static str {
    let text = format!(
        "{}\npackage index: Guix commit {}\nguest component: sha256 {}",
        env!("CARGO_PKG_VERSION"),
        potluck_dish::index::builtin_guix_commit(),
        potluck_sandbox::GUEST_SHA256
    );
    Box::leak(text.into_boxed_str())
}

fn main() -> ExitCode {
    // Run as the git:// proxy of the shared host (see potluck_server::git::remote).
    let argv: Vec<String> = std::env::args().collect();
    if let Some(argv0) = std::env::args_os().next() {
        if potluck_server::git::remote::is_proxy_invocation(&argv0) {
            return ExitCode::from(potluck_server::git::remote::proxy_main(&argv) as u8);
        }
    }
    let matches = Cli::command().long_version(long_version()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    if !matches!(cli.command, Command::HostChannel(_)) {
        // A command-line tool whose output pipe closes (`| head`) should
        // stop quietly, as other Unix tools do.  The server keeps Rust's
        // default (SIGPIPE ignored), so a client hanging up never kills it.
        // SAFETY: setting a signal disposition before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Emit(args) => cmd::emit::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Hash(args) => cmd::hash::run(args),
        Command::Refresh(args) => cmd::refresh::run(args),
        Command::Bindings(args) => cmd::audit::bindings(args),
        Command::Imports(args) => cmd::audit::imports(args),
        Command::Reresolve(args) => cmd::reresolve::run(args),
        Command::Index(args) => cmd::index::run(args),
        Command::HostChannel(args) => cmd::host_channel::run(args),
        Command::Update(args) => cmd::update::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!(
                "error: {}",
                potluck_sandbox::diagnostic::terminal_safe(&format!("{e:#}"))
                    .replace("\\u{a}", "\n")
            );
            ExitCode::from(2)
        }
    }
}
