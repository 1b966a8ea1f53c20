//! One task per conversation runs the scripted agent: commands are handled strictly in order, so
//! replies never interleave and user messages queue behind the current generation.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::script::{plan_reply, Reply, Step};
use super::split::split_deltas;
use crate::assumptions::{END_REASON_AGENT, END_REASON_USER, GREETING, RECORDING_NOTICE};
use crate::ids;
use crate::state::{AppState, EventLog, Status};

/// How far behind its schedule the pace may fall and still catch up with a burst.
const CATCH_UP: Duration = Duration::from_millis(5);

/// When the next delta of a reply goes out, given the previous one's slot. Slots are kept on a
/// schedule (previous slot + pace), not as a sleep after each delta, so timer rounding does not
/// slow the pace down and sub-millisecond paces keep their average rate. Far behind schedule
/// (the pace just changed, or the machine stalled) it starts afresh from `now`.
fn next_slot(previous: Option<Instant>, now: Instant, pace: Duration) -> Instant {
    match previous {
        Some(slot) if slot + (pace * 4).max(CATCH_UP) >= now => slot + pace,
        _ => now + pace,
    }
}

/// What a client asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandKind {
    /// `conversation.start`.
    Start,
    /// `user.message.send` (starts the conversation implicitly, A13).
    UserMessage {
        /// The user's text.
        text: String,
        /// The client message's top-level `id` (echoed only with the extensions on).
        client_id: Option<String>,
    },
    /// `conversation.context.update`: merged into the context.
    ContextUpdate(Map<String, Value>),
    /// `conversation.end`.
    End,
}

/// A command plus an optional signal sent once its events are all appended.
#[derive(Debug)]
pub struct Command {
    /// What to do.
    pub kind: CommandKind,
    /// Fired after handling (async session uses it to end its response).
    pub done: Option<oneshot::Sender<()>>,
}

/// Spawns the agent task of a conversation; it ends when the conversation is deleted.
pub fn spawn_actor(
    state: AppState,
    conversation_id: String,
    log: Arc<EventLog>,
) -> mpsc::UnboundedSender<Command> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    tokio::spawn(async move {
        let agent = Actor {
            state,
            id: conversation_id,
            log,
        };
        while let Some(command) = rx.recv().await {
            agent.handle(command.kind).await;
            if let Some(done) = command.done {
                let _ = done.send(());
            }
        }
    });
    tx
}

struct Actor {
    state: AppState,
    id: String,
    log: Arc<EventLog>,
}

impl Actor {
    fn status(&self) -> Option<Status> {
        self.state
            .store()
            .conversations
            .get(&self.id)
            .map(|c| c.status)
    }

    async fn handle(&self, kind: CommandKind) {
        match self.status() {
            None | Some(Status::Completed) => return,
            Some(_) => {}
        }
        tracing::debug!(conversation = %self.id, "agent command");
        match kind {
            CommandKind::Start => self.ensure_started().await,
            CommandKind::UserMessage { text, client_id } => {
                self.ensure_started().await;
                // Documented: `text` only. Extension: the client message's `id` echoed.
                let mut payload = json!({ "type": "user.message.received", "text": text });
                if let Some(id) = client_id.filter(|_| self.state.config.extensions) {
                    payload["client_message_id"] = Value::String(id);
                }
                self.log.append(payload);
                let reply = plan_reply(&text);
                self.say(&reply).await;
                if reply.ends {
                    self.end(END_REASON_AGENT);
                }
            }
            CommandKind::ContextUpdate(update) => {
                let merged = {
                    let mut store = self.state.store();
                    let Some(c) = store.conversations.get_mut(&self.id) else {
                        return;
                    };
                    c.context.extend(update);
                    Value::Object(c.context.clone())
                };
                self.log
                    .append(json!({ "type": "conversation.context.updated", "context": merged }));
            }
            CommandKind::End => self.end(END_REASON_USER),
        }
    }

    async fn ensure_started(&self) {
        let started = {
            let mut store = self.state.store();
            match store.conversations.get_mut(&self.id) {
                Some(c) if c.status == Status::Queued => {
                    c.status = Status::InProgress;
                    c.started_at = Some(ids::now());
                    true
                }
                _ => false,
            }
        };
        if started {
            self.log.append(json!({ "type": "conversation.started" }));
            self.log
                .append(json!({ "type": "agent.notice.sent", "text": RECORDING_NOTICE }));
            let greeting = Reply {
                steps: vec![Step::Say(split_deltas(GREETING))],
                ends: false,
            };
            self.say(&greeting).await;
        }
    }

    /// Waits for the next delta's slot (see [`next_slot`]).
    async fn pause(&self, next: &mut Option<Instant>) {
        let pace = self.state.delta_interval(&self.id);
        if pace == Duration::ZERO {
            *next = None;
            tokio::task::yield_now().await;
            return;
        }
        let slot = next_slot(*next, Instant::now(), pace);
        *next = Some(slot);
        tokio::time::sleep_until(slot).await;
    }

    async fn say(&self, reply: &Reply) {
        let generation_id = ids::generation_id();
        let mut next = None;
        for step in &reply.steps {
            match step {
                Step::Notice(text) => {
                    self.log
                        .append(json!({ "type": "agent.notice.sent", "text": text }));
                }
                Step::Say(parts) => {
                    for part in parts {
                        self.pause(&mut next).await;
                        self.log.append(json!({
                            "type": "agent.message.delta",
                            "text_delta": part,
                            "generation_id": generation_id,
                        }));
                    }
                }
                Step::Tool {
                    name,
                    arguments,
                    result,
                } => {
                    let call_id = ids::call_id();
                    self.log.append(json!({
                        "type": "agent.tool_call.created",
                        "call_id": call_id, "name": name, "arguments": arguments,
                    }));
                    self.pause(&mut next).await;
                    self.log.append(json!({
                        "type": "agent.tool_call.returned",
                        "call_id": call_id, "name": name, "arguments": arguments,
                        "result": result, "error": null,
                    }));
                }
            }
        }
        self.log.append(json!({
            "type": "agent.message.completed",
            "text": reply.text(),
            "interrupted": false,
            "has_tool_calls": reply.has_tool_calls(),
            "generation_id": generation_id,
        }));
    }

    fn end(&self, reason: &str) {
        let ended = {
            let mut store = self.state.store();
            match store.conversations.get_mut(&self.id) {
                Some(c) if c.status != Status::Completed => {
                    c.status = Status::Completed;
                    c.completed_at = Some(ids::now());
                    true
                }
                _ => false,
            }
        };
        if ended {
            self.log
                .append(json!({ "type": "conversation.ended", "reason": reason }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_the_schedule_even_when_each_wait_overshoots() {
        let pace = Duration::from_micros(500);
        let start = Instant::now();
        let mut slot = next_slot(None, start, pace);
        assert_eq!(slot, start + pace);
        // The timer woke each slot 0.9 ms late: the schedule still advances by the pace, so
        // 100 deltas take 50 ms on average, not 140 ms.
        for _ in 0..99 {
            slot = next_slot(Some(slot), slot + Duration::from_micros(900), pace);
        }
        assert_eq!(slot, start + pace * 100);
    }

    #[test]
    fn far_behind_the_schedule_starts_afresh() {
        let pace = Duration::from_millis(2);
        let start = Instant::now();
        let late = start + Duration::from_secs(1);
        assert_eq!(next_slot(Some(start), late, pace), late + pace);
    }
}
