// Randomized fault injection through the emulator's admin route. After every injection the
// widget must settle on exactly the emulator's record: no lost or duplicated characters, no
// user message sent twice. Replay a run with OPERATOR_CHAT_TEST_SEED=<printed seed>. Runs on
// both channels: on `chat_async` the session faults hit each message's POST answer instead of
// the WebSocket (`drop_async`, a malformed frame in the answer).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelTest, newContext, sharedBrowser } from './lib/host.mjs';
import { greetOn } from './lib/start.mjs';
import { injectFault, conversationRecord } from './lib/emulator.mjs';
import { classifyFailure as classify, expectWidgetMatchesRecord, expectSentOnce } from './lib/settle.mjs';
import { seeded, seedFromEnv } from './lib/prng.mjs';

const INJECTIONS = Number(process.env.OPERATOR_CHAT_FAULT_INJECTIONS ?? 104);
const PER_CONVERSATION = Number(process.env.OPERATOR_CHAT_FAULT_PER_CONVERSATION ?? 3);
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'zeta', 'kappa', 'über', 'naïve', 'café', '日本', '🙂', 'x', 'quote"d', 'back\\slash', 'tab\tbed'];
const KINDS = ['drop_ws', 'drop_sse', 'revoke_token', 'expire_token', 'http_429', 'http_503', 'malformed_frame', 'slow_agent'];
/** The session's transport per channel: what `drop_ws` and a `ws` malformed frame become. */
const SESSION = { chat_realtime: { drop: 'drop_ws', target: 'ws' }, chat_async: { drop: 'drop_async', target: 'async' } };

const seed = seedFromEnv();
/**
 * `cargo xtask soak` sets OPERATOR_CHAT_SOAK: every conversation of the plan runs even after a
 * failure, each failure is classified (lost, duplicated, unconfirmed, stuck, other) with the
 * line that replays it, and the report goes to OPERATOR_CHAT_SOAK_REPORT (a directory).
 */
const SOAK = Boolean(process.env.OPERATOR_CHAT_SOAK);
const OUTCOMES = ['lost', 'duplicated', 'unconfirmed', 'stuck', 'other'];

const WORKERS = Number(process.env.OPERATOR_CHAT_FAULT_WORKERS ?? 5);
const browser = sharedBrowser();

/** An `/echo` message of `n` random words (so the reply streams as several deltas). */
function echo(rng, round, n) {
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  return `/echo r${round} ${words.join(' ')}`;
}

