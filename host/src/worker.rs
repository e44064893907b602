//! The host's workers: take a job from the store, fetch the repo, run every
//! dish through the sandbox, commit the result to the channel, record it.
//!
//! Workers are plain threads sharing one [`Sandbox`] (one wasm engine) and
//! one [`Channel`].  Each job gets a fresh scratch directory that is removed
//! when it ends, whatever happens.  A job is recorded as finished only after
//! its channel commit, so a crash in between makes the job run again; the
//! second run finds the channel already up to date and commits nothing.
//! One failing dish never stops the others: it keeps its last good module.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::channel::{Channel, ChannelError, ChannelFile, RepoUpdate};
use crate::check::{self, DishFile};
use crate::diagnostic::Diagnostic;
use crate::emit;
use crate::git::{self, FetchLimits};
use crate::index::Index;
use crate::pipeline;
use crate::sandbox::Sandbox;
use crate::store::{Completion, DishRecord, Job, JobState, Store};
use crate::validate::Policy;

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
    /// A job taken this many times without finishing is abandoned.
    /// Default: 3.
    pub max_attempts: i64,
}

/// Start `n` worker threads; they stop (after their current job) once
/// `stop` is set.
pub fn spawn(host: Arc<Host>, n: usize, stop: Arc<AtomicBool>) -> Vec<std::thread::JoinHandle<()>> {
    (0..n)
        .map(|i| {
            let host = host.clone();
            let stop = stop.clone();
            std::thread::Builder::new()
                .name(format!("potluck-worker-{i}"))
                .spawn(move || worker_loop(&host, &stop))
                .expect("cannot start a worker thread")
        })
        .collect()
}

