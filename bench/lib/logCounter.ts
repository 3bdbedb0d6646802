import type { LogLevel } from '@azure/functions';
import { appendFileSync } from 'node:fs';

/**
 * The local host's and the app's log lines during a bench run, counted by kind (failed runs,
 * put-off copies, dead letters, retries, other warnings and errors) and by phase (before a fault,
 * during it, after the restore), with a few samples and, optionally, every line in a file.
 */
export type Phase = 'before' | 'during' | 'after';
export const PHASES: Phase[] = ['before', 'during', 'after'];

export const KINDS = {
  failedSendSms: 'failed sendNotification runs',
  failedPoll: 'failed pollClientJobs runs',
  failedOther: 'other failed runs',
  deferral: 'put off (`-defer-<n>`)',
  redelivery: 'redelivered at once',
  deadLetter: 'dead-lettered',
  skippedPoll: 'poll occurrences skipped',
  retry: 'Vonage retries scheduled',
  otherWarning: 'other warnings',
  otherError: 'other errors',
} as const;
export type Kind = keyof typeof KINDS;

export class LogCounter {
  phase: Phase = 'before';
  /** Set once the figures are taken: the host's own stopping lines are not counted. */
  closed = false;
  readonly counts = Object.fromEntries(PHASES.map((p) => [p, {} as Partial<Record<Kind, number>>])) as Record<Phase, Partial<Record<Kind, number>>>;
  readonly samples: string[] = [];
  lines = 0;

  constructor(private readonly file: string | undefined) {}

  private count(kind: Kind, line: string): void {
    const bucket = this.counts[this.phase];
    bucket[kind] = (bucket[kind] ?? 0) + 1;
    if ((kind === 'otherWarning' || kind === 'otherError' || kind.startsWith('failed') || kind === 'deadLetter') && this.samples.length < 12) this.samples.push(line.slice(0, 400));
  }

  /** A host log line (`[time] [source] message`), with its level. */
  host = (line: string, level: LogLevel): void => {
    this.lines += 1;
    if (this.file) appendFileSync(this.file, `${line}\n`);
    if (this.closed || level === 'information' || level === 'debug' || level === 'trace') return;
    const failed = /Executed 'Functions\.(\w+)' \(Failed/.exec(line)?.[1];
    if (failed) this.count(failed === 'sendNotification' ? 'failedSendSms' : failed === 'pollClientJobs' ? 'failedPoll' : 'failedOther', line);
    else if (line.includes(' put off until ')) this.count('deferral', line);
    else if (line.includes('it will be delivered again')) this.count('redelivery', line);
    else if (line.includes('dead-lettered after')) this.count('deadLetter', line);
    else if (line.includes('an occurrence was skipped')) this.count('skippedPoll', line);
    else this.count(level === 'warning' ? 'otherWarning' : 'otherError', line);
  };

  /** The app's own JSON log lines (createConsoleLogger writes them to the console). */
  app = (level: 'info' | 'warn' | 'error', args: unknown[]): void => {
    this.lines += 1;
    const line = args.map(String).join(' ');
    if (this.file) appendFileSync(this.file, `${line}\n`);
    if (this.closed || level === 'info') return;
    if (line.includes('"notification will be retried"')) this.count('retry', line);
    else if (line.includes('"notification put off after a passing failure"')) return; // the function's own warning line counts it
    else this.count(level === 'warn' ? 'otherWarning' : 'otherError', line);
  };

  total(kind: Kind, phases: readonly Phase[] = PHASES): number {
    return phases.reduce((sum, phase) => sum + (this.counts[phase][kind] ?? 0), 0);
  }
}

/** Sends the app's console lines to the counter while `fn` runs, as the callbacks bench does. */
export async function capturingConsole<T>(counter: LogCounter, fn: () => Promise<T>): Promise<T> {
  const saved = { info: console.info, warn: console.warn, error: console.error };
  console.info = (...args: unknown[]) => counter.app('info', args);
  console.warn = (...args: unknown[]) => counter.app('warn', args);
  console.error = (...args: unknown[]) => counter.app('error', args);
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}
