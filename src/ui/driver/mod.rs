//! The driver: owns the [`Conversation`] and feeds it browser happenings; `execute.rs` carries out
//! the commands it returns. Its state sits behind one `RefCell` in [`State`], in parts that keep
//! their own fields: `links` (the transports of the current connection), `frame` (changes
//! waiting for the next animation frame, pushed into the view once per frame, so a fast stream
//! costs one DOM update per frame) and `memory` (what `persist` saved). `notes` holds the host
//! callbacks waiting to run.

mod execute;
mod frame;
mod links;
mod memory;
mod notes;
mod posts;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use self::frame::FrameQueue;
use self::links::Links;
use self::memory::{fresh_conversation, Memory};
use self::notes::Note;
use super::clock::now_ms;
use super::persist::Persist;
use super::types::{ChatError, ChatMessage, TokenSourceFn};
use super::ViewModel;
use crate::connection::{ConnectionState, Conversation, Input, Update};

/// A host callback.
pub(crate) type HostFn<T> = Rc<dyn Fn(T)>;

/// The host's callbacks.
#[derive(Clone, Default)]
pub(crate) struct Callbacks {
    pub on_message: Option<HostFn<ChatMessage>>,
    pub on_error: Option<HostFn<ChatError>>,
    pub on_state_change: Option<HostFn<ConnectionState>>,
    /// Told the conversation's channel just before each `on_state_change` (the controller's).
    pub on_channel: Option<HostFn<Option<crate::protocol::ChatChannel>>>,
}

/// The driver's mutable state, behind one `RefCell`; only the driver's modules reach it.
struct State {
    conversation: Conversation,
    token_source: TokenSourceFn,
    callbacks: Callbacks,
    links: Links,
    frame: FrameQueue,
    memory: Memory,
    /// Bumped by "Start new chat"; callbacks from an older epoch are ignored.
    epoch: u32,
    stopped: bool,
}

/// A cheap handle to the driver.
#[derive(Clone)]
pub(crate) struct Driver(Rc<RefCell<State>>);

/// A handle held by browser callbacks; it does nothing once the widget is gone.
#[derive(Clone)]
struct WeakDriver {
    inner: Weak<RefCell<State>>,
    epoch: u32,
}

impl WeakDriver {
    /// Runs `f` on the driver if it still exists and is in the same epoch.
    fn with(&self, f: impl FnOnce(&Driver)) {
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

impl Driver {
    /// A driver in the idle state; nothing happens until [`Driver::start`].
    pub(crate) fn new(
        token_source: TokenSourceFn,
        vm: ViewModel,
        callbacks: Callbacks,
        persist: Option<Persist>,
    ) -> Self {
        let (memory, conversation) = Memory::restore(persist);
        Driver(Rc::new(RefCell::new(State {
            conversation,
            token_source,
            callbacks,
            links: Links::default(),
            frame: FrameQueue::new(vm),
            memory,
            epoch: 0,
            stopped: false,
        })))
    }

    fn weak(&self) -> WeakDriver {
        let epoch = self.0.try_borrow().map(|i| i.epoch).unwrap_or(u32::MAX);
        WeakDriver {
            inner: Rc::downgrade(&self.0),
            epoch,
        }
    }

    /// Runs one step against the conversation and carries out what it returns; host callbacks
    /// run afterwards, with no borrow held (so they may call back into the widget).
    /// Whether the event `event_id` is already in the transcript: a replayed frame is dropped
    /// on this lookup alone, without parsing it or running a step (every connect replays the
    /// conversation from its first event).
    fn knows_event(&self, event_id: &str) -> bool {
        self.0
            .try_borrow()
            .is_ok_and(|state| state.conversation.transcript().has_seen(event_id))
    }

    fn step(&self, f: impl FnOnce(&mut State, i64) -> Update) {
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

    fn notify(&self, notes: Vec<Note>) {
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
    fn flush(&self) {
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
    pub(crate) fn update_context(&self, context: crate::protocol::RawJson) {
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
            inner.frame.vm().set_error(None);
        }
        self.input(Input::Retry);
    }

    /// Forgets what `persist` saved and saves nothing more (`clearPersisted()`).
    pub(crate) fn clear_persisted(&self) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            inner.memory.forget();
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
            let _ = inner.links.retire();
            inner.epoch = inner.epoch.wrapping_add(1);
            inner.conversation = fresh_conversation();
            inner.memory.reset();
            inner.frame.reset();
        }
        self.input(Input::Start);
    }

    /// The widget is going away: close everything; later callbacks do nothing. The host's
    /// callbacks are not called (they may already be disposed).
    pub(crate) fn stop(&self) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            let _ = inner.conversation.handle(Input::Stop, now_ms());
            let _ = inner.links.retire();
            inner.frame.drop_notes();
            inner.stopped = true;
        }
    }
}
