// The browser benchmarks, in headless Chromium against the token server and the emulator.
// usage: node xtask/bench/browser.mjs <streaming|transcript|load|replay> <out.json>
// Raw samples only: `cargo xtask bench` computes the percentiles and medians.
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchChromium } from '../../tests/e2e/support/browser.mjs';
import { env } from './lib/http.mjs';
import { watchDeltas } from './lib/sse.mjs';
import { TRACE_CATEGORIES, mainThreadTasks } from './lib/trace.mjs';
import { startProfile, summarise } from './lib/profile.mjs';
import {
  agentIdle, conversationId, dropConnections, fillTo, memory, openWidget, pace, taskSeconds, warmUp,
  warmUpWith,
} from './lib/page.mjs';

const servers = {
  server: env('OPERATOR_CHAT_BENCH_SERVER'),
  emulator: env('OPERATOR_CHAT_BENCH_EMULATOR'),
  adminKey: env('OPERATOR_CHAT_BENCH_ADMIN_KEY'),
};
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 10);

/** Agent paces: nominal rate × SECONDS deltas each. The emulator keeps deltas on a schedule
 * (fractional milliseconds allowed), so 0.5 ms is 2,000/s on average; 0 means unpaced (a burst, as
 * fast as it produces them). Replies are words `wK` in paragraphs of PARAGRAPH words, like a long
 * answer; one row streams a single unbroken paragraph for comparison. */
const PARAGRAPH = 50;
/** Before the markdown pace: a markdown reply of 20 sections (every construct), so that pace,
 * like the plain-text ones after `/echo warm-up`, measures code and layouts that have run
 * before. The pace `first on the page` has no such warm-up: it shows what the first reply with
 * headings, lists, code blocks and tables costs. */
const MARKDOWN_WARMUP_DELTAS = 340;
const MARKDOWN_WARMUP = `/markdown ${MARKDOWN_WARMUP_DELTAS}`;
const RATES = [
  { label: 'nominal 50/s', interval_ms: 20, deltas: 50 * SECONDS, paragraph: PARAGRAPH },
  { label: 'nominal 500/s', interval_ms: 2, deltas: 500 * SECONDS, paragraph: PARAGRAPH },
  { label: 'nominal 500/s, one paragraph', interval_ms: 2, deltas: 500 * SECONDS, paragraph: null },
  { label: 'nominal 500/s, markdown', interval_ms: 2, deltas: 500 * SECONDS, markdown: true, warmup: MARKDOWN_WARMUP },
  { label: 'nominal 500/s, markdown, first on the page', interval_ms: 2, deltas: 500 * SECONDS, markdown: true, first: true },
  { label: 'nominal 2,000/s', interval_ms: 0.5, deltas: 2000 * SECONDS, paragraph: PARAGRAPH },
  { label: 'unpaced burst', interval_ms: 0, deltas: 2000 * SECONDS, paragraph: PARAGRAPH },
];

/** The command a pace sends: `/markdown n` (headings, bold, links, code, lists, code blocks
 * and tables, each delta carrying its marker `wK`: see the emulator's markdown.rs), else
 * `/stream n [paragraph]`. */
const command = (rate, n) => (rate.markdown ? `/markdown ${n}` : rate.paragraph ? `/stream ${n} ${rate.paragraph}` : `/stream ${n}`);

/** Whether the shown text is the whole reply: for `/stream`, exactly its text; for markdown
 * (shown formatted, so its text is not the source), every marker w1…wN once, in order. */
function complete(rate, n, text) {
  if (!rate.markdown) return text === expectedText(n, rate.paragraph);
  const markers = [...text.matchAll(/w(\d+)/g)].map((m) => Number(m[1]));
  return markers.length === n && markers.every((k, i) => k === i + 1);
}

/** The text `/stream n [paragraph]` replies with (see the emulator's script.rs). */
const expectedText = (n, paragraph) =>
  Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    if (k === n) return `w${k}`;
    return paragraph && k % paragraph === 0 ? `w${k}\n\n` : `w${k} `;
  }).join('');

