// The <operator-chat> custom element. Shipped by wasm-bindgen in pkg/snippets/ and called from
// Rust at start-up with the package's `mount` function.
//
//   <operator-chat session-endpoint="/operator/session" title="Ask Acme"
//                  placeholder="Type your question…" open inline persist persist-key="user-42"
//                  lang="en" color-scheme="dark" locale='{"retry": "Réessayer"}'
//                  starter-prompts='["Where is my order?", "Talk to a person"]'></operator-chat>
//
// `persist-key` is the host's id of the signed-in user: with `persist`, the saved conversation
// (and, with `persist-token`, the token) is kept per user.
//
// `locale` is a JSON object of texts (the keys of `options.locale`); `lang` is merged into it
// (a `lang` inside the JSON wins). Invalid JSON or an unknown key is a `chat-error`.
//
// `starter-prompts` is a JSON array of strings (`options.starterPrompts`); invalid JSON is a
// `chat-error`.
//
// `chat-title` is the same as `title` without the browser tooltip a `title` attribute shows over
// the whole widget (it wins when both are set).
//
// Events (bubbling, composed): `chat-message`, `chat-error`, `chat-statechange`, `chat-unread`,
// with the value the JS API's callbacks receive in `event.detail`. `element.handle` is the mount handle
// (open, close, send, setContext, clearPersisted); toggling the `open` attribute opens or closes the panel.

const REMOUNT_ATTRIBUTES = ['session-endpoint', 'chat-title', 'title', 'placeholder', 'inline', 'persist', 'persist-token', 'persist-key', 'lang', 'locale', 'color-scheme', 'starter-prompts'];

/** `options.locale` from the `locale` (JSON) and `lang` attributes, or undefined. */
function localeFrom(el) {
  const json = el.getAttribute('locale');
  const lang = el.getAttribute('lang');
  let texts = {};
  if (json !== null && json.trim() !== '') {
    try {
      texts = JSON.parse(json);
    } catch (error) {
      throw new Error(`<operator-chat>: the locale attribute must be a JSON object of texts, e.g. locale='{"retry": "Réessayer"}' (${error.message})`);
    }
    // Not an object: passed on as it is, so mount() names the problem (options.locale).
    if (texts === null || typeof texts !== 'object' || Array.isArray(texts)) return texts;
  }
  const locale = lang ? { lang, ...texts } : texts;
  return Object.keys(locale).length > 0 ? locale : undefined;
}

/** `options.starterPrompts` from the `starter-prompts` attribute (JSON), or undefined. */
function promptsFrom(el) {
  const json = el.getAttribute('starter-prompts');
  if (json === null || json.trim() === '') return undefined;
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new Error(`<operator-chat>: the starter-prompts attribute must be a JSON array of strings, e.g. starter-prompts='["Where is my order?"]' (${error.message})`);
  }
}

function optionsFrom(el) {
  const endpoint = el.getAttribute('session-endpoint');
  if (endpoint === null) {
    throw new Error('<operator-chat>: the session-endpoint attribute is required (e.g. session-endpoint="/operator/session")');
  }
  const options = {
    sessionEndpoint: endpoint,
    open: el.hasAttribute('open'),
    inline: el.hasAttribute('inline'),
    persist: el.hasAttribute('persist'),
    persistToken: el.hasAttribute('persist-token'),
    onMessage: (detail) => el.dispatchEvent(new CustomEvent('chat-message', { detail, bubbles: true, composed: true })),
    onError: (detail) => el.dispatchEvent(new CustomEvent('chat-error', { detail, bubbles: true, composed: true })),
    onStateChange: (detail) => el.dispatchEvent(new CustomEvent('chat-statechange', { detail, bubbles: true, composed: true })),
    onUnreadChange: (detail) => el.dispatchEvent(new CustomEvent('chat-unread', { detail, bubbles: true, composed: true })),
  };
  const title = el.getAttribute('chat-title') ?? el.getAttribute('title');
  if (title !== null) options.title = title;
  const persistKey = el.getAttribute('persist-key');
  if (persistKey !== null) options.persistKey = persistKey;
  const placeholder = el.getAttribute('placeholder');
  if (placeholder !== null) options.placeholder = placeholder;
  const scheme = el.getAttribute('color-scheme');
  if (scheme) options.colorScheme = scheme;
  const prompts = promptsFrom(el);
  if (prompts !== undefined) options.starterPrompts = prompts;
  const locale = localeFrom(el);
  if (locale !== undefined) options.locale = locale;
  return options;
}

/** Defines <operator-chat> once; returns whether this call defined it. */
export function defineOperatorChat(mount) {
  if (typeof customElements === 'undefined' || customElements.get('operator-chat')) return false;

  class OperatorChatElement extends HTMLElement {
    static get observedAttributes() {
      return [...REMOUNT_ATTRIBUTES, 'open'];
    }

    constructor() {
      super();
      this.handle = null;
    }

    connectedCallback() {
      this.render();
    }

    disconnectedCallback() {
      this.teardown();
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if (!this.handle || oldValue === newValue) return;
      if (name === 'open') {
        if (newValue === null) this.handle.close();
        else this.handle.open();
      } else {
        this.render();
      }
    }

    teardown() {
      if (this.handle) {
        this.handle.destroy();
        this.handle = null;
      }
    }

    render() {
      this.teardown();
      try {
        this.handle = mount(this, optionsFrom(this));
      } catch (error) {
        console.error(error);
        this.dispatchEvent(new CustomEvent('chat-error', { detail: error, bubbles: true, composed: true }));
      }
    }
  }

  customElements.define('operator-chat', OperatorChatElement);
  return true;
}
