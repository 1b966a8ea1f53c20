//! The page of an SSR app with the chat. The server (`src/main.rs`, feature `ssr`) renders
//! [`shell`]; the browser loads this crate built with `hydrate` and calls [`hydrate`], which
//! takes over the server's markup, so the launcher works as soon as the wasm has arrived.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use operator_chat::OperatorChat;

/// The app's routes: a product page with the chat's launcher in the corner, and a help page
/// with the chat inline (it connects as soon as the page is hydrated).
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "Not found.">
                <Route path=path!("") view=Home />
                <Route path=path!("help") view=Help />
            </Routes>
        </Router>
    }
}

/// A product page.
#[component]
fn Home() -> impl IntoView {
    view! {
        <main>
            <h1>"Acme support"</h1>
            <p>"Questions about an order? Chat with us."</p>
            <a href="/help">"Help"</a>
        </main>
        <OperatorChat session_endpoint="/operator/session" title="Ask Acme" />
    }
}

/// The help page: the chat in place, always open.
#[component]
fn Help() -> impl IntoView {
    view! {
        <main>
            <h1>"Help"</h1>
            <OperatorChat session_endpoint="/operator/session" title="Acme help" inline=true />
        </main>
    }
}

/// The whole HTML document the server renders: the chat's stylesheet in the head (so the
/// server-rendered launcher is styled before any wasm runs), the hydration scripts, and
/// [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>"Acme support"</title>
                <style>{operator_chat::STYLE_CSS}</style>
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The wasm's entry point (the hydration script calls it once the module is loaded): hydrates
/// the server-rendered [`App`] in `<body>`.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
