#!/usr/bin/env node
// Shapes wasm-pack's output into the npm package:
//   node pkg-config/apply.mjs <out-dir> <web|bundler> <prerender.json>
// Writes package.json (this folder's overlay, version from Cargo.toml), README.md, the
// hand-written types (index.d.ts, api.d.ts, element.d.ts) and element.js into <out-dir>, then
// checks that what `files` promises is there. element.js gets the path of the element's snippet
// and the launcher markup `OperatorChat` rendered at build time (`examples/prerender.rs`).
import { readFileSync, writeFileSync, copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** The `[package]` version of the root Cargo.toml. */
export function cargoVersion(cargoToml) {
  const section = cargoToml.split(/^\[package\]\s*$/m)[1] ?? '';
  const body = section.split(/^\[/m)[0];
  const match = body.match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error('apply.mjs: no [package] version in Cargo.toml');
  return match[1];
}

/** The package.json for `target`: the overlay with the crate's version. */
export function packageJson(overlay, version, target) {
  const pkg = { ...overlay, version };
  if (target === 'bundler') {
    pkg.description = `${overlay.description} (bundler build)`;
  }
  // Keep a stable, readable key order: name, version first.
  const { name, version: v, ...rest } = pkg;
  return { name, version: v, ...rest };
}

/**
 * element.js for a package: `template` with the snippet's path (relative to the package) and
 * the prerendered launcher (`{launcher, inline, css, strings}`) filled in.
 */
export function elementJs(template, snippet, prerender) {
  for (const key of ['launcher', 'inline', 'css', 'strings']) {
    if (!(key in prerender)) throw new Error(`apply.mjs: the prerendered launcher has no ${key}`);
  }
  if (!template.includes("'./SNIPPET'") || !template.includes('PRERENDER')) {
    throw new Error('apply.mjs: the element template has no SNIPPET or PRERENDER to fill in');
  }
  return template
    .replace("'./SNIPPET'", () => JSON.stringify(`./${snippet}`))
    .replace('PRERENDER', () => JSON.stringify(prerender));
}

/** The element's snippet under `<out>/snippets/`, relative to `out` (`snippets/…/element.js`). */
function elementSnippet(out) {
  const dir = join(out, 'snippets');
  for (const crate of readdirSync(dir)) {
    const path = join('snippets', crate, 'src', 'js_api', 'element.js');
    if (existsSync(join(out, path))) return path.split('\\').join('/');
  }
  fail(`no snippets/*/src/js_api/element.js in ${out}`);
}

function fail(message) {
  console.error(`apply.mjs: ${message}`);
  process.exit(1);
}

function main() {
  const [outArg, target, prerenderArg] = process.argv.slice(2);
  if (!outArg || !['web', 'bundler'].includes(target) || !prerenderArg) {
    fail('usage: node pkg-config/apply.mjs <out-dir> <web|bundler> <prerender.json>');
  }
  const out = resolve(root, outArg);
  if (!existsSync(join(out, 'operator_chat_bg.wasm'))) {
    fail(`${out} has no operator_chat_bg.wasm: run wasm-pack first`);
  }
  const overlay = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  const version = cargoVersion(readFileSync(join(root, 'Cargo.toml'), 'utf8'));
  const pkg = packageJson(overlay, version, target);
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  copyFileSync(join(here, 'README.md'), join(out, 'README.md'));
  // npm always packs a file named LICENSE, but LICENSE-MIT and LICENSE-APACHE only because
  // `files` names them; wasm-pack copies them from the crate root.
  for (const file of pkg.files.filter((f) => f.startsWith('LICENSE'))) {
    if (!existsSync(join(out, file))) fail(`${file} is not in ${out}: wasm-pack copies the crate root's LICENSE* files`);
  }
  copyFileSync(join(here, 'types', 'api.d.ts'), join(out, 'api.d.ts'));
  copyFileSync(join(here, 'types', `${target}.d.ts`), join(out, 'index.d.ts'));
  copyFileSync(join(here, 'types', 'element.d.ts'), join(out, 'element.d.ts'));
  const snippets = join(out, 'snippets');
  if (!existsSync(snippets) || readdirSync(snippets).length === 0) {
    fail(`${snippets} is missing: the custom element's snippet would not ship`);
  }
  const template = readFileSync(join(here, `element.${target}.js`), 'utf8');
  const prerender = JSON.parse(readFileSync(resolve(root, prerenderArg), 'utf8'));
  writeFileSync(join(out, 'element.js'), elementJs(template, elementSnippet(out), prerender));
  for (const entry of Object.values(pkg.exports)) {
    for (const file of typeof entry === 'string' ? [entry] : Object.values(entry)) {
      if (!existsSync(join(out, file))) fail(`exports points at ${file}, which is not in ${out}`);
    }
  }
  console.log(`apply.mjs: ${out} is the ${target} package ${pkg.name}@${pkg.version}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
