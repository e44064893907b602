//! The host's workers: take a job from the store, fetch the repo, run every
//! dish through the sandbox, commit the result to the channel, record it.
//!
//! Workers are plain threads sharing one [`Sandbox`] (one wasm engine) and
//! one [`Channel`].  Each job gets a fresh scratch directory that is removed
//! when it ends, whatever happens.  A job is recorded as finished only after
//! its channel commit, so a crash in between makes the job run again; the
//! second run finds the channel already up to date and commits nothing.
//! One failing dish never stops the others: it keeps its last good module.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use potluck_dish::files;
use potluck_dish::layout;
use potluck_dish::pipeline::{stem, Pipeline, Report, Target};

use crate::channel::{Channel, ChannelError, ChannelFile, RepoUpdate};
use crate::git::source::SourceLimits;
use crate::git::{self, FetchLimits};
use crate::store::{
    Completion, DishRecord, Job, JobState, Lease, SourceKey, SourceRecord, SourceState, Store,
    MAX_ATTEMPTS, UNREACHABLE_TTL,
};
use potluck_dish::index::Index;
use potluck_dish::source::Verdict;
use potluck_dish::uri::Policy;
use potluck_sandbox::Sandbox;

/// Most diagnostics stored for one dish (the rest are counted in one more).
pub const MAX_STORED_DIAGNOSTICS: usize = 20;
/// Longest rendered text stored for one dish, in bytes.
pub const MAX_RENDERED: usize = 16 << 10;

/// A dish's diagnostics as the store keeps them: at most
/// [`MAX_STORED_DIAGNOSTICS`], rendered into at most [`MAX_RENDERED`] bytes.
fn stored(
    mut diagnostics: Vec<potluck_sandbox::Diagnostic>,
    source: Option<&str>,
) -> (Vec<potluck_sandbox::Diagnostic>, String) {
    if diagnostics.len() > MAX_STORED_DIAGNOSTICS {
        let more = diagnostics.len() - MAX_STORED_DIAGNOSTICS;
        let file = diagnostics[0].file.clone();
        let kind = diagnostics[MAX_STORED_DIAGNOSTICS].kind;
        diagnostics.truncate(MAX_STORED_DIAGNOSTICS);
        diagnostics.push(
            potluck_sandbox::Diagnostic::error(
                kind,
                format!("{more} more diagnostics were left out"),
            )
            .in_file(&file)
            .with_help("run `potluck-wasm check` on the dish to see them all"),
        );
    }
    let mut rendered = String::new();
    for d in &diagnostics {
        if !rendered.is_empty() {
            rendered.push_str("\n\n");
        }
        rendered.push_str(&d.render(source, false));
        if rendered.len() > MAX_RENDERED {
            rendered = potluck_sandbox::diagnostic::truncate(&rendered, MAX_RENDERED);
            break;
        }
    }
    (diagnostics, rendered)
}

/// How many times a job tries to commit when the branch keeps moving.
const MAX_COMMIT_ATTEMPTS: u32 = 5;

/// Runs `attempt_once` again while it reports [`ChannelError::Raced`]
/// (another writer moved the branch between our read and our
/// compare-and-swap), at most [`MAX_COMMIT_ATTEMPTS`] times in all; then
/// the race is returned like any other channel error.  An `Err` of
/// `attempt_once` (the store failed) ends the loop at once.
fn retry_races<T, E>(
    mut attempt_once: impl FnMut() -> Result<Result<T, ChannelError>, E>,
) -> Result<Result<T, ChannelError>, E> {
    let mut attempt = 1;
    loop {
        match attempt_once()? {
            Err(ChannelError::Raced) if attempt < MAX_COMMIT_ATTEMPTS => attempt += 1,
            result => return Ok(result),
        }
    }
}

/// Wakes idle workers when a job is enqueued.
#[derive(Debug, Default)]
pub struct Wake {
    generation: Mutex<u64>,
    cond: Condvar,
}

impl Wake {
    pub fn notify(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *g += 1;
        self.cond.notify_all();
    }

