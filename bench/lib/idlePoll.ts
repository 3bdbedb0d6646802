/**
 * The 1,000,000-row idle-poll set-up and measurement from bench/ingest.ts, as a library for other
 * benches (bench/callbacks.ts): a client `Jobs` table where nothing is NEW, every job tracked in the
 * ledger, the checkpoint at the top, then timed polls that must find nothing to do.
 */
import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from '../../src/adapters/mysql/pool.js';
import { pollClientJobs, type PollDeps } from '../../src/domain/jobs/pollClientJobs.js';
import { verify } from '../../test/kit/verify.js';

export const JOB_COLUMNS =
  'Job_id, Job_type, Job_status, Client_firstname, Client_lastname, Client_postcode, Client_mobile, Product_id, Product_type';
const FIRST_NAMES = ['Joe', 'Amira', 'Siobhan', 'Tomasz', 'Priya', 'Gareth', 'Chen', 'Olu'];
const PRODUCTS = ['spider catcher', 'kettle', 'lawnmower', 'hair dryer', 'toaster'];

export async function innodbStatus(pool: MysqlPool, name: string): Promise<number> {
  const [[row]] = await pool.query<RowDataPacket[]>('SHOW GLOBAL STATUS LIKE ?', [name]);
  return Number(row?.Value ?? 0);
}

/**
 * Writes the tables' dirty pages out (`FLUSH TABLES ... FOR EXPORT`), then waits (at most 20 s)
 * until at most 5% of the buffer pool is dirty, so the polls measure a steady state.
 */
