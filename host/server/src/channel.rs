//! The target channel: a git repo the host commits emitted modules and dish
//! sources to, one commit per update.
//!
//! Commits are built with git plumbing against a private index file
//! (`read-tree`, `update-index`, `write-tree`, `commit-tree`) and published
//! with one compare-and-swap `update-ref`, so a crash at any point leaves
//! the branch at the previous commit or at the new one, never in between;
//! the objects of an interrupted update are unreferenced and harmless.
//! An update replaces exactly one repo's two directories (modules and
//! sources); everything else, `.guix-channel` included, is carried over.
//! When nothing changed no commit is made.  If a push URL is configured the
//! branch is pushed after each commit (a failed push is retried at the next).
//!
//! With a [`Signer`] every commit is signed, and the channel is one Guix
//! can authenticate: the `keyring` branch holds the public key, and
//! `.guix-authorizations` on `main` lists its fingerprint from the commit
//! that introduced it (the channel introduction subscribers start from).
//! Once a channel has `.guix-authorizations`, a host without the key
//! refuses to write to it, so no unsigned commit follows a signed one.
//!
//! Hosts sharing one channel call [`Channel::open`] and [`Channel::update`]
//! only while they hold the store's channel lock; with `sync` the branch is
//! first brought up to the push URL's, which another host may have moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use potluck_dish::git::{run, CommandError};

use crate::signing::{spaced, Signer};

/// The branch the channel is published on.
pub const BRANCH: &str = "main";
/// The branch holding the signing keys (Guix's default `keyring-reference`).
pub const KEYRING: &str = "keyring";
/// The file listing the keys allowed to sign.
pub const AUTHORIZATIONS: &str = ".guix-authorizations";

/// How a channel is written.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Push `main` (and `keyring`) there after each commit.
    pub push_url: Option<String>,
    /// Sign every commit with this key.
    pub signer: Option<Signer>,
    /// Before each update, fast-forward to the push URL's branch (several
    /// hosts pushing to one target).
    pub sync: bool,
}

/// Failures of the channel repo.
#[derive(Debug, thiserror::Error)]
pub enum ChannelError {
    #[error("channel repo {path}: {source}")]
    Git { path: String, source: CommandError },
    #[error("channel repo {path}: {message}")]
    Other { path: String, message: String },
    #[error("the channel branch moved while this update was being written; it will be retried")]
    Raced,
}

/// One file to write into the channel.
#[derive(Debug, Clone)]
pub struct ChannelFile {
    /// Path relative to the channel root.
    pub path: String,
    pub contents: Vec<u8>,
}

/// The new contents of one repo's directories.
#[derive(Debug, Clone)]
pub struct RepoUpdate {
    /// Directories this repo owns (all their old files not in `files` or
    /// `keep` are removed).
    pub dirs: Vec<String>,
    pub files: Vec<ChannelFile>,
    /// Paths whose previous version stays (a dish that failed this time).
    pub keep: Vec<String>,
    pub message: String,
}

/// What an update did.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The new commit, or `None` when the tree did not change.
    pub commit: Option<String>,
    /// Paths of `keep` that had a previous version.
    pub kept: Vec<String>,
    /// Old paths that were removed.
    pub removed: Vec<String>,
    /// Why the push failed, when there is a push URL.
    pub push_error: Option<String>,
}

/// The channel repo (bare), serialised by a lock.
pub struct Channel {
    git_dir: PathBuf,
    options: Options,
    lock: Mutex<()>,
}

const TIMEOUT: Duration = Duration::from_secs(120);
const ZERO: &str = "0000000000000000000000000000000000000000";

