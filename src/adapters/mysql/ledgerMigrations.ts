import type { RowDataPacket } from 'mysql2/promise';
import { Umzug, type UmzugStorage } from 'umzug';
import { MIGRATION_FILES } from './migrations/index.js';
import { runMigration, type DataMigrationDeps, type LedgerMigration } from './migrations/migration.js';
import { withNamedLock, type MysqlPool } from './pool.js';

/** The ledger's migrations, one file each under ./migrations (listed in ./migrations/index.ts). */
export const LEDGER_MIGRATIONS: readonly LedgerMigration[] = MIGRATION_FILES;

const LOCK_NAME = 'repair-relay-ledger-migrations';

/**
 * Applies pending ledger migrations: a deployment step (src/migrate.ts), never part of a worker's
 * start. A MySQL named lock serialises runs that overlap; the umzug storage table records what has
 * run, so a second call only reads that table. `deps` serve the data migrations that read the
 * client database.
 */
export async function migrateLedger(
  pool: MysqlPool,
  migrations: readonly LedgerMigration[] = LEDGER_MIGRATIONS,
  deps: DataMigrationDeps = {},
): Promise<string[]> {
  return withNamedLock(pool, LOCK_NAME, 60, async (connection, acquired) => {
    if (!acquired) throw new Error('could not take the ledger migration lock within 60 s');
    await connection.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(191) NOT NULL PRIMARY KEY, applied_at DATETIME(3) NOT NULL)',
    );
    const storage: UmzugStorage = {
      async executed() {
        const [rows] = await connection.query<RowDataPacket[]>('SELECT name FROM schema_migrations ORDER BY name');
        return rows.map((row) => String(row.name));
      },
      async logMigration({ name }) {
        await connection.query('INSERT INTO schema_migrations (name, applied_at) VALUES (?, UTC_TIMESTAMP(3))', [name]);
      },
      async unlogMigration({ name }) {
        await connection.query('DELETE FROM schema_migrations WHERE name = ?', [name]);
      },
    };
    const umzug = new Umzug({
      migrations: migrations.map((migration) => ({
        name: migration.name,
        up: () => runMigration(migration, { ...deps, ledgerPool: pool, connection }),
      })),
      storage,
      logger: undefined,
    });
    const applied = await umzug.up();
    return applied.map((migration) => migration.name);
  });
}
