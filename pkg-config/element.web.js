// `import 'operator-chat/element'` (or <script type="module" src=".../element.js">): loads the
// wasm next to this file and registers <operator-chat>. Safe to combine with your own `init()`.
import init from './operator_chat.js';

await init();
