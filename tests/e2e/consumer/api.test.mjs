// The JS API of the web package in Chromium, on the token server's origin under the demo CSP:
// option errors name the option; the handle opens, closes, sends, sets context and destroys;
// callbacks fire; getToken() is a token source; theme, RTL and the mobile layout apply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from '../support/browser.mjs';
import { blankPage, newContext, watchViolations } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** A fresh context and blank page with `window.oc` (the package) loaded. */
async function withPage(fn, { viewport, dir } = {}) {
  const context = await newContext(browser, viewport ? { viewport } : {});
  const page = await context.newPage();
  const violations = await watchViolations(page);
  try {
    await blankPage(page, { dir });
    await fn(page);
    assert.deepEqual(violations, [], 'no CSP violations or page errors');
  } finally {
    await context.close();
  }
}

/** Mounts with `options` (plus recorders) into a new div; the handle is `window.chat`. */
function mountRecorded(page, options, divId = 'chat') {
  return page.evaluate(
    ({ options, divId }) => {
      const div = document.createElement('div');
      div.id = divId;
      document.body.append(div);
      window.seen = { messages: [], errors: [], states: [] };
      window.chat = window.oc.mount(div, {
        ...options,
        onMessage: (m) => window.seen.messages.push(m),
        onError: (e) => window.seen.errors.push({ message: e.message, code: e.code, transient: e.transient, isError: e instanceof Error }),
        onStateChange: (s) => window.seen.states.push(s.state),
      });
    },
    { options, divId },
  );
}

function waitForAgentText(page, text) {
  return page.waitForFunction(
    (t) => window.seen.messages.some((m) => m.role === 'agent' && m.text === t),
    text,
    { timeout: 20_000 },
  );
}

