//! A channel users can trust: dish sources verified (by the author's
//! `check`, `hash` and `refresh`, and by the host before it publishes),
//! channel commits signed and authenticated by the real Guix code
//! (`tests/guix/authenticate-channel.scm`, with `POTLUCK_GUIX_SOURCE`), and
//! the channel served over git's smart HTTP to `git clone` and guile-git.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::host::*;
use common::{cli, guix_source, tempdir};

/// A dish for `name` pinning `commit` of `uri` with `sha256`.
fn dish(name: &str, uri: &str, commit: &str, sha256: &str) -> String {
    format!(
        r#";; A dish made by the test.
(define base "1.0")
(potluck-package
  (name "{name}")
  (version (string-append base ".0"))
  (source (potluck-source
            (git-uri "{uri}")
            (git-commit "{commit}")
            (sha256 "{sha256}")))
  (build-system 'gnu)
  (inputs '())
  (home-page "https://example.org/{name}")
  (synopsis "Test package")
  (description "This package exists for a test.")
  (license 'gpl3+))
"#
    )
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A checkout with a tagged commit and one more, `origin` set to `remote`.
fn source_checkout(dir: &Path, remote: &str) -> (String, String) {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    write_files(dir, &[("main.c", b"int main(void) { return 0; }\n")]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "first"]);
    git(dir, &["tag", "v1.0"]);
    let first = git(dir, &["rev-parse", "HEAD"]);
    write_files(dir, &[("README", b"Hello.\n")]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "second"]);
    let second = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["remote", "add", "origin", remote]);
    (first, second)
}

#[test]
fn authors_hash_refresh_and_check_sources_from_local_objects() {
    let tmp = tempdir();
    let repo = tmp.path().join("hello");
    let remote = "https://example.org/alice/hello.git";
    let (first, second) = source_checkout(&repo, remote);

    // `hash --commit` is the hash of a checkout without .git; `hash DIR`
    // hashes the files as they are (here the same tree as HEAD).
    let h = |args: &[&str]| {
        let out = cli(args, &repo);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).trim().to_string()
    };
    let at_first = h(&["hash", "--commit", "v1.0"]);
    let at_head = h(&["hash", "--commit", "HEAD"]);
    assert_eq!(at_first.len(), 52, "{at_first}");
    assert_ne!(at_first, at_head);
    assert_eq!(h(&["hash", "."]), at_head);
    let out = cli(&["hash", "--commit", "no-such-tag"], &repo);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-tag"), "{}", stderr(&out));

    // A dish pinning v1.0 with a literal version, checked from local objects.
    let file = repo.join("guix-potluck/hello.scm");
    let literal = dish("hello", remote, &first, &at_first).replace(
        r#"(version (string-append base ".0"))"#,
        r#"(version "1.0")"#,
    );
    write_files(&repo, &[("guix-potluck/hello.scm", literal.as_bytes())]);
    let out = cli(&["check"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));

    // A wrong sha256 is an error at the field, with the right hash.
    let wrong = literal.replace(&at_first, &at_head);
    std::fs::write(&file, &wrong).unwrap();
    let out = cli(&["check"], &repo);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "field `sha256`: the checkout of commit {first} hashes to {at_first}, not {at_head}"
        )),
        "{err}"
    );
    assert!(err.contains("guix-potluck/hello.scm:9:21"), "{err}");
    assert!(err.contains("potluck-wasm refresh"), "{err}");
    // ... and not looked at when asked not to.
    let out = cli(&["check", "--no-verify-source"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));

    // `refresh` pins HEAD: only the three literals change.
    let out = cli(&["refresh", "guix-potluck/hello.scm"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("version: 1.0 -> 1.0-1."),
        "{}",
        stdout(&out)
    );
    let short = &second[..7];
    let expected = wrong
        .replace(
            r#"(version "1.0")"#,
            &format!(r#"(version "1.0-1.{short}")"#),
        )
        .replace(&first, &second);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected);
    let out = cli(&["check"], &repo);
    assert!(out.status.success(), "{}", stderr(&out));
    // Again: nothing to do.
    let out = cli(&["refresh", "guix-potluck/hello.scm"], &repo);
    assert!(stdout(&out).contains("already pins"), "{}", stdout(&out));

    // A computed version is refused, and the file is left alone.
    let computed = dish("hello", remote, &second, &at_head);
    std::fs::write(&file, &computed).unwrap();
    let out = cli(
        &["refresh", "guix-potluck/hello.scm", "--to", "v1.0"],
        &repo,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("field `version` is computed ((string-append base \".0\"))"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), computed);

    // A dish of another repository is not refreshed from this one.
    let other = dish("other", "https://example.org/bob/other", &second, &at_head);
    std::fs::write(&file, &other).unwrap();
    let out = cli(&["refresh", "guix-potluck/hello.scm"], &repo);
    assert!(
        stderr(&out).contains("is not a remote of the git checkout"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_host_publishes_only_dishes_whose_source_hashes_as_pinned() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    // The upstream source, served by git daemon.
    let lib = daemon.repo("lib", &[("lib.c", b"int f(void) { return 1; }\n")]);
    let commit = git(&lib, &["rev-parse", "HEAD"]);
    let out = cli(&["hash", "--commit", &commit], &lib);
    let good = stdout(&out).trim().to_string();
    assert_eq!(good.len(), 52, "{}", stderr(&out));
    // The first nix-base32 digit of a SHA-256 is 0 or 1.
    let flipped = if good.starts_with('0') { "1" } else { "0" };
    let bad = format!("{flipped}{}", &good[1..]);
    let missing = "0123456789abcdef0123456789abcdef01234567";
    let uri = daemon.url("lib");
    daemon.repo(
        "dishes",
        &[
            (
                "guix-potluck/good.scm",
                dish("good", &uri, &commit, &good).as_bytes(),
            ),
            (
                "guix-potluck/bad.scm",
                dish("bad", &uri, &commit, &bad).as_bytes(),
            ),
            (
                "guix-potluck/gone.scm",
                dish("gone", &uri, missing, &good).as_bytes(),
            ),
            (
                "guix-potluck/again.scm",
                dish("again", &uri, &commit, &good).as_bytes(),
            ),
        ],
    );
    let server = Server::start_verifying(&tmp.path().join("state"), &["--workers", "2"]);
    let id = enqueue(&server.base, &daemon.url("dishes"), "main");
    let job = wait_job(&server, id);
    assert_eq!(job["state"], "done", "{job:#}\n{}", server.log());
    let by_file = |file: &str| {
        job["dishes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["file"] == file)
            .unwrap_or_else(|| panic!("no {file} in {job:#}"))
            .clone()
    };
    for ok in ["good.scm", "again.scm"] {
        let d = by_file(ok);
        assert_eq!(d["ok"], true, "{d:#}");
        assert_eq!(d["source"], "verified", "{d:#}");
    }
    let b = by_file("bad.scm");
    assert_eq!(b["ok"], false);
    assert_eq!(b["source"], "mismatch");
    let rendered = b["rendered"].as_str().unwrap();
    assert!(
        rendered.contains(&format!("hashes to {good}, not {bad}")),
        "{rendered}"
    );
    assert!(rendered.contains("guix-potluck/bad.scm:9:21"), "{rendered}");
    let g = by_file("gone.scm");
    assert_eq!(g["ok"], false);
    assert_eq!(g["source"], "unreachable");
    assert!(
        g["rendered"]
            .as_str()
            .unwrap()
            .contains(&format!("cannot fetch commit {missing}")),
        "{g:#}"
    );
    // Only the verified dishes are in the channel.
    let files = channel_files(&server.channel());
    let modules: Vec<&String> = files.iter().filter(|f| f.starts_with("modules/")).collect();
    assert_eq!(modules.len(), 2, "{files:?}");
    assert!(modules
        .iter()
        .all(|m| m.ends_with("/good.scm") || m.ends_with("/again.scm")));

    // The API and the status page say what was found.
    let (_, d) = get(&server.base, "/api/dishes");
    let states: Vec<(String, String)> = d["dishes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["source"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        states.contains(&("bad.scm".into(), "mismatch".into())),
        "{states:?}"
    );
    assert!(
        states.contains(&("good.scm".into(), "verified".into())),
        "{states:?}"
    );
    let page = agent()
        .get(&format!("{}/", server.base))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    for word in ["verified", "mismatch", "unreachable"] {
        assert!(page.contains(word), "the page shows {word}");
    }

    // The verdict is cached by (URL, commit): a second branch pinning the
    // same source is not fetched again.
    let log_before = server.log().matches("source checked").count();
    let dishes = daemon.root.join("dishes");
    git(&dishes, &["checkout", "-q", "-b", "other"]);
    let id = enqueue(&server.base, &daemon.url("dishes"), "other");
    let job = wait_job(&server, id);
    assert_eq!(job["state"], "done", "{job:#}");
    assert_eq!(
        server.log().matches("source checked").count(),
        log_before,
        "{}",
        server.log()
    );
}

/// A fresh GnuPG home under /tmp (gpg-agent's socket path must be short),
/// with an ed25519 signing key without passphrase; returns the home and
/// the armored secret key's file.
struct Gpg {
    dir: tempfile::TempDir,
}

impl Gpg {
    fn new(uid: &str) -> Gpg {
        let dir = tempfile::Builder::new()
            .prefix("pg")
            .tempdir_in("/tmp")
            .unwrap();
        let g = Gpg { dir };
        std::fs::create_dir(g.home()).unwrap();
        std::fs::set_permissions(
            g.home(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        g.run(&[
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            uid,
            "ed25519",
            "sign",
            "never",
        ]);
        let key = g.run(&["--batch", "--armor", "--export-secret-keys"]);
        std::fs::write(g.key_file(), key).unwrap();
        g
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("g")
    }

    fn key_file(&self) -> PathBuf {
        self.dir.path().join("secret.asc")
    }

    fn fingerprint(&self) -> String {
        let out = self.run(&["--with-colons", "--list-secret-keys"]);
        out.lines()
            .find(|l| l.starts_with("fpr:"))
            .and_then(|l| l.split(':').nth(9))
            .unwrap()
            .to_string()
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("gpg")
            .env("GNUPGHOME", self.home())
            .args(args)
            .output()
            .expect("gpg must be installed (scripts/setup --test)");
        assert!(out.status.success(), "gpg {args:?}: {}", stderr(&out));
        stdout(&out)
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home())
            .args(["--kill", "all"])
            .status();
    }
}

/// Run the real Guix authentication of `branch` of `repo`.
fn authenticate(
    guix: &Path,
    repo: &Path,
    branch: &str,
    intro: &str,
    fpr: &str,
    reject: bool,
) -> String {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/guix/authenticate-channel.scm");
    let mut c = Command::new("guile");
    c.env("GUILE_AUTO_COMPILE", "0")
        .arg("-L")
        .arg(guix)
        .arg("-s")
        .arg(script)
        .args(["--keyring-prefix", "origin/"]);
    if reject {
        c.arg("--expect-reject");
    }
    let out = c.arg(repo).args([branch, intro, fpr]).output().unwrap();
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "authentication of {branch} (expect reject: {reject}): {text}\n{}",
        stderr(&out)
    );
    text
}

#[test]
fn a_signed_channel_served_over_http_is_cloned_and_authenticated_by_guix() {
    let tmp = tempdir();
    let daemon = Daemon::start(&tmp.path().join("repos"));
    daemon.repo(
        "dishes",
        &[("guix-potluck/bits.scm", &valid_dish("bit-operations.scm"))],
    );
    let key = Gpg::new("Potluck Host <host@example.org>");
    let fpr = key.fingerprint();
    let key_file = key.key_file();
    let server = Server::start(
        &tmp.path().join("state"),
        &[
            "--workers",
            "1",
            "--signing-key",
            key_file.to_str().unwrap(),
        ],
    );
    let id = enqueue(&server.base, &daemon.url("dishes"), "main");
    assert_eq!(wait_job(&server, id)["state"], "done");

    // How to subscribe: the URL served here and the introduction.
    let (status, ch) = get(&server.base, "/api/channel");
    assert_eq!(status, 200, "{ch}");
    let url = format!("{}/channel.git", server.base);
    assert_eq!(ch["url"], url.as_str());
    let intro = ch["introduction"]["commit"].as_str().unwrap().to_string();
    let spaced = ch["introduction"]["fingerprint"].as_str().unwrap();
    assert_eq!(spaced.replace(' ', ""), fpr);
    let scm = ch["channels-scm"].as_str().unwrap();
    assert!(scm.contains(&format!("(url \"{url}\")")), "{scm}");
    assert!(scm.contains("(make-channel-introduction"), "{scm}");
    assert!(scm.contains(&format!("\"{intro}\"")), "{scm}");
    assert!(
        scm.contains(&format!("(openpgp-fingerprint\n           \"{spaced}\")")),
        "{scm}"
    );

    // Every commit of the channel is signed by the host's key.
    let ch_dir = server.channel();
    let sigs = Command::new("git")
        .arg("--git-dir")
        .arg(&ch_dir)
        .args(["log", "--format=%H %GF", "main"])
        .env("GNUPGHOME", key.home())
        .output()
        .unwrap();
    for line in stdout(&sigs).lines() {
        assert!(line.ends_with(&fpr), "unsigned or foreign commit: {line}");
    }

    // git clone over smart HTTP, with the keyring branch; push is refused.
    let clone = tmp.path().join("clone");
    let out = Command::new("git")
        .args(["clone", "--quiet", &url])
        .arg(&clone)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let branches = git(&clone, &["branch", "-r"]);
    assert!(branches.contains("origin/keyring"), "{branches}");
    assert!(clone.join("modules").is_dir());
    write_files(&clone, &[("evil.scm", b"(evil)")]);
    git(&clone, &["add", "-A"]);
    git(&clone, &["commit", "-q", "-m", "evil"]);
    let out = Command::new("git")
        .current_dir(&clone)
        .args(["push", "origin", "HEAD:main"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(!out.status.success(), "a push was accepted");
    git(&clone, &["reset", "-q", "--hard", "origin/main"]);

    let Some(guix) = guix_source("the channel authentication test") else {
        return;
    };
    // guile-git (what `guix pull` uses) clones it too.
    let guile_clone = tmp.path().join("guile-clone");
    let out = Command::new("guile")
        .args([
            "-c",
            "(use-modules (git)) (clone (cadr (command-line)) (caddr (command-line)))",
        ])
        .arg(&url)
        .arg(&guile_clone)
        .output()
        .unwrap();
    assert!(out.status.success(), "guile-git clone: {}", stderr(&out));
    assert!(guile_clone.join(".guix-channel").is_file());

    // Guix authenticates the channel as published...
    let ok = authenticate(&guix, &clone, "origin/main", &intro, spaced, false);
    assert!(ok.starts_with("RESULT-AUTH\tok\t"), "{ok}");

    // ... and refuses an unsigned commit and one signed by another key.
    let mallory = Gpg::new("Mallory <m@example.org>");
    let forge = |name: &str, sign: Option<&Gpg>| {
        git(&clone, &["checkout", "-q", "-B", name, "origin/main"]);
        write_files(
            &clone,
            &[("modules/gnu/packages/evil.scm", b"(define-module (evil))")],
        );
        git(&clone, &["add", "-A"]);
        let mut c = Command::new("git");
        c.current_dir(&clone)
            .args([
                "-c",
                "user.name=M",
                "-c",
                "user.email=m@example.org",
                "commit",
                "-q",
                "-m",
                "forged",
            ])
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        if let Some(g) = sign {
            c.arg(format!("-S{}", g.fingerprint()))
                .env("GNUPGHOME", g.home());
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        // Where `guix pull` would see it: origin's branch.
        git(
            &clone,
            &["update-ref", &format!("refs/remotes/origin/{name}"), name],
        );
    };
    forge("unsigned", None);
    let r = authenticate(&guix, &clone, "origin/unsigned", &intro, spaced, true);
    assert!(r.contains("unsigned-commit"), "{r}");
    forge("forged", Some(&mallory));
    let r = authenticate(&guix, &clone, "origin/forged", &intro, spaced, true);
    assert!(
        r.contains("unauthorized-commit") || r.contains("missing-key"),
        "{r}"
    );
}
