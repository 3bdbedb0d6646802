import { FINAL_SMS_STATES, type SendPacer, type SmsGateway, type SmsLog, type SmsLogEntry, type SmsOutcome, type SmsQueue, type SmsSendResult } from './ports.js';
import type { SmsCompleter } from './smsCompletion.js';
import { deferredMessageId, smsMessageKey, smsRetryMessageId, type AttemptReport, type SmsMessage } from './smsMessage.js';
import { queuedRegistration } from './smsOutbox.js';
import type { Clock, Logger, PhoneKeys } from '../shared/ports.js';

export interface SendSmsSettings {
  from: string;
  maxAttempts: number;
  /** A `sending` entry untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

export interface SendSmsDeps {
  /** Moves the job on once its SMS is settled (batchedSmsCompleter). */
  completeJob: SmsCompleter;
  smsLog: SmsLog;
  gateway: SmsGateway;
  pacer: SendPacer;
  queue: SmsQueue;
  phoneKeys: PhoneKeys;
  clock: Clock;
  logger: Logger;
  settings: SendSmsSettings;
}

export type SendSmsResult =
  | 'sent'
  | 'rejected'
  | 'failed'
  | 'retry-scheduled'
  | 'already-settled'
  | 'claimed-elsewhere'
  | 'interrupted-earlier';

/** Raised while another delivery of the same SMS is mid-send, so this one is put off (deferSms). */
export class SmsInFlightError extends Error {
  override readonly name = 'SmsInFlightError';
}

/**
 * Raised when the SMS log could not record an attempt: its claim was not confirmed (the provider
 * was not called), or the provider's answer could not be written. `deferSms` carries `report` on
 * the deferred message, so its delivery records what happened instead of waiting for `unknown`.
 */
export class SmsAttemptNotRecordedError extends Error {
  override readonly name = 'SmsAttemptNotRecordedError';
  constructor(
    readonly messageKey: string,
    readonly report: AttemptReport,
    options: { cause: unknown },
  ) {
    super(`the SMS log could not record attempt ${report.attempt} of SMS ${messageKey} (${report.state})`, options);
  }
}

const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 30 * 60_000;

/** Exponential backoff for provider outages (5xx, status 5/10, network): 30 s, 1 min, 2 min, ... capped at 30 min. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_RETRY_MS);
}

const FIRST_THROTTLE_RETRY_MS = 1_000;
const LONGEST_THROTTLE_RETRY_MS = 15_000;

/**
 * Throttling means "slow down a little": retried within seconds, growing slowly (1 s, 1.5 s,
 * 2.25 s, ... capped at 15 s), plus up to a second of jitter so throttled sends spread out.
 * The jitter is derived from the key and attempt, so a retry's time is reproducible.
 */
export function throttleRetryDelayMs(key: string, failedAttempts: number): number {
  const base = Math.min(FIRST_THROTTLE_RETRY_MS * 1.5 ** Math.max(0, failedAttempts - 1), LONGEST_THROTTLE_RETRY_MS);
  return Math.round(base) + spread(`${key}#${failedAttempts}`, 1_000);
}

/** A stable number in [0, range) from a string (FNV-1a), for jitter that tests can predict. */
function spread(text: string, range: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash % range;
}

function retryDelayFor(key: string, attempt: number, result: Extract<SmsSendResult, { outcome: 'retryable' }>): number {
  return result.reason === 'throttled' ? throttleRetryDelayMs(key, attempt) : retryDelayMs(attempt);
}

/**
 * Sends one SMS at most once. The SMS log entry is claimed (`sending`) immediately before Vonage
 * is called (after pacing), so a duplicate delivery never reaches Vonage again, and `unknown` is
 * left only when a request may really have left this process. The job moves on only once the SMS
 * has a final outcome.
 */
