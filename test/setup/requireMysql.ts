import mysql from 'mysql2/promise';
import { MYSQL_SERVER_URL } from '../kit/mysql.js';

/** Integration tests need a real MariaDB; say so loudly instead of skipping them. */
export default async function requireMysql(): Promise<void> {
  try {
    const connection = await mysql.createConnection({ uri: MYSQL_SERVER_URL, connectTimeout: 5000 });
    await connection.end();
  } catch (error) {
    throw new Error(
      `MariaDB/MySQL is not reachable at ${MYSQL_SERVER_URL} (${(error as Error).message}). ` +
        'Start it (start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd) or set TEST_MYSQL_URL.',
      { cause: error },
    );
  }
}
