//! The widget built with plain DOM calls (the npm package's renderer): the same markup,
//! behaviour and driver as `<OperatorChat/>`, without a UI framework in the wasm.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, KeyboardEvent};

use super::composer::wire_composer;
use super::el::{on, set, show, Listener};
use super::shell::shell;
use super::view::ViewModel;
use crate::connection::Input;
use crate::strings::Strings;
use crate::ui::clock::next_frame;
use crate::ui::dom_util::document;
use crate::ui::driver::{Callbacks, Driver};
use crate::ui::persist::Persist;
use crate::ui::styles::adopt_styles;
use crate::ui::types::TokenSourceFn;
use crate::ui::{ChatController, Control};

/// What the widget is made of (the JS API's options, resolved).
pub(crate) struct WidgetConfig {
    /// The `sessionStorage` scope for `persist` (the endpoint URL, or `getToken`).
    pub scope: String,
    /// Where tokens come from.
    pub source: TokenSourceFn,
    /// Panel title (default: `strings.title`).
    pub title: Option<String>,
    /// Composer placeholder (default: `strings.placeholder`).
    pub placeholder: Option<String>,
    /// Every user-visible text.
    pub strings: Strings,
    /// Start open (launcher mode).
    pub open: bool,
    /// The panel alone, always open.
    pub inline: bool,
    /// Keep the conversation across reloads.
    pub persist: bool,
    /// With `persist`, keep the token too.
    pub persist_token: bool,
    /// The host's user id: the saved state is kept per user (`persistKey`).
    pub persist_key: Option<String>,
    /// The host's callbacks.
    pub callbacks: Callbacks,
}

/// A mounted widget; [`Widget::stop`] tears it down.
pub(crate) struct Widget {
    /// The `.oc-root` element (the theme's custom properties go on it).
    pub root: HtmlElement,
    /// The driver; listeners reach it through a weak reference, so it lives as long as this.
    driver: Rc<RefCell<Option<Driver>>>,
    listeners: Vec<Listener>,
}

impl Widget {
    /// Closes the connections and removes every listener. The host's callbacks are not called.
    pub(crate) fn stop(self) {
        let driver = self.driver.borrow_mut().take();
        if let Some(driver) = driver {
            driver.stop();
        }
        drop(self.listeners);
    }
}

/// Builds the widget in `container` and starts it (at once inline or open, else on first open).
pub(crate) fn mount_widget(
    container: &Element,
    c: WidgetConfig,
    controller: &ChatController,
) -> Widget {
    let strings = Rc::new(c.strings.clone());
    let s = shell(container, &c, &strings);
    let driver_slot: Rc<RefCell<Option<Driver>>> = Rc::default();
    let with_driver = {
        let slot = Rc::downgrade(&driver_slot);
        move |f: &dyn Fn(&Driver)| {
            let driver = slot.upgrade().and_then(|s| s.borrow().clone());
            if let Some(driver) = driver {
                f(&driver);
            }
        }
    };
    let resend = {
        let with_driver = with_driver.clone();
        Rc::new(move |id: String| with_driver(&|d| d.resend(&id))) as Rc<dyn Fn(String)>
    };
    let input = s.parts.input.clone();
    let send = s.parts.send.clone();
    let end = s.parts.end.clone();
    let log = s.parts.log.clone();
    let vm = ViewModel::new(s.parts, resend);
    let persist = c
        .persist
        .then(|| Persist::new(&c.scope, c.persist_key.as_deref(), c.persist_token));
    let driver = Driver::new(c.source, vm.clone(), c.callbacks, persist);
    *driver_slot.borrow_mut() = Some(driver);

    let mut listeners = Vec::new();
    let open = Rc::new(Cell::new(c.inline || c.open));
    let set_open = {
        let (root, panel, launcher) = (s.root.clone(), s.panel.clone(), s.launcher.clone());
        let (open, input, with_driver) = (Rc::clone(&open), input.clone(), with_driver.clone());
        let strings = Rc::clone(&strings);
        Rc::new(move |want: bool, focus: bool| {
            open.set(want);
            let _ = root.class_list().toggle_with_force("oc-open", want);
            show(&panel, want);
            if let Some(launcher) = &launcher {
                let label = if want {
                    &strings.close_chat
                } else {
                    &strings.open_chat
                };
                set(launcher, "aria-label", label);
                set(
                    launcher,
                    "aria-expanded",
                    if want { "true" } else { "false" },
                );
            }
            if want {
                with_driver(&Driver::start);
            }
            if focus {
                let (input, launcher) = (input.clone(), launcher.clone());
                next_frame(move || {
                    let target: Option<HtmlElement> = if want {
                        Some(input.unchecked_into())
                    } else {
                        launcher.map(JsCast::unchecked_into)
                    };
                    if let Some(target) = target {
                        let _ = target.focus();
                    }
                });
            }
        })
    };
    set_open(open.get(), false);

    if let Some(launcher) = &s.launcher {
        let (set_open, open) = (Rc::clone(&set_open), Rc::clone(&open));
        listeners.push(on(launcher, "click", move |_| set_open(!open.get(), true)));
    }
    if let Some(close) = &s.close {
        let set_open = Rc::clone(&set_open);
        listeners.push(on(close, "click", move |_| set_open(false, true)));
    }
    if !c.inline {
        let set_open = Rc::clone(&set_open);
        listeners.push(on(&s.panel, "keydown", move |e: Event| {
            if e.unchecked_ref::<KeyboardEvent>().key() == "Escape" {
                set_open(false, true);
            }
        }));
    }
    let wd = with_driver.clone();
    listeners.push(on(&end, "click", move |_| wd(&Driver::end)));
    let wd = with_driver.clone();
    listeners.push(on(&s.retry, "click", move |_| wd(&Driver::retry)));
    let wd = with_driver.clone();
    listeners.push(on(&s.new_chat, "click", move |_| wd(&Driver::restart)));
    let v = vm.clone();
    listeners.push(on(&log, "scroll", move |_| v.on_scroll()));

    let submit = wire_composer(
        &s.form,
        &input,
        &send,
        &vm,
        with_driver.clone(),
        &mut listeners,
    );

    // Timers may have been throttled in a background tab; going online again skips the wait.
    let window = web_sys::window().map(JsCast::unchecked_into::<web_sys::EventTarget>);
    if let Some(window) = &window {
        let wd = with_driver.clone();
        listeners.push(on(&document(), "visibilitychange", move |_| {
            if !document().hidden() {
                wd(&|d| d.input(Input::Tick));
            }
        }));
        let wd = with_driver.clone();
        listeners.push(on(window, "online", move |_| {
            wd(&|d| d.input(Input::Retry))
        }));
    }

    let (inline, set_o, sub, wd) = (
        c.inline,
        Rc::clone(&set_open),
        Rc::clone(&submit),
        with_driver,
    );
    controller.attach(move |command| match command {
        Control::Open => set_o(true, true),
        Control::Close if !inline => set_o(false, true),
        Control::Close => {}
        Control::Send(text) => sub(Some(text)),
        Control::Context(context) => wd(&|d| d.update_context(context.clone())),
        Control::ClearPersisted => wd(&Driver::clear_persisted),
    });

    if !adopt_styles(&s.root) {
        let root = s.root.clone();
        next_frame(move || {
            adopt_styles(&root);
        });
    }
    Widget {
        root: s.root,
        driver: driver_slot,
        listeners,
    }
}
