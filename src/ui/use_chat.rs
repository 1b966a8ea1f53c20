//! `use_chat`: the state, effects and cleanup of one chat (in the manner of leptos-use's hooks),
//! for the components to render. It owns the [`Driver`] for the life of the calling component,
//! opens and closes the panel, counts agent messages finished while it is closed (unread),
//! follows new rows, answers the browser's visibility and online events, and attaches the
//! [`ChatController`].

#[cfg(oc_browser)]
use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;

use super::controller::{ChatController, Control};
use super::driver::{Callbacks, Driver};
use super::follow::Follow;
use super::persist::Persist;
#[cfg(oc_browser)]
use super::types::{ChatMessage, MessageRole};
use super::types::{Loading, TokenSourceFn};
use super::view_model::ViewModel;

/// How [`use_chat`] behaves.
#[derive(Default)]
pub(crate) struct UseChatOptions {
    /// Whether the panel starts open, which starts the conversation at once. Default `false`.
    pub open: bool,
    /// The panel is shown in place and always open: closing it does nothing. Default `false`.
    pub inline: bool,
    /// Where the conversation is saved across reloads. Default `None`: nothing is saved.
    pub persist: Option<Persist>,
    /// The host's callbacks. Default: none.
    pub callbacks: Callbacks,
    /// A controller to attach, so code can drive the chat. Default `None`.
    pub controller: Option<ChatController>,
    /// Called with the unread count whenever it changes. Default `None`.
    pub on_unread_change: Option<Callback<u32>>,
    /// When the markdown renderer's chunk is fetched. Default [`Loading::Idle`].
    pub loading: Loading,
}

/// What [`use_chat`] gives the view: signals to render, the elements it moves focus and scroll
/// to, and the actions. All `Copy`.
#[derive(Clone, Copy)]
pub(crate) struct UseChatReturn {
    /// The transcript rows, connection state, typing indicator, ended flag and error.
    pub vm: ViewModel,
    /// Whether the panel is open.
    pub open: Signal<bool>,
    /// Whether the panel is inline (always open).
    pub inline: bool,
    /// The launcher button, focused when the panel closes.
    pub launcher: NodeRef<html::Button>,
    /// The composer's textarea, focused when the panel opens.
    pub composer: NodeRef<html::Textarea>,
    /// The transcript's scroll state (it holds the transcript element's `NodeRef`).
    pub follow: Follow,
    driver: StoredValue<DriverSlot, LocalStorage>,
    set_open: RwSignal<bool>,
    counter: Unread,
}

/// The unread count, and who hears of its changes.
#[derive(Clone, Copy)]
struct Unread {
    count: RwSignal<u32>,
    listeners: StoredValue<(Option<Callback<u32>>, Option<ChatController>), LocalStorage>,
}

impl Unread {
    fn set(&self, count: u32) {
        if self.count.get_untracked() == count {
            return;
        }
        self.count.set(count);
        if let Some((callback, controller)) = self.listeners.try_get_value() {
            if let Some(controller) = controller {
                controller.set_unread(count);
            }
            if let Some(callback) = callback {
                callback.run(count);
            }
        }
    }
}

/// What runs the chat: the [`Driver`] in a browser. A server only renders the idle widget, so
/// it has none (no token is fetched, no browser API touched).
#[cfg(oc_browser)]
type DriverSlot = Driver;
#[cfg(not(oc_browser))]
type DriverSlot = ();

/// A chat getting its credentials from `token_source`. Connects when the panel first opens (at
/// once with `open` or `inline`; after hydration when hydrating server-rendered markup); closes
/// everything when the calling component is disposed.
pub(crate) fn use_chat(token_source: TokenSourceFn, options: UseChatOptions) -> UseChatReturn {
    let vm = ViewModel::new();
    let open = RwSignal::new(options.inline || options.open);
    let counter = Unread {
        count: RwSignal::new(0),
        listeners: StoredValue::new_local((options.on_unread_change, options.controller.clone())),
    };
    #[cfg(oc_browser)]
    let driver = {
        let mut callbacks = options.callbacks;
        if let Some(controller) = options.controller.clone() {
            callbacks.on_channel = Some(Rc::new(move |channel| controller.set_channel(channel)));
        }
        let host_on_message = callbacks.on_message.take();
        callbacks.on_message = Some(Rc::new(move |message: ChatMessage| {
            if message.role == MessageRole::Agent && !open.get_untracked() {
                counter.set(counter.count.get_untracked().saturating_add(1));
            }
            if let Some(host) = &host_on_message {
                host(message);
            }
        }));
        let driver =
            StoredValue::new_local(Driver::new(token_source, vm, callbacks, options.persist));
        on_cleanup(move || {
            driver.try_with_value(Driver::stop);
        });
        driver
    };
    #[cfg(not(oc_browser))]
    let driver = {
        let _ = (token_source, options.callbacks, options.persist);
        StoredValue::new_local(())
    };
    if open.get_untracked() {
        start_after_hydration(driver);
    }
    let chat = UseChatReturn {
        vm,
        open: open.into(),
        inline: options.inline,
        launcher: NodeRef::new(),
        composer: NodeRef::new(),
        follow: Follow::new(NodeRef::new()),
        driver,
        set_open: open,
        counter,
    };
    follow_new_content(chat);
    super::markdown_load::load(options.loading, chat.open);
    #[cfg(oc_browser)]
    listen_to_window(driver);
    if let Some(controller) = options.controller {
        controller.attach(move |command| chat.control(command));
    }
    chat
}

