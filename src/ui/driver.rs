//! The driver: owns the [`Conversation`] and feeds it browser happenings; `execute.rs` carries out
//! the commands it returns. Transcript changes are collected and pushed into the view's signals
//! once per animation frame, so a fast stream costs one DOM update per frame.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::clock::{client_prefix, now_ms, MathRandom};
use super::notes::Note;
use super::persist::Persist;
use super::types::{ChatError, ChatMessage, TokenSourceFn};
use super::ViewModel;
use crate::connection::{
    ConnectionId, ConnectionState, Conversation, Input, Policy, PolicyConfig, Update,
};
use crate::token::Credentials;
use crate::transport::{EventStream, SessionSocket};

/// A host callback.
pub(crate) type HostFn<T> = Rc<dyn Fn(T)>;

/// The host's callbacks.
#[derive(Clone, Default)]
pub(crate) struct Callbacks {
    pub on_message: Option<HostFn<ChatMessage>>,
    pub on_error: Option<HostFn<ChatError>>,
    pub on_state_change: Option<HostFn<ConnectionState>>,
}

/// The driver's mutable state, behind one `RefCell`.
pub(crate) struct Inner {
    pub conversation: Conversation,
    pub token_source: TokenSourceFn,
    pub vm: ViewModel,
    pub callbacks: Callbacks,
    pub persist: Option<Persist>,
    /// Replayed history up to this event id does not fire `on_message` again after a reload.
    pub quiet_until: Option<String>,
    /// A persisted conversation id: a grant for another conversation starts it afresh.
    pub restored_conversation: Option<String>,
    pub events: Option<EventStream>,
    pub socket: Option<SessionSocket>,
    pub connection: Option<ConnectionId>,
    /// The session socket of the current connection closed normally (1000); its `Closed` is
    /// held back so the events stream can deliver `conversation.ended` first.
    pub socket_closed: bool,
    /// Bumped by "Start new chat"; callbacks from an older epoch are ignored.
    pub epoch: u32,
    /// Rows changed since the last frame, in change order (a row changing again right after
    /// itself is listed once).
    pub dirty: Vec<usize>,
    /// Host callbacks that fire with the next frame (when their rows appear).
    pub pending_notes: Vec<Note>,
    pub frame_pending: bool,
    pub stopped: bool,
}

/// A cheap handle to the driver.
#[derive(Clone)]
pub(crate) struct Driver(pub(crate) Rc<RefCell<Inner>>);

/// A handle held by browser callbacks; it does nothing once the widget is gone.
#[derive(Clone)]
pub(crate) struct WeakDriver {
    pub inner: Weak<RefCell<Inner>>,
    pub epoch: u32,
}

impl WeakDriver {
    /// Runs `f` on the driver if it still exists and is in the same epoch.
    pub(crate) fn with(&self, f: impl FnOnce(&Driver)) {
        let Some(inner) = self.inner.upgrade() else {
            return;
        };
        let driver = Driver(inner);
        let current = driver
            .0
            .try_borrow()
            .map(|i| i.epoch == self.epoch && !i.stopped);
        if current.unwrap_or(false) {
            f(&driver);
        }
    }
}

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
pub(crate) fn fresh_conversation() -> Conversation {
    new_conversation(true, None)
}

impl Driver {
    /// A driver in the idle state; nothing happens until [`Driver::start`].
    pub(crate) fn new(
        token_source: TokenSourceFn,
        vm: ViewModel,
        callbacks: Callbacks,
        persist: Option<Persist>,
    ) -> Self {
        let saved = persist.as_ref().and_then(Persist::load);
        let creds = match (&persist, &saved) {
            (Some(p), Some(s)) => p.credentials(s, now_ms()),
            _ => None,
        };
        // The stream replays the earlier page's events: their acknowledgements are history.
        let conversation = new_conversation(saved.is_none(), creds)
            .with_history_until(saved.as_ref().and_then(|s| s.last_event_id.clone()));
        Driver(Rc::new(RefCell::new(Inner {
            conversation,
            token_source,
            vm,
            callbacks,
            persist,
            quiet_until: saved.as_ref().and_then(|s| s.last_event_id.clone()),
            restored_conversation: saved.map(|s| s.conversation_id),
            events: None,
            socket: None,
            connection: None,
            socket_closed: false,
            epoch: 0,
            dirty: Vec::new(),
            pending_notes: Vec::new(),
            frame_pending: false,
            stopped: false,
        })))
    }

