//! The Operator API client the mint handler needs: create a conversation, read its status,
//! refresh its token. Holds the API key; never logs it, never puts it in an error.

use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{header, Method, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use crate::channel::ChatChannel;
use crate::error::MintError;

/// The only Operator API version (`Operator-Version` header).
pub const OPERATOR_VERSION: &str = "2025-06-19";

/// Operator's session host, where the real-time session WebSocket lives (apart from the REST
/// host `https://api.operator.xyz`; operator-api.md §0, §4.1).
pub const DEFAULT_SESSION_BASE_URL: &str = "wss://agent.app.operator.xyz";

/// An Operator API client bound to one base URL and API key, plus the session host it hands
/// to browsers.
/// Timeout of one Operator API call.
pub const UPSTREAM_CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Deadline for all Operator API calls of one mint (two or three calls). It stays below the
/// dev server's request timeout, so a slow Operator is answered `upstream_unavailable` in the
/// error schema rather than cut off by the request timeout.
pub const UPSTREAM_TOTAL_TIMEOUT: Duration = Duration::from_secs(20);

/// Largest Operator API answer body read; a longer one is refused as `upstream_rejected`.
pub const UPSTREAM_BODY_LIMIT: usize = 64 * 1024;

/// An Operator API client bound to one base URL and API key.
#[derive(Clone)]
pub struct Upstream {
    http: reqwest::Client,
    base_url: String,
    session_base_url: String,
    api_key: String,
    total_timeout: Duration,
}

impl fmt::Debug for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Upstream")
            .field("base_url", &self.base_url)
            .field("session_base_url", &self.session_base_url)
            .field("api_key", &"[REDACTED]")
            .finish()
    }
}

/// `POST /conversations` answer (chat channels).
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    /// The conversation id.
    pub id: String,
    /// The channel, with the first token.
    pub channel: CreatedChannel,
}

/// The `channel` object of a create answer. Its `Debug` hides the token.
#[derive(Clone, Deserialize)]
pub struct CreatedChannel {
    /// The first token, when Operator returns one.
    pub token: Option<String>,
    /// Its expiry (RFC 3339). Not a documented field of the create answer (an emulator
    /// extension); when absent the mint path learns the expiry from a refresh.
    pub expires_at: Option<String>,
    /// Events SSE URL without token.
    pub events_url: Option<String>,
}

impl fmt::Debug for CreatedChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreatedChannel")
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("expires_at", &self.expires_at)
            .field("events_url", &self.events_url)
            .finish()
    }
}

/// `POST /conversations/{id}/token/refresh` answer. Its `Debug` hides the token.
#[derive(Clone, Deserialize)]
pub struct Minted {
    /// The new token (the previous one is revoked).
    pub token: String,
    /// Its expiry (RFC 3339).
    pub expires_at: String,
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("token", &"[REDACTED]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

#[derive(Deserialize)]
struct Status {
    status: String,
    /// Documented as nullable (operator-api.md §5.2).
    #[serde(default)]
    channel_type: Option<String>,
}

/// What the mint needs to know about a conversation it may resume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationStatus {
    /// Whether it can no longer be chatted in ([`is_final_status`]).
    pub ended: bool,
    /// Its `channel_type` (`chat_realtime`, `chat_async`, ...), when Operator says.
    pub channel_type: Option<String>,
}

impl Upstream {
    /// A client with connect and per-call timeouts ([`UPSTREAM_CALL_TIMEOUT`]) and a per-mint
    /// deadline ([`UPSTREAM_TOTAL_TIMEOUT`]). `base_url` is e.g. `https://api.operator.xyz`.
    /// Redirects are not followed: the API key is never sent anywhere but `base_url`.
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(UPSTREAM_CALL_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Upstream {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            session_base_url: DEFAULT_SESSION_BASE_URL.to_owned(),
            api_key: api_key.to_owned(),
            total_timeout: UPSTREAM_TOTAL_TIMEOUT,
        })
    }

    /// The same client handing out session URLs on `session_base_url` (e.g. an emulator's
    /// `ws://127.0.0.1:4011`) instead of [`DEFAULT_SESSION_BASE_URL`].
    pub fn with_session_base_url(mut self, session_base_url: &str) -> Self {
        self.session_base_url = session_base_url.trim_end_matches('/').to_owned();
        self
    }

