// In-page helpers that see through open shadow roots.

/** The `data-testid` (or tag) of the element that really has focus, through shadow roots. */
export async function deepActive(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    return el.dataset?.testid ?? el.id ?? el.tagName.toLowerCase();
  });
}

/**
 * Runs axe-core (already injected) on `selector` including its shadow tree. Returns the
 * violations, with `shadowNodes`: how many checked nodes were inside a shadow root (axe names
 * them by a selector path), which proves the widget itself was examined.
 */
export async function axeViolations(page, selector) {
  return page.evaluate(async (sel) => {
    const result = await window.axe.run(
      { include: [[sel]] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } },
    );
    const shadowNodes = result.passes.flatMap((p) => p.nodes).filter((n) => Array.isArray(n.target[0])).length;
    const violations = result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
    return { violations, shadowNodes };
  }, selector);
}

/** A readable list of axe violations for an assertion message. */
export function describeViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${n.summary?.replace(/\n/g, ' ')}`).join('\n')}`)
    .join('\n');
}
