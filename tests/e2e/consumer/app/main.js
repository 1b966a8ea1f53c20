// A tiny app that uses the package the way a bundled site would: import, init, mount inline,
// keep the handle. esbuild.test.mjs bundles it against pkg/ (web build) and pkg-bundler/.
import * as operatorChat from 'operator-chat';

const messages = [];
const states = [];

// The web build exports init() (fetches the wasm beside the bundle); the bundler build has
// already instantiated the wasm when this import resolved.
if (typeof operatorChat.default === 'function') {
  await operatorChat.default();
}

const chat = operatorChat.mount(document.getElementById('support'), {
  sessionEndpoint: '/operator/session',
  title: 'Bundled chat',
  inline: true,
  theme: { accent: 'rgb(15, 118, 110)' },
  onMessage: (message) => messages.push(message),
  onStateChange: (state) => states.push(state.state),
});

window.app = { chat, messages, states, elementDefined: Boolean(customElements.get('operator-chat')) };
