import type { Clock, Logger } from '../shared/ports.js';
import { AttemptNotRecordedError, NotificationInFlightError, outcomeOf, recordAttempt, withoutReport, written } from './attempts.js';
import type { ChannelSender } from './channelSender.js';
import { retryMessageId, scheduledMessageId, type NotificationMessage } from './notificationMessage.js';
import type { Outbox } from './outbox.js';
import { FINAL_NOTIFICATION_STATES, type AttemptOutcome, type NotificationEntry, type SendClaims, type SettlementListener } from './ports.js';
import { anyGatewayFault, attemptsSummary, onlyGatewayFaults, retryDelayFor } from './retries.js';
import type { FailoverResult } from '../channels/failover.js';
import type { GatewayName } from '../channels/ports.js';

export interface SendNotificationSettings {
  maxAttempts: number;
  /** A `sending` entry untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

export interface SendNotificationDeps {
  /** The entry's claim while gateways are called, and their answers. */
  notificationLog: SendClaims;
  /** Logs a message nobody logged; queues retries and sends put off to the customer's window. */
  outbox: Outbox;
  /** Whether the message may go now, and the channel's gateways in priority order, paced to the provider's rate. */
  channels: ChannelSender;
  /** Told once the notification is settled: the jobs area moves its job on. */
  onSettled: SettlementListener;
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

/**
 * Sends one notification at most once per gateway attempt, through its channel's gateways in
 * priority order (failover). The log entry is claimed (`sending`, naming the gateway) immediately
 * before the first gateway is called, and moved to each next gateway before that one is called,
 * so a duplicate delivery never reaches a provider again and `unknown` is left only when a
 * request may really have left this process. Once it is settled, `onSettled` hears of it (the job moves on).
 */
export async function sendNotification(deps: SendNotificationDeps, message: NotificationMessage): Promise<SendNotificationResult> {
  const key = message.notificationId;
  let entry = await registeredEntry(deps, message);

  if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
    await deps.onSettled.settled([entry]);
    return 'already-settled';
  }
  if (entry.state === 'sending') {
    const report = message.lastAttempt;
    if (report?.attempt !== entry.attempts) return resolveInterruptedSend(deps, entry);
    // Our own attempt whose record was lost: record what this process knew of it.
    await deps.notificationLog.record(key, 'sending', outcomeOf(report), deps.clock.now());
    entry = await storedEntry(deps.notificationLog, key);
    if (FINAL_NOTIFICATION_STATES.includes(entry.state)) {
      await deps.onSettled.settled([entry]);
      return 'already-settled';
    }
    if (entry.state !== 'retrying') return 'claimed-elsewhere';
  }

  const due = await deps.channels.due(message, deps.clock.now());
  if (due.when === 'never') return settle(deps, entry, { state: 'skipped', reason: due.reason, detail: due.detail }, 'skipped');
  if (due.when === 'later') return scheduleForWindow(deps, message, entry, due.sendAt);

