// Accessibility: axe-core finds nothing on the open widget, while it streams and in the error
// state; the whole flow works by keyboard; new agent messages reach a polite live region; focus
// returns to the launcher on close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { openHost, newContext, sharedBrowser } from './lib/host.mjs';
import { openGreetedChat, waitForGreeting } from './lib/start.mjs';
import { Widget, domRows } from './lib/widget.mjs';
import { injectFault, clearFaults } from './lib/emulator.mjs';
import { deepActive, axeViolations, describeViolations } from './lib/dom.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const WIDGET = '#chat';

const browser = sharedBrowser();

async function checkAxe(page, state) {
  await page.addScriptTag({ path: AXE }).catch(() => {});
  const { violations, shadowNodes } = await axeViolations(page, WIDGET);
  assert.ok(shadowNodes > 0, `axe examined nodes inside the widget's shadow root (${state})`);
  assert.deepEqual(violations.map((v) => v.id), [], `axe-core violations with the widget ${state}:\n${describeViolations(violations)}`);
  return shadowNodes;
}

test('axe-core reports no violations: open, streaming, error state', { timeout: 90_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const grants = await openHost(page);
  const chat = new Widget(page);
  await page.addScriptTag({ path: AXE });
  const axeVersion = await page.evaluate(() => window.axe.version);
  const checked = [];
  checked.push(await checkAxe(page, 'closed (launcher only)'));
  await chat.open();
  await waitForGreeting(chat, () => grants.conversationId);
  checked.push(await checkAxe(page, 'open'));

  // Markdown content: a heading, lists, a link, inline code, a code block (with its copy button)
  // and a table.
  await chat.send('/echo ## Your options\n\n- **Boots**: see [returns](https://example.com/returns)\n- `A-1001` *shipped*\n\n1. one\n2. two\n\n> note\n\n```sh\ncurl https://example.com\n```\n\n| size | EU |\n|---|---|\n| 9 | 43 |');
  await page.locator('[data-testid=message][data-role=agent][data-done=true] .oc-md-table').waitFor({ timeout: 20_000 });
  checked.push(await checkAxe(page, 'with markdown content'));

  await injectFault({ kind: 'slow_agent', delta_interval_ms: 150, conversation_id: grants.conversationId });
  await chat.send('/stream 40');
  await page.locator('[data-testid=message][data-role=agent][data-done=false]').waitFor({ timeout: 10_000 });
  assert.ok(await chat.typing.isVisible(), 'the typing indicator shows while streaming');
  checked.push(await checkAxe(page, 'streaming'));
  const stillStreaming = await page.locator('[data-testid=message][data-role=agent][data-done=false]').count();
  assert.equal(stillStreaming, 1, 'axe ran while the reply was still streaming');
  await clearFaults();
  await chat.waitAgentMessages(3, 30_000);
  await context.close();

  // The error state: a visitor without a session.
  const context2 = await newContext(browser());
  const page2 = await context2.newPage();
  await openHost(page2, { signedIn: false });
  const chat2 = new Widget(page2);
  await chat2.open({ waitOnline: false });
  await chat2.error.waitFor({ state: 'visible' });
  checked.push(await checkAxe(page2, 'in the error state'));
  console.log(`a11y: axe-core ${axeVersion}: 0 violations in 5 states (closed, open, markdown, streaming, error); shadow-DOM nodes passing checks per state: ${checked.join(', ')}`);
  await context2.close();
});

