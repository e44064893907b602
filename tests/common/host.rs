//! Helpers of the host tests: a real `git daemon` serving fixture repos
//! made by the test, a real `host-channel` process, and the HTTP API.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{cache_dir, fixtures, tempdir};

pub const BIN: &str = env!("CARGO_BIN_EXE_potluck-wasm");

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn wait_for_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "port {port} never opened"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git must be installed");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A `git daemon` serving every repo under `root` on a free port.
pub struct Daemon {
    pub child: Child,
    pub port: u16,
    pub root: PathBuf,
}

impl Daemon {
    pub fn start(root: &Path) -> Daemon {
        std::fs::create_dir_all(root).unwrap();
        let port = free_port();
        let child = Command::new("git")
            .args([
                "daemon",
                "--export-all",
                "--reuseaddr",
                "--listen=127.0.0.1",
            ])
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", root.display()))
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon");
        wait_for_port(port);
        Daemon {
            child,
            port,
            root: root.to_path_buf(),
        }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }

    /// A new repo with `files` committed on `main`.
    pub fn repo(&self, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
        let dir = self.root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        git(&dir, &["config", "uploadpack.allowFilter", "true"]);
        write_files(&dir, files);
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "dishes"]);
        dir
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (path, contents) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
}

/// A `potluck-wasm host-channel` process.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub state: PathBuf,
}

impl Server {
    /// A host that publishes without fetching dish sources: the fixture
    /// dishes name sources that do not exist.
    pub fn start(state: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(state, extra, &[])
    }

    pub fn start_with_env(state: &Path, extra: &[&str], envs: &[(&str, &Path)]) -> Server {
        Server::spawn(state, extra, envs, false)
    }

    /// A host that fetches every dish's source and checks its hash before
    /// publishing, as `host-channel` does by default.
    pub fn start_verifying(state: &Path, extra: &[&str]) -> Server {
        Server::spawn(state, extra, &[], true)
    }

    fn spawn(state: &Path, extra: &[&str], envs: &[(&str, &Path)], verify: bool) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(state.with_extension("log"))
            .unwrap();
        // The state directory is given relative to the host's working
        // directory, as an operator may (`--state st`): git runs elsewhere
        // and must still find it.
        let (cwd, relative) = (
            state.parent().expect("the state directory has a parent"),
            state.file_name().expect("the state directory has a name"),
        );
        let mut child = Command::new(BIN)
            .current_dir(cwd)
            .args(["host-channel", "--listen", "127.0.0.1:0", "--state"])
            .arg(relative)
            .arg("--allow-loopback-remotes")
            .args((!verify).then_some("--skip-source-verification"))
            .args(extra)
            .env("POTLUCK_CACHE_DIR", cache_dir())
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the server did not start");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; log: {}",
                    Server::log_of(state)
                )
            })
            .to_string();
        Server {
            child,
            base,
            state: state.to_path_buf(),
        }
    }

    pub fn log_of(state: &Path) -> String {
        std::fs::read_to_string(state.with_extension("log")).unwrap_or_default()
    }

    pub fn log(&self) -> String {
        Server::log_of(&self.state)
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// kill -9, then start again on the same state with `extra` arguments.
    pub fn restart(&mut self, extra: &[&str]) {
        self.kill9();
        let fresh = Server::start(&self.state, extra);
        let old = std::mem::replace(self, fresh);
        std::mem::forget(old);
    }

    pub fn channel(&self) -> PathBuf {
        self.state.join("channel.git")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// POST raw bytes; returns the status, headers' Retry-After and JSON body.
pub fn post_raw(base: &str, body: &[u8]) -> (u16, Option<String>, Value) {
    let mut resp = agent()
        .post(&format!("{base}/api/enqueue-update"))
        .header("content-type", "application/json")
        .send(body)
        .unwrap();
    let status = resp.status().as_u16();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let text = resp.body_mut().read_to_string().unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, retry, v)
}

pub fn enqueue(base: &str, url: &str, branch: &str) -> i64 {
    let (status, _, v) = post_raw(
        base,
        json!({ "git-url": url, "branch": branch })
            .to_string()
            .as_bytes(),
    );
    assert_eq!(status, 202, "{v}");
    v["job"].as_i64().unwrap()
}

pub fn get(base: &str, path: &str) -> (u16, Value) {
    let mut resp = agent().get(&format!("{base}{path}")).call().unwrap();
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub fn wait_job(server: &Server, id: i64) -> Value {
    let start = Instant::now();
    loop {
        let (_, v) = get(&server.base, &format!("/api/jobs/{id}"));
        if v["state"] == "done" || v["state"] == "failed" {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "job {id} did not finish: {v}\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

pub fn channel_files(git_dir: &Path) -> Vec<String> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["ls-tree", "-r", "--name-only", "main"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

pub fn channel_read(git_dir: &Path, path: &str) -> Option<String> {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["cat-file", "blob", &format!("main:{path}")])
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

pub fn fsck(git_dir: &Path) {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(["fsck", "--strict", "--no-progress", "--no-dangling"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git fsck failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every module in the channel: Guile reads it to the end, and it holds
/// exactly one `define-module` and then only `define-public` forms.
pub fn guile_reads_every_module(git_dir: &Path) -> usize {
    let dir = tempdir();
    let mut n = 0;
    let mut script = String::from(
        "(use-modules (ice-9 match))\n\
         (define (check file)\n\
           (call-with-input-file file\n\
             (lambda (p)\n\
               (let loop ((forms '()))\n\
                 (let ((x (read p)))\n\
                   (if (eof-object? x)\n\
                       (match (reverse forms)\n\
                         ((('define-module . _) ('define '%potluck-dish _) ('define ('potluck-input . _) . _) ('define-public . _)) #t)\n\
                         (other (error \"unexpected forms\" file other)))\n\
                       (loop (cons x forms))))))))\n",
    );
    for f in channel_files(git_dir) {
        if f.starts_with("modules/gnu/") {
            let text = channel_read(git_dir, &f).unwrap();
            let local = dir.path().join(format!("m{n}.scm"));
            std::fs::write(&local, text).unwrap();
            script.push_str(&format!("(check {:?})\n", local.display().to_string()));
            n += 1;
        }
    }
    script.push_str("(display \"all-read\")\n");
    let out = Command::new("guile")
        .args(["--no-auto-compile", "-c", &script])
        .output()
        .expect("Guile 3.0 must be installed (scripts/setup --test installs it)");
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("all-read"),
        "guile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    n
}

pub fn valid_dish(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("dishes/valid").join(name)).unwrap()
}

pub fn update_cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}
