//! Integration tests of the wasm sandbox through the real guest component:
//! the import allowlist, every limit reported as its own diagnostic, the
//! host's re-validation of guest output, concurrency and determinism.

mod common;

use std::time::{Duration, Instant};

use common::{sandbox, sandbox_with};
use potluck_wasm::diagnostic::Kind;
use potluck_wasm::dish::{self, Datum};
use potluck_wasm::sandbox::{wit, Cache, CacheOutcome, Limits, Sandbox};

const DISH: &str = r#"(potluck-package
  (name "hello") (version "2.12")
  (source (potluck-source (git-uri "https://git.savannah.gnu.org/git/hello.git")
                          (git-commit "0123456789abcdef0123456789abcdef01234567")
                          (sha256 "0ssi1wpaf7plaswqqjwigppsg5fyh99vdlb9kzl7c9lng89ndq1i")))
  (build-system 'gnu)
  (arguments '(#:tests? #f #:make-flags '("V=1") #:x 1/3 #:y 12345678901234567890123 #:z #(1 #\a 2.5)))
  (inputs '("guile@3.0")) (native-inputs '("pkg-config"))
  (synopsis "Say hello") (description "Prints a friendly greeting.")
  (license 'gpl3+) (home-page "https://www.gnu.org/software/hello/"))"#;

fn limit_message(limits: Limits, src: &str) -> String {
    let s = sandbox_with(limits);
    let t = Instant::now();
    let errs = s.evaluate("hostile.scm", src).expect_err("must be stopped");
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(errs[0].kind, Kind::Limit, "{errs:?}");
    errs[0].message.clone()
}

/// The guest is granted no capability because it imports nothing: not
/// even the WASI interfaces Rust's standard library refers to (the guest
/// defines those itself; see `guest/src/export.rs`).
#[test]
fn the_guest_imports_nothing() {
    assert_eq!(sandbox().component_imports(), Vec::<String>::new());
}

/// Compiled code runs natively, so it is read only from a cache directory
/// that is this user's and writable by no one else: the same files in a
/// world-writable directory are compiled afresh, not loaded.
#[test]
fn compiled_code_is_loaded_only_from_a_private_cache() {
    use std::os::unix::fs::PermissionsExt;
    sandbox(); // fills the shared cache
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    std::fs::create_dir(&dir).unwrap();
    for e in std::fs::read_dir(common::cache_dir()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "cwasm") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let load = |mode: u32| {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        Sandbox::new(Limits::default(), &Cache::Dir(dir.clone()), 1)
            .expect("sandbox")
            .1
    };
    assert_eq!(load(0o777), CacheOutcome::Miss);
    assert_eq!(load(0o700), CacheOutcome::Hit);
}

#[test]
fn the_bindings_export_is_the_2017_list() {
    let names = sandbox().bindings().unwrap();
    let expected: Vec<String> = potluck_guest::binding_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(names, expected);
    assert!(names.len() > 400);
}

#[test]
fn a_dish_round_trips_with_every_field_and_span() {
    let d = sandbox().evaluate("hello.scm", DISH).unwrap();
    assert_eq!(d.name.value, "hello");
    assert_eq!(&DISH[d.name.span.start..d.name.span.end], "\"hello\"");
    assert_eq!(d.build_system.value, "gnu");
    assert_eq!(d.license.value, "gpl3+");
    assert_eq!(d.inputs.items[0].value, "guile@3.0");
    assert_eq!(
        &DISH[d.inputs.items[0].span.start..d.inputs.items[0].span.end],
        "\"guile@3.0\""
    );
    let Datum::List(args, None) = &d.arguments.value else {
        panic!("{:?}", d.arguments.value)
    };
    assert_eq!(args[0], Datum::Keyword("tests?".into()));
    assert_eq!(args[1], Datum::Bool(false));
    assert_eq!(args[5], Datum::Rational("1/3".into()));
    assert_eq!(args[7], Datum::Integer("12345678901234567890123".into()));
    assert_eq!(
        args[9],
        Datum::Vector(vec![
            Datum::Integer("1".into()),
            Datum::Char('a'),
            Datum::Real(2.5)
        ])
    );
    // Deterministic: the same dish gives the same record.
    assert_eq!(sandbox().evaluate("hello.scm", DISH).unwrap(), d);
}

#[test]
fn fuel_stops_an_infinite_loop() {
    let limits = Limits {
        fuel: 20_000_000,
        steps: u64::MAX,
        ..Limits::default()
    };
    let msg = limit_message(limits, "(let loop () (loop))");
    assert!(msg.contains("fuel"), "{msg}");
}

#[test]
fn the_deadline_stops_what_fuel_would_allow() {
    let limits = Limits {
        fuel: u64::MAX,
        steps: u64::MAX,
        deadline: Duration::from_millis(50),
        ..Limits::default()
    };
    let t = Instant::now();
    let msg = limit_message(limits, "(let loop () (loop))");
    assert!(msg.contains("deadline"), "{msg}");
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn the_memory_cap_is_a_limit_not_a_crash() {
    let limits = Limits {
        memory_bytes: 16 << 20,
        alloc_bytes: u64::MAX,
        ..Limits::default()
    };
    let msg = limit_message(limits, "(string-length (make-string 40000000 #\\a))");
    assert!(msg.contains("memory limit"), "{msg}");
}

#[test]
fn the_interpreter_limits_are_reported() {
    let msg = limit_message(Limits::default(), "(define (f n) (+ 1 (f n))) (f 1)");
    assert!(msg.contains("recursion deeper"), "{msg}");
    let msg = limit_message(Limits::default(), "(make-list 100000000 1)");
    assert!(msg.contains("allocat"), "{msg}");
    let msg = limit_message(Limits::default(), "(expt 10 (expt 10 9))");
    assert!(msg.contains("bits"), "{msg}");
    let msg = limit_message(
        Limits::default(),
        "(define-syntax f (syntax-rules () ((_ x) (f (x x))))) (f 1)",
    );
    assert!(
        msg.contains("expansion")
            || msg.contains("steps")
            || msg.contains("allocat")
            || msg.contains("recursion"),
        "{msg}"
    );
}

#[test]
fn a_small_wasm_stack_is_a_limit_not_a_crash() {
    let limits = Limits {
        wasm_stack_bytes: 64 << 10,
        depth: 1_000_000,
        ..Limits::default()
    };
    let msg = limit_message(limits, "(define (f n) (+ 1 (f n))) (f 1)");
    assert!(msg.contains("stack") || msg.contains("memory"), "{msg}");
}

#[test]
fn source_and_output_caps() {
    let limits = Limits {
        source_bytes: 1000,
        ..Limits::default()
    };
    let msg = limit_message(limits, &format!("; {}\n1", "x".repeat(2000)));
    assert!(msg.contains("1000-byte limit"), "{msg}");

    let limits = Limits {
        output_bytes: 10_000,
        ..Limits::default()
    };
    let big = DISH.replace(
        "(description \"Prints a friendly greeting.\")",
        "(description (make-string 50000 #\\a))",
    );
    let msg = limit_message(limits, &big);
    assert!(msg.contains("output limit"), "{msg}");
}

#[test]
fn evaluation_is_concurrent_and_isolated() {
    let s = sandbox();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let s = &s;
            scope.spawn(move || {
                for i in 0..25 {
                    let src = DISH.replace("\"2.12\"", &format!("\"{t}.{i}\""));
                    let d = s.evaluate("hello.scm", &src).unwrap();
                    assert_eq!(d.version.value, format!("{t}.{i}"));
                    // Globals defined by one dish are not visible to the next.
                    let leak = s.evaluate("leak.scm", "(define secret 1)\nsecret2");
                    assert!(leak.is_err());
                }
            });
        }
    });
}

fn span(start: u32, end: u32) -> wit::Span {
    wit::Span { start, end }
}

fn sstr(v: &str, s: wit::Span) -> wit::SpannedString {
    wit::SpannedString {
        value: v.into(),
        span: s,
    }
}

fn package(name_span: wit::Span, nodes: Vec<wit::DatumNode>) -> wit::Package {
    let ok = span(0, 1);
    let specs = wit::SpecList {
        items: vec![],
        span: ok,
    };
    wit::Package {
        name: sstr("x", name_span),
        version: sstr("1", ok),
        source: wit::Source {
            git_uri: sstr("https://e.org/x", ok),
            git_commit: sstr("0", ok),
            sha256: sstr("0", ok),
            snippet: None,
            span: ok,
        },
        build_system: sstr("gnu", ok),
        arguments: wit::SpannedDatum {
            value: wit::Datum { nodes },
            span: ok,
        },
        inputs: specs.clone(),
        native_inputs: specs.clone(),
        propagated_inputs: specs,
        synopsis: sstr("S", ok),
        description: sstr("D", ok),
        license: sstr("gpl3+", ok),
        home_page: sstr("https://e.org", ok),
        span: ok,
    }
}

#[test]
fn the_host_refuses_malformed_guest_output() {
    use wit::DatumNode as N;
    let src = "(λ)";
    let good = dish::from_guest(package(span(0, 1), vec![N::Null]), "f.scm", src, 1 << 20);
    assert!(good.is_ok(), "{good:?}");
    let bad_cases: Vec<(&str, wit::Package)> = vec![
        ("span past the end", package(span(0, 99), vec![N::Null])),
        (
            "span inside a character",
            package(span(1, 2), vec![N::Null]),
        ),
        ("reversed span", package(span(2, 1), vec![N::Null])),
        ("empty datum", package(span(0, 1), vec![])),
        (
            "forward reference",
            package(span(0, 1), vec![N::Pair((1, 1)), N::Null]),
        ),
        ("self reference", package(span(0, 1), vec![N::Pair((0, 0))])),
        (
            "bad vector index",
            package(span(0, 1), vec![N::Vector(vec![5])]),
        ),
        (
            "bad bignum",
            package(span(0, 1), vec![N::BigInteger("12x".into())]),
        ),
        (
            "zero denominator",
            package(span(0, 1), vec![N::Rational("1/0".into())]),
        ),
    ];
    for (what, p) in bad_cases {
        let errs = dish::from_guest(p, "f.scm", src, 1 << 20).expect_err(what);
        assert_eq!(errs[0].kind, Kind::Internal, "{what}: {errs:?}");
        assert!(errs[0].message.contains("malformed"), "{what}");
    }
    // A DAG that would expand exponentially is refused, not expanded.
    let mut nodes = vec![N::Null];
    for i in 0..64u32 {
        nodes.push(N::Pair((i, i)));
    }
    let errs = dish::from_guest(package(span(0, 1), nodes), "f.scm", src, usize::MAX).unwrap_err();
    assert!(
        errs[0].message.contains("malformed") || errs[0].kind == Kind::Limit,
        "{errs:?}"
    );
    // Guest diagnostics are bounded and re-located.
    let many: Vec<wit::Diagnostic> = (0..500)
        .map(|_| wit::Diagnostic {
            kind: wit::DiagnosticKind::Syntax,
            message: "m".repeat(10_000),
            help: None,
            file: "/etc/passwd".into(),
            line: 999,
            column: 999,
            span: Some(span(0, 999)),
        })
        .collect();
    let out = dish::diagnostics_from_guest(many, "f.scm", src, 1 << 20);
    assert!(out.len() <= dish::MAX_GUEST_DIAGNOSTICS + 1);
    assert_eq!(out[0].file, "f.scm");
    assert_eq!(out[0].line, Some(1));
    assert!(out[0].message.len() <= dish::MAX_GUEST_TEXT + 3);
    assert!(out[0].span.unwrap().end <= src.len());
}
