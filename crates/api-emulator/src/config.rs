//! The emulator's configuration.

use std::time::Duration;

use crate::assumptions;

/// The API key the emulator accepts when none is configured.
pub const DEFAULT_API_KEY: &str = "op_test_emulator_key_0123456789";

/// The released conversational agent present when the emulator starts.
pub const SEEDED_AGENT_ID: &str = "ca_demoAgent0001";

/// How an emulator instance behaves.
#[derive(Debug, Clone)]
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
