/**
 * `npm run bench:ingest` (issue 2): how fast pollClientJobs ingests a backlog, batched against
 * one job at a time, and what an idle poll costs on a 1,000,000-row `Jobs` table. Real adapters
 * throughout: MariaDB (throwaway databases, dropped at the end), the embedded Cosmos server and an
 * in-memory queue behind the NotificationQueue port. Not a test; `npm test` never runs it.
 *
 * Knobs (environment): BENCH_INGEST_JOBS (100000), BENCH_NO_MOBILE_JOBS (20000), BENCH_NAIVE_JOBS (10000), BENCH_IDLE_ROWS
 * (1000000), BENCH_IDLE_POLLS (200), BENCH_WRITE=0 to leave docs/benchmarks.md alone,
 * BENCH_COSMOS=inprocess to run the Cosmos server in this process, BENCH_MYSQL_URL.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { migrateLedger } from '../src/adapters/mysql/ledgerMigrations.js';
import { MysqlClientJobs } from '../src/adapters/mysql/clientJobs.js';
import type { MysqlPool } from '../src/adapters/mysql/pool.js';
import { pollSettings } from '../src/modules/jobs.js';
import { loadConfig } from '../src/config.js';
import { pollClientJobs, type PollReport, type PollSettings } from '../src/domain/jobs/pollClientJobs.js';
import { toE164 } from '../src/domain/shared/phone.js';
import { FakeNotificationQueue } from '../test/contracts/notifications/notificationQueue.fake.js';
import { JOB_COLUMNS, loadIdleJobs, measureIdlePolls, openTrackedJobs, waitForInnodbToSettle } from './lib/idlePoll.js';
import { CLIENT_JOBS_DDL } from '../dev/defaults.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { machineLine, type Machine } from './lib/machine.js';
import { Profile, stepsPerPollRows } from './lib/profile.js';
import { createBenchDatabase, wirePollDeps, type BenchCosmos } from './lib/stack.js';
import { int, median, ms, summarize, timeRuns } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';
import { verify } from '../test/kit/verify.js';
import { stepName } from '../test/kit/steps.js';

const OPTIONS = {
  backlogJobs: envInt('BENCH_INGEST_JOBS', 100_000),
  naiveJobs: envInt('BENCH_NAIVE_JOBS', 10_000),
  /**
   * A backlog where no job has a usable mobile (issue 13 item 3): every courtesy SMS is skipped and
   * the job opened at once. It is compared with a backlog of the same size with valid mobiles, run
   * just before it, since the rate depends on the size of the backlog.
   */
  noMobileJobs: envInt('BENCH_NO_MOBILE_JOBS', 20_000),
  idleRows: envInt('BENCH_IDLE_ROWS', 1_000_000),
  idlePolls: envInt('BENCH_IDLE_POLLS', 200),
  idleWarmupPolls: 20,
  /**
   * Open (tracked, not CLOSED) jobs during the idle polls, as a share of the rows (0, 0.1%, 1%, 10%:
   * 0, 1,000, 10,000 and 100,000 of a million): the status mirror visits a slice of them each poll.
   */
  idleOpenEvery: [0, 1000, 100, 10],
  /** Client statuses of the idle table: every 1000th job OPENED, every other 10th IN PROGRESS, the rest CLOSED. */
  idleOpenedEvery: 1000,
  idleInProgressEvery: 10,
  /** Every n-th job has no mobile number (a few, as in real data). */
  noMobileEvery: 1000,
  rowsPerInsert: 5000,
  cosmosSample: 1000,
  write: process.env.BENCH_WRITE !== '0',
  /** The whole run gives up (and cleans up) after this long. */
  deadlineMs: 30 * 60_000,
  targetSpeedup: 10,
  /** The no-mobile backlog is ingested at least at this share of the valid-mobile rate (within 1.5x). */
  targetNoMobileShare: 2 / 3,
  targetIdleMs: 5,
  /** Issue 13: the idle poll with open jobs to mirror, up to 100,000 of them. */
  targetMirrorIdleMs: 20,
};

