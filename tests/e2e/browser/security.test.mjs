// The API key never reaches the browser, and the token server defends itself as seen from the
// browser: a refused origin, an unauthorised caller, the rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servers } from './lib/config.mjs';
import { openHost, hostHtml, HOST_PATH, newContext, sharedBrowser, channelTest } from './lib/host.mjs';
import { greetOn } from './lib/start.mjs';
import { Widget } from './lib/widget.mjs';
import { injectFault, clearFaults } from './lib/emulator.mjs';
import { expectWidgetMatchesRecord } from './lib/settle.mjs';
import { recordTraffic, tokensIn } from './lib/traffic.mjs';

const DEFAULT_EMULATOR_KEY = 'op_test_emulator_key_0123456789';

const browser = sharedBrowser();

function headerPairs(headers) {
  return Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]);
}

channelTest('no request or socket of the page carries an Authorization header, the API key, or a foreign token', { timeout: 120_000 }, async (channel) => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const traffic = await recordTraffic(page);
  const { grants, chat } = await greetOn(page);
  const conversationId = grants.conversationId;
  await chat.send('/echo one');
  await chat.waitAgentText(/^one$/);
  // Force a token refresh and a reconnect, so the page legitimately holds a second token.
  await injectFault({ kind: 'revoke_token', conversation_id: conversationId });
  await injectFault({ kind: 'drop_sse', after_events: 0, conversation_id: conversationId });
  await chat.send('/echo two, after a refresh');
  await chat.waitAgentText(/^two, after a refresh$/);
  await expectWidgetMatchesRecord(page, conversationId, { label: 'security flow' });
  await clearFaults();
  await page.waitForTimeout(200);

  const key = servers.apiKey;
  const granted = new Set(grants.tokens());
  assert.ok(granted.size >= 2, `the page was granted a second token after the revocation (${granted.size})`);
  const problems = [];
  const check = (where, text) => {
    if (text.includes(key)) problems.push(`${where} contains the API key`);
    if (text.includes(DEFAULT_EMULATOR_KEY)) problems.push(`${where} contains the emulator's default API key`);
    if (/bearer\s/i.test(text)) problems.push(`${where} contains a Bearer credential`);
    for (const t of tokensIn(text)) if (!granted.has(t)) problems.push(`${where} carries a token never granted to this page: ${t.slice(0, 8)}…`);
  };
  for (const r of traffic.requests) {
    check(`${r.method} ${r.url} (url)`, r.url);
    check(`${r.method} ${r.url} (body)`, r.postData);
    for (const [name, value] of headerPairs(r.headers)) {
      if (name === 'authorization') problems.push(`${r.method} ${r.url} has an Authorization header`);
      check(`${r.method} ${r.url} header ${name}`, value);
    }
    // Requests to Operator itself may only concern this page's conversation.
    if (r.url.startsWith(servers.emulator)) {
      const id = new URL(r.url).pathname.split('/')[2];
      if (id !== conversationId) problems.push(`${r.url} targets another conversation (${id})`);
    }
  }
  for (const h of traffic.extraHeaders) {
    for (const [name, value] of headerPairs(h.headers)) {
      if (name === 'authorization') problems.push(`a ${h.kind} request (${h.url ?? 'handshake'}) sent an Authorization header (CDP)`);
      check(`${h.kind} header ${name} (CDP)`, value);
    }
  }
  for (const s of traffic.sockets) {
    check(`WebSocket ${s.url}`, s.url);
    const id = new URL(s.url).pathname.split('/')[2];
    if (id !== conversationId) problems.push(`WebSocket ${s.url} targets another conversation`);
  }
  for (const f of traffic.frames) check(`WebSocket frame ${f.direction}`, f.payload);
  // Responses the page could read (not the endless event streams).
  let bodies = 0;
  for (const r of traffic.responses) {
    const type = (await r.res.headerValue('content-type').catch(() => '')) ?? '';
    if (type.includes('text/event-stream')) continue;
    const body = await Promise.race([r.res.body().catch(() => null), new Promise((res) => setTimeout(() => res(null), 2000))]);
    if (!body) continue;
    bodies += 1;
    if (body.includes(Buffer.from(key))) problems.push(`the response of ${r.url} contains the API key`);
  }
  assert.deepEqual(problems, [], `leaks:\n${problems.join('\n')}`);
  const emulatorRequests = traffic.requests.filter((r) => r.url.startsWith(servers.emulator)).length;
  console.log(
    `security [${channel}]: ${traffic.requests.length} requests inspected (${emulatorRequests} to Operator), ${traffic.extraHeaders.length} raw header sets (CDP), ` +
      `${traffic.sockets.filter((s) => !s.via).length} WebSockets with ${traffic.frames.length} frames, ${bodies} response bodies, ${granted.size} tokens granted; no Authorization header, no API key, no foreign token`,
  );
  await context.close();
});

