//! The HTTP API's messages, as typed structs shared by the server
//! ([`crate::http`]), the client ([`crate::client`]) and the command line.
//! Field names are kebab-case on the wire (the 2017 protocol's `git-url`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use potluck_sandbox::diagnostic::Diagnostic;

/// `POST /api/enqueue-update`: the 2017 protocol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EnqueueRequest {
    pub git_url: String,
    pub branch: String,
}

impl EnqueueRequest {
    /// Read a request body, with an error that says what to send.
    pub fn from_json(body: &[u8]) -> Result<EnqueueRequest, String> {
        const SEND: &str = "send {\"git-url\": URL, \"branch\": BRANCH}";
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| format!("the body is not valid JSON ({e}); {SEND}"))?;
        let Value::Object(fields) = value else {
            return Err(format!("the body must be a JSON object; {SEND}"));
        };
        let field = |name: &str| match fields.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(format!("the field `{name}` must be a string")),
            None => Err(format!("the field `{name}` is missing; {SEND}")),
        };
        Ok(EnqueueRequest {
            git_url: field("git-url")?,
            branch: field("branch")?,
        })
    }
}

/// The answer to an accepted enqueue request (202).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct EnqueueResponse {
    pub job: i64,
    /// The repo and branch was already queued: `job` is that job.
    pub duplicate: bool,
    pub status: JobState,
    /// Where to follow the job, e.g. `/api/jobs/7`.
    pub url: String,
}

/// Every refusal and failure: 4xx or 5xx with this body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// `GET /api/jobs/ID`: the job and, once it has finished, its repo's dishes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResponse {
    #[serde(flatten)]
    pub job: Job,
    #[serde(default)]
    pub dishes: Vec<DishRecord>,
    /// `dishes` stopped early to keep the answer under its size cap.
    #[serde(default)]
    pub truncated: bool,
}

/// Totals over everything a host holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub repos: u64,
    pub dishes: u64,
    /// Dishes whose last attempt failed.
    pub failing: u64,
    /// Jobs waiting.
    pub queued: u64,
    /// Jobs being worked on.
    pub running: u64,
    /// Jobs waiting for their sources to be verified.
    #[serde(default)]
    pub verifying: u64,
}

/// `GET /api/repos`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReposResponse {
    pub repos: Vec<RepoRecord>,
    /// How many repos the host follows in all.
    #[serde(default)]
    pub total: u64,
    /// `repos` stopped early to keep the answer under its size cap.
    #[serde(default)]
    pub truncated: bool,
}

/// `GET /api/dishes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DishesResponse {
    pub dishes: Vec<DishRecord>,
    /// How many dishes the host has in all (`dishes` holds at most the
    /// requested limit).
    pub total: u64,
    /// `dishes` stopped early to keep the answer under its size cap.
    #[serde(default)]
    pub truncated: bool,
}

/// `GET /api/channel`: how to subscribe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ChannelResponse {
    /// The channel's name in `channels.scm`.
    pub name: String,
    /// The URL `guix pull` fetches (this host's `/channel.git`).
    pub url: String,
    pub branch: String,
    /// Where authentication starts, when the host signs its commits.
    pub introduction: Option<Introduction>,
    /// The entry to add to `~/.config/guix/channels.scm`.
    pub channels_scm: String,
}

/// A Guix channel introduction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Introduction {
    /// The first signed commit.
    pub commit: String,
    /// Its signer's OpenPGP fingerprint, as Guix prints it.
    pub fingerprint: String,
}

impl ChannelResponse {
    /// The answer for a channel served at `url`.
    pub fn new(name: &str, url: &str, branch: &str, introduction: Option<Introduction>) -> Self {
        let q = scheme_string;
        let mut scm = format!(
            "(cons (channel\n        (name '{name})\n        (url {})\n        (branch {})",
            q(url),
            q(branch)
        );
        if let Some(i) = &introduction {
            scm.push_str(&format!(
                "\n        (introduction\n         (make-channel-introduction\n          {}\n          (openpgp-fingerprint\n           {}))))",
                q(&i.commit),
                q(&i.fingerprint)
            ));
        } else {
            scm.push(')');
        }
        scm.push_str("\n      %default-channels)\n");
        ChannelResponse {
            name: name.into(),
            url: url.into(),
            branch: branch.into(),
            introduction,
            channels_scm: scm,
        }
    }
}

