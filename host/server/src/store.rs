//! The host's durable state: the job queue, the repos it follows and the
//! last result of every dish, behind the small [`Store`] trait.
//!
//! [`SqliteStore`] keeps everything in one embedded SQLite database in WAL
//! mode with `synchronous=FULL`: [`Store::enqueue`] returns only once the
//! job is committed to disk, so a request that was answered 202 survives a
//! `kill -9` or a power cut.  Jobs that were running when the host died are
//! queued again by [`Store::recover`] at start-up.  The trait is all the
//! server and the workers see, so a PostgreSQL backend for several worker
//! hosts can be added beside this one.

use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::api::{Counts, DishRecord, Job, JobState, RepoRecord};
use rusqlite::{params, Connection, OptionalExtension};

/// A failure of the store itself (not of a job).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("the database is from a newer potluck-wasm (schema {0}); upgrade this program")]
    Schema(i64),
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

/// The queue and the records, as the server and the workers use them.
pub trait Store: Send + Sync {
    /// Commit a job for `git_url` at `branch`, unless one is waiting already
    /// or `max_queued` jobs are waiting.
    fn enqueue(&self, git_url: &str, branch: &str, max_queued: u64)
        -> Result<Enqueued, StoreError>;
    /// Take the oldest waiting job whose repo and branch is not being
    /// worked on, and mark it running.
    fn claim(&self) -> Result<Option<Job>, StoreError>;
    /// Record the outcome of a running job.
    fn complete(&self, id: i64, c: &Completion) -> Result<(), StoreError>;
    /// At start-up: queue again every job left running by a crash; a job
    /// already taken `max_attempts` times fails instead.  Returns how many
    /// were queued again.
    fn recover(&self, max_attempts: i64) -> Result<usize, StoreError>;
    fn job(&self, id: i64) -> Result<Option<Job>, StoreError>;
    /// The most recent jobs, newest first.
    fn recent_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;
    /// Jobs waiting or running, oldest first.
    fn pending_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError>;
    fn queue_len(&self) -> Result<u64, StoreError>;
    /// Totals over everything the host holds.
    fn counts(&self) -> Result<Counts, StoreError>;
    fn repos(&self) -> Result<Vec<RepoRecord>, StoreError>;
    /// Dishes, most recently updated first.
    fn dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError>;
    fn dishes_of(&self, git_url: &str, branch: &str) -> Result<Vec<DishRecord>, StoreError>;
    /// Claim channel directory `dir` for `git_url` at `branch`.  Returns the
    /// owner: the caller's repo unless another one claimed it first.
    fn claim_dir(
        &self,
        dir: &str,
        git_url: &str,
        branch: &str,
    ) -> Result<(String, String), StoreError>;
}

const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    created INTEGER NOT NULL,
    started INTEGER,
    finished INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    repo_commit TEXT,
    channel_commit TEXT,
    error TEXT,
    summary TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_one_waiting ON jobs (git_url, branch) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, id);
CREATE TABLE IF NOT EXISTS repos (
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    last_commit TEXT,
    last_job INTEGER NOT NULL,
    last_state TEXT NOT NULL,
    last_error TEXT,
    updated INTEGER NOT NULL,
    PRIMARY KEY (git_url, branch)
);
CREATE TABLE IF NOT EXISTS dishes (
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    file TEXT NOT NULL,
    name TEXT,
    version TEXT,
    repo_commit TEXT NOT NULL,
    ok INTEGER NOT NULL,
    diagnostics TEXT NOT NULL,
    rendered TEXT NOT NULL,
    module_path TEXT,
    module_name TEXT,
    updated INTEGER NOT NULL,
    PRIMARY KEY (git_url, branch, file)
);
CREATE INDEX IF NOT EXISTS dishes_by_time ON dishes (updated DESC);
CREATE TABLE IF NOT EXISTS channel_dirs (
    dir TEXT PRIMARY KEY,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL
);
";

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

const JOB_COLUMNS: &str = "id, git_url, branch, state, created, started, finished, attempts, \
                           repo_commit, channel_commit, error, summary";

