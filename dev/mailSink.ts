import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { redactAddresses } from '../src/adapters/email/smtpGateway.js';

/**
 * A local stand-in for a mail server: an in-process SMTP server (smtp-server) that accepts every
 * message, records it, and answers what a test scripts (4xx "try later", 5xx "no such mailbox",
 * or silence). `npm start` points SMTP_URL at it; the SMTP gateway talks to it as to any server.
 */
export interface SinkMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
  messageId: string | undefined;
  at: string;
}

/** `reply` answers the RCPT TO (default) or the end of DATA with this code; `hang` never answers the DATA. */
export type MailScriptedReply = { kind: 'reply'; code: number; message: string; at?: 'rcpt' | 'data' } | { kind: 'hang' };

export interface MailSinkOptions {
  /** When set, clients must log in with these; else authentication is optional (and anything passes). */
  credentials?: { user: string; pass: string };
  onMail?: (mail: SinkMail) => void;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export class MailSink {
  readonly received: SinkMail[] = [];
  private readonly script: MailScriptedReply[] = [];
  private readonly server: SMTPServer;

  constructor(private readonly options: MailSinkOptions = {}) {
    const credentials = options.credentials;
    this.server = new SMTPServer({
      // Plain SMTP on loopback: no certificate to trust, so no STARTTLS offered.
      disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !credentials,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) =>
        auth.username === credentials?.user && auth.password === credentials?.pass
          ? callback(null, { user: auth.username })
          : callback(smtpError(535, 'Authentication credentials invalid')),
      onRcptTo: (_address, session, callback) => {
        const next = this.script[0];
        if (next?.kind === 'reply' && (next.at ?? 'rcpt') === 'rcpt') {
          this.script.shift();
          return callback(smtpError(next.code, next.message));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        void text(stream).then((raw) => {
          const next = this.script.shift();
          if (next?.kind === 'hang') return;
          if (next?.kind === 'reply') return callback(smtpError(next.code, next.message));
          const mail = readMail(raw, session.envelope.mailFrom, session.envelope.rcptTo);
          this.received.push(mail);
          this.options.onMail?.(mail);
          callback();
        });
      },
    });
  }

  /** The next messages get these answers, in order, before normal service resumes. */
  enqueueReplies(...replies: MailScriptedReply[]): void {
    this.script.push(...replies);
  }

  /** Starts listening; resolves to an SMTP_URL for it (with the credentials, if any). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    const { port: bound } = this.server.server.address() as AddressInfo;
    const auth = this.options.credentials ? `${encodeURIComponent(this.options.credentials.user)}:${encodeURIComponent(this.options.credentials.pass)}@` : '';
    return `smtp://${auth}${host}:${bound}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  // Whitespace between two encoded words is not part of the text.
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_word, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

function decodeQuotedPrintable(data: string): string {
  const bytes = data.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeBody(body: string, transferEncoding: string | undefined): string {
  const encoding = transferEncoding?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The text/plain and text/html parts of a message, however nodemailer nested them. */
function parts(raw: string): Array<{ type: string; content: string }> {
  const { headers, body } = splitHeaders(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((part) => !part.startsWith('--'))
      .flatMap((part) => parts(part.replace(/^\r?\n/, '')));
  }
  return [{ type: type.split(';')[0]!.trim().toLowerCase(), content: decodeBody(body, headers.get('content-transfer-encoding')).replace(/\r?\n$/, '') }];
}

function readMail(raw: string, mailFrom: SMTPServerAddress | false, rcptTo: SMTPServerAddress[]): SinkMail {
  const { headers } = splitHeaders(raw);
  const found = parts(raw);
  return {
    from: mailFrom ? mailFrom.address : '',
    to: rcptTo.map((r) => r.address),
    subject: decodeWords(headers.get('subject') ?? ''),
    text: found.find((p) => p.type === 'text/plain')?.content ?? '',
    html: found.find((p) => p.type === 'text/html')?.content,
    messageId: headers.get('message-id'),
    at: new Date().toISOString(),
  };
}

export function describeSinkMail(mail: SinkMail): string {
  return `[mail sink] email to ${mail.to.map(redactAddresses).join(', ')}: ${redactAddresses(mail.subject)} | ${redactAddresses(mail.text).slice(0, 200)}`;
}
