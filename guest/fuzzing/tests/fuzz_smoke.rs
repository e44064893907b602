//! Stable-toolchain smoke run of the guest fuzz targets (`fuzz/`): the
//! reader and evaluator fuzz bodies over the seed corpus — every fixture
//! dish (`tests/fixtures/**/*.scm`), the target's own minimised corpus
//! (`fuzz/corpus/reader/` or `fuzz/corpus/eval/`, committed) and every kept
//! crash in `fuzz/regressions/*/*` — then over random and mutated inputs for
//! a bounded time.  Any panic fails the test and prints the input.
//!
//! `POTLUCK_FUZZ_SMOKE_SECS` sets the random run's time (default 20 seconds
//! in all, shared by the two bodies; 0 runs the corpus only) and
//! `POTLUCK_FUZZ_SMOKE_SEED` its seed (default: fixed, so CI is repeatable).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use potluck_guest_fuzz::{
    eval_body, mutate, random_scheme_text, reader_body, seed_files, smoke_budget, smoke_seed,
    XorShift, SCHEME_TOKENS,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("guest/fuzzing/ is two levels inside the workspace")
        .to_path_buf()
}

/// Every seed: fixture dishes, the target's cargo-fuzz corpus and the kept
/// regressions.
fn seeds(name: &str) -> Vec<(String, Vec<u8>)> {
    let root = root();
    let mut paths = Vec::new();
    paths.extend(seed_files(&root.join("tests/fixtures")));
    paths.retain(|p| p.extension().is_some_and(|e| e == "scm"));
    let corpus = seed_files(&root.join("fuzz/corpus").join(name));
    assert!(
        corpus.len() > 100,
        "fuzz/corpus/{name}/ is missing or nearly empty ({} files): it is committed",
        corpus.len()
    );
    paths.extend(corpus);
    paths.extend(seed_files(&root.join("fuzz/regressions")));
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.display().to_string(), bytes))
        })
        .collect()
}

type Body = fn(&[u8]);

/// Run `body` on `input`; on a panic, describe the input.
fn run(name: &str, body: Body, what: &str, input: &[u8]) -> Result<(), String> {
    catch_unwind(AssertUnwindSafe(|| body(input))).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!(
            "{name} body panicked on {what}: {msg}\ninput ({} bytes): {:?}\n\
             keep it: save the bytes as fuzz/regressions/{name}/<short-name>",
            input.len(),
            String::from_utf8_lossy(input)
        )
    })
}

fn smoke(name: &'static str, body: Body, budget: Duration, seed: u64) -> Result<usize, String> {
    let seeds = seeds(name);
    assert!(
        seeds.len() > 100,
        "the seed corpus is missing: {} files",
        seeds.len()
    );
    for (path, bytes) in &seeds {
        run(name, body, path, bytes)?;
    }
    let mut rng = XorShift::new(seed);
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed() < budget {
        let input = match rng.next_u64() % 3 {
            0 => {
                let len = 1 + (rng.next_u64() % 60) as usize;
                random_scheme_text(&mut rng, len)
            }
            1 => {
                let (_, base) = &seeds[(rng.next_u64() as usize) % seeds.len()];
                mutate(&mut rng, base)
            }
            _ => {
                let len = (rng.next_u64() % 512) as usize;
                rng.bytes(len)
            }
        };
        run(
            name,
            body,
            &format!("random input #{n} (seed {seed})"),
            &input,
        )?;
        n += 1;
    }
    Ok(seeds.len() + n)
}

/// Two bodies share the smoke budget.
fn budget() -> Duration {
    smoke_budget(2)
}

/// On a thread with a large stack (as the wasm guest has room for), with
/// panic messages silenced: the harness reports the failing input itself.
fn on_big_stack(name: &'static str, body: Body) {
    let (budget, seed) = (budget(), smoke_seed());
    let result = std::thread::Builder::new()
        .name(format!("fuzz-smoke-{name}"))
        .stack_size(256 << 20)
        .spawn(move || smoke(name, body, budget, seed))
        .expect("spawn smoke thread")
        .join()
        .expect("smoke thread");
    match result {
        Ok(n) => eprintln!("fuzz smoke: {name}: {n} inputs, no failure"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn reader_fuzz_body_survives_corpus_and_random_inputs() {
    on_big_stack("reader", reader_body);
}

#[test]
fn eval_fuzz_body_survives_corpus_and_random_inputs() {
    on_big_stack("eval", eval_body);
}

/// `fuzz/scheme.dict` (libFuzzer's dictionary) holds exactly the tokens the
/// stable smoke run uses.
#[test]
fn fuzz_dictionary_matches_the_smoke_tokens() {
    let text = std::fs::read_to_string(root().join("fuzz/scheme.dict")).expect("fuzz/scheme.dict");
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let body = line
            .strip_prefix('"')
            .and_then(|l| l.strip_suffix('"'))
            .unwrap_or_else(|| panic!("bad dictionary line {line:?}"));
        let b = body.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') {
                let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 4;
            } else if b[i] == b'\\' {
                out.push(b[i + 1]);
                i += 2;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        tokens.push(out);
    }
    let expected: Vec<Vec<u8>> = SCHEME_TOKENS
        .iter()
        .map(|t| t.as_bytes().to_vec())
        .collect();
    assert_eq!(
        tokens, expected,
        "regenerate fuzz/scheme.dict (see fuzz/README.md)"
    );
}