/** Arms the faults of one injection of `kind`; returns a label for failure messages. */
async function inject(rng, kind, conversation_id, channel) {
  const reconnectAfter = rng.int(0, 3);
  const session = SESSION[channel];
  switch (kind) {
    case 'drop_ws':
    case 'drop_sse': {
      const after_events = rng.int(1, 5);
      const drop = kind === 'drop_ws' ? session.drop : kind;
      await injectFault({ kind: drop, after_events, conversation_id });
      return `${drop} after ${after_events} events`;
    }
    case 'revoke_token':
    case 'expire_token':
      await injectFault({ kind, conversation_id });
      // The open streams keep going; the token only matters on the next connect, so force one.
      await injectFault({ kind: rng.pick(['drop_sse', session.drop]), after_events: reconnectAfter, conversation_id });
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
      const target = rng.pick(['sse', session.target]);
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

/**
 * The plan: every kind equally often (in a seeded shuffle), cut into conversations of
 * PER_CONVERSATION injections. Faults are armed for one conversation only (http_status by path
 * prefix), so conversations run side by side without touching each other's faults.
 */
function plan() {
  const rng = seeded(seed);
  const kinds = Array.from({ length: INJECTIONS }, (_, i) => KINDS[i % KINDS.length]);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const conversations = [];
  for (let i = 0; i < kinds.length; i += PER_CONVERSATION) conversations.push(kinds.slice(i, i + PER_CONVERSATION));
  return conversations;
}

/** One conversation in its own browser context: inject, send, settle, compare, repeat. */
async function runConversation(index, kinds, stats, channel) {
  const rng = seeded((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const context = await newContext(browser());
  const trail = [];
  let t0 = Date.now();
  try {
    const page = await context.newPage();
    t0 = Date.now();
    const note = (line) => trail.push(`${Date.now() - t0}ms ${line}`.slice(0, 200));
    page.on('console', (m) => note(`console.${m.type()}: ${m.text()}`));
    page.on('websocket', (ws) => {
      note(`ws open ${ws.url().split('?')[0]}`);
      ws.on('close', () => note('ws closed'));
    });
    page.on('requestfailed', (r) => note(`failed ${r.url().split('?')[0]}: ${r.failure()?.errorText}`));
    page.on('response', (r) => !r.url().includes('/pkg/') && note(`${r.status()} ${r.url().split('?')[0]}`));
    const { grants, chat } = await greetOn(page);
    const conversationId = grants.conversationId;
    assert.ok(conversationId, 'the page was granted a conversation');
    const sent = [];
    let queued = false;
    for (const [i, kind] of kinds.entries()) {
      const what = await inject(rng, kind, conversationId, channel);
      const label = `[${channel}] conversation ${index} injection ${i + 1} (${what}; seed ${seed}; ${conversationId})`;
      note(`--- injection ${i + 1}: ${what}`);
      // One message, or two in a row (the second queues behind the first reply).
      const burst = rng.next() < 0.25 ? 2 : 1;
      queued ||= burst > 1;
      const started = Date.now();
      for (let b = 0; b < burst; b += 1) {
        const text = echo(rng, `${index}.${i + 1}${'ab'[b]}`, rng.int(8, 20));
        await chat.send(text);
        sent.push(text);
        stats.messages += 1;
      }
      const { record, rows } = await expectWidgetMatchesRecord(page, conversationId, { timeout: 90_000, label, queued });
      expectSentOnce(sent, record, rows, label);
      const unconfirmed = rows.filter((r) => r.role === 'user' && r.status !== 'confirmed');
      assert.deepEqual(unconfirmed, [], `${label}: every user message is confirmed`);
      if (kind === 'slow_agent') {
        // Back to the emulator's default pace (a global clear would disarm other conversations' faults).
        await injectFault({ kind: 'slow_agent', delta_interval_ms: 25, conversation_id: conversationId });
      }
      const ms = Date.now() - started;
      stats.counts[kind] += 1;
      stats.durations[kind].push(ms);
      if (process.env.OPERATOR_CHAT_TEST_VERBOSE) {
        console.log(`faults: ${label}: settled in ${ms} ms`);
        if (ms > 15_000) console.log(trail.slice(trail.findLastIndex((l) => l.includes('--- injection'))).join('\n'));
      }
    }
    stats.conversations += 1;
  } catch (err) {
    // The page's side of the story (last 40 lines): requests, sockets, console.
    err.message += `\npage trail (last 40):\n${trail.slice(-40).join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
}

channelTest(`${INJECTIONS} randomized fault injections leave the widget's transcript equal to the emulator's record`, { timeout: Math.max(480_000, INJECTIONS * 3_000) }, async (channel) => {
  console.log(`faults [${channel}]: seed ${seed} (replay with OPERATOR_CHAT_TEST_SEED=${seed}), ${WORKERS} conversations at a time, ${PER_CONVERSATION} injections each`);
  const stats = {
    counts: Object.fromEntries(KINDS.map((k) => [k, 0])),
    durations: Object.fromEntries(KINDS.map((k) => [k, []])),
    conversations: 0,
    messages: 0,
  };
  const started = Date.now();
  const only = process.env.OPERATOR_CHAT_FAULT_ONLY;
  const queue = plan()
    .map((kinds, index) => ({ kinds, index }))
    .filter(({ index }) => only === undefined || String(index) === only);
  const failures = [];
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (queue.length && (SOAK || failures.length === 0)) {
        const { kinds, index } = queue.shift();
        await runConversation(index, kinds, stats, channel).catch((err) => {
          const failure = new Error(`[${channel}] conversation ${index} (${kinds.join(', ')}; seed ${seed}): ${err.message}`, { cause: err });
          failure.outcome = classify(err.message);
          failure.index = index;
          failures.push(failure);
          if (SOAK) console.log(`soak [${channel}]: conversation ${index} ${failure.outcome}: ${err.message.split('\n')[0]}`);
        });
      }
    }),
  );
  if (SOAK) soakReport(channel, stats, failures, Date.now() - started);
  if (failures.length) throw failures[0];
  const done = Object.values(stats.counts).reduce((a, b) => a + b, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // On chat_async, drop_ws is injected as drop_async.
  const shown = (k) => (k === 'drop_ws' ? SESSION[channel].drop : k);
  const perKind = KINDS.map((k) => `${shown(k)} ${stats.counts[k]}`).join(', ');
  console.log(`faults [${channel}]: ${done} injections survived (${perKind}) over ${stats.conversations} conversations, ${stats.messages} messages, ${seconds} s, seed ${seed}`);
  const timing = KINDS.map((k) => `${shown(k)} ${Math.round(stats.durations[k].reduce((a, b) => a + b, 0) / Math.max(1, stats.durations[k].length))}/${Math.max(0, ...stats.durations[k])}`).join(', ');
  console.log(`faults [${channel}]: settle time per kind, mean/max ms: ${timing}`);
  if (only !== undefined) return;
  if (SOAK) {
    assert.equal(done, INJECTIONS, 'every planned injection settled');
    return;
  }
  assert.ok(done >= 100, 'at least 100 injections');
  for (const kind of KINDS) assert.ok(stats.counts[kind] > 0, `kind ${kind} was injected at least once`);
});

/** The soak's findings for `channel`: printed, and written as JSON beside the other reports. */
function soakReport(channel, stats, failures, ms) {
  const injections = Object.values(stats.counts).reduce((a, b) => a + b, 0);
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, failures.filter((f) => f.outcome === o).length]));
  const replay = (f) => `OPERATOR_CHAT_TEST_SEED=${seed} OPERATOR_CHAT_FAULT_INJECTIONS=${INJECTIONS} `
    + `OPERATOR_CHAT_FAULT_ONLY=${f.index} OPERATOR_CHAT_TEST_CHANNELS=${channel} cargo xtask test faults.test.mjs`;
  console.log(`soak [${channel}]: ${injections} injections settled of ${INJECTIONS} planned, ${stats.conversations} conversations, `
    + `${stats.messages} messages, ${(ms / 1000).toFixed(0)} s, seed ${seed}: `
    + OUTCOMES.map((o) => `${o} ${counts[o]}`).join(', '));
  for (const f of failures) console.log(`soak [${channel}]: replay conversation ${f.index} (${f.outcome}): ${replay(f)}`);
  const dir = process.env.OPERATOR_CHAT_SOAK_REPORT;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `soak-${channel}.json`), `${JSON.stringify({
    channel,
    seed,
    planned: INJECTIONS,
    injections,
    conversations: stats.conversations,
    messages: stats.messages,
    seconds: Math.round(ms / 1000),
    per_kind: stats.counts,
    outcomes: counts,
    failures: failures.map((f) => ({ conversation: f.index, outcome: f.outcome, message: f.message.slice(0, 2000), replay: replay(f) })),
  }, null, 2)}\n`);
}
