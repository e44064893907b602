//! Stable-toolchain smoke run of the host fuzz targets (`fuzz/`): the
//! boundary body (bytes → `Sandbox::evaluate` through wasmtime) over every
//! fixture dish, its minimised corpus (`fuzz/corpus/boundary/`, committed)
//! and every kept regression (`fuzz/regressions/boundary/`), then over
//! random and mutated sources; the emission round-trip body over its corpus,
//! its regressions and random records; and the HTTP body over its corpus,
//! its regressions and random requests, for a bounded time.  Any panic
//! fails the test and prints the input.
//!
//! `POTLUCK_FUZZ_SMOKE_SECS` sets the random run's time (default 20 seconds
//! in all, shared by the three bodies; 0 runs the corpus only) and
//! `POTLUCK_FUZZ_SMOKE_SEED` its seed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use potluck_guest_fuzz::{
    mutate, random_scheme_text, seed_files, smoke_budget, smoke_seed, XorShift,
};
use potluck_host_fuzz::{boundary_body, emit_roundtrip_body, fuzz_sandbox, http_body, HttpTarget};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("host/fuzzing/ is two levels inside the workspace")
        .to_path_buf()
}

/// The committed, minimised libFuzzer corpus of `target`.
fn corpus(target: &str) -> Vec<PathBuf> {
    let files = seed_files(&root().join("fuzz/corpus").join(target));
    assert!(
        files.len() > 100,
        "fuzz/corpus/{target}/ is missing or nearly empty ({} files): it is committed",
        files.len()
    );
    files
}

fn read_all(paths: Vec<PathBuf>) -> Vec<(String, Vec<u8>)> {
    paths
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(&p).ok()?)))
        .collect()
}

/// Three bodies share the smoke budget.
fn budget() -> Duration {
    smoke_budget(3)
}

fn run(name: &str, what: &str, input: &[u8], body: impl FnOnce(&[u8])) {
    if let Err(e) = catch_unwind(AssertUnwindSafe(|| body(input))) {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!(
            "{name} body panicked on {what}: {msg}\ninput ({} bytes): {:?}\n\
             keep it: save the bytes as fuzz/regressions/{name}/<short-name>",
            input.len(),
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn boundary_fuzz_body_survives_corpus_and_random_inputs() {
    let sandbox = fuzz_sandbox();
    let root = root();
    let mut paths = Vec::new();
    paths.extend(seed_files(&root.join("tests/fixtures")));
    paths.retain(|p| p.extension().is_some_and(|e| e == "scm"));
    paths.extend(corpus("boundary"));
    paths.extend(seed_files(&root.join("fuzz/regressions/boundary")));
    let seeds = read_all(paths);
    assert!(seeds.len() > 100, "the seed corpus is missing");
    for (path, bytes) in &seeds {
        run("boundary", path, bytes, |b| boundary_body(&sandbox, b));
    }
    let mut rng = XorShift::new(smoke_seed());
    let (start, budget) = (Instant::now(), budget());
    let mut n = 0usize;
    while start.elapsed() < budget {
        let input = if rng.next_u64().is_multiple_of(2) {
            let len = 1 + (rng.next_u64() % 80) as usize;
            random_scheme_text(&mut rng, len)
        } else {
            let (_, base) = &seeds[(rng.next_u64() as usize) % seeds.len()];
            mutate(&mut rng, base)
        };
        run("boundary", &format!("random input #{n}"), &input, |b| {
            boundary_body(&sandbox, b)
        });
        n += 1;
    }
    eprintln!(
        "fuzz smoke: boundary: {} inputs, no failure",
        seeds.len() + n
    );
}

#[test]
fn emit_roundtrip_fuzz_body_survives_random_records() {
    let mut paths = corpus("emit_roundtrip");
    paths.extend(seed_files(&root().join("fuzz/regressions/emit_roundtrip")));
    let seeds = read_all(paths);
    for (path, bytes) in &seeds {
        run("emit_roundtrip", path, bytes, emit_roundtrip_body);
    }
    let mut rng = XorShift::new(smoke_seed());
    let (start, budget) = (Instant::now(), budget());
    let mut n = 0usize;
    while start.elapsed() < budget {
        let len = (rng.next_u64() % 2048) as usize;
        let input = rng.bytes(len);
        run(
            "emit_roundtrip",
            &format!("random input #{n}"),
            &input,
            emit_roundtrip_body,
        );
        n += 1;
    }
    eprintln!(
        "fuzz smoke: emit_roundtrip: {} inputs, no failure",
        seeds.len() + n
    );
}

#[test]
fn http_fuzz_body_survives_random_requests() {
    let target = HttpTarget::new();
    let mut paths = corpus("http");
    paths.extend(seed_files(&root().join("fuzz/regressions/http")));
    let seeds = read_all(paths);
    for (path, bytes) in &seeds {
        run("http", path, bytes, |b| http_body(&target, b));
    }
    let mut rng = XorShift::new(smoke_seed());
    let (start, budget) = (Instant::now(), budget());
    let mut n = 0usize;
    while start.elapsed() < budget {
        let len = (rng.next_u64() % 512) as usize;
        let input = rng.bytes(len);
        run("http", &format!("random input #{n}"), &input, |b| {
            http_body(&target, b)
        });
        n += 1;
    }
    eprintln!("fuzz smoke: http: {} inputs, no failure", seeds.len() + n);
}
