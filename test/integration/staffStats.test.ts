import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { createMysqlPool } from '../../src/adapters/mysql/pool.js';
import { type Relay } from '../../src/compositionRoot.js';
import { provideRelay } from '../../src/processRelay.js';
import { registrations } from '../../dev/functionsCore.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import { staffHeaders } from '../support/staffHeaders.js';
import '../../src/functions/stats/staffStats.js';

/** "Received at" is the test's: bucket edges are exact. */
const clock = { at: new Date('2026-03-08T12:00:00.000Z'), now() { return new Date(this.at); } };

const series = (query: Record<string, string>) => callHttpFunction('staffStatsSeries', 'GET', { query, headers: staffHeaders() });
const table = (query: Record<string, string>) => callHttpFunction('staffStatsTable', 'GET', { query, headers: staffHeaders() });

async function csv(query: Record<string, string>): Promise<{ status: number; contentType: string | null; text: string }> {
  const request = new HttpRequest({ method: 'GET', url: 'http://localhost/api/staff/stats.csv', query, headers: staffHeaders() });
  const init = (await registrations.get('staffStatsCsv')!.handler(request, new InvocationContext({ functionName: 'staffStatsCsv' }))) as HttpResponseInit;
  const response = new HttpResponse(init);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Statistics for the console over the real stack, in a shop in New York (DST starts 2026-03-08 02:00). */
describe('staff statistics: series, table and CSV in the shop zone', () => {
  let stack: RealStack;
  let relay: Relay;

  const record = async (at: string, messages: Array<{ customerId: number; type: string; amount: string }>) => {
    clock.at = new Date(at);
    const outcomes = await relay.recordStatsMessages(messages.map((m) => ({ ...m, uuid: randomUUID() })));
    expect(outcomes.every((o) => o.outcome === 'created')).toBe(true);
  };

  beforeAll(async () => {
    stack = await startRealStack({ WEBSITE_AUTH_ENABLED: 'True', BUSINESS_TIMEZONE: 'America/New_York' }, undefined, { clock });
    ({ relay } = stack);
    provideRelay(async () => relay);
    // Customer 1 around the DST day; customer 2 in February; customer 3 in December (the previous period of Feb-Mar).
    await record('2026-03-07T05:00:00.000Z', [{ customerId: 1, type: 'sms.job-received', amount: '0.050' }]); // 7 Mar 00:00 EST
    await record('2026-03-08T04:59:00.000Z', [{ customerId: 1, type: 'sms.job-received', amount: '0.100' }]); // 7 Mar 23:59 EST
    await record('2026-03-08T05:00:00.000Z', [{ customerId: 1, type: 'sms.job-received', amount: '0.100' }]); // 8 Mar 00:00 EST
    await record('2026-03-08T07:30:00.000Z', [
      { customerId: 1, type: 'sms.job-received', amount: '0.200' }, // 8 Mar 03:30 EDT (02:00-03:00 never happened)
      { customerId: 1, type: 'email.job-closed', amount: '0.000' },
    ]);
    await record('2026-03-09T03:59:00.000Z', [{ customerId: 1, type: 'sms.job-received', amount: '0.300' }]); // 8 Mar 23:59 EDT
    await record('2026-03-09T04:00:00.000Z', [{ customerId: 1, type: 'sms.job-received', amount: '0.007' }]); // 9 Mar 00:00 EDT
    await record('2026-02-10T15:00:00.000Z', [{ customerId: 2, type: 'sms.job-received', amount: '1.000' }]);
    await record('2025-12-31T12:00:00.000Z', [{ customerId: 3, type: 'sms.job-received', amount: '2.500' }]);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('counts and costs per day of the shop, a 23-hour DST day included, beside the previous period of equal length', async () => {
    const response = await series({ from: '2026-03-08', to: '2026-03-09', bucket: 'day' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      bucket: 'day',
      timeZone: 'America/New_York',
      current: {
        from: '2026-03-08',
        to: '2026-03-09',
        points: [
          { start: '2026-03-08T05:00:00.000Z', count: 4, cost: '0.600' },
          { start: '2026-03-09T04:00:00.000Z', count: 1, cost: '0.007' },
        ],
        total: { count: 5, cost: '0.607' },
      },
      previous: {
        from: '2026-03-06',
        to: '2026-03-07',
        points: [
          { start: '2026-03-06T05:00:00.000Z', count: 0, cost: '0.000' },
          { start: '2026-03-07T05:00:00.000Z', count: 2, cost: '0.150' },
        ],
        total: { count: 2, cost: '0.150' },
      },
    });
  });

  it('has 23 hours on the DST day, each an hour of the shop', async () => {
    const response = await series({ from: '2026-03-08', to: '2026-03-08', bucket: 'hour', type: 'sms.job-received' });
    expect(response.status).toBe(200);
    const points = (response.body.current as { points: Array<{ start: string; count: number; cost: string }> }).points;
    expect(points).toHaveLength(23);
    expect(points.filter((p) => p.count > 0)).toEqual([
      { start: '2026-03-08T05:00:00.000Z', count: 1, cost: '0.100' },
      { start: '2026-03-08T07:00:00.000Z', count: 1, cost: '0.200' },
      { start: '2026-03-09T03:00:00.000Z', count: 1, cost: '0.300' },
    ]);
    expect(points[2]!.start).toBe('2026-03-08T07:00:00.000Z'); // 01:00 EST, then 03:00 EDT
  });

  it('groups whole months and compares them with as many months before; filters by customer', async () => {
    const all = await series({ from: '2026-02-01', to: '2026-03-31', bucket: 'month' });
    expect(all.body.current).toMatchObject({
      points: [
        { start: '2026-02-01T05:00:00.000Z', count: 1, cost: '1.000' },
        { start: '2026-03-01T05:00:00.000Z', count: 7, cost: '0.757' },
      ],
    });
    expect(all.body.previous).toMatchObject({ from: '2025-12-01', to: '2026-01-31', total: { count: 1, cost: '2.500' } });
    const one = await series({ from: '2026-02-01', to: '2026-03-31', bucket: 'month', customerId: '2' });
    expect(one.body.current).toMatchObject({ total: { count: 1, cost: '1.000' } });
  });

  it('serves staff only: 401 without a principal, 403 without a staff role', async () => {
    expect((await callHttpFunction('staffStatsSeries', 'GET', { query: { from: '2026-03-08', to: '2026-03-09', bucket: 'day' } })).status).toBe(401);
    expect((await callHttpFunction('staffStatsTable', 'GET', { query: { from: '2026-03-08', to: '2026-03-09' }, headers: staffHeaders('Pat', ['reader']) })).status).toBe(403);
  });

  it('refuses bad queries with 400 problem+json and says why', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ from: '2026-03-08', to: '2026-03-09' }, /bucket/],
      [{ from: '2026-03-08', to: '2026-03-09', bucket: 'week' }, /bucket must be one of hour, day, month/],
      [{ from: '2026-03-10', to: '2026-03-09', bucket: 'day' }, /after/],
      [{ from: '2026-02-30', to: '2026-03-09', bucket: 'day' }, /not a real date/],
      [{ from: '2026-01-01', to: '2026-12-31', bucket: 'hour' }, /at most 800 points/],
      [{ from: '2026-03-08', to: '2026-03-09', bucket: 'day', customerId: '0' }, /customerId/],
      [{ from: '2026-03-08', to: '2026-03-09', bucket: 'day', colour: 'red' }, /colour/],
    ];
    for (const [query, detail] of cases) {
      const response = await series(query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.contentType).toBe('application/problem+json');
      expect(response.body.detail).toMatch(detail);
    }
  });

  it('pages the table by customer and type with a cursor, and refuses a forged cursor', async () => {
    const first = await table({ from: '2025-12-01', to: '2026-03-31', limit: '2' });
    expect(first.status).toBe(200);
    expect(first.body.rows).toEqual([
      { customerId: 1, type: 'email.job-closed', count: 1, cost: '0.000' },
      { customerId: 1, type: 'sms.job-received', count: 6, cost: '0.757' },
    ]);
    const second = await table({ from: '2025-12-01', to: '2026-03-31', limit: '2', cursor: String(first.body.nextCursor) });
    expect(second.body.rows).toEqual([
      { customerId: 2, type: 'sms.job-received', count: 1, cost: '1.000' },
      { customerId: 3, type: 'sms.job-received', count: 1, cost: '2.500' },
    ]);
    expect(second.body.nextCursor).toBeNull();
    for (const cursor of ['nonsense', Buffer.from('[0,"x"]').toString('base64url')]) {
      const refused = await table({ from: '2025-12-01', to: '2026-03-31', cursor });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/cursor/);
    }
    expect((await table({ from: '2025-12-01', to: '2026-03-31', limit: '101' })).status).toBe(400);
  });

  it('downloads the table as CSV, quoting per RFC 4180 and defusing spreadsheet formulas', async () => {
    await record('2026-04-02T12:00:00.000Z', [
      { customerId: 5, type: '=HYPERLINK("http://x","y")', amount: '0.001' },
      { customerId: 5, type: 'plain, with comma', amount: '0.002' },
    ]);
    const response = await csv({ from: '2026-04-01', to: '2026-04-30' });
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/csv/);
    expect(response.text).toBe(['customerId,type,count,cost', `5,"'=HYPERLINK(""http://x"",""y"")",1,0.001`, '5,"plain, with comma",1,0.002', ''].join('\r\n'));
    expect((await csv({ from: '2026-04-31', to: '2026-04-30' })).status).toBe(400);
  });

  it('keeps the per-type buckets equal to the per-customer ones, repricing included', async () => {
    const pool = createMysqlPool(stack.ledger.url, 2, { multipleStatements: true });
    try {
      const stats = new MysqlMessageStats(pool);
      const uuid = randomUUID();
      await stats.record([{ customerId: 9, type: 'whatsapp.job-closed', amount: '0.010', uuid }], new Date('2026-05-01T10:00:00Z'));
      expect(await stats.reprice({ customerId: 9, type: 'whatsapp.job-closed', amount: '0.045', uuid }, new Date('2026-05-02T10:00:00Z'))).toBe('repriced');
      const [rows] = await pool.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS differing FROM (SELECT level, bucket_start, type, SUM(message_count) AS n, SUM(total_amount) AS total FROM stats_bucket GROUP BY level, bucket_start, type) c
         LEFT JOIN stats_type_bucket t USING (level, bucket_start, type) WHERE t.message_count IS NULL OR t.message_count <> c.n OR t.total_amount <> c.total`,
      );
      expect(Number(rows[0]!.differing)).toBe(0);
      const [[typed]] = await pool.query<RowDataPacket[]>("SELECT total_amount FROM stats_type_bucket WHERE level = 4 AND type = 'whatsapp.job-closed'");
      expect(String(typed!.total_amount)).toBe('0.045');
    } finally {
      await pool.end();
    }
  });
});
