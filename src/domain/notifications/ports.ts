import type { Channel, GatewayName } from '../channels/ports.js';
import type { DeliveryOutcome } from './deliveryOutcome.js';
import type { NotificationMessage } from './notificationMessage.js';
import { isJobBound, type AnnouncedJob, type JobBoundEvent, type NotificationContent, type NotificationEvent } from './texts.js';

export type NotificationState =
  | 'scheduled'
  | 'queued'
  | 'sending'
  | 'retrying'
  | 'sent'
  | 'rejected'
  | 'failed'
  | 'skipped'
  | 'unknown';

export const FINAL_NOTIFICATION_STATES: readonly NotificationState[] = ['sent', 'rejected', 'failed', 'skipped', 'unknown'];

/**
 * Why a notification was skipped or failed (DESIGN.md, Notifications): `not-subscribed` (the
 * customer takes no channel), `no-address` (no usable number or email), `invalid-recipient` (a
 * gateway refused the recipient for good), `provider-error` (every attempt failed), `no-gateway`
 * (no enabled gateway carries the channel), `outcome-unknown` (a send was cut off mid-way),
 * `delivery-failed` (the provider's receipt says it never arrived), `no-contact-window` (the
 * customer's hours never meet the business's).
 */
export type NotificationReason =
  | 'not-subscribed'
  | 'no-address'
  | 'invalid-recipient'
  | 'provider-error'
  | 'no-gateway'
  | 'outcome-unknown'
  | 'delivery-failed'
  | 'no-contact-window'
  /** The runaway-sender guard paused sending to the customer (issue 24). */
  | 'paused';

/** Asked before a message goes out: null to send it, or why sending to this customer is held (runaway-sender guard). */
export interface SendGuard {
  pausedDetail(customerId: number): Promise<string | null>;
}

export interface NotificationEntry {
  messageKey: string;
  /** The job it tells of; null for a message of no job (a broadcast, an auto-reply). */
  jobId: number | null;
  customerId: number | null;
  /** The event the notification tells of. */
  kind: NotificationEvent;
  /** null only for the `not-subscribed` entry of a customer who takes no channel. */
  channel: Channel | null;
  state: NotificationState;
  attempts: number;
  /** The gateway of the latest attempt (the one that sent it, once sent). */
  gateway: GatewayName | null;
  toMasked: string;
  /** PhoneKeys.lookupKey() of the number, to match a customer's reply; null for email or no usable number. */
  toHash: string | null;
  providerMessageId: string | null;
  price: string | null;
  errorCode: string | null;
  detail: string | null;
  reason: NotificationReason | null;
  createdAt: Date;
  updatedAt: Date;
  /** When it reached a final state. */
  settledAt: Date | null;
  /** While `scheduled`: the start of the contact window it waits for. */
  scheduledFor: Date | null;
  /**
   * The words of a message that cannot be rebuilt from a client job (a reward, a broadcast, an
   * auto-reply), for the poll to requeue it; null for job events. Never the address.
   */
  content: NotificationContent | null;
}

/** The entry of a job's notification: a job event, or the reward its feedback earned. */
export type JobNotificationEntry = NotificationEntry & { jobId: number; kind: JobBoundEvent };

export function isJobNotification(entry: NotificationEntry): entry is JobNotificationEntry {
  return entry.jobId !== null && isJobBound(entry.kind);
}

export interface AttemptOutcome {
  state: NotificationState;
  gateway?: GatewayName;
  providerMessageId?: string;
  price?: string;
  errorCode?: string;
  detail?: string;
  reason?: NotificationReason;
  /** With state `scheduled`: when it is due. */
  scheduledFor?: Date;
}

export type NotificationRegistration = Pick<NotificationEntry, 'messageKey' | 'jobId' | 'customerId' | 'kind' | 'channel' | 'state' | 'toMasked' | 'toHash' | 'detail' | 'reason'> &
  Partial<Pick<NotificationEntry, 'scheduledFor' | 'content'>> & {
    /** What `content` becomes once the entry settles (sent, failed, skipped): the words without what must not stay in clear. */
    settledContent?: NotificationContent;
  };

export interface Delivery {
  /** Where the provider's latest receipt says the message is. */
  outcome: DeliveryOutcome;
  /** The provider's error code ("0" when delivered); null when the receipt had none. */
  errorCode: string | null;
  /** When the provider reported the message delivered; null until it is. */
  deliveredAt: Date | null;
}

export interface NotificationEntryWithDelivery extends NotificationEntry {
  delivery: Delivery | null;
}

/** What `GET /api/notifications` asks the log for; `outcome` is DESIGN.md's, derived from state and delivery. */
export interface NotificationFilter {
  jobId?: number;
  customerId?: number;
  outcome?: NotificationOutcome;
  limit: number;
}

export const NOTIFICATION_OUTCOMES = ['scheduled', 'queued', 'sent', 'delivered', 'failed', 'skipped'] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** What the poll looks for: `queued` and `sending` entries last touched at or before these times, `scheduled` ones due at or before `scheduledUntil`. */
export interface StrandedFilter {
  queuedUntil: Date;
  sendingUntil: Date;
  scheduledUntil: Date;
  limit: number;
}

/*
 * The notification log: one row per notification (job, event, channel) we mean to send, keyed by
 * its idempotency key. One table and one MySQL class, seen by each caller through the role it
 * plays: the outbox logs and repairs, the send path claims, receipts record deliveries, and the
 * rest only reads. Every state change is conditional on the state it expects. Every write is
 * stamped `at` (the caller's Clock), never with the store's own clock: `updated_at`, and
 * `created_at`/`settled_at` where the write creates or settles the entry.
 */

