//! Settings of the stable-toolchain smoke runs.

/// Time for each of `bodies` bodies in a stable-toolchain smoke run:
/// `POTLUCK_FUZZ_SMOKE_SECS` (default 20 s) shared between them.
pub fn smoke_budget(bodies: u32) -> std::time::Duration {
    let secs: f64 = std::env::var("POTLUCK_FUZZ_SMOKE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    std::time::Duration::from_secs_f64(secs.max(0.0) / f64::from(bodies.max(1)))
}

/// The smoke runs' generator seed: `POTLUCK_FUZZ_SMOKE_SEED`, or a fixed one.
pub fn smoke_seed() -> u64 {
    std::env::var("POTLUCK_FUZZ_SMOKE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00c0_ffee)
}

/// Every file under `dir`, recursively, sorted (README.md files skipped):
/// the seed inputs of the smoke runs.
pub fn seed_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for p in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() && p.file_name().is_none_or(|n| n != "README.md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
