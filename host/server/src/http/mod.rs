//! The host's HTTP face: the 2017 `POST /api/enqueue-update` protocol, a
//! JSON view of jobs, repos and dishes, and an HTML status page.
//!
//! Everything a client sends is bounded and checked before it reaches the
//! store: the body is read with a size cap and a time limit, must be a JSON
//! object with string fields `git-url` and `branch`, the URL must be public
//! (the rules dish URLs follow) and the branch a valid git branch name.
//! Every refusal is a 4xx with a JSON `{"error": …}` saying what to fix.
//! A job is committed to the store before the 202 answer is sent.

pub mod serve;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::{
    DishesResponse, EnqueueRequest, EnqueueResponse, ErrorBody, JobResponse, ReposResponse,
};
use crate::git;
use crate::store::{Enqueued, Job, JobState, Store};
use crate::worker::Wake;

/// Most dishes one `/api/dishes` answer lists.
pub const MAX_DISHES_PER_PAGE: u32 = 1_000;

/// Limits of the HTTP API.
#[derive(Debug, Clone, Copy)]
pub struct ServerConfig {
    /// Largest request body accepted.  Default: 8 KiB.
    pub max_body: usize,
    /// Most jobs waiting in the queue; more get 503.  Default: 10 000.
    pub max_queued: u64,
    /// Time allowed to send the request body.  Default: 10 s.
    pub body_timeout: Duration,
    /// Accept loopback git URLs (tests only).  Default: off.
    pub allow_loopback: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body: 8 << 10,
            max_queued: 10_000,
            body_timeout: Duration::from_secs(10),
            allow_loopback: false,
        }
    }
}

/// Shared state of the handlers.
pub struct App {
    pub store: Arc<dyn Store>,
    pub wake: Arc<Wake>,
    pub config: ServerConfig,
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(status_page))
        .route("/api/enqueue-update", post(enqueue))
        .route("/api/jobs/{id}", get(job))
        .route("/api/repos", get(repos))
        .route("/api/dishes", get(dishes))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower::limit::ConcurrencyLimitLayer::new(1024))
        .with_state(app)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let mut r = (
        status,
        Json(ErrorBody {
            error: message.into(),
        }),
    )
        .into_response();
    r.headers_mut().insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "store error");
            Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the host's database failed; try again later",
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, "store task failed");
            Err(error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
    }
}

async fn enqueue(State(app): State<Arc<App>>, body: Body) -> Response {
    let max = app.config.max_body;
    let bytes = match tokio::time::timeout(
        app.config.body_timeout,
        axum::body::to_bytes(body, max),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("the request body is larger than {max} bytes; send only {{\"git-url\": URL, \"branch\": BRANCH}}"),
            )
        }
        Err(_) => return error(StatusCode::REQUEST_TIMEOUT, "the request body was not sent in time"),
    };
    let EnqueueRequest {
        git_url: url,
        branch,
    } = match EnqueueRequest::from_json(&bytes) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    if let Err(e) = git::check_url(&url, app.config.allow_loopback) {
        return error(StatusCode::BAD_REQUEST, format!("`git-url`: {e}"));
    }
    if let Err(e) = git::check_branch(&branch) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("`branch`: {e}; use a valid git branch name such as `main`"),
        );
    }
    let store = app.store.clone();
    let max_queued = app.config.max_queued;
    let (u, b) = (url.clone(), branch.clone());
    let outcome = match blocking(move || store.enqueue(&u, &b, max_queued)).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let (id, duplicate) = match outcome {
        Enqueued::New(id) => {
            app.wake.notify();
            tracing::info!(job = id, url = %url, branch = %branch, "job queued");
            (id, false)
        }
        Enqueued::Existing(id) => (id, true),
        Enqueued::Full => {
            let mut r = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the update queue is full; try again later",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            return r;
        }
    };
    (
        StatusCode::ACCEPTED,
        Json(EnqueueResponse {
            job: id,
            duplicate,
            status: JobState::Queued,
            url: format!("/api/jobs/{id}"),
        }),
    )
        .into_response()
}