impl Channel {
    /// Open the bare repo at `git_dir`, creating it (with `.guix-channel`
    /// and a README as the first commit) if it does not exist.
    ///
    /// The repo belongs to this host alone: ref lock files left behind by a
    /// host that was killed in the middle of an update are removed (with a
    /// warning), or every later update would fail on them.
    pub fn open(git_dir: &Path, options: Options) -> Result<Channel, ChannelError> {
        let ch = Channel {
            git_dir: git_dir.to_path_buf(),
            options,
            lock: Mutex::new(()),
        };
        ch.remove_stale_locks()?;
        if !git_dir.join("HEAD").exists() {
            std::fs::create_dir_all(git_dir).map_err(|e| ch.other(e.to_string()))?;
            let mut init = potluck_dish::git::command(git_dir);
            init.args(["init", "--quiet", "--bare", "--initial-branch", BRANCH])
                .arg(git_dir);
            ch.run(init, "init", None)?;
        }
        if ch.options.sync {
            ch.sync_from_target()?;
        }
        if let Some(signer) = &ch.options.signer {
            ch.ensure_keyring(signer)?;
        }
        if ch.head()?.is_none() {
            let mut files = vec![
                ChannelFile {
                    path: ".guix-channel".into(),
                    contents: potluck_dish::layout::guix_channel().into_bytes(),
                },
                ChannelFile {
                    path: "README.md".into(),
                    contents: README.as_bytes().to_vec(),
                },
            ];
            if let Some(signer) = &ch.options.signer {
                files.push(ChannelFile {
                    path: AUTHORIZATIONS.into(),
                    contents: authorizations(signer).into_bytes(),
                });
            }
            ch.update(&RepoUpdate {
                dirs: vec![],
                files,
                keep: vec![],
                message: "Start the potluck channel".into(),
            })?;
        } else {
            ch.ensure_authorizations()?;
        }
        if let Some(commit) = ch.migrate_layout()? {
            tracing::info!(commit = %commit, "moved the channel to the modules/ layout");
        }
        Ok(ch)
    }

    /// Channels written before the `modules/` layout kept the modules at the
    /// root (`(directory ".")`), where `guix pull` also compiled the dish
    /// sources of `source/` and failed.  Move modules to `modules/`, dish
    /// sources to `dishes/`, and write the current `.guix-channel` and
    /// README, in one commit.  Returns the commit, if one was needed.
    fn migrate_layout(&self) -> Result<Option<String>, ChannelError> {
        let current = potluck_dish::layout::guix_channel();
        let legacy: Vec<String> = self
            .files()?
            .into_iter()
            .filter(|f| {
                potluck_dish::layout::LEGACY_DIRS
                    .iter()
                    .any(|d| f.starts_with(&format!("{d}/")))
            })
            .collect();
        let channel_file = self.read(".guix-channel")?;
        if legacy.is_empty() && channel_file.as_deref() == Some(current.as_bytes()) {
            return Ok(None);
        }
        let mut files = vec![
            ChannelFile {
                path: ".guix-channel".into(),
                contents: current.into_bytes(),
            },
            ChannelFile {
                path: "README.md".into(),
                contents: README.as_bytes().to_vec(),
            },
        ];
        for old in &legacy {
            let new = match old.strip_prefix("source/") {
                Some(rest) => format!("{}/{rest}", potluck_dish::layout::DISH_DIR),
                None => format!("{}/{old}", potluck_dish::layout::MODULE_DIR),
            };
            let contents = self
                .read(old)?
                .ok_or_else(|| self.other(format!("{old} vanished during the migration")))?;
            files.push(ChannelFile {
                path: new,
                contents,
            });
        }
        let outcome = self.update(&RepoUpdate {
            dirs: potluck_dish::layout::LEGACY_DIRS
                .iter()
                .map(|d| d.to_string())
                .collect(),
            files,
            keep: vec![],
            message: format!(
                "Move the channel to the {}/ layout\n\nguix pull compiles every .scm file under the directory .guix-channel\nnames; the dish sources now live outside it, in {}/.",
                potluck_dish::layout::MODULE_DIR,
                potluck_dish::layout::DISH_DIR
            ),
        })?;
        Ok(outcome.commit)
    }

