//! The Operator chat channel new conversations are created on (`OPERATOR_CHANNEL`), which also
//! decides the session API the widget drives them with (operator-api.md §4).

use serde::Serialize;

/// A chat channel: `chat_realtime` (the session WebSocket, §4.1) or `chat_async` (the
/// `POST …/session` answered with SSE, §4.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub enum ChatChannel {
    /// `chat_realtime`: the widget sends over the session WebSocket (`session_url`).
    #[default]
    #[serde(rename = "chat_realtime")]
    Realtime,
    /// `chat_async`: the widget sends with `POST {events host}/conversations/{id}/session`; the
    /// mint's answer has no `session_url`.
    #[serde(rename = "chat_async")]
    Async,
}

/// `OPERATOR_CHANNEL` named something other than `chat_realtime` or `chat_async`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel `{0}`: use chat_realtime or chat_async")]
pub struct UnknownChannel(pub String);

impl ChatChannel {
    /// The `channel.type` value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatChannel::Realtime => "chat_realtime",
            ChatChannel::Async => "chat_async",
        }
    }
}

impl std::str::FromStr for ChatChannel {
    type Err = UnknownChannel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "chat_realtime" => Ok(ChatChannel::Realtime),
            "chat_async" => Ok(ChatChannel::Async),
            other => Err(UnknownChannel(other.to_owned())),
        }
    }
}

impl std::fmt::Display for ChatChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_channels_read_back_as_their_wire_names_and_others_are_refused() {
        for channel in [ChatChannel::Realtime, ChatChannel::Async] {
            assert_eq!(channel.as_str().parse(), Ok(channel));
            assert_eq!(
                serde_json::to_value(channel).ok(),
                Some(serde_json::json!(channel.as_str()))
            );
        }
        assert!("phone".parse::<ChatChannel>().is_err(), "phone is no chat");
        assert_eq!(ChatChannel::default(), ChatChannel::Realtime);
    }
}
