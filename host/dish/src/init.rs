//! `potluck-wasm init`: start a `guix-potluck/` directory at the root of a
//! git checkout, with a dish for the repository itself.
//!
//! The dish pins HEAD: its `sha256` is what Guix's `git-fetch` will find
//! for that commit (the NAR hash of a checkout of it, [`nar::checkout_hash`]),
//! never of the working tree, so uncommitted changes cannot leak in.  Its
//! name comes from the remote's repository name, its home page is the
//! remote without `.git`, and its version follows Guix's `git-version`
//! convention: the latest tag, or `TAG-N.COMMIT` N commits after it, or
//! `0.0.0-0.COMMIT` without a tag.  The synopsis and description are
//! placeholders that `check` refuses until they are replaced.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::emit::{self, EmitError};
use crate::git::CommandError;
use crate::index::Index;
use crate::nar::{self, NarError};
use crate::validate::{PLACEHOLDER_DESCRIPTION, PLACEHOLDER_SYNOPSIS};

/// Why `init` refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("`potluck-wasm init` must run at the root of a git checkout ({0})")]
    NotCheckout(String),
    #[error("run `potluck-wasm init` at the root of the checkout, {0}, not in a subdirectory")]
    NotRoot(String),
    #[error(
        "guix-potluck/ already exists here; edit the dishes in it instead of running init again"
    )]
    Exists,
    #[error("unknown build system `{0}`; `--build-system help` lists them")]
    UnknownBuildSystem(String),
    #[error("unknown license `{0}`; `--license help` lists them")]
    UnknownLicense(String),
    #[error("the checkout has no commit yet; commit your sources first")]
    NoCommit,
    #[error("no REMOTE-GIT-URL was given and the checkout has no `origin` remote; pass the public URL others clone from")]
    NoRemote,
    #[error("git {what} failed: {detail}")]
    Git { what: String, detail: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot hash the checkout of HEAD")]
    Hash(#[from] NarError),
    #[error("cannot write the dish")]
    Emit(#[from] EmitError),
}

/// What `init` is asked to do.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The public URL others clone the repository from; the `origin`
    /// remote when `None`.
    pub remote: Option<String>,
    pub build_system: String,
    pub license: String,
    /// Add the autotools and pkg-config as native inputs.
    pub autotools: bool,
}

/// What `init` wrote.
#[derive(Debug, Clone)]
pub struct Initialised {
    /// The dish file.
    pub dish: PathBuf,
    pub name: String,
    pub version: String,
    /// What the version means, in a sentence.
    pub version_note: String,
    /// The `git-uri` written.
    pub remote: String,
    /// When the remote was rewritten (an SSH remote becomes HTTPS): why.
    pub remote_note: Option<String>,
    /// The checked-out branch, when there is one.
    pub branch: Option<String>,
    pub commit: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<String, InitError> {
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/nonexistent".into());
    crate::git::output_in(dir, Path::new(&home), args, GIT_TIMEOUT).map_err(|e| InitError::Git {
        what: args.join(" "),
        detail: match e {
            CommandError::Failed { detail, .. } => detail,
            other => other.to_string(),
        },
    })
}

/// The dish's text, written by hand in the layout authors use.
#[derive(Default)]
struct Printer {
    out: String,
}

impl Printer {
    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn string(&mut self, s: &str) -> Result<(), EmitError> {
        emit::string(s)?;
        self.out.push_str(&crate::pretty::write_string(s, false));
        Ok(())
    }

    fn symbol(&mut self, s: &str) -> Result<(), EmitError> {
        if !emit::valid_symbol(s) {
            return Err(EmitError::NotWritable(format!("the symbol `{s}`")));
        }
        self.out.push_str(s);
        Ok(())
    }
}

/// Local git commands are quick; this bounds a pathological repository.
const GIT_TIMEOUT: Duration = Duration::from_secs(600);

/// A Guix-style package name from a repository or directory name: lower
/// case, letters, digits and `+._`, other runs of characters become one `-`.
pub fn package_name(raw: &str) -> String {
    let mut s = String::new();
    for c in raw.to_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() || "+._".contains(c) {
            c
        } else {
            '-'
        };
        if !(c == '-' && s.ends_with('-')) {
            s.push(c);
        }
    }
    let s = s.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if s.is_empty() {
        "package".into()
    } else {
        s.to_string()
    }
}

/// The public HTTPS form of a remote: SSH remotes (`git@host:path`,
/// `ssh://git@host/path`) become `https://host/path`; others are kept.
/// Returns the URL and, when it was rewritten, why.
pub fn public_remote(remote: &str) -> (String, Option<String>) {
    let rewritten = if let Some(rest) = remote.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.split(':').next().unwrap_or(host);
        Some(format!("https://{host}/{path}"))
    } else if !remote.contains("://") {
        remote.split_once(':').and_then(|(user_host, path)| {
            let host = user_host.split_once('@').map_or(user_host, |(_, h)| h);
            (!host.is_empty() && !path.is_empty() && !host.contains('/'))
                .then(|| format!("https://{host}/{}", path.trim_start_matches('/')))
        })
    } else {
        None
    };
    match rewritten {
        Some(url) => (
            url.clone(),
            Some(format!(
                "the remote `{remote}` is SSH, which others cannot clone; the dish uses `{url}` (pass the public URL to init if that is not it)"
            )),
        ),
        None => (remote.to_string(), None),
    }
}

