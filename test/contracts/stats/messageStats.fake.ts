import type { BucketSum, MessageStats, StatsMessage, StatsRecordOutcome, StatsTotal } from '../../../src/domain/stats/ports.js';

/** Message statistics in memory: each uuid recorded once, as the ledger's primary key does; `totals` and `bucketSums` are not needed by the fake world. */
export class FakeMessageStats implements MessageStats {
  readonly messages = new Map<string, StatsMessage>();

  async record(messages: readonly StatsMessage[]): Promise<StatsRecordOutcome[]> {
    return messages.map((message) => {
      const stored = this.messages.get(message.uuid);
      if (!stored) {
        this.messages.set(message.uuid, { ...message });
        return { outcome: 'created' as const };
      }
      return stored.amount === message.amount && stored.type === message.type && stored.customerId === message.customerId
        ? { outcome: 'duplicate' as const }
        : { outcome: 'conflict' as const, stored: { ...stored } };
    });
  }

  async totals(): Promise<StatsTotal[]> {
    throw new Error('FakeMessageStats keeps messages, not buckets: query statistics against MariaDB');
  }

  async bucketSums(): Promise<BucketSum[]> {
    throw new Error('FakeMessageStats keeps messages, not buckets: query statistics against MariaDB');
  }

  async reprice(message: StatsMessage): Promise<'created' | 'repriced' | 'unchanged'> {
    const stored = this.messages.get(message.uuid);
    if (!stored) {
      this.messages.set(message.uuid, { ...message });
      return 'created';
    }
    if (stored.amount === message.amount) return 'unchanged';
    stored.amount = message.amount;
    return 'repriced';
  }
}
