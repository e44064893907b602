//! The host's source workers: take a source check from the store's queue,
//! fetch the dish's `git-uri` at its `git-commit` with the hardened git
//! ([`crate::git::source`]), hash the checkout as Guix does, and record the
//! hash (or why the commit could not be fetched).  Recording the last
//! check a job waits for queues that job again.
//!
//! They are their own threads (`--source-workers`), so slow or huge sources
//! never hold up dish evaluation, and the HTTP server never waits for
//! them.  Each check gets a fresh scratch directory, removed when it ends.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::git::source::{self, SourceError};
use crate::store::{SourceOutcome, SourceTask};
use crate::worker::{persist, Host};

/// Run source checks until `stop` is set.
pub fn source_loop(host: &Host, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match host.store.claim_source(&host.lease) {
            Ok(Some(task)) => {
                host.held.hold_source(task.id, true);
                let start = Instant::now();
                let outcome = check(host, &task);
                tracing::info!(
                    source = task.id,
                    url = %task.key.url,
                    commit = %task.key.commit,
                    outcome = ?outcome,
                    ms = start.elapsed().as_millis() as u64,
                    "source checked"
                );
                persist("record a source check", stop, || {
                    host.store
                        .complete_source(task.id, &host.lease.holder, &outcome)
                });
                host.held.hold_source(task.id, false);
                host.wake.notify();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(250)),
            Err(e) => {
                tracing::error!(error = %e, "cannot read the source queue");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Fetch and hash one source.
pub fn check(host: &Host, task: &SourceTask) -> SourceOutcome {
    let dest = host
        .scratch
        .join(format!("source-{}-{}", task.id, task.attempts));
    let _ = std::fs::remove_dir_all(&dest);
    let result = source::verify(
        &task.key.url,
        &task.key.commit,
        &dest,
        &host.fetch,
        &host.source_limits,
    );
    if let Err(e) = std::fs::remove_dir_all(&dest) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %dest.display(), error = %e, "cannot remove a source checkout");
        }
    }
    match result {
        Ok(hash) => SourceOutcome::Hashed(hash),
        Err(SourceError::Hash(detail)) => {
            tracing::warn!(detail = %detail, "a source could not be checked out");
            SourceOutcome::Unreachable("the commit could not be checked out".into())
        }
        Err(e) => SourceOutcome::Unreachable(e.to_string()),
    }
}
