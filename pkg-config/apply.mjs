#!/usr/bin/env node
// Shapes wasm-pack's output into the npm package:
//   node pkg-config/apply.mjs <out-dir> <web|bundler>
// Writes package.json (this folder's overlay, version from Cargo.toml), README.md, the
// hand-written types (index.d.ts, api.d.ts, element.d.ts) and element.js into <out-dir>, then
// checks that what `files` promises is there.
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

function fail(message) {
  console.error(`apply.mjs: ${message}`);
  process.exit(1);
}

function main() {
  const [outArg, target] = process.argv.slice(2);
  if (!outArg || !['web', 'bundler'].includes(target)) {
    fail('usage: node pkg-config/apply.mjs <out-dir> <web|bundler>');
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
  copyFileSync(join(here, 'types', 'api.d.ts'), join(out, 'api.d.ts'));
  copyFileSync(join(here, 'types', `${target}.d.ts`), join(out, 'index.d.ts'));
  copyFileSync(join(here, 'types', 'element.d.ts'), join(out, 'element.d.ts'));
  copyFileSync(join(here, `element.${target}.js`), join(out, 'element.js'));

  const snippets = join(out, 'snippets');
  if (!existsSync(snippets) || readdirSync(snippets).length === 0) {
    fail(`${snippets} is missing: the custom element's snippet would not ship`);
  }
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
