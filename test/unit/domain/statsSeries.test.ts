import { describe, expect, it } from 'vitest';
import { previousPeriod } from '../../../src/domain/stats/statsSeries.js';
import { csvCell } from '../../../src/functions/stats/staffStatsSchemas.js';

describe('previous period of a statistics chart', () => {
  it.each([
    ['2026-03-01', '2026-03-31', { from: '2026-02-01', to: '2026-02-28' }],
    ['2024-03-01', '2024-04-30', { from: '2024-01-01', to: '2024-02-29' }],
    ['2026-01-01', '2026-12-31', { from: '2025-01-01', to: '2025-12-31' }],
    ['2026-03-08', '2026-03-09', { from: '2026-03-06', to: '2026-03-07' }],
    ['2026-03-15', '2026-04-14', { from: '2026-02-12', to: '2026-03-14' }],
    ['2026-10-25', '2026-10-25', { from: '2026-10-24', to: '2026-10-24' }],
  ])('%s to %s compares with %o', (from, to, expected) => {
    expect(previousPeriod(from, to, 'Europe/London')).toEqual(expected);
  });
});

describe('CSV cells', () => {
  it.each([
    ['sms.job-received', 'sms.job-received'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['=A1,"x"', `"'=A1,""x"""`],
  ])('%j is written %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });
});
