import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { GatewaySendResult, NotificationGateway, NotificationRequest } from '../../domain/channels/ports.js';

export interface SmtpSettings {
  /** `smtp://user:pass@host:port` or `smtps://...` (SMTP_URL). */
  url: string;
  /** The sender, `address` or `Name <address>` (EMAIL_FROM). */
  from: string;
  /** Connection, greeting and socket timeout. */
  timeoutMs?: number;
  maxConnections?: number;
}

/** Failures without an SMTP reply that a later attempt can get past: the server was unreachable, slow or cut the connection. */
const TRANSIENT_ERROR_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS']);

const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Server replies and nodemailer messages quote addresses ("550 5.1.1 <x@y>: unknown user"); the log never holds one. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<address>');
}

/** The domain part of the sender, for Message-IDs. */
function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf('@') + 1).trim() || 'repair-relay.invalid';
}

/**
 * The Message-ID of a notification: the same every time it is sent, so a receiver (or a mail
 * system that de-duplicates) sees a retried send as the same message.
 */
export function notificationMessageId(clientRef: string, from: string): string {
  const id = SAFE_ID.test(clientRef) ? clientRef : createHash('sha256').update(clientRef).digest('hex');
  return `<notification.${id}@${senderDomain(from)}>`;
}

function classify(error: unknown): Exclude<GatewaySendResult, { outcome: 'accepted' }> {
  const { responseCode, code, message } = (error ?? {}) as { responseCode?: unknown; code?: unknown; message?: unknown };
  const detail = redactAddresses(String(message ?? error)).slice(0, 200);
  if (typeof responseCode === 'number') {
    // 4xx is "try again later" in SMTP (greylisting, mailbox busy, server shutting down); 5xx is final (550 no such mailbox, 553 bad address).
    if (responseCode >= 400 && responseCode < 500) return { outcome: 'retryable', reason: 'unavailable', errorCode: `smtp-${responseCode}`, detail };
    return { outcome: 'rejected', errorCode: `smtp-${responseCode}`, detail };
  }
  const errorCode = typeof code === 'string' ? code : 'unknown';
  if (TRANSIENT_ERROR_CODES.has(errorCode)) return { outcome: 'retryable', reason: 'unavailable', errorCode: `smtp-${errorCode}`, detail };
  return { outcome: 'rejected', errorCode: `smtp-${errorCode}`, detail };
}

/** Email over SMTP with a pooled nodemailer transport: the `email` channel's `smtp` gateway. */
export class SmtpGateway implements NotificationGateway {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly settings: SmtpSettings) {
    const timeout = settings.timeoutMs ?? 15_000;
    this.transport = nodemailer.createTransport({
      url: settings.url,
      pool: true,
      maxConnections: settings.maxConnections ?? 5,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  async send(request: NotificationRequest): Promise<GatewaySendResult> {
    if (request.channel !== 'email') {
      return { outcome: 'rejected', errorCode: 'unsupported-channel', detail: `SMTP cannot carry ${request.channel}` };
    }
    const messageId = notificationMessageId(request.clientRef, this.settings.from);
    try {
      const info = (await this.transport.sendMail({
        from: this.settings.from,
        to: request.to,
        subject: request.subject ?? '',
        text: request.text,
        ...(request.html === undefined ? {} : { html: request.html }),
        messageId,
      })) as { messageId?: string };
      return { outcome: 'accepted', providerMessageId: info.messageId ?? messageId };
    } catch (error) {
      return classify(error);
    }
  }

  /** Closes the pooled connections. */
  close(): void {
    this.transport.close();
  }
}
