import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old (or how far ahead) a signed payment callback may be before it counts as a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true } | { ok: false; detail: string };

function hmacHex(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The `X-Signature` header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signPayment(rawBody: string, secret: string, unixSeconds: number): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * Verifies `X-Signature` over the raw body, in constant time. Several `v1` values are accepted so
 * the provider can roll its secret.
 */
export function verifyPaymentSignature(header: string | null, rawBody: string, secret: string, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, detail: 'X-Signature header is missing' };
  const parts = header.split(',').map((part) => part.trim().split('=') as [string, string?]);
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value as string);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    return { ok: false, detail: 'X-Signature must look like t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  }
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, detail: `X-Signature timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} s from now; replayed or clock skewed` };
  }
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, detail: 'X-Signature does not match the body' };
}
