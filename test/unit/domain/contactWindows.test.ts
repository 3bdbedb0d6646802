import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseBusinessCalendar, type BusinessCalendar } from '../../../src/domain/windows/businessCalendar.js';
import {
  checkContactHoursMeetBusiness,
  closedPeriodKey,
  formatOpening,
  nextOpening,
  nextSendTime,
  type ContactRange,
  type CustomerHours,
} from '../../../src/domain/windows/contactWindow.js';
import { seededRandom } from '../../kit/seededRandom.js';

function calendarOf(hours: string, closedDates = '', timezone = 'Europe/London'): BusinessCalendar {
  const parsed = parseBusinessCalendar({ BUSINESS_TIMEZONE: timezone, BUSINESS_HOURS: hours, BUSINESS_CLOSED_DATES: closedDates });
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.value;
}

const range = (days: string, from: string, to: string): ContactRange => ({ days: days.split(','), from, to });
const WEEKDAYS = 'Mon,Tue,Wed,Thu,Fri';

/** ISO instant of the send time, "never", or "now" when immediate. */
function sendTime(calendar: BusinessCalendar, customer: CustomerHours, at: string): string {
  const result = nextSendTime(calendar, customer, new Date(at));
  if (!result.ok) return 'never';
  expect(result.immediate).toBe(result.sendAt.getTime() === new Date(at).getTime());
  return result.immediate ? 'now' : result.sendAt.toISOString().replace('.000Z', 'Z');
}

// London: BST 2026-03-29T01:00Z to 2026-10-25T01:00Z. New York: EDT 2026-03-08T07:00Z to 2026-11-01T06:00Z.
const shop = calendarOf('Mon-Fri 09:00-17:30; Sat 10:00-14:00', '2026-12-25,2026-12-28');

describe('the business alone (a customer without contact hours)', () => {
  it.each([
    ['Fri evening before the spring change waits for Saturday 10:00 GMT', '2026-03-27T18:00:00Z', '2026-03-28T10:00:00Z'],
    ['opening minute is inside', '2026-03-28T10:00:00Z', 'now'],
    ['last millisecond before closing is inside', '2026-03-28T13:59:59.999Z', 'now'],
    ['closing minute is outside: Monday 09:00 BST, after the clocks went forward', '2026-03-28T14:00:00Z', '2026-03-30T08:00:00Z'],
    ['Sunday of the change itself', '2026-03-29T00:59:00Z', '2026-03-30T08:00:00Z'],
    ['Monday 08:59 BST', '2026-03-30T07:59:00Z', '2026-03-30T08:00:00Z'],
    ['Monday 09:00 BST', '2026-03-30T08:00:00Z', 'now'],
    ['Friday closing minute in BST: Saturday 10:00 BST', '2026-10-23T16:30:00Z', '2026-10-24T09:00:00Z'],
    ['Saturday 14:00 BST before the autumn change: Monday 09:00 GMT', '2026-10-24T13:00:00Z', '2026-10-26T09:00:00Z'],
    ['Saturday 13:59 BST', '2026-10-24T12:59:00Z', 'now'],
    ['Christmas Eve closing: Christmas (Fri) closed, Saturday opens', '2026-12-24T17:30:00Z', '2026-12-26T10:00:00Z'],
    ['Christmas Day itself', '2026-12-25T12:00:00Z', '2026-12-26T10:00:00Z'],
    ['Saturday closing: Sunday, then the substitute Monday closed: Tuesday', '2026-12-26T14:00:00Z', '2026-12-29T09:00:00Z'],
    ['the closed Monday at what would be opening time', '2026-12-28T09:00:00Z', '2026-12-29T09:00:00Z'],
  ])('%s', (_, at, expected) => {
    expect(sendTime(shop, {}, at)).toBe(expected);
    expect(sendTime(shop, { timezone: 'Asia/Tokyo', contactHours: [] }, at)).toBe(expected);
    const opening = nextOpening(shop, new Date(at));
    expect(opening?.toISOString().replace('.000Z', 'Z')).toBe(expected === 'now' ? new Date(at).toISOString().replace('.000Z', 'Z') : expected);
  });
});

