import { DateTime } from 'luxon';
import { amountFromThousandths, thousandthsFromAmount } from '../shared/money.js';
import type { Clock } from '../shared/ports.js';
import type { MessageStats, RunawayFlag, RunawayFlagInput, RunawayFlags, RunawayReason, StatsTotal } from './ports.js';
import { coverInterval, resolveInterval } from './statsInterval.js';

/** The baseline is the days just before the one judged. */
export const BASELINE_DAYS = 7;
/** A day is a jump only when it is also more than this many times the baseline's daily average. */
export const BASELINE_FACTOR = 3;

export interface RunawaySettings {
  /** RUNAWAY_DAILY_COUNT */
  dailyCount: number;
  /** RUNAWAY_DAILY_COST, three decimals. */
  dailyCost: string;
  /** RUNAWAY_PAUSE */
  pause: boolean;
}

/** A day's or a baseline's figures; cost in thousandths. */
export interface Figures {
  count: number;
  cost: bigint;
}

/**
 * The rule (ASSUMPTIONS.md, Runaway-sender guard): a day is flagged for its count when the count
 * is above RUNAWAY_DAILY_COUNT and above BASELINE_FACTOR times the average day of the
 * BASELINE_DAYS before; for its cost likewise against RUNAWAY_DAILY_COST. The threshold keeps
 * small numbers quiet (2 → 7 is no runaway); the baseline keeps a steadily busy customer quiet.
 */
export function runawayReasons(day: Figures, baseline: Figures, settings: Pick<RunawaySettings, 'dailyCount' | 'dailyCost'>): RunawayReason[] {
  const reasons: RunawayReason[] = [];
  if (day.count > settings.dailyCount && day.count * BASELINE_DAYS > BASELINE_FACTOR * baseline.count) reasons.push('count');
  if (day.cost > thousandthsFromAmount(settings.dailyCost) && day.cost * BigInt(BASELINE_DAYS) > BigInt(BASELINE_FACTOR) * baseline.cost) reasons.push('cost');
  return reasons;
}

/** The shop's day holding `now`: its date, its first instant and the first instant of its baseline. */
export function shopDay(now: Date, timeZone: string): { day: string; start: Date; baselineStart: Date } {
  const start = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  return { day: start.toISODate()!, start: start.toJSDate(), baselineStart: start.minus({ days: BASELINE_DAYS }).toJSDate() };
}

export interface RunawayGuardDeps {
  flags: RunawayFlags;
  clock: Clock;
  /** The shop's IANA zone (BUSINESS_TIMEZONE): days are its days. */
  timeZone: string;
  settings: RunawaySettings;
}

/**
 * The send path's check (the notification pipeline's SendGuard): null to send, or why not. With
 * RUNAWAY_PAUSE off it reads nothing. Otherwise the message about to go is counted with the
 * customer's messages attempted today; past the rule, the customer is flagged and paused, and
 * this message and every later one are skipped until staff release the customer.
 */
export async function runawayPause(deps: RunawayGuardDeps, customerId: number): Promise<string | null> {
  if (!deps.settings.pause) return null;
  const now = deps.clock.now();
  const day = shopDay(now, deps.timeZone);
  const figures = await deps.flags.sendFigures(customerId, day.start, day.baselineStart);
  const detail = `sending to customer ${customerId} is paused by the runaway-sender guard (more than ${deps.settings.dailyCount} messages today); staff release it in the console`;
  if (figures.paused) return detail;
  const today = figures.today + 1;
  const reasons = runawayReasons({ count: today, cost: 0n }, { count: figures.baseline, cost: 0n }, deps.settings);
  if (reasons.length === 0) return null;
  const subject = { kind: 'customer', customerId } as const;
  await deps.flags.record([{ subject, day: day.day, reasons, count: today, cost: null, baselineCount: figures.baseline, baselineCost: null, paused: true, at: now }]);
  return (await deps.flags.isPaused(customerId)) ? detail : null;
}