/** Logging notifications before they are queued, and finding the ones a crash stranded. */
export interface OutboxLog {
  /** Adds the entries that do not exist yet, created `at`; existing ones keep their state. */
  register(entries: readonly NotificationRegistration[], at: Date): Promise<void>;
  get(messageKey: string): Promise<NotificationEntry | undefined>;
  getMany(messageKeys: readonly string[]): Promise<NotificationEntry[]>;
  /** Writes the outcome only if the entry is still in `expected`; false when another writer moved it. */
  record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome, at: Date): Promise<boolean>;
  /** Entries a crash may have stranded (see StrandedFilter), at most `limit` of each state. */
  stranded(filter: StrandedFilter): Promise<NotificationEntry[]>;
}

/** The send path's claims: one delivery at a time owns an entry while it calls gateways. */
export interface SendClaims {
  register(entries: readonly NotificationRegistration[], at: Date): Promise<void>;
  get(messageKey: string): Promise<NotificationEntry | undefined>;
  /** Moves `queued`/`retrying`/`scheduled` to `sending` through `gateway` and counts the attempt; false if another consumer won. */
  claimForSending(messageKey: string, expected: NotificationState, attempts: number, gateway: GatewayName, at: Date): Promise<boolean>;
  /** Moves a claimed (`sending`) entry on to the next gateway after a retryable failure, counting the attempt; false if it is no longer ours. */
  switchGateway(messageKey: string, attempts: number, gateway: GatewayName, at: Date): Promise<boolean>;
  record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome, at: Date): Promise<boolean>;
}

/** What providers' delivery receipts write. */
export interface DeliveryRecords {
  /** The entry with its delivery status. */
  getWithDelivery(messageKey: string): Promise<NotificationEntryWithDelivery | undefined>;
  /** The entry a provider knows by this message id, with its delivery status. */
  findByProviderMessageId(providerMessageId: string): Promise<NotificationEntryWithDelivery | undefined>;
  /** Writes the delivery only if the stored outcome still is `expected` (null: none yet); false when another writer moved it. */
  recordDelivery(messageKey: string, expected: DeliveryOutcome | null, delivery: Delivery): Promise<boolean>;
  /** A receipt settles an interrupted send (see `OutboxLog.record`). */
  record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome, at: Date): Promise<boolean>;
}

/** Reads for the API, the poll and replies. */
export interface NotificationQueries {
  /** Every entry of these jobs for `kind`, whatever its channel (the marker that the event was announced). */
  forJobs(jobIds: readonly number[], kind: JobBoundEvent): Promise<JobNotificationEntry[]>;
  /** The most recently created entry of `kind` in state `sent` to the number with this PhoneKeys.lookupKey(), on any channel. */
  latestSentTo(toHash: string, kind: JobBoundEvent): Promise<JobNotificationEntry | undefined>;
  /** Newest first, at most `limit`. */
  list(filter: NotificationFilter): Promise<NotificationEntryWithDelivery[]>;
}

/** Every role at once: what the one MySQL class (and the contract test's fake) implement. */
export interface NotificationLog extends OutboxLog, SendClaims, DeliveryRecords, NotificationQueries {}

/**
 * Notifications report that they settled (sent, rejected, failed, skipped, unknown); whoever
 * cares reacts. The jobs area listens (a settled courtesy message opens its job), so notifications
 * never need to know what a job is. Called again for the same entry after a crash or redelivery,
 * so a listener must be idempotent.
 */
export interface SettlementListener {
  settled(entries: readonly NotificationEntry[]): Promise<void>;
}

/** A delivery receipt recorded for a notification of a job, as the job's history tells it. */
export interface ReceiptReport {
  entry: NotificationEntryWithDelivery & JobNotificationEntry;
  /** The history's words for it (never the address). */
  note: string;
  /** One per distinct receipt. */
  eventKey: string;
  at: Date;
}

/** Notifications report each recorded delivery receipt of a job's notification; the jobs area shows it on the job. */
export interface ReceiptListener {
  receiptRecorded(report: ReceiptReport): Promise<void>;
}

/** The jobs a job event's words are written again from, when the poll requeues a notification (the client's jobs table). */
export interface AnnouncedJobs {
  readJobs(jobIds: readonly number[]): Promise<AnnouncedJob[]>;
}

/**
 * The customer page's links (issue 25) every job message carries: the job's link, and that the
 * ledger knows it before the message is logged, so a logged message's link always leads to its page.
 */
export interface TrackingLinks {
  linkFor(jobId: number): string;
  remember(jobIds: readonly number[]): Promise<void>;
}

/** What a job event's message is written again from: the client's job, and the job's page link. */
export interface JobMessageSources {
  clientJobs: AnnouncedJobs;
  trackingLinks: TrackingLinks;
}

export interface OutboundNotification {
  messageId: string;
  body: NotificationMessage;
  scheduledAt?: Date;
}

export interface NotificationQueue {
  enqueue(messages: readonly OutboundNotification[]): Promise<void>;
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
  /** What the message was, when its body reads as a notification (the console shows it); absent when it does not. */
  notification?: { notificationId: string; jobId: number | null; channel: string };
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
  /** `replay` of the dead letters with these sequence numbers only; the others stay where they are. */
  replaySome(sequenceNumbers: readonly string[], replayId: (letter: DeadLetter) => string): Promise<Array<{ from: string; to: string; letter: DeadLetter }>>;
}
