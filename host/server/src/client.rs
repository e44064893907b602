//! `potluck-wasm update`: ask a potluck host to update from a repo (the
//! 2017 protocol: `POST /api/enqueue-update` with `{"git-url", "branch"}`),
//! and optionally wait for the job's outcome.

use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use crate::api::{EnqueueRequest, EnqueueResponse, ErrorBody, JobResponse, JobState};

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

/// Read an answer: its JSON body as `T` when the status is 2xx, the
/// host's `{"error": …}` otherwise.  The body is read up to 16 MiB.
fn answer<T: DeserializeOwned>(
    mut resp: ureq::http::Response<ureq::Body>,
) -> Result<T, ClientError> {
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .with_config()
        .limit(16 << 20)
        .read_to_string()
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    if !(200..300).contains(&status) {
        let message = serde_json::from_str::<ErrorBody>(&text)
            .map(|e| e.error)
            .unwrap_or_else(|_| format!("HTTP {status}: {}", shown(&text)));
        return Err(ClientError::Refused { status, message });
    }
    serde_json::from_str(&text).map_err(|e| {
        ClientError::Protocol(format!(
            "HTTP {status} with an answer this client does not understand ({e}): {}",
            shown(&text)
        ))
    })
}

/// A body for an error message: one line, bounded, terminal-safe.
fn shown(text: &str) -> String {
    potluck_sandbox::diagnostic::quote(text.trim())
}

/// Enqueue an update.
pub fn enqueue(host: &str, git_url: &str, branch: &str) -> Result<EnqueueResponse, ClientError> {
    let base = base_url(host)?;
    let resp = agent()
        .post(&format!("{base}/api/enqueue-update"))
        .send_json(EnqueueRequest {
            git_url: git_url.to_string(),
            branch: branch.to_string(),
        })
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    answer(resp)
}

/// Fetch a job's record (with its repo's dishes once finished).
pub fn job(host: &str, id: i64) -> Result<JobResponse, ClientError> {
    let base = base_url(host)?;
    let resp = agent()
        .get(&format!("{base}/api/jobs/{id}"))
        .call()
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    answer(resp)
}

/// Poll until job `id` is done or failed.
pub fn wait(host: &str, id: i64, timeout: Duration) -> Result<JobResponse, ClientError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        let j = job(host, id)?;
        if matches!(j.job.state, JobState::Done | JobState::Failed) {
            return Ok(j);
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
