/**
 * `npm run bench:send`: the SMS send path end to end. The app runs in this process through the
 * local host (`startLocalHost`, as `npm start` and test/local/host.e2e.test.ts run it: the real
 * function files, the in-process Service Bus stand-in, a poll every second) against MariaDB
 * (throwaway client and ledger databases), the embedded Cosmos server and a Vonage SMS sandbox.
 * Each scenario inserts NEW jobs and measures the wall time until every job is OPENED in the
 * client table, then checks that the sandbox received exactly one SMS per job (the bench fails
 * otherwise) and counts retries, deferrals, failed function runs and dead letters.
 *
 * Scenarios: light throttling (every 7th Vonage call answers status 1), a burst against Vonage's
 * 30 messages a second, a flood against an unthrottled stand-in with pacing off (end-to-end
 * throughput), and a database outage (the client and ledger URLs go through a TCP fault
 * proxy that refuses and cuts connections, or freezes them, for 20 s).
 *
 * Knobs (environment): BENCH_SEND_ONLY (comma-separated scenario keys: light, burst, flood,
 * refuse, freeze), BENCH_SEND_LIGHT_JOBS (40), BENCH_SEND_BURST_JOBS (2000), BENCH_SEND_FLOOD_JOBS (5000), BENCH_SEND_OUTAGE_JOBS (3000),
 * BENCH_SEND_OUTAGE_AFTER_SMS (300), BENCH_SEND_OUTAGE_SECONDS (20), VONAGE_MAX_RPS (30),
 * BENCH_SEND_LOG_DIR (write every host and app log line there, one file per scenario),
 * BENCH_WRITE=0 to leave docs/benchmarks.md alone, BENCH_COSMOS=inprocess, BENCH_MYSQL_URL.
 */
// Like the Functions worker: provide @azure/functions-core before any function module is loaded.
import '../test/setup/functionsCore.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RowDataPacket } from 'mysql2/promise';
import type { LocalHost } from '../dev/host.js';
import type { VonageSandboxOptions } from '../dev/vonageSandbox.js';
import type { SandboxProcess } from './lib/sandboxProcess.js';
import type { MysqlPool } from '../src/adapters/mysql/pool.js';
import { startFaultProxy, type FaultProxy } from '../test/kit/tcpProxy.js';
import { envInt, runBenchmark, benchLog } from './lib/harness.js';
import { countOpened, countPerJob, insertNewJobs, sandboxSmsRefs, UNPACED_RPS, withBenchApp, type PerJobCount } from './lib/localHost.js';
import { KINDS, PHASES, type Kind, type LogCounter } from './lib/logCounter.js';
import { MYSQL_SERVER_URL, type BenchCosmos } from './lib/stack.js';
import { int } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

const MAX_RPS = envInt('VONAGE_MAX_RPS', 30);
const OPTIONS = {
  only: (process.env.BENCH_SEND_ONLY ?? '').split(',').map((key) => key.trim()).filter(Boolean),
  lightJobs: envInt('BENCH_SEND_LIGHT_JOBS', 40),
  burstJobs: envInt('BENCH_SEND_BURST_JOBS', 2000),
  floodJobs: envInt('BENCH_SEND_FLOOD_JOBS', 5000),
  outageJobs: envInt('BENCH_SEND_OUTAGE_JOBS', 3000),
  outageAfterSms: envInt('BENCH_SEND_OUTAGE_AFTER_SMS', 300),
  outageMs: envInt('BENCH_SEND_OUTAGE_SECONDS', 20) * 1000,
  logDir: process.env.BENCH_SEND_LOG_DIR,
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 16 * 60_000,
};

const log = benchLog('send');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

type FaultKind = 'refuse' | 'freeze';