/// The repository's name: the last path segment of its URL, without `.git`.
pub fn repo_name(url: &str) -> Option<&str> {
    let path = url.trim_end_matches('/');
    let last = path.rsplit(['/', ':']).next()?;
    let last = last.strip_suffix(".git").unwrap_or(last);
    (!last.is_empty() && !last.contains("://")).then_some(last)
}

/// The version of `commit` (a full commit id of `checkout`) in Guix's
/// `git-version` style, and what it means: the nearest tag before it
/// (`v`/`release-` dropped) when the commit is tagged, `TAG-N.SHORT` N
/// commits after a tag, `0.0.0-0.SHORT` without one.
pub fn version_of(checkout: &Path, commit: &str) -> (String, String) {
    let short = &commit[..7];
    match git(checkout, &["describe", "--tags", "--abbrev=0", commit]) {
        Ok(tag) => {
            let base = tag
                .strip_prefix('v')
                .or_else(|| tag.strip_prefix("release-"))
                .unwrap_or(&tag)
                .to_string();
            let since = git(
                checkout,
                &["rev-list", "--count", &format!("{tag}..{commit}")],
            )
            .ok()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
            if since == 0 {
                let note = format!("the version is the tag `{tag}` of HEAD");
                (base, note)
            } else {
                let v = format!("{base}-{since}.{short}");
                let note = format!(
                    "the version {v} is Guix's git-version form: {since} commit{} after the tag `{tag}`, at commit {short}",
                    if since == 1 { "" } else { "s" }
                );
                (v, note)
            }
        }
        Err(_) => {
            let v = format!("0.0.0-0.{short}");
            let note = format!(
                "the version {v} is Guix's git-version form for a repository without tags: no release yet, at commit {short}; tag a release (git tag v1.0.0) and run `potluck-wasm refresh` to use it"
            );
            (v, note)
        }
    }
}

