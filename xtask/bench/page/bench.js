// Mounts the widget with its public JS API (`mount`), inline, against this server's
// /operator/session, and exposes the handle and the wasm memory to the benchmark.
import init, { mount } from '/pkg/operator_chat.js';

const B = window.__bench;
B.stateLog = [];
try {
  const wasm = await init();
  B.wasmMemory = wasm.memory;
  const host = document.getElementById('chat');
  B.handle = mount(host, {
    sessionEndpoint: '/operator/session',
    inline: true,
    title: 'Benchmark',
    onStateChange: (s) => {
      B.state = s.state;
      const t = performance.now();
      B.stateAt[s.state] ??= t;
      B.stateLog.push([s.state, t]);
    },
    onError: (e) => {
      (B.errors ??= []).push(String(e?.code ?? e));
    },
  });
  B.observe(host.shadowRoot ?? host);
  B.mounted = performance.now();
} catch (e) {
  B.fatal = String(e?.stack ?? e);
}
