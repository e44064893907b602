//! Per-phase cost of evaluating a dish natively (read, set up, evaluate,
//! extract the package), with the guest's own allocator as in the sandbox:
//! for profiling the interpreter with `perf` outside the sandbox.
//!
//!     cargo run --release -p potluck-guest --example phases -- FILE|DIR [REPEAT]

use std::time::Instant;

use potluck_guest::{dish, eval, reader, Limits};

// SAFETY (of the allocator's `Sync`): this example is single-threaded.
#[global_allocator]
static ALLOCATOR: potluck_guest::allocator::SizeClasses =
    potluck_guest::allocator::SizeClasses::new();

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: phases FILE|DIR [REPEAT]");
    let repeat: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let mut dishes = Vec::new();
    if std::path::Path::new(&path).is_dir() {
        for e in std::fs::read_dir(&path).expect("read the directory") {
            let p = e.expect("read the directory").path();
            if p.extension().is_some_and(|x| x == "scm") {
                dishes.push(std::fs::read_to_string(p).expect("read the dish"));
            }
        }
    } else {
        dishes.push(std::fs::read_to_string(&path).expect("read the dish"));
    }
    let mut t = [0f64; 4];
    for _ in 0..repeat {
        for src in &dishes {
            let a = Instant::now();
            let Ok(forms) = reader::read_all(src) else {
                continue;
            };
            let b = Instant::now();
            let mut interp = eval::Interp::new(Limits::default(), "dish.scm", src);
            let c = Instant::now();
            let v = eval::eval_source(&mut interp, &forms);
            let d = Instant::now();
            if let (Ok(v), Some(last)) = (&v, forms.last()) {
                let _ = dish::from_value(v, last.span);
            }
            let e = Instant::now();
            for (i, x) in [b - a, c - b, d - c, e - d].iter().enumerate() {
                t[i] += x.as_secs_f64();
            }
            // Freed outside the timed phases (the sandbox throws the
            // instance's memory away instead).
            drop((forms, interp, v));
        }
    }
    let n = (repeat * dishes.len()) as f64;
    println!(
        "per dish: read {:.2} µs, set up {:.2} µs, evaluate {:.2} µs, package {:.2} µs",
        t[0] / n * 1e6,
        t[1] / n * 1e6,
        t[2] / n * 1e6,
        t[3] / n * 1e6
    );
}
