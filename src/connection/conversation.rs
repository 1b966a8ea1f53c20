//! [`Conversation`]: the transcript and the connection policy wired together, the one object a
//! browser adapter drives.

use super::{Command, Input, Policy};
use crate::protocol::{ClientMessage, ClientPayload, Event, EventPayload, ProtocolError};
use crate::transcript::{Change, Transcript};

/// The largest client message (its JSON frame, in bytes) the session socket accepts: the
/// service refuses larger ones with `server.error`, so the widget refuses them before sending.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The error code of the row shown for a message refused by [`MAX_MESSAGE_BYTES`].
pub const MESSAGE_TOO_LARGE: &str = "message_too_large";

/// What one call produced: rows to re-render and commands to carry out, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Update {
    /// Transcript rows added or updated (render these; [`Change::Duplicate`] etc. are omitted).
    pub changes: Vec<Change>,
    /// Commands for the adapter (`Connect`, `Send`, `ScheduleTimer`, ...).
    pub commands: Vec<Command>,
}

/// The transcript, the policy and client-id generation for one conversation.
#[derive(Debug)]
pub struct Conversation {
    transcript: Transcript,
    policy: Policy,
    client_prefix: String,
    next_client: u64,
}

impl Conversation {
    /// Wraps a policy. Client message ids are `{client_prefix}_{n}`; use a per-page random prefix
    /// so ids from two tabs never collide.
    pub fn new(policy: Policy, client_prefix: impl Into<String>) -> Self {
        Conversation {
            transcript: Transcript::new(),
            policy,
            client_prefix: client_prefix.into(),
            next_client: 0,
        }
    }

    /// The transcript to render.
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    /// The policy (state, credentials, queued messages).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Feeds a connection input (token, open/close, timers, retry, ...).
    pub fn handle(&mut self, input: Input, now_ms: i64) -> Update {
        let commands = self.policy.handle(input, now_ms);
        self.track(Vec::new(), commands)
    }

    /// Feeds one received frame (SSE `data:` or WebSocket text). Malformed frames are an error
    /// for the caller to log; they change nothing.
    pub fn receive_frame(&mut self, text: &str) -> Result<Update, ProtocolError> {
        Ok(self.receive(&Event::from_json(text)?))
    }

    /// Marks the events up to and including `event_id` as shown by an earlier page (the last
    /// event id persisted before a reload): the stream replays them, and their
    /// `user.message.received` confirm none of the messages written on this page. See
    /// [`Transcript::set_history_until`].
    pub fn with_history_until(mut self, event_id: Option<String>) -> Self {
        self.transcript.set_history_until(event_id);
        self
    }

    /// Feeds one parsed event: applied to the transcript once, then shown to the policy. An
    /// event already applied (every reconnect replays the conversation from its first event)
    /// changes nothing and returns an empty [`Update`]. A `user.message.received` that the
    /// transcript matched to one of this widget's messages acknowledges it to the policy.
    pub fn receive(&mut self, event: &Event) -> Update {
        let change = self.transcript.apply(event);
        if change == Change::Duplicate {
            return Update::default();
        }
        if let (EventPayload::UserMessageReceived { .. }, Change::Updated(row)) =
            (&event.payload, change)
        {
            if let Some(client_id) = self.transcript.client_id_at(row) {
                self.policy.acknowledged(client_id);
            }
        }
        let commands = self.policy.on_event(event);
        self.track(vec![change], commands)
    }

    /// The user sends `text`: shown at once as pending, sent now or when connected. A message
    /// whose frame would exceed [`MAX_MESSAGE_BYTES`] is never sent: its row is marked failed
    /// and an error row (code [`MESSAGE_TOO_LARGE`]) says why.
    pub fn send_text(&mut self, text: &str, now_ms: i64) -> Update {
        let id = self.next_id();
        let added = self.transcript.add_pending_user(&id, text, now_ms);
        let message = ClientMessage::user_message(id.clone(), text);
        let size = message.to_json().map_or(text.len(), |json| json.len());
        if size > MAX_MESSAGE_BYTES {
            let failed = self.transcript.mark_failed(&id);
            let error = self.transcript.add_local_error(
                &format!(
                    "This message is too long to send ({} KiB; the limit is {} KiB). \
                     Please shorten it.",
                    size.div_ceil(1024),
                    MAX_MESSAGE_BYTES / 1024
                ),
                MESSAGE_TOO_LARGE,
                now_ms,
            );
            return self.track(vec![added, failed, error], Vec::new());
        }
        let commands = self.policy.send(message);
        self.track(vec![added], commands)
    }

