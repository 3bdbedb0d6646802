import { HmacTrackingTokens } from '../../src/adapters/signatures/trackingTokens.js';
import { trackingLinks, type TrackingLinkLedger } from '../../src/domain/customerPage/trackingLinks.js';
import type { TrackingLinks } from '../../src/domain/notifications/ports.js';
import type { Clock } from '../../src/domain/shared/ports.js';

/** TRACKING_LINK_SECRET of every test relay and fake world: tests only, never deployed. */
export const TEST_TRACKING_LINK_SECRET = 'test-only-tracking-link-secret-not-for-any-deployment';
export const TEST_PUBLIC_BASE_URL = 'https://relay.test';

export const testTrackingTokens = new HmacTrackingTokens(TEST_TRACKING_LINK_SECRET, TEST_PUBLIC_BASE_URL);

/** The links of job messages in a test: the real tokens, over the ledger the test gives. */
export function testTrackingLinks(ledger: TrackingLinkLedger, clock: Clock): TrackingLinks {
  return trackingLinks(testTrackingTokens, ledger, clock);
}
