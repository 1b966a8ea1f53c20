// `cargo xtask bench embed`: a content page in headless Chromium with 4× CPU throttling, each
// widget embedded its documented way (ours and the peers, in one run), and what each costs the
// page. usage: node xtask/bench/embed.mjs <out.json>   (the token server from the environment)
//
// Per widget and run, two page loads, each in a new browser context (empty cache):
// - passive (traced): bytes fetched before `load` and in the AFTER_MS after it (CDP Network:
//   encodedDataLength, and brotli -11 of the same bodies), main-thread time and blocking time
//   before `load` and after it (the Chromium trace's tasks), LCP, layout shifts; nothing polls
//   the page meanwhile (a per-frame poll would cost the main thread); then, after that window
//   (the idle preload has had its chance), a click on the launcher and the time until the
//   composer is focusable;
// - cold (untraced): when the launcher first shows (polled every frame), clicked at once, and
//   the time until the composer is focusable (an inline widget: when its composer is).
// The page alone (no widget) is loaded the same way in the same run. Raw samples only: the
// Rust side takes medians and subtracts the page alone.
//
// Only loopback is reached: every request and WebSocket to another host is aborted by
// Playwright routing and counted (blocked requests), and Chromium resolves no host name but
// localhost. Environment: BENCH_EMBED_RUNS (5), BENCH_EMBED_CPU (4), BENCH_EMBED_AFTER_MS
// (5000), BENCH_EMBED_CLICK_TIMEOUT_MS (10000), BENCH_EMBED_WIDGETS (ids, comma-separated;
// the page alone always runs).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../tests/e2e/support/browser.mjs';
import { env } from './lib/http.mjs';
import { TRACE_CATEGORIES, threadTasks } from './lib/trace.mjs';
import { articleHtml, ARTICLE_CSS, heroPng } from './embed/article.mjs';
import { startServer } from './embed/server.mjs';
import { widgets as allWidgets } from './embed/widgets.mjs';

const RUNS = Number(process.env.BENCH_EMBED_RUNS ?? 5);
const CPU = Number(process.env.BENCH_EMBED_CPU ?? 4);
const AFTER_MS = Number(process.env.BENCH_EMBED_AFTER_MS ?? 5000);
const CLICK_TIMEOUT_MS = Number(process.env.BENCH_EMBED_CLICK_TIMEOUT_MS ?? 10_000);
const ONLY = process.env.BENCH_EMBED_WIDGETS?.split(',').map((s) => s.trim()).filter(Boolean);
const VIEWPORT = { width: 1280, height: 720 };
/** Long tasks: over 50 ms; blocking time is what a task runs past that. */
const LONG_TASK_MS = 50;
/** No name resolves but localhost (defence in depth: routing aborts them first). */
const HOST_RULES = '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');
const upstream = env('OPERATOR_CHAT_BENCH_SERVER');
const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node xtask/bench/embed.mjs <out.json>');
  process.exit(2);
}

const isLoopback = (u) => u.hostname === 'localhost' || u.hostname === '[::1]' || /^127\./.test(u.hostname);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The article's files and the Botpress bundle, written under `<out dir>/embed-site/`. */
async function buildSite() {
  const site = join(dirname(out), 'embed-site');
  mkdirSync(join(site, 'article'), { recursive: true });
  writeFileSync(join(site, 'article', 'hero.png'), heroPng());
  writeFileSync(join(site, 'article', 'article.css'), ARTICLE_CSS);
  const esbuild = await import(join(modules, 'esbuild', 'lib', 'main.js')).then((m) => m.default ?? m);
  await esbuild.build({
    entryPoints: [join(here, 'embed', 'botpress.jsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    jsx: 'automatic',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    nodePaths: [modules],
    outdir: join(site, 'bundles'),
    logLevel: 'warning',
  });
  return site;
}

/** A new context and page with the instrumentation, CPU throttling, network accounting and
 * non-loopback traffic blocked. */
async function openPage(browser, w, { pollFromStart }) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const blocked = [];
  await context.route((u) => !isLoopback(u), (route) => {
    blocked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  await context.routeWebSocket((u) => !isLoopback(u), (ws) => {
    blocked.push(ws.url());
    return ws.close();
  });
  const config = {
    launcher: w.launcher ?? null,
    composer: w.composer ?? null,
    hosts: w.hosts ?? [],
    inline: Boolean(w.inline),
    giveUpAfterLoadMs: AFTER_MS,
    composerTimeoutMs: CLICK_TIMEOUT_MS,
    pollFromStart,
  };
  await context.addInitScript(`window.__EMBED_CONFIG__ = ${JSON.stringify(config)};\n${INSTRUMENT}`);
  // A signed-in visitor: the token server's demo cookie (for 127.0.0.1, so it reaches the
  // session endpoint through this server), as its own pages set it.
  await context.request.get(`${server.url}/demo/login?fresh=1`);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e.message ?? e).slice(0, 160)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text().slice(0, 160));
  });
  const cdp = await context.newCDPSession(page);
  const requests = new Map();
  let loadTs = null;
  cdp.on('Network.requestWillBeSent', (e) => {
    requests.set(e.requestId, {
      url: e.request.url, method: e.request.method, start: e.timestamp, initiator: e.initiator,
    });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, encoded: e.encodedDataLength });
  });
  cdp.on('Network.loadingFailed', (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { end: e.timestamp, failed: e.errorText });
  });
  cdp.on('Page.loadEventFired', (e) => {
    loadTs ??= e.timestamp;
  });
  await cdp.send('Network.enable');
  await cdp.send('Page.enable');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU });
  return { context, page, blocked, errors, requests, loadTs: () => loadTs };
}

