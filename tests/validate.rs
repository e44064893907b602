//! Every validation and resolution rule, good and bad, through
//! `potluck-wasm check` (JSON and human output).

mod common;

use common::{cli, tempdir};
use serde_json::Value;

const TEMPLATE: &str = r#"(potluck-package
  (name "hello")
  (version "2.12.1")
  (source (potluck-source
            (git-uri "https://git.savannah.gnu.org/git/hello.git")
            (git-commit "0123456789abcdef0123456789abcdef01234567")
            (sha256 "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i")))
  (build-system 'gnu)
  (arguments '(#:tests? #f))
  (inputs '("guile@3.0" "zstd:lib"))
  (native-inputs '("pkg-config"))
  (propagated-inputs '())
  (synopsis "Friendly greeter")
  (description "GNU Hello prints a friendly greeting.")
  (license 'gpl3+)
  (home-page "https://www.gnu.org/software/hello/"))
"#;

/// (what to replace, replacement, expected kind or "ok", message substring)
const CASES: &[(&str, &str, &str, &str)] = &[
    ("", "", "ok", ""),
    (
        "(name \"hello\")",
        "(name \"\")",
        "validation",
        "field `name`: must not be empty",
    ),
    (
        "(name \"hello\")",
        "(name \"Hello\")",
        "validation",
        "is not a Guix package name",
    ),
    (
        "(name \"hello\")",
        "(name \"he/llo\")",
        "validation",
        "is not a Guix package name",
    ),
    (
        "(name \"hello\")",
        "(name \"a..b\")",
        "validation",
        "is not a Guix package name",
    ),
    (
        "(name \"hello\")",
        "(name \"-x\")",
        "validation",
        "is not a Guix package name",
    ),
    ("(name \"hello\")", "(name \"gtk+-2.0_x\")", "ok", ""),
    (
        "(version \"2.12.1\")",
        "(version \"\")",
        "validation",
        "field `version`: must not be empty",
    ),
    (
        "(version \"2.12.1\")",
        "(version \"2.12 beta\")",
        "validation",
        "contains white space",
    ),
    // Bidi controls and invisible characters (issue 16): a version is
    // ASCII only.
    (
        "(version \"2.12.1\")",
        "(version \"2.12\u{202e}1\")",
        "validation",
        "contains U+202E",
    ),
    (
        "(version \"2.12.1\")",
        "(version \"2.12\u{2066}1\")",
        "validation",
        "contains U+2066",
    ),
    (
        "(version \"2.12.1\")",
        "(version \"2.12\u{200b}1\")",
        "validation",
        "contains U+200B",
    ),
    (
        "(version \"2.12.1\")",
        "(version \"2.12\u{2060}1\")",
        "validation",
        "contains U+2060",
    ),
    (
        "(version \"2.12.1\")",
        "(version \"2.12\u{feff}1\")",
        "validation",
        "contains U+FEFF",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "git://git.savannah.gnu.org/hello.git",
        "ok",
        "",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "ssh://git.savannah.gnu.org/hello.git",
        "validation",
        "the scheme `ssh:` is not allowed",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "https://git.savannah.gnu.org/hello.git#main",
        "validation",
        "must not have a `#fragment`",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "https://me:pw@git.savannah.gnu.org/hello.git",
        "validation",
        "user name or password",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://127.0.0.1/x.git",
        "validation",
        "is not a public address",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://0x7f.1/x.git",
        "validation",
        "write it as `http://127.0.0.1/x.git`",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://[::1]/x.git",
        "validation",
        "is not a public address",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://[fd12::1]/x.git",
        "validation",
        "is not a public address",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://169.254.169.254/x",
        "validation",
        "is not a public address",
    ),
    (
        "https://git.savannah.gnu.org/git/hello.git",
        "http://gitlab.internal/x",
        "validation",
        "local-network name",
    ),
    (
        "0123456789abcdef0123456789abcdef01234567",
        "0123456789ABCDEF0123456789ABCDEF01234567",
        "validation",
        "must be in lowercase",
    ),
    (
        "0123456789abcdef0123456789abcdef01234567",
        "012345",
        "validation",
        "40 hexadecimal digits",
    ),
    (
        "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i",
        "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1",
        "validation",
        "must be 52 nix-base32 characters, but has 51",
    ),
    (
        "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i",
        "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1u",
        "validation",
        "character 52 (`u`)",
    ),
    (
        "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i",
        "zssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i",
        "validation",
        "does not decode to a 32-byte hash",
    ),
    (
        "(build-system 'gnu)",
        "(build-system 'gnuu)",
        "validation",
        "did you mean 'gnu?",
    ),
    ("(build-system 'gnu)", "(build-system 'cargo)", "ok", ""),
    (
        "(license 'gpl3+)",
        "(license 'gpl4+)",
        "validation",
        "is not a Guix license",
    ),
    ("(license 'gpl3+)", "(license 'expat)", "ok", ""),
    (
        "(arguments '(#:tests? #f))",
        "(arguments '(tests? #f))",
        "validation",
        "element 1 must be a keyword",
    ),
    (
        "(arguments '(#:tests? #f))",
        "(arguments '(#:tests?))",
        "validation",
        "has no value",
    ),
    (
        "(arguments '(#:tests? #f))",
        "(arguments 5)",
        "validation",
        "must be a list of keywords and values",
    ),
    (
        "(home-page \"https://www.gnu.org/software/hello/\")",
        "(home-page \"git://www.gnu.org/hello\")",
        "validation",
        "the scheme `git:` is not allowed",
    ),
    (
        "(home-page \"https://www.gnu.org/software/hello/\")",
        "(home-page \"https://localhost/\")",
        "validation",
        "this machine",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"\")",
        "validation",
        "field `synopsis`: must not be empty",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"Declarative synopsis here\")",
        "validation",
        "placeholder",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"\\\") (system \\\"x\\\")\")",
        "validation",
        "must start with a letter or a digit",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"Two\\nlines\")",
        "validation",
        "contains U+000A",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"Friendly \u{202e}greeter\")",
        "validation",
        "contains U+202E",
    ),
    (
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"Friendly\u{2028}greeter\")",
        "validation",
        "contains U+2028",
    ),
    (
        "(description \"GNU Hello prints a friendly greeting.\")",
        "(description \"\")",
        "validation",
        "field `description`: must not be empty",
    ),
    (
        "(description \"GNU Hello prints a friendly greeting.\")",
        "(description \"Declarative description here...\")",
        "validation",
        "placeholder",
    ),
    (
        "\"guile@3.0\"",
        "\"guile@9\"",
        "resolution",
        "no version of `guile` matches `9`",
    ),
    (
        "\"guile@3.0\"",
        "\"gulie\"",
        "resolution",
        "no package is named `gulie`",
    ),
    (
        "\"guile@3.0\"",
        "\"guile@3.0 zstd\"",
        "resolution",
        "is not a package specification",
    ),
    (
        "\"guile@3.0\"",
        "\"/gnu/store/x-bash\"",
        "resolution",
        "contains `/`",
    ),
    ("\"guile@3.0\"", "\"glib:bin\"", "ok", ""),
];

/// Lint advice: a warning (the dish is still ok) unless --deny-warnings.
const LINTS: &[(&str, &str, &str)] = &[
    ("(synopsis \"Friendly greeter\")", "(synopsis \"A friendly greeter\")", "starts with an article"),
    ("(synopsis \"Friendly greeter\")", "(synopsis \"Friendly greeter.\")", "ends with a period"),
    ("(synopsis \"Friendly greeter\")", "(synopsis \"friendly greeter\")", "should start with an upper-case letter or digit"),
    ("(synopsis \"Friendly greeter\")", "(synopsis \"Friendly greeter that greets people in a great many ways, in many languages and scripts\")", "characters long"),
    ("(description \"GNU Hello prints a friendly greeting.\")", "(description \"prints a friendly greeting.\")", "does not start with a capital letter"),
    ("(description \"GNU Hello prints a friendly greeting.\")", "(description \"GNU Hello prints a friendly greeting\")", "does not end with a period"),
    ("\"pkg-config\"", "\"pkg-config\" \"pkg-config\"", "is listed twice"),
    ("\"pkg-config\"", "\"guile@3.0.9:out\"", ""),
];

fn run(dish: &str, extra: &[&str]) -> (i32, Value) {
    let dir = tempdir();
    let file = dir.path().join("hello.scm");
    std::fs::write(&file, dish).unwrap();
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(file.to_str().unwrap());
    let out = cli(&args, dir.path());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    (out.status.code().unwrap(), json["dishes"][0].clone())
}

fn mutate(from: &str, to: &str) -> String {
    if from.is_empty() {
        return TEMPLATE.to_string();
    }
    assert!(TEMPLATE.contains(from), "{from}");
    TEMPLATE.replacen(from, to, 1)
}

#[test]
fn every_rule_through_check_json() {
    let mut failures = Vec::new();
    for (from, to, kind, msg) in CASES {
        let dish = mutate(from, to);
        let (code, report) = run(&dish, &[]);
        let diags = report["diagnostics"].as_array().unwrap();
        let errors: Vec<&Value> = diags.iter().filter(|d| d["severity"] == "error").collect();
        let good = if *kind == "ok" {
            code == 0 && errors.is_empty()
        } else {
            code == 1
                && errors.iter().any(|d| {
                    let text = format!("{} {}", d["message"], d["help"]);
                    d["kind"] == *kind
                        && text.contains(msg)
                        && d["help"].is_string()
                        && d["line"].as_u64().unwrap() >= 1
                })
        };
        if !good {
            failures.push(format!(
                "{to}: expected {kind} `{msg}`, got {code} {diags:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lint_advice_is_a_warning_unless_denied() {
    for (from, to, msg) in LINTS {
        let dish = mutate(from, to);
        let (code, report) = run(&dish, &[]);
        assert_eq!(code, 0, "{to}: {report}");
        let warnings: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "warning")
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        if msg.is_empty() {
            assert!(warnings.is_empty(), "{to}: {warnings:?}");
            continue;
        }
        assert!(
            warnings.iter().any(|w| w.contains(msg)),
            "{to}: {warnings:?}"
        );
        let (code, report) = run(&dish, &["--deny-warnings"]);
        assert_eq!(code, 1, "{to}: --deny-warnings must fail: {report}");
    }
}

#[test]
fn resolution_is_shown_and_serialised() {
    let (code, report) = run(TEMPLATE, &[]);
    assert_eq!(code, 0);
    let inputs = &report["inputs"]["inputs"];
    assert_eq!(inputs[0]["spec"], "guile@3.0");
    assert_eq!(inputs[0]["module"], "(gnu packages guile)");
    assert_eq!(inputs[1]["variable"], "zstd-1.5.7");
    assert_eq!(inputs[1]["output"], "lib");
    assert_eq!(
        report["inputs"]["native-inputs"][0]["variable"],
        "pkg-config"
    );

    let dir = tempdir();
    let file = dir.path().join("hello.scm");
    std::fs::write(&file, TEMPLATE).unwrap();
    let out = cli(
        &["check", "--explain-inputs", file.to_str().unwrap()],
        dir.path(),
    );
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("inputs: \"zstd:lib\" -> (gnu packages compression) zstd-1.5.7 (version 1.5.7, output lib)"), "{text}");
}

#[test]
fn another_index_can_be_selected_and_reresolved() {
    let dir = tempdir();
    let idx = dir.path().join("index");
    std::fs::create_dir(&idx).unwrap();
    std::fs::write(
        idx.join("packages.tsv"),
        "name\tversion\tmodule\tvariable\tline\tflags\nguile\t3.2.0\t(gnu packages guile)\tguile-3.2\t1\t-\npkg-config\t0.29.2\t(gnu packages pkg-config)\tpkg-config\t2\t-\n",
    )
    .unwrap();
    std::fs::write(
        idx.join("build-systems.tsv"),
        "symbol\tmodule\tvariable\ngnu\t(guix build-system gnu)\tgnu-build-system\n",
    )
    .unwrap();
    std::fs::write(
        idx.join("licenses.tsv"),
        "variable\tname\turi\ngpl3+\tGPL 3+\thttps://www.gnu.org/licenses/gpl.html\n",
    )
    .unwrap();
    let file = dir.path().join("hello.scm");
    std::fs::write(&file, TEMPLATE).unwrap();
    let (code, report) = run(TEMPLATE, &["--index", idx.to_str().unwrap()]);
    assert_eq!(
        code, 1,
        "guile@3.0 and zstd do not resolve in the small index: {report}"
    );

    let out = cli(
        &[
            "reresolve",
            "--new-index",
            idx.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "an input broke");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\"guile@3.0\": BROKEN: no version of `guile` matches `3.0`"),
        "{text}"
    );
    assert!(
        text.contains("\"zstd:lib\": BROKEN: no package is named `zstd`"),
        "{text}"
    );
    assert!(
        !text.contains("pkg-config"),
        "unchanged inputs are not listed: {text}"
    );
}

/// Issue 16: a 700-byte dish whose `version` is 3.9 MB of U+0001 made
/// `check` write 19.5 MB (46.8 MB as JSON).  Every message is bounded
/// (`MAX_TEXT`), a quoted value is cut (`MAX_QUOTE` characters), and the
/// output as a whole stays small.
#[test]
fn an_amplifying_dish_gets_bounded_output() {
    use potluck_dish::pipeline::MAX_DIAGNOSTICS_PER_DISH;
    use potluck_sandbox::diagnostic::{MAX_NOTES, MAX_TEXT};

    const SMALL: usize = 64 << 10;
    let dish = mutate(
        "(version \"2.12.1\")",
        "(version (let loop ((s (string (integer->char 1))) (n 0))\n\
         \x20           (if (< n 22) (loop (string-append s s) (+ n 1)) (substring s 0 3900000))))",
    );
    assert!(dish.len() < 1000, "{} bytes", dish.len());
    let dir = tempdir();
    std::fs::write(dir.path().join("amp.scm"), &dish).unwrap();

    // Human output.
    let out = cli(&["check", "amp.scm"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("field `version`") && text.contains("contains U+0001"),
        "the dish must reach validation with its 3.9 MB version: {}",
        text.chars().take(2000).collect::<String>()
    );
    assert!(
        out.stdout.len() + out.stderr.len() < SMALL,
        "`check` wrote {} + {} bytes",
        out.stdout.len(),
        out.stderr.len()
    );
    assert!(
        !out.stderr.contains(&1u8),
        "a raw U+0001 reached the terminal"
    );

    // JSON output: every text bounded, and the document as a whole.
    let out = cli(&["check", "--format", "json", "amp.scm"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diags = json["dishes"][0]["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("field `version`") && m.contains("contains U+0001"))),
        "{diags:?}"
    );
    assert!(
        diags.len() <= MAX_DIAGNOSTICS_PER_DISH + 1,
        "{}",
        diags.len()
    );
    for d in diags {
        let notes = d["notes"].as_array().unwrap();
        assert!(notes.len() <= MAX_NOTES, "{d}");
        for t in notes.iter().chain([&d["message"], &d["help"]]) {
            if let Some(t) = t.as_str() {
                assert!(t.len() <= MAX_TEXT + 3, "a {}-byte text", t.len());
            }
        }
    }
    assert!(
        out.stdout.len() < SMALL,
        "`check --format json` wrote {} bytes for a {}-byte dish",
        out.stdout.len(),
        dish.len()
    );
}

/// File names come from repos: escape sequences and bidi controls in them
/// never reach the terminal raw, on the ` --> FILE`, `= note: in FILE` and
/// `ok: NAME VERSION (FILE)` lines.
#[test]
fn file_names_reach_the_terminal_escaped() {
    let dir = tempdir();
    let dishes = dir.path().join("dishes");
    std::fs::create_dir(&dishes).unwrap();
    // ok, with a lint warning: an `ok:` line and a ` --> ` line.
    let linted = mutate(
        "(synopsis \"Friendly greeter\")",
        "(synopsis \"A friendly greeter\")",
    );
    std::fs::write(dishes.join("\u{1b}]0;X\u{7}ok.scm"), &linted).unwrap();
    std::fs::write(dishes.join("\u{202e}evil.scm"), &linted).unwrap();
    // A syntax error: ` --> `.
    std::fs::write(
        dishes.join("\u{1b}[2Jbad\u{1b}[31m.scm"),
        "(potluck-package (name \"x\")",
    )
    .unwrap();
    // A limit without a position: `= note: in FILE`.
    std::fs::write(
        dishes.join("\u{1b}]0;Y\u{7}loop.scm"),
        "(let loop () (loop))\n",
    )
    .unwrap();
    // A directory's dishes with such names are refused, by escaped name.
    let out = cli(&["check", "dishes"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!all.contains(&0x1b), "ESC reached the terminal: {text:?}");
    assert!(!all.contains(&0x07), "BEL reached the terminal: {text:?}");
    assert!(
        !text.contains('\u{202e}'),
        "U+202E reached the terminal: {text:?}"
    );
    for want in [
        "error: the file name holds U+001B, a control or invisible character [io]\n = note: in dishes/\\u{1b}]0;X\\u{7}ok.scm",
        "error: the file name holds U+202E, a control or invisible character [io]\n = note: in dishes/\\u{202e}evil.scm",
        "checked 4 dishes: 0 ok, 4 failed (4 errors, 0 warnings)",
    ] {
        assert!(text.contains(want), "expected {want:?} in {text}");
    }
    // Named one by one, they are checked, and their names still reach the
    // terminal escaped.
    let mut args = vec!["check".to_string()];
    for entry in std::fs::read_dir(&dishes).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        args.push(format!("dishes/{name}"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(&args, dir.path());
    assert_eq!(out.status.code(), Some(1));
    let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
    let text = String::from_utf8_lossy(&all);
    assert!(!all.contains(&0x1b), "ESC reached the terminal: {text:?}");
    assert!(!all.contains(&0x07), "BEL reached the terminal: {text:?}");
    assert!(
        !text.contains('\u{202e}'),
        "U+202E reached the terminal: {text:?}"
    );
    for want in [
        "ok: hello 2.12.1 (dishes/\\u{1b}]0;X\\u{7}ok.scm)",
        "ok: hello 2.12.1 (dishes/\\u{202e}evil.scm)",
        "--> dishes/\\u{1b}]0;X\\u{7}ok.scm:",
        "--> dishes/\\u{202e}evil.scm:",
        "--> dishes/\\u{1b}[2Jbad\\u{1b}[31m.scm:1:1",
        "note: in dishes/\\u{1b}]0;Y\\u{7}loop.scm",
    ] {
        assert!(text.contains(want), "expected {want:?} in {text}");
    }
}
