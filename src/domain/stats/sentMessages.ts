import type { NotificationEntry, SettlementListener } from '../notifications/ports.js';
import { recordOwnMessages, type RecordOwnMessageDeps } from './messageStats.js';

/**
 * Message statistics listen to notifications settling: every notification we sent is counted and
 * costed once (its uuid comes from its key, so a repeated report never counts twice), whether it
 * tells of a job or of none (a broadcast, an auto-reply).
 */
export class SentMessageCounter implements SettlementListener {
  constructor(private readonly ports: RecordOwnMessageDeps) {}

  async settled(entries: readonly NotificationEntry[]): Promise<void> {
    const unique = [...new Map(entries.map((entry) => [entry.messageKey, entry])).values()];
    const sent = unique.flatMap(ownMessage);
    if (sent.length > 0) await recordOwnMessages(this.ports, sent);
  }
}

/** A sent notification of a customer, as message statistics count it. */
function ownMessage(entry: NotificationEntry) {
  if (entry.state !== 'sent' || entry.customerId === null || entry.channel === null) return [];
  return [{ customerId: entry.customerId, channel: entry.channel, event: entry.kind, price: entry.price, messageKey: entry.messageKey }];
}
