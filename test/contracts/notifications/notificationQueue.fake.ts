import type { NotificationQueue, OutboundNotification } from '../../../src/domain/notifications/ports.js';

/** Like Service Bus with duplicate detection: a messageId seen before is dropped. */
export class FakeNotificationQueue implements NotificationQueue {
  readonly messages: OutboundNotification[] = [];
  readonly seen = new Set<string>();
  duplicatesDropped = 0;

  async enqueue(messages: readonly OutboundNotification[]): Promise<void> {
    for (const message of messages) {
      if (this.seen.has(message.messageId)) {
        this.duplicatesDropped += 1;
        continue;
      }
      this.seen.add(message.messageId);
      this.messages.push(structuredClone(message));
    }
  }

  /** Takes every message whose scheduled time has come, as a receiver would. */
  drain(now: Date): OutboundNotification[] {
    const due = this.messages.filter((m) => !m.scheduledAt || m.scheduledAt <= now);
    for (const m of due) this.messages.splice(this.messages.indexOf(m), 1);
    return due;
  }
}