async function streamRun(browser, rate) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await openWidget(page, servers.server);
    await warmUp(page);
    const conversation = await conversationId(page);
    await pace(servers, conversation, rate.interval_ms);
    const n = rate.deltas;
    // The second reader counts from the last `w1` and stops at `wN`: a replayed warm-up must
    // not reach `wN`.
    if (rate.warmup && n <= MARKDOWN_WARMUP_DELTAS) {
      throw new Error(`${rate.label}: ${n} deltas, not more than the warm-up's ${MARKDOWN_WARMUP_DELTAS} (raise BENCH_STREAM_SECONDS)`);
    }
    if (rate.warmup) await warmUpWith(page, rate.warmup);
    const eventsUrl = await page.evaluate(() => window.__bench.eventsUrls.at(-1));
    const watcher = watchDeltas(eventsUrl, n);
    const limitMs = Math.max(60_000, n * Math.max(rate.interval_ms, 1) * 4);
    const timedOut = await page
      .evaluate(
        async ({ n, limitMs, sent }) => {
          const B = window.__bench;
          B.resetStream(n);
          B.handle.send(sent);
          const limit = new Promise((r) => setTimeout(() => r(true), limitMs));
          return Promise.race([B.untilPainted(n).then(() => false), limit]);
        },
        { n, limitMs, sent: command(rate, n) },
      );
    if (!timedOut) await agentIdle(page);
    const r = await page.evaluate((n) => {
      const B = window.__bench;
      B.stopTicking();
      const latencies = [];
      // Frames to paint: rendering steps (rAF callbacks, stamped when they ran) after the
      // delta's arrival up to its paint; 1 = painted in the first frame after it arrived.
      const frameRuns = B.frameRuns;
      const framesToPaint = [];
      let f = 0;
      let missing = 0;
      let unpainted = 0;
      let first = Infinity;
      let last = 0;
      for (let k = 1; k <= n; k += 1) {
        const a = B.arrivals[k];
        const p = B.painted[k];
        if (a === 0) missing += 1;
        else {
          first = Math.min(first, a);
          last = Math.max(last, a);
        }
        if (p === 0) unpainted += 1;
        if (a > 0 && p > 0) {
          latencies.push(p - a);
          while (f < frameRuns.length && frameRuns[f] <= a) f += 1;
          let g = f;
          while (g < frameRuns.length && frameRuns[g] <= p) g += 1;
          framesToPaint.push(g - f);
        }
      }
      const lastPaint = Math.max(...B.painted);
      const longtasks = B.longtasks.filter(([s, d]) => s + d >= first && s <= lastPaint);
      // When each began, from the first delta's arrival (ms).
      const longtaskStarts = longtasks.map(([s]) => Math.max(0, s - first));
      const frames = B.frames.filter((t) => t >= first && t <= lastPaint);
      const intervals = frames.slice(1).map((t, i) => t - frames[i]);
      return {
        text: B.lastAgentText(),
        latencies_ms: latencies,
        frames_to_paint: framesToPaint,
        missing,
        unpainted,
        arrival_span_ms: last - first,
        longtask_count: longtasks.length,
        longtask_total_ms: longtasks.reduce((a, [, d]) => a + d, 0),
        longtask_max_ms: longtasks.reduce((a, [, d]) => Math.max(a, d), 0),
        longtask_starts_ms: longtaskStarts,
        frame_intervals_ms: intervals,
      };
    }, n);
    const textOk = complete(rate, n, r.text);
    const achieved = r.arrival_span_ms > 0 ? ((n - r.missing - 1) / r.arrival_span_ms) * 1000 : null;
    watcher.stop();
    const wire = await watcher.done;
    const wireSpan = wire.last - wire.first;
    const emitted = wireSpan > 0 ? ((wire.count - 1) / wireSpan) * 1000 : null;
    delete r.text;
    return {
      ...rate, timed_out: timedOut, text_ok: textOk, achieved_per_s: achieved, emitted_per_s: emitted, ...r,
    };
  } finally {
    await context.close();
  }
}

async function streaming(browser) {
  const out = [];
  for (let run = 0; run < RUNS; run += 1) {
    for (const rate of RATES) {
      const r = await streamRun(browser, rate);
      out.push({ run, ...r });
      const lat = [...r.latencies_ms].sort((a, b) => a - b);
      const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1) : '-');
      console.log(`streaming: run ${run + 1} ${rate.label} (${rate.interval_ms} ms): emitted `
        + `${r.emitted_per_s?.toFixed(0)}/s, received ${r.achieved_per_s?.toFixed(0)}/s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, `
        + `${r.longtask_count} long tasks, text ${r.text_ok ? 'complete' : 'WRONG'}`
        + `${r.timed_out ? ' (TIMED OUT)' : ''}`);
    }
  }
  return out;
}