async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else out.push(full);
  }
  return out;
}

test("the API key's bytes appear nowhere in the served HTML, JS or wasm", { timeout: 60_000 }, async () => {
  const key = servers.apiKey;
  const needles = [key, DEFAULT_EMULATOR_KEY].flatMap((k) => [
    Buffer.from(k, 'utf8'),
    Buffer.from(k, 'utf16le'),
    Buffer.from(Buffer.from(k).toString('base64').replace(/=+$/, '')),
  ]);
  const found = [];
  // What the demo pages load, fetched over HTTP from the token server.
  const context = await newContext(browser());
  const page = await context.newPage();
  const loaded = new Set();
  page.on('response', (r) => loaded.add(r.url()));
  const pages = ['/', '/index.html'];
  const wwwDir = fileURLToPath(new URL('../../../www', import.meta.url));
  for (const f of await filesUnder(wwwDir)) if (f.endsWith('.html')) pages.push(`/${path.relative(wwwDir, f).split(path.sep).join('/')}`);
  for (const p of new Set(pages)) await page.goto(`${servers.server}${p}`).catch(() => {});
  await page.waitForTimeout(500);
  await context.close();
  const urls = new Set([...loaded].filter((u) => u.startsWith(servers.server)));
  const pkgFiles = (await filesUnder(servers.pkgDir)).map((f) => path.relative(servers.pkgDir, f).split(path.sep).join('/'));
  for (const f of pkgFiles) urls.add(`${servers.server}/pkg/${f}`);
  let fetched = 0;
  let bytes = 0;
  for (const url of urls) {
    const res = await fetch(url);
    if (res.status !== 200) continue;
    const body = Buffer.from(await res.arrayBuffer());
    fetched += 1;
    bytes += body.length;
    for (const n of needles) if (body.includes(n)) found.push(`${url} contains ${n.toString('utf8').slice(0, 12)}… (${n.length} bytes)`);
  }
  const kinds = { wasm: [...urls].filter((u) => u.endsWith('.wasm')).length, js: [...urls].filter((u) => /\.m?js$/.test(u)).length };
  assert.ok(kinds.wasm >= 1 && kinds.js >= 1, `the served package has JS and wasm (${JSON.stringify(kinds)})`);
  assert.deepEqual(found, [], 'no served file contains an API key');
  console.log(`security: ${fetched} served files (${(bytes / 1024).toFixed(0)} KiB: ${kinds.js} JS, ${kinds.wasm} wasm, HTML pages ${[...new Set(pages)].join(' ')}) contain no API key`);
});

