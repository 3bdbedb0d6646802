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
/** Failures without an SMTP reply that are the message's: nodemailer could not build its envelope or content. */
const MESSAGE_ERROR_CODES = new Set(['EENVELOPE', 'EMESSAGE']);
/**
 * SMTP replies that are the server's or our account's, not the message's: the server does not
 * understand our commands (500-504), or refuses our credentials or wants them (530, 534, 535, 538).
 */
const GATEWAY_REPLY_CODES = new Set([500, 501, 502, 503, 504, 530, 534, 535, 538]);

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
    const errorCode = `smtp-${responseCode}`;
    // 4xx is "try again later" in SMTP (greylisting, mailbox busy, server shutting down); other 5xx are the message's (550 no such mailbox, 553 bad address, 554 content refused).
    if (responseCode >= 400 && responseCode < 500) return { outcome: 'retryable', reason: 'unavailable', errorCode, detail };
    if (GATEWAY_REPLY_CODES.has(responseCode)) return { outcome: 'gateway-fault', errorCode, detail };
    return { outcome: 'rejected', errorCode, detail };
  }
  const errorCode = typeof code === 'string' ? code : 'unknown';
  if (TRANSIENT_ERROR_CODES.has(errorCode)) return { outcome: 'retryable', reason: 'unavailable', errorCode: `smtp-${errorCode}`, detail };
  if (MESSAGE_ERROR_CODES.has(errorCode)) return { outcome: 'rejected', errorCode: `smtp-${errorCode}`, detail };
  // EAUTH and ENOAUTH (credentials refused or missing), or anything nodemailer adds: not the message's fault.
  return { outcome: 'gateway-fault', errorCode: `smtp-${errorCode}`, detail };
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
      return { outcome: 'gateway-fault', errorCode: 'unsupported-channel', detail: `SMTP cannot carry ${request.channel}` };
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
