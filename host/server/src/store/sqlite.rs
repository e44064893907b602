//! [`SqliteStore`]: the embedded [`Store`], one SQLite database in WAL mode
//! with `synchronous=FULL`, so a request answered 202 survives a `kill -9`
//! or a power cut.  One host uses it at a time (the host's `host.lock`), so
//! the channel lock is a mutex of this process and, at start-up,
//! [`Store::release_all_leases`] may end the leases a killed host left.
//!
//! The schema is versioned by `PRAGMA user_version`: [`MIGRATIONS`] are
//! applied in order, each in one transaction.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{
    abandoned, now, now_ms, ChannelLock, Completion, Counts, DishRecord, Enqueued, Job, JobState,
    Lease, RepoRecord, SourceKey, SourceOutcome, SourceRecord, SourceState, SourceTask, Store,
    StoreError, MAX_ATTEMPTS, UNREACHABLE_TTL,
};

/// The schema, one migration per version (version N is `MIGRATIONS[N-1]`).
const MIGRATIONS: &[&str] = &[
    // 1: jobs, repos, dishes, channel directories.
    "
CREATE TABLE jobs (
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
CREATE UNIQUE INDEX jobs_one_waiting ON jobs (git_url, branch) WHERE state = 'queued';
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE TABLE repos (
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    last_commit TEXT,
    last_job INTEGER NOT NULL,
    last_state TEXT NOT NULL,
    last_error TEXT,
    updated INTEGER NOT NULL,
    PRIMARY KEY (git_url, branch)
);
CREATE TABLE dishes (
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
CREATE INDEX dishes_by_time ON dishes (updated DESC);
CREATE TABLE channel_dirs (
    dir TEXT PRIMARY KEY,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL
);
",
    // 2: leases, the verifying state, verified sources; module paths
    // under the channel's `modules/` directory.
    "
CREATE TABLE jobs_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'verifying', 'done', 'failed')),
    created INTEGER NOT NULL,
    started INTEGER,
    finished INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    repo_commit TEXT,
    channel_commit TEXT,
    error TEXT,
    summary TEXT,
    lease_holder TEXT,
    lease_until INTEGER
);
INSERT INTO jobs_v2 (id, git_url, branch, state, created, started, finished, attempts,
                     repo_commit, channel_commit, error, summary, lease_until)
    SELECT id, git_url, branch, state, created, started, finished, attempts,
           repo_commit, channel_commit, error, summary,
           CASE WHEN state = 'running' THEN 0 END
    FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v2 RENAME TO jobs;
CREATE UNIQUE INDEX jobs_one_waiting ON jobs (git_url, branch) WHERE state IN ('queued', 'verifying');
CREATE INDEX jobs_by_state ON jobs (state, id);
ALTER TABLE dishes ADD COLUMN source TEXT;
UPDATE dishes SET module_path = 'modules/' || module_path
    WHERE module_path LIKE 'gnu/packages/potluck/%';
CREATE INDEX dishes_failing ON dishes (ok, updated DESC);
CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'hashed', 'unreachable')),
    hash TEXT,
    error TEXT,
    checked INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_holder TEXT,
    lease_until INTEGER,
    UNIQUE (url, commit_id)
);
CREATE INDEX sources_by_state ON sources (state, id);
CREATE TABLE job_sources (
    job_id INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    PRIMARY KEY (job_id, source_id)
);
CREATE INDEX job_sources_by_source ON job_sources (source_id);
",
];

/// The SQLite implementation of [`Store`].
pub struct SqliteStore {
    conn: Mutex<Connection>,
    writer: Mutex<()>,
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
                            rendered, module_path, module_name, updated, source";

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
        source: r
            .get::<_, Option<String>>(12)?
            .and_then(|s| SourceState::parse(&s)),
    })
}

/// Record `state` as the last word on a repo.
fn touch_repo(
    tx: &Transaction,
    url: &str,
    branch: &str,
    commit: Option<&str>,
    job: i64,
    state: JobState,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO repos (git_url, branch, last_commit, last_job, last_state, last_error, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (git_url, branch) DO UPDATE SET
           last_commit = coalesce(excluded.last_commit, repos.last_commit),
           last_job = excluded.last_job, last_state = excluded.last_state,
           last_error = excluded.last_error, updated = excluded.updated",
        params![url, branch, commit, job, state.as_str(), error, now()],
    )?;
    Ok(())
}

