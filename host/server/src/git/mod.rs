//! Fetching an untrusted repo with the real `git` command, hardened.
//!
//! Everything a remote controls is treated as hostile.  [`fetch`] checks the
//! URL (public `https:`, `http:` or `git:` only) and the branch name (the
//! rules of `git check-ref-format --branch`), resolves the host itself and
//! refuses private addresses and pins them ([`remote`]: a second DNS answer
//! cannot send git elsewhere), then runs `git` with an empty environment and no user or
//! system configuration: only the three network protocols allowed, no hooks,
//! no submodules, no credential helpers or prompts, no redirects, objects
//! checked with `transfer.fsckObjects`.  The clone is shallow, single-branch,
//! without tags, with big blobs filtered out; it runs under a wall-clock
//! timeout and a size cap on the scratch directory, and the whole process
//! group is killed when either is exceeded.  After the clone no command may
//! touch the network again (`protocol.allow=never`, `GIT_NO_LAZY_FETCH`).
//!
//! Dishes are then chosen from the commit's tree by git plumbing, before
//! anything is written to disk: only regular files `guix-potluck/*.scm`
//! under the size cap, at most [`FetchLimits::max_dishes`] of them.
//! Symlinks, submodules, directories and non-UTF-8 names get a diagnostic.
//! Only the chosen files are checked out, into a fresh directory that the
//! caller reads through cap-std.

pub mod remote;
pub mod source;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use potluck_sandbox::diagnostic::{Diagnostic, Kind};

pub use remote::{check_url, Remote};

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct FetchLimits {
    /// Wall-clock time for the clone.  Default: 120 s.
    pub timeout: Duration,
    /// Cap on the bytes the clone may write to the scratch directory.
    /// Default: 256 MiB.
    pub max_bytes: u64,
    /// Most dish files a repo may have.  Default: 500.
    pub max_dishes: usize,
    /// Largest dish file.  Default: 1 MiB (the sandbox's source cap).
    pub max_dish_bytes: u64,
    /// Accept loopback remotes (127.0.0.1, localhost).  For tests only:
    /// a shared host must never fetch from its own machine.  Default: off.
    pub allow_loopback: bool,
    /// The program `git` runs to reach a `git://` remote: a name of this
    /// program's own executable ending in [`remote::PROXY_NAME`], which
    /// connects only to the addresses that were checked.  `None`: `git://`
    /// remotes are refused.  Default: none.
    pub git_proxy: Option<PathBuf>,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            timeout: Duration::from_secs(120),
            max_bytes: 256 << 20,
            max_dishes: 500,
            max_dish_bytes: 1 << 20,
            allow_loopback: false,
            git_proxy: None,
        }
    }
}

/// Why a fetch failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("the git URL is refused: {0}")]
    BadUrl(String),
    #[error("the branch name is refused: {0}")]
    BadBranch(String),
    #[error("cannot resolve `{host}`: {reason}")]
    Resolve { host: String, reason: String },
    #[error("git {what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("git {what} took longer than {secs} s and was stopped")]
    Timeout { what: String, secs: u64 },
    #[error("the repository is larger than the {0}-byte cap of this host")]
    TooLarge(u64),
    #[error("the branch has no guix-potluck/ directory at commit {0}")]
    NoDishDir(String),
    #[error("the repository has {found} dishes in guix-potluck/; this host takes at most {max}")]
    TooManyDishes { found: usize, max: usize },
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("scratch directory: {0}")]
    Io(std::io::Error),
}

/// The result of a fetch: a directory with the chosen dish files.
#[derive(Debug)]
pub struct Checkout {
    /// The commit the branch pointed to.
    pub commit: String,
    /// `guix-potluck/` with only the accepted dish files.
    pub dish_dir: PathBuf,
    /// Entries of `guix-potluck/` that were refused, with why.
    pub refused: Vec<Diagnostic>,
}

