// `bench embed`'s init script, run in every page before its own scripts (Playwright
// addInitScript). `window.__EMBED_CONFIG__` is set just before it: the widget's launcher and
// composer selectors, the tags whose open shadow roots to search, whether it is inline, whether
// to poll from the start (`pollFromStart`) or only after a click.
// It records, in page time (ms since navigation start):
// - LCP candidates, layout shifts and paint timings (PerformanceObserver, buffered);
// - the load event (`embed:load`, also a performance mark, so the trace can be lined up);
// - `launcherAt`: the first animation frame in which the launcher has a non-zero box and is
//   visible (checkVisibility with opacity and visibility), polled once per frame;
// - `composerAt`: the first frame in which the composer is visible, enabled, writable and
//   focusable (tabIndex >= 0 or contenteditable), polled after the first pointerdown (or from
//   the start for an inline widget, which has no launcher);
// - `pointerAt`: the first pointerdown (capture phase on window, so closed shadow roots count).
// Shadow roots are found through attachShadow (open or closed) and the configured hosts' open
// roots (declarative shadow DOM does not call attachShadow).
(() => {
  const cfg = window.__EMBED_CONFIG__;
  const E = {
    lcp: [],
    shifts: [],
    paints: {},
    launcherAt: null,
    launcherBox: null,
    composerAt: null,
    pointerAt: null,
    loadAt: null,
    loadMarkAt: null,
    launcherGaveUp: false,
    composerGaveUp: false,
  };
  window.__embed = E;
  const roots = [];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  };

  const describe = (node) => {
    if (!node || node.nodeType !== 1) return node ? node.nodeName : null;
    let s = node.localName;
    if (node.id) s += `#${node.id}`;
    const cls = typeof node.className === 'string' ? node.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    if (cls) s += `.${cls}`;
    const host = node.getRootNode()?.host;
    return host ? `${describe(host)} >> ${s}` : s;
  };
  const observe = (type, f) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(f)).observe({ type, buffered: true });
    } catch {
      // not supported: left empty
    }
  };
  observe('largest-contentful-paint', (e) => E.lcp.push({ t: e.startTime, size: e.size, element: describe(e.element) }));
  observe('layout-shift', (e) => E.shifts.push({
    t: e.startTime,
    value: e.value,
    input: e.hadRecentInput,
    sources: (e.sources ?? []).map((s) => describe(s.node)),
  }));
  observe('paint', (e) => { E.paints[e.name] = e.startTime; });
  addEventListener('load', () => {
    E.loadAt = performance.now();
    E.loadMarkAt = performance.mark('embed:load').startTime;
  }, { once: true });
  addEventListener('pointerdown', () => { E.pointerAt ??= performance.now(); }, { capture: true });

  const all = (sel) => {
    if (!sel) return [];
    const found = [...document.querySelectorAll(sel)];
    const seen = new Set(roots);
    for (const tag of cfg.hosts ?? []) {
      for (const h of document.querySelectorAll(tag)) if (h.shadowRoot) seen.add(h.shadowRoot);
    }
    for (const r of seen) found.push(...r.querySelectorAll(sel));
    return found;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  const inert = (el) => {
    for (let n = el; n; n = n.parentElement ?? n.getRootNode()?.host) if (n.inert) return true;
    return false;
  };
  const ready = (el) => visible(el) && !el.disabled && !el.readOnly && !inert(el)
    && (el.isContentEditable || el.tabIndex >= 0);

  const stopAt = () => (E.loadAt == null ? Infinity : E.loadAt + cfg.giveUpAfterLoadMs);
  let polling = false;
  const tick = () => {
    const t = performance.now();
    if (E.launcherAt == null && cfg.launcher) {
      const el = all(cfg.launcher).find(visible);
      if (el) {
        E.launcherAt = t;
        const r = el.getBoundingClientRect();
        E.launcherBox = { x: r.x, y: r.y, width: r.width, height: r.height, element: describe(el) };
      }
    }
    const wantComposer = cfg.composer && (cfg.inline || E.pointerAt != null);
    if (E.composerAt == null && wantComposer && all(cfg.composer).some(ready)) E.composerAt = t;
    const needLauncher = cfg.launcher && E.launcherAt == null && !E.launcherGaveUp;
    const needComposer = wantComposer && E.composerAt == null && !E.composerGaveUp;
    // The launcher (and an inline composer) must show within giveUpAfterLoadMs of `load`; the
    // composer within composerTimeoutMs of a click.
    if (needLauncher && t > stopAt()) E.launcherGaveUp = true;
    const composerDeadline = E.pointerAt != null ? E.pointerAt + cfg.composerTimeoutMs : stopAt();
    if (needComposer && t > composerDeadline) E.composerGaveUp = true;
    if ((needLauncher && !E.launcherGaveUp) || (needComposer && !E.composerGaveUp)) {
      requestAnimationFrame(tick);
    } else {
      polling = false; // until a click asks for the composer
    }
  };
  const poll = () => {
    if (polling) return;
    polling = true;
    requestAnimationFrame(tick);
  };
  // Polling requests a frame every vsync, which costs the main thread: the traced load, which
  // measures that, does not poll until its click.
  if (cfg.pollFromStart) poll();
  // A click starts the poll for the composer again (it stops once the launcher is found).
  addEventListener('pointerdown', poll, { capture: true });
  /** The launcher's centre now, for a click (null if it is not visible). */
  E.launcherCentre = () => {
    const el = all(cfg.launcher).find(visible);
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  };
})();
