// A consumer app bundled with esbuild: it imports the package by name (resolved through its
// `exports`), bundles, and mounts in headless Chromium against the token server, under the
// demo's strict CSP. Once with the web build (pkg/) and once with the bundler build
// (pkg-bundler/, whose `import … from './x_bg.wasm'` a small plugin resolves the way bundlers
// with WebAssembly ESM integration do).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { launchChromium } from '../support/browser.mjs';
import { bundlerDir, consumerProject, here, newContext, pkgDir, serveConsumer, watchViolations } from './lib.mjs';

/** `import * as wasm from './x_bg.wasm'` as an ES module: instantiate, re-export the exports. */
const wasmEsmPlugin = {
  name: 'wasm-esm-integration',
  setup(build) {
    build.onLoad({ filter: /\.wasm$/ }, (args) => {
      const module = new WebAssembly.Module(readFileSync(args.path));
      const specifiers = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))];
      const lines = specifiers.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`);
      const importObject = specifiers.map((s, i) => `${JSON.stringify(s)}: m${i}`).join(', ');
      lines.push(
        `const url = new URL(${JSON.stringify(basename(args.path))}, import.meta.url);`,
        `const { instance } = await WebAssembly.instantiateStreaming(fetch(url), { ${importObject} });`,
        ...WebAssembly.Module.exports(module).map((e) => `export const ${e.name} = instance.exports.${e.name};`),
      );
      return { contents: lines.join('\n'), loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

async function bundle(pkg, plugins = []) {
  const project = consumerProject(pkg);
  try {
    copyFileSync(join(here, 'app', 'main.js'), join(project.dir, 'main.js'));
    const result = await esbuild.build({
      absWorkingDir: project.dir,
      entryPoints: ['main.js'],
      bundle: true,
      format: 'esm',
      target: 'es2022',
      write: false,
      outdir: 'out',
      logLevel: 'silent',
      plugins,
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('main.js'));
    return { js: js.text, wasm: readFileSync(join(pkg, 'operator_chat_bg.wasm')) };
  } finally {
    project.cleanup();
  }
}

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

async function mountBundled({ js, wasm }) {
  const context = await newContext(browser);
  const page = await context.newPage();
  const violations = await watchViolations(page);
  const base = await serveConsumer(page, {
    'index.html': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bundled</title>
<link rel="stylesheet" href="/__consumer/app.css"><script type="module" src="/__consumer/main.js"></script></head>
<body><main><h1>My bundled app</h1><div id="support"></div></main></body></html>`,
    'app.css': '#support { height: 480px; max-width: 420px; }',
    'main.js': js,
    'operator_chat_bg.wasm': wasm,
  });
  await page.goto(`${base}index.html`);
  await page.waitForFunction(() => window.app, null, { timeout: 30_000 });
  return { context, page, violations };
}

async function roundTrip(page, text) {
  await page.locator('[data-testid="launcher"]').count().then((n) => assert.equal(n, 0, 'inline: no launcher'));
  const input = page.locator('operator-chat, #support').locator('textarea');
  await input.fill(`/echo ${text}`);
  await input.press('Enter');
  await page.waitForFunction(
    (t) => window.app.messages.some((m) => m.role === 'agent' && m.text === t),
    text,
    { timeout: 20_000 },
  );
}

test('an esbuild bundle of the web package mounts in Chromium and streams a reply under the CSP', async () => {
  const built = await bundle(pkgDir());
  assert.match(built.js, /customElements\.define\(\s*["']operator-chat["']/, 'the element snippet is bundled');
  assert.match(built.js, /new URL\(["']operator_chat_bg\.wasm["'], import\.meta\.url\)/, 'the wasm stays a sibling asset');
  const { context, page, violations } = await mountBundled(built);
  try {
    assert.equal(await page.evaluate(() => window.app.elementDefined), true, '<operator-chat> registered');
    const host = page.locator('#support');
    assert.equal(await host.evaluate((el) => el.shadowRoot?.mode), 'open', 'rendered in an open shadow root');
    await roundTrip(page, 'bundled with esbuild');
    const bg = await page.locator('#support .oc-send').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(15, 118, 110)', 'options.theme reached the widget');
    assert.ok((await page.evaluate(() => window.app.states)).includes('open'), 'onStateChange saw "open"');
    assert.deepEqual(violations, [], 'no CSP violations or page errors');
  } finally {
    await context.close();
  }
});

test('an esbuild bundle of the bundler package (wasm as an ES module) mounts and streams a reply', async () => {
  const built = await bundle(bundlerDir(), [wasmEsmPlugin]);
  const { context, page, violations } = await mountBundled(built);
  try {
    await roundTrip(page, 'bundled from pkg-bundler');
    assert.deepEqual(violations, [], 'no CSP violations or page errors');
  } finally {
    await context.close();
  }
});
