//! Optimistic user messages: shown at once, then sent, then confirmed by the server.

use super::entry::{EntryKind, UserMessage, UserStatus};
use super::{Change, Transcript};

impl Transcript {
    /// Shows a message the user just wrote, before the server has it. `client_id` is the id of
    /// the `user.message.send` client message that carries it. Adding the same id twice is a no-op.
    pub fn add_pending_user(&mut self, client_id: &str, text: &str, now_ms: i64) -> Change {
        if self.by_client_id.contains_key(client_id) {
            return Change::None;
        }
        self.by_client_id
            .insert(client_id.to_owned(), self.entries.len());
        self.push(
            EntryKind::User(UserMessage {
                client_id: Some(client_id.to_owned()),
                text: text.to_owned(),
                status: UserStatus::Pending,
            }),
            now_ms,
        )
    }

    /// Marks a pending message as written to the socket.
    pub fn mark_sent(&mut self, client_id: &str) -> Change {
        self.set_status(client_id, |s| s == UserStatus::Pending, UserStatus::Sent)
    }

    /// Puts a sent message back to pending (the socket refused the write; it will be re-sent).
    pub fn mark_unsent(&mut self, client_id: &str) -> Change {
        self.set_status(client_id, |s| s == UserStatus::Sent, UserStatus::Pending)
    }

    /// Marks a sent message as possibly lost (see [`UserStatus::Unconfirmed`]).
    pub fn mark_unconfirmed(&mut self, client_id: &str) -> Change {
        self.set_status(
            client_id,
            |s| s == UserStatus::Sent,
            UserStatus::Unconfirmed,
        )
    }

    /// Puts an unconfirmed message back to pending to send it again; returns the change and the
    /// message's text, or `None` if `client_id` is not an unconfirmed message.
    pub fn resend(&mut self, client_id: &str) -> Option<(Change, String)> {
        let change = self.set_status(
            client_id,
            |s| s == UserStatus::Unconfirmed,
            UserStatus::Pending,
        );
        let index = match change {
            Change::Updated(index) => index,
            _ => return None,
        };
        match &self.entries.get(index)?.kind {
            EntryKind::User(message) => Some((change, message.text.clone())),
            _ => None,
        }
    }

    /// Marks a pending or sent message as undeliverable.
    pub fn mark_failed(&mut self, client_id: &str) -> Change {
        let unconfirmed = |s| matches!(s, UserStatus::Pending | UserStatus::Sent);
        self.set_status(client_id, unconfirmed, UserStatus::Failed)
    }

    /// Shows an error row that did not come from the server (e.g. a message refused before
    /// sending because it is too large).
    pub fn add_local_error(&mut self, message: &str, code: &str, now_ms: i64) -> Change {
        self.push(
            EntryKind::Error {
                message: message.to_owned(),
                code: Some(code.to_owned()),
            },
            now_ms,
        )
    }

    fn set_status(
        &mut self,
        id: &str,
        from: impl Fn(UserStatus) -> bool,
        to: UserStatus,
    ) -> Change {
        let Some(&index) = self.by_client_id.get(id) else {
            return Change::None;
        };
        match self.entries.get_mut(index).map(|e| &mut e.kind) {
            Some(EntryKind::User(message)) if from(message.status) => {
                message.status = to;
                Change::Updated(index)
            }
            _ => Change::None,
        }
    }

    /// `user.message.received`: confirm the matching optimistic message (by client id, else the
    /// first unconfirmed one with the same text), or append the message if none matches.
    pub(super) fn user_received(&mut self, client_id: Option<&str>, text: &str, at: i64) -> Change {
        let index = match client_id {
            Some(id) => self.by_client_id.get(id).copied(),
            None => self.entries.iter().position(|entry| {
                matches!(&entry.kind, EntryKind::User(m)
                    if m.text == text && matches!(m.status,
                        UserStatus::Pending | UserStatus::Sent | UserStatus::Unconfirmed))
            }),
        };
        if let Some(index) = index {
            if let Some(entry) = self.entries.get_mut(index) {
                if let EntryKind::User(message) = &mut entry.kind {
                    if message.status == UserStatus::Confirmed {
                        return Change::None;
                    }
                    message.status = UserStatus::Confirmed;
                    entry.at_ms = at;
                    return Change::Updated(index);
                }
            }
        }
        if let Some(id) = client_id {
            self.by_client_id.insert(id.to_owned(), self.entries.len());
        }
        self.push(
            EntryKind::User(UserMessage {
                client_id: client_id.map(str::to_owned),
                text: text.to_owned(),
                status: UserStatus::Confirmed,
            }),
            at,
        )
    }
}
