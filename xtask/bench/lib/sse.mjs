// A second reader of a conversation's events stream, in node: when the emulator's `wK` deltas
// reach the loopback socket, independent of the browser's main thread.
import { now } from './http.mjs';

/** Reads `eventsUrl` (with its token) until `wN` arrives or `stop()` is called; counts from
 * the last `w1`. */
export function watchDeltas(eventsUrl, n) {
  const controller = new AbortController();
  const seen = { first: null, last: null, count: 0 };
  const done = (async () => {
    const res = await fetch(eventsUrl, { signal: controller.signal, headers: { Accept: 'text/event-stream' } });
    if (!res.ok) throw new Error(`events stream: ${res.status}`);
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body) {
      const t = now();
      buf += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        // The delta's marker: the whole delta (`/stream`) or the first `wK` after its markup
        // (`/markdown`), as instrument.js reads it.
        const m = /"text_delta":"(?:[^"\\]|\\.)*?w(\d+)/.exec(line);
        if (!m) continue;
        // `w1` starts the reply measured: an earlier reply's deltas (a warm-up, replayed to
        // this reader as it connects) are not counted.
        if (m[1] === '1') Object.assign(seen, { first: null, count: 0 });
        seen.count += 1;
        seen.first ??= t;
        seen.last = t;
        if (Number(m[1]) >= n) {
          controller.abort();
          return seen;
        }
      }
    }
    return seen;
  })().catch((e) => {
    if (e.name !== 'AbortError') seen.error = String(e);
    return seen;
  });
  return { done, stop: () => controller.abort() };
}
