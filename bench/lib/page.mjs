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
