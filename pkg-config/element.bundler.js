// `import 'operator-chat/element'`: defines <operator-chat> at once, with its launcher as
// `OperatorChat` rendered it at build time; the widget's module (and its wasm) is imported when
// each element's `loading` attribute says. Without a DOM (server rendering) it does nothing.
// apply.mjs fills in the snippet's path and the prerendered markup.
import { defineOperatorChat } from './SNIPPET';

if (typeof document !== 'undefined') {
  defineOperatorChat({
    prerender: PRERENDER,
    load: async () => (await import('./operator_chat.js')).mount,
  });
}
