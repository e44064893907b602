//! The hashes Guix computes for a source tree: the SHA-256 of its NAR
//! serialisation (Nix's archive format), in nix-base32.
//!
//! - [`hash_dir`] with [`Select::ExcludeVcs`] is what `guix hash -rx DIR`
//!   prints: version-control directories found at the top of `DIR` (`.bzr`,
//!   `.git`, `.hg`, `.svn`, `CVS`) are left out at every level, as are
//!   regular files named `.git` (submodule links) when `.git` is one of them
//!   (`vcs-file?` in `guix/hash.scm`).
//! - [`checkout_hash`] is what the daemon records for a `git-fetch` origin:
//!   the NAR of a checkout of the commit with only its top-level `.git`
//!   removed, made the way `guix/build/git.scm` makes it (`git checkout` in a
//!   fresh repository with no user or system configuration), so
//!   `.gitattributes` applies as it does there (`eol`, `text`; never
//!   `export-ignore` or `export-subst`, which only `git archive` applies).
//!
//! The NAR is streamed into the hash, never held in memory, and file
//! contents are read in blocks.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sha2::{Digest, Sha256};

/// Which entries a NAR leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// Everything.
    All,
    /// `guix hash -x`: these version-control directory names, at every
    /// level (and regular files named `.git` when `.git` is among them).
    ExcludeVcs(Vec<String>),
}

/// The version-control directories Guix knows (`%vcs-directories`).
pub const VCS_DIRECTORIES: [&str; 5] = [".bzr", ".git", ".hg", ".svn", "CVS"];

impl Select {
    /// `guix hash -x DIR`'s selection: the VCS directories present at the
    /// top of `dir`.
    pub fn exclude_vcs_of(dir: &Path) -> Select {
        Select::ExcludeVcs(
            VCS_DIRECTORIES
                .iter()
                .filter(|v| dir.join(v).symlink_metadata().is_ok())
                .map(|v| v.to_string())
                .collect(),
        )
    }

    fn keeps(&self, name: &[u8], meta: &std::fs::Metadata) -> bool {
        match self {
            Select::All => true,
            Select::ExcludeVcs(vcs) => {
                let matches = |n: &str| name == n.as_bytes();
                if meta.is_dir() {
                    !vcs.iter().any(|v| matches(v))
                } else if meta.is_file() {
                    !(matches(".git") && vcs.iter().any(|v| v == ".git"))
                } else {
                    true
                }
            }
        }
    }
}

