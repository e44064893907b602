//! What one memory-heavy dish costs the dishes after it: a pooled instance
//! slot keeps the pages a dish touched resident (up to the sandbox's
//! keep-resident size) and resets them for every later dish in that slot.
//! Prints the median time of a typical dish before and after a heavy one.
//!
//!     cargo run --release -p potluck-bench --example after_heavy [-- DISH.scm]
use potluck_sandbox::{Cache, Limits, Sandbox};
use std::time::Instant;

const HEAVY: &str = r#"(define big (make-string 8000000 #\a))
(define (f n acc) (if (= n 0) acc (f (- n 1) (cons n acc))))
(define l (f 200000 '()))
(potluck-package (name "x"))"#;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "benches/dishes/zstd.scm".into());
    let dish = std::fs::read_to_string(&path).expect("read the dish");
    let cache = Cache::default_location();
    // One worker: every dish reuses the same pooled slot.
    let (sandbox, _) = Sandbox::new(Limits::default(), &cache, 1).expect("build the sandbox");
    for label in ["before", "after"] {
        let mut times = Vec::new();
        for _ in 0..2000 {
            let t = Instant::now();
            let _ = sandbox.evaluate("dish.scm", &dish);
            times.push(t.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{path}, {label} a memory-heavy dish: median {:.1} µs",
            times[times.len() / 2]
        );
        let _ = sandbox.evaluate("heavy.scm", HEAVY);
    }
}