/// Create `guix-potluck/` in `checkout` (the root of a work tree).
pub fn init(checkout: &Path, opts: &InitOptions, index: &Index) -> Result<Initialised, InitError> {
    let top = git(checkout, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        InitError::Git { detail, .. } => InitError::NotCheckout(detail),
        other => other,
    })?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    let here = checkout.canonicalize().map_err(io(checkout))?;
    if Path::new(&top)
        .canonicalize()
        .map_err(io(Path::new(&top)))?
        != here
    {
        return Err(InitError::NotRoot(top));
    }
    let dir = checkout.join("guix-potluck");
    if dir.exists() {
        return Err(InitError::Exists);
    }
    if index.build_system(&opts.build_system).is_none() {
        return Err(InitError::UnknownBuildSystem(opts.build_system.clone()));
    }
    if index.license(&opts.license).is_none() {
        return Err(InitError::UnknownLicense(opts.license.clone()));
    }
    let commit = git(checkout, &["rev-parse", "--verify", "HEAD^{commit}"])
        .map_err(|_| InitError::NoCommit)?;
    let (version, version_note) = version_of(checkout, &commit);
    let raw_remote = match &opts.remote {
        Some(r) => r.clone(),
        None => git(checkout, &["remote", "get-url", "origin"]).map_err(|_| InitError::NoRemote)?,
    };
    let (remote, remote_note) = public_remote(&raw_remote);
    let name = package_name(repo_name(&remote).unwrap_or_else(|| {
        here.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("package")
    }));
    let home_page = match remote.strip_suffix(".git") {
        Some(h) if remote.starts_with("http") => h.to_string(),
        _ if remote.starts_with("http") => remote.clone(),
        _ => match remote.strip_prefix("git://") {
            Some(rest) => format!("https://{}", rest.strip_suffix(".git").unwrap_or(rest)),
            None => remote.clone(),
        },
    };
    let branch = git(checkout, &["symbolic-ref", "--quiet", "--short", "HEAD"]).ok();
    let scratch = tempfile::tempdir().map_err(io(&std::env::temp_dir()))?;
    let sha256 = nar::checkout_hash(checkout, &commit, scratch.path())?;

    let mut p = Printer::default();
    p.raw(&format!(
        ";; Potluck dish for {name}, made by `potluck-wasm init`.\n(potluck-package\n  (name "
    ));
    p.string(&name)?;
    p.raw(")\n  (version ");
    p.string(&version)?;
    p.raw(")\n  (source (potluck-source\n            (git-uri ");
    p.string(&remote)?;
    p.raw(")\n            (git-commit ");
    p.string(&commit)?;
    p.raw(")\n            (sha256 ");
    p.string(&sha256)?;
    p.raw(")))\n  (build-system '");
    p.symbol(&opts.build_system)?;
    p.raw(")\n  (inputs '())\n  (native-inputs '(");
    if opts.autotools {
        // With these, gnu-build-system's `bootstrap` phase runs
        // `autoreconf -vif` itself when there is no configure script.
        p.raw("\"autoconf\" \"automake\" \"libtool\" \"pkg-config\"");
    }
    p.raw("))\n  (propagated-inputs '())\n  (arguments '())\n  (home-page ");
    p.string(&home_page)?;
    p.raw(")\n  (synopsis ");
    p.string(PLACEHOLDER_SYNOPSIS)?;
    p.raw(")\n  (description ");
    p.string(PLACEHOLDER_DESCRIPTION)?;
    p.raw(")\n  (license '");
    p.symbol(&opts.license)?;
    p.raw("))\n");
    std::fs::create_dir(&dir).map_err(io(&dir))?;
    let dish = dir.join(format!("{name}.scm"));
    std::fs::write(&dish, p.out).map_err(io(&dish))?;
    let readme = dir.join("README.md");
    std::fs::write(
        &readme,
        format!(
            "# guix-potluck\n\nThis directory holds Guix package definitions (\"dishes\") for this repository,\nfor a potluck channel. `{name}.scm` was made by `potluck-wasm init`.\n\n1. Replace the placeholder synopsis and description, and add the inputs.\n2. Check it: `potluck-wasm check`.\n3. Commit guix-potluck/ and push.\n4. Ask the potluck host to pick it up: `potluck-wasm update {remote} {} --host HOST`.\n",
            branch.as_deref().unwrap_or("BRANCH")
        ),
    )
    .map_err(io(&readme))?;
    Ok(Initialised {
        dish,
        name,
        version,
        version_note,
        remote,
        remote_note,
        branch,
        commit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_guix_style() {
        assert_eq!(package_name("My_Project"), "my_project");
        assert_eq!(package_name("foo bar!!"), "foo-bar");
        assert_eq!(package_name("---"), "package");
        assert_eq!(repo_name("https://github.com/jqlang/jq.git"), Some("jq"));
        assert_eq!(repo_name("https://example.org/a/Tool/"), Some("Tool"));
        assert_eq!(repo_name("git@github.com:me/thing.git"), Some("thing"));
    }

    #[test]
    fn ssh_remotes_become_https() {
        assert_eq!(
            public_remote("git@github.com:me/thing.git").0,
            "https://github.com/me/thing.git"
        );
        assert_eq!(
            public_remote("ssh://git@gitlab.com:22/me/thing.git").0,
            "https://gitlab.com/me/thing.git"
        );
        let (url, note) = public_remote("https://example.org/x.git");
        assert_eq!(url, "https://example.org/x.git");
        assert!(note.is_none());
    }
}
