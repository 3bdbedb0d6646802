import { z } from 'zod';
import type { InboundSms } from '../../domain/feedback/recordReply.js';
import type { DeliveryReceipt } from '../../domain/notifications/deliveryReceipts.js';
import { roundToAmount } from '../../domain/shared/money.js';
import { MESSAGES_RECEIPT_STATUSES, statusWords } from './vonageReceiptStatuses.js';
import { vonageMessageId } from './vonageSchemas.js';

/*
 * Vonage Messages API webhooks (JSON, snake_case), validated here at the edge and turned into the
 * same plain domain values as the SMS API's: a DeliveryReceipt and an InboundSms.
 */

const MESSAGES_STATUSES = statusWords(MESSAGES_RECEIPT_STATUSES);


/** ISO 8601 with a zone, as the Messages API writes it (`2026-06-15T12:00:00.000Z`). */
const isoTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/, 'must be an ISO 8601 date and time with a zone')
  .refine((value) => !Number.isNaN(Date.parse(value)), 'is not a real date and time')
  .transform((value) => new Date(value));

/** The error's code: its title when that is a number (Vonage writes "1320"), else the number after `#` in its type URL. */
function errorCodeOf(error: { type?: string | undefined; title?: string | number | undefined } | undefined): string | null {
  const title = error?.title === undefined ? '' : String(error.title);
  if (/^\d{1,16}$/.test(title)) return title;
  return /#(\d{1,16})$/.exec(error?.type ?? '')?.[1] ?? null;
}

export const messagesStatusSchema = z
  .object({
    message_uuid: vonageMessageId,
    status: z.enum(MESSAGES_STATUSES, { error: `must be one of ${MESSAGES_STATUSES.join(', ')}` }),
    timestamp: isoTimestamp,
    to: z.string().max(320),
    from: z.string().max(320),
    channel: z.string().min(1).max(32),
    client_ref: z.string().max(191).optional(),
    error: z
      .object({ type: z.string().max(512).optional(), title: z.union([z.string().max(256), z.number()]).optional(), detail: z.string().max(2048).optional() })
      .optional(),
    usage: z.object({ currency: z.string().max(8).optional(), price: z.string().regex(/^\d{1,9}(\.\d{1,12})?$/).optional() }).optional(),
  })
  .transform(
    (p): DeliveryReceipt => ({
      messageId: p.message_uuid,
      outcome: MESSAGES_RECEIPT_STATUSES[p.status],
      errorCode: errorCodeOf(p.error),
      // The Messages API names no account in the body; a verified signature already proves it is ours.
      clientRef: p.client_ref ?? null,
      price: p.usage?.price === undefined ? null : roundToAmount(p.usage.price),
      reportedAt: p.timestamp,
    }),
  );

/** `other`: a message we do not store; its provider-supplied channel and type are only ever logged as fields, never spliced into a line. */
export type MessagesInbound = { kind: 'text'; sms: InboundSms } | { kind: 'other'; messageId: string; channel: string; messageType: string };

export const messagesInboundSchema = z
  .object({
    message_uuid: vonageMessageId,
    /** The sender, E.164 without '+' (SMS and WhatsApp); whether it is a usable number is decided later. */
    from: z.string().trim().min(1).max(32),
    to: z.string().max(64),
    channel: z.string().min(1).max(32),
    message_type: z.string().min(1).max(32),
    text: z.string().max(4096).optional(),
    timestamp: isoTimestamp,
  })
  .refine((p) => p.message_type !== 'text' || p.text !== undefined, { message: 'a text message must carry text', path: ['text'] })
  .transform(
    (p): MessagesInbound =>
      p.message_type === 'text' && (p.channel === 'sms' || p.channel === 'whatsapp')
        ? { kind: 'text', sms: { messageId: p.message_uuid, from: p.from, text: p.text ?? '', channel: p.channel } }
        : { kind: 'other', messageId: p.message_uuid, channel: p.channel, messageType: p.message_type },
  );
