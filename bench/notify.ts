/**
 * `npm run bench:notify` (issue 9): a backlog of NEW jobs whose customers subscribe to sms, or to
 * sms + email, through the real notification pipeline. The app runs in this process through the
 * local host (bench/lib/localHost.ts, as bench/send.ts runs it) against MariaDB, the embedded
 * Cosmos server, the Vonage sandbox (SMS API and Messages API) and the host's mail sink, with
 * pacing off (VONAGE_MAX_RPS and the sandbox's rate unlimited), so the pipeline is measured, not
 * the account's rate.
 *
 * Scenarios: sms only (today's courtesy SMS), sms + email, and sms + email with the SMS API down
 * (the sandbox answers HTTP 500 to every /sms/json request, so every SMS fails over to
 * vonage-messages). Each measures from the jobs' insertion until every job is OPENED and until
 * every notification_log row is settled, then checks exactness: every job OPENED, exactly one SMS
 * per job at the sandbox (SMS API + Messages API, by client-ref), exactly one email per job at the
 * sink when subscribed, every entry `sent`, no dead letter. The bench fails otherwise.
 *
 * Knobs (environment): BENCH_NOTIFY_JOBS (10000), BENCH_NOTIFY_ONLY (comma-separated: sms, email,
 * failover), BENCH_NOTIFY_LOG_DIR (every host and app log line, one file per scenario),
 * BENCH_WRITE=0 to leave docs/benchmarks.md alone, BENCH_COSMOS=inprocess, BENCH_MYSQL_URL.
 */
// Like the Functions worker: provide @azure/functions-core before any function module is loaded.
import '../test/setup/functionsCore.js';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from '../src/adapters/mysql/pool.js';
import { toE164 } from '../src/domain/shared/phone.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { countOpened, countPerJob, insertNewJobs, mobileFor, sandboxSmsRefs, UNPACED_RPS, withBenchApp, type BenchApp, type PerJobCount } from './lib/localHost.js';
import { insertBenchCustomers, type BenchCosmos, type BenchCustomer } from './lib/stack.js';
import { int } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

const OPTIONS = {
  jobs: envInt('BENCH_NOTIFY_JOBS', 10_000),
  only: (process.env.BENCH_NOTIFY_ONLY ?? '').split(',').map((key) => key.trim()).filter(Boolean),
  logDir: process.env.BENCH_NOTIFY_LOG_DIR,
  write: process.env.BENCH_WRITE !== '0',
  /** One scenario gives up (and the bench fails) after this long from the jobs' insertion. */
  scenarioDeadlineMs: 10 * 60_000,
  deadlineMs: 40 * 60_000,
};
/** Issue 9: the multi-channel pipeline's notifications/s at no less than 80% of the SMS-only run's. */
const TARGET_RATIO = 0.8;

const log = benchLog('notify');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (count: number, ms: number) => int((count * 1000) / ms);
const loadAverage = () => os.loadavg()[0]!.toFixed(2);

type Channel = 'sms' | 'email';

interface Scenario {
  key: 'sms' | 'email' | 'failover';
  title: string;
  channels: Channel[];
  smsDown: boolean;
}

const ALL_SCENARIOS: Scenario[] = [
  { key: 'sms', title: 'sms only (today)', channels: ['sms'], smsDown: false },
  { key: 'email', title: 'sms + email', channels: ['sms', 'email'], smsDown: false },
  { key: 'failover', title: 'sms + email, SMS API down (failover)', channels: ['sms', 'email'], smsDown: true },
];
const SCENARIOS = ALL_SCENARIOS.filter((s) => OPTIONS.only.length === 0 || OPTIONS.only.includes(s.key));

const emailFor = (id: number) => `customer-${id}@bench.example`;

/**
 * One customer per job mobile (customer id = job id), with an email address, subscribed to the
 * scenario's channels before ingestion, so ingestion finds every customer and keeps its
 * subscriptions. Bulk statements only: 2,000 customers an INSERT, one INSERT ... SELECT a channel.
 */
