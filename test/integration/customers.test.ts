import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MysqlClientJobs } from '../../src/adapters/mysql/clientJobs.js';
import { MysqlCustomers } from '../../src/adapters/mysql/customers.js';
import { MysqlJobTracking } from '../../src/adapters/mysql/jobTracking.js';
import { MysqlJobTransactions } from '../../src/adapters/mysql/jobTransactions.js';
import { MysqlPayments } from '../../src/adapters/mysql/payments.js';
import { MysqlPollCheckpoints } from '../../src/adapters/mysql/pollCheckpoints.js';
import { MysqlNotificationLog } from '../../src/adapters/mysql/notificationLog.js';
import { pollSettings } from '../../src/modules/jobs.js';
import { provideRelay } from '../../src/processRelay.js';
import { loadConfig } from '../../src/config.js';
import { pollDepsOf, wireJobsArea, type JobsAreaPorts } from '../../src/domain/jobs/jobServices.js';
import { pollClientJobs, type PollDeps } from '../../src/domain/jobs/pollClientJobs.js';
import { crashAfter, isInjectedCrash } from '../kit/crash.js';
import { FakeMessageStats } from '../contracts/stats/messageStats.fake.js';
import { MemoryLogger } from '../kit/logger.js';
import { testPhoneKeys } from '../kit/phoneKeys.js';
import { callHttpFunction } from '../support/http.js';
import { insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/customers/createCustomer.js';
import '../../src/functions/customers/getCustomer.js';
import '../../src/functions/customers/nextSendTime.js';
import '../../src/functions/customers/replaceSubscriptions.js';
import '../../src/functions/customers/updateCustomer.js';
import '../../src/functions/feedback/vonageInboundSms.js';

const send = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body));
const create = (body: unknown) => callHttpFunction('createCustomer', 'POST', { body: send(body) });
const read = (customerId: number | string) => callHttpFunction('getCustomer', 'GET', { params: { customerId: String(customerId) } });
const patch = (customerId: number | string, body: unknown) => callHttpFunction('updateCustomer', 'PATCH', { params: { customerId: String(customerId) }, body: send(body) });
const putSubscriptions = (customerId: number | string, body: unknown) =>
  callHttpFunction('replaceCustomerSubscriptions', 'PUT', { params: { customerId: String(customerId) }, body: send(body) });

let nextMobile = 100000;
/** A fresh GB mobile as staff would type it, and its E.164 form. */
function freshMobile(): { typed: string; e164: string } {
  const digits = String(nextMobile++);
  return { typed: `07770 ${digits}`, e164: `+447770${digits}` };
}