    /// Remove the lock files that `update-ref` creates, and the private
    /// index directories of `update`, if a killed host left them.  Only
    /// called before any update of this process.
    fn remove_stale_locks(&self) -> Result<(), ChannelError> {
        let branch_lock = format!("refs/heads/{BRANCH}.lock");
        for name in ["HEAD.lock", "packed-refs.lock", branch_lock.as_str()] {
            let path = self.git_dir.join(name);
            match std::fs::remove_file(&path) {
                Ok(()) => tracing::warn!(
                    path = %path.display(),
                    "removed a stale git lock file left by an interrupted update"
                ),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(self.other(format!("cannot remove {}: {e}", path.display()))),
            }
        }
        // And the private index directories of interrupted updates.
        if let Ok(entries) = std::fs::read_dir(&self.git_dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with("index-") {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        Ok(())
    }

    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    fn other(&self, message: String) -> ChannelError {
        ChannelError::Other {
            path: self.git_dir.display().to_string(),
            message,
        }
    }

    /// The clean `git` ([`potluck_dish::git::command`]) on this repo, as
    /// the host's committer.
    fn cmd(&self) -> Command {
        let mut c = potluck_dish::git::command(&self.git_dir);
        c.env("GIT_DIR", &self.git_dir)
            .env("GIT_AUTHOR_NAME", "potluck-wasm host")
            .env("GIT_AUTHOR_EMAIL", "potluck@localhost")
            .env("GIT_COMMITTER_NAME", "potluck-wasm host")
            .env("GIT_COMMITTER_EMAIL", "potluck@localhost");
        c
    }

    fn run(&self, c: Command, what: &str, input: Option<Vec<u8>>) -> Result<Vec<u8>, ChannelError> {
        run(c, what, TIMEOUT, None, input).map_err(|source| ChannelError::Git {
            path: self.git_dir.display().to_string(),
            source,
        })
    }

    fn git(&self, args: &[&str], input: Option<Vec<u8>>) -> Result<String, ChannelError> {
        let mut c = self.cmd();
        c.args(args);
        let out = self.run(c, args[0], input)?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The branch's commit, if any.
    pub fn head(&self) -> Result<Option<String>, ChannelError> {
        self.branch_head(BRANCH)
    }

    /// The contents of `path` at the branch's commit.
    pub fn read(&self, path: &str) -> Result<Option<Vec<u8>>, ChannelError> {
        let mut c = self.cmd();
        c.args(["cat-file", "blob"])
            .arg(format!("refs/heads/{BRANCH}:{path}"));
        match c.output() {
            Ok(o) if o.status.success() => Ok(Some(o.stdout)),
            Ok(_) => Ok(None),
            Err(e) => Err(self.other(format!("cannot run git: {e}"))),
        }
    }

    /// Every file path at the branch's commit.
    pub fn files(&self) -> Result<Vec<String>, ChannelError> {
        let Some(head) = self.head()? else {
            return Ok(vec![]);
        };
        let out = self.git(&["ls-tree", "-r", "-z", "--name-only", &head], None)?;
        Ok(out
            .split('\0')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect())
    }

    /// Apply `u` as one commit on `main`.
    pub fn update(&self, u: &RepoUpdate) -> Result<Outcome, ChannelError> {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if self.options.sync {
            self.sync_from_target()?;
        }
        self.update_branch(BRANCH, u)
    }

    /// The commit of `branch`, if any.
    fn branch_head(&self, branch: &str) -> Result<Option<String>, ChannelError> {
        let mut c = self.cmd();
        c.args(["rev-parse", "--verify", "--quiet"])
            .arg(format!("refs/heads/{branch}^{{commit}}"));
        match c.output() {
            Ok(o) if o.status.success() => {
                Ok(Some(String::from_utf8_lossy(&o.stdout).trim().to_string()))
            }
            Ok(_) => Ok(None),
            Err(e) => Err(self.other(format!("cannot run git: {e}"))),
        }
    }

    /// Apply `u` as one commit on `branch`, signed when there is a signer.
    fn update_branch(&self, branch: &str, u: &RepoUpdate) -> Result<Outcome, ChannelError> {
        let old = self.branch_head(branch)?;
        let scratch = tempfile::Builder::new()
            .prefix("index-")
            .tempdir_in(&self.git_dir)
            .map_err(|e| self.other(format!("cannot make a scratch dir: {e}")))?;
        let index = scratch.path().join("index");
        let with_index = |args: &[&str], input: Option<Vec<u8>>| -> Result<String, ChannelError> {
            let mut c = self.cmd();
            c.env("GIT_INDEX_FILE", &index).args(args);
            let out = self.run(c, args[0], input)?;
            Ok(String::from_utf8_lossy(&out).trim().to_string())
        };
        match &old {
            Some(h) => with_index(&["read-tree", h], None)?,
            None => with_index(&["read-tree", "--empty"], None)?,
        };
        // What the repo's directories hold now.
        let mut existing: BTreeMap<String, (String, String)> = BTreeMap::new();
        if let (Some(h), false) = (&old, u.dirs.is_empty()) {
            let mut args = vec!["ls-tree", "-r", "-z", "--full-tree", h.as_str(), "--"];
            args.extend(u.dirs.iter().map(String::as_str));
            let out = self.git(&args, None)?;
            for rec in out.split('\0').filter(|s| !s.is_empty()) {
                let Some((meta, path)) = rec.split_once('\t') else {
                    continue;
                };
                let mut m = meta.split(' ');
                let (Some(mode), Some(_), Some(oid)) = (m.next(), m.next(), m.next()) else {
                    continue;
                };
                existing.insert(path.to_string(), (mode.to_string(), oid.to_string()));
            }
        }
        // Write the new blobs, all with one `hash-object`.
        let mut paths = Vec::new();
        for (i, f) in u.files.iter().enumerate() {
            let p = scratch.path().join(format!("blob-{i}"));
            std::fs::write(&p, &f.contents)
                .map_err(|e| self.other(format!("cannot stage a file: {e}")))?;
            paths.extend_from_slice(p.as_os_str().as_encoded_bytes());
            paths.push(b'\n');
        }
        let oids: Vec<String> = if u.files.is_empty() {
            Vec::new()
        } else {
            self.git(
                &["hash-object", "-w", "--no-filters", "--stdin-paths"],
                Some(paths),
            )?
            .lines()
            .map(str::to_string)
            .collect()
        };
        if oids.len() != u.files.len() {
            return Err(self.other(format!(
                "git hash-object wrote {} objects for {} files",
                oids.len(),
                u.files.len()
            )));
        }
        let mut lines = Vec::new();
        let mut outcome = Outcome::default();
        let mut written = std::collections::HashSet::new();
        for (f, oid) in u.files.iter().zip(&oids) {
            check_path(&f.path).map_err(|m| self.other(m))?;
            lines.extend_from_slice(format!("100644 {oid}\t{}\0", f.path).as_bytes());
            written.insert(f.path.as_str());
        }
        for k in &u.keep {
            if existing.contains_key(k) && !written.contains(k.as_str()) {
                outcome.kept.push(k.clone());
                written.insert(k.as_str());
            }
        }
        for path in existing.keys() {
            if !written.contains(path.as_str()) {
                lines.extend_from_slice(format!("0 {ZERO}\t{path}\0").as_bytes());
                outcome.removed.push(path.clone());
            }
        }
        if !lines.is_empty() {
            with_index(&["update-index", "-z", "--index-info"], Some(lines))?;
        }
        let tree = with_index(&["write-tree"], None)?;
        if let Some(h) = &old {
            let old_tree = self.git(&["rev-parse", &format!("{h}^{{tree}}")], None)?;
            if old_tree == tree {
                outcome.push_error = self.push();
                return Ok(outcome);
            }
        }
        let mut c = self.cmd();
        c.args(["commit-tree", tree.as_str(), "-m", u.message.as_str()]);
        if let Some(h) = &old {
            c.args(["-p", h.as_str()]);
        }
        if let Some(signer) = &self.options.signer {
            c.env("GNUPGHOME", &signer.home)
                .arg(format!("-S{}", signer.fingerprint));
        }
        let commit = String::from_utf8_lossy(&self.run(c, "commit-tree", None)?)
            .trim()
            .to_string();
        let refname = format!("refs/heads/{branch}");
        let expect = old.clone().unwrap_or_default();
        let mut c = self.cmd();
        c.args(["update-ref", "-m", &u.message, &refname, &commit, &expect]);
        if let Err(e) = self.run(c, "update-ref", None) {
            if self.branch_head(branch)? != old {
                return Err(ChannelError::Raced);
            }
            return Err(e);
        }
        outcome.commit = Some(commit);
        outcome.push_error = self.push();
        Ok(outcome)
    }

    /// Push the branches to the push URL, if any; returns the error text.
    fn push(&self) -> Option<String> {
        let url = self.options.push_url.as_ref()?;
        // The operator's own remote: their environment (keys, config) is used.
        let mut c = Command::new("git");
        c.arg("--git-dir")
            .arg(&self.git_dir)
            .args(["push", "--quiet", "--"])
            .arg(url)
            .arg(format!("refs/heads/{BRANCH}:refs/heads/{BRANCH}"));
        if self.options.signer.is_some() {
            c.arg(format!("refs/heads/{KEYRING}:refs/heads/{KEYRING}"));
        }
        match run(c, "push", TIMEOUT, None, None) {
            Ok(_) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    /// Fast-forward `main` to the push URL's `main`, which another host may
    /// have moved.  A branch that diverged is left as it is (with a
    /// warning): the next push then fails and says so.
    fn sync_from_target(&self) -> Result<(), ChannelError> {
        let Some(url) = self.options.push_url.as_ref() else {
            return Ok(());
        };
        let mut c = Command::new("git");
        c.arg("--git-dir")
            .arg(&self.git_dir)
            .args(["fetch", "--quiet", "--no-tags", "--"])
            .arg(url)
            .arg(format!("+refs/heads/{BRANCH}:refs/potluck/target"));
        if let Err(e) = run(c, "fetch", TIMEOUT, None, None) {
            // An empty target has no branch yet.
            tracing::debug!(error = %e, "cannot fetch the target's branch");
            return Ok(());
        }
        let target = self.git(&["rev-parse", "refs/potluck/target"], None)?;
        let local = self.branch_head(BRANCH)?;
        let Some(local) = local else {
            self.git(
                &["update-ref", &format!("refs/heads/{BRANCH}"), &target],
                None,
            )?;
            return Ok(());
        };
        if local == target {
            return Ok(());
        }
        let mut ancestor = self.cmd();
        ancestor.args(["merge-base", "--is-ancestor", &local, &target]);
        if self.run(ancestor, "merge-base", None).is_ok() {
            self.git(
                &[
                    "update-ref",
                    &format!("refs/heads/{BRANCH}"),
                    &target,
                    &local,
                ],
                None,
            )?;
        } else {
            tracing::warn!(%local, %target, "the channel branch and the target's have diverged");
        }
        Ok(())
    }

    /// Put the signer's public key on the `keyring` branch.
    fn ensure_keyring(&self, signer: &Signer) -> Result<(), ChannelError> {
        let name = signer.key_file_name();
        let mut c = self.cmd();
        c.args(["cat-file", "blob"])
            .arg(format!("refs/heads/{KEYRING}:{name}"));
        if let Ok(o) = c.output() {
            if o.status.success() && o.stdout == signer.public_key {
                return Ok(());
            }
        }
        self.update_branch(
            KEYRING,
            &RepoUpdate {
                dirs: vec![],
                files: vec![ChannelFile {
                    path: name,
                    contents: signer.public_key.clone(),
                }],
                keep: vec![],
                message: "Add the potluck host's signing key".into(),
            },
        )?;
        Ok(())
    }

    /// Make `.guix-authorizations` list the signer, or refuse: a channel
    /// that has it must only get commits signed by a key it lists.
    fn ensure_authorizations(&self) -> Result<(), ChannelError> {
        let current = self.read(AUTHORIZATIONS)?;
        match (&self.options.signer, current) {
            (None, None) => Ok(()),
            (None, Some(_)) => Err(self.other(format!(
                "this channel is signed ({AUTHORIZATIONS} is in it): give the host its                  --signing-key, or its subscribers could not authenticate the next commit"
            ))),
            (Some(signer), Some(text)) => {
                let listed: String = String::from_utf8_lossy(&text)
                    .chars()
                    .filter(|c| c.is_ascii_hexdigit())
                    .collect::<String>()
                    .to_ascii_uppercase();
                if listed.contains(&signer.fingerprint) {
                    Ok(())
                } else {
                    Err(self.other(format!(
                        "{AUTHORIZATIONS} does not list the signing key {}; only a key it lists                          may sign, so sign with one of those",
                        signer.spaced_fingerprint()
                    )))
                }
            }
            (Some(signer), None) => {
                self.update_branch(
                    BRANCH,
                    &RepoUpdate {
                        dirs: vec![],
                        files: vec![ChannelFile {
                            path: AUTHORIZATIONS.into(),
                            contents: authorizations(signer).into_bytes(),
                        }],
                        keep: vec![],
                        message: "Authorize the potluck host's signing key\n\n\
                                  This commit is the channel's introduction."
                            .into(),
                    },
                )?;
                Ok(())
            }
        }
    }

    /// The channel introduction: the commit that added
    /// `.guix-authorizations`, if there is one.
    pub fn introduction(&self) -> Result<Option<String>, ChannelError> {
        if self.head()?.is_none() {
            return Ok(None);
        }
        let out = self.git(
            &[
                "log",
                "--reverse",
                "--diff-filter=A",
                "--format=%H",
                &format!("refs/heads/{BRANCH}"),
                "--",
                AUTHORIZATIONS,
            ],
            None,
        )?;
        Ok(out.lines().next().map(str::to_string))
    }

    /// The signer, if commits are signed.
    pub fn signer(&self) -> Option<&Signer> {
        self.options.signer.as_ref()
    }
}

/// `.guix-authorizations` listing `signer`.
fn authorizations(signer: &Signer) -> String {
    format!(
        ";; The OpenPGP keys allowed to sign this channel's commits (the keys\n\
         ;; themselves are on the `{KEYRING}' branch).\n\
         (authorizations\n (version 0)\n ((\"{}\"\n   (name \"potluck-host\"))))\n",
        spaced(&signer.fingerprint)
    )
}

/// Paths written to the channel are plain relative paths.
fn check_path(p: &str) -> Result<(), String> {
    let ok = !p.is_empty()
        && !p.starts_with('/')
        && !p.ends_with('/')
        && p.split('/').all(|c| {
            !c.is_empty() && c != "." && c != ".." && c != ".git" && !c.contains(['\0', '\n', '\t'])
        });
    if ok {
        Ok(())
    } else {
        Err(format!("refusing to write the path {p:?}"))
    }
}

const README: &str = "# A potluck channel\n\n\
This Guix channel is written by a potluck-wasm host: every module under\n\
`modules/gnu/packages/potluck/` was generated from a dish (a package\n\
definition published in someone's git repository, kept under `dishes/`)\n\
evaluated in a sandbox and validated.  Add it to\n\
`~/.config/guix/channels.scm` to use it; the host's status page shows the\n\
entry to add.\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> ChannelFile {
        ChannelFile {
            path: path.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn lock_files_left_by_a_killed_host_do_not_block_updates() {
        let dir = tempfile::tempdir().unwrap();
        let git_dir = dir.path().join("channel.git");
        let first = Channel::open(&git_dir, Options::default())
            .unwrap()
            .head()
            .unwrap();
        // As a host killed inside `git update-ref` leaves them.
        std::fs::write(git_dir.join("HEAD.lock"), "").unwrap();
        std::fs::write(git_dir.join("refs/heads/main.lock"), "").unwrap();
        let ch = Channel::open(&git_dir, Options::default()).unwrap();
        assert_eq!(ch.head().unwrap(), first);
        let o = ch
            .update(&RepoUpdate {
                dirs: vec!["m/a".into()],
                files: vec![file("m/a/x.scm", "x")],
                keep: vec![],
                message: "after a crash".into(),
            })
            .unwrap();
        assert!(o.commit.is_some());
        assert!(!git_dir.join("HEAD.lock").exists());
    }

    #[test]
    fn updates_replace_keep_and_remove_only_the_repos_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let ch = Channel::open(&dir.path().join("channel.git"), Options::default()).unwrap();
        let first = ch.head().unwrap().unwrap();
        assert!(ch.read(".guix-channel").unwrap().is_some());
        let dirs = vec!["m/a".to_string(), "s/a".to_string()];
        let o = ch
            .update(&RepoUpdate {
                dirs: dirs.clone(),
                files: vec![
                    file("m/a/x.scm", "x1"),
                    file("m/a/y.scm", "y1"),
                    file("s/a/x.scm", "sx"),
                ],
                keep: vec![],
                message: "one".into(),
            })
            .unwrap();
        assert!(o.commit.is_some());
        ch.update(&RepoUpdate {
            dirs: vec!["m/b".into()],
            files: vec![file("m/b/z.scm", "z")],
            keep: vec![],
            message: "other repo".into(),
        })
        .unwrap();
        // y failed this time (kept), x changed, s/a/x.scm was removed.
        let o = ch
            .update(&RepoUpdate {
                dirs: dirs.clone(),
                files: vec![file("m/a/x.scm", "x2")],
                keep: vec!["m/a/y.scm".into(), "m/a/gone.scm".into()],
                message: "two".into(),
            })
            .unwrap();
        assert_eq!(o.kept, vec!["m/a/y.scm"]);
        assert_eq!(o.removed, vec!["s/a/x.scm"]);
        assert_eq!(ch.read("m/a/x.scm").unwrap().unwrap(), b"x2");
        assert_eq!(ch.read("m/a/y.scm").unwrap().unwrap(), b"y1");
        assert_eq!(ch.read("m/b/z.scm").unwrap().unwrap(), b"z");
        assert!(ch.read("s/a/x.scm").unwrap().is_none());
        assert!(ch.read(".guix-channel").unwrap().is_some());
        // The same update again changes nothing and makes no commit.
        let head = ch.head().unwrap();
        let o = ch
            .update(&RepoUpdate {
                dirs,
                files: vec![file("m/a/x.scm", "x2")],
                keep: vec!["m/a/y.scm".into()],
                message: "three".into(),
            })
            .unwrap();
        assert!(o.commit.is_none());
        assert_eq!(ch.head().unwrap(), head);
        assert_ne!(head.as_deref(), Some(first.as_str()));
        let fsck = Command::new("git")
            .arg("--git-dir")
            .arg(ch.git_dir())
            .args(["fsck", "--strict", "--no-progress"])
            .output()
            .unwrap();
        assert!(
            fsck.status.success(),
            "{}",
            String::from_utf8_lossy(&fsck.stderr)
        );
    }

    #[test]
    fn bad_paths_are_refused() {
        for p in ["", "/abs", "a/../b", "a/.git/config", "a//b", "a/", "a\nb"] {
            assert!(check_path(p).is_err(), "{p:?}");
        }
        assert!(check_path("gnu/packages/potluck/x/main/y.scm").is_ok());
    }
}

#[cfg(test)]
mod migration_tests {
    use super::*;

    #[test]
    fn a_channel_of_an_older_host_is_moved_in_one_commit() {
        let dir = tempfile::tempdir().unwrap();
        let git_dir = dir.path().join("channel.git");
        let ch = Channel::open(&git_dir, Options::default()).unwrap();
        // What an older host wrote.
        ch.update(&RepoUpdate {
            dirs: vec![],
            files: vec![
                ChannelFile {
                    path: ".guix-channel".into(),
                    contents: b"(channel\n  (version 0)\n  (directory \".\"))\n".to_vec(),
                },
                ChannelFile {
                    path: "gnu/packages/potluck/r/main/x.scm".into(),
                    contents: b"(define-module (gnu packages potluck r main x))".to_vec(),
                },
                ChannelFile {
                    path: "source/r/main/x.scm".into(),
                    contents: b"(potluck-package)".to_vec(),
                },
            ],
            keep: vec![],
            message: "old".into(),
        })
        .unwrap();
        let before = ch.head().unwrap();
        drop(ch);
        let ch = Channel::open(&git_dir, Options::default()).unwrap();
        let files = ch.files().unwrap();
        assert_eq!(
            files,
            vec![
                ".guix-channel",
                "README.md",
                "dishes/r/main/x.scm",
                "modules/gnu/packages/potluck/r/main/x.scm"
            ]
        );
        assert_eq!(
            ch.read(".guix-channel").unwrap().unwrap(),
            potluck_dish::layout::guix_channel().into_bytes()
        );
        let after = ch.head().unwrap();
        assert_ne!(before, after);
        // Opening again changes nothing.
        drop(ch);
        let ch = Channel::open(&git_dir, Options::default()).unwrap();
        assert_eq!(ch.head().unwrap(), after);
    }
}
