//! Armed faults and how transports and middleware consume them.

use std::time::Duration;

use axum::http::StatusCode;

use super::spec::{Transport, INJECTABLE_STATUSES};
use crate::assumptions::DEFAULT_RETRY_AFTER_S;
use crate::error::ApiError;

#[derive(Debug, Clone)]
struct DropFault {
    transport: Transport,
    conversation_id: Option<String>,
    after_events: u32,
}

#[derive(Debug, Clone)]
struct HttpFault {
    status: StatusCode,
    remaining: u32,
    retry_after_s: u64,
    path_prefix: Option<String>,
}

#[derive(Debug, Clone)]
struct SlowFault {
    conversation_id: Option<String>,
    interval: Duration,
}

/// Every armed fault.
#[derive(Debug, Default)]
pub struct Faults {
    drops: Vec<DropFault>,
    http: Vec<HttpFault>,
    slow: Vec<SlowFault>,
    malformed: Vec<(String, Transport)>,
    lose_message: Vec<String>,
}

fn matches(scope: &Option<String>, conversation_id: &str) -> bool {
    scope.as_deref().is_none_or(|c| c == conversation_id)
}

impl Faults {
    /// Arms a drop of the next stream of `transport`.
    pub fn arm_drop(&mut self, transport: Transport, conversation_id: Option<String>, after: u32) {
        self.drops.push(DropFault {
            transport,
            conversation_id,
            after_events: after,
        });
    }

    /// Claims a drop fault for a stream: returns how many more events it may deliver.
    pub fn claim_drop(&mut self, transport: Transport, conversation_id: &str) -> Option<u32> {
        let i = self.drops.iter().position(|d| {
            d.transport == transport && matches(&d.conversation_id, conversation_id)
        })?;
        Some(self.drops.remove(i).after_events)
    }

    /// Arms `count` injected answers. Errors on a status that is not injectable.
    pub fn arm_http(
        &mut self,
        status: u16,
        count: u32,
        retry_after_s: Option<u64>,
        path_prefix: Option<String>,
    ) -> Result<(), ApiError> {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| INJECTABLE_STATUSES.contains(&s.as_u16()))
            .ok_or_else(|| {
                ApiError::invalid_field("status", "status must be one of 429, 500, 502, 503.")
            })?;
        self.http.push(HttpFault {
            status,
            remaining: count,
            retry_after_s: retry_after_s.unwrap_or(DEFAULT_RETRY_AFTER_S),
            path_prefix,
        });
        Ok(())
    }

    /// Consumes one injected answer for a request path, if one is armed.
    pub fn take_http(&mut self, path: &str) -> Option<ApiError> {
        let fault = self.http.iter_mut().find(|f| {
            f.remaining > 0 && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        fault.remaining -= 1;
        let error = ApiError::injected(fault.status, fault.retry_after_s);
        self.http.retain(|f| f.remaining > 0);
        Some(error)
    }

    /// Sets the agent pace (per conversation or for all).
    pub fn set_slow(&mut self, conversation_id: Option<String>, interval: Duration) {
        self.slow.retain(|s| s.conversation_id != conversation_id);
        self.slow.push(SlowFault {
            conversation_id,
            interval,
        });
    }

    /// The agent pace override for a conversation (conversation-specific wins).
    pub fn delta_interval(&self, conversation_id: &str) -> Option<Duration> {
        let specific = self
            .slow
            .iter()
            .find(|s| s.conversation_id.as_deref() == Some(conversation_id));
        specific
            .or_else(|| self.slow.iter().find(|s| s.conversation_id.is_none()))
            .map(|s| s.interval)
    }

    /// Arms one malformed frame.
    pub fn arm_malformed(&mut self, conversation_id: String, transport: Transport) {
        self.malformed.push((conversation_id, transport));
    }

    /// Consumes a malformed-frame fault for a stream.
    pub fn take_malformed(&mut self, transport: Transport, conversation_id: &str) -> bool {
        match self
            .malformed
            .iter()
            .position(|(c, t)| *t == transport && c == conversation_id)
        {
            Some(i) => {
                self.malformed.remove(i);
                true
            }
            None => false,
        }
    }

    /// Arms the loss of the conversation's next client message.
    pub fn arm_lose_message(&mut self, conversation_id: String) {
        self.lose_message.push(conversation_id);
    }

    /// Consumes a lost-message fault for a client message of this conversation.
    pub fn take_lose_message(&mut self, conversation_id: &str) -> bool {
        let Some(i) = self.lose_message.iter().position(|c| c == conversation_id) else {
            return false;
        };
        self.lose_message.remove(i);
        true
    }

    /// Clears everything.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_faults_answer_exactly_count_matching_requests() {
        let mut f = Faults::default();
        f.arm_http(429, 2, Some(3), Some("/conversations".into()))
            .expect("arm");
        assert!(
            f.take_http("/conversational_agents").is_none(),
            "prefix filters"
        );
        let e = f.take_http("/conversations/x").expect("first");
        assert_eq!(
            (e.status.as_u16(), e.code, e.transient),
            (429, "rate_limited", true)
        );
        assert_eq!(e.retry_after_s, Some(3));
        assert!(f.take_http("/conversations").is_some(), "second");
        assert!(f.take_http("/conversations").is_none(), "used up");
        assert!(
            f.arm_http(404, 1, None, None).is_err(),
            "404 is not injectable"
        );
    }

    #[test]
    fn drop_faults_are_claimed_once_by_a_matching_stream() {
        let mut f = Faults::default();
        f.arm_drop(Transport::Sse, Some("conv_a".into()), 2);
        assert_eq!(
            f.claim_drop(Transport::Ws, "conv_a"),
            None,
            "other transport"
        );
        assert_eq!(
            f.claim_drop(Transport::Sse, "conv_b"),
            None,
            "other conversation"
        );
        assert_eq!(f.claim_drop(Transport::Sse, "conv_a"), Some(2));
        assert_eq!(f.claim_drop(Transport::Sse, "conv_a"), None, "claimed once");
    }

    #[test]
    fn slow_agent_prefers_the_conversation_specific_pace() {
        let mut f = Faults::default();
        f.set_slow(None, Duration::from_millis(5));
        f.set_slow(Some("conv_a".into()), Duration::from_millis(50));
        assert_eq!(f.delta_interval("conv_a"), Some(Duration::from_millis(50)));
        assert_eq!(f.delta_interval("conv_b"), Some(Duration::from_millis(5)));
        f.clear();
        assert_eq!(f.delta_interval("conv_a"), None);
    }
}
