//! The one way potluck runs `git`: [`command`] builds a `git` with an empty
//! environment (only `PATH`, `LC_ALL=C` and a private `HOME`), no system or
//! user configuration, no prompts, no hooks and no network protocol allowed
//! (a caller that fetches allows exactly one), and [`run`] runs a command to
//! completion under a wall-clock deadline, with its output capped and its
//! whole process group killed on overrun (and by the kernel if potluck
//! dies).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use potluck_sandbox::diagnostic::truncate;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("git {what} took longer than {secs} s and was stopped")]
    Timeout { what: String, secs: u64 },
    #[error("the repository is larger than the {0}-byte cap of this host")]
    TooLarge(u64),
    #[error("git {what} failed: {detail}")]
    Failed { what: String, detail: String },
}

/// A `git` command with an empty environment and no configuration but
/// this: hooks, prompts, credential helpers, fsmonitor, replace objects,
/// lazy fetches and every network protocol are off.  `home` is its `HOME`.
pub fn command(home: &Path) -> Command {
    let mut c = Command::new("git");
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c.env("HOME", home)
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "false")
        .env("SSH_ASKPASS", "false")
        .env("GIT_SSH_COMMAND", "false")
        .env("GIT_PROTOCOL_FROM_USER", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_ATTR_NOSYSTEM", "1");
    for cfg in [
        "protocol.allow=never",
        "core.hooksPath=/dev/null",
        "core.askPass=false",
        "credential.helper=",
        "core.fsmonitor=false",
        "gc.auto=0",
        "maintenance.auto=false",
        "advice.detachedHead=false",
        "init.defaultBranch=main",
    ] {
        c.arg("-c").arg(cfg);
    }
    c.stdin(Stdio::null());
    c
}

/// Run `cmd` to completion under `timeout`, killing its process group when
/// the timeout passes or `watch` (a directory and a byte cap) overflows.
/// Returns stdout (capped at 16 MiB).
pub fn run(
    mut cmd: Command,
    what: &str,
    timeout: Duration,
    watch: Option<(&Path, u64)>,
    input: Option<Vec<u8>>,
) -> Result<Vec<u8>, CommandError> {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: prctl is async-signal-safe; the closure allocates nothing.
    // If the host dies (even by kill -9), the kernel kills git too, so no
    // orphan keeps writing into a scratch directory.
    unsafe {
        cmd.pre_exec(|| {
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
            Ok(())
        });
    }
    if input.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().map_err(CommandError::Spawn)?;
    let pid = child.id() as i32;
    let kill = || {
        // SAFETY: kill(2) with a negative pid signals the process group
        // this child leads (it was spawned with process_group(0)).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    };
    if let (Some(data), Some(mut stdin)) = (input, child.stdin.take()) {
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&data);
        });
    }
    let mut out_pipe = child.stdout.take().expect("piped");
    let mut err_pipe = child.stderr.take().expect("piped");
    let out_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = (&mut out_pipe).take(16 << 20).read_to_end(&mut v);
        // Drain the rest so the child never blocks on a full pipe.
        let _ = std::io::copy(&mut out_pipe, &mut std::io::sink());
        v
    });
    let err_t = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = (&mut err_pipe).take(64 << 10).read_to_end(&mut v);
        let _ = std::io::copy(&mut err_pipe, &mut std::io::sink());
        v
    });
    let start = Instant::now();
    let mut last_size_check = Instant::now();
    let status = loop {
        match child.try_wait().map_err(CommandError::Spawn)? {
            Some(s) => break s,
            None => {
                if start.elapsed() > timeout {
                    kill();
                    let _ = child.wait();
                    return Err(CommandError::Timeout {
                        what: what.into(),
                        secs: timeout.as_secs(),
                    });
                }
                if let Some((dir, cap)) = watch {
                    if last_size_check.elapsed() > Duration::from_millis(100) {
                        last_size_check = Instant::now();
                        if dir_size(dir) > cap {
                            kill();
                            let _ = child.wait();
                            return Err(CommandError::TooLarge(cap));
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    };
    let stdout = out_t.join().unwrap_or_default();
    let stderr = err_t.join().unwrap_or_default();
    if let Some((dir, cap)) = watch {
        if dir_size(dir) > cap {
            return Err(CommandError::TooLarge(cap));
        }
    }
    if !status.success() {
        let text = String::from_utf8_lossy(&stderr);
        let detail = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| truncate(l.trim(), 300))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(CommandError::Failed {
            what: what.into(),
            detail: if detail.is_empty() {
                format!("exit status {status}")
            } else {
                detail
            },
        });
    }
    Ok(stdout)
}

/// Run `git -C dir ARGS...` (built by [`command`] with `home`) under
/// `timeout`, named after its first argument in errors; returns its stdout
/// as text, trimmed.
pub fn output_in(
    dir: &Path,
    home: &Path,
    args: &[&str],
    timeout: Duration,
) -> Result<String, CommandError> {
    let mut c = command(home);
    c.arg("-C").arg(dir).args(args);
    let out = run(
        c,
        args.first().copied().unwrap_or("git"),
        timeout,
        None,
        None,
    )?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// Bytes under `dir` (files only, symlinks not followed).
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}
