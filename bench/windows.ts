/**
 * `npm run bench:windows`: contact-window computations (issue 10 item 4). `nextSendTime` for
 * 100,000 customers with random contact hours (none, or 1-3 ranges on random days, some overnight)
 * in random IANA zones (every zone Intl knows), against a business calendar with a holiday. Pure
 * CPU: each computation includes checking and compiling the customer's hours, as a broadcast does.
 *
 * Scenarios, each over all customers:
 * - one broadcast instant (the use case: a broadcast computes every recipient's window at once),
 *   for an instant the business is open, one it is closed until Monday, and the night London's
 *   clocks go forward; the first pass starts with empty zone-offset caches (cold), then three
 *   warm passes of which the best counts;
 * - a random instant in 2026 per customer (zone offsets read for many more weeks).
 * Every result is checked: sendAt >= at, immediate exactly when sendAt = at.
 *
 * Knobs (environment): BENCH_WINDOWS_CUSTOMERS (100000), BENCH_WRITE=0 to leave docs/benchmarks.md alone.
 */
import { parseBusinessCalendar, type BusinessCalendar } from '../src/domain/windows/businessCalendar.js';
import { nextSendTime, WEEKDAYS, type CustomerHours } from '../src/domain/windows/contactWindow.js';
import { envInt, runBenchmark } from './lib/harness.js';
import { int } from './lib/stats.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

const OPTIONS = {
  customers: envInt('BENCH_WINDOWS_CUSTOMERS', 100_000),
  warmPasses: 3,
  write: process.env.BENCH_WRITE !== '0',
  deadlineMs: 10 * 60_000,
  target: 100_000,
};

const BUSINESS = { BUSINESS_TIMEZONE: 'Europe/London', BUSINESS_HOURS: 'Mon-Fri 09:00-17:30; Sat 10:00-14:00', BUSINESS_CLOSED_DATES: '2026-04-03,2026-04-06,2026-12-25,2026-12-28' };
const INSTANTS = [
  { label: 'Tue 2026-03-10 10:00 GMT (open)', at: new Date('2026-03-10T10:00:00Z') },
  { label: 'Sat 2026-03-28 21:00 GMT (closed until Monday)', at: new Date('2026-03-28T21:00:00Z') },
  { label: 'Sun 2026-03-29 00:30 GMT (clocks go forward at 01:00)', at: new Date('2026-03-29T00:30:00Z') },
];

const log = (message: string) => console.log(`[bench:windows ${new Date().toISOString().slice(11, 19)}] ${message}`);

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

function randomCustomers(count: number): CustomerHours[] {
  const zones = Intl.supportedValuesOf('timeZone');
  const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;
  const quarterHour = () => Math.floor(Math.random() * 96) * 15;
  return Array.from({ length: count }, () => {
    if (Math.random() < 0.2) return { timezone: pick(zones) };
    const contactHours = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => {
      const days = WEEKDAYS.filter(() => Math.random() < 0.6);
      const from = quarterHour();
      const to = (from + 60 + Math.floor(Math.random() * 88) * 15) % 1440;
      return { days: days.length > 0 ? days : [pick(WEEKDAYS)], from: hhmm(from), to: to === 0 ? '24:00' : hhmm(to) };
    });
    return { timezone: pick(zones), contactHours };
  });
}

interface Pass {
  elapsedMs: number;
  immediate: number;
  scheduled: number;
  never: number;
}

function pass(calendar: BusinessCalendar, customers: readonly CustomerHours[], instantOf: (i: number) => Date): Pass {
  const counts = { immediate: 0, scheduled: 0, never: 0 };
  const results = new Array<ReturnType<typeof nextSendTime>>(customers.length);
  const start = performance.now();
  for (let i = 0; i < customers.length; i++) results[i] = nextSendTime(calendar, customers[i]!, instantOf(i));
  const elapsedMs = performance.now() - start;
  results.forEach((result, i) => {
    if (!result.ok) return void (counts.never += 1);
    const at = instantOf(i).getTime();
    if (result.sendAt.getTime() < at || result.immediate !== (result.sendAt.getTime() === at)) {
      throw new Error(`verification failed: customer ${i} at ${instantOf(i).toISOString()} got ${JSON.stringify(result)}`);
    }
    counts[result.immediate ? 'immediate' : 'scheduled'] += 1;
  });
  return { elapsedMs, ...counts };
}

