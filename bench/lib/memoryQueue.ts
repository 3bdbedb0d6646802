import type { OutboundSms, SmsQueue } from '../../src/domain/ports.js';

/**
 * The SmsQueue port in memory, behaving like the Service Bus queue it stands for: each message is
 * serialised as it would be on the wire, and a messageId seen before is dropped (duplicate detection).
 */
export class MemorySmsQueue implements SmsQueue {
  readonly messages: Array<{ messageId: string; body: string; scheduledAt?: Date }> = [];
  private readonly seen = new Set<string>();
  duplicatesDropped = 0;

  async enqueue(messages: readonly OutboundSms[]): Promise<void> {
    for (const message of messages) {
      if (this.seen.has(message.messageId)) {
        this.duplicatesDropped += 1;
        continue;
      }
      this.seen.add(message.messageId);
      this.messages.push({ messageId: message.messageId, body: JSON.stringify(message.body), ...(message.scheduledAt ? { scheduledAt: message.scheduledAt } : {}) });
    }
  }
}
