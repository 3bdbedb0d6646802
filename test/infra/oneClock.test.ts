import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Issue 22, one clock: the domain takes its time from the Clock port and passes it into writes;
 * the system clock adapter is the one place that reads the real clock. Elapsed-time measures
 * (rate limiters, caches) use performance.now(), which is not a moment of the domain.
 */

const ROOT = join(__dirname, '../..');

/** The one file that reads the wall clock. */
const READS_THE_CLOCK = new Set(['src/adapters/system/systemClock.ts']);

/**
 * SQL that still stamps with the database's clock: schema_migrations bookkeeping at deployment
 * (no domain time exists there), and the migrations' DDL.
 */
const SQL_CLOCK_ALLOWED = new Set(['src/adapters/mysql/ledgerMigrations.ts']);

const WALL_CLOCK = /new Date\(\s*\)|Date\.now\(\s*\)/;
/** Upper case, as this code base writes SQL; `.now()` of a JavaScript clock is not SQL. */
const SQL_CLOCK = /UTC_TIMESTAMP|CURRENT_TIMESTAMP|(?<![.\w])NOW\(\s*\)|SYSDATE\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function offenders(files: readonly string[], pattern: RegExp, allowed: ReadonlySet<string>): string[] {
  return files
    .filter((file) => !allowed.has(file))
    .flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (pattern.test(line) ? [`${relative(ROOT, join(ROOT, file))}:${index + 1}: ${line.trim()}`] : [])),
    );
}

describe('one clock', () => {
  it('the patterns catch what they are meant to catch', () => {
    expect(WALL_CLOCK.test('const at = new Date();')).toBe(true);
    expect(WALL_CLOCK.test('const ms = Date.now() / 1000;')).toBe(true);
    expect(WALL_CLOCK.test("const at = new Date('2026-01-01');")).toBe(false);
    expect(SQL_CLOCK.test('updated_at = UTC_TIMESTAMP(3)')).toBe(true);
    expect(SQL_CLOCK.test('WHERE due < NOW()')).toBe(true);
    expect(SQL_CLOCK.test('const now = clock.now();')).toBe(false);
  });

  it('nothing in src but the system clock adapter reads the wall clock (new Date(), Date.now())', () => {
    expect(offenders(sourceFiles('src'), WALL_CLOCK, READS_THE_CLOCK)).toEqual([]);
  });

  it('no adapter SQL stamps or compares with the database clock: the domain passes its time', () => {
    const adapters = sourceFiles('src/adapters').filter((file) => !file.startsWith('src/adapters/mysql/migrations/'));
    expect(offenders(adapters, SQL_CLOCK, SQL_CLOCK_ALLOWED)).toEqual([]);
  });
});
