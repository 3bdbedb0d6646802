import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { DeadLetter, DeadLetterQueue } from '../../domain/notifications/ports.js';
import { parseNotificationMessage } from './notificationWire.js';

const RECEIVE_WAIT_MS = 2_000;

/** What a dead letter's body says it was: its notification, job and channel (for operators), when it reads as one. */
export function deadLetterNotification(body: unknown): DeadLetter['notification'] {
  const parsed = parseNotificationMessage(body);
  return parsed.ok ? { notificationId: parsed.message.notificationId, jobId: parsed.message.jobId, channel: parsed.message.channel } : undefined;
}

function toDeadLetter(message: ServiceBusReceivedMessage): DeadLetter {
  return {
    messageId: String(message.messageId ?? ''),
    sequenceNumber: String(message.sequenceNumber ?? ''),
    reason: message.deadLetterReason ?? null,
    description: message.deadLetterErrorDescription ?? null,
    deliveryCount: message.deliveryCount ?? 0,
    enqueuedAt: message.enqueuedTimeUtc ?? null,
    notification: deadLetterNotification(message.body),
  };
}

/** How many dead letters one "replay these" looks through for the ones asked for. */
const REPLAY_SOME_WINDOW = 500;

/** The Service Bus queue's dead-letter sub-queue: peeked to list, received and completed to replay. */
export class ServiceBusDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly client: ServiceBusClient,
    private readonly queueName: string,
  ) {}

  async list(max: number): Promise<DeadLetter[]> {
    const receiver = this.client.createReceiver(this.queueName, { subQueueType: 'deadLetter' });
    try {
      return (await receiver.peekMessages(max)).map(toDeadLetter);
    } finally {
      await receiver.close();
    }
  }

  async replay(max: number, replayId: (letter: DeadLetter) => string): Promise<Array<{ from: string; to: string }>> {
    const receiver = this.client.createReceiver(this.queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    const sender = this.client.createSender(this.queueName);
    const replayed: Array<{ from: string; to: string }> = [];
    try {
      for (const message of await receiver.receiveMessages(max, { maxWaitTimeInMs: RECEIVE_WAIT_MS })) {
        const letter = toDeadLetter(message);
        const to = replayId(letter);
        await sender.sendMessages({ body: message.body, messageId: to, contentType: message.contentType, subject: message.subject });
        await receiver.completeMessage(message);
        replayed.push({ from: letter.messageId, to });
      }
      return replayed;
    } finally {
      await Promise.allSettled([receiver.close(), sender.close()]);
    }
  }

  /** Receives a window of dead letters under lock, replays the ones asked for and gives the others back (abandon). */
  async replaySome(sequenceNumbers: readonly string[], replayId: (letter: DeadLetter) => string): Promise<Array<{ from: string; to: string; letter: DeadLetter }>> {
    const wanted = new Set(sequenceNumbers);
    const receiver = this.client.createReceiver(this.queueName, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
    const sender = this.client.createSender(this.queueName);
    const replayed: Array<{ from: string; to: string; letter: DeadLetter }> = [];
    try {
      for (const message of await receiver.receiveMessages(REPLAY_SOME_WINDOW, { maxWaitTimeInMs: RECEIVE_WAIT_MS })) {
        const letter = toDeadLetter(message);
        if (!wanted.has(letter.sequenceNumber)) {
          await receiver.abandonMessage(message);
          continue;
        }
        const to = replayId(letter);
        await sender.sendMessages({ body: message.body, messageId: to, contentType: message.contentType, subject: message.subject });
        await receiver.completeMessage(message);
        replayed.push({ from: letter.messageId, to, letter });
      }
      return replayed;
    } finally {
      await Promise.allSettled([receiver.close(), sender.close()]);
    }
  }
}
