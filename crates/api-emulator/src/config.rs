//! The emulator's configuration.

use std::time::Duration;

use crate::assumptions;
use crate::serve::ConnectionLimits;

/// The API key the emulator accepts when none is configured. Public knowledge: the binary
/// refuses to listen on a non-loopback interface with it.
pub const DEFAULT_API_KEY: &str = "op_test_emulator_key_0123456789";

/// The released conversational agent present when the emulator starts.
pub const SEEDED_AGENT_ID: &str = "ca_demoAgent0001";

/// How an emulator instance behaves. `Debug` redacts the keys.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The API key server routes require (`Authorization: Bearer <api_key>`).
    /// Default: [`DEFAULT_API_KEY`]. Must not be empty.
    pub api_key: String,
    /// Key for the `/_emulator/*` admin routes (header `X-Emulator-Admin-Key`).
    /// `None` (the default) turns them off: they answer 404. Must not be empty.
    pub admin_key: Option<String>,
    /// Lifetime of ephemeral tokens. Default: 3 hours.
    pub token_ttl: Duration,
    /// Base URL of the REST host used in `events_url`, e.g. `http://127.0.0.1:4010`.
    /// `None` (the default) derives it from the request's `Host` header.
    pub public_base_url: Option<String>,
    /// Base of the extension `session_url` of `chat_realtime` conversations, i.e. the session
    /// host, e.g. `ws://127.0.0.1:4011`. `None` (the default): [`crate::spawn`] and the binary
    /// use the session listener's address; a bare [`crate::routers`] falls back to the WebSocket
    /// form of the REST base. Unused unless [`EmulatorConfig::extensions`] is on.
    pub session_base_url: Option<String>,
    /// Emulator extensions beyond the documented API, all together (default `false`, the
    /// documented service): exact SSE resume after `Last-Event-ID` / `?after=`,
    /// `client_message_id` in `user.message.received`, and `expires_at` + `session_url` in the
    /// create answer. Binary flag: `--extensions`.
    pub extensions: bool,
    /// Pause before each streamed `agent.message.delta`. Default: 25 ms.
    pub agent_delta_interval: Duration,
    /// Interval of SSE keep-alive comments while a stream is idle. Default: 15 s.
    pub keepalive_interval: Duration,
    /// How [`crate::spawn`] holds client connections (timeouts, how many).
    pub connections: ConnectionLimits,
}

/// Why an [`EmulatorConfig`] cannot be served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `api_key` is empty: every key would have to be compared with nothing.
    #[error("the API key must not be empty")]
    EmptyApiKey,
    /// `admin_key` is `Some("")`: an empty header would unlock fault injection.
    #[error("the admin key must not be empty (leave it out to turn the admin routes off)")]
    EmptyAdminKey,
}

impl EmulatorConfig {
    /// Refuses empty keys (whitespace only counts as empty).
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.api_key.trim().is_empty() {
            return Err(ConfigError::EmptyApiKey);
        }
        if self
            .admin_key
            .as_deref()
            .is_some_and(|k| k.trim().is_empty())
        {
            return Err(ConfigError::EmptyAdminKey);
        }
        Ok(())
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_string(),
            admin_key: None,
            token_ttl: assumptions::DEFAULT_TOKEN_TTL,
            public_base_url: None,
            session_base_url: None,
            extensions: false,
            agent_delta_interval: assumptions::DEFAULT_AGENT_DELTA_INTERVAL,
            keepalive_interval: assumptions::DEFAULT_KEEPALIVE_INTERVAL,
            connections: ConnectionLimits::default(),
        }
    }
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("api_key", &"<redacted>")
            .field("admin_key", &self.admin_key.as_ref().map(|_| "<redacted>"))
            .field("token_ttl", &self.token_ttl)
            .field("public_base_url", &self.public_base_url)
            .field("session_base_url", &self.session_base_url)
            .field("extensions", &self.extensions)
            .field("agent_delta_interval", &self.agent_delta_interval)
            .field("keepalive_interval", &self.keepalive_interval)
            .field("connections", &self.connections)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_both_keys() {
        let config = EmulatorConfig {
            admin_key: Some("admin-secret".into()),
            ..EmulatorConfig::default()
        };
        let text = format!("{config:?}");
        assert!(
            !text.contains(DEFAULT_API_KEY) && !text.contains("admin-secret"),
            "{text}"
        );
        assert_eq!(config.token_ttl.as_secs(), 3 * 60 * 60, "3 h by default");
    }

    #[test]
    fn the_default_is_the_documented_service_without_extensions() {
        assert!(!EmulatorConfig::default().extensions);
        assert_eq!(EmulatorConfig::default().validate(), Ok(()));
    }

    #[test]
    fn empty_keys_are_refused() {
        let empty_api = EmulatorConfig {
            api_key: " ".into(),
            ..EmulatorConfig::default()
        };
        assert_eq!(empty_api.validate(), Err(ConfigError::EmptyApiKey));
        let empty_admin = EmulatorConfig {
            admin_key: Some(String::new()),
            ..EmulatorConfig::default()
        };
        assert_eq!(empty_admin.validate(), Err(ConfigError::EmptyAdminKey));
    }
}