const perSecond = (p: Pass, n: number) => (n / p.elapsedMs) * 1000;

function run(): { console: string; markdown: string } {
  const parsed = parseBusinessCalendar(BUSINESS);
  if (!parsed.ok) throw new Error(parsed.detail);
  const calendar = parsed.value;
  const n = OPTIONS.customers;
  const customers = randomCustomers(n);
  log(`${int(n)} customers over ${Intl.supportedValuesOf('timeZone').length} zones`);

  const header: Row = ['instant', 'first pass', 'warm (best of 3)', 'computations/s (warm)', 'immediate', 'scheduled', 'never'];
  const rows: Row[] = [];
  let slowestWarm = Infinity;
  for (const { label, at } of INSTANTS) {
    const cold = pass(calendar, customers, () => at);
    const warm = Array.from({ length: OPTIONS.warmPasses }, () => pass(calendar, customers, () => at)).sort((a, b) => a.elapsedMs - b.elapsedMs)[0]!;
    slowestWarm = Math.min(slowestWarm, perSecond(warm, n));
    log(`${label}: first ${cold.elapsedMs.toFixed(0)} ms, warm ${warm.elapsedMs.toFixed(0)} ms`);
    rows.push([label, `${cold.elapsedMs.toFixed(0)} ms`, `${warm.elapsedMs.toFixed(0)} ms`, int(perSecond(warm, n)), int(warm.immediate), int(warm.scheduled), int(warm.never)]);
  }
  const year = Date.UTC(2026, 0, 1);
  const spread = customers.map(() => new Date(year + Math.floor(Math.random() * 365 * 86_400_000)));
  const randomFirst = pass(calendar, customers, (i) => spread[i]!);
  const randomAgain = pass(calendar, customers, (i) => spread[i]!);
  log(`random instants: first ${randomFirst.elapsedMs.toFixed(0)} ms, again ${randomAgain.elapsedMs.toFixed(0)} ms`);
  rows.push([
    'a random instant of 2026 per customer',
    `${randomFirst.elapsedMs.toFixed(0)} ms`,
    `${randomAgain.elapsedMs.toFixed(0)} ms (second pass)`,
    int(perSecond(randomAgain, n)),
    int(randomAgain.immediate),
    int(randomAgain.scheduled),
    int(randomAgain.never),
  ]);
  const verdict = `**Slowest warm broadcast instant: ${int(slowestWarm)} computations/s** (target ≥ ${int(OPTIONS.target)}: ${slowestWarm >= OPTIONS.target ? 'met' : 'MISSED'}).`;
  const intro =
    `Run with \`npm run bench:windows\` (bench/windows.ts) on the machine above, one process, one core. ` +
    `\`nextSendTime\` for ${int(n)} customers with random contact hours (a fifth with none, the rest 1-3 ranges on random days, some overnight) ` +
    `in random zones (all ${Intl.supportedValuesOf('timeZone').length} that Intl knows), business \`${BUSINESS.BUSINESS_HOURS}\` in ${BUSINESS.BUSINESS_TIMEZONE}, ` +
    `closed ${BUSINESS.BUSINESS_CLOSED_DATES.replaceAll(',', ', ')}. Each computation checks and compiles the customer's hours. ` +
    "The first row's first pass starts with empty zone-offset caches (each zone and week is read from Intl once per process); every result is checked.";
  return {
    console: `${textTable(header, rows)}\n\n${verdict}`,
    markdown: `${intro}\n\n${markdownTable(header, rows)}\n\n${verdict}`,
  };
}

runBenchmark({
  key: 'windows',
  title: 'Contact windows',
  deadlineMs: OPTIONS.deadlineMs,
  write: OPTIONS.write,
  covered: 'generating the customers and every pass',
  run: async () => run(),
}).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
