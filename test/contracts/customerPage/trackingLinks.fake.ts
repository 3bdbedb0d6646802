import type { TrackingLinkLedger } from '../../../src/domain/customerPage/trackingLinks.js';

/** `tracking_links` in memory: token hash → job, the first remembered wins. */
export class FakeTrackingLinkLedger implements TrackingLinkLedger {
  readonly links = new Map<string, { jobId: number; at: Date }>();

  async remember(links: ReadonlyArray<{ tokenHash: string; jobId: number }>, at: Date): Promise<void> {
    for (const link of links) if (!this.links.has(link.tokenHash)) this.links.set(link.tokenHash, { jobId: link.jobId, at });
  }

  async jobOf(tokenHash: string): Promise<number | undefined> {
    return this.links.get(tokenHash)?.jobId;
  }
}
