// Transfer size of the widget's package next to peer embed bundles installed from npm.
// usage: node xtask/bench/size.mjs <pkg dir> <out.json>
// Every byte count is measured here, now: raw, gzip (level 9) and brotli (quality 11).
import { readFileSync, readdirSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, 'node_modules');

function measure(path, root) {
  const bytes = readFileSync(path);
  return {
    path: relative(root, path),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** What the browser loads for the widget: wasm, JS glue (and snippets), CSS if separate. */
function widgetFiles(pkgDir) {
  return walk(pkgDir)
    .filter((p) => /\.(wasm|js|mjs|css)$/.test(p))
    .filter((p) => !p.endsWith('.d.ts'))
    .sort();
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(modules, pkg, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/** The first existing candidate of each wanted file; says which one was used. */
function pick(pkg, candidates) {
  for (const c of candidates) {
    const p = join(modules, pkg, c);
    if (existsSync(p)) return p;
  }
  throw new Error(`${pkg}: none of ${candidates.join(', ')} exists (ls node_modules/${pkg}/dist)`);
}

function bundle(name, kind, files, note, root = modules) {
  const measured = files.map((f) => measure(f, root));
  const sum = (k) => measured.reduce((a, f) => a + f[k], 0);
  return { name, kind, note, files: measured, raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') };
}

const [pkgDir, out] = process.argv.slice(2);
if (!pkgDir || !out) {
  console.error('usage: node xtask/bench/size.mjs <pkg dir> <out.json>');
  process.exit(2);
}
const widget = widgetFiles(pkgDir);
if (!widget.some((p) => p.endsWith('.wasm'))) {
  console.error(`no .wasm in ${pkgDir}: build the widget first`);
  process.exit(1);
}
const bf = `botframework-webchat ${version('botframework-webchat')}`;
const el = `@elevenlabs/convai-widget-embed ${version('@elevenlabs/convai-widget-embed')}`;
const bp = `@botpress/webchat ${version('@botpress/webchat')}`;
const dc = `deep-chat ${version('deep-chat')}`;
const tb = `@typebot.io/js ${version('@typebot.io/js')}`;
const fl = `flowise-embed ${version('flowise-embed')}`;
const react = `react ${version('react')}, react-dom ${version('react-dom')}, scheduler ${version('scheduler')}`;
const bundles = [
  bundle('operator-chat', 'widget', widget, 'every .wasm/.js/.css in pkg/ (no .d.ts, package.json, README)', pkgDir),
  bundle(`${bf} (webchat.js)`, 'peer', [pick('botframework-webchat', ['dist/webchat.js'])], 'self-contained UMD bundle'),
  bundle(`${bf} (webchat-minimal.js)`, 'peer', [pick('botframework-webchat', ['dist/webchat-minimal.js'])], 'self-contained UMD bundle, minimal build'),
  bundle(el, 'peer', [pick('@elevenlabs/convai-widget-embed', ['dist/index.js'])], 'self-contained embed script'),
  bundle(dc, 'peer', [pick('deep-chat', ['dist/deepChat.bundle.js'])], 'self-contained ES module bundle (custom element, markdown included)'),
  bundle(tb, 'peer', [pick('@typebot.io/js', ['dist/web.js'])], 'self-contained ES module (SolidJS), the file its embed snippet imports'),
  bundle(fl, 'peer', [pick('flowise-embed', ['dist/web.js'])], 'self-contained ES module (SolidJS), the file its embed snippet imports'),
  bundle(
    `${bp} + React`,
    'peer',
    [
      pick('@botpress/webchat', ['dist/index.js']),
      pick('@botpress/webchat', ['dist/style.css']),
      pick('react', ['cjs/react.production.js', 'cjs/react.production.min.js', 'umd/react.production.min.js']),
      pick('react', ['cjs/react-jsx-runtime.production.js', 'cjs/react-jsx-runtime.production.min.js']),
      pick('react-dom', ['cjs/react-dom.production.js', 'cjs/react-dom.production.min.js']),
      pick('react-dom', ['cjs/react-dom-client.production.js', 'umd/react-dom.production.min.js']),
      pick('scheduler', ['cjs/scheduler.production.js', 'cjs/scheduler.production.min.js']),
    ],
    `ESM dist/index.js (imports only react, react/jsx-runtime, react-dom) + dist/style.css + the production builds of ${react} it needs (React 19 ships no UMD; cjs production files as published)`,
  ),
];
writeFileSync(out, JSON.stringify({ bundles }, null, 2));
for (const b of bundles) {
  console.log(`size: ${b.name}: ${b.raw} raw, ${b.gzip} gzip, ${b.brotli} brotli`);
  for (const f of b.files) console.log(`        ${f.path}: ${f.raw} raw, ${f.gzip} gzip, ${f.brotli} brotli`);
}