const INSTRUMENT = readFileSync(join(here, 'embed', 'instrument.js'), 'utf8');

/** The entry script and its static imports, as absolute URLs: requests whose initiator is a
 * module of the set without a call stack (a dynamic import or a fetch has one). */
function moduleGraph(entryUrl, requests) {
  const graph = new Set([entryUrl]);
  for (let grew = true; grew;) {
    grew = false;
    for (const r of requests.values()) {
      const i = r.initiator;
      if (!graph.has(r.url) && i?.type === 'script' && !i.stack && graph.has(i.url)) {
        graph.add(r.url);
        grew = true;
      }
    }
  }
  return [...graph];
}

/** What the page recorded (page time, ms since navigation start). `script_end_ms`: the entry
 * script's `responseEnd`; `script_ready_ms`: when it had arrived, the latest `responseEnd` of it
 * and its static imports (see `moduleGraph`); `script_run_ms`: when it could run, which for a
 * deferred script (a module or `defer`, not `async`, also an inline module that imports the
 * entry) is not before the document is parsed (`domInteractive`), as HTML runs them only then. */
function collect(p, entry) {
  const entryUrl = entry ? new URL(entry, p.page.url()).href : null;
  const graph = entryUrl ? moduleGraph(entryUrl, p.requests) : [];
  return p.page.evaluate(({ entryUrl, graph }) => {
    const E = window.__embed;
    const resources = performance.getEntriesByType('resource');
    const end = (url) => resources.find((e) => e.name === url)?.responseEnd ?? null;
    const ends = graph.map(end).filter((t) => t != null);
    const ready = ends.length ? Math.max(...ends) : null;
    const scripts = [...document.scripts];
    const tag = scripts.find((s) => s.src === entryUrl);
    const deferred = tag
      ? !tag.async && (tag.type === 'module' || tag.defer)
      : scripts.some((s) => !s.src && s.type === 'module' && !s.async);
    const interactive = performance.getEntriesByType('navigation')[0]?.domInteractive ?? null;
    return {
      load_ms: E.loadAt,
      load_mark_ms: E.loadMarkAt,
      fcp_ms: E.paints['first-contentful-paint'] ?? null,
      lcp: E.lcp.at(-1) ?? null,
      lcp_candidates: E.lcp.length,
      shifts: E.shifts,
      script_end_ms: entryUrl ? end(entryUrl) : null,
      script_ready_ms: ready,
      script_deferred: deferred,
      dom_interactive_ms: interactive,
      script_run_ms: ready != null && deferred && interactive != null ? Math.max(ready, interactive) : ready,
      script_graph: graph.length,
      launcher_ms: E.launcherAt,
      launcher_box: E.launcherBox,
      composer_ms: E.composerAt,
      pointer_ms: E.pointerAt,
      launcher_gave_up: E.launcherGaveUp,
      composer_gave_up: E.composerGaveUp,
    };
  }, { entryUrl, graph });
}

/** The page's own files (not the widget's): the document, /article/, the favicon. */
const pageOwned = (w, path) => path === `/${w.id}.html` || path.startsWith('/article/') || path === '/favicon.ico';