test('bad options throw Errors that name the option, before touching the element', async () => {
  await withPage(async (page) => {
    const results = await page.evaluate(() => {
      const ok = '/operator/session';
      const cases = [
        ['no options', undefined],
        ['empty options', {}],
        ['sessionEndpoint: 42', { sessionEndpoint: 42 }],
        ['empty sessionEndpoint', { sessionEndpoint: ' ' }],
        ['getToken: string', { getToken: 'tok' }],
        ['both token sources', { sessionEndpoint: ok, getToken: async () => ({}) }],
        ['title: 5', { sessionEndpoint: ok, title: 5 }],
        ['open: "yes"', { sessionEndpoint: ok, open: 'yes' }],
        ['typo', { sessionEndpoint: ok, sesionEndpoint: ok }],
        ['theme: string', { sessionEndpoint: ok, theme: 'dark' }],
        ['unknown theme key', { sessionEndpoint: ok, theme: { colour: 'red' } }],
        ['injected theme value', { sessionEndpoint: ok, theme: { accent: 'red; } * { display: none' } }],
        ['unknown locale key', { sessionEndpoint: ok, locale: { greeting: 'hi' } }],
        ['locale typo', { sessionEndpoint: ok, locale: { retry: 'Réessayer', retyr: 'Réessayer' } }],
        ['locale text: 3', { sessionEndpoint: ok, locale: { retry: 3 } }],
        ['locale: string', { sessionEndpoint: ok, locale: 'fr' }],
        ['onMessage: string', { sessionEndpoint: ok, onMessage: 'alert(1)' }],
        ['colorScheme: sepia', { sessionEndpoint: ok, colorScheme: 'sepia' }],
        ['persistKey: 7', { sessionEndpoint: ok, persist: true, persistKey: 7 }],
        ['empty persistKey', { sessionEndpoint: ok, persist: true, persistKey: '' }],
        ['options: array', [ok]],
        ['starterPrompts: string', { sessionEndpoint: ok, starterPrompts: 'Hi' }],
        ['starterPrompts: [1]', { sessionEndpoint: ok, starterPrompts: [1] }],
        ['blank starter prompt', { sessionEndpoint: ok, starterPrompts: ['Hi', ' '] }],
        ['onUnreadChange: 1', { sessionEndpoint: ok, onUnreadChange: 1 }],
        ['loading: lazy', { sessionEndpoint: ok, loading: 'lazy' }],
      ];
      return cases.map(([name, options]) => {
        const div = document.createElement('div');
        document.body.append(div);
        try {
          window.oc.mount(div, options);
          return { name, threw: false };
        } catch (e) {
          return { name, threw: true, isError: e instanceof Error, message: String(e.message), shadow: Boolean(div.shadowRoot) };
        } finally {
          div.remove();
        }
      });
    });
    const expected = {
      'no options': /options\.sessionEndpoint or options\.getToken is required/,
      'empty options': /options\.sessionEndpoint or options\.getToken is required/,
      'sessionEndpoint: 42': /options\.sessionEndpoint must be a string/,
      'empty sessionEndpoint': /options\.sessionEndpoint must not be empty/,
      'getToken: string': /options\.getToken must be a function/,
      'both token sources': /options\.sessionEndpoint and options\.getToken were both given/,
      'title: 5': /options\.title must be a string/,
      'open: "yes"': /options\.open must be true or false/,
      typo: /options\.sesionEndpoint is not a known option/,
      'theme: string': /options\.theme must be an object/,
      'unknown theme key': /options\.theme\.colour is not a theme property/,
      'injected theme value': /options\.theme\.accent must be a single CSS value/,
      'unknown locale key': /options\.locale\.greeting is not a known string \(known: lang, openChat, /,
      'locale typo': /options\.locale\.retyr is not a known string \(known: .*\bretry\b/,
      'locale text: 3': /options\.locale\.retry must be a string/,
      'locale: string': /options\.locale must be an object/,
      'onMessage: string': /options\.onMessage must be a function/,
      'colorScheme: sepia': /options\.colorScheme must be "light", "dark" or "auto"/,
      'persistKey: 7': /options\.persistKey must be a string/,
      'empty persistKey': /options\.persistKey must not be empty/,
      'options: array': /options must be an object/,
      'starterPrompts: string': /options\.starterPrompts must be an array of non-empty strings/,
      'starterPrompts: [1]': /options\.starterPrompts must be an array of non-empty strings/,
      'blank starter prompt': /options\.starterPrompts must be an array of non-empty strings/,
      'onUnreadChange: 1': /options\.onUnreadChange must be a function/,
      'loading: lazy': /options\.loading must be "idle", "interaction" or "eager"/,
    };
    for (const r of results) {
      assert.equal(r.threw, true, `${r.name}: mount threw`);
      assert.equal(r.isError, true, `${r.name}: it is an Error`);
      assert.match(r.message, expected[r.name], `${r.name}: message names the option`);
      assert.equal(r.shadow, false, `${r.name}: the element was left alone`);
    }
    const input = await page.evaluate(() => {
      const el = document.createElement('input');
      document.body.append(el);
      try {
        window.oc.mount(el, { sessionEndpoint: '/operator/session' });
        return 'mounted';
      } catch (e) {
        return e.message;
      }
    });
    assert.match(input, /<input> cannot host a shadow root/, 'an element without shadow DOM is a clear error');
  });
});

test('the handle opens, sends, closes and destroys; callbacks report messages and states', async () => {
  await withPage(async (page) => {
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws));
    await mountRecorded(page, { sessionEndpoint: '/operator/session', title: 'API test' });
    const panel = page.locator('#chat [data-testid="panel"]');
    assert.equal(await panel.isHidden(), true, 'the panel starts closed');
    assert.deepEqual(await page.evaluate(() => window.seen.states), [], 'nothing connects before the first open');
    await page.evaluate(() => window.chat.open());
    await panel.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#chat .oc-title').textContent(), 'API test', 'options.title is the heading');
    await page.evaluate(() => window.chat.send('/echo sent through the handle'));
    await waitForAgentText(page, 'sent through the handle');
    const user = await page.evaluate(() => window.seen.messages.find((m) => m.role === 'user'));
    assert.equal(user?.text, '/echo sent through the handle', 'the user message was acknowledged');
    assert.equal(typeof user.at, 'number', 'messages carry a timestamp');
    assert.ok((await page.evaluate(() => window.seen.states)).includes('open'), 'onStateChange saw "open"');

    const empty = await page.evaluate(() => { try { window.chat.send('  '); return 'sent'; } catch (e) { return e.message; } });
    assert.match(empty, /send\(text\): text must not be empty/, 'empty text is refused');
    const notObject = await page.evaluate(() => { try { window.chat.setContext('plan=pro'); return 'set'; } catch (e) { return e.message; } });
    assert.match(notObject, /setContext\(context\): context must be an object/, 'setContext wants an object');

    await page.evaluate(() => window.chat.close());
    await panel.waitFor({ state: 'hidden' });
    await page.evaluate(() => window.chat.destroy());
    assert.equal(await page.evaluate(() => document.querySelector('#chat').shadowRoot.childElementCount), 0, 'destroy() empties the shadow root');
    assert.equal(await page.evaluate(() => window.chat.destroyed), true, 'the handle knows');
    const after = await page.evaluate(() => { try { window.chat.open(); return 'opened'; } catch (e) { return e.message; } });
    assert.match(after, /destroyed/, 'calls after destroy() throw');
    assert.ok(sockets.length > 0, 'a session socket was opened');
    const deadline = Date.now() + 10_000;
    while (sockets.some((ws) => !ws.isClosed()) && Date.now() < deadline) await page.waitForTimeout(50);
    assert.ok(sockets.every((ws) => ws.isClosed()), 'destroy() closed the session socket');
  });
});

