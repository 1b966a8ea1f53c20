// The demo page as the token server serves it (www/): the strict CSP header, no inline code,
// <operator-chat> mounted from the plain ES module page with the one build (`/pkg/`, the Leptos
// component), its attributes and events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from '../support/browser.mjs';
import { axeViolations, describeViolations } from '../browser/lib/dom.mjs';
import { blankPage, newContext, repoRoot, server, watchViolations } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function withPage(fn, contextOptions = {}) {
  const context = await newContext(browser, contextOptions);
  const page = await context.newPage();
  const violations = await watchViolations(page);
  try {
    await fn(page);
    assert.deepEqual(violations, [], 'no CSP violations or page errors');
  } finally {
    await context.close();
  }
}

test('the demo page is served with the strict Content-Security-Policy', async () => {
  for (const path of ['/', '/index.html']) {
    const res = await fetch(`${server()}${path}`);
    assert.equal(res.status, 200, `${path} is served`);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]),
    );
    assert.deepEqual(directives['default-src'], ["'self'"], `${path}: default-src 'self' (${csp})`);
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], `${path}: script-src`);
    assert.deepEqual(directives['style-src'], ["'self'"], `${path}: style-src`);
    assert.equal(directives['connect-src']?.[0], "'self'", `${path}: connect-src starts with 'self'`);
    assert.ok(directives['connect-src'].some((h) => h.startsWith('ws')), `${path}: connect-src allows the Operator socket`);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/, `${path}: nothing unsafe beyond wasm compilation`);
  }
});

test('www/ has no inline scripts, inline styles or inline event handlers', () => {
  const www = join(repoRoot, 'www');
  const pages = readdirSync(www).filter((f) => f.endsWith('.html'));
  assert.deepEqual(pages, ['index.html'], 'one demo page');
  for (const name of pages) {
    const html = readFileSync(join(www, name), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
      assert.match(tag, /\bsrc=/, `${name}: every script is external (${tag})`);
    }
    assert.doesNotMatch(html, /<style\b/i, `${name}: no <style> element`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${name}: no style attributes`);
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${name}: no inline event handlers`);
  }
});

test('index.html mounts <operator-chat> in a shadow root, themed by the page, and a message round-trips', async () => {
  await withPage(async (page) => {
    await page.goto(`${server()}/`);
    const chat = page.locator('operator-chat');
    await page.waitForFunction(() => document.querySelector('operator-chat')?.handle, null, { timeout: 30_000 });
    const shadow = await chat.evaluate((el) => ({
      mode: el.shadowRoot?.mode,
      sheets: el.shadowRoot?.adoptedStyleSheets.length,
      styleElements: el.shadowRoot?.querySelectorAll('style').length,
    }));
    assert.deepEqual(shadow, { mode: 'open', sheets: 2, styleElements: 0 }, 'open shadow root, adopted sheets only');
    const launcher = page.locator('operator-chat [data-testid="launcher"]');
    assert.equal(
      await launcher.evaluate((el) => getComputedStyle(el).backgroundColor),
      'rgb(31, 77, 58)',
      'the page themes the widget through --oc-accent on the element',
    );
    await page.evaluate(() => {
      window.events = [];
      document.addEventListener('chat-message', (e) => window.events.push(e.detail));
    });
    await page.click('#open-chat');
    await page.locator('operator-chat [data-testid="panel"]').waitFor({ state: 'visible' });
    assert.equal(await page.locator('operator-chat .oc-title').textContent(), 'Fernwood support', 'title attribute');
    const input = page.locator('operator-chat textarea');
    assert.equal(await input.getAttribute('placeholder'), 'Ask about orders, returns, sizing…', 'placeholder attribute');
    await input.fill('/echo hello from the demo page');
    await input.press('Enter');
    await page.locator('operator-chat .oc-row-agent', { hasText: 'hello from the demo page' }).waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => window.events.some((m) => m.role === 'agent' && m.text === 'hello from the demo page'), null, { timeout: 10_000 });
  });
});

