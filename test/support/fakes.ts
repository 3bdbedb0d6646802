import type { ClientJob, JobDocument } from '../../src/domain/jobs/job.js';
import type { JobStatus } from '../../src/domain/jobs/jobStatus.js';
import type { ClientJobs, JobDocuments, JobTracking, JobTransaction, JobTransactions, PollCheckpoint, PollCheckpoints, TrackedJob } from '../../src/domain/jobs/ports.js';
import type { Clock, Logger, PhoneKeys } from '../../src/domain/shared/ports.js';
import { HmacPhoneKeys } from '../../src/adapters/signatures/phoneKeys.js';
import type { BroadcastCounts, BroadcastRecord, Broadcasts } from '../../src/domain/broadcasts/ports.js';
import type { CustomerFeedback, FeedbackEntry, FeedbackPage, FeedbackReply } from '../../src/domain/feedback/ports.js';
import type { Inbox, InboxMessage, InboxStatus } from '../../src/domain/inbox/ports.js';
import type { ClaimOutcome, DiscountCodes } from '../../src/domain/discounts/ports.js';
import {
  FINAL_NOTIFICATION_STATES,
  type AttemptOutcome,
  type Delivery,
  type DeliveryStatus,
  type JobNotificationEntry,
  type NotificationEntry,
  type NotificationEntryWithDelivery,
  type NotificationFilter,
  type NotificationLog,
  type NotificationQueue,
  type NotificationRegistration,
  type NotificationState,
  type OutboundNotification,
  type SendPacer,
  type StrandedFilter,
} from '../../src/domain/notifications/ports.js';
import type { JobBoundEvent, NotificationContent } from '../../src/domain/notifications/texts.js';
import { notificationOutcome } from '../../src/domain/notifications/deliveryLog.js';
import type { Payment, Payments } from '../../src/domain/payments/ports.js';
import type { MessageStats, StatsMessage, StatsRecordOutcome, StatsTotal } from '../../src/domain/stats/ports.js';
import {
  canCarry,
  type Channel,
  type ConfiguredGateways,
  type GatewayName,
  type GatewayRegistry,
  type GatewayRoute,
  type GatewayProblem,
  type GatewayRouteChange,
  type GatewaySendResult,
  type NotificationGateway,
  type NotificationRequest,
} from '../../src/domain/channels/ports.js';
import { roundToAmount } from '../../src/domain/shared/money.js';
import type { Customer, CustomerProfile, CustomerState } from '../../src/domain/customers/customer.js';
import type { CustomerDecision, Customers, CustomerWriteOutcome, MobileOwner } from '../../src/domain/customers/ports.js';

/** In-memory fakes of every port, with the same guarantees as the real adapters (test/contracts proves it). */

/** Orders as SQL's `ORDER BY time, key` does, for keys whose code-unit order is the collation's (lower-case ASCII ids). */
function byTimeThenKey([aTime, aKey]: [Date, string], [bTime, bKey]: [Date, string]): number {
  return aTime.getTime() - bTime.getTime() || (aKey < bKey ? -1 : aKey > bKey ? 1 : 0);
}

export function clientJob(jobId: number, overrides: Partial<ClientJob> = {}): ClientJob {
  return {
    jobId,
    jobType: 'warranty repair',
    status: 'NEW',
    firstName: 'Joe',
    lastName: 'Bloggs',
    postcode: 'SG13 7TZ',
    mobile: '+447770 123456',
    productId: '123',
    productType: 'spider catcher',
    ...overrides,
  };
}

export class FakeClientJobs implements ClientJobs {
  readonly rows = new Map<number, ClientJob>();
  readsAfter = 0;

  constructor(jobs: ClientJob[] = []) {
    this.add(...jobs);
  }

  add(...jobs: ClientJob[]): void {
    for (const job of jobs) this.rows.set(job.jobId, { ...job });
  }

  status(jobId: number): string | null | undefined {
    return this.rows.get(jobId)?.status;
  }

  private sorted(): ClientJob[] {
    return [...this.rows.values()].sort((a, b) => a.jobId - b.jobId).map((job) => ({ ...job }));
  }

