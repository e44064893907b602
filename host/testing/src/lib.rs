//! Development support, never linked into the product: a private
//! PostgreSQL cluster for tests and benchmarks.
//!
//! [`PgCluster::start`] runs Debian's `initdb` and `pg_ctl` (found on `PATH`
//! or under `/usr/lib/postgresql/*/bin`) on a fresh temporary directory and
//! a free loopback port, with trust authentication for its one user; never
//! a system service.  Under root (PostgreSQL refuses to run as root) the
//! server runs as the `postgres` user that Debian's package creates.  The
//! cluster is stopped and its directory removed when the value is dropped.
//! [`require_postgres`] says loudly when PostgreSQL is missing, and fails
//! when `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A running private cluster.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<(String, u32, u32)>,
}

/// Where `initdb` and `pg_ctl` are.
fn find_bin() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if d.join("initdb").is_file() && d.join("pg_ctl").is_file() {
                return Some(d);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

/// The `postgres` user's uid and gid.
fn postgres_user() -> Option<(String, u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.first() == Some(&"postgres") && f.len() > 3)
            .then(|| {
                Some((
                    "postgres".to_string(),
                    f[2].parse().ok()?,
                    f[3].parse().ok()?,
                ))
            })
            .flatten()
    })
}

impl PgCluster {
    /// Create and start a cluster, or say why not.
    pub fn start() -> Result<PgCluster, String> {
        let bin = find_bin().ok_or_else(|| {
            "PostgreSQL's initdb and pg_ctl were not found on PATH or under \
             /usr/lib/postgresql/*/bin (scripts/setup --test installs Debian's postgresql)"
                .to_string()
        })?;
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let run_as =
            if root {
                Some(postgres_user().ok_or(
                    "running as root, and there is no `postgres` user to run PostgreSQL as",
                )?)
            } else {
                None
            };
        let dir = tempfile::Builder::new()
            .prefix("potluck-pg-")
            .tempdir()
            .map_err(|e| format!("temporary directory: {e}"))?;
        if let Some((_, uid, gid)) = &run_as {
            std::os::unix::fs::chown(dir.path(), Some(*uid), Some(*gid))
                .map_err(|e| format!("chown {}: {e}", dir.path().display()))?;
        }
        let cluster = PgCluster {
            dir,
            bin,
            port: free_port(),
            run_as,
        };
        let data = cluster.data();
        let out = cluster
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "potluck",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--no-locale",
            ])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        cluster.pg_ctl_start()?;
        Ok(cluster)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command run as the cluster's user.
    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        match &self.run_as {
            Some((user, _, _)) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        }
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "60", "-o", &opts, "start"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pg_ctl start failed: {}{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                self.log()
            ));
        }
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if start.elapsed() > Duration::from_secs(30) {
                return Err(format!("PostgreSQL did not listen: {}", self.log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// The URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://potluck@127.0.0.1:{}/{db}", self.port)
    }

    /// Create database `name` (empty).
    pub fn create_db(&self, name: &str) {
        let mut c = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect to the test cluster: {e}\n{}", self.log()));
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    }

    /// Stop the server at once (as a crash would), then start it again.
    pub fn restart(&self) {
        self.stop();
        self.pg_ctl_start().expect("restart PostgreSQL");
    }

    fn stop(&self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// The cluster's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A cluster, or `None` after saying loudly why there is none (a panic
/// when `CI` is set).
pub fn require_postgres(test: &str) -> Option<PgCluster> {
    match PgCluster::start() {
        Ok(c) => Some(c),
        Err(why) => {
            let text = format!(
                "\n*** SKIPPED {test}: PostgreSQL is not usable: {why}\n\
                 *** Install it with scripts/setup --test.\n"
            );
            if std::env::var_os("CI").is_some() {
                panic!("{text}");
            }
            eprintln!("{text}");
            None
        }
    }
}
