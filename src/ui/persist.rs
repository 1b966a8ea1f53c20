//! Opt-in persistence across reloads in `sessionStorage`: the conversation id and the last event
//! id; the token only when the host opts in. Never an API key (the widget never has one).

use crate::json::json;
use crate::protocol::Fields;
use crate::token::Credentials;

/// What is kept for one widget.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Saved {
    pub conversation_id: String,
    pub last_event_id: Option<String>,
    pub token: Option<SavedToken>,
}

/// A persisted token (only with `persist_token`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SavedToken {
    pub token: String,
    pub expires_at_ms: Option<i64>,
    pub events_url: String,
    pub session_url: String,
}

impl Saved {
    /// The JSON text [`Saved::from_json`] reads: absent options are `null`.
    fn to_json(&self) -> String {
        let token = self.token.as_ref().map(|t| {
            json!({"token": &t.token, "expires_at_ms": t.expires_at_ms,
                "events_url": &t.events_url, "session_url": &t.session_url})
        });
        json!({"conversation_id": &self.conversation_id,
            "last_event_id": self.last_event_id.as_deref(), "token": token})
        .to_string()
    }

    /// Reads what [`Persist::save`] wrote (the [`Saved::to_json`] shape).
    fn from_json(text: &str) -> Result<Saved, String> {
        let mut f = Fields::parse(text)?;
        let token = match f.opt_value("token") {
            None => None,
            Some(value) => {
                let mut t = Fields::of(value)?;
                Some(SavedToken {
                    token: t.string("token")?,
                    expires_at_ms: t.opt_i64("expires_at_ms")?,
                    events_url: t.string("events_url")?,
                    session_url: t.string("session_url")?,
                })
            }
        };
        Ok(Saved {
            conversation_id: f.string("conversation_id")?,
            last_event_id: f.opt_string("last_event_id")?,
            token,
        })
    }
}

/// Reads and writes one `sessionStorage` key.
#[derive(Debug, Clone)]
pub(crate) struct Persist {
    key: String,
    keep_token: bool,
}

impl Persist {
    pub(crate) fn new(scope: &str, keep_token: bool) -> Self {
        Persist {
            key: format!("operator-chat:{scope}"),
            keep_token,
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    /// The saved state, if any and readable.
    pub(crate) fn load(&self) -> Option<Saved> {
        let text = Self::storage()?.get_item(&self.key).ok().flatten()?;
        Saved::from_json(&text).ok()
    }

    /// Saved credentials, when a token was kept and has not expired.
    pub(crate) fn credentials(&self, saved: &Saved, now_ms: i64) -> Option<Credentials> {
        let token = saved.token.as_ref().filter(|_| self.keep_token)?;
        let creds = Credentials {
            conversation_id: saved.conversation_id.clone(),
            token: token.token.clone(),
            expires_at_ms: token.expires_at_ms,
            events_url: token.events_url.clone(),
            session_url: token.session_url.clone(),
        };
        (!creds.expired_at(now_ms)).then_some(creds)
    }

    /// Writes the current state (errors such as a full storage are ignored).
    pub(crate) fn save(&self, creds: &Credentials, last_event_id: Option<&str>) {
        let saved = Saved {
            conversation_id: creds.conversation_id.clone(),
            last_event_id: last_event_id.map(str::to_owned),
            token: self.keep_token.then(|| SavedToken {
                token: creds.token.clone(),
                expires_at_ms: creds.expires_at_ms,
                events_url: creds.events_url.clone(),
                session_url: creds.session_url.clone(),
            }),
        };
        if let Some(storage) = Self::storage() {
            let _ = storage.set_item(&self.key, &saved.to_json());
        }
    }

    /// Forgets the saved state (after the conversation ended).
    pub(crate) fn clear(&self) {
        if let Some(storage) = Self::storage() {
            let _ = storage.remove_item(&self.key);
        }
    }
}