describe('wall-clock hours across DST changes (Europe/London)', () => {
  it.each([
    ['Sun 01:30-03:00', '', '2026-03-29T00:00:00Z', '2026-03-29T01:00:00Z', '01:30 does not exist: opens at 02:00 BST, the first instant after the gap'],
    ['Sun 01:30-03:00', '', '2026-03-29T01:59:00Z', 'now', '02:59 BST'],
    ['Sun 01:30-03:00', '', '2026-03-29T02:00:00Z', '2026-04-05T00:30:00Z', '03:00 BST closes; next Sunday 01:30 BST'],
    ['Sun 01:30-03:00', '', '2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z', '01:30 happens twice: opens on the first pass (BST)'],
    ['Sun 01:30-03:00', '', '2026-10-25T00:59:00Z', 'now', '01:59 BST'],
    ['Sun 01:30-03:00', '', '2026-10-25T01:00:00Z', '2026-10-25T01:30:00Z', 'the second pass shows 01:00-01:30 GMT, before the opening: outside again until 01:30 GMT'],
    ['Sat 22:00-01:30', '', '2026-10-24T20:59:00Z', '2026-10-24T21:00:00Z', 'Saturday 22:00 BST'],
    ['Sat 22:00-01:30', '', '2026-10-25T00:30:00Z', '2026-10-25T01:00:00Z', 'closes at 01:30 BST, open again for 01:00-01:30 GMT'],
    ['Sat 22:00-01:30', '', '2026-10-25T01:30:00Z', '2026-10-31T22:00:00Z', '01:30 GMT closes for good'],
    ['Mon-Sun 00:00-24:00', '', '2026-03-29T01:00:00Z', 'now', 'always open, at the spring change'],
    ['Mon-Sun 00:00-24:00', '', '2026-10-25T01:30:00Z', 'now', 'always open, in the repeated hour'],
    ['Mon-Sun 00:00-24:00', '2026-12-25', '2026-12-24T23:59:00Z', 'now', 'always open but Christmas'],
    ['Mon-Sun 00:00-24:00', '2026-12-25', '2026-12-25T00:00:00Z', '2026-12-26T00:00:00Z', 'Christmas closes the whole local day'],
    ['Fri 22:00-02:00', '', '2026-06-12T23:30:00Z', 'now', "Friday's overnight range runs into Saturday 00:30 BST"],
    ['Fri 22:00-02:00', '2026-06-13', '2026-06-12T22:30:00Z', 'now', 'Friday 23:30 BST: Friday is not closed'],
    ['Fri 22:00-02:00', '2026-06-13', '2026-06-12T23:00:00Z', '2026-06-19T21:00:00Z', 'a closed Saturday closes the part of the range after midnight'],
  ])('%s closed %j at %s → %s (%s)', (hours, closed, at, expected) => {
    expect(sendTime(calendarOf(hours, closed), {}, at)).toBe(expected);
  });
});

describe('a customer in New York, the business in London', () => {
  const newYork = (from: string, to: string): CustomerHours => ({ timezone: 'America/New_York', contactHours: [range(WEEKDAYS, from, to)] });
  const office = calendarOf('Mon-Fri 09:00-17:30');
  it.each([
    // NY 12:00-14:00 meets London's 17:30 close: 5 h apart 17:00Z-17:30Z, 4 h apart (2026-03-08..03-29, 2026-10-25..11-01) 16:00Z-17:30Z, in summer 16:00Z-16:30Z.
    ['both in winter time: NY 11:30 EST waits for 12:00 EST', '2026-03-03T16:30:00Z', '2026-03-03T17:00:00Z'],
    ['both in winter time: 17:15 GMT = 12:15 EST', '2026-03-03T17:15:00Z', 'now'],
    ['US on EDT, UK on GMT: 16:30 GMT = 12:30 EDT', '2026-03-10T16:30:00Z', 'now'],
    ['US on EDT, UK on GMT: 16:00 GMT = 12:00 EDT opens', '2026-03-10T15:59:00Z', '2026-03-10T16:00:00Z'],
    ['US on EDT, UK on GMT: London closes at 17:30 GMT, next day 12:00 EDT', '2026-03-10T17:30:00Z', '2026-03-11T16:00:00Z'],
    ['Friday 27 March 17:29 GMT (13:29 EDT)', '2026-03-27T17:29:00Z', 'now'],
    ['both in summer time: 17:30 BST closes, next day 12:00 EDT = 17:00 BST', '2026-03-31T16:30:00Z', '2026-04-01T16:00:00Z'],
    ['UK back on GMT, US still EDT: 17:29 GMT', '2026-10-27T17:29:00Z', 'now'],
    ['UK back on GMT, US still EDT: closing', '2026-10-27T17:30:00Z', '2026-10-28T16:00:00Z'],
    ['both back in winter time: 16:30 GMT = 11:30 EST', '2026-11-02T16:30:00Z', '2026-11-02T17:00:00Z'],
  ])('12:00-14:00 EST/EDT: %s', (_, at, expected) => {
    expect(sendTime(office, newYork('12:00', '14:00'), at)).toBe(expected);
  });

  it('hours that meet the business only while the clocks disagree are accepted, and wait for those weeks', () => {
    // NY 12:30-13:00 is London 17:30-18:00 (closed) except 2026-03-08..03-29 and 2026-10-25..11-01 (16:30-17:00 GMT).
    const customer = newYork('12:30', '13:00');
    expect(checkContactHoursMeetBusiness(office, customer, new Date('2026-01-01T00:00:00Z')).ok).toBe(true);
    expect(sendTime(office, customer, '2026-01-05T12:00:00Z')).toBe('2026-03-09T16:30:00Z');
    expect(sendTime(office, customer, '2026-03-27T16:59:00Z')).toBe('now');
    expect(sendTime(office, customer, '2026-03-27T17:00:00Z')).toBe('2026-10-26T16:30:00Z');
    expect(sendTime(office, customer, '2026-10-30T17:00:00Z')).toBe('2027-03-15T16:30:00Z');
  });
});

