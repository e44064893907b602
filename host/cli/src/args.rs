//! Flags shared by several subcommands, and how they become settings.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use potluck_dish::index::Index;
use potluck_sandbox::{Cache, Limits, Sandbox};

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style text on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// When to colour the human output.
#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour text written to stderr.  `auto` colours a
    /// terminal unless `NO_COLOR` is set to a non-empty value (no-color.org)
    /// or `TERM` is `dumb`.
    pub fn on_stderr(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// Where compiled guest code is cached.
#[derive(Args, Clone)]
pub struct CacheArgs {
    /// Directory for compiled guest code [default: $POTLUCK_CACHE_DIR, else
    /// $XDG_CACHE_HOME/potluck-wasm, else ~/.cache/potluck-wasm].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Do not cache compiled guest code.
    #[arg(long)]
    pub no_cache: bool,
}

impl CacheArgs {
    pub fn cache(&self) -> Cache {
        match (&self.cache_dir, self.no_cache) {
            (_, true) => Cache::Off,
            (Some(d), false) => Cache::Dir(d.clone()),
            (None, false) => Cache::default_location(),
        }
    }
}

/// The sandbox's limits (see the README's threat model).
#[derive(Args, Clone)]
pub struct SandboxArgs {
    /// Wasm fuel per dish (deterministic CPU budget).
    #[arg(long, default_value_t = Limits::default().fuel)]
    pub fuel: u64,
    /// Wall-clock deadline per dish, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = Limits::default().deadline.as_millis() as u64)]
    pub timeout_ms: u64,
    /// Linear memory cap per dish, in MiB (at least 2: the interpreter
    /// starts with its 1 MiB stack, its data and a first heap in 1.25 MiB).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = (Limits::default().memory_bytes >> 20) as u64,
        value_parser = clap::value_parser!(u64).range(2..=4096)
    )]
    pub memory_mib: u64,
    /// Wasm stack cap per dish, in KiB.
    #[arg(long, value_name = "KIB", default_value_t = (Limits::default().wasm_stack_bytes >> 10) as u64)]
    pub wasm_stack_kib: u64,
    /// Largest dish source accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().source_bytes)]
    pub max_source_bytes: usize,
    /// Largest result a dish may produce, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().output_bytes)]
    pub max_output_bytes: usize,
    /// Interpreter step limit per dish.
    #[arg(long, default_value_t = Limits::default().steps)]
    pub max_steps: u64,
    /// Interpreter recursion depth limit.
    #[arg(long, default_value_t = Limits::default().depth)]
    pub max_depth: u32,
    /// Bytes a dish may allocate in all.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().alloc_bytes)]
    pub max_alloc_bytes: u64,
    /// Syntax nodes macro expansion may produce.
    #[arg(long, default_value_t = Limits::default().expansion)]
    pub max_expansion: u64,
    #[command(flatten)]
    pub cache: CacheArgs,
}

impl SandboxArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            fuel: self.fuel,
            deadline: Duration::from_millis(self.timeout_ms),
            memory_bytes: (self.memory_mib as usize) << 20,
            wasm_stack_bytes: (self.wasm_stack_kib as usize) << 10,
            source_bytes: self.max_source_bytes,
            output_bytes: self.max_output_bytes,
            steps: self.max_steps,
            depth: self.max_depth,
            alloc_bytes: self.max_alloc_bytes,
            expansion: self.max_expansion,
        }
    }

    /// The sandbox, for `concurrency` dishes at once.
    pub fn sandbox(&self, concurrency: u32) -> anyhow::Result<Sandbox> {
        let (sandbox, _) = Sandbox::new(self.limits(), &self.cache.cache(), concurrency)
            .context("cannot start the sandbox")?;
        Ok(sandbox)
    }
}

/// The index at `path`, or the one shipped in the binary.
pub fn load_index(path: Option<&Path>) -> anyhow::Result<Index> {
    Ok(match path {
        Some(p) => Index::load(p)?,
        None => Index::builtin(),
    })
}

/// The number of cores, at least 1.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