/// Check a branch name by the rules of `git check-ref-format --branch`.
pub fn check_branch(branch: &str) -> Result<(), String> {
    let fail = |why: &str| {
        Err(format!(
            "`{}` {why}",
            potluck_sandbox::diagnostic::truncate(branch, 80)
        ))
    };
    if branch.is_empty() {
        return Err("the branch name is empty".into());
    }
    if branch.len() > 255 {
        return fail("is longer than 255 bytes");
    }
    if branch.starts_with('-') {
        return fail("must not start with `-`");
    }
    if branch == "@" || branch == "HEAD" {
        return fail("is not a branch name");
    }
    if let Some(c) = branch
        .chars()
        .find(|c| c.is_ascii_control() || " ~^:?*[\\".contains(*c))
    {
        return fail(&format!("must not contain {c:?}"));
    }
    if branch.contains("..") || branch.contains("@{") || branch.contains("//") {
        return fail("must not contain `..`, `@{` or `//`");
    }
    if branch.starts_with('/') || branch.ends_with('/') || branch.ends_with('.') {
        return fail("must not start or end with `/` or end with `.`");
    }
    for part in branch.split('/') {
        if part.starts_with('.') || part.ends_with(".lock") {
            return fail("has a component that starts with `.` or ends with `.lock`");
        }
    }
    Ok(())
}

/// The shared clean `git` ([`potluck_dish::git::command`]) with what an
/// untrusted remote adds: no symlinks or NTFS/HFS tricks in checkouts, no
/// submodules, no redirects, a minimum speed, and every object checked.
fn git(home: &Path) -> Command {
    let mut c = potluck_dish::git::command(home);
    for cfg in [
        "core.symlinks=false",
        "core.protectNTFS=true",
        "core.protectHFS=true",
        "submodule.recurse=false",
        "http.followRedirects=false",
        "http.lowSpeedLimit=1000",
        "http.lowSpeedTime=20",
        "transfer.fsckObjects=true",
        "fetch.fsckObjects=true",
        "init.templateDir=",
    ] {
        c.arg("-c").arg(cfg);
    }
    c
}

fn run(
    cmd: Command,
    what: &str,
    timeout: Duration,
    watch: Option<(&Path, u64)>,
    input: Option<Vec<u8>>,
) -> Result<Vec<u8>, GitError> {
    potluck_dish::git::run(cmd, what, timeout, watch, input).map_err(GitError::from)
}

/// A network command's failure as the public may see it: what went wrong
/// in general terms, never the addresses, ports or proxy messages git
/// printed (those are logged for the operator).
pub(crate) fn network_error(e: GitError) -> GitError {
    let GitError::Command { what, detail } = e else {
        return e;
    };
    tracing::info!(what = %what, detail = %detail, "git failed on the network");
    let lower = detail.to_ascii_lowercase();
    let public = if [
        "unable to connect",
        "connection refused",
        "failed to connect",
        "could not resolve",
        "couldn't connect",
        "timed out",
        "connection reset",
        "network is unreachable",
        "no route to host",
        "cannot connect",
        "proxy",
    ]
    .iter()
    .any(|m| lower.contains(m))
    {
        "cannot connect to the repository's host"
    } else if [
        "not found",
        "does not appear to be a git repository",
        "repository not found",
        "404",
    ]
    .iter()
    .any(|m| lower.contains(m))
    {
        "the repository was not found at this URL"
    } else if lower.contains("authentication")
        || lower.contains("could not read username")
        || lower.contains("401")
        || lower.contains("403")
    {
        "the repository is not public (the host asked for credentials)"
    } else if lower.contains("fsck") || lower.contains("object") {
        "the repository sent invalid objects"
    } else {
        "the transfer failed"
    };
    GitError::Command {
        what,
        detail: public.into(),
    }
}