async function subscribeCustomers(ledger: MysqlPool, jobs: number, channels: readonly Channel[]): Promise<void> {
  for (let from = 1; from <= jobs; from += 2000) {
    const customers: BenchCustomer[] = [];
    for (let id = from; id < Math.min(from + 2000, jobs + 1); id++) {
      const mobile = toE164(mobileFor(id));
      if (!mobile.ok) throw new Error(`bench mobile of job ${id} is not usable: ${mobile.reason}`);
      customers.push({ customerId: id, name: 'Joe Bloggs', mobileE164: mobile.e164, email: emailFor(id) });
    }
    await insertBenchCustomers(ledger, customers);
  }
  for (const channel of channels) await ledger.query('INSERT INTO customer_subscriptions (customer_id, channel, address) SELECT customer_id, ?, NULL FROM customers', [channel]);
}

interface ScenarioResult {
  scenario: Scenario;
  jobs: number;
  notifications: number;
  openedMs: number | undefined;
  settledMs: number | undefined;
  /** When the run gave up, or when both were reached. */
  wallMs: number;
  opened: number;
  settled: number;
  smsPerJob: PerJobCount;
  emailPerJob: PerJobCount;
  smsApiAccepted: number;
  smsApiRequests: number;
  messagesApiAccepted: number;
  logStates: string;
  notSent: number;
  deadLetters: number;
  failedRuns: number;
  retries: number;
  /** Warning and error lines, a few. */
  samples: readonly string[];
  load: { before: string; after: string };
  exact: boolean;
}

async function settledCount(ledger: MysqlPool): Promise<{ total: number; settled: number }> {
  const [[row]] = await ledger.query<RowDataPacket[]>('SELECT COUNT(*) AS total, COALESCE(SUM(settled_at IS NOT NULL), 0) AS settled FROM notification_log');
  return { total: Number(row?.total), settled: Number(row?.settled) };
}

