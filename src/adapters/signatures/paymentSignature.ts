import { checkFreshness, hmacSha256, matchesAnyHex, type SignatureCheck } from './hmac.js';

/** `t=<unix seconds>` once, then one or more `v1=<64 hex digits>`, comma-separated, nothing else. */
const HEADER_GRAMMAR = /^t=(\d{1,12})((?:,v1=[0-9a-fA-F]{64})+)$/;

/** The HMAC covers `<t>.` followed by the body exactly as it travelled: its bytes, not decoded text. */
function signatureOf(secret: string, timestamp: string, rawBody: Buffer | string): Buffer {
  return hmacSha256(secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]));
}

/** The `X-Signature` header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export function signPayment(rawBody: Buffer | string, secret: string, unixSeconds: number): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${signatureOf(secret, t, rawBody).toString('hex')}`;
}

/**
 * Verifies `X-Signature` over the raw body bytes (hmac.ts). Several `v1` values are accepted so
 * the provider can roll its secret; anything outside the header's grammar is refused.
 */
export function verifyPaymentSignature(header: string | null, rawBody: Buffer | string, secret: string, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, detail: 'X-Signature header is missing' };
  const match = HEADER_GRAMMAR.exec(header.trim());
  if (!match) return { ok: false, detail: 'X-Signature must look like t=<unix seconds>,v1=<64 hex digits>[,v1=...], exactly' };
  const timestamp = match[1]!;
  const signatures = match[2]!.slice(1).split(',').map((part) => part.slice('v1='.length));
  const fresh = checkFreshness(timestamp, nowSeconds, 'X-Signature timestamp');
  if (!fresh.ok) return fresh;
  return matchesAnyHex(signatures, signatureOf(secret, timestamp, rawBody)) ? { ok: true } : { ok: false, detail: 'X-Signature does not match the body' };
}
