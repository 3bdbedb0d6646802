export const INBOX_STATUSES = ['pending', 'handled'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** The channels customers write to us on. */
export type InboundChannel = 'sms' | 'whatsapp';

/** A customer's message that is not a reply to a feedback request, kept for staff (DESIGN.md, Contact windows). */
export interface InboxMessage {
  /** The provider's id of the inbound message: the same message delivered twice is kept once. */
  messageId: string;
  channel: InboundChannel;
  /** The sender: E.164 when it is a usable number, else as the provider gave it. */
  from: string;
  /** The customer with that mobile, if any. */
  customerId: number | null;
  /** The job it is about: the job whose feedback request it answered without a score; null when it answered none. */
  jobId: number | null;
  text: string;
  receivedAt: Date;
  status: InboxStatus;
  /** When staff marked it handled; null while pending. */
  handledAt: Date | null;
  /** The notification key of the after-hours auto-reply it got (or would share with the customer's earlier message); null when it arrived in business hours. */
  autoReplyKey: string | null;
}

/** The ledger's `inbox_messages` table. */
export interface Inbox {
  /** Keeps the message unless one with its id is kept already; returns the stored one (the first wins). */
  keep(message: Omit<InboxMessage, 'status' | 'handledAt'>): Promise<InboxMessage>;
  /** Oldest first for `pending` (the work still to do), newest first for `handled`; at most `limit`. */
  list(status: InboxStatus, limit: number): Promise<InboxMessage[]>;
  /** Sets the status (and the handled time, or clears it); undefined for an unknown id. A repeat changes nothing. */
  setStatus(messageId: string, status: InboxStatus, at: Date): Promise<InboxMessage | undefined>;
}