async fn job(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return error(StatusCode::BAD_REQUEST, "a job id is a number");
    };
    let store = app.store.clone();
    let found = blocking(move || {
        let Some(job) = store.job(id)? else {
            return Ok(None);
        };
        let dishes = if matches!(job.state, JobState::Done | JobState::Failed) {
            store.dishes_of(&job.git_url, &job.branch)?
        } else {
            vec![]
        };
        Ok(Some((job, dishes)))
    })
    .await;
    match found {
        Ok(Some((job, dishes))) => Json(JobResponse { job, dishes }).into_response(),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("there is no job {id}")),
        Err(r) => r,
    }
}

async fn repos(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    match blocking(move || store.repos()).await {
        Ok(repos) => Json(ReposResponse { repos }).into_response(),
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
struct Limit {
    limit: Option<u32>,
}

async fn dishes(
    State(app): State<Arc<App>>,
    q: Result<Query<Limit>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return error(
            StatusCode::BAD_REQUEST,
            format!("`limit` is a number from 1 to {MAX_DISHES_PER_PAGE}: /api/dishes?limit=100"),
        );
    };
    let store = app.store.clone();
    let limit = q.limit.unwrap_or(100).clamp(1, MAX_DISHES_PER_PAGE);
    match blocking(move || Ok((store.dishes(limit)?, store.counts()?))).await {
        Ok((dishes, counts)) => Json(DishesResponse {
            dishes,
            total: counts.dishes,
        })
        .into_response(),
        Err(r) => r,
    }
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "this method is not allowed here: POST /api/enqueue-update, GET everything else",
    )
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "no such page; the API is POST /api/enqueue-update, GET /api/jobs/ID, /api/repos, /api/dishes",
    )
}

async fn status_page(State(app): State<Arc<App>>) -> Response {
    let store = app.store.clone();
    let data = blocking(move || {
        Ok((
            store.dishes(200)?,
            store.pending_jobs(50)?,
            store.recent_jobs(30)?,
            store.counts()?,
        ))
    })
    .await;
    let (dishes, pending, recent, counts) = match data {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut h = String::new();
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"30\">\
         <title>potluck host</title><style>\
         body{font-family:sans-serif;margin:2em;max-width:70em;color:#222}\
         table{border-collapse:collapse;width:100%;margin-bottom:1.5em}\
         th,td{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}\
         .ok{color:#176317}.failed{color:#a31515}\
         pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}\
         code{font-size:90%}</style></head><body>\n",
    );
    let _ = write!(
        h,
        "<h1>potluck host</h1>\n<p>This host turns Guix package definitions (dishes) published in \
         git repos into the channel it serves. Dishes are evaluated in a WebAssembly sandbox and \
         validated; see <code>potluck-wasm update URL BRANCH --host HOST</code> to submit yours.</p>\n\
         <p id=\"summary\">{} repos, {} dishes ({} failing), {} jobs waiting, {} running.</p>\n",
        counts.repos, counts.dishes, counts.failing, counts.queued, counts.running
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
    h.push_str("<h2>Recently updated dishes</h2>\n<table id=\"dishes\"><tr><th>dish</th><th>version</th><th>repo</th><th>branch</th><th>commit</th><th>status</th><th>module</th><th>updated</th></tr>\n");
    for d in &dishes {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            esc(d.name.as_deref().unwrap_or(&d.file)),
            esc(d.version.as_deref().unwrap_or("")),
            esc(&d.git_url),
            esc(&d.branch),
            esc(d.commit.get(..12).unwrap_or(&d.commit)),
            if d.ok { "ok" } else { "failed" },
            if d.ok { "ok" } else { "failed" },
            esc(d.module_name.as_deref().unwrap_or("-")),
            time(d.updated)
        );
    }
    h.push_str("</table>\n<h2>Failures</h2>\n<div id=\"failures\">\n");
    let failing: Vec<_> = dishes.iter().filter(|d| !d.ok).collect();
    if failing.is_empty() {
        h.push_str("<p>No dish is failing.</p>\n");
    }
    for d in failing {
        let _ = writeln!(
            h,
            "<h3>{} <small>({} branch {})</small></h3>\n<pre>{}</pre>",
            esc(&d.file),
            esc(&d.git_url),
            esc(&d.branch),
            esc(&d.rendered)
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
            esc(j.error.as_deref().or(j.summary.as_deref()).unwrap_or(""))
        );
    }
    h.push_str("</table>\n</body></html>\n");
    let mut r = Html(h).into_response();
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
