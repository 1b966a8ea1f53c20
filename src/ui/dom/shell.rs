//! The widget's markup, built once: launcher, panel, header, transcript, error line, ended
//! bar and composer (the same elements, classes and attributes as the Leptos view).

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

use super::el::{button, child, icon, set, show, text};
use super::view::Parts;
use super::widget::WidgetConfig;
use crate::strings::Strings;
use crate::ui::clock::client_prefix;

const LAUNCHER_ICON: &str =
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
const SEND_ICON: &str = "M3 20.5 21 12 3 3.5l2.6 7.1L15 12l-9.4 1.4z";

/// The launcher, panel and controls, appended to `container`.
pub(super) struct Shell {
    pub root: HtmlElement,
    pub launcher: Option<Element>,
    pub panel: Element,
    pub close: Option<Element>,
    pub retry: Element,
    pub new_chat: Element,
    pub form: Element,
    pub parts: Parts,
}

pub(super) fn shell(container: &Element, c: &WidgetConfig, strings: &Rc<Strings>) -> Shell {
    let root: HtmlElement = child(container, "div", "oc-root").unchecked_into();
    if c.inline {
        let _ = root.class_list().add_1("oc-inline");
    }
    set(&root, "data-testid", "operator-chat");
    let panel_id = format!("oc-panel-{}", client_prefix());
    let launcher = (!c.inline).then(|| {
        let launcher = button(&root, "oc-launcher", "launcher", "");
        set(&launcher, "aria-controls", &panel_id);
        icon(&launcher, "26", LAUNCHER_ICON);
        launcher
    });
    let panel = child(&root, "section", "oc-panel");
    set(&panel, "data-testid", "panel");
    set(&panel, "id", &panel_id);
    let title = c.title.clone().unwrap_or_else(|| strings.title.clone());
    set(&panel, "aria-label", &title);

    let header = child(&panel, "header", "oc-header");
    let heading = child(&header, "div", "oc-heading");
    text(&child(&heading, "h2", "oc-title"), &title);
    let status = child(&heading, "span", "oc-status");
    set(&status, "data-testid", "status");
    let end = button(&header, "oc-end", "end", &strings.end_chat);
    let close = (!c.inline).then(|| {
        let close = button(&header, "oc-close", "close", "");
        set(&close, "aria-label", &strings.close_chat);
        let x = child(&close, "span", "");
        set(&x, "aria-hidden", "true");
        text(&x, "×");
        close
    });

    let log: HtmlElement = child(&panel, "div", "oc-transcript").unchecked_into();
    for (name, value) in [
        ("data-testid", "transcript"),
        ("role", "log"),
        ("aria-live", "polite"),
        ("aria-label", strings.transcript_label.as_str()),
        ("tabindex", "0"),
    ] {
        set(&log, name, value);
    }
    let typing = child(&log, "div", "oc-typing");
    set(&typing, "data-testid", "typing");
    set(&typing, "role", "status");
    set(&typing, "aria-label", &strings.typing);
    for _ in 0..3 {
        child(&typing, "span", "");
    }
    show(&typing, false);

    let error = child(&panel, "div", "oc-error");
    set(&error, "data-testid", "error");
    set(&error, "role", "alert");
    let error_text = child(&error, "span", "oc-error-text");
    let retry = button(&error, "oc-retry", "retry", &strings.retry);

    let ended = child(&panel, "div", "oc-ended");
    set(&ended, "data-testid", "ended");
    text(&child(&ended, "span", ""), &strings.ended);
    let new_chat = button(&ended, "oc-new-chat", "new-chat", &strings.new_chat);
    show(&ended, false);

    let composer_wrap = child(&panel, "div", "oc-composer-wrap");
    set(&composer_wrap, "data-testid", "composer-wrap");
    let form = child(&composer_wrap, "form", "oc-composer");
    let input: HtmlTextAreaElement = child(&form, "textarea", "oc-input").unchecked_into();
    set(&input, "data-testid", "composer");
    set(&input, "rows", "1");
    set(&input, "aria-label", &strings.message_label);
    let placeholder = c.placeholder.as_deref().unwrap_or(&strings.placeholder);
    set(&input, "placeholder", placeholder);
    let send = button(&form, "oc-send", "send", "");
    set(&send, "type", "submit");
    set(&send, "aria-label", &strings.send);
    set(&send, "disabled", "");
    icon(&send, "20", SEND_ICON);

    Shell {
        root,
        launcher,
        panel,
        close,
        retry,
        new_chat,
        form,
        parts: Parts {
            strings: Rc::clone(strings),
            status,
            end,
            log,
            typing,
            error,
            error_text,
            ended,
            composer_wrap,
            input,
            send,
        },
    }
}