test('index.html loads the one build from /pkg/: no second build, no second page', async () => {
  await withPage(async (page) => {
    const loaded = [];
    page.on('response', (r) => loaded.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await page.goto(`${server()}/`);
    await page.waitForFunction(() => document.querySelector('operator-chat')?.handle, null, { timeout: 30_000 });
    for (const file of ['/pkg/element.js', '/pkg/operator_chat.js', '/pkg/operator_chat_bg.wasm']) {
      assert.ok(loaded.includes(`200 ${file}`), `${file} is loaded: ${loaded}`);
    }
    const wasm = loaded.filter((l) => l.endsWith('.wasm'));
    assert.deepEqual(wasm, ['200 /pkg/operator_chat_bg.wasm'], 'exactly one wasm module');
  });
  for (const path of ['/leptos.html', '/pkg-leptos/operator_chat.js']) {
    assert.equal((await fetch(`${server()}${path}`)).status, 404, `${path} is gone`);
  }
});

test('the npm package exports the JS API and no demo entry', async () => {
  await withPage(async (page) => {
    await blankPage(page);
    const exports = await page.evaluate(() => ({
      api: ['default', 'initSync', 'mount', 'ChatHandle'].map((k) => `${k}: ${typeof window.oc[k]}`),
      demo: Object.keys(window.oc).filter((k) => /leptos|demo/i.test(k)),
    }));
    assert.deepEqual(exports, {
      api: ['default: function', 'initSync: function', 'mount: function', 'ChatHandle: function'],
      demo: [],
    });
  });
});

test('<operator-chat> maps attributes to options, toggles with `open`, and reports a missing endpoint', async () => {
  await withPage(async (page) => {
    await blankPage(page);
    await page.evaluate(() => {
      window.errors = [];
      document.addEventListener('chat-error', (e) => window.errors.push(String(e.detail?.message ?? e.detail)));
      const inline = document.createElement('operator-chat');
      inline.id = 'inline';
      inline.setAttribute('session-endpoint', '/operator/session');
      inline.setAttribute('title', 'Inline help');
      inline.setAttribute('inline', '');
      document.body.append(inline);
      const launcher = document.createElement('operator-chat');
      launcher.id = 'launcher';
      launcher.setAttribute('session-endpoint', '/operator/session');
      document.body.append(launcher);
      const broken = document.createElement('operator-chat');
      broken.id = 'broken';
      document.body.append(broken);
    });
    assert.equal(await page.locator('#inline [data-testid="launcher"]').count(), 0, 'inline: no launcher');
    assert.equal(await page.locator('#inline [data-testid="panel"]').isVisible(), true, 'inline: the panel shows');
    assert.equal(await page.locator('#inline .oc-title').textContent(), 'Inline help', 'title attribute');
    const panel = page.locator('#launcher [data-testid="panel"]');
    assert.equal(await panel.isHidden(), true, 'launcher mode starts closed');
    await page.evaluate(() => document.getElementById('launcher').setAttribute('open', ''));
    await panel.waitFor({ state: 'visible' });
    await page.evaluate(() => document.getElementById('launcher').removeAttribute('open'));
    await panel.waitFor({ state: 'hidden' });
    const errors = await page.evaluate(() => window.errors);
    assert.ok(errors.some((e) => /session-endpoint attribute is required/.test(e)), `missing endpoint reported: ${errors}`);
    await page.evaluate(() => document.getElementById('inline').remove());
    assert.equal(await page.evaluate(() => document.getElementById('launcher').handle.destroyed), false, 'others unaffected');
  });
});

test('the demo page passes axe-core, shows its starter prompts, and counts unread replies on the launcher', async () => {
  const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  // axe is injected as an inline script, which the page's strict CSP would block.
  await withPage(async (page) => {
    await page.goto(`${server()}/`);
    await page.waitForFunction(() => document.querySelector('operator-chat')?.handle, null, { timeout: 30_000 });
    await page.evaluate(() => {
      window.unread = [];
      document.addEventListener('chat-unread', (e) => window.unread.push(e.detail));
    });
    await page.addScriptTag({ path: axe });
    const checkAxe = async (state) => {
      const { violations } = await axeViolations(page, 'html');
      assert.deepEqual(violations.map((v) => v.id), [], `axe-core violations on the demo page ${state}:\n${describeViolations(violations)}`);
    };
    await checkAxe('before the chat opens');

    await page.click('#open-chat');
    const prompts = page.locator('operator-chat [data-testid="starter-prompts"]');
    await prompts.waitFor({ state: 'visible', timeout: 20_000 });
    assert.deepEqual(
      await prompts.locator('button').allTextContents(),
      ['Where is my order?', 'How do returns work?', 'Which boot size fits me?'],
      'the starter-prompts attribute, in order',
    );
    await checkAxe('with the starter prompts');
    await prompts.locator('button', { hasText: 'How do returns work?' }).click();
    await page.locator('operator-chat .oc-row-user', { hasText: 'How do returns work?' }).waitFor({ timeout: 10_000 });
    await prompts.waitFor({ state: 'hidden' });

    const launcher = page.locator('operator-chat [data-testid="launcher"]');
    await page.waitForFunction(() => document.querySelector('operator-chat').shadowRoot.querySelector('[data-testid="typing"]')?.hidden, null, { timeout: 20_000 });
    await page.evaluate(() => document.querySelector('operator-chat').handle.close());
    await page.evaluate(() => document.querySelector('operator-chat').handle.send('/echo a reply while closed'));
    const badge = page.locator('operator-chat [data-testid="unread"]');
    await badge.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await badge.textContent(), '1');
    assert.equal(await launcher.getAttribute('aria-label'), 'Open chat, 1 unread');
    assert.equal(await page.evaluate(() => document.querySelector('operator-chat').handle.unread), 1);
    await checkAxe('with the unread badge');
    await launcher.click();
    await badge.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.querySelector('operator-chat').handle.unread), 0);
    assert.deepEqual(await page.evaluate(() => window.unread), [1, 0], 'chat-unread events');
  }, { bypassCSP: true });
});

test('the demo tells one story: a Popular question clicked at once asks the chat, and the agent answers as the page does', async () => {
  await withPage(async (page) => {
    await page.goto(`${server()}/`);
    // At once, before the widget's wasm is in: the panel opens, and the question is sent once it is.
    await page.getByRole('link', { name: 'Start a return' }).click();
    await page.locator('operator-chat [data-testid="panel"]').waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('operator-chat .oc-row-user', { hasText: 'Start a return' }).waitFor({ timeout: 30_000 });
    const agent = page.locator('operator-chat [data-testid="message"][data-role="agent"][data-done="true"]');
    await agent.filter({ hasText: 'free within 60 days' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('operator-chat .oc-row-user', { hasText: 'Start a return' }).count(), 1, 'asked once');
    // A starter prompt: the size question gets the size table, rendered as a table.
    await page.evaluate(() => document.querySelector('operator-chat').handle.send('Which boot size fits me?'));
    const table = agent.locator('table');
    await table.waitFor({ timeout: 20_000 });
    assert.match(await table.locator('th').first().textContent(), /US/);
  });
});