    /// Wait for a notification or `timeout`.
    pub fn wait(&self, timeout: Duration) {
        let g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        let start = *g;
        let _ = self
            .cond
            .wait_timeout_while(g, timeout, |g| *g == start)
            .map(|_| ());
    }
}

/// Everything a worker needs.
pub struct Host {
    pub store: Arc<dyn Store>,
    pub sandbox: Arc<Sandbox>,
    pub index: Arc<Index>,
    pub channel: Arc<Channel>,
    pub wake: Arc<Wake>,
    /// Parent of the per-job scratch directories (wiped at start-up).
    pub scratch: PathBuf,
    pub fetch: FetchLimits,
    /// Validation policy for the dishes (loopback URIs only in tests).
    pub policy: Policy,
    /// This process's claims, and how long each lasts without renewal.
    pub lease: Lease,
    /// Verify every dish's source before publishing it.  Default: on.
    pub verify_sources: bool,
    pub source_limits: SourceLimits,
    /// The jobs and source checks this process holds (the heartbeat
    /// renews their leases).
    pub held: Held,
}

/// The leases a process holds.
#[derive(Debug, Default)]
pub struct Held {
    jobs: Mutex<HashSet<i64>>,
    sources: Mutex<HashSet<i64>>,
}

impl Held {
    fn set(set: &Mutex<HashSet<i64>>) -> std::sync::MutexGuard<'_, HashSet<i64>> {
        set.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Start or stop renewing the lease of source check `id`.
    pub fn hold_source(&self, id: i64, held: bool) {
        let mut set = Held::set(&self.sources);
        if held {
            set.insert(id);
        } else {
            set.remove(&id);
        }
    }
}

/// What a job run ends with.
pub enum Outcome {
    /// The job is finished: record this.
    Finished(Completion),
    /// The job must wait until these sources are verified.
    AwaitSources(Vec<SourceKey>),
    /// The job could not run for a reason that is not its own (the store
    /// or the channel repository failed): its lease is left to expire, and
    /// it runs again (at most [`crate::store::MAX_ATTEMPTS`] times).
    Retry(String),
}

/// Never set: store calls inside a job are retried for about a minute.
static KEEP_TRYING: AtomicBool = AtomicBool::new(false);

/// `f` with [`persist`]'s retries; a store that stays down makes the job
/// run again later.
fn store_call<T>(
    what: &str,
    f: impl FnMut() -> Result<T, crate::store::StoreError>,
) -> Result<T, Result<Outcome, Completion>> {
    persist(what, &KEEP_TRYING, f).ok_or_else(|| Ok(Outcome::Retry(format!("cannot {what}"))))
}

/// Start `n` job workers, `sources` source workers and the heartbeat; they
/// stop (after their current task) once `stop` is set.
pub fn spawn(
    host: Arc<Host>,
    n: usize,
    sources: usize,
    stop: Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    let mut handles = Vec::new();
    let thread = |name: String, f: Box<dyn FnOnce() + Send>| {
        std::thread::Builder::new()
            .name(name)
            .spawn(f)
            .expect("cannot start a worker thread")
    };
    for i in 0..n {
        let (host, stop) = (host.clone(), stop.clone());
        handles.push(thread(
            format!("potluck-worker-{i}"),
            Box::new(move || worker_loop(&host, &stop)),
        ));
    }
    for i in 0..sources {
        let (host, stop) = (host.clone(), stop.clone());
        handles.push(thread(
            format!("potluck-source-{i}"),
            Box::new(move || crate::verify::source_loop(&host, &stop)),
        ));
    }
    if n + sources > 0 {
        let (host, stop) = (host.clone(), stop.clone());
        handles.push(thread(
            "potluck-heartbeat".into(),
            Box::new(move || heartbeat(&host, &stop)),
        ));
    }
    handles
}

