//! `potluck-wasm init`: start a `guix-potluck/` directory in a git checkout,
//! with a dish whose commit is HEAD and whose sha256 is what `guix hash -rx`
//! prints for the checkout at HEAD: the nix-base32 SHA-256 of the NAR
//! serialisation of the tree, without `.git`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use sha2::{Digest, Sha256};

use crate::index::Index;
use crate::validate::{PLACEHOLDER_DESCRIPTION, PLACEHOLDER_SYNOPSIS};

/// Write `s` as a NAR string: length, bytes, zero padding to 8.
fn nar_str(out: &mut Vec<u8>, s: &[u8]) {
    out.extend_from_slice(&(s.len() as u64).to_le_bytes());
    out.extend_from_slice(s);
    out.resize(out.len() + (8 - s.len() % 8) % 8, 0);
}

/// The NAR serialisation of `path` (a file, a symlink or a directory,
/// entries sorted by name bytes), leaving out `.git` at every level.
pub fn nar(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    nar_str(&mut out, b"nix-archive-1");
    nar_node(&mut out, path)?;
    Ok(out)
}

fn nar_node(out: &mut Vec<u8>, path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(path)?;
    nar_str(out, b"(");
    nar_str(out, b"type");
    if meta.file_type().is_symlink() {
        nar_str(out, b"symlink");
        nar_str(out, b"target");
        nar_str(out, std::fs::read_link(path)?.as_os_str().as_bytes());
    } else if meta.is_dir() {
        nar_str(out, b"directory");
        let mut names: Vec<_> = std::fs::read_dir(path)?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<_, _>>()?;
        names.retain(|n| n != ".git");
        names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        for n in names {
            nar_str(out, b"entry");
            nar_str(out, b"(");
            nar_str(out, b"name");
            nar_str(out, n.as_bytes());
            nar_str(out, b"node");
            nar_node(out, &path.join(&n))?;
            nar_str(out, b")");
        }
    } else if meta.is_file() {
        nar_str(out, b"regular");
        if meta.permissions().mode() & 0o100 != 0 {
            nar_str(out, b"executable");
            nar_str(out, b"");
        }
        nar_str(out, b"contents");
        nar_str(out, &std::fs::read(path)?);
    } else {
        return Err(std::io::Error::other(format!(
            "{} is not a file, directory or symlink",
            path.display()
        )));
    }
    nar_str(out, b")");
    Ok(())
}

/// `guix hash -rx PATH`: nix-base32 of the SHA-256 of the NAR.
pub fn guix_hash(path: &Path) -> std::io::Result<String> {
    Ok(crate::nix::encode(&Sha256::digest(nar(path)?)))
}

