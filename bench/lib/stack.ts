import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Container, CosmosClient } from '@azure/cosmos';
import mysql from 'mysql2/promise';
import { createCosmosClient, openJobsContainer, type CosmosSettings } from '../../src/adapters/cosmos/client.js';
import { CosmosJobDocuments } from '../../src/adapters/cosmos/jobDocuments.js';
import { createConsoleLogger } from '../../src/adapters/system/consoleLogger.js';
import { systemClock } from '../../src/adapters/system/systemClock.js';
import { MysqlClientJobs } from '../../src/adapters/mysql/clientJobs.js';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { MysqlCustomers } from '../../src/adapters/mysql/customers.js';
import { MysqlJobTracking } from '../../src/adapters/mysql/jobTracking.js';
import { MysqlJobTransactions } from '../../src/adapters/mysql/jobTransactions.js';
import { MysqlPayments } from '../../src/adapters/mysql/payments.js';
import { MysqlPollCheckpoints } from '../../src/adapters/mysql/pollCheckpoints.js';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/pool.js';
import { MysqlNotificationLog } from '../../src/adapters/mysql/notificationLog.js';
import { HmacPhoneKeys } from '../../src/adapters/signatures/phoneKeys.js';
import { pollDepsOf, wireJobsArea } from '../../src/domain/jobs/jobServices.js';
import type { PollDeps, PollSettings } from '../../src/domain/jobs/pollClientJobs.js';
import type { NotificationQueue } from '../../src/domain/notifications/ports.js';
import { EMBEDDED_COSMOS_KEY, startLocalCosmos } from '../../test/kit/cosmos.js';
import { TEST_PHONE_KEY_SECRET } from '../../test/kit/phoneKeys.js';
import type { Profile } from './profile.js';

export const MYSQL_SERVER_URL = process.env.BENCH_MYSQL_URL ?? process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface BenchDatabase {
  name: string;
  url: string;
  pool: MysqlPool;
  drop(): Promise<void>;
}

const created = new Set<BenchDatabase>();

/** A database of its own (`rr_bench_<purpose>_<random>`), with a pool built as the composition root builds it. */
export async function createBenchDatabase(purpose: string): Promise<BenchDatabase> {
  const name = `rr_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(name, MYSQL_SERVER_URL).toString();
  const pool = createMysqlPool(url);
  const db: BenchDatabase = {
    name,
    url,
    pool,
    async drop() {
      if (!created.delete(db)) return;
      await pool.end().catch(() => undefined);
      const cleanup = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await cleanup.end();
      }
    },
  };
  created.add(db);
  return db;
}

/** Drops every bench database still alive (also called on failure and on Ctrl-C). */
export async function dropAllBenchDatabases(): Promise<void> {
  await Promise.allSettled([...created].map((db) => db.drop()));
}

export interface BenchCosmos {
  endpoint: string;
  where: 'child process' | 'in process';
  open(container: string): Promise<{ client: CosmosClient; container: Container; settings: CosmosSettings }>;
  stop(): Promise<void>;
}

/**
 * The embedded Cosmos server, by default in a child process (BENCH_COSMOS=inprocess runs it in
 * this process, as the integration tests do).
 */
export async function startBenchCosmos(): Promise<BenchCosmos> {
  const clients: CosmosClient[] = [];
  const settingsFor = (endpoint: string, container: string): CosmosSettings => ({ endpoint, key: EMBEDDED_COSMOS_KEY, database: 'repair', container });
  const opener = (endpoint: string) => async (name: string) => {
    const settings = settingsFor(endpoint, name);
    const client = createCosmosClient(settings);
    clients.push(client);
    return { client, settings, container: await openJobsContainer(client, settings) };
  };
  const disposeClients = () => {
    for (const client of clients.splice(0)) client.dispose();
  };

  if (process.env.BENCH_COSMOS === 'inprocess') {
    const local = await startLocalCosmos();
    return {
      endpoint: local.endpoint,
      where: 'in process',
      open: opener(local.endpoint),
      async stop() {
        disposeClients();
        await local.stop();
      },
    };
  }

  const child: ChildProcess = fork(resolve(__dirname, 'cosmosServer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { endpoint: string }).endpoint));
    child.once('exit', (code) => reject(new Error(`the Cosmos server process exited early (code ${code})`)));
  });
  return {
    endpoint,
    where: 'child process',
    open: opener(endpoint),
    async stop() {
      disposeClients();
      await stopChildProcess(child);
    },
  };
}

/** Asks a service's child process to stop by disconnecting its IPC channel; kills it after 5 s. */
export async function stopChildProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The poller's dependencies wired exactly as the jobs module wires them (same adapter classes,
 * wireJobsArea, pools from createMysqlPool, systemClock, the console logger), with every port
 * wrapped by `profile` so the time per step is known.
 */
export function wirePollDeps(options: {
  clientPool: MysqlPool;
  ledgerPool: MysqlPool;
  container: Container;
  queue: NotificationQueue;
  settings: PollSettings;
  profile: Profile;
}): PollDeps {
  const { profile } = options;
  const ports = {
    clientJobs: profile.wrap('clientJobs', new MysqlClientJobs(options.clientPool)),
    documents: profile.wrap('documents', new CosmosJobDocuments(options.container)),
    transactions: profile.wrap('transactions', new MysqlJobTransactions(options.ledgerPool)),
    notificationLog: profile.wrap('notificationLog', new MysqlNotificationLog(options.ledgerPool)),
    tracking: profile.wrap('tracking', new MysqlJobTracking(options.ledgerPool)),
    payments: profile.wrap('payments', new MysqlPayments(options.ledgerPool)),
    customers: profile.wrap('customers', new MysqlCustomers(options.ledgerPool)),
    // Only sent messages are counted, never at ingestion: the poll never calls it (buildRelay gives it a multi-statement pool).
    stats: profile.wrap('stats', new MysqlMessageStats(options.ledgerPool)),
    queue: profile.wrap('queue', options.queue),
    checkpoints: profile.wrap('checkpoints', new MysqlPollCheckpoints(options.ledgerPool)),
    phoneKeys: new HmacPhoneKeys(TEST_PHONE_KEY_SECRET),
    clock: systemClock,
    logger: createConsoleLogger('pollClientJobs'),
  };
  return pollDepsOf(wireJobsArea(ports, options.settings), ports, options.settings);
}

/** A ledger customer a bench writes directly (the customers API takes one at a time); absent fields are NULL. */
export interface BenchCustomer {
  customerId: number;
  name: string;
  mobileE164?: string;
  email?: string;
  timezone?: string;
  contactHours?: unknown;
}

/** Customers straight into the ledger, 2,000 rows an INSERT. */
export async function insertBenchCustomers(ledger: MysqlPool, customers: readonly BenchCustomer[]): Promise<void> {
  const now = new Date();
  for (let from = 0; from < customers.length; from += 2000) {
    const rows = customers
      .slice(from, from + 2000)
      .map((c) => [c.customerId, c.name, c.mobileE164 ?? null, c.email ?? null, c.timezone ?? null, c.contactHours === undefined ? null : JSON.stringify(c.contactHours), now, now]);
    await ledger.query('INSERT INTO customers (customer_id, name, mobile_e164, email, timezone, contact_hours, created_at, updated_at) VALUES ?', [rows]);
  }
}
