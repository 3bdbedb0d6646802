import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/pool.js';
import { migrateLedger } from '../../src/adapters/mysql/ledgerMigrations.js';
import type { ClientJob } from '../../src/domain/jobs/job.js';

export const MYSQL_SERVER_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

export interface ThrowawayDatabase {
  url: string;
  pool: MysqlPool;
  drop(): Promise<void>;
}

/** A database of its own for one test file, dropped afterwards. */
export async function createThrowawayDatabase(purpose: string): Promise<ThrowawayDatabase> {
  const name = `rr_test_${purpose}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const url = new URL(name, MYSQL_SERVER_URL).toString();
  const pool = createMysqlPool(url);
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      const cleanup = await mysql.createConnection({ uri: MYSQL_SERVER_URL });
      await cleanup.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await cleanup.end();
    },
  };
}

export async function createLedgerDatabase(): Promise<ThrowawayDatabase> {
  const db = await createThrowawayDatabase('ledger');
  await migrateLedger(db.pool);
  return db;
}

export interface JobRowInput {
  id: number;
  status?: string;
  mobile?: string | null;
  firstName?: string;
  type?: string;
  productType?: string;
}

export async function insertClientJobs(pool: MysqlPool, jobs: JobRowInput[]): Promise<void> {
  await insertClientJobRows(
    pool,
    jobs.map((job) => ({
      jobId: job.id,
      jobType: job.type ?? 'warranty repair',
      status: job.status ?? 'NEW',
      firstName: job.firstName ?? 'Joe',
      lastName: 'Bloggs',
      postcode: 'SG13 7TZ',
      mobile: job.mobile === undefined ? '07770 123456' : job.mobile,
      productId: String(1000 + job.id),
      productType: job.productType ?? 'spider catcher',
    })),
  );
}

/** Writes these rows into the client's `Jobs` table, every column as given. */
export async function insertClientJobRows(pool: MysqlPool, jobs: readonly ClientJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await pool.query(
    'INSERT INTO Jobs (Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type) VALUES ?',
    [jobs.map((j) => [j.jobId, j.jobType, j.status, j.firstName, j.lastName, j.postcode, j.mobile, j.productId, j.productType])],
  );
}

export async function clientStatus(pool: MysqlPool, jobId: number): Promise<string | null> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT Job_status FROM Jobs WHERE Job_id = ?', [jobId]);
  return (rows[0]?.Job_status as string | undefined) ?? null;
}

export async function jobTransRows(pool: MysqlPool, jobId?: number): Promise<Array<{ Job_id: number; Job_status: string; event_key: string; Update_note: string }>> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT Job_id, Job_status, event_key, Update_note FROM job_trans ${jobId === undefined ? '' : 'WHERE Job_id = ?'} ORDER BY creationDate, trans_id`,
    jobId === undefined ? [] : [jobId],
  );
  return rows as Array<{ Job_id: number; Job_status: string; event_key: string; Update_note: string }>;
}