/// Fetch `branch` of `url` into the fresh directory `dest` (created; the
/// caller removes it) and check out its accepted dish files.
pub fn fetch(
    url: &str,
    branch: &str,
    dest: &Path,
    limits: &FetchLimits,
) -> Result<Checkout, GitError> {
    let remote = Remote::check(url, limits)?;
    check_branch(branch).map_err(GitError::BadBranch)?;
    std::fs::create_dir_all(dest).map_err(GitError::Io)?;
    let home = dest.join("home");
    let repo = dest.join("repo");
    std::fs::create_dir_all(&home).map_err(GitError::Io)?;

    let mut clone = git(&home);
    remote.configure(&mut clone);
    clone
        .args([
            "clone",
            "--quiet",
            "--no-checkout",
            "--depth=1",
            "--single-branch",
            "--no-tags",
            "--no-recurse-submodules",
            "--template=",
        ])
        .arg(format!("--filter=blob:limit={}", limits.max_dish_bytes))
        .arg(format!("--branch={branch}"))
        .arg("--")
        .arg(remote.url())
        .arg(&repo);
    run(
        clone,
        "clone",
        limits.timeout,
        Some((dest, limits.max_bytes)),
        None,
    )
    .map_err(|e| match e {
        GitError::Command { what, detail } if detail.contains("Remote branch") => {
            GitError::Command {
                what,
                detail: format!("the branch `{branch}` does not exist in the repository"),
            }
        }
        other => network_error(other),
    })?;

    let local = |args: &[&str]| {
        let mut c = git(&home);
        c.arg("-C").arg(&repo).args(args);
        c
    };
    let short = Duration::from_secs(30);
    let head = run(
        local(&["rev-parse", "--verify", "HEAD^{commit}"]),
        "rev-parse",
        short,
        None,
        None,
    )?;
    let commit = String::from_utf8_lossy(&head).trim().to_string();

    // The top-level entry must be a real directory.
    let top = run(
        local(&["ls-tree", "-z", "HEAD", "--", "guix-potluck"]),
        "ls-tree",
        short,
        None,
        None,
    )?;
    let top = parse_ls_tree(&top);
    match top.first() {
        Some(e) if e.mode == "040000" => {}
        Some(e) if e.mode == "120000" => {
            return Err(GitError::Command {
                what: "tree".into(),
                detail: "guix-potluck is a symbolic link; it must be a directory".into(),
            })
        }
        _ => return Err(GitError::NoDishDir(commit)),
    }
    let entries = run(
        local(&["ls-tree", "-z", "HEAD:guix-potluck"]),
        "ls-tree",
        short,
        None,
        None,
    )?;
    let entries = parse_ls_tree(&entries);
    let mut refused = Vec::new();
    let mut candidates = Vec::new();
    for e in entries {
        let Ok(name) = String::from_utf8(e.name.clone()) else {
            let shown = String::from_utf8_lossy(&e.name).into_owned();
            if e.name.ends_with(b".scm") {
                refused.push(refuse(
                    &format!("guix-potluck/{shown}"),
                    "the file name is not valid UTF-8",
                    "rename the dish to a UTF-8 name such as `hello.scm`",
                ));
            }
            continue;
        };
        if !name.ends_with(".scm") {
            continue;
        }
        let shown = format!("guix-potluck/{name}");
        match e.mode.as_str() {
            "100644" | "100755" => candidates.push((name, e.oid)),
            "120000" => refused.push(refuse(
                &shown,
                "the dish is a symbolic link; links are never followed",
                "commit the dish itself as a regular file",
            )),
            "160000" => refused.push(refuse(
                &shown,
                "the dish is a git submodule; submodules are never fetched",
                "commit the dish itself as a regular file",
            )),
            "040000" => refused.push(refuse(
                &shown,
                "this is a directory, not a dish",
                "dishes are files directly in guix-potluck/",
            )),
            other => refused.push(refuse(
                &shown,
                &format!("unsupported git file mode {other}"),
                "commit the dish as a regular file",
            )),
        }
    }
    if candidates.len() > limits.max_dishes {
        return Err(GitError::TooManyDishes {
            found: candidates.len(),
            max: limits.max_dishes,
        });
    }
    // Sizes from the object store; a blob the filter left out is too big.
    let mut batch = Vec::new();
    for (_, oid) in &candidates {
        batch.extend_from_slice(oid.as_bytes());
        batch.push(b'\n');
    }
    let sizes = if candidates.is_empty() {
        Vec::new()
    } else {
        run(
            local(&[
                "cat-file",
                "--batch-check=%(objectname) %(objecttype) %(objectsize)",
            ]),
            "cat-file",
            short,
            None,
            Some(batch),
        )?
    };
    let sizes = String::from_utf8_lossy(&sizes);
    let mut accepted = Vec::new();
    for ((name, _), line) in candidates.into_iter().zip(sizes.lines()) {
        let shown = format!("guix-potluck/{name}");
        let size = line
            .split(' ')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .filter(|_| line.split(' ').nth(1) == Some("blob"));
        match size {
            Some(n) if n <= limits.max_dish_bytes => accepted.push(name),
            _ => refused.push(
                Diagnostic::error(
                    Kind::Limit,
                    format!(
                        "the dish is larger than the {}-byte limit on dish sources",
                        limits.max_dish_bytes
                    ),
                )
                .in_file(&shown)
                .with_help("a dish is a short package description; keep it small"),
            ),
        }
    }
    accepted.sort();

    // Check out only the accepted files, through a private index.
    let work = dest.join("work");
    std::fs::create_dir_all(&work).map_err(GitError::Io)?;
    if !accepted.is_empty() {
        let index = dest.join("index");
        let mut read_tree = local(&["read-tree", "HEAD"]);
        read_tree.env("GIT_INDEX_FILE", &index);
        run(read_tree, "read-tree", short, None, None)?;
        let mut list = Vec::new();
        for name in &accepted {
            list.extend_from_slice(format!("guix-potluck/{name}").as_bytes());
            list.push(0);
        }
        let mut co = local(&["checkout-index", "-z", "--stdin"]);
        let mut prefix = work.as_os_str().to_owned();
        prefix.push("/");
        co.arg(format!("--prefix={}", prefix.to_string_lossy()))
            .env("GIT_INDEX_FILE", &index);
        run(
            co,
            "checkout-index",
            short,
            Some((dest, limits.max_bytes)),
            Some(list),
        )?;
    }
    let dish_dir = work.join("guix-potluck");
    std::fs::create_dir_all(&dish_dir).map_err(GitError::Io)?;
    Ok(Checkout {
        commit,
        dish_dir,
        refused,
    })
}

