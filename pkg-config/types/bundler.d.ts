// operator-chat, `bundler` build: importing the module instantiates the wasm (your bundler must
// support WebAssembly ESM integration) and registers `<operator-chat>`.
export * from './api.js';
