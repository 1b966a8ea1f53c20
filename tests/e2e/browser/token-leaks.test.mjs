// Tokens stay out of text (issue 14): every error path that could quote a token-bearing URL is
// forced, and the token granted to the page must not appear in what the host sees (onError,
// the element's chat-error events), in the widget's DOM, or in the console.
//
// The browser's own message for a failed `new WebSocket(url)` / `new Request(url)` (the events
// stream is a `fetch()`) quotes the URL, and the URL carries `?token=`: a session endpoint that
// answers an unusable `session_url` or `events_url` makes the constructor throw with the real
// token in the message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servers } from './lib/config.mjs';
import { HOST_PATH, channelTest, newContext, sharedBrowser } from './lib/host.mjs';

const browser = sharedBrowser({ clearsFaults: false });

/** A host page that mounts the widget either with `mount()` or as `<operator-chat>`, recording what the host hears. */
function leakPage(form, options) {
  const mountScript =
    form === 'element'
      ? `const el = document.createElement('operator-chat');
  el.setAttribute('session-endpoint', '/operator/session');
  el.setAttribute('inline', '');
  el.addEventListener('chat-error', (e) => window.__heard.push({ via: 'chat-error', message: String(e.detail?.message ?? e.detail), code: String(e.detail?.code) }));
  document.getElementById('chat').append(el);`
      : `window.__chat = mount(document.getElementById('chat'), {
    ...${JSON.stringify(options)},
    inline: true,
    ${options.getToken ? `getToken: ${options.getToken},` : ''}
    onError: (e) => window.__heard.push({ via: 'onError', message: String(e.message), code: String(e.code) }),
  });`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>leaks</title></head>
<body><div id="chat"></div>
<script type="module">
import init, { mount } from '/pkg/operator_chat.js';
window.__heard = [];
await init();
${mountScript}
window.__mounted = true;
</script></body></html>`;
}

/** Everything of the widget's DOM a script or a screen reader could read: markup, text, attribute values. */
function widgetText() {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) out.push(a.value);
      if (el.shadowRoot) {
        out.push(el.shadowRoot.innerHTML);
        walk(el.shadowRoot);
      }
    }
  };
  walk(document);
  for (const el of document.querySelectorAll('input, textarea')) out.push(el.value);
  return out.join('\n');
}

/**
 * Opens the leak page signed in; `breakGrant` rewrites the session endpoint's real answer.
 * Returns the page, what the console and the host heard, and the tokens granted.
 */
async function run({ form, options = { sessionEndpoint: '/operator/session' }, breakGrant }) {
  const context = await newContext(browser());
  const page = await context.newPage();
  const consoleText = [];
  page.on('console', (m) => consoleText.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleText.push(`pageerror: ${e.message}`));
  const tokens = [];
  await page.route(`${servers.server}/operator/session`, async (route) => {
    try {
      const res = await route.fetch();
      const grant = await res.json();
      if (grant.token) tokens.push(grant.token);
      await route.fulfill({ response: res, json: breakGrant ? breakGrant(grant) : grant });
    } catch (e) {
      // The widget keeps retrying: a mint still in flight when the test closes its context has
      // nothing left to answer.
      if (!/disposed|closed/i.test(String(e))) throw e;
    }
  });
  await page.route(`${servers.server}${HOST_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: leakPage(form, options) }),
  );
  const login = await page.request.get(`${servers.server}/demo/login`);
  assert.equal(login.status(), 200, 'signed in');
  await page.goto(`${servers.server}${HOST_PATH}`);
  await page.waitForFunction(() => window.__mounted === true, null, { timeout: 30_000 });
  return { context, page, consoleText, tokens };
}

/** Asserts that no token (raw or percent-encoded) is in any of the texts. */
function assertNoToken(tokens, texts) {
  assert.ok(tokens.length >= 1, 'the page was granted a token');
  const found = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const token of tokens) {
      for (const form of new Set([token, encodeURIComponent(token)])) {
        if (text.includes(form)) found.push(`${where} contains the token ${token.slice(0, 6)}…`);
      }
    }
  }
  assert.deepEqual(found, [], found.join('\n'));
}

/** The URL with a host the URL parser refuses (`[bad]`), so the constructor throws at once. */
const unparsable = (url) => url.replace(/^([a-z]+):\/\/[^/]+/, '$1://[bad]');

// The session socket is chat_realtime's alone; a chat_async conversation has only the events URL
// (its session POSTs go beside it), so that one is broken on both channels.
const broken = {
  'the session socket': { breakGrant: (grant) => ({ ...grant, session_url: unparsable(grant.session_url) }), define: test },
  'the events stream': { breakGrant: (grant) => ({ ...grant, events_url: unparsable(grant.events_url) }), define: channelTest },
};

for (const [what, { breakGrant, define }] of Object.entries(broken)) {
  for (const form of ['mount', 'element']) {
    define(`a refused ${what} URL keeps the token out of ${form === 'mount' ? 'onError' : 'chat-error events'}, the DOM and the console`, { timeout: 60_000 }, async () => {
      const { context, page, consoleText, tokens } = await run({ form, breakGrant });
      await page.waitForFunction(() => window.__heard.length >= 1, null, { timeout: 20_000 });
      // Let a retry or two happen (each fails the same way).
      await page.waitForTimeout(1_500);
      const heard = await page.evaluate(() => window.__heard);
      assert.ok(
        heard.some((h) => h.message.includes(`could not open ${what}`)),
        `the host heard that ${what} could not be opened: ${JSON.stringify(heard).slice(0, 400)}`,
      );
      assertNoToken(tokens, {
        'what the host heard': JSON.stringify(heard),
        'the DOM': await page.evaluate(widgetText),
        'the console': consoleText.join('\n'),
      });
      console.log(`token-leaks: ${what} refused (${form}): ${heard.length} errors heard, e.g. "${heard[0].message}"; no token in them, the DOM or ${consoleText.length} console lines`);
      await context.close();
    });
  }
}

test('a getToken() that fails quoting a token-bearing URL does not pass the token on', { timeout: 60_000 }, async () => {
  const secret = 'tok_host_secret_42';
  // Not transient, so the widget gives up at once and reports it (onError and the error line).
  const getToken = `async () => { throw Object.assign(new Error('refresh failed for https://api.example/events?token=${secret}&x=1'), { code: 'refresh_failed', transient: false }); }`;
  const { context, page, consoleText } = await run({ form: 'mount', options: { getToken } });
  await page.waitForFunction(() => window.__heard.length >= 1, null, { timeout: 20_000 });
  const heard = await page.evaluate(() => window.__heard);
  assert.match(heard[0].message, /refresh failed for https:\/\/api\.example\/events\?token=\[redacted\]&x=1/, JSON.stringify(heard));
  const errorLine = await page.locator('[data-testid=error]').textContent();
  assert.match(errorLine, /\[redacted\]/, `the error line shows the redacted message: ${errorLine}`);
  assertNoToken([secret], {
    'what the host heard': JSON.stringify(heard),
    'the DOM': await page.evaluate(widgetText),
    'the console': consoleText.join('\n'),
  });
  console.log(`token-leaks: getToken() failure reported as "${heard[0].message}"`);
  await context.close();
});
