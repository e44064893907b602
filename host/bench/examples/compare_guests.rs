//! Compare builds of the guest component on the same host, dish by dish,
//! interleaved (each dish is evaluated by every guest in turn, so a slow
//! phase of a shared machine hits all of them alike): fuel per dish
//! (deterministic) and the time of `Sandbox::evaluate`, median and mean.
//!
//! ```sh
//! # the guest before a change (build.rs writes it here):
//! cargo build --release -p potluck-bench
//! cp target/guest-wasm/wasm32-unknown-unknown/guest-wasm/potluck_guest.wasm /tmp/before.wasm
//! # ... change guest/, build again, then:
//! cargo run --release -p potluck-bench --example compare_guests -- \
//!     /tmp/before.wasm,target/guest-wasm/wasm32-unknown-unknown/guest-wasm/potluck_guest.wasm \
//!     benches/dishes 10
//! ```
//!
//! Arguments: comma-separated guest components (each must import nothing,
//! as the host links nothing), a directory of dishes, and the number of
//! timed rounds over it (default 5).  A first, untimed pass takes each
//! dish's fuel and checks that every guest evaluates it the same way (the
//! same success, or the same first diagnostic); the comparison fails if
//! not.  In the timed rounds the guest that goes first on each dish
//! rotates, so that none always runs after another on warm host caches.

use std::path::Path;
use std::time::Instant;

use potluck_bench::stats::{corpus, median};
use potluck_sandbox::{Cache, Limits, Sandbox};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: compare_guests A.wasm[,B.wasm...] DISH-DIR [ROUNDS]";
    let (Some(guests), Some(dir)) = (args.next(), args.next()) else {
        anyhow::bail!(usage);
    };
    let rounds: usize = match args.next() {
        Some(r) => r.parse().map_err(|_| anyhow::anyhow!(usage))?,
        None => 5,
    };
    let dishes = corpus(Path::new(&dir))?;
    let cache = Cache::default_location();
    let mut sandboxes = Vec::new();
    for path in guests.split(',') {
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("read {path}: {e}"))?;
        let (sb, _) = Sandbox::with_guest(Limits::default(), &cache, 2, &bytes)
            .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
        sandboxes.push((path.to_string(), sb));
    }
    let n = sandboxes.len();

    let mut fuel = vec![Vec::new(); n];
    let mut disagreements = 0;
    for (file, text) in &dishes {
        let outcomes: Vec<String> = sandboxes
            .iter()
            .zip(&mut fuel)
            .map(|((_, sb), fuel)| {
                let (r, f) = sb.evaluate_measured(file, text);
                fuel.push(f as f64);
                match r {
                    Ok(_) => "ok".to_string(),
                    Err(d) => format!("{:?}: {}", d[0].kind, d[0].message),
                }
            })
            .collect();
        if outcomes.windows(2).any(|w| w[0] != w[1]) {
            disagreements += 1;
            eprintln!("{file}: the guests disagree: {outcomes:?}");
        }
    }

    let mut times = vec![Vec::new(); n];
    for round in 0..rounds {
        for (file, text) in &dishes {
            for k in 0..n {
                let g = (round + k) % n;
                let t = Instant::now();
                std::hint::black_box(sandboxes[g].1.evaluate(file, text).is_ok());
                times[g].push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for (((path, _), f), t) in sandboxes.iter().zip(fuel).zip(times) {
        println!(
            "{path}: fuel median {:.0} mean {:.0} | time median {:.1} µs mean {:.1} µs",
            median(f.iter().copied()),
            f.iter().sum::<f64>() / f.len() as f64,
            median(t.iter().copied()),
            t.iter().sum::<f64>() / t.len() as f64
        );
    }
    if disagreements > 0 {
        anyhow::bail!("{disagreements} dishes evaluated differently");
    }
    Ok(())
}
