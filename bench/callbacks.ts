/**
 * `npm run bench:callbacks`: (1) signed payment callbacks through the real `payments` HTTP function
 * (registered through the captured `@azure/functions-core`, as the tests do) against real MariaDB
 * and the embedded Cosmos server, and (2) the status-mirroring idle poll on a 1,000,000-row `Jobs`
 * table with 1,000 open jobs. Throwaway databases, dropped at the end. Not a test.
 *
 * Knobs (environment): BENCH_PAYMENT_JOBS (2000), BENCH_PAYMENT_CONCURRENCY (8), BENCH_IDLE_ROWS
 * (1000000), BENCH_IDLE_POLLS (200), BENCH_WRITE=0 to leave docs/benchmarks.md alone,
 * BENCH_COSMOS=inprocess, BENCH_MYSQL_URL.
 */
// Like the Functions worker: provide @azure/functions-core before any function module is loaded.
import '../test/setup/functionsCore.js';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { migrateLedger } from '../src/adapters/mysql/ledgerMigrations.js';
import { pollSettings } from '../src/modules/jobs.js';
import { loadConfig } from '../src/config.js';
import { signPayment } from '../src/adapters/signatures/paymentSignature.js';
import { CLIENT_JOBS_DDL } from '../dev/defaults.js';
import '../src/functions/payments/payments.js';
import { invokeHttp, startBenchRelay } from './lib/functions.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { loadIdleJobs, measureIdlePolls, openTrackedJobs } from './lib/idlePoll.js';
import { FakeNotificationQueue } from '../test/contracts/notifications/notificationQueue.fake.js';
import { Profile, stepsPerPollRows } from './lib/profile.js';
import { createBenchDatabase, wirePollDeps, type BenchCosmos } from './lib/stack.js';
import { int, ms, percentile, summarize } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';
import { verify } from '../test/kit/verify.js';

const OPTIONS = {
  paymentJobs: envInt('BENCH_PAYMENT_JOBS', 2000),
  concurrency: envInt('BENCH_PAYMENT_CONCURRENCY', 8),
  idleRows: envInt('BENCH_IDLE_ROWS', 1_000_000),
  idlePolls: envInt('BENCH_IDLE_POLLS', 200),
  idleWarmupPolls: 20,
  /** Open jobs during the idle polls: every 1000th job (1,000 of a million), each OPENED or IN PROGRESS in Jobs. */
  openEvery: 1000,
  openedEvery: 2000,
  inProgressEvery: 100,
  noMobileEvery: 1000,
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 5 * 60_000,
  targetIdleMs: 10,
};

const SECRET = 'bench-payment-secret';
const log = benchLog('callbacks');


/** The app's one-JSON-line-per-event logs, counted instead of printed while timing (thousands of lines). */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; lines: number }> {
  const saved = { info: console.info, warn: console.warn };
  let lines = 0;
  console.info = () => void (lines += 1);
  console.warn = () => void (lines += 1);
  try {
    return { value: await fn(), lines };
  } finally {
    console.info = saved.info;
    console.warn = saved.warn;
  }
}

// ---------------------------------------------------------------------------------------------
// Part 1: signed payment callbacks through the payments function

interface PaymentRun {
  jobs: number;
  concurrency: number;
  ingestMs: number;
  elapsedMs: number;
  latencies: number[];
  statuses: Map<number, number>;
  paymentRows: number;
  logLines: number;
}

async function postPayment(jobId: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify({ paymentId: randomUUID(), jobId, amount: '45.500', currency: 'GBP', paidAt: new Date().toISOString() });
  return invokeHttp('payments', body, { 'x-signature': signPayment(body, SECRET, Date.now() / 1000) });
}

