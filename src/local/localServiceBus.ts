import { randomUUID } from 'node:crypto';
import { toServiceBusMessage } from '../adapters/serviceBus/smsQueue.js';
import type { OutboundSms, SmsQueue } from '../domain/notifications/ports.js';

/**
 * An in-process stand-in for a Service Bus queue with the semantics Repair Relay relies on:
 * duplicate detection by `messageId` within a window, scheduled enqueue time, peek-lock delivery
 * with an incrementing `deliveryCount` when a handler fails, and dead-lettering once
 * `maxDeliveryCount` deliveries have failed. Messages live in memory only.
 */

export interface LocalMessageInit {
  messageId?: string | number;
  body: unknown;
  contentType?: string;
  subject?: string;
  correlationId?: string;
  applicationProperties?: Record<string, unknown>;
  scheduledEnqueueTimeUtc?: Date;
}

export type LocalMessageState = 'scheduled' | 'active' | 'locked' | 'completed' | 'dead-lettered';

export interface LocalMessage {
  messageId: string;
  /** The body as it travels on the wire: JSON text for objects, the text for strings, bytes for buffers. */
  body: string | Uint8Array;
  contentType?: string;
  subject?: string;
  correlationId?: string;
  applicationProperties: Record<string, unknown>;
  sequenceNumber: number;
  enqueuedTimeUtc: Date;
  scheduledEnqueueTimeUtc?: Date;
  expiresAtUtc: Date;
  deliveryCount: number;
  lockToken?: string;
  state: LocalMessageState;
  lastError?: string;
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

export type QueueLog = (level: 'information' | 'warning' | 'error', message: string) => void;

export interface LocalQueueOptions {
  /** Deliveries before a failing message is dead-lettered (Service Bus default 10). */
  maxDeliveryCount?: number;
  /** How long a messageId is remembered for duplicate detection (Repair Relay's queue: 2 hours). */
  duplicateDetectionWindowMs?: number;
  /** Time to live of a message (Service Bus default: practically forever). */
  defaultTimeToLiveMs?: number;
  now?: () => number;
  log?: QueueLog;
}

export interface SendResult {
  accepted: string[];
  duplicates: string[];
}

export type MessageHandler = (message: LocalMessage) => Promise<void>;

export interface QueueSubscription {
  /** Stops taking new messages and resolves when the ones being handled are settled. */
  close(): Promise<void>;
  readonly inFlight: number;
}

const TWO_HOURS = 2 * 60 * 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

function serialiseBody(body: unknown): string | Uint8Array {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  return JSON.stringify(body);
}

export class LocalQueue {
  readonly maxDeliveryCount: number;
  readonly duplicateDetectionWindowMs: number;
  readonly deadLetters: LocalMessage[] = [];
  /** Messages dropped as duplicates, for tests and the dev endpoint. */
  duplicatesDropped = 0;
  private readonly active: LocalMessage[] = [];
  private readonly scheduled: LocalMessage[] = [];
  private readonly locked = new Set<LocalMessage>();
  private readonly seen = new Map<string, number>();
  private readonly subscribers: Array<{ handler: MessageHandler; max: number; running: Set<Promise<void>>; open: boolean }> = [];
  private readonly now: () => number;
  private readonly log: QueueLog;
  private readonly ttlMs: number;
  private sequence = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private pumping = false;

  constructor(
    readonly name: string,
    options: LocalQueueOptions = {},
  ) {
    this.maxDeliveryCount = options.maxDeliveryCount ?? 10;
    this.duplicateDetectionWindowMs = options.duplicateDetectionWindowMs ?? TWO_HOURS;
    this.ttlMs = options.defaultTimeToLiveMs ?? 14 * 24 * 60 * 60_000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    if (!Number.isInteger(this.maxDeliveryCount) || this.maxDeliveryCount < 1) {
      throw new RangeError(`maxDeliveryCount must be a whole number of at least 1, not ${this.maxDeliveryCount}`);
    }
  }

