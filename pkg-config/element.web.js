// `import 'operator-chat/element'` (or <script type="module" src=".../element.js">): defines
// <operator-chat> at once, with its launcher as `OperatorChat` rendered it at build time; the
// wasm beside this file follows each element's `loading` attribute. Without a DOM (server
// rendering) it does nothing. Safe to combine with your own `init()`.
// apply.mjs fills in the snippet's path and the prerendered markup.
import { defineOperatorChat } from './SNIPPET';

if (typeof document !== 'undefined') {
  defineOperatorChat({
    prerender: PRERENDER,
    load: async (priority) => {
      const glue = await import('./operator_chat.js');
      const wasm = new URL('operator_chat_bg.wasm', import.meta.url);
      await glue.default({ module_or_path: fetch(wasm, { priority }) });
      return glue.mount;
    },
  });
}
