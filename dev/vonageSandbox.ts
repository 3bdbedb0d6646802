import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { maskPhone } from '../src/domain/shared/phone.js';

/**
 * A local stand-in for the Vonage SMS API (`POST /sms/json`) that answers the way Vonage does:
 * HTTP 200 with a per-message `status` ("0" accepted, "1" throttled, "4" bad credentials, ...),
 * HTTP 429 past the account's throughput, and whatever failures a test scripts. The real
 * Vonage adapter talks to it through `restHost`; `npm start` uses it as the SMS sandbox.
 */
export interface SandboxSms {
  messageId: string;
  to: string;
  from: string;
  text: string;
  clientRef?: string;
  price: string;
  at: string;
}

export type ScriptedReply = { kind: 'status'; status: string; errorText: string } | { kind: 'http'; status: number } | { kind: 'hang' };

export interface VonageSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Messages per second before Vonage answers status 1 (its default account throughput is 30). */
  messagesPerSecond?: number;
  /** Also answer status 1 to every Nth request (throttling benchmarks and tests). */
  throttleEvery?: number;
  onSms?: (sms: SandboxSms) => void;
}

export class VonageSandbox {
  readonly sent: SandboxSms[] = [];
  /** Every request that reached the SMS endpoint, whatever the answer. */
  requests = 0;
  private readonly script: ScriptedReply[] = [];
  private readonly server: http.Server;
  private windowStart = 0;
  private inWindow = 0;

  constructor(private readonly options: VonageSandboxOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error))));
  }

  /** The next requests get these replies, in order, before normal service resumes. */
  enqueueReplies(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (req.method !== 'POST' || url.pathname !== '/sms/json') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"title":"Not Found"}');
    const params = parseParams(req.headers['content-type'] ?? '', await text(req));
    this.requests += 1;
    const to = String(params.to ?? '');
    const reply = this.script.shift();
    if (reply?.kind === 'hang') return;
    if (reply?.kind === 'http') {
      return void res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'https://developer.vonage.com/api-errors', title: http.STATUS_CODES[reply.status] }));
    }
    if (reply?.kind === 'status') return this.answer(res, { status: reply.status, 'error-text': reply.errorText });
    if (!this.authorised(req, params)) return this.answer(res, { status: '4', 'error-text': 'Bad Credentials' });
    if (!params.from || !params.text || !/^\d{7,15}$/.test(to)) return this.answer(res, { status: '2', 'error-text': 'Missing or invalid to, from or text' });
    if (this.throttled()) return this.answer(res, { status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' });
    const sms: SandboxSms = {
      messageId: randomBytes(8).toString('hex').toUpperCase(),
      to,
      from: String(params.from),
      text: String(params.text),
      ...(params['client-ref'] ? { clientRef: String(params['client-ref']) } : {}),
      price: '0.03330000',
      at: new Date().toISOString(),
    };
    this.sent.push(sms);
    this.options.onSms?.(sms);
    const accepted = { to, 'message-id': sms.messageId, status: '0', 'remaining-balance': '10.00000000', 'message-price': sms.price, network: '23410' };
    return this.answer(res, { ...accepted, ...(sms.clientRef ? { 'client-ref': sms.clientRef } : {}) });
  }

  private answer(res: http.ServerResponse, message: Record<string, string>): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ 'message-count': '1', messages: [message] }));
  }

  private authorised(req: http.IncomingMessage, params: Record<string, unknown>): boolean {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [key, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':')
      : [String(params.api_key ?? ''), String(params.api_secret ?? '')];
    return key === this.options.apiKey && secret === this.options.apiSecret;
  }

  /** Vonage answers status 1 past the account's throughput (30 messages a second by default); `throttleEvery` adds every Nth request. */
  private throttled(): boolean {
    if (this.options.throttleEvery && this.requests % this.options.throttleEvery === 0) return true;
    const now = Date.now();
    if (now - this.windowStart >= 1000) [this.windowStart, this.inWindow] = [now, 0];
    return ++this.inWindow > (this.options.messagesPerSecond ?? 30);
  }
}

function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(body));
}

export function describeSandboxSms(sms: SandboxSms): string {
  return `[sms sandbox] to ${maskPhone(sms.to)} from ${sms.from}: ${sms.text}`;
}