  async readJobsAfter(afterId: number, limit: number): Promise<ClientJob[]> {
    this.readsAfter += 1;
    return this.sorted().filter((job) => job.jobId > afterId).slice(0, limit);
  }

  async readNewJobsInRange(fromExclusive: number, toInclusive: number): Promise<ClientJob[]> {
    return this.sorted().filter((job) => job.jobId > fromExclusive && job.jobId <= toInclusive && job.status === 'NEW');
  }

  async readJobs(jobIds: readonly number[]): Promise<ClientJob[]> {
    return this.sorted().filter((job) => jobIds.includes(job.jobId));
  }

  async moveStatus(jobId: number, from: JobStatus, to: JobStatus): Promise<boolean> {
    const row = this.rows.get(jobId);
    if (!row || row.status !== from) return false;
    row.status = to;
    return true;
  }

  async moveStatuses(jobIds: readonly number[], from: JobStatus, to: JobStatus): Promise<Set<number>> {
    for (const jobId of jobIds) await this.moveStatus(jobId, from, to);
    return new Set(jobIds.filter((jobId) => this.rows.get(jobId)?.status === to));
  }
}

export class FakeJobDocuments implements JobDocuments {
  readonly docs = new Map<string, JobDocument>();
  creates = 0;
  writes = 0;

  async createMissing(docs: readonly JobDocument[]): Promise<void> {
    for (const doc of docs) {
      this.creates += 1;
      if (!this.docs.has(doc.id)) this.docs.set(doc.id, structuredClone(doc));
    }
  }

  async get(jobId: number): Promise<JobDocument | undefined> {
    const doc = this.docs.get(String(jobId));
    return doc && structuredClone(doc);
  }

  async update(jobId: number, change: (doc: JobDocument) => JobDocument): Promise<JobDocument | undefined> {
    const doc = this.docs.get(String(jobId));
    if (!doc) return undefined;
    const current = structuredClone(doc);
    const next = change(current);
    if (next !== current) {
      this.writes += 1;
      this.docs.set(doc.id, structuredClone(next));
    }
    return next;
  }

  async updateMany(changes: ReadonlyMap<number, (doc: JobDocument) => JobDocument>): Promise<void> {
    for (const [jobId, change] of changes) await this.update(jobId, change);
  }
}

export class FakeJobTransactions implements JobTransactions {
  readonly rows: JobTransaction[] = [];

  /** Like the `Update_note VARCHAR(1024)` column, keeps the first 1024 characters of a note. */
  async append(rows: readonly JobTransaction[]): Promise<void> {
    for (const row of rows) {
      if (!this.rows.some((existing) => existing.eventKey === row.eventKey)) this.rows.push({ ...row, note: row.note.slice(0, 1024) });
    }
  }

  /** The job's rows oldest first, equal times in append order (`ORDER BY creationDate, trans_id`). */
  forJob(jobId: number): JobTransaction[] {
    return this.rows.filter((row) => row.jobId === jobId).sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  async history(jobId: number): Promise<JobTransaction[]> {
    return this.forJob(jobId).map((row) => ({ ...row }));
  }
}

export class FakePayments implements Payments {
  readonly stored = new Map<string, Payment>();

  async record(payment: Payment): Promise<'recorded' | 'duplicate'> {
    if (this.stored.has(payment.paymentId)) return 'duplicate';
    this.stored.set(payment.paymentId, { ...payment });
    return 'recorded';
  }

  async get(paymentId: string): Promise<Payment | undefined> {
    const payment = this.stored.get(paymentId);
    return payment && { ...payment };
  }

  /** Like `ORDER BY paid_at, payment_id`. */
  async forJob(jobId: number): Promise<Payment[]> {
    return [...this.stored.values()]
      .filter((p) => p.jobId === jobId)
      .sort((a, b) => byTimeThenKey([a.paidAt, a.paymentId], [b.paidAt, b.paymentId]))
      .map((p) => ({ ...p }));
  }

  async paidJobs(jobIds: readonly number[]): Promise<Set<number>> {
    return new Set([...this.stored.values()].map((p) => p.jobId).filter((id) => jobIds.includes(id)));
  }
}

export class FakeJobTracking implements JobTracking {
  readonly jobs = new Map<number, TrackedJob & { open: boolean }>();