    /// Asks the agent to merge `context` into the conversation context.
    pub fn update_context(&mut self, context: crate::protocol::RawJson) -> Update {
        let id = self.next_id();
        let commands = self.policy.send(ClientMessage::context_update(id, context));
        self.track(Vec::new(), commands)
    }

    /// Asks to end the conversation (the `conversation.ended` event does the rest).
    pub fn end(&mut self) -> Update {
        let id = self.next_id();
        let commands = self.policy.send(ClientMessage::end(id));
        self.track(Vec::new(), commands)
    }

    /// The user sends an [`crate::transcript::UserStatus::Unconfirmed`] message again, with the
    /// same client id, so its row stays where it is. Does nothing for any other message.
    pub fn resend(&mut self, client_id: &str) -> Update {
        let Some((change, text)) = self.transcript.resend(client_id) else {
            return Update::default();
        };
        let commands = self
            .policy
            .send(ClientMessage::user_message(client_id.to_owned(), text));
        self.track(vec![change], commands)
    }

    /// A `chat_async` POST of message `client_id` on `connection` was refused with an HTTP
    /// error before any event (see [`Policy::send_refused`]).
    pub fn send_refused(
        &mut self,
        connection: super::ConnectionId,
        client_id: &str,
        rejection: super::Rejection,
        now_ms: i64,
    ) -> Update {
        let commands = self
            .policy
            .send_refused(connection, client_id, rejection, now_ms);
        let change = if commands
            .iter()
            .any(|c| matches!(c, Command::Discard(m) if m.id == client_id))
        {
            Change::None
        } else {
            self.transcript.mark_unsent(client_id)
        };
        self.track(vec![change], commands)
    }

    /// A `chat_async` POST of message `client_id` on `connection` failed before any answer
    /// (see [`Policy::send_lost`]).
    pub fn send_lost(
        &mut self,
        connection: super::ConnectionId,
        client_id: &str,
        now_ms: i64,
    ) -> Update {
        let commands = self.policy.send_lost(connection, client_id, now_ms);
        self.track(Vec::new(), commands)
    }

    /// The `chat_async` session was closed (a reconnect, a token renewal) with messages it had
    /// not posted yet (`unsent`: back into the queue, shown pending) and maybe one whose POST
    /// was cut before its answer (`unanswered`: sent again after the reconnect unless the
    /// replay acknowledges it).
    pub fn cut_off(&mut self, unsent: &[String], unanswered: Option<String>) -> Update {
        let mut changes = Vec::new();
        for client_id in unsent {
            self.policy.send_failed(client_id);
            changes.push(self.transcript.mark_unsent(client_id));
        }
        if let Some(client_id) = unanswered {
            self.policy.unanswered(&client_id);
        }
        self.track(changes, Vec::new())
    }

    /// The socket refused a [`Command::Send`]: re-queue it and show it as pending again.
    pub fn send_failed(&mut self, client_id: &str) -> Update {
        self.policy.send_failed(client_id);
        let change = self.transcript.mark_unsent(client_id);
        self.track(vec![change], Vec::new())
    }

    fn next_id(&mut self) -> String {
        self.next_client += 1;
        format!("{}_{}", self.client_prefix, self.next_client)
    }

    /// Mirrors sends and discards of user messages into the transcript.
    fn track(&mut self, mut changes: Vec<Change>, commands: Vec<Command>) -> Update {
        for command in &commands {
            let change = match command {
                Command::Send(m) if is_user_text(m) => self.transcript.mark_sent(&m.id),
                Command::Discard(m) if is_user_text(m) => self.transcript.mark_failed(&m.id),
                Command::Unconfirmed(m) if is_user_text(m) => {
                    self.transcript.mark_unconfirmed(&m.id)
                }
                _ => continue,
            };
            changes.push(change);
        }
        changes.retain(|c| {
            matches!(
                c,
                Change::Added(_) | Change::Updated(_) | Change::Continued { .. } | Change::Status
            )
        });
        Update { changes, commands }
    }
}

fn is_user_text(message: &ClientMessage) -> bool {
    matches!(message.payload, ClientPayload::UserMessage { .. })
}
