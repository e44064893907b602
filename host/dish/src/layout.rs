//! Where things go in a potluck channel.
//!
//! `guix pull` loads and compiles every `.scm` file under the directory
//! that `.guix-channel` names, so that directory holds channel modules and
//! nothing else: [`MODULE_DIR`]`/gnu/packages/potluck/REPO/BRANCH/STEM.scm`,
//! module `(gnu packages potluck REPO BRANCH STEM)`.  The dishes' own
//! sources are kept beside it, in [`DISH_DIR`], which Guix never reads.
//!
//! REPO is the URL's host and path, lowercased; in REPO, BRANCH and STEM
//! every character other than `a-z 0-9 .` becomes `-` (runs collapsed,
//! ends trimmed), and when that changed anything an 8-hex-digit SHA-256
//! prefix of the original text is appended, so two different repositories
//! or branches never share a module.
//!
//! Channels written by hosts before this layout kept the modules at the
//! root (`(directory ".")`) and the dish sources in `source/`:
//! [`LEGACY_DIRS`] names them, for the one-commit migration.

use sha2::{Digest, Sha256};

use crate::emit::valid_symbol;

/// The module directory `.guix-channel` names.
pub const MODULE_DIR: &str = "modules";
/// Where dish sources are kept, outside [`MODULE_DIR`].
pub const DISH_DIR: &str = "dishes";
/// Where hosts before this layout put modules and dish sources.
pub const LEGACY_DIRS: [&str; 2] = ["gnu/packages/potluck", "source"];

/// The `.guix-channel` file of the channel root.
pub fn guix_channel() -> String {
    format!("(channel\n  (version 0)\n  (directory \"{MODULE_DIR}\"))\n")
}

/// The directories one repository and branch owns in the channel, and
/// their common key `REPO/BRANCH`, which the host records an owner for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoDirs {
    pub modules: String,
    pub dishes: String,
    pub key: String,
}

/// [`RepoDirs`] of `url` at `branch`.
pub fn repo_dirs(url: &str, branch: &str) -> RepoDirs {
    let m = module_path(url, branch, "x");
    let key = format!("{}/{}", m.name[3], m.name[4]);
    RepoDirs {
        modules: format!("{MODULE_DIR}/gnu/packages/potluck/{key}"),
        dishes: format!("{DISH_DIR}/{key}"),
        key,
    }
}

/// Where a dish goes in the channel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ModulePath {
    /// `["gnu", "packages", "potluck", REPO, BRANCH, STEM]`.
    pub name: Vec<String>,
    /// The module file, from the channel root:
    /// `modules/gnu/packages/potluck/REPO/BRANCH/STEM.scm`.
    pub file: String,
    /// The dish's own source, from the channel root, outside the module
    /// directory: `dishes/REPO/BRANCH/STEM.scm`.
    pub dish_file: String,
}

impl ModulePath {
    /// The module name as Scheme writes it: `(gnu packages potluck …)`.
    pub fn display(&self) -> String {
        format!("({})", self.name.join(" "))
    }
}

/// Turn arbitrary text into a readable symbol segment: lowercase ASCII
/// letters, digits, `.` and `-` are kept, every other run of characters
/// becomes one `-`, leading and trailing `-`/`.` are dropped.  When that lost
/// information (anything was changed, or nothing is left), `-` and the first
/// 8 hex digits of the text's SHA-256 are appended, so two different texts
/// never map to the same segment.
pub fn segment(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    let trimmed = out
        .trim_matches(|c| c == '-' || c == '.')
        .replace("..", ".");
    if trimmed == text && valid_symbol(&trimmed) {
        return trimmed;
    }
    // What Guile would read as a number (a branch `2.0`) gets a prefix.
    let trimmed = if trimmed.is_empty() || valid_symbol(&trimmed) {
        trimmed
    } else {
        format!("x-{trimmed}")
    };
    let hash = hex::encode(&Sha256::digest(text.as_bytes())[..4]);
    if trimmed.is_empty() {
        format!("x-{hash}")
    } else {
        format!("{trimmed}-{hash}")
    }
}

/// The module of dish `stem` from `repo` (a git URL) at `branch`.  The repo
/// segment is the URL's host and path (lowercased first, so case alone never
/// adds a hash); the branch and stem are taken as they are.
pub fn module_path(repo: &str, branch: &str, stem: &str) -> ModulePath {
    let without_scheme = repo.split_once("://").map_or(repo, |(_, rest)| rest);
    let trimmed = without_scheme.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix(".git").unwrap_or(trimmed);
    let lowered = trimmed.to_lowercase();
    // Lowercasing loses information too: hash when the URL had capitals.
    let repo_seg = if lowered == trimmed {
        segment(&lowered)
    } else {
        let s = segment(&lowered);
        let hash = hex::encode(&Sha256::digest(repo.as_bytes())[..4]);
        format!("{s}-{hash}")
    };
    let name = vec![
        "gnu".to_string(),
        "packages".to_string(),
        "potluck".to_string(),
        repo_seg,
        segment(branch),
        segment(stem),
    ];
    let file = format!("{MODULE_DIR}/{}.scm", name.join("/"));
    let dish_file = format!("{DISH_DIR}/{}.scm", name[3..].join("/"));
    ModulePath {
        name,
        file,
        dish_file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_readable_and_collision_free() {
        assert_eq!(segment("main"), "main");
        assert_eq!(segment("wip-potluck"), "wip-potluck");
        let a = segment("feature/x");
        let b = segment("feature-x");
        assert_ne!(a, b, "a lossy mapping gets a hash");
        assert!(a.starts_with("feature-x-"));
        assert_eq!(b, "feature-x");
        assert!(segment("").starts_with("x-"));
        assert!(segment("..").starts_with("x-"));
        assert!(valid_symbol(&segment("Ünïcode/ブランチ")));
        assert!(segment("2.0").starts_with("x-2.0-"), "{}", segment("2.0"));
        assert!(segment("0ad").starts_with("x-0ad-"), "{}", segment("0ad"));
    }

    #[test]
    fn module_paths_from_urls() {
        let m = module_path("https://github.com/jqlang/jq.git", "master", "jq");
        assert!(m.name[3].starts_with("github.com-jqlang-jq-"), "{m:?}");
        assert_eq!(
            m.file,
            format!("modules/gnu/packages/potluck/{}/master/jq.scm", m.name[3])
        );
        // Different repos never collide, even when they look alike.
        let x = module_path("https://github.com/a/b-c", "main", "p");
        let y = module_path("https://github.com/a-b/c", "main", "p");
        let z = module_path("https://GitHub.com/a/b-c", "main", "p");
        assert_ne!(x.name, y.name);
        assert_ne!(x.name, z.name);
        for m in [&x, &y, &z] {
            assert!(m.name.iter().all(|s| valid_symbol(s)), "{m:?}");
        }
    }
}
