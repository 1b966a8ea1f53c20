// The TypeScript types of the package: a strict consumer type-checks with `tsc --noEmit`
// against the package's `exports` (types first), and a wrong call does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { consumerProject, e2eDir, here, pkgDir, run } from './lib.mjs';

const TSC = join(e2eDir, 'node_modules', 'typescript', 'bin', 'tsc');

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'es2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['es2022', 'dom', 'dom.iterable'],
    types: [],
    skipLibCheck: false,
    noUnusedLocals: true,
  },
  files: ['typed.ts'],
};

async function tsc(files) {
  const project = consumerProject(pkgDir());
  try {
    writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    for (const [name, write] of Object.entries(files)) write(join(project.dir, name));
    try {
      const { stdout } = await run(process.execPath, [TSC, '-p', project.dir], { cwd: project.dir });
      return { code: 0, output: stdout };
    } catch (err) {
      return { code: err.code ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  } finally {
    project.cleanup();
  }
}

test('the typed consumer compiles with tsc --noEmit against the installed package', async () => {
  const result = await tsc({ 'typed.ts': (to) => copyFileSync(join(here, 'typed.ts'), to) });
  assert.equal(result.code, 0, `tsc --noEmit failed:\n${result.output}`);
});

test('tsc rejects a consumer that passes an option of the wrong type', async () => {
  const result = await tsc({
    'typed.ts': (to) =>
      writeFileSync(
        to,
        "import { mount } from 'operator-chat';\nmount(document.body, { sessionEndpoint: '/s', open: 'yes' });\n",
      ),
  });
  assert.notEqual(result.code, 0, 'a string for `open` must not type-check');
  assert.match(result.output, /typed\.ts\(2,/, `the error points at the call:\n${result.output}`);
});
