// Capacity of the emulator and the token server on this machine, all traffic to 127.0.0.1.
// usage: node xtask/bench/capacity.mjs <out.json>   (servers from the environment, see env() calls)
//
// 1. Streaming sessions: N conversations, each with its own session WebSocket, all sent
//    `/stream D` at the same moment while the agent paces deltas `PACE` ms apart. Every delta of
//    every session is checked against the expected `w1 … wD` (lost, duplicated, out of order)
//    and the completed text against the expected text.
// 2. Mint: C clients, each a distinct demo caller (its own cookie from /demo/login?fresh=1),
//    call POST /operator/session back to back for a bounded time; latency of each answer.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { deadline, env, fault, json, mapLimit, now } from './lib/http.mjs';

const EMU = env('OPERATOR_CHAT_BENCH_EMULATOR');
const SESSION_HOST = env('OPERATOR_CHAT_BENCH_SESSION_HOST');
const ADMIN = env('OPERATOR_CHAT_BENCH_ADMIN_KEY');
const KEY = env('OPERATOR_CHAT_BENCH_API_KEY');
const TS = env('OPERATOR_CHAT_BENCH_SERVER');
const AGENT = process.env.OPERATOR_AGENT_ID ?? 'ca_demoAgent0001';
const LEVELS = (process.env.BENCH_SESSION_LEVELS ?? '50,100,200,400').split(',').map(Number);
const DELTAS = Number(process.env.BENCH_SESSION_DELTAS ?? 250);
const PACE = Number(process.env.BENCH_SESSION_PACE_MS ?? 20);
const MINT_CLIENTS = (process.env.BENCH_MINT_CLIENTS ?? '1,8,32').split(',').map(Number);
const MINT_SECONDS = Number(process.env.BENCH_MINT_SECONDS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const range = (n) => Array.from({ length: n }, (_, i) => i);

async function createConversation() {
  return json(`${EMU}/conversations`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${KEY}`,
      'Operator-Version': '2025-06-19',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ agent_id: AGENT, channel: { type: 'chat_realtime' } }),
  });
}

/** One session socket and what it has seen of the `/stream` reply. */
function openSession(conversation, deltas) {
  const s = {
    next: 1, received: 0, duplicated: 0, lost: 0, disordered: 0,
    done: false, textOk: false, closedEarly: false, doneAt: null,
  };
  // The documented create answer has no session_url: the socket is on the session host.
  const url = `${SESSION_HOST}/conversations/${conversation.id}/session?token=${conversation.channel.token}`;
  const ws = new WebSocket(url);
  s.ws = ws;
  s.finished = new Promise((resolve) => {
    ws.on('message', (data) => {
      let event;
      try {
        event = JSON.parse(data.toString());
      } catch {
        return;
      }
      const p = event.payload ?? {};
      if (p.type === 'agent.message.delta') {
        const m = /^w(\d+)\s?$/.exec(p.text_delta ?? '');
        if (!m) return; // the greeting
        const i = Number(m[1]);
        s.received += 1;
        if (i === s.next) s.next += 1;
        else if (i < s.next) s.duplicated += 1;
        else {
          s.disordered += 1;
          s.next = i + 1;
        }
      } else if (p.type === 'agent.message.completed' && /^w1\b/.test(p.text ?? '')) {
        s.done = true;
        s.doneAt = now();
        const expected = range(deltas).map((i) => `w${i + 1}`).join(' ');
        s.textOk = (p.text ?? '').trim() === expected;
        resolve();
      }
    });
    ws.on('close', () => {
      if (!s.done) s.closedEarly = true;
      resolve();
    });
    ws.on('error', () => {});
  });
  s.opened = new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return s;
}

async function sessionsLevel(n) {
  await fault(EMU, ADMIN, null);
  await fault(EMU, ADMIN, { kind: 'slow_agent', delta_interval_ms: PACE });
  const conversations = await mapLimit(range(n), 16, () => createConversation());
  const sessions = conversations.map((c) => openSession(c, DELTAS));
  const opened = await Promise.allSettled(sessions.map((s) => deadline(s.opened, 20_000, 'open')));
  const live = sessions.filter((_, i) => opened[i].status === 'fulfilled');
  const t0 = now();
  for (const s of live) {
    s.ws.send(JSON.stringify({
      id: 'bench_stream_1',
      payload: { type: 'user.message.send', text: `/stream ${DELTAS}` },
    }));
  }
  const ideal = DELTAS * PACE;
  const limit = Math.max(30_000, ideal * 8);
  await Promise.allSettled(live.map((s) => deadline(s.finished, limit, 'stream')));
  const wall = now() - t0;
  for (const s of sessions) s.ws.terminate();
  await fault(EMU, ADMIN, null);
  const sum = (k) => sessions.reduce((a, s) => a + s[k], 0);
  const completed = sessions.filter((s) => s.done && s.textOk && s.next === DELTAS + 1);
  return {
    sessions: n,
    opened: live.length,
    completed: completed.length,
    expected_deltas: n * DELTAS,
    received_deltas: sum('received'),
    lost_deltas: sessions.reduce((a, s) => a + Math.max(0, DELTAS - (s.next - 1)), 0)
      + sum('disordered'),
    duplicated_deltas: sum('duplicated'),
    disordered_deltas: sum('disordered'),
    wrong_text: sessions.filter((s) => s.done && !s.textOk).length,
    closed_early: sessions.filter((s) => s.closedEarly).length,
    deltas_per_session: DELTAS,
    pace_ms: PACE,
    ideal_ms: ideal,
    wall_ms: wall,
    session_ms: sessions.filter((s) => s.doneAt !== null).map((s) => s.doneAt - t0),
  };
}

async function login() {
  const res = await fetch(`${TS}/demo/login?fresh=1`, { headers: { Origin: TS } });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`/demo/login: ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

async function mintLevel(clients) {
  const cookies = await mapLimit(range(clients), 8, () => login());
  const latencies = [];
  const errors = {};
  const t0 = now();
  const end = t0 + MINT_SECONDS * 1000;
  await Promise.all(cookies.map(async (identity) => {
    // Send back the conversation cookie the first mint sets, as a browser does: the later
    // mints then resume that conversation (GET + token refresh) instead of creating one.
    let cookie = identity;
    while (now() < end) {
      const t = now();
      try {
        const res = await fetch(`${TS}/operator/session`, {
          method: 'POST',
          headers: { Origin: TS, Cookie: cookie },
        });
        await res.arrayBuffer();
        const conversation = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('opchat_conv='));
        if (conversation) cookie = `${identity}; ${conversation}`;
        if (res.ok) latencies.push(now() - t);
        else errors[res.status] = (errors[res.status] ?? 0) + 1;
      } catch (e) {
        const k = e.cause?.code ?? e.name;
        errors[k] = (errors[k] ?? 0) + 1;
      }
    }
  }));
  const elapsed = now() - t0;
  return { clients, seconds: elapsed / 1000, ok: latencies.length, errors, latencies_ms: latencies };
}

const [out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node xtask/bench/capacity.mjs <out.json>');
  process.exit(2);
}
const result = { sessions: [], mint: [] };
for (const n of LEVELS) {
  const r = await sessionsLevel(n);
  result.sessions.push(r);
  console.log(`capacity: ${n} sessions x ${DELTAS} deltas @${PACE} ms: ${r.completed}/${n} complete, `
    + `${r.lost_deltas} lost, ${r.duplicated_deltas} duplicated, wall ${r.wall_ms.toFixed(0)} ms (ideal ${r.ideal_ms})`);
}
for (let run = 0; run < RUNS; run += 1) {
  for (const c of MINT_CLIENTS) {
    const r = await mintLevel(c);
    result.mint.push({ run, ...r });
    console.log(`capacity: mint run ${run + 1}, ${c} clients: ${r.ok} ok in ${r.seconds.toFixed(1)} s `
      + `(${(r.ok / r.seconds).toFixed(0)}/s), errors ${JSON.stringify(r.errors)}`);
  }
}
writeFileSync(out, JSON.stringify(result));
