// The <operator-chat> custom element: the one implementation, shipped by wasm-bindgen in
// pkg/snippets/. Two callers define it, whichever runs first:
// - the npm package's `element.js`, at once and without the wasm: it passes `load` (fetches the
//   wasm, resolves to `mount`) and `prerender` (the launcher as `OperatorChat` rendered it at
//   build time, `examples/prerender.rs`), so the launcher shows before any wasm and the wasm
//   follows the `loading` attribute;
// - the wasm's start function, with `mount` (a page that imported the package and ran `init()`).
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
// `loading` says when the wasm is fetched: `idle` (default: after the page's `load` event, in an
// idle period, at low priority), `interaction` (when a visitor comes near: pointer enters, focus,
// pointer down, or `open()`) or `eager` (at once). A panel that must be open at start (`open`,
// `inline`, or `persist` with a saved conversation) loads eagerly. Until the wasm is in, the
// launcher works: a click opens the panel with a "Loading…" status, text typed into it is kept,
// and Enter sends it once the widget is ready.
//
// Events (bubbling, composed): `chat-message`, `chat-error`, `chat-statechange`, `chat-unread`,
// with the value the JS API's callbacks receive in `event.detail`. `element.handle` is the mount handle
// (open, close, send, setContext, clearPersisted), `null` until the wasm is in; `element.open()` and
// `element.close()` work before that too; toggling the `open` attribute opens or closes the panel.

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
  const loading = el.getAttribute('loading');
  if (loading !== null) options.loading = loading;
  const prompts = promptsFrom(el);
  if (prompts !== undefined) options.starterPrompts = prompts;
  const locale = localeFrom(el);
  if (locale !== undefined) options.locale = locale;
  return options;
}

/** The `loading` policies; anything else is the default, `idle`. */
const POLICIES = ['idle', 'interaction', 'eager'];

/** What counts as a visitor coming near the launcher (`loading="interaction"`). */
const NEAR = ['pointerenter', 'focusin', 'pointerdown', 'touchstart'];

/** A text of the prerendered markup: U+E000, its `options.locale` key, U+E001. */
const MARKER = /\uE000([^\uE001]*)\uE001/g;

let nextPanel = 0;

/** Runs `then` once the page's `load` event has fired, in an idle period. */
function afterPageLoad(then) {
  const idle = () =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(then, { timeout: 2000 }) : setTimeout(then, 1);
  if (document.readyState === 'complete') idle();
  else addEventListener('load', idle, { once: true });
}

/** Whether `persist` saved a conversation for this element (the widget resumes it at once). */
function hasSavedConversation(el, endpoint) {
  try {
    const user = el.getAttribute('persist-key');
    if (user === null) return sessionStorage.getItem(`operator-chat:${endpoint}`) !== null;
    for (let i = 0; i < sessionStorage.length; i += 1) {
      const key = sessionStorage.key(i);
      const at = key.indexOf(':');
      if (key.startsWith('operator-chat@') && key.slice(at + 1) === endpoint && decodeURIComponent(key.slice(14, at)) === user) return true;
    }
  } catch {
    // No storage (blocked cookies, sandboxed frame): nothing was saved.
  }
  return false;
}

