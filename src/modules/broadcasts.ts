import { MysqlBroadcasts } from '../adapters/mysql/broadcasts.js';
import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { businessCalendar } from '../config.js';
import { sendBroadcast, type BroadcastRequest } from '../domain/broadcasts/broadcast.js';
import type { Outbox } from '../domain/notifications/outbox.js';
import type { Infrastructure } from '../infrastructure.js';

/** Broadcasts: one message to many subscribed customers, through the notification outbox. */
export function broadcastsModule(outbox: Outbox, infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock' | 'logger'>) {
  const deps = {
    broadcasts: new MysqlBroadcasts(infra.ledgerPool),
    customers: new MysqlCustomers(infra.ledgerPool),
    outbox,
    calendar: businessCalendar(infra.config),
    clock: infra.clock,
    logger: infra.logger('sendBroadcast'),
  };
  return {
    sendBroadcast: (request: BroadcastRequest) => sendBroadcast(deps, request),
  };
}
