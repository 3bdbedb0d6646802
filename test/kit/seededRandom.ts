import type { RandomSource } from '../../src/domain/discounts/ports.js';

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A RandomSource whose bytes follow the seed: discount codes and shard choices a test can replay. */
export function seededRandomSource(seed: number): RandomSource {
  const next = seededRandom(seed);
  return { bytes: (count) => Uint8Array.from({ length: count }, () => Math.floor(next() * 256)) };
}
