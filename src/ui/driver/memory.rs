//! What the driver remembers across reloads with `persist`: the saved conversation it resumes,
//! and the replayed history whose messages must not reach `on_message` a second time.

use super::super::clock::{client_prefix, now_ms, MathRandom};
use super::super::persist::Persist;
use crate::connection::{ConnectionState, Conversation, Policy, PolicyConfig};
use crate::token::Credentials;

fn new_conversation(auto_start: bool, creds: Option<Credentials>) -> Conversation {
    let config = PolicyConfig {
        auto_start,
        ..PolicyConfig::default()
    };
    let mut policy = Policy::new(config, Box::new(MathRandom));
    if let Some(creds) = creds {
        policy = policy.with_credentials(creds);
    }
    Conversation::new(policy, client_prefix())
}

/// A conversation that sends `conversation.start` when it first opens.
pub(super) fn fresh_conversation() -> Conversation {
    new_conversation(true, None)
}

/// The saved state of one widget.
pub(super) struct Memory {
    persist: Option<Persist>,
    /// Replayed history up to this event id does not fire `on_message` again after a reload.
    quiet_until: Option<String>,
    /// A persisted conversation id: a grant for another conversation starts it afresh.
    restored: Option<String>,
}

impl Memory {
    /// Loads what `persist` saved; returns the memory and the conversation to continue (a new
    /// one when nothing was saved).
    pub(super) fn restore(persist: Option<Persist>) -> (Self, Conversation) {
        let saved = persist.as_ref().and_then(Persist::load);
        let creds = match (&persist, &saved) {
            (Some(p), Some(s)) => p.credentials(s, now_ms()),
            _ => None,
        };
        let last_event_id = saved.as_ref().and_then(|s| s.last_event_id.clone());
        // The stream replays the earlier page's events: their acknowledgements are history.
        let conversation =
            new_conversation(saved.is_none(), creds).with_history_until(last_event_id.clone());
        let memory = Memory {
            persist,
            quiet_until: last_event_id,
            restored: saved.map(|s| s.conversation_id),
        };
        (memory, conversation)
    }

    /// Whether the event `id` is replayed history (no `on_message`); the last one ends it.
    pub(super) fn replayed(&mut self, id: &str) -> bool {
        let quiet = self.quiet_until.is_some();
        if self.quiet_until.as_deref() == Some(id) {
            self.quiet_until = None;
        }
        quiet
    }

    /// A token arrived for `conversation_id`: whether it is not the saved conversation (which
    /// is gone), so the conversation must start afresh. Asked once.
    pub(super) fn restored_is_gone(&mut self, conversation_id: &str) -> bool {
        let gone = self
            .restored
            .take()
            .is_some_and(|restored| restored != conversation_id);
        if gone {
            self.quiet_until = None;
        }
        gone
    }

    /// Saves the conversation's credentials and last event (not after its end: a new chat
    /// saves its own).
    pub(super) fn save(&self, conversation: &Conversation) {
        if *conversation.policy().state() == ConnectionState::Ended {
            return;
        }
        if let (Some(persist), Some(creds)) = (&self.persist, conversation.policy().credentials()) {
            persist.save(creds, conversation.transcript().last_event_id());
        }
    }

    /// Clears what is saved (the conversation ended); later saves still happen.
    pub(super) fn clear(&self) {
        if let Some(persist) = &self.persist {
            persist.clear();
        }
    }

    /// "Start new chat": nothing to resume and no replayed history.
    pub(super) fn reset(&mut self) {
        self.restored = None;
        self.quiet_until = None;
        self.clear();
    }

    /// Forgets what is saved and saves nothing more (`clearPersisted()`).
    pub(super) fn forget(&mut self) {
        if let Some(persist) = self.persist.take() {
            persist.forget();
        }
    }
}
