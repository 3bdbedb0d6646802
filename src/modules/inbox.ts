import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { listInbox, setInboxStatus } from '../domain/inbox/inbox.js';
import type { InboxStatus } from '../domain/inbox/ports.js';
import type { Infrastructure } from '../infrastructure.js';

/** The inbox: customers' replies staff read and file. */
export function inboxModule(infra: Pick<Infrastructure, 'ledgerPool' | 'clock'>) {
  const inbox = new MysqlInbox(infra.ledgerPool);
  return {
    listInbox: (status: InboxStatus, limit: number) => listInbox({ inbox }, status, limit),
    /** Undefined for an unknown message. */
    setInboxStatus: (messageId: string, status: InboxStatus) => setInboxStatus({ inbox, clock: infra.clock }, messageId, status),
  };
}
