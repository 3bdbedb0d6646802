import type { InboxMessage } from '../../domain/inbox/ports.js';

/** A kept message as the inbox API shows it. */
export function inboxMessageBody(message: InboxMessage): Record<string, unknown> {
  return {
    messageId: message.messageId,
    channel: message.channel,
    from: message.from,
    customerId: message.customerId,
    jobId: message.jobId,
    text: message.text,
    receivedAt: message.receivedAt.toISOString(),
    status: message.status,
    handledAt: message.handledAt?.toISOString() ?? null,
    autoReplyId: message.autoReplyKey,
  };
}
