import type { RowDataPacket } from 'mysql2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MysqlPaymentFlags } from '../../src/adapters/mysql/paymentFlags.js';
import { stripePaymentId } from '../../src/adapters/stripe/paymentIds.js';
import { provideRelay } from '../../src/processRelay.js';
import {
  checkoutSessionObject,
  paymentIntentObject,
  refundedChargeObject,
  stripeEvent,
  stripeObjectId,
  stripeSignature,
  type PaymentFields,
} from '../../scripts/stripeEvents.js';
import { callHttpFunction, type CallResult } from '../support/http.js';
import { clientStatus, jobTransRows } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { stackJobs } from '../support/stackJobs.js';
import '../../src/functions/payments/stripeWebhook.js';

const SECRET = 'whsec_test_9f3bq8LkdIwHu7ixT1u2v3w4x5y6z7A8';

/** POST /api/payments/stripe end to end: Stripe-signed events against MariaDB, Cosmos and the Vonage SDK. */
describe('POST /api/payments/stripe', () => {
  let stack: RealStack;
  let flags: MysqlPaymentFlags;
  let deliverDue: () => Promise<void>;
  let jobIn: (status: string) => Promise<number>;

  /** Stripe sends its events pretty-printed; the signature covers exactly these bytes. */
  function bodyOf(event: Record<string, unknown>): string {
    return JSON.stringify(event, null, 2);
  }

  function deliver(body: string, signing: { secret?: string; timestamp?: number; header?: string | null } = {}): Promise<CallResult> {
    const header = signing.header === undefined ? stripeSignature(body, signing.secret ?? SECRET, signing.timestamp) : signing.header;
    return callHttpFunction('stripeWebhook', 'POST', { body, headers: header === null ? {} : { 'stripe-signature': header } });
  }

  const send = (event: Record<string, unknown>) => deliver(bodyOf(event));

  function payment(jobId: number | null, overrides: Partial<PaymentFields> = {}): PaymentFields {
    return { paymentIntentId: stripeObjectId('pi'), amount: 4550, currency: 'gbp', jobId: jobId === null ? null : String(jobId), ...overrides };
  }

  async function paymentRows(jobId: number): Promise<RowDataPacket[]> {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT payment_id, amount, currency FROM payments WHERE Job_id = ?', [jobId]);
    return rows;
  }

  async function flagRows(eventId: string): Promise<RowDataPacket[]> {
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT * FROM payment_flags WHERE event_id = ?', [eventId]);
    return rows;
  }

  /** Everything an event could have written for a job: payments, job_trans, the document's payments and refunds. */
  async function writtenFor(jobId: number) {
    const doc = await stack.documents.get(jobId);
    return { payments: await paymentRows(jobId), trans: await jobTransRows(stack.ledger.pool, jobId), docPayments: doc?.payments, refunds: doc?.refunds };
  }

  beforeAll(async () => {
    stack = await startRealStack({ STRIPE_WEBHOOK_SECRET: SECRET });
    ({ deliverDue, jobIn } = stackJobs(stack));
    flags = new MysqlPaymentFlags(stack.ledger.pool);
  });
  beforeEach(() => provideRelay(async () => stack.relay));
  afterAll(async () => stack?.stop());

  it('records a payment signed by Stripe\'s library and closes the completed job, exactly once', async () => {
    const jobId = await jobIn('JOB COMPLETED');
    const fields = payment(jobId);
    const event = stripeEvent('payment_intent.succeeded', paymentIntentObject(fields));
    const response = await send(event);
    const paymentId = stripePaymentId({ paymentIntent: fields.paymentIntentId });
    expect(response).toMatchObject({ status: 201, body: { eventId: event.id, status: 'recorded', paymentId, jobId, closure: 'started' } });
    await deliverDue();
    // Stripe delivers the same event again (a retry carries a fresh signature over the same body).
    expect(await send(event)).toMatchObject({ status: 200, body: { status: 'duplicate', paymentId } });
    await deliverDue();

    expect(stack.sandbox.sent.filter((s) => s.clientRef === `job-${jobId}-closed`)).toHaveLength(1);
    expect(await clientStatus(stack.client.pool, jobId)).toBe('CLOSED');
    expect(await stack.documents.get(jobId)).toMatchObject({ job_status: 'CLOSED', payments: [{ payment_id: paymentId, amount: '45.500', currency: 'GBP' }] });
    expect(await paymentRows(jobId)).toEqual([{ payment_id: paymentId, amount: '45.500', currency: 'GBP' }]);
    const trans = await jobTransRows(stack.ledger.pool, jobId);
    expect(trans.filter((r) => r.event_key === `payment-${paymentId}`)).toHaveLength(1);
    expect(trans.at(-1)).toMatchObject({ Job_status: 'CLOSED' });
  });

  it('answers a duplicate delivery with 200 and writes nothing more', async () => {
    const jobId = await jobIn('IN PROGRESS');
    const body = bodyOf(stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId))));
    expect(await deliver(body)).toMatchObject({ status: 201, body: { status: 'recorded', closure: 'not-completed' } });
    const before = await writtenFor(jobId);
    expect(await deliver(body)).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await writtenFor(jobId)).toEqual(before);
    expect(before.payments).toHaveLength(1);
  });

  it('records both events of one Checkout payment as one payment, in either order', async () => {
    const first = await jobIn('IN PROGRESS');
    const one = payment(first);
    expect(await send(stripeEvent('payment_intent.succeeded', paymentIntentObject(one)))).toMatchObject({ status: 201, body: { status: 'recorded' } });
    expect(await send(stripeEvent('checkout.session.completed', checkoutSessionObject(one)))).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await paymentRows(first)).toHaveLength(1);
    expect((await stack.documents.get(first))?.payments).toHaveLength(1);

    // Session first; the payment intent carries no metadata (the checkout set it on the session only).
    const second = await jobIn('IN PROGRESS');
    const two = payment(second);
    expect(await send(stripeEvent('checkout.session.completed', checkoutSessionObject(two)))).toMatchObject({ status: 201, body: { status: 'recorded', jobId: second } });
    const late = stripeEvent('payment_intent.succeeded', paymentIntentObject({ ...two, jobId: null }));
    expect(await send(late)).toMatchObject({ status: 200, body: { status: 'duplicate', jobId: second } });
    expect(await paymentRows(second)).toHaveLength(1);
    expect(await flagRows(late.id as string)).toEqual([]);
  });

  it('records ten concurrent copies of one event as one payment and one feedback SMS', async () => {
    const jobId = await jobIn('JOB COMPLETED');
    const body = bodyOf(stripeEvent('checkout.session.completed', checkoutSessionObject(payment(jobId))));
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(body)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    await deliverDue();
    expect(await paymentRows(jobId)).toHaveLength(1);
    expect((await stack.documents.get(jobId))?.payments).toHaveLength(1);
    expect((await jobTransRows(stack.ledger.pool, jobId)).filter((r) => r.event_key.startsWith('payment-'))).toHaveLength(1);
    expect(stack.sandbox.sent.filter((s) => s.clientRef === `job-${jobId}-closed`)).toHaveLength(1);
    expect(await clientStatus(stack.client.pool, jobId)).toBe('CLOSED');
  });

  it.each([
    ['JPY, a zero-decimal currency', 4500, 'jpy', '4500.000', 'JPY'],
    ['KWD, a three-decimal currency', 12340, 'kwd', '12.340', 'KWD'],
    ['ISK, two-decimal at Stripe though ISO 4217 gives it none', 150000, 'isk', '1500.000', 'ISK'],
  ])('converts %s exactly', async (_case, amount, currency, expected, code) => {
    const jobId = await jobIn('IN PROGRESS');
    expect(await send(stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId, { amount, currency }))))).toMatchObject({ status: 201 });
    expect(await paymentRows(jobId)).toEqual([expect.objectContaining({ amount: expected, currency: code })]);
    expect((await stack.documents.get(jobId))?.payments).toEqual([expect.objectContaining({ amount: expected, currency: code })]);
  });

  describe('refuses what Stripe did not sign, with 400, writing nothing', () => {
    it.each([
      ['signed with another secret', { secret: 'whsec_not_the_endpoint_secret' }, 'No signatures found matching the expected signature for payload'],
      ['signed ten minutes ago (stale)', { timestamp: Math.floor(Date.now() / 1000) - 600 }, 'Timestamp outside the tolerance zone'],
      ['without Stripe-Signature', { header: null }, 'Stripe-Signature header is missing'],
      ['with a malformed Stripe-Signature', { header: 'v1=abc' }, 'Unable to extract timestamp and signatures from header'],
    ])('an event %s', async (_case, signing, detail) => {
      const jobId = await jobIn('JOB COMPLETED');
      const before = await writtenFor(jobId);
      const event = stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId)));
      const response = await deliver(bodyOf(event), signing);
      expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { status: 400, detail: expect.stringContaining(detail) } });
      expect(await writtenFor(jobId)).toEqual(before);
      expect(await flagRows(event.id as string)).toEqual([]);
    });

    it('a body changed after signing, or re-serialised', async () => {
      const jobId = await jobIn('JOB COMPLETED');
      const before = await writtenFor(jobId);
      const body = bodyOf(stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId))));
      const header = stripeSignature(body, SECRET);
      const tampered = body.replace('"amount_received": 4550', '"amount_received": 455000');
      expect(tampered).not.toBe(body);
      for (const sent of [tampered, JSON.stringify(JSON.parse(body))]) {
        expect(await deliver(sent, { header })).toMatchObject({ status: 400, body: { detail: expect.stringContaining('could not be verified') } });
      }
      expect(await writtenFor(jobId)).toEqual(before);
    });

    it('a signed event of a handled type that cannot be read (a fractional amount), naming the field', async () => {
      const jobId = await jobIn('JOB COMPLETED');
      const before = await writtenFor(jobId);
      const response = await send(stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId, { amount: 45.5 }))));
      expect(response).toMatchObject({ status: 400, body: { detail: expect.stringContaining('data.object.amount_received') } });
      expect(await writtenFor(jobId)).toEqual(before);
    });
  });

  it('answers 200 to other event types and to unpaid sessions, and ignores them', async () => {
    const jobId = await jobIn('JOB COMPLETED');
    const before = await writtenFor(jobId);
    const other = stripeEvent('payment_intent.created', { ...paymentIntentObject(payment(jobId)), status: 'requires_payment_method', amount_received: 0 });
    expect(await send(other)).toMatchObject({ status: 200, body: { status: 'ignored', reason: 'event type payment_intent.created is not one Repair Relay acts on' } });
    const unpaid = stripeEvent('checkout.session.completed', checkoutSessionObject({ ...payment(jobId), paymentStatus: 'unpaid' }));
    expect(await send(unpaid)).toMatchObject({ status: 200, body: { status: 'ignored', reason: expect.stringContaining('payment_status unpaid') } });
    expect(await writtenFor(jobId)).toEqual(before);
    expect([...(await flagRows(other.id as string)), ...(await flagRows(unpaid.id as string))]).toEqual([]);
  });

  it('flags a payment without metadata.jobId or for an unknown job once, with 200, and lists it for staff', async () => {
    const missing = stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(null)));
    expect(await send(missing)).toMatchObject({ status: 200, body: { status: 'flagged', reason: 'metadata.jobId is missing' } });
    expect(await send(missing)).toMatchObject({ status: 200, body: { status: 'flagged' } });
    const unknown = stripeEvent('checkout.session.completed', checkoutSessionObject(payment(987654)));
    expect(await send(unknown)).toMatchObject({ status: 200, body: { status: 'flagged', reason: 'job 987654 is not known to Repair Relay' } });
    const notAnId = stripeEvent('payment_intent.succeeded', paymentIntentObject({ ...payment(null), jobId: 'JOB-12' }));
    expect(await send(notAnId)).toMatchObject({ status: 200, body: { status: 'flagged', reason: 'metadata.jobId "JOB-12" is not a job id' } });

    expect(await flagRows(missing.id as string)).toHaveLength(1);
    const open = await flags.open();
    const ours = open.filter((f) => [missing.id, unknown.id, notAnId.id].includes(f.eventId));
    expect(ours).toHaveLength(3);
    expect(ours).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'payment', eventId: missing.id, eventType: 'payment_intent.succeeded', jobReference: null, amount: '45.500', currency: 'GBP' }),
        expect.objectContaining({ eventId: unknown.id, eventType: 'checkout.session.completed', jobReference: '987654' }),
        expect.objectContaining({ eventId: notAnId.id, jobReference: 'JOB-12' }),
      ]),
    );
    const [[counted]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM payments WHERE Job_id = 987654');
    expect(Number(counted?.n)).toBe(0);
  });

  it('records a refund on the job without reopening it, once per charge and refunded total', async () => {
    const jobId = await jobIn('JOB COMPLETED');
    const fields = payment(jobId, { chargeId: stripeObjectId('ch') });
    await send(stripeEvent('payment_intent.succeeded', paymentIntentObject(fields)));
    await deliverDue();
    expect(await clientStatus(stack.client.pool, jobId)).toBe('CLOSED');

    // The charge carries no metadata: the refund is placed through the payment intent.
    const refund = (amountRefunded: number) =>
      stripeEvent('charge.refunded', refundedChargeObject({ ...fields, jobId: null, chargeId: fields.chargeId!, amountRefunded }));
    const partial = refund(1000);
    expect(await send(partial)).toMatchObject({ status: 200, body: { status: 'refund-recorded', jobId, chargeId: fields.chargeId } });
    const afterPartial = await writtenFor(jobId);
    expect(await send(partial)).toMatchObject({ status: 200, body: { status: 'refund-recorded' } });
    expect(await writtenFor(jobId)).toEqual(afterPartial);
    expect(await send(refund(4550))).toMatchObject({ status: 200, body: { status: 'refund-recorded' } });
    // An older event delivered late changes nothing.
    expect(await send(partial)).toMatchObject({ status: 200 });

    const doc = await stack.documents.get(jobId);
    expect(doc).toMatchObject({
      job_status: 'CLOSED',
      refunds: [{ charge_id: fields.chargeId, payment_id: stripePaymentId({ paymentIntent: fields.paymentIntentId }), amount_refunded: '45.500', currency: 'GBP', fully_refunded: true }],
    });
    const refunds = (await jobTransRows(stack.ledger.pool, jobId)).filter((r) => r.event_key.startsWith('refund-'));
    expect(refunds.map((r) => [r.Job_status, r.event_key])).toEqual([
      ['CLOSED', `refund-${fields.chargeId}-10.000`],
      ['CLOSED', `refund-${fields.chargeId}-45.500`],
    ]);
    expect(await clientStatus(stack.client.pool, jobId)).toBe('CLOSED');
    expect(await paymentRows(jobId)).toHaveLength(1);
  });

  it('flags a refund of a payment it never recorded, and keeps it listed', async () => {
    const event = stripeEvent('charge.refunded', refundedChargeObject({ ...payment(null), chargeId: stripeObjectId('ch'), amountRefunded: 4550 }));
    expect(await send(event)).toMatchObject({ status: 200, body: { status: 'flagged', reason: expect.stringContaining('refund of a payment Repair Relay has not recorded') } });
    expect((await flags.open()).filter((f) => f.eventId === event.id)).toEqual([expect.objectContaining({ kind: 'refund', amount: '45.500' })]);
  });

  it('answers 503 when STRIPE_WEBHOOK_SECRET is not set, writing nothing', async () => {
    provideRelay(async () => ({ ...stack.relay, config: { ...stack.relay.config, STRIPE_WEBHOOK_SECRET: undefined } }));
    const jobId = await jobIn('JOB COMPLETED');
    const before = await writtenFor(jobId);
    const response = await send(stripeEvent('payment_intent.succeeded', paymentIntentObject(payment(jobId))));
    expect(response).toMatchObject({ status: 503, contentType: 'application/problem+json', body: { detail: expect.stringContaining('STRIPE_WEBHOOK_SECRET') } });
    expect(await writtenFor(jobId)).toEqual(before);
  });
});
