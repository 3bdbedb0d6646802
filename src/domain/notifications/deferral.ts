import type { Clock, Logger } from '../shared/ports.js';
import { AttemptNotRecordedError, NotificationInFlightError, withoutReport } from './attempts.js';
import { deferredMessageId, type NotificationMessage } from './notificationMessage.js';
import type { NotificationQueue } from './ports.js';

export interface DeferNotificationDeps {
  queue: NotificationQueue;
  clock: Clock;
  logger: Logger;
}

/** A message is put off at most this many times in a row (about 8 hours at the longest delay); then the host's own retries and dead-lettering take over. */
export const MAX_DEFERRALS = 100;
const FIRST_DEFERRAL_MS = 5_000;
const LONGEST_DEFERRAL_MS = 5 * 60_000;

/** 5 s, 10 s, 20 s, ... capped at 5 minutes: long enough for a database blip to pass, short enough to notice its end. */
export function deferralDelayMs(generation: number): number {
  return Math.min(FIRST_DEFERRAL_MS * 2 ** Math.max(0, generation - 1), LONGEST_DEFERRAL_MS);
}

export type DeferNotificationResult = { outcome: 'deferred'; messageId: string; until: Date } | { outcome: 'give-up' };

/**
 * Puts a message off after a failure that will pass (a database or Cosmos outage, another
 * delivery mid-send): a new scheduled message with a fresh id instead of the host's immediate
 * redelivery, which would burn every delivery in a second and dead-letter the message.
 */
export async function deferNotification(deps: DeferNotificationDeps, message: NotificationMessage, currentMessageId: string, cause: unknown): Promise<DeferNotificationResult> {
  const { messageId, generation } = deferredMessageId(currentMessageId);
  if (generation > MAX_DEFERRALS) return { outcome: 'give-up' };
  const until = new Date(deps.clock.now().getTime() + deferralDelayMs(generation));
  const body = { ...withoutReport(message), ...reportToCarry(message, cause) };
  await deps.queue.enqueue([{ messageId, body, scheduledAt: until }]);
  deps.logger.warn('notification put off after a passing failure', {
    messageId,
    generation,
    until: until.toISOString(),
    cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
  });
  return { outcome: 'deferred', messageId, until };
}

/**
 * The attempt report the deferred message carries: the one this delivery could not record, or,
 * when the delivery met the outage before it could act on the report it carried, that report
 * again, so it survives any number of deferrals until the log takes it. A delivery that found
 * another one mid-send has no report worth keeping.
 */
function reportToCarry(message: NotificationMessage, cause: unknown): Pick<NotificationMessage, 'lastAttempt'> {
  if (cause instanceof AttemptNotRecordedError) return { lastAttempt: cause.report };
  if (cause instanceof NotificationInFlightError || message.lastAttempt === undefined) return {};
  return { lastAttempt: message.lastAttempt };
}

