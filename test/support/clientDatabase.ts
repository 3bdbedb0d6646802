import { CLIENT_JOBS_DDL } from '../../dev/defaults.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../kit/mysql.js';

/** A throwaway database with the client's `Jobs` table, created from the one DDL the local host also uses. */
export async function createClientDatabase(): Promise<ThrowawayDatabase> {
  const db = await createThrowawayDatabase('client');
  await db.pool.query(CLIENT_JOBS_DDL);
  return db;
}