/// Renew this process's leases every third of their length.
fn heartbeat(host: &Host, stop: &AtomicBool) {
    let every = host.lease.duration / 3;
    let mut last = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50).min(every));
        if last.elapsed() < every {
            continue;
        }
        last = Instant::now();
        let jobs: Vec<i64> = Held::set(&host.held.jobs).iter().copied().collect();
        if !jobs.is_empty() {
            match host.store.renew(&host.lease, &jobs) {
                Ok(kept) if kept.len() < jobs.len() => {
                    tracing::warn!(
                        ?jobs,
                        ?kept,
                        "lost the lease of a job (another host took it)"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot renew the leases of running jobs"),
            }
        }
        let sources: Vec<i64> = Held::set(&host.held.sources).iter().copied().collect();
        if !sources.is_empty() {
            if let Err(e) = host.store.renew_sources(&host.lease, &sources) {
                tracing::warn!(error = %e, "cannot renew the leases of source checks");
            }
        }
    }
}

/// Call `f` until it succeeds, `stop` is set or about a minute has passed
/// (then the lease runs out and the task is taken again).
pub(crate) fn persist<T>(
    what: &str,
    stop: &AtomicBool,
    mut f: impl FnMut() -> Result<T, crate::store::StoreError>,
) -> Option<T> {
    let mut wait = Duration::from_millis(100);
    let start = Instant::now();
    loop {
        match f() {
            Ok(v) => return Some(v),
            Err(e) => {
                tracing::error!(error = %e, "cannot {what}; trying again");
                if stop.load(Ordering::SeqCst) || start.elapsed() > Duration::from_secs(60) {
                    tracing::error!("giving up: the task will run again when its lease expires");
                    return None;
                }
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(5));
            }
        }
    }
}

fn worker_loop(host: &Host, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match host.store.claim(&host.lease) {
            Ok(Some(job)) => {
                Held::set(&host.held.jobs).insert(job.id);
                let start = Instant::now();
                tracing::info!(job = job.id, url = %job.git_url, branch = %job.branch, attempt = job.attempts, "job started");
                let outcome = run_job(host, &job);
                let holder = host.lease.holder.as_str();
                match outcome {
                    Outcome::Finished(c) => {
                        tracing::info!(
                            job = job.id,
                            state = ?c.state,
                            commit = c.commit.as_deref().unwrap_or("-"),
                            channel_commit = c.channel_commit.as_deref().unwrap_or("-"),
                            error = c.error.as_deref().unwrap_or("-"),
                            ms = start.elapsed().as_millis() as u64,
                            "job finished"
                        );
                        if persist("record the job's result", stop, || {
                            host.store.complete(job.id, holder, &c)
                        }) == Some(false)
                        {
                            tracing::warn!(
                                job = job.id,
                                "the job's lease was lost; its result is dropped"
                            );
                        }
                    }
                    Outcome::Retry(why) => {
                        tracing::warn!(
                            job = job.id,
                            reason = %why,
                            "job left to run again when its lease expires"
                        );
                        // No longer renewed: the lease runs out.
                        Held::set(&host.held.jobs).remove(&job.id);
                        continue;
                    }
                    Outcome::AwaitSources(keys) => {
                        tracing::info!(
                            job = job.id,
                            sources = keys.len(),
                            "job waits for its sources to be verified"
                        );
                        persist("park the job", stop, || {
                            host.store.await_sources(job.id, holder, &keys)
                        });
                        host.wake.notify();
                    }
                }
                Held::set(&host.held.jobs).remove(&job.id);
            }
            Ok(None) => host.wake.wait(Duration::from_millis(500)),
            Err(e) => {
                tracing::error!(error = %e, "cannot read the queue");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}

/// Empty the scratch directory: what is there is moved aside and removed
/// (a straggling process of a killed host may still be writing into it,
/// so removal failures are only logged).
pub fn reset_scratch(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let trash = dir.with_extension(format!("old-{stamp}"));
        std::fs::rename(dir, &trash)?;
    }
    std::fs::create_dir_all(dir)?;
    if let Some(parent) = dir.parent() {
        let prefix = format!(
            "{}.old-",
            dir.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("scratch")
        );
        for e in std::fs::read_dir(parent)?.flatten() {
            if e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix))
            {
                if let Err(err) = std::fs::remove_dir_all(e.path()) {
                    tracing::warn!(path = %e.path().display(), error = %err, "cannot remove old scratch space");
                }
            }
        }
    }
    Ok(())
}