fn git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .context("cannot run git; is it installed?")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The hash of the tree at HEAD (not the working tree): exported with
/// `git archive` into a scratch directory, then hashed.
pub fn head_hash(checkout: &Path) -> anyhow::Result<String> {
    let scratch = tempfile_dir()?;
    let tree = scratch.join("tree");
    std::fs::create_dir(&tree)?;
    let archive = Command::new("git")
        .arg("-C")
        .arg(checkout)
        .args(["archive", "--format=tar", "HEAD"])
        .output()
        .context("cannot run git archive")?;
    if !archive.status.success() {
        bail!(
            "git archive HEAD failed: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        );
    }
    let tar = scratch.join("head.tar");
    std::fs::write(&tar, &archive.stdout)?;
    let status = Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(&tree)
        .status()
        .context("cannot run tar")?;
    if !status.success() {
        bail!("cannot unpack the archive of HEAD");
    }
    let hash = guix_hash(&tree)?;
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(hash)
}

fn tempfile_dir() -> anyhow::Result<PathBuf> {
    let d = std::env::temp_dir().join(format!(
        "potluck-init-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&d)?;
    Ok(d)
}

/// A Guix-style package name from a directory name.
pub fn package_name(dir_name: &str) -> String {
    let mut s: String = dir_name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    let s = s
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    if s.is_empty() {
        "package".into()
    } else {
        s
    }
}

pub struct InitOptions {
    pub remote: Option<String>,
    pub build_system: String,
    pub license: String,
    pub autotools: bool,
}

/// Create `guix-potluck/` in `checkout`; returns the dish's path.
pub fn init(checkout: &Path, opts: &InitOptions, index: &Index) -> anyhow::Result<PathBuf> {
    let top = git(checkout, &["rev-parse", "--show-toplevel"])
        .context("`potluck-wasm init` must run at the root of a git checkout")?;
    let here = checkout.canonicalize()?;
    if Path::new(&top).canonicalize()? != here {
        bail!("run `potluck-wasm init` at the root of the checkout, {top}, not in a subdirectory");
    }
    let dir = checkout.join("guix-potluck");
    if dir.exists() {
        bail!("guix-potluck/ already exists here; edit the dishes in it instead of running init again");
    }
    if index.build_system(&opts.build_system).is_none() {
        bail!(
            "unknown build system `{}`; `--build-system help` lists them",
            opts.build_system
        );
    }
    if index.license(&opts.license).is_none() {
        bail!(
            "unknown license `{}`; `--license help` lists them",
            opts.license
        );
    }
    let commit = git(checkout, &["rev-parse", "HEAD"]).context("the checkout has no commit yet")?;
    let version = git(checkout, &["describe", "--tags", "--always"])
        .unwrap_or_else(|_| commit[..7].to_string());
    let version = version.strip_prefix('v').unwrap_or(&version).to_string();
    let remote = match &opts.remote {
        Some(r) => r.clone(),
        None => git(checkout, &["remote", "get-url", "origin"])
            .context("no REMOTE-GIT-URL given and no `origin` remote")?,
    };
    let name = package_name(
        here.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("package"),
    );
    let sha256 = head_hash(checkout)?;
    let mut p = crate::emit::Printer::default();
    p.raw(&format!(
        ";; Potluck dish for {name}, made by `potluck-wasm init`.\n(potluck-package\n  (name "
    ));
    p.string(&name);
    p.raw(")\n  (version ");
    p.string(&version);
    p.raw(")\n  (source (potluck-source\n            (git-uri ");
    p.string(&remote);
    p.raw(")\n            (git-commit ");
    p.string(&commit);
    p.raw(")\n            (sha256 ");
    p.string(&sha256);
    p.raw(")))\n  (build-system '");
    p.symbol(&opts.build_system)?;
    p.raw(")\n  (inputs '())\n  (native-inputs '(");
    if opts.autotools {
        p.raw("\"autoconf\" \"automake\" \"libtool\" \"pkg-config\"");
    }
    // With the autotools as native inputs, gnu-build-system's `bootstrap`
    // phase runs `autoreconf -vif` itself when there is no configure script.
    p.raw("))\n  (propagated-inputs '())\n  (arguments '())\n  (home-page ");
    p.string(&remote);
    p.raw(")\n  (synopsis ");
    p.string(PLACEHOLDER_SYNOPSIS);
    p.raw(")\n  (description ");
    p.string(PLACEHOLDER_DESCRIPTION);
    p.raw(")\n  (license '");
    p.symbol(&opts.license)?;
    p.raw("))\n");
    std::fs::create_dir(&dir)?;
    let dish = dir.join(format!("{name}.scm"));
    std::fs::write(&dish, p.out)?;
    std::fs::write(
        dir.join("README.md"),
        format!(
            "# guix-potluck\n\nThis directory holds Guix package definitions (\"dishes\") for this repository,\nfor the potluck channel. `{name}.scm` was made by `potluck-wasm init`.\n\n1. Replace the placeholder synopsis and description, and add the inputs.\n2. Check it: `potluck-wasm check`.\n3. Commit guix-potluck/ and push.\n4. Ask the potluck host to pick it up: `potluck-wasm update {remote} BRANCH --host HOST`.\n"
        ),
    )?;
    Ok(dish)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        nar_str(&mut v, x);
        v
    }

    #[test]
    fn nar_strings_are_padded() {
        assert_eq!(s(b""), vec![0; 8]);
        assert_eq!(
            s(b"a"),
            [&[1, 0, 0, 0, 0, 0, 0, 0][..], b"a", &[0; 7]].concat()
        );
        assert_eq!(s(b"12345678").len(), 16);
    }

    #[test]
    fn nar_of_a_tree_has_nix_layout() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile_dir().unwrap();
        std::fs::write(d.join("b"), "hi").unwrap();
        std::fs::write(d.join("a"), "").unwrap();
        std::fs::set_permissions(d.join("a"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink("b", d.join("c")).unwrap();
        std::fs::create_dir(d.join(".git")).unwrap();
        std::fs::write(d.join(".git/x"), "ignored").unwrap();
        let got = nar(&d).unwrap();
        let mut want = Vec::new();
        for part in [
            &b"nix-archive-1"[..],
            b"(",
            b"type",
            b"directory",
            b"entry",
            b"(",
            b"name",
            b"a",
            b"node",
            b"(",
            b"type",
            b"regular",
            b"executable",
            b"",
            b"contents",
            b"",
            b")",
            b")",
            b"entry",
            b"(",
            b"name",
            b"b",
            b"node",
            b"(",
            b"type",
            b"regular",
            b"contents",
            b"hi",
            b")",
            b")",
            b"entry",
            b"(",
            b"name",
            b"c",
            b"node",
            b"(",
            b"type",
            b"symlink",
            b"target",
            b"b",
            b")",
            b")",
            b")",
        ] {
            want.extend(s(part));
        }
        assert_eq!(got, want);
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn names_follow_guix_style() {
        assert_eq!(package_name("My_Project"), "my_project");
        assert_eq!(package_name("foo bar!!"), "foo-bar");
        assert_eq!(package_name("---"), "package");
    }
}
