//! The connection loop of the HTTP API, bounded against slow and idle
//! clients: every connection must send its first byte within
//! [`Limits::first_byte`] and its request headers within
//! [`Limits::headers`], serves one request (no keep-alive) and is closed
//! after [`Limits::lifetime`] whatever happens; at most
//! [`Limits::connections`] are open at once (further clients wait in the
//! kernel's accept queue); and a stop waits at most [`Limits::drain`] for
//! open connections before closing them.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// The limits of connections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time for a new connection to send its first byte.  Default: 10 s.
    pub first_byte: Duration,
    /// Time to send the request line and headers.  Default: 10 s.
    pub headers: Duration,
    /// Longest a connection stays open.  Default: 60 s.
    pub lifetime: Duration,
    /// Most connections open at once.  Default: 512, and never more than
    /// a quarter of the process's file descriptor limit (the workers' git
    /// processes and the database need the rest).
    pub connections: usize,
    /// How long a stop waits for open connections.  Default: 10 s.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            first_byte: Duration::from_secs(10),
            headers: Duration::from_secs(10),
            lifetime: Duration::from_secs(60),
            connections: 512,
            drain: Duration::from_secs(10),
        }
    }
}

impl Limits {
    /// [`Limits::connections`], bounded by a quarter of the file descriptor
    /// limit.
    pub fn connection_cap(&self) -> usize {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit fills the struct it is given.
        let files = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) } == 0 {
            rl.rlim_cur as usize
        } else {
            1024
        };
        self.connections.min(files / 4).max(1)
    }
}

/// Serve `router` on `listener` until `stop` completes, then drain.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.connection_cap()));
    let total = limits.connection_cap();
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            () = &mut stop => break,
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a transient error: wait a little
                    // rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let router = router.clone();
        tasks.spawn(async move {
            let _permit = permit;
            connection(stream, peer, router, limits).await;
        });
        // Reap finished connections so the set stays small.
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    let open = total - permits.available_permits();
    if open > 0 {
        tracing::info!(open, "waiting for open connections");
    }
    let drained = tokio::time::timeout(limits.drain, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("closing connections still open after the drain time");
        tasks.abort_all();
    }
    Ok(())
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
) {
    // A client that sends nothing is closed without a word.
    match tokio::time::timeout(limits.first_byte, stream.readable()).await {
        Ok(Ok(())) => {}
        _ => {
            tracing::debug!(%peer, "closed an idle connection");
            return;
        }
    }
    let service = TowerToHyperService::new(router);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.headers)
        .keep_alive(false)
        .max_buf_size(64 << 10);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    if tokio::time::timeout(limits.lifetime, conn).await.is_err() {
        tracing::debug!(%peer, "closed a connection past its lifetime");
    }
}
