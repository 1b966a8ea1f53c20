// Randomized fault injection through the emulator's admin route. After every injection the
// widget must settle on exactly the emulator's record: no lost or duplicated characters, no
// user message sent twice. Replay a run with OPERATOR_CHAT_TEST_SEED=<printed seed>.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../support/browser.mjs';
import { openHost, newContext } from './lib/host.mjs';
import { Widget } from './lib/widget.mjs';
import { injectFault, clearFaults } from './lib/emulator.mjs';
import { expectWidgetMatchesRecord, expectSentOnce } from './lib/settle.mjs';
import { seeded, seedFromEnv } from './lib/prng.mjs';

const INJECTIONS = Number(process.env.OPERATOR_CHAT_FAULT_INJECTIONS ?? 104);
const PER_CONVERSATION = 13;
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'zeta', 'kappa', 'über', 'naïve', 'café', '日本', '🙂', 'x', 'quote"d', 'back\\slash', 'tab\tbed'];
const KINDS = ['drop_ws', 'drop_sse', 'revoke_token', 'expire_token', 'http_429', 'http_503', 'malformed_frame', 'slow_agent'];

const rng = seeded(seedFromEnv());
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await clearFaults().catch(() => {});
  await browser?.close();
});

/** An `/echo` message of `n` random words (so the reply streams as several deltas). */
function echo(round, n) {
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  return `/echo r${round} ${words.join(' ')}`;
}

/** Arms the faults of one injection of `kind`; returns a label for failure messages. */
async function inject(kind, conversation_id) {
  const reconnectAfter = rng.int(0, 3);
  switch (kind) {
    case 'drop_ws':
    case 'drop_sse': {
      const after_events = rng.int(1, 5);
      await injectFault({ kind, after_events, conversation_id });
      return `${kind} after ${after_events} events`;
    }
    case 'revoke_token':
    case 'expire_token':
      await injectFault({ kind, conversation_id });
      // The open streams keep going; the token only matters on the next connect, so force one.
      await injectFault({ kind: rng.pick(['drop_sse', 'drop_ws']), after_events: reconnectAfter, conversation_id });
      return `${kind} then a drop after ${reconnectAfter} events`;
    case 'http_429':
    case 'http_503': {
      const status = kind === 'http_429' ? 429 : 503;
      const count = rng.int(1, 3);
      await injectFault({
        kind: 'http_status',
        status,
        count,
        retry_after_s: 1,
        path_prefix: `/conversations/${conversation_id}`,
      });
      await injectFault({ kind: 'drop_sse', after_events: reconnectAfter, conversation_id });
      return `http ${status} x${count} (Retry-After 1) on reconnect after ${reconnectAfter} events`;
    }
    case 'malformed_frame': {
      const target = rng.pick(['sse', 'ws']);
      await injectFault({ kind, conversation_id, target });
      return `malformed ${target} frame`;
    }
    case 'slow_agent': {
      const delta_interval_ms = rng.int(40, 140);
      await injectFault({ kind, delta_interval_ms, conversation_id });
      return `slow agent ${delta_interval_ms} ms/delta`;
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

test(`${INJECTIONS} randomized fault injections leave the widget's transcript equal to the emulator's record`, { timeout: 420_000 }, async () => {
  const seed = rng.seed;
  console.log(`faults: seed ${seed} (replay with OPERATOR_CHAT_TEST_SEED=${seed})`);
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0]));
  const started = Date.now();
  let done = 0;
  let conversations = 0;
  let messages = 0;
  while (done < INJECTIONS) {
    const context = await newContext(browser);
    const page = await context.newPage();
    const grants = await openHost(page);
    const chat = new Widget(page);
    await chat.open();
    await chat.waitAgentMessages(1);
    const conversationId = grants.conversationId;
    assert.ok(conversationId, 'the page was granted a conversation');
    conversations += 1;
    const sent = [];
    for (let i = 0; i < PER_CONVERSATION && done < INJECTIONS; i += 1) {
      const round = done + 1;
      const kind = rng.pick(KINDS);
      const what = await inject(kind, conversationId);
      const label = `injection ${round} (${what}; seed ${seed}; conversation ${conversationId})`;
      // One message, or two in a row (the second queues behind the first reply).
      const burst = rng.next() < 0.25 ? 2 : 1;
      for (let b = 0; b < burst; b += 1) {
        const text = echo(`${round}${'ab'[b]}`, rng.int(8, 20));
        await chat.send(text);
        sent.push(text);
        messages += 1;
      }
      const { record, rows } = await expectWidgetMatchesRecord(page, conversationId, { timeout: 45_000, label });
      expectSentOnce(sent, record, rows, label);
      const unconfirmed = rows.filter((r) => r.role === 'user' && r.status !== 'confirmed');
      assert.deepEqual(unconfirmed, [], `${label}: every user message is confirmed`);
      await clearFaults();
      counts[kind] += 1;
      done += 1;
    }
    await context.close();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const perKind = KINDS.map((k) => `${k} ${counts[k]}`).join(', ');
  console.log(`faults: ${done} injections survived (${perKind}) over ${conversations} conversations, ${messages} messages, ${seconds} s, seed ${seed}`);
  assert.ok(done >= 100, 'at least 100 injections');
  for (const kind of KINDS) assert.ok(counts[kind] > 0, `kind ${kind} was injected at least once`);
});