test('setContext sends conversation.context.update over the session socket', async () => {
  await withPage(async (page) => {
    const sent = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    await mountRecorded(page, { sessionEndpoint: '/operator/session', inline: true });
    await page.waitForFunction(() => window.seen.states.includes('open'), null, { timeout: 20_000 });
    await page.evaluate(() => window.chat.setContext({ plan: 'pro', seats: 3 }));
    const deadline = Date.now() + 10_000;
    let update;
    while (!update && Date.now() < deadline) {
      update = sent.map((t) => JSON.parse(t)).find((m) => m.payload?.type === 'conversation.context.update');
      if (!update) await page.waitForTimeout(50);
    }
    assert.ok(update, `a context update went out (sent: ${sent.join(' | ')})`);
    assert.deepEqual(update.payload.context, { plan: 'pro', seats: 3 }, 'with the given object');
    assert.equal(typeof update.id, 'string', 'with a client message id');
  });
});

test('getToken() is the token source; a refusal it throws reaches onError with its code', async () => {
  await withPage(async (page) => {
    await page.evaluate(() => {
      window.grants = 0;
      const div = document.createElement('div');
      div.id = 'chat';
      document.body.append(div);
      window.seen = { messages: [], errors: [], states: [] };
      window.chat = window.oc.mount(div, {
        inline: true,
        getToken: async () => {
          window.grants += 1;
          const res = await fetch('/operator/session', { method: 'POST', credentials: 'include' });
          return res.json();
        },
        onMessage: (m) => window.seen.messages.push(m),
        onStateChange: (s) => window.seen.states.push(s.state),
      });
    });
    await page.evaluate(() => window.chat.send('/echo via getToken'));
    await waitForAgentText(page, 'via getToken');
    assert.ok((await page.evaluate(() => window.grants)) >= 1, 'getToken was called');

    await page.evaluate(() => window.chat.destroy());
    await page.evaluate(() => {
      const div = document.createElement('div');
      document.body.append(div);
      window.refused = [];
      window.oc.mount(div, {
        inline: true,
        getToken: async () => {
          throw Object.assign(new Error('chat is not in your plan'), { code: 'forbidden', transient: false });
        },
        onError: (e) => window.refused.push({ message: e.message, code: e.code, transient: e.transient, isError: e instanceof Error }),
      });
    });
    await page.waitForFunction(() => window.refused.length > 0, null, { timeout: 20_000 });
    const [error] = await page.evaluate(() => window.refused);
    assert.equal(error.isError, true, 'onError gets an Error');
    assert.equal(error.code, 'forbidden', 'with the code getToken threw');
    assert.equal(error.transient, false, 'and its transient flag');
    assert.match(error.message, /chat is not in your plan/, 'and its message');
  });
});

