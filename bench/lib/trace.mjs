// Main-thread tasks from a Chromium trace (Playwright's browser.startTracing / stopTracing).

/** Categories to record: top-level tasks and the page's `performance.mark`s (kept to these two,
 * so tracing costs the measured page little). */
export const TRACE_CATEGORIES = ['toplevel', 'blink.user_timing'];

/** A task the thread's scheduler ran (category `toplevel`). */
const TASK = 'ThreadControllerImpl::RunTask';

/** The tasks of thread `pid`/`tid` as `[start, end]` in µs: complete events (`X`) and
 * begin/end pairs (`B` … `E`); one begun and not ended in the trace is left out. */
function threadTasks(events, pid, tid) {
  const out = [];
  const open = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.ph === 'X' && e.name === TASK) out.push([e.ts, e.ts + (e.dur ?? 0)]);
    else if (e.ph === 'B') open.push(e.name === TASK ? e.ts : null);
    else if (e.ph === 'E') {
      const start = open.pop();
      if (start != null) out.push([start, e.ts]);
    }
  }
  // Outer before inner, so nested tasks can be skipped.
  return out.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
}

/** The renderer main thread's tasks between two `performance.mark`s of the page (`from`,
 * `to`): their total time clipped to the window, the longest whole task overlapping it, and how
 * many of those ran 50 ms or more. A task run inside another counts once, as part of it.
 * `null` when either mark is missing from the trace. */
export function mainThreadTasks(buffer, from, to) {
  const events = (JSON.parse(buffer.toString('utf8')).traceEvents ?? []).sort((x, y) => x.ts - y.ts);
  const mark = (name) => events.find((e) => e.name === name && e.cat?.includes('blink.user_timing'));
  const a = mark(from);
  const b = mark(to);
  if (!a || !b) return null;
  let total = 0;
  let longest = 0;
  let long = 0;
  let count = 0;
  let outerEnd = -Infinity;
  for (const [start, end] of threadTasks(events, a.pid, a.tid)) {
    if (end <= outerEnd) continue; // inside the previous top-level task
    outerEnd = end;
    if (end < a.ts || start > b.ts) continue;
    count += 1;
    total += Math.min(end, b.ts) - Math.max(start, a.ts);
    longest = Math.max(longest, end - start);
    if (end - start >= 50_000) long += 1;
  }
  return {
    window_ms: (b.ts - a.ts) / 1000,
    task_ms: total / 1000,
    longest_task_ms: longest / 1000,
    tasks: count,
    long_tasks: long,
  };
}
