//! [`PgStore`]: the [`Store`] on PostgreSQL, for several hosts sharing one
//! database (`host-channel --store postgres://…`).
//!
//! - Claims take rows with `FOR UPDATE SKIP LOCKED`, so hosts never wait
//!   for each other's candidates; the one-job-per-repo rule is kept by a
//!   transaction-scoped advisory lock on the repo and branch, taken before
//!   the rule is checked.  A claim is a lease (`lease_holder`,
//!   `lease_until`), renewed by the holder's heartbeat; a job whose host
//!   died is claimed again once the lease has expired.
//! - The channel writer is whoever holds the session advisory lock
//!   [`CHANNEL_LOCK`] on its own connection; PostgreSQL releases it when
//!   that connection ends, so a killed host never blocks the others.
//! - Migrations are versioned in `potluck_schema` and applied under an
//!   advisory lock, so hosts starting together apply each once.
//! - Connections come from a small pool; a query that fails because its
//!   connection was closed (a database restart) is tried once more on a
//!   fresh connection.  Every operation is safe to repeat: a repeated
//!   enqueue finds its job, a repeated completion is refused as not held.
//!
//! Connections are made without TLS: reach the database over a Unix socket,
//! loopback or a private network.

use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use postgres::{Client, NoTls, Row, Transaction};

use super::{
    abandoned, now, now_ms, ChannelLock, Completion, Counts, DishRecord, Enqueued, Job, JobState,
    Lease, RepoRecord, SourceKey, SourceOutcome, SourceRecord, SourceState, SourceTask, Store,
    StoreError, MAX_ATTEMPTS, UNREACHABLE_TTL,
};

/// The advisory lock held by the one host writing the channel.
pub const CHANNEL_LOCK: i64 = 0x706f_746c_7563_6b01;
/// The advisory lock held while migrating.
const MIGRATION_LOCK: i64 = 0x706f_746c_7563_6b02;
/// Idle connections kept per host.  Default: 8.
const MAX_IDLE: usize = 8;

const MIGRATIONS: &[&str] = &[
    // 1: everything of SQLite's schema version 2.
    "
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'verifying', 'done', 'failed')),
    created BIGINT NOT NULL,
    started BIGINT,
    finished BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    repo_commit TEXT,
    channel_commit TEXT,
    error TEXT,
    summary TEXT,
    lease_holder TEXT,
    lease_until BIGINT
);
CREATE UNIQUE INDEX jobs_one_waiting ON jobs (git_url, branch) WHERE state IN ('queued', 'verifying');
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE TABLE repos (
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    last_commit TEXT,
    last_job BIGINT NOT NULL,
    last_state TEXT NOT NULL,
    last_error TEXT,
    updated BIGINT NOT NULL,
    PRIMARY KEY (git_url, branch)
);
CREATE TABLE dishes (
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL,
    file TEXT NOT NULL,
    name TEXT,
    version TEXT,
    repo_commit TEXT NOT NULL,
    ok BOOLEAN NOT NULL,
    diagnostics TEXT NOT NULL,
    rendered TEXT NOT NULL,
    module_path TEXT,
    module_name TEXT,
    updated BIGINT NOT NULL,
    source TEXT,
    PRIMARY KEY (git_url, branch, file)
);
CREATE INDEX dishes_by_time ON dishes (updated DESC);
CREATE INDEX dishes_failing ON dishes (ok, updated DESC);
CREATE TABLE channel_dirs (
    dir TEXT PRIMARY KEY,
    git_url TEXT NOT NULL,
    branch TEXT NOT NULL
);
CREATE TABLE sources (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    commit_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'hashed', 'unreachable')),
    hash TEXT,
    error TEXT,
    checked BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_holder TEXT,
    lease_until BIGINT,
    UNIQUE (url, commit_id)
);
CREATE INDEX sources_by_state ON sources (state, id);
CREATE TABLE job_sources (
    job_id BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    PRIMARY KEY (job_id, source_id)
);
CREATE INDEX job_sources_by_source ON job_sources (source_id);
",
];

/// The PostgreSQL implementation of [`Store`].
pub struct PgStore {
    config: postgres::Config,
    idle: Mutex<Vec<Client>>,
}