test('theme options set the custom properties; an RTL page gets a mirrored launcher', async () => {
  await withPage(
    async (page) => {
      await mountRecorded(page, { sessionEndpoint: '/operator/session', theme: { accent: 'rgb(190, 18, 60)', radius: '4px' } });
      const launcher = page.locator('#chat [data-testid="launcher"]');
      assert.equal(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(190, 18, 60)', 'accent applied');
      assert.equal(await page.locator('#chat .oc-mount').getAttribute('dir'), 'rtl', 'the container takes the page direction');
      const box = await launcher.boundingBox();
      assert.ok(box.x < 100, `the launcher sits on the left on an RTL page (x=${box.x})`);
      await page.evaluate(() => window.chat.open());
      const panel = await page.locator('#chat [data-testid="panel"]').boundingBox();
      assert.ok(panel.x < 100, `the panel opens on the left (x=${panel.x})`);
    },
    { dir: 'rtl' },
  );
});

test('under 480 px wide the open panel fills the screen', async () => {
  await withPage(
    async (page) => {
      await mountRecorded(page, { sessionEndpoint: '/operator/session', open: true });
      const panel = page.locator('#chat [data-testid="panel"]');
      await panel.waitFor({ state: 'visible' });
      const box = await panel.boundingBox();
      assert.deepEqual(
        [Math.round(box.x), Math.round(box.y), Math.round(box.width), Math.round(box.height)],
        [0, 0, 390, 700],
        'full-screen panel',
      );
    },
    { viewport: { width: 390, height: 700 } },
  );
});

test('destroying right after mount, or between frames, leaves no error behind', async () => {
  await withPage(async (page) => {
    await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      for (let i = 0; i < 4; i += 1) {
        const div = document.createElement('div');
        document.body.append(div);
        const chat = window.oc.mount(div, { sessionEndpoint: '/operator/session', inline: i % 2 === 0, open: true });
        if (i >= 2) await frame();
        chat.destroy();
        div.remove();
      }
      await frame();
      await frame();
      await new Promise((r) => setTimeout(r, 500));
    });
    assert.equal(await page.evaluate(() => document.querySelectorAll('div').length), 0, 'all hosts removed');
  });
});

test('colorScheme forces the dark or light palette whatever the OS prefers', async () => {
  for (const [osScheme, forced, bg] of [['light', 'dark', 'rgb(23, 24, 28)'], ['dark', 'light', 'rgb(255, 255, 255)']]) {
    const context = await newContext(browser, { colorScheme: osScheme });
    const page = await context.newPage();
    try {
      await blankPage(page);
      await mountRecorded(page, { sessionEndpoint: '/operator/session', inline: true, colorScheme: forced });
      const actual = await page.locator('#chat [data-testid="panel"]').evaluate((el) => getComputedStyle(el).backgroundColor);
      assert.equal(actual, bg, `OS ${osScheme}, colorScheme ${forced}: panel background`);
    } finally {
      await context.close();
    }
  }
});

test('a callback may call back into the widget (send from onMessage, destroy from onStateChange)', async () => {
  await withPage(async (page) => {
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.id = 'chat';
      document.body.append(div);
      window.seen = { messages: [] };
      window.chat = window.oc.mount(div, {
        sessionEndpoint: '/operator/session',
        inline: true,
        onMessage: (m) => {
          window.seen.messages.push(m);
          if (m.role === 'agent' && m.text === 'first') window.chat.send('/echo second');
        },
      });
      window.chat.send('/echo first');
    });
    await waitForAgentText(page, 'second');
    await page.evaluate(() => {
      const div = document.createElement('div');
      document.body.append(div);
      window.ended = [];
      const handle = window.oc.mount(div, {
        sessionEndpoint: '/operator/session',
        inline: true,
        onStateChange: (s) => {
          window.ended.push(s.state);
          if (s.state === 'open') handle.destroy();
        },
      });
    });
    await page.waitForFunction(() => window.ended.includes('open'), null, { timeout: 20_000 });
    await page.waitForTimeout(300);
  });
});