    /// The same client with another per-mint deadline.
    pub fn with_total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = total;
        self
    }

    /// The deadline for all Operator API calls of one mint.
    pub fn total_timeout(&self) -> Duration {
        self.total_timeout
    }

    /// The base URL (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The session host (no trailing slash), e.g. `wss://agent.app.operator.xyz`.
    pub fn session_base_url(&self) -> &str {
        &self.session_base_url
    }

    /// The session WebSocket URL of a conversation, without token:
    /// `{session base}/conversations/{id}/session`. Never derived from the REST base or from
    /// the create answer (which documents no such field).
    pub fn session_url(&self, conversation_id: &str) -> String {
        format!(
            "{}{}/session",
            self.session_base_url,
            conversation_path(conversation_id)
        )
    }

    /// The events URL of a conversation on the REST host, without token:
    /// `{base}/conversations/{id}/events`.
    pub fn events_url(&self, conversation_id: &str) -> String {
        format!(
            "{}{}/events",
            self.base_url,
            conversation_path(conversation_id)
        )
    }

    /// Creates a conversation on `channel` for `agent_id`.
    pub async fn create_conversation(
        &self,
        agent_id: &str,
        channel: ChatChannel,
    ) -> Result<Created, MintError> {
        let body = json!({ "agent_id": agent_id, "channel": { "type": channel.as_str() } });
        self.call(Method::POST, "/conversations", Some(body)).await
    }

    /// Whether the conversation has ended, and its channel; `None` when it no longer exists.
    pub async fn status(&self, id: &str) -> Result<Option<ConversationStatus>, MintError> {
        let response = self.send(Method::GET, &conversation_path(id), None).await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let conversation: Status = decode(classify(response)?).await?;
        Ok(Some(ConversationStatus {
            ended: is_final_status(&conversation.status),
            channel_type: conversation.channel_type,
        }))
    }

    /// `Some(true)` when the conversation has ended, `None` when it no longer exists.
    pub async fn has_ended(&self, id: &str) -> Result<Option<bool>, MintError> {
        Ok(self.status(id).await?.map(|s| s.ended))
    }

    /// Mints a new token for the conversation, revoking the previous one.
    pub async fn refresh_token(&self, id: &str) -> Result<Minted, MintError> {
        let path = format!("{}/token/refresh", conversation_path(id));
        self.call(Method::POST, &path, None).await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<T, MintError> {
        decode(classify(self.send(method, path, body).await?)?).await
    }

    /// Sends one authenticated request; only transport failures are errors here.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Response, MintError> {
        tracing::debug!(%method, path, "operator api request");
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(&self.api_key)
            .header("Operator-Version", OPERATOR_VERSION);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.map_err(|e| {
            let what = if e.is_timeout() {
                "timed out"
            } else {
                "unreachable"
            };
            MintError::UpstreamUnavailable(what.into(), None)
        })
    }
}

