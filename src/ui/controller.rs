//! [`ChatController`]: drives a mounted `<OperatorChat/>` from code (the JS handle's `open`,
//! `close`, `send`, `setContext`) or from a Rust app. The component attaches itself when given
//! one; it lives with the UI and is re-exported as `operator_chat::js_api::ChatController`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::protocol::ChatChannel;

/// What the controller asks the component to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    /// Open the panel (and connect, if not yet connected).
    Open,
    /// Close the panel (launcher mode); the conversation stays connected.
    Close,
    /// Send a user message, as if typed.
    Send(String),
    /// Merge this object into the conversation context (`conversation.context.update`).
    Context(crate::protocol::RawJson),
    /// Forget what `persist` saved (conversation, token) and save nothing more, e.g. when the
    /// host's user signs out.
    ClearPersisted,
}

type Target = Rc<dyn Fn(Control)>;

/// A handle to one mounted component. Cheap to clone; commands before the component attached
/// (or after it was unmounted) report `false`. It also reads the component's unread count.
///
/// ```no_run
/// use leptos::prelude::*;
/// use operator_chat::{ChatController, Control, OperatorChat};
///
/// let controller = ChatController::default();
/// let chat = view! { <OperatorChat session_endpoint="/operator/session" controller=controller.clone() /> };
/// controller.control(Control::Open);
/// # drop(chat);
/// ```
#[derive(Clone, Default)]
pub struct ChatController(Rc<Shared>);

#[derive(Default)]
struct Shared {
    target: RefCell<Option<Target>>,
    unread: Cell<u32>,
    channel: Cell<Option<ChatChannel>>,
}

impl ChatController {
    /// Called by the component: from now on commands go to `target`.
    pub fn attach(&self, target: impl Fn(Control) + 'static) {
        *self.0.target.borrow_mut() = Some(Rc::new(target));
    }

    /// Forgets the component (it is being unmounted).
    pub fn detach(&self) {
        self.0.target.borrow_mut().take();
    }

    /// Whether a component is attached.
    pub fn is_attached(&self) -> bool {
        self.0.target.borrow().is_some()
    }

    /// Agent messages finished while the panel was closed, since it was last open.
    pub fn unread(&self) -> u32 {
        self.0.unread.get()
    }

    /// Called by the component when its unread count changes.
    pub(crate) fn set_unread(&self, count: u32) {
        self.0.unread.set(count);
    }

    /// The current conversation's channel (`chat_realtime` or `chat_async`) as its session
    /// answer named it; `None` before the first one. Up to date when `on_state_change` runs.
    pub fn channel(&self) -> Option<ChatChannel> {
        self.0.channel.get()
    }

    /// Called by the component before it reports a state.
    pub(crate) fn set_channel(&self, channel: Option<ChatChannel>) {
        self.0.channel.set(channel);
    }

    /// Runs `command` on the attached component; `false` if none is attached.
    pub fn control(&self, command: Control) -> bool {
        // Clone out of the cell first: the component may call back into the controller.
        let target = self.0.target.borrow().clone();
        match target {
            Some(target) => {
                target(command);
                true
            }
            None => false,
        }
    }
}

impl std::fmt::Debug for ChatController {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatController")
            .field("attached", &self.is_attached())
            .finish()
    }
}
