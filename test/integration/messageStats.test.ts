import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/pool.js';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { recordOwnMessages } from '../../src/domain/stats/messageStats.js';
import { parseRoute } from '../../dev/http.js';
import { MemoryLogger } from '../kit/logger.js';
import { registrations } from '../../dev/functionsCore.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/stats/getStats.js';
import '../../src/functions/stats/recordStatsBatch.js';
import '../../src/functions/stats/recordStatsMessage.js';

/** A clock the test sets: "received at" is ours, so interval edges are exact. */
const clock = { at: new Date('2026-06-15T12:00:00.000Z'), now() { return new Date(this.at); } };

let nextCustomer = 1000;
const freshCustomer = () => nextCustomer++;
const message = (overrides: Record<string, unknown> = {}) => ({ customerId: 1, type: 'A', amount: '0.012', uuid: randomUUID(), ...overrides });

const post = (body: unknown) => callHttpFunction('recordStatsMessage', 'POST', { body: typeof body === 'string' ? body : JSON.stringify(body) });
const postBatch = (body: unknown) => callHttpFunction('recordStatsBatch', 'POST', { body: typeof body === 'string' ? body : JSON.stringify(body) });
const stats = (query: Record<string, string>) => callHttpFunction('getStats', 'GET', { query });

async function receivedAt(at: string, body: Record<string, unknown>): Promise<number> {
  clock.at = new Date(at);
  return (await post(body)).status;
}

