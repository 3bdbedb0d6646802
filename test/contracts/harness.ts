import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { MysqlPool } from '../../src/adapters/mysql/pool.js';
import type { ThrowawayDatabase } from '../kit/mysql.js';

/**
 * One way to get a port (with whatever the suite needs beside it): started once per test file,
 * and asked for a fresh, empty subject before every test.
 */
export interface Implementation<S> {
  name: string;
  start(): Promise<{ fresh(): Promise<S>; stop?(): Promise<void> }>;
}

/**
 * Runs the same contract suite against every implementation of a port (the in-memory fake and
 * the real adapter), so the fakes the domain tests rely on behave like MySQL and Cosmos.
 */
export function describeContract<S>(port: string, implementations: ReadonlyArray<Implementation<S>>, suite: (subject: () => S) => void): void {
  describe.each(implementations)(`${port} contract: $name`, (implementation) => {
    let started: Awaited<ReturnType<Implementation<S>['start']>> | undefined;
    let current: S | undefined;
    beforeAll(async () => {
      started = await implementation.start();
    });
    afterAll(async () => started?.stop?.());
    beforeEach(async () => {
      current = await started!.fresh();
    });
    suite(() => current!);
  });
}

/** An in-memory fake, new for every test. */
export function fakeImplementation<S>(fresh: () => S | Promise<S>): Implementation<S> {
  return { name: 'fake', start: async () => ({ fresh: async () => fresh() }) };
}

/** One throwaway database for the whole test file, created before its first test and dropped after its last. */
export function databasePerFile(create: () => Promise<ThrowawayDatabase>): () => ThrowawayDatabase {
  let db: ThrowawayDatabase | undefined;
  beforeAll(async () => {
    db = await create();
  });
  afterAll(async () => db?.drop());
  return () => db!;
}

/** A real MySQL adapter on the file's database, its tables emptied before every test. */
export function mysqlImplementation<S>(database: () => ThrowawayDatabase, tables: readonly string[], build: (pool: MysqlPool) => S): Implementation<S> {
  return {
    name: 'MySQL',
    async start() {
      const { pool } = database();
      return {
        async fresh() {
          for (const table of tables) await pool.query(`DELETE FROM \`${table}\``);
          return build(pool);
        },
      };
    },
  };
}
