import type { TrackingLinks } from '../notifications/ports.js';
import type { Clock } from '../shared/ports.js';

/**
 * The keyed half of the customer page's links (adapter: HMAC-SHA256 with TRACKING_LINK_SECRET).
 * A job's token is the same every time it is asked for, so every retry, redelivery or repair of a
 * job's messages carries the same link, while the ledger keeps only the token's hash.
 */
export interface TrackingTokens {
  /** The job's token: at least 128 pseudorandom bits, URL-safe. */
  tokenFor(jobId: number): string;
  /** The public URL a message carries for this token. */
  urlOf(token: string): string;
  /** The one-way hash the ledger keeps (SHA-256, hex); a token that is not well formed has none. */
  hashOf(token: string): string | undefined;
  /** A fresh form token for the page of `tokenHash` (a random nonce, issued at `at`): hidden in each form, so another site cannot post for the customer. */
  formToken(tokenHash: string, at: Date): string;
  /** The nonce of a form token issued for this page within `maxAgeMs` of `now`; undefined for any other. */
  checkFormToken(tokenHash: string, formToken: string, now: Date, maxAgeMs: number): string | undefined;
}

/** The ledger's `tracking_links`: token hash → job. */
export interface TrackingLinkLedger {
  /** Remembers these links; a link remembered before is left as it is. */
  remember(links: ReadonlyArray<{ tokenHash: string; jobId: number }>, at: Date): Promise<void>;
  /** The job of a remembered link, or undefined. */
  jobOf(tokenHash: string): Promise<number | undefined>;
}

/** The notifications' TrackingLinks port over the page's tokens and its ledger. */
export function trackingLinks(tokens: TrackingTokens, ledger: TrackingLinkLedger, clock: Clock): TrackingLinks {
  return {
    linkFor: (jobId) => tokens.urlOf(tokens.tokenFor(jobId)),
    async remember(jobIds) {
      if (jobIds.length === 0) return;
      await ledger.remember(
        [...new Set(jobIds)].map((jobId) => ({ jobId, tokenHash: tokens.hashOf(tokens.tokenFor(jobId))! })),
        clock.now(),
      );
    },
  };
}