export async function sendSms(deps: SendSmsDeps, message: SmsMessage): Promise<SendSmsResult> {
  const key = smsMessageKey(message.kind, message.jobId);
  let entry = await registeredEntry(deps, key, message);

  if (FINAL_SMS_STATES.includes(entry.state)) {
    await deps.completeJob(entry);
    return 'already-settled';
  }
  if (entry.state === 'sending') {
    const report = message.lastAttempt;
    if (report?.attempt !== entry.attempts) return resolveInterruptedSend(deps, entry);
    // Our own attempt whose record was lost: record what this process knew of it.
    await deps.smsLog.record(key, 'sending', outcomeOf(report));
    entry = await settledEntry(deps.smsLog, key);
    if (FINAL_SMS_STATES.includes(entry.state)) {
      await deps.completeJob(entry);
      return 'already-settled';
    }
    if (entry.state !== 'retrying') return 'claimed-elsewhere';
  }

  await deps.pacer.acquire();
  const attempt = entry.attempts + 1;
  let claimed: boolean;
  try {
    claimed = await deps.smsLog.claimForSending(key, entry.state, entry.attempts);
  } catch (error) {
    throw new SmsAttemptNotRecordedError(key, { attempt, state: 'not-sent' }, { cause: error });
  }
  if (!claimed) return 'claimed-elsewhere';
  const sending: SmsLogEntry = { ...entry, state: 'sending', attempts: attempt };

  const result = await deps.gateway.send({ to: message.to, from: deps.settings.from, text: message.text, clientRef: key });
  if (result.outcome === 'accepted') {
    return settle(deps, sending, { state: 'sent', providerMessageId: result.providerMessageId, ...(result.price ? { price: result.price } : {}) }, 'sent');
  }
  if (result.outcome === 'rejected') {
    return settle(deps, sending, { state: 'rejected', errorCode: result.errorCode, detail: result.detail }, 'rejected');
  }
  if (attempt >= deps.settings.maxAttempts) {
    return settle(deps, sending, { state: 'failed', errorCode: result.errorCode, detail: result.detail }, 'failed');
  }
  await recordAttempt(deps, key, attempt, { state: 'retrying', errorCode: result.errorCode, detail: result.detail });
  const retryAt = new Date(deps.clock.now().getTime() + retryDelayFor(key, attempt, result));
  await deps.queue.enqueue([{ messageId: smsRetryMessageId(key, attempt + 1), body: withoutClaim(message), scheduledAt: retryAt }]);
  deps.logger.warn('SMS send will be retried', { messageKey: key, attempt, reason: result.reason, errorCode: result.errorCode, retryAt: retryAt.toISOString() });
  return 'retry-scheduled';
}

function withoutClaim(message: SmsMessage): SmsMessage {
  const { lastAttempt: _lastAttempt, ...plain } = message;
  return plain;
}

/** The SMS log outcome of a reported attempt; a claim never sent goes back to `retrying`. */
function outcomeOf(report: AttemptReport): SmsOutcome {
  const { attempt: _attempt, state, ...fields } = report;
  return state === 'not-sent' ? { state: 'retrying', detail: 'claim not confirmed; not sent' } : { state, ...fields };
}

/**
 * Records the provider's answer; if the log cannot take it, the answer travels on the deferred
 * message. False when another writer moved the entry first.
 */
async function recordAttempt(deps: SendSmsDeps, key: string, attempt: number, outcome: SmsOutcome & { state: AttemptReport['state'] }): Promise<boolean> {
  try {
    return await deps.smsLog.record(key, 'sending', outcome);
  } catch (error) {
    throw new SmsAttemptNotRecordedError(key, { attempt, ...outcome }, { cause: error });
  }
}

export interface DeferSmsDeps {
  queue: SmsQueue;
  clock: SendSmsDeps['clock'];
  logger: SendSmsDeps['logger'];
}

/** A message is put off at most this many times in a row (about 8 hours at the longest delay); then the host's own retries and dead-lettering take over. */
export const MAX_DEFERRALS = 100;
const FIRST_DEFERRAL_MS = 5_000;
const LONGEST_DEFERRAL_MS = 5 * 60_000;