test('the token server refuses a page on another origin', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const serverUrl = new URL(servers.server);
  // Same port, different host name: a different origin (and site) for the browser.
  const foreign = `http://localhost:${serverUrl.port}`;
  await page.route(`${foreign}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>elsewhere</title><p>another site</p>' }));
  const statuses = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/operator/session')) statuses.push(r.status());
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const cdpStatuses = [];
  const sessionRequests = new Set();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.endsWith('/operator/session')) sessionRequests.add(e.requestId);
  });
  // The raw answer, even though CORS then hides it from the page.
  cdp.on('Network.responseReceivedExtraInfo', (e) => {
    if (sessionRequests.has(e.requestId)) cdpStatuses.push(e.statusCode);
  });
  await page.goto(`${foreign}/shop.html`);
  const outcome = await page.evaluate(async (endpoint) => {
    try {
      const res = await fetch(endpoint, { method: 'POST', credentials: 'include' });
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { error: String(err) };
    }
  }, `${servers.server}/operator/session`);
  await page.waitForTimeout(200);
  assert.ok(outcome.error, `a cross-origin page cannot read a session: ${JSON.stringify(outcome).slice(0, 300)}`);
  const seen = [...statuses, ...cdpStatuses];
  assert.ok(seen.includes(403), `the token server answered 403 to the foreign origin (saw ${JSON.stringify(seen)})`);
  // The same request with that Origin, outside the browser, shows the error schema.
  const res = await fetch(`${servers.server}/operator/session`, { method: 'POST', headers: { Origin: foreign } });
  const body = await res.json();
  assert.equal(res.status, 403);
  assert.equal(body.code, 'origin_not_allowed', JSON.stringify(body));
  assert.equal(res.headers.get('access-control-allow-origin'), null, 'no CORS grant for the foreign origin');
  console.log(`security: foreign origin ${foreign} refused (browser: ${outcome.error}; status ${seen.join(',')}; code ${body.code})`);
  await context.close();
});

test('a caller without a session sees a clear error in the widget', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  const grants = await openHost(page, { signedIn: false });
  const chat = new Widget(page);
  await chat.open({ waitOnline: false });
  await chat.error.waitFor({ state: 'visible', timeout: 20_000 });
  const text = (await chat.error.locator('.oc-error-text').textContent()).trim();
  const refused = grants.all.filter((g) => g.status === 401);
  assert.ok(refused.length >= 1, `POST /operator/session answered 401 (${JSON.stringify(grants.all)})`);
  assert.equal(refused[0].code, 'unauthorized', 'in the error schema');
  assert.ok(text.length > 10, `the error line says something: "${text}"`);
  assert.doesNotMatch(text, /undefined|null|\[object|JsValue|panicked/i, `the error line is human-readable: "${text}"`);
  assert.match(text, /sign|log|session|authori|allowed|access/i, `the error line explains the refusal: "${text}"`);
  assert.ok(await chat.retry.isVisible(), 'a Retry button is offered');
  assert.notEqual(await chat.state(), 'open', 'the widget does not claim to be online');
  console.log(`security: unauthorised caller refused (401 ${refused[0].code}); widget says "${text}"`);
  await context.close();
});

test('the rate limit answers 429 in the error schema to a page that mints too often', { timeout: 60_000 }, async () => {
  const context = await newContext(browser());
  const page = await context.newPage();
  await page.route(`${servers.server}${HOST_PATH}`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: hostHtml().replace(/<script type="module">[\s\S]*<\/script>/, '') }));
  await page.request.get(`${servers.server}/demo/login`);
  await page.goto(`${servers.server}${HOST_PATH}`);
  const results = await page.evaluate(async () => {
    const out = [];
    for (let i = 0; i < 60; i += 1) {
      const res = await fetch('/operator/session', { method: 'POST', credentials: 'include' });
      out.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() });
      if (res.status === 429) break;
    }
    return out;
  });
  const ok = results.filter((r) => r.status === 200).length;
  const limited = results.find((r) => r.status === 429);
  assert.ok(limited, `60 mints in a row were never rate limited: ${JSON.stringify(results.map((r) => r.status))}`);
  const body = JSON.parse(limited.body);
  assert.equal(body.code, 'rate_limited', limited.body);
  assert.equal(body.transient, true, 'a rate limit is transient');
  assert.equal(typeof body.message, 'string');
  assert.ok(Number(limited.retryAfter) >= 1, `Retry-After is readable by the page: ${limited.retryAfter}`);
  console.log(`security: rate limit hit after ${ok} mints: 429 ${body.code}, Retry-After ${limited.retryAfter}`);
  await context.close();
});
