import type { BroadcastCounts, BroadcastRecord, Broadcasts } from '../../../src/domain/broadcasts/ports.js';

/** The `broadcasts` table in memory: the first start of an id wins, the first counts stick. */
export class FakeBroadcasts implements Broadcasts {
  readonly rows = new Map<string, BroadcastRecord>();

  async start(broadcast: Omit<BroadcastRecord, 'counts'>): Promise<{ outcome: 'started' } | { outcome: 'exists'; broadcast: BroadcastRecord }> {
    const existing = this.rows.get(broadcast.broadcastId);
    if (existing) return { outcome: 'exists', broadcast: structuredClone(existing) };
    this.rows.set(broadcast.broadcastId, { ...broadcast, counts: null });
    return { outcome: 'started' };
  }

  async complete(broadcastId: string, counts: BroadcastCounts): Promise<void> {
    const row = this.rows.get(broadcastId);
    if (row && row.counts === null) row.counts = { ...counts };
  }
}
