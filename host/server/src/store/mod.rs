//! The host's durable state behind the [`Store`] trait: the job queue, the
//! repos it follows, the last result of every dish, the cache of verified
//! sources, and the lock that makes one writer of the channel at a time.
//!
//! Two back ends implement it: [`SqliteStore`] (embedded, one host per
//! state directory, the default) and [`PgStore`] (PostgreSQL, any number of
//! hosts on one database).  Both keep the same rules, and one set of
//! behavioural tests runs against each (`tests.rs`):
//!
//! - **Nothing accepted is lost.** [`Store::enqueue`] returns only once the
//!   job is committed.
//! - **Claims are leases.** [`Store::claim`] hands a job to a holder until a
//!   deadline, which the holder extends with [`Store::renew`] while it works.
//!   A job whose holder died is claimed again once its lease has expired; a
//!   job whose lease expired [`MAX_ATTEMPTS`] times is abandoned (failed,
//!   and its repo shows it).  [`Store::complete`] records a result only if
//!   the caller still holds the lease, so a holder that lost its lease
//!   cannot overwrite the work of the one that took over.
//! - **One job per repo and branch at a time**, oldest first.
//! - **Sources are verified once per (URL, commit)**: a job that needs
//!   unverified sources waits in [`JobState::Verifying`] without holding a
//!   worker; source checks are their own leased queue; when the last one a
//!   job waits for is recorded, the job is queued again.
//! - **One channel writer**: [`Store::lock_channel`] is held while a commit
//!   is built and published.

mod postgres;
mod sqlite;
#[cfg(test)]
pub(crate) mod tests;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use crate::api::{Counts, DishRecord, Job, JobState, RepoRecord, SourceState};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// How many times a job or a source check may be claimed before a lease
/// that expires once more abandons it.
pub const MAX_ATTEMPTS: i64 = 3;

/// How long a failed source fetch is remembered before it is tried again.
pub const UNREACHABLE_TTL: Duration = Duration::from_secs(3600);

/// A failure of the store itself (not of a job).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("the database is from a newer potluck-wasm (schema {0}); upgrade this program")]
    Schema(i64),
    #[error("the store's URL is refused: {0}")]
    BadUrl(String),
}

/// The answer to an enqueue request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// A new job was committed.
    New(i64),
    /// A job for this repo and branch was already waiting: its id.
    Existing(i64),
    /// The queue holds its maximum of waiting jobs.
    Full,
}

/// Who claims, and for how long.
#[derive(Debug, Clone)]
pub struct Lease {
    /// Names the process (host name, pid, a random part).
    pub holder: String,
    pub duration: Duration,
}

impl Lease {
    /// A lease for this process.
    pub fn for_this_process(duration: Duration) -> Lease {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_else(|_| "host".into());
        let mut random = [0u8; 6];
        if getrandom(&mut random).is_err() {
            random = (now_ms() as u64).to_le_bytes()[..6].try_into().unwrap();
        }
        Lease {
            holder: format!("{host}:{}:{}", std::process::id(), hex::encode(random)),
            duration,
        }
    }

    fn until(&self) -> i64 {
        now_ms() + self.duration.as_millis() as i64
    }
}

fn getrandom(buf: &mut [u8]) -> std::io::Result<()> {
    use std::io::Read;
    std::fs::File::open("/dev/urandom")?.read_exact(buf)
}

/// Everything one finished job writes, in one transaction.
#[derive(Debug, Clone)]
pub struct Completion {
    pub state: JobState,
    pub commit: Option<String>,
    pub channel_commit: Option<String>,
    pub error: Option<String>,
    pub summary: String,
    /// The dishes found in this update (replaces the repo's previous set
    /// when `replace_dishes`).
    pub dishes: Vec<DishRecord>,
    /// False when the job failed before reading the repo: the previous
    /// dish records are kept.
    pub replace_dishes: bool,
}

/// A source to fetch and hash: the dish's `git-uri` at `git-commit`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceKey {
    pub url: String,
    pub commit: String,
}

/// A claimed source check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTask {
    pub id: i64,
    pub key: SourceKey,
    pub attempts: i64,
}

/// What is known of a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRecord {
    /// Waiting for, or being fetched by, a source worker.
    Pending,
    /// The checkout of the commit hashes to this (nix-base32 NAR SHA-256).
    Hashed(String),
    /// The commit could not be fetched: why, and when that was found
    /// (seconds since the epoch).
    Unreachable { error: String, checked: i64 },
}

