//! Carrying out the policy's commands with the browser: token fetches, transports, timers, and
//! the once-per-frame push of transcript changes into the view.

use std::collections::VecDeque;

use leptos::prelude::*;

use super::clock::set_timeout;
use super::driver::{Callbacks, Inner, WeakDriver};
use super::types::{ChatError, ChatMessage, MessageRole};
use crate::connection::{
    Channel, Command, ConnectionId, ConnectionState, Input, Rejection, Update,
};
use crate::protocol::{Event, EventPayload};
use crate::transcript::Change;
use crate::transport::{probe_status, EventStream, SessionSocket, SocketHandlers, StreamHandlers};

/// WebSocket close code for "policy violation": the token expired or was replaced while open.
const CLOSE_POLICY_VIOLATION: u16 = 1008;
/// WebSocket close code for a normal closure (the service closes the socket after the end).
const CLOSE_NORMAL: u16 = 1000;
/// How long a normal socket close waits for the events stream to deliver `conversation.ended`
/// before it counts as a drop.
const NORMAL_CLOSE_GRACE_MS: u64 = 3_000;

/// A host callback to run once the driver is no longer borrowed.
pub(crate) enum Note {
    State(ConnectionState),
    Error(ChatError),
    Message(ChatMessage),
}

impl Note {
    pub(crate) fn fire(self, callbacks: &Callbacks) {
        match self {
            Note::State(s) => {
                if let Some(cb) = callbacks.on_state_change {
                    cb.run(s);
                }
            }
            Note::Error(e) => {
                if let Some(cb) = callbacks.on_error {
                    cb.run(e);
                }
            }
            Note::Message(m) => {
                if let Some(cb) = callbacks.on_message {
                    cb.run(m);
                }
            }
        }
    }
}

impl Inner {
    /// Carries out `update`'s commands in order (and any they lead to) and marks its rows dirty.
    pub(crate) fn execute(&mut self, update: Update, weak: &WeakDriver, notes: &mut Vec<Note>) {
        let mut queue: VecDeque<Command> = VecDeque::new();
        self.absorb(update, &mut queue, weak);
        while let Some(command) = queue.pop_front() {
            match command {
                Command::FetchToken => self.fetch_token(weak),
                Command::Connect {
                    connection,
                    events_url,
                    session_url,
                } => {
                    let opened = self.connect(connection, &events_url, &session_url, weak);
                    if let Err(err) = opened {
                        notes.push(Note::Error(err));
                        let update = self
                            .conversation
                            .handle(Input::Closed(connection, Channel::Session), now());
                        self.absorb(update, &mut queue, weak);
                    }
                }
                Command::Close => self.retire_transports(),
                Command::Send(message) => {
                    let sent = match (&self.socket, message.to_json()) {
                        (Some(socket), Ok(json)) => socket.send(&json).is_ok(),
                        _ => false,
                    };
                    if !sent {
                        let update = self.conversation.send_failed(&message.id);
                        self.absorb(update, &mut queue, weak);
                        // A socket that already closed normally cannot wait any longer.
                        if let (true, Some(id)) = (self.socket_closed, self.connection) {
                            self.socket_closed = false;
                            let update = self
                                .conversation
                                .handle(Input::Closed(id, Channel::Session), now());
                            self.absorb(update, &mut queue, weak);
                        }
                    }
                }
                Command::Discard(_) => {} // the transcript already shows it as failed
                Command::ScheduleTimer { timer, after_ms } => {
                    let weak = weak.clone();
                    set_timeout(
                        move || weak.with(|d| d.input(Input::TimerFired(timer))),
                        after_ms,
                    );
                }
                Command::EmitState(state) => self.emit_state(state, notes),
            }
        }
        self.schedule_frame(weak);
    }

    fn absorb(&mut self, update: Update, queue: &mut VecDeque<Command>, _weak: &WeakDriver) {
        for change in update.changes {
            if let Change::Added(i) | Change::Updated(i) = change {
                self.dirty.insert(i);
            }
        }
        queue.extend(update.commands);
    }