async function measure(s: Scenario, app: BenchApp): Promise<ScenarioResult> {
  const { host, sandbox, mailSink, client, ledger, logs } = app;
  const jobs = OPTIONS.jobs;
  const notifications = jobs * s.channels.length;
  await subscribeCustomers(ledger.pool, jobs, s.channels);
  const loadBefore = loadAverage();
  await insertNewJobs(client.pool, jobs);
  const start = performance.now();
  const since = () => performance.now() - start;
  log(`${s.key}: ${int(jobs)} NEW jobs inserted (customers on ${s.channels.join(' + ')}${s.smsDown ? ', SMS API down' : ''}); load average ${loadBefore}`);

  let openedMs: number | undefined;
  let settledMs: number | undefined;
  let opened = 0;
  let settled = 0;
  let lastReport = 0;
  while (since() < OPTIONS.scenarioDeadlineMs && (openedMs === undefined || settledMs === undefined)) {
    if (openedMs === undefined) {
      opened = await countOpened(client.pool);
      if (opened === jobs) openedMs = since();
    }
    if (settledMs === undefined) {
      const counts = await settledCount(ledger.pool);
      settled = counts.settled;
      if (counts.total === notifications && settled === notifications) settledMs = since();
    }
    if (since() - lastReport > 15_000) {
      lastReport = since();
      const { active, scheduled, deadLettered } = host.queue.counts();
      log(`${s.key}: ${seconds(since())}: ${int(opened)} OPENED, ${int(settled)} settled, queue ${active} active / ${scheduled} scheduled / ${deadLettered} dead`);
    }
    await sleep(100);
  }
  const wallMs = since();
  const loadAfter = loadAverage();
  log(`${s.key}: ${openedMs === undefined ? `${int(opened)} OPENED` : `all OPENED after ${seconds(openedMs)}`}, ${settledMs === undefined ? `${int(settled)} settled` : `all settled after ${seconds(settledMs)}`}; load average ${loadAfter}`);

  // Let anything still scheduled be delivered, so a late second SMS or email would show.
  const settleUntil = performance.now() + 15_000;
  while (host.queue.pending().length > 0 && performance.now() < settleUntil) await sleep(100);
  logs.closed = true;

  const [states] = await ledger.pool.query<RowDataPacket[]>(
    'SELECT channel, state, gateway, COUNT(*) AS n FROM notification_log GROUP BY channel, state, gateway ORDER BY channel, state, gateway',
  );
  await sandbox.sync();
  const smsPerJob = countPerJob(sandboxSmsRefs(sandbox), jobs, (id) => `job-${id}-received`);
  const emailPerJob = countPerJob(
    mailSink.received.flatMap((mail) => mail.to),
    s.channels.includes('email') ? jobs : 0,
    emailFor,
  );
  const notSent = states.filter((row) => row.state !== 'sent').reduce((sum, row) => sum + Number(row.n), 0);
  const deadLetters = host.queue.deadLetters.length;
  const exact =
    openedMs !== undefined &&
    settledMs !== undefined &&
    smsPerJob.one === jobs &&
    smsPerJob.stray === 0 &&
    emailPerJob.one === (s.channels.includes('email') ? jobs : 0) &&
    emailPerJob.stray === 0 &&
    notSent === 0 &&
    deadLetters === 0 &&
    (!s.smsDown || sandbox.sent.length === 0);
  return {
    scenario: s,
    jobs,
    notifications,
    openedMs,
    settledMs,
    wallMs,
    opened,
    settled,
    smsPerJob,
    emailPerJob,
    smsApiAccepted: sandbox.sent.length,
    smsApiRequests: sandbox.requests,
    messagesApiAccepted: sandbox.messages.length,
    logStates: states.map((row) => `${String(row.channel)} ${String(row.state)} via ${String(row.gateway)}: ${int(Number(row.n))}`).join('; '),
    notSent,
    deadLetters,
    failedRuns: logs.total('failedSendSms') + logs.total('failedPoll') + logs.total('failedOther'),
    retries: logs.total('retry'),
    samples: logs.samples,
    load: { before: loadBefore, after: loadAfter },
    exact,
  };
}

function runScenario(s: Scenario, cosmos: BenchCosmos): Promise<ScenarioResult> {
  return withBenchApp(
    { key: `notify-${s.key}`, cosmos, sandbox: { messagesPerSecond: UNPACED_RPS, smsDown: s.smsDown }, maxRps: UNPACED_RPS, logDir: OPTIONS.logDir },
    (app) => measure(s, app),
  );
}

// ---------------------------------------------------------------------------------------------
// Report

const notificationsPerSecond = (r: ScenarioResult) => (r.settledMs === undefined ? undefined : (r.notifications * 1000) / r.settledMs);

function perJobCheck(count: PerJobCount, expected: number): string {
  if (expected === 0) return count.stray === 0 ? '-' : `${int(count.stray)} stray`;
  return count.one === expected && count.stray === 0 ? `${int(count.one)} × 1` : `${int(count.one)} × 1, ${int(count.none)} × 0, ${int(count.more)} × 2+, ${int(count.stray)} stray`;
}

