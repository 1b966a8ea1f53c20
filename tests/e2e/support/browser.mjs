// Shared helpers for the browser suites run by `cargo xtask test` (see README "Testing").
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

/** A variable `cargo xtask test` sets; fails the test clearly when run some other way. */
export function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run the suites through \`cargo xtask test\``);
  return value;
}

/** Debian's Chromium, headless, with the flags this closed-network machine needs. */
export function launchChromium(options = {}) {
  return chromium.launch({
    executablePath: env('OPERATOR_CHAT_CHROMIUM'),
    args: env('OPERATOR_CHAT_CHROMIUM_ARGS').split(' ').filter(Boolean),
    headless: true,
    ...options,
  });
}
