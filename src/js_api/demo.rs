//! The Rust way in, exported for `www/leptos.html`: a small Leptos app that renders
//! `<OperatorChat/>` directly (no shadow root; the styles are adopted into the document) next to
//! a status line fed by the component's `on_state_change` signal.

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::convert::state_name;
use crate::ui::OperatorChat;

#[component]
fn DemoApp(session_endpoint: String) -> impl IntoView {
    let state = RwSignal::new("idle");
    let messages = RwSignal::new(0u32);
    view! {
        <div class="leptos-demo">
            <p class="leptos-demo-status" data-testid="leptos-status">
                "Connection: " <strong>{move || state.get()}</strong>
                " · finished messages: " <strong>{move || messages.get()}</strong>
            </p>
            <div class="leptos-demo-chat">
                // Type-erased like the JS API's view (`handle.rs`), so both share one copy of
                // the component's rendering code instead of two monomorphised ones.
                {view! {
                    <OperatorChat
                        session_endpoint=session_endpoint
                        title="Leptos component"
                        placeholder="Ask about your order…"
                        inline=true
                        on_state_change=move |s| state.set(state_name(&s))
                        on_message=move |_| messages.update(|n| *n += 1)
                    />
                }
                    .into_any()}
            </div>
        </div>
    }
}

/// Mounts the demo Leptos app (the component used from Rust) into `element`. The returned
/// function unmounts it.
#[wasm_bindgen(js_name = mountLeptosDemo)]
pub fn mount_leptos_demo(element: HtmlElement, session_endpoint: String) -> js_sys::Function {
    let owner = Owner::new();
    let handle = owner.with(|| mount_to(element, move || view! { <DemoApp session_endpoint /> }));
    let mut mounted = Some((owner, handle));
    Closure::<dyn FnMut()>::new(move || {
        if let Some((owner, handle)) = mounted.take() {
            drop(handle);
            owner.cleanup();
        }
    })
    .into_js_value()
    .unchecked_into()
}