export interface RunawayReviewDeps extends RunawayGuardDeps {
  stats: Pick<MessageStats, 'totals'>;
}

function sumBy<K>(rows: readonly StatsTotal[], key: (row: StatsTotal) => K): Map<K, Figures> {
  const sums = new Map<K, Figures>();
  for (const row of rows) {
    const sum = sums.get(key(row)) ?? { count: 0, cost: 0n };
    sums.set(key(row), { count: sum.count + row.count, cost: sum.cost + BigInt(row.totalAmount.replace('.', '')) });
  }
  return sums;
}

async function dayTotals(deps: RunawayReviewDeps, from: string, to: string): Promise<StatsTotal[]> {
  const interval = resolveInterval(from, to, deps.timeZone);
  if (!interval.ok) throw new RangeError(interval.detail);
  return deps.stats.totals(coverInterval(interval.start, interval.end), {});
}

/**
 * The dashboard's daily review: today's statistics per customer and per type against the rule,
 * each subject past it flagged (customers paused too when RUNAWAY_PAUSE is on). Statistics count
 * what was sent and what producers reported, with its cost, so this is where cost is judged.
 */
export async function reviewRunaways(deps: RunawayReviewDeps): Promise<RunawayFlagInput[]> {
  const now = deps.clock.now();
  const day = shopDay(now, deps.timeZone);
  const first = DateTime.fromJSDate(day.baselineStart, { zone: deps.timeZone }).toISODate()!;
  const last = DateTime.fromJSDate(day.start, { zone: deps.timeZone }).minus({ days: 1 }).toISODate()!;
  const [today, before] = await Promise.all([dayTotals(deps, day.day, day.day), dayTotals(deps, first, last)]);
  const none: Figures = { count: 0, cost: 0n };
  const flags: RunawayFlagInput[] = [];
  const judge = <K>(todayBy: Map<K, Figures>, beforeBy: Map<K, Figures>, subjectOf: (key: K) => RunawayFlagInput['subject']) => {
    for (const [key, figures] of todayBy) {
      const baseline = beforeBy.get(key) ?? none;
      const reasons = runawayReasons(figures, baseline, deps.settings);
      if (reasons.length === 0) continue;
      const subject = subjectOf(key);
      flags.push({
        subject,
        day: day.day,
        reasons,
        count: figures.count,
        cost: amountFromThousandths(figures.cost),
        baselineCount: baseline.count,
        baselineCost: amountFromThousandths(baseline.cost),
        paused: deps.settings.pause && subject.kind === 'customer',
        at: now,
      });
    }
  };
  judge(sumBy(today, (r) => r.customerId), sumBy(before, (r) => r.customerId), (customerId) => ({ kind: 'customer', customerId }));
  judge(sumBy(today, (r) => r.type), sumBy(before, (r) => r.type), (type) => ({ kind: 'type', type }));
  if (flags.length > 0) await deps.flags.record(flags);
  return flags;
}

/** GET /api/staff/stats/flags: the first page reviews today first, so the dashboard always shows today's jumps. */
export async function listRunawayFlags(deps: RunawayReviewDeps, page: { before?: number; limit: number }): Promise<{ flags: RunawayFlag[]; nextBefore: number | null }> {
  if (page.before === undefined) await reviewRunaways(deps);
  const flags = await deps.flags.list({ ...page, limit: page.limit + 1 });
  const shown = flags.slice(0, page.limit);
  return { flags: shown, nextBefore: flags.length > page.limit ? shown.at(-1)!.flagId : null };
}

/** POST /api/staff/customers/{customerId}/release: sending resumes; the day's flag stays, released, and does not pause again that day. */
export async function releaseCustomer(deps: Pick<RunawayGuardDeps, 'flags' | 'clock'>, customerId: number, by: string): Promise<{ customerId: number; released: number }> {
  return { customerId, released: await deps.flags.release(customerId, by, deps.clock.now()) };
}