describe('contact hours', () => {
  const allDay = calendarOf('Mon-Sun 00:00-24:00');
  const london = (...contactHours: ContactRange[]): CustomerHours => ({ timezone: 'Europe/London', contactHours });

  it.each([
    ['overnight Fri 22:00-07:00 inside', calendarOf('Mon-Sat 06:00-23:00'), london(range('Fri', '22:00', '07:00')), '2026-06-05T21:00:00Z', 'now'],
    ['overnight: the business closes at 23:00, reopens 06:00 Saturday', calendarOf('Mon-Sat 06:00-23:00'), london(range('Fri', '22:00', '07:00')), '2026-06-05T22:00:00Z', '2026-06-06T05:00:00Z'],
    ['overnight: 07:00 Saturday closes, next Friday 22:00', calendarOf('Mon-Sat 06:00-23:00'), london(range('Fri', '22:00', '07:00')), '2026-06-06T06:00:00Z', '2026-06-12T21:00:00Z'],
    ['Sunday overnight wraps into Monday', allDay, london(range('Sun', '22:00', '02:00')), '2026-06-08T00:30:00Z', 'now'],
    ['Sunday overnight: 02:00 Monday closes', allDay, london(range('Sun', '22:00', '02:00')), '2026-06-08T01:00:00Z', '2026-06-14T21:00:00Z'],
    ['to 24:00: 23:59 inside', allDay, london(range('Mon', '20:00', '24:00')), '2026-06-08T22:59:00Z', 'now'],
    ['to 24:00: midnight outside', allDay, london(range('Mon', '20:00', '24:00')), '2026-06-08T23:00:00Z', '2026-06-15T19:00:00Z'],
    ['overlapping and touching ranges merge', allDay, london(range('Mon', '09:00', '11:00'), range('Mon', '10:00', '12:00'), range('Mon', '12:00', '13:00')), '2026-06-08T11:59:00Z', 'now'],
    ['merged ranges close at the last end', allDay, london(range('Mon', '09:00', '11:00'), range('Mon', '10:00', '12:00'), range('Mon', '12:00', '13:00')), '2026-06-08T12:00:00Z', '2026-06-15T08:00:00Z'],
    ['the opening minute of the customer is inside', allDay, london(range('Mon', '09:00', '11:00')), '2026-06-08T08:00:00Z', 'now'],
    ['always open business, customer in Kolkata (+05:30)', allDay, { timezone: 'Asia/Kolkata', contactHours: [range('Mon', '09:00', '10:00')] }, '2026-06-08T00:00:00Z', '2026-06-08T03:30:00Z'],
    ['always open business, no contact hours', allDay, {}, '2026-03-29T01:00:00Z', 'now'],
    ['a Sydney customer, Fri 23:00-02:00 AEST (Fri 14:00-17:00 BST)', shop, { timezone: 'Australia/Sydney', contactHours: [range('Fri', '23:00', '02:00')] }, '2026-06-05T00:00:00Z', '2026-06-05T13:00:00Z'],
    ['a Sydney customer: Saturday 02:00 AEST closes', shop, { timezone: 'Australia/Sydney', contactHours: [range('Fri', '23:00', '02:00')] }, '2026-06-05T16:00:00Z', '2026-06-12T13:00:00Z'],
    ['a Sydney customer, Sat 20:00-24:00 AEST: Saturday 10:00 BST is Saturday 19:00 AEST', shop, { timezone: 'Australia/Sydney', contactHours: [range('Sat', '20:00', '24:00')] }, '2026-06-05T00:00:00Z', '2026-06-06T10:00:00Z'],
  ])('%s', (_, calendar, customer, at, expected) => {
    expect(sendTime(calendar, customer, at)).toBe(expected);
  });

  it('a customer whose hours never meet the business is refused and never sent to', () => {
    const customer = london(range('Sat,Sun', '18:00', '20:00'));
    const checked = checkContactHoursMeetBusiness(shop, customer, new Date('2026-03-01T00:00:00Z'));
    expect(checked).toEqual({
      ok: false,
      detail: 'contactHours (Sat,Sun 18:00-20:00, Europe/London) never overlap the business hours (Mon-Fri 09:00-17:30; Sat 10:00-14:00, Europe/London) in the 53 weeks from 2026-03-01',
    });
    expect(sendTime(shop, customer, '2026-03-01T00:00:00Z')).toBe('never');
    expect(checkContactHoursMeetBusiness(shop, london(range('Sat', '13:59', '20:00')), new Date('2026-03-01T00:00:00Z')).ok).toBe(true);
    expect(checkContactHoursMeetBusiness(shop, {}, new Date('2026-03-01T00:00:00Z')).ok).toBe(true);
  });

  it('closed dates do not make contact hours wrong', () => {
    const onlyChristmas = calendarOf('Fri 09:00-17:00', '2026-12-25');
    expect(checkContactHoursMeetBusiness(onlyChristmas, london(range('Fri', '10:00', '11:00')), new Date('2026-12-24T00:00:00Z')).ok).toBe(true);
    expect(sendTime(onlyChristmas, london(range('Fri', '10:00', '11:00')), '2026-12-24T00:00:00Z')).toBe('2027-01-01T10:00:00Z');
  });

  it('throws on invalid contact hours (they are checked before they are stored)', () => {
    expect(() => nextSendTime(shop, london(range('Mon', '9', '10:00')), new Date())).toThrow(RangeError);
  });
});

