// `import 'operator-chat/element'` (or <script type="module" src=".../element.js">): defines
// <operator-chat> at once, with its launcher as `OperatorChat` rendered it at build time; the
// wasm beside this file follows each element's `loading` attribute. Without a DOM (server
// rendering) it does nothing. Safe to combine with your own `init()`.
// apply.mjs fills in the snippet's path and the prerendered markup; `cargo xtask build` then
// bundles the snippet in (one module to fetch before the launcher shows) and makes the
// snippet's own file re-export it from here, so the wasm's glue and this file share one copy.
import { defineOperatorChat } from './SNIPPET';

export { defineOperatorChat };

if (typeof document !== 'undefined') {
  defineOperatorChat({
    prerender: PRERENDER,
    load: async (priority) => {
      const glue = await import('./operator_chat.js');
      // A Request, not a fetch: if the page's own init() is already under way, the glue
      // waits for that one and this is never fetched.
      const wasm = new Request(new URL('operator_chat_bg.wasm', import.meta.url), { priority });
      await glue.default({ module_or_path: wasm });
      return glue.mount;
    },
  });
}
