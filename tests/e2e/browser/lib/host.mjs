// A host page for the widget on the token server's own origin. Playwright answers one URL of
// that origin with the page below (page.route); everything the page then loads (`/pkg/*`,
// `/operator/session`, `/demo/login`) comes from the real token server, so the page is
// same-origin with it exactly like the demo in www/.
import { after, before, test } from 'node:test';
import { launchChromium } from '../../support/browser.mjs';
import { servers, testedChannels, useChannel } from './config.mjs';
import { clearFaults } from './emulator.mjs';

/** Where the host page lives (on the token server's origin; answered by the test itself). */
export const HOST_PATH = '/__e2e/host.html';

function escapeAttr(text) {
  return String(text).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The host page's HTML: a plain product-like page that mounts the widget with the package's
 * JS API. `options` go to `mount()` as they are (JSON).
 */
export function hostHtml(options = {}) {
  const mountOptions = { sessionEndpoint: '/operator/session', ...options };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme support (e2e host)</title>
<style>body{font-family:sans-serif;margin:0}main{max-width:40rem;margin:2rem auto;padding:0 1rem}</style>
</head>
<body>
<main>
<h1>Acme support</h1>
<p>Questions about an order? Chat with us.</p>
<p><a href="#top" id="host-link">A link on the host page</a></p>
</main>
<div id="chat" data-options="${escapeAttr(JSON.stringify(mountOptions))}"></div>
<script type="module">
import init, { mount } from '/pkg/operator_chat.js';
try {
  await init();
  const el = document.getElementById('chat');
  // Every onStateChange value, so a suite can read the reported states and channel.
  window.__states = [];
  window.__chat = mount(el, { ...JSON.parse(el.dataset.options), onStateChange: (s) => window.__states.push(s) });
  window.__mounted = true;
} catch (err) {
  window.__mountError = String(err && err.stack || err);
  console.error('mount failed', err);
}
</script>
</body>
</html>`;
}

/**
 * A browser context for host pages. A page answered by `page.route` has no IP address, so
 * Chromium's Local Network Access checks treat it as public and block its requests to the
 * loopback emulator; the real demo (served by the token server on 127.0.0.1) is loopback
 * itself and needs nothing. The permission restores what the served page would have.
 */
export function newContext(browser, options = {}) {
  return browser.newContext({ ...options, permissions: ['local-network-access', ...(options.permissions ?? [])] });
}

/** Records the conversations the page was granted (from `POST /operator/session` answers). */
export function watchGrants(page) {
  const grants = [];
  page.on('response', async (res) => {
    if (!res.url().endsWith('/operator/session') || res.request().method() !== 'POST') return;
    try {
      const body = await res.json();
      grants.push({ status: res.status(), ...body });
    } catch {
      grants.push({ status: res.status() });
    }
  });
  return {
    all: grants,
    /** The conversation of the latest successful grant. */
    get conversationId() {
      const ok = grants.filter((g) => g.status === 200 && g.conversation_id);
      return ok.length ? ok[ok.length - 1].conversation_id : undefined;
    },
    tokens() {
      return grants.filter((g) => g.token).map((g) => g.token);
    },
  };
}

/**
 * Opens the host page in `page` (signed in with the demo cookie unless `signedIn: false`),
 * waits for the widget to mount, and returns the grant watcher.
 */
export async function openHost(page, { options = {}, signedIn = true, html } = {}) {
  const body = html ?? hostHtml(options);
  await page.route(`${servers.server}${HOST_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }),
  );
  if (signedIn) {
    const res = await page.request.get(`${servers.server}/demo/login`);
    if (res.status() !== 200) throw new Error(`GET /demo/login: ${res.status()} ${await res.text()}`);
  }
  const grants = watchGrants(page);
  await page.goto(`${servers.server}${HOST_PATH}`);
  await page.waitForFunction(() => window.__mounted || window.__mountError, null, { timeout: 30_000 });
  const error = await page.evaluate(() => window.__mountError);
  if (error) throw new Error(`the widget did not mount: ${error}`);
  return grants;
}

/**
 * One Chromium for a test file: launched before its tests; after them, the emulator's faults
 * are cleared (unless `clearsFaults` is false) and the browser closed. Returns a function that
 * gives the browser.
 */
export function sharedBrowser({ clearsFaults = true } = {}) {
  let browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    if (clearsFaults) await clearFaults().catch(() => {});
    await browser?.close();
  });
  return () => browser;
}

/**
 * `test(name, options, fn)` once per tested channel (`testedChannels()`: `chat_realtime` and
 * `chat_async`), named `name [channel]`: the test runs against that channel's token server
 * (`servers.server`) and `fn` gets the channel.
 */
export function channelTest(name, options, fn) {
  for (const channel of testedChannels()) {
    test(`${name} [${channel}]`, options, async (t) => {
      useChannel(channel);
      try {
        await fn(channel, t);
      } finally {
        useChannel('chat_realtime');
      }
    });
  }
}
