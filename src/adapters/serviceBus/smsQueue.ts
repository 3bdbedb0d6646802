import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import { DefaultAzureCredential } from '@azure/identity';
import type { OutboundSms, SmsQueue } from '../../domain/notifications/ports.js';

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

export function toServiceBusMessage(sms: OutboundSms): ServiceBusMessage {
  return {
    messageId: sms.messageId,
    body: sms.body,
    contentType: 'application/json',
    subject: sms.body.kind,
    ...(sms.scheduledAt ? { scheduledEnqueueTimeUtc: sms.scheduledAt } : {}),
  };
}

/** Sends in as few batches as fit; the queue's duplicate detection drops a repeated messageId. */
export class ServiceBusSmsQueue implements SmsQueue {
  constructor(private readonly sender: ServiceBusSender) {}

  async enqueue(messages: readonly OutboundSms[]): Promise<void> {
    let batch = await this.sender.createMessageBatch();
    for (const sms of messages) {
      const message = toServiceBusMessage(sms);
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0) throw new Error(`SMS message ${sms.messageId} is too large for one Service Bus batch`);
      await this.sender.sendMessages(batch);
      batch = await this.sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw new Error(`SMS message ${sms.messageId} is too large for one Service Bus batch`);
    }
    if (batch.count > 0) await this.sender.sendMessages(batch);
  }
}
