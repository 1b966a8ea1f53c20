// What embedding costs the host page (`import 'operator-chat/element'`): the element is defined
// at once, its launcher (prerendered by `OperatorChat` at build time) shows before any wasm, the
// wasm follows the `loading` attribute, and the widget takes over without a shift, keeping the
// panel's state, the focus and what the visitor typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { launchChromium } from '../support/browser.mjs';
import { bundlerDir, newContext, pkgDir, serveConsumer, server, watchViolations } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** The widget's code: the JS glue and the wasm (not `element.js` or its snippet). */
const isWidgetCode = (url) => /\/pkg\/operator_chat(_bg\.wasm|\.js)$/.test(new URL(url).pathname);

/**
 * A host page with `<operator-chat ${attributes}>` whose own module imports the element and
 * records when it ran. With `holdWasm`, the wasm is answered only when `release()` is called.
 * Records every request of the widget's code (`requests`: `{url, at}` in page time).
 */
async function hostPage(t, { attributes = '', holdWasm = false, hostJs = '' } = {}) {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  const violations = await watchViolations(page);
  let release;
  const released = new Promise((resolve) => (release = resolve));
  const requests = [];
  const modules = [];
  page.on('request', (request) => {
    if (isWidgetCode(request.url())) requests.push(new URL(request.url()).pathname);
    if (/\/pkg\/.*\.js$/.test(new URL(request.url()).pathname)) modules.push(new URL(request.url()).pathname);
  });
  await page.route(`${server()}/pkg/operator_chat_bg.wasm`, async (route) => {
    if (holdWasm) await released;
    await route.continue();
  });
  await page.addInitScript(() => {
    window.shifts = [];
    // Shifts as CLS counts them (not those right after the visitor's own input).
    new PerformanceObserver((list) => window.shifts.push(...list.getEntries().filter((e) => !e.hadRecentInput).map((e) => e.value))).observe({ type: 'layout-shift', buffered: true });
    addEventListener('load', () => (window.loadAt = performance.now()));
  });
  const base = await serveConsumer(page, {
    'host.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script type="module" src="/__consumer/host.js"></script></head>
<body><main><h1>An article</h1><p>Text of the host page.</p></main>
<operator-chat session-endpoint="/operator/session" ${attributes}></operator-chat></body></html>`,
    'host.js': `import '/pkg/element.js';
window.hostRanAt = performance.now();
window.defined = Boolean(customElements.get('operator-chat'));
${hostJs}`,
  });
  await page.goto(`${base}host.html`);
  return { page, violations, release, requests, modules };
}

/** Waits (up to 10 s) until `check()` is true, else fails with `what`. */
async function until(check, what) {
  for (const started = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 20))) {
    if (Date.now() - started > 10_000) assert.fail(`timed out: ${what}`);
  }
}

const inShadow = (page, id) => page.locator(`operator-chat [data-testid="${id}"]`);
const mounted = (page) => page.waitForFunction(() => document.querySelector('operator-chat')?.handle, null, { timeout: 30_000 });

test('the host module runs and the launcher shows, accessible, while the wasm is held back', async (t) => {
  const { page, violations, release, requests } = await hostPage(t, { attributes: 'loading="eager"', holdWasm: true });
  await page.waitForFunction(() => window.hostRanAt !== undefined, null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => window.defined), true, '<operator-chat> is defined when the import returns');
  const launcher = inShadow(page, 'launcher');
  await launcher.waitFor({ state: 'visible', timeout: 5_000 });
  assert.equal(await page.evaluate(() => document.querySelector('operator-chat').handle), null, 'the wasm is not in yet');
  await until(() => requests.some((p) => p.endsWith('.wasm')), 'eager: the wasm is requested at once');
  assert.equal(await page.evaluate(() => document.querySelector('operator-chat').handle), null, 'and still held back');
  assert.equal(await launcher.getAttribute('aria-label'), 'Open chat', 'the launcher has its accessible name');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.getByRole('button', { name: 'Open chat' }).count(), 1, 'one button by that name');
  const before = await launcher.boundingBox();
  release();
  await mounted(page);
  assert.deepEqual(await launcher.boundingBox(), before, 'the launcher keeps its box when the widget takes over');
  assert.deepEqual(await page.evaluate(() => window.shifts), [], 'no layout shift');
  assert.deepEqual(violations, [], 'no CSP violations or page errors');
});

test('the launcher needs one module, element.js', async (t) => {
  const { page, modules } = await hostPage(t, { attributes: 'loading="interaction"' });
  await inShadow(page, 'launcher').waitFor({ state: 'visible', timeout: 5_000 });
  await page.waitForLoadState('load');
  assert.deepEqual(modules, ['/pkg/element.js'], 'the element\'s code is bundled in, not a second request');
});

test('a page that imports the element and calls init() itself fetches the wasm once; one copy of the element', async (t) => {
  const { page, violations, release, requests, modules } = await hostPage(t, {
    attributes: 'loading="eager"',
    holdWasm: true,
    hostJs: `import init, { mount } from '/pkg/operator_chat.js';
window.initDone = init().then(() => typeof mount === 'function');`,
  });
  await inShadow(page, 'launcher').waitFor({ state: 'visible', timeout: 5_000 });
  release();
  await mounted(page);
  assert.equal(await page.evaluate(() => window.initDone), true, 'the page\'s own init() resolved');
  assert.deepEqual(requests.filter((p) => p.endsWith('_bg.wasm')), ['/pkg/operator_chat_bg.wasm'], 'one wasm fetch for both');
  const snippet = modules.find((m) => m.includes('/snippets/'));
  assert.ok(snippet, `the glue imports the element's module: ${modules.join(', ')}`);
  const body = await page.evaluate((url) => fetch(url).then((r) => r.text()), snippet);
  assert.match(body.trim(), /^export\s*\{\s*defineOperatorChat\s*\}\s*from\s*"(\.\.\/)+element\.js";?$/, 'the snippet re-exports element.js: one copy');
  assert.deepEqual(violations, []);
});

test('by default (idle) no widget code is fetched before the page\'s load event', async (t) => {
  const { page, violations } = await hostPage(t);
  await inShadow(page, 'launcher').waitFor({ state: 'visible', timeout: 5_000 });
  await mounted(page);
  const { loadAt, wasmAt } = await page.evaluate(() => ({
    loadAt: window.loadAt,
    wasmAt: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/pkg/operator_chat_bg.wasm'))?.startTime,
  }));
  assert.ok(loadAt !== undefined && wasmAt !== undefined, `load ${loadAt}, wasm ${wasmAt}`);
  assert.ok(wasmAt > loadAt, `the wasm was requested after load (${wasmAt.toFixed(0)} > ${loadAt.toFixed(0)} ms)`);
  assert.deepEqual(violations, []);
});

test('loading="interaction" fetches nothing until the pointer comes near, then takes over', async (t) => {
  const { page, violations, requests } = await hostPage(t, { attributes: 'loading="interaction"' });
  const launcher = inShadow(page, 'launcher');
  await launcher.waitFor({ state: 'visible', timeout: 5_000 });
  await page.waitForFunction(() => window.loadAt !== undefined);
  await page.waitForTimeout(1_500);
  assert.deepEqual(requests, [], 'nothing of the widget fetched after load while nobody came near');
  await launcher.hover();
  await mounted(page);
  assert.ok(requests.some((p) => p.endsWith('.wasm')), 'hovering fetched the wasm');
  assert.equal(await inShadow(page, 'panel').isHidden(), true, 'hovering does not open the panel');
  assert.deepEqual(violations, []);
});

test('loading="interaction" also loads on keyboard focus, and keeps the focus on the launcher', async (t) => {
  const { page, violations, requests } = await hostPage(t, { attributes: 'loading="interaction"' });
  await inShadow(page, 'launcher').waitFor({ state: 'visible', timeout: 5_000 });
  assert.deepEqual(requests, []);
  await page.keyboard.press('Tab');
  await mounted(page);
  const focused = await page.evaluate(() => document.querySelector('operator-chat').shadowRoot.activeElement?.dataset.testid);
  assert.equal(focused, 'launcher', 'the new launcher has the focus the prerendered one had');
  assert.deepEqual(violations, []);
});

test('a click before the wasm opens a loading panel; typed text survives and Enter sends it once ready', async (t) => {
  const { page, violations, release } = await hostPage(t, { attributes: 'loading="interaction" title="<img src=x onerror=alert(1)>"', holdWasm: true });
  const launcher = inShadow(page, 'launcher');
  await launcher.waitFor({ state: 'visible', timeout: 5_000 });
  await launcher.click();
  const panel = inShadow(page, 'panel');
  await panel.waitFor({ state: 'visible', timeout: 2_000 });
  assert.equal(await inShadow(page, 'status').textContent(), 'Loading…', 'the panel says it is loading');
  assert.equal(await panel.getAttribute('aria-busy'), 'true');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('operator-chat .oc-title').textContent(), '<img src=x onerror=alert(1)>', 'the title attribute is set as text');
  assert.equal(await page.locator('operator-chat img').count(), 0, 'never as HTML');
  const composer = inShadow(page, 'composer');
  await composer.pressSequentially('/echo typed while loading');
  await composer.press('Enter');
  assert.equal(await composer.inputValue(), '/echo typed while loading', 'Enter before the widget keeps the text');
  release();
  await mounted(page);
  const shiftsAtTakeover = await page.evaluate(() => window.shifts);
  await page.locator('operator-chat .oc-row-user', { hasText: '/echo typed while loading' }).waitFor({ timeout: 20_000 });
  await page.locator('operator-chat .oc-row-agent', { hasText: 'typed while loading' }).waitFor({ timeout: 20_000 });
  assert.equal(await panel.isVisible(), true, 'the panel stayed open');
  assert.equal(await composer.inputValue(), '', 'the composer was emptied by the send');
  assert.equal(await page.locator('operator-chat .oc-row-user').count(), 1, 'sent once');
  assert.deepEqual(shiftsAtTakeover, [], 'no layout shift up to the takeover');
  assert.deepEqual(violations, []);
});

