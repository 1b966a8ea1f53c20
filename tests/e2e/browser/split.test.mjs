// The markdown renderer is a chunk of its own (`split_markdown.wasm`, split off by `cargo xtask
// build`): fetched once the panel opens, never before; a reply that arrives before it is in is
// shown as plain text and then rendered as markdown, with exactly its text; a failed fetch
// leaves the text plain and the next opening of the panel fetches again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { servers } from './lib/config.mjs';
import { newContext, openHost, sharedBrowser } from './lib/host.mjs';
import { waitForGreeting } from './lib/start.mjs';
import { Widget } from './lib/widget.mjs';

const CHUNK = /\/pkg\/split_markdown\.wasm$/;

/** A reply with inline and block markdown, and what its bubble reads once rendered. */
const MARKDOWN = 'Here is **bold**, *em* and `code`:\n\n- one\n- two\n\nThe end.';
const RENDERED = 'Here is bold, em and code:\n\nonetwo\n\nThe end.';

const browser = sharedBrowser();

/** The last agent bubble's text and the markdown elements in it. */
function lastAgentBubble(page) {
  return page.locator('[data-testid=message][data-role=agent] .oc-bubble').last().evaluate((bubble) => ({
    text: bubble.textContent,
    strong: bubble.querySelectorAll('strong').length,
    em: bubble.querySelectorAll('em').length,
    code: bubble.querySelectorAll('code').length,
    items: bubble.querySelectorAll('li').length,
  }));
}

/** Requests of the chunk on `page`, as they happen. */
function chunkRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    if (CHUNK.test(new URL(req.url()).pathname)) seen.push(req);
  });
  return seen;
}

test('the package ships the chunk', () => {
  assert.ok(existsSync(join(servers.pkgDir, 'split_markdown.wasm')), 'pkg/split_markdown.wasm');
});

test('the markdown chunk is fetched once the panel opens, not before, as application/wasm', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  try {
    const seen = chunkRequests(page);
    await openHost(page);
    const chat = new Widget(page);
    await chat.launcher.waitFor({ state: 'visible' });
    await page.waitForLoadState('networkidle');
    assert.equal(seen.length, 0, 'no chunk request while the panel is closed');
    const fetched = page.waitForResponse((res) => CHUNK.test(new URL(res.url()).pathname));
    await chat.open({ waitOnline: false });
    const res = await fetched;
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/wasm', 'instantiateStreaming needs it');
    await chat.send(`/echo ${MARKDOWN}`);
    await chat.waitAgentText(/^Here is bold/);
    assert.deepEqual(await lastAgentBubble(page), { text: RENDERED, strong: 1, em: 1, code: 1, items: 2 });
    assert.equal(seen.length, 1, 'fetched once');
  } finally {
    await context.close();
  }
});

test('with loading: "eager" the chunk is fetched at mount, before the panel opens', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  try {
    const fetched = page.waitForResponse((res) => CHUNK.test(new URL(res.url()).pathname), { timeout: 20_000 });
    await openHost(page, { options: { loading: 'eager' } });
    const res = await fetched;
    assert.equal(res.status(), 200);
    assert.equal(await new Widget(page).panel.isHidden(), true, 'the panel is still closed');
  } finally {
    await context.close();
  }
});

test('a reply before the markdown chunk is in shows as plain text, then formatted with its exact text', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  try {
    const held = [];
    let requested;
    const chunkAsked = new Promise((resolve) => {
      requested = resolve;
    });
    await page.route(CHUNK, (route) => {
      held.push(route);
      requested();
    });
    const grants = await openHost(page);
    const chat = new Widget(page);
    await chat.open();
    await chunkAsked;
    await waitForGreeting(chat, () => grants.conversationId);
    await chat.send(`/echo ${MARKDOWN}`);
    await chat.waitAgentMessages(2);
    assert.deepEqual(
      await lastAgentBubble(page),
      { text: MARKDOWN, strong: 0, em: 0, code: 0, items: 0 },
      'before the chunk: the reply as plain text, whole',
    );
    for (const route of held) await route.continue();
    await page
      .locator('[data-testid=message][data-role=agent] .oc-bubble strong')
      .last()
      .waitFor({ state: 'attached', timeout: 20_000 });
    assert.deepEqual(
      await lastAgentBubble(page),
      { text: RENDERED, strong: 1, em: 1, code: 1, items: 2 },
      'after the chunk: formatted, its text once, nothing lost',
    );
    await chat.send(`/echo and **after** it`);
    await chat.waitAgentText(/^and after it$/);
    assert.equal((await lastAgentBubble(page)).strong, 1, 'a later reply is formatted at once');
  } finally {
    await context.close();
  }
});

test('a failed chunk fetch leaves replies plain; the next opening of the panel fetches it again', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  try {
    let attempts = 0;
    await page.route(CHUNK, (route) => {
      attempts += 1;
      return attempts === 1 ? route.abort('connectionfailed') : route.continue();
    });
    const grants = await openHost(page);
    const chat = new Widget(page);
    await chat.open();
    await waitForGreeting(chat, () => grants.conversationId);
    await chat.send(`/echo ${MARKDOWN}`);
    await chat.waitAgentText(/^Here is \*\*bold/);
    assert.equal(attempts, 1);
    assert.equal((await lastAgentBubble(page)).text, MARKDOWN, 'plain text, whole, and the widget still works');
    await chat.closeButton.click();
    await chat.open();
    await page
      .locator('[data-testid=message][data-role=agent] .oc-bubble strong')
      .last()
      .waitFor({ state: 'attached', timeout: 20_000 });
    assert.equal(attempts, 2, 'fetched again on the next opening');
    assert.equal((await lastAgentBubble(page)).text, RENDERED);
  } finally {
    await context.close();
  }
});
