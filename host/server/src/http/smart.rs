//! The channel over git's smart HTTP protocol, read only: what `git clone
//! URL/channel.git` and `guix pull` (libgit2, through guile-git) use.
//!
//! - `GET /channel.git/info/refs?service=git-upload-pack` advertises the
//!   refs (`git upload-pack --stateless-rpc --advertise-refs`);
//! - `POST /channel.git/git-upload-pack` answers one negotiation round or
//!   sends the pack (`git upload-pack --stateless-rpc`), the request body
//!   capped at [`MAX_REQUEST`] (after gzip, which git clients use for big
//!   requests) and read within the body time limit.
//!
//! Pushing (`git-receive-pack`) and the dumb protocol are refused.  At most
//! as many `upload-pack` processes run as the server's permits allow (503
//! beyond), each with the clean environment of every potluck git and a
//! wall-clock limit, killed with its process group if the client goes away.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;

use super::{error, App};

/// Largest upload-pack request, after decompression.
pub const MAX_REQUEST: usize = 1 << 20;
/// Longest one `upload-pack` may run: 55 s, shorter than the connection's
/// 60 s lifetime (`serve::Limits::lifetime`), so that a request that
/// arrived promptly has its child stopped and its answer ended here rather
/// than cut off with the connection.  (A request whose headers and body
/// took most of `--request-timeout` to arrive can still meet the lifetime
/// first; the child is then killed with its process group all the same.)
const TIMEOUT: Duration = Duration::from_secs(55);

#[derive(serde::Deserialize)]
pub(super) struct Service {
    service: Option<String>,
}

/// The protocol version the client asked for (`Git-Protocol: version=2`).
fn protocol(headers: &HeaderMap) -> Option<&'static str> {
    let v = headers.get("git-protocol")?.to_str().ok()?;
    v.split(':').find_map(|p| match p {
        "version=2" => Some("version=2"),
        "version=1" => Some("version=1"),
        _ => None,
    })
}

fn command(app: &App, advertise: bool, headers: &HeaderMap) -> tokio::process::Command {
    let git_dir = app.channel.git_dir();
    let mut c = potluck_dish::git::command(git_dir);
    c.args([
        "-c",
        "uploadpack.allowFilter=true",
        "upload-pack",
        "--stateless-rpc",
    ]);
    if advertise {
        c.arg("--advertise-refs");
    }
    c.arg("--").arg(git_dir);
    if let Some(p) = protocol(headers) {
        c.env("GIT_PROTOCOL", p);
    }
    let mut c = tokio::process::Command::from(c);
    c.kill_on_drop(true).process_group(0);
    c
}

fn no_cache(mut r: Response, content_type: &'static str) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, max-age=0, must-revalidate"),
    );
    r
}

pub(super) async fn info_refs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    q: Result<Query<Service>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match q.ok().and_then(|Query(s)| s.service) {
        Some(s) if s == "git-upload-pack" => {}
        Some(s) if s == "git-receive-pack" => {
            return error(
                StatusCode::FORBIDDEN,
                "this channel is read only: pushing is refused",
            )
        }
        _ => return dumb_refusal(),
    }
    let Ok(_permit) = app.git_permits.clone().try_acquire_owned() else {
        return busy();
    };
    let mut c = command(&app, true, &headers);
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let out = match tokio::time::timeout(TIMEOUT, c.output()).await {
        Ok(Ok(o)) if o.status.success() => o.stdout,
        other => {
            tracing::error!(?other, "git upload-pack --advertise-refs failed");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot list the channel's refs",
            );
        }
    };
    let mut body = Vec::with_capacity(out.len() + 40);
    if protocol(&headers) != Some("version=2") {
        body.extend_from_slice(b"001e# service=git-upload-pack\n0000");
    }
    body.extend_from_slice(&out);
    no_cache(
        (StatusCode::OK, body).into_response(),
        "application/x-git-upload-pack-advertisement",
    )
}

pub(super) async fn upload_pack(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let compressed = match headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes()) {
        None | Some(b"identity") => false,
        Some(b"gzip") | Some(b"x-gzip") => true,
        Some(_) => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "only gzip request bodies are understood",
            )
        }
    };
    let raw = match tokio::time::timeout(
        app.config.body_timeout,
        axum::body::to_bytes(body, MAX_REQUEST),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("an upload-pack request is at most {MAX_REQUEST} bytes"),
            )
        }
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "the request body was not sent in time",
            )
        }
    };
    let input = if compressed {
        let mut out = Vec::new();
        let mut d = flate2::read::GzDecoder::new(&raw[..]).take(MAX_REQUEST as u64 + 1);
        if d.read_to_end(&mut out).is_err() {
            return error(StatusCode::BAD_REQUEST, "the gzip request body is corrupt");
        }
        if out.len() > MAX_REQUEST {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("an upload-pack request is at most {MAX_REQUEST} bytes uncompressed"),
            );
        }
        out
    } else {
        raw.to_vec()
    };
    let Ok(permit) = app.git_permits.clone().try_acquire_owned() else {
        return busy();
    };
    let mut c = command(&app, false, &headers);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = match c.spawn() {
        Ok(ch) => ch,
        Err(e) => {
            tracing::error!(error = %e, "cannot run git upload-pack");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot serve the channel",
            );
        }
    };
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    tokio::spawn(async move {
        let _ = stdin.write_all(&input).await;
    });
    // The pack is streamed as git writes it; the child is killed if the
    // client goes away (the stream is dropped) or the time is up.
    let stream = async_stream(stdout, child, permit);
    no_cache(
        (StatusCode::OK, Body::from_stream(stream)).into_response(),
        "application/x-git-upload-pack-result",
    )
}

/// `stdout` as a stream of chunks, ending at EOF or [`TIMEOUT`]; the child
/// and the permit live as long as the stream.
fn async_stream(
    stdout: tokio::process::ChildStdout,
    child: tokio::process::Child,
    permit: tokio::sync::OwnedSemaphorePermit,
) -> impl futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    let reader = tokio_util::io::ReaderStream::new(stdout);
    futures_util::stream::unfold(
        (reader, child, permit),
        move |(mut reader, child, permit)| async move {
            use futures_util::StreamExt;
            match tokio::time::timeout_at(deadline, reader.next()).await {
                Ok(Some(item)) => Some((item, (reader, child, permit))),
                Ok(None) => None,
                Err(_) => {
                    tracing::warn!("git upload-pack ran out of time");
                    None
                }
            }
        },
    )
}

fn busy() -> Response {
    let mut r = error(
        StatusCode::SERVICE_UNAVAILABLE,
        "too many clones at once; try again in a minute",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    r
}

fn dumb_refusal() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "this channel is served over git's smart HTTP protocol only; use git 1.6.6 or later",
    )
}

pub(super) async fn dumb() -> Response {
    dumb_refusal()
}

#[cfg(test)]
mod tests {
    use super::TIMEOUT;
    use crate::http::serve::Limits;

    /// An `upload-pack` is stopped by its own deadline, not cut off with
    /// the connection.
    #[test]
    fn upload_pack_ends_inside_the_connection_lifetime() {
        assert!(TIMEOUT < Limits::default().lifetime);
    }
}
