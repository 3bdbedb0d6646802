import { coalesce } from '../shared/coalesce.js';
import type { NotificationEntry, SettlementListener } from './ports.js';

/** Settled notifications reported together at most: one batch's writes stay within a few round trips of 100 rows. */
const MAX_SETTLEMENT_BATCH = 100;

/**
 * The send path's listener: notifications that settle while another report runs (the queue
 * trigger runs many deliveries at once) are reported together, so a busy instance pays the
 * listener's round trips once per batch rather than once per message. Each caller's promise
 * settles when its own report is done, so a delivery is finished only once its listener has reacted.
 */
export function batchedSettlement(listener: SettlementListener): SettlementListener {
  const report = coalesce(async (entries: readonly NotificationEntry[]) => {
    await listener.settled(entries);
    return entries.map(() => undefined);
  }, MAX_SETTLEMENT_BATCH);
  return { settled: async (entries) => void (await Promise.all(entries.map((entry) => report(entry)))) };
}

/** Every listener told, in order: the jobs move on first, then the statistics count what was sent. */
export function allListeners(...listeners: readonly SettlementListener[]): SettlementListener {
  return {
    settled: async (entries) => {
      for (const listener of listeners) await listener.settled(entries);
    },
  };
}
