// "The final transcript equals the emulator's record exactly": wait until both sides are at
// rest, then compare, and explain the first difference precisely when they are not equal.
import assert from 'node:assert/strict';
import { conversationRecord, recordIsQuiet } from './emulator.mjs';
import { agentReads, domRows, messagesOf } from './widget.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function preview(text, n = 80) {
  const t = JSON.stringify(text ?? null);
  return t.length > n ? `${t.slice(0, n)}…(${text.length} chars)` : t;
}

/** A human sentence for the first difference between the widget's and the record's transcript. */
export function describeDifference(dom, rec) {
  const n = Math.max(dom.length, rec.length);
  for (let i = 0; i < n; i += 1) {
    const d = dom[i];
    const r = rec[i];
    if (!d) return `row ${i}: the record has ${r.role} ${preview(r.text)} but the widget shows nothing (lost message)`;
    if (!r) return `row ${i}: the widget shows ${d.role} ${preview(d.text)} that the record does not have (duplicated or invented message)`;
    if (d.role !== r.role) return `row ${i}: widget has a ${d.role} row ${preview(d.text)}, record has ${r.role} ${preview(r.text)}`;
    if (d.text !== r.text) {
      let at = 0;
      while (at < d.text.length && d.text[at] === r.text[at]) at += 1;
      const kind = d.text.length > r.text.length ? 'duplicated/extra' : d.text.length < r.text.length ? 'lost' : 'changed';
      return `row ${i} (${r.role}): ${kind} characters from offset ${at}: widget ${preview(d.text.slice(Math.max(0, at - 10)))} vs record ${preview(r.text.slice(Math.max(0, at - 10)))} (lengths ${d.text.length} vs ${r.text.length})`;
    }
  }
  return 'no difference';
}

/**
 * Whether the widget's transcript is the record's, allowing one thing only when `queued` is
 * set: a user message sent while the agent was still answering is shown at once (optimistic),
 * while the emulator records its receipt after the reply it waited for. Users and agents must
 * still match exactly, in order, and no user row may come later than in the record.
 */
export function sameTranscript(dom, rec, { queued = false } = {}) {
  if (JSON.stringify(dom) === JSON.stringify(rec)) return true;
  if (!queued) return false;
  const only = (list, role) => JSON.stringify(list.filter((m) => m.role === role));
  if (only(dom, 'user') !== only(rec, 'user') || only(dom, 'agent') !== only(rec, 'agent')) return false;
  const usersBeforeEachAgent = (list) => {
    const out = [];
    let users = 0;
    for (const m of list) {
      if (m.role === 'user') users += 1;
      else out.push(users);
    }
    return out;
  };
  const d = usersBeforeEachAgent(dom);
  const r = usersBeforeEachAgent(rec);
  return d.every((n, i) => n >= r[i]);
}

/**
 * Waits (polling) until the record is quiet, the widget shows no streaming row, and the two
 * transcripts agree; then asserts they are exactly equal. Returns `{record, rows}`.
 */
export async function expectWidgetMatchesRecord(page, conversationId, { timeout = 30_000, label = '', queued = false, shown = (text) => text } = {}) {
  // The widget shows agent messages as markdown: `shown` maps a recorded agent text to the text
  // its rendering reads as (the same for text without markdown syntax); a message whose shown
  // parts read as that text (`agentReads`: only whitespace at a part's ends differs) is taken
  // as shown. Agent messages pair up in order (user rows may be queued differently).
  const expected = (transcript) => {
    const agents = dom.filter((m) => m.role === 'agent');
    let k = 0;
    return transcript.map((m) => {
      if (m.role !== 'agent') return m;
      const text = shown(m.text);
      const d = agents[k];
      k += 1;
      return d && agentReads(d.parts, text) ? { ...m, text: d.text } : { ...m, text };
    });
  };
  const deadline = Date.now() + timeout;
  let dom = [];
  let rows = [];
  let record = { events: [], transcript: [] };
  let quiet = false;
  let streaming = false;
  let stableHits = 0;
  while (Date.now() < deadline) {
    [record, rows] = await Promise.all([conversationRecord(conversationId), domRows(page)]);
    dom = messagesOf(rows);
    quiet = recordIsQuiet(record);
    streaming = rows.some((r) => r.role === 'agent' && r.done !== 'true');
    const same = sameTranscript(dom, expected(record.transcript), { queued });
    stableHits = quiet && !streaming && same ? stableHits + 1 : 0;
    if (stableHits >= 2) break;
    await sleep(100);
  }
  const state = await page.locator('[data-testid=status]').getAttribute('data-state').catch(() => '?');
  const pending = rows.filter((r) => r.role === 'user' && r.status !== 'confirmed').map((r) => `${preview(r.text, 40)} is ${r.status}`);
  const errors = rows.filter((r) => r.role === 'error').map((r) => r.text);
  const errorLine = await page.locator('[data-testid=error]:visible').textContent({ timeout: 100 }).catch(() => null);
  const where = `${label ? `${label}: ` : ''}[widget state ${state}${pending.length ? `; user rows not confirmed: ${pending.join(', ')}` : ''}${errors.length ? `; error rows: ${errors.join(' | ')}` : ''}${errorLine ? `; error line: ${errorLine.trim()}` : ''}] `;
  assert.ok(quiet, `${where}the emulator's conversation ${conversationId} never came to rest in ${timeout} ms`);
  assert.ok(!streaming, `${where}the widget still shows a streaming agent message after ${timeout} ms`);
  if (queued && sameTranscript(dom, expected(record.transcript), { queued })) return { record, rows };
  assert.deepEqual(
    dom,
    expected(record.transcript),
    `${where}widget transcript differs from the emulator's record of ${conversationId}: ${describeDifference(dom, expected(record.transcript))}`,
  );
  return { record, rows };
}

/** Each text in `sent` appears exactly once as a user message, in the record and in the widget. */
export function expectSentOnce(sent, record, rows, label = '') {
  const where = label ? `${label}: ` : '';
  for (const text of sent) {
    const inRecord = record.transcript.filter((m) => m.role === 'user' && m.text === text).length;
    const inWidget = rows.filter((r) => r.role === 'user' && r.text === text).length;
    assert.equal(inRecord, 1, `${where}user message ${preview(text)} reached the emulator ${inRecord} times`);
    assert.equal(inWidget, 1, `${where}user message ${preview(text)} is shown ${inWidget} times`);
  }
}

/**
 * What a failed conversation shows, read from the assertion of `expectWidgetMatchesRecord`,
 * `expectSentOnce` or an "every user message is confirmed" check (after the `[widget state …] `
 * context): `stuck` (never settled), `duplicated`, `lost`, `unconfirmed`, or `other`.
 */
export function classifyFailure(message) {
  const what = message.includes('] ') ? message.slice(message.indexOf('] ') + 2) : message;
  if (/never came to rest|still shows a streaming/.test(what)) return 'stuck';
  // A user row the record lacks that the widget itself marks unconfirmed: lost, and said so.
  if (/ is unconfirmed[;\]]/.test(message) && /shows user .* that the record does not have/.test(what)) return 'unconfirmed';
  if (/reached the emulator [2-9]\d* times|is shown [2-9]\d* times|duplicated/.test(what)) return 'duplicated';
  if (/reached the emulator 0 times|is shown 0 times|\blost\b/.test(what)) return 'lost';
  if (/every user message is confirmed/.test(what)) return 'unconfirmed';
  return 'other';
}
