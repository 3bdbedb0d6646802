import { Cron } from 'croner';
import { HostConfigurationError, parseTimeSpan } from './hostSettings.js';

/**
 * Timer schedules as the Functions host reads them: an NCRONTAB expression of six fields
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`) or a TimeSpan (`hh:mm:ss`).
 */
export type TimerSchedule =
  | { kind: 'cron'; expression: string; next(after: Date): Date | undefined }
  | { kind: 'interval'; expression: string; intervalMs: number; next(after: Date): Date | undefined };

export interface ScheduleOptions {
  /** IANA zone the expression is read in; the Functions host uses WEBSITE_TIME_ZONE, else the machine's zone. */
  timezone?: string;
}

export function parseTimerSchedule(expression: string, where: string, options: ScheduleOptions = {}): TimerSchedule {
  const trimmed = expression.trim();
  if (/^(\d+\.)?\d{1,2}:\d{2}:\d{2}$/.test(trimmed)) {
    const intervalMs = parseTimeSpan(trimmed, where) ?? 0;
    if (intervalMs <= 0) throw new HostConfigurationError(`${where}: a TimeSpan schedule must be longer than zero`);
    return { kind: 'interval', expression: trimmed, intervalMs, next: (after) => new Date(after.getTime() + intervalMs) };
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 6) {
    throw new HostConfigurationError(
      `${where}: "${expression}" is not an NCRONTAB expression; it needs 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), not ${fields.length}`,
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, {
      paused: true,
      mode: '6-part',
      // NCRONTAB requires both day fields to match when both are restricted.
      domAndDow: true,
      ...(options.timezone ? { timezone: options.timezone } : {}),
    });
  } catch (error) {
    throw new HostConfigurationError(`${where}: "${expression}" is not a valid NCRONTAB expression: ${(error as Error).message}`);
  }
  // Only used to compute occurrences: no callback, so croner schedules nothing itself
  // (and a stopped Cron would answer nextRun() with null).
  return {
    kind: 'cron',
    expression: trimmed,
    next: (after) => cron.nextRun(after) ?? undefined,
  };
}

/** The timer input as the host sends it over RPC (the library camel-cases it into a `Timer`). */
export interface TimerInfoRpc {
  Schedule: { AdjustForDST: boolean };
  ScheduleStatus: { Last: string; Next: string; LastUpdated: string } | null;
  IsPastDue: boolean;
}

export interface TimerRunnerOptions {
  schedule: TimerSchedule;
  runOnStartup?: boolean;
  /** Runs one invocation; the runner never starts the next one before this settles. */
  invoke(timer: TimerInfoRpc, reason: string): Promise<unknown>;
  /** Told when occurrences were skipped because the previous run was still going. */
  onSkipped?(count: number, nextRun: Date): void;
  now?: () => number;
  /** How late a run may start before it counts as past due. */
  pastDueToleranceMs?: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs a timer trigger: each occurrence of the schedule starts one invocation, never while the
 * previous one is still running. Occurrences missed while a run was going are skipped (the next
 * run is the first occurrence after it ended), as the Functions host's timer listener does; a run
 * that starts more than the tolerance after its occurrence (a suspended machine, a blocked event
 * loop) is reported with `isPastDue: true`.
 */
export class TimerRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private nextAt: Date | undefined;
  private readonly now: () => number;
  private readonly tolerance: number;

  constructor(private readonly options: TimerRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.tolerance = options.pastDueToleranceMs ?? 1000;
  }

  get nextRun(): Date | undefined {
    return this.nextAt;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.options.runOnStartup) {
      this.fire(new Date(this.now()), 'Timer fired on startup (runOnStartup)');
    } else {
      this.scheduleAfter(new Date(this.now()));
    }
  }

  /** Stops scheduling and resolves once a run in progress has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAt = undefined;
    await this.running;
  }

  private scheduleAfter(after: Date): void {
    if (this.stopped) return;
    const next = this.options.schedule.next(after);
    this.nextAt = next;
    if (!next) return;
    const wait = () => {
      const delay = next.getTime() - this.now();
      if (delay > MAX_TIMER_MS) {
        this.timer = setTimeout(wait, MAX_TIMER_MS);
        return;
      }
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.fire(next, `Timer fired at ${new Date(this.now()).toISOString()}`);
      }, Math.max(0, delay));
    };
    wait();
  }

  private fire(occurrence: Date, reason: string): void {
    if (this.stopped) return;
    const startedAt = this.now();
    const following = this.options.schedule.next(occurrence) ?? occurrence;
    const info: TimerInfoRpc = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        // As the host reports it: the occurrence being run, the one after it, and when this was written.
        Last: occurrence.toISOString(),
        Next: following.toISOString(),
        LastUpdated: new Date(startedAt).toISOString(),
      },
      IsPastDue: startedAt - occurrence.getTime() > this.tolerance,
    };
    const run = (async () => {
      try {
        await this.options.invoke(info, reason);
      } catch {
        // The invoker has logged the failure; a failed run does not stop the schedule.
      }
    })();
    this.running = run.finally(() => {
      this.running = undefined;
      // Never before the occurrence just run, even if the timer fired a moment early.
      const endedAt = new Date(Math.max(this.now(), occurrence.getTime()));
      let skipped = 0;
      for (let next = this.options.schedule.next(occurrence); next && next <= endedAt && skipped < 100_000; next = this.options.schedule.next(next)) {
        skipped += 1;
      }
      this.scheduleAfter(endedAt);
      if (skipped > 0 && this.nextAt) this.options.onSkipped?.(skipped, this.nextAt);
    });
  }
}
