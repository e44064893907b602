//! The `potluck-wasm` command line.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use potluck_wasm::check::{self, Report};
use potluck_wasm::diagnostic::Severity;
use potluck_wasm::index::Index;
use potluck_wasm::sandbox::{Cache, Limits, Sandbox};
use potluck_wasm::validate;

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
    Check(CheckArgs),
    /// List the names the sandbox environment binds (for audit).
    Bindings(SandboxArgs),
    /// List the imports of the embedded guest component (for audit).
    Imports(SandboxArgs),
    /// Re-resolve dishes' inputs against a new package index and report
    /// which inputs changed and which broke.
    Reresolve(ReresolveArgs),
    /// Start guix-potluck/ at the root of a git checkout.
    Init(InitArgs),
    /// Write the channel modules of dishes (they must pass `check`).
    Emit(EmitArgs),
    /// Build a package index from a Guix source checkout.
    Index(IndexArgs),
    /// Measure cold start, per-dish latency and throughput.
    Bench(potluck_wasm::bench::BenchArgs),
    /// Run a shared potluck host: take update requests over HTTP, evaluate
    /// every dish in the sandbox, and commit the channel.
    HostChannel(HostChannelArgs),
    /// Ask a potluck host to update its channel from your repo.
    Update(UpdateArgs),
}

#[derive(Args)]
struct HostChannelArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// State directory: the database (state.sqlite), scratch space and, by
    /// default, the channel repo (channel.git).  Created if needed.
    #[arg(long, value_name = "DIR")]
    state: PathBuf,
    /// The channel: a local bare repo to commit to, or a git URL to push to
    /// after each commit (from a local repo under the state directory)
    /// [default: STATE/channel.git].
    #[arg(long, value_name = "DIR|URL")]
    target: Option<String>,
    /// Worker threads evaluating updates (0: only take requests, e.g. while
    /// another host runs the workers).
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Package index [default: the shipped one].
    #[arg(long, value_name = "FILE|DIR")]
    index: Option<PathBuf>,
    /// Most jobs waiting in the queue; further requests get 503 with Retry-After.
    #[arg(long, default_value_t = 10_000)]
    max_queued: u64,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8192)]
    max_body: usize,
    /// Wall-clock limit of one git fetch, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    fetch_timeout: u64,
    /// Cap on what one fetch may write to disk, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    max_fetch_mib: u64,
    /// Most dishes one repo may have.
    #[arg(long, default_value_t = 500)]
    max_dishes: usize,
    /// TESTING ONLY: accept git URLs on loopback (127.0.0.1, localhost).  A
    /// shared host must never fetch from its own machine.
    #[arg(long)]
    allow_loopback_remotes: bool,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args)]
struct UpdateArgs {
    /// The public git URL of your repo.
    remote: String,
    /// The branch holding guix-potluck/.
    branch: String,
    /// The potluck host (URL, or a host name for https).
    #[arg(long, env = "POTLUCK_HOST")]
    host: String,
    /// Wait for the job to finish and print its outcome.
    #[arg(long)]
    wait: bool,
    /// With --wait: give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 600)]
    wait_timeout: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Args, Clone)]