fn pg(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Postgres(format!("{} ({})", db.message(), db.code().code())),
        None => StoreError::Postgres(e.to_string()),
    }
}

const JOB_COLUMNS: &str = "id, git_url, branch, state, created, started, finished, attempts, \
                           repo_commit, channel_commit, error, summary";

fn job_row(r: &Row) -> Job {
    Job {
        id: r.get(0),
        git_url: r.get(1),
        branch: r.get(2),
        state: JobState::parse(r.get(3)),
        created: r.get(4),
        started: r.get(5),
        finished: r.get(6),
        attempts: r.get(7),
        commit: r.get(8),
        channel_commit: r.get(9),
        error: r.get(10),
        summary: r.get(11),
    }
}

const DISH_COLUMNS: &str = "git_url, branch, file, name, version, repo_commit, ok, diagnostics, \
                            rendered, module_path, module_name, updated, source";

fn dish_row(r: &Row) -> DishRecord {
    let diags: &str = r.get(7);
    DishRecord {
        git_url: r.get(0),
        branch: r.get(1),
        file: r.get(2),
        name: r.get(3),
        version: r.get(4),
        commit: r.get(5),
        ok: r.get(6),
        diagnostics: serde_json::from_str(diags).unwrap_or_default(),
        rendered: r.get(8),
        module_path: r.get(9),
        module_name: r.get(10),
        updated: r.get(11),
        source: r.get::<_, Option<&str>>(12).and_then(SourceState::parse),
    }
}

fn touch_repo(
    tx: &mut Transaction,
    url: &str,
    branch: &str,
    commit: Option<&str>,
    job: i64,
    state: JobState,
    error: Option<&str>,
) -> Result<(), postgres::Error> {
    tx.execute(
        "INSERT INTO repos (git_url, branch, last_commit, last_job, last_state, last_error, updated)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (git_url, branch) DO UPDATE SET
           last_commit = coalesce(excluded.last_commit, repos.last_commit),
           last_job = excluded.last_job, last_state = excluded.last_state,
           last_error = excluded.last_error, updated = excluded.updated",
        &[&url, &branch, &commit, &job, &state.as_str(), &error, &now()],
    )?;
    Ok(())
}

fn requeue_ready(tx: &mut Transaction) -> Result<u64, postgres::Error> {
    tx.execute(
        "UPDATE jobs SET state = 'queued', lease_holder = NULL, lease_until = NULL
         WHERE state = 'verifying'
           AND NOT EXISTS (SELECT 1 FROM job_sources js JOIN sources s ON s.id = js.source_id
                           WHERE js.job_id = jobs.id AND s.state IN ('queued', 'running'))",
        &[],
    )
}

impl PgStore {
    /// Connect to `url` (`postgres://USER@HOST:PORT/DB` or the key=value
    /// form) and bring its schema up to date.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let mut config =
            postgres::Config::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
        config
            .connect_timeout(Duration::from_secs(10))
            .keepalives(true)
            .keepalives_idle(Duration::from_secs(30))
            .application_name("potluck-wasm");
        let store = PgStore {
            config,
            idle: Mutex::new(Vec::new()),
        };
        store.migrate()?;
        Ok(store)
    }

    fn connect(&self) -> Result<Client, StoreError> {
        let mut client = self.config.connect(NoTls).map_err(pg)?;
        // A statement stuck behind a lock must not hang a worker forever.
        client
            .batch_execute("SET statement_timeout = '60s'; SET lock_timeout = '30s'")
            .map_err(pg)?;
        Ok(client)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut c = self.connect()?;
        c.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .map_err(pg)?;
        let result = (|| {
            c.batch_execute("CREATE TABLE IF NOT EXISTS potluck_schema (version BIGINT NOT NULL)")?;
            let version: i64 = c
                .query_one("SELECT coalesce(max(version), 0) FROM potluck_schema", &[])?
                .get(0);
            Ok::<_, postgres::Error>(version)
        })();
        let version = match result {
            Ok(v) => v,
            Err(e) => return Err(pg(e)),
        };
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Schema(version));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let mut tx = c.transaction().map_err(pg)?;
            tx.batch_execute(sql).map_err(pg)?;
            tx.execute(
                "INSERT INTO potluck_schema (version) VALUES ($1)",
                &[&(i as i64 + 1)],
            )
            .map_err(pg)?;
            tx.commit().map_err(pg)?;
        }
        c.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .map_err(pg)?;
        Ok(())
    }

    /// Run `f` on a pooled connection; once more on a fresh one if the
    /// connection turned out closed.
    fn with<T>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        for attempt in 0..2 {
            let pooled = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
            let mut client = match pooled {
                Some(c) if !c.is_closed() => c,
                _ => self.connect()?,
            };
            match f(&mut client) {
                Ok(v) => {
                    self.give_back(client);
                    return Ok(v);
                }
                Err(e) if client.is_closed() && attempt == 0 => {
                    tracing::warn!(error = %e, "the database connection was lost; trying again");
                }
                Err(e) => {
                    if !client.is_closed() {
                        self.give_back(client);
                    }
                    return Err(pg(e));
                }
            }
        }
        unreachable!("the loop returns on its second attempt")
    }

    fn give_back(&self, client: Client) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(client);
        }
    }

    /// Remove every row (for tests that reuse one database).
    pub fn truncate_all(&self) -> Result<(), StoreError> {
        self.with(|c| {
            c.batch_execute(
                "TRUNCATE jobs, repos, dishes, channel_dirs, sources, job_sources RESTART IDENTITY",
            )
        })
    }
}