async function transcriptRun(browser, checkpoints, probes, probeDeltas) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await openWidget(page, servers.server);
    await warmUp(page);
    const conversation = await conversationId(page);
    const out = [];
    for (const target of checkpoints) {
      const { messages, fill_ms: fillMs } = await fillTo(page, servers, conversation, target);
      const mem = await memory(page, cdp);
      await pace(servers, conversation, 10);
      const samples = [];
      for (let p = 0; p < probes; p += 1) {
        const before = await taskSeconds(cdp);
        const r = await page.evaluate((n) => window.__bench.probe(n), probeDeltas);
        await agentIdle(page);
        const after = await taskSeconds(cdp);
        samples.push({
          ...r,
          main_thread_ms: (after.task - before.task) * 1000,
          script_ms: (after.script - before.script) * 1000,
          layout_style_ms: (after.layout - before.layout + after.style - before.style) * 1000,
          events: probeDeltas + 2,
        });
      }
      out.push({ target, messages, fill_ms: fillMs, ...mem, probes: samples });
      console.log(`transcript: ${messages} messages (filled in ${(fillMs / 1000).toFixed(1)} s): `
        + `JS heap ${(mem.js_heap_used / 1e6).toFixed(1)} MB, wasm ${(mem.wasm_memory / 1e6).toFixed(1)} MB`);
    }
    return out;
  } finally {
    await context.close();
  }
}

async function transcript(browser) {
  const checkpoints = (process.env.BENCH_TRANSCRIPT ?? '50,500,5000').split(',').map(Number);
  const runs = Number(process.env.BENCH_TRANSCRIPT_RUNS ?? Math.min(RUNS, 2));
  const out = [];
  for (let run = 0; run < runs; run += 1) {
    out.push({ run, checkpoints: await transcriptRun(browser, checkpoints, 8, 20) });
  }
  return out;
}

/** One reconnect at the transcript's current length: with the agent idle, a probe
 * `/echo <token> live` is the last event through before the connections drop (see
 * `dropConnections`), its reply is written while the widget reconnects, and the widget's path
 * from the new connection to the reply's first delta painted is traced (main-thread tasks) and
 * watched (rows shown before the drop). Measured again if the new connection drops too. */
async function reconnectOnce(browser, page, conversation, token, how = TRACED) {
  for (let attempt = 1; ; attempt += 1) {
    const r = await reconnectAttempt(browser, page, conversation, `${token}a${attempt}`, how);
    if (!r.redropped) return { ...r, attempts: attempt };
    console.log(`replay: ${token}: the new connection dropped too, measuring again`);
    if (attempt === 3) throw new Error(`replay: ${token}: the new connection dropped ${attempt} times`);
  }
}

/** How a reconnect is watched: traced (main-thread tasks from a Chromium trace, then the same
 * replay into an empty listener), untraced (as a visitor's browser runs it: long tasks from
 * the Long Tasks API only), or under the CPU profiler (`cdp`). */
const TRACED = { trace: true, cdp: null };
const UNTRACED = { trace: false, cdp: null };

async function reconnectAttempt(browser, page, conversation, token, { trace: traced, cdp }) {
  await pace(servers, conversation, 0); // clears any fault left from the last reconnect
  await page.waitForFunction(() => window.__bench.state === 'open', null, { timeout: 30_000, polling: 20 });
  await agentIdle(page);
  // Past the widget's 2 s "stable" mark, so every reconnect starts from the first backoff step.
  await page.waitForTimeout(2_100);
  // Profiled (CPU samples instead of a trace) when a CDP session is given.
  const stopProfile = cdp ? await startProfile(cdp) : null;
  if (traced) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  let trace;
  let profile;
  try {
    await page.evaluate((t) => window.__bench.replayArm(t), token);
    await dropConnections(servers, conversation, page);
    await page.waitForFunction(
      () => window.__bench.replay.live > 0 || window.__bench.replay.redropped,
      null,
      { timeout: 300_000, polling: 20 },
    );
  } finally {
    if (stopProfile) profile = await stopProfile();
    if (traced) trace = await browser.stopTracing();
  }
  // Rows are watched until the reply is complete, so late re-rendering is seen too.
  if (!(await page.evaluate(() => window.__bench.replay.redropped))) await agentIdle(page, 120_000);
  const r = await page.evaluate(() => window.__bench.replayResult());
  if (r.redropped) return r;
  if (profile) return { ...r, profile };
  if (!traced) return { ...r, traced: false, fetch_floor: await replayFetchFloor(page) };
  const tasks = mainThreadTasks(trace, 'replay:reconnect', 'replay:live');
  return { ...r, trace: tasks, baseline: await replayBaseline(browser, page) };
}

/** The same replay read with a bare `fetch()` that only counts frames
 * (`__bench.replayFetchFloor`), untraced: the floor of the widget's transport. */