    fn emit_state(&mut self, state: ConnectionState, notes: &mut Vec<Note>) {
        match &state {
            ConnectionState::Failed { error } => {
                let error = ChatError::Connection(error.clone());
                self.vm.error.set(Some(error.clone()));
                notes.push(Note::Error(error));
            }
            ConnectionState::Open => {
                if matches!(
                    self.vm.error.get_untracked(),
                    Some(ChatError::Connection(_))
                ) {
                    self.vm.error.set(None);
                }
                self.save();
            }
            ConnectionState::Ended => {
                if let Some(persist) = &self.persist {
                    persist.clear();
                }
            }
            _ => {}
        }
        self.vm.state.set(state.clone());
        notes.push(Note::State(state));
    }

    fn fetch_token(&mut self, weak: &WeakDriver) {
        let future = self.token_source.0.fetch();
        let weak = weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = future.await;
            weak.with(|driver| match result {
                Ok(creds) => driver.step(|inner, now| inner.on_token(creds, now)),
                Err(err) => driver.input(Input::TokenFailed(err)),
            });
        });
    }

    fn on_token(&mut self, creds: crate::token::Credentials, now: i64) -> Update {
        let previous = self.conversation.policy().credentials();
        if previous.is_some_and(|p| p.conversation_id != creds.conversation_id) {
            // The service handed out another conversation: ours is over (the cursor and the
            // transcript belong to it). Show the end; "Start new chat" begins the new one.
            return self.conversation.receive(&local_end_event(previous));
        }
        if let Some(restored) = self.restored_conversation.take() {
            if restored != creds.conversation_id {
                // The saved conversation is gone: this is a fresh one, so start it.
                self.quiet_until = None;
                self.conversation = super::driver::fresh_conversation();
                let _ = self.conversation.handle(Input::Start, now);
            }
        }
        let update = self.conversation.handle(Input::TokenFetched(creds), now);
        self.save();
        update
    }

    fn connect(
        &mut self,
        id: ConnectionId,
        events_url: &str,
        session_url: &str,
        weak: &WeakDriver,
    ) -> Result<(), ChatError> {
        self.retire_transports();
        self.connection = Some(id);
        self.socket_closed = false;
        let (w1, w2, w3, w4, w5, w6) = (
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
        );
        let probe_url = events_url.to_owned();
        let events = EventStream::open(
            events_url,
            StreamHandlers {
                on_open: Box::new(move || w1.with(|d| d.input(Input::Opened(id, Channel::Events)))),
                on_message: Box::new(move |data, _last_id| {
                    w2.with(|d| d.step(|inner, _| inner.receive(&data)));
                }),
                on_error: Box::new(move |refused| {
                    if !refused {
                        return w3.with(|d| d.input(Input::Closed(id, Channel::Events)));
                    }
                    // Refused at the HTTP level: ask once with fetch to learn the status.
                    let weak = w3.clone();
                    let url = probe_url.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        let input = match probe_status(&url).await {
                            Some(rejection) => Input::Rejected(id, rejection),
                            None => Input::Closed(id, Channel::Events),
                        };
                        weak.with(|d| d.input(input));
                    });
                }),
            },
        )?;
        self.events = Some(events);
        let socket = SessionSocket::open(
            session_url,
            SocketHandlers {
                on_open: Box::new(move || {
                    w4.with(|d| d.input(Input::Opened(id, Channel::Session)))
                }),
                on_message: Box::new(move |text| w5.with(|d| d.socket_frame(&text))),
                on_close: Box::new(move |code, reason| {
                    if code == CLOSE_NORMAL {
                        return w6.with(|d| d.socket_closed_normally(id, NORMAL_CLOSE_GRACE_MS));
                    }
                    let input = if code == CLOSE_POLICY_VIOLATION {
                        let code = if reason.is_empty() {
                            "token_revoked".into()
                        } else {
                            reason
                        };
                        Input::Rejected(id, Rejection::unauthorized(code))
                    } else {
                        Input::Closed(id, Channel::Session)
                    };
                    w6.with(|d| d.input(input));
                }),
            },
        )?;
        self.socket = Some(socket);
        Ok(())
    }

    /// Closes both transports now; frees them after the current browser callback returns (a
    /// transport may be closed from inside its own handler).
    pub(crate) fn retire_transports(&mut self) {
        let events = self.events.take();
        let socket = self.socket.take();
        if let Some(e) = &events {
            e.close();
        }
        if let Some(s) = &socket {
            s.close();
        }
        self.connection = None;
        if events.is_some() || socket.is_some() {
            wasm_bindgen_futures::spawn_local(async move {
                drop(events);
                drop(socket);
            });
        }
    }

    /// One frame of the events stream: into the transcript (idempotent), then `on_message`.
    pub(crate) fn receive(&mut self, data: &str) -> Update {
        let event = match Event::from_json(data) {
            Ok(event) => event,
            Err(err) => {
                leptos::logging::warn!("operator-chat: ignored a malformed event: {err}");
                return Update::default();
            }
        };
        let update = self.conversation.receive(&event);
        if update.changes.is_empty() && update.commands.is_empty() {
            return update;
        }
        let quiet = self.quiet_until.is_some();
        if self.quiet_until.as_deref() == Some(event.id.as_str()) {
            self.quiet_until = None;
        }
        if !quiet {
            self.pending_notes.extend(message_note(&event));
        }
        update
    }

    fn save(&self) {
        if *self.conversation.policy().state() == ConnectionState::Ended {
            return; // forgotten on the end; a new chat saves its own
        }
        if let (Some(persist), Some(creds)) =
            (&self.persist, self.conversation.policy().credentials())
        {
            persist.save(creds, self.conversation.transcript().last_event_id());
        }
    }

    fn schedule_frame(&mut self, weak: &WeakDriver) {
        if self.frame_pending || (self.dirty.is_empty() && self.pending_notes.is_empty()) {
            return;
        }
        self.frame_pending = true;
        let weak = weak.clone();
        request_animation_frame(move || weak.with(|d| d.flush()));
    }

    /// Pushes the changes since the last frame into the view's signals.
    pub(crate) fn sync_view(&mut self) -> Vec<Note> {
        self.frame_pending = false;
        let dirty: Vec<usize> = std::mem::take(&mut self.dirty).into_iter().collect();
        let (vm, epoch) = (self.vm, self.epoch);
        let transcript = self.conversation.transcript();
        self.owner.with(|| vm.sync(transcript, &dirty, epoch));
        self.save();
        std::mem::take(&mut self.pending_notes)
    }
}

/// A `conversation.ended` for a conversation the service no longer serves.
fn local_end_event(previous: Option<&crate::token::Credentials>) -> Event {
    Event {
        id: "local_conversation_replaced".into(),
        created_at: String::new(),
        agent_id: String::new(),
        livemode: true,
        conversation_id: previous
            .map(|c| c.conversation_id.clone())
            .unwrap_or_default(),
        experimental: false,
        payload: EventPayload::ConversationEnded {
            reason: Some("replaced".into()),
        },
    }
}

fn message_note(event: &Event) -> Option<Note> {
    let at_ms = event.created_at_millis().unwrap_or_default();
    let (role, text) = match &event.payload {
        EventPayload::AgentMessageCompleted { text, .. } => (MessageRole::Agent, text),
        EventPayload::UserMessageReceived { text, .. } => (MessageRole::User, text),
        EventPayload::ServerError { message, code } => {
            return Some(Note::Error(ChatError::Server {
                message: message.clone(),
                code: code.clone(),
            }))
        }
        _ => return None,
    };
    Some(Note::Message(ChatMessage {
        role,
        text: text.clone(),
        at_ms,
    }))
}

fn now() -> i64 {
    super::clock::now_ms()
}
