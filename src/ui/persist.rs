//! Opt-in persistence across reloads in `sessionStorage` (what is kept: `saved.rs`), scoped
//! to a user when the host gives a key (`persist-key`), and forgotten on `clearPersisted()`.

use std::cell::Cell;

use crate::saved::{storage_key, Saved, SavedToken};
use crate::token::Credentials;

/// Reads and writes one `sessionStorage` key.
#[derive(Debug)]
pub(crate) struct Persist {
    key: String,
    keep_token: bool,
    /// Set by [`Persist::forget`]: nothing is saved any more.
    forgotten: Cell<bool>,
}

impl Persist {
    /// Persistence under `scope` (the session endpoint, or `getToken`) for the host's user
    /// `user_key`, if given; with `keep_token`, the token is kept too.
    pub(crate) fn new(scope: &str, user_key: Option<&str>, keep_token: bool) -> Self {
        Persist {
            key: storage_key(scope, user_key),
            keep_token,
            forgotten: Cell::new(false),
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
            channel: token.channel,
        };
        (!creds.expired_at(now_ms)).then_some(creds)
    }

    /// Writes the current state (errors such as a full storage are ignored). Does nothing after
    /// [`Persist::forget`].
    pub(crate) fn save(&self, creds: &Credentials, last_event_id: Option<&str>) {
        if self.forgotten.get() {
            return;
        }
        let saved = Saved {
            conversation_id: creds.conversation_id.clone(),
            last_event_id: last_event_id.map(str::to_owned),
            token: self.keep_token.then(|| SavedToken {
                token: creds.token.clone(),
                expires_at_ms: creds.expires_at_ms,
                events_url: creds.events_url.clone(),
                session_url: creds.session_url.clone(),
                channel: creds.channel,
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

    /// Forgets the saved state and saves nothing more (`clearPersisted()`, e.g. on logout).
    pub(crate) fn forget(&self) {
        self.forgotten.set(true);
        self.clear();
    }
}

/// Forgets what a widget with this session endpoint (or `"getToken"` for a JS token function)
/// and persist key saved in `sessionStorage`: its conversation and, with `persist_token`, its
/// token. Call it when the host's user signs out, also after the widget was unmounted.
pub fn clear_persisted(scope: &str, persist_key: Option<&str>) {
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = storage.remove_item(&storage_key(scope, persist_key));
    }
}
