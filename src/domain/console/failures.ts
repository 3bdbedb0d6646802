import { listDeadLetters, MAX_DEAD_LETTERS_PER_CALL, replayDeadLetters, replaySomeDeadLetters, type DeadLetterDeps } from '../notifications/deadLetters.js';
import type { DeadLetter } from '../notifications/ports.js';
import type { ConsoleMessages, ListedMessage } from './ports.js';

export interface Failures {
  deadLetters: DeadLetter[];
  unknown: ListedMessage[];
}

function matches(q: string | undefined, ...texts: Array<string | number | null | undefined>): boolean {
  if (q === undefined || q.trim() === '') return true;
  const wanted = q.trim().toLowerCase();
  return texts.some((text) => text !== null && text !== undefined && String(text).toLowerCase().includes(wanted));
}

/** GET /api/staff/failures: what the queue gave up on (dead letters) and the sends whose outcome nobody knows, to check by hand. */
export async function listFailures(deps: Pick<DeadLetterDeps, 'deadLetters'> & { messages: Pick<ConsoleMessages, 'unknown'> }, q: string | undefined, limit: number): Promise<Failures> {
  const [letters, unknown] = await Promise.all([listDeadLetters(deps, MAX_DEAD_LETTERS_PER_CALL), deps.messages.unknown(limit)]);
  return {
    deadLetters: letters
      .filter((letter) => matches(q, letter.reason, letter.description, letter.messageId, letter.notification?.notificationId, letter.notification?.jobId))
      .slice(0, limit),
    unknown: unknown.filter((entry) => matches(q, entry.messageKey, entry.jobId, entry.detail)),
  };
}

/** A replayed message's job: the letter's body names it; "replay all" knows only the message id, which names a job event's job. */
function jobOf(replayed: { from: string; letter?: DeadLetter }): number | null {
  if (replayed.letter?.notification) return replayed.letter.notification.jobId;
  const match = /^job-(\d+)-/.exec(replayed.from);
  return match ? Number(match[1]) : null;
}

/**
 * POST /api/staff/failures/replay: the dead letters asked for, or all (up to 500 a call), through the
 * same use cases as POST /api/ops/dead-letters/replay; each notification still goes out at most once.
 */
export async function replayFailures(deps: DeadLetterDeps, sequenceNumbers: readonly string[] | undefined): Promise<Array<{ from: string; to: string; jobId: number | null }>> {
  const replayed = sequenceNumbers === undefined ? await replayDeadLetters(deps, MAX_DEAD_LETTERS_PER_CALL) : await replaySomeDeadLetters(deps, sequenceNumbers);
  return replayed.map((entry) => ({ from: entry.from, to: entry.to, jobId: jobOf(entry) }));
}
