import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleOutcome } from '../../../src/domain/console/outcomes.js';
import { DELIVERY_STATUS_WORDS, deliveryOutcomeOf, type DeliveryStatusWord } from '../../../src/domain/notifications/deliveryOutcome.js';
import type { NotificationState } from '../../../src/domain/notifications/ports.js';
import { createLedgerDatabase, type ThrowawayDatabase } from '../../kit/mysql.js';

const STATES: NotificationState[] = ['scheduled', 'queued', 'sending', 'retrying', 'sent', 'rejected', 'failed', 'skipped', 'unknown'];

/** The console's outcome is computed twice: by the ledger (console_outcome, which the list filters on) and by the domain (the timeline). They must agree on every entry. */
describe('console_outcome (migration 024) against consoleOutcome', () => {
  let ledger: ThrowawayDatabase;
  beforeAll(async () => {
    ledger = await createLedgerDatabase();
  });
  afterAll(async () => ledger?.drop());

  it('gives every state, error and receipt the outcome the domain gives it', async () => {
    const cases = STATES.flatMap((state) => [null, '1'].flatMap((errorCode) => [null, ...DELIVERY_STATUS_WORDS].map((delivery) => ({ state, errorCode, delivery: delivery as DeliveryStatusWord | null }))));
    await ledger.pool.query(
      `INSERT INTO notification_log (message_key, kind, channel, state, attempts, to_masked, error_code, delivery_status, created_at, updated_at) VALUES ?`,
      [cases.map((c, i) => [`case-${i}`, 'job-received', 'sms', c.state, 1, '***123', c.errorCode, c.delivery, new Date(), new Date()])],
    );
    const [rows] = await ledger.pool.query<RowDataPacket[]>('SELECT message_key, console_outcome FROM notification_log');
    const stored = new Map(rows.map((row) => [String(row.message_key), String(row.console_outcome)]));
    const expected = cases.map((c, i) => [`case-${i}`, consoleOutcome({ state: c.state, errorCode: c.errorCode, delivery: c.delivery ? { outcome: deliveryOutcomeOf(c.delivery), errorCode: null, deliveredAt: null } : null })]);
    expect(cases.map((_, i) => [`case-${i}`, stored.get(`case-${i}`)])).toEqual(expected);
    // A sample of the rule, in words.
    expect(consoleOutcome({ state: 'queued', errorCode: null, delivery: null })).toBe('scheduled');
    expect(consoleOutcome({ state: 'sending', errorCode: '1', delivery: null })).toBe('retrying');
    expect(consoleOutcome({ state: 'sent', errorCode: null, delivery: { outcome: deliveryOutcomeOf('expired'), errorCode: null, deliveredAt: null } })).toBe('failed');
  });
});
