import { deliveryOutcomeOf, deliveryStatusWord, type DeliveryOutcome, type DeliveryStatusWord } from '../../../src/domain/notifications/deliveryOutcome.js';
import { FINAL_NOTIFICATION_STATES, type AttemptOutcome, type Delivery, type JobNotificationEntry, type NotificationEntry, type NotificationEntryWithDelivery, type NotificationFilter, type NotificationLog, type NotificationRegistration, type NotificationState, type StrandedFilter } from '../../../src/domain/notifications/ports.js';
import type { JobBoundEvent, NotificationContent } from '../../../src/domain/notifications/texts.js';
import { notificationOutcome } from '../../../src/domain/notifications/deliveryLog.js';
import type { GatewayName } from '../../../src/domain/channels/ports.js';
import { roundToAmount } from '../../../src/domain/shared/money.js';
import { byTimeThenKey } from '../sqlOrder.js';

export class FakeNotificationLog implements NotificationLog {
  readonly entries = new Map<string, NotificationEntry>();
  /** The `delivery_status` (the outcome's stored word), `delivery_error_code` and `delivered_at` columns, by message key. */
  readonly deliveries = new Map<string, { status: DeliveryStatusWord; errorCode: string | null; deliveredAt: Date | null }>();

  /** `settled_content`: what an entry's content becomes when it settles. */
  private readonly settledContents = new Map<string, NotificationContent>();

  async register(entries: readonly NotificationRegistration[], now: Date): Promise<void> {
    for (const { settledContent, ...e } of entries) {
      if (this.entries.has(e.messageKey)) continue;
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

  async claimForSending(messageKey: string, expected: NotificationState, attempts: number, gateway: GatewayName, at: Date): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== expected || entry.attempts !== attempts) return false;
    Object.assign(entry, { state: 'sending', attempts: attempts + 1, gateway, updatedAt: at });
    return true;
  }

  async switchGateway(messageKey: string, attempts: number, gateway: GatewayName, at: Date): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== 'sending' || entry.attempts !== attempts) return false;
    Object.assign(entry, { attempts: attempts + 1, gateway, updatedAt: at });
    return true;
  }

  async record(messageKey: string, expected: NotificationState, outcome: AttemptOutcome, now: Date): Promise<boolean> {
    const entry = this.entries.get(messageKey);
    if (!entry || entry.state !== expected) return false;
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
    const stored = this.deliveries.get(messageKey);
    return entry && { ...entry, delivery: stored ? { outcome: deliveryOutcomeOf(stored.status), errorCode: stored.errorCode, deliveredAt: stored.deliveredAt } : null };
  }

  async findByProviderMessageId(providerMessageId: string): Promise<NotificationEntryWithDelivery | undefined> {
    const entry = [...this.entries.values()].find((e) => e.providerMessageId === providerMessageId);
    return entry && this.getWithDelivery(entry.messageKey);
  }

  async recordDelivery(messageKey: string, expected: DeliveryOutcome | null, delivery: Delivery): Promise<boolean> {
    const current = this.deliveries.get(messageKey);
    if (!this.entries.has(messageKey) || (current?.status ?? null) !== (expected && deliveryStatusWord(expected))) return false;
    this.deliveries.set(messageKey, { status: deliveryStatusWord(delivery.outcome), errorCode: delivery.errorCode, deliveredAt: delivery.deliveredAt ?? current?.deliveredAt ?? null });
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