  /** Sends a batch; a messageId seen within the duplicate detection window is accepted and dropped. */
  send(messages: readonly LocalMessageInit[]): SendResult {
    const now = this.now();
    this.forgetOldIds(now);
    const result: SendResult = { accepted: [], duplicates: [] };
    for (const init of messages) {
      const messageId = init.messageId === undefined ? randomUUID().replace(/-/g, '') : String(init.messageId);
      if (this.seen.has(messageId)) {
        this.duplicatesDropped += 1;
        result.duplicates.push(messageId);
        this.log('information', `queue ${this.name}: duplicate messageId ${messageId} dropped (seen within the ${formatDuration(this.duplicateDetectionWindowMs)} duplicate detection window)`);
        continue;
      }
      this.seen.set(messageId, now);
      const scheduledAt = init.scheduledEnqueueTimeUtc?.getTime();
      const isScheduled = scheduledAt !== undefined && scheduledAt > now;
      const enqueuedAt = isScheduled ? scheduledAt : now;
      const message: LocalMessage = {
        messageId,
        body: serialiseBody(init.body),
        ...(init.contentType ? { contentType: init.contentType } : {}),
        ...(init.subject ? { subject: init.subject } : {}),
        ...(init.correlationId ? { correlationId: init.correlationId } : {}),
        applicationProperties: { ...init.applicationProperties },
        sequenceNumber: ++this.sequence,
        enqueuedTimeUtc: new Date(enqueuedAt),
        ...(init.scheduledEnqueueTimeUtc ? { scheduledEnqueueTimeUtc: new Date(init.scheduledEnqueueTimeUtc) } : {}),
        expiresAtUtc: new Date(enqueuedAt + this.ttlMs),
        deliveryCount: 0,
        state: isScheduled ? 'scheduled' : 'active',
      };
      if (isScheduled) {
        this.scheduled.push(message);
        this.scheduled.sort((a, b) => a.enqueuedTimeUtc.getTime() - b.enqueuedTimeUtc.getTime() || a.sequenceNumber - b.sequenceNumber);
        this.log('information', `queue ${this.name}: message ${messageId} scheduled for ${message.enqueuedTimeUtc.toISOString()}`);
      } else {
        this.active.push(message);
      }
      result.accepted.push(messageId);
    }
    this.armWakeTimer();
    this.pump();
    return result;
  }

  /** Takes the next visible message under a lock (peek-lock), counting the delivery. */
  receive(): LocalMessage | undefined {
    this.promoteDue();
    const message = this.active.shift();
    if (!message) return undefined;
    message.state = 'locked';
    message.deliveryCount += 1;
    message.lockToken = randomUUID();
    this.locked.add(message);
    return message;
  }

  complete(message: LocalMessage): void {
    this.assertLocked(message);
    this.locked.delete(message);
    message.state = 'completed';
    delete message.lockToken;
  }

