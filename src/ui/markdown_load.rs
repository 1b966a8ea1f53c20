//! Where a bubble's markdown renderer comes from.
//!
//! With the feature `split` (the npm package) the renderer and pulldown-cmark are a chunk of
//! their own, split off the main wasm at build time (`cargo xtask build`, see the README) and
//! fetched once a panel first opens: the main wasm only needs to open the panel and stream plain
//! text. Until the chunk is in, a bubble shows its text as plain text; then every bubble renders
//! its text as markdown from its start ([`super::markdown_view`]). Without the feature the
//! renderer is in the main wasm and always there.
//!
//! The split point is `wasm_split` (what Leptos' `#[lazy]` expands to) with its `fallible`
//! option: `#[lazy]` panics when the chunk cannot be fetched, which with the package's
//! `panic=immediate-abort` would stop the whole widget; here the text stays plain and the next
//! opening of the panel tries again.

use web_sys::Element;

/// A bubble's markdown renderer: keeps the bubble showing the text it is given.
pub(crate) trait Render {
    /// Brings `bubble` up to `source`; `done` when the message is complete.
    fn apply(&mut self, bubble: &Element, source: &str, done: bool);
}

/// Makes a bubble's renderer from the copy button's label.
pub(crate) type NewRenderer = fn(String) -> Box<dyn Render>;

/// The renderer, once it is in (tracked: an effect that reads it runs again when it arrives).
#[cfg(not(all(oc_browser, feature = "split")))]
pub(crate) fn renderer() -> Option<NewRenderer> {
    Some(super::markdown_view::new_renderer)
}

/// Fetches the renderer's chunk when the panel opens, or at once with `Loading::Eager`
/// (nothing to fetch without `split`).
#[cfg(not(all(oc_browser, feature = "split")))]
pub(crate) fn load(loading: super::types::Loading, open: leptos::prelude::Signal<bool>) {
    let _ = (loading, open);
}

#[cfg(all(oc_browser, feature = "split"))]
pub(crate) use chunk::{load, renderer};

#[cfg(all(oc_browser, feature = "split"))]
mod chunk {
    use leptos::prelude::*;
    use leptos::wasm_split::{wasm_split, SplitLoaderError};

    use super::NewRenderer;
    use crate::ui::types::Loading;

    thread_local! {
        /// Set once the chunk is in; shared by every widget on the page.
        static RENDERER: ArcRwSignal<Option<NewRenderer>> = ArcRwSignal::new(None);
        /// Whether a fetch is under way (one at a time for the page).
        static FETCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// The renderer, once its chunk is in (tracked).
    pub(crate) fn renderer() -> Option<NewRenderer> {
        RENDERER.with(ArcRwSignal::get)
    }

    /// Fetches the chunk when the panel opens while it is not in yet (so a fetch that failed is
    /// tried again at the next opening), and with [`Loading::Eager`] at once.
    pub(crate) fn load(loading: Loading, open: Signal<bool>) {
        if loading == Loading::Eager {
            fetch();
        }
        Effect::new(move |_| {
            if open.get() {
                fetch();
            }
        });
    }

    /// Fetches the chunk unless it is in or on its way.
    fn fetch() {
        if RENDERER.with(ArcRwSignal::get_untracked).is_some() || FETCHING.with(|f| f.replace(true))
        {
            return;
        }
        leptos::task::spawn_local(async {
            // A failed fetch is logged by the chunk loader; the text stays plain.
            if let Ok(new_renderer) = markdown_renderer().await {
                RENDERER.with(|r| r.set(Some(new_renderer)));
            }
            FETCHING.with(|f| f.set(false));
        });
    }

    /// The split point: the only reference to the renderer, so it, the markdown tree and
    /// pulldown-cmark land in the chunk `split_markdown.wasm`.
    #[wasm_split(markdown, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn markdown_renderer() -> Result<NewRenderer, SplitLoaderError> {
        Ok(crate::ui::markdown_view::new_renderer)
    }
}
