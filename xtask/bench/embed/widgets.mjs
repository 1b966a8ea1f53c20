// The widgets of `bench embed`, each embedded the way its documentation shows (the vendor's CDN
// URL replaced by this server's copy of the npm package's file), and what counts as its
// launcher (the button a visitor clicks to open it) and its composer (the text input).
// `entry` is the script whose `responseEnd` starts the launcher clock. Placeholders (agent ids,
// tokens, API hosts) stand where a customer's own values go: with only loopback reachable, what
// each widget does without its service is what the run measures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const version = (modules, name) => {
  try {
    return JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};

/** Every widget; `modules` is xtask/bench/node_modules (for the versions). */
export function widgets(modules) {
  const v = (name) => version(modules, name);
  return [
    {
      id: 'page',
      kind: 'page',
      name: 'page alone (no widget)',
      embed: 'the article only',
    },
    {
      id: 'operator-chat',
      kind: 'widget',
      name: 'operator-chat (ours)',
      entry: '/pkg/element.js',
      tail: `  <operator-chat session-endpoint="/operator/session" title="Ask The Coastal Review"></operator-chat>
  <script type="module" src="/pkg/element.js"></script>
`,
      hosts: ['operator-chat'],
      launcher: '[data-testid="launcher"]',
      composer: '[data-testid="composer"]',
      embed: '`<operator-chat session-endpoint>` + `<script type="module" src=".../element.js">` (pkg/, through the token server)',
      offline: 'its own token server and emulator run on loopback',
    },
    {
      id: 'deep-chat',
      kind: 'peer',
      name: `deep-chat ${v('deep-chat')}`,
      entry: '/npm/deep-chat/dist/deepChat.bundle.js',
      slot: `      <div class="widget-slot">
        <deep-chat connect='{"url": "https://chat.example.com/api/chat"}'></deep-chat>
      </div>
`,
      tail: `  <script type="module" src="/npm/deep-chat/dist/deepChat.bundle.js"></script>
`,
      hosts: ['deep-chat'],
      inline: true,
      composer: '#text-input',
      embed: '`<script type="module" src=".../dist/deepChat.bundle.js">` + `<deep-chat connect>` in the article (an inline chat box: no launcher)',
      offline: 'renders its box at once; the service is only called when a message is sent',
    },
    {
      id: 'elevenlabs',
      kind: 'peer',
      name: `@elevenlabs/convai-widget-embed ${v('@elevenlabs/convai-widget-embed')}`,
      entry: '/npm/@elevenlabs/convai-widget-embed/dist/index.js',
      tail: `  <elevenlabs-convai agent-id="agent_0000000000000000000000bench"></elevenlabs-convai>
  <script src="/npm/@elevenlabs/convai-widget-embed/dist/index.js" async type="text/javascript"></script>
`,
      hosts: ['elevenlabs-convai'],
      launcher: 'button',
      composer: 'textarea, input[type="text"]',
      embed: '`<elevenlabs-convai agent-id>` + `<script src=".../convai-widget-embed" async>`',
      offline: 'needs the agent\'s settings from api.elevenlabs.io before it shows anything',
    },
    {
      id: 'typebot',
      kind: 'peer',
      name: `@typebot.io/js ${v('@typebot.io/js')}`,
      entry: '/npm/@typebot.io/js/dist/web.js',
      tail: `  <script type="module">
    import Typebot from '/npm/@typebot.io/js/dist/web.js';
    Typebot.initBubble({ typebot: 'bench-typebot', theme: { button: { backgroundColor: '#0042DA' } } });
  </script>
`,
      hosts: ['typebot-bubble'],
      launcher: 'button[part="button"]',
      composer: 'textarea, input[type="text"]',
      embed: '`Typebot.initBubble({typebot})` from `.../dist/web.js` in a module script',
      offline: 'the bubble is client-side; the bot itself is fetched from typebot.io when the chat opens',
    },
    {
      id: 'flowise',
      kind: 'peer',
      name: `flowise-embed ${v('flowise-embed')}`,
      entry: '/npm/flowise-embed/dist/web.js',
      tail: `  <script type="module">
    import Chatbot from '/npm/flowise-embed/dist/web.js';
    Chatbot.init({ chatflowid: '91e9c803-5169-4db9-8207-3c0915d71c5f', apiHost: 'https://flowise.example.com' });
  </script>
`,
      hosts: ['flowise-chatbot'],
      launcher: 'button[part="button"]',
      composer: 'textarea, input[type="text"]',
      embed: '`Chatbot.init({chatflowid, apiHost})` from `.../dist/web.js` in a module script',
      offline: 'its settings come from the Flowise instance (apiHost, a placeholder host here)',
    },
    {
      id: 'botpress',
      kind: 'peer',
      name: `@botpress/webchat ${v('@botpress/webchat')} + React ${v('react')}`,
      entry: '/bundles/botpress.js',
      head: `  <link rel="stylesheet" href="/bundles/botpress.css">
`,
      tail: `  <div id="botpress-webchat"></div>
  <script type="module" src="/bundles/botpress.js"></script>
`,
      launcher: '.bpFabContainer',
      composer: 'textarea.bpComposerInput',
      embed: 'the React snippet (`<Webchat clientId>` + `<Fab>`), bundled with esbuild (xtask/bench/embed/botpress.jsx)',
      offline: 'its configuration comes from Botpress Cloud (webchat.botpress.cloud)',
    },
    {
      id: 'webchat-minimal',
      kind: 'peer',
      name: `botframework-webchat ${v('botframework-webchat')} (webchat-minimal.js)`,
      entry: '/npm/botframework-webchat/dist/webchat-minimal.js',
      slot: `      <div class="widget-slot" id="webchat" role="main" style="height: 480px"></div>
      <script src="/npm/botframework-webchat/dist/webchat-minimal.js"></script>
      <script>
        window.WebChat.renderWebChat({
          directLine: window.WebChat.createDirectLine({ token: 'bench-direct-line-token' }),
        }, document.getElementById('webchat'));
      </script>
`,
      inline: true,
      composer: '.webchat__send-box-text-box__input',
      embed: '`<script src=".../webchat-minimal.js">` + `WebChat.renderWebChat({directLine: createDirectLine({token})})` into a 480 px box in the article (no launcher)',
      offline: 'renders in place; Direct Line (directline.botframework.com) is blocked',
    },
  ];
}