/// The result of one source check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOutcome {
    Hashed(String),
    Unreachable(String),
}

/// Held while the channel is written; released when dropped.
pub struct ChannelLock<'a>(#[allow(dead_code)] Box<dyn Held + 'a>);

/// Anything whose drop releases a lock.
pub trait Held {}
impl<T> Held for T {}

/// The queue and the records, as the server and the workers use them.
pub trait Store: Send + Sync {
    /// Commit a job for `git_url` at `branch`, unless one is waiting already
    /// or `max_queued` jobs are waiting.
    fn enqueue(&self, git_url: &str, branch: &str, max_queued: u64)
        -> Result<Enqueued, StoreError>;
    /// Lease the oldest waiting job (or one whose lease expired) whose repo
    /// and branch nobody holds; a job whose lease expired after
    /// [`MAX_ATTEMPTS`] claims is failed as abandoned instead.
    fn claim(&self, lease: &Lease) -> Result<Option<Job>, StoreError>;
    /// Extend the leases `lease.holder` holds on the jobs `ids`; returns
    /// those it still holds.
    fn renew(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError>;
    /// Record the outcome of a job, if `holder` still holds it.  Returns
    /// whether it did.
    fn complete(&self, id: i64, holder: &str, c: &Completion) -> Result<bool, StoreError>;
    /// Park a job until `sources` are verified (each is queued for a check
    /// unless it is known, or it is an unreachable one older than
    /// [`UNREACHABLE_TTL`]), if `holder` still holds it.  A job whose
    /// sources are all known by then is queued again at once.
    fn await_sources(
        &self,
        id: i64,
        holder: &str,
        sources: &[SourceKey],
    ) -> Result<bool, StoreError>;
    /// Lease the oldest waiting source check (as [`Store::claim`]).
    fn claim_source(&self, lease: &Lease) -> Result<Option<SourceTask>, StoreError>;
    /// Extend the leases of source checks, as [`Store::renew`].
    fn renew_sources(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError>;
    /// Record a source check (if `holder` still holds it) and queue again
    /// the jobs that were waiting only for it.
    fn complete_source(
        &self,
        id: i64,
        holder: &str,
        outcome: &SourceOutcome,
    ) -> Result<bool, StoreError>;
    /// What is known of a source.
    fn source(&self, key: &SourceKey) -> Result<Option<SourceRecord>, StoreError>;
    /// Only for a store no other host uses (SQLite with its lock file
    /// held): end every lease now, so that the jobs of a host that was
    /// killed are taken again at once.  Returns how many jobs were queued
    /// again.
    fn release_all_leases(&self) -> Result<usize, StoreError>;
    fn job(&self, id: i64) -> Result<Option<Job>, StoreError>;
    /// The most recent jobs, newest first.
    fn recent_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;
    /// Jobs waiting, running or verifying, running first, then oldest first.
    fn pending_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;
    fn queue_len(&self) -> Result<u64, StoreError>;
    /// Totals over everything the host holds.
    fn counts(&self) -> Result<Counts, StoreError>;
    /// Followed repos, most recently updated first.
    fn repos(&self, limit: u32) -> Result<Vec<RepoRecord>, StoreError>;
    /// Dishes, most recently updated first.
    fn dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError>;
    /// Failing dishes, most recently updated first.
    fn failing_dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError>;
    fn dishes_of(&self, git_url: &str, branch: &str) -> Result<Vec<DishRecord>, StoreError>;
    fn dish(
        &self,
        git_url: &str,
        branch: &str,
        file: &str,
    ) -> Result<Option<DishRecord>, StoreError>;
    /// Claim channel directory `dir` for `git_url` at `branch`.  Returns the
    /// owner: the caller's repo unless another one claimed it first.
    fn claim_dir(
        &self,
        dir: &str,
        git_url: &str,
        branch: &str,
    ) -> Result<(String, String), StoreError>;
    /// Wait until this process is the only writer of the channel among all
    /// hosts sharing the store.
    fn lock_channel(&self) -> Result<ChannelLock<'_>, StoreError>;
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The text stored for a job abandoned after `attempts` claims.
pub(crate) fn abandoned(attempts: i64) -> String {
    format!(
        "abandoned: the job was taken {attempts} times and its worker stopped each time \
         (a host crash or a repo that crashes it); send the update again to retry"
    )
}