  async track(jobs: ReadonlyArray<{ jobId: number; status: string }>): Promise<void> {
    for (const job of jobs) {
      if (!this.jobs.has(job.jobId)) {
        this.jobs.set(job.jobId, { jobId: job.jobId, lastStatus: job.status, flaggedStatus: null, open: job.status !== 'CLOSED' });
      }
    }
  }

  async openJobsAfter(afterId: number, limit: number): Promise<TrackedJob[]> {
    return [...this.jobs.values()]
      .filter((job) => job.open && job.jobId > afterId)
      .sort((a, b) => a.jobId - b.jobId)
      .slice(0, limit)
      .map(({ jobId, lastStatus, flaggedStatus }) => ({ jobId, lastStatus, flaggedStatus }));
  }

  async advance(jobId: number, expected: string, status: string): Promise<boolean> {
    const job = this.jobs.get(jobId);
    if (!job || job.lastStatus !== expected) return false;
    Object.assign(job, { lastStatus: status, flaggedStatus: null, open: status !== 'CLOSED' });
    return true;
  }

  async advanceMany(jobIds: readonly number[], expected: string, status: string): Promise<number> {
    let moved = 0;
    for (const jobId of jobIds) if (await this.advance(jobId, expected, status)) moved += 1;
    return moved;
  }

  async flag(jobId: number, observed: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (job) job.flaggedStatus = observed;
  }
}

export class FakeNotificationLog implements NotificationLog {
  readonly entries = new Map<string, NotificationEntry>();
  /** The `delivery_status`, `delivery_error_code` and `delivered_at` columns, by message key. */
  readonly deliveries = new Map<string, Delivery>();

  constructor(private readonly clock: Clock) {}

  /** `settled_content`: what an entry's content becomes when it settles. */
  private readonly settledContents = new Map<string, NotificationContent>();

  async register(entries: readonly NotificationRegistration[]): Promise<void> {
    for (const { settledContent, ...e } of entries) {
      if (this.entries.has(e.messageKey)) continue;
      const now = this.clock.now();
      if (settledContent) this.settledContents.set(e.messageKey, settledContent);
      this.entries.set(e.messageKey, {
        ...e,
        attempts: 0,
        gateway: null,
        providerMessageId: null,
        price: null,
        errorCode: null,
        createdAt: now,
        updatedAt: now,
        settledAt: FINAL_NOTIFICATION_STATES.includes(e.state) ? now : null,
        scheduledFor: e.scheduledFor ?? null,
        content: e.content ?? null,
      });
    }
  }

  async get(messageKey: string): Promise<NotificationEntry | undefined> {
    const entry = this.entries.get(messageKey);
    return entry && { ...entry };
  }

  async getMany(messageKeys: readonly string[]): Promise<NotificationEntry[]> {
    return [...new Set(messageKeys)].flatMap((key) => {
      const entry = this.entries.get(key);
      return entry ? [{ ...entry }] : [];
    });
  }

  async forJobs(jobIds: readonly number[], kind: JobBoundEvent): Promise<JobNotificationEntry[]> {
    const wanted = new Set(jobIds);
    return [...this.entries.values()].filter((e): e is JobNotificationEntry => e.jobId !== null && wanted.has(e.jobId) && e.kind === kind).map((e) => ({ ...e }));
  }

