//! The widget's [`Strings`] in the component tree: `<OperatorChat>` provides them once as a
//! `StoredValue` in context; the view pieces read single texts from it (nothing is cloned per
//! row).

use leptos::prelude::*;

use crate::strings::Strings;

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
