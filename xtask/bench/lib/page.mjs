// Opening the benchmark page and talking to its instrumentation (page/instrument.js).
import { deadline, fault } from './http.mjs';

/** Navigates to the bench page and waits for the widget to report `open`. */
export async function openWidget(page, server, timeoutMs = 30_000) {
  await page.goto(`${server}/bench.html`);
  await page.waitForFunction(
    () => window.__bench?.fatal || window.__bench?.state === 'open',
    null,
    { timeout: timeoutMs, polling: 20 },
  );
  const fatal = await page.evaluate(() => window.__bench.fatal);
  if (fatal) throw new Error(`bench page: ${fatal}`);
}

/** The conversation id from the events URL the widget opened. */
export async function conversationId(page) {
  const url = await page.evaluate(() => window.__bench.eventsUrls.at(-1));
  const m = /\/conversations\/([^/?]+)\/events/.exec(url ?? '');
  if (!m) throw new Error(`no events URL seen (got ${url})`);
  return decodeURIComponent(m[1]);
}

/** Sends `/echo warm-up` and waits for the reply: the conversation has started (greeting
 * included) and the widget's code paths have run once. */
export async function warmUp(page) {
  await page.evaluate(() => window.__bench.handle.send('/echo warm-up'));
  await page.waitForFunction(() => window.__bench.messageCount() >= 3, null, { timeout: 30_000, polling: 50 });
  await agentIdle(page);
}

/** Sends `command` and waits for its reply to complete (a user and an agent message more). */
export async function warmUpWith(page, command) {
  const before = await page.evaluate(() => window.__bench.messageCount());
  await page.evaluate((c) => window.__bench.handle.send(c), command);
  await page.waitForFunction((n) => window.__bench.messageCount() >= n, before + 2, { timeout: 30_000, polling: 50 });
  await agentIdle(page);
}

/** Waits until every agent message shown is complete (the greeting, a finished reply). */
export async function agentIdle(page, timeoutMs = 30_000) {
  await page.waitForFunction(
    () => {
      const root = window.__bench.root;
      const rows = root?.querySelectorAll('[data-role="agent"]') ?? [];
      return rows.length > 0 && [...rows].every((r) => r.dataset.done === 'true');
    },
    null,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** Sets the agent's pace for one conversation (clears earlier faults first). */
export async function pace(servers, conversation, ms) {
  await fault(servers.emulator, servers.adminKey, null);
  await fault(servers.emulator, servers.adminKey, {
    kind: 'slow_agent',
    delta_interval_ms: ms,
    conversation_id: conversation,
  });
}

/** Drops the conversation's open connections the way a network drop does, with the probe
 * message (sent by the page's `__bench.replaySend()`) as the last thing through: the events
 * stream and the session socket each deliver its acknowledgement (`user.message.received`) and
 * then end without a close frame (the emulator's `drop_sse` and `drop_ws` faults after 1 more
 * event, both claimed by the open connections as they are armed, before the probe is sent), so
 * the agent's reply is written while the widget is disconnected.
 *
 * The one place that says how a reconnect is forced. To use a fault that closes every
 * connection at once instead, arm it, wait until the page saw the drop, then send (the widget
 * queues a message written while it reconnects):
 *   await fault(servers.emulator, servers.adminKey, { kind: …, conversation_id: conversation });
 *   await page.waitForFunction(() => window.__bench.replay.dropSeen > 0);
 *   await page.evaluate(() => window.__bench.replaySend()); */
export async function dropConnections(servers, conversation, page) {
  for (const kind of ['drop_sse', 'drop_ws']) {
    await fault(servers.emulator, servers.adminKey, { kind, after_events: 1, conversation_id: conversation });
  }
  await page.evaluate(() => window.__bench.replaySend());
}

/** Fills the transcript through the real path to at least `target` messages: `/echo fill i`
 * sent with the handle's `send()` (a user and an agent message each), the agent unpaced, then
 * waits until every reply is complete. Returns how many messages are shown and how long it took. */
export async function fillTo(page, servers, conversation, target) {
  await pace(servers, conversation, 0);
  const have = await page.evaluate(() => window.__bench.messageCount());
  const pairs = Math.max(0, Math.ceil((target - have) / 2));
  const t0 = Date.now();
  await page.evaluate((pairs) => {
    // Fill messages are sent in slices so the page stays responsive while they stream back.
    let i = 0;
    const slice = () => {
      for (const end = Math.min(pairs, i + 100); i < end; i += 1) {
        window.__bench.handle.send(`/echo fill ${i}`);
      }
      if (i < pairs) setTimeout(slice, 0);
    };
    slice();
  }, pairs);
  await page.waitForFunction((t) => window.__bench.messageCount() >= t, target, {
    timeout: 600_000,
    polling: 500,
  });
  await agentIdle(page, 120_000);
  const messages = await page.evaluate(() => window.__bench.messageCount());
  return { messages, fill_ms: Date.now() - t0 };
}

/** CDP: garbage-collect, then the JS heap in use and the wasm memory size, in bytes. */
export async function memory(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__bench.wasmMemory?.buffer.byteLength ?? null);
  return { js_heap_used: heap.usedSize, js_heap_total: heap.totalSize, wasm_memory: wasm };
}

/** CDP: main-thread task time so far (seconds), from Performance.getMetrics. */
export async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? 0;
  return { task: get('TaskDuration'), script: get('ScriptDuration'), layout: get('LayoutDuration'), style: get('RecalcStyleDuration') };
}

export { deadline };
