//! The HTTP fuzz body: arbitrary requests through the host's real router
//! (the handlers, a SQLite store and a channel repo in a temporary
//! directory), and arbitrary strings through the URL and branch checks.
//!
//! Oracles:
//! * no handler panics, and none answers 500 (the store is local);
//! * every answer is bounded: its body is at most the largest list answer
//!   ([`MAX_RESPONSE`]) plus 64 KiB;
//! * every refusal under `/api/` is JSON with an `error` string (but for
//!   `HEAD`, whose answers have no body);
//! * a job is queued (202) only for a URL and branch the independent
//!   checks below accept;
//! * [`check_url`] accepts only URLs that are in canonical form (the exact
//!   text `url` serialises them to), with an `https`, `http` or `git`
//!   scheme, a host, no credentials, no control or white-space character,
//!   and, when the host is an IP address, a global one; [`check_branch`]
//!   accepts only names `git check-ref-format --branch` accepts, by its
//!   documented rules written out again here.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use potluck_guest_fuzz::arbitrary::Unstructured;
use potluck_server::channel::{Channel, Options};
use potluck_server::git::{check_branch, check_url};
use potluck_server::http::{router, App, ServerConfig, MAX_RESPONSE};
use potluck_server::store::SqliteStore;
use potluck_server::worker::Wake;
use tower::ServiceExt;

/// The router under test, with its state and runtime.
pub struct HttpTarget {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
    _dir: tempfile::TempDir,
}

