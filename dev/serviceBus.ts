import { randomUUID } from 'node:crypto';
import { toServiceBusMessage } from '../src/adapters/serviceBus/notificationQueue.js';
import { deadLetterNotification } from '../src/adapters/serviceBus/deadLetters.js';
import type { DeadLetter, DeadLetterQueue, OutboundNotification, NotificationQueue } from '../src/domain/notifications/ports.js';
import { describeError, formatDuration } from './settings.js';

/**
 * An in-process stand-in for a Service Bus queue with the semantics Repair Relay relies on:
 * duplicate detection by `messageId` within a window, scheduled enqueue time, redelivery with an
 * incrementing `deliveryCount` when a handler fails, and dead-lettering once `maxDeliveryCount`
 * deliveries have failed. Messages live in memory only.
 */

export interface LocalMessageInit {
  messageId?: string;
  body: unknown;
  contentType?: string | undefined;
  subject?: string | undefined;
  scheduledEnqueueTimeUtc?: Date | undefined;
}

export interface LocalMessage extends Omit<LocalMessageInit, 'body' | 'scheduledEnqueueTimeUtc'> {
  messageId: string;
  /** The body as it travels: JSON text for objects, the text for strings, bytes for buffers. */
  body: string | Uint8Array;
  sequenceNumber: number;
  enqueuedTimeUtc: Date;
  deliveryCount: number;
  state: 'scheduled' | 'active' | 'locked' | 'dead-lettered';
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
}

export type QueueLog = (level: 'information' | 'warning' | 'error', message: string) => void;

export interface LocalQueueOptions {
  /** Deliveries before a failing message is dead-lettered (Service Bus default 10). */
  maxDeliveryCount?: number;
  /** How long a messageId is remembered for duplicate detection (Repair Relay's queue: 2 hours). */
  duplicateDetectionWindowMs?: number;
  now?: () => number;
  log?: QueueLog;
}

export type MessageHandler = (message: LocalMessage) => Promise<void>;

export class LocalQueue {
  readonly maxDeliveryCount: number;
  readonly duplicateDetectionWindowMs: number;
  readonly deadLetters: LocalMessage[] = [];
  duplicatesDropped = 0;
  private readonly messages: LocalMessage[] = []; // scheduled, active and locked, in sequence order
  private readonly seen = new Map<string, number>();
  private readonly now: () => number;
  private readonly log: QueueLog;
  private subscriber: { handler: MessageHandler; max: number; running: Set<Promise<void>> } | undefined;
  private sequence = 0;
  private wakeTimer: NodeJS.Timeout | undefined;

  constructor(readonly name: string, options: LocalQueueOptions = {}) {
    this.maxDeliveryCount = options.maxDeliveryCount ?? 10;
    this.duplicateDetectionWindowMs = options.duplicateDetectionWindowMs ?? 2 * 60 * 60_000;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  /** Sends a batch; a messageId seen within the duplicate detection window is accepted and dropped. */
  send(messages: readonly LocalMessageInit[]): { accepted: string[]; duplicates: string[] } {
    const now = this.now();
    for (const [id, at] of this.seen) if (now - at >= this.duplicateDetectionWindowMs) this.seen.delete(id);
    const result = { accepted: [] as string[], duplicates: [] as string[] };
    for (const init of messages) {
      const messageId = init.messageId ?? randomUUID().replace(/-/g, '');
      if (this.seen.has(messageId)) {
        this.duplicatesDropped += 1;
        result.duplicates.push(messageId);
        this.log('information', `queue ${this.name}: duplicate messageId ${messageId} dropped (seen within the ${formatDuration(this.duplicateDetectionWindowMs)} duplicate detection window)`);
        continue;
      }
      this.seen.set(messageId, now);
      const scheduledAt = init.scheduledEnqueueTimeUtc?.getTime() ?? now;
      const { body, contentType, subject } = init;
      this.messages.push({
        messageId,
        body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body),
        contentType,
        subject,
        sequenceNumber: ++this.sequence,
        enqueuedTimeUtc: new Date(Math.max(now, scheduledAt)),
        deliveryCount: 0,
        state: scheduledAt > now ? 'scheduled' : 'active',
      });
      if (scheduledAt > now) this.log('information', `queue ${this.name}: message ${messageId} scheduled for ${new Date(scheduledAt).toISOString()}`);
      result.accepted.push(messageId);
    }
    this.pump();
    return result;
  }

  counts(): { active: number; scheduled: number; locked: number; deadLettered: number } {
    this.promoteDue();
    const count = (state: LocalMessage['state']) => this.messages.filter((m) => m.state === state).length;
    return { active: count('active'), scheduled: count('scheduled'), locked: count('locked'), deadLettered: this.deadLetters.length };
  }

  /** Every message not yet settled, in sequence order. */
  pending(): LocalMessage[] {
    this.promoteDue();
    return [...this.messages];
  }

