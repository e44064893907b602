//! `potluck-wasm update`: ask a potluck host to update from a repo (the
//! 2017 protocol: `POST /api/enqueue-update` with `{"git-url", "branch"}`),
//! and optionally wait for the job's outcome.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// What went wrong talking to the host.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("`{0}` is not a host URL; use e.g. https://potluck.example.org")]
    BadHost(String),
    #[error("cannot reach the host: {0}")]
    Transport(String),
    #[error("the host refused the request ({status}): {message}")]
    Refused { status: u16, message: String },
    #[error("the host's answer is not what this client understands: {0}")]
    Protocol(String),
    #[error("the job did not finish within {0} s; see {1}")]
    Timeout(u64, String),
}

/// The base URL of `host`: `https://` is added when no scheme is given.
pub fn base_url(host: &str) -> Result<String, ClientError> {
    let with_scheme = if host.contains("://") {
        host.to_string()
    } else {
        format!("https://{host}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| ClientError::BadHost(host.into()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ClientError::BadHost(host.into()));
    }
    Ok(with_scheme.trim_end_matches('/').to_string())
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn answer(mut resp: ureq::http::Response<ureq::Body>) -> Result<(u16, Value), ClientError> {
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_string()
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    let v: Value = serde_json::from_str(&text).map_err(|_| {
        ClientError::Protocol(format!(
            "HTTP {status} with a body that is not JSON: {}",
            crate::diagnostic::truncate(text.trim(), 200)
        ))
    })?;
    if !(200..300).contains(&status) {
        let message = v["error"].as_str().unwrap_or("no reason given").to_string();
        return Err(ClientError::Refused { status, message });
    }
    Ok((status, v))
}

/// Enqueue an update; returns the job id and whether it was a duplicate.
pub fn enqueue(host: &str, git_url: &str, branch: &str) -> Result<(i64, bool), ClientError> {
    let base = base_url(host)?;
    let resp = agent()
        .post(&format!("{base}/api/enqueue-update"))
        .send_json(json!({ "git-url": git_url, "branch": branch }))
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    let (_, v) = answer(resp)?;
    let id = v["job"]
        .as_i64()
        .ok_or_else(|| ClientError::Protocol("no job id in the answer".into()))?;
    Ok((id, v["duplicate"].as_bool().unwrap_or(false)))
}

/// Fetch a job's record (with its repo's dishes once finished).
pub fn job(host: &str, id: i64) -> Result<Value, ClientError> {
    let base = base_url(host)?;
    let resp = agent()
        .get(&format!("{base}/api/jobs/{id}"))
        .call()
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    Ok(answer(resp)?.1)
}

/// Poll until job `id` is done or failed.
pub fn wait(host: &str, id: i64, timeout: Duration) -> Result<Value, ClientError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        let v = job(host, id)?;
        if matches!(v["state"].as_str(), Some("done" | "failed")) {
            return Ok(v);
        }
        if start.elapsed() > timeout {
            return Err(ClientError::Timeout(
                timeout.as_secs(),
                format!("{}/api/jobs/{id}", base_url(host)?),
            ));
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}
