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
        self.awaiting.push((self.entries.len(), false));
        self.push(
            EntryKind::User(UserMessage {
                client_id: Some(client_id.to_owned()),
                text: text.to_owned(),
                status: UserStatus::Pending,
            }),
            now_ms,
        )
    }

    /// Marks a pending message as written to the socket (from now on a `user.message.received`
    /// with its text can confirm it).
    pub fn mark_sent(&mut self, client_id: &str) -> Change {
        let change = self.set_status(client_id, |s| s == UserStatus::Pending, UserStatus::Sent);
        if let Change::Updated(row) = change {
            if let Some(waiting) = self.awaiting.iter_mut().find(|(r, _)| *r == row) {
                waiting.1 = true;
            }
        }
        change
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

    /// Marks a pending or sent message as undeliverable (no acknowledgement confirms it any
    /// more: one with its text is another message).
    pub fn mark_failed(&mut self, client_id: &str) -> Change {
        let unconfirmed = |s| matches!(s, UserStatus::Pending | UserStatus::Sent);
        let change = self.set_status(client_id, unconfirmed, UserStatus::Failed);
        if let Change::Updated(row) = change {
            self.awaiting.retain(|(r, _)| *r != row);
        }
        change
    }

    /// The client id of the user message in row `index`, if this widget wrote it.
    pub fn client_id_at(&self, index: usize) -> Option<&str> {
        match &self.entries.get(index)?.kind {
            EntryKind::User(message) => message.client_id.as_deref(),
            _ => None,
        }
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

    /// `user.message.received` (documented with `text` only): it confirms the oldest message
    /// of this widget that was written to the socket, is not confirmed yet and has this text
    /// (the service acknowledges in the order it receives; a lost message is skipped and stays
    /// unconfirmed). An acknowledgement that matches none, or one from an earlier page's
    /// `history`, is a message written elsewhere or before: it is appended as confirmed.
    pub(super) fn user_received(&mut self, text: &str, at: i64, history: bool) -> Change {
        let entries = &self.entries;
        let matched = (!history)
            .then(|| {
                self.awaiting.iter().position(|&(row, written)| {
                    written && matches!(&entries[row].kind, EntryKind::User(m) if m.text == text)
                })
            })
            .flatten();
        if let Some(position) = matched {
            let (row, _) = self.awaiting.remove(position);
            let entry = &mut self.entries[row];
            if let EntryKind::User(message) = &mut entry.kind {
                message.status = UserStatus::Confirmed;
                entry.at_ms = at;
            }
            return Change::Updated(row);
        }
        self.push(
            EntryKind::User(UserMessage {
                client_id: None,
                text: text.to_owned(),
                status: UserStatus::Confirmed,
            }),
            at,
        )
    }
}
