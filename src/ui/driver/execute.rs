//! Carrying out the policy's commands with the browser: token fetches, transports, timers, and
//! the once-per-frame push of transcript changes into the view.

use super::links::Links;
use super::memory::fresh_conversation;
use super::notes::{local_end_event, message_note, Note};
use super::{State, WeakDriver};
use crate::connection::{Channel, Command, ConnectionState, Input, Update};
use crate::protocol::Event;
use crate::transcript::Change;
use crate::ui::clock::set_timeout;
use crate::ui::types::ChatError;

impl State {
    /// Carries out `update`'s commands in order (and any they lead to) and marks its rows dirty.
    pub(super) fn execute(&mut self, update: Update, weak: &WeakDriver, notes: &mut Vec<Note>) {
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
                    channel,
                } => {
                    // A connection replaced without a Close first (a token renewal) may still
                    // hold chat_async messages: they go back into the queue, as on a Close.
                    let cut = self.links.retire();
                    if !cut.unsent.is_empty() || cut.unanswered.is_some() {
                        let update = self.conversation.cut_off(&cut.unsent, cut.unanswered);
                        self.absorb(update, &mut queue, weak);
                    }
                    let opened =
                        self.links
                            .open(connection, &events_url, &session_url, channel, weak);
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
                } => Links::probe(connection, &events_url, weak),
                Command::Close => {
                    let cut = self.links.retire();
                    let update = self.conversation.cut_off(&cut.unsent, cut.unanswered);
                    self.absorb(update, &mut queue, weak);
                }
                Command::Send(message) => {
                    let sent = message
                        .to_json()
                        .is_ok_and(|json| self.links.send(&message.id, &json, weak));
                    if !sent {
                        let update = self.conversation.send_failed(&message.id);
                        self.absorb(update, &mut queue, weak);
                        // A socket that already closed normally cannot wait any longer.
                        if let Some(id) = self.links.take_held_close() {
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
                Change::Added(i) | Change::Updated(i) => self.frame.mark_dirty(i),
                Change::Continued { closed, added } => {
                    self.frame.mark_dirty(closed);
                    self.frame.mark_dirty(added);
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
                self.frame.vm().set_error(Some(error.clone()));
                notes.push(Note::Error(error));
            }
            ConnectionState::Open => {
                if self.frame.vm().has_connection_error() {
                    self.frame.vm().set_error(None);
                }
                self.save();
            }
            ConnectionState::Ended => self.memory.clear(),
            _ => {}
        }
        // A planned token renewal stays "online" in the view; the host still hears every state.
        let shown = if self.conversation.policy().renewing() {
            ConnectionState::Open
        } else {
            state.clone()
        };
        self.frame.vm().set_state(shown);
        let channel = self.conversation.policy().credentials().map(|c| c.channel);
        notes.push(Note::State(state, channel));
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
        if self.memory.restored_is_gone(&creds.conversation_id) {
            // The saved conversation is gone: this is a fresh one, so start it.
            self.conversation = fresh_conversation();
            let _ = self.conversation.handle(Input::Start, now);
        }
        let update = self.conversation.handle(Input::TokenFetched(creds), now);
        self.save();
        update
    }

    /// One frame of the events stream: into the transcript (idempotent, by the JSON `id`), then
    /// `on_message`. Frames whose SSE `id:` names an event already applied never get here
    /// (`Driver::knows_event`).
    pub(super) fn receive(&mut self, data: &str) -> Update {
        let event = match Event::from_json(data) {
            Ok(event) => event,
            Err(err) => {
                crate::ui::clock::warn(&format!("operator-chat: ignored a malformed event: {err}"));
                return Update::default();
            }
        };
        let update = self.conversation.receive(&event);
        if update.changes.is_empty() && update.commands.is_empty() {
            return update;
        }
        if !self.memory.replayed(&event.id) {
            if let Some(note) = message_note(&event) {
                self.frame.note(note);
            }
        }
        update
    }

    fn save(&self) {
        self.memory.save(&self.conversation);
    }

    fn schedule_frame(&mut self, weak: &WeakDriver) {
        if self.frame.request() {
            let weak = weak.clone();
            crate::ui::clock::next_frame(move || weak.with(|d| d.flush()));
        }
    }

    /// Pushes the changes since the last frame into the view's signals.
    pub(super) fn sync_view(&mut self) -> Vec<Note> {
        let notes = self.frame.flush(self.conversation.transcript(), self.epoch);
        self.save();
        notes
    }
}

fn now() -> i64 {
    crate::ui::clock::now_ms()
}
