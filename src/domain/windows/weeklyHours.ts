import { DAY_MS, MINUTE_MS, WEEK_MS } from './zoneOffsets.js';
import type { Result } from '../shared/result.js';

/*
 * Hours of a week on a local wall clock, shared by the business calendar and customers' contact
 * hours: days, 'HH:MM' times, and the sorted intervals a window search walks through.
 */

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const MINUTES_PER_DAY = 24 * 60;

/** A range starting on one day: `fromMinute` in [0, 1440), `toMinute` after it, up to a day later (overnight). */
export interface DayRange {
  fromMinute: number;
  toMinute: number;
}

/** Ranges per weekday (index 0 = Monday), each list sorted and merged. */
export type WeekRanges = ReadonlyArray<readonly DayRange[]>;

const TIME = /^(\d{2}):(\d{2})$/;

/** Minutes after midnight of an 'HH:MM' time, 00:00 to 24:00; undefined when it is not one. */
export function parseClockTime(text: string): number | undefined {
  const match = TIME.exec(text);
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return undefined;
  return hours * 60 + minutes;
}

export function formatClockTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

export type RangeResult = Result<{ range: DayRange }, { problem: string }>;

/**
 * `from`-`to` on one day: `to` 24:00 ends at midnight, `to` before `from` runs overnight into the
 * next day; `from` = `to` is refused (a whole day is 00:00-24:00).
 */
export function dayRange(from: string, to: string): RangeResult {
  const fromMinute = parseClockTime(from);
  const toMinute = parseClockTime(to);
  if (fromMinute === undefined || fromMinute === MINUTES_PER_DAY) return { ok: false, problem: `"${from.slice(0, 20)}" is not a start time HH:MM from 00:00 to 23:59` };
  if (toMinute === undefined) return { ok: false, problem: `"${to.slice(0, 20)}" is not an end time HH:MM from 00:00 to 24:00` };
  if (fromMinute === toMinute) return { ok: false, problem: `${from}-${to} is empty (a whole day is 00:00-24:00)` };
  return { ok: true, range: { fromMinute, toMinute: toMinute > fromMinute ? toMinute : toMinute + MINUTES_PER_DAY } };
}

function mergeRanges(ranges: readonly DayRange[]): DayRange[] {
  const sorted = [...ranges].sort((a, b) => a.fromMinute - b.fromMinute);
  const merged: DayRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.fromMinute <= last.toMinute) last.toMinute = Math.max(last.toMinute, range.toMinute);
    else merged.push({ ...range });
  }
  return merged;
}

/** Collects ranges per weekday and merges each day's overlapping ones. */
export function weekRanges(entries: ReadonlyArray<{ day: number; range: DayRange }>): WeekRanges {
  const days: DayRange[][] = WEEKDAYS.map(() => []);
  for (const { day, range } of entries) days[day]!.push(range);
  return days.map(mergeRanges);
}

/**
 * Sorted, disjoint [start, end) intervals of a week in ms after Monday 00:00 local time, each
 * within [0, WEEK_MS]. Sunday's overnight ranges wrap into Monday.
 */
export interface WeeklyIntervals {
  starts: number[];
  ends: number[];
}

/**
 * The intervals of `week`, overlaps across days merged. With `splitAtMidnight`, no interval spans
 * a midnight, so each lies on one local date (closed dates remove whole intervals).
 */
export function weeklyIntervals(week: WeekRanges, splitAtMidnight: boolean): WeeklyIntervals {
  const pieces: Array<[number, number]> = [];
  week.forEach((ranges, day) => {
    for (const { fromMinute, toMinute } of ranges) {
      const start = day * DAY_MS + fromMinute * MINUTE_MS;
      const end = day * DAY_MS + toMinute * MINUTE_MS;
      if (end <= WEEK_MS) pieces.push([start, end]);
      else pieces.push([start, WEEK_MS], [0, end - WEEK_MS]);
    }
  });
  pieces.sort((a, b) => a[0] - b[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [start, end] of pieces) {
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last]!) ends[last] = Math.max(ends[last]!, end);
    else {
      starts.push(start);
      ends.push(end);
    }
  }
  if (!splitAtMidnight) return { starts, ends };
  const split: WeeklyIntervals = { starts: [], ends: [] };
  starts.forEach((start, i) => {
    for (let from = start; from < ends[i]!; from = (Math.floor(from / DAY_MS) + 1) * DAY_MS) {
      split.starts.push(from);
      split.ends.push(Math.min(ends[i]!, (Math.floor(from / DAY_MS) + 1) * DAY_MS));
    }
  });
  return split;
}

/** 1970-01-01 was a Thursday: local ms + this, modulo a week, is the time since Monday 00:00. */
const MONDAY_SHIFT_MS = 3 * DAY_MS;

/**
 * The interval (local ms, as if UTC) that holds the local time `local` or, if none does, the next
 * one after it. `intervals` must not be empty.
 */
export function intervalAtOrAfter(intervals: WeeklyIntervals, local: number): { start: number; end: number } {
  const intoWeek = (((local + MONDAY_SHIFT_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  const weekStart = local - intoWeek;
  const { starts, ends } = intervals;
  // First interval ending after intoWeek (binary search: ends are ascending).
  let low = 0;
  let high = ends.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ends[middle]! > intoWeek) high = middle;
    else low = middle + 1;
  }
  if (low === ends.length) return { start: weekStart + WEEK_MS + starts[0]!, end: weekStart + WEEK_MS + ends[0]! };
  return { start: weekStart + starts[low]!, end: weekStart + ends[low]! };
}

/** Weekday names as runs: [0,1,2,4] → "Mon-Wed,Fri". */
export function formatDays(days: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j === i ? WEEKDAYS[days[i]!]! : `${WEEKDAYS[days[i]!]}${j === i + 1 ? ',' : '-'}${WEEKDAYS[days[j]!]}`);
    i = j + 1;
  }
  return runs.join(',');
}

export function formatRange({ fromMinute, toMinute }: DayRange): string {
  const to = toMinute > MINUTES_PER_DAY ? toMinute - MINUTES_PER_DAY : toMinute;
  return `${formatClockTime(fromMinute)}-${formatClockTime(to)}`;
}

/** `week` in the BUSINESS_HOURS grammar, days with the same ranges together: "Mon-Fri 09:00-17:30; Sat 10:00-14:00". */
export function formatWeekRanges(week: WeekRanges): string {
  const groups = new Map<string, number[]>();
  week.forEach((ranges, day) => {
    if (ranges.length === 0) return;
    const key = ranges.map(formatRange).join(',');
    groups.set(key, [...(groups.get(key) ?? []), day]);
  });
  return [...groups].map(([ranges, days]) => `${formatDays(days)} ${ranges}`).join('; ');
}
