// What `cargo xtask test` hands every browser suite (see README "Testing"), read once.
import { env } from '../../support/browser.mjs';

/** The conversation channels a token server can create (`--channel`). */
export const CHANNELS = ['chat_realtime', 'chat_async'];

let current = 'chat_realtime';

/**
 * Which token server `servers.server` names from now on: the one creating `chat_realtime`
 * conversations (`OPERATOR_CHAT_TEST_SERVER`, the default) or `chat_async` ones
 * (`OPERATOR_CHAT_TEST_SERVER_ASYNC`). Tests of a file run one after the other, so a test sets
 * it first (see `channelTest` in host.mjs).
 */
export function useChannel(channel) {
  if (!CHANNELS.includes(channel)) throw new Error(`unknown channel ${channel}`);
  current = channel;
}

/** The channel `servers.server` creates conversations on. */
export function currentChannel() {
  return current;
}

/**
 * The channels a suite that runs on both runs on: all, or those listed (comma-separated) in
 * `OPERATOR_CHAT_TEST_CHANNELS`, e.g. `chat_async` while working on that path.
 */
export function testedChannels() {
  const only = process.env.OPERATOR_CHAT_TEST_CHANNELS;
  if (!only) return CHANNELS;
  const wanted = only.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of wanted) if (!CHANNELS.includes(c)) throw new Error(`OPERATOR_CHAT_TEST_CHANNELS: unknown channel ${c}`);
  return CHANNELS.filter((c) => wanted.includes(c));
}

/** URLs and keys of the servers under test; each getter fails clearly when unset. */
export const servers = {
  /**
   * The token server of the current channel (`useChannel`): the demo page, `/pkg/*` (npm
   * package), `POST /operator/session`, `GET /demo/login`.
   */
  get server() {
    const name = current === 'chat_async' ? 'OPERATOR_CHAT_TEST_SERVER_ASYNC' : 'OPERATOR_CHAT_TEST_SERVER';
    return env(name).replace(/\/$/, '');
  },
  /** The Operator emulator behind it. */
  get emulator() {
    return env('OPERATOR_CHAT_TEST_EMULATOR').replace(/\/$/, '');
  },
  /** `X-Emulator-Admin-Key` for `/_emulator/*`. */
  get adminKey() {
    return env('OPERATOR_CHAT_TEST_ADMIN_KEY');
  },
  /** The Operator API key: only so suites can prove the browser never sees it. */
  get apiKey() {
    return env('OPERATOR_CHAT_TEST_API_KEY');
  },
  /** The built npm package (`pkg/`). */
  get pkgDir() {
    return env('OPERATOR_CHAT_PKG_DIR');
  },
};
