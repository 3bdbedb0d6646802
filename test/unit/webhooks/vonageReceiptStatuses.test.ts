import { describe, expect, it } from 'vitest';
import { DELIVERY_OUTCOMES, DELIVERY_STATUS_WORDS, deliveryOutcomeOf, deliveryStatusWord } from '../../../src/domain/notifications/deliveryOutcome.js';
import { messagesStatusSchema } from '../../../src/functions/http/vonageMessagesSchemas.js';
import { MESSAGES_RECEIPT_STATUSES, SMS_RECEIPT_STATUSES } from '../../../src/functions/http/vonageReceiptStatuses.js';
import { deliveryReceiptSchema } from '../../../src/functions/http/vonageSchemas.js';

/*
 * Issue 22, vendor words at the edge: each Vonage API's status words become the domain's
 * delivery outcome here, and only the stored word (unchanged since delivery receipts began) is
 * written to the log, the job document and the job_trans keys.
 */

const smsReceipt = (status: string) => deliveryReceiptSchema.safeParse({ messageId: '0A0000000123ABCD1', status, 'err-code': '0' });
const messagesStatus = (status: string) =>
  messagesStatusSchema.safeParse({ message_uuid: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab', status, timestamp: '2026-11-23T09:10:11.000Z', to: '447700900000', from: 'Relay', channel: 'sms' });

/** The table is exactly `expected`, and the API's webhook, parsed at the edge, hands the domain that outcome for each status. */
function expectMapping(table: object, parse: (status: string) => { success: boolean; data?: { outcome: unknown } }, expected: Record<string, unknown>): void {
  expect(table).toEqual(expected);
  for (const [status, outcome] of Object.entries(expected)) expect(parse(status).data?.outcome, status).toEqual(outcome);
}

describe('Vonage receipt statuses', () => {
  it('maps every SMS API delivery receipt status onto its domain outcome', () => {
    const expected = {
      accepted: { kind: 'pending', stage: 'with-network' },
      buffered: { kind: 'pending', stage: 'held-for-phone' },
      delivered: { kind: 'delivered' },
      expired: { kind: 'undelivered', reason: 'expired' },
      failed: { kind: 'undelivered', reason: 'failed' },
      rejected: { kind: 'undelivered', reason: 'refused' },
      unknown: { kind: 'pending', stage: 'unconfirmed' },
    };
    expectMapping(SMS_RECEIPT_STATUSES, smsReceipt, expected);
  });

  it('maps every Messages API status onto its domain outcome', () => {
    const expected = {
      submitted: { kind: 'pending', stage: 'with-network' },
      delivered: { kind: 'delivered' },
      read: { kind: 'delivered' },
      rejected: { kind: 'undelivered', reason: 'refused' },
      undeliverable: { kind: 'undelivered', reason: 'failed' },
    };
    expectMapping(MESSAGES_RECEIPT_STATUSES, messagesStatus, expected);
  });

  it('refuses a status either API does not define, so a new one shows up in the logs', () => {
    expect(smsReceipt('read').success).toBe(false);
    expect(smsReceipt('submitted').success).toBe(false);
    expect(messagesStatus('accepted').success).toBe(false);
    expect(messagesStatus('buffered').success).toBe(false);
  });

  it('records an SMS API receipt under the very word Vonage sent, as before the domain had its own words', () => {
    for (const [status, outcome] of Object.entries(SMS_RECEIPT_STATUSES)) expect(deliveryStatusWord(outcome)).toBe(status);
  });

  it('stores each domain outcome under one word and reads it back', () => {
    expect(DELIVERY_OUTCOMES.map(deliveryStatusWord).sort()).toEqual([...DELIVERY_STATUS_WORDS].sort());
    for (const outcome of DELIVERY_OUTCOMES) expect(deliveryOutcomeOf(deliveryStatusWord(outcome))).toEqual(outcome);
  });
});
