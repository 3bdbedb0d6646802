import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../domain/shared/result.js';

/**
 * The one way Repair Relay checks a signed webhook, whoever sends it: a unix-seconds timestamp
 * within 300 s of now, then an HMAC-SHA256 hex signature compared in constant time.
 */

export type SignatureCheck = Result;

/** How old (or how far ahead) a signed request may be before it counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function hmacSha256(secret: string, payload: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** A `timestamp` in unix seconds within the tolerance of now; `name` is how the sender calls it. */
export function checkFreshness(timestamp: string | undefined, nowSeconds: number, name: string): SignatureCheck {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, detail: `a signed request must carry ${name} (unix seconds)` };
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, detail: `${name} is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now; replayed or clock skewed` };
  }
  return { ok: true };
}

/** Whether any candidate is exactly the expected digest in hex, compared in constant time. */
export function matchesAnyHex(candidates: readonly string[], expected: Buffer): boolean {
  const hexLength = expected.length * 2;
  return candidates.some((candidate) => {
    if (candidate.length !== hexLength || !/^[0-9a-fA-F]+$/.test(candidate)) return false;
    return timingSafeEqual(Buffer.from(candidate, 'hex'), expected);
  });
}