/// Queue again the verifying jobs none of whose sources is still pending.
fn requeue_ready(tx: &Transaction) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE jobs SET state = 'queued', lease_holder = NULL, lease_until = NULL
         WHERE state = 'verifying'
           AND NOT EXISTS (SELECT 1 FROM job_sources js JOIN sources s ON s.id = js.source_id
                           WHERE js.job_id = jobs.id AND s.state IN ('queued', 'running'))",
        [],
    )
}

impl SqliteStore {
    /// Open (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        Self::setup(Connection::open(path)?)
    }

    /// A private in-memory database (for tests and benchmarks).
    pub fn in_memory() -> Result<SqliteStore, StoreError> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        let mut version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Schema(version));
        }
        // A database made before versioning has tables but version 0.
        if version == 0 {
            let has_jobs: bool = conn.query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'",
                [],
                |r| r.get(0),
            )?;
            if has_jobs {
                version = 1;
            }
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            tx.commit()?;
        }
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            writer: Mutex::new(()),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (every
        // change is in a transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
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
        // A waiting or verifying job fetches the branch when it runs, so it
        // serves this request too.
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM jobs WHERE git_url = ?1 AND branch = ?2
                 AND state IN ('queued', 'verifying')",
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

    fn claim(&self, lease: &Lease) -> Result<Option<Job>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let t = now_ms();
        let dead: Vec<(i64, String, String, i64)> = {
            let mut st = tx.prepare(
                "SELECT id, git_url, branch, attempts FROM jobs
                 WHERE state = 'running' AND lease_until < ?1 AND attempts >= ?2",
            )?;
            let rows = st.query_map(params![t, MAX_ATTEMPTS], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, url, branch, attempts) in dead {
            let error = abandoned(attempts);
            tx.execute(
                "UPDATE jobs SET state = 'failed', finished = ?2, error = ?3,
                     lease_holder = NULL, lease_until = NULL WHERE id = ?1",
                params![id, now(), error],
            )?;
            tx.execute("DELETE FROM job_sources WHERE job_id = ?1", params![id])?;
            touch_repo(&tx, &url, &branch, None, id, JobState::Failed, Some(&error))?;
        }
        let pick: Option<i64> = tx
            .query_row(
                "SELECT q.id FROM jobs q
                 WHERE (q.state = 'queued' OR (q.state = 'running' AND q.lease_until < ?1))
                   AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running'
                                   AND r.lease_until >= ?1 AND r.id != q.id
                                   AND r.git_url = q.git_url AND r.branch = q.branch)
                 ORDER BY q.id LIMIT 1",
                params![t],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = pick else {
            tx.commit()?;
            return Ok(None);
        };
        let job = tx.query_row(
            &format!(
                "UPDATE jobs SET state = 'running', started = ?2, attempts = attempts + 1,
                     lease_holder = ?3, lease_until = ?4
                 WHERE id = ?1 RETURNING {JOB_COLUMNS}"
            ),
            params![id, now(), lease.holder, lease.until()],
            job_row,
        )?;
        tx.commit()?;
        Ok(Some(job))
    }

    fn renew(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut held = Vec::new();
        for &id in ids {
            let n = tx.execute(
                "UPDATE jobs SET lease_until = ?3
                 WHERE id = ?1 AND lease_holder = ?2 AND state = 'running'",
                params![id, lease.holder, lease.until()],
            )?;
            if n == 1 {
                held.push(id);
            }
        }
        tx.commit()?;
        Ok(held)
    }

    fn complete(&self, id: i64, holder: &str, c: &Completion) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let Some((url, branch)): Option<(String, String)> = tx
            .query_row(
                "SELECT git_url, branch FROM jobs
                 WHERE id = ?1 AND state = 'running' AND lease_holder = ?2",
                params![id, holder],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
        else {
            return Ok(false);
        };
        let t = now();
        tx.execute(
            "UPDATE jobs SET state = ?2, finished = ?3, repo_commit = ?4, channel_commit = ?5,
                             error = ?6, summary = ?7, lease_holder = NULL, lease_until = NULL
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
        tx.execute("DELETE FROM job_sources WHERE job_id = ?1", params![id])?;
        touch_repo(
            &tx,
            &url,
            &branch,
            c.commit.as_deref(),
            id,
            c.state,
            c.error.as_deref(),
        )?;
        if c.replace_dishes {
            tx.execute(
                "DELETE FROM dishes WHERE git_url = ?1 AND branch = ?2",
                params![url, branch],
            )?;
            let mut ins = tx.prepare(&format!(
                "INSERT INTO dishes ({DISH_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
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
                    t,
                    d.source.map(SourceState::as_str),
                ])?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    fn await_sources(
        &self,
        id: i64,
        holder: &str,
        sources: &[SourceKey],
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let held: bool = tx.query_row(
            "SELECT count(*) > 0 FROM jobs WHERE id = ?1 AND state = 'running' AND lease_holder = ?2",
            params![id, holder],
            |r| r.get(0),
        )?;
        if !held {
            return Ok(false);
        }
        let stale = now() - UNREACHABLE_TTL.as_secs() as i64;
        for key in sources {
            tx.execute(
                "INSERT INTO sources (url, commit_id, state) VALUES (?1, ?2, 'queued')
                 ON CONFLICT (url, commit_id) DO UPDATE SET
                     state = 'queued', attempts = 0, error = NULL, checked = NULL
                 WHERE sources.state = 'unreachable' AND sources.checked < ?3",
                params![key.url, key.commit, stale],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO job_sources (job_id, source_id)
                 SELECT ?1, id FROM sources WHERE url = ?2 AND commit_id = ?3",
                params![id, key.url, key.commit],
            )?;
        }
        tx.execute(
            "UPDATE jobs SET state = 'verifying', lease_holder = NULL, lease_until = NULL
             WHERE id = ?1",
            params![id],
        )?;
        requeue_ready(&tx)?;
        tx.commit()?;
        Ok(true)
    }

    fn claim_source(&self, lease: &Lease) -> Result<Option<SourceTask>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let t = now_ms();
        let n = tx.execute(
            "UPDATE sources SET state = 'unreachable', checked = ?3, lease_holder = NULL,
                 lease_until = NULL,
                 error = 'the check was interrupted ' || attempts || ' times'
             WHERE state = 'running' AND lease_until < ?1 AND attempts >= ?2",
            params![t, MAX_ATTEMPTS, now()],
        )?;
        if n > 0 {
            requeue_ready(&tx)?;
        }
        let task = tx
            .query_row(
                "UPDATE sources SET state = 'running', attempts = attempts + 1,
                     lease_holder = ?2, lease_until = ?3
                 WHERE id = (SELECT id FROM sources
                             WHERE state = 'queued' OR (state = 'running' AND lease_until < ?1)
                             ORDER BY id LIMIT 1)
                 RETURNING id, url, commit_id, attempts",
                params![t, lease.holder, lease.until()],
                |r| {
                    Ok(SourceTask {
                        id: r.get(0)?,
                        key: SourceKey {
                            url: r.get(1)?,
                            commit: r.get(2)?,
                        },
                        attempts: r.get(3)?,
                    })
                },
            )
            .optional()?;
        tx.commit()?;
        Ok(task)
    }

    fn renew_sources(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut held = Vec::new();
        for &id in ids {
            let n = tx.execute(
                "UPDATE sources SET lease_until = ?3
                 WHERE id = ?1 AND lease_holder = ?2 AND state = 'running'",
                params![id, lease.holder, lease.until()],
            )?;
            if n == 1 {
                held.push(id);
            }
        }
        tx.commit()?;
        Ok(held)
    }

    fn complete_source(
        &self,
        id: i64,
        holder: &str,
        outcome: &SourceOutcome,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let (state, hash, error) = match outcome {
            SourceOutcome::Hashed(h) => ("hashed", Some(h.as_str()), None),
            SourceOutcome::Unreachable(e) => ("unreachable", None, Some(e.as_str())),
        };
        let n = tx.execute(
            "UPDATE sources SET state = ?3, hash = ?4, error = ?5, checked = ?6,
                 lease_holder = NULL, lease_until = NULL
             WHERE id = ?1 AND lease_holder = ?2 AND state = 'running'",
            params![id, holder, state, hash, error, now()],
        )?;
        if n == 1 {
            requeue_ready(&tx)?;
        }
        tx.commit()?;
        Ok(n == 1)
    }

    fn source(&self, key: &SourceKey) -> Result<Option<SourceRecord>, StoreError> {
        let conn = self.conn();
        let row: Option<(String, Option<String>, Option<String>, Option<i64>)> = conn
            .query_row(
                "SELECT state, hash, error, checked FROM sources WHERE url = ?1 AND commit_id = ?2",
                params![key.url, key.commit],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(
            row.map(|(state, hash, error, checked)| match state.as_str() {
                "hashed" => SourceRecord::Hashed(hash.unwrap_or_default()),
                "unreachable" => SourceRecord::Unreachable {
                    error: error.unwrap_or_default(),
                    checked: checked.unwrap_or(0),
                },
                _ => SourceRecord::Pending,
            }),
        )
    }

    fn release_all_leases(&self) -> Result<usize, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE jobs SET lease_until = 0 WHERE state = 'running'",
            [],
        )?;
        tx.execute(
            "UPDATE sources SET lease_until = 0 WHERE state = 'running'",
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
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running', 'verifying')
             ORDER BY state != 'running', id LIMIT ?1"
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
                    (SELECT count(*) FROM jobs WHERE state = 'running'),
                    (SELECT count(*) FROM jobs WHERE state = 'verifying')",
            [],
            |r| {
                Ok(Counts {
                    repos: r.get::<_, i64>(0)? as u64,
                    dishes: r.get::<_, i64>(1)? as u64,
                    failing: r.get::<_, i64>(2)? as u64,
                    queued: r.get::<_, i64>(3)? as u64,
                    running: r.get::<_, i64>(4)? as u64,
                    verifying: r.get::<_, i64>(5)? as u64,
                })
            },
        )?;
        Ok(c)
    }

    fn repos(&self, limit: u32) -> Result<Vec<RepoRecord>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT r.git_url, r.branch, r.last_commit, r.last_job, r.last_state, r.last_error,
                    (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch),
                    (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch AND d.ok = 0),
                    r.updated
             FROM repos r ORDER BY r.updated DESC, r.git_url, r.branch LIMIT ?1",
        )?;
        let rows = st.query_map(params![limit], |r| {
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

    fn failing_dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
        let conn = self.conn();
        let mut st = conn.prepare(&format!(
            "SELECT {DISH_COLUMNS} FROM dishes WHERE ok = 0
             ORDER BY updated DESC, git_url, branch, file LIMIT ?1"
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

    fn dish(
        &self,
        git_url: &str,
        branch: &str,
        file: &str,
    ) -> Result<Option<DishRecord>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row(
                &format!(
                    "SELECT {DISH_COLUMNS} FROM dishes
                     WHERE git_url = ?1 AND branch = ?2 AND file = ?3"
                ),
                params![git_url, branch, file],
                dish_row,
            )
            .optional()?)
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

    fn lock_channel(&self) -> Result<ChannelLock<'_>, StoreError> {
        let guard = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        Ok(ChannelLock(Box::new(guard)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_database_is_migrated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute_batch(
                "INSERT INTO jobs (git_url, branch, state, created, attempts)
                     VALUES ('https://example.org/a', 'main', 'running', 1, 1);
                 INSERT INTO dishes VALUES ('https://example.org/a', 'main', 'x.scm', 'x', '1',
                     'c0ffee', 1, '[]', '', 'gnu/packages/potluck/a/main/x.scm',
                     '(gnu packages potluck a main x)', 1);",
            )
            .unwrap();
        }
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let d = s.dishes_of("https://example.org/a", "main").unwrap();
        assert_eq!(
            d[0].module_path.as_deref(),
            Some("modules/gnu/packages/potluck/a/main/x.scm")
        );
        // The job a version-1 host left running has an expired lease.
        let job = s
            .claim(&Lease::for_this_process(std::time::Duration::from_secs(60)))
            .unwrap()
            .unwrap();
        assert_eq!(job.attempts, 2);
        drop(s);
        // Opening again changes nothing.
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        assert!(matches!(
            SqliteStore::open(&path),
            Err(StoreError::Schema(99))
        ));
    }

    #[test]
    fn the_behaviour_suite_passes() {
        super::super::tests::suite(&|| Box::new(SqliteStore::in_memory().unwrap()));
    }
}
