// The SSR example (examples/ssr-axum): leptos_axum renders the page with the chat's launcher in
// its HTML, the hydrate wasm takes it over without a hydration error, and the visitor chats with
// the emulator's scripted agent through the app's own mint route.
//
// `cargo xtask test` builds the app and its wasm and sets OPERATOR_CHAT_SSR_AXUM_BIN (the server
// binary) and OPERATOR_CHAT_SSR_AXUM_SITE (its site root, with `pkg/`); this suite starts the
// server against the emulator xtask started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { env, launchChromium } from '../support/browser.mjs';

const SEEDED_AGENT_ID = 'ca_demoAgent0001';
const GREETING = "Hi! I'm the Operator demo agent. How can I help you today?";

/** Starts the example server on a free loopback port; resolves with it and its URL. */
function startApp() {
  const child = spawn(env('OPERATOR_CHAT_SSR_AXUM_BIN'), [], {
    env: {
      ...process.env,
      PORT: '0',
      SITE_ROOT: env('OPERATOR_CHAT_SSR_AXUM_SITE'),
      OPERATOR_BASE_URL: env('OPERATOR_CHAT_TEST_EMULATOR'),
      OPERATOR_SESSION_BASE_URL: env('OPERATOR_CHAT_TEST_SESSION_HOST'),
      OPERATOR_API_KEY: env('OPERATOR_CHAT_TEST_API_KEY'),
      OPERATOR_AGENT_ID: SEEDED_AGENT_ID,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ssr-axum did not start in 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`ssr-axum exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const url = line.match(/listening on (http:\/\/\S+)/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    });
  });
}

let app;
let base;
let browser;
before(async () => {
  app = await startApp();
  base = app.url;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  app?.child.kill();
});

/** A signed-in page (the app's demo cookie, as any app with sessions) that records its console. */
async function signedInPage() {
  const context = await browser.newContext();
  const login = await context.request.get(`${base}/demo/login`);
  assert.equal(login.status(), 200, 'GET /demo/login');
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (msg) => consoleLines.push(`${msg.type()}: ${msg.text()} (${msg.location().url})`));
  page.on('pageerror', (err) => consoleLines.push(`pageerror: ${err.message}`));
  return { context, page, consoleLines };
}

/** Hydration is done once the widget's effects ran: it adopts its stylesheet then. */
function hydrated(page) {
  return page.waitForFunction(() => document.adoptedStyleSheets.length > 0, null, { timeout: 30_000 });
}

function hydrationProblems(consoleLines) {
  return consoleLines.filter((line) => /hydrat|mismatch|panicked|pageerror/i.test(line));
}

function otherProblems(consoleLines) {
  return consoleLines.filter((line) => /^(error|warning)|pageerror/.test(line) && !/favicon/.test(line));
}

/** Waits for an agent message containing `text`. */
function agentSays(page, text) {
  return page.waitForFunction(
    (wanted) => [...document.querySelectorAll('[data-testid=message][data-role=agent]')]
      .some((m) => m.textContent.includes(wanted)),
    text,
    { timeout: 20_000 },
  );
}

/** Waits for the connection state `open`, saying what the page saw if it never comes. */
async function waitOnline(page, consoleLines) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid=status]')?.dataset.state === 'open',
    null,
    { timeout: 20_000 },
  ).catch(async (err) => {
    const state = await page.locator('[data-testid=status]').getAttribute('data-state');
    assert.fail(`the chat did not connect (state ${state}; console: ${consoleLines.join(' | ')}): ${err.message}`);
  });
}

test('the server renders the launcher, the wasm hydrates it, and the visitor chats', { timeout: 120_000 }, async () => {
  const { context, page, consoleLines } = await signedInPage();

  // Hold the wasm back: what the visitor sees until it arrives is the server's HTML alone.
  let releaseWasm;
  const wasmReleased = new Promise((resolve) => (releaseWasm = resolve));
  let wasmRequested = false;
  await page.route('**/pkg/ssr_axum_bg.wasm', async (route) => {
    wasmRequested = true;
    await wasmReleased;
    await route.continue();
  });

  const response = await page.goto(base, { waitUntil: 'domcontentloaded' });
  assert.equal(response.status(), 200);
  const html = await response.text();
  assert.match(html, /<button[^>]*data-testid="launcher"/, 'the launcher is in the server HTML');
  assert.doesNotMatch(html, /tok_|"token"/, 'no token in the server HTML');

  const launcher = page.locator('[data-testid=launcher]');
  const panel = page.locator('[data-testid=panel]');
  assert.equal(await launcher.count(), 1, 'the launcher is in the DOM before the wasm');
  assert.equal(await launcher.getAttribute('aria-label'), 'Open chat');
  assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
  assert.equal(await panel.getAttribute('aria-label'), 'Ask Acme');
  assert.equal(await panel.isVisible(), false, 'the panel starts hidden');
  assert.ok(await launcher.isVisible(), 'the launcher is visible (styled by the server-sent CSS)');
  assert.equal(
    await page.evaluate(() => document.adoptedStyleSheets.length),
    0,
    'nothing has run yet: the widget adopts its stylesheet only once hydrated',
  );
  await page.waitForTimeout(200);
  assert.ok(wasmRequested, 'the page asked for the wasm (held back by the test)');

  // Let the wasm load and hydrate the page.
  releaseWasm();
  await hydrated(page);
  assert.deepEqual(hydrationProblems(consoleLines), [], 'no hydration warning or error in the console');
  assert.equal(
    await launcher.getAttribute('aria-controls'),
    await panel.getAttribute('id'),
    'the launcher still names the panel it controls',
  );

  // The hydrated launcher opens the panel, which fetches a token from the app's mint route and
  // connects to the emulator; the scripted agent greets, then echoes.
  const sessions = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/operator/session')) sessions.push(r.status());
  });
  await launcher.click();
  await panel.waitFor({ state: 'visible' });
  assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
  await waitOnline(page, consoleLines);
  assert.deepEqual(sessions, [200], 'one token from POST /operator/session');
  await agentSays(page, GREETING);

  await page.locator('[data-testid=composer]').fill('/echo Hello from an SSR page');
  await page.locator('[data-testid=composer]').press('Enter');
  await agentSays(page, 'Hello from an SSR page');
  assert.deepEqual(otherProblems(consoleLines), [], 'no errors or warnings in the console');
  await context.close();
});

test('an inline chat on a server-rendered page connects once hydrated', { timeout: 120_000 }, async () => {
  const { context, page, consoleLines } = await signedInPage();
  const sessions = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/operator/session')) sessions.push(r.method());
  });
  const response = await page.goto(`${base}/help`, { waitUntil: 'domcontentloaded' });
  const html = await response.text();
  assert.match(html, /<section[^>]*data-testid="panel"[^>]*aria-label="Acme help"/, 'the panel is in the server HTML');
  assert.doesNotMatch(html, /data-testid="launcher"/, 'inline: no launcher');

  await hydrated(page);
  await waitOnline(page, consoleLines);
  assert.deepEqual(hydrationProblems(consoleLines), [], 'no hydration warning or error in the console');
  assert.deepEqual(sessions, ['POST'], 'one token, fetched by the browser after hydration');
  await agentSays(page, GREETING);
  await page.locator('[data-testid=composer]').fill('/echo inline too');
  await page.locator('[data-testid=composer]').press('Enter');
  await agentSays(page, 'inline too');
  assert.deepEqual(otherProblems(consoleLines), [], 'no errors or warnings in the console');
  await context.close();
});
