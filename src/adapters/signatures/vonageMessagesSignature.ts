import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { checkFreshness, hmacSha256, matchesAnyHex, type SignatureCheck } from './hmac.js';

/*
 * Signed webhooks of the Vonage Messages API: `Authorization: Bearer <JWT>`, the JWT signed
 * HS256 with the account's signature secret (VONAGE_SIGNATURE_SECRET), its `payload_hash` claim
 * the SHA-256 hex of the body and `iat` when it was signed.
 * https://developer.vonage.com/en/getting-started/concepts/webhooks#validating-signed-webhooks
 */

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Vonage's tokens may carry `exp` (RFC 7519 4.1.4); when one does, a token past it is refused even inside the `iat` window. */
function checkExpiry(exp: unknown, nowSeconds: number): SignatureCheck {
  if (exp === undefined) return { ok: true };
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, detail: 'the JWT exp claim must be a number of unix seconds' };
  return nowSeconds < exp ? { ok: true } : { ok: false, detail: 'the JWT has expired (exp is in the past)' };
}

/**
 * Checks the JWT of a Messages API webhook against the body as it travelled: HS256 only (never
 * `none` or another algorithm the token names), the signature compared in constant time, `iat`
 * within 300 s of now, then `payload_hash` against the body's SHA-256, also in constant time.
 */
export function verifyVonageMessagesJwt(authorization: string | null, body: Buffer, secret: string, nowSeconds: number): SignatureCheck {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) return { ok: false, detail: 'the request is not signed: Vonage signed webhooks (Authorization: Bearer <JWT>) are required' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, detail: 'the Authorization token is not a JWT' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  if (decodeJson(headerPart)?.alg !== 'HS256') return { ok: false, detail: 'the JWT must be signed with HS256' };
  const expected = hmacSha256(secret, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, detail: 'the JWT signature does not match (VONAGE_SIGNATURE_SECRET must be the account signature secret)' };
  }
  const claims = decodeJson(payloadPart) ?? {};
  const iat = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? String(Math.floor(claims.iat)) : undefined;
  const fresh = checkFreshness(iat, nowSeconds, 'iat');
  if (!fresh.ok) return fresh;
  const expiry = checkExpiry(claims.exp, nowSeconds);
  if (!expiry.ok) return expiry;
  const payloadHash = typeof claims.payload_hash === 'string' ? claims.payload_hash : '';
  if (!matchesAnyHex([payloadHash], createHash('sha256').update(body).digest())) {
    return { ok: false, detail: 'payload_hash does not match the body: the body was changed after it was signed' };
  }
  return { ok: true };
}

/** Signs a body the way Vonage signs Messages API webhooks (tests and local demos stand in for Vonage with it). */
export function signVonageMessagesWebhook(body: string | Buffer, secret: string, nowSeconds: number, claims: Record<string, unknown> = {}): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ iat: Math.floor(nowSeconds), jti: randomUUID(), iss: 'Vonage', payload_hash: createHash('sha256').update(body).digest('hex'), ...claims }),
  );
  return `${header}.${payload}.${base64url(hmacSha256(secret, `${header}.${payload}`))}`;
}
