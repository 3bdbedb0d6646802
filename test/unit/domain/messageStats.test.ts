import { describe, expect, it } from 'vitest';
import { ownStatsMessage, OWN_MESSAGE_NAMESPACE } from '../../../src/domain/stats/messageStats.js';
import type { BucketRange } from '../../../src/domain/stats/ports.js';
import { bucketStart, coverInterval, resolveInterval } from '../../../src/domain/stats/statsInterval.js';
import { canonicalStatsMessage, sameStatsContent, uuidV5 } from '../../../src/domain/stats/statsMessage.js';

const HOUR = 3_600_000;

function interval(from: string, to: string, tz: string): { start: string; end: string; hours: number } {
  const result = resolveInterval(from, to, tz);
  if (!result.ok) throw new Error(result.detail);
  return { start: result.start.toISOString(), end: result.end.toISOString(), hours: (result.end.getTime() - result.start.getTime()) / HOUR };
}

function detail(from: string, to: string, tz: string): string {
  const result = resolveInterval(from, to, tz);
  if (result.ok) throw new Error(`accepted ${from}..${to} ${tz}`);
  return result.detail;
}

/** Every bucket a cover lists, expanded with its sign, so the test can check the signed sum is the interval. */
function buckets(ranges: BucketRange[]): Array<{ key: string; start: number; end: number; sign: number }> {
  const next = (level: BucketRange['level'], at: Date) => {
    const probe = new Date(at);
    if (level === 'quarter') return new Date(at.getTime() + 15 * 60_000);
    if (level === 'day') probe.setUTCDate(probe.getUTCDate() + 1);
    if (level === 'month') probe.setUTCMonth(probe.getUTCMonth() + 1);
    if (level === 'year') probe.setUTCFullYear(probe.getUTCFullYear() + 1);
    return probe;
  };
  return ranges.flatMap((range) => {
    const out: Array<{ key: string; start: number; end: number; sign: number }> = [];
    for (let at = range.firstStart; at <= range.lastStart; at = next(range.level, at)) {
      expect(bucketStart(range.level, at).getTime(), `${range.level} bucket at ${at.toISOString()} is aligned`).toBe(at.getTime());
      out.push({ key: `${range.level} ${at.toISOString()}`, start: at.getTime(), end: next(range.level, at).getTime(), sign: range.sign });
    }
    return out;
  });
}

/** The signed number of times each quarter hour in [from, to) is counted by the buckets. */
function multiplicity(tiles: ReturnType<typeof buckets>, from: number, to: number): Map<number, number> {
  const times = new Map<number, number>();
  for (const tile of tiles) {
    for (let q = Math.max(tile.start, from); q < Math.min(tile.end, to); q += 15 * 60_000) times.set(q, (times.get(q) ?? 0) + tile.sign);
  }
  return times;
}

describe('stats interval: inclusive days in an IANA zone', () => {
  it('maps a UTC day to its 24 hours', () => {
    expect(interval('2026-01-15', '2026-01-15', 'UTC')).toEqual({ start: '2026-01-15T00:00:00.000Z', end: '2026-01-16T00:00:00.000Z', hours: 24 });
  });

  it('gives London 23 hours on the spring DST day and 25 on the autumn one', () => {
    expect(interval('2026-03-29', '2026-03-29', 'Europe/London')).toEqual({ start: '2026-03-29T00:00:00.000Z', end: '2026-03-29T23:00:00.000Z', hours: 23 });
    expect(interval('2026-10-25', '2026-10-25', 'Europe/London')).toEqual({ start: '2026-10-24T23:00:00.000Z', end: '2026-10-26T00:00:00.000Z', hours: 25 });
  });

  it('follows half-hour and three-quarter-hour zones', () => {
    expect(interval('2026-06-01', '2026-06-02', 'Asia/Kolkata')).toEqual({ start: '2026-05-31T18:30:00.000Z', end: '2026-06-02T18:30:00.000Z', hours: 48 });
    expect(interval('2026-06-01', '2026-06-01', 'Asia/Kathmandu')).toEqual({ start: '2026-05-31T18:15:00.000Z', end: '2026-06-01T18:15:00.000Z', hours: 24 });
  });

  it('starts a day whose midnight a DST jump skips at its first real instant', () => {
    // Havana moves from 00:00 straight to 01:00 (UTC-4) on 2025-03-09.
    expect(interval('2025-03-09', '2025-03-09', 'America/Havana')).toMatchObject({ start: '2025-03-09T05:00:00.000Z', hours: 23 });
  });

  it('refuses impossible dates, from after to, unknown zones and other formats', () => {
    expect(detail('2026-02-30', '2026-03-01', 'UTC')).toMatch(/from is not a real date: 2026-02-30/);
    expect(detail('2026-02-01', '2026-13-01', 'UTC')).toMatch(/to is not a real date/);
    expect(detail('2026-03-02', '2026-03-01', 'UTC')).toMatch(/from \(2026-03-02\) is after to \(2026-03-01\)/);
    expect(detail('2026-03-01', '2026-03-01', 'Mars/Olympus_Mons')).toMatch(/tz must be an IANA time zone/);
    expect(detail('2026-3-1', '2026-03-01', 'UTC')).toMatch(/from must be a date written YYYY-MM-DD/);
    expect(detail('2026-03-01T00:00', '2026-03-01', 'UTC')).toMatch(/YYYY-MM-DD/);
    expect(detail('0001-01-01', '2026-03-01', 'UTC')).toMatch(/from must be a year from 1970/);
  });
});

