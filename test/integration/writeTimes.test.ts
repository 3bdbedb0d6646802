import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../kit/clock.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

/*
 * Issue 22, one clock: every time the ledger stamps on a write comes from the relay's Clock, never
 * from the database's clock or the adapter's, so a fixed test clock is what the rows hold.
 */
describe('write times come from the relay clock', () => {
  /** Far from the real time, so a row stamped by the database's or the process's clock cannot match it. */
  const FIXED = new Date('2031-05-06T07:08:09.123Z');
  let stack: RealStack;

  beforeAll(async () => {
    stack = await startRealStack({}, undefined, { clock: new FakeClock(FIXED) });
  });
  afterAll(async () => stack?.stop());

  const times = async (sql: string, params: unknown[] = []) => {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>(sql, params);
    return rows.flatMap((row) => Object.values(row).map((value) => (value as Date).toISOString()));
  };

  it('stamps job tracking, the poll checkpoint and the customers an ingestion creates', async () => {
    await insertClientJobs(stack.client.pool, [{ id: 1, mobile: '07770 100001' }]);
    await stack.relay.pollClientJobs();
    expect(await times('SELECT updated_at FROM job_tracking WHERE Job_id = 1')).toEqual([FIXED.toISOString()]);
    expect(await times('SELECT updated_at FROM poll_checkpoint')).toEqual([FIXED.toISOString()]);
    expect(await times('SELECT created_at, updated_at FROM customers WHERE mobile_e164 = ?', ['+447770100001'])).toEqual([FIXED.toISOString(), FIXED.toISOString()]);
  });

  it('stamps a status change through the API on job tracking', async () => {
    // As if the courtesy SMS had been settled long ago: the client and tracking at OPENED, stamped another time.
    await stack.client.pool.query("UPDATE Jobs SET Job_status = 'OPENED' WHERE Job_id = 1");
    await stack.ledger.pool.query("UPDATE job_tracking SET last_status = 'OPENED', updated_at = ? WHERE Job_id = 1", [new Date('2030-01-01T00:00:00Z')]);
    expect((await stack.relay.changeJobStatus(1, { status: 'IN PROGRESS' }, 'request-1')).outcome).toBe('moved');
    expect(await times('SELECT updated_at FROM job_tracking WHERE Job_id = 1')).toEqual([FIXED.toISOString()]);
  });

  it('stamps customers created and changed through the API', async () => {
    const created = await stack.relay.createCustomer({ name: 'Ada', mobile: '+447770100002', subscriptions: [{ channel: 'sms' }] });
    expect(created.outcome).toBe('saved');
    const customerId = created.outcome === 'saved' ? created.customer.customerId : 0;
    expect(await times('SELECT created_at, updated_at FROM customers WHERE customer_id = ?', [customerId])).toEqual([FIXED.toISOString(), FIXED.toISOString()]);
  });

  it('stamps a gateway route changed through the channels API, and a completed broadcast', async () => {
    await stack.relay.updateChannelGateway('sms', 'vonage-messages', { priority: 7 });
    expect(await times("SELECT updated_at FROM notification_gateways WHERE channel = 'sms' AND gateway = 'vonage-messages'")).toEqual([FIXED.toISOString()]);
    await stack.relay.sendBroadcast({ broadcastId: 'write-times', text: 'Closed on Monday', customerIds: [] });
    expect(await times("SELECT completed_at FROM broadcasts WHERE broadcast_id = 'write-times'")).toEqual([FIXED.toISOString()]);
  });
});