test('text typed before the wasm stays in the composer, with the focus, when the widget takes over', async (t) => {
  const { page, violations, release } = await hostPage(t, { attributes: 'loading="interaction"', holdWasm: true });
  await inShadow(page, 'launcher').click();
  const composer = inShadow(page, 'composer');
  await composer.pressSequentially('half a question');
  // Past the 500 ms after input in which layout-shift entries do not count.
  await page.waitForTimeout(600);
  release();
  await mounted(page);
  assert.deepEqual(await page.evaluate(() => window.shifts), [], 'no layout shift when the open panel is taken over');
  assert.equal(await composer.inputValue(), 'half a question', 'the draft is kept');
  const focused = await page.evaluate(() => document.querySelector('operator-chat').shadowRoot.activeElement?.dataset.testid);
  assert.equal(focused, 'composer', 'the focus stays in the composer');
  assert.equal(await inShadow(page, 'send').isDisabled(), false, 'the widget knows the draft (send enabled)');
  assert.deepEqual(violations, []);
});

test('a wasm fetch that fails is a chat-error, and the next interaction fetches it again', async (t) => {
  const context = await newContext(browser);
  t.after(() => context.close());
  const page = await context.newPage();
  let refused = 0;
  await page.route(`${server()}/pkg/operator_chat_bg.wasm`, (route) => (refused++ === 0 ? route.abort('connectionreset') : route.continue()));
  const base = await serveConsumer(page, {
    'host.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script type="module" src="/__consumer/host.js"></script></head>
<body><operator-chat session-endpoint="/operator/session" loading="interaction"></operator-chat></body></html>`,
    'host.js': `import '/pkg/element.js';
window.errors = [];
document.addEventListener('chat-error', (e) => window.errors.push(String(e.detail?.message ?? e.detail)));`,
  });
  await page.goto(`${base}host.html`);
  const launcher = inShadow(page, 'launcher');
  await launcher.hover();
  await page.waitForFunction(() => window.errors.length > 0, null, { timeout: 10_000 });
  assert.equal(await page.evaluate(() => document.querySelector('operator-chat').handle), null, 'not mounted');
  await page.mouse.move(0, 0);
  await launcher.hover();
  await mounted(page);
  assert.equal(refused, 2, 'fetched again after the failure');
});

test('open() and the open attribute work before the wasm is in', async (t) => {
  const { page, violations, release } = await hostPage(t, { attributes: 'loading="interaction"', holdWasm: true });
  await inShadow(page, 'launcher').waitFor({ state: 'visible', timeout: 5_000 });
  await page.evaluate(() => document.querySelector('operator-chat').open());
  await inShadow(page, 'panel').waitFor({ state: 'visible', timeout: 2_000 });
  await page.evaluate(() => document.querySelector('operator-chat').close());
  await inShadow(page, 'panel').waitFor({ state: 'hidden', timeout: 2_000 });
  await page.evaluate(() => document.querySelector('operator-chat').setAttribute('open', ''));
  await inShadow(page, 'panel').waitFor({ state: 'visible', timeout: 2_000 });
  release();
  await mounted(page);
  assert.equal(await inShadow(page, 'panel').isVisible(), true, 'the widget starts open');
  await inShadow(page, 'status').filter({ hasText: 'Online' }).waitFor({ timeout: 20_000 });
  assert.deepEqual(violations, []);
});

test('importing the element where there is no DOM neither throws nor fetches', async () => {
  for (const dir of [pkgDir(), bundlerDir()]) {
    const script = `
      const calls = [];
      globalThis.fetch = (...args) => { calls.push(String(args[0])); return Promise.reject(new Error('no fetch')); };
      await import(${JSON.stringify(`${dir}/element.js`)});
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(JSON.stringify(calls));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    assert.deepEqual(JSON.parse(stdout), [], `${dir}/element.js fetched nothing in Node`);
  }
});
