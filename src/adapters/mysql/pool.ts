import mysql from 'mysql2/promise';

export type MysqlPool = mysql.Pool;

/**
 * A pool whose DATETIME values are UTC and whose big numbers come back as strings, never floats.
 * `multipleStatements` lets one round trip carry a whole transaction (values are still placeholders).
 */
export function createMysqlPool(url: string, connectionLimit = 10, options: { multipleStatements?: boolean } = {}): MysqlPool {
  return mysql.createPool({
    uri: url,
    connectionLimit,
    multipleStatements: options.multipleStatements ?? false,
    timezone: 'Z',
    dateStrings: false,
    decimalNumbers: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    enableKeepAlive: true,
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

export function placeholders(count: number, group = '?'): string {
  return Array.from({ length: count }, () => group).join(', ');
}
