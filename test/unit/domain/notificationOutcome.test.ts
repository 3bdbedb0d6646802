import { describe, expect, it } from 'vitest';
import { notificationOutcome, OUTCOME_RULE } from '../../../src/domain/notifications/deliveryLog.js';
import { DELIVERY_STATUS_WORDS, deliveryOutcomeOf, type DeliveryStatusWord } from '../../../src/domain/notifications/deliveryOutcome.js';
import { NOTIFICATION_OUTCOMES, type NotificationEntryWithDelivery, type NotificationState } from '../../../src/domain/notifications/ports.js';
import { notificationEntry } from '../../kit/notificationEntries.js';

const STATES: NotificationState[] = ['scheduled', 'queued', 'sending', 'retrying', 'sent', 'rejected', 'failed', 'skipped', 'unknown'];

function entry(state: NotificationState, status: DeliveryStatusWord | null, reason: NotificationEntryWithDelivery['reason'] = null): NotificationEntryWithDelivery {
  return notificationEntry({ messageKey: 'k', state, gateway: null, reason, delivery: status ? { outcome: deliveryOutcomeOf(status), errorCode: null, deliveredAt: null } : null });
}

/** DESIGN.md's reading of a receipt, written out here independently of the rule under test. */
function deliveryClass(status: DeliveryStatusWord | null): 'delivered' | 'undelivered' | 'pending' {
  if (status === 'delivered') return 'delivered';
  return status === 'failed' || status === 'expired' || status === 'rejected' ? 'undelivered' : 'pending';
}

describe('the outcome rule (OUTCOME_RULE)', () => {
  it('gives every state and delivery status exactly one outcome', () => {
    for (const state of STATES) {
      for (const status of [null, ...DELIVERY_STATUS_WORDS]) {
        const matching = NOTIFICATION_OUTCOMES.filter((outcome) =>
          OUTCOME_RULE[outcome].some((clause) => clause.states.includes(state) && (clause.delivery === 'any' || clause.delivery === deliveryClass(status))),
        );
        expect(matching, `${state} / ${status ?? 'no receipt'}`).toEqual([notificationOutcome(entry(state, status)).outcome]);
      }
    }
  });

  it('reads a sent message by its receipt: delivered, failed (delivery-failed), or still sent', () => {
    expect(notificationOutcome(entry('sent', null))).toEqual({ outcome: 'sent', reason: null });
    expect(notificationOutcome(entry('sent', 'buffered'))).toEqual({ outcome: 'sent', reason: null });
    expect(notificationOutcome(entry('sent', 'delivered'))).toEqual({ outcome: 'delivered', reason: null });
    expect(notificationOutcome(entry('sent', 'expired'))).toEqual({ outcome: 'failed', reason: 'delivery-failed' });
  });

  it('names why a message failed or was skipped, from its state when it was logged without a reason', () => {
    expect(notificationOutcome(entry('rejected', null))).toEqual({ outcome: 'failed', reason: 'invalid-recipient' });
    expect(notificationOutcome(entry('failed', null))).toEqual({ outcome: 'failed', reason: 'provider-error' });
    expect(notificationOutcome(entry('failed', null, 'no-gateway'))).toEqual({ outcome: 'failed', reason: 'no-gateway' });
    expect(notificationOutcome(entry('unknown', 'delivered'))).toEqual({ outcome: 'failed', reason: 'outcome-unknown' });
    expect(notificationOutcome(entry('skipped', null))).toEqual({ outcome: 'skipped', reason: 'no-address' });
    expect(notificationOutcome(entry('skipped', null, 'not-subscribed'))).toEqual({ outcome: 'skipped', reason: 'not-subscribed' });
    expect(notificationOutcome(entry('retrying', null))).toEqual({ outcome: 'queued', reason: null });
  });
});
