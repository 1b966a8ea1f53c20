//! Following the conversation: while the reader is at the bottom of the transcript, new rows and
//! streamed text keep it scrolled to the bottom; once they scroll up, it stays where they are.

use leptos::html;
use leptos::prelude::*;

/// The transcript's scroll state (`Copy` handles).
#[derive(Clone, Copy)]
pub(crate) struct Follow {
    log: NodeRef<html::Div>,
    /// Whether the reader is at the bottom.
    pinned: StoredValue<bool>,
    /// The widget scrolled the log itself; the scroll event that follows is not the reader's.
    own_scroll: StoredValue<bool>,
}

impl Follow {
    pub(crate) fn new(log: NodeRef<html::Div>) -> Self {
        Follow {
            log,
            pinned: StoredValue::new(true),
            own_scroll: StoredValue::new(false),
        }
    }

    /// The transcript element, for its `node_ref`.
    pub(crate) fn log(&self) -> NodeRef<html::Div> {
        self.log
    }

    /// The log's scroll event: the reader's own scrolling decides whether to keep following.
    /// The widget's own scrolls are skipped, so following costs no extra layout per frame.
    pub(crate) fn on_scroll(&self) {
        if self.own_scroll.try_update_value(std::mem::take) == Some(true) {
            return;
        }
        if let Some(log) = self.log.get_untracked() {
            self.pinned.set_value(at_bottom(&log));
        }
    }

    /// Follow again (the reader sent a message).
    pub(crate) fn pin(&self) {
        self.pinned.set_value(true);
    }

    /// Content changed: scroll to the bottom if following. Queued behind the DOM updates of the
    /// same change, so it lands in the same frame.
    pub(crate) fn content_changed(&self) {
        if !self.pinned.try_get_value().unwrap_or(false) {
            return;
        }
        let this = *self;
        leptos::task::spawn_local(async move {
            let Some(log) = this.log.try_get_untracked().flatten() else {
                return;
            };
            let bottom = log.scroll_height() - log.client_height();
            if log.scroll_top() < bottom {
                this.own_scroll.set_value(true);
                log.set_scroll_top(bottom);
            }
        });
    }
}

/// How close to the bottom (px) the transcript counts as "following" new messages.
const PINNED_SLACK_PX: i32 = 48;

/// Whether the reader has the transcript `log` scrolled to (near) the bottom.
fn at_bottom(log: &web_sys::Element) -> bool {
    log.scroll_top() + log.client_height() >= log.scroll_height() - PINNED_SLACK_PX
}