    pub(crate) fn weak(&self) -> WeakDriver {
        let epoch = self.0.try_borrow().map(|i| i.epoch).unwrap_or(u32::MAX);
        WeakDriver {
            inner: Rc::downgrade(&self.0),
            epoch,
        }
    }

    /// Runs one step against the conversation and carries out what it returns; host callbacks
    /// run afterwards, with no borrow held (so they may call back into the widget).
    pub(crate) fn step(&self, f: impl FnOnce(&mut Inner, i64) -> Update) {
        let weak = self.weak();
        let notes = {
            let Ok(mut inner) = self.0.try_borrow_mut() else {
                super::clock::warn("operator-chat: re-entrant driver call ignored");
                return;
            };
            if inner.stopped {
                return;
            }
            let update = f(&mut inner, now_ms());
            let mut notes = Vec::new();
            inner.execute(update, &weak, &mut notes);
            notes
        };
        self.notify(notes);
    }

    pub(crate) fn notify(&self, notes: Vec<Note>) {
        let Ok(inner) = self.0.try_borrow() else {
            return;
        };
        let callbacks = inner.callbacks.clone();
        drop(inner);
        for note in notes {
            note.fire(&callbacks);
        }
    }

    /// Feeds one connection input.
    pub(crate) fn input(&self, input: Input) {
        self.step(|inner, now| inner.conversation.handle(input, now));
    }

    /// The animation frame: pushes transcript changes into the view, then runs the callbacks of
    /// the messages that just appeared.
    pub(crate) fn flush(&self) {
        let notes = match self.0.try_borrow_mut() {
            Ok(mut inner) => inner.sync_view(),
            Err(_) => return,
        };
        self.notify(notes);
    }

    /// Connects if not yet connected (first open, or mount in inline mode).
    pub(crate) fn start(&self) {
        let idle = self
            .0
            .try_borrow()
            .is_ok_and(|i| *i.conversation.policy().state() == ConnectionState::Idle);
        if idle {
            self.input(Input::Start);
        }
    }

    /// The user sends `text` (shown at once; queued while disconnected; sent once).
    pub(crate) fn send_text(&self, text: &str) {
        self.step(|inner, now| inner.conversation.send_text(text, now));
        self.start();
    }

    /// Merges `context` into the conversation context (`conversation.context.update`) and
    /// connects if not yet connected.
    pub(crate) fn update_context(&self, context: crate::json::Value) {
        self.step(|inner, _| inner.conversation.update_context(context));
        self.start();
    }

    /// The user sends an unconfirmed message again (its row's "Send again").
    pub(crate) fn resend(&self, client_id: &str) {
        self.step(|inner, _| inner.conversation.resend(client_id));
    }

    /// The user pressed Retry.
    pub(crate) fn retry(&self) {
        if let Ok(inner) = self.0.try_borrow() {
            inner.vm.set_error(None);
        }
        self.input(Input::Retry);
    }

    /// Forgets what `persist` saved and saves nothing more (`clearPersisted()`).
    pub(crate) fn clear_persisted(&self) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            if let Some(persist) = inner.persist.take() {
                persist.forget();
            }
        }
    }

    /// Ends the conversation (`conversation.end`).
    pub(crate) fn end(&self) {
        self.step(|inner, _| inner.conversation.end());
    }

    /// "Start new chat": a fresh conversation (the token source is asked again).
    pub(crate) fn restart(&self) {
        {
            let Ok(mut inner) = self.0.try_borrow_mut() else {
                return;
            };
            inner.retire_transports();
            inner.epoch = inner.epoch.wrapping_add(1);
            inner.conversation = fresh_conversation();
            inner.pending_notes.clear();
            inner.restored_conversation = None;
            inner.quiet_until = None;
            inner.dirty.clear();
            if let Some(persist) = &inner.persist {
                persist.clear();
            }
            inner.vm.reset();
        }
        self.input(Input::Start);
    }

    /// The widget is going away: close everything; later callbacks do nothing. The host's
    /// callbacks are not called (they may already be disposed).
    pub(crate) fn stop(&self) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            let _ = inner.conversation.handle(Input::Stop, now_ms());
            inner.retire_transports();
            inner.pending_notes.clear();
            inner.stopped = true;
        }
    }
}