impl Store for PgStore {
    fn enqueue(
        &self,
        git_url: &str,
        branch: &str,
        max_queued: u64,
    ) -> Result<Enqueued, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let existing = tx.query_opt(
                "SELECT id FROM jobs WHERE git_url = $1 AND branch = $2
                 AND state IN ('queued', 'verifying')",
                &[&git_url, &branch],
            )?;
            if let Some(r) = existing {
                return Ok(Enqueued::Existing(r.get(0)));
            }
            let waiting: i64 = tx
                .query_one("SELECT count(*) FROM jobs WHERE state = 'queued'", &[])?
                .get(0);
            if waiting as u64 >= max_queued {
                return Ok(Enqueued::Full);
            }
            let inserted = tx.query_opt(
                "INSERT INTO jobs (git_url, branch, state, created) VALUES ($1, $2, 'queued', $3)
                 ON CONFLICT (git_url, branch) WHERE state IN ('queued', 'verifying') DO NOTHING
                 RETURNING id",
                &[&git_url, &branch, &now()],
            )?;
            let out = match inserted {
                Some(r) => Enqueued::New(r.get(0)),
                // Another host inserted it between our read and our write.
                None => Enqueued::Existing(
                    tx.query_one(
                        "SELECT id FROM jobs WHERE git_url = $1 AND branch = $2
                         AND state IN ('queued', 'verifying')",
                        &[&git_url, &branch],
                    )?
                    .get(0),
                ),
            };
            tx.commit()?;
            Ok(out)
        })
    }

    fn claim(&self, lease: &Lease) -> Result<Option<Job>, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let t = now_ms();
            let dead = tx.query(
                "UPDATE jobs SET state = 'failed', finished = $3,
                     lease_holder = NULL, lease_until = NULL
                 WHERE id IN (SELECT id FROM jobs WHERE state = 'running'
                              AND lease_until < $1 AND attempts >= $2
                              FOR UPDATE SKIP LOCKED)
                 RETURNING id, git_url, branch, attempts",
                &[&t, &MAX_ATTEMPTS, &now()],
            )?;
            for r in dead {
                let (id, url, branch, attempts): (i64, String, String, i64) =
                    (r.get(0), r.get(1), r.get(2), r.get(3));
                let error = abandoned(attempts);
                tx.execute("UPDATE jobs SET error = $2 WHERE id = $1", &[&id, &error])?;
                tx.execute("DELETE FROM job_sources WHERE job_id = $1", &[&id])?;
                touch_repo(&mut tx, &url, &branch, None, id, JobState::Failed, Some(&error))?;
            }
            requeue_ready(&mut tx)?;
            let candidates = tx.query(
                "SELECT id, git_url, branch FROM jobs
                 WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
                 ORDER BY id LIMIT 16 FOR UPDATE SKIP LOCKED",
                &[&t],
            )?;
            let mut picked = None;
            for r in candidates {
                let (id, url, branch): (i64, String, String) = (r.get(0), r.get(1), r.get(2));
                // One claimer per repo at a time, then the rule itself.
                let locked: bool = tx
                    .query_one(
                        "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))",
                        &[&url, &branch],
                    )?
                    .get(0);
                if !locked {
                    continue;
                }
                let busy: bool = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM jobs WHERE state = 'running'
                                        AND lease_until >= $1 AND id != $2
                                        AND git_url = $3 AND branch = $4)",
                        &[&t, &id, &url, &branch],
                    )?
                    .get(0);
                if !busy {
                    picked = Some(id);
                    break;
                }
            }
            let job = match picked {
                None => None,
                Some(id) => Some(job_row(&tx.query_one(
                    &format!(
                        "UPDATE jobs SET state = 'running', started = $2, attempts = attempts + 1,
                             lease_holder = $3, lease_until = $4
                         WHERE id = $1 RETURNING {JOB_COLUMNS}"
                    ),
                    &[&id, &now(), &lease.holder, &lease.until()],
                )?)),
            };
            tx.commit()?;
            Ok(job)
        })
    }

    fn renew(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        self.with(|c| {
            let rows = c.query(
                "UPDATE jobs SET lease_until = $3
                 WHERE id = ANY($1) AND lease_holder = $2 AND state = 'running'
                 RETURNING id",
                &[&ids, &lease.holder, &lease.until()],
            )?;
            let mut held: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
            held.sort_unstable();
            Ok(held)
        })
    }

    fn complete(&self, id: i64, holder: &str, c: &Completion) -> Result<bool, StoreError> {
        self.with(|client| {
            let mut tx = client.transaction()?;
            let Some(row) = tx.query_opt(
                "SELECT git_url, branch FROM jobs
                 WHERE id = $1 AND state = 'running' AND lease_holder = $2 FOR UPDATE",
                &[&id, &holder],
            )?
            else {
                return Ok(false);
            };
            let (url, branch): (String, String) = (row.get(0), row.get(1));
            let t = now();
            tx.execute(
                "UPDATE jobs SET state = $2, finished = $3, repo_commit = $4, channel_commit = $5,
                                 error = $6, summary = $7, lease_holder = NULL, lease_until = NULL
                 WHERE id = $1",
                &[
                    &id,
                    &c.state.as_str(),
                    &t,
                    &c.commit,
                    &c.channel_commit,
                    &c.error,
                    &c.summary,
                ],
            )?;
            tx.execute("DELETE FROM job_sources WHERE job_id = $1", &[&id])?;
            touch_repo(
                &mut tx,
                &url,
                &branch,
                c.commit.as_deref(),
                id,
                c.state,
                c.error.as_deref(),
            )?;
            if c.replace_dishes {
                tx.execute(
                    "DELETE FROM dishes WHERE git_url = $1 AND branch = $2",
                    &[&url, &branch],
                )?;
                let ins = tx.prepare(&format!(
                    "INSERT INTO dishes ({DISH_COLUMNS})
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
                ))?;
                for d in &c.dishes {
                    let diags =
                        serde_json::to_string(&d.diagnostics).unwrap_or_else(|_| "[]".into());
                    tx.execute(
                        &ins,
                        &[
                            &url,
                            &branch,
                            &d.file,
                            &d.name,
                            &d.version,
                            &d.commit,
                            &d.ok,
                            &diags,
                            &d.rendered,
                            &d.module_path,
                            &d.module_name,
                            &t,
                            &d.source.map(SourceState::as_str),
                        ],
                    )?;
                }
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn await_sources(
        &self,
        id: i64,
        holder: &str,
        sources: &[SourceKey],
    ) -> Result<bool, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            if tx
                .query_opt(
                    "SELECT 1 FROM jobs WHERE id = $1 AND state = 'running'
                     AND lease_holder = $2 FOR UPDATE",
                    &[&id, &holder],
                )?
                .is_none()
            {
                return Ok(false);
            }
            let stale = now() - UNREACHABLE_TTL.as_secs() as i64;
            let mut keys = sources.to_vec();
            // Rows locked in one order by every host: no deadlock.
            keys.sort();
            keys.dedup();
            for key in &keys {
                tx.execute(
                    "INSERT INTO sources (url, commit_id, state) VALUES ($1, $2, 'queued')
                     ON CONFLICT (url, commit_id) DO UPDATE SET
                         state = 'queued', attempts = 0, error = NULL, checked = NULL
                     WHERE sources.state = 'unreachable' AND sources.checked < $3",
                    &[&key.url, &key.commit, &stale],
                )?;
                // Locked so that a source check finishing now either sees
                // this job verifying or is seen finished below.
                let source: i64 = tx
                    .query_one(
                        "SELECT id FROM sources WHERE url = $1 AND commit_id = $2 FOR UPDATE",
                        &[&key.url, &key.commit],
                    )?
                    .get(0);
                tx.execute(
                    "INSERT INTO job_sources (job_id, source_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                    &[&id, &source],
                )?;
            }
            tx.execute(
                "UPDATE jobs SET state = 'verifying', lease_holder = NULL, lease_until = NULL
                 WHERE id = $1",
                &[&id],
            )?;
            requeue_ready(&mut tx)?;
            tx.commit()?;
            Ok(true)
        })
    }

    fn claim_source(&self, lease: &Lease) -> Result<Option<SourceTask>, StoreError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let t = now_ms();
            let n = tx.execute(
                "UPDATE sources SET state = 'unreachable', checked = $3, lease_holder = NULL,
                     lease_until = NULL,
                     error = 'the check was interrupted ' || attempts || ' times'
                 WHERE id IN (SELECT id FROM sources WHERE state = 'running'
                              AND lease_until < $1 AND attempts >= $2 FOR UPDATE SKIP LOCKED)",
                &[&t, &MAX_ATTEMPTS, &now()],
            )?;
            if n > 0 {
                requeue_ready(&mut tx)?;
            }
            let task = tx
                .query_opt(
                    "UPDATE sources SET state = 'running', attempts = attempts + 1,
                         lease_holder = $2, lease_until = $3
                     WHERE id = (SELECT id FROM sources
                                 WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
                                 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                     RETURNING id, url, commit_id, attempts",
                    &[&t, &lease.holder, &lease.until()],
                )?
                .map(|r| SourceTask {
                    id: r.get(0),
                    key: SourceKey {
                        url: r.get(1),
                        commit: r.get(2),
                    },
                    attempts: r.get(3),
                });
            tx.commit()?;
            Ok(task)
        })
    }

    fn renew_sources(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<i64>, StoreError> {
        self.with(|c| {
            let rows = c.query(
                "UPDATE sources SET lease_until = $3
                 WHERE id = ANY($1) AND lease_holder = $2 AND state = 'running'
                 RETURNING id",
                &[&ids, &lease.holder, &lease.until()],
            )?;
            let mut held: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
            held.sort_unstable();
            Ok(held)
        })
    }

    fn complete_source(
        &self,
        id: i64,
        holder: &str,
        outcome: &SourceOutcome,
    ) -> Result<bool, StoreError> {
        let (state, hash, error) = match outcome {
            SourceOutcome::Hashed(h) => ("hashed", Some(h.as_str()), None),
            SourceOutcome::Unreachable(e) => ("unreachable", None, Some(e.as_str())),
        };
        self.with(|c| {
            let mut tx = c.transaction()?;
            let n = tx.execute(
                "UPDATE sources SET state = $3, hash = $4, error = $5, checked = $6,
                     lease_holder = NULL, lease_until = NULL
                 WHERE id = $1 AND lease_holder = $2 AND state = 'running'",
                &[&id, &holder, &state, &hash, &error, &now()],
            )?;
            if n == 1 {
                requeue_ready(&mut tx)?;
            }
            tx.commit()?;
            Ok(n == 1)
        })
    }

    fn source(&self, key: &SourceKey) -> Result<Option<SourceRecord>, StoreError> {
        self.with(|c| {
            let row = c.query_opt(
                "SELECT state, hash, error, checked FROM sources WHERE url = $1 AND commit_id = $2",
                &[&key.url, &key.commit],
            )?;
            Ok(row.map(|r| {
                let state: &str = r.get(0);
                match state {
                    "hashed" => {
                        SourceRecord::Hashed(r.get::<_, Option<String>>(1).unwrap_or_default())
                    }
                    "unreachable" => SourceRecord::Unreachable {
                        error: r.get::<_, Option<String>>(2).unwrap_or_default(),
                        checked: r.get::<_, Option<i64>>(3).unwrap_or(0),
                    },
                    _ => SourceRecord::Pending,
                }
            }))
        })
    }

    fn release_all_leases(&self) -> Result<usize, StoreError> {
        self.with(|c| {
            let n = c.execute(
                "UPDATE jobs SET lease_until = 0 WHERE state = 'running'",
                &[],
            )?;
            c.execute(
                "UPDATE sources SET lease_until = 0 WHERE state = 'running'",
                &[],
            )?;
            Ok(n as usize)
        })
    }

    fn job(&self, id: i64) -> Result<Option<Job>, StoreError> {
        self.with(|c| {
            Ok(c.query_opt(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"),
                &[&id],
            )?
            .map(|r| job_row(&r)))
        })
    }

    fn recent_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.with(|c| {
            Ok(c.query(
                &format!("SELECT {JOB_COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1"),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(job_row)
            .collect())
        })
    }

    fn pending_jobs(&self, limit: u32) -> Result<Vec<Job>, StoreError> {
        self.with(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {JOB_COLUMNS} FROM jobs WHERE state IN ('queued', 'running', 'verifying')
                     ORDER BY state != 'running', id LIMIT $1"
                ),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(job_row)
            .collect())
        })
    }

    fn queue_len(&self) -> Result<u64, StoreError> {
        self.with(|c| {
            let n: i64 = c
                .query_one("SELECT count(*) FROM jobs WHERE state = 'queued'", &[])?
                .get(0);
            Ok(n as u64)
        })
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.with(|c| {
            let r = c.query_one(
                "SELECT (SELECT count(*) FROM repos),
                        (SELECT count(*) FROM dishes),
                        (SELECT count(*) FROM dishes WHERE NOT ok),
                        (SELECT count(*) FROM jobs WHERE state = 'queued'),
                        (SELECT count(*) FROM jobs WHERE state = 'running'),
                        (SELECT count(*) FROM jobs WHERE state = 'verifying')",
                &[],
            )?;
            let n = |i: usize| r.get::<_, i64>(i) as u64;
            Ok(Counts {
                repos: n(0),
                dishes: n(1),
                failing: n(2),
                queued: n(3),
                running: n(4),
                verifying: n(5),
            })
        })
    }

    fn repos(&self, limit: u32) -> Result<Vec<RepoRecord>, StoreError> {
        self.with(|c| {
            let rows = c.query(
                "SELECT r.git_url, r.branch, r.last_commit, r.last_job, r.last_state, r.last_error,
                        (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch),
                        (SELECT count(*) FROM dishes d WHERE d.git_url = r.git_url AND d.branch = r.branch AND NOT d.ok),
                        r.updated
                 FROM repos r ORDER BY r.updated DESC, r.git_url, r.branch LIMIT $1",
                &[&i64::from(limit)],
            )?;
            Ok(rows
                .iter()
                .map(|r| RepoRecord {
                    git_url: r.get(0),
                    branch: r.get(1),
                    last_commit: r.get(2),
                    last_job: r.get(3),
                    last_state: JobState::parse(r.get(4)),
                    last_error: r.get(5),
                    dishes: r.get(6),
                    failing: r.get(7),
                    updated: r.get(8),
                })
                .collect())
        })
    }

    fn dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
        self.with(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {DISH_COLUMNS} FROM dishes
                     ORDER BY updated DESC, git_url, branch, file LIMIT $1"
                ),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(dish_row)
            .collect())
        })
    }

    fn failing_dishes(&self, limit: u32) -> Result<Vec<DishRecord>, StoreError> {
        self.with(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {DISH_COLUMNS} FROM dishes WHERE NOT ok
                     ORDER BY updated DESC, git_url, branch, file LIMIT $1"
                ),
                &[&i64::from(limit)],
            )?
            .iter()
            .map(dish_row)
            .collect())
        })
    }

    fn dishes_of(&self, git_url: &str, branch: &str) -> Result<Vec<DishRecord>, StoreError> {
        self.with(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {DISH_COLUMNS} FROM dishes WHERE git_url = $1 AND branch = $2
                     ORDER BY file"
                ),
                &[&git_url, &branch],
            )?
            .iter()
            .map(dish_row)
            .collect())
        })
    }

    fn dish(
        &self,
        git_url: &str,
        branch: &str,
        file: &str,
    ) -> Result<Option<DishRecord>, StoreError> {
        self.with(|c| {
            Ok(c.query_opt(
                &format!(
                    "SELECT {DISH_COLUMNS} FROM dishes
                     WHERE git_url = $1 AND branch = $2 AND file = $3"
                ),
                &[&git_url, &branch, &file],
            )?
            .map(|r| dish_row(&r)))
        })
    }

    fn claim_dir(
        &self,
        dir: &str,
        git_url: &str,
        branch: &str,
    ) -> Result<(String, String), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO channel_dirs (dir, git_url, branch) VALUES ($1, $2, $3)
                 ON CONFLICT (dir) DO NOTHING",
                &[&dir, &git_url, &branch],
            )?;
            let r = c.query_one(
                "SELECT git_url, branch FROM channel_dirs WHERE dir = $1",
                &[&dir],
            )?;
            Ok((r.get(0), r.get(1)))
        })
    }

    fn lock_channel(&self) -> Result<ChannelLock<'_>, StoreError> {
        // Its own connection: the lock lives as long as the session.
        let mut client = self.connect()?;
        client
            .batch_execute("SET statement_timeout = 0; SET lock_timeout = 0")
            .map_err(pg)?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&CHANNEL_LOCK])
            .map_err(pg)?;
        Ok(ChannelLock(Box::new(AdvisoryLock(client))))
    }
}

