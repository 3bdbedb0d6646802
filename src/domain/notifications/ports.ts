import type { GatewaySendResult } from '../channels/ports.js';
import type { SmsKind, SmsMessage } from './smsMessage.js';

export type SmsState =
  | 'queued'
  | 'sending'
  | 'retrying'
  | 'sent'
  | 'rejected'
  | 'failed'
  | 'skipped'
  | 'unknown';

export const FINAL_SMS_STATES: readonly SmsState[] = ['sent', 'rejected', 'failed', 'skipped', 'unknown'];

export interface SmsLogEntry {
  messageKey: string;
  jobId: number;
  kind: SmsKind;
  state: SmsState;
  attempts: number;
  toMasked: string;
  /** PhoneKeys.lookupKey() of the number, to match a customer's reply; null when there was no usable number. */
  toHash: string | null;
  providerMessageId: string | null;
  price: string | null;
  errorCode: string | null;
  detail: string | null;
  updatedAt: Date;
}

export interface SmsOutcome {
  state: SmsState;
  providerMessageId?: string;
  price?: string;
  errorCode?: string;
  detail?: string;
}

export type SmsRegistration = Pick<SmsLogEntry, 'messageKey' | 'jobId' | 'kind' | 'state' | 'toMasked' | 'toHash' | 'detail'>;

/** Where Vonage's delivery receipts say an SMS is (`status` of the SMS API's DLR webhook). */
export const SMS_DELIVERY_STATUSES = ['accepted', 'buffered', 'delivered', 'expired', 'failed', 'rejected', 'unknown'] as const;
export type SmsDeliveryStatus = (typeof SMS_DELIVERY_STATUSES)[number];

export interface SmsDelivery {
  status: SmsDeliveryStatus;
  /** Vonage's `err-code` ("0" when delivered); null when the receipt had none. */
  errorCode: string | null;
  /** When Vonage reported the SMS delivered; null until it is. */
  deliveredAt: Date | null;
}

export interface SmsLogEntryWithDelivery extends SmsLogEntry {
  delivery: SmsDelivery | null;
}

/** The SMS log: one row per SMS we mean to send, keyed by its idempotency key. */
export interface SmsLog {
  /** Adds the entries that do not exist yet; existing ones keep their state. */
  register(entries: readonly SmsRegistration[]): Promise<void>;
  get(messageKey: string): Promise<SmsLogEntry | undefined>;
  getMany(messageKeys: readonly string[]): Promise<SmsLogEntry[]>;
  /** Moves `queued`/`retrying` to `sending` and counts the attempt; false if another consumer won. */
  claimForSending(messageKey: string, expected: SmsState, attempts: number): Promise<boolean>;
  /** Writes the outcome only if the entry is still in `expected`; false when another writer moved it. */
  record(messageKey: string, expected: SmsState, outcome: SmsOutcome): Promise<boolean>;
  /** The entry with its delivery status. */
  getWithDelivery(messageKey: string): Promise<SmsLogEntryWithDelivery | undefined>;
  /** The entry Vonage knows by this message id, with its delivery status. */
  findByProviderMessageId(providerMessageId: string): Promise<SmsLogEntryWithDelivery | undefined>;
  /** Writes the delivery status only if the stored one still is `expected` (null: none yet); false when another writer moved it. */
  recordDelivery(messageKey: string, expected: SmsDeliveryStatus | null, delivery: SmsDelivery): Promise<boolean>;
  /** The most recently created entry of `kind` in state `sent` to the number with this PhoneKeys.lookupKey(). */
  latestSentTo(toHash: string, kind: SmsKind): Promise<SmsLogEntry | undefined>;
}

export interface OutboundSms {
  messageId: string;
  body: SmsMessage;
  scheduledAt?: Date;
}

export interface SmsQueue {
  enqueue(messages: readonly OutboundSms[]): Promise<void>;
}

export interface SmsRequest {
  to: string;
  from: string;
  text: string;
  clientRef: string;
}

/** An SMS API answer is a gateway answer like any other (the Vonage SMS gateway is both). */
export type SmsSendResult = GatewaySendResult;

export interface SmsGateway {
  send(request: SmsRequest): Promise<SmsSendResult>;
}

/** Paces sends to the provider account's rate; `acquire` resolves when one more send may start. */
export interface SendPacer {
  acquire(): Promise<void>;
}

/** A message the queue gave up on (dead-lettered), as operators see it. */
export interface DeadLetter {
  messageId: string;
  /** The queue's own sequence number, unique within the queue. */
  sequenceNumber: string;
  reason: string | null;
  description: string | null;
  deliveryCount: number;
  enqueuedAt: Date | null;
}

/** The outbound queue's dead-letter sub-queue. */
export interface DeadLetterQueue {
  /** Up to `max` dead letters, oldest first, without taking them. */
  list(max: number): Promise<DeadLetter[]>;
  /**
   * Sends up to `max` dead letters back to the queue under `replayId` and removes them from the
   * dead-letter queue. A replay interrupted between the two is sent again under the same id,
   * which duplicate detection drops.
   */
  replay(max: number, replayId: (letter: DeadLetter) => string): Promise<Array<{ from: string; to: string }>>;
}
