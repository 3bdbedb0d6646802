import type { Channel } from '../channels/ports.js';
import type { FeedbackReply } from '../feedback/ports.js';
import type { InboxMessage, InboxStatus } from '../inbox/ports.js';
import type { JobTransaction } from '../jobs/ports.js';
import type { NotificationEntryWithDelivery } from '../notifications/ports.js';
import type { StaffRole } from './staff.js';

/** The console's outcome of a logged notification (docs/api.md, "Staff console"; the ledger's `console_outcome`). */
export const CONSOLE_OUTCOMES = ['sent', 'delivered', 'scheduled', 'retrying', 'skipped', 'failed', 'unknown'] as const;
export type ConsoleOutcome = (typeof CONSOLE_OUTCOMES)[number];

/** A list page: at most `limit` items and whether more follow. */
export interface Slice<T> {
  items: T[];
  more: boolean;
}

/** How the jobs list is searched: the whole `q` as a job id, as the last digits of a mobile, or as the start of a customer's name. */
export type JobSearch = { jobId: number } | { mobileEnding: string } | { namePrefix: string };

export interface JobListQuery {
  status?: string;
  search?: JobSearch;
  /** Jobs with a lower id than this (the previous page's last). */
  beforeJobId?: number;
  limit: number;
}

export interface ListedCustomer {
  customerId: number;
  name: string;
  mobileLast4: string | null;
}

export interface ListedJob {
  jobId: number;
  status: string;
  product: string | null;
  customer: ListedCustomer | null;
  createdAt: Date | null;
  statusSince: Date | null;
  /** Notifications of the job not settled yet (scheduled, queued, sending, retrying). */
  openNotifications: number;
}

export interface JobCustomer extends ListedCustomer {
  timezone: string | null;
}

/** The jobs list and a job's head, read from the ledger (job_tracking, customer_jobs, customers). */
export interface ConsoleJobs {
  list(query: JobListQuery): Promise<Slice<ListedJob>>;
  get(jobId: number): Promise<(ListedJob & { customer: JobCustomer | null }) | undefined>;
  /** Open jobs (not CLOSED) of these customers, newest first. */
  openJobsOf(customerIds: readonly number[]): Promise<Map<number, Array<{ jobId: number; status: string }>>>;
}

export interface MessageListQuery {
  outcome?: ConsoleOutcome;
  channel?: Channel;
  gateway?: string;
  customerId?: number;
  jobId?: number;
  /** created_at ≥ from and < to (UTC). */
  from?: Date;
  to?: Date;
  before?: { createdAt: Date; key: string };
  limit: number;
}

export interface ListedMessage extends NotificationEntryWithDelivery {
  outcome: ConsoleOutcome;
  customerName: string | null;
}

/** The notification log as the console reads it, each filter on an index of its own. */
export interface ConsoleMessages {
  list(query: MessageListQuery): Promise<Slice<ListedMessage>>;
  /** The resends of a notification (keys `<key>-resend-<n>`), any state. */
  resendsOf(messageKey: string): Promise<Array<{ messageKey: string; outcome: ConsoleOutcome }>>;
  /** `unknown` sends to check by hand, newest first. */
  unknown(limit: number): Promise<ListedMessage[]>;
}

export interface StaffAction {
  actorId: string;
  actorName: string;
  actorRole: StaffRole;
  action: 'reply' | 'resend' | 'replay' | 'handled' | 'pending';
  jobId: number | null;
  /** What it acted on: a notification, an inbox message, a dead letter. */
  target: string | null;
  at: Date;
}

/** The ledger's `staff_actions` audit table. */
export interface StaffActions {
  record(action: StaffAction): Promise<void>;
  /** The job's actions, oldest first. */
  forJob(jobId: number): Promise<StaffAction[]>;
}

export interface InboxQuery {
  status: InboxStatus;
  before?: { receivedAt: Date; messageId: string };
  limit: number;
}

/** The inbox as the console pages it, newest first, and a job's inbound messages. */
export interface ConsoleInbox {
  page(query: InboxQuery): Promise<Slice<InboxMessage>>;
  get(messageId: string): Promise<InboxMessage | undefined>;
  forJob(jobId: number): Promise<InboxMessage[]>;
}

/** Everything the ledger knows of one job's life, for its timeline. */
export interface JobHistory {
  transactions: JobTransaction[];
  /** Its notifications with their receipts, any order. */
  notifications: NotificationEntryWithDelivery[];
  feedback: FeedbackReply[];
  staffActions: StaffAction[];
  inbound: InboxMessage[];
}

export interface JobHistories {
  read(jobId: number): Promise<JobHistory>;
}