interface Scenario {
  key: 'light' | 'burst' | 'flood' | FaultKind;
  title: string;
  jobs: number;
  sandbox: Pick<VonageSandboxOptions, 'messagesPerSecond' | 'throttleEvery'>;
  /** VONAGE_MAX_RPS of the app (default: the bench's VONAGE_MAX_RPS). */
  maxRps?: number;
  fault?: { kind: FaultKind; afterSms: number; forMs: number };
  /** What "met" means, measured from the jobs' insertion (or, with a fault, from the restore). */
  targetMs: number;
  target: string;
  /** The scenario gives up (and the bench fails) after this long from the jobs' insertion. */
  deadlineMs: number;
}

const ALL_SCENARIOS: Scenario[] = [
  {
    key: 'light',
    title: 'Throttling, light',
    jobs: OPTIONS.lightJobs,
    sandbox: { throttleEvery: 7 },
    targetMs: 15_000,
    target: 'all OPENED with one SMS each within 15 s',
    deadlineMs: 60_000,
  },
  {
    key: 'burst',
    title: 'Throttling, burst',
    jobs: OPTIONS.burstJobs,
    sandbox: { messagesPerSecond: 30 },
    targetMs: (1.5 * OPTIONS.burstJobs * 1000) / 30,
    target: `all OPENED within 1.5 × ${int(OPTIONS.burstJobs)}/30 s = ${seconds((1.5 * OPTIONS.burstJobs * 1000) / 30)}`,
    deadlineMs: 3 * ((1.5 * OPTIONS.burstJobs * 1000) / 30),
  },
  {
    key: 'flood',
    title: 'Unthrottled flood',
    jobs: OPTIONS.floodJobs,
    sandbox: { messagesPerSecond: UNPACED_RPS },
    maxRps: UNPACED_RPS,
    targetMs: (OPTIONS.floodJobs * 1000) / 500,
    target: `all OPENED at ≥ 500 jobs/s (${seconds((OPTIONS.floodJobs * 1000) / 500)})`,
    deadlineMs: 5 * 60_000,
  },
  ...(['refuse', 'freeze'] as const).map(
    (kind): Scenario => ({
      key: kind,
      title: kind === 'refuse' ? 'Database outage: refused and cut connections' : 'Database outage: frozen connections',
      jobs: OPTIONS.outageJobs,
      sandbox: { messagesPerSecond: 30 },
      fault: { kind, afterSms: OPTIONS.outageAfterSms, forMs: OPTIONS.outageMs },
      targetMs: 5 * 60_000,
      target: 'all OPENED with one SMS each within 5 minutes of the restore',
      deadlineMs: (OPTIONS.outageJobs / 30) * 1000 + OPTIONS.outageMs + 7 * 60_000,
    }),
  ),
];
const SCENARIOS = ALL_SCENARIOS.filter((s) => OPTIONS.only.length === 0 || OPTIONS.only.includes(s.key));

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// One scenario

interface ScenarioResult {
  scenario: Scenario;
  finished: boolean;
  opened: number;
  /** From the jobs' insertion until every job was OPENED (or the deadline). */
  wallMs: number;
  firstSmsMs: number | undefined;
  lastSmsMs: number | undefined;
  smsPerJob: PerJobCount;
  requests: number;
  accepted: number;
  deadLetters: string[];
  leftOnQueue: number;
  notificationLog: Record<string, number>;
  logs: LogCounter;
  fault?: {
    smsAtFault: number;
    faultAtMs: number;
    healAtMs: number;
    recoveryMs: number | undefined;
    smsDuring: number;
    openedAtHeal: number;
    /** SMS log entries that ended `unknown`: sends cut between Vonage's answer and its record. */
    interrupted: number;
    /** Restore → every other job OPENED. */
    othersRecoveryMs: number | undefined;
  };
  met: boolean;
  exact: boolean;
}

function mysqlServer(): { host: string; port: number } {
  const url = new URL(MYSQL_SERVER_URL);
  return { host: url.hostname, port: Number(url.port || 3306) };
}

