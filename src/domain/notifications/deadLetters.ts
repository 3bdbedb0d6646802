import type { Logger } from '../shared/ports.js';
import type { DeadLetter, DeadLetterQueue } from './ports.js';

export interface DeadLetterDeps {
  deadLetters: DeadLetterQueue;
  logger: Logger;
}

/** At most this many dead letters per call, so one request stays well inside the function timeout. */
export const MAX_DEAD_LETTERS_PER_CALL = 500;

/** The id a replayed message travels under: new to duplicate detection, the same on a repeated replay. */
export function replayMessageId(letter: DeadLetter): string {
  return `${letter.messageId}-replay-${letter.sequenceNumber}`;
}

export function listDeadLetters(deps: Pick<DeadLetterDeps, 'deadLetters'>, max: number): Promise<DeadLetter[]> {
  return deps.deadLetters.list(Math.min(max, MAX_DEAD_LETTERS_PER_CALL));
}

/**
 * Puts dead-lettered messages back on the queue once their cause has been dealt with. Each send is
 * at most once per SMS whatever is replayed: the SMS log, not the queue, decides whether to send.
 */
export async function replayDeadLetters(deps: DeadLetterDeps, max: number): Promise<Array<{ from: string; to: string }>> {
  const replayed = await deps.deadLetters.replay(Math.min(max, MAX_DEAD_LETTERS_PER_CALL), replayMessageId);
  deps.logger.info('dead letters replayed', { count: replayed.length });
  return replayed;
}

/** Replays only the dead letters with these sequence numbers (the console's "replay one"); each notification still goes out at most once. */
export async function replaySomeDeadLetters(deps: DeadLetterDeps, sequenceNumbers: readonly string[]): Promise<Array<{ from: string; to: string; letter: DeadLetter }>> {
  const replayed = await deps.deadLetters.replaySome(sequenceNumbers.slice(0, MAX_DEAD_LETTERS_PER_CALL), replayMessageId);
  deps.logger.info('dead letters replayed', { count: replayed.length, asked: sequenceNumbers.length });
  return replayed;
}