/** 5 s, 10 s, 20 s, ... capped at 5 minutes: long enough for a database blip to pass, short enough to notice its end. */
export function deferralDelayMs(generation: number): number {
  return Math.min(FIRST_DEFERRAL_MS * 2 ** Math.max(0, generation - 1), LONGEST_DEFERRAL_MS);
}

export type DeferSmsResult = { outcome: 'deferred'; messageId: string; until: Date } | { outcome: 'give-up' };

/**
 * Puts a message off after a failure that will pass (a database or Cosmos outage, another
 * delivery mid-send): a new scheduled message with a fresh id instead of the host's immediate
 * redelivery, which would burn every delivery in a second and dead-letter the message.
 */
export async function deferSms(deps: DeferSmsDeps, message: SmsMessage, currentMessageId: string, cause: unknown): Promise<DeferSmsResult> {
  const { messageId, generation } = deferredMessageId(currentMessageId);
  if (generation > MAX_DEFERRALS) return { outcome: 'give-up' };
  const until = new Date(deps.clock.now().getTime() + deferralDelayMs(generation));
  const body = cause instanceof SmsAttemptNotRecordedError ? { ...withoutClaim(message), lastAttempt: cause.report } : withoutClaim(message);
  await deps.queue.enqueue([{ messageId, body, scheduledAt: until }]);
  deps.logger.warn('SMS put off after a passing failure', {
    messageId,
    generation,
    until: until.toISOString(),
    cause: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
  });
  return { outcome: 'deferred', messageId, until };
}

/** Records a final outcome and completes the job from what was written, or from the log when another writer got there first. */
async function settle(deps: SendSmsDeps, sending: SmsLogEntry, outcome: SmsOutcome & { state: AttemptReport['state'] }, result: SendSmsResult): Promise<SendSmsResult> {
  const recorded = await recordAttempt(deps, sending.messageKey, sending.attempts, outcome);
  await deps.completeJob(recorded ? written(sending, outcome, deps.clock.now()) : await settledEntry(deps.smsLog, sending.messageKey));
  return result;
}

/** The entry as `SmsLog.record` leaves it: the provider's id and price are kept when the outcome has none, the rest replaced. */
function written(entry: SmsLogEntry, outcome: SmsOutcome, at: Date): SmsLogEntry {
  return {
    ...entry,
    state: outcome.state,
    providerMessageId: outcome.providerMessageId ?? entry.providerMessageId,
    price: outcome.price ?? entry.price,
    errorCode: outcome.errorCode ?? null,
    detail: outcome.detail ?? null,
    updatedAt: at,
  };
}

async function resolveInterruptedSend(deps: SendSmsDeps, entry: SmsLogEntry): Promise<SendSmsResult> {
  const age = deps.clock.now().getTime() - entry.updatedAt.getTime();
  if (age < deps.settings.staleSendingMs) {
    throw new SmsInFlightError(`SMS ${entry.messageKey} is being sent by another delivery; try again later`);
  }
  // Vonage may or may not have the message; sending again could text the customer twice.
  if (await deps.smsLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted' })) {
    await deps.completeJob(await settledEntry(deps.smsLog, entry.messageKey));
  }
  return 'interrupted-earlier';
}

/** The message's log entry, registered first if the outbox never did (a message queued by hand or by an older release). */
async function registeredEntry(deps: SendSmsDeps, key: string, message: SmsMessage): Promise<SmsLogEntry> {
  const entry = await deps.smsLog.get(key);
  if (entry) return entry;
  await deps.smsLog.register([queuedRegistration({ messageId: key, body: message }, deps.phoneKeys)]);
  return settledEntry(deps.smsLog, key);
}

async function settledEntry(smsLog: SmsLog, key: string): Promise<SmsLogEntry> {
  const entry = await smsLog.get(key);
  if (!entry) throw new Error(`SMS log entry ${key} vanished`);
  return entry;
}
