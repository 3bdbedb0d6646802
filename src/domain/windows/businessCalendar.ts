import { DateTime, IANAZone } from 'luxon';
import {
  dayRange,
  formatWeekRanges,
  MINUTES_PER_DAY,
  WEEKDAYS,
  weeklyIntervals,
  weekRanges,
  type DayRange,
  type WeeklyIntervals,
  type WeekRanges,
} from './weeklyHours.js';
import { DAY_MS } from './zoneOffsets.js';
import { okValue, refuse, type Result, type Value } from '../shared/result.js';

/*
 * The business's calendar (DESIGN "Contact windows"): BUSINESS_TIMEZONE, BUSINESS_HOURS and
 * BUSINESS_CLOSED_DATES, parsed once at start-up.
 *
 * BUSINESS_HOURS grammar (spaces around separators are free, day names in any case):
 *   hours   = clause *( ";" clause )
 *   clause  = days 1*" " ranges
 *   days    = dayspec *( "," dayspec )        e.g. Mon-Fri   Mon,Wed   Sat-Mon (wraps: Sat,Sun,Mon)
 *   dayspec = Day / Day "-" Day               Day = Mon / Tue / Wed / Thu / Fri / Sat / Sun
 *   ranges  = range *( "," range )            e.g. 09:00-12:00,13:00-17:00
 *   range   = HH:MM "-" HH:MM                 start 00:00-23:59, end 00:00-24:00, start ≠ end
 * An end of 24:00 is midnight (00:00-24:00 is the whole day); an end before the start runs
 * overnight: "Fri 22:00-02:00" is Friday 22:00 to Saturday 02:00. Ranges of one day, of several
 * clauses or overlapping overnight ranges are merged. A calendar must be open some time.
 *
 * BUSINESS_CLOSED_DATES closes whole local days of the business, 00:00-24:00: the part of Friday's
 * overnight range that falls on a closed Saturday is closed too.
 */

export interface BusinessCalendar {
  /** IANA zone of the business. */
  readonly timezone: string;
  /** Open ranges per weekday (0 = Monday) as written, merged. */
  readonly week: WeekRanges;
  /** Closed days, YYYY-MM-DD, ascending, without repeats. */
  readonly closedDates: readonly string[];
  /** The open hours as weekly intervals, none spanning a midnight. */
  readonly openIntervals: WeeklyIntervals;
  /** The closed days as days since 1970-01-01 (local dates). */
  readonly closedDays: ReadonlySet<number>;
}


const quote = (text: string) => `"${text.length > 40 ? `${text.slice(0, 40)}...` : text}"`;

/** Zones found valid. luxon builds an Intl formatter per check (about 0.3 ms); the valid names are few. */
const validZones = new Set<string>();

/**
 * An IANA zone name. A fixed offset (`+01:00`) is not one: Node 22's ICU accepts offsets as time
 * zones (Node 20's did not), and luxon with it, but an offset has no daylight saving rules.
 */
export function isTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  if (/^[+-]/.test(zone) || !IANAZone.isValidZone(zone)) return false;
  validZones.add(zone);
  return true;
}

export function parseTimeZone(zone: string): Result<Value<string>> {
  return isTimeZone(zone) ? okValue(zone) : refuse(`${quote(zone)} is not an IANA time zone such as Europe/London`);
}

function weekdayIndex(name: string): number {
  return WEEKDAYS.findIndex((day) => day.toLowerCase() === name.toLowerCase());
}

