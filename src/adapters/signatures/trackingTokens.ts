import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TrackingTokens } from '../../domain/customerPage/trackingLinks.js';

/** Raise it to give every job a new link (the old ones then find nothing). */
const TOKEN_VERSION = 1;
/** 16 bytes of HMAC-SHA256: 128 bits, 22 base64url characters. */
const TOKEN_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * Tracking tokens as base64url(HMAC-SHA256(secret, "track:<jobId>:<version>")[0..16]): as
 * unguessable as 128 random bits without the secret, yet the same for a job every time. Form
 * tokens are `<issued seconds>.<nonce>.<HMAC of "form:<token hash>:<issued seconds>:<nonce>">`.
 */
export class HmacTrackingTokens implements TrackingTokens {
  constructor(
    private readonly secret: string,
    /** The app's public origin (PUBLIC_BASE_URL), without a trailing slash. */
    private readonly baseUrl: string,
  ) {}

  tokenFor(jobId: number): string {
    return createHmac('sha256', this.secret).update(`track:${jobId}:${TOKEN_VERSION}`).digest().subarray(0, TOKEN_BYTES).toString('base64url');
  }

  /** Functions' `/api` route prefix stays: the local host and Azure serve the same path. */
  urlOf(token: string): string {
    return `${this.baseUrl}/api/t/${token}`;
  }

  hashOf(token: string): string | undefined {
    return TOKEN_PATTERN.test(token) ? createHash('sha256').update(token).digest('hex') : undefined;
  }

  formToken(tokenHash: string, at: Date): string {
    const issued = Math.floor(at.getTime() / 1000);
    const nonce = randomBytes(12).toString('base64url');
    return `${issued}.${nonce}.${this.formMac(tokenHash, issued, nonce)}`;
  }

  checkFormToken(tokenHash: string, formToken: string, now: Date, maxAgeMs: number): string | undefined {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(formToken);
    if (!match) return undefined;
    const [, issuedText, nonce, mac] = match as unknown as [string, string, string, string];
    const age = now.getTime() - Number(issuedText) * 1000;
    if (age < -60_000 || age > maxAgeMs) return undefined;
    const expected = Buffer.from(this.formMac(tokenHash, Number(issuedText), nonce));
    const given = Buffer.from(mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : undefined;
  }

  private formMac(tokenHash: string, issued: number, nonce: string): string {
    return createHmac('sha256', this.secret).update(`form:${tokenHash}:${issued}:${nonce}`).digest('base64url');
  }
}

/** TRACKING_LINK_SECRET, or when unset a key of its own derived from PHONE_KEY_SECRET (never the phone key itself). */
export function trackingLinkSecret(config: { TRACKING_LINK_SECRET?: string | undefined; PHONE_KEY_SECRET: string }): string {
  return config.TRACKING_LINK_SECRET ?? createHmac('sha256', config.PHONE_KEY_SECRET).update('repair-relay tracking links').digest('hex');
}