  async claimForSending(messageKey: string, expected: NotificationState, attempts: number, gateway: GatewayName): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== expected || entry.attempts !== attempts) return false;
    Object.assign(entry, { state: 'sending', attempts: attempts + 1, gateway, updatedAt: this.clock.now() });
    return true;
  }

  async switchGateway(messageKey: string, attempts: number, gateway: GatewayName): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== 'sending' || entry.attempts !== attempts) return false;
    Object.assign(entry, { attempts: attempts + 1, gateway, updatedAt: this.clock.now() });
    return true;
  }

  async record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== expected) return false;
    const now = this.clock.now();
    Object.assign(entry, {
      state: outcome.state,
      gateway: outcome.gateway ?? entry.gateway,
      providerMessageId: outcome.providerMessageId?.slice(0, 191) ?? entry.providerMessageId,
      price: outcome.price === undefined ? entry.price : roundToAmount(outcome.price),
      errorCode: outcome.errorCode?.slice(0, 32) ?? null,
      detail: outcome.detail?.slice(0, 512) ?? null,
      reason: outcome.reason ?? null,
      updatedAt: now,
      settledAt: FINAL_NOTIFICATION_STATES.includes(outcome.state) ? now : null,
      scheduledFor: outcome.scheduledFor ?? null,
      content: FINAL_NOTIFICATION_STATES.includes(outcome.state) ? (this.settledContents.get(messageKey) ?? entry.content) : entry.content,
    });
    return true;
  }

  async getWithDelivery(messageKey: string): Promise<NotificationEntryWithDelivery | undefined> {
    const entry = this.entries.get(messageKey);
    const delivery = this.deliveries.get(messageKey);
    return entry && { ...entry, delivery: delivery ? { ...delivery } : null };
  }

  async findByProviderMessageId(providerMessageId: string): Promise<NotificationEntryWithDelivery | undefined> {
    const entry = [...this.entries.values()].find((e) => e.providerMessageId === providerMessageId);
    return entry && this.getWithDelivery(entry.messageKey);
  }

  async recordDelivery(messageKey: string, expected: DeliveryStatus | null, delivery: Delivery): Promise<boolean> {
    const current = this.deliveries.get(messageKey);
    if (!this.entries.has(messageKey) || (current?.status ?? null) !== expected) return false;
    this.deliveries.set(messageKey, { ...delivery, deliveredAt: delivery.deliveredAt ?? current?.deliveredAt ?? null });
    return true;
  }

  async list(filter: NotificationFilter): Promise<NotificationEntryWithDelivery[]> {
    const entries = await Promise.all([...this.entries.keys()].map((key) => this.getWithDelivery(key)));
    return entries
      .filter((e): e is NotificationEntryWithDelivery => e !== undefined)
      .filter((e) => (filter.jobId === undefined || e.jobId === filter.jobId) && (filter.customerId === undefined || e.customerId === filter.customerId))
      .filter((e) => filter.outcome === undefined || notificationOutcome(e).outcome === filter.outcome)
      .sort((a, b) => byTimeThenKey([b.createdAt, b.messageKey], [a.createdAt, a.messageKey]))
      .slice(0, filter.limit);
  }

  /** Like the adapter's three key ranges: open entries only, oldest first, at most `limit` of each state. */
  async stranded(filter: StrandedFilter): Promise<NotificationEntry[]> {
    const open = [...this.entries.values()];
    const oldest = (state: NotificationState, before: Date, time: (e: NotificationEntry) => Date | null) =>
      open
        .filter((e) => e.state === state && time(e) !== null && time(e)! <= before)
        .sort((a, b) => time(a)!.getTime() - time(b)!.getTime())
        .slice(0, filter.limit);
    return [
      ...oldest('queued', filter.queuedUntil, (e) => (e.scheduledFor === null ? e.updatedAt : null)),
      ...oldest('sending', filter.sendingUntil, (e) => (e.scheduledFor === null ? e.updatedAt : null)),
      ...oldest('scheduled', filter.scheduledUntil, (e) => e.scheduledFor),
    ].map((e) => ({ ...e }));
  }

  /** Like `ORDER BY created_at DESC, message_key DESC`: entries created together go by the highest key. */
  async latestSentTo(toHash: string, kind: JobBoundEvent): Promise<JobNotificationEntry | undefined> {
    const [entry] = [...this.entries.values()]
      .filter((e): e is JobNotificationEntry => e.toHash === toHash && e.kind === kind && e.state === 'sent' && e.jobId !== null)
      .sort((a, b) => byTimeThenKey([b.createdAt, b.messageKey], [a.createdAt, a.messageKey]));
    return entry && { ...entry };
  }
}

export class FakeCustomerFeedback implements CustomerFeedback {
  readonly replies = new Map<string, FeedbackReply>();
  /** Like the AUTO_INCREMENT `feedback_id`: the order replies were recorded in. */
  private readonly feedbackIds = new Map<string, number>();

