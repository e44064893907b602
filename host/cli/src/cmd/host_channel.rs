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
use potluck_server::channel::Channel;
use potluck_server::git::FetchLimits;
use potluck_server::http::{self, App, ServerConfig};
use potluck_server::store::{SqliteStore, Store};
use potluck_server::worker::{self, Host, Wake};

use crate::args::{load_index, SandboxArgs};

#[derive(Args)]
pub struct HostChannelArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// State directory: the database (state.sqlite), scratch space and, by
    /// default, the channel repo (channel.git).  Created if needed.
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,
    /// The channel: a local bare repo to commit to, or a git URL to push to
    /// after each commit (from a local repo under the state directory)
    /// [default: STATE/channel.git].
    #[arg(long, value_name = "DIR|URL")]
    pub target: Option<String>,
    /// Worker threads evaluating updates (0: only take requests; the jobs
    /// wait until a host with workers starts on the same state).
    #[arg(long, default_value_t = 2)]
    pub workers: usize,
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

pub fn run(args: HostChannelArgs) -> anyhow::Result<ExitCode> {
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
    // This program under the proxy's name, for git:// remotes.
    let bin = args.state.join("bin");
    std::fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    let proxy = bin.join(potluck_server::git::remote::PROXY_NAME);
    let _ = std::fs::remove_file(&proxy);
    let exe = std::env::current_exe().context("cannot find this program's executable")?;
    std::os::unix::fs::symlink(&exe, &proxy)
        .with_context(|| format!("cannot create {}", proxy.display()))?;
    let fetch = FetchLimits {
        git_proxy: Some(proxy),
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
        policy: Policy {
            allow_loopback: args.allow_loopback_remotes,
        },
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
        let app = Arc::new(App {
            store: store_dyn,
            wake: wake.clone(),
            config,
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
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
