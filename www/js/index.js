// The product page's script: imports the widget's element (defined at once; its wasm follows
// after the page's load event), and wires the page's own "Chat with us" button to it.
import '/pkg/element.js';

const chat = document.querySelector('operator-chat');
const openButton = document.getElementById('open-chat');

// open() works before the widget's wasm is in: the panel shows loading and the wasm is fetched.
openButton?.addEventListener('click', () => chat?.open());

chat?.addEventListener('chat-statechange', (event) => {
  document.documentElement.dataset.chatState = event.detail.state;
});

// `?open` opens the panel at load (used for screenshots and deep links from emails).
if (new URLSearchParams(location.search).has('open')) {
  chat?.setAttribute('open', '');
}