/// Reads at most [`UPSTREAM_BODY_LIMIT`] bytes of `response` and decodes them as `T`.
async fn decode<T: DeserializeOwned>(mut response: Response) -> Result<T, MintError> {
    let too_large = || MintError::UpstreamRejected("response body too large".into());
    if response
        .content_length()
        .is_some_and(|n| n > UPSTREAM_BODY_LIMIT as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|_| MintError::UpstreamUnavailable("connection lost".into(), None))?
    {
        if body.len() + chunk.len() > UPSTREAM_BODY_LIMIT {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body)
        .map_err(|_| MintError::UpstreamRejected("unexpected response body".into()))
}

/// Statuses after which a conversation can no longer be chatted in (operator-api.md §5.5).
pub fn is_final_status(status: &str) -> bool {
    matches!(
        status,
        "completed" | "failed" | "busy" | "no-answer" | "voicemail"
    )
}

/// Every byte but RFC 3986's unreserved ones (`A-Z a-z 0-9 - . _ ~`) is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `/conversations/{id}` with the id as one percent-encoded path segment: an id the upstream
/// made up cannot add segments (`../`), a query (`?`) or a fragment (`#`).
pub fn conversation_path(id: &str) -> String {
    format!("/conversations/{}", utf8_percent_encode(id, PATH_SEGMENT))
}

/// Longest upstream `Retry-After` passed on, in seconds (six digits, as the snippets take).
pub const MAX_RETRY_AFTER_SECS: u64 = 999_999;

/// An upstream `Retry-After` in whole seconds (RFC 9110 `delay-seconds`); anything else (a
/// date, a fraction, a sign, non-ASCII digits, more than [`MAX_RETRY_AFTER_SECS`]) is dropped.
pub fn retry_after_secs(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value
        .parse::<u64>()
        .ok()
        .filter(|&secs| secs <= MAX_RETRY_AFTER_SECS)
        .map(Duration::from_secs)
}

/// Maps an upstream error status onto the widget-facing error; passes 2xx through.
fn classify(response: Response) -> Result<Response, MintError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(retry_after_secs);
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => MintError::UpstreamAuth,
        StatusCode::TOO_MANY_REQUESTS => MintError::UpstreamRateLimited { retry_after },
        s if s.is_server_error() => {
            MintError::UpstreamUnavailable(s.as_u16().to_string(), retry_after)
        }
        s => MintError::UpstreamRejected(s.as_u16().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ended_statuses_are_final_and_live_ones_are_not() {
        for s in ["completed", "failed", "busy", "no-answer", "voicemail"] {
            assert!(is_final_status(s), "{s} should be final");
        }
        for s in ["queued", "in-progress"] {
            assert!(!is_final_status(s), "{s} should not be final");
        }
    }

    #[test]
    fn session_urls_are_on_the_session_host_not_the_rest_host() {
        let upstream = Upstream::new("https://api.operator.xyz", "k").unwrap();
        assert_eq!(
            upstream.session_url("conv_1"),
            "wss://agent.app.operator.xyz/conversations/conv_1/session"
        );
        let emulator = Upstream::new("http://127.0.0.1:4010", "k")
            .unwrap()
            .with_session_base_url("ws://127.0.0.1:4011/");
        assert_eq!(
            emulator.session_url("conv_1"),
            "ws://127.0.0.1:4011/conversations/conv_1/session"
        );
    }

    #[test]
    fn conversation_ids_stay_one_path_segment() {
        let upstream = Upstream::new("http://127.0.0.1:4010", "k").unwrap();
        assert_eq!(
            conversation_path("conv_A-b.c~1"),
            "/conversations/conv_A-b.c~1"
        );
        assert_eq!(
            conversation_path("../conversational_agents?x=1#y"),
            "/conversations/..%2Fconversational_agents%3Fx%3D1%23y"
        );
        assert_eq!(conversation_path("é /"), "/conversations/%C3%A9%20%2F");
        assert_eq!(
            upstream.events_url("a/b"),
            "http://127.0.0.1:4010/conversations/a%2Fb/events"
        );
        assert_eq!(
            upstream.session_url("a/b"),
            "wss://agent.app.operator.xyz/conversations/a%2Fb/session"
        );
    }

    #[test]
    fn retry_after_is_whole_seconds_and_bounded() {
        assert_eq!(retry_after_secs(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after_secs("999999"),
            Some(Duration::from_secs(999_999))
        );
        for bad in [
            "1e20",
            "18446744073709551616",
            "1000000",
            "1.5",
            "-1",
            "+3",
            "\u{b2}",
            "\u{661}",
            "inf",
            "NaN",
            "",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(retry_after_secs(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn debug_output_of_answers_hides_their_tokens() {
        let minted = Minted {
            token: "tok_minted_secret".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
        };
        let created = Created {
            id: "conv_1".into(),
            channel: CreatedChannel {
                token: Some("tok_created_secret".into()),
                expires_at: None,
                events_url: None,
            },
        };
        let shown = format!("{minted:?} {created:?}");
        assert!(
            !shown.contains("tok_minted_secret") && !shown.contains("tok_created_secret"),
            "{shown}"
        );
        assert!(shown.contains("conv_1"), "{shown}");
    }

    #[test]
    fn debug_output_hides_the_api_key() {
        let upstream = Upstream::new("http://127.0.0.1:1", "op_secret_key_123").unwrap();
        let shown = format!("{upstream:?}");
        assert!(
            !shown.contains("op_secret_key_123"),
            "key leaked in {shown}"
        );
    }
}
