import type { Customers } from '../customers/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { nextSendTime } from '../windows/contactWindow.js';
import type { NotificationMessage } from './notificationMessage.js';

export type Due = { when: 'now' } | { when: 'later'; sendAt: Date } | { when: 'never'; reason: 'not-subscribed' | 'no-contact-window'; detail: string };

export interface SendWindowPorts {
  /** The customer's subscriptions and contact hours, checked again when a message is due. */
  customers: Pick<Customers, 'getMany'>;
  /** Business hours: with the customer's hours, the window messages go out in (contact windows, seed 001). */
  calendar: BusinessCalendar;
}

export class SendWindow {
  constructor(private readonly ports: SendWindowPorts) {}

  /**
   * Whether a message may go out now: its customer still takes the channel, and now is inside the
   * business's open hours and the customer's contact hours, in their own zones (DESIGN.md, Contact
   * windows). A message without a customer (one queued before customers existed) follows business
   * hours. The after-hours auto-reply answers a message the sender has just sent us: it goes out at
   * once, on the channel they wrote on.
   */
  async due(message: NotificationMessage, now: Date): Promise<Due> {
    if (message.event === 'auto-reply') return { when: 'now' };
    const { customers, calendar } = this.ports;
    const [customer] = message.customerId === null ? [] : await customers.getMany([message.customerId]);
    if (customer && !customer.subscriptions.some((subscription) => subscription.channel === message.channel)) {
      return { when: 'never', reason: 'not-subscribed', detail: `the customer no longer takes ${message.channel}` };
    }
    const window = nextSendTime(calendar, customer ?? {}, now);
    if (!window.ok) return { when: 'never', reason: 'no-contact-window', detail: window.detail };
    return window.immediate ? { when: 'now' } : { when: 'later', sendAt: window.sendAt };
  }
}
