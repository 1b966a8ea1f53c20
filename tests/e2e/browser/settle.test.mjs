// The soak's classification of a failed conversation, from the messages lib/settle.mjs writes
// (no browser: the messages are made by the same helpers the suites use).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFailure, describeDifference, expectSentOnce } from './lib/settle.mjs';

const thrown = (f) => {
  try {
    f();
  } catch (err) {
    return err.message;
  }
  assert.fail('expected a throw');
};

test('a failed conversation is classified as lost, duplicated, unconfirmed, stuck or other', () => {
  const user = (text) => ({ role: 'user', text });
  const context = '[c1] conversation 3 injection 2: [widget state open; user rows not confirmed: "x" is sending] ';
  const lostRow = describeDifference([user('a')], [user('a'), user('b')]);
  const extraRow = describeDifference([user('a'), user('a')], [user('a')]);
  const cases = [
    [`${context}widget transcript differs from the emulator's record of c1: ${lostRow}`, 'lost'],
    [`${context}widget transcript differs from the emulator's record of c1: ${extraRow}`, 'duplicated'],
    [thrown(() => expectSentOnce(['hi'], { transcript: [user('hi'), user('hi')] }, [{ role: 'user', text: 'hi' }])), 'duplicated'],
    [thrown(() => expectSentOnce(['hi'], { transcript: [] }, [{ role: 'user', text: 'hi' }])), 'lost'],
    [`${context}the emulator's conversation c1 never came to rest in 90000 ms`, 'stuck'],
    [`${context}the widget still shows a streaming agent message after 90000 ms`, 'stuck'],
    ['[chat_async] conversation 1 injection 1: every user message is confirmed', 'unconfirmed'],
    [`[c1] injection 1: [widget state open; user rows not confirmed: "b" is unconfirmed] widget transcript differs from the emulator's record of c1: ${extraRow.replace('user "a"', 'user "b"')}`, 'unconfirmed'],
    ['page.goto: net::ERR_CONNECTION_REFUSED', 'other'],
  ];
  for (const [message, outcome] of cases) assert.equal(classifyFailure(message), outcome, message);
});
