/** The JSON the console reads, as docs/api.md ("Staff console") fixes it. All times are ISO 8601 UTC. */

export const JOB_STATUSES = ['NEW', 'OPENED', 'IN PROGRESS', 'JOB COMPLETED', 'CLOSED'] as const;
export const OUTCOMES = ['sent', 'delivered', 'scheduled', 'retrying', 'skipped', 'failed', 'unknown'] as const;
export const CHANNELS = ['sms', 'whatsapp', 'email'] as const;

export interface Me {
  user: { id: string; name: string; roles: string[] };
  shop: { name: string; timeZone: string };
}

export interface CustomerRef {
  customerId: string;
  name: string;
  mobileLast4: string | null;
}

export interface JobRow {
  jobId: number;
  status: string;
  product: string | null;
  customer: CustomerRef | null;
  createdAt: string;
  statusSince: string;
  openNotifications: number;
}

export interface JobList {
  jobs: JobRow[];
  nextCursor: string | null;
}

export interface TimelineEntry {
  at: string;
  kind: 'status' | 'notification' | 'receipt' | 'payment' | 'refund' | 'feedback' | 'reward' | 'staff-action' | 'inbound' | string;
  title: string;
  detail?: string;
  actor?: string;
  status?: string;
  source?: string;
  notificationId?: string;
  event?: string;
  channel?: string;
  gateway?: string | null;
  attempts?: number;
  outcome?: string;
  reason?: string | null;
  reasonText?: string | null;
  text?: string | null;
  amount?: string;
  currency?: string;
  score?: number | null;
  codeMasked?: string;
  action?: string;
  messageId?: string;
}

export interface Pending {
  notificationId: string;
  channel: string;
  outcome: 'scheduled' | 'retrying';
  nextAttemptAt: string | null;
  reasonText: string | null;
  window: { businessHours: string; customerHours: string | null; customerTimeZone: string | null } | null;
  failedGateway: string | null;
  failedAt: string | null;
}

export interface JobDetail {
  job: {
    jobId: number;
    status: string;
    product: string | null;
    createdAt: string;
    statusSince: string;
    customer: (CustomerRef & { timeZone: string | null }) | null;
  };
  timeline: TimelineEntry[];
  pending: Pending[];
}

export interface MessageRow {
  notificationId: string;
  jobId: number | null;
  customerId: string | null;
  customerName: string | null;
  event: string;
  channel: string;
  gateway: string | null;
  outcome: string;
  reason: string | null;
  reasonText: string | null;
  attempts: number;
  createdAt: string;
  settledAt: string | null;
  text: string | null;
}

export interface MessageList {
  messages: MessageRow[];
  nextCursor: string | null;
}

export interface InboxMessage {
  messageId: string;
  channel: string;
  customer: CustomerRef | null;
  senderMasked: string;
  text: string;
  receivedAt: string;
  status: 'pending' | 'handled';
  handledAt: string | null;
  jobId: number | null;
  openJobs: Array<{ jobId: number; status: string }>;
}

export interface InboxList {
  messages: InboxMessage[];
  nextCursor: string | null;
}

export interface ReplyAccepted {
  notificationId: string;
  channel: string;
  sendsAt: string;
  heldByContactHours: false;
  note: string;
}

export interface DeadLetter {
  sequenceNumber: string;
  notificationId: string | null;
  jobId: number | null;
  channel: string | null;
  reason: string | null;
  deadLetteredAt: string;
}

export interface UnknownSend {
  notificationId: string;
  jobId: number | null;
  channel: string;
  gateway: string | null;
  createdAt: string;
}

export interface Failures {
  deadLetters: DeadLetter[];
  unknown: UnknownSend[];
}
