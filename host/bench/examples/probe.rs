//! Where the steady-state time goes: per-dish cost of an empty dish (only
//! instantiation and the call), of `1`, and of real dishes, with fuel.
//! `cargo run --release -p potluck-bench --example probe -- DISH.scm|DIR`
use std::path::Path;
use std::time::Instant;

use potluck_bench::stats::{corpus, median};
use potluck_sandbox::{Cache, Limits, Sandbox};

fn main() -> anyhow::Result<()> {
    let arg = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: probe DISH.scm|DIR"))?;
    let (sb, _) = Sandbox::new(Limits::default(), &Cache::default_location(), 2)?;
    let dishes: Vec<String> = if Path::new(&arg).is_dir() {
        corpus(Path::new(&arg))?
            .into_iter()
            .map(|(_, text)| text)
            .collect()
    } else {
        vec![std::fs::read_to_string(&arg)?]
    };
    let runs = (3000 / dishes.len()).max(3);
    for (label, set) in [
        ("empty", vec![String::new()]),
        ("1", vec!["1".to_string()]),
        ("dishes", dishes),
    ] {
        let mut times = Vec::new();
        let mut fuel = Vec::new();
        let runs = if set.len() == 1 { 3000 } else { runs };
        for _ in 0..runs {
            for src in &set {
                let t = Instant::now();
                let (_r, f) = sb.evaluate_measured("x.scm", src);
                times.push(t.elapsed().as_secs_f64() * 1e6);
                fuel.push(f as f64);
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{label}: {} dishes, median {:.1}us p10 {:.1} fuel median {:.0}",
            set.len(),
            median(times.iter().copied()),
            potluck_bench::stats::percentile(&times, 0.1),
            median(fuel),
        );
    }
    Ok(())
}
