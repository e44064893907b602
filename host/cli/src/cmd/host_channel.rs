//! `potluck-wasm host-channel`: run a shared host.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, ValueEnum};
use potluck_dish::uri::Policy;
use potluck_server::channel::{self, Channel};
use potluck_server::git::source::SourceLimits;
use potluck_server::git::FetchLimits;
use potluck_server::http::{self, App, ServerConfig};
use potluck_server::signing::Signer;
use potluck_server::store::{Lease, PgStore, SqliteStore, Store};
use potluck_server::worker::{self, Held, Host, Wake};

use crate::args::{load_index, SandboxArgs};

#[derive(Args)]
pub struct HostChannelArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// State directory: the database (state.sqlite), scratch space and, by
    /// default, the channel repo (channel.git).  Created if needed.  One
    /// host per state directory.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// The job store shared by several hosts: a PostgreSQL URL
    /// (postgres://USER@HOST:PORT/DB, no TLS: use a Unix socket, loopback
    /// or a private network) [default: STATE/state.sqlite, this host alone].
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// The channel: a local bare repo to commit to, or a git URL to push to
    /// after each commit (from a local repo under the state directory)
    /// [default: STATE/channel.git].
    #[arg(long, value_name = "DIR|URL")]
    pub target: Option<String>,
    /// Worker threads evaluating updates (0: only take requests; with a
    /// shared --store, other hosts' workers run the jobs).
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
    /// Threads fetching and hashing the dishes' sources.
    #[arg(long, default_value_t = 2)]
    pub source_workers: usize,
    /// Cap on what one source fetch and its checkout may write, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    pub max_source_mib: u64,
    /// Wall-clock limit of one source fetch (and of its checkout), in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub source_timeout: u64,
    /// Publish dishes without fetching their sources (an offline host):
    /// subscribers then find a wrong sha256 only when they build.
    #[arg(long)]
    pub skip_source_verification: bool,
    /// Sign every channel commit with this OpenPGP secret key (a file as
    /// `gpg --export-secret-keys --armor` writes it, without a passphrase).
    #[arg(long, value_name = "FILE")]
    pub signing_key: Option<PathBuf>,
    /// The base URL users reach this host at, for the subscription snippet
    /// [default: http://LISTEN-ADDRESS].
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Seconds a claim on a job lasts without renewal: another host takes
    /// over the jobs of a host silent this long.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(2..=3600))]
    pub lease_secs: u64,
    /// Package index [default: the shipped one].
    #[arg(long, value_name = "FILE|DIR")]
    pub index: Option<PathBuf>,
    /// Most jobs waiting in the queue; further requests get 503 with Retry-After.
    #[arg(long, default_value_t = 10_000)]
    pub max_queued: u64,
    /// Seconds a client has to send its request: the first byte, the
    /// headers and the body each.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub request_timeout: u64,
    /// Most HTTP connections open at once (never more than a quarter of the
    /// file descriptor limit).
    #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_connections: u64,
    /// Largest request body, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 8192)]
    pub max_body: usize,
    /// Wall-clock limit of one git fetch, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub fetch_timeout: u64,
    /// Cap on what one fetch may write to disk, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    pub max_fetch_mib: u64,
    /// Most dishes one repo may have.
    #[arg(long, default_value_t = 500)]
    pub max_dishes: usize,
    /// TESTING ONLY: accept git URLs on loopback (127.0.0.1, localhost).  A
    /// shared host must never fetch from its own machine.
    #[arg(long)]
    pub allow_loopback_remotes: bool,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
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

