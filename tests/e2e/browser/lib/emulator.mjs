// The emulator's admin routes: fault injection and the record of a conversation.
import assert from 'node:assert/strict';
import { servers } from './config.mjs';

async function admin(method, path, body) {
  const res = await fetch(`${servers.emulator}${path}`, {
    method,
    headers: {
      'X-Emulator-Admin-Key': servers.adminKey,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** Arms one fault (`POST /_emulator/faults`); fails the test if the emulator refuses it. */
export async function injectFault(fault) {
  const { status, text } = await admin('POST', '/_emulator/faults', fault);
  assert.equal(status, 200, `arming fault ${JSON.stringify(fault)}: ${status} ${text}`);
  return JSON.parse(text).armed;
}

/** Clears every armed fault, slow_agent included. */
export async function clearFaults() {
  const { status, text } = await admin('DELETE', '/_emulator/faults');
  assert.equal(status, 204, `clearing faults: ${status} ${text}`);
}

/** The emulator's record of a conversation: `{events, transcript: [{role, text}]}`. */
export async function conversationRecord(conversationId) {
  const { status, text } = await admin(
    'GET',
    `/_emulator/conversations/${encodeURIComponent(conversationId)}/record`,
  );
  assert.equal(status, 200, `record of ${conversationId}: ${status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Whether the record is at rest: every started agent generation has completed and no user
 * message is still waiting for its reply (the agent replies to each in turn).
 */
export function recordIsQuiet(record) {
  let open = 0;
  let pendingUsers = 0;
  for (const event of record.events) {
    const type = event.payload?.type;
    if (type === 'user.message.received') pendingUsers += 1;
    if (type === 'agent.message.delta') open = 1;
    if (type === 'agent.message.completed') {
      open = 0;
      pendingUsers = Math.max(0, pendingUsers - 1);
    }
    if (type === 'conversation.ended') return true;
  }
  return open === 0 && pendingUsers === 0;
}