/** Bytes of the widget's requests that finished before `load` and in the AFTER_MS after it. */
function bytes(w, requests, loadTs, sizeOf) {
  const sum = () => ({ requests: 0, wire: 0, raw: 0, brotli: 0, files: [] });
  const before = sum();
  const after = sum();
  for (const r of requests.values()) {
    const u = new URL(r.url);
    if (!u.protocol.startsWith('http') || !isLoopback(u) || r.failed || r.end == null) continue;
    if (pageOwned(w, u.pathname)) continue;
    const into = r.end <= loadTs ? before : r.end <= loadTs + AFTER_MS / 1000 ? after : null;
    if (!into) continue;
    const size = sizeOf(u.pathname);
    into.requests += 1;
    into.wire += r.encoded ?? 0;
    into.raw += size?.raw ?? 0;
    into.brotli += size?.brotli ?? 0;
    into.files.push({ path: `${r.method === 'GET' ? '' : `${r.method} `}${u.pathname}`, wire: r.encoded ?? 0, brotli: size?.brotli ?? null });
  }
  return { before_load: before, after_load: after };
}

/** Main-thread time and blocking time from the trace, in windows of page time: before `load`
 * (navigation start → the load event), after it (load → load + AFTER_MS). Blocking time counts
 * the tasks that start in those same windows, so that a page with a widget and the page alone
 * are compared over the same work: the article alone often fires `load` before its first paint,
 * so an FCP→`load` window is empty on it while the widget (which paints earlier by delaying
 * `load`) gets the article's own parse and layout tasks counted in its window. FCP→`load` is
 * kept in the JSON (`tbt_fcp_to_load_ms`), not compared. */
function mainThread(buffer, loadMarkMs, fcpMs) {
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  const mark = events.find((e) => e.name === 'embed:load' && e.cat?.includes('blink.user_timing'));
  if (!mark || loadMarkMs == null) return null;
  const origin = mark.ts - loadMarkMs * 1000; // trace µs of page time 0
  const tasks = threadTasks(events.sort((x, y) => x.ts - y.ts), mark.pid, mark.tid)
    .map(([s, e]) => [(s - origin) / 1000, (e - origin) / 1000]);
  const covered = (a, b) => {
    let sum = 0;
    let reach = a;
    for (const [s, e] of tasks) {
      const lo = Math.max(s, reach);
      const hi = Math.min(e, b);
      if (hi > lo) sum += hi - lo;
      reach = Math.max(reach, hi);
    }
    return sum;
  };
  const blocking = (a, b) => tasks
    .filter(([s]) => s >= a && s < b)
    .reduce((sum, [s, e]) => sum + Math.max(0, e - s - LONG_TASK_MS), 0);
  const load = loadMarkMs;
  const end = load + AFTER_MS;
  return {
    before_load_ms: covered(0, load),
    after_load_ms: covered(load, end),
    tbt_to_load_ms: blocking(0, load),
    tbt_fcp_to_load_ms: blocking(fcpMs ?? 0, load),
    tbt_after_load_ms: blocking(load, end),
    long_tasks: tasks.filter(([s, e]) => e - s > LONG_TASK_MS && s < end).map(([s, e]) => [s, e - s]),
  };
}

/** Waits until the page's clock reads `t` (few evaluations: the page is being measured). */
async function untilPageTime(page, t) {
  for (;;) {
    const now = await page.evaluate(() => performance.now());
    if (now >= t) return;
    await sleep(Math.min(t - now, 1000));
  }
}

/** Clicks the launcher's centre (a real pointer: move, down, up) and waits for the composer. */
async function clickToComposer(page) {
  const centre = await page.evaluate(() => window.__embed.launcherCentre());
  if (!centre) return { clicked: false };
  await page.mouse.click(centre.x, centre.y);
  await page.waitForFunction(
    () => window.__embed.composerAt != null || window.__embed.composerGaveUp,
    null,
    { timeout: CLICK_TIMEOUT_MS * 4 + 30_000, polling: 100 },
  );
  const r = await page.evaluate(() => ({ pointer: window.__embed.pointerAt, composer: window.__embed.composerAt }));
  return {
    clicked: true,
    click_to_composer_ms: r.composer != null && r.pointer != null ? r.composer - r.pointer : null,
  };
}

async function passiveRun(browser, w, url, sizeOf) {
  const p = await openPage(browser, w, { pollFromStart: false });
  try {
    await browser.startTracing(p.page, { categories: TRACE_CATEGORIES });
    let trace;
    let r;
    try {
      await p.page.goto(url, { waitUntil: 'load', timeout: 180_000 });
      const loadAt = await p.page.evaluate(() => window.__embed.loadAt);
      await untilPageTime(p.page, loadAt + AFTER_MS + 100);
      r = await collect(p, w.entry);
    } finally {
      trace = await browser.stopTracing();
    }
    const main = mainThread(trace, r.load_mark_ms, r.fcp_ms);
    const idle = w.launcher ? await clickToComposer(p.page) : null;
    const net = bytes(w, p.requests, p.loadTs(), sizeOf);
    return {
      ...r,
      main_thread: main,
      bytes: net,
      after_idle: idle,
      blocked: [...p.blocked],
      errors: p.errors.slice(0, 5),
      error_count: p.errors.length,
    };
  } finally {
    await p.context.close();
  }
}

