//! The emulator's configuration.

use std::time::Duration;

use crate::assumptions;

/// The API key the emulator accepts when none is configured.
pub const DEFAULT_API_KEY: &str = "op_test_emulator_key_0123456789";

/// The released conversational agent present when the emulator starts.
pub const SEEDED_AGENT_ID: &str = "ca_demoAgent0001";

/// How an emulator instance behaves. `Debug` redacts the keys.
#[derive(Clone)]
pub struct EmulatorConfig {
    /// The API key server routes require (`Authorization: Bearer <api_key>`).
    /// Default: [`DEFAULT_API_KEY`].
    pub api_key: String,
    /// Key for the `/_emulator/*` admin routes (header `X-Emulator-Admin-Key`).
    /// `None` (the default) turns them off: they answer 404.
    pub admin_key: Option<String>,
    /// Lifetime of ephemeral tokens. Default: 3 hours.
    pub token_ttl: Duration,
    /// Base URL used in `events_url` / `session_url`, e.g. `http://127.0.0.1:4010`.
    /// `None` (the default) derives it from the request's `Host` header.
    pub public_base_url: Option<String>,
    /// Pause before each streamed `agent.message.delta`. Default: 25 ms.
    pub agent_delta_interval: Duration,
    /// Interval of SSE keep-alive comments while a stream is idle. Default: 15 s.
    pub keepalive_interval: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_string(),
            admin_key: None,
            token_ttl: assumptions::DEFAULT_TOKEN_TTL,
            public_base_url: None,
            agent_delta_interval: assumptions::DEFAULT_AGENT_DELTA_INTERVAL,
            keepalive_interval: assumptions::DEFAULT_KEEPALIVE_INTERVAL,
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
            .field("agent_delta_interval", &self.agent_delta_interval)
            .field("keepalive_interval", &self.keepalive_interval)
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
}
