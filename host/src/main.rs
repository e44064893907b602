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
    /// Linear memory cap per dish, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = (Limits::default().memory_bytes >> 20) as u64)]
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
            for i in s.component_imports() {
                println!("{i}");
            }
            ExitCode::SUCCESS
        }),
        Command::Reresolve(args) => run_reresolve(args),
        Command::Index(args) => run_index(args),
        Command::Emit(args) => run_emit(args),
        Command::Init(args) => run_init(args),
        Command::Bench(args) => potluck_wasm::bench::run(&args).map(|()| ExitCode::SUCCESS),
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
        let source = match f.text {
            Ok(t) => t,
            Err(d) => {
                eprintln!("{}\n", d.render(None, false));
                failed += 1;
                continue;
            }
        };
        let dish = match sandbox.evaluate(&f.display, &source) {
            Ok(d) => d,
            Err(diags) => {
                for d in diags {
                    eprintln!("{}\n", d.render(Some(&source), false));
                }
                failed += 1;
                continue;
            }
        };
        let v = validate::validate(&dish, &source, &index, validate::Policy::default());
        if v.has_errors() {
            for d in v.diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("{}\n", d.render(Some(&source), false));
            }
            failed += 1;
            continue;
        }
        let stem = std::path::Path::new(&f.display)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("dish");
        let module = emit::module_path(&args.repo, &args.branch, stem);
        let text = match emit::emit_module(
            &dish,
            &v.resolved,
            &index,
            &module,
            &emit::header_comments(&source),
        ) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot emit {}: {e}\n", f.display);
                failed += 1;
                continue;
            }
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
            f.display,
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
