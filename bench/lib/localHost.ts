import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { CLIENT_JOBS_DDL } from '../../dev/defaults.js';
import { startLocalHost, type LocalHost } from '../../dev/host.js';
import type { MailSink } from '../../dev/mailSink.js';
import type { VonageSandboxOptions } from '../../dev/vonageSandbox.js';
import type { MysqlPool } from '../../src/adapters/mysql/pool.js';
import { EMBEDDED_COSMOS_KEY } from '../../test/kit/cosmos.js';
import { TEST_PHONE_KEY_SECRET } from '../../test/kit/phoneKeys.js';
import { capturingConsole, LogCounter } from './logCounter.js';
import { startSandboxProcess, type SandboxProcess, type SandboxView } from './sandboxProcess.js';
import { createBenchDatabase, type BenchCosmos, type BenchDatabase } from './stack.js';

/**
 * The app run in the bench's process through the local host (`startLocalHost`, as `npm start`
 * runs it: the real function files, the in-process Service Bus stand-in, a poll every second)
 * against throwaway MariaDB client and ledger databases, the embedded Cosmos server, a Vonage
 * sandbox of the bench's own (SMS API and Messages API) in a child process, as Vonage is another
 * service, and the host's mail sink. The send and notification benches share it.
 */

export const SANDBOX_CREDENTIALS = { apiKey: 'bench-sandbox', apiSecret: 'bench-sandbox-secret' };

/** A rate high enough never to throttle or wait: the pipeline is measured, not the account's rate. */
export const UNPACED_RPS = 1_000_000;

/** A distinct GB mobile per job id below a million (7919 is prime, so the six digits never repeat). */
export function mobileFor(id: number): string {
  return `0777${id % 10} ${String((id * 7919) % 1_000_000).padStart(6, '0')}`;
}

/** NEW jobs 1..count in the client table, 1,000 rows an INSERT. */
export async function insertNewJobs(pool: MysqlPool, count: number): Promise<void> {
  for (let from = 1; from <= count; from += 1000) {
    const rows: unknown[][] = [];
    for (let id = from; id < Math.min(from + 1000, count + 1); id++) rows.push([id, 'warranty repair', 'NEW', 'Joe', 'Bloggs', 'SG13 7TZ', mobileFor(id), String(100_000 + id), 'kettle']);
    await pool.query('INSERT INTO Jobs (Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type) VALUES ?', [rows]);
  }
}

export async function countOpened(pool: MysqlPool): Promise<number> {
  const [[row]] = await pool.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM Jobs WHERE Job_status = 'OPENED'");
  return Number(row?.n);
}

/** How many of jobs 1..jobs got none, one or more of something (by the reference `refFor` gives), and how many references named no job. */
export interface PerJobCount {
  none: number;
  one: number;
  more: number;
  stray: number;
}

export function countPerJob(refs: Iterable<string | undefined>, jobs: number, refFor: (id: number) => string): PerJobCount {
  const perRef = new Map<string, number>();
  for (const ref of refs) perRef.set(ref ?? '', (perRef.get(ref ?? '') ?? 0) + 1);
  const counts: PerJobCount = { none: 0, one: 0, more: 0, stray: 0 };
  for (let id = 1; id <= jobs; id++) {
    const n = perRef.get(refFor(id)) ?? 0;
    counts[n === 0 ? 'none' : n === 1 ? 'one' : 'more'] += 1;
    perRef.delete(refFor(id));
  }
  counts.stray = [...perRef.values()].reduce((a, b) => a + b, 0);
  return counts;
}

/** The client-ref of each SMS the sandbox accepted, through the SMS API or the Messages API. */
export function sandboxSmsRefs(sandbox: SandboxView): Array<string | undefined> {
  return [...sandbox.sent.map((sms) => sms.clientRef), ...sandbox.messages.filter((m) => m.channel === 'sms').map((m) => m.clientRef)];
}

export interface BenchApp {
  host: LocalHost;
  /** The host's mail sink (SMTP_URL is left unset, so the host starts one). */
  mailSink: MailSink;
  /** Read `sent`/`messages` after `sync()` for exact counts. */
  sandbox: SandboxProcess;
  client: BenchDatabase;
  ledger: BenchDatabase;
  logs: LogCounter;
}

export interface BenchAppOptions {
  /** Names the databases, the Cosmos container and the log file, e.g. `send-flood`. */
  key: string;
  cosmos: BenchCosmos;
  sandbox: Omit<VonageSandboxOptions, 'apiKey' | 'apiSecret'>;
  /** VONAGE_MAX_RPS of the app. */
  maxRps: number;
  /** Every host and app log line goes to `<logDir>/<key>.log` when set. */
  logDir?: string | undefined;
  /** What the app is given for a database URL (a fault proxy in front of MariaDB); the bench's own pools connect directly. */
  databaseUrl?: (url: string) => string;
}

/** Starts the app with fresh databases (the client's Jobs table created, the ledger migrated by the app), runs `measure`, then stops and drops everything. */
export async function withBenchApp<T>(options: BenchAppOptions, measure: (app: BenchApp) => Promise<T>): Promise<T> {
  const purpose = options.key.replace(/\W/g, '_');
  const client = await createBenchDatabase(`client_${purpose}`);
  const ledger = await createBenchDatabase(`ledger_${purpose}`);
  const containerName = `jobs_bench_${purpose}_${Date.now()}`;
  const sandbox = await startSandboxProcess({ ...SANDBOX_CREDENTIALS, ...options.sandbox });
  if (options.logDir) mkdirSync(options.logDir, { recursive: true });
  const logs = new LogCounter(options.logDir ? path.join(options.logDir, `${options.key}.log`) : undefined);
  const via = options.databaseUrl ?? ((url: string) => url);
  try {
    await client.pool.query(CLIENT_JOBS_DDL);
    const vonageHost = sandbox.url;
    return await capturingConsole(logs, async () => {
      const host = await startLocalHost({
        env: {
          CLIENT_DB_URL: via(client.url),
          LEDGER_DB_URL: via(ledger.url),
          POLL_SCHEDULE: '*/1 * * * * *',
          COSMOS_ENDPOINT: options.cosmos.endpoint,
          COSMOS_KEY: EMBEDDED_COSMOS_KEY,
          COSMOS_JOBS_CONTAINER: containerName,
          VONAGE_API_KEY: SANDBOX_CREDENTIALS.apiKey,
          VONAGE_API_SECRET: SANDBOX_CREDENTIALS.apiSecret,
          // Both Vonage gateways carry sms: a failover must reach the sandbox, never Vonage itself.
          VONAGE_REST_HOST: vonageHost,
          VONAGE_MESSAGES_HOST: vonageHost,
          VONAGE_MAX_RPS: String(options.maxRps),
          PHONE_KEY_SECRET: TEST_PHONE_KEY_SECRET,
        },
        functionFiles: 'src/functions/index.ts',
        importModule: (f) => import(f),
        port: 0,
        log: logs.host,
      });
      try {
        const mailSink = host.dependencies.mailSink;
        if (!mailSink) throw new Error('the local host started no mail sink');
        return await measure({ host, mailSink, sandbox, client, ledger, logs });
      } finally {
        await host.stop();
      }
    });
  } finally {
    await sandbox.close().catch(() => undefined);
    await Promise.allSettled([client.drop(), ledger.drop()]);
    await options.cosmos
      .open(containerName)
      .then(({ container }) => container.delete())
      .catch(() => undefined);
  }
}