pub struct SandboxArgs {
    /// Wasm fuel per dish (deterministic CPU budget).
    #[arg(long, default_value_t = Limits::default().fuel)]
    fuel: u64,
    /// Wall-clock deadline per dish, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = Limits::default().deadline.as_millis() as u64)]
    timeout_ms: u64,
    /// Linear memory cap per dish, in MiB (at least 2: the interpreter
    /// starts with its 1 MiB stack, its data and a first heap in 1.25 MiB).
    #[arg(
        long,
        value_name = "MIB",
        default_value_t = (Limits::default().memory_bytes >> 20) as u64,
        value_parser = clap::value_parser!(u64).range(2..=4096)
    )]
    memory_mib: u64,
    /// Wasm stack cap per dish, in KiB.
    #[arg(long, value_name = "KIB", default_value_t = (Limits::default().wasm_stack_bytes >> 10) as u64)]
    wasm_stack_kib: u64,
    /// Largest dish source accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().source_bytes)]
    max_source_bytes: usize,
    /// Largest result a dish may produce, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().output_bytes)]
    max_output_bytes: usize,
    /// Interpreter step limit per dish.
    #[arg(long, default_value_t = Limits::default().steps)]
    max_steps: u64,
    /// Interpreter recursion depth limit.
    #[arg(long, default_value_t = Limits::default().depth)]
    max_depth: u32,
    /// Bytes a dish may allocate in all.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().alloc_bytes)]
    max_alloc_bytes: u64,
    /// Syntax nodes macro expansion may produce.
    #[arg(long, default_value_t = Limits::default().expansion)]
    max_expansion: u64,
    /// Directory for compiled guest code [default: $XDG_CACHE_HOME/potluck-wasm].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache_dir: Option<PathBuf>,
    /// Do not cache compiled guest code.
    #[arg(long)]
    no_cache: bool,
}

