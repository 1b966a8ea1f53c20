// `import 'operator-chat/element'`: importing the module instantiates the wasm and registers
// <operator-chat>.
import './operator_chat.js';
