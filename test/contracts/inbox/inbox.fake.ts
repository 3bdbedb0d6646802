import type { Inbox, InboxMessage, InboxStatus } from '../../../src/domain/inbox/ports.js';
import { byTimeThenKey } from '../sqlOrder.js';

/** The `inbox_messages` table in memory: the first keep of an id wins; pending oldest first, handled newest first. */
export class FakeInbox implements Inbox {
  readonly rows = new Map<string, InboxMessage>();

  async keep(message: Omit<InboxMessage, 'status' | 'handledAt'>): Promise<InboxMessage> {
    if (!this.rows.has(message.messageId)) this.rows.set(message.messageId, { ...message, status: 'pending', handledAt: null });
    return { ...this.rows.get(message.messageId)! };
  }

  async list(status: InboxStatus, limit: number): Promise<InboxMessage[]> {
    const oldestFirst = [...this.rows.values()]
      .filter((m) => m.status === status)
      .sort((a, b) => byTimeThenKey([a.receivedAt, a.messageId], [b.receivedAt, b.messageId]));
    return (status === 'pending' ? oldestFirst : oldestFirst.reverse()).slice(0, limit).map((m) => ({ ...m }));
  }

  async setStatus(messageId: string, status: InboxStatus, at: Date): Promise<InboxMessage | undefined> {
    const row = this.rows.get(messageId);
    if (!row) return undefined;
    Object.assign(row, { status, handledAt: status === 'handled' ? (row.handledAt ?? at) : null });
    return { ...row };
  }
}