test('locale overrides just the texts it names, placeholders filled as text; the rest stays English', async () => {
  await withPage(async (page) => {
    await mountRecorded(page, {
      sessionEndpoint: '/operator/session',
      inline: true,
      locale: {
        lang: 'fr',
        title: 'Discutons',
        placeholder: 'Écrivez un message…',
        send: 'Envoyer',
        retry: 'Réessayer',
        transcriptLabel: 'Conversation en cours',
        toolDone: '<b>{name}</b> utilisé',
      },
    });
    const chat = page.locator('#chat');
    await chat.locator('[data-testid="panel"]').waitFor({ state: 'visible' });
    assert.equal(await chat.locator('.oc-mount').getAttribute('lang'), 'fr', 'locale.lang is the lang of the widget');
    assert.equal(await chat.locator('.oc-title').textContent(), 'Discutons', 'locale.title');
    assert.equal(await chat.locator('[data-testid="composer"]').getAttribute('placeholder'), 'Écrivez un message…', 'locale.placeholder');
    assert.equal(await chat.locator('[data-testid="send"]').getAttribute('aria-label'), 'Envoyer', 'locale.send');
    assert.equal(await chat.locator('[data-testid="retry"]').textContent(), 'Réessayer', 'locale.retry');
    assert.equal(await chat.locator('[data-testid="transcript"]').getAttribute('aria-label'), 'Conversation en cours', 'locale.transcriptLabel');
    assert.equal(await chat.locator('[data-testid="new-chat"]').textContent(), 'Start new chat', 'a text not overridden stays English');
    assert.equal(await chat.locator('[data-testid="composer"]').getAttribute('aria-label'), 'Message', 'another one too');

    // "order" makes the emulator's agent call the lookup_order tool before it answers.
    await page.evaluate(() => window.chat.send('Where is my order?'));
    const tool = chat.locator('[data-role="tool"][data-state="returned"] .oc-tool-label');
    await tool.waitFor({ timeout: 20_000 });
    assert.equal(await tool.textContent(), '<b>lookup_order</b> utilisé', 'the tool name is filled in, the markup stays text');
    assert.equal(await chat.locator('[data-role="tool"] b').count(), 0, 'no element was made from the template');
    await page.evaluate(() => window.chat.destroy());

    await mountRecorded(page, { sessionEndpoint: '/operator/session', inline: true, title: 'Option title', locale: { title: 'Locale title' } }, 'second');
    assert.equal(await page.locator('#second .oc-title').textContent(), 'Option title', 'options.title wins over locale.title');
  });
});

test('<operator-chat locale=\'{…}\' lang> maps to options.locale; bad JSON is a chat-error', async () => {
  await withPage(async (page) => {
    await page.evaluate(() => {
      window.elementErrors = [];
      document.addEventListener('chat-error', (e) => window.elementErrors.push(String(e.detail?.message ?? e.detail)));
      const el = document.createElement('operator-chat');
      el.id = 'element';
      el.setAttribute('session-endpoint', '/operator/session');
      el.setAttribute('inline', '');
      el.setAttribute('lang', 'fr');
      el.setAttribute('locale', JSON.stringify({ newChat: 'Nouvelle discussion', endChat: 'Terminer' }));
      document.body.append(el);
    });
    const el = page.locator('#element');
    await el.locator('[data-testid="panel"]').waitFor({ state: 'visible' });
    assert.equal(await el.locator('.oc-mount').getAttribute('lang'), 'fr', 'the lang attribute is kept');
    assert.equal(await el.locator('[data-testid="new-chat"]').textContent(), 'Nouvelle discussion', 'locale attribute text');
    assert.equal(await el.locator('[data-testid="end"]').textContent(), 'Terminer', 'another one');
    assert.equal(await el.locator('[data-testid="retry"]').textContent(), 'Retry', 'the rest stays English');

    await page.evaluate(() => document.querySelector('#element').setAttribute('locale', '{"retry": "Encore"}'));
    await el.locator('[data-testid="retry"]', { hasText: 'Encore' }).waitFor({ state: 'attached' });
    assert.equal(await el.locator('[data-testid="new-chat"]').textContent(), 'Start new chat', 'changing the attribute remounts with the new texts');

    const errors = await page.evaluate(() => {
      document.querySelector('#element').setAttribute('locale', '{retry: nope}');
      const typo = document.createElement('operator-chat');
      typo.setAttribute('session-endpoint', '/operator/session');
      typo.setAttribute('locale', '{"retyr": "Encore"}');
      document.body.append(typo);
      return window.elementErrors;
    });
    assert.equal(errors.length, 2, `two chat-error events: ${errors.join(' | ')}`);
    assert.match(errors[0], /locale attribute must be a JSON object/, 'invalid JSON is named');
    assert.match(errors[1], /options\.locale\.retyr is not a known string/, 'an unknown key is named');
  });
});