async function replayFetchFloor(page) {
  await page.waitForTimeout(500);
  return page.evaluate(
    () => window.__bench.replayFetchFloor(window.__bench.eventsUrls.at(-1), window.__bench.lastStream.frames),
  );
}

/** The same replay into an empty `EventSource` listener (`__bench.replayBaseline`), traced the
 * same way: what Chromium alone spends parsing and dispatching the frames as events, the floor
 * of a transport built on `EventSource` (the widget's former one). */
async function replayBaseline(browser, page) {
  const { url, frames } = await page.evaluate(() => ({
    url: window.__bench.eventsUrls.at(-1),
    frames: window.__bench.lastStream.frames,
  }));
  await page.waitForTimeout(500);
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  let trace;
  let r;
  try {
    r = await page.evaluate(({ url, frames }) => window.__bench.replayBaseline(url, frames), { url, frames });
  } finally {
    trace = await browser.stopTracing();
  }
  return { ...r, trace: mainThreadTasks(trace, 'baseline:open', 'baseline:done') };
}

/** `BENCH_REPLAY_PROFILE=<dir>`: after the measured reconnects at each size, one more under
 * V8's CPU profiler (not traced, not counted in the results), written to
 * `<dir>/replay-<messages>.cpuprofile` (DevTools opens it) and summarised on stdout: self time
 * by kind (`(program)` is Blink's own work: parsing the stream, dispatching events) and by
 * function. Wasm functions have names only in a package that kept them: built with
 * `CARGO_PROFILE_WASM_RELEASE_STRIP=none`, then `wasm-bindgen --keep-debug` and `wasm-opt`
 * with `--debuginfo` and without `--strip-debug` (the bench serves `target/bench/pkg`). */
const PROFILE_DIR = process.env.BENCH_REPLAY_PROFILE;

async function profileReconnect(browser, page, conversation, token, messages) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const r = await reconnectOnce(browser, page, conversation, token, { trace: false, cdp });
    mkdirSync(PROFILE_DIR, { recursive: true });
    const file = `${PROFILE_DIR}/replay-${messages}.cpuprofile`;
    writeFileSync(file, JSON.stringify(r.profile));
    const ms = (x) => x.toFixed(1).padStart(8);
    const show = (s) => {
      for (const [k, t] of s.kinds) console.log(`  ${ms(t)} ms  ${k}`);
      for (const [f, t] of s.functions) console.log(`  ${ms(t)} ms  ${f}`);
    };
    const s = summarise(r.profile);
    console.log(`replay profile: ${messages} messages, reconnect → live ${r.reconnect_to_live_ms.toFixed(1)} ms `
      + `(${r.frames_before_live} frames first), ${s.total_ms.toFixed(1)} ms sampled: ${file}`);
    show(s);
    // The same replay into an empty listener, profiled the same way.
    const { url, frames } = await page.evaluate(() => ({
      url: window.__bench.eventsUrls.at(-1),
      frames: window.__bench.lastStream.frames,
    }));
    await page.waitForTimeout(500);
    const stop = await startProfile(cdp);
    const b = await page.evaluate(({ url, frames }) => window.__bench.replayBaseline(url, frames), { url, frames });
    const baseline = await stop();
    const floorFile = `${PROFILE_DIR}/replay-${messages}-empty-listener.cpuprofile`;
    writeFileSync(floorFile, JSON.stringify(baseline));
    const f = summarise(baseline, -Infinity, Infinity, 12);
    console.log(`replay profile: the same replay into an empty listener: ${b.frames} frames in `
      + `${b.open_to_last_frame_ms.toFixed(1)} ms, ${f.total_ms.toFixed(1)} ms sampled: ${floorFile}`);
    show(f);
  } finally {
    await cdp.detach();
  }
}