describe('stats interval cover', () => {
  const cases: Array<[string, string, string]> = [
    ['2025-01-01', '2025-12-31', 'UTC'],
    ['2025-01-01', '2025-12-31', 'America/New_York'],
    ['2025-03-15', '2026-03-14', 'Asia/Kathmandu'],
    ['2026-03-29', '2026-03-29', 'Europe/London'],
    ['2024-02-29', '2024-02-29', 'Pacific/Chatham'],
    ['2020-01-01', '2029-12-31', 'Australia/Adelaide'],
  ];

  it.each(cases)('counts every quarter hour of %s..%s in %s exactly once and nothing around it, each bucket once', (from, to, tz) => {
    const result = resolveInterval(from, to, tz);
    if (!result.ok) throw new Error(result.detail);
    const tiles = buckets(coverInterval(result.start, result.end));
    expect(new Set(tiles.map((t) => t.key)).size).toBe(tiles.length);
    // Look at everything the buckets touch, a day either side included.
    const lo = Math.min(result.start.getTime(), ...tiles.map((t) => t.start)) - 86_400_000;
    const hi = Math.max(result.end.getTime(), ...tiles.map((t) => t.end)) + 86_400_000;
    const times = multiplicity(tiles, lo, hi);
    const wrong: string[] = [];
    for (let q = lo; q < hi && wrong.length < 3; q += 15 * 60_000) {
      const expected = q >= result.start.getTime() && q < result.end.getTime() ? 1 : 0;
      if ((times.get(q) ?? 0) !== expected) wrong.push(`${new Date(q).toISOString()} counted ${times.get(q) ?? 0} times`);
    }
    expect(wrong).toEqual([]);
  });

  it('reads one year bucket for a UTC year, and the UTC year with its edges moved for a year in New York', () => {
    const utc = resolveInterval('2025-01-01', '2025-12-31', 'UTC');
    const ny = resolveInterval('2025-01-01', '2025-12-31', 'America/New_York');
    const london = resolveInterval('2026-03-29', '2026-03-29', 'Europe/London');
    if (!utc.ok || !ny.ok || !london.ok) throw new Error('interval refused');
    expect(coverInterval(utc.start, utc.end)).toEqual([{ level: 'year', firstStart: utc.start, lastStart: utc.start, sign: 1 }]);
    expect(coverInterval(ny.start, ny.end).map((r) => `${r.sign > 0 ? '+' : '-'}${r.level} ${r.firstStart.toISOString()}..${r.lastStart.toISOString()}`).sort()).toEqual([
      '+quarter 2026-01-01T00:00:00.000Z..2026-01-01T04:45:00.000Z',
      '+year 2025-01-01T00:00:00.000Z..2025-01-01T00:00:00.000Z',
      '-quarter 2025-01-01T00:00:00.000Z..2025-01-01T04:45:00.000Z',
    ]);
    // The 23-hour London day: the UTC day minus its last hour.
    expect(coverInterval(london.start, london.end).map((r) => [r.level, r.sign])).toEqual([['day', 1], ['quarter', -1]]);
  });
});

describe('stats messages', () => {
  it('compares amounts as numbers of thousandths and uuids without case', () => {
    const a = canonicalStatsMessage({ customerId: 1, type: 'A', amount: '000.100', uuid: 'A596B362-08BE-419F-8070-9C3055566E7C' });
    expect(a).toEqual({ customerId: 1, type: 'A', amount: '0.100', uuid: 'a596b362-08be-419f-8070-9c3055566e7c' });
    expect(sameStatsContent(a, { ...a, amount: '0.100' })).toBe(true);
    expect(sameStatsContent(a, { ...a, amount: '0.101' })).toBe(false);
    expect(sameStatsContent(a, { ...a, type: 'a' })).toBe(false);
  });

  it('derives RFC 9562 version 5 uuids', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('records our own SMS as <channel>.<event>, price rounded half up, uuid from the idempotency key', () => {
    const sms = ownStatsMessage({ customerId: 7, channel: 'sms', event: 'job-received', price: '0.03350000', messageKey: 'job-123-received' });
    expect(sms).toEqual({ customerId: 7, type: 'sms.job-received', amount: '0.034', uuid: uuidV5('sms/job-123-received', OWN_MESSAGE_NAMESPACE) });
    expect(ownStatsMessage({ customerId: 7, channel: 'sms', event: 'job-received', price: '0.0334999', messageKey: 'job-123-received' }).amount).toBe('0.033');
    expect(ownStatsMessage({ customerId: 7, channel: 'sms', event: 'job-closed', price: null, messageKey: 'job-123-closed' }).amount).toBe('0.000');
    expect(ownStatsMessage({ customerId: 7, channel: 'email', event: 'job-received', messageKey: 'job-123-received' }).uuid).not.toBe(sms.uuid);
  });
});
