import type { PhoneKeys } from '../../domain/shared/ports.js';
import { hmacSha256 } from './hmac.js';

/** Domain separation: the same secret could never produce a key that means something elsewhere. */
const CONTEXT = 'repair-relay:phone-lookup:v2';

/** The shortest PHONE_KEY_SECRET accepted (config.ts): 32 characters, e.g. `openssl rand -hex 32` gives 64. */
export const MIN_PHONE_KEY_SECRET_LENGTH = 32;

/**
 * Phone lookup keys as HMAC-SHA256(PHONE_KEY_SECRET, context + E.164), in hex (64 characters,
 * `notification_log.to_hash`). Without the secret, nobody can enumerate the UK mobile range to find whose
 * number a key is, which a bare hash allowed.
 */
export class HmacPhoneKeys implements PhoneKeys {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < MIN_PHONE_KEY_SECRET_LENGTH) {
      throw new Error(`the phone key secret must be at least ${MIN_PHONE_KEY_SECRET_LENGTH} characters`);
    }
    this.#secret = secret;
  }

  lookupKey(e164: string): string {
    return hmacSha256(this.#secret, `${CONTEXT}:${e164}`).toString('hex');
  }
}