const log = benchLog('ingest');

// ---------------------------------------------------------------------------------------------
// The client `Jobs` backlog

const FIRST_NAMES = ['Joe', 'Amira', 'Siobhan', 'Tomasz', 'Priya', 'Gareth', 'Chen', 'Olu'];
const PRODUCTS = ['spider catcher', 'kettle', 'lawnmower', 'hair dryer', 'toaster'];

/** A valid GB mobile written as the client system writes it ('07770 123456'); none for every n-th job. */
export function mobileFor(jobId: number): string | null {
  if (jobId % OPTIONS.noMobileEvery === 0) return null;
  return `0777${jobId % 10} ${String((jobId * 7919) % 1_000_000).padStart(6, '0')}`;
}

/** What a client system holds where a mobile should be, none of it textable (no number, a landline, a note). */
const UNUSABLE_MOBILES = [null, '', '020 7946 0018', 'see notes', '01992 500600'];

export function unusableMobileFor(jobId: number): string | null {
  return UNUSABLE_MOBILES[jobId % UNUSABLE_MOBILES.length]!;
}

type MobileFor = (jobId: number) => string | null;

/** Loads jobs 1..count as NEW, in multi-row INSERTs. */
async function loadBacklog(pool: MysqlPool, count: number, mobile: MobileFor): Promise<void> {
  for (let first = 1; first <= count; first += OPTIONS.rowsPerInsert) {
    const rows: unknown[][] = [];
    for (let id = first; id < Math.min(first + OPTIONS.rowsPerInsert, count + 1); id++) {
      rows.push([
        id,
        id % 7 === 0 ? 'chargeable repair' : 'warranty repair',
        'NEW',
        FIRST_NAMES[id % FIRST_NAMES.length],
        'Bloggs',
        'SG13 7TZ',
        mobile(id),
        String(100_000 + id),
        PRODUCTS[id % PRODUCTS.length],
      ]);
    }
    await pool.query(`INSERT INTO Jobs (${JOB_COLUMNS}) VALUES ?`, [rows]);
  }
}

// ---------------------------------------------------------------------------------------------
// Part 1: backlog ingestion, batched against one job at a time

interface IngestRun {
  label: string;
  jobs: number;
  batchSize: number;
  polls: number;
  elapsedMs: number;
  jobsPerSecond: number;
  loadMs: number;
  profile: Profile;
  reports: PollReport[];
  checks: string[];
}

async function runIngest(cosmos: BenchCosmos, label: string, jobs: number, settings: PollSettings, mobile: MobileFor = mobileFor): Promise<IngestRun> {
  const client = await createBenchDatabase('client');
  const ledger = await createBenchDatabase('ledger');
  try {
    await client.pool.query(CLIENT_JOBS_DDL);
    await migrateLedger(ledger.pool);
    const loadStart = performance.now();
    await loadBacklog(client.pool, jobs, mobile);
    const loadMs = performance.now() - loadStart;
    const containerName = `jobs_bench_${label}_${Date.now()}`;
    const { container } = await cosmos.open(containerName);
    const queue = new FakeNotificationQueue();
    const profile = new Profile();
    const deps = wirePollDeps({ clientPool: client.pool, ledgerPool: ledger.pool, container, queue, settings, profile });
    log(`${label}: ${int(jobs)} NEW jobs loaded in ${(loadMs / 1000).toFixed(1)} s; polling with batch size ${settings.batchSize}`);

    const reports: PollReport[] = [];
    const start = performance.now();
    while (reports.length === 0 || reports.at(-1)!.checkpoint < jobs) {
      reports.push(await pollClientJobs(deps));
      if (reports.length > 100) throw new Error(`${label}: still not caught up after 100 polls`);
    }
    const elapsedMs = performance.now() - start;
    log(`${label}: ${int(jobs)} jobs in ${(elapsedMs / 1000).toFixed(1)} s over ${reports.length} poll(s); verifying`);

    const checks = await verifyIngest({ jobs, mobile, clientPool: client.pool, ledgerPool: ledger.pool, container, queue, reports });
    await container.delete().catch(() => undefined);
    return { label, jobs, batchSize: settings.batchSize, polls: reports.length, elapsedMs, jobsPerSecond: jobs / (elapsedMs / 1000), loadMs, profile, reports, checks };
  } finally {
    await Promise.allSettled([client.drop(), ledger.drop()]);
  }
}


