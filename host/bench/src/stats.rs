//! The benchmark corpus, and medians and percentiles.

use std::path::Path;

use anyhow::{bail, Context};

pub fn corpus(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the corpus directory {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "scm"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p)
            .with_context(|| format!("cannot read the dish {}", p.display()))?;
        out.push((p.display().to_string(), text));
    }
    if out.is_empty() {
        bail!("no *.scm dishes in {}", dir.display());
    }
    Ok(out)
}

/// The `p` quantile (0 ≤ `p` ≤ 1) of sorted figures, interpolating
/// between the two nearest (0 for none): `p` = 0.5 is the median, the mean
/// of the two middle figures for an even count.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return 0.0;
    };
    let x = last as f64 * p.clamp(0.0, 1.0);
    let (i, frac) = (x.floor() as usize, x.fract());
    match sorted.get(i + 1) {
        Some(next) if frac > 0.0 => sorted[i] + (next - sorted[i]) * frac,
        _ => sorted[i],
    }
}

/// The median of some figures, in any order (0 for none).
pub fn median(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = xs.into_iter().collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}
