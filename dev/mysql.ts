import mysql from 'mysql2/promise';
import { databaseName, ensureDatabase } from '../src/adapters/mysql/pool.js';
import { CLIENT_JOBS_DDL } from './defaults.js';
import { isLoopbackUrl, redactUrl } from './settings.js';

/** MySQL cannot be used as configured; the message says what to do. */
export class LocalMysqlError extends Error {
  override readonly name = 'LocalMysqlError';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'PROTOCOL_CONNECTION_LOST']);
const DENIED = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_NOT_SUPPORTED_AUTH_MODE']);

function explain(url: string, setting: string, error: unknown): LocalMysqlError {
  const code = (error as { code?: string }).code ?? '';
  const where = redactUrl(url);
  const reason = `${code ? `${code}: ` : ''}${(error as Error).message ?? String(error)}`;
  if (UNREACHABLE.has(code)) {
    return new LocalMysqlError(
      `MySQL is not reachable at ${where} (${reason}). The local host needs a MariaDB or MySQL server for the client's Jobs table and the ledger: ` +
        'start one (for example `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`, or `sudo service mariadb start`), ' +
        `or point ${setting} at a running server.`,
    );
  }
  if (DENIED.has(code)) {
    return new LocalMysqlError(`MySQL refused the login in ${setting} (${where}): ${reason}. Put a user that may create databases in ${setting}.`);
  }
  return new LocalMysqlError(`MySQL at ${where} (${setting}) failed: ${reason}`);
}

export interface PreparedDatabase {
  setting: string;
  url: string;
  /** True when the database did not exist and was created now. */
  createdDatabase: boolean;
  /** True when the database had no table before this run (created now, or emptied). */
  empty: boolean;
}

export interface PreparedMysql {
  client: PreparedDatabase & { createdJobsTable: boolean };
  ledger: PreparedDatabase;
}

/**
 * Makes one database usable for a local run: it exists (created only on a local server) and, for
 * the client database, has the client's `Jobs` table (seed 000's schema), which is the client's and
 * is never created on a non-local server. Ledger tables come from the app's migrations.
 */
async function prepareDatabase(url: string, setting: string, withJobsTable: boolean): Promise<PreparedDatabase & { createdJobsTable: boolean }> {
  const name = databaseName(url);
  const server = new URL(url);
  server.pathname = '/';
  let connection: mysql.Connection | undefined;
  const exists = async (sql: string, params: string[]) => ((await connection!.query<mysql.RowDataPacket[]>(sql, params))[0]).length > 0;
  try {
    connection = await mysql.createConnection({ uri: server.toString(), connectTimeout: 5000 });
    const createdDatabase = !(await exists('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [name]));
    const empty = createdDatabase || !(await exists('SELECT 1 FROM information_schema.tables WHERE table_schema = ? LIMIT 1', [name]));
    const hasJobs = !empty && (await exists('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [name, 'Jobs']));
    const createJobs = withJobsTable && !hasJobs;
    if ((createdDatabase || createJobs) && !isLoopbackUrl(url)) {
      const missing = createdDatabase ? `has no database ${name}` : 'has no Jobs table';
      throw new LocalMysqlError(`${redactUrl(url)} (${setting}) ${missing}; the local host creates it only on a local server`);
    }
    if (createdDatabase) await ensureDatabase(url);
    if (createJobs) await connection.query(`CREATE TABLE IF NOT EXISTS \`${name}\`.${CLIENT_JOBS_DDL.replace(/^CREATE TABLE /, '')}`);
    return { setting, url, createdDatabase, empty, createdJobsTable: createJobs };
  } catch (error) {
    throw error instanceof LocalMysqlError ? error : explain(url, setting, error);
  } finally {
    await connection?.end().catch(() => {});
  }
}

export async function prepareClientDatabase(clientUrl: string): Promise<PreparedMysql['client']> {
  return prepareDatabase(clientUrl, 'CLIENT_DB_URL', true);
}

export async function prepareLocalMysql(clientUrl: string, ledgerUrl: string): Promise<PreparedMysql> {
  const client = await prepareClientDatabase(clientUrl);
  return { client, ledger: await prepareDatabase(ledgerUrl, 'LEDGER_DB_URL', false) };
}