  async record(reply: FeedbackReply): Promise<'recorded' | 'duplicate'> {
    if (this.replies.has(reply.inboundMessageId)) return 'duplicate';
    this.replies.set(reply.inboundMessageId, { ...reply });
    this.feedbackIds.set(reply.inboundMessageId, this.feedbackIds.size + 1);
    return 'recorded';
  }

  /** Like `WHERE feedback_id < ? ORDER BY feedback_id DESC LIMIT ?`. */
  async list(page: FeedbackPage): Promise<FeedbackEntry[]> {
    return [...this.replies.values()]
      .map((reply) => ({ ...reply, feedbackId: this.feedbackIds.get(reply.inboundMessageId)! }))
      .filter((entry) => page.before === undefined || entry.feedbackId < page.before)
      .sort((a, b) => b.feedbackId - a.feedbackId)
      .slice(0, page.limit);
  }

  async get(inboundMessageId: string): Promise<FeedbackReply | undefined> {
    const reply = this.replies.get(inboundMessageId);
    return reply && { ...reply };
  }

  /** Like `ORDER BY received_at, inbound_message_id`. */
  async forJob(jobId: number): Promise<FeedbackReply[]> {
    return [...this.replies.values()]
      .filter((r) => r.jobId === jobId)
      .sort((a, b) => byTimeThenKey([a.receivedAt, a.inboundMessageId], [b.receivedAt, b.inboundMessageId]))
      .map((r) => ({ ...r }));
  }
}

/** Like Service Bus with duplicate detection: a messageId seen before is dropped. */
export class FakeNotificationQueue implements NotificationQueue {
  readonly messages: OutboundNotification[] = [];
  readonly seen = new Set<string>();
  duplicatesDropped = 0;

  async enqueue(messages: readonly OutboundNotification[]): Promise<void> {
    for (const message of messages) {
      if (this.seen.has(message.messageId)) {
        this.duplicatesDropped += 1;
        continue;
      }
      this.seen.add(message.messageId);
      this.messages.push(structuredClone(message));
    }
  }

  /** Takes every message whose scheduled time has come, as a receiver would. */
  drain(now: Date): OutboundNotification[] {
    const due = this.messages.filter((m) => !m.scheduledAt || m.scheduledAt <= now);
    for (const m of due) this.messages.splice(this.messages.indexOf(m), 1);
    return due;
  }
}

/** A notification gateway that answers what the test scripts (accepted by default), recording every request. */
export class FakeNotificationGateway implements NotificationGateway {
  readonly calls: NotificationRequest[] = [];
  /** The requests it accepted. */
  readonly sent: NotificationRequest[] = [];
  private readonly replies: GatewaySendResult[] = [];

  constructor(
    readonly name: GatewayName,
    private readonly accepted: (n: number) => GatewaySendResult = (n) => ({ outcome: 'accepted', providerMessageId: `${name}-${n}` }),
  ) {}

  reply(...results: GatewaySendResult[]): void {
    this.replies.push(...results);
  }

  async send(request: NotificationRequest): Promise<GatewaySendResult> {
    this.calls.push(request);
    const reply = this.replies.shift() ?? this.accepted(this.calls.length);
    if (reply.outcome === 'accepted') this.sent.push(request);
    return reply;
  }
}

/** The Vonage SMS API as seed 000's tests know it: message ids `vonage-<n>`, price 0.033. */
export class FakeSmsGateway extends FakeNotificationGateway {
  constructor() {
    super('vonage-sms', (n) => ({ outcome: 'accepted', providerMessageId: `vonage-${n}`, price: '0.033' }));
  }
}

/** These gateways, each configured for every channel it can carry. */
export function fakeConfiguredGateways(...gateways: NotificationGateway[]): ConfiguredGateways {
  return { get: (channel, name) => gateways.find((gateway) => gateway.name === name && canCarry(name, channel)) };
}

export class FakeGatewayRegistry implements GatewayRegistry {
  readonly routes: GatewayRoute[] = [];

