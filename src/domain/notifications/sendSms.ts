import { FINAL_SMS_STATES, type SmsGateway, type SmsLog, type SmsLogEntry, type SmsOutcome, type SmsQueue } from './ports.js';
import { completeJobAfterSms, type SmsCompletionDeps } from './smsCompletion.js';
import { smsMessageKey, smsRetryMessageId, type SmsMessage } from './smsMessage.js';
import { queuedRegistration } from './smsOutbox.js';
import type { PhoneKeys } from '../shared/ports.js';

export interface SendSmsSettings {
  from: string;
  maxAttempts: number;
  /** A `sending` entry untouched for this long was interrupted by a crash. */
  staleSendingMs: number;
}

export interface SendSmsDeps extends SmsCompletionDeps {
  smsLog: SmsLog;
  gateway: SmsGateway;
  queue: SmsQueue;
  phoneKeys: PhoneKeys;
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

/** Raised while another delivery of the same SMS is mid-send, so the host tries this one again later. */
export class SmsInFlightError extends Error {
  override readonly name = 'SmsInFlightError';
}

const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 30 * 60_000;

/** Exponential backoff for throttling and Vonage outages: 30 s, 1 min, 2 min, ... capped at 30 min. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_RETRY_MS);
}

/**
 * Sends one SMS at most once. The SMS log entry is claimed (`sending`) before Vonage is called,
 * so a duplicate delivery never reaches Vonage again, and the job moves on only once the SMS has
 * a final outcome.
 */
export async function sendSms(deps: SendSmsDeps, message: SmsMessage): Promise<SendSmsResult> {
  const key = smsMessageKey(message.kind, message.jobId);
  await deps.smsLog.register([queuedRegistration({ messageId: key, body: message }, deps.phoneKeys)]);
  const entry = await settledEntry(deps.smsLog, key);

  if (FINAL_SMS_STATES.includes(entry.state)) {
    await completeJobAfterSms(deps, entry);
    return 'already-settled';
  }
  if (entry.state === 'sending') return resolveInterruptedSend(deps, entry);
  if (!(await deps.smsLog.claimForSending(key, entry.state, entry.attempts))) return 'claimed-elsewhere';

  const attempt = entry.attempts + 1;
  const result = await deps.gateway.send({ to: message.to, from: deps.settings.from, text: message.text, clientRef: key });
  if (result.outcome === 'accepted') {
    return settle(deps, key, { state: 'sent', providerMessageId: result.providerMessageId, ...(result.price ? { price: result.price } : {}) }, 'sent');
  }
  if (result.outcome === 'rejected') {
    return settle(deps, key, { state: 'rejected', errorCode: result.errorCode, detail: result.detail }, 'rejected');
  }
  if (attempt >= deps.settings.maxAttempts) {
    return settle(deps, key, { state: 'failed', errorCode: result.errorCode, detail: result.detail }, 'failed');
  }
  await deps.smsLog.record(key, 'sending', { state: 'retrying', errorCode: result.errorCode, detail: result.detail });
  const retryAt = new Date(deps.clock.now().getTime() + retryDelayMs(attempt));
  await deps.queue.enqueue([{ messageId: smsRetryMessageId(key, attempt + 1), body: message, scheduledAt: retryAt }]);
  deps.logger.warn('SMS send will be retried', { messageKey: key, attempt, errorCode: result.errorCode, retryAt: retryAt.toISOString() });
  return 'retry-scheduled';
}

async function settle(deps: SendSmsDeps, key: string, outcome: SmsOutcome, result: SendSmsResult): Promise<SendSmsResult> {
  await deps.smsLog.record(key, 'sending', outcome);
  await completeJobAfterSms(deps, await settledEntry(deps.smsLog, key));
  return result;
}

async function resolveInterruptedSend(deps: SendSmsDeps, entry: SmsLogEntry): Promise<SendSmsResult> {
  const age = deps.clock.now().getTime() - entry.updatedAt.getTime();
  if (age < deps.settings.staleSendingMs) {
    throw new SmsInFlightError(`SMS ${entry.messageKey} is being sent by another delivery; try again later`);
  }
  // Vonage may or may not have the message; sending again could text the customer twice.
  if (await deps.smsLog.record(entry.messageKey, 'sending', { state: 'unknown', detail: 'send interrupted' })) {
    await completeJobAfterSms(deps, await settledEntry(deps.smsLog, entry.messageKey));
  }
  return 'interrupted-earlier';
}

async function settledEntry(smsLog: SmsLog, key: string): Promise<SmsLogEntry> {
  const entry = await smsLog.get(key);
  if (!entry) throw new Error(`SMS log entry ${key} vanished`);
  return entry;
}
