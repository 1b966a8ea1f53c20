// leptos.html: instantiate the package, then let its Rust entry mount the Leptos app.
import init, { mountLeptosDemo } from '/pkg/operator_chat.js';

await init();
mountLeptosDemo(document.getElementById('leptos-app'), '/operator/session');
