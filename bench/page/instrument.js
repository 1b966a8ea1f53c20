// Loaded before the widget (classic script, so it runs first). Stamps every events-stream frame
// on arrival, finds when the DOM change it caused was painted, and records long tasks and frames.
// Driven by bench/browser.mjs through window.__bench.
(() => {
  const B = {
    eventsUrls: [],
    longtasks: [],
    frames: [],
    /** When each frame's rAF callbacks ran (performance.now(), unlike the frame's timestamp). */
    frameRuns: [],
    /** Stream deltas `wK`: arrival time by K, paint time by K. */
    arrivals: new Float64Array(0),
    painted: new Float64Array(0),
    highest: 0,
    /** Other frames by payload type: count and last arrival. */
    seen: {},
    root: null,
    state: null,
    stateAt: {},
    ticking: false,
  };
  window.__bench = B;

  const DELTA = /"text_delta":"w(\d+)(?: |\\n\\n)?"/;
  const TYPE = /"type":"([a-z_.]+)"/;
  function onFrame(data, t) {
    const m = DELTA.exec(data);
    if (m) {
      const k = Number(m[1]);
      if (k < B.arrivals.length && B.arrivals[k] === 0) B.arrivals[k] = t;
    }
    const ty = TYPE.exec(data);
    if (ty) {
      const s = (B.seen[ty[1]] ??= { count: 0, last: 0 });
      s.count += 1;
      s.last = t;
    }
  }

  const Native = window.EventSource;
  class StampedEventSource extends Native {
    constructor(url, init) {
      super(url, init);
      B.eventsUrls.push(String(url));
      // Registered before the widget's own listener, so it runs first for every frame.
      this.addEventListener('message', (e) => onFrame(e.data, performance.now()));
    }
  }
  window.EventSource = StampedEventSource;

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    B.longtasksUnsupported = true;
  }

  /** The last transcript row, in O(1): rows are in chunks (the transcript's children), the
   * last chunk just before the typing indicator (a query over all rows would make this
   * instrument cost more with more rows). */
  function lastRow() {
    if (!B.typing?.isConnected) B.typing = B.root?.querySelector('[data-testid="typing"]');
    let chunk = B.typing?.previousElementSibling ?? null;
    while (chunk && !chunk.lastElementChild) chunk = chunk.previousElementSibling;
    return chunk?.lastElementChild ?? null;
  }
  function lastAgentBubble() {
    const row = lastRow();
    return row?.dataset.role === 'agent' ? row.querySelector('.oc-bubble') : null;
  }
  B.lastAgentText = () => lastAgentBubble()?.textContent ?? '';
  B.messageCount = () => B.root?.querySelectorAll('[data-role="user"],[data-role="agent"]').length ?? 0;

  // After the rendering step that applied a mutation, a posted message runs: that is "painted".
  const channel = new MessageChannel();
  let pending = null;
  channel.port1.onmessage = () => {
    const t = performance.now();
    const { highest, hooks } = pending;
    pending = null;
    for (let k = B.highest + 1; k <= highest && k < B.painted.length; k += 1) B.painted[k] = t;
    if (highest > B.highest) B.highest = highest;
    for (const h of hooks) h(t);
  };
  B.afterPaint = (hook) => {
    if (!pending) {
      pending = { highest: B.highest, hooks: [] };
      channel.port2.postMessage(0);
    }
    pending.hooks.push(hook);
  };
  B.observe = (root) => {
    B.root = root;
    new MutationObserver(() => {
      if (!pending) {
        pending = { highest: B.highest, hooks: [] };
        channel.port2.postMessage(0);
      }
      if (B.arrivals.length > 1 && lastRow() !== B.rowBefore) {
        const text = lastAgentBubble()?.textContent ?? '';
        const m = /w(\d+)\s*$/.exec(text.slice(-24));
        if (m) pending.highest = Math.max(pending.highest, Number(m[1]));
      }
      for (const w of B.waiters.splice(0)) w();
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  B.waiters = [];

  /** Starts a `/stream n` measurement: fresh arrival/paint tables, frame ticker on. */
  B.resetStream = (n) => {
    B.arrivals = new Float64Array(n + 1);
    B.painted = new Float64Array(n + 1);
    B.highest = 0;
    B.rowBefore = lastRow();
    B.longtasks.length = 0;
    B.frames.length = 0;
    B.frameRuns = [];
    B.ticking = true;
    const tick = (t) => {
      B.frames.push(t);
      B.frameRuns.push(performance.now());
      if (B.ticking) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  B.stopTicking = () => {
    B.ticking = false;
  };

  /** Resolves once `wN` has been painted (woken by the mutation observer, no polling). */
  B.untilPainted = (n) =>
    new Promise((resolve) => {
      const check = () => (B.highest >= n ? resolve() : B.waiters.push(() => B.afterPaint(check)));
      check();
    });

  /** One long-transcript probe: `/stream n` sent as the visitor. Send-to-paint of the user row,
   * arrival-to-paint of the agent row (first delta) and of each later delta. */
  B.probe = async (n) => {
    B.resetStream(n);
    const before = lastRow();
    const userPainted = new Promise((resolve) => {
      const check = () => (lastRow() !== before ? B.afterPaint(resolve) : B.waiters.push(check));
      B.waiters.push(check);
    });
    const t0 = performance.now();
    B.handle.send(`/stream ${n}`);
    const tUser = await userPainted;
    await B.untilPainted(n);
    B.stopTicking();
    const deltas = [];
    for (let k = 2; k <= n; k += 1) deltas.push(B.painted[k] - B.arrivals[k]);
    return { user_row_ms: tUser - t0, agent_row_ms: B.painted[1] - B.arrivals[1], delta_ms: deltas };
  };
})();