impl SandboxArgs {
    fn limits(&self) -> Limits {
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

    fn cache(&self) -> Cache {
        match (&self.cache_dir, self.no_cache) {
            (_, true) => Cache::Off,
            (Some(d), false) => Cache::Dir(d.clone()),
            (None, false) => Cache::default_location(),
        }
    }

    fn sandbox(&self, concurrency: u32) -> anyhow::Result<Sandbox> {
        let (sandbox, _) = Sandbox::new(self.limits(), &self.cache(), concurrency)?;
        Ok(sandbox)
    }
}

#[derive(Args)]
struct CheckArgs {
    /// Dish files or directories of dishes [default: ./guix-potluck].
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Evaluate this many dishes at once [default: number of cores].
    #[arg(long, short)]
    jobs: Option<usize>,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Treat warnings (lint advice) as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Show which Guix module and variable every input resolves to.
    #[arg(long)]
    explain_inputs: bool,
    /// Package index: a directory with packages.tsv, build-systems.tsv and
    /// licenses.tsv, or its packages.tsv [default: the index shipped with
    /// potluck-wasm].
    #[arg(long, value_name = "FILE|DIR")]
    index: Option<PathBuf>,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[derive(Args)]
struct InitArgs {
    /// The public git URL others clone this repository from [default: the `origin` remote].
    remote: Option<String>,
    /// The build system, or `help` to list them.
    #[arg(long, default_value = "gnu")]
    build_system: String,
    /// The license (a variable of `(guix licenses)`), or `help` to list them.
    #[arg(long, default_value = "gpl3+")]
    license: String,
    /// Add autoconf, automake, libtool and pkg-config as native inputs
    /// (gnu-build-system then runs autoreconf when there is no configure).
    #[arg(long)]
    autotools: bool,
}

#[derive(Args)]
struct EmitArgs {
    /// Dish files or directories of dishes.
    #[arg(required = true)]
    dishes: Vec<PathBuf>,
    /// The git URL the dishes come from (names the module).
    #[arg(long)]
    repo: String,
    /// The branch the dishes come from (names the module).
    #[arg(long)]
    branch: String,
    /// The channel root to write into (created if needed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package index [default: the shipped one].
    #[arg(long, value_name = "FILE|DIR")]
    index: Option<PathBuf>,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

#[derive(Args)]
struct IndexArgs {
    /// The root of a Guix source checkout (it has gnu/packages/).
    #[arg(long, value_name = "DIR")]
    guix_checkout: PathBuf,
    /// Where to write packages.tsv, build-systems.tsv and licenses.tsv.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Print every warning (definitions that could not be evaluated).
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Args)]
struct ReresolveArgs {
    /// Dish files or directories of dishes [default: ./guix-potluck].
    paths: Vec<PathBuf>,
    /// The index the dishes were resolved against [default: the shipped index].
    #[arg(long, value_name = "DIR")]
    old_index: Option<PathBuf>,
    /// The new index.
    #[arg(long, value_name = "DIR")]
    new_index: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    sandbox: SandboxArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Command::Check(args) => run_check(args),
        Command::Bindings(args) => args.sandbox(1).and_then(|s| {
            let names = s.bindings().map_err(|d| anyhow::anyhow!(d.message))?;
            for n in names {
                println!("{n}");
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Imports(args) => args.sandbox(1).map(|s| {
            let imports = s.component_imports();
            if imports.is_empty() {
                eprintln!("the guest component imports nothing");
            }
            for i in imports {
                println!("{i}");
            }
            ExitCode::SUCCESS
        }),
        Command::Reresolve(args) => run_reresolve(args),
        Command::Index(args) => run_index(args),
        Command::Emit(args) => run_emit(args),
        Command::Init(args) => run_init(args),
        Command::Bench(args) => potluck_wasm::bench::run(&args).map(|()| ExitCode::SUCCESS),
        Command::HostChannel(args) => run_host_channel(args),
        Command::Update(args) => run_update(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The index at `path`, or the one shipped in the binary.
fn load_index(path: Option<&std::path::Path>) -> anyhow::Result<Index> {
    Ok(match path {
        Some(p) => Index::load(p)?,
        None => Index::builtin(),
    })
}

fn dish_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if !paths.is_empty() {
        return Ok(paths.to_vec());
    }
    let default = PathBuf::from("guix-potluck");
    if !default.is_dir() {
        anyhow::bail!(
            "there is no `guix-potluck` directory here\n  = help: run this at the root of a checkout that has guix-potluck/, or pass dish files or directories: potluck-wasm check PATH..."
        );
    }
    Ok(vec![default])
}

fn run_init(args: InitArgs) -> anyhow::Result<ExitCode> {
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
    let opts = potluck_wasm::init::InitOptions {
        remote: args.remote,
        build_system: args.build_system,
        license: args.license,
        autotools: args.autotools,
    };
    let dish = potluck_wasm::init::init(std::path::Path::new("."), &opts, &index)?;
    let shown = dish
        .strip_prefix(".")
        .unwrap_or(&dish)
        .display()
        .to_string();
    println!("created {shown} and guix-potluck/README.md");
    println!("next steps:");
    println!(
        "  1. replace the placeholder synopsis and description in {shown}, and list the inputs"
    );
    println!("  2. potluck-wasm check");
    println!("  3. git add guix-potluck && git commit -m 'Add potluck dish' && git push");
    println!("  4. potluck-wasm update REMOTE-GIT-URL BRANCH --host HOST");
    Ok(ExitCode::SUCCESS)
}

fn run_emit(args: EmitArgs) -> anyhow::Result<ExitCode> {
    use potluck_wasm::emit;
    let index = load_index(args.index.as_deref())?;
    let limits = args.sandbox.limits();
    let files = check::collect(&args.dishes, limits.source_bytes)?;
    let sandbox = args.sandbox.sandbox(1)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let channel = args.out.join(".guix-channel");
    if !channel.exists() {
        std::fs::write(&channel, emit::guix_channel())?;
    }
    let mut failed = 0;
    for f in files {
        let p = potluck_wasm::pipeline::process(
            &sandbox,
            &index,
            validate::Policy::default(),
            f,
            &args.repo,
            &args.branch,
        );
        let Some((module, text)) = p.module else {
            let source = p.report.source.as_deref();
            for d in p.report.diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}\n", d.render(source, false));
            }
            failed += 1;
            continue;
        };
        let path = args.out.join(&module.file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("scm.tmp");
        std::fs::write(&tmp, &text)?;
        std::fs::rename(&tmp, &path)?;
        println!(
            "{} -> {} ({})",
            p.report.file,
            module.file,
            module.name.join(" ")
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_index(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let data = potluck_index::index_checkout(&args.guix_checkout)
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

fn run_reresolve(args: ReresolveArgs) -> anyhow::Result<ExitCode> {
    use potluck_wasm::resolve::{compare, Change};
    let paths = dish_paths(&args.paths)?;
    let old = load_index(args.old_index.as_deref())?;
    let new = Index::load(&args.new_index)?;
    let limits = args.sandbox.limits();
    let files = check::collect(&paths, limits.source_bytes)?;
    let sandbox = args.sandbox.sandbox(1)?;
    let mut out = Vec::new();
    let mut broke = 0;
    for f in files {
        let dish = match f
            .text
            .map_err(|d| vec![d])
            .and_then(|t| sandbox.evaluate(&f.display, &t))
        {
            Ok(d) => d,
            Err(diags) => {
                out.push(serde_json::json!({ "file": f.display, "error": diags[0].message }));
                continue;
            }
        };
        let mut changes = Vec::new();
        for (field, list) in [
            ("inputs", &dish.inputs),
            ("native-inputs", &dish.native_inputs),
            ("propagated-inputs", &dish.propagated_inputs),
        ] {
            for item in &list.items {
                let c = compare(&old, &new, &item.value);
                if matches!(c, Change::Broke { .. }) {
                    broke += 1;
                }
                changes
                    .push(serde_json::json!({ "field": field, "spec": item.value, "change": c }));
            }
        }
        out.push(serde_json::json!({ "file": f.display, "inputs": changes }));
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&out)?),
        Format::Human => {
            for d in &out {
                let file = d["file"].as_str().unwrap_or_default();
                if let Some(e) = d.get("error") {
                    println!(
                        "{file}: does not evaluate: {}",
                        e.as_str().unwrap_or_default()
                    );
                    continue;
                }
                for c in d["inputs"].as_array().into_iter().flatten() {
                    let spec = c["spec"].as_str().unwrap_or_default();
                    let ch = &c["change"];
                    let show = |r: &serde_json::Value| {
                        format!(
                            "{} {} {}",
                            r["module"].as_str().unwrap_or(""),
                            r["variable"].as_str().unwrap_or(""),
                            r["version"].as_str().unwrap_or("")
                        )
                    };
                    match ch["status"].as_str().unwrap_or_default() {
                        "same" => {}
                        "changed" => println!(
                            "{file}: \"{spec}\": {} -> {}",
                            show(&ch["old"]),
                            show(&ch["new"])
                        ),
                        "broke" => println!(
                            "{file}: \"{spec}\": BROKEN: {} ({})",
                            ch["error"].as_str().unwrap_or(""),
                            ch["help"].as_str().unwrap_or("")
                        ),
                        "fixed" => {
                            println!("{file}: \"{spec}\": now resolves to {}", show(&ch["new"]))
                        }
                        _ => println!(
                            "{file}: \"{spec}\": still broken: {}",
                            ch["error"].as_str().unwrap_or("")
                        ),
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

fn run_check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let paths = dish_paths(&args.paths)?;
    let limits = args.sandbox.limits();
    let files = check::collect(&paths, limits.source_bytes)?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no dish files (*.scm) in {}\n  = help: dishes are the .scm files directly inside guix-potluck/",
            shown.join(", ")
        );
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let sandbox = args
        .sandbox
        .sandbox(jobs as u32)
        .context("cannot start the sandbox")?;
    let stderr_tty = std::io::stderr().is_terminal();
    let bar = if stderr_tty && files.len() >= 20 && matches!(args.format, Format::Human) {
        let b = indicatif::ProgressBar::new(files.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} dishes ({eta})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let progress = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let index = load_index(args.index.as_deref())?;
    let deny = args.deny_warnings;
    let validate = |dish: &potluck_wasm::dish::Dish, source: &str| {
        let mut v = validate::validate(dish, source, &index, validate::Policy::default());
        if deny {
            for d in &mut v.diagnostics {
                if d.severity == Severity::Warning {
                    d.severity = Severity::Error;
                    d.notes
                        .push("warnings are errors because of --deny-warnings".into());
                }
            }
        }
        v
    };
    let reports = check::check_all(&sandbox, files, jobs, &progress, &validate);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let failed = reports.iter().filter(|r| !r.ok).count();
    match args.format {
        Format::Json => {
            let out = serde_json::json!({
                "dishes": reports,
                "summary": { "checked": reports.len(), "ok": reports.len() - failed, "failed": failed },
            });
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(
                std::io::stdout().lock(),
                "{}",
                serde_json::to_string_pretty(&out)?
            );
        }
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => stderr_tty && std::env::var_os("NO_COLOR").is_none(),
            };
            print_human(&reports, color, args.explain_inputs);
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_human(reports: &[Report], color: bool, explain_inputs: bool) {
    let mut errors = 0;
    let mut warnings = 0;
    for r in reports {
        for d in &r.diagnostics {
            if d.is_error() {
                errors += 1;
            } else {
                warnings += 1;
            }
            eprintln!("{}\n", d.render(r.source.as_deref(), color));
        }
        if r.ok {
            if let Some(d) = &r.dish {
                eprintln!("ok: {} {} ({})", d.name.value, d.version.value, r.file);
            }
        }
        if let (true, Some(inputs)) = (explain_inputs, &r.inputs) {
            for (field, list) in [
                ("inputs", &inputs.inputs),
                ("native-inputs", &inputs.native_inputs),
                ("propagated-inputs", &inputs.propagated_inputs),
            ] {
                for i in list {
                    let output = i
                        .output
                        .as_deref()
                        .map(|o| format!(", output {o}"))
                        .unwrap_or_default();
                    eprintln!(
                        "  {field}: \"{}\" -> {} {} (version {}{output})",
                        i.spec, i.module, i.variable, i.version
                    );
                }
            }
        }
    }
    let failed = reports.iter().filter(|r| !r.ok).count();
    eprintln!(
        "checked {} dish{}: {} ok, {} failed ({} error{}, {} warning{})",
        reports.len(),
        if reports.len() == 1 { "" } else { "es" },
        reports.len() - failed,
        failed,
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
    );
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(false).try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Wait for SIGINT or SIGTERM.  The handlers are installed by the caller
/// (before the host says it is listening, so no early signal is lost).
async fn shutdown_signal(
    mut int: tokio::signal::unix::Signal,
    mut term: tokio::signal::unix::Signal,
) {
    tokio::select! {
        _ = int.recv() => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down: no new requests; workers finish their current job");
}

fn run_host_channel(args: HostChannelArgs) -> anyhow::Result<ExitCode> {
    use potluck_wasm::channel::Channel;
    use potluck_wasm::git::FetchLimits;
    use potluck_wasm::server::{self, App, ServerConfig};
    use potluck_wasm::store::{SqliteStore, Store};
    use potluck_wasm::worker::{self, Host, Wake};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    init_logging(args.log_format);
    std::fs::create_dir_all(&args.state)
        .with_context(|| format!("cannot create the state directory {}", args.state.display()))?;
    // One host per state directory: held until the process exits (or dies).
    let lock_path = args.state.join("host.lock");
    let state_lock = std::fs::File::create(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    if let Err(e) = state_lock.try_lock() {
        anyhow::bail!(
            "another host-channel is using the state directory {} ({e}); \
             stop it first, or give this one another --state",
            args.state.display()
        );
    }
    let db = args.state.join("state.sqlite");
    let store =
        Arc::new(SqliteStore::open(&db).with_context(|| format!("cannot open {}", db.display()))?);
    let requeued = store.recover(3)?;
    let (git_dir, push) = match &args.target {
        None => (args.state.join("channel.git"), None),
        Some(t) if t.contains("://") => (args.state.join("channel.git"), Some(t.clone())),
        Some(t) => (PathBuf::from(t), None),
    };
    let channel = Arc::new(Channel::open(&git_dir, push)?);
    let index = Arc::new(load_index(args.index.as_deref())?);
    let workers = args.workers;
    let sandbox = Arc::new(args.sandbox.sandbox(workers.max(1) as u32)?);
    let scratch = args.state.join("scratch");
    worker::reset_scratch(&scratch)
        .with_context(|| format!("cannot reset {}", scratch.display()))?;
    let wake = Arc::new(Wake::default());
    let fetch = FetchLimits {
        timeout: Duration::from_secs(args.fetch_timeout),
        max_bytes: args.max_fetch_mib << 20,
        max_dishes: args.max_dishes,
        max_dish_bytes: args.sandbox.max_source_bytes as u64,
        allow_loopback: args.allow_loopback_remotes,
    };
    let store_dyn: Arc<dyn Store> = store;
    let host = Arc::new(Host {
        store: store_dyn.clone(),
        sandbox,
        index,
        channel: channel.clone(),
        wake: wake.clone(),
        scratch,
        fetch,
        policy: validate::Policy {
            allow_loopback: args.allow_loopback_remotes,
        },
        max_attempts: 3,
    });
    if args.allow_loopback_remotes {
        tracing::warn!("--allow-loopback-remotes is on: this host fetches from its own machine; use it for tests only");
    }
    let stop = Arc::new(AtomicBool::new(false));
    let handles = worker::spawn(host, workers, stop.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let config = ServerConfig {
        max_body: args.max_body,
        max_queued: args.max_queued,
        allow_loopback: args.allow_loopback_remotes,
        ..ServerConfig::default()
    };
    let served: anyhow::Result<()> = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        use tokio::signal::unix::{signal, SignalKind};
        let int = signal(SignalKind::interrupt())?;
        let term = signal(SignalKind::terminate())?;
        let addr = listener.local_addr()?;
        tracing::info!(
            addr = %addr,
            state = %args.state.display(),
            channel = %channel.git_dir().display(),
            workers,
            requeued,
            "potluck host listening"
        );
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
        let app = Arc::new(App {
            store: store_dyn,
            wake: wake.clone(),
            config,
        });
        axum::serve(listener, server::router(app))
            .with_graceful_shutdown(shutdown_signal(int, term))
            .await?;
        Ok(())
    });
    stop.store(true, Ordering::SeqCst);
    wake.notify();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while handles.iter().any(|h| !h.is_finished()) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    if handles.iter().any(|h| !h.is_finished()) {
        tracing::warn!("a worker is still busy; its job will run again at the next start");
    } else {
        for h in handles {
            let _ = h.join();
        }
    }
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn run_update(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    use potluck_wasm::client;
    let (id, duplicate) = client::enqueue(&args.host, &args.remote, &args.branch)?;
    if !args.wait {
        match args.format {
            Format::Json => println!(
                "{}",
                serde_json::json!({ "job": id, "duplicate": duplicate })
            ),
            Format::Human => println!(
                "job {id} {}",
                if duplicate {
                    "was already queued for this repo and branch"
                } else {
                    "queued"
                }
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let v = client::wait(&args.host, id, Duration::from_secs(args.wait_timeout))?;
    let failed = v["state"] != "done"
        || v["dishes"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["ok"] == false));
    match args.format {
        Format::Json => println!("{v}"),
        Format::Human => {
            println!(
                "job {id} {}: {}",
                v["state"].as_str().unwrap_or("?"),
                v["error"].as_str().or(v["summary"].as_str()).unwrap_or("")
            );
            if let Some(c) = v["channel-commit"].as_str() {
                println!("channel commit {c}");
            }
            for d in v["dishes"].as_array().into_iter().flatten() {
                let ok = d["ok"] == true;
                println!(
                    "  {} {} -> {}",
                    if ok { "ok    " } else { "FAILED" },
                    d["file"].as_str().unwrap_or("?"),
                    d["module-name"].as_str().unwrap_or("(no module)")
                );
                if !ok {
                    if let Some(r) = d["rendered"].as_str() {
                        for line in r.lines() {
                            println!("    {line}");
                        }
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
