import type { RandomSource } from './ports.js';

/** Code characters: digits and capitals without the look-alikes 0 O 1 I L (31 symbols). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
/** 31^10 ≈ 8.2e14 codes (49.5 bits): a guess hits one of 10 million live codes about once in 80 million tries. */
export const CODE_LENGTH = 10;
export const MAX_CODES_PER_REQUEST = 100_000;
export const BRAND_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** The largest multiple of the alphabet size below 256: bytes from it up are dropped, so every symbol is equally likely. */
const UNBIASED_BYTE_LIMIT = 256 - (256 % CODE_ALPHABET.length);

/** `count` fresh codes, each symbol drawn uniformly from crypto-strength random bytes. */
export function newDiscountCodes(random: RandomSource, count: number): string[] {
  const codes: string[] = [];
  let code = '';
  while (codes.length < count) {
    // About 3% of bytes are dropped; asking for 10% more keeps this to one draw almost always.
    for (const byte of random.bytes(Math.ceil((count - codes.length) * CODE_LENGTH * 1.1))) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue;
      code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (code.length === CODE_LENGTH) {
        codes.push(code);
        code = '';
        if (codes.length === count) break;
      }
    }
  }
  return codes;
}

/** A code as typed by a person, upper-cased; undefined when it cannot be one of ours (wrong length or symbol). */
export function normalizeDiscountCode(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  if (code.length !== CODE_LENGTH) return undefined;
  for (const symbol of code) if (!CODE_ALPHABET.includes(symbol)) return undefined;
  return code;
}