test('the whole flow works by keyboard alone and focus returns to the launcher', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  await openHost(page);
  const chat = new Widget(page);
  await chat.root.waitFor({ state: 'attached' });
  const path = [];
  for (let i = 0; i < 10 && (await deepActive(page)) !== 'launcher'; i += 1) {
    await page.keyboard.press('Tab');
    path.push(await deepActive(page));
  }
  assert.equal(await deepActive(page), 'launcher', `Tab reaches the launcher (focus went ${path.join(' -> ')})`);
  await page.keyboard.press('Enter');
  await chat.panel.waitFor({ state: 'visible' });
  assert.equal(await chat.launcher.getAttribute('aria-expanded'), 'true', 'the launcher says the panel is expanded');
  await page.waitForFunction(() => true);
  await page.waitForTimeout(100);
  assert.equal(await deepActive(page), 'composer', 'opening moves focus into the composer');
  await chat.waitState('open');
  await page.keyboard.type('/echo typed by keyboard');
  await page.keyboard.press('Enter');
  await chat.waitAgentText(/^typed by keyboard$/);
  assert.equal(await chat.composer.inputValue(), '', 'Enter sent the message and cleared the composer');
  // Shift+Enter makes a new line instead of sending.
  await chat.composer.focus();
  await page.keyboard.type('first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  assert.equal(await chat.composer.inputValue(), 'first line\nsecond line', 'Shift+Enter adds a line');
  await page.keyboard.press('Enter');
  await chat.waitAgentText(/first line\nsecond line/);
  // Every control in the panel is reachable with Tab (no trap, nothing skipped).
  const reached = new Set();
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    reached.add(await deepActive(page));
  }
  for (const id of ['end', 'close', 'composer']) assert.ok(reached.has(id), `Tab reaches "${id}" (reached ${[...reached].join(', ')})`);
  await chat.composer.focus();
  await page.keyboard.press('Escape');
  await chat.panel.waitFor({ state: 'hidden' });
  await page.waitForTimeout(100);
  assert.equal(await deepActive(page), 'launcher', 'Escape closes the panel and focus returns to the launcher');
  assert.equal(await chat.launcher.getAttribute('aria-expanded'), 'false');
  // Reopen by keyboard and close with the close button (Enter on it): focus returns again.
  await page.keyboard.press('Enter');
  await chat.panel.waitFor({ state: 'visible' });
  await chat.closeButton.focus();
  await page.keyboard.press('Enter');
  await chat.panel.waitFor({ state: 'hidden' });
  await page.waitForTimeout(100);
  assert.equal(await deepActive(page), 'launcher', 'the close button returns focus to the launcher');
  console.log(`a11y: keyboard flow ok (Tab path ${path.join(' -> ')}; Enter opens, Enter sends, Shift+Enter newline, Escape closes; controls reached: ${[...reached].join(', ')})`);
  await context.close();
});

test('new agent messages are announced through a polite live region', { timeout: 60_000 }, async () => {
  const { context, page, grants, chat } = await openGreetedChat(browser());
  // The region must exist before the message arrives (screen readers ignore new regions).
  const region = page.locator('[aria-live=polite]').filter({ has: page.locator('[data-testid=message]') });
  assert.equal(await region.count(), 1, 'exactly one polite live region holds the messages');
  await region.evaluate((el) => {
    window.__announced = [];
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) window.__announced.push(n.textContent);
      for (const r of records) if (r.type === 'characterData') window.__announced.push(r.target.textContent);
    }).observe(el, { childList: true, subtree: true, characterData: true });
  });
  await chat.send('/echo announce this please');
  await chat.waitAgentText(/^announce this please$/);
  const facts = await region.evaluate((el) => {
    const rows = [...el.querySelectorAll('[data-testid=message][data-role=agent]')];
    const last = rows[rows.length - 1];
    let overridden = null;
    for (let n = last; n && n !== el; n = n.parentElement) {
      const live = n.getAttribute('aria-live');
      if (live && live !== 'polite') overridden = `${n.className}: aria-live=${live}`;
      if (n.getAttribute('aria-hidden') === 'true') overridden = `${n.className}: aria-hidden`;
    }
    return {
      live: el.getAttribute('aria-live'),
      role: el.getAttribute('role'),
      relevant: el.getAttribute('aria-relevant'),
      busy: el.getAttribute('aria-busy'),
      lastText: last?.textContent ?? '',
      lastBusy: last?.getAttribute('aria-busy'),
      overridden,
      announced: window.__announced.join(' '),
    };
  });
  assert.equal(facts.live, 'polite');
  assert.ok(facts.lastText.includes('announce this please'), `the reply is inside the live region: ${facts.lastText}`);
  assert.equal(facts.overridden, null, `nothing between the region and the message silences it: ${facts.overridden}`);
  assert.notEqual(facts.busy, 'true', 'the region is not left busy (announcements would be held back)');
  assert.notEqual(facts.lastBusy, 'true', 'the finished message is not marked busy');
  assert.ok(facts.announced.includes('announce'), `the region changed with the new text (mutations: ${facts.announced.slice(0, 200)})`);
  const rows = await domRows(page);
  console.log(`a11y: live region role=${facts.role} aria-live=${facts.live}; ${rows.filter((r) => r.role === 'agent').length} agent messages announced into it`);
  await context.close();
});