/** Customers API, ingestion and STOP end to end: the function files over the composition root's relay and real MariaDB. */
describe('customers', () => {
  let stack: RealStack;

  const ledgerRows = async () => {
    const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM customer_subscriptions) AS subscriptions,
              (SELECT MAX(updated_at) FROM customers) AS changed`,
    );
    return { customers: Number(row?.customers), subscriptions: Number(row?.subscriptions), changed: String(row?.changed) };
  };

  beforeAll(async () => {
    stack = await startRealStack({ BUSINESS_HOURS: 'Mon-Sat 08:00-20:00' }); // DESIGN.md's default hours: contact windows are checked against them
  });
  beforeEach(() => provideRelay(async () => stack.relay));
  afterAll(async () => stack?.stop());

  it('creates, reads, patches and replaces subscriptions', async () => {
    const mobile = freshMobile();
    const created = await create({ name: 'Amira Khan', mobile: mobile.typed, email: 'amira@example.com' });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'Amira Khan', mobile: mobile.e164, email: 'amira@example.com', timezone: null, contactHours: null, subscriptions: [{ channel: 'sms' }], jobIds: [] },
    });
    const customerId = created.body.customerId as number;
    expect(Number.isInteger(customerId) && customerId > 0).toBe(true);
    expect(await read(customerId)).toEqual({ status: 200, contentType: expect.stringMatching(/json/), body: created.body });

    const hours = [{ days: ['Mon', 'Tue'], from: '18:00', to: '08:00' }];
    const patched = await patch(customerId, { timezone: 'America/New_York', contactHours: hours, email: null, name: ' Amira K ' });
    expect(patched).toMatchObject({ status: 200, body: { customerId, name: 'Amira K', email: null, timezone: 'America/New_York', contactHours: hours, mobile: mobile.e164 } });

    const subscriptions = [{ channel: 'email', address: 'work@example.com' }, { channel: 'whatsapp' }, { channel: 'sms' }];
    expect(await putSubscriptions(customerId, { subscriptions })).toMatchObject({
      status: 200,
      body: { subscriptions: [{ channel: 'sms' }, { channel: 'whatsapp' }, { channel: 'email', address: 'work@example.com' }] },
    });
    expect(await putSubscriptions(customerId, { subscriptions: [] })).toMatchObject({ status: 200, body: { subscriptions: [] } });
    expect((await read(customerId)).body).toMatchObject({ name: 'Amira K', subscriptions: [], contactHours: hours });
    // Without a mobile, a new customer is subscribed to nothing.
    expect(await create({ name: 'No Phone' })).toMatchObject({ status: 201, body: { mobile: null, subscriptions: [] } });
  });

  it('answers 409 naming the customer that has the mobile, on create and on patch, and writes nothing', async () => {
    const mobile = freshMobile();
    const owner = (await create({ name: 'Owner', mobile: mobile.e164 })).body.customerId as number;
    const other = (await create({ name: 'Other' })).body.customerId as number;
    const before = await ledgerRows();

    const conflict = await create({ name: 'Copy', mobile: mobile.typed });
    expect(conflict).toMatchObject({ status: 409, contentType: 'application/problem+json', body: { customerId: owner } });
    expect(conflict.body.detail).toContain(`customer ${owner}`);
    expect(await patch(other, { mobile: `+44 ${mobile.typed.slice(1)}`, name: 'Changed' })).toMatchObject({ status: 409, body: { customerId: owner } });
    expect(await ledgerRows()).toEqual(before);
    expect((await read(other)).body).toMatchObject({ name: 'Other', mobile: null });
    // A customer may keep its own mobile.
    expect(await patch(owner, { mobile: mobile.typed })).toMatchObject({ status: 200 });
  });

  it('lets one of two concurrent creates of the same mobile win; the other gets 409 naming it', async () => {
    const mobile = freshMobile();
    const answers = await Promise.all([create({ name: 'A', mobile: mobile.typed }), create({ name: 'B', mobile: mobile.e164 })]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = answers.find((a) => a.status === 201)!.body.customerId;
    expect(answers.find((a) => a.status === 409)!.body.customerId).toBe(winner);
    const [[row]] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM customers WHERE mobile_e164 = ?', [mobile.e164]);
    expect(Number(row?.n)).toBe(1);
  });

  describe('bad input writes nothing', () => {
    let customerId: number;
    const mobile = freshMobile();
    beforeAll(async () => {
      provideRelay(async () => stack.relay);
      customerId = (await create({ name: 'Target', mobile: mobile.typed })).body.customerId as number;
    });

    const cases: Array<[string, () => ReturnType<typeof create>, number]> = [
      ['malformed JSON', () => create('{"name": '), 400],
      ['a body that is an array', () => create([{ name: 'x' }]), 400],
      ['no name', () => create({ mobile: '07770 999999' }), 400],
      ['a numeric name', () => create({ name: 5 }), 400],
      ['an unknown member', () => create({ name: 'x', customerId: 5 }), 400],
      ['an empty name', () => create({ name: ' ' }), 422],
      ['a 201-character name', () => create({ name: 'x'.repeat(201) }), 422],
      ['a name with a line break (log or header injection)', () => create({ name: 'Amira\r\nSet-Cookie: x' }), 422],
      ['a name with NUL', () => create({ name: 'Amira\u0000Khan' }), 422],
      ['a name with a right-to-left override', () => create({ name: 'Amira \u202Egnp.exe' }), 422],
      ['a name with a lone surrogate', () => create({ name: 'Amira \uD800' }), 422],
      ['patch: a name with a tab', () => patch(customerId, { name: 'Amira\tKhan' }), 422],
      ['an invalid mobile', () => create({ name: 'x', mobile: '12345' }), 422],
      ['a landline', () => create({ name: 'x', mobile: '020 7946 0018' }), 422],
      ['an invalid email', () => create({ name: 'x', email: 'not-an-email' }), 422],
      ['an unknown time zone', () => create({ name: 'x', timezone: 'Mars/Olympus' }), 422],
      ['bad contact hours', () => create({ name: 'x', contactHours: [{ days: ['Mon'], from: '09:00', to: '09:00' }] }), 422],
      ['contact hours that are not a list', () => create({ name: 'x', contactHours: 'weekdays' }), 400],
      ['an unknown channel', () => create({ name: 'x', mobile: '07770 999998', subscriptions: [{ channel: 'pigeon' }] }), 422],
      ['sms without a mobile', () => create({ name: 'x', subscriptions: [{ channel: 'sms' }] }), 422],
      ['email without any address', () => create({ name: 'x', subscriptions: [{ channel: 'email' }] }), 422],
      ['patch: a bad id', () => patch('abc', { name: 'x' }), 400],
      ['patch: id zero', () => patch('0', { name: 'x' }), 400],
      ['patch: a null name', () => patch(customerId, { name: null }), 400],
      ['patch: clearing the mobile of an sms subscriber', () => patch(customerId, { mobile: null, name: 'Changed' }), 422],
      ['patch: an unknown customer', () => patch(999_999_999, { name: 'x' }), 404],
      ['subscriptions: a channel twice', () => putSubscriptions(customerId, { subscriptions: [{ channel: 'sms' }, { channel: 'sms' }] }), 422],
      ['subscriptions: a bad email address', () => putSubscriptions(customerId, { subscriptions: [{ channel: 'email', address: 'x@' }] }), 422],
      ['subscriptions: email without an address on a customer without email', () => putSubscriptions(customerId, { subscriptions: [{ channel: 'email' }] }), 422],
      ['subscriptions: missing list', () => putSubscriptions(customerId, {}), 400],
      ['subscriptions: an unknown customer', () => putSubscriptions(999_999_999, { subscriptions: [] }), 404],
    ];
    it.each(cases)('%s', async (_, call, status) => {
      const before = await ledgerRows();
      const response = await call();
      expect(response.status).toBe(status);
      expect(response.contentType).toBe('application/problem+json');
      expect(typeof response.body.detail).toBe('string');
      expect(await ledgerRows()).toEqual(before);
      expect((await read(customerId)).body).toMatchObject({ name: 'Target', mobile: mobile.e164, subscriptions: [{ channel: 'sms' }] });
    });

    it('GET answers 400 for a bad id and 404 for an unknown customer', async () => {
      expect((await read('-1')).status).toBe(400);
      expect((await read('1.5')).status).toBe(400);
      expect((await read(999_999_999)).status).toBe(404);
    });
  });

  describe('ingestion', () => {
    const pollDeps = (overrides: Partial<JobsAreaPorts> = {}): PollDeps => {
      const ledger = stack.ledger.pool;
      const ports = {
        clientJobs: new MysqlClientJobs(stack.client.pool),
        documents: stack.documents,
        transactions: new MysqlJobTransactions(ledger),
        notificationLog: new MysqlNotificationLog(ledger),
        tracking: new MysqlJobTracking(ledger),
        payments: new MysqlPayments(ledger),
        customers: new MysqlCustomers(ledger),
        stats: new FakeMessageStats(),
        queue: stack.queue,
        phoneKeys: testPhoneKeys,
        clock: { now: () => new Date() },
        logger: new MemoryLogger(),
        ...overrides,
      };
      const settings = pollSettings(loadConfig(stack.env, { localHost: true }));
      return pollDepsOf(wireJobsArea(ports, settings), { ...ports, checkpoints: new MysqlPollCheckpoints(ledger) }, settings);
    };
    const customerOfMobile = async (e164: string) => {
      const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT customer_id, name FROM customers WHERE mobile_e164 = ?', [e164]);
      return rows.map((row) => ({ customerId: Number(row.customer_id), name: String(row.name) }));
    };

    it('creates one customer for two jobs with the same mobile, with both job ids, sms only, customer_id on the documents', async () => {
      const mobile = freshMobile();
      await insertClientJobs(stack.client.pool, [
        { id: 501, mobile: mobile.typed, firstName: 'Gareth' },
        { id: 502, mobile: mobile.e164, firstName: 'Someone' },
        { id: 503, mobile: null },
      ]);
      await stack.relay.pollClientJobs();
      const [customer, ...more] = await customerOfMobile(mobile.e164);
      expect(more).toEqual([]);
      expect(customer?.name).toBe('Gareth Bloggs');
      expect((await read(customer!.customerId)).body).toMatchObject({ subscriptions: [{ channel: 'sms' }], jobIds: [501, 502] });
      expect((await stack.documents.get(501))?.customer_id).toBe(customer!.customerId);
      expect((await stack.documents.get(502))?.customer_id).toBe(customer!.customerId);
      expect((await stack.documents.get(503))?.customer_id).toBeNull();
    });

    it.each(['findOrCreateByMobiles', 'linkJobs'] as const)('re-ingests after a crash right after %s without a second customer', async (method) => {
      const mobile = freshMobile();
      const first = method === 'linkJobs' ? 611 : 601;
      await insertClientJobs(stack.client.pool, [{ id: first, mobile: mobile.typed }, { id: first + 1, mobile: mobile.typed }]);
      const customers = crashAfter(new MysqlCustomers(stack.ledger.pool), method);
      await expect(pollClientJobs(pollDeps({ customers }))).rejects.toSatisfy(isInjectedCrash);
      await pollClientJobs(pollDeps());
      const found = await customerOfMobile(mobile.e164);
      expect(found).toHaveLength(1);
      expect((await read(found[0]!.customerId)).body).toMatchObject({ jobIds: [first, first + 1], subscriptions: [{ channel: 'sms' }] });
      const [subs] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT channel FROM customer_subscriptions WHERE customer_id = ?', [found[0]!.customerId]);
      expect(subs.map((s) => s.channel)).toEqual(['sms']);
      expect((await stack.documents.get(first))?.customer_id).toBe(found[0]!.customerId);
    });
  });

  it('an inbound STOP unsubscribes that number from sms, answers 200', async () => {
    const mobile = freshMobile();
    const customerId = (await create({ name: 'Stopper', mobile: mobile.typed, email: 's@example.com', subscriptions: [{ channel: 'sms' }, { channel: 'email' }] })).body
      .customerId as number;
    const form = new URLSearchParams({ msisdn: mobile.e164.slice(1), to: '447700900000', messageId: 'stop-1', text: ' Stop ', type: 'text' }).toString();
    const response = await callHttpFunction('vonageInboundSms', 'POST', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response).toMatchObject({ status: 200, body: { messageId: 'stop-1', status: 'unsubscribed' } });
    expect((await read(customerId)).body).toMatchObject({ subscriptions: [{ channel: 'email' }] });
  });

  describe('contact windows (business Mon-Sat 08:00-20:00 Europe/London, the default)', () => {
    const nextSendTime = (customerId: number | string, at: string) =>
      callHttpFunction('customerNextSendTime', 'GET', { params: { customerId: String(customerId) }, query: { at } });

    it('refuses contact hours that never meet the business hours with 422, writing nothing', async () => {
      const response = await callHttpFunction('createCustomer', 'POST', {
        body: JSON.stringify({ name: 'Sunday Only', mobile: '07770 400401', contactHours: [{ days: ['Sun'], from: '10:00', to: '12:00' }] }),
      });
      expect(response).toMatchObject({ status: 422, contentType: 'application/problem+json', body: { detail: expect.stringContaining('never overlap') } });
      const [rows] = await stack.ledger.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM customers WHERE mobile_e164 = '+447770400401'");
      expect(Number(rows[0]?.n)).toBe(0);
    });

    it('answers when a message due at a given instant would go out, in the customer zone, without side effects', async () => {
      const created = await callHttpFunction('createCustomer', 'POST', {
        body: JSON.stringify({ name: 'Evenings NY', mobile: '07770 400402', timezone: 'America/New_York', contactHours: [{ days: ['Mon'], from: '09:00', to: '17:00' }] }),
      });
      expect(created.status).toBe(201);
      const { customerId } = created.body as { customerId: number };
      // Monday 30 Nov 2026: New York opens 09:00 EST = 14:00 UTC; London closes 20:00 GMT.
      expect(await nextSendTime(customerId, '2026-11-30T10:00:00Z')).toMatchObject({
        status: 200,
        body: { at: '2026-11-30T10:00:00.000Z', sendAt: '2026-11-30T14:00:00.000Z', immediate: false },
      });
      expect(await nextSendTime(customerId, '2026-11-30T15:30:00+00:00')).toMatchObject({ status: 200, body: { sendAt: '2026-11-30T15:30:00.000Z', immediate: true } });
      // London's 20:00 closes the window before New York's 17:00 (22:00 UTC): the next Monday at 14:00 UTC.
      expect(await nextSendTime(customerId, '2026-11-30T20:00:00Z')).toMatchObject({ status: 200, body: { sendAt: '2026-12-07T14:00:00.000Z', immediate: false } });
      const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT updated_at, created_at FROM customers WHERE customer_id = ?', [customerId]);
      expect(rows[0]?.updated_at).toEqual(rows[0]?.created_at);
    });

    it.each([
      ['a missing instant', {}],
      ['a date without a time', { at: '2026-11-30' }],
      ['a time without an offset', { at: '2026-11-30T10:00:00' }],
      ['an unknown parameter', { at: '2026-11-30T10:00:00Z', zone: 'UTC' }],
    ])('refuses %s with 400', async (_case, query) => {
      const response = await callHttpFunction('customerNextSendTime', 'GET', { params: { customerId: '1' }, query });
      expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json' });
    });

    it('answers 404 for an unknown customer and 400 for a bad id', async () => {
      expect(await nextSendTime(987654, '2026-11-30T10:00:00Z')).toMatchObject({ status: 404 });
      expect(await nextSendTime('abc', '2026-11-30T10:00:00Z')).toMatchObject({ status: 400 });
    });
  });
});