function emit(el, type, detail) {
  el.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

/**
 * Defines <operator-chat> once; returns whether this call defined it. Give `mount` (the wasm is
 * in), or `load` (a function of the fetch priority, `'low'` or `'high'`, resolving to `mount`)
 * with `prerender` (`{launcher, inline, css, strings}`, from `examples/prerender.rs`).
 */
export function defineOperatorChat({ mount, load, prerender } = {}) {
  if (typeof customElements === 'undefined' || customElements.get('operator-chat')) return false;
  let mountFn = mount ?? null;
  let loading = null;
  /**
   * Fetches the widget once for the page; every element waits for the same load. A load that
   * failed (the network dropped) is forgotten, so the next interaction tries again.
   */
  const loadOnce = (priority) => {
    loading ??= Promise.resolve(mountFn ?? load(priority)).then(
      (fn) => (mountFn = fn),
      (error) => {
        loading = null;
        throw error;
      },
    );
    return loading;
  };
  let sheet = null;
  const prerenderSheet = () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(prerender.css);
    }
    return sheet;
  };

  class OperatorChatElement extends HTMLElement {
    static get observedAttributes() {
      return [...REMOUNT_ATTRIBUTES, 'open'];
    }

    constructor() {
      super();
      this.handle = null;
      // Before the wasm: whether the visitor (or code) opened the panel, and the listeners
      // that start the load.
      this.wantOpen = null;
      this.sendOnReady = false;
      this.waiting = null;
    }

    connectedCallback() {
      this.render();
    }

    disconnectedCallback() {
      this.teardown();
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if (oldValue === newValue || !this.isConnected) return;
      if (name === 'open') {
        if (newValue === null) this.close();
        else this.open();
      } else if (this.handle || this.waiting) {
        this.render();
      }
    }

    /** Opens the panel; before the wasm is in, shows it loading and fetches the wasm now. */
    open() {
      if (this.handle) return this.handle.open();
      this.wantOpen = true;
      this.setStaticOpen(true);
      this.load('high');
    }

    /** Closes the panel. */
    close() {
      if (this.handle) return this.handle.close();
      this.wantOpen = false;
      this.setStaticOpen(false);
    }

    teardown() {
      if (this.handle) {
        this.handle.destroy();
        this.handle = null;
      }
      this.waiting?.abort();
      this.waiting = null;
    }

    render() {
      this.teardown();
      if (mountFn) {
        this.mountNow();
        return;
      }
      let options;
      try {
        options = optionsFrom(this);
      } catch (error) {
        console.error(error);
        emit(this, 'chat-error', error);
        return;
      }
      this.waiting = new AbortController();
      this.showPrerendered(options);
      const policy = this.getAttribute('loading');
      const mustOpen = options.open || options.inline || (options.persist && hasSavedConversation(this, options.sessionEndpoint));
      if (mustOpen || policy === 'eager') {
        this.load('high');
        return;
      }
      const signal = this.waiting.signal;
      for (const type of NEAR) this.addEventListener(type, () => this.load('high'), { passive: true, signal });
      if (!POLICIES.includes(policy) || policy === 'idle') {
        afterPageLoad(() => !signal.aborted && this.load('low'));
      }
    }

    load(priority) {
      if (this.pending) return;
      this.pending = true;
      loadOnce(priority)
        .then(
          () => {
            if (this.isConnected && !this.handle && this.waiting) this.mountNow();
          },
          (error) => {
            console.error(error);
            emit(this, 'chat-error', error);
          },
        )
        .finally(() => (this.pending = false));
    }

    /** The launcher (or inline panel) as `OperatorChat` rendered it at build time. */
    showPrerendered(options) {
      if (!prerender) return;
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      root.adoptedStyleSheets = [...root.adoptedStyleSheets.filter((s) => s !== sheet), prerenderSheet()];
      const container = document.createElement('div');
      container.className = 'oc-mount';
      const rtl = (this.closest('[dir]') ?? document.documentElement).getAttribute('dir')?.trim().toLowerCase() === 'rtl';
      container.setAttribute('dir', rtl ? 'rtl' : 'ltr');
      if (options.locale?.lang) container.setAttribute('lang', options.locale.lang);
      if (options.colorScheme) container.setAttribute('data-color-scheme', options.colorScheme);
      // Markup of our own build, with no text in it: every text is set below as text.
      container.innerHTML = options.inline ? prerender.inline : prerender.launcher;
      const locale = options.locale && typeof options.locale === 'object' ? options.locale : {};
      const panelId = `oc-panel-e${(nextPanel += 1)}`;
      const text = (key) => {
        if (key === '#id') return panelId;
        const value = (key === 'title' && options.title) || (key === 'placeholder' && options.placeholder) || locale[key];
        return typeof value === 'string' ? value : prerender.strings[key] ?? '';
      };
      const walker = document.createTreeWalker(container, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let node = walker.currentNode; node; node = walker.nextNode()) {
        const marked = node.nodeType === Node.TEXT_NODE ? [node] : [...node.attributes];
        for (const part of marked) {
          if (part.nodeValue.includes('\uE000')) part.nodeValue = part.nodeValue.replace(MARKER, (_, key) => text(key));
        }
      }
      this.text = text;
      const find = (id) => container.querySelector(`[data-testid="${id}"]`);
      find('panel')?.setAttribute('aria-busy', 'true');
      const signal = this.waiting.signal;
      find('launcher')?.addEventListener('click', () => (this.wantOpen ? this.close() : this.open()), { signal });
      find('close')?.addEventListener('click', () => this.close(), { signal });
      find('panel')?.addEventListener('keydown', (event) => event.key === 'Escape' && this.close(), { signal });
      // Sending waits for the widget: the text stays in the composer and is sent once it is in.
      const composer = find('composer');
      const send = (event) => {
        event.preventDefault();
        this.sendOnReady = composer.value.trim() !== '';
      };
      composer?.form?.addEventListener('submit', send, { signal });
      composer?.addEventListener('input', () => (find('send').disabled = composer.value.trim() === ''), { signal });
      composer?.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) send(event);
      }, { signal });
      root.replaceChildren(container);
    }

    /** Before the wasm: opens or closes the prerendered panel as the component would. */
    setStaticOpen(open) {
      const root = this.shadowRoot?.querySelector('.oc-root:not(.oc-inline)');
      if (!root || this.handle) return;
      const launcher = root.querySelector('[data-testid="launcher"]');
      root.classList.toggle('oc-open', open);
      root.querySelector('[data-testid="panel"]').hidden = !open;
      launcher.setAttribute('aria-expanded', String(open));
      launcher.setAttribute('aria-label', this.text(open ? 'closeChat' : 'openChat'));
      (open ? root.querySelector('[data-testid="composer"]') : launcher).focus();
    }

    /** Mounts the widget; takes over the prerendered view's state (open, focus, draft). */
    mountNow() {
      this.waiting?.abort();
      this.waiting = null;
      const root = this.shadowRoot;
      const composer = root?.querySelector('[data-testid="composer"]');
      const draft = composer?.value ?? '';
      const selection = [composer?.selectionStart ?? 0, composer?.selectionEnd ?? 0];
      const focused = root?.activeElement?.getAttribute('data-testid');
      const sendOnReady = this.sendOnReady;
      this.sendOnReady = false;
      try {
        const options = optionsFrom(this);
        if (this.wantOpen !== null) options.open = this.wantOpen;
        this.handle = mountFn(this, options);
      } catch (error) {
        console.error(error);
        emit(this, 'chat-error', error);
        return;
      } finally {
        if (root && sheet) root.adoptedStyleSheets = root.adoptedStyleSheets.filter((s) => s !== sheet);
      }
      const next = (id) => root.querySelector(`[data-testid="${id}"]`);
      if (draft) {
        const input = next('composer');
        input.value = draft;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.setSelectionRange(...selection);
        if (sendOnReady) input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }
      if (focused) next(focused)?.focus();
    }
  }

  customElements.define('operator-chat', OperatorChatElement);
  return true;
}