async function coldRun(browser, w, url) {
  const p = await openPage(browser, w, { pollFromStart: true });
  try {
    await p.page.goto(url, { waitUntil: 'commit', timeout: 180_000 });
    await p.page.waitForFunction(
      (inline) => {
        const E = window.__embed;
        return inline ? E.composerAt != null || E.composerGaveUp : E.launcherAt != null || E.launcherGaveUp;
      },
      Boolean(w.inline),
      { timeout: 180_000, polling: 'raf' },
    );
    let cold = null;
    if (!w.inline && (await p.page.evaluate(() => window.__embed.launcherAt != null))) {
      cold = await clickToComposer(p.page);
    }
    const r = await collect(p, w.entry);
    return {
      script_end_ms: r.script_end_ms,
      script_ready_ms: r.script_ready_ms,
      script_deferred: r.script_deferred,
      dom_interactive_ms: r.dom_interactive_ms,
      script_run_ms: r.script_run_ms,
      fcp_ms: r.fcp_ms,
      launcher_ms: r.launcher_ms,
      launcher_box: r.launcher_box,
      composer_ms: r.composer_ms,
      load_ms: r.load_ms,
      cold,
      blocked: [...p.blocked],
    };
  } finally {
    await p.context.close();
  }
}

const site = await buildSite();
const widgets = allWidgets(modules).filter((w) => w.kind === 'page' || !ONLY || ONLY.includes(w.id));
const pages = new Map(widgets.map((w) => [`/${w.id}.html`, articleHtml({ title: w.name, ...w })]));
const server = await startServer({
  pages,
  dirs: { '/article/': join(site, 'article'), '/bundles/': join(site, 'bundles'), '/npm/': modules },
  upstream,
});
const args = [...(process.env.OPERATOR_CHAT_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean), HOST_RULES];
const browser = await launchChromium({ args });
const results = widgets.map((w) => ({ ...w, slot: undefined, tail: undefined, head: undefined, passive: [], cold: [] }));
try {
  // One discarded load of each page first: the server's and the OS's first reads of each file
  // are not measured.
  for (const w of widgets) {
    const p = await openPage(browser, w, { pollFromStart: false });
    await p.page.goto(`${server.url}/${w.id}.html`, { waitUntil: 'load', timeout: 180_000 });
    await p.context.close();
  }
  for (let run = 0; run < RUNS; run += 1) {
    for (const [i, w] of widgets.entries()) {
      const url = `${server.url}/${w.id}.html`;
      const passive = await passiveRun(browser, w, url, server.sizeOf);
      results[i].passive.push(passive);
      const cold = w.kind === 'page' ? null : await coldRun(browser, w, url);
      if (cold) results[i].cold.push(cold);
      const ms = (x) => (x == null ? '–' : `${x.toFixed(0)} ms`);
      const from = cold && cold.script_run_ms != null ? Math.max(cold.script_run_ms, cold.fcp_ms ?? 0) : null;
      const launcher = cold && cold.launcher_ms != null && from != null ? cold.launcher_ms - from : null;
      console.log(`embed: run ${run + 1}/${RUNS} ${w.id}: load ${ms(passive.load_ms)}, LCP ${ms(passive.lcp?.t)}, `
        + `before load ${(passive.bytes.before_load.brotli / 1000).toFixed(1)} KB brotli, main thread `
        + `${ms(passive.main_thread?.before_load_ms)} + ${ms(passive.main_thread?.after_load_ms)}, TBT `
        + `${ms(passive.main_thread?.tbt_to_load_ms)} + ${ms(passive.main_thread?.tbt_after_load_ms)}`
        + (cold ? `, launcher ${ms(launcher)} after its script could run and the page painted, click → composer cold ${ms(cold.cold?.click_to_composer_ms)}, `
          + `after idle ${ms(passive.after_idle?.click_to_composer_ms)}` : '')
        + (passive.blocked.length ? `, ${passive.blocked.length} blocked` : ''));
    }
  }
} finally {
  await browser.close();
  await server.close();
}
writeFileSync(out, JSON.stringify({
  config: {
    runs: RUNS,
    cpu_throttling: CPU,
    after_load_ms: AFTER_MS,
    click_timeout_ms: CLICK_TIMEOUT_MS,
    viewport: VIEWPORT,
    long_task_ms: LONG_TASK_MS,
    chromium_args: args,
  },
  widgets: results,
}));
