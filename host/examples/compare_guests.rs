//! Compare builds of the guest component on the same host, dish by dish,
//! interleaved (each dish is evaluated by every guest in turn, so a slow
//! phase of a shared machine hits all of them alike): fuel per dish
//! (deterministic) and the time of `Sandbox::evaluate`, median and mean.
//!
//! ```sh
//! # the guest before a change (build.rs writes it here):
//! cargo build --release -p potluck-wasm
//! cp target/guest-wasm/wasm32-wasip2/guest-wasm/potluck_guest.wasm /tmp/before.wasm
//! # ... change guest/, build again, then:
//! cargo run --release -p potluck-wasm --example compare_guests -- \
//!     /tmp/before.wasm,target/guest-wasm/wasm32-wasip2/guest-wasm/potluck_guest.wasm \
//!     benches/dishes 10
//! ```
//!
//! Arguments: comma-separated guest components, a directory of dishes, and
//! the number of rounds over it (default 5).  Every dish must evaluate
//! with every guest the same way (the same success, or the same first
//! diagnostic), or the comparison says so.

use std::time::Instant;

use potluck_wasm::sandbox::{Cache, Limits, Sandbox};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: compare_guests A.wasm[,B.wasm...] DISH-DIR [ROUNDS]";
    let guests = args.next().expect(usage);
    let dir = args.next().expect(usage);
    let rounds: usize = args.next().map_or(5, |r| r.parse().expect(usage));
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read the dish directory")
        .map(|e| e.expect("read the dish directory").path())
        .filter(|p| p.extension().is_some_and(|x| x == "scm"))
        .collect();
    files.sort();
    let dishes: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("read a dish");
            (p.display().to_string(), text)
        })
        .collect();
    let cache = Cache::Dir(std::env::temp_dir().join("potluck-compare-guests-cache"));
    let sandboxes: Vec<(String, Sandbox)> = guests
        .split(',')
        .map(|path| {
            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
            let (sb, _) = Sandbox::with_guest(Limits::default(), &cache, 2, &bytes)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            (path.to_string(), sb)
        })
        .collect();
    let n = sandboxes.len();
    let mut fuel = vec![Vec::new(); n];
    let mut times = vec![Vec::new(); n];
    let mut disagreements = 0;
    for round in 0..rounds {
        for (file, text) in &dishes {
            let mut ok = Vec::with_capacity(n);
            for (g, (_, sb)) in sandboxes.iter().enumerate() {
                let t = Instant::now();
                let (r, f) = sb.evaluate_measured(file, text);
                times[g].push(t.elapsed().as_secs_f64() * 1e6);
                if round == 0 {
                    fuel[g].push(f);
                    ok.push(match r {
                        Ok(_) => "ok".to_string(),
                        Err(d) => format!("{:?}: {}", d[0].kind, d[0].message),
                    });
                }
            }
            if ok.windows(2).any(|w| w[0] != w[1]) {
                disagreements += 1;
                eprintln!("{file}: the guests disagree: {ok:?}");
            }
        }
    }
    for (g, (path, _)) in sandboxes.iter().enumerate() {
        let (f, t) = (&mut fuel[g], &mut times[g]);
        f.sort_unstable();
        t.sort_by(f64::total_cmp);
        println!(
            "{path}: fuel median {} mean {:.0} | time median {:.1} µs mean {:.1} µs",
            f[f.len() / 2],
            f.iter().sum::<u64>() as f64 / f.len() as f64,
            t[t.len() / 2],
            t.iter().sum::<f64>() / t.len() as f64
        );
    }
    if disagreements > 0 {
        eprintln!("{disagreements} dishes evaluated differently");
        std::process::exit(1);
    }
}
