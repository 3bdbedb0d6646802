/**
 * `npm run bench:stats-dashboard`: the console's statistics dashboard (issue 24) over 10,000,000
 * messages: how long its first chart's query takes (GET /api/staff/stats/series: a month by day
 * and a day by hour, every customer, in a zone that is not UTC, each with its previous period),
 * one customer's month by day, and the table's first page, with EXPLAIN of each statement.
 *
 * The buckets are bulk-filled with INSERT ... SELECT from MariaDB's sequence engine, not through
 * the API: message i (0-based, of N over 2025 UTC) is customer 1 + i mod C, type `type-<(i div C)
 * mod T>`, costs (1 + i mod 997) thousandths and arrives floor(i x L / N) ms into the year, so a
 * customer-and-type pair's messages are C x T x L / N apart (7.3 days at full size) and each
 * quarter-hour and day bucket holds one message. Month and year rows are grouped from the day
 * rows; the per-type rows are filled by migration 029's own statement (timed: the backfill).
 *
 * Knobs (environment): BENCH_DASH_MESSAGES (10,000,000), BENCH_DASH_CUSTOMERS (10,000),
 * BENCH_DASH_TYPES (20), BENCH_DASH_QUERIES (50 per case), BENCH_WRITE=0 to leave docs/benchmarks.md
 * alone, BENCH_MYSQL_URL.
 */
import os from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import { migrateLedger } from '../src/adapters/mysql/ledgerMigrations.js';
import { MysqlMessageStats } from '../src/adapters/mysql/messageStats.js';
import { FILL_STATS_TYPE_BUCKETS } from '../src/adapters/mysql/migrations/029-stats-type-buckets.js';
import { createMysqlPool, type MysqlPool } from '../src/adapters/mysql/pool.js';
import { statsSeries, type SeriesQuery } from '../src/domain/stats/statsSeries.js';
import { statsTable } from '../src/domain/stats/statsTable.js';
import { envInt, runBenchmark, benchLog, timedStep } from './lib/harness.js';
import { createBenchDatabase } from './lib/stack.js';
import { int, ms, percentile } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';
import { verify } from '../test/kit/verify.js';

const OPTIONS = {
  messages: envInt('BENCH_DASH_MESSAGES', 10_000_000),
  customers: envInt('BENCH_DASH_CUSTOMERS', 10_000),
  types: envInt('BENCH_DASH_TYPES', 20),
  queries: envInt('BENCH_DASH_QUERIES', 50),
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 40 * 60_000,
  timeZone: 'America/New_York',
  targetP95Ms: 1000,
};

const log = benchLog('stats-dashboard');
const YEAR_MS = 365 * 86_400_000;

const timed = (label: string, fn: () => Promise<unknown>) => timedStep(log, label, fn);