/** Exact counts in MariaDB and the queue; Cosmos by point reads on a spread sample. */
async function verifyIngest(run: {
  jobs: number;
  mobile: MobileFor;
  clientPool: MysqlPool;
  ledgerPool: MysqlPool;
  container: import('@azure/cosmos').Container;
  queue: FakeNotificationQueue;
  reports: PollReport[];
}): Promise<string[]> {
  const { jobs } = run;
  const unusable = Array.from({ length: jobs }, (_, i) => i + 1).filter((id) => !toE164(run.mobile(id)).ok);
  const noMobile = unusable.length;
  const withMobile = jobs - noMobile;
  const count = async (pool: MysqlPool, sql: string) => Number((await pool.query<RowDataPacket[]>(sql))[0][0]?.n);

  const ingested = run.reports.reduce((sum, r) => sum + r.ingested, 0);
  verify(ingested === jobs, `reports say ${ingested} ingested, expected ${jobs}`);

  const messages = run.queue.messages;
  verify(messages.length === withMobile, `queue holds ${messages.length} messages, expected ${withMobile}`);
  verify(new Set(messages.map((m) => m.messageId)).size === withMobile, 'queue messageIds are not unique');
  verify(run.queue.duplicatesDropped === 0, `${run.queue.duplicatesDropped} duplicate messages were enqueued`);

  const byEvent = new Map(
    (await run.ledgerPool.query<RowDataPacket[]>('SELECT event_type, COUNT(*) AS n FROM job_trans GROUP BY event_type'))[0].map(
      (row) => [String(row.event_type), Number(row.n)],
    ),
  );
  const transRows = [...byEvent.values()].reduce((a, b) => a + b, 0);
  verify(byEvent.get('INGEST') === jobs, `job_trans has ${byEvent.get('INGEST')} INGEST rows, expected ${jobs}`);
  verify(transRows === jobs + 2 * noMobile, `job_trans has ${transRows} rows, expected ${jobs + 2 * noMobile}`);
  const ingestJobs = await count(run.ledgerPool, "SELECT COUNT(DISTINCT Job_id) AS n FROM job_trans WHERE event_type = 'INGEST'");
  verify(ingestJobs === jobs, `INGEST rows cover ${ingestJobs} jobs, expected ${jobs}`);

  const queued = await count(run.ledgerPool, "SELECT COUNT(*) AS n FROM notification_log WHERE kind = 'job-received' AND state = 'queued'");
  const skipped = await count(run.ledgerPool, "SELECT COUNT(*) AS n FROM notification_log WHERE kind = 'job-received' AND state = 'skipped'");
  const smsRows = await count(run.ledgerPool, 'SELECT COUNT(*) AS n FROM notification_log');
  verify(queued === withMobile && skipped === noMobile && smsRows === jobs, `notification_log has ${queued} queued + ${skipped} skipped of ${smsRows}`);

  const mobiles = new Set(Array.from({ length: jobs }, (_, i) => toE164(run.mobile(i + 1))).flatMap((phone) => (phone.ok ? [phone.e164] : [])));
  const customers = await count(run.ledgerPool, 'SELECT COUNT(*) AS n FROM customers');
  const linked = await count(run.ledgerPool, 'SELECT COUNT(*) AS n FROM customer_jobs');
  verify(customers === mobiles.size && linked === withMobile, `${customers} customers and ${linked} job links, expected ${mobiles.size} and ${withMobile}`);

  const tracked = await count(run.ledgerPool, 'SELECT COUNT(*) AS n FROM job_tracking WHERE is_open = 1');
  verify(tracked === jobs, `job_tracking has ${tracked} open jobs, expected ${jobs}`);
  const opened = await count(run.clientPool, "SELECT COUNT(*) AS n FROM Jobs WHERE Job_status = 'OPENED'");
  verify(opened === noMobile, `client Jobs has ${opened} OPENED, expected ${noMobile} (the jobs without a mobile)`);

  // Cosmos: point reads of a spread sample, every job without a mobile, the first and last, and one past the end.
  const sample = new Set<number>([1, jobs]);
  const step = Math.max(1, Math.floor(jobs / OPTIONS.cosmosSample));
  for (let id = step; id <= jobs; id += step) sample.add(id);
  for (const id of unusable.slice(0, OPTIONS.cosmosSample)) sample.add(id);
  let found = 0;
  const ids = [...sample];
  for (let i = 0; i < ids.length; i += 50) {
    const docs = await Promise.all(
      ids.slice(i, i + 50).map(async (id) => ({ id, doc: (await run.container.item(String(id), String(id)).read()).resource })),
    );
    for (const { id, doc } of docs) {
      verify(doc !== undefined, `Cosmos has no document for job ${id}`);
      const status = toE164(run.mobile(id)).ok ? 'NEW' : 'OPENED';
      verify(doc?.job_status === status && doc?.job_id === String(id), `Cosmos document ${id} has status ${doc?.job_status}, expected ${status}`);
      verify((typeof doc?.customer_id === 'number') === (status === 'NEW'), `Cosmos document ${id} has customer_id ${doc?.customer_id}`);
      found += 1;
    }
  }
  const beyond = (await run.container.item(String(jobs + 1), String(jobs + 1)).read()).resource;
  verify(beyond === undefined, `Cosmos has a document for job ${jobs + 1}, which does not exist`);

  return [
    `queue: ${int(messages.length)} messages, all messageIds distinct (expected ${int(withMobile)})`,
    `job_trans: ${int(transRows)} rows = ${int(jobs)} INGEST + ${int(noMobile)} SMS + ${int(noMobile)} STATUS (jobs without a mobile are OPENED at once)`,
    `notification_log: ${int(queued)} queued + ${int(skipped)} skipped; job_tracking: ${int(tracked)} open`,
    `customers: ${int(customers)} (one per distinct mobile), ${int(linked)} job links`,
    `Cosmos: ${int(found)} sampled documents found by point read with the right status; job ${int(jobs + 1)} absent`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Part 2: an idle poll against a large `Jobs` table

interface IdleVariant {
  openJobs: number;
  samples: number[];
  profile: Profile;
  /** InnoDB pages read from disk (not found in the buffer pool) per timed poll, server-wide. */
  diskReadsPerPoll: number;
  pageRequestsPerPoll: number;
}

interface IdleRun {
  rows: number;
  loadMs: number;
  tableMiB: number;
  variants: IdleVariant[];
  reads: Array<{ name: string; rows: number; samples: number[] }>;
}

async function runIdle(cosmos: BenchCosmos, baseSettings: PollSettings): Promise<IdleRun> {
  const rows = OPTIONS.idleRows;
  const client = await createBenchDatabase('client_idle');
  const ledger = await createBenchDatabase('ledger_idle');
  try {
    await client.pool.query(CLIENT_JOBS_DDL);
    await migrateLedger(ledger.pool);
    const loadStart = performance.now();
    // Every job already handled and tracked (closed in job_tracking), none NEW, the checkpoint at the top.
    const { tableMiB } = await loadIdleJobs(client.pool, ledger.pool, {
      rows,
      openedEvery: OPTIONS.idleOpenedEvery,
      inProgressEvery: OPTIONS.idleInProgressEvery,
      noMobileEvery: OPTIONS.noMobileEvery,
    });
    const loadMs = performance.now() - loadStart;
    log(`idle: ${int(rows)} rows loaded (Jobs ${tableMiB.toFixed(0)} MiB, plus ${int(rows)} job_tracking rows) in ${(loadMs / 1000).toFixed(1)} s`);

    const { container } = await cosmos.open(`jobs_bench_idle_${Date.now()}`);
    const variants: IdleVariant[] = [];
    // Only jobs that are OPENED or IN PROGRESS in Jobs (every 10th) are opened, so the mirror finds nothing to change.
    for (const every of OPTIONS.idleOpenEvery) {
      // Each variant starts its mirror cursor at the first open job.
      await ledger.pool.query("UPDATE poll_checkpoint SET mirror_job_id = 0 WHERE name = 'client-jobs'");
      const openStart = performance.now();
      const openJobs = every === 0 ? 0 : await openTrackedJobs(ledger.pool, rows, every);
      if (every === 0) await waitForInnodbToSettle(ledger.pool, ['job_tracking', 'poll_checkpoint']);
      if (every > 0) log(`idle: ${int(openJobs)} tracked jobs opened in ${((performance.now() - openStart) / 1000).toFixed(1)} s`);
      const profile = new Profile();
      const queue = new FakeNotificationQueue();
      const deps = wirePollDeps({ clientPool: client.pool, ledgerPool: ledger.pool, container, queue, settings: baseSettings, profile: new Profile() });
      const timed = wirePollDeps({ clientPool: client.pool, ledgerPool: ledger.pool, container, queue, settings: baseSettings, profile });
      const measured = await measureIdlePolls({ deps, timed, rows, openJobs, polls: OPTIONS.idlePolls, warmupPolls: OPTIONS.idleWarmupPolls, ledgerPool: ledger.pool });
      verify(queue.messages.length === 0, 'an idle poll queued messages');
      const stats = summarize(measured.samples);
      log(
        `idle (${int(openJobs)} open jobs): median ${ms(stats.median)}, p95 ${ms(stats.p95)} over ${measured.samples.length} polls; ` +
          `${measured.diskReadsPerPoll.toFixed(1)} InnoDB disk reads per poll`,
      );
      variants.push({ openJobs, profile, ...measured });
    }
    await container.delete().catch(() => undefined);

    // For scale: what a status scan costs on the same table, against the key-range reads the poller makes.
    await waitForInnodbToSettle(ledger.pool);
    const jobsAdapter = new MysqlClientJobs(client.pool);
    const mid = Math.floor(rows / 2);
    const reads: IdleRun['reads'] = [];
    const countNew = async () => client.pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM Jobs WHERE Job_status = 'NEW'");
    const [[newCount]] = await countNew();
    reads.push({ name: "full status scan: SELECT COUNT(*) FROM Jobs WHERE Job_status = 'NEW'", rows: Number(newCount?.n), samples: await timeRuns(7, countNew) });
    const sweep = await jobsAdapter.readNewJobsInRange(mid, mid + baseSettings.sweepIds);
    reads.push({
      name: `key range, status filter: sweep slice of ${int(baseSettings.sweepIds)} ids (readNewJobsInRange)`,
      rows: sweep.length,
      samples: await timeRuns(50, () => jobsAdapter.readNewJobsInRange(mid, mid + baseSettings.sweepIds)),
    });
    const batch = await jobsAdapter.readJobsAfter(mid, baseSettings.batchSize);
    reads.push({
      name: `key range: next ${int(baseSettings.batchSize)} rows after an id (readJobsAfter)`,
      rows: batch.length,
      samples: await timeRuns(50, () => jobsAdapter.readJobsAfter(mid, baseSettings.batchSize)),
    });
    reads.push({
      name: 'key range: rows after the checkpoint at the top (readJobsAfter, idle)',
      rows: (await jobsAdapter.readJobsAfter(rows, baseSettings.batchSize)).length,
      samples: await timeRuns(50, () => jobsAdapter.readJobsAfter(rows, baseSettings.batchSize)),
    });
    for (const read of reads) log(`read: ${read.name}: median ${ms(median(read.samples))}`);
    return { rows, loadMs, tableMiB, variants, reads };
  } finally {
    await Promise.allSettled([client.drop(), ledger.drop()]);
  }
}

// ---------------------------------------------------------------------------------------------
// Report

function profileRows(runs: IngestRun[]): Row[] {
  const keys = [...new Set(runs.flatMap((run) => [...run.profile.steps.keys()]))].sort(
    (a, b) => (runs[0]!.profile.steps.get(b)?.ms ?? 0) - (runs[0]!.profile.steps.get(a)?.ms ?? 0),
  );
  const cells = (run: IngestRun, key: string) => {
    const step = run.profile.steps.get(key);
    if (!step) return ['-', '-', '-'];
    return [int(step.calls), `${(step.ms / 1000).toFixed(2)} s`, `${((step.ms * 1000) / run.jobs).toFixed(0)} µs`];
  };
  const rows: Row[] = keys.map((key) => [stepName(key), ...runs.flatMap((run) => cells(run, key))]);
  rows.push([
    'domain code, mapping, event loop (wall minus port calls)',
    ...runs.flatMap((run) => {
      const rest = run.elapsedMs - run.profile.total();
      return ['', `${(rest / 1000).toFixed(2)} s`, `${((rest * 1000) / run.jobs).toFixed(0)} µs`];
    }),
  ]);
  rows.push([
    'total (wall)',
    ...runs.flatMap((run) => ['', `${(run.elapsedMs / 1000).toFixed(2)} s`, `${((run.elapsedMs * 1000) / run.jobs).toFixed(0)} µs`]),
  ]);
  return rows;
}

/** Issue 2's target for the poll with nothing open, issue 13's for polls with open jobs to mirror. */
function idleVerdict(variant: IdleVariant): string {
  const median = summarize(variant.samples).median;
  return variant.openJobs === 0
    ? `≤ ${OPTIONS.targetIdleMs} ms: ${median <= OPTIONS.targetIdleMs ? 'met' : 'missed'}`
    : `< ${OPTIONS.targetMirrorIdleMs} ms: ${median < OPTIONS.targetMirrorIdleMs ? 'met' : 'missed'}`;
}

function buildReport(
  machine: Machine,
  date: string,
  settings: PollSettings,
  { batched, valid, noMobile, naive }: { batched: IngestRun; valid: IngestRun; noMobile: IngestRun; naive: IngestRun },
  idle: IdleRun,
  cosmosWhere: string,
) {
  const speedup = batched.jobsPerSecond / naive.jobsPerSecond;
  const noMobileShare = noMobile.jobsPerSecond / valid.jobsPerSecond;
  const runs = [batched, valid, noMobile, naive];
  const pathName = (run: IngestRun) =>
    run === batched
      ? 'batched (production settings)'
      : run === valid
        ? 'batched, smaller backlog with valid mobiles'
        : run === noMobile
          ? 'batched, same backlog size, no usable mobile on any job'
          : 'naive (one job at a time)';
  const ingestHeader = ['path', 'jobs', 'batch size', 'polls', 'wall time', 'jobs/s', 'vs naive'];
  const ingestRows: Row[] = runs.map((run) => [
    pathName(run),
    int(run.jobs),
    int(run.batchSize),
    int(run.polls),
    `${(run.elapsedMs / 1000).toFixed(1)} s`,
    int(run.jobsPerSecond),
    `${(run.jobsPerSecond / naive.jobsPerSecond).toFixed(1)}x`,
  ]);
  const profileHeader = (shown: IngestRun[]) => ['step', ...shown.flatMap((run) => [`${run.label} calls`, 'time', 'per job'])];
  const pRows = profileRows([batched, naive]);
  const noMobileRows = profileRows([valid, noMobile]);

  const idleHeader = ['open jobs tracked', 'polls to visit all', 'polls', 'median', 'p95', 'min', 'max', 'InnoDB disk reads / poll', 'target'];
  const idleRows: Row[] = idle.variants.map((variant) => {
    const s = summarize(variant.samples);
    return [
      int(variant.openJobs),
      int(Math.ceil(variant.openJobs / settings.mirrorRows)),
      int(s.n),
      ms(s.median),
      ms(s.p95),
      ms(s.min),
      ms(s.max),
      variant.diskReadsPerPoll.toFixed(1),
      idleVerdict(variant),
    ];
  });
  const readHeader = ['read on the same table', 'rows returned', 'runs', 'median', 'p95', 'first run'];
  const readRows: Row[] = idle.reads.map((read) => {
    const s = summarize(read.samples);
    return [read.name, int(read.rows), int(s.n), ms(s.median), ms(s.p95), ms(read.samples[0]!)];
  });
  const idleStepHeader = ['step, per poll', ...idle.variants.flatMap((v) => [`${int(v.openJobs)} open: calls`, 'time'])];
  const idleStepRows = stepsPerPollRows(idle.variants.map((v) => v.profile), OPTIONS.idlePolls);

  const verdictIngest = speedup >= OPTIONS.targetSpeedup ? 'met' : 'MISSED';
  const verdictNoMobile = noMobileShare >= OPTIONS.targetNoMobileShare ? 'met' : 'MISSED';
  const noMobileLine =
    `No usable mobile: ${int(noMobile.jobsPerSecond)} jobs/s against ${int(valid.jobsPerSecond)} jobs/s with valid mobiles (${int(valid.jobs)} jobs each), ` +
    `${(valid.jobsPerSecond / noMobile.jobsPerSecond).toFixed(2)}x the time (target within 1.5x, at least ${int(valid.jobsPerSecond * OPTIONS.targetNoMobileShare)} jobs/s: ${verdictNoMobile})`;
  const verdictIdle = idle.variants.every((variant) => idleVerdict(variant).endsWith('met')) ? 'met' : 'MISSED';

  const console_ = [
    '',
    `Machine: ${machineLine(machine)}; Cosmos server ${cosmosWhere}`,
    `Poll settings: ${JSON.stringify(settings)}`,
    '',
    'Backlog ingestion (Jobs -> Cosmos + job_trans + notification_log + queue)',
    textTable(ingestHeader, ingestRows),
    `Speed-up ${speedup.toFixed(1)}x (target ≥ ${OPTIONS.targetSpeedup}x: ${verdictIngest})`,
    noMobileLine,
    '',
    'Where the time goes',
    textTable(profileHeader([batched, naive]), pRows),
    '',
    'Where the time goes, valid mobiles against none',
    textTable(profileHeader([valid, noMobile]), noMobileRows),
    '',
    ...runs.flatMap((run) => [`Checks (${run.label}):`, ...run.checks.map((c) => `  ok ${c}`)]),
    '',
    `Idle poll on ${int(idle.rows)} Jobs rows (${idle.tableMiB.toFixed(0)} MiB), checkpoint at the top, no NEW jobs`,
    textTable(idleHeader, idleRows),
    `Targets: median ≤ ${OPTIONS.targetIdleMs} ms with no open jobs, < ${OPTIONS.targetMirrorIdleMs} ms with open jobs: ${verdictIdle}`,
    '',
    textTable(idleStepHeader, idleStepRows),
    '',
    textTable(readHeader, readRows),
    '',
  ].join('\n');

  const markdown = [
    `Run ${date} with \`npm run bench:ingest\` (bench/ingest.ts) on the machine above; Cosmos server ${cosmosWhere}.`,
    `Poll settings from \`pollSettings()\` with the default configuration: batch size ${settings.batchSize}, look-back ${settings.lookbackIds} ids, sweep ${settings.sweepIds} ids, mirror ${settings.mirrorRows} open jobs per poll.`,
    '',
    '### Backlog ingestion',
    '',
    `${int(batched.jobs)} \`NEW\` jobs (one in ${OPTIONS.noMobileEvery} without a mobile) ingested end to end by \`pollClientJobs\` with the real adapters: Cosmos documents, \`job_trans\`, \`notification_log\` and \`job_tracking\` rows in a ledger migrated by the real migrations, messages on an in-memory queue. The no-mobile backlog (issue 13 item 3) is ${int(noMobile.jobs)} jobs none of which has a usable mobile (no number, an empty one, landlines, a note), so every courtesy SMS is skipped and every job is opened at once, in the client table, Cosmos, \`job_trans\` and \`job_tracking\`. The naive path is the same code with batch size 1 (one round trip per job for every read and write), on a sample of ${int(naive.jobs)} jobs. Wall time covers every poll until the checkpoint reaches the last job, including the status mirror at the end of each poll.`,
    '',
    markdownTable(ingestHeader, ingestRows),
    '',
    `**Speed-up ${speedup.toFixed(1)}x** (target ≥ ${OPTIONS.targetSpeedup}x: ${verdictIngest}).`,
    '',
    `**${noMobileLine}.**`,
    '',
    'Time per step (each port call timed; the look-back and sweep reads run concurrently):',
    '',
    markdownTable(profileHeader([batched, naive]), pRows),
    '',
    `The backlog without usable mobiles against one of the same size with valid mobiles (one in ${OPTIONS.noMobileEvery} without), run just before it; the documents and the STATUS rows of a completion are written side by side, so those two steps overlap:`,
    '',
    markdownTable(profileHeader([valid, noMobile]), noMobileRows),
    '',
    'Checked after each run:',
    '',
    ...runs.flatMap((run) => [`- ${run.label}: ${run.checks.join('; ')}`]),
    '',
    '### Idle poll',
    '',
    `\`pollClientJobs\` with the real adapters against a ${int(idle.rows)}-row \`Jobs\` table (${idle.tableMiB.toFixed(0)} MiB with its key) where nothing is \`NEW\` (90% \`CLOSED\`, every 10th job \`IN PROGRESS\` or, every 1000th, \`OPENED\`), every job tracked in \`job_tracking\`, and \`poll_checkpoint\` at the top, so each poll does what a steady-state poll does: checkpoint read, look-back and sweep range reads, the forward read, checkpoint save, and the status mirror of a slice of the open jobs (at most ${int(settings.mirrorRows)}, from the saved cursor, which is then saved too). The open jobs (every 1000th, 100th or 10th job) are varied; each variant's cursor starts at the first open job. ${OPTIONS.idleWarmupPolls} warm-up polls, then ${OPTIONS.idlePolls} timed polls per row, so with 100,000 open jobs the timed polls go round them all twice. Targets: median ≤ ${OPTIONS.targetIdleMs} ms with no open jobs (issue 2), < ${OPTIONS.targetMirrorIdleMs} ms with open jobs (issue 13).`,
    '',
    markdownTable(idleHeader, idleRows),
    '',
    'Time per step and poll:',
    '',
    markdownTable(idleStepHeader, idleStepRows),
    '',
    'For scale, on the same table:',
    '',
    markdownTable(readHeader, readRows),
  ].join('\n');

  return { console: console_, markdown, speedup, verdictIngest, verdictNoMobile, verdictIdle };
}

// ---------------------------------------------------------------------------------------------

runBenchmark({
  key: 'ingest',
  title: 'Ingest',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'loading, the four ingestions, checks, the idle polls and the reads',
  async run({ cosmos, machine, date }) {
    const settings = pollSettings(loadConfig(process.env, { localHost: true }));
    const batched = await runIngest(cosmos, 'batched', OPTIONS.backlogJobs, settings);
    const valid = await runIngest(cosmos, 'valid', OPTIONS.noMobileJobs, settings);
    const noMobile = await runIngest(cosmos, 'no-mobile', OPTIONS.noMobileJobs, settings, unusableMobileFor);
    const naive = await runIngest(cosmos, 'naive', OPTIONS.naiveJobs, { ...settings, batchSize: 1 });
    const idle = await runIdle(cosmos, settings);
    return buildReport(machine, date, settings, { batched, valid, noMobile, naive }, idle, cosmos.where);
  },
}).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
