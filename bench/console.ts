/**
 * `npm run bench:console`: the staff console's two big lists (issue 23) at 1,000,000 jobs and
 * 10,000,000 notification-log rows, through the console's own use cases and SQL
 * (listConsoleJobs over MysqlConsoleJobs, listConsoleMessages over MysqlConsoleMessages).
 *
 * The ledger is migrated, then filled by INSERT ... SELECT over a numbers table (customers, one
 * per two jobs; job_tracking and customer_jobs; the log with a realistic mix of channels,
 * gateways, outcomes and receipts, newest rows last). Each scenario runs 5 times to warm up, then
 * BENCH_CONSOLE_SAMPLES times in sequence; p50 and p95 of the wall time are reported, and p95 must
 * stay under 100 ms. Every query a scenario sends is EXPLAINed: the plans are printed, and a full
 * scan (type ALL) of a big table fails the bench.
 *
 * Knobs (environment): BENCH_CONSOLE_JOBS (1000000), BENCH_CONSOLE_LOG_ROWS (10000000),
 * BENCH_CONSOLE_SAMPLES (50), BENCH_WRITE=0 to leave docs/benchmarks.md alone, BENCH_MYSQL_URL.
 */
import os from 'node:os';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { MysqlConsoleJobs } from '../src/adapters/mysql/consoleJobs.js';
import { MysqlConsoleMessages } from '../src/adapters/mysql/consoleMessages.js';
import { migrateLedger } from '../src/adapters/mysql/ledgerMigrations.js';
import type { MysqlPool } from '../src/adapters/mysql/pool.js';
import { encodeCursor } from '../src/domain/console/cursor.js';
import { listConsoleJobs, type JobListRequest } from '../src/domain/console/jobs.js';
import { listConsoleMessages, type MessageListRequest } from '../src/domain/console/messages.js';
import { verify } from '../test/kit/verify.js';
import { benchLog, envInt, runBenchmark } from './lib/harness.js';
import { createBenchDatabase } from './lib/stack.js';
import { int, ms, percentile } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

const OPTIONS = {
  jobs: envInt('BENCH_CONSOLE_JOBS', 1_000_000),
  logRows: envInt('BENCH_CONSOLE_LOG_ROWS', 10_000_000),
  samples: envInt('BENCH_CONSOLE_SAMPLES', 50),
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 180 * 60_000,
  targetP95Ms: 100,
};

