import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { ClientJobs } from '../../../domain/jobs/ports.js';
import type { PhoneKeys } from '../../../domain/shared/ports.js';
import type { MysqlPool } from '../pool.js';

/*
 * One ledger migration per file in this folder, named `NNN-what-it-does.ts` after the name umzug
 * records, and listed once in ./index.ts. SQL is the subset MySQL 8.0, 8.4 and MariaDB 10.11 share
 * (test/infra/ledgerSql.test.ts parses every statement with a MySQL grammar): no `IF [NOT] EXISTS`
 * on columns or indexes, no MariaDB-only collations.
 */

/**
 * What the schema already holds. DDL is not transactional, so a migration that stopped between two
 * statements runs again from the first: a statement guarded by a fact it would make true is skipped.
 */
export type SchemaFact =
  | { table: string; hasColumn: string }
  | { table: string; hasIndex: string }
  | { table: string; lacksIndex: string }
  | { hasTable: string };

export type MigrationStep = string | { sql: string; skipIf: SchemaFact };

/** What a data migration may need beyond the ledger: the client's jobs and the phone keys (for re-keying). */
export interface DataMigrationDeps {
  clientJobs?: Pick<ClientJobs, 'readJobs'>;
  phoneKeys?: PhoneKeys;
}

export interface MigrationContext extends DataMigrationDeps {
  ledgerPool: MysqlPool;
  connection: PoolConnection;
}

export type LedgerMigration =
  | { name: string; steps: readonly MigrationStep[] }
  /** Rewrites rows rather than the schema; the statements it sends are in its own file. */
  | { name: string; run(context: MigrationContext): Promise<void> };

/** The SQL text of a step, guarded or not. */
export function stepSql(step: MigrationStep): string {
  return typeof step === 'string' ? step : step.sql;
}

/** Reads one schema fact of the connection's database from information_schema (portable, unlike `IF [NOT] EXISTS`). */
export async function holds(connection: PoolConnection, fact: SchemaFact): Promise<boolean> {
  if ('hasTable' in fact) {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
      [fact.hasTable],
    );
    return rows.length > 0;
  }
  if ('hasColumn' in fact) {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [fact.table, fact.hasColumn],
    );
    return rows.length > 0;
  }
  const index = 'hasIndex' in fact ? fact.hasIndex : fact.lacksIndex;
  const [rows] = await connection.query<RowDataPacket[]>(
    'SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1',
    [fact.table, index],
  );
  return 'hasIndex' in fact ? rows.length > 0 : rows.length === 0;
}

/** Runs a migration's steps in order, skipping each guarded one whose fact already holds. */
export async function runMigration(migration: LedgerMigration, context: MigrationContext): Promise<void> {
  if ('run' in migration) return migration.run(context);
  for (const step of migration.steps) {
    if (typeof step !== 'string' && (await holds(context.connection, step.skipIf))) continue;
    await context.connection.query(stepSql(step));
  }
}
