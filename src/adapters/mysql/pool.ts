import mysql from 'mysql2/promise';
import { TransientError } from '../../domain/shared/transientError.js';
import { asTransient, transientOnFailure } from '../system/transientErrors.js';

export type MysqlPool = mysql.Pool;

/**
 * How long a connection attempt and one statement may take. A database that stops answering
 * (a frozen connection keeps the socket open and sends nothing) then fails the call instead of
 * hanging it; the timer or the queue's redelivery tries again later.
 */
export const MYSQL_CONNECT_TIMEOUT_MS = 5_000;
export const MYSQL_QUERY_TIMEOUT_MS = 10_000;

type Statement = string | mysql.QueryOptions;

function isTimeout(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/**
 * A pooled connection that the server or the network dropped while it sat idle fails on the write
 * of the next statement: the statement never reached the server, so it is safe to run again.
 */
function isDroppedIdleConnection(error: unknown): boolean {
  const { code, syscall } = (error ?? {}) as { code?: string; syscall?: string };
  return syscall === 'write' && (code === 'ECONNRESET' || code === 'EPIPE');
}

/**
 * Runs one statement on a connection of its own with a deadline. mysql2 only rejects a timed-out
 * statement; the connection would stay stuck behind it, so it is destroyed rather than returned.
 * A statement that could not even be written (a dropped idle connection) runs once more on a
 * fresh connection.
 */
async function runWithDeadline(pool: mysql.Pool, method: 'query' | 'execute', sql: Statement, values: unknown, timeoutMs: number): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    const connection = await pool.getConnection();
    const options: mysql.QueryOptions = typeof sql === 'string' ? { sql, timeout: timeoutMs } : { timeout: timeoutMs, ...sql };
    try {
      const run = connection[method] as (options: mysql.QueryOptions, values?: unknown) => Promise<unknown>;
      const result = await run.call(connection, options, values);
      connection.release();
      return result;
    } catch (error) {
      const dropped = isDroppedIdleConnection(error);
      if (isTimeout(error) || dropped) connection.destroy();
      else connection.release();
      if (dropped && attempt === 1) continue;
      throw error;
    }
  }
}

/**
 * A pool whose DATETIME values are UTC, whose big numbers come back as strings (never floats),
 * and whose connections and statements have deadlines; its statements' failures that pass are
 * TransientErrors (so are those of withNamedLock and withTransaction, which take a connection). `multipleStatements` lets one round trip
 * carry a whole transaction (values are still placeholders).
 */
export function createMysqlPool(
  url: string,
  connectionLimit = 10,
  options: { multipleStatements?: boolean; queryTimeoutMs?: number } = {},
): MysqlPool {
  const queryTimeoutMs = options.queryTimeoutMs ?? MYSQL_QUERY_TIMEOUT_MS;
  const pool = mysql.createPool({
    uri: url,
    connectionLimit,
    multipleStatements: options.multipleStatements ?? false,
    timezone: 'Z',
    dateStrings: false,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    enableKeepAlive: true,
    connectTimeout: MYSQL_CONNECT_TIMEOUT_MS,
  });
  return new Proxy(pool, {
    get(target, property, receiver) {
      if (property === 'query' || property === 'execute') {
        return (sql: Statement, values?: unknown) => transientOnFailure(() => runWithDeadline(target, property, sql, values, queryTimeoutMs));
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function databaseName(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`unusable database name in MySQL URL: ${name}`);
  return name;
}

/** Creates the URL's database if it is missing (local runs and tests; in Azure it already exists). */
export async function ensureDatabase(url: string): Promise<void> {
  const server = new URL(url);
  const name = databaseName(url);
  server.pathname = '/';
  const connection = await mysql.createConnection({ uri: server.toString() });
  try {
    await connection.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await connection.end();
  }
}

/**
 * Runs `work` on one connection while holding the MySQL named lock `name`, so overlapping runs
 * take turns. `acquired` is false when the lock was not free within `timeoutSeconds`.
 */
export async function withNamedLock<T>(
  pool: MysqlPool,
  name: string,
  timeoutSeconds: number,
  work: (connection: mysql.PoolConnection, acquired: boolean) => Promise<T>,
): Promise<T> {
  return transientOnFailure(() => withConnectionLock(pool, name, timeoutSeconds, work));
}

async function withConnectionLock<T>(
  pool: MysqlPool,
  name: string,
  timeoutSeconds: number,
  work: (connection: mysql.PoolConnection, acquired: boolean) => Promise<T>,
): Promise<T> {
  const connection = await pool.getConnection();
  try {
    const [[lock]] = await connection.query<mysql.RowDataPacket[]>('SELECT GET_LOCK(?, ?) AS acquired', [name, timeoutSeconds]);
    const acquired = lock?.acquired === 1;
    try {
      return await work(connection, acquired);
    } finally {
      if (acquired) await connection.query('SELECT RELEASE_LOCK(?)', [name]);
    }
  } finally {
    connection.release();
  }
}

export function placeholders(count: number, group = '?'): string {
  return Array.from({ length: count }, () => group).join(', ');
}

/** Deadlocks and lock-wait timeouts roll the whole transaction back; it is then safe to run again. */
const RETRYABLE_TRANSACTION_ERRNOS = new Set([1213, 1205]);
const TRANSACTION_ATTEMPTS = 5;

/**
 * Runs `attempt` (one whole transaction, rolled back when it fails) again while a deadlock or a
 * lock-wait timeout rolls it back, up to 5 times in all; any other failure is passed on at once,
 * as a TransientError when it passes (so is the last deadlock).
 */
export async function retryingRolledBackTransactions<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const { errno } = (error instanceof TransientError ? error.cause : error) as { errno?: number };
      if (tries >= TRANSACTION_ATTEMPTS || errno === undefined || !RETRYABLE_TRANSACTION_ERRNOS.has(errno)) throw asTransient(error);
    }
  }
}

/**
 * Runs `work` in a transaction on one connection of the pool: committed when it returns, rolled
 * back when it throws. A deadlock or lock-wait timeout runs `work` again (retryingRolledBackTransactions),
 * so `work` must decide only from what it reads inside the transaction.
 */
export async function withTransaction<T>(pool: MysqlPool, work: (connection: mysql.PoolConnection) => Promise<T>): Promise<T> {
  return retryingRolledBackTransactions(async () => {
    const connection = await pool.getConnection();
    let reusable = true;
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      await connection.commit();
      return result;
    } catch (error) {
      // A connection that cannot even roll back is broken: closing it ends the transaction too.
      await connection.rollback().catch(() => (reusable = false));
      throw error;
    } finally {
      if (reusable) connection.release();
      else connection.destroy();
    }
  });
}
