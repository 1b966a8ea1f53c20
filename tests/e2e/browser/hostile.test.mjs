// Hostile content as agent text (`/echo <payload>` makes the agent say exactly the payload) and
// as user text. Nothing executes (a page-level trap proves it), the text is shown as text, the
// layout holds, and the widget stays usable. Then the size limits: 1 MB from the visitor, the
// largest agent message a visitor's `/echo` can produce, and a 1 MB table from the agent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newContext, sharedBrowser } from './lib/host.mjs';
import { greetOn } from './lib/start.mjs';
import { domRows } from './lib/widget.mjs';
import { expectWidgetMatchesRecord } from './lib/settle.mjs';
import { injectFault } from './lib/emulator.mjs';
import { PAYLOADS } from './lib/payloads.mjs';

const browser = sharedBrowser({ clearsFaults: false });

/** A page with traps: `__pwned()`, `alert`/`confirm`/`prompt` dialogs, navigations. */
async function trappedPage() {
  const context = await newContext(browser(), { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const fired = [];
  await page.exposeFunction('__pwned', (what) => fired.push(`__pwned(${what})`));
  page.on('dialog', async (d) => {
    fired.push(`${d.type()}(${d.message()})`);
    await d.dismiss().catch(() => {});
  });
  page.on('framenavigated', (f) => {
    if (f !== page.mainFrame() || !f.url().includes('/__e2e/')) fired.push(`navigation to ${f.url()}`);
  });
  page.on('popup', (p) => fired.push(`popup ${p.url()}`));
  return { context, page, fired };
}

/** Geometry and containment facts about the widget, read in the page. */
async function layout(page, chat) {
  const panel = await chat.panel.boundingBox();
  const facts = await chat.transcript.evaluate((log) => {
    const root = log.getRootNode();
    const bubbles = [...log.querySelectorAll('.oc-bubble')];
    return {
      logOverflowX: log.scrollWidth - log.clientWidth,
      pageOverflowX: document.documentElement.scrollWidth - window.innerWidth,
      // Bubbles hold only what the markdown renderer makes of text: its own elements, no event
      // handler, style or source attribute, and links only to https:, http: or mailto: with
      // rel="noopener noreferrer nofollow"; nothing a payload could have injected.
      elementsInBubbles: bubbles.reduce((n, b) => n + [...b.querySelectorAll('*')].filter((e) => {
        const own = e.matches('div.oc-md-chunk, p.oc-md-p, span.oc-md-piece, span.oc-break, strong, em, del, code, br, blockquote.oc-md-quote, ul.oc-md-list, ol.oc-md-list, li, hr.oc-md-hr, div.oc-md-pre, pre, button.oc-copy, div.oc-md-table, table, thead, tbody, tr, th, td, a');
        const risky = [...e.attributes].some((a) => /^on|^style$|^src|^srcdoc$|^action$|^formaction$/i.test(a.name));
        const badLink = e.matches('a') && !(/^(https?|mailto):/i.test(e.getAttribute('href') ?? '') && e.rel === 'noopener noreferrer nofollow' && e.target === '_blank');
        return !own || risky || badLink;
      }).length, 0),
      foreign: [...log.querySelectorAll('script,iframe,img,object,embed,style,link,form,input,meta,base,math,details,body,textarea,a:not([href^="https:"]):not([href^="http:"]):not([href^="mailto:"])')].map((e) => e.tagName),
      foreignInShadow: root === document ? 0 : root.querySelectorAll('script,iframe,object,embed,meta,base').length,
      foreignInDocument: document.querySelectorAll('iframe,object,embed,base,meta[http-equiv]').length,
      title: document.title,
    };
  });
  return { panel, ...facts };
}

test(`${PAYLOADS.length} hostile payloads as agent and user text execute nothing, stay text, and keep the layout`, { timeout: 180_000 }, async () => {
  const { context, page, fired } = await trappedPage();
  const { grants, chat } = await greetOn(page);
  const conversationId = grants.conversationId;
  const before = await layout(page, chat);
  let tried = 0;
  // What each agent text of the transcript so far reads as: every payload tried maps to its
  // rendering, as the whole echoed text or quoted inside the agent's "You said" reply.
  const readings = [];
  const reads = (text) => readings.reduce((t, [payload, rendered, quoted]) => (t === payload ? rendered : t.split(payload).join(quoted)), text);
  for (const [name, payload, rendered = payload, quoted = rendered] of PAYLOADS) {
    readings.push([payload, rendered, quoted]);
    // As agent text: the agent says exactly the payload (the user row shows "/echo <payload>").
    await chat.send(`/echo ${payload}`);
    const { rows } = await expectWidgetMatchesRecord(page, conversationId, { label: `payload "${name}" as agent text`, shown: reads });
    const agentText = rows.filter((r) => r.role === 'agent').at(-1).text;
    if (!/[\uD800-\uDFFF]/.test(payload)) {
      assert.equal(agentText, rendered, `payload "${name}": the agent's text is shown as its markdown reads, as text`);
      assert.equal(rows.filter((r) => r.role === 'user').at(-1).text, `/echo ${payload}`, `payload "${name}": the user's text is shown verbatim`);
    } else {
      assert.ok(agentText.startsWith(payload.slice(0, 1)), `payload "${name}": shown (lone surrogates may become U+FFFD): ${JSON.stringify(agentText)}`);
    }
    tried += 1;
    // As plain user text: the agent answers with the payload quoted.
    await chat.send(payload);
    const after = await expectWidgetMatchesRecord(page, conversationId, { label: `payload "${name}" as user text`, shown: reads });
    if (!/[\uD800-\uDFFF]/.test(payload)) {
      assert.equal(after.rows.filter((r) => r.role === 'user').at(-1).text, payload, `payload "${name}" as user text is shown verbatim`);
    }
    tried += 1;
    assert.deepEqual(fired, [], `payload "${name}" executed something: ${fired.join(', ')}`);
  }
  await page.waitForTimeout(300); // give any deferred handler (onerror, onload, refresh) its chance
  assert.deepEqual(fired, [], `a payload executed: ${fired.join(', ')}`);

  const afterAll = await layout(page, chat);
  assert.equal(afterAll.elementsInBubbles, 0, 'message bubbles contain only the renderer\'s paragraphs and inline formatting');
  assert.deepEqual(afterAll.foreign, [], 'no element from a payload exists in the transcript');
  assert.equal(afterAll.foreignInShadow, 0, 'no script/iframe/object/embed/meta/base in the shadow root');
  assert.equal(afterAll.foreignInDocument, before.foreignInDocument, 'nothing was added to the page');
  assert.equal(afterAll.title, before.title, 'the page title is unchanged');
  assert.deepEqual(afterAll.panel, before.panel, 'the panel keeps its size and place');
  assert.ok(afterAll.logOverflowX <= 1, `the transcript does not scroll sideways (overflow ${afterAll.logOverflowX}px)`);
  assert.ok(afterAll.pageOverflowX <= 0, `the page does not scroll sideways (overflow ${afterAll.pageOverflowX}px)`);

  // Still usable.
  await chat.send('/echo still usable');
  await chat.waitAgentText(/^still usable$/);
  await expectWidgetMatchesRecord(page, conversationId, { label: 'after the payloads', shown: reads });
  const rows = await domRows(page);
  console.log(`hostile: ${PAYLOADS.length} payloads tried ${tried} times (agent and user text), ${rows.length} rows shown; nothing executed, no foreign element in bubbles, panel ${JSON.stringify(afterAll.panel)} unchanged, overflow ${afterAll.logOverflowX}px`);
  await context.close();
});

test('a 1 MB message from the visitor gets a clear error and the widget stays usable', { timeout: 90_000 }, async () => {
  const { context, page, fired } = await trappedPage();
  const { grants, chat } = await greetOn(page);
  const before = await layout(page, chat);
  const big = `${'0123456789abcdef '.repeat(61681)}end`.slice(0, 1024 * 1024);
  await chat.composer.fill(big);
  await chat.composer.press('Enter');
  // The emulator refuses socket messages over 64 KiB with a server.error; the visitor must be told.
  const told = await Promise.race([
    chat.error.waitFor({ state: 'visible', timeout: 15_000 }).then(async () => `error line: ${(await chat.error.textContent()).trim()}`),
    page.locator('[data-testid=message][data-role=user][data-status=failed]').waitFor({ timeout: 15_000 }).then(() => 'the message is marked "Not delivered"'),
    page.locator('[data-testid=message][data-role=error]').waitFor({ timeout: 15_000 }).then(async () => `error row "${(await page.locator('[data-testid=message][data-role=error] .oc-notice').last().textContent()).trim()}"`),
  ]).catch(() => null);
  const users = (await domRows(page)).filter((r) => r.role === 'user');
  assert.ok(
    told,
    `after sending 1 MB the widget shows no error and no "Not delivered" mark (user row status: ${users.at(-1)?.status}, length ${users.at(-1)?.text.length}); the emulator refused it with server.error payload_too_large/invalid_request`,
  );
  const afterBig = await layout(page, chat);
  assert.deepEqual(afterBig.panel, before.panel, 'the 1 MB row does not change the panel');
  assert.ok(afterBig.logOverflowX <= 1, `no sideways scroll after 1 MB (overflow ${afterBig.logOverflowX}px)`);
  if (await chat.retry.isVisible()) await chat.retry.click();
  await chat.send('/echo after the big one');
  await chat.waitAgentText(/^after the big one$/, 30_000);
  assert.deepEqual(fired, []);
  const bigRow = (await domRows(page)).find((r) => r.role === 'user' && r.text.length > 1_000_000);
  console.log(`hostile: 1 MB user message -> ${told}; its row is shown as ${bigRow?.status}; widget usable after`);
  void grants;
  await context.close();
});

test('the largest agent message the emulator sends (/echo just under 64 KiB) renders exactly and keeps the layout', { timeout: 90_000 }, async () => {
  const { context, page, fired } = await trappedPage();
  const { grants, chat } = await greetOn(page);
  const before = await layout(page, chat);
  // 64 KiB is the emulator's limit on a client message (JSON envelope included).
  const words = ['<b>bold</b>', 'plain', 'Ünïcödé', '🙂', 'javascript:void(0)', 'x'.repeat(300)];
  let text = '';
  for (let i = 0; text.length < 60_000; i += 1) text += `${words[i % words.length]} `;
  text = text.trim();
  // The emulator's fastest pace, so ~500 deltas arrive in a burst (as a fast model would send them).
  await injectFault({ kind: 'slow_agent', delta_interval_ms: 1, conversation_id: grants.conversationId });
  const started = Date.now();
  await chat.send(`/echo ${text}`);
  const { rows } = await expectWidgetMatchesRecord(page, grants.conversationId, { label: 'large agent message', timeout: 60_000 });
  const ms = Date.now() - started;
  await injectFault({ kind: 'slow_agent', delta_interval_ms: 25, conversation_id: grants.conversationId });
  assert.equal(rows.filter((r) => r.role === 'agent').at(-1).text, text, 'the whole text, verbatim');
  const afterBig = await layout(page, chat);
  assert.deepEqual(afterBig.panel, before.panel, 'the panel keeps its size');
  assert.ok(afterBig.logOverflowX <= 1, `no sideways scroll (overflow ${afterBig.logOverflowX}px)`);
  assert.equal(afterBig.elementsInBubbles, 0);
  await chat.send('/echo ok');
  await chat.waitAgentText(/^ok$/);
  assert.deepEqual(fired, []);
  console.log(`hostile: agent message of ${text.length} chars (${Buffer.byteLength(text)} bytes, ~${Math.ceil(text.split(/\s/).length / 2)} deltas) rendered exactly in ${ms} ms`);
  await context.close();
});

test('a 1 MB markdown table and a code block from the agent render as such, inert, and the page stays responsive', { timeout: 120_000 }, async () => {
  const { context, page, fired } = await trappedPage();
  const { grants, chat } = await greetOn(page);
  // A visitor's message is capped at 64 KiB, so the agent streams the table itself: `/table N
  // <cell>` sends a header and N rows `| K | <cell> |`, a delta per row.
  const cell = `boot <img src=x onerror="__pwned('cell')"> [x](javascript:__pwned('cell'))`;
  const header = '| # | cell |\n|---|---|\n';
  let rows = 0;
  let bytes = header.length;
  while (bytes < 1 << 20) {
    rows += 1;
    bytes += `| ${rows} | ${cell} |\n`.length;
  }
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask' });
  });
  // A fast model's pace: 10,000 rows a second, each growing the one open table block.
  await injectFault({ kind: 'slow_agent', delta_interval_ms: 0.1, conversation_id: grants.conversationId });
  const started = Date.now();
  await chat.send(`/table ${rows} ${cell}`);
  const shown = page.locator('[data-testid=message][data-role=agent][data-done=true] .oc-md-table').last();
  await shown.waitFor({ timeout: 90_000 });
  const ms = Date.now() - started;
  await injectFault({ kind: 'slow_agent', delta_interval_ms: 25, conversation_id: grants.conversationId });
  assert.equal(await shown.locator('tbody tr').count(), rows, 'every row of the table is shown');
  assert.equal(await shown.locator('tbody tr').last().locator('td').first().textContent(), String(rows), 'the last row is the last one sent');
  assert.equal(await shown.locator('a, img').count(), 0, 'no link or image from the cells');
  assert.equal(await shown.getAttribute('tabindex'), '0', 'the table scrolls sideways by keyboard');
  const longest = await page.evaluate(() => window.__longest);

  await chat.send('/echo ```js\nalert(1) // <script>__pwned("code")</script>\n```');
  const code = page.locator('[data-testid=message][data-role=agent][data-done=true] .oc-md-pre').last();
  await code.waitFor({ timeout: 20_000 });
  assert.equal(await code.locator('pre').textContent(), 'alert(1) // <script>__pwned("code")</script>\n', 'code is shown verbatim');
  assert.equal(await code.locator('pre').getAttribute('tabindex'), '0', 'the code block is reachable by keyboard');
  assert.equal(await code.locator('[data-testid=copy-code]').getAttribute('aria-label'), 'Copy');
  const frameAsked = Date.now();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  assert.ok(Date.now() - frameAsked < 5_000, 'the page still paints');
  await page.waitForTimeout(300);
  assert.deepEqual(fired, [], `nothing executed: ${fired.join(', ')}`);
  console.log(`hostile: a ${bytes}-byte table of ${rows} rows streamed and rendered in ${ms} ms; longest task ${Math.round(longest)} ms`);
  await context.close();
});