fn refuse(file: &str, message: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Kind::Io, message.to_string())
        .in_file(file)
        .with_help(help.to_string())
}

struct TreeEntry {
    mode: String,
    oid: String,
    name: Vec<u8>,
}

/// Parse `git ls-tree -z` output: `MODE SP TYPE SP OID TAB NAME NUL`.
fn parse_ls_tree(out: &[u8]) -> Vec<TreeEntry> {
    out.split(|&b| b == 0)
        .filter(|r| !r.is_empty())
        .filter_map(|r| {
            let tab = r.iter().position(|&b| b == b'\t')?;
            let meta = std::str::from_utf8(&r[..tab]).ok()?;
            let mut parts = meta.split(' ');
            let mode = parts.next()?.to_string();
            let _kind = parts.next()?;
            let oid = parts.next()?.to_string();
            Some(TreeEntry {
                mode,
                oid,
                name: r[tab + 1..].to_vec(),
            })
        })
        .collect()
}

impl From<potluck_dish::git::CommandError> for GitError {
    fn from(e: potluck_dish::git::CommandError) -> GitError {
        use potluck_dish::git::CommandError as C;
        match e {
            C::Spawn(e) => GitError::Spawn(e),
            C::Timeout { what, secs } => GitError::Timeout { what, secs },
            C::TooLarge(n) => GitError::TooLarge(n),
            C::Failed { what, detail } => GitError::Command { what, detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_follow_check_ref_format() {
        for ok in ["main", "release/2.0", "feature-x", "v1.0", "a/b/c", "üñí"] {
            assert!(check_branch(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-x",
            "--upload-pack=evil",
            "a..b",
            "a b",
            "a~1",
            "a^",
            "a:b",
            "a?",
            "a*",
            "a[",
            "a\\b",
            "/a",
            "a/",
            "a.",
            "a//b",
            ".hidden",
            "a/.b",
            "x.lock",
            "a/b.lock",
            "a@{1}",
            "@",
            "HEAD",
            "a\u{7f}",
            "a\tb",
        ] {
            assert!(check_branch(bad).is_err(), "{bad:?}");
        }
        assert!(check_branch(&"a".repeat(256)).is_err());
    }

    #[test]
    fn urls_must_be_public_and_networked() {
        for bad in [
            "file:///etc",
            "/srv/repo",
            "ext::sh -c touch% /tmp/pwned",
            "ssh://example.org/r.git",
            "-uhttps://example.org/r",
            "https://127.0.0.1/r.git",
            "https://localhost/r.git",
            "git://10.0.0.1/r.git",
            "https://user:pw@example.org/r.git",
            "http://[::1]/r",
            "https://example.org/r#frag",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
        }
        assert!(check_url("https://example.org/r.git", false).is_ok());
        assert!(check_url("git://127.0.0.1:9418/r.git", true).is_ok());
    }

    /// A job's error is public: what git said about an internal address
    /// (which port is open, which is closed) must not reach it.
    #[test]
    fn network_errors_name_no_address_or_port() {
        let cases = [
            (
                "fatal: unable to access 'http://10.0.0.5:8999/x/': Failed to connect to 10.0.0.5 port 8999 after 0 ms: Connection refused",
                "cannot connect to the repository's host",
            ),
            (
                "fatal: unable to access 'http://10.0.0.5:8999/x/': Failed to connect to 10.0.0.5 port 8999 after 0 ms: Couldn't connect to server",
                "cannot connect to the repository's host",
            ),
            (
                "fatal: unable to access 'https://[fd00::5]:8999/x/': Failed to connect to fd00::5 port 8999: No route to host",
                "cannot connect to the repository's host",
            ),
            (
                "fatal: unable to access 'http://10.0.0.5:8999/x/': Recv failure: Connection reset by peer",
                "cannot connect to the repository's host",
            ),
            (
                "potluck-git-proxy: cannot connect to the repository's host; fatal: Could not read from remote repository.",
                "cannot connect to the repository's host",
            ),
            (
                "fatal: repository 'http://10.0.0.5:8999/x/' not found",
                "not found",
            ),
            (
                "fatal: unable to access 'http://10.0.0.5:8999/x/': The requested URL returned error: 403",
                "not public",
            ),
            (
                "fatal: unable to access 'http://10.0.0.5:8999/x/': Empty reply from server",
                "the transfer failed",
            ),
        ];
        for (detail, want) in cases {
            let shown = network_error(GitError::Command {
                what: "clone".into(),
                detail: detail.into(),
            })
            .to_string();
            for secret in ["10.0.0.5", "8999", "fd00", "http", "potluck-git-proxy"] {
                assert!(
                    !shown.contains(secret),
                    "{detail:?} became {shown:?}, which shows {secret:?}"
                );
            }
            assert!(shown.contains(want), "{detail:?} became {shown:?}");
        }
        // Errors that are not git's own words pass unchanged.
        let e = network_error(GitError::Timeout {
            what: "clone".into(),
            secs: 120,
        });
        assert!(matches!(e, GitError::Timeout { secs: 120, .. }), "{e}");
    }

    #[test]
    fn ls_tree_parsing_keeps_raw_names() {
        let out =
            b"100644 blob abc\thello.scm\x00120000 blob def\tlink.scm\x00100644 blob 123\t\xff.scm\0";
        let e = parse_ls_tree(out);
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].mode, "100644");
        assert_eq!(e[1].name, b"link.scm");
        assert_eq!(e[2].name, b"\xff.scm");
    }
}
