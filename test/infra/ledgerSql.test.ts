import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { LEDGER_MIGRATIONS } from '../../src/adapters/mysql/ledgerMigrations.js';
import { MysqlMessageStats } from '../../src/adapters/mysql/messageStats.js';
import { stepSql } from '../../src/adapters/mysql/migrations/migration.js';
import type { MysqlPool } from '../../src/adapters/mysql/pool.js';
import { LEDGER_MIGRATIONS_2012640 } from '../fixtures/ledgerMigrations2012640.js';

/**
 * The ledger runs on Azure Database for MySQL (8.0, 8.4) and on MariaDB 10.11 (the tests, local
 * runs): what the app sends must be in their common subset. Parsing with a MySQL grammar refuses
 * MariaDB's extensions (`ADD COLUMN IF NOT EXISTS`, `DROP INDEX IF EXISTS`, `SET STATEMENT`), and
 * collations are held to those both servers have. ASSUMPTIONS.md says what this cannot see.
 */
const parser = new Parser();

/** Collations (and the character sets they belong to) that MySQL 8.0/8.4 and MariaDB 10.11 both have. */
const PORTABLE_COLLATIONS = new Set(['utf8mb4_unicode_ci', 'utf8mb4_general_ci', 'utf8mb4_bin', 'binary']);
const PORTABLE_CHARSETS = new Set(['utf8mb4', 'binary']);

/** Why MySQL would refuse this statement, or nothing. */
function mysqlProblems(sql: string): string[] {
  const problems: string[] = [];
  try {
    parser.astify(sql, { database: 'MySQL' });
  } catch (error) {
    problems.push(`not MySQL syntax: ${(error as Error).message.slice(0, 160)}`);
  }
  for (const [, collation] of sql.matchAll(/\bCOLLATE\s*=?\s*([A-Za-z0-9_]+)/gi)) {
    if (!PORTABLE_COLLATIONS.has(collation!.toLowerCase())) problems.push(`collation ${collation} is not in both MySQL 8 and MariaDB 10.11`);
  }
  for (const [, charset] of sql.matchAll(/\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*([A-Za-z0-9_]+)/gi)) {
    if (!PORTABLE_CHARSETS.has(charset!.toLowerCase())) problems.push(`character set ${charset} is not utf8mb4`);
  }
  return problems;
}

function problemsOf(migrations: ReadonlyArray<{ name: string; statements: readonly string[] }>): string[] {
  return migrations.flatMap(({ name, statements }) =>
    statements.flatMap((sql, index) => mysqlProblems(sql).map((problem) => `${name} statement ${index + 1}: ${problem}`)),
  );
}

const schemaMigrations = LEDGER_MIGRATIONS.flatMap((migration) =>
  'steps' in migration ? [{ name: migration.name, statements: migration.steps.map(stepSql) }] : [],
);

describe('ledger SQL that MySQL 8 accepts', () => {
  it('parses every statement of every schema migration with the MySQL grammar, in portable collations', () => {
    expect(schemaMigrations.length).toBeGreaterThan(10);
    expect(problemsOf(schemaMigrations)).toEqual([]);
  });

  it('refuses the MariaDB-only SQL of release 2012640 (the gate can fail)', () => {
    const problems = problemsOf(LEDGER_MIGRATIONS_2012640);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^002-payments-tracking-feedback statement 3: not MySQL syntax/),
        expect.stringMatching(/^003-job-tracking-covering-index statement 1: not MySQL syntax/),
        expect.stringMatching(/^003-job-tracking-covering-index statement 2: not MySQL syntax/),
        expect.stringMatching(/^005-sms-log-to-hash-version statement 1: not MySQL syntax/),
        '006-message-statistics statement 1: collation utf8mb4_nopad_bin is not in both MySQL 8 and MariaDB 10.11',
        expect.stringMatching(/^007-poll-checkpoint-mirror-cursor statement 1: not MySQL syntax/),
      ]),
    );
    expect(mysqlProblems('SET STATEMENT max_statement_time = 1 FOR SELECT 1')).toHaveLength(1);
  });

  it('sends GET /api/stats as MySQL syntax (SET_VAR hints; MariaDB gets its own settings in an executable comment)', async () => {
    const sent: string[] = [];
    const capturing = { query: (sql: string) => (sent.push(sql), Promise.resolve([[], []])) } as unknown as MysqlPool;
    const day = new Date('2026-01-01T00:00:00Z');
    await new MysqlMessageStats(capturing).totals(
      [
        { level: 'day', firstStart: day, lastStart: new Date('2026-01-05T00:00:00Z'), sign: 1 },
        { level: 'quarter', firstStart: day, lastStart: day, sign: -1 },
      ],
      { customerId: 7, type: 'repair' },
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/SET_VAR\(tmp_table_size/);
    expect(sent[0]!.replace(/\/\*M![\s\S]*?\*\//g, '')).not.toMatch(/SET STATEMENT/);
    expect(mysqlProblems(sent[0]!)).toEqual([]);
  });
});