  let attempt = entry.attempts;
  let claimed = false;
  const claim = async (gateway: GatewayName) => {
    const next = attempt + 1;
    try {
      claimed = claimed
        ? await deps.notificationLog.switchGateway(key, attempt, gateway, deps.clock.now())
        : await deps.notificationLog.claimForSending(key, entry.state, attempt, gateway, deps.clock.now());
    } catch (error) {
      throw new AttemptNotRecordedError(key, { attempt: next, state: 'not-sent' }, { cause: error });
    }
    if (claimed) attempt = next;
    return claimed;
  };
  const result = await deps.channels.send({ channel: message.channel, to: message.to, text: message.text, clientRef: key, ...emailParts(message) }, { beforeAttempt: claim });
  if (result.outcome === 'stopped') return 'claimed-elsewhere';
  if (result.outcome === 'no-gateway') {
    // Nothing was called: an operator disabled every gateway, or none has settings. It waits like an outage.
    return retryLater(deps, message, entry, attempt, result, { state: entry.state, detail: result.detail, reason: 'no-gateway' });
  }
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

/**
 * Outside the window: the entry shows `scheduled` with the time, and a queue message scheduled for
 * the window's start carries it there, where the window and the subscription are checked again.
 * Its id names the time, so a redelivery schedules it once; a crash between the two is repaired by
 * the poll, which hands a `scheduled` entry well past its time to the queue again.
 */
async function scheduleForWindow(deps: SendNotificationDeps, message: NotificationMessage, entry: NotificationEntry, sendAt: Date): Promise<SendNotificationResult> {
  if (!(await deps.notificationLog.record(entry.messageKey, entry.state, { state: 'scheduled', scheduledFor: sendAt }, deps.clock.now()))) return 'claimed-elsewhere';
  await deps.outbox.enqueue([{ messageId: scheduledMessageId(entry.messageKey, sendAt), body: withoutReport(message), scheduledAt: sendAt }]);
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
  const now = deps.clock.now();
  if (entry.state === 'sending') await recordAttempt(deps.notificationLog, key, attempt, outcome, now);
  const retryAt = new Date(now.getTime() + retryDelayFor(key, Math.max(1, attempt), result));
  // No gateway was tried: the next message needs another id than this attempt's.
  const retryId = entry.state === 'sending' ? retryMessageId(key, attempt + 1) : scheduledMessageId(retryMessageId(key, attempt + 1), retryAt);
  await deps.outbox.enqueue([{ messageId: retryId, body: withoutReport(message), scheduledAt: retryAt }]);
  deps.logger.warn('notification will be retried', {
    messageKey: key,
    channel: message.channel,
    attempt,
    gateways: result.attempts.map((a) => `${a.gateway}:${a.outcome}${a.errorCode ? `:${a.errorCode}` : ''}`).join(', ') || 'none',
    retryAt: retryAt.toISOString(),
  });
  return 'retry-scheduled';
}

/** Records a final outcome and reports it settled from what was written, or from the log when another writer got there first. */
async function settle(deps: SendNotificationDeps, entry: NotificationEntry, outcome: AttemptOutcome, result: SendNotificationResult): Promise<SendNotificationResult> {
  const now = deps.clock.now();
  const recorded =
    entry.state === 'sending'
      ? await recordAttempt(deps.notificationLog, entry.messageKey, entry.attempts, outcome, now)
      : await deps.notificationLog.record(entry.messageKey, entry.state, outcome, now);
  await deps.onSettled.settled([recorded ? written(entry, outcome, now) : await storedEntry(deps.notificationLog, entry.messageKey)]);
  return result;
}

async function resolveInterruptedSend(deps: SendNotificationDeps, entry: NotificationEntry): Promise<SendNotificationResult> {
  const now = deps.clock.now();
  if (now.getTime() - entry.updatedAt.getTime() < deps.settings.staleSendingMs) {
    throw new NotificationInFlightError(`notification ${entry.messageKey} is being sent by another delivery; try again later`);
  }
  // The provider may or may not have the message; sending again could message the customer twice.
  if (await deps.notificationLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted', reason: 'outcome-unknown' }, now)) {
    await deps.onSettled.settled([await storedEntry(deps.notificationLog, entry.messageKey)]);
  }
  return 'interrupted-earlier';
}

/** The message's log entry, registered first if the outbox never did (a message queued by hand or by an older release). */
async function registeredEntry(deps: SendNotificationDeps, message: NotificationMessage): Promise<NotificationEntry> {
  const entry = await deps.notificationLog.get(message.notificationId);
  if (entry) return entry;
  await deps.notificationLog.register([deps.outbox.registration(message)], deps.clock.now());
  return storedEntry(deps.notificationLog, message.notificationId);
}

async function storedEntry(log: Pick<SendClaims, 'get'>, key: string): Promise<NotificationEntry> {
  const entry = await log.get(key);
  if (!entry) throw new Error(`notification log entry ${key} vanished`);
  return entry;
}
