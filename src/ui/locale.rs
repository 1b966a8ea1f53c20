//! The widget's [`Strings`] in the component tree: `<OperatorChat>` provides them once as a
//! `StoredValue` in context; the view pieces read single texts from it (nothing is cloned per
//! row).

use leptos::prelude::*;

use super::types::ChatError;
use crate::strings::{fill, Strings};

/// The strings of one widget (a `Copy` handle to a `StoredValue`).
#[derive(Clone, Copy)]
pub(crate) struct UiStrings(StoredValue<Strings>);

impl UiStrings {
    /// Stores `strings` under the current owner and provides them to its children.
    pub(crate) fn provide(strings: Strings) -> Self {
        let ui = UiStrings(StoredValue::new(strings));
        provide_context(ui);
        ui
    }

    /// The strings provided by the enclosing `<OperatorChat>` (English if there is none).
    pub(crate) fn used() -> Self {
        use_context::<UiStrings>()
            .unwrap_or_else(|| UiStrings(StoredValue::new(Strings::default())))
    }

    /// Reads from the strings (English if the widget was already disposed).
    /// After disposal nothing is shown any more; the English text answers rather than a panic.
    pub(crate) fn with<R>(self, f: impl Fn(&Strings) -> R) -> R {
        self.0
            .try_with_value(&f)
            .unwrap_or_else(|| f(&Strings::default()))
    }

    /// One text, e.g. `strings.text(|s| &s.retry)`.
    pub(crate) fn text(self, pick: impl Fn(&Strings) -> &String) -> String {
        self.with(|s| pick(s).clone())
    }
}

/// The error line's text for `error`, in the widget's language (English equals its `Display`).
pub(crate) fn chat_error_text(strings: &Strings, error: &ChatError) -> String {
    match error {
        ChatError::Connection(e) => strings.connection_error(e),
        ChatError::Server { message, .. } => fill(&strings.error_server, "message", message),
        ChatError::Transport(e) => fill(&strings.error_transport, "message", &e.to_string()),
    }
}
