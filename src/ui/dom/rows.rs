//! Transcript rows in the DOM, the same markup as the Leptos rows (`ui/rows.rs`). A row's kind
//! never changes; `update` re-applies what can change (status, text, time).

use std::rc::Rc;

use web_sys::Element;

use super::el::{button, child, el, on, set, set_opt, show, text, Listener};
use crate::strings::Strings;
use crate::transcript::{Entry, EntryKind, UserStatus};
use crate::ui::clock::{clock_time, iso_time};
use crate::ui::status::{delivery_text, tool_state, user_status, NoticeKind};
use crate::ui::stream_text::Shown;

/// Sends an unconfirmed message again, by client id.
pub(crate) type Resend = Rc<dyn Fn(String)>;

/// A rendered row and the parts of it that change.
pub(crate) struct Row {
    /// The row element.
    pub element: Element,
    time: Option<(Element, i64)>,
    kind: RowKind,
}

enum RowKind {
    User {
        status: &'static str,
        delivery: Element,
        meta: Element,
        resend: Option<(Element, Listener)>,
    },
    Agent {
        bubble: Element,
        shown: Shown,
        done: Option<bool>,
    },
    Tool {
        label: Element,
    },
    Notice {
        label: Element,
    },
}

fn message_row(class: &str, role: &str) -> Element {
    let row = el("div", class);
    set(&row, "data-testid", "message");
    set(&row, "data-role", role);
    row
}

fn time(parent: &Element, at_ms: i64) -> (Element, i64) {
    let time = child(parent, "time", "oc-time");
    set(&time, "datetime", &iso_time(at_ms));
    text(&time, &clock_time(at_ms));
    (time, at_ms)
}

impl Row {
    /// The row for `entry`; `None` for kinds that are not shown (start, context updates).
    pub(crate) fn new(entry: &Entry) -> Option<Row> {
        let (element, time, kind) = match &entry.kind {
            EntryKind::User(message) => {
                let row = message_row("oc-row oc-row-user", "user");
                text(&child(&row, "div", "oc-bubble"), &message.text);
                let meta = child(&row, "div", "oc-meta");
                let time = time(&meta, entry.at_ms);
                let delivery = child(&meta, "span", "oc-delivery");
                let kind = RowKind::User {
                    status: "",
                    delivery,
                    meta,
                    resend: None,
                };
                (row, Some(time), kind)
            }
            EntryKind::Agent(message) => {
                let row = message_row("oc-row oc-row-agent", "agent");
                set_opt(
                    &row,
                    "data-continues",
                    message.continues.is_some().then_some("true"),
                );
                let bubble = child(&row, "div", "oc-bubble");
                let time = time(&child(&row, "div", "oc-meta"), entry.at_ms);
                let kind = RowKind::Agent {
                    bubble,
                    shown: Shown::default(),
                    done: None,
                };
                (row, Some(time), kind)
            }
            EntryKind::ToolCall(_) => {
                let row = message_row("oc-row oc-row-tool", "tool");
                set(&child(&row, "span", "oc-tool-icon"), "aria-hidden", "true");
                let label = child(&row, "span", "oc-tool-label");
                (row, None, RowKind::Tool { label })
            }
            EntryKind::Notice { .. } | EntryKind::Error { .. } | EntryKind::Ended { .. } => {
                let role = NoticeKind::of(&entry.kind).map_or("ended", |n| n.role());
                let row = message_row("oc-row oc-row-notice", role);
                let label = child(&row, "span", "oc-notice");
                let time = time(&row, entry.at_ms);
                (row, Some(time), RowKind::Notice { label })
            }
            EntryKind::Started | EntryKind::ContextUpdated { .. } => return None,
        };
        Some(Row {
            element,
            time,
            kind,
        })
    }

    /// Shows `entry` (the same row, possibly changed).
    pub(crate) fn update(&mut self, entry: &Entry, strings: &Strings, resend: &Resend) {
        if let Some((time, shown)) = &mut self.time {
            if *shown != entry.at_ms {
                *shown = entry.at_ms;
                set(time, "datetime", &iso_time(entry.at_ms));
                text(time, &clock_time(entry.at_ms));
            }
        }
        match (&mut self.kind, &entry.kind) {
            (
                RowKind::User {
                    status,
                    delivery,
                    meta,
                    resend: button_slot,
                },
                EntryKind::User(message),
            ) => {
                let now = user_status(message.status);
                if *status == now {
                    return;
                }
                *status = now;
                set(&self.element, "data-status", now);
                text(delivery, delivery_text(strings, message.status));
                let unconfirmed = message.status == UserStatus::Unconfirmed;
                if unconfirmed && button_slot.is_none() {
                    let button = button(meta, "oc-resend", "resend", &strings.send_again);
                    let (resend, id) = (Rc::clone(resend), message.client_id.clone());
                    let listener = on(&button, "click", move |_| {
                        if let Some(id) = &id {
                            resend(id.clone());
                        }
                    });
                    *button_slot = Some((button, listener));
                }
                if let Some((button, _)) = button_slot {
                    show(button, unconfirmed);
                }
            }
            (
                RowKind::Agent {
                    bubble,
                    shown,
                    done,
                },
                EntryKind::Agent(message),
            ) => {
                shown.apply(bubble, &message.text);
                if *done != Some(message.done) {
                    *done = Some(message.done);
                    let (d, busy) = if message.done {
                        ("true", "false")
                    } else {
                        ("false", "true")
                    };
                    set(&self.element, "data-done", d);
                    set(&self.element, "aria-busy", busy);
                }
            }
            (RowKind::Tool { label }, EntryKind::ToolCall(call)) => {
                let (state, shown) = tool_state(strings, call);
                set(&self.element, "data-state", state);
                text(label, &shown);
            }
            (RowKind::Notice { label }, kind) => {
                if let Some(notice) = NoticeKind::of(kind) {
                    text(label, &notice.text(strings));
                }
            }
            _ => {}
        }
    }
}
