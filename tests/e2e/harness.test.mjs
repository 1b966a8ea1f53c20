// The harness every browser suite stands on: `cargo xtask test` starts the emulator and the token
// server, passes their URLs and keys in the environment, and Chromium launches through
// playwright-core. Later suites copy `launchChromium` from ./support/browser.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launchChromium } from './support/browser.mjs';

const VERSION = '2025-06-19';

test('chromium launches headless through playwright-core and runs page scripts', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<p id="out">static</p><script>out.textContent = "scripted"</script>');
    assert.equal(await page.textContent('#out'), 'scripted', 'the page script ran');
  } finally {
    await browser.close();
  }
});

test('the emulator refuses a request without the API key, in the error schema', async () => {
  const res = await fetch(`${env('OPERATOR_CHAT_TEST_EMULATOR')}/conversational_agents`, {
    headers: { 'Operator-Version': VERSION },
  });
  assert.equal(res.status, 401, 'no Authorization header is 401');
  const body = await res.json();
  assert.equal(typeof body.code, 'string', `error body has a code: ${JSON.stringify(body)}`);
  assert.equal(typeof body.transient, 'boolean', 'error body says whether it is transient');
});

test('the emulator accepts the API key the runner gave it', async () => {
  const res = await fetch(`${env('OPERATOR_CHAT_TEST_EMULATOR')}/conversational_agents`, {
    headers: {
      Authorization: `Bearer ${env('OPERATOR_CHAT_TEST_API_KEY')}`,
      'Operator-Version': VERSION,
    },
  });
  assert.equal(res.status, 200, `listing agents with the key: ${await res.clone().text()}`);
});

test('the token server answers on the URL the runner gave', async (t) => {
  const url = process.env.OPERATOR_CHAT_TEST_SERVER;
  if (!url) {
    t.skip('no token-server binary in the workspace yet');
    return;
  }
  const res = await fetch(`${url}/operator/session`, { method: 'POST' });
  assert.ok(res.status < 500, `POST /operator/session without a session cookie: ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /json/, 'answers JSON');
});