/// `s` as a Scheme string literal.
fn scheme_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\x{:x};", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The state of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    /// Evaluated; waiting for the host to verify the sources its dishes
    /// name, after which it runs again and publishes.
    Verifying,
    Done,
    Failed,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Verifying => "verifying",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// The state stored as `s` (anything unknown reads as failed).
    pub fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "verifying" => JobState::Verifying,
            "done" => JobState::Done,
            _ => JobState::Failed,
        }
    }
}

/// One update request and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Job {
    pub id: i64,
    pub git_url: String,
    pub branch: String,
    pub state: JobState,
    /// Seconds since the Unix epoch.
    pub created: i64,
    pub started: Option<i64>,
    pub finished: Option<i64>,
    /// How many times a worker took the job (more than one after a crash).
    pub attempts: i64,
    /// The repo commit that was evaluated.
    pub commit: Option<String>,
    /// The channel commit this job made (none when nothing changed).
    pub channel_commit: Option<String>,
    /// Why the whole job failed (fetch error, refused repo...).
    pub error: Option<String>,
    /// One line per dish: what happened to it.
    pub summary: Option<String>,
}

/// The last known result of one dish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DishRecord {
    pub git_url: String,
    pub branch: String,
    /// The dish file name inside `guix-potluck/`.
    pub file: String,
    pub name: Option<String>,
    pub version: Option<String>,
    /// The repo commit of the last attempt.
    pub commit: String,
    /// `true` when the last attempt produced a module.
    pub ok: bool,
    /// The diagnostics of the last attempt, as in `check --format json`.
    pub diagnostics: Vec<Diagnostic>,
    /// The same, rendered as text.
    pub rendered: String,
    /// The module in the channel (the last good one if this attempt failed).
    pub module_path: Option<String>,
    /// The module name, e.g. `(gnu packages potluck …)`.
    pub module_name: Option<String>,
    /// What the host found when it fetched the dish's `git-uri` at its
    /// `git-commit`: none when the dish did not get that far.
    #[serde(default)]
    pub source: Option<SourceState>,
    pub updated: i64,
}

/// The outcome of verifying a dish's source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    /// The checkout hashes to the dish's `sha256`.
    Verified,
    /// The checkout hashes to something else.
    Mismatch,
    /// The commit could not be fetched.
    Unreachable,
}

impl SourceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Verified => "verified",
            SourceState::Mismatch => "mismatch",
            SourceState::Unreachable => "unreachable",
        }
    }

    pub fn parse(s: &str) -> Option<SourceState> {
        match s {
            "verified" => Some(SourceState::Verified),
            "mismatch" => Some(SourceState::Mismatch),
            "unreachable" => Some(SourceState::Unreachable),
            _ => None,
        }
    }
}

/// A followed repo and branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RepoRecord {
    pub git_url: String,
    pub branch: String,
    pub last_commit: Option<String>,
    pub last_job: i64,
    pub last_state: JobState,
    pub last_error: Option<String>,
    pub dishes: i64,
    pub failing: i64,
    pub updated: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subscription_snippet_is_a_channels_scm_entry() {
        let r = ChannelResponse::new(
            "potluck",
            "https://potluck.example.org/channel.git",
            "main",
            Some(Introduction {
                commit: "0123456789abcdef0123456789abcdef01234567".into(),
                fingerprint: "CC34 A184 16F3 9355 9235  40C4 BFEA 5437 2BE7 B6BB".into(),
            }),
        );
        assert_eq!(
            r.channels_scm,
            "(cons (channel\n        (name 'potluck)\n        (url \"https://potluck.example.org/channel.git\")\n        (branch \"main\")\n        (introduction\n         (make-channel-introduction\n          \"0123456789abcdef0123456789abcdef01234567\"\n          (openpgp-fingerprint\n           \"CC34 A184 16F3 9355 9235  40C4 BFEA 5437 2BE7 B6BB\"))))\n      %default-channels)\n"
        );
        assert_eq!(scheme_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\xa;\"");
    }
}
