// operator-chat, `web` build: call `init()` once (it fetches `operator_chat_bg.wasm` next to this
// module), then `mount()`; `<operator-chat>` is registered by `init()`.
export * from './api.js';

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** Loads and instantiates the wasm module (defaults to `operator_chat_bg.wasm` beside this file). */
export default function init(
  moduleOrPath?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Instantiates synchronously from bytes or a compiled module. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