impl HttpTarget {
    /// A host's router over a fresh store and channel (no workers: queued
    /// jobs stay queued, and past the queue's cap requests get 503).
    pub fn new() -> HttpTarget {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open(&dir.path().join("state.sqlite")).expect("the store opens");
        let channel = Channel::open(
            &dir.path().join("channel.git"),
            Options {
                push_url: None,
                signer: None,
                sync: false,
            },
        )
        .expect("the channel opens");
        let app = Arc::new(App {
            store: Arc::new(store),
            wake: Arc::new(Wake::default()),
            config: ServerConfig {
                body_timeout: Duration::from_millis(200),
                max_queued: 2_000,
                ..ServerConfig::default()
            },
            subscription: App::subscription(&channel, "http://127.0.0.1:1"),
            channel: Arc::new(channel),
            git_permits: Arc::new(tokio::sync::Semaphore::new(2)),
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        HttpTarget {
            rt,
            router: router(app),
            _dir: dir,
        }
    }
}

impl Default for HttpTarget {
    fn default() -> Self {
        HttpTarget::new()
    }
}

const PATHS: &[&str] = &[
    "/",
    "/dish",
    "/api/enqueue-update",
    "/api/jobs/",
    "/api/repos",
    "/api/dishes",
    "/api/channel",
    "/channel.git/info/refs",
    "/channel.git/git-upload-pack",
    "/channel.git/",
    "/nope",
];

const QUERY_KEYS: &[&str] = &["limit", "url", "branch", "file", "service", "git-url", "id"];

const METHODS: &[&str] = &["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

/// URL-like text: a scheme, a host part and a path, each from pieces known
/// to matter (backslashes, credentials, IP forms, percent-escapes) or
/// arbitrary.
fn url_text(u: &mut Unstructured<'_>) -> String {
    const SCHEMES: &[&str] = &[
        "https://", "http://", "git://", "ssh://", "file://", "HTTPS://", "", "-",
    ];
    const HOSTS: &[&str] = &[
        "example.org",
        "github.com",
        "127.0.0.1",
        "1.1.1.1\\@127.0.0.1:8999",
        "user:pw@example.org",
        "[::1]",
        "0x7f.1",
        "2130706433",
        "10.0.0.5",
        "EXAMPLE.org.",
        "xn--80ak6aa92e.com",
        "example.org:0",
        "example.org:99999",
        "exa mple.org",
        "",
    ];
    const PATHS: &[&str] = &[
        "/x",
        "/a/../b",
        "/%2e%2e/x",
        "/x y",
        "/x\u{202e}",
        "?q#f",
        "/\\x",
        "",
    ];
    let mut s = String::new();
    s.push_str(u.choose(SCHEMES).copied().unwrap_or(""));
    if u.ratio(1, 4).unwrap_or(false) {
        s.push_str(u.arbitrary::<&str>().unwrap_or(""));
    } else {
        s.push_str(u.choose(HOSTS).copied().unwrap_or(""));
    }
    s.push_str(u.choose(PATHS).copied().unwrap_or(""));
    if u.ratio(1, 3).unwrap_or(false) {
        s.push_str(u.arbitrary::<&str>().unwrap_or(""));
    }
    s
}

fn branch_text(u: &mut Unstructured<'_>) -> String {
    const BRANCHES: &[&str] = &[
        "main", "a/b", "-x", "a..b", "x.lock", "@", "a@{b", ".x", "x/", "a b", "é", "HEAD", "a//b",
    ];
    if u.ratio(1, 2).unwrap_or(false) {
        u.arbitrary::<&str>().unwrap_or("").to_string()
    } else {
        u.choose(BRANCHES).copied().unwrap_or("main").to_string()
    }
}

/// Percent-encode everything but unreserved characters, so that any text
/// can ride in a query or path.
fn escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The HTTP fuzz body: see the module documentation.
pub fn http_body(target: &HttpTarget, bytes: &[u8]) {
    let mut u = Unstructured::new(bytes);
    // The checks on their own, with the raw strings.
    let url = url_text(&mut u);
    let branch = branch_text(&mut u);
    url_oracle(&url);
    branch_oracle(&branch);

    // A request.
    let method = if u.ratio(1, 8).unwrap_or(false) {
        Method::from_bytes(u.arbitrary::<&str>().unwrap_or("X").as_bytes()).unwrap_or(Method::GET)
    } else {
        Method::from_bytes(u.choose(METHODS).copied().unwrap_or("GET").as_bytes())
            .expect("a known method")
    };
    let mut path = u.choose(PATHS).copied().unwrap_or("/").to_string();
    if path.ends_with('/') && path.len() > 1 {
        path.push_str(&escape(u.arbitrary::<&str>().unwrap_or("")));
    }
    let mut query = Vec::new();
    for _ in 0..u.int_in_range(0..=3).unwrap_or(0) {
        let key = u.choose(QUERY_KEYS).copied().unwrap_or("limit");
        let value: String = match key {
            "url" | "git-url" => url.clone(),
            "branch" => branch.clone(),
            _ => u.arbitrary::<&str>().unwrap_or("").to_string(),
        };
        query.push(format!("{key}={}", escape(&value)));
    }
    if !query.is_empty() {
        path.push('?');
        path.push_str(&query.join("&"));
    }
    let body = match u.int_in_range(0..=3).unwrap_or(0) {
        0 => serde_json::json!({"git-url": url, "branch": branch})
            .to_string()
            .into_bytes(),
        1 => serde_json::json!({"git-url": url, "branch": branch, "extra": 1})
            .to_string()
            .into_bytes(),
        2 => u.arbitrary::<&[u8]>().unwrap_or(b"").to_vec(),
        _ => Vec::new(),
    };
    let enqueue = method == Method::POST && path == "/api/enqueue-update";
    // An answer to HEAD has no body.
    let head = method == Method::HEAD;
    let Ok(request) = Request::builder()
        .method(method)
        .uri(path.as_str())
        .header("content-type", "application/json")
        .body(Body::from(body.clone()))
    else {
        return;
    };
    let limit = MAX_RESPONSE + (64 << 10);
    let (status, answer) = target.rt.block_on(async {
        let response = target
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router's error type is Infallible");
        let status = response.status();
        let answer = axum::body::to_bytes(response.into_body(), limit).await;
        (status, answer)
    });
    let answer = answer.unwrap_or_else(|_| panic!("{path}: the answer is over {limit} bytes"));
    assert_ne!(
        status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{path}: {}",
        String::from_utf8_lossy(&answer)
    );
    if !head && path.starts_with("/api/") && (status.is_client_error() || status.is_server_error())
    {
        let json: serde_json::Value = serde_json::from_slice(&answer)
            .unwrap_or_else(|e| panic!("{path}: a {status} refusal that is not JSON ({e})"));
        assert!(
            json["error"].is_string(),
            "{path}: a {status} refusal without `error`: {json}"
        );
    }
    if enqueue && status == StatusCode::ACCEPTED {
        let sent: serde_json::Value =
            serde_json::from_slice(&body).expect("a 202 answers a JSON body");
        let url = sent["git-url"]
            .as_str()
            .expect("a 202 has a string git-url");
        let branch = sent["branch"].as_str().expect("a 202 has a string branch");
        assert!(independent_url_ok(url), "queued a job for the URL {url:?}");
        assert!(
            git_branch_ok(branch),
            "queued a job for the branch {branch:?}"
        );
    }
}

/// `check_url` accepts only what [`independent_url_ok`] does.
fn url_oracle(url: &str) {
    if check_url(url, false).is_ok() {
        assert!(independent_url_ok(url), "check_url accepted {url:?}");
    }
}

fn independent_url_ok(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    // Canonical: what the parser writes back, but for the `/` of an
    // empty path, which it adds.
    let canonical = parsed.as_str();
    if (canonical != url && canonical.strip_suffix('/') != Some(url))
        || !matches!(parsed.scheme(), "https" | "http" | "git")
        || !parsed.username().is_empty()
        || parsed.password().is_some()
        || parsed.fragment().is_some()
        || url.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return false;
    }
    let global = |host: url::Host<&str>| match host {
        url::Host::Domain(d) => !d.is_empty() && d != "localhost" && !d.ends_with(".localhost"),
        url::Host::Ipv4(ip) => potluck_dish::uri::is_global(ip.into()),
        url::Host::Ipv6(ip) => potluck_dish::uri::is_global(ip.into()),
    };
    match parsed.host() {
        None => false,
        // A `git:` URL keeps a numeric host as text; an HTTP client would
        // read it as an address.  A host an HTTP URL cannot have at all
        // (one ending in a number, which is read as an IPv4 address and
        // fails) is no public DNS name either.
        Some(url::Host::Domain(d)) => url::Url::parse(&format!("http://{d}/"))
            .is_ok_and(|as_http| as_http.host().is_some_and(global)),
        Some(host) => global(host),
    }
}

/// `check_branch` accepts only what [`git_branch_ok`] does.
fn branch_oracle(branch: &str) {
    if check_branch(branch).is_ok() {
        assert!(git_branch_ok(branch), "check_branch accepted {branch:?}");
    }
}

/// The rules of `git check-ref-format --branch` (git-check-ref-format(1)),
/// for a name under `refs/heads/`.
fn git_branch_ok(branch: &str) -> bool {
    !branch.is_empty()
        && !branch.starts_with('-')
        && branch != "@"
        && branch != "HEAD"
        && !branch.contains("..")
        && !branch.contains("@{")
        && !branch.ends_with('.')
        && !branch.ends_with('/')
        && !branch.starts_with('/')
        && !branch.contains("//")
        && !branch
            .bytes()
            .any(|b| b < 0x20 || b == 0x7f || b" ~^:?*[\\".contains(&b))
        && branch
            .split('/')
            .all(|c| !c.is_empty() && !c.starts_with('.') && !c.ends_with(".lock"))
}