/// Starts the driver at once; while hydrating server-rendered markup, once hydration is done
/// (so the markup the client renders matches the server's idle widget).
fn start_after_hydration(driver: StoredValue<DriverSlot, LocalStorage>) {
    #[cfg(all(oc_browser, feature = "hydrate"))]
    if Owner::current_shared_context().is_some_and(|context| context.during_hydration()) {
        Effect::new(move |_| untrack(|| driver.with_value(Driver::start)));
        return;
    }
    #[cfg(oc_browser)]
    driver.with_value(Driver::start);
    #[cfg(not(oc_browser))]
    let _ = driver;
}

/// Follows new rows and streaming text while the reader is at the bottom.
fn follow_new_content(chat: UseChatReturn) {
    let vm = chat.vm;
    Effect::new(move |_| {
        vm.track_newest_row();
        vm.busy.track();
        chat.follow.content_changed();
    });
}

/// Timers may have been throttled in a background tab; going online again skips the wait.
#[cfg(oc_browser)]
fn listen_to_window(driver: StoredValue<Driver, LocalStorage>) {
    use crate::connection::Input;

    let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if !document().hidden() {
            driver.try_with_value(|d| d.input(Input::Tick));
        }
    });
    let online = window_event_listener(leptos::ev::online, move |_| {
        driver.try_with_value(|d| d.input(Input::Retry));
    });
    on_cleanup(move || {
        visible.remove();
        online.remove();
    });
}

impl UseChatReturn {
    /// Runs `f` on the driver (a server has none: nothing happens).
    fn with_driver(&self, f: impl FnOnce(&Driver)) {
        #[cfg(oc_browser)]
        self.driver.with_value(f);
        #[cfg(not(oc_browser))]
        let _ = f;
    }

    /// Opens (and connects, the first time) or closes the panel, then moves the focus to the
    /// composer or back to the launcher.
    pub(crate) fn set_open(&self, want: bool) {
        self.set_open.set(want);
        if want {
            self.counter.set(0);
            self.with_driver(Driver::start);
        }
        let (composer, launcher) = (self.composer, self.launcher);
        request_animation_frame(move || {
            if want {
                if let Some(t) = composer.try_get_untracked().flatten() {
                    let _ = t.focus();
                }
            } else if let Some(b) = launcher.try_get_untracked().flatten() {
                let _ = b.focus();
            }
        });
    }

    /// Agent messages finished while the panel was closed, since it was last open.
    pub(crate) fn unread(&self) -> Signal<u32> {
        self.counter.count.into()
    }

    /// Closes the panel (launcher mode; an inline panel stays).
    pub(crate) fn close(&self) {
        if !self.inline {
            self.set_open(false);
        }
    }

    /// Sends `text` as the user and follows the transcript to the bottom again.
    pub(crate) fn send(&self, text: &str) {
        self.follow.pin();
        self.with_driver(|d| d.send_text(text));
    }

    /// Sends the unconfirmed message with `client_id` again.
    pub(crate) fn resend(&self, client_id: &str) {
        self.with_driver(|d| d.resend(client_id));
    }

    /// Retries after a failure (the error line's Retry).
    pub(crate) fn retry(&self) {
        self.with_driver(Driver::retry);
    }

    /// Ends the conversation.
    pub(crate) fn end(&self) {
        self.with_driver(Driver::end);
    }

    /// Starts a new conversation ("Start new chat").
    pub(crate) fn restart(&self) {
        self.with_driver(Driver::restart);
    }

    /// Carries out a [`ChatController`] command.
    fn control(&self, command: Control) {
        match command {
            Control::Open => self.set_open(true),
            Control::Close => self.close(),
            Control::Send(text) => self.send(&text),
            Control::Context(context) => self.with_driver(|d| d.update_context(context)),
            Control::ClearPersisted => self.with_driver(Driver::clear_persisted),
        }
    }
}
