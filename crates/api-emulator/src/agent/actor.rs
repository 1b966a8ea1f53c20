//! One task per conversation runs the scripted agent: commands are handled strictly in order, so
//! replies never interleave and user messages queue behind the current generation.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::script::{plan_reply, Reply, Step};
use super::split::split_deltas;
use crate::assumptions::{END_REASON_AGENT, END_REASON_USER, GREETING, RECORDING_NOTICE};
use crate::ids;
use crate::state::{AppState, EventLog, Status};

/// What a client asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandKind {
    /// `conversation.start`.
    Start,
    /// `user.message.send` (starts the conversation implicitly, A13).
    UserMessage {
        /// The user's text.
        text: String,
        /// The client message's top-level `id`.
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
                let mut payload = json!({ "type": "user.message.received", "text": text });
                if let Some(id) = client_id {
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

    async fn pause(&self) {
        let pace = self.state.delta_interval(&self.id);
        if pace > Duration::ZERO {
            tokio::time::sleep(pace).await;
        } else {
            tokio::task::yield_now().await;
        }
    }

    async fn say(&self, reply: &Reply) {
        let generation_id = ids::generation_id();
        for step in &reply.steps {
            match step {
                Step::Notice(text) => {
                    self.log
                        .append(json!({ "type": "agent.notice.sent", "text": text }));
                }
                Step::Say(parts) => {
                    for part in parts {
                        self.pause().await;
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
                    self.pause().await;
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