async function replayRun(browser, run, sizes, reconnects, untraced) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await openWidget(page, servers.server);
    // Replayed frames are told apart by id from here on (the few before go the slow way).
    await page.evaluate(() => { window.__bench.trackIds = true; });
    await warmUp(page);
    const conversation = await conversationId(page);
    const out = [];
    for (const target of sizes) {
      const { messages, fill_ms: fillMs } = await fillTo(page, servers, conversation, target);
      const samples = [];
      for (let i = 0; i < reconnects; i += 1) {
        const r = await reconnectOnce(browser, page, conversation, `replay${run}n${target}i${i}`);
        samples.push(r);
        if (i < untraced) {
          const u = await reconnectOnce(browser, page, conversation, `replay${run}n${target}u${i}`, UNTRACED);
          samples.push(u);
          console.log(`replay: ${messages} messages, untraced reconnect ${i + 1}: reconnect → live `
            + `${u.reconnect_to_live_ms.toFixed(1)} ms (${u.frames_before_live} frames first), `
            + `${u.longtask_count} long tasks (Long Tasks API), longest ${u.longtask_max_ms.toFixed(1)} ms, `
            + `rows re-rendered ${u.rows_rerendered}, rows added ${u.rows_after - u.rows_before}; `
            + `fetch() stream: ${u.fetch_floor.frames} frames in ${u.fetch_floor.chunks} chunks, `
            + `${u.fetch_floor.open_to_last_frame_ms.toFixed(1)} ms, ${u.fetch_floor.longtask_count} long tasks`);
        }
        console.log(`replay: ${messages} messages, reconnect ${i + 1}: `
          + `drop → reconnect ${r.drop_to_reconnect_ms.toFixed(0)} ms, reconnect → live `
          + `${r.reconnect_to_live_ms.toFixed(1)} ms (${r.frames_before_live} frames first), main thread `
          + `${r.trace ? r.trace.task_ms.toFixed(1) : '?'} ms, longest task `
          + `${r.trace ? r.trace.longest_task_ms.toFixed(1) : '?'} ms, rows re-rendered ${r.rows_rerendered}, `
          + `rows added ${r.rows_after - r.rows_before}${r.connects > 2 ? `, ${r.connects} connects` : ''}; `
          + `empty listener: ${r.baseline.frames} frames in ${r.baseline.open_to_last_frame_ms.toFixed(1)} ms, main thread `
          + `${r.baseline.trace ? r.baseline.trace.task_ms.toFixed(1) : '?'} ms, longest task `
          + `${r.baseline.trace ? r.baseline.trace.longest_task_ms.toFixed(1) : '?'} ms`);
      }
      if (PROFILE_DIR) await profileReconnect(browser, page, conversation, `replay${run}n${target}p`, messages);
      out.push({ target, messages, fill_ms: fillMs, reconnects: samples });
    }
    return out;
  } finally {
    await context.close();
  }
}

async function replay(browser) {
  const sizes = (process.env.BENCH_REPLAY ?? '50,500,5000').split(',').map(Number);
  const reconnects = Number(process.env.BENCH_REPLAY_RECONNECTS ?? 3);
  // Each traced reconnect is followed by an untraced one (up to this many per size).
  const untraced = Number(process.env.BENCH_REPLAY_UNTRACED ?? reconnects);
  const runs = Number(process.env.BENCH_REPLAY_RUNS ?? 1);
  const out = [];
  for (let run = 0; run < runs; run += 1) {
    out.push({ run, sizes: await replayRun(browser, run, sizes, reconnects, untraced) });
  }
  return out;
}

async function loadOnce(page) {
  await openWidget(page, servers.server);
  return page.evaluate(() => {
    const B = window.__bench;
    const res = performance.getEntriesByType('resource');
    const end = (re) => res.find((e) => re.test(e.name))?.responseEnd ?? null;
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      ready_ms: B.stateAt.open,
      token_ms: end(/\/operator\/session/),
      wasm_ms: end(/\.wasm/),
      dom_content_loaded_ms: nav?.domContentLoadedEventEnd ?? null,
      transferred_bytes: res.reduce((a, e) => a + (e.transferSize ?? 0), 0) + (nav?.transferSize ?? 0),
    };
  });
}

async function load(browser) {
  const runs = Number(process.env.BENCH_LOAD_RUNS ?? 5);
  const cold = [];
  for (let i = 0; i < runs; i += 1) {
    const context = await browser.newContext();
    try {
      cold.push(await loadOnce(await context.newPage()));
    } finally {
      await context.close();
    }
  }
  const warm = [];
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await loadOnce(page);
    for (let i = 0; i < runs; i += 1) warm.push(await loadOnce(page));
  } finally {
    await context.close();
  }
  for (const [name, xs] of [['cold', cold], ['warm', warm]]) {
    console.log(`load: ${name}: ready at ${xs.map((x) => x.ready_ms.toFixed(0)).join(', ')} ms`);
  }
  return { cold, warm };
}

const PHASES = { streaming, transcript, load, replay };
const [phase, out] = process.argv.slice(2);
if (!PHASES[phase] || !out) {
  console.error('usage: node xtask/bench/browser.mjs <streaming|transcript|load|replay> <out.json>');
  process.exit(2);
}
const browser = await launchChromium();
try {
  const result = await PHASES[phase](browser);
  writeFileSync(out, JSON.stringify(result));
} finally {
  await browser.close();
}
