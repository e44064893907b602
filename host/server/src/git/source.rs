//! Verifying a dish's source: fetch its `git-uri` at its `git-commit` with
//! the same hardened git as [`super::fetch`] (public addresses only,
//! pinned, no configuration, objects checked, a wall-clock timeout and a
//! size cap), check it out as Guix's `git-fetch` does and compute the hash
//! Guix records ([`potluck_dish::nar::checkout_hash_limited`]).
//!
//! The commit is fetched by its id (`git fetch --depth 1 URL COMMIT`, what
//! `guix/build/git.scm` does); a server that does not serve commits by id
//! gets one more try with every branch and tag and their history (under the
//! same size cap).  A commit that is on neither is reported as not on the
//! remote.

use std::path::Path;
use std::time::Duration;

use super::{git, network_error, run, FetchLimits, GitError, Remote};

/// Limits of one source check.
#[derive(Debug, Clone)]
pub struct SourceLimits {
    /// Wall-clock time for the fetch and again for the checkout.
    /// Default: 300 s.
    pub timeout: Duration,
    /// Cap on the bytes the fetch and the checkout may write.
    /// Default: 512 MiB (`--max-source-mib`).
    pub max_bytes: u64,
}

impl Default for SourceLimits {
    fn default() -> Self {
        SourceLimits {
            timeout: Duration::from_secs(300),
            max_bytes: 512 << 20,
        }
    }
}

/// Why a source could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("the commit {commit} is not on the remote (no branch or tag has it)")]
    NoSuchCommit { commit: String },
    #[error("{0}")]
    Git(#[from] GitError),
    #[error("cannot check out or hash the commit: {0}")]
    Hash(String),
}

/// Fetch `commit` of `url` into the fresh directory `dest` (created; the
/// caller removes it) and return the nix-base32 NAR SHA-256 of its checkout.
pub fn verify(
    url: &str,
    commit: &str,
    dest: &Path,
    fetch: &FetchLimits,
    limits: &SourceLimits,
) -> Result<String, SourceError> {
    if commit.len() != 40
        || !commit
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(SourceError::NoSuchCommit {
            commit: potluck_sandbox::diagnostic::truncate(commit, 60),
        });
    }
    let remote = Remote::check(url, fetch)?;
    std::fs::create_dir_all(dest).map_err(GitError::Io)?;
    let home = dest.join("home");
    let repo = dest.join("repo");
    std::fs::create_dir_all(&home).map_err(GitError::Io)?;
    let mut init = git(&home);
    init.args(["init", "--quiet", "--bare", "--template="])
        .arg(&repo);
    run(init, "init", Duration::from_secs(30), None, None)?;

    let fetch_refs = |refspecs: &[&str], shallow: bool| {
        let mut c = git(&home);
        remote.configure(&mut c);
        c.arg("-C")
            .arg(&repo)
            .args(["fetch", "--quiet", "--no-tags", "--no-recurse-submodules"]);
        if shallow {
            c.arg("--depth=1");
        }
        c.arg("--").arg(remote.url()).args(refspecs);
        run(
            c,
            "fetch",
            limits.timeout,
            Some((dest, limits.max_bytes)),
            None,
        )
    };
    let has_commit = || {
        let mut c = git(&home);
        c.arg("-C")
            .arg(&repo)
            .args(["cat-file", "-e", "--end-of-options"])
            .arg(format!("{commit}^{{commit}}"));
        run(c, "cat-file", Duration::from_secs(30), None, None).is_ok()
    };
    // Into a branch, so that the checkout's clone of this shallow
    // repository finds the commit.
    let by_id = fetch_refs(&[&format!("{commit}:refs/heads/potluck-source")], true);
    if by_id.is_err() || !has_commit() {
        // Not served by id: every branch and tag, with their history.
        match fetch_refs(
            &["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
            false,
        ) {
            Ok(_) => {}
            Err(e @ (GitError::TooLarge(_) | GitError::Timeout { .. })) => return Err(e.into()),
            Err(e) => {
                return Err(match by_id {
                    Err(first) => network_error(first),
                    Ok(_) => network_error(e),
                }
                .into())
            }
        }
        if !has_commit() {
            return Err(SourceError::NoSuchCommit {
                commit: commit.to_string(),
            });
        }
    }
    potluck_dish::nar::checkout_hash_limited(&repo, commit, dest, limits.timeout, limits.max_bytes)
        .map_err(|e| match e {
            potluck_dish::nar::NarError::Command(potluck_dish::git::CommandError::TooLarge(n)) => {
                SourceError::Git(GitError::TooLarge(n))
            }
            other => SourceError::Hash(other.to_string()),
        })
}
