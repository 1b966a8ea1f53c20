//! What `persist` keeps across reloads, and under which `sessionStorage` key: the conversation
//! id and the last event id; the token only when the host opts in (`persist_token`). Never an
//! API key (the widget never has one). Pure, so it is compiled and tested natively; the storage
//! itself is in `ui/persist.rs`.
// Only the wasm build reads and writes storage; the native build compiles this for its tests.
#![cfg_attr(not(oc_ui), allow(dead_code))]

use serde::{Deserialize, Serialize};

use crate::protocol::{percent_encode, redact_tokens, REDACTED};

/// The `sessionStorage` key of a widget: `operator-chat:{scope}` (the scope is the session
/// endpoint, or `getToken`), or, with a host-given user key (`persist-key`),
/// `operator-chat@{user key, percent-encoded}:{scope}`, so each signed-in user has their own
/// entry and never resumes another user's conversation.
pub(crate) fn storage_key(scope: &str, user_key: Option<&str>) -> String {
    match user_key {
        Some(user) => format!("operator-chat@{}:{scope}", percent_encode(user)),
        None => format!("operator-chat:{scope}"),
    }
}

/// What is kept for one widget, as JSON (absent options are `null`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Saved {
    pub conversation_id: String,
    pub last_event_id: Option<String>,
    pub token: Option<SavedToken>,
}

/// A persisted token (only with `persist_token`). Its `Debug` output redacts the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SavedToken {
    pub token: String,
    pub expires_at_ms: Option<i64>,
    pub events_url: String,
    pub session_url: String,
    /// Absent in what older versions saved: `chat_realtime`.
    #[serde(default)]
    pub channel: crate::protocol::ChatChannel,
}

impl std::fmt::Debug for SavedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedToken")
            .field("token", &REDACTED)
            .field("expires_at_ms", &self.expires_at_ms)
            .field("events_url", &redact_tokens(&self.events_url))
            .field("session_url", &redact_tokens(&self.session_url))
            .finish()
    }
}

impl Saved {
    /// The JSON text [`Saved::from_json`] reads.
    pub(crate) fn to_json(&self) -> String {
        // Strings, integers and options only: writing cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads what [`Saved::to_json`] wrote (unknown fields are ignored).
    pub(crate) fn from_json(text: &str) -> Result<Saved, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved() -> Saved {
        Saved {
            conversation_id: "conv_1".into(),
            last_event_id: Some("ev_9".into()),
            token: Some(SavedToken {
                token: "tok_secret".into(),
                expires_at_ms: Some(10_000),
                events_url: "http://h/conversations/conv_1/events".into(),
                session_url: "ws://h/conversations/conv_1/session?token=tok_secret".into(),
                channel: crate::protocol::ChatChannel::Realtime,
            }),
        }
    }

    #[test]
    fn saved_state_round_trips_through_its_json() {
        let state = saved();
        assert_eq!(Saved::from_json(&state.to_json()), Ok(state));
        let bare = Saved {
            token: None,
            last_event_id: None,
            ..saved()
        };
        assert_eq!(Saved::from_json(&bare.to_json()), Ok(bare));
    }

    #[test]
    fn saved_state_reads_the_shape_earlier_versions_wrote() {
        let text = r#"{"conversation_id":"conv_1","last_event_id":null,"token":{"token":"t",
            "expires_at_ms":null,"events_url":"e","session_url":"s"},"extra":1}"#;
        let state = Saved::from_json(text).expect("readable");
        assert_eq!(state.conversation_id, "conv_1");
        assert_eq!(state.last_event_id, None);
        assert_eq!(state.token.map(|t| t.expires_at_ms), Some(None));
        assert!(
            Saved::from_json(r#"{"last_event_id":"ev"}"#).is_err(),
            "no id"
        );
        assert!(
            Saved::from_json(r#"{"conversation_id":"c","token":{"token":1}}"#).is_err(),
            "a token of the wrong type"
        );
    }

    #[test]
    fn debug_of_the_saved_state_never_shows_the_token() {
        let state = saved();
        let shown = format!("{state:?} {state:#?} {:?}", state.token);
        assert!(!shown.contains("tok_secret"), "token in {shown}");
        assert!(
            shown.contains("conv_1") && shown.contains("[redacted]"),
            "{shown}"
        );
    }

    #[test]
    fn each_user_key_has_its_own_storage_key() {
        let alice = storage_key("/operator/session", Some("alice"));
        let bob = storage_key("/operator/session", Some("bob"));
        let anonymous = storage_key("/operator/session", None);
        assert_eq!(
            anonymous, "operator-chat:/operator/session",
            "unchanged without a key"
        );
        assert_eq!(alice, "operator-chat@alice:/operator/session");
        assert_ne!(alice, bob);
        assert_ne!(alice, anonymous);
        assert_ne!(
            storage_key("a", Some("b:c")),
            storage_key("a:b", Some("c")),
            "the user key cannot be confused with the scope"
        );
    }
}