async function runScenario(s: Scenario, cosmos: BenchCosmos): Promise<ScenarioResult> {
  let proxy: FaultProxy | undefined;
  if (s.fault) {
    const server = mysqlServer();
    proxy = await startFaultProxy(server.port, server.host);
  }
  try {
    return await withBenchApp(
      {
        key: `send-${s.key}`,
        cosmos,
        sandbox: s.sandbox,
        maxRps: s.maxRps ?? MAX_RPS,
        logDir: OPTIONS.logDir,
        ...(proxy ? { databaseUrl: (url: string) => proxy.urlFor(url) } : {}),
      },
      ({ host, sandbox, client, ledger, logs }) => measure(s, host.queue, sandbox, proxy, client.pool, ledger.pool, logs),
    );
  } finally {
    await proxy?.close().catch(() => undefined);
  }
}

async function measure(
  s: Scenario,
  queue: LocalHost['queue'],
  sandbox: SandboxProcess,
  proxy: FaultProxy | undefined,
  clientPool: MysqlPool,
  ledgerPool: MysqlPool,
  logs: LogCounter,
): Promise<ScenarioResult> {
  await insertNewJobs(clientPool, s.jobs);
  const start = performance.now();
  const since = () => performance.now() - start;
  log(`${s.key}: ${int(s.jobs)} NEW jobs inserted; waiting for every job to be OPENED (deadline ${seconds(s.deadlineMs)})`);

  // The fault runs beside the measurement: after about `afterSms` SMS, for `forMs`, then healed.
  let fault: { smsAtFault: number; faultAtMs: number; healAtMs: number; smsAtHeal: number; openedAtHeal: number } | undefined;
  let stop = false;
  const faulting = (async () => {
    if (!s.fault || !proxy) return;
    while (!stop && sandbox.sent.length < s.fault.afterSms) await sleep(10);
    if (stop) return;
    const smsAtFault = sandbox.sent.length;
    const faultAtMs = since();
    logs.phase = 'during';
    if (s.fault.kind === 'refuse') {
      proxy.refuse();
      proxy.cut();
    } else {
      proxy.freeze();
    }
    log(`${s.key}: ${s.fault.kind} from ${seconds(faultAtMs)} (${int(smsAtFault)} SMS sent) for ${seconds(s.fault.forMs)}`);
    await sleep(s.fault.forMs);
    proxy.heal();
    const healAtMs = since();
    logs.phase = 'after';
    fault = { smsAtFault, faultAtMs, healAtMs, smsAtHeal: sandbox.sent.length, openedAtHeal: await countOpened(clientPool) };
    log(`${s.key}: healed at ${seconds(healAtMs)}; ${int(fault.openedAtHeal)} OPENED, ${int(fault.smsAtHeal)} SMS so far`);
  })();

  let opened = 0;
  const openedAt: Array<[ms: number, opened: number]> = [];
  let lastReport = 0;
  let finished = false;
  while (since() < s.deadlineMs) {
    opened = await countOpened(clientPool);
    openedAt.push([since(), opened]);
    if (opened === s.jobs && (!s.fault || fault)) {
      finished = true;
      break;
    }
    if (since() - lastReport > 15_000) {
      lastReport = since();
      const { active, scheduled, locked, deadLettered } = queue.counts();
      log(`${s.key}: ${seconds(since())}: ${int(opened)} OPENED, ${int(sandbox.sent.length)} SMS, queue ${active} active / ${scheduled} scheduled / ${locked} locked / ${deadLettered} dead`);
    }
    await sleep(50);
  }
  const wallMs = since();
  stop = true;
  await faulting;
  log(`${s.key}: ${finished ? `every job OPENED after ${seconds(wallMs)}` : `gave up after ${seconds(wallMs)} with ${int(opened)} of ${int(s.jobs)} OPENED`}`);

  // Let anything still scheduled (retries, put-off copies) be delivered, so a late second SMS would show.
  const settleUntil = performance.now() + 15_000;
  while (queue.pending().length > 0 && performance.now() < settleUntil) await sleep(100);

  await sandbox.sync();
  const smsPerJob = countPerJob(sandboxSmsRefs(sandbox), s.jobs, (id) => `job-${id}-received`);
  logs.closed = true;
  const [states] = await ledgerPool.query<RowDataPacket[]>('SELECT state, COUNT(*) AS n FROM notification_log GROUP BY state ORDER BY state');
  const smsAt = sandbox.sent.map((sms) => Date.parse(sms.at));
  const epochStart = Date.now() - since();
  const exact = smsPerJob.one === s.jobs && smsPerJob.stray === 0;
  const recoveryMs = fault && finished ? wallMs - fault.healAtMs : undefined;
  // The jobs whose send was cut between Vonage's answer and its record end `unknown`, after the
  // 5-minute stale-sending threshold; when were all the others OPENED?
  const interrupted = Number(states.find((row) => row.state === 'unknown')?.n ?? 0);
  const othersMs = openedAt.find(([, n]) => n >= s.jobs - interrupted)?.[0];
  return {
    scenario: s,
    finished,
    opened,
    wallMs,
    firstSmsMs: smsAt.length ? Math.min(...smsAt) - epochStart : undefined,
    lastSmsMs: smsAt.length ? Math.max(...smsAt) - epochStart : undefined,
    smsPerJob,
    requests: sandbox.requests,
    accepted: sandbox.sent.length,
    deadLetters: queue.deadLetters.map((m) => m.messageId),
    leftOnQueue: queue.pending().length,
    notificationLog: Object.fromEntries(states.map((row) => [String(row.state), Number(row.n)])),
    logs,
    ...(fault
      ? {
          fault: {
            smsAtFault: fault.smsAtFault,
            faultAtMs: fault.faultAtMs,
            healAtMs: fault.healAtMs,
            recoveryMs,
            smsDuring: fault.smsAtHeal - fault.smsAtFault,
            openedAtHeal: fault.openedAtHeal,
            interrupted,
            othersRecoveryMs: othersMs === undefined ? undefined : othersMs - fault.healAtMs,
          },
        }
      : {}),
    met: finished && exact && (fault ? recoveryMs !== undefined && recoveryMs <= s.targetMs : wallMs <= s.targetMs),
    exact,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function smsCheck(r: ScenarioResult): string {
  const { none, one, more, stray } = r.smsPerJob;
  return r.exact ? `${int(one)} × 1` : `${int(one)} × 1, ${int(none)} × 0, ${int(more)} × 2+, ${int(stray)} stray`;
}

function buildReport(results: ScenarioResult[], date: string, cosmosWhere: string) {
  const header = ['scenario', 'jobs', 'all OPENED after', 'jobs/s', 'SMS per job', 'Vonage requests', 'status 1 answers', 'retries scheduled', 'put off', 'failed runs', 'dead letters', 'target', 'verdict'];
  const rows: Row[] = results.map((r) => {
    const failed = r.logs.total('failedSendSms') + r.logs.total('failedPoll') + r.logs.total('failedOther');
    return [
      r.scenario.title,
      int(r.scenario.jobs),
      r.finished ? seconds(r.wallMs) : `not after ${seconds(r.wallMs)} (${int(r.opened)} OPENED)`,
      int((r.opened * 1000) / r.wallMs),
      smsCheck(r),
      int(r.requests),
      int(r.requests - r.accepted),
      int(r.logs.total('retry')),
      int(r.logs.total('deferral')),
      int(failed),
      int(r.deadLetters.length),
      r.scenario.target,
      r.met ? 'met' : 'MISSED',
    ];
  });

  const outages = results.filter((r) => r.fault);
  const outageHeader = [
    'outage',
    'fault at',
    'SMS before the fault',
    'SMS during it',
    'OPENED at restore',
    'restore → last SMS',
    'restore → all but the interrupted OPENED',
    'restore → all OPENED (recovery)',
    'SMS log states',
  ];
  const outageRows: Row[] = outages.map((r) => {
    const f = r.fault!;
    return [
      r.scenario.fault!.kind === 'refuse' ? `refuse + cut, ${seconds(r.scenario.fault!.forMs)}` : `freeze, ${seconds(r.scenario.fault!.forMs)}`,
      seconds(f.faultAtMs),
      int(f.smsAtFault),
      int(f.smsDuring),
      int(f.openedAtHeal),
      r.lastSmsMs === undefined ? '-' : seconds(r.lastSmsMs - f.healAtMs),
      f.othersRecoveryMs === undefined ? '-' : `${seconds(f.othersRecoveryMs)} (${int(r.scenario.jobs - f.interrupted)} jobs)`,
      f.recoveryMs === undefined ? 'not recovered' : seconds(f.recoveryMs),
      Object.entries(r.notificationLog)
        .map(([state, n]) => `${state} ${int(n)}`)
        .join(', '),
    ];
  });
  const logHeader = ['outage', 'phase', ...Object.values(KINDS)];
  const logRows: Row[] = outages.flatMap((r) =>
    PHASES.map((phase) => [
      r.scenario.fault!.kind === 'refuse' ? 'refuse + cut' : 'freeze',
      phase === 'before' ? 'before the fault' : phase === 'during' ? 'fault → restore' : 'after the restore',
      ...(Object.keys(KINDS) as Kind[]).map((kind) => int(r.logs.total(kind, [phase]))),
    ]),
  );
  const samples = results.flatMap((r) => r.logs.samples.map((line) => `${r.scenario.key}: ${line}`));

  const console_ = [
    '',
    textTable(header, rows),
    ...(outages.length ? ['', textTable(outageHeader, outageRows), '', textTable(logHeader, logRows)] : []),
    ...(samples.length ? ['', 'Sample warning and error lines:', ...samples.slice(0, 24)] : []),
    '',
  ].join('\n');

  const markdown = [
    `Run ${date} with \`npm run bench:send\` (bench/send.ts) on the machine above; Cosmos server ${cosmosWhere}. \`VONAGE_MAX_RPS\` ${MAX_RPS}; poll every second.`,
    '',
    markdownTable(header, rows),
    '',
    '"All OPENED after" runs from inserting the jobs into the client table until the last one is `OPENED` there. "SMS per job" is what the sandbox accepted, by `client-ref`. "Status 1 answers" are the sandbox\'s throttling replies; "retries scheduled" the `notification will be retried` warnings; "put off" the `-defer-<n>` copies the `sendNotification` function scheduled; "failed runs" the `Executed ... (Failed ...)` host lines of any function.',
    ...(outages.length
      ? [
          '',
          `Database outages (${int(OPTIONS.outageJobs)} jobs; after about ${int(OPTIONS.outageAfterSms)} SMS the TCP proxy in front of MariaDB, which both CLIENT_DB_URL and LEDGER_DB_URL name, refuses new connections and cuts the open ones, or freezes every connection, for ${seconds(OPTIONS.outageMs)}, then heals):`,
          '',
          markdownTable(outageHeader, outageRows),
          '',
          'Host and app log lines by phase ("fault → restore" is the outage itself; runs that started in it and failed after the restore count as after):',
          '',
          markdownTable(logHeader, logRows),
        ]
      : []),
  ].join('\n');
  return { console: console_, markdown };
}

runBenchmark({
  key: 'send',
  title: 'SMS send path',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: `${SCENARIOS.length} scenario(s): set-up, sending, checks and clean-up`,
  async run({ cosmos, date }) {
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) {
      const result = await runScenario(scenario, cosmos);
      log(`${scenario.key}: ${result.met ? 'met' : 'MISSED'}; SMS per job ${smsCheck(result)}; ${result.deadLetters.length} dead letter(s)`);
      results.push(result);
    }
    const report = buildReport(results, date, cosmos.where);
    const wrong = results.filter((r) => !r.exact || !r.finished || r.deadLetters.length > 0);
    if (wrong.length === 0) return report;
    // A failed run leaves docs/benchmarks.md alone.
    console.log(report.console);
    throw new Error(`verification failed: SMS lost or doubled, jobs not OPENED, or dead letters in ${wrong.map((r) => r.scenario.key).join(', ')}`);
  },
}).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
