//! The HTML pages: the status page (`GET /`: totals, how to subscribe, the
//! queue, recently updated dishes, failures, recent jobs) and one page per
//! dish (`GET /dish?repo=URL&branch=B&file=F`: its repo and commit, source
//! status, diagnostics and emitted module).
//!
//! Every value shown is escaped, the pages carry a `Content-Security-Policy`
//! that allows no script, and every part is bounded: at most
//! [`RECENT_DISHES`] dishes, [`FAILURES`] failures of at most
//! [`FAILURE_TEXT`] bytes each, and a module of at most [`MODULE_TEXT`].

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::{blocking, error, App};
use crate::api::{DishRecord, Job, JobState, SourceState};

/// Dishes listed on the status page.
pub const RECENT_DISHES: u32 = 100;
/// Failures shown with their diagnostics on the status page.
pub const FAILURES: u32 = 30;
/// Longest diagnostics text shown per failure on the status page.
pub const FAILURE_TEXT: usize = 4 << 10;
/// Longest module text shown on a dish page.
pub const MODULE_TEXT: usize = 64 << 10;

const STYLE: &str = "<style>\
body{font-family:sans-serif;margin:2em;max-width:70em;color:#222}\
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}\
th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
.ok{color:#176317}.failed{color:#a31515}\
pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}\
code{font-size:90%}</style>";

fn html(body: String) -> Response {
    let mut r = Html(body).into_response();
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    r.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// The link to a dish's page.
fn dish_link(d: &DishRecord) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("repo", &d.git_url)
        .append_pair("branch", &d.branch)
        .append_pair("file", &d.file)
        .finish();
    format!("/dish?{query}")
}

fn source_cell(s: Option<SourceState>) -> &'static str {
    match s {
        Some(SourceState::Verified) => "<td class=\"ok\">verified</td>",
        Some(SourceState::Mismatch) => "<td class=\"failed\">mismatch</td>",
        Some(SourceState::Unreachable) => "<td class=\"failed\">unreachable</td>",
        None => "<td>-</td>",
    }
}

pub(super) async fn status_page(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    let data = blocking(move || {
        Ok((
            store.dishes(RECENT_DISHES)?,
            store.failing_dishes(FAILURES)?,
            store.pending_jobs(50)?,
            store.recent_jobs(30)?,
            store.counts()?,
        ))
    })
    .await;
    let (dishes, failing, pending, recent, counts) = match data {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"30\"><title>potluck host</title>{STYLE}</head><body>\n"
    );
    let _ = write!(
        h,
        "<h1>potluck host</h1>\n<p>This host turns Guix package definitions (dishes) published in \
         git repos into the channel it serves. Dishes are evaluated in a WebAssembly sandbox and \
         validated, and their sources verified; see <code>potluck-wasm update URL BRANCH --host HOST</code> \
         to submit yours.</p>\n\
         <p id=\"summary\">{} repos, {} dishes ({} failing), {} jobs waiting, {} running, \
         {} waiting for their sources to be verified.</p>\n",
        counts.repos, counts.dishes, counts.failing, counts.queued, counts.running, counts.verifying
    );
    let sub = &app.subscription;
    let _ = write!(
        h,
        "<h2>Subscribe</h2>\n<p>The channel is at <a id=\"channel-url\" href=\"{url}\">{url}</a> \
         (branch <code>{branch}</code>). Put this in <code>~/.config/guix/channels.scm</code>, then run \
         <code>guix pull</code>:</p>\n<pre id=\"subscribe\">{scm}</pre>\n{note}",
        url = esc(&sub.url),
        branch = esc(&sub.branch),
        scm = esc(&sub.channels_scm),
        note = if sub.introduction.is_some() {
            "<p>Every commit of the channel is signed; <code>guix pull</code> authenticates it from \
             the introduction above.</p>\n"
        } else {
            "<p>This host does not sign its commits, so <code>guix pull</code> cannot authenticate \
             the channel.</p>\n"
        }
    );
    h.push_str("<h2>Queue</h2>\n");
    if pending.is_empty() {
        h.push_str("<p id=\"queue\">The queue is empty.</p>\n");
    } else {
        h.push_str("<table id=\"queue\"><tr><th>job</th><th>repo</th><th>branch</th><th>state</th><th>queued at</th></tr>\n");
        for j in &pending {
            job_row(&mut h, j);
        }
        h.push_str("</table>\n");
    }
    let _ = writeln!(
        h,
        "<h2>Recently updated dishes</h2>\n<p>The {} most recent of {} dishes.</p>\n\
         <table id=\"dishes\"><tr><th>dish</th><th>version</th><th>repo</th><th>branch</th>\
         <th>commit</th><th>status</th><th>source</th><th>module</th><th>updated</th></tr>",
        dishes.len(),
        counts.dishes
    );
    for d in &dishes {
        let _ = writeln!(
            h,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td>{}<td><code>{}</code></td><td>{}</td></tr>",
            esc(&dish_link(d)),
            esc(d.name.as_deref().unwrap_or(&d.file)),
            esc(d.version.as_deref().unwrap_or("")),
            esc(&d.git_url),
            esc(&d.branch),
            esc(d.commit.get(..12).unwrap_or(&d.commit)),
            if d.ok { "ok" } else { "failed" },
            if d.ok { "ok" } else { "failed" },
            source_cell(d.source),
            esc(d.module_name.as_deref().unwrap_or("-")),
            time(d.updated)
        );
    }
    let _ = writeln!(
        h,
        "</table>\n<h2>Failures</h2>\n<div id=\"failures\">\n<p>{} dishes are failing{}.</p>",
        counts.failing,
        if counts.failing > failing.len() as u64 {
            format!("; the {} most recent are shown", failing.len())
        } else {
            String::new()
        }
    );
    for d in &failing {
        let _ = writeln!(
            h,
            "<h3><a href=\"{}\">{}</a> <small>({} branch {})</small></h3>\n<pre>{}</pre>",
            esc(&dish_link(d)),
            esc(&d.file),
            esc(&d.git_url),
            esc(&d.branch),
            esc(&potluck_sandbox::diagnostic::truncate(
                &d.rendered,
                FAILURE_TEXT
            ))
        );
    }
    h.push_str("</div>\n<h2>Recent jobs</h2>\n<table id=\"jobs\"><tr><th>job</th><th>repo</th><th>branch</th><th>state</th><th>finished</th><th>outcome</th></tr>\n");
    for j in &recent {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            j.id,
            esc(&j.git_url),
            esc(&j.branch),
            if j.state == JobState::Failed { "failed" } else { "ok" },
            j.state.as_str(),
            j.finished.map(time).unwrap_or_default(),
            esc(&potluck_sandbox::diagnostic::truncate(
                j.error.as_deref().or(j.summary.as_deref()).unwrap_or(""),
                FAILURE_TEXT
            ))
        );
    }
    h.push_str("</table>\n</body></html>\n");
    html(h)
}

