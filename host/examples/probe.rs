//! Where the steady-state time goes: per-dish cost of an empty dish (only
//! instantiation and the call), of `1`, and of a real dish, with fuel.
//! `cargo run --release -p potluck-wasm --example probe -- DISH.scm`
use potluck_wasm::sandbox::{Cache, Limits, Sandbox};
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (sb, _) =
        Sandbox::new(Limits::default(), &Cache::Dir("/tmp/probe-cache".into()), 2).unwrap();
    for src in ["", "1", &std::fs::read_to_string(&args[1]).unwrap()] {
        let mut v = Vec::new();
        let mut fuel = 0;
        for _ in 0..3000 {
            let t = Instant::now();
            let (_r, f) = sb.evaluate_measured("x.scm", src);
            v.push(t.elapsed().as_secs_f64() * 1e6);
            fuel = f;
        }
        v.sort_by(f64::total_cmp);
        println!(
            "len {} median {:.1}us p10 {:.1} fuel {}",
            src.len(),
            v[v.len() / 2],
            v[v.len() / 10],
            fuel
        );
    }
}
