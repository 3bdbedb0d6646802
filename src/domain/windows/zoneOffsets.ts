/*
 * UTC offsets of IANA zones, fast enough for 100,000 window computations a second.
 *
 * luxon answers one offset in about 10 µs and a window search needs several, so offsets are read
 * once per zone and week from Intl (about 2 µs each) and kept: each week is sampled every
 * SAMPLE_MS and every change between two samples is narrowed to the second it happens. A zone
 * changing its offset twice within SAMPLE_MS would be missed; no zone in the tz database has done
 * so since 1970. The cache is a memo of a pure function (tzdata does not change while the process
 * runs); it is emptied when it holds MAX_CACHED_WEEKS weeks, so arbitrary instants cannot grow it.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

const CHUNK_MS = WEEK_MS;
const SAMPLE_MS = 12 * 3_600_000;
const MAX_CACHED_WEEKS = 100_000;

/** The first and last instants (UTC ms) windows are computed for: years 1900 to 9998. */
export const EARLIEST_INSTANT_MS = Date.UTC(1900, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(9999, 0, 1) - 1;

/** One week (UTC, from the epoch) of a zone: its offset from `start`, and after each change. */
interface OffsetWeek {
  end: number;
  /** Instants (UTC ms) the offset changes at, ascending. */
  changes: number[];
  /** offsets[0] from the week's start, offsets[i + 1] from changes[i]; ms to add to UTC for local time. */
  offsets: number[];
}

/** A stretch of time in which a zone's offset does not change. */
export interface OffsetStretch {
  /** Local wall-clock time (as if UTC) minus UTC, in ms. */
  offsetMs: number;
  /** The first instant (UTC ms) after the stretch: the next change, or an arbitrary week boundary. */
  end: number;
}

const WALL_CLOCK = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

class ZoneOffsets {
  private readonly weeks = new Map<number, OffsetWeek>();
  private readonly format: (instant: number) => string;

  constructor(zone: string) {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    this.format = (instant) => formatter.format(instant);
  }

  get cachedWeeks(): number {
    return this.weeks.size;
  }

  clear(): void {
    this.weeks.clear();
  }

  /** The offset at `instant` (whole seconds: Intl shows no milliseconds). */
  private offsetAt(instant: number): number {
    const second = Math.floor(instant / 1000) * 1000;
    const match = WALL_CLOCK.exec(this.format(second));
    if (!match) throw new Error(`unexpected wall clock from Intl: ${this.format(second)}`);
    const [, month, day, year, hour, minute, sec] = match.map(Number) as number[];
    const wall = new Date(0);
    wall.setUTCFullYear(year!, month! - 1, day!);
    wall.setUTCHours(hour!, minute!, sec!, 0);
    return wall.getTime() - second;
  }

  private week(index: number): OffsetWeek {
    const cached = this.weeks.get(index);
    if (cached) return cached;
    const start = index * CHUNK_MS;
    const end = start + CHUNK_MS;
    const changes: number[] = [];
    const offsets = [this.offsetAt(start)];
    let from = start;
    let fromOffset = offsets[0]!;
    while (from < end) {
      const to = Math.min(from + SAMPLE_MS, end);
      const toOffset = to === end ? this.offsetAt(end - 1000) : this.offsetAt(to);
      if (toOffset === fromOffset) {
        from = to;
        continue;
      }
      // Narrow the change to its second: offsetAt(low) is fromOffset, offsetAt(high) is not.
      let low = from;
      let high = to === end ? end - 1000 : to;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (this.offsetAt(middle) === fromOffset) low = middle;
        else high = middle;
      }
      changes.push(high);
      fromOffset = this.offsetAt(high);
      offsets.push(fromOffset);
      from = high;
    }
    const week = { end, changes, offsets };
    this.weeks.set(index, week);
    return week;
  }

  stretchAt(instant: number): OffsetStretch {
    const week = this.week(Math.floor(instant / CHUNK_MS));
    let i = 0;
    while (i < week.changes.length && week.changes[i]! <= instant) i++;
    return { offsetMs: week.offsets[i]!, end: week.changes[i] ?? week.end };
  }
}

const zones = new Map<string, ZoneOffsets>();
let cachedWeeks = 0;

/** The stretch of constant offset of the IANA `zone` (already validated) that holds `instant`. */
export function offsetStretch(zone: string, instant: number): OffsetStretch {
  let offsets = zones.get(zone);
  if (!offsets) {
    offsets = new ZoneOffsets(zone);
    zones.set(zone, offsets);
  }
  const before = offsets.cachedWeeks;
  const stretch = offsets.stretchAt(instant);
  cachedWeeks += offsets.cachedWeeks - before;
  if (cachedWeeks > MAX_CACHED_WEEKS) {
    for (const z of zones.values()) z.clear();
    cachedWeeks = 0;
  }
  return stretch;
}
