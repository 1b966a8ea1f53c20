// `persist-token` scoped to a user (issue 14): with `persistKey` set to the signed-in user's
// id, a logout and a login as another user in the same tab start the next user's own
// conversation instead of resuming the previous user's (with `persistToken` the widget would
// otherwise reuse the previous user's token without asking the backend). `clearPersisted()`
// forgets the saved state, also after `destroy()`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { servers } from './lib/config.mjs';
import { HOST_PATH, hostHtml, newContext, sharedBrowser, watchGrants } from './lib/host.mjs';
import { waitForGreeting } from './lib/start.mjs';
import { Widget, domRows } from './lib/widget.mjs';

const browser = sharedBrowser({ clearsFaults: false });

/** A tab whose host page mounts with `tab.options` (changed between navigations). */
async function newTab() {
  const context = await newContext(browser());
  const page = await context.newPage();
  const tab = { context, page, options: {}, grants: watchGrants(page) };
  await page.route(`${servers.server}${HOST_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostHtml(tab.options) }),
  );
  return tab;
}

/** Signs the tab in as a new demo user (a fresh identity, so a conversation of its own). */
async function login(tab) {
  await tab.context.clearCookies();
  const res = await tab.page.request.get(`${servers.server}/demo/login?fresh=1`);
  assert.equal(res.status(), 200, `GET /demo/login: ${res.status()}`);
}

/** Loads the host page with `options`; returns how many session grants the load asked for. */
async function load(tab, options) {
  tab.options = { persist: true, persistToken: true, ...options };
  const grantsBefore = tab.grants.all.length;
  await tab.page.goto(`${servers.server}${HOST_PATH}`);
  await tab.page.waitForFunction(() => window.__mounted || window.__mountError, null, { timeout: 30_000 });
  const chat = new Widget(tab.page);
  await chat.open();
  return { chat, asked: () => tab.grants.all.length - grantsBefore };
}

function conversationOf(storage) {
  return Object.values(storage).map((v) => JSON.parse(v).conversation_id);
}

async function savedState(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(sessionStorage).filter(([k]) => k.startsWith('operator-chat'))));
}

test("after a logout and another user's login in the same tab, the next user does not resume the previous user's conversation", { timeout: 120_000 }, async () => {
  const tab = await newTab();
  await login(tab);
  const alice = await load(tab, { persistKey: 'alice' });
  await waitForGreeting(alice.chat, () => tab.grants.conversationId);
  const aliceConversation = tab.grants.conversationId;
  await alice.chat.send('/echo for alice only');
  await alice.chat.waitAgentText(/^for alice only$/);
  assert.deepEqual(conversationOf(await savedState(tab.page)), [aliceConversation], "alice's conversation is saved");

  // Control: the same user reloading resumes her conversation with the saved token.
  const again = await load(tab, { persistKey: 'alice' });
  await again.chat.waitAgentText(/^for alice only$/);
  assert.equal(again.asked(), 0, 'the saved token was reused without asking the backend');

  // Alice signs out (the host forgets to clear anything); Bob signs in in the same tab.
  await login(tab);
  const bob = await load(tab, { persistKey: 'bob' });
  await waitForGreeting(bob.chat, () => tab.grants.conversationId);
  assert.ok(bob.asked() >= 1, "bob's widget asked the backend for his own token");
  const bobConversation = tab.grants.conversationId;
  assert.notEqual(bobConversation, aliceConversation, 'bob got a conversation of his own');
  const rows = await domRows(tab.page);
  assert.ok(!rows.some((r) => r.text.includes('for alice only')), `bob sees nothing of alice's conversation: ${JSON.stringify(rows).slice(0, 400)}`);
  const saved = await savedState(tab.page);
  assert.deepEqual(conversationOf(saved).sort(), [aliceConversation, bobConversation].sort(), 'one entry per user');
  console.log(`persist-user: alice ${aliceConversation} resumed on reload without a mint; bob got ${bobConversation} in the same tab; ${Object.keys(saved).length} entries (${Object.keys(saved).join(', ')})`);
  await tab.context.close();
});

test('clearPersisted() forgets the saved conversation and token, also after destroy()', { timeout: 120_000 }, async () => {
  const tab = await newTab();
  await login(tab);
  const first = await load(tab, { persistKey: 'carol' });
  await waitForGreeting(first.chat, () => tab.grants.conversationId);
  await tab.page.waitForFunction(() => Object.keys(sessionStorage).some((k) => k.startsWith('operator-chat')));

  // Logout while mounted: nothing stays saved, and the live widget does not save again.
  await tab.page.evaluate(() => window.__chat.clearPersisted());
  await first.chat.send('/echo after logout');
  await first.chat.waitAgentText(/^after logout$/);
  assert.deepEqual(await savedState(tab.page), {}, 'nothing saved after clearPersisted()');

  // A reload has nothing to resume: it asks the backend.
  const second = await load(tab, { persistKey: 'carol' });
  await second.chat.waitAgentMessages(1);
  assert.ok(second.asked() >= 1, 'the reload asked the backend for a token');
  await tab.page.waitForFunction(() => Object.keys(sessionStorage).some((k) => k.startsWith('operator-chat')));

  // After destroy(): the handle still clears.
  const cleared = await tab.page.evaluate(() => {
    window.__chat.destroy();
    window.__chat.clearPersisted();
    return Object.keys(sessionStorage).filter((k) => k.startsWith('operator-chat'));
  });
  assert.deepEqual(cleared, [], 'clearPersisted() after destroy() forgets the saved state');
  console.log('persist-user: clearPersisted() cleared a live widget (which then saved nothing) and a destroyed one');
  await tab.context.close();
});

test('an empty persistKey is refused with an error naming the option', { timeout: 60_000 }, async () => {
  const tab = await newTab();
  await login(tab);
  tab.options = { persist: true, persistKey: ' ' };
  await tab.page.goto(`${servers.server}${HOST_PATH}`);
  await tab.page.waitForFunction(() => window.__mounted || window.__mountError, null, { timeout: 30_000 });
  const error = await tab.page.evaluate(() => window.__mountError);
  assert.match(String(error), /options\.persistKey must not be empty/);
  await tab.context.close();
});