  private find(channel: Channel, gateway: GatewayName): GatewayRoute | undefined {
    return this.routes.find((route) => route.channel === channel && route.gateway === gateway);
  }

  async list(): Promise<GatewayRoute[]> {
    return [...this.routes]
      .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.priority - b.priority || (a.gateway < b.gateway ? -1 : a.gateway > b.gateway ? 1 : 0)))
      .map((route) => ({ ...route }));
  }

  async add(route: Omit<GatewayRoute, 'enabled'>): Promise<{ outcome: 'added'; route: GatewayRoute } | { outcome: 'exists'; route: GatewayRoute }> {
    const existing = this.find(route.channel, route.gateway);
    if (existing) return { outcome: 'exists', route: { ...existing } };
    this.routes.push({ ...route, enabled: true });
    return { outcome: 'added', route: { ...route, enabled: true } };
  }

  async update(channel: Channel, gateway: GatewayName, change: GatewayRouteChange): Promise<GatewayRoute | undefined> {
    const route = this.find(channel, gateway);
    if (!route) return undefined;
    if (change.priority !== undefined) route.priority = change.priority;
    if (change.enabled !== undefined) route.enabled = change.enabled;
    return { ...route };
  }

  async routeFor(channel: Channel): Promise<GatewayName[]> {
    return (await this.list()).filter((route) => route.channel === channel && route.enabled).map((route) => route.gateway);
  }

  async seed(routes: ReadonlyArray<Omit<GatewayRoute, 'enabled'>>): Promise<void> {
    for (const route of routes) await this.add(route);
  }

  readonly unhealthy = new Map<string, GatewayProblem>();

  async recordHealth(channel: Channel, gateway: GatewayName, fault: { errorCode: string; detail: string; at: Date } | null): Promise<void> {
    const key = `${channel}/${gateway}`;
    if (fault === null) {
      this.unhealthy.delete(key);
      return;
    }
    const since = this.unhealthy.get(key)?.since ?? fault.at;
    this.unhealthy.set(key, { channel, gateway, errorCode: fault.errorCode.slice(0, 32), detail: fault.detail.slice(0, 255), since });
  }

  async problems(): Promise<GatewayProblem[]> {
    return [...this.unhealthy.values()].sort((a, b) => (`${a.channel}/${a.gateway}` < `${b.channel}/${b.gateway}` ? -1 : 1)).map((problem) => ({ ...problem }));
  }
}

/** Lets every send through at once, counting them. */
export class FakePacer implements SendPacer {
  acquired = 0;

  async acquire(): Promise<void> {
    this.acquired += 1;
  }
}

export class FakeCheckpoints implements PollCheckpoints {
  value: PollCheckpoint = { lastJobId: 0, sweepJobId: 0, mirrorJobId: 0 };

  async read(): Promise<PollCheckpoint> {
    return { ...this.value };
  }

  async save(checkpoint: PollCheckpoint): Promise<void> {
    this.value = { ...checkpoint, lastJobId: Math.max(this.value.lastJobId, checkpoint.lastJobId) };
  }
}

export class FakeClock implements Clock {
  constructor(private current = new Date('2026-11-23T09:00:00.000Z')) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}

export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/**
 * Wraps a port so that the `nth` call of `method` throws after the real call has taken effect,
 * like a process dying right after a write.
 */
/** An injected crash, as thrown or as the cause a use case wrapped it in (it cannot tell a crash from a failure). */
export function isInjectedCrash(error: unknown): boolean {
  return error instanceof InjectedCrash || (error instanceof Error && error.cause instanceof InjectedCrash);
}

export function crashAfter<T extends object>(target: T, method: keyof T & string, nth = 1): T {
  let calls = 0;
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function') return typeof value === 'function' ? value.bind(obj) : value;
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        calls += 1;
        if (calls === nth) throw new InjectedCrash(`crash after ${method} #${nth}`);
        return result;
      };
    },
  });
}

/** PHONE_KEY_SECRET of every test relay and fake world: tests only, never deployed. */
export const TEST_PHONE_KEY_SECRET = 'test-only-phone-key-secret-not-for-any-deployment';