function parseDays(text: string): Result<Value<number[]>> {
  const days = new Set<number>();
  for (const item of text.split(',')) {
    const [first, last, ...extra] = item.split('-');
    const from = weekdayIndex(first ?? '');
    const to = last === undefined ? from : weekdayIndex(last);
    if (from < 0 || to < 0 || extra.length > 0) return refuse(`${quote(item)} is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a run of days such as Mon-Fri`);
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return okValue([...days]);
}

function parseRanges(text: string): Result<Value<DayRange[]>> {
  const ranges: DayRange[] = [];
  for (const item of text.split(',')) {
    const [from, to, ...extra] = item.split('-');
    if (from === undefined || to === undefined || extra.length > 0) return refuse(`${quote(item)} is not a range HH:MM-HH:MM`);
    const range = dayRange(from, to);
    if (!range.ok) return refuse(range.problem);
    ranges.push(range.range);
  }
  return okValue(ranges);
}

/** BUSINESS_HOURS in the grammar above; the detail names the clause and the part that is wrong. */
export function parseBusinessHours(text: string): Result<Value<WeekRanges>> {
  if (text.trim() === '') return refuse('is empty: give opening hours such as "Mon-Fri 09:00-17:30; Sat 10:00-14:00"');
  const entries: Array<{ day: number; range: DayRange }> = [];
  const clauses = text.split(';');
  for (const [index, rawClause] of clauses.entries()) {
    const clause = rawClause.trim();
    // A stray ";" (at the end, or doubled) is harmless.
    if (clause === '') continue;
    const where = `clause ${index + 1} ${quote(clause)}`;
    // The days end where the first time starts: "Mon, Wed 09:00-12:00, 13:00-17:00".
    const split = /^([^\d]*?)\s+(\d.*)$/.exec(clause);
    if (!split) return refuse(`${where} needs days, a space, then time ranges, such as "Mon-Fri 09:00-17:30"`);
    const days = parseDays(split[1]!.replace(/\s+/g, ''));
    if (!days.ok) return refuse(`${where}: ${days.detail}`);
    const ranges = parseRanges(split[2]!.replace(/\s+/g, ''));
    if (!ranges.ok) return refuse(`${where}: ${ranges.detail}`);
    for (const day of days.value) for (const range of ranges.value) entries.push({ day, range });
  }
  if (entries.length === 0) return refuse('has no opening hours: give some such as "Mon-Fri 09:00-17:30"');
  return okValue(weekRanges(entries));
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** BUSINESS_CLOSED_DATES: comma-separated YYYY-MM-DD, possibly none. */
export function parseClosedDates(text: string): Result<Value<string[]>> {
  const dates = new Set<string>();
  for (const item of text.split(',').map((part) => part.trim())) {
    // Nothing between two commas (or an empty setting) is no date, not a mistake worth refusing.
    if (item === '') continue;
    if (!DATE.test(item) || !DateTime.fromISO(item, { zone: 'UTC' }).isValid) return refuse(`${quote(item)} is not a date YYYY-MM-DD (dates are separated by commas)`);
    dates.add(item);
  }
  return okValue([...dates].sort());
}

const epochDay = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

export interface BusinessSettings {
  BUSINESS_TIMEZONE: string;
  BUSINESS_HOURS: string;
  BUSINESS_CLOSED_DATES: string;
}

/** The calendar of the three settings; a problem names the setting and its bad part. */
export function parseBusinessCalendar(settings: BusinessSettings): Result<Value<BusinessCalendar>> {
  const timezone = parseTimeZone(settings.BUSINESS_TIMEZONE);
  if (!timezone.ok) return refuse(`BUSINESS_TIMEZONE: ${timezone.detail}`);
  const week = parseBusinessHours(settings.BUSINESS_HOURS);
  if (!week.ok) return refuse(`BUSINESS_HOURS: ${week.detail}`);
  const closed = parseClosedDates(settings.BUSINESS_CLOSED_DATES);
  if (!closed.ok) return refuse(`BUSINESS_CLOSED_DATES: ${closed.detail}`);
  return okValue({
    timezone: timezone.value,
    week: week.value,
    closedDates: closed.value,
    openIntervals: weeklyIntervals(week.value, true),
    closedDays: new Set(closed.value.map(epochDay)),
  });
}

/** The calendar without its closed dates: the business's regular week. */
export function regularWeek(calendar: BusinessCalendar): BusinessCalendar {
  return { ...calendar, closedDates: [], closedDays: new Set() };
}

/** One line for the start-up log: "Business hours (Europe/London): Mon-Fri 09:00-17:30; Sat 10:00-14:00; closed on 2026-12-25". */
export function describeBusinessCalendar(calendar: BusinessCalendar): string {
  const aroundTheClock = calendar.week.every((ranges) => ranges.some((r) => r.fromMinute === 0 && r.toMinute >= MINUTES_PER_DAY));
  const closed = calendar.closedDates.length === 0 ? 'no closed dates' : `closed on ${calendar.closedDates.join(', ')}`;
  return `Business hours (${calendar.timezone}): ${formatWeekRanges(calendar.week)}${aroundTheClock ? ' (around the clock)' : ''}; ${closed}`;
}