/** Loads the buckets of the synthetic year; returns the load times. */
async function load(pool: MysqlPool): Promise<Record<string, number>> {
  const { messages: N, customers: C, types: T } = OPTIONS;
  verify((C * T * YEAR_MS) / N >= 86_400_000, 'a pair must get at most one message a day (raise BENCH_DASH_CUSTOMERS or BENCH_DASH_TYPES)');
  const connection = await pool.getConnection();
  try {
    await connection.query('SET SESSION tmp_table_size = 268435456, max_heap_table_size = 268435456');
    const at = `(TIMESTAMP'2025-01-01 00:00:00' + INTERVAL (seq * ${YEAR_MS} DIV ${N}) * 1000 MICROSECOND)`;
    const pair = `seq MOD ${C} + 1, CONCAT('type-', LPAD((seq DIV ${C}) MOD ${T}, 2, '0'))`;
    const amount = `(1 + seq MOD 997) / 1000`;
    await connection.query('ALTER TABLE stats_bucket DROP INDEX ix_stats_bucket_customer');
    const times: Record<string, number> = {};
    times.quarterAndDay = await timed(`stats_bucket quarter and day rows of ${int(N)} messages`, async () => {
      await connection.query(
        `INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount)
         SELECT 1, DATE_FORMAT(${at}, '%Y-%m-%d %H:00:00') + INTERVAL (MINUTE(${at}) DIV 15 * 15) MINUTE, ${pair}, 1, ${amount} FROM seq_0_to_${N - 1}`,
      );
      await connection.query(
        `INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount)
         SELECT 2, DATE(${at}), ${pair}, 1, ${amount} FROM seq_0_to_${N - 1}`,
      );
    });
    times.monthAndYear = await timed('stats_bucket month and year rows (grouped from the days)', async () => {
      await connection.query(
        `INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount)
         SELECT 3, DATE_FORMAT(bucket_start, '%Y-%m-01'), customer_id, type, SUM(message_count), SUM(total_amount)
         FROM stats_bucket WHERE level = 2 GROUP BY DATE_FORMAT(bucket_start, '%Y-%m-01'), customer_id, type`,
      );
      await connection.query(
        `INSERT INTO stats_bucket (level, bucket_start, customer_id, type, message_count, total_amount)
         SELECT 4, DATE_FORMAT(bucket_start, '%Y-01-01'), customer_id, type, SUM(message_count), SUM(total_amount)
         FROM stats_bucket WHERE level = 3 GROUP BY DATE_FORMAT(bucket_start, '%Y-01-01'), customer_id, type`,
      );
    });
    times.index = await timed('secondary index (customer_id, level, bucket_start)', () =>
      connection.query('ALTER TABLE stats_bucket ADD INDEX ix_stats_bucket_customer (customer_id, level, bucket_start)'),
    );
    times.typeBuckets = await timed("stats_type_bucket by migration 029's backfill", () => connection.query(FILL_STATS_TYPE_BUCKETS));
    await connection.query('ANALYZE TABLE stats_bucket, stats_type_bucket');
    const [levels] = await connection.query<RowDataPacket[]>('SELECT level, SUM(message_count) AS n FROM stats_type_bucket GROUP BY level');
    for (const row of levels) verify(Number(row.n) === N, `per-type level ${row.level} counts ${row.n} messages, expected ${N}`);
    return times;
  } finally {
    connection.release();
  }
}

interface Case {
  label: string;
  samples: number[];
  points: number;
  explain: string;
}

/** The pool the adapter queries through, keeping every statement it sends (for EXPLAIN). */
function recording(pool: MysqlPool): { pool: MysqlPool; statements: Array<{ sql: string; params: unknown[] }> } {
  const statements: Array<{ sql: string; params: unknown[] }> = [];
  const query = (sql: string, params: unknown[]) => {
    statements.push({ sql, params });
    return pool.query(sql, params);
  };
  return { pool: new Proxy(pool, { get: (target, name) => (name === 'query' ? query : Reflect.get(target, name)) }), statements };
}

async function explain(pool: MysqlPool, statement: { sql: string; params: unknown[] }): Promise<string> {
  const [rows] = await pool.query<RowDataPacket[]>(`EXPLAIN ${statement.sql.replace(/^\s*\/\*M![^*]*\*\/\s*/, '')}`, statement.params);
  const columns = ['table', 'type', 'key', 'key_len', 'rows', 'Extra'];
  return textTable(columns, rows.map((row) => columns.map((c) => String(row[c] ?? ''))));
}

async function measure(pool: MysqlPool, label: string, run: (stats: MysqlMessageStats) => Promise<number>): Promise<Case> {
  const spy = recording(pool);
  const stats = new MysqlMessageStats(spy.pool);
  const points = await run(stats); // warm-up, and the statement to explain
  const statement = spy.statements.at(-1)!;
  const samples: number[] = [];
  for (let i = 0; i < OPTIONS.queries; i++) {
    const t0 = performance.now();
    await run(stats);
    samples.push(performance.now() - t0);
  }
  const plan = await explain(pool, statement);
  log(`${label}: p50 ${ms(percentile(samples, 50))}, p95 ${ms(percentile(samples, 95))}\n${plan}`);
  return { label, samples, points, explain: plan };
}

