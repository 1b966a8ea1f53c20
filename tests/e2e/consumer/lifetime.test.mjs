// A widget lives until destroy(): dropping the handle returned by mount() (and the garbage
// collector finalising it) must not take the widget down, and mount() refuses an element that
// already hosts a live widget instead of orphaning it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launchChromium } from '../support/browser.mjs';
import { blankPage, newContext, watchViolations } from './lib.mjs';

let browser;
before(async () => {
  const args = env('OPERATOR_CHAT_CHROMIUM_ARGS').split(' ').filter(Boolean);
  browser = await launchChromium({ args: [...args, '--js-flags=--expose-gc'] });
});
after(async () => {
  await browser?.close();
});

test('a widget whose handle was garbage collected stays mounted and working', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const violations = await watchViolations(page);
  try {
    await blankPage(page);
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.id = 'chat';
      document.body.append(div);
      window.replies = [];
      // The handle is not kept anywhere.
      window.oc.mount(div, { sessionEndpoint: '/operator/session', inline: true, onMessage: (m) => window.replies.push(m) });
    });
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i += 1) {
        window.gc();
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    const input = page.locator('#chat textarea');
    assert.equal(await input.count(), 1, 'the composer is still there after GC');
    await input.fill('/echo still here');
    await input.press('Enter');
    await page.waitForFunction(() => window.replies.some((m) => m.role === 'agent' && m.text === 'still here'), null, { timeout: 20_000 });
    assert.deepEqual(violations, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('mount() on an element that already hosts a live widget is an error; after destroy() it works', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  try {
    await blankPage(page);
    const result = await page.evaluate(() => {
      const div = document.createElement('div');
      document.body.append(div);
      const first = window.oc.mount(div, { sessionEndpoint: '/operator/session' });
      let second;
      try {
        window.oc.mount(div, { sessionEndpoint: '/operator/session' });
        second = 'mounted twice';
      } catch (e) {
        second = e.message;
      }
      first.destroy();
      const third = window.oc.mount(div, { sessionEndpoint: '/operator/session' });
      const ok = div.shadowRoot.querySelectorAll('.oc-root').length;
      third.destroy();
      return { second, ok };
    });
    assert.match(result.second, /already hosts an operator-chat widget/, 'the second mount is refused');
    assert.equal(result.ok, 1, 'after destroy() the element can host a new widget');
  } finally {
    await context.close();
  }
});