/// The channel lock's connection; closing it releases the lock.
struct AdvisoryLock(Client);

impl Drop for AdvisoryLock {
    fn drop(&mut self) {
        let _ = self
            .0
            .execute("SELECT pg_advisory_unlock($1)", &[&CHANNEL_LOCK]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn the_behaviour_suite_passes_and_hosts_never_share_a_claim() {
        let Some(cluster) = potluck_testing::require_postgres("the PostgreSQL store tests") else {
            return;
        };
        let n = AtomicUsize::new(0);
        let fresh = || {
            let db = format!("t{}", n.fetch_add(1, Ordering::SeqCst));
            cluster.create_db(&db);
            PgStore::open(&cluster.url(&db)).unwrap()
        };
        super::super::tests::suite(&|| Box::new(fresh()));

        // Three "hosts" (stores with their own connections) claim 300 jobs
        // over 30 repos at once: each job is claimed once, and no two jobs
        // of one repo run at the same time.
        let db = "concurrent";
        cluster.create_db(db);
        let url = cluster.url(db);
        let first = PgStore::open(&url).unwrap();
        for i in 0..300 {
            let repo = format!("https://example.org/r{}.git", i % 30);
            // One waiting job per repo at a time: enqueue, claim, finish.
            first
                .enqueue(&repo, &format!("b{}", i / 30), 1_000)
                .unwrap();
        }
        let running = Arc::new(Mutex::new(std::collections::HashSet::<String>::new()));
        let claimed = Arc::new(Mutex::new(Vec::<i64>::new()));
        let threads: Vec<_> = (0..3)
            .map(|h| {
                let (url, running, claimed) = (url.clone(), running.clone(), claimed.clone());
                std::thread::spawn(move || {
                    let store = PgStore::open(&url).unwrap();
                    let lease = Lease {
                        holder: format!("host{h}"),
                        duration: Duration::from_secs(60),
                    };
                    while let Some(job) = store.claim(&lease).unwrap() {
                        let key = format!("{} {}", job.git_url, job.branch);
                        assert!(running.lock().unwrap().insert(key.clone()), "{key} twice");
                        claimed.lock().unwrap().push(job.id);
                        std::thread::sleep(Duration::from_millis(1));
                        running.lock().unwrap().remove(&key);
                        let c = Completion {
                            state: JobState::Done,
                            commit: None,
                            channel_commit: None,
                            error: None,
                            summary: String::new(),
                            dishes: vec![],
                            replace_dishes: false,
                        };
                        assert!(store.complete(job.id, &lease.holder, &c).unwrap());
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let mut ids = claimed.lock().unwrap().clone();
        ids.sort_unstable();
        assert_eq!(ids, (1..=300).collect::<Vec<i64>>());
    }
}
