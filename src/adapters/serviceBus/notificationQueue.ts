import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import { DefaultAzureCredential } from '@azure/identity';
import type { OutboundNotification, NotificationQueue } from '../../domain/notifications/ports.js';

export interface ServiceBusSettings {
  connectionString?: string;
  fullyQualifiedNamespace?: string;
  queueName: string;
  managedIdentityClientId?: string;
}

export function createServiceBusClient(settings: ServiceBusSettings): ServiceBusClient {
  if (settings.connectionString) return new ServiceBusClient(settings.connectionString);
  if (!settings.fullyQualifiedNamespace) {
    throw new Error('SERVICEBUS_CONNECTION or SERVICEBUS_CONNECTION__fullyQualifiedNamespace must be set');
  }
  const credential = new DefaultAzureCredential(
    settings.managedIdentityClientId ? { managedIdentityClientId: settings.managedIdentityClientId } : {},
  );
  return new ServiceBusClient(settings.fullyQualifiedNamespace, credential);
}

export function toServiceBusMessage(notification: OutboundNotification): ServiceBusMessage {
  return {
    messageId: notification.messageId,
    body: notification.body,
    contentType: 'application/json',
    subject: `${notification.body.channel}.${notification.body.event}`,
    ...(notification.scheduledAt ? { scheduledEnqueueTimeUtc: notification.scheduledAt } : {}),
  };
}

/** Sends in as few batches as fit; the queue's duplicate detection drops a repeated messageId. */
export class ServiceBusNotificationQueue implements NotificationQueue {
  constructor(private readonly sender: ServiceBusSender) {}

  async enqueue(messages: readonly OutboundNotification[]): Promise<void> {
    let batch = await this.sender.createMessageBatch();
    for (const notification of messages) {
      const message = toServiceBusMessage(notification);
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0) throw new Error(`message ${notification.messageId} is too large for one Service Bus batch`);
      await this.sender.sendMessages(batch);
      batch = await this.sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw new Error(`message ${notification.messageId} is too large for one Service Bus batch`);
    }
    if (batch.count > 0) await this.sender.sendMessages(batch);
  }
}
