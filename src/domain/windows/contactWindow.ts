import { DateTime } from 'luxon';
import { isTimeZone, regularWeek, type BusinessCalendar } from './businessCalendar.js';
import {
  dayRange,
  formatWeekRanges,
  intervalAtOrAfter,
  WEEKDAYS,
  weeklyIntervals,
  weekRanges,
  type DayRange,
  type Weekday,
  type WeeklyIntervals,
  type WeekRanges,
} from './weeklyHours.js';
import { DAY_MS, EARLIEST_INSTANT_MS, LATEST_INSTANT_MS, offsetStretch, WEEK_MS } from './zoneOffsets.js';
import { ok, okValue, refuse, type Result, type Value } from '../shared/result.js';

/*
 * A customer's window (DESIGN "Contact windows"): the business's open hours minus its closed
 * dates, intersected with the customer's contact hours, each on its own zone's wall clock.
 *
 * An instant is inside a set of hours when the zone's wall clock at that instant shows a time in
 * them (opening minute inside, closing minute outside). So a range opening in a spring-forward
 * gap (01:30 on 29 March in London) opens at the first instant after the gap (02:00 BST), and in
 * a fall-back the repeated hour counts on both passes of the clock: a range opening at 01:30
 * opens on the first pass, one closing at 01:30 is open again for the second pass's 01:00-01:30.
 */

export { WEEKDAYS, type Weekday };

/** How far ahead a window is looked for before it is reported as never. */
export const SEARCH_DAYS = 400;
/** How far ahead contact hours must meet the business's regular week: every offset pair of a year. */
export const MEETING_CHECK_WEEKS = 53;

/** A customer's contact range in their own zone, as the customers API takes it. */
export interface ContactRange {
  days: readonly string[];
  from: string;
  to: string;
}

export interface CustomerHours {
  /** IANA zone; null or absent is the business's. */
  timezone?: string | null;
  /** null, absent or empty: any time the business is open. */
  contactHours?: readonly ContactRange[] | null;
}

/** Contact hours checked and compiled for the window search. */
export interface ContactWindow {
  timezone: string;
  /** null: any time. */
  week: WeekRanges | null;
  intervals: WeeklyIntervals | null;
}


/** Checks a customer's zone and contact hours; the detail names the bad field, e.g. `contactHours[1].from`. */
export function checkContactHours(calendar: BusinessCalendar, customer: CustomerHours): Result<Value<ContactWindow>> {
  const timezone = customer.timezone ?? calendar.timezone;
  if (!isTimeZone(timezone)) return refuse(`timezone "${timezone.slice(0, 60)}" is not an IANA time zone such as Europe/London`);
  const ranges = customer.contactHours ?? [];
  if (ranges.length === 0) return okValue({ timezone, week: null, intervals: null });
  const entries: Array<{ day: number; range: DayRange }> = [];
  for (const [index, contact] of ranges.entries()) {
    const field = `contactHours[${index}]`;
    if (contact.days.length === 0) return refuse(`${field}.days is empty: name at least one day (Mon ... Sun)`);
    const range = dayRange(contact.from, contact.to);
    if (!range.ok) return refuse(`${field}: ${range.problem}`);
    for (const [dayIndex, name] of contact.days.entries()) {
      const day = WEEKDAYS.indexOf(name as Weekday);
      if (day < 0) return refuse(`${field}.days[${dayIndex}] "${String(name).slice(0, 20)}" is not one of ${WEEKDAYS.join(', ')}`);
      entries.push({ day, range: range.range });
    }
  }
  const week = weekRanges(entries);
  return okValue({ timezone, week, intervals: weeklyIntervals(week, false) });
}

function compile(calendar: BusinessCalendar, customer: CustomerHours | ContactWindow): ContactWindow {
  if ('intervals' in customer) return customer;
  const checked = checkContactHours(calendar, customer);
  if (!checked.ok) throw new RangeError(`invalid contact hours: ${checked.detail}`);
  return checked.value;
}

function instantMs(at: Date, days: number): number {
  const ms = at.getTime();
  if (!(ms >= EARLIEST_INSTANT_MS && ms + days * DAY_MS <= LATEST_INSTANT_MS)) {
    throw new RangeError(`windows are computed for instants from 1900 to ${SEARCH_DAYS} days before 9999, not ${String(at)}`);
  }
  return ms;
}

/**
 * The earliest instant in [at, horizon) (UTC ms) inside the business's open hours (minus closed
 * dates) and the customer's contact hours. Time is walked in stretches where neither zone's offset
 * changes; within one, each side's next interval is a lookup in its weekly intervals, and the
 * cursor jumps to the later of the two until both hold it. A whole week with a pair of offsets and
 * no closed day that had no common instant will never have one with that pair again, so later
 * stretches with the same pair are skipped: hours that never meet cost a few lookups per week.
 */
