//! The results table printed after a run.

use crate::Results;

pub(crate) fn print_table(r: &Results) {
    println!(
        "potluck-wasm bench: {} dishes in the corpus",
        r.corpus_dishes
    );
    println!("{:<48} {:>12}", "measure", "value");
    let rows = [
        (
            "cold check, one dish, empty cache (median)",
            format!("{:.1} ms", r.cold_check_empty_cache_ms),
        ),
        (
            "cold check, one dish, warm cache (median)",
            format!("{:.1} ms", r.cold_check_warm_cache_ms),
        ),
        (
            "steady state per dish (median)",
            format!("{:.1} µs", r.steady_median_us),
        ),
        (
            "steady state per dish (p99)",
            format!("{:.1} µs", r.steady_p99_us),
        ),
        (
            "throughput, 1 worker",
            format!("{:.0} dishes/s", r.dishes_per_sec_1_worker),
        ),
        (
            "throughput, 2 workers",
            format!("{:.0} dishes/s", r.dishes_per_sec_2_workers),
        ),
        (
            "infinite loop stopped after (CPU)",
            format!("{:.1} ms", r.infinite_loop_cpu_ms),
        ),
        (
            "fuel per typical dish (median)",
            format!("{}", r.median_fuel_per_dish),
        ),
        (
            "load the shipped package index (median)",
            format!("{:.1} ms", r.index_load_ms),
        ),
        (
            "resolve 100 000 input specifications",
            format!("{:.0} ms", r.resolve_100k_ms),
        ),
        (
            "peak RSS of the bench process",
            format!("{:.1} MiB", r.peak_rss_mib),
        ),
    ];
    for (k, v) in rows {
        println!("{k:<48} {v:>12}");
    }
    println!("infinite loop diagnostic: {}", r.infinite_loop_diagnostic);
    println!(
        "{:<48} {:>12}",
        "check of 1 000 dishes: peak RSS",
        format!("{:.1} MiB", r.check_1000_dishes_peak_rss_mib)
    );
    println!(
        "{:<48} {:>12}",
        "check of 1 000 dishes: wall time",
        format!("{:.0} ms", r.check_1000_dishes_ms)
    );
    println!("\nsteady-state trials (interleaved; the dishes/s above are their medians)");
    println!(
        "{:>5} {:>11} {:>11} {:>12} {:>12} {:>9} {:>9}",
        "trial", "1 worker/s", "2 workers/s", "Guile fresh", "Guile best", "1w/best", "2w/best"
    );
    for (i, t) in r.trials.iter().enumerate() {
        let guile = match &t.guile {
            Some(g) => format!(
                "{:>12.0} {:>12.0} {:>8.1}x {:>8.1}x",
                g.fresh_dishes_per_sec,
                g.best(),
                t.dishes_per_sec_1_worker / g.best(),
                t.dishes_per_sec_2_workers / g.best()
            ),
            None => format!("{:>12} {:>12} {:>9} {:>9}", "-", "-", "-", "-"),
        };
        println!(
            "{:>5} {:>11.0} {:>11.0} {guile}",
            i + 1,
            t.dishes_per_sec_1_worker,
            t.dishes_per_sec_2_workers,
        );
    }
    if let Some(g) = &r.guile {
        println!("\nGuile {} eval-in-sandbox, same corpus", g.version);
        let rows = [
            (
                "steady state, fresh sandbox module per dish",
                format!("{:.0} dishes/s", g.steady_dishes_per_sec),
            ),
            (
                "  per dish (median)",
                format!("{:.1} µs", g.steady_median_us),
            ),
            (
                "steady state, shared interfaces (best case)",
                format!("{:.0} dishes/s", g.steady_shared_dishes_per_sec),
            ),
            (
                "  per dish (median)",
                format!("{:.1} µs", g.steady_shared_median_us),
            ),
            (
                "cold start, one dish per guile process",
                format!("{:.1} ms", g.cold_one_dish_ms),
            ),
            (
                "ratio: potluck-wasm 1 worker / Guile best",
                format!("{:.1}x", g.ratio_steady_1_worker),
            ),
            (
                "ratio: potluck-wasm 2 workers / Guile best",
                format!("{:.1}x", g.ratio_steady_2_workers),
            ),
            (
                "ratio: 1 worker / Guile default (fresh module)",
                format!("{:.1}x", g.ratio_steady_1_worker_default),
            ),
            (
                "ratio: 2 workers / Guile default (fresh module)",
                format!("{:.1}x", g.ratio_steady_2_workers_default),
            ),
            (
                "ratio: Guile cold / potluck-wasm cold (warm)",
                format!("{:.1}x", g.ratio_cold),
            ),
        ];
        for (k, v) in rows {
            println!("{k:<48} {v:>12}");
        }
    }
    if let Some(h) = &r.host {
        println!("\nshared host (host-channel process on loopback)");
        let rows = [
            ("enqueue burst", format!("{} requests", h.burst_requests)),
            (
                "enqueues per second",
                format!("{:.0}/s", h.enqueues_per_sec),
            ),
            (
                "enqueue latency (median)",
                format!("{:.2} ms", h.enqueue_median_ms),
            ),
            (
                "enqueue latency (p99)",
                format!("{:.2} ms", h.enqueue_p99_ms),
            ),
            (
                "100-dish repo, fetch to commit (median)",
                format!("{:.0} ms", h.update_100_dishes_median_ms),
            ),
        ];
        for (k, v) in rows {
            println!("{k:<48} {v:>12}");
        }
    }
}
