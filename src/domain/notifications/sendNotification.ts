import { gatewaysFor, sendWithFailover, type FailoverResult } from '../channels/failover.js';
import type { ConfiguredGateways, GatewayName, GatewayRegistry } from '../channels/ports.js';
import type { Customers } from '../customers/ports.js';
import type { Clock, Logger, PhoneKeys } from '../shared/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { nextSendTime } from '../windows/contactWindow.js';
import type { NotificationCompleter } from './completion.js';
import { deferredMessageId, retryMessageId, scheduledMessageId, type AttemptReport, type NotificationMessage } from './notificationMessage.js';
import { queuedRegistration } from './outbox.js';
import { FINAL_NOTIFICATION_STATES, type AttemptOutcome, type NotificationEntry, type NotificationLog, type NotificationQueue, type SendPacer } from './ports.js';

export interface SendNotificationSettings {
  maxAttempts: number;
  /** A `sending` entry untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

export interface SendNotificationDeps {
  /** Moves the job on once its notification is settled (batchedCompleter). */
  completeJob: NotificationCompleter;
  notificationLog: NotificationLog;
  registry: GatewayRegistry;
  gateways: ConfiguredGateways;
  /** Paces the text channels (sms, whatsapp) to the Vonage account's rate. */
  pacer: SendPacer;
  queue: NotificationQueue;
  phoneKeys: PhoneKeys;
  /** The customer's subscriptions and contact hours, checked again when a message is due. */
  customers: Pick<Customers, 'getMany'>;
  /** Business hours: with the customer's hours, the window messages go out in (contact windows, seed 001). */
  calendar: BusinessCalendar;
  clock: Clock;
  logger: Logger;
  settings: SendNotificationSettings;
}

export type SendNotificationResult =
  | 'scheduled'
  | 'skipped'
  | 'sent'
  | 'rejected'
  | 'failed'
  | 'retry-scheduled'
  | 'already-settled'
  | 'claimed-elsewhere'
  | 'interrupted-earlier';

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

/**
 * After no gateway took the message: throttling at any gateway tried is retried within seconds
 * (the throttled gateway will take it in a moment, whatever the others said); anything else waits
 * like an outage.
 */
function retryDelayFor(key: string, attempt: number, result: FailoverResult): number {
  const throttled = result.attempts.some((a) => a.outcome === 'retryable' && a.reason === 'throttled');
  return throttled ? throttleRetryDelayMs(key, attempt) : retryDelayMs(attempt);
}

/** Every gateway tried failed for its own sake (credentials, not enabled, suspended): nothing could carry the message. */
function onlyGatewayFaults(result: FailoverResult): boolean {
  return result.attempts.length > 0 && result.attempts.every((a) => a.outcome === 'gateway-fault');
}

/**
 * A gateway failed for its own sake in this round: its attempts say nothing about the message, so
 * the message never runs out of attempts for them; it waits for the moment to pass or an operator.
 */
function anyGatewayFault(result: FailoverResult): boolean {
  return result.attempts.some((a) => a.outcome === 'gateway-fault');
}

/** What each gateway answered, for the log entry of a message that no gateway took: "vonage-sms throttled (1); vonage-messages gateway fault, marked unhealthy (http-401)". */
function attemptsSummary(result: FailoverResult): string {
  return result.attempts
    .map((a) => `${a.gateway} ${a.outcome === 'retryable' ? a.reason : a.outcome === 'gateway-fault' ? 'gateway fault, marked unhealthy' : a.outcome}${a.errorCode ? ` (${a.errorCode})` : ''}`)
    .join('; ');
}

/**
 * A gateway that failed for its own sake is marked unhealthy for the channel (GET /api/channels);
 * one that took a message is healthy again. Health is for operators: failing to write it never
 * stops a send.
 */
