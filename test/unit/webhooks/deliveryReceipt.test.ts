import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../../../src/domain/notifications/deliveryOutcome.js';
import type { Delivery, NotificationLog } from '../../../src/domain/notifications/ports.js';
import { withDeliverySummary } from '../../../src/domain/jobs/notificationSummaries.js';
import { recordDeliveryReceipt } from '../../../src/domain/notifications/deliveryReceipts.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, InjectedCrash } from '../../kit/crash.js';
import { closeJobIn, openedWorld, receipt, type WebhookWorld } from './helpers.js';

/** Everything a receipt could write, to show that nothing was. */
function snapshot(world: WebhookWorld) {
  return {
    rows: world.transactions.rows.length,
    writes: world.documents.writes,
    deliveries: JSON.stringify([...world.notificationLog.deliveries]),
    entries: JSON.stringify([...world.notificationLog.entries]),
  };
}

describe('Vonage delivery receipts', () => {
  it('records a delivered courtesy SMS in the SMS log, the job document and job_trans', async () => {
    const world = await openedWorld();
    const result = await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'delivered', 'client-ref': 'job-1-received' }));

    expect(result).toEqual({ outcome: 'recorded', jobId: 1, messageKey: 'job-1-received', deliveryStatus: 'delivered' });
    expect(world.notificationLog.deliveries.get('job-1-received')).toEqual({
      status: 'delivered',
      errorCode: '0',
      deliveredAt: new Date('2026-11-23T09:10:11Z'),
    });
    expect(world.documents.docs.get('1')?.sms.courtesy).toMatchObject({
      messageKey: 'job-1-received',
      state: 'sent',
      providerMessageId: 'vonage-1',
      delivery: { status: 'delivered', errorCode: '0', deliveredAt: '2026-11-23T09:10:11.000Z' },
    });
    const row = world.transactions.rows.at(-1)!;
    expect(row).toMatchObject({ jobId: 1, status: 'OPENED', event: 'NOTIFY', eventKey: 'dlr-vonage-1-delivered', note: 'Courtesy SMS delivered' });
  });

  it('changes nothing when the same receipt arrives again', async () => {
    const world = await openedWorld();
    const dlr = receipt({ messageId: 'vonage-1', status: 'delivered' });
    await recordDeliveryReceipt(world.receiptDeps, dlr);
    const before = snapshot(world);
    world.clock.advance(60_000);
    expect(await recordDeliveryReceipt(world.receiptDeps, dlr)).toMatchObject({ outcome: 'recorded' });
    expect(snapshot(world)).toEqual(before);
  });

  it('answers a receipt about a message it never sent without writing anything', async () => {
    const world = await openedWorld();
    const before = snapshot(world);
    const result = await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'someone-elses', status: 'delivered', 'client-ref': 'job-99-received' }));
    expect(result).toEqual({ outcome: 'unknown-message' });
    expect(snapshot(world)).toEqual(before);
  });

  it('finds the SMS by client-ref when Vonage reports on a part it did not give us the id of', async () => {
    const world = await openedWorld();
    const result = await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'part-2-id', status: 'delivered', 'client-ref': 'job-1-received' }));
    expect(result).toMatchObject({ outcome: 'recorded', messageKey: 'job-1-received' });
    expect(world.transactions.rows.at(-1)?.eventKey).toBe('dlr-part-2-id-delivered');
  });

  it('notes a failed feedback SMS with its error code and no phone number', async () => {
    const world = await openedWorld();
    await closeJobIn(world, 1);
    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-3', status: 'failed', 'err-code': '6' }));

    const row = world.transactions.rows.at(-1)!;
    expect(row).toMatchObject({ status: 'CLOSED', eventKey: 'dlr-vonage-3-failed', note: 'Feedback SMS failed (error 6)' });
    expect(world.notificationLog.deliveries.get('job-1-closed')).toEqual({ status: 'failed', errorCode: '6', deliveredAt: null });
    expect(world.documents.docs.get('1')?.sms.feedback).toMatchObject({ delivery: { status: 'failed', errorCode: '6' } });
    expect(world.documents.docs.get('1')?.sms.courtesy).not.toHaveProperty('delivery');
    for (const r of world.transactions.rows) expect(r.note).not.toMatch(/7770|123456/);
  });

  it('keeps a final status when an intermediate receipt arrives after it, but still logs the receipt', async () => {
    const world = await openedWorld();
    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'delivered' }));
    const result = await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'accepted' }));

    expect(result).toMatchObject({ deliveryStatus: 'delivered' });
    expect(world.notificationLog.deliveries.get('job-1-received')?.status).toBe('delivered');
    expect(world.documents.docs.get('1')?.sms.courtesy).toMatchObject({ delivery: { status: 'delivered' } });
    expect(world.transactions.rows.filter((r) => r.eventKey.startsWith('dlr-')).map((r) => r.eventKey)).toEqual([
      'dlr-vonage-1-delivered',
      'dlr-vonage-1-accepted',
    ]);
  });

  it('moves an intermediate status on to a final one', async () => {
    const world = await openedWorld();
    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'buffered', 'err-code': '0' }));
    expect(world.notificationLog.deliveries.get('job-1-received')).toMatchObject({ status: 'buffered', deliveredAt: null });
    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'expired', 'err-code': '2' }));
    expect(world.notificationLog.deliveries.get('job-1-received')).toMatchObject({ status: 'expired', errorCode: '2' });
    expect(world.transactions.rows.at(-1)?.note).toBe('Courtesy SMS expired before it could be delivered (error 2)');
  });

  it('does not overwrite a final status that a concurrent receipt stored first', async () => {
    const world = await openedWorld();
    const racing: NotificationLog = Object.create(world.notificationLog, {
      recordDelivery: {
        value: async (key: string, expected: DeliveryOutcome | null, delivery: Delivery) => {
          if (expected === null) await world.notificationLog.recordDelivery(key, null, { outcome: { kind: 'delivered' }, errorCode: '0', deliveredAt: new Date() });
          return world.notificationLog.recordDelivery(key, expected, delivery);
        },
      },
    });
    await recordDeliveryReceipt({ ...world.receiptDeps, notificationLog: racing }, receipt({ messageId: 'vonage-1', status: 'accepted' }));
    expect(world.notificationLog.deliveries.get('job-1-received')?.status).toBe('delivered');
  });

  it('settles a send interrupted by a crash as sent once a receipt shows Vonage had it', async () => {
    const world = await openedWorld([]);
    world.clientJobs.add(clientJob(1));
    await world.poll();
    await expect(world.deliverDue({ gateway: crashAfter(world.gateway, 'send') })).rejects.toBeInstanceOf(InjectedCrash);
    world.clock.advance(6 * 60_000);
    await world.deliverDue();
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'unknown', providerMessageId: null });
    expect(world.gateway.sent).toHaveLength(1);

    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'delivered', 'client-ref': 'job-1-received' }));

    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', providerMessageId: 'vonage-1', price: '0.033' });
    expect(world.documents.docs.get('1')?.sms.courtesy).toMatchObject({
      state: 'sent',
      providerMessageId: 'vonage-1',
      note: expect.stringContaining('Courtesy SMS sent to ***456 via vonage-sms (provider message vonage-1'),
      delivery: { status: 'delivered' },
    });
    expect(world.transactions.rows.at(-1)?.note).toBe(
      'Courtesy SMS delivered; its interrupted send is now known to have reached Vonage (message vonage-1)',
    );
    // the later receipt finds it by its Vonage id now
    expect(await world.notificationLog.findByProviderMessageId('vonage-1')).toMatchObject({ messageKey: 'job-1-received' });
    expect(world.gateway.sent).toHaveLength(1);
  });

  it('settles a send whose sender has not recorded the answer yet once a receipt shows Vonage had it', async () => {
    const world = await openedWorld([]);
    world.clientJobs.add(clientJob(1));
    await world.poll();
    await expect(world.deliverDue({ gateway: crashAfter(world.gateway, 'send') })).rejects.toBeInstanceOf(InjectedCrash);
    expect(world.notificationLog.entries.get('job-1-received')?.state).toBe('sending');

    await recordDeliveryReceipt(world.receiptDeps, receipt({ messageId: 'vonage-1', status: 'delivered', 'client-ref': 'job-1-received' }));
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'sent', providerMessageId: 'vonage-1' });
    expect(await world.deliverDue()).toEqual(['already-settled']);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(world.gateway.sent).toHaveLength(1);
  });

  it('finishes the job when Vonage retries a receipt whose first delivery crashed half-way', async () => {
    const world = await openedWorld();
    const dlr = receipt({ messageId: 'vonage-1', status: 'delivered' });
    await expect(recordDeliveryReceipt({ ...world.receiptDeps, notificationLog: crashAfter(world.notificationLog, 'recordDelivery') }, dlr)).rejects.toBeInstanceOf(InjectedCrash);
    expect(world.transactions.rows.some((r) => r.eventKey === 'dlr-vonage-1-delivered')).toBe(false);

    await recordDeliveryReceipt(world.receiptDeps, dlr);
    expect(world.transactions.rows.filter((r) => r.eventKey === 'dlr-vonage-1-delivered')).toHaveLength(1);
    expect(world.documents.docs.get('1')?.sms.courtesy).toMatchObject({ delivery: { status: 'delivered' } });
  });

  it('leaves the summary of another SMS in the same slot alone', async () => {
    const world = await openedWorld();
    const doc = world.documents.docs.get('1')!;
    const entry = (await world.notificationLog.getWithDelivery('job-1-received'))!;
    const other = { ...entry, jobId: 1, kind: 'job-received' as const, messageKey: 'job-1-received-old', delivery: { outcome: { kind: 'undelivered' as const, reason: 'failed' as const }, errorCode: '6', deliveredAt: null } };
    expect(withDeliverySummary(doc, other, world.clock.now())).toBe(doc);
  });
});
