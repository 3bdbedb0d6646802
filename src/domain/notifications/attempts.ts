import type { AttemptReport, NotificationMessage } from './notificationMessage.js';
import { FINAL_NOTIFICATION_STATES, type AttemptOutcome, type NotificationEntry, type SendClaims } from './ports.js';

/** Raised while another delivery of the same notification is mid-send, so this one is put off (deferNotification). */
export class NotificationInFlightError extends Error {
  override readonly name = 'NotificationInFlightError';
}

/**
 * Raised when the notification log could not record an attempt: its claim was not confirmed (no
 * gateway was called), or a gateway's answer could not be written. `deferNotification` carries
 * `report` on the deferred message, so its delivery records what happened instead of waiting for `unknown`.
 */
export class AttemptNotRecordedError extends Error {
  override readonly name = 'AttemptNotRecordedError';
  constructor(
    readonly messageKey: string,
    readonly report: AttemptReport,
    options: { cause: unknown },
  ) {
    super(`the notification log could not record attempt ${report.attempt} of ${messageKey} (${report.state})`, options);
  }
}

export function withoutReport(message: NotificationMessage): NotificationMessage {
  const { lastAttempt: _lastAttempt, ...plain } = message;
  return plain;
}

/** The log outcome of a reported attempt; a claim never sent goes back to `retrying`. */
export function outcomeOf(report: AttemptReport): AttemptOutcome {
  const { attempt: _attempt, state, gateway: _gateway, ...fields } = report;
  if (state === 'not-sent') return { state: 'retrying', detail: 'claim not confirmed; not sent' };
  return { state, ...fields, ...(state === 'rejected' ? { reason: 'invalid-recipient' as const } : state === 'failed' ? { reason: 'provider-error' as const } : {}) };
}

/**
 * Records the provider's answer; if the log cannot take it, the answer travels on the deferred
 * message. False when another writer moved the entry first.
 */
export async function recordAttempt(log: Pick<SendClaims, 'record'>, key: string, attempt: number, outcome: AttemptOutcome, at: Date): Promise<boolean> {
  try {
    return await log.record(key, 'sending', outcome, at);
  } catch (error) {
    const { state, gateway, providerMessageId, price, errorCode, detail } = outcome;
    const report: AttemptReport = {
      attempt,
      state: state as AttemptReport['state'],
      ...(gateway ? { gateway } : {}),
      ...(providerMessageId ? { providerMessageId } : {}),
      ...(price ? { price } : {}),
      ...(errorCode ? { errorCode } : {}),
      ...(detail ? { detail: detail.slice(0, 512) } : {}),
    };
    throw new AttemptNotRecordedError(key, report, { cause: error });
  }
}

/** The entry as `NotificationLog.record` leaves it: gateway, provider id and price are kept when the outcome has none, the rest replaced. */
export function written(entry: NotificationEntry, outcome: AttemptOutcome, at: Date): NotificationEntry {
  const final = FINAL_NOTIFICATION_STATES.includes(outcome.state);
  return {
    ...entry,
    state: outcome.state,
    gateway: outcome.gateway ?? entry.gateway,
    providerMessageId: outcome.providerMessageId ?? entry.providerMessageId,
    price: outcome.price ?? entry.price,
    errorCode: outcome.errorCode ?? null,
    detail: outcome.detail ?? null,
    reason: outcome.reason ?? null,
    updatedAt: at,
    settledAt: final ? at : null,
    scheduledFor: outcome.scheduledFor ?? null,
  };
}

