import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { createMysqlPool, type MysqlPool } from '../../src/adapters/mysql/pool.js';
import type { Clock } from '../../src/domain/shared/ports.js';
import { FakeClock } from '../kit/clock.js';
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

/**
 * A clock the test moves, forwards or backwards, shared by the fake and the database: for MySQL
 * it pins the session's `@@timestamp`, which `UTC_TIMESTAMP(3)` then returns.
 */
export class SteppedClock implements Clock {
  private readonly clock = new FakeClock();

  constructor(private readonly apply: (at: Date) => Promise<void> = async () => {}) {}

  now(): Date {
    return this.clock.now();
  }

  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.apply(this.clock.now());
  }

  async advanceTo(epochMs: number): Promise<void> {
    await this.advance(epochMs - this.clock.now().getTime());
  }

  /** Hands the current time to the database before the first test step. */
  async pin(): Promise<this> {
    await this.advance(0);
    return this;
  }
}

/**
 * A one-connection pool on the database whose `UTC_TIMESTAMP(3)` follows a SteppedClock: every
 * statement runs on the connection whose session timestamp the clock sets.
 */
export function pinnedClockPool(url: string, options: { multipleStatements?: boolean } = {}): { pool: MysqlPool; clock(): Promise<SteppedClock> } {
  const pool = createMysqlPool(url, 1, options);
  return {
    pool,
    clock: () => new SteppedClock(async (at) => void (await pool.query(`SET timestamp = ${(at.getTime() / 1000).toFixed(3)}`))).pin(),
  };
}
