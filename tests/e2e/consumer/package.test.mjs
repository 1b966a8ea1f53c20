// The npm packages as a consumer gets them: `npm pack` contents and package.json fields of the
// web build (pkg/) and the bundler build (pkg-bundler/), and the overlay script's own rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlerDir, packDryRun, pkgDir, repoRoot } from './lib.mjs';
import { cargoVersion, elementJs, packageJson } from '../../../pkg-config/apply.mjs';

const crateVersion = cargoVersion(readFileSync(join(repoRoot, 'Cargo.toml'), 'utf8'));

function checkManifest(pkg, label) {
  assert.equal(pkg.name, 'operator-chat', `${label}: name`);
  assert.equal(pkg.version, crateVersion, `${label}: version comes from Cargo.toml`);
  assert.equal(pkg.type, 'module', `${label}: type module`);
  const root = pkg.exports?.['.'];
  assert.ok(root && typeof root === 'object', `${label}: exports["."] is a condition map`);
  assert.equal(Object.keys(root)[0], 'types', `${label}: "types" is the first condition`);
  assert.equal(Object.keys(pkg.exports['./element'])[0], 'types', `${label}: element export types first`);
  assert.ok(pkg.files.includes('snippets/'), `${label}: files include snippets/`);
  assert.ok(Array.isArray(pkg.sideEffects) && pkg.sideEffects.length > 0, `${label}: sideEffects lists the side-effectful modules`);
  assert.ok(pkg.sideEffects.some((p) => p.includes('snippets')), `${label}: the element snippet is a side effect`);
  assert.ok(pkg.keywords.includes('web-component') && pkg.keywords.includes('wasm'), `${label}: keywords`);
  assert.equal(pkg.license, 'MIT OR Apache-2.0', `${label}: license`);
  assert.match(pkg.repository?.url ?? '', /github\.com\/operator-chat\/operator-chat/, `${label}: repository`);
}

function checkFiles(packed, label, extra = []) {
  const paths = packed.files.map((f) => f.path);
  for (const file of ['package.json', 'README.md', 'operator_chat.js', 'operator_chat_bg.wasm', 'index.d.ts', 'api.d.ts', 'element.js', 'element.d.ts', ...extra]) {
    assert.ok(paths.includes(file), `${label}: the tarball has ${file} (has: ${paths.join(', ')})`);
  }
  assert.ok(
    paths.some((p) => /^snippets\/[^/]+\/src\/js_api\/element\.js$/.test(p)),
    `${label}: the custom element snippet ships under snippets/ (has: ${paths.join(', ')})`,
  );
  for (const p of paths) {
    assert.ok(!/\.(rs|toml|log)$/.test(p) && !p.startsWith('target/'), `${label}: nothing from the build leaks in: ${p}`);
  }
  const wasm = packed.files.find((f) => f.path === 'operator_chat_bg.wasm');
  assert.ok(wasm.size > 10_000, `${label}: the wasm is a real module (${wasm.size} bytes)`);
}

test('npm pack of the web package ships the wasm, the glue, the types, the element and its snippet', async () => {
  const packed = await packDryRun(pkgDir());
  assert.equal(packed.name, 'operator-chat', 'packed name');
  assert.equal(packed.version, crateVersion, 'packed version');
  checkFiles(packed, 'pkg/');
});

test('the web package.json carries the overlay: types-first exports, files, sideEffects, metadata', () => {
  const pkg = JSON.parse(readFileSync(join(pkgDir(), 'package.json'), 'utf8'));
  checkManifest(pkg, 'pkg/');
  const index = readFileSync(join(pkgDir(), 'index.d.ts'), 'utf8');
  assert.match(index, /export default function init/, 'the web types declare init()');
  const element = readFileSync(join(pkgDir(), 'element.js'), 'utf8');
  assert.match(element, /import\(["']\.\/operator_chat\.js["']\)/, 'the glue (and the wasm) is imported later, on demand');
  assert.match(element, /\\ue000|\uE000/i, 'the prerendered launcher is in, with its texts as markers');
});

test('npm pack of the bundler package ships its wasm-importing glue too', async () => {
  assert.ok(existsSync(bundlerDir()), `${bundlerDir()} exists (cargo xtask builds it)`);
  const packed = await packDryRun(bundlerDir());
  checkFiles(packed, 'pkg-bundler/', ['operator_chat_bg.js']);
  const pkg = JSON.parse(readFileSync(join(bundlerDir(), 'package.json'), 'utf8'));
  checkManifest(pkg, 'pkg-bundler/');
  const glue = readFileSync(join(bundlerDir(), 'operator_chat.js'), 'utf8');
  assert.match(glue, /from ["']\.\/operator_chat_bg\.wasm["']/, 'the bundler glue imports the wasm as a module');
  const index = readFileSync(join(bundlerDir(), 'index.d.ts'), 'utf8');
  assert.doesNotMatch(index, /function init/, 'the bundler types have no init()');
});

test('the overlay takes the version from [package] and keeps name and version first', () => {
  const toml = '[workspace]\nversion = "9.9.9"\n\n[package]\nname = "operator-chat"\nversion = "1.2.3"\n\n[dependencies]\nx = { version = "4" }\n';
  assert.equal(cargoVersion(toml), '1.2.3', 'the [package] version, not another section\'s');
  assert.throws(() => cargoVersion('[dependencies]\nversion = "1"\n'), /no \[package\] version/, 'no [package] is an error');
  const pkg = packageJson({ description: 'd', name: 'operator-chat', type: 'module' }, '1.2.3', 'bundler');
  assert.deepEqual(Object.keys(pkg).slice(0, 2), ['name', 'version'], 'name and version lead');
  assert.match(pkg.description, /bundler build/, 'the bundler package says so');
});

test('element.js gets the snippet path and the prerendered launcher as data, and refuses a partial one', () => {
  const template = "import { defineOperatorChat } from './SNIPPET';\ndefineOperatorChat({ prerender: PRERENDER });\n";
  const prerender = { launcher: '<div>$&</div>', inline: '<div></div>', css: '.a{}', strings: { title: "it's \"quoted\"" } };
  const js = elementJs(template, 'snippets/x/src/js_api/element.js', prerender);
  assert.match(js, /from "\.\/snippets\/x\/src\/js_api\/element\.js"/, 'the snippet path');
  const literal = js.slice(js.indexOf('prerender: ') + 'prerender: '.length, js.lastIndexOf(' })'));
  assert.deepEqual(JSON.parse(literal), prerender, 'the markup goes in as a JSON literal, `$&` and quotes untouched');
  assert.throws(() => elementJs(template, 's', { launcher: '' }), /has no inline/, 'a partial prerender is an error');
  assert.throws(() => elementJs('x', 's', prerender), /no SNIPPET or PRERENDER/, 'a template without its slots is an error');
});