#[derive(serde::Deserialize)]
pub(super) struct DishQuery {
    repo: String,
    branch: String,
    file: String,
}

pub(super) async fn dish_page(
    State(app): State<Arc<App>>,
    q: Result<Query<DishQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error(
            StatusCode::BAD_REQUEST,
            "a dish page needs ?repo=URL&branch=BRANCH&file=FILE.scm",
        );
    };
    if q.repo.len() > 4096 || q.branch.len() > 255 || q.file.len() > 1024 {
        return error(StatusCode::BAD_REQUEST, "the query is too long");
    }
    let store = app.store.clone();
    let channel = app.channel.clone();
    let found = blocking(move || {
        let Some(d) = store.dish(&q.repo, &q.branch, &q.file)? else {
            return Ok(None);
        };
        let module = d
            .module_path
            .as_deref()
            .and_then(|p| channel.read(p).ok().flatten());
        Ok(Some((d, module)))
    })
    .await;
    let (d, module) = match found {
        Ok(Some(x)) => x,
        Ok(None) => return error(StatusCode::NOT_FOUND, "there is no such dish on this host"),
        Err(r) => return r,
    };
    let title = d.name.as_deref().unwrap_or(&d.file);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — potluck host</title>{STYLE}</head><body>\n\
         <p><a href=\"/\">potluck host</a></p>\n<h1>{} {}</h1>\n<table id=\"dish\">\n\
         <tr><th>file</th><td><code>guix-potluck/{}</code></td></tr>\n\
         <tr><th>repo</th><td>{} branch {}</td></tr>\n\
         <tr><th>commit</th><td><code>{}</code></td></tr>\n\
         <tr><th>status</th><td class=\"{}\">{}</td></tr>\n\
         <tr><th>source</th>{}</tr>\n\
         <tr><th>module</th><td><code>{}</code></td></tr>\n\
         <tr><th>updated</th><td>{}</td></tr>\n</table>\n",
        esc(title),
        esc(title),
        esc(d.version.as_deref().unwrap_or("")),
        esc(&d.file),
        esc(&d.git_url),
        esc(&d.branch),
        esc(&d.commit),
        if d.ok { "ok" } else { "failed" },
        if d.ok { "published" } else { "failed" },
        source_cell(d.source),
        esc(d.module_name.as_deref().unwrap_or("-")),
        time(d.updated)
    );
    if !d.rendered.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Diagnostics</h2>\n<pre id=\"diagnostics\">{}</pre>",
            esc(&d.rendered)
        );
    }
    if let Some(m) = module {
        let text = String::from_utf8_lossy(&m);
        let _ = writeln!(
            h,
            "<h2>Module{}</h2>\n<pre id=\"module\">{}</pre>",
            if d.ok { "" } else { " (the last good one)" },
            esc(&potluck_sandbox::diagnostic::truncate(&text, MODULE_TEXT))
        );
    }
    h.push_str("</body></html>\n");
    html(h)
}

fn job_row(h: &mut String, j: &Job) {
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        j.id,
        esc(&j.git_url),
        esc(&j.branch),
        j.state.as_str(),
        time(j.created)
    );
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
fn time(secs: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_dates() {
        assert_eq!(
            esc("<script>\"x\" & 'y'\u{1b}"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;\\u{1b}"
        );
        assert_eq!(time(0), "1970-01-01 00:00 UTC");
        assert_eq!(time(1_795_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(time(951_782_400), "2000-02-29 00:00 UTC");
    }
}