async function recordGatewayHealth(deps: SendNotificationDeps, channel: NotificationMessage['channel'], result: FailoverResult): Promise<void> {
  for (const attempt of result.attempts) {
    if (attempt.outcome !== 'gateway-fault' && attempt.outcome !== 'accepted') continue;
    const fault = attempt.outcome === 'gateway-fault' ? { errorCode: attempt.errorCode ?? 'unknown', detail: attempt.detail ?? '', at: deps.clock.now() } : null;
    if (fault) deps.logger.warn('gateway unhealthy', { channel, gateway: attempt.gateway, errorCode: fault.errorCode, detail: fault.detail });
    try {
      await deps.registry.recordHealth(channel, attempt.gateway, fault);
    } catch (error) {
      deps.logger.warn('gateway health not recorded', { channel, gateway: attempt.gateway, error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/**
 * Sends one notification at most once per gateway attempt, through its channel's gateways in
 * priority order (failover). The log entry is claimed (`sending`, naming the gateway) immediately
 * before the first gateway is called, and moved to each next gateway before that one is called,
 * so a duplicate delivery never reaches a provider again and `unknown` is left only when a
 * request may really have left this process. The job moves on only once the notification is settled.
 */
export async function sendNotification(deps: SendNotificationDeps, message: NotificationMessage): Promise<SendNotificationResult> {
  const key = message.notificationId;
  let entry = await registeredEntry(deps, message);

  if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
    await deps.completeJob(entry);
    return 'already-settled';
  }
  if (entry.state === 'sending') {
    const report = message.lastAttempt;
    if (report?.attempt !== entry.attempts) return resolveInterruptedSend(deps, entry);
    // Our own attempt whose record was lost: record what this process knew of it.
    await deps.notificationLog.record(key, 'sending', outcomeOf(report));
    entry = await storedEntry(deps.notificationLog, key);
    if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
      await deps.completeJob(entry);
      return 'already-settled';
    }
    if (entry.state !== 'retrying') return 'claimed-elsewhere';
  }

  const due = await dueNow(deps, message);
  if (due.when === 'never') return settle(deps, entry, { state: 'skipped', reason: due.reason, detail: due.detail }, 'skipped');
  if (due.when === 'later') return scheduleForWindow(deps, message, entry, due.sendAt);

  const gateways = await gatewaysFor(deps, message.channel);
  if (message.channel !== 'email') await deps.pacer.acquire();
  let attempt = entry.attempts;
  let claimed = false;
  const claim = async (gateway: GatewayName) => {
    const next = attempt + 1;
    try {
      claimed = claimed
        ? await deps.notificationLog.switchGateway(key, attempt, gateway)
        : await deps.notificationLog.claimForSending(key, entry.state, attempt, gateway);
    } catch (error) {
      throw new AttemptNotRecordedError(key, { attempt: next, state: 'not-sent' }, { cause: error });
    }
    if (claimed) attempt = next;
    return claimed;
  };
  const result = await sendWithFailover(gateways, { channel: message.channel, to: message.to, text: message.text, clientRef: key, ...emailParts(message) }, { beforeAttempt: claim });
  if (result.outcome === 'stopped') return 'claimed-elsewhere';
  if (result.outcome === 'no-gateway') {
    // Nothing was called: an operator disabled every gateway, or none has settings. It waits like an outage.
    return retryLater(deps, message, entry, attempt, result, { state: entry.state, detail: result.detail, reason: 'no-gateway' });
  }
  await recordGatewayHealth(deps, message.channel, result);
  const sending: NotificationEntry = { ...entry, state: 'sending', attempts: attempt, gateway: result.gateway };
  if (result.outcome === 'accepted') {
    return settle(deps, sending, { state: 'sent', gateway: result.gateway, providerMessageId: result.providerMessageId, ...(result.price ? { price: result.price } : {}) }, 'sent');
  }
  if (result.outcome === 'rejected') {
    return settle(deps, sending, { state: 'rejected', gateway: result.gateway, errorCode: result.errorCode, detail: result.detail, reason: 'invalid-recipient' }, 'rejected');
  }
  // No gateway took it: the moment's failure (throttling, outage) or the gateways' own; never the message's.
  const waiting: AttemptOutcome = { state: 'retrying', gateway: result.gateway, errorCode: result.errorCode, detail: attemptsSummary(result) };
  return retryLater(deps, message, sending, attempt, result, onlyGatewayFaults(result) ? { ...waiting, reason: 'no-gateway' } : waiting);
}

type Due = { when: 'now' } | { when: 'later'; sendAt: Date } | { when: 'never'; reason: 'not-subscribed' | 'no-contact-window'; detail: string };

/**
 * Whether a message may go out now: its customer still takes the channel, and now is inside the
 * business's open hours and the customer's contact hours, in their own zones (DESIGN.md, Contact
 * windows). A message without a customer (one queued before customers existed) follows business
 * hours. The after-hours auto-reply and staff's reply answer a message the sender has sent us: they
 * go out at once, on the channel they wrote on.
 */
async function dueNow(deps: SendNotificationDeps, message: NotificationMessage): Promise<Due> {
  // Staff's reply answers the customer's own message too: it is not held by contact hours (issue 23).
  if (message.event === 'auto-reply' || message.event === 'staff-reply') return { when: 'now' };
  const [customer] = message.customerId === null ? [] : await deps.customers.getMany([message.customerId]);
  if (customer && !customer.subscriptions.some((subscription) => subscription.channel === message.channel)) {
    return { when: 'never', reason: 'not-subscribed', detail: `the customer no longer takes ${message.channel}` };
  }
  const window = nextSendTime(deps.calendar, customer ?? {}, deps.clock.now());
  if (!window.ok) return { when: 'never', reason: 'no-contact-window', detail: window.detail };
  return window.immediate ? { when: 'now' } : { when: 'later', sendAt: window.sendAt };
}

/**
 * Outside the window: the entry shows `scheduled` with the time, and a queue message scheduled for
 * the window's start carries it there, where the window and the subscription are checked again.
 * Its id names the time, so a redelivery schedules it once; a crash between the two is repaired by
 * the poll, which hands a `scheduled` entry well past its time to the queue again.
 */
async function scheduleForWindow(deps: SendNotificationDeps, message: NotificationMessage, entry: NotificationEntry, sendAt: Date): Promise<SendNotificationResult> {
  if (!(await deps.notificationLog.record(entry.messageKey, entry.state, { state: 'scheduled', scheduledFor: sendAt }))) return 'claimed-elsewhere';
  await deps.queue.enqueue([{ messageId: scheduledMessageId(entry.messageKey, sendAt), body: withoutReport(message), scheduledAt: sendAt }]);
  return 'scheduled';
}

function emailParts(message: NotificationMessage): { subject?: string; html?: string } {
  return { ...(message.subject ? { subject: message.subject } : {}), ...(message.html ? { html: message.html } : {}) };
}

/**
 * No gateway took the message (or none could be tried): the attempt is recorded and a new queue
 * message scheduled with backoff, or, after the last attempt, the notification fails, unless a
 * gateway failed for its own sake in this round: the message is not at fault, so it keeps waiting.
 */
async function retryLater(
  deps: SendNotificationDeps,
  message: NotificationMessage,
  entry: NotificationEntry,
  attempt: number,
  result: FailoverResult,
  outcome: AttemptOutcome,
): Promise<SendNotificationResult> {
  const key = entry.messageKey;
  if (attempt >= deps.settings.maxAttempts && !anyGatewayFault(result)) {
    const failed: AttemptOutcome = { ...outcome, state: 'failed', reason: outcome.reason ?? 'provider-error' };
    return settle(deps, entry, failed, 'failed');
  }
  if (entry.state === 'sending') await recordAttempt(deps, key, attempt, outcome);
  const retryAt = new Date(deps.clock.now().getTime() + retryDelayFor(key, Math.max(1, attempt), result));
  // No gateway was tried: the next message needs another id than this attempt's.
  const retryId = entry.state === 'sending' ? retryMessageId(key, attempt + 1) : scheduledMessageId(retryMessageId(key, attempt + 1), retryAt);
  await deps.queue.enqueue([{ messageId: retryId, body: withoutReport(message), scheduledAt: retryAt }]);
  deps.logger.warn('notification will be retried', {
    messageKey: key,
    channel: message.channel,
    attempt,
    gateways: result.attempts.map((a) => `${a.gateway}:${a.outcome}${a.errorCode ? `:${a.errorCode}` : ''}`).join(', ') || 'none',
    retryAt: retryAt.toISOString(),
  });
  return 'retry-scheduled';
}

function withoutReport(message: NotificationMessage): NotificationMessage {
  const { lastAttempt: _lastAttempt, ...plain } = message;
  return plain;
}

/** The log outcome of a reported attempt; a claim never sent goes back to `retrying`. */
function outcomeOf(report: AttemptReport): AttemptOutcome {
  const { attempt: _attempt, state, gateway: _gateway, ...fields } = report;
  if (state === 'not-sent') return { state: 'retrying', detail: 'claim not confirmed; not sent' };
  return { state, ...fields, ...(state === 'rejected' ? { reason: 'invalid-recipient' as const } : state === 'failed' ? { reason: 'provider-error' as const } : {}) };
}

/**
 * Records the provider's answer; if the log cannot take it, the answer travels on the deferred
 * message. False when another writer moved the entry first.
 */
async function recordAttempt(deps: SendNotificationDeps, key: string, attempt: number, outcome: AttemptOutcome): Promise<boolean> {
  try {
    return await deps.notificationLog.record(key, 'sending', outcome);
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

/** Records a final outcome and completes the job from what was written, or from the log when another writer got there first. */
async function settle(deps: SendNotificationDeps, entry: NotificationEntry, outcome: AttemptOutcome, result: SendNotificationResult): Promise<SendNotificationResult> {
  const recorded =
    entry.state === 'sending'
      ? await recordAttempt(deps, entry.messageKey, entry.attempts, outcome)
      : await deps.notificationLog.record(entry.messageKey, entry.state, outcome);
  await deps.completeJob(recorded ? written(entry, outcome, deps.clock.now()) : await storedEntry(deps.notificationLog, entry.messageKey));
  return result;
}

/** The entry as `NotificationLog.record` leaves it: gateway, provider id and price are kept when the outcome has none, the rest replaced. */
function written(entry: NotificationEntry, outcome: AttemptOutcome, at: Date): NotificationEntry {
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

async function resolveInterruptedSend(deps: SendNotificationDeps, entry: NotificationEntry): Promise<SendNotificationResult> {
  const age = deps.clock.now().getTime() - entry.updatedAt.getTime();
  if (age < deps.settings.staleSendingMs) {
    throw new NotificationInFlightError(`notification ${entry.messageKey} is being sent by another delivery; try again later`);
  }
  // The provider may or may not have the message; sending again could message the customer twice.
  if (await deps.notificationLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted', reason: 'outcome-unknown' })) {
    await deps.completeJob(await storedEntry(deps.notificationLog, entry.messageKey));
  }
  return 'interrupted-earlier';
}

/** The message's log entry, registered first if the outbox never did (a message queued by hand or by an older release). */
async function registeredEntry(deps: SendNotificationDeps, message: NotificationMessage): Promise<NotificationEntry> {
  const entry = await deps.notificationLog.get(message.notificationId);
  if (entry) return entry;
  await deps.notificationLog.register([queuedRegistration(message, deps.phoneKeys)]);
  return storedEntry(deps.notificationLog, message.notificationId);
}

async function storedEntry(log: NotificationLog, key: string): Promise<NotificationEntry> {
  const entry = await log.get(key);
  if (!entry) throw new Error(`notification log entry ${key} vanished`);
  return entry;
}
