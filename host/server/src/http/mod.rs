//! The host's HTTP face: the 2017 `POST /api/enqueue-update` protocol, a
//! JSON view of jobs, repos, dishes and the channel, the HTML pages
//! ([`page`]), and the channel itself over git's smart HTTP ([`smart`]).
//!
//! Everything a client sends is bounded and checked before it reaches the
//! store: the body is read with a size cap and a time limit, must be a JSON
//! object with string fields `git-url` and `branch`, the URL must be public
//! (the rules dish URLs follow) and the branch a valid git branch name.
//! Every refusal is a 4xx with a JSON `{"error": …}` saying what to fix.
//! A job is committed to the store before the 202 answer is sent.  Every
//! answer is bounded: lists stop at [`MAX_RESPONSE`] bytes and say so.

pub mod page;
pub mod serve;
pub mod smart;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::api::{
    ChannelResponse, DishesResponse, EnqueueRequest, EnqueueResponse, ErrorBody, Introduction,
    JobResponse, ReposResponse,
};
use crate::channel::Channel;
use crate::git;
use crate::store::{Enqueued, JobState, Store};
use crate::worker::Wake;

/// Most dishes or repos one answer lists.
pub const MAX_DISHES_PER_PAGE: u32 = 1_000;
/// Largest JSON list answer, in bytes: a list is cut before it passes this
/// (and `truncated` says so).
pub const MAX_RESPONSE: usize = 4 << 20;

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
    /// The channel this host writes and serves.
    pub channel: Arc<Channel>,
    /// What users put in `channels.scm`.
    pub subscription: ChannelResponse,
    /// At most this many `git upload-pack` run at once.
    pub git_permits: Arc<tokio::sync::Semaphore>,
}

impl App {
    /// The subscription for `channel` served at `public_url` (this host's
    /// base URL, e.g. `https://potluck.example.org`).
    pub fn subscription(channel: &Channel, public_url: &str) -> ChannelResponse {
        let introduction = match (channel.introduction(), channel.signer()) {
            (Ok(Some(commit)), Some(signer)) => Some(Introduction {
                commit,
                fingerprint: signer.spaced_fingerprint(),
            }),
            _ => None,
        };
        ChannelResponse::new(
            "potluck",
            &format!("{}/channel.git", public_url.trim_end_matches('/')),
            crate::channel::BRANCH,
            introduction,
        )
    }
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page::status_page))
        .route("/dish", get(page::dish_page))
        .route("/api/enqueue-update", post(enqueue))
        .route("/api/jobs/{id}", get(job))
        .route("/api/repos", get(repos))
        .route("/api/dishes", get(dishes))
        .route("/api/channel", get(channel))
        .route("/channel.git/info/refs", get(smart::info_refs))
        .route("/channel.git/git-upload-pack", post(smart::upload_pack))
        .route("/channel.git/{*rest}", get(smart::dumb).post(smart::dumb))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(tower::limit::ConcurrencyLimitLayer::new(1024))
        .with_state(app)
}

/// The first items of `items` whose JSON fits in `budget` bytes, and
/// whether some were left out.
fn fit<T: serde::Serialize>(items: Vec<T>, budget: usize) -> (Vec<T>, bool) {
    let mut used = 0;
    let mut out = Vec::with_capacity(items.len());
    let total = items.len();
    for item in items {
        used += serde_json::to_vec(&item).map_or(usize::MAX / 2, |v| v.len() + 1);
        if used > budget {
            break;
        }
        out.push(item);
    }
    let cut = out.len() < total;
    (out, cut)
}

pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
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

pub(crate) async fn blocking<T: Send + 'static>(
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
        Ok(Some((job, dishes))) => {
            let (dishes, truncated) = fit(dishes, MAX_RESPONSE);
            Json(JobResponse {
                job,
                dishes,
                truncated,
            })
            .into_response()
        }
        Ok(None) => error(StatusCode::NOT_FOUND, format!("there is no job {id}")),
        Err(r) => r,
    }
}

#[derive(serde::Deserialize)]
struct Limit {
    limit: Option<u32>,
}

/// The `?limit=` of a list (default 100), or the refusal.
fn limit(
    q: Result<Query<Limit>, axum::extract::rejection::QueryRejection>,
    path: &str,
) -> Result<u32, Response> {
    let bad = || {
        error(
            StatusCode::BAD_REQUEST,
            format!("`limit` is a number from 1 to {MAX_DISHES_PER_PAGE}: {path}?limit=100"),
        )
    };
    let Ok(Query(q)) = q else {
        return Err(bad());
    };
    match q.limit {
        None => Ok(100),
        Some(n) if (1..=MAX_DISHES_PER_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(bad()),
    }
}

async fn repos(
    State(app): State<Arc<App>>,
    q: Result<Query<Limit>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let limit = match limit(q, "/api/repos") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let store = app.store.clone();
    match blocking(move || Ok((store.repos(limit)?, store.counts()?))).await {
        Ok((repos, counts)) => {
            let (repos, cut) = fit(repos, MAX_RESPONSE);
            Json(ReposResponse {
                truncated: cut || counts.repos > repos.len() as u64,
                repos,
                total: counts.repos,
            })
            .into_response()
        }
        Err(r) => r,
    }
}

async fn dishes(
    State(app): State<Arc<App>>,
    q: Result<Query<Limit>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let limit = match limit(q, "/api/dishes") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let store = app.store.clone();
    match blocking(move || Ok((store.dishes(limit)?, store.counts()?))).await {
        Ok((dishes, counts)) => {
            let (dishes, truncated) = fit(dishes, MAX_RESPONSE);
            Json(DishesResponse {
                dishes,
                total: counts.dishes,
                truncated,
            })
            .into_response()
        }
        Err(r) => r,
    }
}

async fn channel(State(app): State<Arc<App>>) -> Response {
    Json(app.subscription.clone()).into_response()
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
        "no such page; the API is POST /api/enqueue-update, GET /api/jobs/ID, /api/repos, \
         /api/dishes, /api/channel; the channel is at /channel.git",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_cut_before_their_json_passes_the_budget() {
        // Each item is 102 bytes of JSON, and a comma.
        let items = vec!["x".repeat(100); 10];
        let (kept, cut) = fit(items.clone(), 350);
        assert_eq!(kept.len(), 3);
        assert!(cut);
        assert!(serde_json::to_vec(&kept).unwrap().len() <= 350);
        let (all, cut) = fit(items, MAX_RESPONSE);
        assert_eq!(all.len(), 10);
        assert!(!cut);
        // An item larger than the whole answer is never sent.
        let (none, cut) = fit(vec!["y".repeat(MAX_RESPONSE)], MAX_RESPONSE);
        assert!(none.is_empty());
        assert!(cut);
        let (none, cut) = fit(Vec::<String>::new(), 0);
        assert!(none.is_empty());
        assert!(!cut);
    }
}