fn worker_loop(host: &Host, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        match host.store.claim() {
            Ok(Some(job)) => {
                let start = Instant::now();
                tracing::info!(job = job.id, url = %job.git_url, branch = %job.branch, attempt = job.attempts, "job started");
                let c = run_job(host, &job);
                tracing::info!(
                    job = job.id,
                    state = ?c.state,
                    commit = c.commit.as_deref().unwrap_or("-"),
                    channel_commit = c.channel_commit.as_deref().unwrap_or("-"),
                    error = c.error.as_deref().unwrap_or("-"),
                    ms = start.elapsed().as_millis() as u64,
                    "job finished"
                );
                if let Err(e) = host.store.complete(job.id, &c) {
                    tracing::error!(job = job.id, error = %e, "cannot record the job's result");
                    std::thread::sleep(Duration::from_secs(1));
                }
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

/// The channel directories of a repo: modules and dish sources.
pub fn repo_dirs(url: &str, branch: &str) -> (String, String, String) {
    let m = emit::module_path(url, branch, "x");
    let key = format!("{}/{}", m.name[3], m.name[4]);
    (
        format!("gnu/packages/potluck/{key}"),
        format!("source/{key}"),
        key,
    )
}

/// Run one job to its completion record (never panics on bad input).
pub fn run_job(host: &Host, job: &Job) -> Completion {
    let dest = host
        .scratch
        .join(format!("job-{}-{}", job.id, job.attempts));
    let _guard = ScratchGuard(dest.clone());
    let _ = std::fs::remove_dir_all(&dest);
    let checkout = match git::fetch(&job.git_url, &job.branch, &dest, &host.fetch) {
        Ok(c) => c,
        Err(e) => return failed(e.to_string()),
    };
    let (module_dir, source_dir, key) = repo_dirs(&job.git_url, &job.branch);
    match host.store.claim_dir(&key, &job.git_url, &job.branch) {
        Ok((url, branch)) if url != job.git_url || branch != job.branch => {
            return failed(format!(
                "the channel directory `{key}` already belongs to {url} branch {branch}; \
                 publish from a repo URL or branch with a different name"
            ))
        }
        Ok(_) => {}
        Err(e) => return failed(format!("store: {e}")),
    }
    let files = match check::collect_dir(
        &checkout.dish_dir,
        Path::new("guix-potluck"),
        host.fetch.max_dish_bytes as usize,
    ) {
        Ok(f) => f,
        Err(e) => return failed(e.to_string()),
    };
    let mut records = Vec::new();
    let mut update = RepoUpdate {
        dirs: vec![module_dir, source_dir.clone()],
        files: vec![],
        keep: vec![],
        message: format!(
            "Update {} branch {} at {}",
            job.git_url, job.branch, checkout.commit
        ),
    };
    let record = |file: &str,
                  ok: bool,
                  name: Option<String>,
                  version: Option<String>,
                  diags: &[Diagnostic],
                  source: Option<&str>| {
        DishRecord {
            git_url: job.git_url.clone(),
            branch: job.branch.clone(),
            file: file.trim_start_matches("guix-potluck/").to_string(),
            name,
            version,
            commit: checkout.commit.clone(),
            ok,
            diagnostics: serde_json::to_value(diags).unwrap_or_default(),
            rendered: diags
                .iter()
                .map(|d| d.render(source, false))
                .collect::<Vec<_>>()
                .join("\n\n"),
            module_path: None,
            module_name: None,
            updated: 0,
        }
    };
    // Refused before checkout: symlinks, submodules, oversized files.  Such
    // a dish fails like any other: its last good module stays.
    for d in &checkout.refused {
        let mut rec = record(&d.file, false, None, None, std::slice::from_ref(d), None);
        let module = emit::module_path(&job.git_url, &job.branch, pipeline::stem(&d.file));
        update.keep.push(module.file.clone());
        update.keep.push(format!(
            "{source_dir}/{}.scm",
            module.name.last().map(String::as_str).unwrap_or("dish")
        ));
        rec.module_path = Some(module.file.clone());
        rec.module_name = Some(format!("({})", module.name.join(" ")));
        records.push(rec);
    }
    for f in files {
        let file = f.display.clone();
        let p = pipeline::process(
            &host.sandbox,
            &host.index,
            host.policy,
            DishFile {
                display: f.display,
                text: f.text,
            },
            &job.git_url,
            &job.branch,
        );
        let r = &p.report;
        let mut rec = record(
            &file,
            r.ok,
            r.dish.as_ref().map(|d| d.name.value.clone()),
            r.dish.as_ref().map(|d| d.version.value.clone()),
            &r.diagnostics,
            r.source.as_deref(),
        );
        let module = emit::module_path(&job.git_url, &job.branch, pipeline::stem(&file));
        let source_path = format!(
            "{source_dir}/{}.scm",
            module.name.last().map(String::as_str).unwrap_or("dish")
        );
        match (&p.module, &r.source) {
            (Some((path, text)), Some(source)) => {
                update.files.push(ChannelFile {
                    path: path.file.clone(),
                    contents: text.as_bytes().to_vec(),
                });
                update.files.push(ChannelFile {
                    path: source_path,
                    contents: source.as_bytes().to_vec(),
                });
            }
            _ => {
                update.keep.push(module.file.clone());
                update.keep.push(source_path);
            }
        }
        rec.module_path = Some(module.file.clone());
        rec.module_name = Some(format!("({})", module.name.join(" ")));
        records.push(rec);
    }
    let outcome = loop {
        match host.channel.update(&update) {
            Ok(o) => break o,
            Err(ChannelError::Raced) => continue,
            Err(e) => return failed(e.to_string()),
        }
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
                .filter(|p| p.starts_with("gnu/"))
                .count()
        ));
    }
    if !outcome.removed.is_empty() {
        summary.push_str(&format!("; {} old file(s) removed", outcome.removed.len()));
    }
    if outcome.commit.is_none() {
        summary.push_str("; the channel was already up to date");
    }
    Completion {
        state: JobState::Done,
        commit: Some(checkout.commit),
        channel_commit: outcome.commit,
        error: None,
        summary,
        dishes: records,
        replace_dishes: true,
    }
}
