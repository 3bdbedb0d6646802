import { z } from 'zod';
import type { InboundSms } from '../../domain/feedback/recordReply.js';
import type { DeliveryReceipt } from '../../domain/notifications/deliveryReceipts.js';
import { roundToAmount } from '../../domain/shared/money.js';
import { SMS_RECEIPT_STATUSES, statusWords } from './vonageReceiptStatuses.js';

/*
 * Vonage SMS API webhook parameters (form, JSON or query string, all strings, hyphenated names),
 * validated here at the edge and turned into the domain's plain values.
 */

const SMS_RECEIPT_STATUS_WORDS = statusWords(SMS_RECEIPT_STATUSES);

/** Vonage leaves optional parameters empty rather than out in some configurations. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** A Vonage message id (SMS API `messageId`, Messages API `message_uuid`), also the inbox's message ids. */
export const vonageMessageId = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1 to 64 visible ASCII characters');

/** Vonage's `message-timestamp`: `YYYY-MM-DD HH:MM:SS`, in UTC. */
const vonageTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must look like YYYY-MM-DD HH:MM:SS (UTC)')
  .refine((value) => !Number.isNaN(Date.parse(`${value.replace(' ', 'T')}Z`)), 'is not a real date and time')
  .transform((value) => new Date(`${value.replace(' ', 'T')}Z`));

/** A delivery receipt as the SMS API sends it: the domain's receipt, and the Vonage account it belongs to (checked at the edge). */
export type VonageDeliveryReceipt = DeliveryReceipt & { apiKey: string | null };

export const deliveryReceiptSchema = z
  .object({
    messageId: vonageMessageId,
    status: z.enum(SMS_RECEIPT_STATUS_WORDS, { error: `must be one of ${SMS_RECEIPT_STATUS_WORDS.join(', ')}` }),
    'err-code': optional(z.string().regex(/^\d{1,16}$/, 'must be a number')),
    'client-ref': optional(z.string().max(191)),
    'api-key': optional(z.string().max(64)),
    price: optional(z.string().regex(/^\d{1,9}(\.\d{1,12})?$/, 'must be a decimal amount such as 0.03330000')),
    'message-timestamp': optional(vonageTimestamp),
    msisdn: optional(z.string().max(32)),
    to: optional(z.string().max(64)),
    'network-code': optional(z.string().max(16)),
    scts: optional(z.string().max(16)),
  })
  .transform(
    (p): VonageDeliveryReceipt => ({
      messageId: p.messageId,
      outcome: SMS_RECEIPT_STATUSES[p.status],
      errorCode: p['err-code'] ?? null,
      clientRef: p['client-ref'] ?? null,
      apiKey: p['api-key'] ?? null,
      price: p.price === undefined ? null : roundToAmount(p.price),
      reportedAt: p['message-timestamp'] ?? null,
    }),
  );

export const inboundSmsSchema = z
  .object({
    messageId: vonageMessageId,
    /** The sender, E.164 without '+' as Vonage sends it; whether it is a usable number is decided later. */
    msisdn: z.string().trim().min(1).max(32),
    text: optional(z.string()),
    type: optional(z.string().max(16)),
    keyword: optional(z.string().max(640)),
    to: optional(z.string().max(64)),
    'message-timestamp': optional(vonageTimestamp),
  })
  .transform((p): InboundSms => ({ messageId: p.messageId, from: p.msisdn, text: p.text ?? '', channel: 'sms' }));