/// Failures of hashing.
#[derive(Debug, thiserror::Error)]
pub enum NarError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a file, directory or symbolic link")]
    Special(PathBuf),
    #[error("git {what} failed: {detail}")]
    Git { what: String, detail: String },
    #[error(transparent)]
    Command(#[from] crate::git::CommandError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NarError + '_ {
    move |source| NarError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A NAR writer that feeds a hash.
struct Nar(Sha256);

impl Nar {
    fn bytes(&mut self, s: &[u8]) {
        self.0.update((s.len() as u64).to_le_bytes());
        self.0.update(s);
        self.0.update(&[0u8; 8][..(8 - s.len() % 8) % 8]);
    }

    fn node(&mut self, path: &Path, select: &Select) -> Result<(), NarError> {
        let meta = std::fs::symlink_metadata(path).map_err(io(path))?;
        self.bytes(b"(");
        self.bytes(b"type");
        if meta.file_type().is_symlink() {
            self.bytes(b"symlink");
            self.bytes(b"target");
            let target = std::fs::read_link(path).map_err(io(path))?;
            self.bytes(target.as_os_str().as_bytes());
        } else if meta.is_dir() {
            self.bytes(b"directory");
            let mut entries = Vec::new();
            for e in std::fs::read_dir(path).map_err(io(path))? {
                let e = e.map_err(io(path))?;
                let m = e.path().symlink_metadata().map_err(io(&e.path()))?;
                if select.keeps(e.file_name().as_bytes(), &m) {
                    entries.push(e.file_name());
                }
            }
            entries.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            for name in entries {
                self.bytes(b"entry");
                self.bytes(b"(");
                self.bytes(b"name");
                self.bytes(name.as_bytes());
                self.bytes(b"node");
                self.node(&path.join(&name), select)?;
                self.bytes(b")");
            }
        } else if meta.is_file() {
            self.bytes(b"regular");
            if meta.permissions().mode() & 0o100 != 0 {
                self.bytes(b"executable");
                self.bytes(b"");
            }
            self.bytes(b"contents");
            let len = meta.len();
            self.0.update(len.to_le_bytes());
            let mut f = std::fs::File::open(path).map_err(io(path))?;
            let mut buf = vec![0u8; 64 << 10];
            let mut done = 0u64;
            while done < len {
                let n = f.read(&mut buf).map_err(io(path))?;
                if n == 0 {
                    break;
                }
                let n = n.min((len - done) as usize);
                self.0.update(&buf[..n]);
                done += n as u64;
            }
            if done != len {
                return Err(NarError::Io {
                    path: path.to_path_buf(),
                    source: std::io::Error::other("the file changed while it was read"),
                });
            }
            self.0.update(&[0u8; 8][..(8 - (len % 8) as usize) % 8]);
        } else {
            return Err(NarError::Special(path.to_path_buf()));
        }
        self.bytes(b")");
        Ok(())
    }
}

/// The SHA-256 of the NAR of `path` (a directory, file or symlink).
pub fn sha256(path: &Path, select: &Select) -> Result<[u8; 32], NarError> {
    let mut nar = Nar(Sha256::new());
    nar.bytes(b"nix-archive-1");
    nar.node(path, select)?;
    Ok(nar.0.finalize().into())
}

/// [`sha256`] in nix-base32, as `guix hash -r` prints it.
pub fn hash_dir(path: &Path, select: &Select) -> Result<String, NarError> {
    Ok(crate::nix::encode(&sha256(path, select)?))
}

/// Local git commands are quick; this bounds a pathological repository.
const GIT_TIMEOUT: Duration = Duration::from_secs(600);

fn git() -> Command {
    crate::git::command(Path::new("/nonexistent"))
}

fn run(c: Command, what: &str) -> Result<String, NarError> {
    let out = crate::git::run(c, what, GIT_TIMEOUT, None, None)?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The full commit id `rev` names in the repository whose git directory or
/// work tree is `repo`.
pub fn resolve_commit(repo: &Path, rev: &str) -> Result<String, NarError> {
    if rev.starts_with('-') {
        return Err(NarError::Git {
            what: "rev-parse".into(),
            detail: format!("`{rev}` is not a revision"),
        });
    }
    let mut c = git();
    c.arg("-C")
        .arg(repo)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"));
    run(c, "rev-parse").map_err(|_| NarError::Git {
        what: "rev-parse".into(),
        detail: format!("`{rev}` names no commit of {}", repo.display()),
    })
}

/// What a `git-fetch` origin for `commit` of the repository at `repo` (a
/// local git directory or work tree holding that commit) hashes to: the
/// commit is checked out into a fresh directory under `scratch` as
/// `guix/build/git.scm` does, its top-level `.git` removed, and the result
/// hashed.  The checkout borrows `repo`'s objects (`--shared`; a shallow
/// `repo` is cloned instead) and is removed afterwards.
pub fn checkout_hash(repo: &Path, commit: &str, scratch: &Path) -> Result<String, NarError> {
    checkout_hash_limited(repo, commit, scratch, GIT_TIMEOUT, u64::MAX)
}

/// [`checkout_hash`] for an untrusted repository: the clone and the
/// checkout each run under `timeout`, and stop when the scratch space they
/// write passes `max_bytes` (a small repository may check out into a huge
/// tree).
pub fn checkout_hash_limited(
    repo: &Path,
    commit: &str,
    scratch: &Path,
    timeout: Duration,
    max_bytes: u64,
) -> Result<String, NarError> {
    let limited = |c: Command, what: &str| -> Result<(), NarError> {
        let watch = (max_bytes != u64::MAX).then_some((scratch, max_bytes));
        crate::git::run(c, what, timeout, watch, None)?;
        Ok(())
    };
    let dir = tempfile::Builder::new()
        .prefix("potluck-checkout-")
        .tempdir_in(scratch)
        .map_err(io(scratch))?;
    let work = dir.path().join("checkout");
    // A shallow repository (the host's fetch of one commit) cannot be
    // borrowed from; it is cloned through git's transport instead, which
    // copies its few objects.
    let mut shallow = git();
    shallow
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--is-shallow-repository"]);
    let shallow = run(shallow, "rev-parse")? == "true";
    let mut clone = git();
    clone
        .args(["-c", "protocol.file.allow=always"])
        .args(["clone", "--quiet", "--no-checkout"]);
    if shallow {
        let abs = repo.canonicalize().map_err(io(repo))?;
        clone.arg("--no-local").arg("--").arg(abs);
    } else {
        clone.args(["--shared", "--"]).arg(repo);
    }
    clone.arg(&work);
    limited(clone, "clone")?;
    let mut checkout = git();
    checkout
        .arg("-C")
        .arg(&work)
        .args(["checkout", "--quiet", "--detach"])
        .arg(commit)
        .arg("--");
    limited(checkout, "checkout")?;
    let dotgit = work.join(".git");
    std::fs::remove_dir_all(&dotgit).map_err(io(&dotgit))?;
    hash_dir(&work, &Select::All)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nar_bytes(path: &Path) -> Vec<u8> {
        // An independent, in-memory serialiser for the test.
        fn s(out: &mut Vec<u8>, x: &[u8]) {
            out.extend_from_slice(&(x.len() as u64).to_le_bytes());
            out.extend_from_slice(x);
            out.resize(out.len() + (8 - x.len() % 8) % 8, 0);
        }
        fn node(out: &mut Vec<u8>, p: &Path) {
            let m = std::fs::symlink_metadata(p).unwrap();
            s(out, b"(");
            s(out, b"type");
            if m.file_type().is_symlink() {
                s(out, b"symlink");
                s(out, b"target");
                s(out, std::fs::read_link(p).unwrap().as_os_str().as_bytes());
            } else if m.is_dir() {
                s(out, b"directory");
                let mut names: Vec<_> = std::fs::read_dir(p)
                    .unwrap()
                    .map(|e| e.unwrap().file_name())
                    .collect();
                names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
                for n in names {
                    s(out, b"entry");
                    s(out, b"(");
                    s(out, b"name");
                    s(out, n.as_bytes());
                    s(out, b"node");
                    node(out, &p.join(&n));
                    s(out, b")");
                }
            } else {
                s(out, b"regular");
                if m.permissions().mode() & 0o100 != 0 {
                    s(out, b"executable");
                    s(out, b"");
                }
                s(out, b"contents");
                s(out, &std::fs::read(p).unwrap());
            }
            s(out, b")");
        }
        let mut out = Vec::new();
        s(&mut out, b"nix-archive-1");
        node(&mut out, path);
        out
    }

    #[test]
    fn the_streamed_hash_is_the_hash_of_the_nar() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("b"), "hi").unwrap();
        std::fs::write(root.join("big"), vec![7u8; 200_003]).unwrap();
        std::fs::write(root.join("a"), "").unwrap();
        std::fs::set_permissions(root.join("a"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("b", root.join("c")).unwrap();
        std::fs::create_dir_all(root.join("empty/dir")).unwrap();
        let want: [u8; 32] = Sha256::digest(nar_bytes(root)).into();
        assert_eq!(sha256(root, &Select::All).unwrap(), want);
    }

    #[test]
    fn exclude_vcs_is_guix_hash_x() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("f"), "x").unwrap();
        let before = hash_dir(root, &Select::exclude_vcs_of(root)).unwrap();
        std::fs::create_dir_all(root.join(".git/objects")).unwrap();
        std::fs::create_dir_all(root.join("sub/.git")).unwrap();
        std::fs::remove_dir(root.join("sub/.git")).unwrap();
        std::fs::write(root.join("sub/.git"), "gitdir: ../.git/modules/sub").unwrap();
        std::fs::create_dir_all(root.join("keep/.hg")).unwrap();
        let select = Select::exclude_vcs_of(root);
        assert_eq!(select, Select::ExcludeVcs(vec![".git".into()]));
        // `.hg` is kept: it is not at the top.  Remove what -x drops and the
        // hash is the same as with everything.
        let with_vcs = hash_dir(root, &select).unwrap();
        std::fs::remove_dir_all(root.join(".git")).unwrap();
        std::fs::remove_file(root.join("sub/.git")).unwrap();
        assert_eq!(with_vcs, hash_dir(root, &Select::All).unwrap());
        assert_ne!(before, with_vcs);
    }
}
