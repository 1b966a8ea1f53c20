// Driving the widget through its DOM (inside its open shadow root: Playwright's CSS locators
// pierce open shadow roots) and reading back what it shows.
import assert from 'node:assert/strict';

/** The widget's rows as the visitor sees them: `{role, text, done?, status?, state?}`. */
export async function domRows(page) {
  return page.locator('[data-testid=message]').evaluateAll((rows) =>
    rows.map((row) => {
      const bubble = row.querySelector('.oc-bubble, .oc-notice, .oc-tool-label');
      return {
        role: row.dataset.role,
        text: (bubble ?? row).textContent,
        done: row.dataset.done,
        continues: row.dataset.continues === 'true',
        status: row.dataset.status,
        state: row.dataset.state,
      };
    }),
  );
}

/**
 * User and agent messages of `rows` in the record's shape `[{role, text}]`: an agent row that
 * continues its message below a tool call (`data-continues`) is joined to the part before it.
 * An agent message also keeps its rows' texts as `parts` (not enumerable, so comparisons and
 * JSON see only `{role, text}`): each part is shown as markdown, which drops the whitespace at
 * its ends (see `agentReads`).
 */
export function messagesOf(rows) {
  const out = [];
  const lastAgent = () => out.findLast((m) => m.role === 'agent');
  for (const { role, text, continues } of rows) {
    if (role === 'agent' && continues && lastAgent()) {
      lastAgent().text += text;
      lastAgent().parts.push(text);
    } else if (role === 'user' || role === 'agent') {
      const message = { role, text };
      if (role === 'agent') Object.defineProperty(message, 'parts', { value: [text] });
      out.push(message);
    }
  }
  return out;
}

/**
 * Whether an agent message shown as `parts` (its rows' texts) reads as `text`: the parts in
 * order, exactly, with only whitespace around them (a part's markdown paragraph does not show
 * its leading or trailing whitespace, e.g. the space before a tool call in "up. " + "Your").
 */
export function agentReads(parts, text) {
  const space = /\s/;
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && space.test(text[at])) at += 1;
  };
  for (const part of parts) {
    skipSpace();
    if (!text.startsWith(part, at)) return false;
    at += part.length;
  }
  skipSpace();
  return at === text.length;
}

/** The widget's user and agent messages, in the record's shape `[{role, text}]`. */
export async function domTranscript(page) {
  return messagesOf(await domRows(page));
}

/** One widget on a page, found by its `data-testid`s. */
export class Widget {
  constructor(page) {
    this.page = page;
    this.root = page.locator('[data-testid=operator-chat]');
    this.launcher = page.locator('[data-testid=launcher]');
    this.panel = page.locator('[data-testid=panel]');
    this.composer = page.locator('[data-testid=composer]');
    this.sendButton = page.locator('[data-testid=send]');
    this.status = page.locator('[data-testid=status]');
    this.error = page.locator('[data-testid=error]');
    this.retry = page.locator('[data-testid=retry]');
    this.endButton = page.locator('[data-testid=end]');
    this.closeButton = page.locator('[data-testid=close]');
    this.ended = page.locator('[data-testid=ended]');
    this.typing = page.locator('[data-testid=typing]');
    this.transcript = page.locator('[data-testid=transcript]');
    this.messages = page.locator('[data-testid=message]');
  }

  /** Opens the panel with the launcher (no-op when already open) and waits for "open". */
  async open({ waitOnline = true } = {}) {
    await this.root.waitFor({ state: 'attached', timeout: 20_000 });
    if (!(await this.panel.isVisible())) {
      await this.launcher.click();
      await this.panel.waitFor({ state: 'visible' });
    }
    if (waitOnline) await this.waitState('open');
  }

  /** The connection state as `data-state` of the status line. */
  async state() {
    return this.status.getAttribute('data-state');
  }

  /** Waits until the status line says `state` (e.g. `open`, `ended`, `failed`). */
  async waitState(state, timeout = 20_000) {
    await this.page
      .locator(`[data-testid=status][data-state="${state}"]`)
      .waitFor({ state: 'attached', timeout })
      .catch(async () => {
        assert.fail(`widget state never became "${state}" in ${timeout} ms; it is "${await this.state()}"`);
      });
  }

  /** Types `text` into the composer and presses Enter. */
  async send(text) {
    await this.composer.fill(text);
    await this.composer.press('Enter');
  }

  /** Waits until the widget shows at least `count` agent messages, the last one complete. */
  async waitAgentMessages(count, timeout = 20_000) {
    await this.page.waitForFunction(
      ({ count }) => {
        const find = (root, out) => {
          for (const el of root.querySelectorAll('*')) {
            if (el.dataset?.testid === 'message' && el.dataset.role === 'agent') out.push(el);
            if (el.shadowRoot) find(el.shadowRoot, out);
          }
          return out;
        };
        const agents = find(document, []);
        return agents.length >= count && agents[agents.length - 1].dataset.done === 'true';
      },
      { count },
      { timeout, polling: 50 },
    ).catch(async (err) => {
      if (err.name !== 'TimeoutError') throw err;
      const rows = await domRows(this.page);
      assert.fail(
        `the widget did not show ${count} completed agent message(s) in ${timeout} ms: state ${await this.state()}, ` +
          `error line ${JSON.stringify(await this.error.isVisible() ? (await this.error.textContent()).trim() : null)}, rows ${JSON.stringify(rows).slice(0, 600)}`,
      );
    });
  }

  /** Waits until a completed agent row's text matches `pattern` (a RegExp). */
  async waitAgentText(pattern, timeout = 20_000) {
    const deadline = Date.now() + timeout;
    let texts = [];
    while (Date.now() < deadline) {
      const rows = await domRows(this.page);
      texts = rows.filter((r) => r.role === 'agent' && r.done === 'true').map((r) => r.text);
      if (texts.some((t) => pattern.test(t))) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no completed agent message matched ${pattern} in ${timeout} ms; agent rows: ${JSON.stringify(texts).slice(0, 500)}`);
  }

  /** Text of the agent rows. */
  async agentTexts() {
    return (await domRows(this.page)).filter((r) => r.role === 'agent').map((r) => r.text);
  }
}