struct ScratchGuard(PathBuf);

impl Drop for ScratchGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn failed(error: String) -> Completion {
    Completion {
        state: JobState::Failed,
        commit: None,
        channel_commit: None,
        summary: error.clone(),
        error: Some(error),
        dishes: vec![],
        replace_dishes: false,
    }
}

/// Run one job to its completion record, or to the sources it must wait
/// for (never panics on bad input).
pub fn run_job(host: &Host, job: &Job) -> Outcome {
    match evaluate_and_publish(host, job) {
        Ok(o) => o,
        Err(c) => Outcome::Finished(c),
    }
}

/// [`Outcome::Retry`] as the early return of [`evaluate_and_publish`].
macro_rules! store_or_retry {
    ($what:expr, $f:expr) => {
        match store_call($what, $f) {
            Ok(v) => v,
            Err(Ok(o)) => return Ok(o),
            Err(Err(c)) => return Err(c),
        }
    };
}

fn evaluate_and_publish(host: &Host, job: &Job) -> Result<Outcome, Completion> {
    let dest = host
        .scratch
        .join(format!("job-{}-{}", job.id, job.attempts));
    let _guard = ScratchGuard(dest.clone());
    let _ = std::fs::remove_dir_all(&dest);
    let checkout = match git::fetch(&job.git_url, &job.branch, &dest, &host.fetch) {
        Ok(c) => c,
        Err(e) => return Err(failed(e.to_string())),
    };
    let dirs = layout::repo_dirs(&job.git_url, &job.branch);
    let key = &dirs.key;
    let (url, branch) = store_or_retry!("claim the channel directory", || host.store.claim_dir(
        key,
        &job.git_url,
        &job.branch
    ));
    if url != job.git_url || branch != job.branch {
        return Err(failed(format!(
            "the channel directory `{key}` already belongs to {url} branch {branch}; \
             publish from a repo URL or branch with a different name"
        )));
    }
    let files = match files::collect_dir(
        &checkout.dish_dir,
        Path::new("guix-potluck"),
        host.fetch.max_dish_bytes as usize,
    ) {
        Ok(f) => f,
        Err(e) => return Err(failed(e.to_string())),
    };
    let target = Target {
        repo: job.git_url.clone(),
        branch: job.branch.clone(),
    };
    let pipeline = Pipeline {
        sandbox: &host.sandbox,
        index: &host.index,
        policy: host.policy,
        deny_warnings: false,
        target: Some(&target),
    };
    let mut update = RepoUpdate {
        dirs: vec![dirs.modules.clone(), dirs.dishes.clone()],
        files: vec![],
        keep: vec![],
        message: format!(
            "Update {} branch {} at {}",
            job.git_url, job.branch, checkout.commit
        ),
    };
    // Refused before checkout (symlinks, submodules, oversized files) or
    // failing: a dish keeps its last good module.
    let refused = checkout.refused.iter().map(|d| Report {
        file: d.file.clone(),
        ok: false,
        dish: None,
        inputs: None,
        diagnostics: vec![d.clone()],
        source: None,
        module: Some(layout::module_path(
            &job.git_url,
            &job.branch,
            stem(&d.file),
        )),
        module_text: None,
    });
    let mut reports: Vec<Report> = refused
        .chain(files.into_iter().map(|f| pipeline.run(f)))
        .collect();
    // Every dish that passed is published only with a verified source.
    let mut verdicts: Vec<Option<Verdict>> = vec![None; reports.len()];
    if host.verify_sources {
        let mut pending = Vec::new();
        for (r, verdict) in reports.iter().zip(verdicts.iter_mut()) {
            let Some(dish) = r.dish.as_ref().filter(|_| r.ok) else {
                continue;
            };
            let key = SourceKey {
                url: dish.source.git_uri.value.clone(),
                commit: dish.source.git_commit.value.clone(),
            };
            let known = store_or_retry!("read a source verdict", || host.store.source(&key));
            *verdict = match known {
                Some(SourceRecord::Hashed(h)) => Some(Verdict::of_hash(dish, &h)),
                Some(SourceRecord::Unreachable { error, checked })
                    if checked >= crate::store::now() - UNREACHABLE_TTL.as_secs() as i64 =>
                {
                    Some(Verdict::Unreachable(error))
                }
                _ => {
                    pending.push(key);
                    None
                }
            };
        }
        if !pending.is_empty() {
            if job.attempts < MAX_ATTEMPTS {
                pending.sort();
                pending.dedup();
                return Ok(Outcome::AwaitSources(pending));
            }
            for (r, verdict) in reports.iter().zip(verdicts.iter_mut()) {
                if r.ok && verdict.is_none() {
                    *verdict = Some(Verdict::Unreachable(
                        "the host could not finish checking it; send the update again".into(),
                    ));
                }
            }
        }
        for (r, verdict) in reports.iter_mut().zip(&verdicts) {
            let (Some(dish), Some(v)) = (r.dish.as_ref(), verdict) else {
                continue;
            };
            if let Some(d) = potluck_dish::source::diagnostic(dish, r.source.as_deref(), v) {
                r.diagnostics.push(d);
                r.ok = false;
            }
        }
    }
    let mut records = Vec::with_capacity(reports.len());
    for (r, verdict) in reports.into_iter().zip(verdicts) {
        let module = r.module.clone().expect("the pipeline has a target");
        match (&r.module_text, &r.source) {
            (Some(text), Some(source)) if r.ok => {
                update.files.push(ChannelFile {
                    path: module.file.clone(),
                    contents: text.as_bytes().to_vec(),
                });
                update.files.push(ChannelFile {
                    path: module.dish_file.clone(),
                    contents: source.as_bytes().to_vec(),
                });
            }
            _ => {
                update.keep.push(module.file.clone());
                update.keep.push(module.dish_file.clone());
            }
        }
        let (diagnostics, rendered) = stored(r.diagnostics, r.source.as_deref());
        records.push(DishRecord {
            git_url: job.git_url.clone(),
            branch: job.branch.clone(),
            file: r.file.trim_start_matches("guix-potluck/").to_string(),
            name: r.dish.as_ref().map(|d| d.name.value.clone()),
            version: r.dish.as_ref().map(|d| d.version.value.clone()),
            commit: checkout.commit.clone(),
            ok: r.ok,
            rendered,
            diagnostics,
            module_path: Some(module.file.clone()),
            module_name: Some(module.display()),
            source: verdict.map(|v| match v {
                Verdict::Verified => SourceState::Verified,
                Verdict::Mismatch { .. } => SourceState::Mismatch,
                Verdict::Unreachable(_) => SourceState::Unreachable,
            }),
            updated: 0,
        });
    }
    // Hosts sharing a store write the channel one at a time.
    let updated = retry_races(|| {
        let writer = store_call("lock the channel", || host.store.lock_channel())?;
        let result = host.channel.update(&update);
        drop(writer);
        Ok(result)
    });
    let outcome = match updated {
        Ok(Ok(o)) => o,
        // Nothing about the dishes: the update runs again later.
        Ok(Err(e)) => return Ok(Outcome::Retry(e.to_string())),
        Err(Ok(o)) => return Ok(o),
        Err(Err(c)) => return Err(c),
    };
    if let Some(e) = &outcome.push_error {
        tracing::warn!(job = job.id, error = %e, "cannot push the channel");
    }
    // A failing dish shows its last good module, if it has one.
    for rec in &mut records {
        if !rec.ok {
            let kept = rec
                .module_path
                .as_ref()
                .is_some_and(|p| outcome.kept.contains(p));
            if !kept {
                rec.module_path = None;
                rec.module_name = None;
            }
        }
    }
    let ok = records.iter().filter(|r| r.ok).count();
    let bad = records.len() - ok;
    let mut summary = format!(
        "{} dish{}: {ok} published, {bad} failed",
        records.len(),
        if records.len() == 1 { "" } else { "es" }
    );
    if !outcome.kept.is_empty() {
        summary.push_str(&format!(
            " ({} kept their previous module)",
            outcome
                .kept
                .iter()
                .filter(|p| p.starts_with(layout::MODULE_DIR))
                .count()
        ));
    }
    if !outcome.removed.is_empty() {
        summary.push_str(&format!("; {} old file(s) removed", outcome.removed.len()));
    }
    if outcome.commit.is_none() {
        summary.push_str("; the channel was already up to date");
    }
    Ok(Outcome::Finished(Completion {
        state: JobState::Done,
        commit: Some(checkout.commit),
        channel_commit: outcome.commit,
        error: None,
        summary,
        dishes: records,
        replace_dishes: true,
    }))
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::atomic::AtomicUsize;

    use potluck_sandbox::{Diagnostic, Kind};

    use super::*;
    use crate::store::{
        ChannelLock, Counts, Enqueued, RepoRecord, SourceOutcome, SourceTask, SqliteStore,
        StoreError,
    };

    #[test]
    fn stored_diagnostics_are_capped_in_number_and_size() {
        let source = "(potluck-package\n  (name \"hello\"))\n";
        let many: Vec<Diagnostic> = (0..100)
            .map(|i| {
                Diagnostic::error(
                    Kind::Validation,
                    format!("problem {i}: {}", "x".repeat(1500)),
                )
                .in_file("guix-potluck/hello.scm")
                .at(source, 19, 26)
                .with_help("h".repeat(1500))
            })
            .collect();
        let (kept, rendered) = stored(many, Some(source));
        assert_eq!(kept.len(), MAX_STORED_DIAGNOSTICS + 1);
        for (i, d) in kept[..MAX_STORED_DIAGNOSTICS].iter().enumerate() {
            assert!(d.message.starts_with(&format!("problem {i}:")), "{i}");
        }
        let last = kept.last().unwrap();
        assert_eq!(last.message, "80 more diagnostics were left out");
        assert_eq!(last.file, "guix-potluck/hello.scm");
        assert!(
            rendered.len() <= MAX_RENDERED + 3,
            "{} bytes rendered",
            rendered.len()
        );
        assert!(rendered.contains("problem 0:"), "{rendered}");

        // A few short ones are kept whole.
        let few = vec![
            Diagnostic::error(Kind::Validation, "first").in_file("guix-potluck/hello.scm"),
            Diagnostic::warning(Kind::Lint, "second").in_file("guix-potluck/hello.scm"),
        ];
        let (kept, rendered) = stored(few.clone(), Some(source));
        assert_eq!(kept, few);
        assert!(
            rendered.contains("first") && rendered.contains("second"),
            "{rendered}"
        );
    }

    #[test]
    fn persist_retries_until_it_succeeds_and_gives_up_once_stopped() {
        let never = AtomicBool::new(false);
        let calls = Cell::new(0);
        let got = persist("test", &never, || {
            calls.set(calls.get() + 1);
            if calls.get() < 3 {
                Err(StoreError::Postgres("the database is down".into()))
            } else {
                Ok(7)
            }
        });
        assert_eq!(got, Some(7));
        assert_eq!(calls.get(), 3);

        let stopped = AtomicBool::new(true);
        let calls = Cell::new(0);
        let start = Instant::now();
        let got: Option<()> = persist("test", &stopped, || {
            calls.set(calls.get() + 1);
            Err(StoreError::Postgres("the database is down".into()))
        });
        assert_eq!(got, None);
        assert_eq!(calls.get(), 1);
        assert!(start.elapsed() < Duration::from_secs(1));
    }

    /// SQLite, except that `complete` fails while `down` is set.
    struct Flaky {
        inner: SqliteStore,
        down: AtomicBool,
        completes: AtomicUsize,
    }

    impl Store for Flaky {
        fn enqueue(
            &self,
            git_url: &str,
            branch: &str,
            max_queued: u64,
        ) -> Result<Enqueued, StoreError> {
            Store::enqueue(&self.inner, git_url, branch, max_queued)
        }
        fn claim(&self, lease: &Lease) -> Result<Option<Job>, StoreError> {
            Store::claim(&self.inner, lease)
        }
        fn renew(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
            Store::renew(&self.inner, lease, ids)
        }
        fn complete(&self, id: i64, holder: &str, c: &Completion) -> Result<bool, StoreError> {
            self.completes.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err(StoreError::Postgres("the database is down".into()));
            }
            Store::complete(&self.inner, id, holder, c)
        }
        fn await_sources(
            &self,
            id: i64,
            holder: &str,
            sources: &[SourceKey],
        ) -> Result<bool, StoreError> {
            Store::await_sources(&self.inner, id, holder, sources)
        }
        fn claim_source(&self, lease: &Lease) -> Result<Option<SourceTask>, StoreError> {
            Store::claim_source(&self.inner, lease)
        }
        fn renew_sources(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
            Store::renew_sources(&self.inner, lease, ids)
        }
        fn complete_source(
            &self,
            id: i64,
            holder: &str,
            outcome: &SourceOutcome,
        ) -> Result<bool, StoreError> {
            Store::complete_source(&self.inner, id, holder, outcome)
        }
        fn source(&self, key: &SourceKey) -> Result<Option<SourceRecord>, StoreError> {
            Store::source(&self.inner, key)
        }
        fn release_all_leases(&self) -> Result<usize, StoreError> {
            Store::release_all_leases(&self.inner)
        }
        fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
            Store::job(&self.inner, id)
        }
        fn recent_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
            Store::recent_jobs(&self.inner, limit)
        }
        fn pending_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
            Store::pending_jobs(&self.inner, limit)
        }
        fn queue_len(&self) -> Result<u64, StoreError> {
            Store::queue_len(&self.inner)
        }
        fn counts(&self) -> Result<Counts, StoreError> {
            Store::counts(&self.inner)
        }
        fn repos(&self, limit: u32) -> Result<Vec<RepoRecord>, StoreError> {
            Store::repos(&self.inner, limit)
        }
        fn dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
            Store::dishes(&self.inner, limit)
        }
        fn failing_dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
            Store::failing_dishes(&self.inner, limit)
        }
        fn dishes_of(&self, git_url: &str, branch: &str) -> Result<Vec<DishRecord>, StoreError> {
            Store::dishes_of(&self.inner, git_url, branch)
        }
        fn dish(
            &self,
            git_url: &str,
            branch: &str,
            file: &str,
        ) -> Result<Option<DishRecord>, StoreError> {
            Store::dish(&self.inner, git_url, branch, file)
        }
        fn claim_dir(
            &self,
            dir: &str,
            git_url: &str,
            branch: &str,
        ) -> Result<(String, String), StoreError> {
            Store::claim_dir(&self.inner, dir, git_url, branch)
        }
        fn lock_channel(&self) -> Result<ChannelLock<'_>, StoreError> {
            Store::lock_channel(&self.inner)
        }
    }

    fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
        let start = Instant::now();
        while !done() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "still waiting after 60 s: {what}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A job whose result the store cannot record is neither lost nor left
    /// `running` for ever: `complete` is tried again until the store
    /// answers, and when the worker gives up (here: the host stops) the
    /// job's lease is no longer renewed, so that it is taken again.
    #[test]
    fn a_failing_complete_is_retried_and_a_given_up_job_is_taken_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Flaky {
            inner: SqliteStore::in_memory().unwrap(),
            down: AtomicBool::new(true),
            completes: AtomicUsize::new(0),
        });
        let (sandbox, _) = Sandbox::new(
            potluck_sandbox::Limits::default(),
            &potluck_sandbox::Cache::Off,
            1,
        )
        .expect("sandbox");
        let channel = Channel::open(
            &dir.path().join("channel.git"),
            crate::channel::Options::default(),
        )
        .unwrap();
        let lease = Duration::from_secs(2);
        let host = Arc::new(Host {
            store: store.clone(),
            sandbox: Arc::new(sandbox),
            index: Arc::new(Index::builtin()),
            channel: Arc::new(channel),
            wake: Arc::new(Wake::default()),
            scratch: dir.path().join("scratch"),
            fetch: FetchLimits {
                allow_loopback: true,
                timeout: Duration::from_secs(30),
                ..FetchLimits::default()
            },
            policy: Policy {
                allow_loopback: true,
            },
            lease: Lease {
                holder: "worker-test".into(),
                duration: lease,
            },
            verify_sources: false,
            source_limits: SourceLimits::default(),
            held: Held::default(),
        });
        // A repo on a port nothing listens on: the job itself fails at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/x.git");
        let Enqueued::New(first) = Store::enqueue(&*store, &url, "main", 10).unwrap() else {
            panic!("not queued");
        };
        let stop = Arc::new(AtomicBool::new(false));
        let handles = spawn(host.clone(), 1, 0, stop.clone());

        // The result cannot be recorded: it is tried again while the job
        // stays running, then recorded once the store answers.
        wait_until("complete() tried three times", || {
            store.completes.load(Ordering::SeqCst) >= 3
        });
        let job = Store::job(&*store, first).unwrap().unwrap();
        assert_eq!(job.state, JobState::Running, "{job:?}");
        store.down.store(false, Ordering::SeqCst);
        wait_until("the first job recorded", || {
            Store::job(&*store, first).unwrap().unwrap().state == JobState::Failed
        });
        let job = Store::job(&*store, first).unwrap().unwrap();
        assert!(
            job.error
                .as_deref()
                .is_some_and(|e| e.contains("cannot connect")),
            "{job:?}"
        );

        // The store goes down again and the host stops while the worker is
        // still trying: it gives up, and stops renewing the lease.
        store.down.store(true, Ordering::SeqCst);
        let before = store.completes.load(Ordering::SeqCst);
        let Enqueued::New(second) = Store::enqueue(&*store, &url, "dev", 10).unwrap() else {
            panic!("not queued");
        };
        host.wake.notify();
        wait_until("complete() tried twice for the second job", || {
            store.completes.load(Ordering::SeqCst) >= before + 2
        });
        stop.store(true, Ordering::SeqCst);
        host.wake.notify();
        for h in handles {
            h.join().unwrap();
        }
        assert!(
            !Held::set(&host.held.jobs).contains(&second),
            "the lease of a job whose result was given up is still renewed"
        );
        let job = Store::job(&*store, second).unwrap().unwrap();
        assert_eq!(job.state, JobState::Running, "{job:?}");
        // Its lease runs out, and another host takes it again.
        let other = Lease {
            holder: "another-host".into(),
            duration: Duration::from_secs(60),
        };
        let mut again = None;
        wait_until("the second job taken again", || {
            again = Store::claim(&*store, &other).unwrap();
            again.is_some()
        });
        let again = again.unwrap();
        assert_eq!(again.id, second);
        assert_eq!(again.attempts, 2);
    }

    /// A branch that keeps moving under the channel's compare-and-swap is
    /// tried `MAX_COMMIT_ATTEMPTS` times, then the job is retried later;
    /// a race that clears is committed; a store failure stops at once.
    #[test]
    fn raced_commits_are_retried_a_bounded_number_of_times() {
        let calls = Cell::new(0u32);
        let always: Result<Result<(), ChannelError>, ()> = retry_races(|| {
            calls.set(calls.get() + 1);
            Ok(Err(ChannelError::Raced))
        });
        assert!(matches!(always, Ok(Err(ChannelError::Raced))));
        assert_eq!(calls.get(), MAX_COMMIT_ATTEMPTS);

        calls.set(0);
        let clears: Result<Result<u32, ChannelError>, ()> = retry_races(|| {
            calls.set(calls.get() + 1);
            Ok(if calls.get() < 3 {
                Err(ChannelError::Raced)
            } else {
                Ok(calls.get())
            })
        });
        assert!(matches!(clears, Ok(Ok(3))));

        calls.set(0);
        let store: Result<Result<(), ChannelError>, &str> = retry_races(|| {
            calls.set(calls.get() + 1);
            Err("the store is down")
        });
        assert_eq!(store.err(), Some("the store is down"));
        assert_eq!(calls.get(), 1);
    }
}