/// Take the state directory's lock, retrying for a few seconds: a host
/// killed a moment ago may have a dying child still holding it.
fn lock_state(state: &std::path::Path) -> anyhow::Result<std::fs::File> {
    let lock_path = state.join("host.lock");
    let file = std::fs::File::create(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(e) if start.elapsed() > Duration::from_secs(10) => anyhow::bail!(
                "another host-channel is using the state directory {} ({e}); \
                 stop it first, or give this one another --state",
                state.display()
            ),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

pub fn run(mut args: HostChannelArgs) -> anyhow::Result<ExitCode> {
    init_logging(args.log_format);
    std::fs::create_dir_all(&args.state)
        .with_context(|| format!("cannot create the state directory {}", args.state.display()))?;
    // Absolute from here on: git runs in other directories (scratch
    // checkouts) and is given paths inside the state directory.
    args.state = std::fs::canonicalize(&args.state).with_context(|| {
        format!(
            "cannot resolve the state directory {}",
            args.state.display()
        )
    })?;
    // One host per state directory: held until the process exits (or dies).
    let _state_lock = lock_state(&args.state)?;
    let (store, requeued): (Arc<dyn Store>, usize) = match &args.store {
        None => {
            let db = args.state.join("state.sqlite");
            let store =
                SqliteStore::open(&db).with_context(|| format!("cannot open {}", db.display()))?;
            // This host alone uses it: what a killed host held is free now.
            let requeued = store.release_all_leases()?;
            (Arc::new(store), requeued)
        }
        Some(url) => (
            Arc::new(PgStore::open(url).context("cannot open the PostgreSQL store")?),
            0,
        ),
    };
    let shared = args.store.is_some();
    let (git_dir, push) = match &args.target {
        None => (args.state.join("channel.git"), None),
        Some(t) if t.contains("://") => (args.state.join("channel.git"), Some(t.clone())),
        Some(t) => (PathBuf::from(t), None),
    };
    let signer = match &args.signing_key {
        Some(file) => {
            let s = Signer::import(file, &args.state.join("gnupg"))
                .with_context(|| format!("cannot use the signing key {}", file.display()))?;
            tracing::info!(fingerprint = %s.spaced_fingerprint(), "signing channel commits");
            Some(s)
        }
        None => None,
    };
    let channel = {
        let _writer = store.lock_channel()?;
        Arc::new(Channel::open(
            &git_dir,
            channel::Options {
                sync: shared && push.is_some(),
                push_url: push,
                signer: signer.clone(),
            },
        )?)
    };
    let index = Arc::new(load_index(args.index.as_deref())?);
    let workers = args.workers;
    let sandbox = Arc::new(args.sandbox.sandbox(workers.max(1) as u32)?);
    let scratch = args.state.join("scratch");
    worker::reset_scratch(&scratch)
        .with_context(|| format!("cannot reset {}", scratch.display()))?;
    let wake = Arc::new(Wake::default());
    // This program under the proxy's name, for git:// remotes.
    let bin = args.state.join("bin");
    std::fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    let proxy = potluck_server::git::remote::install_proxy(&bin).with_context(|| {
        format!(
            "cannot link this program into {} as the git:// proxy",
            bin.display()
        )
    })?;
    let fetch = FetchLimits {
        git_proxy: Some(proxy),
        timeout: Duration::from_secs(args.fetch_timeout),
        max_bytes: args.max_fetch_mib << 20,
        max_dishes: args.max_dishes,
        max_dish_bytes: args.sandbox.max_source_bytes as u64,
        allow_loopback: args.allow_loopback_remotes,
    };
    let host = Arc::new(Host {
        store: store.clone(),
        sandbox,
        index,
        channel: channel.clone(),
        wake: wake.clone(),
        scratch,
        fetch,
        policy: Policy {
            allow_loopback: args.allow_loopback_remotes,
        },
        lease: Lease::for_this_process(Duration::from_secs(args.lease_secs)),
        verify_sources: !args.skip_source_verification,
        source_limits: SourceLimits {
            timeout: Duration::from_secs(args.source_timeout),
            max_bytes: args.max_source_mib << 20,
        },
        held: Held::default(),
    });
    if args.allow_loopback_remotes {
        tracing::warn!("--allow-loopback-remotes is on: this host fetches from its own machine; use it for tests only");
    }
    if args.skip_source_verification {
        tracing::warn!(
            "--skip-source-verification is on: dishes are published without checking their sha256"
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    let source_workers = if args.skip_source_verification {
        0
    } else {
        args.source_workers
    };
    let handles = worker::spawn(host, workers, source_workers, stop.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let config = ServerConfig {
        max_body: args.max_body,
        body_timeout: Duration::from_secs(args.request_timeout),
        max_queued: args.max_queued,
        allow_loopback: args.allow_loopback_remotes,
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
        let public = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        let app = Arc::new(App {
            store,
            wake: wake.clone(),
            config,
            subscription: App::subscription(&channel, &public),
            channel: channel.clone(),
            git_permits: Arc::new(tokio::sync::Semaphore::new(8)),
        });
        http::serve::serve(
            listener,
            http::router(app),
            http::serve::Limits {
                first_byte: Duration::from_secs(args.request_timeout),
                headers: Duration::from_secs(args.request_timeout),
                connections: args.max_connections as usize,
                ..http::serve::Limits::default()
            },
            shutdown_signal(int, term),
        )
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
    if let Some(s) = &signer {
        s.stop_agent();
    }
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
