import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { describeBusinessCalendar, parseBusinessCalendar, type BusinessSettings } from '../../../src/domain/windows/businessCalendar.js';
import { checkContactHours } from '../../../src/domain/windows/contactWindow.js';

const settings = (overrides: Partial<BusinessSettings>): BusinessSettings => ({
  BUSINESS_TIMEZONE: 'Europe/London',
  BUSINESS_HOURS: 'Mon-Sat 08:00-20:00',
  BUSINESS_CLOSED_DATES: '',
  ...overrides,
});

const describeOf = (overrides: Partial<BusinessSettings>) => {
  const parsed = parseBusinessCalendar(settings(overrides));
  if (!parsed.ok) throw new Error(parsed.detail);
  return describeBusinessCalendar(parsed.value);
};

const detailOf = (overrides: Partial<BusinessSettings>) => {
  const parsed = parseBusinessCalendar(settings(overrides));
  return parsed.ok ? 'accepted' : parsed.detail;
};

describe('BUSINESS_HOURS grammar', () => {
  it.each([
    ['Mon-Sat 08:00-20:00', 'Mon-Sat 08:00-20:00'],
    ['Mon-Fri 09:00-17:30; Sat 10:00-14:00', 'Mon-Fri 09:00-17:30; Sat 10:00-14:00'],
    ['mon-FRI 09:00-12:00 , 13:00-17:00 ;Sat 10:00-14:00;', 'Mon-Fri 09:00-12:00,13:00-17:00; Sat 10:00-14:00'],
    ['Mon,Wed 09:00-10:00', 'Mon,Wed 09:00-10:00'],
    ['Mon, Wed,Fri-Sun 09:00-10:00', 'Mon,Wed,Fri-Sun 09:00-10:00'],
    ['Sat-Mon 10:00-11:00', 'Mon,Sat,Sun 10:00-11:00'],
    ['Fri 22:00-02:00', 'Fri 22:00-02:00'],
    ['Mon 09:00-12:00; Mon 11:00-13:00,13:00-14:00', 'Mon 09:00-14:00'],
    ['Mon-Sun 00:00-24:00', 'Mon-Sun 00:00-24:00 (around the clock)'],
    ['Tue 20:00-24:00', 'Tue 20:00-24:00'],
  ])('reads %j as %j', (hours, rendered) => {
    expect(describeOf({ BUSINESS_HOURS: hours })).toBe(`Business hours (Europe/London): ${rendered}; no closed dates`);
  });

  it('renders the zone and the closed dates, sorted and without repeats', () => {
    expect(describeOf({ BUSINESS_TIMEZONE: 'America/New_York', BUSINESS_CLOSED_DATES: ' 2026-12-28,2026-12-25 ,2026-12-25,' })).toBe(
      'Business hours (America/New_York): Mon-Sat 08:00-20:00; closed on 2026-12-25, 2026-12-28',
    );
  });

  it.each([
    [{ BUSINESS_TIMEZONE: 'Mars/Olympus_Mons' }, 'BUSINESS_TIMEZONE: "Mars/Olympus_Mons" is not an IANA time zone such as Europe/London'],
    [{ BUSINESS_HOURS: '  ' }, 'BUSINESS_HOURS: is empty: give opening hours such as "Mon-Fri 09:00-17:30; Sat 10:00-14:00"'],
    [{ BUSINESS_HOURS: ';;' }, 'BUSINESS_HOURS: has no opening hours: give some such as "Mon-Fri 09:00-17:30"'],
    [{ BUSINESS_HOURS: 'Mon-Fri' }, 'BUSINESS_HOURS: clause 1 "Mon-Fri" needs days, a space, then time ranges, such as "Mon-Fri 09:00-17:30"'],
    [{ BUSINESS_HOURS: 'Mon-Fri 09:00-17:00; Sat' }, 'BUSINESS_HOURS: clause 2 "Sat" needs days, a space, then time ranges, such as "Mon-Fri 09:00-17:30"'],
    [{ BUSINESS_HOURS: '09:00-17:00' }, 'BUSINESS_HOURS: clause 1 "09:00-17:00" needs days, a space, then time ranges, such as "Mon-Fri 09:00-17:30"'],
    [{ BUSINESS_HOURS: 'Funday 09:00-17:00' }, 'BUSINESS_HOURS: clause 1 "Funday 09:00-17:00": "Funday" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a run of days such as Mon-Fri'],
    [{ BUSINESS_HOURS: 'Mon-Fri-Sat 09:00-17:00' }, 'BUSINESS_HOURS: clause 1 "Mon-Fri-Sat 09:00-17:00": "Mon-Fri-Sat" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a run of days such as Mon-Fri'],
    [{ BUSINESS_HOURS: 'Mon,,Tue 09:00-17:00' }, 'BUSINESS_HOURS: clause 1 "Mon,,Tue 09:00-17:00": "" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun) or a run of days such as Mon-Fri'],
    [{ BUSINESS_HOURS: 'Mon 9:00-17:00' }, 'BUSINESS_HOURS: clause 1 "Mon 9:00-17:00": "9:00" is not a start time HH:MM from 00:00 to 23:59'],
    [{ BUSINESS_HOURS: 'Mon 09:60-17:00' }, 'BUSINESS_HOURS: clause 1 "Mon 09:60-17:00": "09:60" is not a start time HH:MM from 00:00 to 23:59'],
    [{ BUSINESS_HOURS: 'Mon 24:00-02:00' }, 'BUSINESS_HOURS: clause 1 "Mon 24:00-02:00": "24:00" is not a start time HH:MM from 00:00 to 23:59'],
    [{ BUSINESS_HOURS: 'Mon 09:00-25:00' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00-25:00": "25:00" is not an end time HH:MM from 00:00 to 24:00'],
    [{ BUSINESS_HOURS: 'Mon 09:00-24:01' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00-24:01": "24:01" is not an end time HH:MM from 00:00 to 24:00'],
    [{ BUSINESS_HOURS: 'Mon 09:00-09:00' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00-09:00": 09:00-09:00 is empty (a whole day is 00:00-24:00)'],
    [{ BUSINESS_HOURS: 'Mon 09:00' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00": "09:00" is not a range HH:MM-HH:MM'],
    [{ BUSINESS_HOURS: 'Mon 09:00-10:00-11:00' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00-10:00-11:00": "09:00-10:00-11:00" is not a range HH:MM-HH:MM'],
    [{ BUSINESS_HOURS: 'Mon 09:00-10:00,' }, 'BUSINESS_HOURS: clause 1 "Mon 09:00-10:00,": "" is not a range HH:MM-HH:MM'],
    [{ BUSINESS_CLOSED_DATES: '2026-02-30' }, 'BUSINESS_CLOSED_DATES: "2026-02-30" is not a date YYYY-MM-DD (dates are separated by commas)'],
    [{ BUSINESS_CLOSED_DATES: '2026-12-25,25/12/2026' }, 'BUSINESS_CLOSED_DATES: "25/12/2026" is not a date YYYY-MM-DD (dates are separated by commas)'],
    [{ BUSINESS_CLOSED_DATES: '2026-12-25 2026-12-28' }, 'BUSINESS_CLOSED_DATES: "2026-12-25 2026-12-28" is not a date YYYY-MM-DD (dates are separated by commas)'],
  ])('refuses %j: %s', (overrides, detail) => {
    expect(detailOf(overrides)).toBe(detail);
  });
});

describe('business settings in loadConfig', () => {
  it('defaults to Europe/London, Mon-Sat 08:00-20:00 and no closed dates', () => {
    expect(loadConfig({})).toMatchObject({ BUSINESS_TIMEZONE: 'Europe/London', BUSINESS_HOURS: 'Mon-Sat 08:00-20:00', BUSINESS_CLOSED_DATES: '' });
  });

  it('refuses bad values at start-up, naming each setting and its bad part', () => {
    const load = () => loadConfig({ BUSINESS_TIMEZONE: 'Europe/Lndon', BUSINESS_HOURS: 'Mon-Fri 09:00-17:30; Sat 10-14', BUSINESS_CLOSED_DATES: '2026-12-25,2026-13-01' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      [
        'Invalid configuration:',
        '  BUSINESS_TIMEZONE: must be an IANA time zone such as Europe/London',
        '  BUSINESS_HOURS: clause 2 "Sat 10-14": "10" is not a start time HH:MM from 00:00 to 23:59',
        '  BUSINESS_CLOSED_DATES: "2026-13-01" is not a date YYYY-MM-DD (dates are separated by commas)',
      ].join('\n'),
    );
  });
});

describe('customer contact hours', () => {
  const calendar = parseBusinessCalendar(settings({}));
  if (!calendar.ok) throw new Error(calendar.detail);
  const detail = (customer: Parameters<typeof checkContactHours>[1]) => {
    const checked = checkContactHours(calendar.value, customer);
    return checked.ok ? 'accepted' : checked.detail;
  };

  it.each([
    [{ timezone: 'Nowhere/Land' }, 'timezone "Nowhere/Land" is not an IANA time zone such as Europe/London'],
    [{ contactHours: [{ days: [], from: '09:00', to: '10:00' }] }, 'contactHours[0].days is empty: name at least one day (Mon ... Sun)'],
    [{ contactHours: [{ days: ['Mon'], from: '09:00', to: '10:00' }, { days: ['Tue', 'Monday'], from: '09:00', to: '10:00' }] }, 'contactHours[1].days[1] "Monday" is not one of Mon, Tue, Wed, Thu, Fri, Sat, Sun'],
    [{ contactHours: [{ days: ['Mon'], from: '7:00', to: '10:00' }] }, 'contactHours[0]: "7:00" is not a start time HH:MM from 00:00 to 23:59'],
    [{ contactHours: [{ days: ['Mon'], from: '24:00', to: '10:00' }] }, 'contactHours[0]: "24:00" is not a start time HH:MM from 00:00 to 23:59'],
    [{ contactHours: [{ days: ['Mon'], from: '09:00', to: '9pm' }] }, 'contactHours[0]: "9pm" is not an end time HH:MM from 00:00 to 24:00'],
    [{ contactHours: [{ days: ['Mon'], from: '09:00', to: '09:00' }] }, 'contactHours[0]: 09:00-09:00 is empty (a whole day is 00:00-24:00)'],
  ])('refuses %j', (customer, expected) => {
    expect(detail(customer)).toBe(expected);
  });

  it.each([{}, { timezone: null, contactHours: null }, { contactHours: [] }, { timezone: 'Asia/Kolkata', contactHours: [{ days: ['Sun'], from: '22:00', to: '07:00' }] }])(
    'accepts %j',
    (customer) => {
      expect(detail(customer)).toBe('accepted');
    },
  );
});
