// The product page's script: imports the widget's element (defined at once; its wasm follows
// after the page's load event), and wires the page's own "Chat with us" button and its
// "Popular" questions to it.
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

// A "Popular" question asks the chat: the panel opens, and the question is sent as soon as the
// widget is in (it queues messages until its connection is up).
function ask(text) {
  if (!chat) return;
  chat.open();
  if (chat.handle) {
    chat.handle.send(text);
    return;
  }
  // The first state change comes from inside mount(), just before the element has its handle.
  chat.addEventListener('chat-statechange', () => queueMicrotask(() => chat.handle?.send(text)), { once: true });
}

for (const link of document.querySelectorAll('.popular a')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    ask(link.textContent.trim());
  });
}