fn job_row(r: &rusqlite::Row) -> rusqlite::Result<Job> {
    Ok(Job {
        id: r.get(0)?,
        git_url: r.get(1)?,
        branch: r.get(2)?,
        state: JobState::parse(&r.get::<_, String>(3)?),
        created: r.get(4)?,
        started: r.get(5)?,
        finished: r.get(6)?,
        attempts: r.get(7)?,
        commit: r.get(8)?,
        channel_commit: r.get(9)?,
        error: r.get(10)?,
        summary: r.get(11)?,
    })
}

const DISH_COLUMNS: &str = "git_url, branch, file, name, version, repo_commit, ok, diagnostics, \
                            rendered, module_path, module_name, updated";

fn dish_row(r: &rusqlite::Row) -> rusqlite::Result<DishRecord> {
    let diags: String = r.get(7)?;
    Ok(DishRecord {
        git_url: r.get(0)?,
        branch: r.get(1)?,
        file: r.get(2)?,
        name: r.get(3)?,
        version: r.get(4)?,
        commit: r.get(5)?,
        ok: r.get::<_, i64>(6)? != 0,
        diagnostics: serde_json::from_str(&diags).unwrap_or_default(),
        rendered: r.get(8)?,
        module_path: r.get(9)?,
        module_name: r.get(10)?,
        updated: r.get(11)?,
    })
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        Self::setup(conn)
    }

    /// A private in-memory database (for tests and benchmarks).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Schema(version));
        }
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // change is in a transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Store for SqliteStore {
    fn enqueue(
        &self,
        git_url: &str,
        branch: &str,
        max_queued: u64,
    ) -> Result<Enqueued, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM jobs WHERE git_url = ?1 AND branch = ?2 AND state = 'queued'",
                params![git_url, branch],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Enqueued::Existing(id));
        }
        let waiting: i64 = tx.query_row(
            "SELECT count(*) FROM jobs WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?;
        if waiting as u64 >= max_queued {
            return Ok(Enqueued::Full);
        }
        tx.execute(
            "INSERT INTO jobs (git_url, branch, state, created) VALUES (?1, ?2, 'queued', ?3)",
            params![git_url, branch, now()],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(Enqueued::New(id))
    }

    fn claim(&self) -> Result<Option<Job>, StoreError> {
        let conn = self.conn();
        let sql = format!(
            "UPDATE jobs SET state = 'running', started = ?1, attempts = attempts + 1
             WHERE id = (SELECT q.id FROM jobs q WHERE q.state = 'queued'
                         AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running'
                                         AND r.git_url = q.git_url AND r.branch = q.branch)
                         ORDER BY q.id LIMIT 1)
             RETURNING {JOB_COLUMNS}"
        );
        Ok(conn.query_row(&sql, params![now()], job_row).optional()?)
    }

    fn complete(&self, id: i64, c: &Completion) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let t = now();
        let (url, branch): (String, String) = tx.query_row(
            "SELECT git_url, branch FROM jobs WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.execute(
            "UPDATE jobs SET state = ?2, finished = ?3, repo_commit = ?4, channel_commit = ?5,
                             error = ?6, summary = ?7
             WHERE id = ?1",
            params![
                id,
                c.state.as_str(),
                t,
                c.commit,
                c.channel_commit,
                c.error,
                c.summary
            ],
        )?;
        tx.execute(
            "INSERT INTO repos (git_url, branch, last_commit, last_job, last_state, last_error, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (git_url, branch) DO UPDATE SET
               last_commit = coalesce(excluded.last_commit, repos.last_commit),
               last_job = excluded.last_job, last_state = excluded.last_state,
               last_error = excluded.last_error, updated = excluded.updated",
            params![url, branch, c.commit, id, c.state.as_str(), c.error, t],
        )?;
        if c.replace_dishes {
            tx.execute(
                "DELETE FROM dishes WHERE git_url = ?1 AND branch = ?2",
                params![url, branch],
            )?;
            let mut ins = tx.prepare(&format!(
                "INSERT INTO dishes ({DISH_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))?;
            for d in &c.dishes {
                ins.execute(params![
                    url,
                    branch,
                    d.file,
                    d.name,
                    d.version,
                    d.commit,
                    d.ok as i64,
                    serde_json::to_string(&d.diagnostics).unwrap_or_else(|_| "[]".into()),
                    d.rendered,
                    d.module_path,
                    d.module_name,
                    t
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn recover(&self, max_attempts: i64) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE jobs SET state = 'failed', finished = ?2,
                 error = 'abandoned: the host stopped while running this job ' || attempts || ' times'
             WHERE state = 'running' AND attempts >= ?1",
            params![max_attempts, now()],
        )?;
        // A job left running may have a newer duplicate waiting: keep one.
        tx.execute(
            "UPDATE jobs SET state = 'done', finished = ?1,
                 summary = 'superseded by a newer request for the same repo and branch'
             WHERE state = 'running' AND EXISTS (SELECT 1 FROM jobs q WHERE q.state = 'queued'
                 AND q.git_url = jobs.git_url AND q.branch = jobs.branch)",
            params![now()],
        )?;
        let n = tx.execute(
            "UPDATE jobs SET state = 'queued', started = NULL WHERE state = 'running'",
            [],
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                job_row,
            )
            .optional()?)
    }

    fn recent_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT ?1"
        ))?;
        let rows = st.query_map(params![limit], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn pending_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running')
             ORDER BY state = 'queued', id LIMIT ?1"
        ))?;
        let rows = st.query_map(params![limit], job_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn queue_len(&self) -> Result<u64, StoreError> {
        let conn = self.conn();
        let n: i64 = conn.query_row(
            "SELECT count(*) FROM jobs WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        let conn = self.conn();
        let c = conn.query_row(
            "SELECT (SELECT count(*) FROM repos),
                    (SELECT count(*) FROM dishes),
                    (SELECT count(*) FROM dishes WHERE ok = 0),
                    (SELECT count(*) FROM jobs WHERE state = 'queued'),
                    (SELECT count(*) FROM jobs WHERE state = 'running')",
            [],
            |r| {
                Ok(Counts {
                    repos: r.get::<_, i64>(0)? as u64,
                    dishes: r.get::<_, i64>(1)? as u64,
                    failing: r.get::<_, i64>(2)? as u64,
                    queued: r.get::<_, i64>(3)? as u64,
                    running: r.get::<_, i64>(4)? as u64,
                })
            },
        )?;
        Ok(c)
    }

    fn repos(&self) -> Result<Vec<RepoRecord>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT r.git_url, r.branch, r.last_commit, r.last_job, r.last_state, r.last_error,
                    (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch),
                    (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch AND d.ok = 0),
                    r.updated
             FROM repos r ORDER BY r.updated DESC, r.git_url, r.branch",
        )?;
        let rows = st.query_map([], |r| {
            Ok(RepoRecord {
                git_url: r.get(0)?,
                branch: r.get(1)?,
                last_commit: r.get(2)?,
                last_job: r.get(3)?,
                last_state: JobState::parse(&r.get::<_, String>(4)?),
                last_error: r.get(5)?,
                dishes: r.get(6)?,
                failing: r.get(7)?,
                updated: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {DISH_COLUMNS} FROM dishes ORDER BY updated DESC, git_url, branch, file LIMIT ?1"
        ))?;
        let rows = st.query_map(params![limit], dish_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn dishes_of(&self, git_url: &str, branch: &str) -> Result<Vec<DishRecord>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {DISH_COLUMNS} FROM dishes WHERE git_url = ?1 AND branch = ?2 ORDER BY file"
        ))?;
        let rows = st.query_map(params![git_url, branch], dish_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn claim_dir(
        &self,
        dir: &str,
        git_url: &str,
        branch: &str,
    ) -> Result<(String, String), StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO channel_dirs (dir, git_url, branch) VALUES (?1, ?2, ?3)
             ON CONFLICT (dir) DO NOTHING",
            params![dir, git_url, branch],
        )?;
        Ok(conn.query_row(
            "SELECT git_url, branch FROM channel_dirs WHERE dir = ?1",
            params![dir],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completion(state: JobState) -> Completion {
        Completion {
            state,
            commit: Some("c0ffee".into()),
            channel_commit: None,
            error: None,
            summary: String::new(),
            dishes: vec![],
            replace_dishes: true,
        }
    }

    #[test]
    fn enqueue_dedupes_waiting_jobs_and_caps_the_queue() {
        let s = SqliteStore::in_memory().unwrap();
        let a = s.enqueue("https://example.org/a.git", "main", 2).unwrap();
        let Enqueued::New(id) = a else {
            panic!("{a:?}")
        };
        assert_eq!(
            s.enqueue("https://example.org/a.git", "main", 2).unwrap(),
            Enqueued::Existing(id)
        );
        assert!(matches!(
            s.enqueue("https://example.org/a.git", "dev", 2).unwrap(),
            Enqueued::New(_)
        ));
        assert_eq!(
            s.enqueue("https://example.org/b.git", "main", 2).unwrap(),
            Enqueued::Full
        );
        assert_eq!(s.queue_len().unwrap(), 2);
    }

    #[test]
    fn claim_skips_repos_being_worked_on_and_recover_requeues() {
        let s = SqliteStore::in_memory().unwrap();
        let Enqueued::New(first) = s.enqueue("https://example.org/a.git", "main", 10).unwrap()
        else {
            panic!()
        };
        let job = s.claim().unwrap().unwrap();
        assert_eq!(job.id, first);
        assert_eq!(job.state, JobState::Running);
        assert_eq!(job.attempts, 1);
        // A new request for the same repo waits until the first is done.
        let Enqueued::New(second) = s.enqueue("https://example.org/a.git", "main", 10).unwrap()
        else {
            panic!()
        };
        assert!(s.claim().unwrap().is_none());
        s.complete(first, &completion(JobState::Done)).unwrap();
        assert_eq!(s.claim().unwrap().unwrap().id, second);
        // Crash: the running job is queued again, once per start.
        assert_eq!(s.recover(3).unwrap(), 1);
        assert_eq!(s.job(second).unwrap().unwrap().state, JobState::Queued);
        assert_eq!(s.claim().unwrap().unwrap().attempts, 2);
        assert_eq!(s.recover(3).unwrap(), 1);
        // Third attempt taken, then a crash: abandoned, not retried forever.
        assert_eq!(s.claim().unwrap().unwrap().attempts, 3);
        assert_eq!(s.recover(3).unwrap(), 0);
        let j = s.job(second).unwrap().unwrap();
        assert_eq!(j.state, JobState::Failed);
        assert!(j.error.unwrap().contains("3 times"));
    }

    #[test]
    fn complete_replaces_dish_records_and_updates_the_repo() {
        let s = SqliteStore::in_memory().unwrap();
        let Enqueued::New(id) = s.enqueue("https://example.org/a.git", "main", 10).unwrap() else {
            panic!()
        };
        s.claim().unwrap();
        let mut c = completion(JobState::Done);
        c.dishes = vec![DishRecord {
            git_url: String::new(),
            branch: String::new(),
            file: "hello.scm".into(),
            name: Some("hello".into()),
            version: Some("1.0".into()),
            commit: "c0ffee".into(),
            ok: true,
            diagnostics: vec![],
            rendered: String::new(),
            module_path: Some("gnu/packages/potluck/x/main/hello.scm".into()),
            module_name: Some("(gnu packages potluck x main hello)".into()),
            updated: 0,
        }];
        s.complete(id, &c).unwrap();
        let d = s.dishes_of("https://example.org/a.git", "main").unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].git_url, "https://example.org/a.git");
        let r = s.repos().unwrap();
        assert_eq!((r[0].dishes, r[0].failing), (1, 0));
        assert_eq!(r[0].last_commit.as_deref(), Some("c0ffee"));
    }

    #[test]
    fn a_channel_dir_has_one_owner() {
        let s = SqliteStore::in_memory().unwrap();
        let a = s
            .claim_dir("x/main", "https://a.example/r", "main")
            .unwrap();
        assert_eq!(a.0, "https://a.example/r");
        let b = s
            .claim_dir("x/main", "https://b.example/r", "main")
            .unwrap();
        assert_eq!(b.0, "https://a.example/r");
    }

    #[test]
    fn jobs_survive_reopening_the_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let id = {
            let s = SqliteStore::open(&path).unwrap();
            match s.enqueue("https://example.org/a.git", "main", 10).unwrap() {
                Enqueued::New(id) => id,
                other => panic!("{other:?}"),
            }
        };
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.job(id).unwrap().unwrap().state, JobState::Queued);
    }
}
