// The first moments of a conversation: after the panel opens, the widget must start the
// conversation (`conversation.start`) and show the agent's greeting.
import assert from 'node:assert/strict';
import { conversationRecord } from './emulator.mjs';
import { Widget, domRows } from './widget.mjs';
import { newContext, openHost } from './host.mjs';

/**
 * Waits for the greeting (the first completed agent message). On failure, says what the
 * emulator recorded, so "the widget never sent conversation.start" is told apart from "the
 * greeting was sent but not shown".
 */
export async function waitForGreeting(chat, conversationId, timeout = 20_000) {
  try {
    await chat.waitAgentMessages(1, timeout);
  } catch (err) {
    const id = typeof conversationId === 'function' ? conversationId() : conversationId;
    const record = id ? await conversationRecord(id).catch(() => null) : null;
    const types = record?.events.map((e) => e.payload?.type) ?? [];
    const started = types.includes('conversation.started');
    const rows = await domRows(chat.page);
    assert.fail(
      `no greeting ${timeout} ms after opening the widget (state ${await chat.state()}, ${rows.length} rows): ` +
        (record
          ? started
            ? `the emulator started ${id} and sent ${types.length} events, but the widget does not show the greeting`
            : `the conversation ${id} was never started: the emulator recorded only [${types.join(', ')}] (no conversation.start from the widget, and no user message)`
          : `no conversation was granted`) +
        `\n(${err.message})`,
    );
  }
}

/**
 * The host page signed in on `page`, the panel opened and the greeting shown. Returns
 * `{ grants, chat }`.
 */
export async function greetOn(page) {
  const grants = await openHost(page);
  const chat = new Widget(page);
  await chat.open();
  await waitForGreeting(chat, () => grants.conversationId);
  return { grants, chat };
}

/**
 * A new context on the host page, signed in, with the panel open and the greeting shown: the
 * start of most conversation tests. Returns `{ context, page, grants, chat }`.
 */
export async function openGreetedChat(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  return { context, page, ...(await greetOn(page)) };
}
