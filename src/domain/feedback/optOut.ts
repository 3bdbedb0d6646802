import type { Channel } from '../channels/ports.js';
import type { Customers } from '../customers/ports.js';
import type { InboundChannel } from '../inbox/ports.js';
import type { NotificationMessage } from '../notifications/notificationMessage.js';
import type { Outbox } from '../notifications/outbox.js';
import { optOutText } from '../notifications/texts.js';
import { maskPhone } from '../shared/phone.js';
import type { Logger } from '../shared/ports.js';

/*
 * Opt-outs (issue 26): the keywords carriers honour, on whichever channel they come, and one
 * confirmation per opt-out, as carriers expect.
 */

/** Keywords that are an opt-out when they are the whole message: the one channel it came on, or every channel. */
const CHANNEL_KEYWORDS = new Set(['STOP', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const ALL_CHANNEL_KEYWORDS = new Set(['STOP ALL', 'STOPALL']);

export type OptOutScope = 'channel' | 'all';

/**
 * The opt-out a message asks for: the whole text, any case, spaces and a closing `.` or `!`
 * ignored. "STOP please" or "cancel my repair" are words to staff, not an opt-out.
 */
export function optOutScope(text: string): OptOutScope | null {
  const words = text.trim().replace(/[.!]+$/, '').trim().toUpperCase().split(/\s+/).join(' ');
  if (ALL_CHANNEL_KEYWORDS.has(words)) return 'all';
  return CHANNEL_KEYWORDS.has(words) ? 'channel' : null;
}

/** The notification key of the confirmation of one opt-out message: a redelivery confirms nothing twice. */
export function optOutConfirmationKey(inboundMessageId: string): string {
  return `opt-out-${inboundMessageId}`;
}

export interface OptOutDeps {
  customers: Pick<Customers, 'findByMobile' | 'unsubscribe'>;
  /** The confirmation goes out through it, once per opt-out message. */
  outbox: Outbox;
  logger: Logger;
  /** STOP_UNSUBSCRIBES_ALL_CHANNELS: every opt-out covers every channel. */
  stopUnsubscribesAllChannels: boolean;
}

export interface OptOut {
  messageId: string;
  channel: InboundChannel;
  /** The sender as the provider gave it (for the log, masked). */
  from: string;
  /** The sender as a usable E.164 number, if it is one. */
  e164: string | undefined;
  scope: OptOutScope;
}

export type OptOutResult = { outcome: 'unsubscribed'; customerId: number; channels: Channel[] } | { outcome: 'unknown-sender' };

/**
 * Unsubscribes the sender's customer from the channel the opt-out came on, or from all channels,
 * and confirms it once on that channel. The confirmation is logged and queued before anything is
 * removed, so a crash in between is repaired by the provider's redelivery; a repeated opt-out that
 * finds nothing left to remove confirms nothing (no SMS on demand to a number that already left).
 * The subscription rows are the record (there is no job, so no job_trans row).
 */
export async function optOutSender(deps: OptOutDeps, optOut: OptOut): Promise<OptOutResult> {
  const customer = optOut.e164 ? await deps.customers.findByMobile(optOut.e164) : undefined;
  if (!customer || !optOut.e164) {
    deps.logger.info('opt-out from a number no customer has; acknowledged, nothing changed', { from: maskPhone(optOut.from), messageId: optOut.messageId });
    return { outcome: 'unknown-sender' };
  }
  const everyChannel = optOut.scope === 'all' || deps.stopUnsubscribesAllChannels;
  const channels: Channel[] = everyChannel ? customer.subscriptions.map((s) => s.channel) : customer.subscriptions.some((s) => s.channel === optOut.channel) ? [optOut.channel] : [];

  const key = optOutConfirmationKey(optOut.messageId);
  const logged = await deps.outbox.get(key);
  if (channels.length > 0 || logged?.state === 'queued') {
    const confirmation: NotificationMessage = {
      notificationId: key,
      channel: optOut.channel,
      // A reply to what the sender has just sent: it goes at once, whatever their subscriptions now say.
      event: 'auto-reply',
      jobId: null,
      customerId: customer.customerId,
      to: optOut.e164,
      text: optOutText(everyChannel ? 'all' : optOut.channel),
    };
    await deps.outbox.sendOne(confirmation, logged);
  }
  for (const channel of channels) await deps.customers.unsubscribe(customer.customerId, channel);
  deps.logger.info(channels.length > 0 ? 'opt-out: customer unsubscribed' : 'opt-out: customer was already unsubscribed', {
    customerId: customer.customerId,
    channels,
    from: maskPhone(optOut.from),
    messageId: optOut.messageId,
  });
  return { outcome: 'unsubscribed', customerId: customer.customerId, channels };
}
