// Loaded before the widget (classic script, so it runs first). Stamps every events-stream frame
// on arrival (wrapping `fetch` for `/events` URLs: the widget reads the stream with `fetch()`),
// finds when the DOM change it caused was painted, and records long tasks and frames; for the
// replay benchmark, also when the widget's events stream and WebSocket open and drop.
// Driven by xtask/bench/browser.mjs through window.__bench.
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
    /** Other frames by payload type while a stream is measured: count and last arrival. */
    seen: {},
    /** The event ids (SSE `id:`) the page's events streams delivered since `trackIds` was set
     * (by the replay benchmark only: the others measure the heap and per-frame latency). */
    ids: new Set(),
    trackIds: false,
    root: null,
    state: null,
    stateAt: {},
    ticking: false,
  };
  window.__bench = B;

  // A delta's marker `wK`: the whole delta (`/stream`), or the first marker in it after its
  // markup (`/markdown`, e.g. `** and w3`).
  const DELTA = /"text_delta":"(?:[^"\\]|\\.)*?w(\d+)/;
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

  /** A message the widget's events stream delivered (`id` its SSE id, `data` read lazily). */
  function streamMessage(stream, id, data) {
    stream.frames += 1;
    // A replayed frame (an id some stream of this page delivered before) is counted by its id
    // alone, without reading its data, as the widget tells it apart: so this hook adds little
    // to what a replay is measured to cost.
    const R = B.replay;
    if (R && stream === R.stream && !R.arrival && id && B.ids.has(id)) {
      R.framesBefore += 1;
      return;
    }
    if (id && B.trackIds) B.ids.add(id);
    const t = performance.now();
    const text = data();
    if (B.arrivals.length > 1) onFrame(text, t);
    replayFrame(stream, text, t);
  }

  /** The widget's events stream: a `fetch()` of an `/events` URL whose body it reads. */
  class EventsFetch {
    constructor(url) {
      this.url = url;
      /** Messages this stream delivered. */
      this.frames = 0;
      this.text = '';
      this.decoder = new TextDecoder();
    }

    /** Scans the next bytes for complete frames (the emulator's framing: `id:` then `data:`
     * lines, LF line ends, a blank line after each frame; comments are keep-alives). */
    scan(bytes) {
      this.text += this.decoder.decode(bytes, { stream: true });
      const buf = this.text;
      let from = 0;
      let end;
      while ((end = buf.indexOf('\n\n', from)) !== -1) {
        this.frame(buf, from, end);
        from = end + 2;
      }
      this.text = buf.slice(from);
    }

    frame(buf, from, end) {
      let id = '';
      const data = [];
      for (let i = from; i < end; ) {
        let nl = buf.indexOf('\n', i);
        if (nl === -1 || nl > end) nl = end;
        if (buf.startsWith('id:', i)) id = buf.slice(i + 3, nl).trim();
        else if (buf.startsWith('data:', i)) data.push([i + (buf[i + 5] === ' ' ? 6 : 5), nl]);
        i = nl + 1;
      }
      if (data.length) streamMessage(this, id, () => data.map(([a, b]) => buf.slice(a, b)).join('\n'));
    }
  }

  // Wrapped before the widget loads: the widget's events stream is seen chunk by chunk before
  // the widget reads it, and its end (not an abort by the widget) is a drop.
  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!/\/events(\?|$)/.test(new URL(url, location.href).pathname + '?')) return nativeFetch(input, init);
    const stream = new EventsFetch(url);
    B.eventsUrls.push(url);
    B.lastStream = stream;
    connected(stream);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : null);
    let res;
    try {
      res = await nativeFetch(input, init);
    } catch (e) {
      if (!signal?.aborted) dropped(stream);
      throw e;
    }
    if (!res.ok || !res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream({
      async pull(ctl) {
        let r;
        try {
          r = await reader.read();
        } catch (e) {
          if (!signal?.aborted) dropped(stream);
          ctl.error(e);
          return;
        }
        if (r.done) {
          dropped(stream);
          ctl.close();
          return;
        }
        stream.scan(r.value);
        ctl.enqueue(r.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  /** `EventSource` as the page had it: the floor of the replay bench (`replayBaseline`). */
  const Native = window.EventSource;

  const NativeSocket = window.WebSocket;
  class StampedWebSocket extends NativeSocket {
    constructor(url, protocols) {
      super(url, protocols);
      connected(this);
      this.addEventListener('close', () => dropped(this));
    }
  }
  window.WebSocket = StampedWebSocket;

  // ---- Reconnect and replay (`browser.mjs replay`) ----
  // One measurement at a time, armed by `B.replayArm(token)` just before node drops the
  // conversation's connections; `token` is the unique first word of the probe's reply, the
  // probe sent by `B.replaySend()`.
  /** A transport (events stream or session socket) was opened: the first after the drop is
   * "reconnect". */
  function connected(transport) {
    const R = B.replay;
    if (!R?.dropSeen) return;
    R.connects += 1;
    R.reopened.add(transport);
    R.log.push(['open', transport.constructor.name, performance.now()]);
    if (!R.reconnect) {
      R.reconnect = performance.now();
      performance.mark('replay:reconnect');
    }
    if (transport instanceof EventsFetch) R.stream = transport;
  }
  /** A transport ended or failed: the first one after arming is when the widget saw the drop.
   * One opened after the drop failing as well spoils the measurement (`redropped`: node
   * measures again). */
  function dropped(transport) {
    const R = B.replay;
    R?.log.push(['drop', transport.constructor.name, performance.now(), transport.readyState]);
    if (R?.reopened.has(transport) && !R.live) R.redropped = true;
    if (!R || R.dropSeen) return;
    R.dropSeen = performance.now();
  }
  /** Counts the frames the new events stream delivers before the probe's first delta. */
  function replayFrame(stream, data, t) {
    const R = B.replay;
    if (!R || stream !== R.stream || R.arrival) return;
    if (data.includes(`"text_delta":"${R.token}`)) R.arrival = t;
    else R.framesBefore += 1;
  }
  /** From the page's mutation observer: once the probe's reply shows in the last row, "live"
   * is stamped after the rendering step that showed it. */
  function replayMutated() {
    const R = B.replay;
    if (!R?.dropSeen || R.livePending) return;
    if (!(lastAgentBubble()?.textContent ?? '').includes(R.token)) return;
    R.livePending = true;
    B.afterPaint((t) => {
      R.live = t;
      performance.mark('replay:live');
    });
  }

  /** Arms one measurement: remembers the rows shown now and records every DOM mutation. */
  B.replayArm = (token) => {
    const rows = new Set(B.root.querySelectorAll('[data-testid="message"]'));
    const records = [];
    const observer = new MutationObserver((list) => {
      for (const r of list) records.push(r);
    });
    observer.observe(B.root, { subtree: true, childList: true, characterData: true, attributes: true });
    B.longtasks.length = 0;
    B.replay = {
      token, rows, records, observer, armed: performance.now(), dropSeen: 0, probeSent: 0,
      reconnect: 0, connects: 0, reopened: new Set(), log: [], redropped: false, stream: null, framesBefore: 0, arrival: 0, livePending: false, live: 0,
    };
  };

  /** What a replay costs a transport built on `EventSource`: a plain one (not the widget's)
   * on `url` whose only listener counts frames, from its construction (mark
   * `baseline:open`) to its `frames`-th frame (mark `baseline:done`); then closed. Resolves
   * with the time between the two. */
  B.replayBaseline = (url, frames) =>
    new Promise((resolve, reject) => {
      let n = 0;
      performance.mark('baseline:open');
      const t0 = performance.now();
      const es = new Native(url);
      es.onmessage = () => {
        n += 1;
        if (n !== frames) return;
        performance.mark('baseline:done');
        const t = performance.now();
        es.close();
        resolve({ open_to_last_frame_ms: t - t0, frames: n });
      };
      es.onerror = () => {
        es.close();
        reject(new Error(`replay baseline: the stream failed after ${n} of ${frames} frames`));
      };
    });

  /** The same replay read as another stack would: `fetch()` and the body's `ReadableStream`,
   * frames counted by scanning the bytes for blank lines (the emulator ends lines with LF),
   * until `frames`; then aborted. No `EventSource` and no event per frame: how long the bytes
   * take to arrive and whether any task reaches 50 ms (Long Tasks API). Untraced. */
  B.replayFetchFloor = async (url, frames) => {
    const t0 = performance.now();
    const ctl = new AbortController();
    let n = 0;
    let chunks = 0;
    let prev = 0;
    try {
      const res = await nativeFetch(url, { signal: ctl.signal, headers: { accept: 'text/event-stream' }, cache: 'no-store' });
      const reader = res.body.getReader();
      while (n < frames) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks += 1;
        for (let i = 0; i < value.length; i += 1) {
          const c = value[i];
          if (c === 10 && prev === 10) n += 1;
          prev = c;
        }
      }
    } finally {
      ctl.abort();
    }
    const t1 = performance.now();
    // Long task entries arrive after their task ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const tasks = B.longtasks.filter(([start, d]) => start + d >= t0 && start <= t1);
    return {
      open_to_last_frame_ms: t1 - t0,
      frames: n,
      chunks,
      longtask_count: tasks.length,
      longtask_max_ms: tasks.reduce((a, [, d]) => Math.max(a, d), 0),
    };
  };

  /** Sends the probe, `/echo <token> live`: its reply's first delta is the first new event. */
  B.replaySend = () => {
    B.replay.probeSent = performance.now();
    B.handle.send(`/echo ${B.replay.token} live`);
  };

  /** Ends the measurement: times, long tasks in [reconnect, live], and the rows shown before
   * the drop that were touched since (a mutation inside one, or one removed or re-added). */
  B.replayResult = () => {
    const R = B.replay;
    B.replay = null;
    R.observer.disconnect();
    const records = R.records.concat(R.observer.takeRecords());
    const ROW = '[data-testid="message"]';
    const touched = new Set();
    const mark = (row) => {
      if (row && R.rows.has(row)) touched.add(row);
    };
    for (const rec of records) {
      const target = rec.target.nodeType === Node.ELEMENT_NODE ? rec.target : rec.target.parentElement;
      mark(target?.closest(ROW));
      for (const node of [...rec.addedNodes, ...rec.removedNodes]) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        mark(node);
        for (const row of node.querySelectorAll(ROW)) mark(row);
      }
    }
    for (const row of R.rows) if (!row.isConnected) touched.add(row);
    const rowsAfter = B.root.querySelectorAll(ROW).length;
    const open = (B.stateLog ?? []).find(([s, t]) => s === 'open' && t >= R.reconnect);
    const tasks = B.longtasks.filter(([s, d]) => s + d >= R.reconnect && s <= R.live);
    return {
      drop_seen_ms: R.dropSeen - R.armed,
      drop_to_reconnect_ms: R.reconnect - R.dropSeen,
      reconnect_to_open_ms: open ? open[1] - R.reconnect : null,
      reconnect_to_arrival_ms: R.arrival ? R.arrival - R.reconnect : null,
      reconnect_to_live_ms: R.live - R.reconnect,
      drop_to_live_ms: R.live - R.dropSeen,
      probe_sent_before_drop_ms: R.dropSeen - R.probeSent,
      connects: R.connects,
      redropped: R.redropped,
      transports: R.log,
      frames_before_live: R.framesBefore,
      rows_before: R.rows.size,
      rows_after: rowsAfter,
      rows_rerendered: touched.size,
      mutation_records: records.length,
      longtask_count: tasks.length,
      longtask_max_ms: tasks.reduce((a, [, d]) => Math.max(a, d), 0),
      longtasks_unsupported: Boolean(B.longtasksUnsupported),
    };
  };

  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    B.longtasksUnsupported = true;
  }

  /** The last transcript row, in O(1): rows are in chunks in groups (the transcript's
   * children), the last group just before the typing indicator (a query over all rows would
   * make this instrument cost more with more rows). A chunk may show no row (hidden entries). */
  function lastRow() {
    if (!B.typing?.isConnected) B.typing = B.root?.querySelector('[data-testid="typing"]');
    for (let group = B.typing?.previousElementSibling; group; group = group.previousElementSibling) {
      let chunk = group.lastElementChild;
      while (chunk && !chunk.lastElementChild) chunk = chunk.previousElementSibling;
      if (chunk) return chunk.lastElementChild;
    }
    return null;
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
      replayMutated();
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
