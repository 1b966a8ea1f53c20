// The happy path in a real browser: open the widget, stream a reply, tool call and notice rows,
// reload with persistence and find the transcript restored, end the conversation; on both
// channels (`chat_realtime`: WebSocket session, `chat_async`: each message a POST whose answer
// streams the events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openHost, newContext, sharedBrowser, channelTest } from './lib/host.mjs';
import { openGreetedChat, waitForGreeting } from './lib/start.mjs';
import { Widget, domRows } from './lib/widget.mjs';
import { injectFault, clearFaults, conversationRecord } from './lib/emulator.mjs';
import { expectWidgetMatchesRecord, expectSentOnce } from './lib/settle.mjs';
import { useChannel } from './lib/config.mjs';

const NOTICE = 'This chat may be recorded for quality and training purposes.';
const GREETING = "Hi! I'm the Operator demo agent. How can I help you today?";

const browser = sharedBrowser();

channelTest('a visitor chats, reloads into the same transcript, and ends the conversation', { timeout: 120_000 }, async (channel) => {
  const context = await newContext(browser());
  const page = await context.newPage();
  // Which session API the page used: session sockets, and POSTs to …/session.
  const sockets = [];
  const posts = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('request', (req) => {
    if (req.method() === 'POST' && /\/conversations\/[^/]+\/session/.test(req.url())) posts.push(req.url());
  });
  const grants = await openHost(page, { options: { persist: true } });
  const chat = new Widget(page);
  const sent = [];

  // Opening starts the conversation: the recording notice, then the greeting, streamed.
  await chat.open();
  await waitForGreeting(chat, () => grants.conversationId);
  const conversationId = grants.conversationId;
  assert.ok(conversationId, 'the page was granted a conversation by POST /operator/session');
  const grant = grants.all.findLast((g) => g.status === 200);
  assert.equal(grant.channel, channel, `the session answer names the channel: ${JSON.stringify(grant)}`);
  assert.equal('session_url' in grant, channel === 'chat_realtime', 'a session_url for chat_realtime only');
  const states = await page.evaluate(() => window.__states);
  const open = states.find((s) => s.state === 'open');
  assert.equal(open?.channel, channel, `onStateChange reports the channel: ${JSON.stringify(states)}`);
  let rows = await domRows(page);
  assert.deepEqual(
    rows.filter((r) => r.role === 'notice').map((r) => r.text.trim()),
    [NOTICE],
    'the start notice is shown as a notice row',
  );
  assert.equal((await chat.agentTexts())[0], GREETING, 'the greeting is shown');

  // A streamed reply grows in steps, then completes with the final text.
  await injectFault({ kind: 'slow_agent', delta_interval_ms: 90, conversation_id: conversationId });
  const streamed = '/stream 14';
  await chat.send(streamed);
  sent.push(streamed);
  const lengths = new Set();
  const deadline = Date.now() + 20_000;
  let typingSeen = false;
  while (Date.now() < deadline) {
    rows = await domRows(page);
    const agents = rows.filter((r) => r.role === 'agent');
    const last = agents[agents.length - 1];
    if (agents.length >= 2 && last.done !== 'true') {
      lengths.add(last.text.length);
      typingSeen ||= await chat.typing.isVisible();
    }
    if (agents.length >= 2 && last.done === 'true') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await clearFaults();
  const partials = [...lengths].filter((n) => n > 0).sort((a, b) => a - b);
  assert.ok(partials.length >= 2, `saw the reply grow through at least 2 partial lengths, saw ${JSON.stringify(partials)}`);
  const expected = Array.from({ length: 14 }, (_, i) => `w${i + 1}`).join(' ');
  const reply = (await chat.agentTexts())[1];
  assert.equal(reply.trim(), expected, 'the completed reply is the whole stream');
  assert.ok(partials.every((n) => n < reply.length), 'every partial was shorter than the final text');
  assert.ok(typingSeen, 'the typing indicator showed while the agent streamed');
  console.log(`conversation [${channel}]: streamed reply grew through ${partials.length} partial lengths (${partials.join(', ')}) to ${reply.length}`);

  // "order" makes the agent call lookup_order: a tool row, then the answer.
  const order = 'Where is my order B-2002?';
  await chat.send(order);
  sent.push(order);
  await chat.waitAgentText(/Your order B-2002 has shipped/);
  await page.locator('[data-testid=message][data-role=tool][data-state=returned]').waitFor();
  const tools = (await domRows(page)).filter((r) => r.role === 'tool');
  assert.equal(tools.length, 1, 'one tool-call row');
  assert.match(tools[0].text, /lookup_order/, `the tool row names the tool: ${tools[0].text}`);
  const all = await domRows(page);
  const asked = all.findIndex((r) => r.role === 'user' && r.text === order);
  const toolAt = all.findIndex((r) => r.role === 'tool');
  assert.ok(asked >= 0 && toolAt > asked, `the tool row follows the question (rows: ${all.map((r) => r.role).join(', ')})`);
  // What the agent said before the call is above it, the answer below it.
  assert.deepEqual(
    all.slice(toolAt - 1, toolAt + 2).map((r) => [r.role, r.text.trim()]),
    [['agent', 'Let me look that order up.'], ['tool', tools[0].text.trim()], ['agent', 'Your order B-2002 has shipped and will arrive in 2 business days.']],
    `the tool row sits between the agent's words before and after the call (rows: ${all.map((r) => `${r.role}:${r.text.slice(0, 20)}`).join(' | ')})`,
  );

  // "notice" makes the agent send a notice first.
  const notice = 'Please give me a notice about delays';
  await chat.send(notice);
  sent.push(notice);
  await chat.waitAgentText(/You said: "Please give me a notice about delays"/);
  const notices = (await domRows(page)).filter((r) => r.role === 'notice');
  assert.equal(notices.length, 2, `a second notice row appeared: ${JSON.stringify(notices)}`);

  let settled = await expectWidgetMatchesRecord(page, conversationId, { label: 'before reload' });
  expectSentOnce(sent, settled.record, settled.rows, 'before reload');
  const before = (await domRows(page)).map(({ role, text }) => ({ role, text: text.trim() }));
  console.log(`conversation [${channel}]: ${settled.record.transcript.length} messages, ${tools.length} tool call, ${notices.length} notices before reload`);

  // Reload with persistence: same conversation, same transcript (tool and notice rows too).
  await page.reload();
  await page.waitForFunction(() => window.__mounted || window.__mountError);
  await chat.open();
  await page.waitForFunction(
    (n) => {
      const count = (root) => [...root.querySelectorAll('*')].reduce(
        (sum, el) => sum + (el.dataset?.testid === 'message' ? 1 : 0) + (el.shadowRoot ? count(el.shadowRoot) : 0), 0);
      return count(document) >= n;
    },
    before.length,
    { timeout: 20_000 },
  ).catch(() => {});
  const restored = (await domRows(page)).map(({ role, text }) => ({ role, text: text.trim() }));
  assert.deepEqual(restored, before, 'after reload the widget shows the same rows (messages, tool call, notices)');
  assert.equal(grants.conversationId, conversationId, 'the reload continued the same conversation');
  settled = await expectWidgetMatchesRecord(page, conversationId, { label: 'after reload' });
  expectSentOnce(sent, settled.record, settled.rows, 'after reload');
  const starts = settled.record.events.filter((e) => e.payload?.type === 'conversation.started').length;
  assert.equal(starts, 1, 'the reload did not start the conversation again');

  // The conversation continues after the reload.
  const more = '/echo still here after reload';
  await chat.send(more);
  sent.push(more);
  await chat.waitAgentText(/^still here after reload$/);
  settled = await expectWidgetMatchesRecord(page, conversationId, { label: 'after reload, new message' });
  expectSentOnce(sent, settled.record, settled.rows, 'after reload, new message');

  if (channel === 'chat_async') {
    assert.equal(sockets.length, 0, `no session WebSocket on chat_async: ${sockets.join(', ')}`);
    // conversation.start, 3 messages, 1 after the reload (the End below is one more).
    assert.ok(posts.length >= 5, `each client message was a POST …/session (saw ${posts.length})`);
  } else {
    assert.equal(posts.length, 0, 'no POST …/session on chat_realtime');
    assert.ok(sockets.length >= 2, `the session WebSocket, again after the reload (saw ${sockets.length})`);
  }

  // End: the ended state, no composer, and the emulator agrees.
  await chat.endButton.click();
  await chat.waitState('ended');
  await chat.ended.waitFor({ state: 'visible' });
  assert.equal(await chat.composer.isVisible(), false, 'the composer is hidden once ended');
  const record = await conversationRecord(conversationId);
  const ended = record.events.find((e) => e.payload?.type === 'conversation.ended');
  assert.ok(ended, 'the emulator recorded conversation.ended');
  assert.equal(ended.payload.reason, 'user_ended', 'ended by the user');
  console.log(`conversation [${channel}]: ${record.events.length} events recorded, restored ${restored.length} rows after reload, ended (${ended.payload.reason})`);
  await context.close();
});

// What the widget does beyond chatting, on both channels: the host's context reaches the
// service, a reply that comes while the panel is closed counts as unread on the launcher, and
// "Start new chat" after the end begins a new conversation that chats like the first.
channelTest('context, unread replies and a new chat work', { timeout: 120_000 }, async (channel) => {
  const { context, page, grants, chat } = await openGreetedChat(browser());
  const first = grants.conversationId;

  await page.evaluate(() => window.__chat.setContext({ plan: 'pro', seats: 3 }));
  const deadline = Date.now() + 10_000;
  let updated;
  while (!updated && Date.now() < deadline) {
    const record = await conversationRecord(first);
    updated = record.events.find((e) => e.payload?.type === 'conversation.context.updated');
    if (!updated) await page.waitForTimeout(100);
  }
  assert.ok(updated, 'the service recorded the context update');
  assert.deepEqual(updated.payload.context, { plan: 'pro', seats: 3 }, 'with the host\'s object');

  // Closed panel: a reply counts as unread; opening clears it.
  await chat.closeButton.click();
  await chat.panel.waitFor({ state: 'hidden' });
  await page.evaluate(() => window.__chat.send('/echo while you were away'));
  await page.waitForFunction(() => window.__chat.unread === 1, null, { timeout: 20_000 });
  assert.equal(await chat.launcher.getAttribute('aria-label'), 'Open chat, 1 unread');
  await chat.open();
  await chat.waitAgentText(/^while you were away$/);
  assert.equal(await page.evaluate(() => window.__chat.unread), 0, 'opening read it');

  // End, then a new chat: a new conversation, greeted, that takes messages.
  await chat.endButton.click();
  await chat.ended.waitFor({ state: 'visible' });
  await page.locator('[data-testid=new-chat]').click();
  await chat.waitState('open');
  const second = grants.conversationId;
  assert.notEqual(second, first, 'a new conversation was granted');
  await waitForGreeting(chat, () => second);
  await chat.send('/echo in the new chat');
  await chat.waitAgentText(/^in the new chat$/);
  const settled = await expectWidgetMatchesRecord(page, second, { label: 'new chat' });
  expectSentOnce(['/echo in the new chat'], settled.record, settled.rows, 'new chat');
  const old = await conversationRecord(first);
  assert.ok(old.events.some((e) => e.payload?.type === 'conversation.ended'), 'the first conversation ended');
  assert.ok(!old.events.some((e) => e.payload?.text === '/echo in the new chat'), 'nothing of the new chat went to the old one');
  console.log(`conversation [${channel}]: context recorded, 1 unread while closed, a new chat ${second} after ${first}`);
  await context.close();
});

// Realtime: `lose_message` drops the session socket as the message arrives. On chat_async it
// cuts the POST before any answer, and the widget sends it again by itself (the next test).
test('a message lost in a drop is marked unconfirmed, and Send again delivers it once', { timeout: 90_000 }, async () => {
  const { context, page, grants, chat } = await openGreetedChat(browser());
  const conversationId = grants.conversationId;
  const before = (await chat.agentTexts()).length;

  // The socket drops as the message arrives: it was written but never reached the service.
  await injectFault({ kind: 'lose_message', conversation_id: conversationId });
  await chat.send('/echo lost once');
  const row = page.locator('[data-role=user]', { hasText: '/echo lost once' });
  await row.and(page.locator('[data-status=unconfirmed]')).waitFor({ timeout: 15_000 });
  assert.match(await row.textContent(), /May not have been delivered/);
  assert.equal((await chat.agentTexts()).length, before, 'nothing answered, nothing resent by itself');

  await row.locator('[data-testid=resend]').click();
  await chat.waitAgentMessages(before + 1);
  assert.equal((await chat.agentTexts()).at(-1), 'lost once');
  await row.and(page.locator('[data-status=confirmed]')).waitFor({ timeout: 10_000 });
  assert.equal(await row.locator('[data-testid=resend]').isVisible(), false, 'the button is gone');
  const rows = await domRows(page);
  assert.equal(rows.filter((r) => r.role === 'user' && r.text === '/echo lost once').length, 1, 'one row');
  const record = await conversationRecord(conversationId);
  const received = record.events.filter((e) => e.payload.type === 'user.message.received');
  assert.deepEqual(
    received.map((e) => e.payload.text).filter((t) => t === '/echo lost once'),
    ['/echo lost once'],
    'the service got it exactly once',
  );
  await context.close();
});

// chat_async: a message's POST that fails before its answer starts. Whether the service got it
// is unknown to the widget: it reconnects, and the replay decides. Playwright cuts the POST
// (route.abort) either before it leaves the browser (the service never gets it: sent again,
// once) or after the service took it (route.fetch first: the replay acknowledges it, and it is
// not sent twice). Either way it ends confirmed, shown once, received once.
for (const reached of [false, true]) {
  const how = reached ? 'after the service took it' : 'before it reached the service';
  test(`chat_async: a POST cut ${how} delivers the message exactly once`, { timeout: 90_000 }, async () => {
    useChannel('chat_async');
    try {
      const { context, page, grants, chat } = await openGreetedChat(browser());
      const conversationId = grants.conversationId;
      const text = `/echo cut ${reached ? 'after' : 'before'}`;
      let cut = 0;
      let posts = 0;
      await page.route(/\/conversations\/[^/]+\/session\?/, async (route) => {
        const req = route.request();
        if (req.method() !== 'POST') return route.fallback();
        posts += 1;
        if (cut === 0 && (req.postData() ?? '').includes(text)) {
          cut += 1;
          if (reached) await route.fetch().then((res) => res.body()).catch(() => {});
          return route.abort('connectionreset');
        }
        return route.fallback();
      });
      await chat.send(text);
      await chat.waitAgentText(new RegExp(`^cut ${reached ? 'after' : 'before'}$`), 30_000);
      const row = page.locator('[data-role=user]', { hasText: text });
      await row.and(page.locator('[data-status=confirmed]')).waitFor({ timeout: 15_000 });
      const settled = await expectWidgetMatchesRecord(page, conversationId, { label: `POST cut ${how}` });
      expectSentOnce([text], settled.record, settled.rows, `POST cut ${how}`);
      assert.equal(cut, 1, 'the POST was cut once');
      // The widget's resend: one more POST of the message unless the service had it.
      await page.waitForTimeout(500);
      const again = posts - 1;
      assert.equal(again, reached ? 0 : 1, 'sent again only when the service did not have it');
      console.log(`conversation [chat_async]: a POST cut ${how}: ${again} more POST(s), the message received once and confirmed`);
      await context.close();
    } finally {
      useChannel('chat_realtime');
    }
  });
}

// chat_async: the service loses a message in transit (`lose_message` cuts its POST before any
// answer). On a reused connection Chromium itself posts it again (a connection closed with no
// answer looks stale); otherwise the widget cannot know whether the service got it, so it
// reconnects and the replay decides: it did not, so the widget sends it again. Either way it
// arrives once, and the one written after it follows.
test('chat_async: a message the service lost in transit is sent again by itself, once, in order', { timeout: 90_000 }, async () => {
  useChannel('chat_async');
  try {
    const { context, page, grants, chat } = await openGreetedChat(browser());
    const conversationId = grants.conversationId;
    await injectFault({ kind: 'lose_message', conversation_id: conversationId });
    const sent = ['/echo lost in transit', '/echo right behind'];
    for (const text of sent) await chat.send(text);
    await chat.waitAgentText(/^right behind$/, 30_000);
    const settled = await expectWidgetMatchesRecord(page, conversationId, { label: 'after lose_message', queued: true });
    expectSentOnce(sent, settled.record, settled.rows, 'after lose_message');
    const users = settled.record.transcript.filter((m) => m.role === 'user').map((m) => m.text);
    assert.deepEqual(users, sent, 'the service got both, in the order written');
    assert.equal(await page.locator('[data-status=unconfirmed]').count(), 0, 'nothing left unconfirmed');
    console.log('conversation [chat_async]: a message lost in transit was sent again once, the next one followed in order');
    await context.close();
  } finally {
    useChannel('chat_realtime');
  }
});

// chat_async: messages are posted one at a time so the service gets them in the order written.
// A POST refused with 429 (or 401 after a revocation) goes back into the queue in its place; the
// message written after it must not overtake it.
for (const refusal of ['http_429', 'revoke_token']) {
  test(`chat_async: two messages in a row keep their order when the first POST is refused (${refusal})`, { timeout: 90_000 }, async () => {
    useChannel('chat_async');
    try {
      const { context, page, grants, chat } = await openGreetedChat(browser());
      const conversationId = grants.conversationId;
      if (refusal === 'http_429') {
        await injectFault({ kind: 'http_status', status: 429, count: 1, retry_after_s: 1, path_prefix: `/conversations/${conversationId}/session` });
      } else {
        await injectFault({ kind: 'revoke_token', conversation_id: conversationId });
      }
      const sent = ['/echo first in line', '/echo second in line'];
      for (const text of sent) await chat.send(text);
      await chat.waitAgentText(/^second in line$/, 30_000);
      const settled = await expectWidgetMatchesRecord(page, conversationId, { label: `order after ${refusal}`, queued: true });
      expectSentOnce(sent, settled.record, settled.rows, `order after ${refusal}`);
      const users = settled.record.transcript.filter((m) => m.role === 'user').map((m) => m.text);
      assert.deepEqual(users, sent, 'the service got them in the order written');
      console.log(`conversation [chat_async]: 2 messages after a ${refusal} refusal arrived once each, in order`);
      await context.close();
    } finally {
      useChannel('chat_realtime');
    }
  });
}

// chat_async: a POST whose answer never starts (a stalled proxy) must not hold the messages
// behind it forever: after 20 s the widget gives it up as lost before its answer, reconnects,
// and sends it again (the service never got it); the message behind it follows, in order.
test('chat_async: a POST that hangs without an answer is given up and sent again, and the next message follows', { timeout: 90_000 }, async () => {
  useChannel('chat_async');
  try {
    const { context, page, grants, chat } = await openGreetedChat(browser());
    const conversationId = grants.conversationId;
    const sent = ['/echo stalled once', '/echo behind it'];
    let held = 0;
    await page.route(/\/conversations\/[^/]+\/session\?/, async (route) => {
      const req = route.request();
      if (req.method() === 'POST' && held === 0 && (req.postData() ?? '').includes(sent[0])) {
        held += 1;
        return; // never answered: the widget has to give up on it
      }
      return route.fallback();
    });
    const trail = [];
    page.on('console', (m) => trail.push(`console.${m.type()}: ${m.text()}`));
    page.on('request', (r) => r.method() === 'POST' && trail.push(`POST ${r.url().split('?')[0]} ${r.postData()}`));
    page.on('requestfailed', (r) => trail.push(`failed ${r.method()} ${r.url().split('?')[0]}: ${r.failure()?.errorText}`));
    page.on('response', (r) => !r.url().includes('/pkg/') && trail.push(`${r.status()} ${r.request().method()} ${r.url().split('?')[0]}`));
    const started = Date.now();
    for (const text of sent) await chat.send(text);
    const settled = await (async () => {
      await chat.waitAgentText(/^behind it$/, 60_000);
      return expectWidgetMatchesRecord(page, conversationId, { label: 'after a hung POST', queued: true });
    })().catch((err) => {
      err.message += `\npage trail:\n${trail.join('\n')}`;
      throw err;
    });
    expectSentOnce(sent, settled.record, settled.rows, 'after a hung POST');
    const users = settled.record.transcript.filter((m) => m.role === 'user').map((m) => m.text);
    assert.deepEqual(users, sent, 'the service got them in the order written');
    assert.equal(held, 1, 'the first POST was held');
    console.log(`conversation [chat_async]: a hung POST was given up and both messages delivered in order after ${Date.now() - started} ms`);
    await context.close();
  } finally {
    useChannel('chat_realtime');
  }
});
