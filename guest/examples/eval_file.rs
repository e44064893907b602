//! Evaluate a dish natively and print the outcome, the steps used and the
//! time taken: for profiling the interpreter outside the sandbox.
//!
//!     cargo run --release -p potluck-guest --example eval_file -- FILE [REPEAT]

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: eval_file FILE [REPEAT]");
        std::process::exit(2);
    };
    let repeat: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let src = std::fs::read_to_string(&path).expect("read the dish");
    let limits = potluck_guest::Limits {
        max_steps: u64::MAX,
        ..potluck_guest::Limits::default()
    };
    let t = Instant::now();
    let mut last = None;
    for _ in 0..repeat {
        last = Some(potluck_guest::evaluate(&path, &src, limits));
    }
    let per = t.elapsed() / repeat;
    match last.expect("at least one run") {
        Ok(d) => println!("ok: {} {} ({per:?} per run)", d.name.value, d.version.value),
        Err(e) => println!("{:?}: {} ({per:?} per run)", e[0].kind, e[0].message),
    }
}
