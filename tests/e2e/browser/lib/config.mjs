// What `cargo xtask test` hands every browser suite (see README "Testing"), read once.
import { env } from '../../support/browser.mjs';

/** URLs and keys of the servers under test; each getter fails clearly when unset. */
export const servers = {
  /** The token server: the demo page, `/pkg/*` (npm package), `POST /operator/session`, `GET /demo/login`. */
  get server() {
    return env('OPERATOR_CHAT_TEST_SERVER').replace(/\/$/, '');
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
