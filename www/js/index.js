// The product page's script: loads the widget package, which registers <operator-chat>, and
// wires the page's own "Chat with us" button to the element's handle.
import '/pkg/element.js';

const chat = document.querySelector('operator-chat');
const openButton = document.getElementById('open-chat');

openButton?.addEventListener('click', () => {
  if (chat?.handle) {
    chat.handle.open();
  } else {
    chat?.setAttribute('open', '');
  }
});

chat?.addEventListener('chat-statechange', (event) => {
  document.documentElement.dataset.chatState = event.detail.state;
});

// `?open` opens the panel at load (used for screenshots and deep links from emails).
if (new URLSearchParams(location.search).has('open')) {
  chat?.setAttribute('open', '');
}