  /**
   * Delivers messages to `handler` as the Service Bus trigger does, at most `maxConcurrentCalls`
   * at a time: a handler that resolves completes the message, one that throws abandons it, and the
   * message is delivered again or dead-lettered. `close()` stops deliveries and waits for running ones.
   */
  subscribe(handler: MessageHandler, options: { maxConcurrentCalls?: number } = {}): { close(): Promise<void> } {
    const subscriber = { handler, max: Math.max(1, options.maxConcurrentCalls ?? 16), running: new Set<Promise<void>>() };
    this.subscriber = subscriber;
    queueMicrotask(() => this.pump());
    return {
      close: async () => {
        if (this.subscriber === subscriber) this.subscriber = undefined;
        clearTimeout(this.wakeTimer);
        await Promise.allSettled([...subscriber.running]);
      },
    };
  }

  private promoteDue(): void {
    const now = this.now();
    for (const m of this.messages) if (m.state === 'scheduled' && m.enqueuedTimeUtc.getTime() <= now) m.state = 'active';
  }

  private pump(): void {
    this.promoteDue();
    const subscriber = this.subscriber;
    clearTimeout(this.wakeTimer);
    if (!subscriber) return;
    for (const message of this.messages) {
      if (subscriber.running.size >= subscriber.max) return;
      if (message.state !== 'active') continue;
      message.state = 'locked';
      message.deliveryCount += 1;
      const run = this.deliver(subscriber.handler, message).finally(() => {
        subscriber.running.delete(run);
        setImmediate(() => this.pump());
      });
      subscriber.running.add(run);
    }
    const next = Math.min(...this.messages.filter((m) => m.state === 'scheduled').map((m) => m.enqueuedTimeUtc.getTime()));
    if (Number.isFinite(next)) this.wakeTimer = setTimeout(() => this.pump(), Math.min(2 ** 31 - 1, Math.max(0, next - this.now()))).unref();
  }

  private async deliver(handler: MessageHandler, message: LocalMessage): Promise<void> {
    try {
      await handler(message);
      this.messages.splice(this.messages.indexOf(message), 1);
    } catch (error) {
      const reason = describeError(error);
      if (message.deliveryCount < this.maxDeliveryCount) {
        message.state = 'active';
        this.log('warning', `queue ${this.name}: delivery ${message.deliveryCount}/${this.maxDeliveryCount} of message ${message.messageId} failed (${reason}); it will be delivered again`);
        return;
      }
      this.messages.splice(this.messages.indexOf(message), 1);
      Object.assign(message, {
        state: 'dead-lettered',
        deadLetterReason: 'MaxDeliveryCountExceeded',
        deadLetterErrorDescription: `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts. Last error: ${reason}`,
      });
      this.deadLetters.push(message);
      this.log('error', `queue ${this.name}: message ${message.messageId} dead-lettered after ${message.deliveryCount} deliveries: MaxDeliveryCountExceeded: ${reason}`);
    }
  }
}

/** The app's `NotificationQueue` port over a local queue, with the Service Bus adapter's own message mapping. */
export const localNotificationQueue = (queue: LocalQueue): NotificationQueue => ({
  enqueue: async (messages: readonly OutboundNotification[]) => void queue.send(messages.map(toServiceBusMessage).map((m) => ({ ...m, messageId: String(m.messageId) }))),
});

/** The app's `DeadLetterQueue` port over a local queue's dead letters. */
export function localDeadLetters(queue: LocalQueue): DeadLetterQueue {
  const toDeadLetter = (m: LocalMessage): DeadLetter => ({
    messageId: m.messageId,
    sequenceNumber: String(m.sequenceNumber),
    reason: m.deadLetterReason ?? null,
    description: m.deadLetterErrorDescription ?? null,
    deliveryCount: m.deliveryCount,
    enqueuedAt: m.enqueuedTimeUtc,
    notification: deadLetterNotification(m.body),
  });
  return {
    list: async (max) => queue.deadLetters.slice(0, max).map(toDeadLetter),
    replay: async (max, replayId) =>
      queue.deadLetters.splice(0, max).map((m) => {
        const to = replayId(toDeadLetter(m));
        queue.send([{ messageId: to, body: m.body, contentType: m.contentType, subject: m.subject }]);
        return { from: m.messageId, to };
      }),
    replaySome: async (sequenceNumbers, replayId) => {
      const wanted = new Set(sequenceNumbers);
      const taken = queue.deadLetters.filter((m) => wanted.has(String(m.sequenceNumber)));
      for (const m of taken) queue.deadLetters.splice(queue.deadLetters.indexOf(m), 1);
      return taken.map((m) => {
        const letter = toDeadLetter(m);
        const to = replayId(letter);
        queue.send([{ messageId: to, body: m.body, contentType: m.contentType, subject: m.subject }]);
        return { from: m.messageId, to, letter };
      });
    },
  };
}
