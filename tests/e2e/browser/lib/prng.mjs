// A small seeded PRNG (mulberry32) so a failing randomized run can be replayed by its seed.

/** A generator with `next()` in [0, 1), `int(lo, hi)` inclusive and `pick(array)`. */
export function seeded(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** The seed from `OPERATOR_CHAT_TEST_SEED` (to replay a run) or a fresh one. */
export function seedFromEnv() {
  const given = process.env.OPERATOR_CHAT_TEST_SEED;
  if (given && /^\d+$/.test(given)) return Number(given) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}
