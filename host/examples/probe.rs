//! Where the steady-state time goes: per-dish cost of an empty dish (only
//! instantiation and the call), of `1`, and of real dishes, with fuel.
//! `cargo run --release -p potluck-wasm --example probe -- DISH.scm|DIR`
use potluck_wasm::sandbox::{Cache, Limits, Sandbox};
use std::time::Instant;

fn main() {
    let arg = std::env::args().nth(1).expect("usage: probe DISH.scm|DIR");
    let (sb, _) =
        Sandbox::new(Limits::default(), &Cache::Dir("/tmp/probe-cache".into()), 2).unwrap();
    let mut dishes = Vec::new();
    if std::path::Path::new(&arg).is_dir() {
        for e in std::fs::read_dir(&arg).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "scm") {
                dishes.push(std::fs::read_to_string(p).unwrap());
            }
        }
    } else {
        dishes.push(std::fs::read_to_string(&arg).unwrap());
    }
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
                fuel.push(f);
            }
        }
        times.sort_by(f64::total_cmp);
        fuel.sort();
        println!(
            "{label}: {} dishes, median {:.1}us p10 {:.1} fuel median {}",
            set.len(),
            times[times.len() / 2],
            times[times.len() / 10],
            fuel[fuel.len() / 2]
        );
    }
}