function earliestInside(calendar: BusinessCalendar, customer: ContactWindow | null, at: number, horizon: number): number | undefined {
  const contactIntervals = customer?.intervals ?? null;
  const barrenOffsetPairs: number[] = [];
  let t = at;
  while (t < horizon) {
    const business = offsetStretch(calendar.timezone, t);
    const businessOffset = business.offsetMs;
    let end = Math.min(business.end, horizon);
    let contactOffset = 0;
    if (customer && contactIntervals) {
      const contact = offsetStretch(customer.timezone, t);
      contactOffset = contact.offsetMs;
      end = Math.min(end, contact.end);
    }
    // Offsets are whole seconds within ±1 day, so this number names the pair.
    const offsetPair = businessOffset * 200_000_000 + contactOffset;
    if (barrenOffsetPairs.includes(offsetPair)) {
      t = end;
      continue;
    }
    const stretchStart = t;
    let closedDayMet = false;
    while (t < end) {
      const local = t + businessOffset;
      const open = intervalAtOrAfter(calendar.openIntervals, local);
      if (open.start > local) {
        t = open.start - businessOffset;
        continue;
      }
      // Open intervals never span a midnight, so the interval's start gives its local date.
      const day = Math.floor(open.start / DAY_MS);
      if (calendar.closedDays.has(day)) {
        closedDayMet = true;
        t = (day + 1) * DAY_MS - businessOffset;
        continue;
      }
      if (!contactIntervals) return t;
      const contactLocal = t + contactOffset;
      const contact = intervalAtOrAfter(contactIntervals, contactLocal);
      if (contact.start <= contactLocal) return t;
      t = contact.start - contactOffset;
    }
    if (end - stretchStart >= WEEK_MS && !closedDayMet) barrenOffsetPairs.push(offsetPair);
    // A jump past the stretch was computed with offsets that no longer hold: resume where it ends.
    t = end;
  }
  return undefined;
}

export type SendTime = Result<{ sendAt: Date; immediate: boolean }>;

/**
 * When a message due at `at` goes out to `customer`: `at` itself when it is inside their window
 * (immediate), else the start of their next window. Not found within SEARCH_DAYS days → ok false.
 * Contact hours must be valid (checkContactHours); invalid ones throw a RangeError.
 */
export function nextSendTime(calendar: BusinessCalendar, customer: CustomerHours | ContactWindow, at: Date): SendTime {
  const from = instantMs(at, SEARCH_DAYS);
  const sendAt = earliestInside(calendar, compile(calendar, customer), from, from + SEARCH_DAYS * DAY_MS);
  if (sendAt === undefined) {
    return refuse(`no time in the ${SEARCH_DAYS} days from ${at.toISOString()} is inside both the business hours and the customer's contact hours`);
  }
  return ok({ sendAt: new Date(sendAt), immediate: sendAt === from });
}

/** The business's next opening at or after `at` (`at` itself when open); null when none within SEARCH_DAYS days. */
export function nextOpening(calendar: BusinessCalendar, at: Date): Date | null {
  const from = instantMs(at, SEARCH_DAYS);
  const opening = earliestInside(calendar, null, from, from + SEARCH_DAYS * DAY_MS);
  return opening === undefined ? null : new Date(opening);
}

/**
 * An identifier of the closed period that holds `at` (the same for every instant of it, different
 * for every other one), or null when the business is open at `at`: the next opening, ISO 8601, or
 * "no-opening" when there is none within SEARCH_DAYS days. It keys the one after-hours auto-reply
 * per customer and closed period.
 */
export function closedPeriodKey(calendar: BusinessCalendar, at: Date): string | null {
  const opening = nextOpening(calendar, at);
  if (opening === null) return 'no-opening';
  return opening.getTime() === at.getTime() ? null : opening.toISOString();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An opening as the auto-reply names it, on the business's clock: "Mon 30 Mar from 09:00". */
export function formatOpening(calendar: BusinessCalendar, opening: Date): string {
  const local = DateTime.fromMillis(opening.getTime(), { zone: calendar.timezone });
  return `${WEEKDAYS[local.weekday - 1]} ${local.day} ${MONTHS[local.month - 1]} from ${local.toFormat('HH:mm')}`;
}

/**
 * The 422 check of contact hours: valid, and meeting the business's regular week (closed dates
 * ignored: a holiday does not make hours wrong) at least once in the MEETING_CHECK_WEEKS weeks
 * from `from`, which covers every pair of offsets the two zones take in a year.
 */
export function checkContactHoursMeetBusiness(calendar: BusinessCalendar, customer: CustomerHours, from: Date): Result<Value<ContactWindow>> {
  const checked = checkContactHours(calendar, customer);
  if (!checked.ok || checked.value.week === null) return checked;
  const start = instantMs(from, MEETING_CHECK_WEEKS * 7);
  if (earliestInside(regularWeek(calendar), checked.value, start, start + MEETING_CHECK_WEEKS * WEEK_MS) !== undefined) return checked;
  return refuse(
    `contactHours (${formatWeekRanges(checked.value.week)}, ${checked.value.timezone}) never overlap the business hours ` +
      `(${formatWeekRanges(calendar.week)}, ${calendar.timezone}) in the ${MEETING_CHECK_WEEKS} weeks from ${from.toISOString().slice(0, 10)}`,
  );
}