describe('closed periods and the auto-reply', () => {
  it.each([
    ['2026-03-27T17:30:00Z', '2026-03-28T10:00:00.000Z'],
    ['2026-03-27T23:00:00Z', '2026-03-28T10:00:00.000Z'],
    ['2026-03-28T09:59:59.999Z', '2026-03-28T10:00:00.000Z'],
    ['2026-03-28T10:00:00Z', null],
    ['2026-03-28T14:00:00Z', '2026-03-30T08:00:00.000Z'],
    ['2026-03-29T12:00:00Z', '2026-03-30T08:00:00.000Z'],
    ['2026-12-24T18:00:00Z', '2026-12-26T10:00:00.000Z'],
  ])('at %s the closed period is %s', (at, key) => {
    expect(closedPeriodKey(shop, new Date(at))).toBe(key);
  });

  it('names the opening on the business clock', () => {
    expect(formatOpening(shop, nextOpening(shop, new Date('2026-03-28T14:00:00Z'))!)).toBe('Mon 30 Mar from 09:00');
    expect(formatOpening(shop, new Date('2026-09-07T08:00:00Z'))).toBe('Mon 7 Sep from 09:00');
    expect(formatOpening(calendarOf('Mon 09:00-10:00', '', 'America/New_York'), new Date('2026-12-28T14:00:00Z'))).toBe('Mon 28 Dec from 09:00');
  });

  it('reports no opening when every open day of the next 400 days is closed', () => {
    const mondays = Array.from({ length: 60 }, (_, i) => DateTime.fromISO('2026-01-05').plus({ weeks: i }).toISODate()).join(',');
    const closed = calendarOf('Mon 09:00-10:00', mondays);
    expect(nextOpening(closed, new Date('2026-01-01T00:00:00Z'))).toBeNull();
    expect(closedPeriodKey(closed, new Date('2026-01-01T00:00:00Z'))).toBe('no-opening');
    expect(nextSendTime(closed, {}, new Date('2026-01-01T00:00:00Z'))).toEqual({
      ok: false,
      detail: "no time in the 400 days from 2026-01-01T00:00:00.000Z is inside both the business hours and the customer's contact hours",
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Property test against a slow reference: luxon's wall clock, minute by minute.

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const ZONES = [
  'Europe/London',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Santiago',
  'Africa/Casablanca',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'UTC',
];

interface Rule {
  days: number[];
  from: number;
  to: number;
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Independent reading of a rule list: is the wall-clock minute (weekday, minute of day) inside? */
function insideRules(rules: Rule[], weekday: number, minute: number): boolean {
  return rules.some((rule) => {
    const end = rule.to > rule.from ? rule.to : rule.to + 1440;
    if (rule.days.includes(weekday) && minute >= rule.from && minute < Math.min(end, 1440)) return true;
    return end > 1440 && rule.days.includes((weekday + 6) % 7) && minute < end - 1440;
  });
}

function insideReference(business: { zone: string; rules: Rule[]; closed: Set<string> }, customer: { zone: string; rules: Rule[] }, t: number): boolean {
  const local = DateTime.fromMillis(t, { zone: business.zone });
  if (business.closed.has(local.toISODate()!)) return false;
  if (!insideRules(business.rules, local.weekday - 1, local.hour * 60 + local.minute)) return false;
  if (customer.rules.length === 0) return true;
  const theirs = DateTime.fromMillis(t, { zone: customer.zone });
  return insideRules(customer.rules, theirs.weekday - 1, theirs.hour * 60 + theirs.minute);
}

describe('property: nextSendTime against a minute-by-minute reference', () => {
  const SEED = 20_260_329;
  const CASES = 150;
  const CHECKED_MINUTES = 3 * 1440;

  it(`holds for ${CASES} random businesses, customers and instants (seed ${SEED})`, () => {
    const next = seededRandom(SEED);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    const minuteOfDay = () => (next() < 0.5 ? Math.floor(next() * 96) * 15 : Math.floor(next() * 1440));
    const rule = (wide: boolean): Rule => {
      const days = DAY_NAMES.map((_, i) => i).filter(() => next() < (wide ? 0.8 : 0.5));
      const from = minuteOfDay();
      let to = next() < 0.1 ? 1440 : minuteOfDay();
      if (to === from) to = (from + 60) % 1440;
      return { days: days.length > 0 ? days : [Math.floor(next() * 7)], from, to };
    };
    const dstDays = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01'];
    for (let c = 0; c < CASES; c++) {
      const businessRules = Array.from({ length: 1 + Math.floor(next() * 3) }, () => rule(true));
      const customerRules = next() < 0.15 ? [] : Array.from({ length: 1 + Math.floor(next() * 3) }, () => rule(false));
      const at =
        next() < 0.5
          ? DateTime.fromISO(pick(dstDays), { zone: 'UTC' }).toMillis() + Math.floor((next() - 0.5) * 2 * 86_400_000)
          : Date.UTC(2026, 0, 1) + Math.floor(next() * 365 * 86_400_000);
      const closed = new Set(Array.from({ length: Math.floor(next() * 3) }, () => DateTime.fromMillis(at + Math.floor(next() * 4) * 86_400_000, { zone: 'UTC' }).toISODate()!));
      const business = { zone: pick(ZONES), rules: businessRules, closed };
      const customer = { zone: pick(ZONES), rules: customerRules };
      const calendar = calendarOf(
        businessRules.map((r) => `${r.days.map((d) => DAY_NAMES[d]).join(',')} ${hhmm(r.from)}-${r.to === 1440 ? '24:00' : hhmm(r.to)}`).join('; '),
        [...closed].join(','),
        business.zone,
      );
      const customerHours: CustomerHours = {
        timezone: customer.zone,
        contactHours: customerRules.map((r) => ({ days: r.days.map((d) => DAY_NAMES[d]!), from: hhmm(r.from), to: r.to === 1440 ? '24:00' : hhmm(r.to) })),
      };
      const label = `case ${c}: ${JSON.stringify({ at: new Date(at).toISOString(), business: { ...business, closed: [...closed] }, customer })}`;
      const result = nextSendTime(calendar, customerHours, new Date(at));
      const sendAt = result.ok ? result.sendAt.getTime() : Infinity;
      expect(sendAt, label).toBeGreaterThanOrEqual(at);
      if (result.ok) {
        expect(insideReference(business, customer, sendAt), `${label}: sendAt ${result.sendAt.toISOString()} is inside`).toBe(true);
        expect(result.immediate, label).toBe(sendAt === at);
      }
      // Every window starts on a whole minute (offsets are whole minutes), so `at` and the minutes after it are all there is to check.
      const firstMinute = Math.ceil(at / 60_000) * 60_000;
      const earlier = [at, ...Array.from({ length: CHECKED_MINUTES }, (_, i) => firstMinute + i * 60_000)].filter((t) => t < sendAt);
      const insideEarlier = earlier.find((t) => insideReference(business, customer, t));
      expect(insideEarlier === undefined ? 'none' : new Date(insideEarlier).toISOString(), `${label}: sendAt ${result.ok ? result.sendAt.toISOString() : 'never'}`).toBe('none');
    }
  });
});
