import { checkFreshness, hmacSha256, matchesAnyHex, type SignatureCheck } from './hmac.js';

function signatureOf(secret: string, timestamp: string, rawBody: string): Buffer {
  return hmacSha256(secret, `${timestamp}.${rawBody}`);
}

/** The `X-Signature` header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signPayment(rawBody: string, secret: string, unixSeconds: number): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${signatureOf(secret, t, rawBody).toString('hex')}`;
}

/**
 * Verifies `X-Signature` over the raw body (hmac.ts). Several `v1` values are accepted so the
 * provider can roll its secret.
 */
export function verifyPaymentSignature(header: string | null, rawBody: string, secret: string, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, detail: 'X-Signature header is missing' };
  const parts = header.split(',').map((part) => part.trim().split('=') as [string, string?]);
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value).map(([, value]) => value as string);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) {
    return { ok: false, detail: 'X-Signature must look like t=<unix seconds>,v1=<hex HMAC-SHA256>' };
  }
  const fresh = checkFreshness(timestamp, nowSeconds, 'X-Signature timestamp');
  if (!fresh.ok) return fresh;
  return matchesAnyHex(signatures, signatureOf(secret, timestamp, rawBody)) ? { ok: true } : { ok: false, detail: 'X-Signature does not match the body' };
}