async function runPayments(cosmos: BenchCosmos): Promise<PaymentRun> {
  const jobs = OPTIONS.paymentJobs;
  const bench = await startBenchRelay(cosmos, 'pay', { PAYMENT_WEBHOOK_SECRET: SECRET });
  const { relay, client, ledger } = bench;
  try {
    await client.pool.query(CLIENT_JOBS_DDL);
    const rows: unknown[][] = [];
    for (let id = 1; id <= jobs; id++) {
      rows.push([id, 'warranty repair', 'NEW', 'Joe', 'Bloggs', 'SG13 7TZ', `0777${id % 10} ${String((id * 7919) % 1_000_000).padStart(6, '0')}`, String(100_000 + id), 'kettle']);
    }
    await client.pool.query(
      'INSERT INTO Jobs (Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type) VALUES ?',
      [rows],
    );
    const ingestStart = performance.now();
    await quietly(async () => {
      for (let polls = 0; ; polls++) {
        const report = await relay.pollClientJobs();
        if (report.checkpoint >= jobs) break;
        if (polls > 100) throw new Error('payments: ingestion not caught up after 100 polls');
      }
    });
    const ingestMs = performance.now() - ingestStart;
    log(`payments: ${int(jobs)} jobs ingested in ${(ingestMs / 1000).toFixed(1)} s; posting one signed payment each, ${OPTIONS.concurrency} at a time`);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let next = 1;
    const start = performance.now();
    const { lines } = await quietly(() =>
      Promise.all(
        Array.from({ length: OPTIONS.concurrency }, async () => {
          while (next <= jobs) {
            const jobId = next++;
            const t0 = performance.now();
            const response = await postPayment(jobId);
            latencies.push(performance.now() - t0);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status !== 201) log(`payments: job ${jobId} answered ${response.status} ${JSON.stringify(response.body)}`);
          }
        }),
      ),
    );
    const elapsedMs = performance.now() - start;
    const [[count]] = await ledger.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n, COUNT(DISTINCT Job_id) AS jobs FROM payments');
    const paymentRows = Number(count?.n);
    verify(statuses.get(201) === jobs && statuses.size === 1, `answers: ${JSON.stringify([...statuses])}, expected ${jobs} x 201`);
    verify(paymentRows === jobs && Number(count?.jobs) === jobs, `payments has ${paymentRows} rows over ${count?.jobs} jobs, expected ${jobs}`);
    return { jobs, concurrency: OPTIONS.concurrency, ingestMs, elapsedMs, latencies, statuses, paymentRows, logLines: lines };
  } finally {
    await bench.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Part 2: the status-mirroring idle poll on a million rows

interface MirrorRun {
  rows: number;
  openJobs: number;
  tableMiB: number;
  loadMs: number;
  samples: number[];
  diskReadsPerPoll: number;
  profile: Profile;
  migrations: string[];
}

async function runMirror(cosmos: BenchCosmos): Promise<MirrorRun> {
  const rows = OPTIONS.idleRows;
  const client = await createBenchDatabase('client_mirror');
  const ledger = await createBenchDatabase('ledger_mirror');
  try {
    await client.pool.query(CLIENT_JOBS_DDL);
    await migrateLedger(ledger.pool);
    const [applied] = await ledger.pool.query<RowDataPacket[]>('SHOW INDEX FROM job_tracking');
    const indexes = [...new Set(applied.map((r) => String(r.Key_name)))];
    const loadStart = performance.now();
    const { tableMiB } = await loadIdleJobs(client.pool, ledger.pool, {
      rows,
      openedEvery: OPTIONS.openedEvery,
      inProgressEvery: OPTIONS.inProgressEvery,
      noMobileEvery: OPTIONS.noMobileEvery,
    });
    const openJobs = await openTrackedJobs(ledger.pool, rows, OPTIONS.openEvery);
    const loadMs = performance.now() - loadStart;
    log(`mirror: ${int(rows)} Jobs rows (${tableMiB.toFixed(0)} MiB) and job_tracking rows loaded, ${int(openJobs)} open, in ${(loadMs / 1000).toFixed(1)} s; job_tracking indexes: ${indexes.join(', ')}`);

    const { container } = await cosmos.open(`jobs_bench_mirror_${Date.now()}`);
    const settings = pollSettings(loadConfig(process.env, { localHost: true }));
    const queue = new FakeNotificationQueue();
    const profile = new Profile();
    const deps = wirePollDeps({ clientPool: client.pool, ledgerPool: ledger.pool, container, queue, settings, profile: new Profile() });
    const timed = wirePollDeps({ clientPool: client.pool, ledgerPool: ledger.pool, container, queue, settings, profile });
    const measured = await measureIdlePolls({ deps, timed, rows, openJobs, polls: OPTIONS.idlePolls, warmupPolls: OPTIONS.idleWarmupPolls, ledgerPool: ledger.pool });
    verify(queue.messages.length === 0, 'an idle poll queued messages');
    await container.delete().catch(() => undefined);
    const stats = summarize(measured.samples);
    log(`mirror (${int(openJobs)} open jobs): median ${ms(stats.median)}, p95 ${ms(stats.p95)} over ${stats.n} polls`);
    return { rows, openJobs, tableMiB, loadMs, samples: measured.samples, diskReadsPerPoll: measured.diskReadsPerPoll, profile, migrations: indexes };
  } finally {
    await Promise.allSettled([client.drop(), ledger.drop()]);
  }
}

// ---------------------------------------------------------------------------------------------

function buildReport(pay: PaymentRun, mirror: MirrorRun, cosmosWhere: string, date: string) {
  const lat = summarize(pay.latencies);
  const rps = pay.jobs / (pay.elapsedMs / 1000);
  const payHeader = ['callbacks', 'concurrency', 'wall time', 'requests/s', 'p50', 'p99', 'max', 'answers', 'payments rows'];
  const payRows: Row[] = [
    [
      int(pay.jobs),
      int(pay.concurrency),
      `${(pay.elapsedMs / 1000).toFixed(2)} s`,
      int(rps),
      ms(lat.median),
      ms(percentile(pay.latencies, 99)),
      ms(lat.max),
      [...pay.statuses].map(([status, n]) => `${int(n)} x ${status}`).join(', '),
      int(pay.paymentRows),
    ],
  ];
  const m = summarize(mirror.samples);
  const verdict = m.median <= OPTIONS.targetIdleMs ? 'met' : 'MISSED';
  const mirrorHeader = ['Jobs rows', 'open jobs', 'polls', 'median', 'p95', 'min', 'max', 'InnoDB disk reads / poll', `median ≤ ${OPTIONS.targetIdleMs} ms`];
  const mirrorRows: Row[] = [
    [int(mirror.rows), int(mirror.openJobs), int(m.n), ms(m.median), ms(m.p95), ms(m.min), ms(m.max), mirror.diskReadsPerPoll.toFixed(1), verdict],
  ];
  const stepHeader = ['step, per poll', 'calls', 'time'];
  const stepRows = stepsPerPollRows([mirror.profile], OPTIONS.idlePolls);

  const console_ = [
    '',
    `Signed payment callbacks through the payments function (${int(pay.jobs)} ingested jobs, one payment each)`,
    textTable(payHeader, payRows),
    '',
    `Status-mirroring idle poll, ${int(mirror.rows)} Jobs rows, ${int(mirror.openJobs)} open; job_tracking indexes: ${mirror.migrations.join(', ')}`,
    textTable(mirrorHeader, mirrorRows),
    `Target: median ≤ ${OPTIONS.targetIdleMs} ms: ${verdict}`,
    '',
    textTable(stepHeader, stepRows),
    '',
  ].join('\n');

  const markdown = [
    `Run ${date} with \`npm run bench:callbacks\` (bench/callbacks.ts) on the machine above; Cosmos server ${cosmosWhere}.`,
    '',
    '### Signed payment callbacks',
    '',
    `${int(pay.jobs)} \`NEW\` jobs ingested by \`relay.pollClientJobs()\` (${(pay.ingestMs / 1000).toFixed(1)} s; courtesy SMS to an in-memory queue, not sent), then one payment per job, each with its own \`paymentId\` and a fresh \`x-signature\` from \`signPayment\`, posted to the real \`payments\` function (its captured registration, the library's \`HttpRequest\` and \`InvocationContext\`) ${int(pay.concurrency)} at a time. The relay is \`buildRelay(loadConfig(...))\` over MariaDB and the embedded Cosmos server; each payment checks the Cosmos document, inserts into \`payments\`, appends to \`job_trans\` and adds the payment to the document (the jobs are \`NEW\`, so no closure starts). Latency is per request, from building the request to reading the response.${pay.logLines > 0 ? ` The app's ${int(pay.logLines)} JSON log lines were counted, not printed, while timing.` : ''}`,
    '',
    markdownTable(payHeader, payRows),
    '',
    `Checked: every answer 201; \`payments\` holds exactly ${int(pay.paymentRows)} rows, one per job.`,
    '',
    '### Status-mirroring idle poll',
    '',
    `\`pollClientJobs\` with the real adapters (wired as \`buildRelay\` wires them) on a ${int(mirror.rows)}-row \`Jobs\` table (${mirror.tableMiB.toFixed(0)} MiB) where nothing is \`NEW\`, every job tracked in \`job_tracking\` and the checkpoint at the top; ${int(mirror.openJobs)} tracked jobs open (every ${OPTIONS.openEvery}th: \`OPENED\` or \`IN PROGRESS\`, matching the client rows), so the poll is idle except for mirroring them and finds nothing to change. Set-up and measuring code shared with the ingest bench's idle poll (bench/lib/idlePoll.ts). \`job_tracking\` indexes after the ledger migrations in the tree at run time: ${mirror.migrations.map((i) => `\`${i}\``).join(', ')}. ${OPTIONS.idleWarmupPolls} warm-up polls, then ${int(m.n)} timed.`,
    '',
    markdownTable(mirrorHeader, mirrorRows),
    '',
    `**Median ${ms(m.median)}** (target ≤ ${OPTIONS.targetIdleMs} ms: ${verdict}).`,
    '',
    'Time per step and poll:',
    '',
    markdownTable(stepHeader, stepRows),
  ].join('\n');
  return { console: console_, markdown };
}

runBenchmark({
  key: 'callbacks',
  title: 'Callbacks',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'both set-ups, the callbacks, the polls and the checks',
  async run({ cosmos, date }) {
    const pay = await runPayments(cosmos);
    const mirror = await runMirror(cosmos);
    return buildReport(pay, mirror, cosmos.where, date);
  },
}).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