/** Phone keys exactly as the app makes them: HmacPhoneKeys is pure, so the real one serves the fake world. */
export const testPhoneKeys: PhoneKeys = new HmacPhoneKeys(TEST_PHONE_KEY_SECRET);

/** Like the ledger's customers tables: a unique mobile, subscriptions and job links. */
export class FakeCustomers implements Customers {
  readonly rows = new Map<number, CustomerProfile>();
  readonly jobs = new Map<number, number>();
  private nextId = 1;

  private byMobile(mobile: string): CustomerProfile | undefined {
    return [...this.rows.values()].find((row) => row.mobile === mobile);
  }

  private copy(row: CustomerProfile): Customer {
    const jobIds = [...this.jobs].filter(([, customerId]) => customerId === row.customerId).map(([jobId]) => jobId).sort((a, b) => a - b);
    return { ...structuredClone(row), jobIds };
  }

  async findOrCreateByMobiles(owners: readonly MobileOwner[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const owner of owners) {
      const row = this.byMobile(owner.mobile) ?? this.insert({ name: owner.name, mobile: owner.mobile, email: null, timezone: null, contactHours: null, subscriptions: [{ channel: 'sms', address: null }] });
      ids.set(owner.mobile, row.customerId);
    }
    return ids;
  }

  private insert(state: CustomerState): CustomerProfile {
    const row = { customerId: this.nextId++, ...structuredClone(state) };
    this.rows.set(row.customerId, row);
    return row;
  }

  async linkJobs(links: ReadonlyArray<{ customerId: number; jobId: number }>): Promise<void> {
    for (const link of links) if (!this.jobs.has(link.jobId)) this.jobs.set(link.jobId, link.customerId);
  }

  async customersForJobs(jobIds: readonly number[]): Promise<Map<number, number>> {
    return new Map(jobIds.flatMap((jobId) => (this.jobs.has(jobId) ? [[jobId, this.jobs.get(jobId)!] as const] : [])));
  }

  async create(state: CustomerState): Promise<CustomerWriteOutcome> {
    const owner = state.mobile === null ? undefined : this.byMobile(state.mobile);
    if (owner) return { outcome: 'mobile-taken', ownerId: owner.customerId };
    return { outcome: 'saved', customer: this.copy(this.insert(state)) };
  }

  async get(customerId: number): Promise<Customer | undefined> {
    const row = this.rows.get(customerId);
    return row && this.copy(row);
  }

  async getMany(customerIds: readonly number[]): Promise<CustomerProfile[]> {
    return [...new Set(customerIds)].sort((a, b) => a - b).flatMap((id) => (this.rows.has(id) ? [structuredClone(this.rows.get(id)!)] : []));
  }

  async findByMobile(e164: string): Promise<CustomerProfile | undefined> {
    const row = this.byMobile(e164);
    return row && structuredClone(row);
  }

  async change(customerId: number, decide: (current: Customer) => CustomerDecision): Promise<CustomerWriteOutcome> {
    const row = this.rows.get(customerId);
    if (!row) return { outcome: 'not-found' };
    const decision = decide(this.copy(row));
    if (!decision.ok) return { outcome: 'refused', detail: decision.detail };
    const owner = decision.value.mobile === null ? undefined : this.byMobile(decision.value.mobile);
    if (owner && owner.customerId !== customerId) return { outcome: 'mobile-taken', ownerId: owner.customerId };
    this.rows.set(customerId, { customerId, ...structuredClone(decision.value) });
    return { outcome: 'saved', customer: this.copy(this.rows.get(customerId)!) };
  }

  async unsubscribe(customerId: number, channel: Channel): Promise<boolean> {
    const row = this.rows.get(customerId);
    const before = row?.subscriptions.length ?? 0;
    if (row) row.subscriptions = row.subscriptions.filter((subscription) => subscription.channel !== channel);
    return (row?.subscriptions.length ?? 0) < before;
  }
}

/** Message statistics in memory: each uuid recorded once, as the ledger's primary key does; `totals` is not needed by the fake world. */
export class FakeMessageStats implements MessageStats {
  readonly messages = new Map<string, StatsMessage>();

