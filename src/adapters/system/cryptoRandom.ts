import { randomFillSync } from 'node:crypto';
import type { RandomSource } from '../../domain/discounts/ports.js';

/** The operating system's cryptographically strong random bytes. */
export const cryptoRandom: RandomSource = {
  bytes: (count) => randomFillSync(new Uint8Array(count)),
};
