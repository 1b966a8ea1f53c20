// The strict-CSP demo page: chatting produces zero `securitypolicyviolation` events and zero
// CSP console errors. Fails (never skips) while the page is served without the header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servers } from './lib/config.mjs';
import { sharedBrowser, watchGrants } from './lib/host.mjs';
import { waitForGreeting } from './lib/start.mjs';
import { Widget } from './lib/widget.mjs';
import { injectFault, clearFaults } from './lib/emulator.mjs';
import { expectWidgetMatchesRecord } from './lib/settle.mjs';

const browser = sharedBrowser();

/** The directives of a CSP header: `{name: [sources]}`. */
function directives(header) {
  return Object.fromEntries(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name.toLowerCase(), sources]),
  );
}

/** Opens `path` on the token server with CSP listeners; returns the page and what they saw. */
async function openStrictPage(context, path) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
      true,
    );
  });
  const consoleErrors = [];
  page.on('console', (m) => {
    if (/content security policy|refused to (load|execute|apply|connect|compile)/i.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  const grants = watchGrants(page);
  const response = await page.goto(`${servers.server}${path}`);
  assert.equal(response.status(), 200, `the demo page ${servers.server}${path} is served (status ${response.status()})`);
  const header = response.headers()['content-security-policy'];
  assert.ok(
    header,
    `the demo page ${servers.server}${path} is served without a Content-Security-Policy header; issue 5 requires ` +
      `"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' <operator hosts>"`,
  );
  const csp = directives(header);
  assert.deepEqual(csp['default-src'], ["'self'"], `default-src is 'self' only: ${header}`);
  for (const name of ['script-src', 'style-src']) {
    const sources = csp[name] ?? csp['default-src'];
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'blob:']) {
      assert.ok(!sources.includes(loose), `${name} must not allow ${loose}: ${header}`);
    }
  }
  return { page, grants, header, consoleErrors };
}

/** Proves the listeners work: a blocked image inside the widget's shadow root must be reported. */
async function expectCanaryReported(page) {
  await page.locator('[data-testid=operator-chat]').evaluate((root) => {
    const img = document.createElement('img');
    img.src = 'http://csp-canary.invalid/x.png';
    root.appendChild(img);
  });
  await page.waitForFunction(() => window.__csp.some((v) => v.includes('csp-canary')), null, { timeout: 5_000 }).catch(() => {
    assert.fail('the securitypolicyviolation listener did not see a deliberate violation in the shadow root: the check above proves nothing');
  });
}

test('the strict-CSP demo page (custom element) chats with zero CSP violations', { timeout: 120_000 }, async () => {
  const context = await browser().newContext();
  const { page, grants, header, consoleErrors } = await openStrictPage(context, '/');
  const chat = new Widget(page);
  await chat.open();
  await waitForGreeting(chat, () => grants.conversationId);
  const conversationId = grants.conversationId;
  assert.ok(conversationId, 'the demo page was granted a conversation');
  await chat.send('/echo hello under a strict policy');
  await chat.waitAgentText(/^hello under a strict policy$/);
  await chat.send('Where is my order C-3003?');
  await chat.waitAgentText(/Your order C-3003 has shipped/);
  // A reconnect (a new events stream and WebSocket) under the policy too.
  await injectFault({ kind: 'drop_ws', after_events: 1, conversation_id: conversationId });
  await injectFault({ kind: 'drop_sse', after_events: 2, conversation_id: conversationId });
  await chat.send('/echo and after a reconnect');
  await chat.waitAgentText(/^and after a reconnect$/);
  await expectWidgetMatchesRecord(page, conversationId, { label: 'strict-CSP page' });
  await clearFaults();
  await chat.closeButton.click();
  await chat.launcher.click();
  await page.waitForTimeout(300);

  const violations = await page.evaluate(() => window.__csp);
  assert.deepEqual(violations, [], `securitypolicyviolation events on the strict-CSP page:\n${violations.join('\n')}`);
  assert.deepEqual(consoleErrors, [], `CSP console errors:\n${consoleErrors.join('\n')}`);
  console.log(`csp: / with "${header}": 0 violations, 0 CSP console errors over 3 replies, a tool call and a reconnect`);
  await expectCanaryReported(page);
  await context.close();
});