  /**
   * Gives a message back after a failed delivery: it is delivered again, or dead-lettered once
   * `maxDeliveryCount` deliveries have failed, like Service Bus does with an abandoned message.
   */
  abandon(message: LocalMessage, error: unknown): void {
    this.assertLocked(message);
    this.locked.delete(message);
    delete message.lockToken;
    message.lastError = describe(error);
    if (message.deliveryCount >= this.maxDeliveryCount) {
      this.moveToDeadLetter(
        message,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts. Last error: ${message.lastError}`,
      );
      return;
    }
    message.state = 'active';
    this.active.push(message);
    this.active.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    this.log(
      'warning',
      `queue ${this.name}: delivery ${message.deliveryCount}/${this.maxDeliveryCount} of message ${message.messageId} failed (${message.lastError}); it will be delivered again`,
    );
  }

  deadLetter(message: LocalMessage, reason: string, description: string): void {
    this.assertLocked(message);
    this.locked.delete(message);
    delete message.lockToken;
    this.moveToDeadLetter(message, reason, description);
  }

  counts(): { active: number; scheduled: number; locked: number; deadLettered: number } {
    this.promoteDue();
    return { active: this.active.length, scheduled: this.scheduled.length, locked: this.locked.size, deadLettered: this.deadLetters.length };
  }

  /** Every message not yet settled, oldest first (for the dev endpoint and shutdown report). */
  pending(): LocalMessage[] {
    return [...this.locked, ...this.active, ...this.scheduled];
  }

  /**
   * Delivers messages to `handler` as the Service Bus trigger does, at most `maxConcurrentCalls`
   * at a time; a handler that resolves completes the message, one that throws abandons it.
   */
  subscribe(handler: MessageHandler, options: { maxConcurrentCalls?: number } = {}): QueueSubscription {
    const subscriber = { handler, max: Math.max(1, options.maxConcurrentCalls ?? 16), running: new Set<Promise<void>>(), open: true };
    this.subscribers.push(subscriber);
    queueMicrotask(() => this.pump());
    return {
      get inFlight() {
        return subscriber.running.size;
      },
      close: async () => {
        subscriber.open = false;
        await Promise.allSettled([...subscriber.running]);
        const index = this.subscribers.indexOf(subscriber);
        if (index >= 0) this.subscribers.splice(index, 1);
        if (this.subscribers.length === 0) this.clearWakeTimer();
      },
    };
  }

  /** Stops the scheduled-message timer; messages stay where they are. */
  close(): void {
    this.clearWakeTimer();
    for (const subscriber of this.subscribers) subscriber.open = false;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const subscriber = this.subscribers.find((s) => s.open && s.running.size < s.max);
        if (!subscriber) return;
        const message = this.receive();
        if (!message) return;
        const run = this.deliver(subscriber.handler, message).finally(() => {
          subscriber.running.delete(run);
          setImmediate(() => this.pump());
        });
        subscriber.running.add(run);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async deliver(handler: MessageHandler, message: LocalMessage): Promise<void> {
    try {
      await handler(message);
      this.complete(message);
    } catch (error) {
      this.abandon(message, error);
    }
  }

  private moveToDeadLetter(message: LocalMessage, reason: string, description: string): void {
    message.state = 'dead-lettered';
    message.deadLetterReason = reason;
    message.deadLetterErrorDescription = description;
    this.deadLetters.push(message);
    this.log('error', `queue ${this.name}: message ${message.messageId} dead-lettered after ${message.deliveryCount} deliveries: ${reason}: ${description}`);
  }

  private assertLocked(message: LocalMessage): void {
    if (!this.locked.has(message)) throw new Error(`message ${message.messageId} is not locked by a receiver of queue ${this.name}`);
  }

  private promoteDue(): void {
    const now = this.now();
    let moved = false;
    while (this.scheduled.length > 0 && this.scheduled[0]!.enqueuedTimeUtc.getTime() <= now) {
      const message = this.scheduled.shift()!;
      message.state = 'active';
      this.active.push(message);
      moved = true;
    }
    if (moved) this.active.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  private armWakeTimer(): void {
    this.clearWakeTimer();
    const next = this.scheduled[0];
    if (!next) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, next.enqueuedTimeUtc.getTime() - this.now()));
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.promoteDue();
      this.armWakeTimer();
      this.pump();
    }, delay);
    this.wakeTimer.unref();
  }

  private clearWakeTimer(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
  }

  private forgetOldIds(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.duplicateDetectionWindowMs) break;
      this.seen.delete(id);
    }
  }
}

/** Queues per connection and name, like queues in Service Bus namespaces. Names are case-insensitive. */
export class LocalServiceBus {
  private readonly queues = new Map<string, { connection: string; queue: LocalQueue }>();

  constructor(private readonly options: LocalQueueOptions = {}) {}

  queue(connection: string, name: string): LocalQueue {
    const key = `${connection.toLowerCase()}/${name.toLowerCase()}`;
    let entry = this.queues.get(key);
    if (!entry) {
      entry = { connection, queue: new LocalQueue(name, this.options) };
      this.queues.set(key, entry);
    }
    return entry.queue;
  }

  has(connection: string, name: string): boolean {
    return this.queues.has(`${connection.toLowerCase()}/${name.toLowerCase()}`);
  }

  all(): Array<{ connection: string; queue: LocalQueue }> {
    return [...this.queues.values()];
  }

  close(): void {
    for (const { queue } of this.queues.values()) queue.close();
  }
}

/** The app's `SmsQueue` port over a local queue, with the Service Bus adapter's own message mapping. */
export class LocalSmsQueue implements SmsQueue {
  constructor(readonly queue: LocalQueue) {}

  async enqueue(messages: readonly OutboundSms[]): Promise<void> {
    this.queue.send(
      messages.map((sms) => {
        const message = toServiceBusMessage(sms);
        return {
          messageId: message.messageId as string,
          body: message.body,
          ...(message.contentType ? { contentType: message.contentType } : {}),
          ...(message.subject ? { subject: message.subject } : {}),
          ...(message.scheduledEnqueueTimeUtc ? { scheduledEnqueueTimeUtc: message.scheduledEnqueueTimeUtc } : {}),
        };
      }),
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
