// Main-thread tasks from a Chromium trace (Playwright's browser.startTracing / stopTracing).

/** Categories to record: the tasks DevTools shows (`RunTask`, the Performance panel's "Task")
 * and the page's `performance.mark`s. */
export const TRACE_CATEGORIES = ['disabled-by-default-devtools.timeline', 'blink.user_timing'];

/** A task the renderer's scheduler ran, as DevTools records it. */
const TASK = 'RunTask';

/** The tasks of thread `pid`/`tid` as `[start, end]` in µs, by start: complete events (`X`) and
 * begin/end pairs (`B` … `E`); one begun and not ended in the trace is left out. */
export function threadTasks(events, pid, tid) {
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
  return out.sort((x, y) => x[0] - y[0]);
}

/** The renderer main thread's tasks between two `performance.mark`s of the page (`from`,
 * `to`): the time they covered within that window (overlapping or nested tasks count once),
 * the longest whole task overlapping it, and how many of those ran 50 ms or more. `null` when
 * either mark is missing from the trace. */
export function mainThreadTasks(buffer, from, to) {
  const events = (JSON.parse(buffer.toString('utf8')).traceEvents ?? []).sort((x, y) => x.ts - y.ts);
  const mark = (name) => events.find((e) => e.name === name && e.cat?.includes('blink.user_timing'));
  const a = mark(from);
  const b = mark(to);
  if (!a || !b) return null;
  const tasks = threadTasks(events, a.pid, a.tid).filter(([start, end]) => end >= a.ts && start <= b.ts);
  let covered = 0;
  let reach = a.ts; // the window is covered up to here
  for (const [start, end] of tasks) {
    const lo = Math.max(start, reach);
    const hi = Math.min(end, b.ts);
    if (hi > lo) covered += hi - lo;
    reach = Math.max(reach, hi);
  }
  const durations = tasks.map(([start, end]) => end - start);
  return {
    window_ms: (b.ts - a.ts) / 1000,
    task_ms: covered / 1000,
    longest_task_ms: durations.reduce((m, d) => Math.max(m, d), 0) / 1000,
    tasks: tasks.length,
    long_tasks: durations.filter((d) => d >= 50_000).length,
  };
}
