// Main-thread tasks from a Chromium trace (Playwright's browser.startTracing / stopTracing).

/** Categories to record: top-level tasks (`RunTask`) and the page's `performance.mark`s. */
export const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing'];

/** The renderer main thread's tasks between two `performance.mark`s of the page (`from`,
 * `to`): their total time clipped to the window, the longest whole task overlapping it, and how
 * many of those ran 50 ms or more. Nested tasks count once, inside the task that ran them.
 * `null` when either mark is missing from the trace. */
export function mainThreadTasks(buffer, from, to) {
  const events = JSON.parse(buffer.toString('utf8')).traceEvents ?? [];
  const mark = (name) => events.find((e) => e.name === name && e.cat?.includes('blink.user_timing'));
  const a = mark(from);
  const b = mark(to);
  if (!a || !b) return null;
  const tasks = events
    .filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.pid === a.pid && e.tid === a.tid)
    .sort((x, y) => x.ts - y.ts);
  let total = 0;
  let longest = 0;
  let long = 0;
  let count = 0;
  let end = -Infinity;
  for (const t of tasks) {
    const tEnd = t.ts + (t.dur ?? 0);
    if (tEnd <= end) continue; // nested in the previous top-level task
    end = tEnd;
    if (tEnd < a.ts || t.ts > b.ts) continue;
    count += 1;
    total += Math.min(tEnd, b.ts) - Math.max(t.ts, a.ts);
    longest = Math.max(longest, t.dur ?? 0);
    if ((t.dur ?? 0) >= 50_000) long += 1;
  }
  return { window_ms: (b.ts - a.ts) / 1000, task_ms: total / 1000, longest_task_ms: longest / 1000, tasks: count, long_tasks: long };
}
