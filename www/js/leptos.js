// leptos.html: instantiate the Leptos build of the crate (pkg-leptos/, not the npm package, which
// has no Leptos inside), then let its Rust entry mount the Leptos app.
import init, { mountLeptosDemo } from '/pkg-leptos/operator_chat.js';

await init();
mountLeptosDemo(document.getElementById('leptos-app'), '/operator/session');