  async record(messages: readonly StatsMessage[]): Promise<StatsRecordOutcome[]> {
    return messages.map((message) => {
      const stored = this.messages.get(message.uuid);
      if (!stored) {
        this.messages.set(message.uuid, { ...message });
        return { outcome: 'created' as const };
      }
      return stored.amount === message.amount && stored.type === message.type && stored.customerId === message.customerId
        ? { outcome: 'duplicate' as const }
        : { outcome: 'conflict' as const, stored: { ...stored } };
    });
  }

  async totals(): Promise<StatsTotal[]> {
    throw new Error('FakeMessageStats keeps messages, not buckets: query statistics against MariaDB');
  }

  async reprice(message: StatsMessage): Promise<'created' | 'repriced' | 'unchanged'> {
    const stored = this.messages.get(message.uuid);
    if (!stored) {
      this.messages.set(message.uuid, { ...message });
      return 'created';
    }
    if (stored.amount === message.amount) return 'unchanged';
    stored.amount = message.amount;
    return 'repriced';
  }
}

/** Discount code claims in memory: a customer takes a brand's next free code once and gets the same one on every repeat. */
export class FakeDiscountCodes implements Pick<DiscountCodes, 'claim'> {
  private readonly free = new Map<string, string[]>();
  private readonly held = new Map<string, string>();
  claims = 0;

  /** Makes `codes` claimable for the brand (an empty list: a brand whose codes are all gone). */
  add(brandId: string, codes: readonly string[]): void {
    this.free.set(brandId, [...(this.free.get(brandId) ?? []), ...codes]);
  }

  async claim(brandId: string, customerId: number): Promise<ClaimOutcome> {
    this.claims += 1;
    const holder = `${brandId}/${customerId}`;
    const held = this.held.get(holder);
    if (held) return { status: 'already-claimed', code: held };
    const free = this.free.get(brandId);
    if (!free) return { status: 'unknown-brand' };
    const code = free.shift();
    if (!code) return { status: 'none-left' };
    this.held.set(holder, code);
    return { status: 'claimed', code };
  }
}

/** The `broadcasts` table in memory: the first start of an id wins, the first counts stick. */
export class FakeBroadcasts implements Broadcasts {
  readonly rows = new Map<string, BroadcastRecord>();

  async start(broadcast: Omit<BroadcastRecord, 'counts'>): Promise<{ outcome: 'started' } | { outcome: 'exists'; broadcast: BroadcastRecord }> {
    const existing = this.rows.get(broadcast.broadcastId);
    if (existing) return { outcome: 'exists', broadcast: structuredClone(existing) };
    this.rows.set(broadcast.broadcastId, { ...broadcast, counts: null });
    return { outcome: 'started' };
  }

  async complete(broadcastId: string, counts: BroadcastCounts): Promise<void> {
    const row = this.rows.get(broadcastId);
    if (row && row.counts === null) row.counts = { ...counts };
  }
}

/** The `inbox_messages` table in memory: the first keep of an id wins; pending oldest first, handled newest first. */
export class FakeInbox implements Inbox {
  readonly rows = new Map<string, InboxMessage>();

  async keep(message: Omit<InboxMessage, 'status' | 'handledAt'>): Promise<InboxMessage> {
    if (!this.rows.has(message.messageId)) this.rows.set(message.messageId, { ...message, status: 'pending', handledAt: null });
    return { ...this.rows.get(message.messageId)! };
  }

  async list(status: InboxStatus, limit: number): Promise<InboxMessage[]> {
    const oldestFirst = [...this.rows.values()]
      .filter((m) => m.status === status)
      .sort((a, b) => byTimeThenKey([a.receivedAt, a.messageId], [b.receivedAt, b.messageId]));
    return (status === 'pending' ? oldestFirst : oldestFirst.reverse()).slice(0, limit).map((m) => ({ ...m }));
  }

  async setStatus(messageId: string, status: InboxStatus, at: Date): Promise<InboxMessage | undefined> {
    const row = this.rows.get(messageId);
    if (!row) return undefined;
    Object.assign(row, { status, handledAt: status === 'handled' ? (row.handledAt ?? at) : null });
    return { ...row };
  }
}
