// A V8 CPU profile of the page (CDP `Profiler`), summarised by where the time went.

/** Starts sampling the page's main thread every `intervalUs` µs; returns a function that stops
 * and resolves with the profile (the `.cpuprofile` JSON DevTools opens). */
export async function startProfile(cdp, intervalUs = 100) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.send('Profiler.disable');
    return profile;
  };
}

/** What a profile node is: V8's pseudo-nodes by name (`(program)` is native work outside
 * JavaScript and wasm: Blink parsing the stream, dispatching events, rendering), wasm
 * functions, and JavaScript by file. */
function kind(frame) {
  if (frame.functionName.startsWith('(')) return frame.functionName;
  if (frame.url.startsWith('wasm://')) return 'wasm';
  const file = frame.url.split('/').at(-1) || '(inline)';
  return `js ${file}`;
}

/** Self time (ms) by function and by kind, samples between `fromUs` and `toUs` (profile
 * clock, µs; the whole profile when absent), largest first: `{ total_ms, kinds, functions }`. */
export function summarise(profile, fromUs = -Infinity, toUs = Infinity, top = 30) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    t += profile.timeDeltas[i];
    // A sample's time is the gap to the next one.
    const next = profile.timeDeltas[i + 1] ?? 0;
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + next);
  }
  const byFunction = new Map();
  const byKind = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = nodes.get(id).callFrame;
    const name = `${f.functionName || '(anonymous)'} [${kind(f)}]`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byKind.set(kind(f), (byKind.get(kind(f)) ?? 0) + us);
    total += us;
  }
  const sorted = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [k, us / 1000]);
  return { total_ms: total / 1000, kinds: sorted(byKind, 20), functions: sorted(byFunction, top) };
}