const log = benchLog('console');
/** Rows one INSERT ... SELECT writes: a chunk of the numbers table's square. */
const CHUNK = 100_000;
/** The log's rows span 400 days before this instant, oldest first. */
const END = Date.parse('2026-12-01T00:00:00Z');
const SPAN_MS = 400 * 86_400_000;
const FIRST_NAMES = ['Ada', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Joe', 'Kim', 'Lee', 'Max', 'Ned', 'Ola', 'Pam', 'Quin', 'Ray', 'Sue', 'Tom'];
const LAST_NAMES = ['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Lewis', 'Harris', 'Young', 'King', 'Baker'];
const list = (words: readonly string[]) => words.map((word) => `'${word}'`).join(', ');

/** Fills `table` CHUNK rows a statement: `select` reads `i` (0-based row number) from the numbers square. */
async function fill(pool: Filler, what: string, total: number, insert: (from: number, count: number) => string): Promise<void> {
  const t0 = performance.now();
  for (let from = 0; from < total; from += CHUNK) {
    await pool.query(insert(from, Math.min(CHUNK, total - from)));
    if ((from / CHUNK) % 10 === 9) log(`  ${what}: ${int(from + CHUNK)} of ${int(total)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  log(`  ${what}: ${int(total)} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** Row numbers from..from+count-1 as `i`, from the 10,000-row numbers table squared. */
const numbers = (from: number, count: number) =>
  `(SELECT a.n * 10000 + b.n + ${from} AS i FROM bench_numbers a CROSS JOIN bench_numbers b WHERE a.n < ${Math.ceil(count / 10_000)} AND a.n * 10000 + b.n < ${count}) s`;

/** One connection without the app's query deadline: a chunk of the log can take longer than a request may. */
type Filler = Pick<Connection, 'query'>;

async function fillLedger(pool: Filler): Promise<{ customers: number }> {
  const customers = Math.max(1, Math.floor(OPTIONS.jobs / 2));
  await pool.query('CREATE TABLE bench_numbers (n INT NOT NULL PRIMARY KEY)');
  await pool.query(`INSERT INTO bench_numbers (n) VALUES ${Array.from({ length: 10_000 }, (_, n) => `(${n})`).join(', ')}`);
  log(`filling ${int(customers)} customers, ${int(OPTIONS.jobs)} jobs, ${int(OPTIONS.logRows)} log rows`);
  await fill(pool, 'customers', customers, (from, count) =>
    `INSERT INTO customers (customer_id, name, mobile_e164, created_at, updated_at)
     SELECT i + 1, CONCAT(ELT(1 + i % ${FIRST_NAMES.length}, ${list(FIRST_NAMES)}), ' ', ELT(1 + (i DIV ${FIRST_NAMES.length}) % ${LAST_NAMES.length}, ${list(LAST_NAMES)}), ' ', i + 1),
       CONCAT('+447', LPAD(i * 7919 % 1000000000, 9, '0')), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) FROM ${numbers(from, count)}`,
  );
  // Newest jobs are mostly open; older ones closed.
  await fill(pool, 'job_tracking', OPTIONS.jobs, (from, count) =>
    `INSERT INTO job_tracking (Job_id, last_status, is_open, product, created_at, status_since, updated_at)
     SELECT i + 1, st, st <> 'CLOSED', ELT(1 + i % 5, 'kettle', 'phone', 'laptop', 'drill', 'radio'),
       FROM_UNIXTIME(${END / 1000} - (${OPTIONS.jobs} - i) * ${SPAN_MS / 1000 / OPTIONS.jobs}), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
     FROM (SELECT i, IF(i < ${OPTIONS.jobs} * 0.9, 'CLOSED', ELT(1 + i % 4, 'NEW', 'OPENED', 'IN PROGRESS', 'JOB COMPLETED')) AS st FROM ${numbers(from, count)}) j`,
  );
  await fill(pool, 'customer_jobs', OPTIONS.jobs, (from, count) => `INSERT INTO customer_jobs (customer_id, Job_id) SELECT 1 + (i * 31) % ${customers}, i + 1 FROM ${numbers(from, count)}`);
  // Per row: its job (rows run oldest to newest with the jobs), channel, gateway, state and receipt by the row number's digits.
  await fill(pool, 'notification_log', OPTIONS.logRows, (from, count) =>
    `INSERT INTO notification_log (message_key, Job_id, customer_id, kind, channel, state, attempts, gateway, to_masked, error_code, detail, reason,
       delivery_status, created_at, updated_at, settled_at, content)
     SELECT CONCAT('bench-', i), job, 1 + ((job - 1) * 31) % ${customers}, ELT(1 + i % 4, 'job-received', 'job-in-progress', 'job-completed', 'job-closed'),
       ch, st, IF(st = 'skipped', 0, 1), IF(st = 'skipped', NULL, ELT(FIELD(ch, 'sms', 'whatsapp', 'email'), 'vonage-sms', 'vonage-messages', 'smtp')), '***123',
       IF(st IN ('failed', 'retrying'), '1', NULL), NULL, CASE st WHEN 'failed' THEN 'provider-error' WHEN 'skipped' THEN 'no-address' WHEN 'unknown' THEN 'outcome-unknown' ELSE NULL END,
       IF(st = 'sent' AND ch <> 'email' AND i % 3 > 0, 'delivered', NULL), at, at, IF(st IN ('sent', 'failed', 'skipped', 'unknown'), at, NULL), '{"text":"Hi Ada, your repair (job 123) is finished and ready for you."}'
     FROM (SELECT i, 1 + FLOOR(i * ${OPTIONS.jobs} / ${OPTIONS.logRows}) AS job,
             ELT(1 + (i DIV 7) % 10, 'sms', 'sms', 'sms', 'sms', 'sms', 'sms', 'whatsapp', 'whatsapp', 'email', 'email') AS ch,
             CASE WHEN i % 1000 = 7 THEN 'unknown' WHEN i % 100 = 3 THEN 'failed' WHEN i % 50 = 1 THEN 'skipped'
               WHEN i > ${OPTIONS.logRows} - 2000 AND i % 10 = 5 THEN 'scheduled' WHEN i > ${OPTIONS.logRows} - 2000 AND i % 10 = 6 THEN 'retrying' ELSE 'sent' END AS st,
             FROM_UNIXTIME(${(END - SPAN_MS) / 1000} + i * ${SPAN_MS / 1000 / OPTIONS.logRows}) AS at
           FROM ${numbers(from, count)}) r`,
  );
  await pool.query('DROP TABLE bench_numbers');
  await pool.query('ANALYZE TABLE customers, job_tracking, customer_jobs, notification_log');
  return { customers };
}

/** A pool that remembers every query sent through it, so the bench EXPLAINs exactly what the console ran. */
function recording(pool: MysqlPool): { pool: MysqlPool; take(): Array<{ sql: string; values: unknown }> } {
  let sent: Array<{ sql: string; values: unknown }> = [];
  const proxy = new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return (sql: string, values: unknown) => {
        sent.push({ sql, values });
        return target.query(sql, values as never);
      };
    },
  });
  return {
    pool: proxy,
    take() {
      const taken = sent;
      sent = [];
      return taken;
    },
  };
}

const BIG_TABLES = new Set(['job_tracking', 'customer_jobs', 'customers', 'notification_log', 'n', 't', 'cj', 'c']);

async function explain(pool: MysqlPool, queries: Array<{ sql: string; values: unknown }>): Promise<{ text: string; fullScan: boolean }> {
  const lines: string[] = [];
  let fullScan = false;
  for (const { sql, values } of queries) {
    const [plan] = await pool.query<RowDataPacket[]>(`EXPLAIN ${sql}`, values as never);
    for (const row of plan) {
      const table = String(row.table);
      if (row.type === 'ALL' && BIG_TABLES.has(table)) fullScan = true;
      lines.push(`    ${String(row.select_type).padEnd(18)} ${table.padEnd(18)} ${String(row.type).padEnd(7)} key=${String(row.key).padEnd(30)} rows=${String(row.rows).padEnd(8)} ${String(row.Extra ?? '')}`);
    }
  }
  return { text: lines.join('\n'), fullScan };
}

interface Scenario {
  list: 'jobs' | 'messages';
  name: string;
  run: () => Promise<number>;
}

void runBenchmark({
  key: 'console',
  title: 'Staff console lists',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'migration, filling the ledger, warm-up, samples, plans',
  async run({ date }) {
    const ledger = await createBenchDatabase('console');
    try {
      await migrateLedger(ledger.pool);
      const t0 = performance.now();
      const filler = await mysql.createConnection({ uri: ledger.url });
      const { customers } = await fillLedger(filler).finally(() => filler.end());
      const fillSeconds = (performance.now() - t0) / 1000;
      const recorder = recording(ledger.pool);
      const jobs = new MysqlConsoleJobs(recorder.pool);
      const messages = new MysqlConsoleMessages(recorder.pool);
      const timezone = 'Europe/London';
      const listJobs = async (request: Omit<JobListRequest, 'limit'>) => {
        const page = await listConsoleJobs({ jobs }, { ...request, limit: 50 });
        verify(page.ok, `jobs list refused ${JSON.stringify(request)}`);
        return page.ok ? page.value.items.length : 0;
      };
      const listMessages = async (request: Omit<MessageListRequest, 'limit'>) => {
        const page = await listConsoleMessages({ messages, timezone }, { ...request, limit: 50 });
        verify(page.ok, `messages list refused ${JSON.stringify(request)}`);
        return page.ok ? page.value.items.length : 0;
      };
      const [[middle]] = await ledger.pool.query<RowDataPacket[]>('SELECT created_at, message_key FROM notification_log WHERE message_key = ?', [`bench-${Math.floor(OPTIONS.logRows / 2)}`]);
      const day = new Date(END - SPAN_MS / 2).toISOString().slice(0, 10);
      const someCustomer = 1 + Math.floor(customers / 3);
      const scenarios: Scenario[] = [
        { list: 'jobs', name: 'first page', run: () => listJobs({}) },
        { list: 'jobs', name: 'status IN PROGRESS', run: () => listJobs({ status: 'IN PROGRESS' }) },
        { list: 'jobs', name: 'status CLOSED, deep page (cursor)', run: () => listJobs({ status: 'CLOSED', cursor: encodeCursor(Math.floor(OPTIONS.jobs / 3)) }) },
        { list: 'jobs', name: 'name search "Cat Sm"', run: () => listJobs({ q: 'Cat Sm' }) },
        { list: 'jobs', name: 'name search "Tom"', run: () => listJobs({ q: 'Tom' }) },
        { list: 'jobs', name: 'last digits "4321"', run: () => listJobs({ q: '4321' }) },
        { list: 'jobs', name: 'job id', run: () => listJobs({ q: String(Math.floor(OPTIONS.jobs / 2)).padStart(5, '0') }) },
        { list: 'jobs', name: 'deep page (cursor)', run: () => listJobs({ cursor: encodeCursor(Math.floor(OPTIONS.jobs / 2)) }) },
        { list: 'messages', name: 'first page', run: () => listMessages({}) },
        { list: 'messages', name: 'outcome failed', run: () => listMessages({ outcome: 'failed' }) },
        { list: 'messages', name: 'outcome unknown', run: () => listMessages({ outcome: 'unknown' }) },
        { list: 'messages', name: 'outcome delivered', run: () => listMessages({ outcome: 'delivered' }) },
        { list: 'messages', name: 'channel whatsapp + gateway', run: () => listMessages({ channel: 'whatsapp', gateway: 'vonage-messages' }) },
        { list: 'messages', name: 'customer', run: () => listMessages({ customerId: someCustomer }) },
        { list: 'messages', name: 'one day (from = to)', run: () => listMessages({ from: day, to: day }) },
        { list: 'messages', name: 'failed sms in one day', run: () => listMessages({ outcome: 'failed', channel: 'sms', from: day, to: day }) },
        { list: 'messages', name: 'deep page (cursor)', run: () => listMessages({ cursor: encodeCursor([(middle!.created_at as Date).toISOString(), String(middle!.message_key)]) }) },
      ];

      const header: Row = ['list', 'scenario', 'rows', 'p50', 'p95', 'target p95', 'plan (key per table)'];
      const rows: Row[] = [];
      const plans: string[] = [];
      const slow: string[] = [];
      for (const scenario of scenarios) {
        for (let i = 0; i < 5; i += 1) await scenario.run();
        recorder.take();
        const found = await scenario.run();
        const plan = await explain(ledger.pool, recorder.take());
        verify(!plan.fullScan, `${scenario.list} ${scenario.name} scans a whole table:\n${plan.text}`);
        const samples: number[] = [];
        for (let i = 0; i < OPTIONS.samples; i += 1) {
          const start = performance.now();
          await scenario.run();
          samples.push(performance.now() - start);
        }
        recorder.take();
        const p95 = percentile(samples, 95);
        if (p95 >= OPTIONS.targetP95Ms) slow.push(`${scenario.list} ${scenario.name} (${ms(p95)})`);
        const keys = [...plan.text.matchAll(/ (\S+)\s+\S+\s+key=(\S+)/g)].map((m) => `${m[1]}:${m[2]}`).join(', ');
        rows.push([scenario.list, scenario.name, String(found), ms(percentile(samples, 50)), ms(p95), `< ${OPTIONS.targetP95Ms} ms`, keys]);
        plans.push(`${scenario.list}, ${scenario.name}:\n${plan.text}`);
        log(`${scenario.list} ${scenario.name}: p50 ${ms(percentile(samples, 50))}, p95 ${ms(p95)}`);
      }
      console.log(`\nEXPLAIN of each scenario's queries:\n${plans.join('\n')}\n`);
      verify(slow.length === 0, `p95 at or over ${OPTIONS.targetP95Ms} ms: ${slow.join('; ')}`);
      return {
        console: textTable(header, rows),
        markdown: [
          `Run with \`npm run bench:console\` (bench/console.ts) on ${date}, on the machine above; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end (the machine is shared).`,
          '',
          `The ledger held ${int(OPTIONS.jobs)} jobs (job_tracking, customer_jobs), ${int(customers)} customers and ${int(OPTIONS.logRows)} notification-log rows, written by INSERT ... SELECT in ${fillSeconds.toFixed(0)} s. Each scenario is the console's use case over its MySQL adapter (the SQL of \`GET /api/staff/jobs\` and \`GET /api/staff/messages\`), 50 rows a page, ${OPTIONS.samples} runs in sequence after 5 to warm up; every query it sends was EXPLAINed and none scans a whole table.`,
          '',
          markdownTable(header, rows),
        ].join('\n'),
      };
    } finally {
      await ledger.drop();
    }
  },
});