async function runQueries(pool: MysqlPool): Promise<Case[]> {
  const series = (query: SeriesQuery) => async (stats: MysqlMessageStats) => {
    const result = await statsSeries({ stats, timeZone: OPTIONS.timeZone }, query);
    if (!result.ok) throw new Error(result.detail);
    return result.series.current.points.length + result.series.previous.points.length;
  };
  const month = await series({ from: '2025-06-01', to: '2025-06-30', bucket: 'day' })(new MysqlMessageStats(pool));
  verify(month === 61, `June and May by day are 61 points, not ${month}`);
  // The chart's June total equals GET /api/stats's answer over the same days.
  const chart = await statsSeries({ stats: new MysqlMessageStats(pool), timeZone: OPTIONS.timeZone }, { from: '2025-06-01', to: '2025-06-30', bucket: 'day' });
  const [[direct]] = await pool.query<RowDataPacket[]>(
    "SELECT SUM(message_count) AS n FROM stats_bucket WHERE level = 1 AND bucket_start >= '2025-06-01 04:00:00' AND bucket_start < '2025-07-01 04:00:00'",
  );
  verify(chart.ok && chart.series.current.total.count === Number(direct?.n), `June's chart total disagrees with its quarter hours (${Number(direct?.n)})`);
  return [
    await measure(pool, 'every customer, a month by day (June 2025 and May)', series({ from: '2025-06-01', to: '2025-06-30', bucket: 'day' })),
    await measure(pool, 'every customer, a day by hour (15 June 2025 and 14 June)', series({ from: '2025-06-15', to: '2025-06-15', bucket: 'hour' })),
    await measure(pool, 'one customer, a month by day', series({ from: '2025-06-01', to: '2025-06-30', bucket: 'day', customerId: 4242 % OPTIONS.customers })),
    await measure(pool, 'the table: first page of 50, a month, every customer', async (stats) => {
      const page = await statsTable({ stats, timeZone: OPTIONS.timeZone }, { from: '2025-06-01', to: '2025-06-30', limit: 50 });
      if (!page.ok) throw new Error(page.detail);
      return page.rows.length;
    }),
  ];
}

const loadAverage = () => os.loadavg().map((v) => v.toFixed(1)).join(' / ');
const LOAD_AT_START = loadAverage();

runBenchmark({
  key: 'stats-dashboard',
  title: 'Statistics dashboard',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'the bulk load and the dashboard queries',
  run: async ({ date }) => {
    const db = await createBenchDatabase('stats_dashboard');
    const pool = createMysqlPool(db.url, 4, { multipleStatements: true });
    try {
      await migrateLedger(pool);
      const loadMs = await load(pool);
      const cases = await runQueries(pool);
      const header = ['query (GET /api/staff/stats/...)', 'runs', 'points / rows', 'p50', 'p95', 'target p95'];
      const rows: Row[] = cases.map((c) => [
        c.label,
        int(c.samples.length),
        int(c.points),
        ms(percentile(c.samples, 50)),
        ms(percentile(c.samples, 95)),
        c.label.startsWith('the table') ? '—' : `< ${OPTIONS.targetP95Ms} ms`,
      ]);
      const plans = cases.map((c) => `EXPLAIN, ${c.label}:\n\n\`\`\`text\n${c.explain}\n\`\`\``).join('\n\n');
      const markdown = [
        `Run ${date} with \`npm run bench:stats-dashboard\` (bench/statsDashboard.ts); load average (1 / 5 / 15 min) ${LOAD_AT_START} at the start and ${loadAverage()} at the end (shared machine).`,
        '',
        `${int(OPTIONS.messages)} messages of 2025 from ${int(OPTIONS.customers)} customers x ${OPTIONS.types} types, as their buckets (loaded in ${(Object.values(loadMs).reduce((a, b) => a + b, 0) / 1000).toFixed(0)} s; migration 029's backfill of \`stats_type_bucket\` took ${(loadMs.typeBuckets! / 1000).toFixed(1)} s). The shop is in ${OPTIONS.timeZone}, so every point is a signed cover of UTC buckets. Each case runs the use case the route calls, ${OPTIONS.queries} times after one warm-up, both periods in one query.`,
        '',
        markdownTable(header, rows),
        '',
        plans,
      ].join('\n');
      return { console: `${textTable(header, rows)}\n\n${cases.map((c) => `${c.label}\n${c.explain}`).join('\n\n')}`, markdown };
    } finally {
      await pool.end();
      await db.drop();
    }
  },
}).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