/** Message statistics routes end to end over the composition root's relay and real MariaDB. */
describe('message statistics', () => {
  let stack: RealStack;
  let relay: Relay;
  let ledger: MysqlPool;

  const rowCounts = async () => {
    const [[row]] = await ledger.query<RowDataPacket[]>('SELECT (SELECT COUNT(*) FROM stats_message) AS messages, (SELECT COALESCE(SUM(message_count), 0) FROM stats_bucket) AS counted');
    return { messages: Number(row?.messages), counted: Number(row?.counted) };
  };

  beforeAll(async () => {
    stack = await startRealStack({}, undefined, { clock });
    ({ relay } = stack);
    ledger = stack.ledger.pool;
  });
  beforeEach(() => {
    provideRelay(async () => relay);
    clock.at = new Date('2026-06-15T12:00:00.000Z');
  });
  afterAll(async () => stack?.stop());

  describe('POST /api/stats/messages', () => {
    it('answers 201 the first time, 200 for the same uuid and content (nothing changes), 409 for other content', async () => {
      const customerId = freshCustomer();
      const body = message({ customerId, amount: '0.012' });
      expect(await post(body)).toMatchObject({ status: 201, body: { uuid: body.uuid, status: 'created' } });
      const before = await rowCounts();
      expect(await post(body)).toMatchObject({ status: 200, body: { uuid: body.uuid, status: 'duplicate' } });
      // Same uuid in capitals, same amount written with a leading zero: the same message.
      expect(await post({ ...body, uuid: body.uuid.toUpperCase(), amount: '00.012' })).toMatchObject({ status: 200 });
      const conflict = await post({ ...body, amount: '0.013' });
      expect(conflict.status).toBe(409);
      expect(conflict.contentType).toBe('application/problem+json');
      expect(conflict.body.detail).toMatch(/already counted with other content .*amount "0.012"/);
      expect((await post({ ...body, type: 'a' })).status).toBe(409);
      expect(await rowCounts()).toEqual(before);
      expect((await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats).toEqual([
        { customerId, type: 'A', count: 1, totalAmount: '0.012' },
      ]);
    });

    it('counts one uuid sent by 50 concurrent clients once, answering 201 once and 200 to the rest', async () => {
      const customerId = freshCustomer();
      const body = message({ customerId, amount: '1.500' });
      const answers = await Promise.all(Array.from({ length: 50 }, () => post(body)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(49);
      expect((await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats).toEqual([
        { customerId, type: 'A', count: 1, totalAmount: '1.500' },
      ]);
      const [[row]] = await ledger.query<RowDataPacket[]>('SELECT SUM(message_count) AS n FROM stats_bucket WHERE customer_id = ?', [customerId]);
      expect(Number(row?.n)).toBe(4); // one per bucket level
    });

    it('keeps several messages per customer and sums amounts exactly', async () => {
      const customerId = freshCustomer();
      for (const amount of ['0.100', '0.200']) expect((await post(message({ customerId, amount }))).status).toBe(201);
      for (const amount of ['999999999999.999', '999999999999.999', '0.002']) expect((await post(message({ customerId, type: 'big', amount }))).status).toBe(201);
      expect((await post(message({ customerId, type: 'B', amount: '0.000' }))).status).toBe(201);
      const response = await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) });
      expect(response).toMatchObject({ status: 200, body: { from: '2026-06-15', to: '2026-06-15', timezone: 'UTC' } });
      expect(response.body.stats).toEqual([
        { customerId, type: 'A', count: 2, totalAmount: '0.300' },
        { customerId, type: 'B', count: 1, totalAmount: '0.000' },
        { customerId, type: 'big', count: 3, totalAmount: '2000000000000.000' },
      ]);
    });

    const badBodies: Array<[string, unknown]> = [
      ['malformed JSON', '{"customerId": 1, "type": "A",'],
      ['an array', [message()]],
      ['customerId as a string', message({ customerId: '1' })],
      ['customerId with a fraction', message({ customerId: 1.5 })],
      ['customerId zero', message({ customerId: 0 })],
      ['customerId beyond exact JSON integers', message({ customerId: 2 ** 53 })],
      ['missing customerId', { type: 'A', amount: '0.012', uuid: randomUUID() }],
      ['missing type', { customerId: 1, amount: '0.012', uuid: randomUUID() }],
      ['missing amount', { customerId: 1, type: 'A', uuid: randomUUID() }],
      ['missing uuid', { customerId: 1, type: 'A', amount: '0.012' }],
      ['amount as a number', message({ amount: 0.012 })],
      ['amount "abc.def"', message({ amount: 'abc.def' })],
      ['amount "-1.000"', message({ amount: '-1.000' })],
      ['amount "+1.000"', message({ amount: '+1.000' })],
      ['amount with four decimals', message({ amount: '0.0120' })],
      ['amount with two decimals', message({ amount: '0.12' })],
      ['amount with an exponent', message({ amount: '1e3' })],
      ['amount " 0.012"', message({ amount: ' 0.012' })],
      ['amount of 13 whole digits', message({ amount: '1000000000000.000' })],
      ['an empty uuid', message({ uuid: '' })],
      ['uuid of 129 characters', message({ uuid: 'u'.repeat(129) })],
      ['uuid as a number', message({ uuid: 7 })],
      ['type with a lone surrogate', `{"customerId":1,"type":"A\\ud800","amount":"0.012","uuid":"${randomUUID()}"}`],
      ['type as a number', message({ type: 7 })],
      ['type too long', message({ type: 'x'.repeat(65) })],
      ['extra nesting', { message: message() }],
      ['nested amount', message({ amount: { value: '0.012' } })],
      ['null', 'null'],
    ];

    it.each(badBodies)('refuses %s with 400 problem+json and writes nothing', async (_, body) => {
      const before = await rowCounts();
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.contentType).toBe('application/problem+json');
      expect(String(response.body.detail)).not.toBe('');
      expect(await rowCounts()).toEqual(before);
    });

    it('names the broken field in the detail', async () => {
      expect((await post(message({ amount: '-1.000' }))).body.detail).toMatch(/^amount: must be a string with exactly 3 decimals and no sign/);
      expect((await post({ customerId: 1, type: 'A', amount: '0.012' })).body.detail).toMatch(/^uuid: /);
      expect((await post('{"customerId":')).body.detail).toBe('body is not valid JSON');
    });

    it('takes what the schema of seed 002 takes: any non-empty id, other properties (dropped), any characters in type', async () => {
      const customerId = freshCustomer();
      const upper = randomUUID().toUpperCase();
      const accepted = [
        message({ customerId, uuid: 'order-17/line-2', currency: 'GBP', meta: { source: 'pos' } }),
        message({ customerId, uuid: 'ü'.repeat(128), type: 'A\n\tB' }),
        message({ customerId, uuid: upper, type: '🙂'.repeat(64) }),
      ];
      for (const body of accepted) expect(await post(body)).toMatchObject({ status: 201, body: { status: 'created' } });
      // Another producer's properties are not part of the content: the same message without them is a repeat.
      expect(await post(message({ customerId, uuid: 'order-17/line-2' }))).toMatchObject({ status: 200, body: { uuid: 'order-17/line-2', status: 'duplicate' } });
      // An RFC 4122 UUID compares without case; any other id compares exactly.
      expect(await post(message({ customerId, uuid: upper.toLowerCase(), type: '🙂'.repeat(64) }))).toMatchObject({ status: 200, body: { uuid: upper.toLowerCase() } });
      expect(await post(message({ customerId, uuid: 'ORDER-17/LINE-2' }))).toMatchObject({ status: 201 });
      const [columns] = await ledger.query<RowDataPacket[]>("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'stats_message' ORDER BY ORDINAL_POSITION");
      expect(columns.map((c) => c.COLUMN_NAME)).toEqual(['uuid', 'customer_id', 'type', 'amount', 'received_at', 'ingest_id']);
      expect(await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).toMatchObject({
        body: { stats: [{ customerId, type: 'A', count: 2 }, { customerId, type: 'A\n\tB', count: 1 }, { customerId, type: '🙂'.repeat(64), count: 1 }] },
      });
    });

    it('refuses an oversized body with 413 and writes nothing', async () => {
      const before = await rowCounts();
      const response = await post(message({ note: 'A'.repeat(64 * 1024) }));
      expect(response).toMatchObject({ status: 413, contentType: 'application/problem+json' });
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('GET /api/stats', () => {
    it('counts a message on the day it was received in the asked zone, both ends included, over a London DST day', async () => {
      const customerId = freshCustomer();
      // London springs forward on 2026-03-29: that day runs 2026-03-29T00:00Z .. 2026-03-29T23:00Z.
      expect(await receivedAt('2026-03-28T23:59:59.999Z', message({ customerId, amount: '1.000' }))).toBe(201); // 28th in London (GMT)
      expect(await receivedAt('2026-03-29T00:00:00.000Z', message({ customerId, amount: '2.000' }))).toBe(201); // 29th, first instant
      expect(await receivedAt('2026-03-29T22:59:59.999Z', message({ customerId, amount: '4.000' }))).toBe(201); // 29th, last instant (BST)
      expect(await receivedAt('2026-03-29T23:00:00.000Z', message({ customerId, amount: '8.000' }))).toBe(201); // 30th 00:00 BST
      const total = async (from: string, to: string, tz?: string) =>
        (await stats({ from, to, customerId: String(customerId), ...(tz ? { tz } : {}) })).body.stats as Array<{ count: number; totalAmount: string }>;

      expect(await total('2026-03-29', '2026-03-29', 'Europe/London')).toEqual([{ customerId, type: 'A', count: 2, totalAmount: '6.000' }]);
      expect(await total('2026-03-28', '2026-03-28', 'Europe/London')).toEqual([{ customerId, type: 'A', count: 1, totalAmount: '1.000' }]);
      expect(await total('2026-03-30', '2026-03-30', 'Europe/London')).toEqual([{ customerId, type: 'A', count: 1, totalAmount: '8.000' }]);
      expect(await total('2026-03-28', '2026-03-30', 'Europe/London')).toEqual([{ customerId, type: 'A', count: 4, totalAmount: '15.000' }]);
      // In UTC the 29th holds all but the first.
      expect(await total('2026-03-29', '2026-03-29')).toEqual([{ customerId, type: 'A', count: 3, totalAmount: '14.000' }]);
      expect(await total('2026-03-28', '2026-03-28')).toEqual([{ customerId, type: 'A', count: 1, totalAmount: '1.000' }]);
    });

    it('follows a zone with a quarter-hour offset to the edge of its day', async () => {
      const customerId = freshCustomer();
      // Asia/Kathmandu is UTC+05:45: its 2026-07-01 runs 2026-06-30T18:15Z .. 2026-07-01T18:15Z.
      expect(await receivedAt('2026-06-30T18:14:59.999Z', message({ customerId, amount: '0.001' }))).toBe(201);
      expect(await receivedAt('2026-06-30T18:15:00.000Z', message({ customerId, amount: '0.010' }))).toBe(201);
      expect(await receivedAt('2026-07-01T18:14:59.999Z', message({ customerId, amount: '0.100' }))).toBe(201);
      expect(await receivedAt('2026-07-01T18:15:00.000Z', message({ customerId, amount: '1.000' }))).toBe(201);
      const response = await stats({ from: '2026-07-01', to: '2026-07-01', tz: 'Asia/Kathmandu', customerId: String(customerId) });
      expect(response.body).toEqual({ from: '2026-07-01', to: '2026-07-01', timezone: 'Asia/Kathmandu', stats: [{ customerId, type: 'A', count: 2, totalAmount: '0.110' }] });
    });

    it('lists every customerId and type of the interval ordered by customerId then type, filtered on demand', async () => {
      clock.at = new Date('2027-02-10T10:00:00.000Z');
      const [c1, c2] = [freshCustomer(), freshCustomer()];
      for (const m of [
        message({ customerId: c2, type: 'b', amount: '0.001' }),
        message({ customerId: c1, type: 'b', amount: '0.002' }),
        message({ customerId: c2, type: 'B', amount: '0.004' }),
        message({ customerId: c1, type: 'a', amount: '0.008' }),
        message({ customerId: c1, type: 'a', amount: '0.016' }),
      ]) {
        expect((await post(m)).status).toBe(201);
      }
      const all = await stats({ from: '2027-02-01', to: '2027-02-28' });
      expect(all.body.stats).toEqual([
        { customerId: c1, type: 'a', count: 2, totalAmount: '0.024' },
        { customerId: c1, type: 'b', count: 1, totalAmount: '0.002' },
        { customerId: c2, type: 'B', count: 1, totalAmount: '0.004' },
        { customerId: c2, type: 'b', count: 1, totalAmount: '0.001' },
      ]);
      expect((await stats({ from: '2027-02-01', to: '2027-02-28', type: 'b' })).body.stats).toEqual([
        { customerId: c1, type: 'b', count: 1, totalAmount: '0.002' },
        { customerId: c2, type: 'b', count: 1, totalAmount: '0.001' },
      ]);
      expect((await stats({ from: '2027-02-11', to: '2027-02-28' })).body.stats).toEqual([]);
    });

    const badQueries: Array<[string, Record<string, string>, RegExp]> = [
      ['no from', { to: '2026-01-01' }, /from and to are required/],
      ['an impossible date', { from: '2026-02-30', to: '2026-03-01' }, /from is not a real date: 2026-02-30/],
      ['from after to', { from: '2026-03-02', to: '2026-03-01' }, /is after to/],
      ['an unknown time zone', { from: '2026-03-01', to: '2026-03-01', tz: 'Europe/Atlantis' }, /IANA time zone/],
      ['a fixed offset instead of a zone', { from: '2026-03-01', to: '2026-03-01', tz: '+05:30' }, /IANA time zone/],
      ['a date with a time', { from: '2026-03-01T00:00:00Z', to: '2026-03-01' }, /YYYY-MM-DD/],
      ['a bad customerId', { from: '2026-03-01', to: '2026-03-01', customerId: 'abc' }, /customerId must be a positive whole number/],
      ['an unknown parameter', { from: '2026-03-01', to: '2026-03-01', customer_id: '1' }, /unknown query parameter customer_id/],
    ];

    it.each(badQueries)('refuses %s with 400 problem+json', async (_, query, detail) => {
      const response = await stats(query);
      expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json' });
      expect(response.body.detail).toMatch(detail);
    });
  });

  describe('POST /api/stats/messages:batch', () => {
    it('answers each message on its own: created, duplicate, conflict, invalid, and repeats inside the batch', async () => {
      const customerId = freshCustomer();
      const earlier = message({ customerId, amount: '0.500' });
      expect((await post(earlier)).status).toBe(201);
      const fresh = message({ customerId, amount: '0.100' });
      const response = await postBatch({
        messages: [
          fresh,
          earlier,
          { ...earlier, amount: '0.501' },
          message({ customerId, amount: '-0.100' }),
          { ...fresh },
          { ...fresh, amount: '0.200' },
          message({ customerId, type: 'B', amount: '0.200' }),
        ],
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ received: 7, created: 2, duplicates: 2, conflicts: 2, invalid: 1 });
      expect((response.body.results as Array<{ status: number }>).map((r) => r.status)).toEqual([201, 200, 409, 400, 200, 409, 201]);
      expect((response.body.results as Array<{ detail?: string }>)[3]!.detail).toMatch(/^amount: /);
      expect((await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats).toEqual([
        { customerId, type: 'A', count: 2, totalAmount: '0.600' },
        { customerId, type: 'B', count: 1, totalAmount: '0.200' },
      ]);
    });

    it('takes 1,000 messages and refuses 1,001, malformed JSON or a bare array, writing nothing', async () => {
      const customerId = freshCustomer();
      const thousand = Array.from({ length: 1000 }, (_, i) => message({ customerId, type: `t${i % 20}`, amount: '0.001' }));
      const before = await rowCounts();
      for (const body of [{ messages: [...thousand, message()] }, thousand, '{"messages": [', { messages: [] }, { messages: thousand, extra: 1 }]) {
        const response = await postBatch(body);
        expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json' });
      }
      expect(await rowCounts()).toEqual(before);
      const response = await postBatch({ messages: thousand });
      expect(response.body).toMatchObject({ received: 1000, created: 1000 });
      const listed = (await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats as Array<{ count: number; totalAmount: string }>;
      expect(listed).toHaveLength(20);
      expect(listed.every((row) => row.count === 50 && row.totalAmount === '0.050')).toBe(true);
    });

    it('refuses a body over 8 MiB with 413 and writes nothing', async () => {
      const before = await rowCounts();
      const response = await postBatch({ messages: [message(), message({ note: 'x'.repeat(8 * 1024 * 1024) })] });
      expect(response).toMatchObject({ status: 413, contentType: 'application/problem+json' });
      expect(await rowCounts()).toEqual(before);
    });

    it('counts overlapping batches sent concurrently once per uuid', async () => {
      const customerId = freshCustomer();
      const shared = Array.from({ length: 200 }, () => message({ customerId, amount: '0.001' }));
      const answers = await Promise.all(Array.from({ length: 8 }, () => postBatch({ messages: [...shared].sort(() => Math.random() - 0.5) })));
      const created = answers.reduce((sum, a) => sum + Number(a.body.created), 0);
      const duplicates = answers.reduce((sum, a) => sum + Number(a.body.duplicates), 0);
      expect([created, duplicates]).toEqual([200, 1400]);
      expect((await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats).toEqual([
        { customerId, type: 'A', count: 200, totalAmount: '0.200' },
      ]);
    });

    it('is registered on a route with a colon that the route template reads as one literal segment', () => {
      const trigger = Object.values(registrations.get('recordStatsBatch')!.bindings).find((b) => b.type === 'httpTrigger')!;
      expect(trigger.route).toBe('stats/messages:batch');
      const template = parseRoute(String(trigger.route));
      expect(template.match('stats/messages:batch')).toEqual({});
      expect(template.match('stats/messages')).toBeUndefined();
      expect(parseRoute('stats/messages').match('stats/messages:batch')).toBeUndefined();
    });
  });

  describe('recordOwnMessages', () => {
    it('counts a retried send once, with the uuid derived from its idempotency key and the price rounded half up', async () => {
      const customerId = freshCustomer();
      const pool = createMysqlPool(stack.ledger.url, 4, { multipleStatements: true });
      onTestFinished(() => pool.end());
      const store = new MysqlMessageStats(pool);
      const logger = new MemoryLogger();
      const deps = { stats: store, clock, logger };
      const sms = { customerId, channel: 'sms', event: 'job-received', price: '0.03350000', messageKey: 'job-123-received' };
      const [first] = await recordOwnMessages(deps, [sms]);
      const retries = (await Promise.all(Array.from({ length: 10 }, () => recordOwnMessages(deps, [sms])))).flat();
      expect(first).toEqual({ outcome: 'created' });
      expect(retries.every((r) => r.outcome === 'duplicate')).toBe(true);
      // A retry that comes back with another price keeps the first and says so.
      expect(await recordOwnMessages(deps, [{ ...sms, price: '0.04' }])).toMatchObject([{ outcome: 'conflict' }]);
      expect(logger.lines.some((l) => l.level === 'warn' && l.fields?.messageKey === 'job-123-received')).toBe(true);
      await recordOwnMessages(deps, [{ ...sms, event: 'job-closed', price: null, messageKey: 'job-123-closed' }]);
      expect((await stats({ from: '2026-06-15', to: '2026-06-15', customerId: String(customerId) })).body.stats).toEqual([
        { customerId, type: 'sms.job-closed', count: 1, totalAmount: '0.000' },
        { customerId, type: 'sms.job-received', count: 1, totalAmount: '0.034' },
      ]);
    });
  });
});
