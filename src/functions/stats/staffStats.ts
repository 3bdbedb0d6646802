import { app, type HttpRequest } from '@azure/functions';
import { Readable } from 'node:stream';
import { describeIssues } from '../../domain/shared/issues.js';
import type { StatsTotal } from '../../domain/stats/ports.js';
import { getRelay } from '../../processRelay.js';
import { json, problem } from '../http/http.js';
import { staffOnly } from '../http/staffAuth.js';
import { csvCell, csvQuerySchema, encodeStatsCursor, seriesQuerySchema, tableQuerySchema } from './staffStatsSchemas.js';

const parameters = (request: HttpRequest) => Object.fromEntries(request.query);
const badQuery = (issues: Parameters<typeof describeIssues>[0]) => problem(400, describeIssues(issues, { subject: 'query' }));

/** GET /api/staff/stats/series?from=&to=&bucket=hour|day|month[&customerId=][&type=]: the chart, with the previous period. */
export const statsSeriesHandler = staffOnly(async (request) => {
  const query = seriesQuerySchema.safeParse(parameters(request));
  if (!query.success) return badQuery(query.error.issues);
  const result = await (await getRelay()).statsSeries(query.data);
  if (!result.ok) return problem(400, result.detail);
  return json(200, result.series);
});

const tableRow = (row: StatsTotal) => ({ customerId: row.customerId, type: row.type, count: row.count, cost: row.totalAmount });

/** GET /api/staff/stats/table?from=&to=[&limit=][&cursor=]: count and cost by customer and type, in (customerId, type) order. */
export const statsTableHandler = staffOnly(async (request) => {
  const query = tableQuerySchema.safeParse(parameters(request));
  if (!query.success) return badQuery(query.error.issues);
  const { from, to, limit, cursor } = query.data;
  const page = await (await getRelay()).statsTable({ from, to, limit, ...(cursor ? { after: cursor } : {}) });
  if (!page.ok) return problem(400, page.detail);
  return json(200, { from, to, rows: page.rows.map(tableRow), nextCursor: page.next ? encodeStatsCursor(page.next) : null });
});

/** Rows per round trip while the CSV streams. */
const CSV_PAGE_ROWS = 1000;

/** GET /api/staff/stats.csv?from=&to=: the whole table as CSV, streamed page by page (never held whole). */
export const statsCsvHandler = staffOnly(async (request) => {
    const query = csvQuerySchema.safeParse(parameters(request));
    if (!query.success) return badQuery(query.error.issues);
    const { from, to } = query.data;
    const relay = await getRelay();
    // The first page checks the interval, so a bad one is still a 400 rather than a broken download.
    const first = await relay.statsTable({ from, to, limit: CSV_PAGE_ROWS });
    if (!first.ok) return problem(400, first.detail);
    const checked = first;
    async function* lines() {
      yield 'customerId,type,count,cost\r\n';
      for await (const row of relay.allStatsTableRows({ from, to, limit: CSV_PAGE_ROWS }, checked)) {
        yield `${[row.customerId, csvCell(row.type), row.count, row.totalAmount].join(',')}\r\n`;
      }
    }
    return {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition': `attachment; filename="statistics-${from}-to-${to}.csv"`,
      },
      body: Readable.from(lines(), { objectMode: false }),
    };
});

app.http('staffStatsSeries', { route: 'staff/stats/series', methods: ['GET'], authLevel: 'anonymous', handler: statsSeriesHandler });
app.http('staffStatsTable', { route: 'staff/stats/table', methods: ['GET'], authLevel: 'anonymous', handler: statsTableHandler });
app.http('staffStatsCsv', { route: 'staff/stats.csv', methods: ['GET'], authLevel: 'anonymous', handler: statsCsvHandler });
