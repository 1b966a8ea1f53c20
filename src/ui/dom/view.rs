//! The direct-DOM view model: what the driver pushes (rows once per frame, state, error) goes
//! straight into the elements built by `widget.rs`. Same contract as the Leptos `ViewModel`.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::{Element, HtmlElement};

use super::el::{el, set, show, text};
use super::rows::{Resend, Row};
use crate::connection::ConnectionState;
use crate::strings::Strings;
use crate::transcript::{ConversationStatus, Transcript};
use crate::ui::dom_util::{at_bottom, CHUNK_ROWS};
use crate::ui::status::{error_message, state_key, state_label};
use crate::ui::types::ChatError;

/// The elements the view model updates.
pub(crate) struct Parts {
    pub strings: Rc<Strings>,
    pub status: Element,
    pub end: Element,
    pub log: HtmlElement,
    pub typing: Element,
    pub error: Element,
    pub error_text: Element,
    pub ended: Element,
    pub composer_wrap: Element,
    pub input: web_sys::HtmlTextAreaElement,
    pub send: Element,
}

struct State {
    parts: Parts,
    chunks: Vec<Element>,
    rows: Vec<Option<Row>>,
    state: ConnectionState,
    error: Option<ChatError>,
    busy: bool,
    ended: bool,
    /// Whether the reader is at the bottom of the transcript.
    pinned: bool,
    /// The view scrolled the log itself; the next scroll event is not the reader's.
    own_scroll: bool,
    resend: Resend,
}

/// A cheap handle to the view.
#[derive(Clone)]
pub(crate) struct ViewModel(Rc<RefCell<State>>);

impl ViewModel {
    pub(crate) fn new(parts: Parts, resend: Resend) -> Self {
        let view = ViewModel(Rc::new(RefCell::new(State {
            parts,
            chunks: Vec::new(),
            rows: Vec::new(),
            state: ConnectionState::Idle,
            error: None,
            busy: false,
            ended: false,
            pinned: true,
            own_scroll: false,
            resend,
        })));
        view.with(|s| {
            s.show_state();
            s.show_error_line();
        });
        view
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        self.0.try_borrow_mut().ok().map(|mut s| f(&mut s))
    }

    /// Shows `state` in the header.
    pub(crate) fn set_state(&self, state: ConnectionState) {
        self.with(|s| {
            if s.state != state {
                s.state = state;
                s.show_state();
                s.show_error_line();
            }
        });
    }

    /// Shows `error` in the error line (or clears it).
    pub(crate) fn set_error(&self, error: Option<ChatError>) {
        self.with(|s| {
            s.error = error;
            s.show_error_line();
        });
    }

    /// Whether the error line shows a connection error (cleared once connected again).
    pub(crate) fn has_connection_error(&self) -> bool {
        self.with(|s| matches!(s.error, Some(ChatError::Connection(_))))
            .unwrap_or(false)
    }

    /// Whether the conversation ended (the composer is off).
    pub(crate) fn ended(&self) -> bool {
        self.with(|s| s.ended).unwrap_or(true)
    }

    /// Brings the DOM up to date with `transcript`: updates the rows in `dirty` and appends
    /// the new ones.
    pub(crate) fn sync(&self, transcript: &Transcript, dirty: &[usize], _epoch: u32) {
        self.with(|s| s.sync(transcript, dirty));
    }

    /// Forgets every row (for "Start new chat").
    pub(crate) fn reset(&self) {
        self.with(|s| {
            for chunk in s.chunks.drain(..) {
                chunk.remove();
            }
            s.rows.clear();
            s.set_busy(false);
            s.set_ended(false);
            s.error = None;
            s.show_error_line();
        });
    }

    /// The transcript's scroll event: the reader's own scrolling decides whether to follow.
    pub(crate) fn on_scroll(&self) {
        self.with(|s| {
            if std::mem::take(&mut s.own_scroll) {
                return;
            }
            s.pinned = at_bottom(&s.parts.log);
        });
    }

    /// Follow new content again (the reader sent a message).
    pub(crate) fn pin(&self) {
        self.with(|s| s.pinned = true);
    }
}

impl State {
    fn show_state(&self) {
        let p = &self.parts;
        text(&p.status, state_label(&p.strings, &self.state));
        set(&p.status, "data-state", state_key(&self.state));
        show(&p.end, self.state == ConnectionState::Open);
    }

    fn show_error_line(&self) {
        let p = &self.parts;
        let message = error_message(&p.strings, self.error.as_ref(), &self.state);
        show(&p.error, message.is_some());
        text(&p.error_text, message.as_deref().unwrap_or_default());
    }

    fn set_busy(&mut self, busy: bool) {
        if self.busy != busy {
            self.busy = busy;
            show(&self.parts.typing, busy);
        }
    }

    fn set_ended(&mut self, ended: bool) {
        if self.ended != ended {
            self.ended = ended;
            let p = &self.parts;
            show(&p.ended, ended);
            show(&p.composer_wrap, !ended);
            p.input.set_disabled(ended);
            let empty = p.input.value().trim().is_empty();
            let _ = p
                .send
                .toggle_attribute_with_force("disabled", ended || empty);
        }
    }

    fn sync(&mut self, transcript: &Transcript, dirty: &[usize]) {
        let entries = transcript.entries();
        let rendered = self.rows.len();
        let strings = Rc::clone(&self.parts.strings);
        let mut last_changed = false;
        for &index in dirty.iter().filter(|&&i| i < rendered) {
            if let (Some(Some(row)), Some(entry)) = (self.rows.get_mut(index), entries.get(index)) {
                row.update(entry, &strings, &self.resend);
                last_changed |= index + 1 == rendered;
            }
        }
        for (index, entry) in entries.iter().enumerate().skip(rendered) {
            let row = Row::new(entry).map(|mut row| {
                row.update(entry, &strings, &self.resend);
                row
            });
            if let Some(row) = &row {
                let _ = self.chunk(index / CHUNK_ROWS).append_child(&row.element);
            }
            self.rows.push(row);
            last_changed = true;
        }
        let busy = transcript.agent_streaming() || transcript.awaiting_agent();
        let busy_changed = busy != self.busy;
        self.set_busy(busy);
        if matches!(transcript.status(), ConversationStatus::Ended { .. }) {
            self.set_ended(true);
        }
        if last_changed || busy_changed {
            self.follow();
        }
    }

    /// Chunk `index`, created (before the typing indicator) when needed.
    fn chunk(&mut self, index: usize) -> Element {
        while self.chunks.len() <= index {
            let chunk = el("div", "oc-chunk");
            let _ = self
                .parts
                .log
                .insert_before(&chunk, Some(&self.parts.typing));
            self.chunks.push(chunk);
        }
        self.chunks[index].clone()
    }

    /// Scrolls to the newest row if the reader is following.
    fn follow(&mut self) {
        if !self.pinned {
            return;
        }
        let log = &self.parts.log;
        let bottom = log.scroll_height() - log.client_height();
        if log.scroll_top() < bottom {
            self.own_scroll = true;
            log.set_scroll_top(bottom);
        }
    }
}
