//! Source verification for `check`: each passing dish's `git-uri` at its
//! `git-commit` is hashed as Guix's `git-fetch` hashes it and compared with
//! its `sha256`.  A dish whose `git-uri` is a remote of the checkout it
//! lives in is hashed from the local objects (no network); the others are
//! fetched only with `--verify-source`, by the shared host's hardened fetch
//! ([`potluck_server::git::source::verify`]).  A bad verdict becomes an
//! error diagnostic on the dish ([`potluck_dish::source::diagnostic`]).

use std::path::Path;

use potluck_dish::nar;
use potluck_dish::pipeline::Report;
use potluck_dish::refresh;
use potluck_dish::source::{self, Verdict};
use potluck_server::git::source::{verify, SourceLimits};
use potluck_server::git::FetchLimits;

/// Verify the sources of the passing dishes of `reports`; `network`: fetch
/// those not found locally.
pub fn verify_all(reports: &mut [Report], network: bool) -> anyhow::Result<()> {
    let scratch = tempfile::tempdir()?;
    let mut fetch: Option<FetchLimits> = None;
    for (i, r) in reports.iter_mut().enumerate() {
        let Some(dish) = r.dish.as_ref().filter(|_| r.ok) else {
            continue;
        };
        let src = &dish.source;
        let file = Path::new(&r.file);
        let local = (r.file != "<stdin>")
            .then(|| refresh::local_checkout(file, &src.git_uri.value))
            .flatten()
            .filter(|c| refresh::has_commit(c, &src.git_commit.value));
        let verdict = match local {
            Some(checkout) => {
                match nar::checkout_hash(&checkout, &src.git_commit.value, scratch.path()) {
                    Ok(h) => Verdict::of_hash(dish, &h),
                    Err(e) => Verdict::Unreachable(e.to_string()),
                }
            }
            None if network => {
                if fetch.is_none() {
                    fetch = Some(fetch_limits(scratch.path())?);
                }
                let limits = fetch.as_ref().expect("set above");
                let dest = scratch.path().join(format!("source-{i}"));
                let v = match verify(
                    &src.git_uri.value,
                    &src.git_commit.value,
                    &dest,
                    limits,
                    &SourceLimits::default(),
                ) {
                    Ok(h) => Verdict::of_hash(dish, &h),
                    Err(e) => Verdict::Unreachable(e.to_string()),
                };
                let _ = std::fs::remove_dir_all(&dest);
                v
            }
            None => continue,
        };
        if let Some(d) = source::diagnostic(dish, r.source.as_deref(), &verdict) {
            r.diagnostics.push(d);
            r.ok = false;
        }
    }
    Ok(())
}

/// The host's fetch limits, for the author's own machine: loopback and
/// private addresses are the author's to reach, and `git://` goes through
/// this program's proxy as on the host.
fn fetch_limits(scratch: &Path) -> anyhow::Result<FetchLimits> {
    let proxy = potluck_server::git::remote::install_proxy(scratch)?;
    Ok(FetchLimits {
        allow_loopback: true,
        git_proxy: Some(proxy),
        ..FetchLimits::default()
    })
}