export async function waitForInnodbToSettle(pool: MysqlPool, tables: string[] = []): Promise<number> {
  const start = performance.now();
  if (tables.length > 0) {
    const connection = await pool.getConnection();
    try {
      await connection.query(`FLUSH TABLES ${tables.join(', ')} FOR EXPORT`);
      await connection.query('UNLOCK TABLES');
    } finally {
      connection.release();
    }
  }
  const total = await innodbStatus(pool, 'Innodb_buffer_pool_pages_total');
  while (performance.now() - start < 20_000) {
    if ((await innodbStatus(pool, 'Innodb_buffer_pool_pages_dirty')) <= total * 0.05) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return performance.now() - start;
}

/**
 * Jobs 1..rows, none NEW: every `openedEvery`-th OPENED, every `inProgressEvery`-th IN PROGRESS, the
 * rest CLOSED; one in `noMobileEvery` without a mobile. Every job gets a closed `job_tracking` row
 * with the same status (open them with openTrackedJobs) and `poll_checkpoint` sits at the top.
 * Expects CLIENT_JOBS_DDL and the ledger migrations applied. Returns the Jobs table size in MiB.
 */
export async function loadIdleJobs(
  clientPool: MysqlPool,
  ledgerPool: MysqlPool,
  options: { rows: number; openedEvery: number; inProgressEvery: number; noMobileEvery: number; chunk?: number },
): Promise<{ tableMiB: number }> {
  const { rows, openedEvery, inProgressEvery, noMobileEvery } = options;
  const chunk = options.chunk ?? 100_000;
  const status = `IF(seq % ${openedEvery} = 0, 'OPENED', IF(seq % ${inProgressEvery} = 0, 'IN PROGRESS', 'CLOSED'))`;
  for (let first = 1; first <= rows; first += chunk) {
    const last = Math.min(first + chunk - 1, rows);
    await clientPool.query(
      `INSERT INTO Jobs (${JOB_COLUMNS})
       SELECT seq, IF(seq % 7 = 0, 'chargeable repair', 'warranty repair'), ${status},
         ELT(1 + seq % 8, ${FIRST_NAMES.map((n) => `'${n}'`).join(', ')}), 'Bloggs', 'SG13 7TZ',
         IF(seq % ${noMobileEvery} = 0, NULL, CONCAT('0777', seq % 10, ' ', LPAD((seq * 7919) % 1000000, 6, '0'))),
         CAST(100000 + seq AS CHAR), ELT(1 + seq % 5, ${PRODUCTS.map((n) => `'${n}'`).join(', ')})
       FROM seq_${first}_to_${last}`,
    );
    await ledgerPool.query(
      `INSERT INTO job_tracking (Job_id, last_status, is_open, updated_at)
       SELECT seq, ${status}, 0, UTC_TIMESTAMP(3) FROM seq_${first}_to_${last}`,
    );
  }
  await ledgerPool.query(
    "INSERT INTO poll_checkpoint (name, last_job_id, sweep_job_id, updated_at) VALUES ('client-jobs', ?, 0, UTC_TIMESTAMP(3))",
    [rows],
  );
  await clientPool.query('ANALYZE TABLE Jobs');
  await waitForInnodbToSettle(clientPool, ['Jobs']);
  const [[size]] = await clientPool.query<RowDataPacket[]>(
    "SELECT data_length + index_length AS bytes FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'Jobs'",
  );
  return { tableMiB: Number(size?.bytes) / 1024 ** 2 };
}

/** Opens every `every`-th tracked job (a join with a sequence, so no million-row update); returns how many. */
export async function openTrackedJobs(ledgerPool: MysqlPool, rows: number, every: number): Promise<number> {
  const [result] = await ledgerPool.query<import('mysql2').ResultSetHeader>(
    `UPDATE job_tracking t JOIN seq_${every}_to_${rows}_step_${every} s ON t.Job_id = s.seq SET t.is_open = 1`,
  );
  await waitForInnodbToSettle(ledgerPool, ['job_tracking', 'poll_checkpoint']);
  return result.affectedRows;
}

export interface IdleMeasurement {
  samples: number[];
  diskReadsPerPoll: number;
  pageRequestsPerPoll: number;
}

/**
 * Warm-up polls with `deps`, then `polls` timed polls with `timed` (the same ports, perhaps
 * profiled); each poll must scan, ingest and repair nothing, leave the checkpoint at `rows` and
 * mirror a full slice (`openJobs`, or the settings' `mirrorRows` if fewer) with nothing to change.
 */
export async function measureIdlePolls(options: {
  deps: PollDeps;
  timed?: PollDeps;
  rows: number;
  openJobs: number;
  polls: number;
  warmupPolls: number;
  ledgerPool: MysqlPool;
}): Promise<IdleMeasurement> {
  const timed = options.timed ?? options.deps;
  for (let i = 0; i < options.warmupPolls; i++) await pollClientJobs(options.deps);
  const samples: number[] = [];
  const diskReadsBefore = await innodbStatus(options.ledgerPool, 'Innodb_buffer_pool_reads');
  const requestsBefore = await innodbStatus(options.ledgerPool, 'Innodb_buffer_pool_read_requests');
  for (let i = 0; i < options.polls; i++) {
    const start = performance.now();
    const report = await pollClientJobs(timed);
    samples.push(performance.now() - start);
    verify(report.scanned === 0 && report.ingested === 0 && report.repaired === 0, `idle poll did work: ${JSON.stringify(report)}`);
    verify(report.checkpoint === options.rows, `idle poll moved the checkpoint to ${report.checkpoint}`);
    const mirror = report.mirror;
    const slice = Math.min(options.openJobs, timed.settings.mirrorRows);
    verify(
      mirror?.visited === slice && mirror.advanced === 0 && mirror.flagged === 0 && mirror.closing === 0,
      `idle mirror: ${JSON.stringify(mirror)}`,
    );
  }
  const diskReadsPerPoll = ((await innodbStatus(options.ledgerPool, 'Innodb_buffer_pool_reads')) - diskReadsBefore) / options.polls;
  const pageRequestsPerPoll = ((await innodbStatus(options.ledgerPool, 'Innodb_buffer_pool_read_requests')) - requestsBefore) / options.polls;
  return { samples, diskReadsPerPoll, pageRequestsPerPoll };
}
