//! `potluck-wasm init` on fixture repositories made by the test.

mod common;

use std::path::Path;
use std::process::Command;

use common::{cli, tempdir};

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.org",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git must be installed (scripts/setup --test installs it)");
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn init_writes_a_dish_that_passes_check_once_placeholders_are_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempdir();
    let repo = tmp.path().join("My_Tool");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    std::fs::write(repo.join("src/main.c"), "int main(void) { return 0; }\n").unwrap();
    std::fs::write(repo.join("configure.ac"), "AC_INIT([t], [1])\n").unwrap();
    std::fs::write(repo.join("run.sh"), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(repo.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink("README", repo.join("READ.ME")).unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    git(&repo, &["tag", "v1.2.3"]);
    // The hash is of HEAD, not of the (dirty) working tree.
    let clean = potluck_wasm::init::head_hash(&repo).unwrap();
    std::fs::write(repo.join("README"), "changed but not committed\n").unwrap();
    std::fs::write(repo.join("untracked.txt"), "x").unwrap();

    // Not at the root: refused.
    let out = cli(
        &["init", "https://example.org/my-tool.git"],
        &repo.join("src"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("root of the checkout"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = cli(
        &[
            "init",
            "https://example.org/my-tool.git",
            "--autotools",
            "--license",
            "expat",
        ],
        &repo,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("next steps"));
    let dish_path = repo.join("guix-potluck/my_tool.scm");
    let dish = std::fs::read_to_string(&dish_path).unwrap();
    let head = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        dish.contains(&format!("(git-commit \"{}\")", head.trim())),
        "{dish}"
    );
    assert!(dish.contains("(version \"1.2.3\")"), "{dish}");
    assert!(dish.contains(&format!("(sha256 \"{clean}\")")), "{dish}");
    assert!(dish.contains("\"autoconf\" \"automake\" \"libtool\" \"pkg-config\""));
    assert!(repo.join("guix-potluck/README.md").is_file());

    // Placeholders are rejected until replaced.
    let out = cli(&["check", "--format", "json"], &repo);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("placeholder"), "{text}");
    let fixed = dish
        .replace(
            potluck_wasm::validate::PLACEHOLDER_SYNOPSIS,
            "Tool that does things",
        )
        .replace(
            potluck_wasm::validate::PLACEHOLDER_DESCRIPTION,
            "This tool does useful things.",
        );
    std::fs::write(&dish_path, fixed).unwrap();
    let out = cli(&["check"], &repo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A second init is refused.
    let out = cli(&["init", "https://example.org/my-tool.git"], &repo);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn init_help_lists_build_systems_and_licenses() {
    let tmp = tempdir();
    let out = cli(&["init", "--build-system", "help"], tmp.path());
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.starts_with("gnu ")));
    let out = cli(&["init", "--license", "help"], tmp.path());
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.starts_with("gpl3+ ")));
    // Outside a checkout: a clear refusal.
    let out = cli(&["init", "https://example.org/x.git"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("root of a git checkout"));
}
