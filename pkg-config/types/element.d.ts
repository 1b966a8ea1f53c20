// `import 'operator-chat/element'` defines <operator-chat> at once and shows its launcher; the
// wasm follows the element's `loading` attribute (`idle`, the default: after the page's `load`
// event; `interaction`: when a visitor comes near; `eager`: at once). Where there is no DOM
// (server rendering) the import does nothing.
export type { OperatorChatElement } from './api.js';