function buildReport(results: ScenarioResult[], date: string, cosmosWhere: string) {
  const baseline = results.find((r) => r.scenario.key === 'sms');
  const baselineRate = baseline && notificationsPerSecond(baseline);
  const header = [
    'scenario',
    'jobs',
    'notifications',
    'all OPENED after',
    'all settled after (wall time)',
    'jobs/s',
    'notifications/s',
    'vs sms only (notifications/s)',
    'SMS per job (SMS API / Messages API)',
    'email per job',
    'dead letters',
    'load average (1 min) at insert → end',
    'verdict',
  ];
  const rows: Row[] = results.map((r) => {
    const rate = notificationsPerSecond(r);
    const ratio = rate !== undefined && baselineRate ? rate / baselineRate : undefined;
    const verdict = !r.exact ? 'NOT EXACT' : r.scenario.key === 'sms' ? 'baseline' : ratio === undefined ? '-' : ratio >= TARGET_RATIO ? 'met' : 'MISSED';
    return [
      r.scenario.title,
      int(r.jobs),
      int(r.notifications),
      r.openedMs === undefined ? `not after ${seconds(r.wallMs)} (${int(r.opened)})` : seconds(r.openedMs),
      r.settledMs === undefined ? `not after ${seconds(r.wallMs)} (${int(r.settled)})` : seconds(r.settledMs),
      r.openedMs === undefined ? '-' : perSecond(r.jobs, r.openedMs),
      rate === undefined ? '-' : int(rate),
      ratio === undefined ? '-' : `${(ratio * 100).toFixed(1)}%`,
      `${perJobCheck(r.smsPerJob, r.jobs)} (${int(r.smsApiAccepted)} / ${int(r.messagesApiAccepted)})`,
      perJobCheck(r.emailPerJob, r.scenario.channels.includes('email') ? r.jobs : 0),
      int(r.deadLetters),
      `${r.load.before} → ${r.load.after}`,
      verdict,
    ];
  });
  const detailHeader = ['scenario', 'SMS API requests', 'notification log (channel, state, gateway)', 'failed function runs', 'retries scheduled'];
  const detailRows: Row[] = results.map((r) => [r.scenario.title, int(r.smsApiRequests), r.logStates, int(r.failedRuns), int(r.retries)]);
  const samples = results.flatMap((r) => r.samples.map((line) => `${r.scenario.key}: ${line}`));

  const console_ = ['', textTable(header, rows), '', textTable(detailHeader, detailRows), ...(samples.length ? ['', 'Sample warning and error lines:', ...samples.slice(0, 24)] : []), ''].join('\n');
  const markdown = [
    `Run ${date} with \`npm run bench:notify\` (bench/notify.ts) on the machine above; Cosmos server ${cosmosWhere}. Pacing off (\`VONAGE_MAX_RPS\` and the sandbox's rate unlimited); poll every second. Load average of the shared 2-core machine in the table.`,
    '',
    markdownTable(header, rows),
    '',
    markdownTable(detailHeader, detailRows),
    '',
    `"All OPENED after" and "all settled after" run from inserting the jobs into the client table until the last job is \`OPENED\` there, and until every \`notification_log\` row is settled (\`settled_at\` set); jobs/s and notifications/s divide by them. The target (issue 9: "the multi-channel pipeline at no less than 80% of today's SMS-only jobs/s per notification") is read as: notifications/s of each multi-channel run ≥ ${TARGET_RATIO * 100}% of the sms-only run's notifications/s (one notification per job there, so its notifications/s is its jobs/s per notification). Exactness: every job OPENED, one SMS per job at the sandbox by \`client-ref\` (SMS API + Messages API), one email per job at the mail sink by recipient, every log entry \`sent\`, no dead letter.`,
  ].join('\n');
  return { console: console_, markdown };
}

runBenchmark({
  key: 'notify',
  title: 'Notifications (multi-channel)',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: `${SCENARIOS.length} scenario(s) of ${int(OPTIONS.jobs)} jobs: set-up, sending, checks and clean-up`,
  async run({ cosmos, date }) {
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      const result = await runScenario(scenario, cosmos);
      log(`${scenario.key}: ${result.exact ? 'exact' : 'NOT EXACT'}; SMS per job ${perJobCheck(result.smsPerJob, result.jobs)}; ${result.deadLetters} dead letter(s)`);
      results.push(result);
    }
    const report = buildReport(results, date, cosmos.where);
    const wrong = results.filter((r) => !r.exact);
    if (wrong.length === 0) return report;
    // A failed run leaves docs/benchmarks.md alone.
    console.log(report.console);
    throw new Error(`verification failed: jobs not OPENED, notifications not settled, lost or doubled, not sent, or dead-lettered in ${wrong.map((r) => r.scenario.key).join(', ')}`);
  },
}).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
