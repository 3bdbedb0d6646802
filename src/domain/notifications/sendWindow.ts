import type { Customers } from '../customers/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { nextSendTime } from '../windows/contactWindow.js';
import type { NotificationMessage } from './notificationMessage.js';
import type { SendGuard } from './ports.js';

export type Due = { when: 'now' } | { when: 'later'; sendAt: Date } | { when: 'never'; reason: 'not-subscribed' | 'no-contact-window' | 'paused'; detail: string };

export interface SendWindowPorts {
  /** The customer's subscriptions and contact hours, checked again when a message is due. */
  customers: Pick<Customers, 'getMany'>;
  /** Business hours: with the customer's hours, the window messages go out in (contact windows, seed 001). */
  calendar: BusinessCalendar;
  /**
   * The runaway-sender guard (issue 24); none: nothing is held. It sits here, not in
   * sendNotification's deps (already six collaborators), because a paused customer is one more
   * answer to "may this message go now", which is the window's question.
   */
  sendGuard?: SendGuard;
}

export class SendWindow {
  constructor(private readonly ports: SendWindowPorts) {}

  /**
   * Whether a message may go out now: its customer is not paused by the runaway-sender guard, still
   * takes the channel, and now is inside the business's open hours and the customer's contact hours,
   * in their own zones (DESIGN.md, Contact windows). A message without a customer (one queued before customers existed) follows business
   * hours. The after-hours auto-reply and staff's reply (issue 23) answer a message the sender has
   * sent us: they go out at once, on the channel they wrote on.
   */
  async due(message: NotificationMessage, now: Date): Promise<Due> {
    const { customers, calendar, sendGuard } = this.ports;
    const paused = message.customerId === null ? null : await sendGuard?.pausedDetail(message.customerId);
    if (paused) return { when: 'never', reason: 'paused', detail: paused };
    if (message.event === 'auto-reply' || message.event === 'staff-reply') return { when: 'now' };
    const [customer] = message.customerId === null ? [] : await customers.getMany([message.customerId]);
    if (customer && !customer.subscriptions.some((subscription) => subscription.channel === message.channel)) {
      return { when: 'never', reason: 'not-subscribed', detail: `the customer no longer takes ${message.channel}` };
    }
    const window = nextSendTime(calendar, customer ?? {}, now);
    if (!window.ok) return { when: 'never', reason: 'no-contact-window', detail: window.detail };
    return window.immediate ? { when: 'now' } : { when: 'later', sendAt: window.sendAt };
  }
}
