//! Carrying out the policy's commands with the browser: token fetches, transports, timers, and
//! the once-per-frame push of transcript changes into the view.

use super::clock::set_timeout;
use super::driver::{Inner, WeakDriver};
use super::notes::{local_end_event, message_note, Note};
use super::types::ChatError;
use crate::connection::{Channel, Command, ConnectionState, Input, Update};
use crate::protocol::Event;
use crate::transcript::Change;

impl Inner {
    /// Carries out `update`'s commands in order (and any they lead to) and marks its rows dirty.
    pub(crate) fn execute(&mut self, update: Update, weak: &WeakDriver, notes: &mut Vec<Note>) {
        let mut queue: Vec<Command> = Vec::new();
        self.absorb(update, &mut queue, weak);
        // First in, first out; a handful of commands at a time.
        while !queue.is_empty() {
            let command = queue.remove(0);
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
                Command::Probe {
                    connection,
                    events_url,
                } => self.probe(connection, &events_url, weak),
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
                // The transcript already shows these as failed or unconfirmed.
                Command::Discard(_) | Command::Unconfirmed(_) => {}
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

    fn absorb(&mut self, update: Update, queue: &mut Vec<Command>, _weak: &WeakDriver) {
        for change in update.changes {
            match change {
                Change::Added(i) | Change::Updated(i) => {
                    self.mark_dirty(i);
                }
                Change::Continued { closed, added } => {
                    self.mark_dirty(closed);
                    self.mark_dirty(added);
                }
                Change::Duplicate | Change::None | Change::Status => {}
            }
        }
        queue.extend(update.commands);
    }

    fn emit_state(&mut self, state: ConnectionState, notes: &mut Vec<Note>) {
        match &state {
            ConnectionState::Failed { error } => {
                let error = ChatError::Connection(error.clone());
                self.vm.set_error(Some(error.clone()));
                notes.push(Note::Error(error));
            }
            ConnectionState::Open => {
                if self.vm.has_connection_error() {
                    self.vm.set_error(None);
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
        // A planned token renewal stays "online" in the view; the host still hears every state.
        let shown = if self.conversation.policy().renewing() {
            ConnectionState::Open
        } else {
            state.clone()
        };
        self.vm.set_state(shown);
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

    /// One frame of the events stream, with the SSE `id:` it came with (`""` when none). Every
    /// connect replays the conversation from its first event: a frame whose SSE id names an
    /// event already applied is skipped without parsing (the JSON `id` stays the authority:
    /// any other frame is parsed and de-duplicated by the transcript).
    pub(crate) fn receive_replayable(&mut self, data: &str, sse_id: &str) -> Update {
        if !sse_id.is_empty() && self.conversation.transcript().has_seen(sse_id) {
            return Update::default();
        }
        self.receive(data)
    }

    /// One frame of the events stream: into the transcript (idempotent), then `on_message`.
    pub(crate) fn receive(&mut self, data: &str) -> Update {
        let event = match Event::from_json(data) {
            Ok(event) => event,
            Err(err) => {
                super::clock::warn(&format!("operator-chat: ignored a malformed event: {err}"));
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

    /// Marks row `index` for the next frame (a streamed row repeats: pushed once per run).
    fn mark_dirty(&mut self, index: usize) {
        if self.dirty.last() != Some(&index) {
            self.dirty.push(index);
        }
    }

    fn schedule_frame(&mut self, weak: &WeakDriver) {
        if self.frame_pending || (self.dirty.is_empty() && self.pending_notes.is_empty()) {
            return;
        }
        self.frame_pending = true;
        let weak = weak.clone();
        super::clock::next_frame(move || weak.with(|d| d.flush()));
    }

    /// Pushes the changes since the last frame into the view's signals.
    pub(crate) fn sync_view(&mut self) -> Vec<Note> {
        self.frame_pending = false;
        // In no particular order; a row marked twice is brought up to date twice (cheap: it
        // shows the same entry).
        let dirty = std::mem::take(&mut self.dirty);
        let transcript = self.conversation.transcript();
        self.vm.sync(transcript, &dirty, self.epoch);
        self.save();
        std::mem::take(&mut self.pending_notes)
    }
}

pub(crate) fn now() -> i64 {
    super::clock::now_ms()
}
