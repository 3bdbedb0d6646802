import type { Timer } from '@azure/functions';
import { Cron } from 'croner';
import { HostConfigurationError } from './settings.js';

export interface TimerOptions {
  /** The NCRONTAB expression, `%SETTING%`s resolved: `{second} {minute} {hour} {day} {month} {day-of-week}`. */
  schedule: string;
  /** Names the function in errors, e.g. "function pollClientJobs schedule". */
  where: string;
  /** IANA zone the expression is read in; the Functions host uses WEBSITE_TIME_ZONE, else the machine's zone. */
  timezone?: string;
  /** Runs one invocation with the library's `Timer` input. croner never starts one while the previous is running. */
  run(timer: Timer): Promise<unknown>;
  /** Told when an occurrence is skipped because the previous run was still going. */
  onSkipped?(): void;
}

/**
 * A timer trigger on croner: six-field NCRONTAB with second resolution, both day fields required to
 * match when both are restricted (as NCRONTAB does), and croner's `protect` so that a run never
 * overlaps the previous one; occurrences missed meanwhile are skipped, as the Functions host does.
 * The timer is created paused: `resume()` starts it, `stop()` ends it.
 */
export function createTimer(options: TimerOptions): Cron {
  const fields = options.schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new HostConfigurationError(`${options.where}: "${options.schedule}" is not an NCRONTAB expression; it needs 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), not ${fields.length}`);
  }
  try {
    return new Cron(
      fields.join(' '),
      {
        paused: true,
        mode: '6-part',
        domAndDow: true,
        protect: () => options.onSkipped?.(),
        catch: true, // the invoker has logged the failure; a failed run does not stop the schedule
        ...(options.timezone ? { timezone: options.timezone } : {}),
      },
      async (job) => {
        const now = new Date();
        const occurrence = job.previousRuns(1, new Date(now.getTime() + 1))[0] ?? now;
        const next = job.nextRun(occurrence) ?? occurrence;
        await options.run({
          isPastDue: now.getTime() - occurrence.getTime() > 1000, // started over a second late: a suspended machine, a blocked loop
          schedule: { adjustForDST: true },
          scheduleStatus: { last: occurrence.toISOString(), next: next.toISOString(), lastUpdated: now.toISOString() },
        });
      },
    );
  } catch (error) {
    throw new HostConfigurationError(`${options.where}: "${options.schedule}" is not a valid NCRONTAB expression: ${(error as Error).message}`);
  }
}
