import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Relay } from '../../src/compositionRoot.js';
import type { NotificationMessage } from '../../src/domain/notifications/notificationMessage.js';
import { provideRelay } from '../../src/processRelay.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { staffHeaders } from '../support/staffHeaders.js';
import '../../src/functions/stats/staffRunaway.js';

const clock = { at: new Date('2026-11-23T12:00:00.000Z'), now() { return new Date(this.at); } };

const flags = (query: Record<string, string> = {}) => callHttpFunction('staffRunawayFlags', 'GET', { query, headers: staffHeaders() });
const release = (customerId: string) => callHttpFunction('staffReleaseCustomer', 'POST', { params: { customerId }, headers: staffHeaders() });

/** The runaway-sender guard over the real stack: the send path's counts from notification_log, flags in the ledger, the routes. */
describe('runaway-sender guard', () => {
  let stack: RealStack;
  let relay: Relay;

  beforeAll(async () => {
    stack = await startRealStack({ WEBSITE_AUTH_ENABLED: 'True', RUNAWAY_PAUSE: 'true', RUNAWAY_DAILY_COUNT: '5', RUNAWAY_DAILY_COST: '1.000' }, undefined, { clock });
    ({ relay } = stack);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  const message = (i: number, customerId: number): NotificationMessage => ({
    notificationId: `broadcast-${customerId}-${i}`,
    channel: 'sms',
    event: 'broadcast',
    jobId: null,
    customerId,
    to: '+447770123456',
    text: 'The same message again',
  });

  it('pauses a customer past the threshold, lists the flag, and resumes once released', async () => {
    const results: string[] = [];
    for (let i = 0; i < 12; i++) results.push(await relay.sendNotification(message(i, 41)));
    expect(results).toEqual([...Array(5).fill('sent'), ...Array(7).fill('skipped')]);
    const [skipped] = await stack.ledger.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM notification_log WHERE customer_id = 41 AND state = 'skipped' AND reason = 'paused'");
    expect(Number(skipped[0]!.n)).toBe(7);

    const listed = await flags();
    expect(listed.status).toBe(200);
    expect(listed.body.flags).toEqual([
      expect.objectContaining({ subject: { kind: 'customer', customerId: 41 }, day: '2026-11-23', reasons: ['count'], count: 6, cost: null, baseline: { days: 7, count: 0, cost: null }, paused: true, releasedAt: null }),
    ]);

    expect(await release('41')).toMatchObject({ status: 200, body: { customerId: 41, released: 1 } });
    expect(await release('41')).toMatchObject({ status: 200, body: { customerId: 41, released: 0 } });
    expect(await relay.sendNotification(message(12, 41))).toBe('sent');
    // The review since has counted the same sends in the statistics, with their cost, and flagged their type too (never paused).
    const after = (await flags()).body.flags as Array<{ subject: { kind: string }; paused: boolean }>;
    expect(after.find((f) => f.subject.kind === 'customer')).toMatchObject({ paused: false, releasedBy: 'Sam Staff', count: 6, cost: '0.198' });
    expect(after.find((f) => f.subject.kind === 'type')).toMatchObject({ subject: { kind: 'type', type: 'sms.broadcast' }, paused: false });
    expect((await release('0')).status).toBe(400);
    // A change from outside the console's page is refused before anything is released.
    const forged = await callHttpFunction('staffReleaseCustomer', 'POST', { params: { customerId: '41' }, headers: { 'x-ms-client-principal': staffHeaders()['x-ms-client-principal']! } });
    expect(forged.status).toBe(403);
  });

  it("flags today's jumps in the statistics by customer and type on the dashboard, and pauses the customer", async () => {
    clock.at = new Date('2026-11-24T09:00:00.000Z');
    await relay.recordStatsMessages([
      { customerId: 42, type: 'sms.job-received', amount: '0.900', uuid: randomUUID() },
      { customerId: 42, type: 'sms.job-received', amount: '0.200', uuid: randomUUID() },
    ]);
    const first = await flags({ limit: '1' });
    expect(first.body.flags).toEqual([expect.objectContaining({ subject: { kind: 'type', type: 'sms.job-received' }, reasons: ['cost'], cost: '1.100', paused: false })]);
    const second = await flags({ limit: '1', cursor: String(first.body.nextCursor) });
    expect(second.body.flags).toEqual([expect.objectContaining({ subject: { kind: 'customer', customerId: 42 }, day: '2026-11-24', reasons: ['cost'], count: 2, cost: '1.100', paused: true })]);
    expect(await relay.sendNotification(message(0, 42))).toBe('skipped');
    expect((await flags({ cursor: 'bm9wZQ' })).status).toBe(400);
  });
});
