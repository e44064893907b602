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
    // The hash is of a checkout of HEAD, not of the (dirty) working tree.
    let clean = checkout_hash(&repo, &tmp.path().join("co"));
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
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("next steps"), "{stdout}");
    assert!(
        stdout.contains("potluck-wasm update https://example.org/my-tool.git master --host HOST")
            || stdout
                .contains("potluck-wasm update https://example.org/my-tool.git main --host HOST"),
        "{stdout}"
    );
    // The name comes from the remote's repository name, not the directory.
    let dish_path = repo.join("guix-potluck/my-tool.scm");
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
    assert!(
        dish.contains("(home-page \"https://example.org/my-tool\")"),
        "{dish}"
    );
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
            potluck_dish::validate::PLACEHOLDER_SYNOPSIS,
            "Tool that does things",
        )
        .replace(
            potluck_dish::validate::PLACEHOLDER_DESCRIPTION,
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

/// What a Guix `git-fetch` of HEAD holds, made independently of potluck:
/// `git clone`, `git checkout`, the top-level `.git` removed; then hashed.
fn checkout_hash(repo: &Path, dest: &Path) -> String {
    let head = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let ok = Command::new("git")
        .args(["-c", "core.autocrlf=false", "clone", "-q", "--no-checkout"])
        .arg(repo)
        .arg(dest)
        .status()
        .unwrap();
    assert!(ok.success());
    git(
        dest,
        &["-c", "core.autocrlf=false", "checkout", "-q", head.trim()],
    );
    std::fs::remove_dir_all(dest.join(".git")).unwrap();
    potluck_dish::nar::hash_dir(dest, &potluck_dish::nar::Select::All).unwrap()
}

/// `.gitattributes` applies as in a checkout (eol conversion), not as in
/// `git archive` (export-ignore, export-subst): init's hash is the
/// checkout's.
#[test]
fn init_hashes_the_checkout_not_the_archive() {
    let tmp = tempdir();
    let repo = tmp.path().join("attrs");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(
        repo.join(".gitattributes"),
        "ignored.txt export-ignore\nversion.txt export-subst\ncrlf.txt text eol=crlf\n",
    )
    .unwrap();
    std::fs::write(repo.join("ignored.txt"), "left out of archives\n").unwrap();
    std::fs::write(repo.join("version.txt"), "$Format:%H$\n").unwrap();
    std::fs::write(repo.join("crlf.txt"), "one\ntwo\n").unwrap();
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "attrs"]);
    let want = checkout_hash(&repo, &tmp.path().join("co"));
    // The archive differs: the test would not see a wrong method otherwise.
    let archive = tmp.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    let tar = Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["archive", "HEAD"])
        .output()
        .unwrap();
    let mut untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&archive)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(untar.stdin.as_mut().unwrap(), &tar.stdout).unwrap();
    assert!(untar.wait().unwrap().success());
    let archived = potluck_dish::nar::hash_dir(&archive, &potluck_dish::nar::Select::All).unwrap();
    assert_ne!(
        want, archived,
        "the fixture must tell a checkout from an archive"
    );
    let out = cli(&["init", "https://example.org/attrs.git"], &repo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dish = std::fs::read_to_string(repo.join("guix-potluck/attrs.scm")).unwrap();
    assert!(
        dish.contains(&format!("(sha256 \"{want}\")")),
        "{dish}\nwant {want}"
    );
    // No tag: Guix's git-version form, and a note that says what it means.
    assert!(dish.contains("(version \"0.0.0-0."), "{dish}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("git-version"));
}

/// Two commits after a tag: Guix's `git-version` form, `(git-version
/// "0.3.1" "2" commit)` = `0.3.1-2.` and the commit's first seven hex
/// digits, and a note that says what it means.
#[test]
fn init_after_a_tag_writes_a_git_version_and_explains_it() {
    let tmp = tempdir();
    let repo = tmp.path().join("checkout");
    std::fs::create_dir_all(&repo).expect("create the checkout");
    git(&repo, &["init", "-q", "--initial-branch=trunk"]);
    std::fs::write(repo.join("README"), "one\n").expect("write README");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    git(&repo, &["tag", "v0.3.1"]);
    for n in ["two", "three"] {
        std::fs::write(repo.join("README"), format!("{n}\n")).expect("write README");
        git(&repo, &["commit", "-q", "-a", "-m", n]);
    }
    let head = String::from_utf8(
        Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["rev-parse", "HEAD"])
            .output()
            .expect("git rev-parse")
            .stdout,
    )
    .expect("a UTF-8 commit hash");
    let short = &head.trim()[..7];

    let out = cli(&["init", "https://example.org/alice/cool-tool.git"], &repo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dish = std::fs::read_to_string(repo.join("guix-potluck/cool-tool.scm"))
        .expect("init writes guix-potluck/cool-tool.scm");
    let version = format!("0.3.1-2.{short}");
    assert!(dish.contains(&format!("(version \"{version}\")")), "{dish}");
    assert!(
        dish.contains(&format!("(git-commit \"{}\")", head.trim())),
        "{dish}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.lines().any(|l| l
            == format!(
                "note: the version {version} is Guix's git-version form: 2 commits after the tag `v0.3.1`, at commit {short}"
            )),
        "{stdout}"
    );
    // The next steps name the real URL and branch.
    assert!(
        stdout.lines().any(|l| l.trim()
            == "4. potluck-wasm update https://example.org/alice/cool-tool.git trunk --host HOST"),
        "{stdout}"
    );
}
