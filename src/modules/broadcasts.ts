import { MysqlBroadcasts } from '../adapters/mysql/broadcasts.js';
import { sendBroadcast, type BroadcastRequest } from '../domain/broadcasts/broadcast.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

/** Broadcasts: one message to many subscribed customers, through the notification outbox. */
export function broadcastsModule(
  stores: Pick<JobStores, 'customers' | 'notificationLog' | 'queue' | 'phoneKeys' | 'calendar' | 'clock'>,
  infra: Pick<Infrastructure, 'ledgerPool' | 'logger'>,
) {
  const broadcasts = new MysqlBroadcasts(infra.ledgerPool);
  return {
    sendBroadcast: (request: BroadcastRequest) => sendBroadcast({ ...stores, logger: infra.logger('sendBroadcast'), broadcasts }, request),
  };
}
