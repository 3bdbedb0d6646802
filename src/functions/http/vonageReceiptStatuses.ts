import type { DeliveryOutcome } from '../../domain/notifications/deliveryOutcome.js';

/*
 * Vonage's words for where a message is, and what each means in the domain (ASSUMPTIONS.md,
 * Channels and gateways). The two APIs word it differently; the domain hears only the meaning.
 */

const withNetwork: DeliveryOutcome = { kind: 'pending', stage: 'with-network' };
const delivered: DeliveryOutcome = { kind: 'delivered' };

/** The SMS API's delivery receipt `status`. */
export const SMS_RECEIPT_STATUSES = {
  // Handed to the mobile network, no word from the phone yet.
  accepted: withNetwork,
  // The network holds it until the phone can be reached.
  buffered: { kind: 'pending', stage: 'held-for-phone' },
  delivered,
  expired: { kind: 'undelivered', reason: 'expired' },
  failed: { kind: 'undelivered', reason: 'failed' },
  rejected: { kind: 'undelivered', reason: 'refused' },
  // The network does not say: not final, a later receipt may still.
  unknown: { kind: 'pending', stage: 'unconfirmed' },
} as const satisfies Record<string, DeliveryOutcome>;

/** The Messages API's status webhook `status`. */
export const MESSAGES_RECEIPT_STATUSES = {
  // Handed to the network (or WhatsApp), not delivered yet.
  submitted: withNetwork,
  delivered,
  // Read implies delivered; the log keeps delivery, not reading.
  read: delivered,
  rejected: { kind: 'undelivered', reason: 'refused' },
  // Vonage could not deliver it (unreachable, expired, blocked).
  undeliverable: { kind: 'undelivered', reason: 'failed' },
} as const satisfies Record<string, DeliveryOutcome>;

/** The statuses of one API, as a zod enum takes them. */
export function statusWords<T extends object>(table: T): [keyof T & string, ...Array<keyof T & string>] {
  return Object.keys(table) as [keyof T & string, ...Array<keyof T & string>];
}
