import mysql from 'mysql2/promise';
import { databaseName, ensureDatabase } from '../adapters/mysql/pool.js';
import { CLIENT_JOBS_DDL } from './clientJobsSchema.js';

/** MySQL cannot be used as configured; the message says what to do. */
export class LocalMysqlError extends Error {
  override readonly name = 'LocalMysqlError';
}

/** A MySQL URL fit to print: the password, if any, is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unreadable URL)';
  }
}

export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
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

async function connectToServer(url: string, setting: string): Promise<mysql.Connection> {
  const server = new URL(url);
  server.pathname = '/';
  try {
    return await mysql.createConnection({ uri: server.toString(), connectTimeout: 5000 });
  } catch (error) {
    throw explain(url, setting, error);
  }
}

export interface PreparedDatabase {
  setting: string;
  url: string;
  /** True when the database did not exist and was created now. */
  createdDatabase: boolean;
}

export interface PreparedMysql {
  client: PreparedDatabase & { createdJobsTable: boolean };
  ledger: PreparedDatabase;
}

async function databaseExists(connection: mysql.Connection, name: string): Promise<boolean> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [name]);
  return rows.length > 0;
}

async function tableExists(connection: mysql.Connection, database: string, table: string): Promise<boolean> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>(
    'SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
    [database, table],
  );
  return rows.length > 0;
}

async function prepareDatabase(url: string, setting: string): Promise<PreparedDatabase> {
  const name = databaseName(url);
  const connection = await connectToServer(url, setting);
  try {
    if (await databaseExists(connection, name)) return { setting, url, createdDatabase: false };
    if (!isLoopbackUrl(url)) {
      throw new LocalMysqlError(`database ${name} does not exist on ${redactUrl(url)} (${setting}); the local host only creates databases on a local server`);
    }
  } catch (error) {
    if (error instanceof LocalMysqlError) throw error;
    throw explain(url, setting, error);
  } finally {
    await connection.end().catch(() => {});
  }
  try {
    await ensureDatabase(url);
  } catch (error) {
    throw explain(url, setting, error);
  }
  return { setting, url, createdDatabase: true };
}

/**
 * Creates the client's `Jobs` table (seed 000 schema) when it is missing from a local database.
 * The table is the client's: it is never created on a non-local server.
 */
export async function ensureClientJobsTable(url: string, setting = 'CLIENT_DB_URL'): Promise<boolean> {
  const name = databaseName(url);
  const connection = await connectToServer(url, setting);
  try {
    if (await tableExists(connection, name, 'Jobs')) return false;
    if (!isLoopbackUrl(url)) {
      throw new LocalMysqlError(`${redactUrl(url)} (${setting}) has no Jobs table; the local host creates it only in a local database`);
    }
    await connection.query(`USE \`${name}\``);
    try {
      await connection.query(CLIENT_JOBS_DDL);
    } catch (error) {
      if ((error as { code?: string }).code !== 'ER_TABLE_EXISTS_ERROR') throw error;
      return false;
    }
    return true;
  } catch (error) {
    if (error instanceof LocalMysqlError) throw error;
    throw explain(url, setting, error);
  } finally {
    await connection.end().catch(() => {});
  }
}

/**
 * Makes the two MySQL databases usable for a local run: both exist (created on a local server when
 * missing) and the client database has its `Jobs` table. Ledger tables come from the app's
 * migrations, which run when the relay is built.
 */
export async function prepareClientDatabase(clientUrl: string): Promise<PreparedMysql['client']> {
  const client = await prepareDatabase(clientUrl, 'CLIENT_DB_URL');
  return { ...client, createdJobsTable: await ensureClientJobsTable(clientUrl) };
}

export async function prepareLocalMysql(clientUrl: string, ledgerUrl: string): Promise<PreparedMysql> {
  const client = await prepareClientDatabase(clientUrl);
  const ledger = await prepareDatabase(ledgerUrl, 'LEDGER_DB_URL');
  return { client, ledger };
}
