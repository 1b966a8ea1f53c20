// Small helpers for the load generator: JSON over fetch, a concurrency-limited map, timing.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** fetch + JSON body, throwing with the status and body text when the answer is not 2xx. */
export async function json(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** `f` over `items` with at most `limit` in flight; results in order. */
export async function mapLimit(items, limit, f) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Resolves with `promise`, or rejects after `ms` with `what` in the message. */
export function deadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** POST a fault to the emulator's admin route (or DELETE all with `null`). */
export async function fault(emulator, adminKey, body) {
  const init = {
    method: body ? 'POST' : 'DELETE',
    headers: { 'X-Emulator-Admin-Key': adminKey, 'Content-Type': 'application/json' },
  };
  if (body) init.body = JSON.stringify(body);
  const res = await fetch(`${emulator}/_emulator/faults`, init);
  if (!res.ok) throw new Error(`fault ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
}

/** A variable `cargo xtask bench` sets. */
export function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set: run the benchmark through \`cargo xtask bench\``);
    process.exit(2);
  }
  return value;
}
