// Helpers of the consumer suites: the built packages, a scratch consumer project that installs
// them like npm would (node_modules/operator-chat), and pages served on the token server's own
// origin under the same Content-Security-Policy as the demo.
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { env } from '../support/browser.mjs';

export const run = promisify(execFile);
export const here = dirname(fileURLToPath(import.meta.url));
export const e2eDir = resolve(here, '..');
export const repoRoot = resolve(e2eDir, '..', '..');

/** The `web` package (`pkg/`). */
export const pkgDir = () => env('OPERATOR_CHAT_PKG_DIR');
/** The `bundler` package (`pkg-bundler/`, beside `pkg/`). */
export const bundlerDir = () => join(dirname(pkgDir()), 'pkg-bundler');
/** The token server. */
export const server = () => env('OPERATOR_CHAT_TEST_SERVER').replace(/\/$/, '');

/** `npm pack --dry-run --json` of `dir`: `{name, version, files: [{path, size}], ...}`. */
export async function packDryRun(dir) {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout)[0];
}

/**
 * A scratch consumer project with `pkg` installed as `node_modules/operator-chat` (a symlink,
 * so resolution goes through the package's `exports` like an npm install). Returns its path and
 * a cleanup function.
 */
export function consumerProject(pkg) {
  const dir = mkdtempSync(join(tmpdir(), 'operator-chat-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(pkg, join(dir, 'node_modules', 'operator-chat'), 'dir');
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The CSP the token server sends with its pages (the consumer pages get the same). */
export async function serverCsp() {
  const res = await fetch(`${server()}/`);
  const csp = res.headers.get('content-security-policy');
  if (!csp) throw new Error('the token server sent no Content-Security-Policy with /');
  return csp;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/**
 * Answers `${server}/__consumer/<name>` with `files[name]` (string or Buffer) under the demo's
 * CSP; every other URL of the origin (`/pkg/*`, `/operator/session`) is the real token server.
 * Signs the context in with the demo cookie first.
 */
export async function serveConsumer(page, files) {
  const origin = server();
  const csp = await serverCsp();
  await page.route(`${origin}/__consumer/**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice('/__consumer/'.length);
    const body = files[name];
    if (body === undefined) return route.fulfill({ status: 404, body: 'not found' });
    const ext = name.slice(name.lastIndexOf('.'));
    return route.fulfill({
      status: 200,
      headers: { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'content-security-policy': csp },
      body,
    });
  });
  const login = await page.request.get(`${origin}/demo/login`);
  if (login.status() !== 200) throw new Error(`GET /demo/login: ${login.status()}`);
  return `${origin}/__consumer/`;
}

/**
 * A browser context for pages answered by `page.route`: such a page has no IP address, so
 * Chromium's Local Network Access checks would block its requests to the loopback emulator.
 */
export function newContext(browser, options = {}) {
  return browser.newContext({ ...options, permissions: ['local-network-access'] });
}

/** Records CSP violations and page errors from the start of every document. */
export async function watchViolations(page) {
  const found = [];
  page.on('pageerror', (e) => found.push(`pageerror: ${e.message} ${(e.stack ?? '').split('\n').slice(8, 30).map((l) => l.trim().replace(/ \(http.*/, '')).join(' | ')}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) found.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to load (CSP ${e.violatedDirective}): ${e.blockedURI}`);
    });
  });
  return found;
}

/** A blank page on the server's origin that loads the web package and exposes it as `window.oc`. */
export async function blankPage(page, { dir = 'ltr', body = '' } = {}) {
  const base = await serveConsumer(page, {
    'blank.html': `<!doctype html><html lang="en" dir="${dir}"><head><meta charset="utf-8">
<title>consumer</title><script type="module" src="/__consumer/blank.js"></script></head>
<body>${body}</body></html>`,
    'blank.js': `import * as oc from '/pkg/operator_chat.js';
await oc.default();
window.oc = oc;
window.ocReady = true;`,
  });
  await page.goto(`${base}blank.html`);
  await page.waitForFunction(() => window.ocReady === true, null, { timeout: 30_000 });
}
