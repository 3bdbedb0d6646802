import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../src/domain/notifications/deliveryReceipts.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

/*
 * Issue 22: job_trans rows of notifications are channel-neutral (`NOTIFY`). Rows an older release
 * wrote as `SMS` stay as they are and read as `NOTIFY`; the event keys never named the type, so
 * writing the same event again after an upgrade adds nothing beside the old row.
 */
describe('NOTIFY job_trans rows, with the SMS rows of older releases', () => {
  let stack: RealStack;

  beforeAll(async () => {
    stack = await startRealStack();
  });
  afterAll(async () => stack?.stop());

  const storedRows = async () => {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT event_type, event_key FROM job_trans WHERE Job_id = 1 ORDER BY trans_id');
    return rows.map((row) => `${String(row.event_type)} ${String(row.event_key)}`);
  };
  /** As the release before issue 22 stored them. */
  const asOldRelease = () => stack.ledger.pool.query("UPDATE job_trans SET event_type = 'SMS' WHERE event_type = 'NOTIFY'");

  it('a courtesy SMS logged by the old release, its delivery receipt after the upgrade: one row per event, all read as NOTIFY', async () => {
    await insertClientJobs(stack.client.pool, [{ id: 1 }]);
    await stack.relay.pollClientJobs();
    const [queued] = stack.queue.drain(new Date('2100-01-01T00:00:00Z'));
    await stack.relay.sendNotification(queued!.body);
    const sms = stack.sandbox.sent.find((sent) => sent.clientRef === 'job-1-received')!;
    expect(await storedRows()).toContain('NOTIFY job-1-received-sent');
    await asOldRelease();

    // After the upgrade: the same message delivered again (the queue redelivers), then its receipt, twice.
    await stack.relay.sendNotification(queued!.body);
    const receipt: DeliveryReceipt = { messageId: sms.messageId, outcome: { kind: 'delivered' }, errorCode: '0', clientRef: 'job-1-received', price: null, reportedAt: null };
    await stack.relay.recordDeliveryReceipt(receipt);
    await stack.relay.recordDeliveryReceipt(receipt);

    const rows = await storedRows();
    expect(rows.filter((row) => row.endsWith(' job-1-received-sent'))).toEqual(['SMS job-1-received-sent']);
    expect(rows.filter((row) => row.startsWith('NOTIFY '))).toEqual([`NOTIFY dlr-${sms.messageId}-delivered`]);

    const found = await stack.relay.getJob(1, 'history-read');
    const notifications = found!.history.filter((row) => row.eventKey === 'job-1-received-sent' || row.eventKey.startsWith('dlr-'));
    expect(notifications.map((row) => [row.event, row.eventKey, row.note])).toEqual([
      ['NOTIFY', 'job-1-received-sent', expect.stringContaining('Courtesy SMS')],
      ['NOTIFY', `dlr-${sms.messageId}-delivered`, 'Courtesy SMS delivered'],
    ]);
    expect(found!.history.map((row) => row.event)).not.toContain('SMS');
  });
});
