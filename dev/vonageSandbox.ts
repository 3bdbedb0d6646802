import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { maskPhone } from '../src/domain/shared/phone.js';
import type { Result } from '../src/domain/shared/result.js';

/**
 * A local stand-in for the Vonage SMS API (`POST /sms/json`) that answers the way Vonage does:
 * HTTP 200 with a per-message `status` ("0" accepted, "1" throttled, "4" bad credentials, ...),
 * HTTP 429 past the account's throughput, and whatever failures a test scripts. The real
 * Vonage adapter talks to it through `restHost`; `npm start` uses it as the SMS sandbox.
 * It also stands in for the Messages API (`POST /v1/messages`, through `apiHost`): a JWT signed
 * with the application's private key or basic auth, 202 with a message_uuid, 429 past the
 * throughput, 422 for a bad number, and its own scripted failures.
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

/** A Messages API send the sandbox accepted. */
export interface SandboxMessage {
  messageUuid: string;
  channel: 'sms' | 'whatsapp';
  to: string;
  from: string;
  text: string;
  clientRef?: string;
  /** How the request authenticated. */
  auth: 'jwt' | 'basic';
  at: string;
}

export type ScriptedReply = { kind: 'status'; status: string; errorText: string } | { kind: 'http'; status: number } | { kind: 'hang' };
/** The Messages API has no per-message status: an HTTP answer or silence. */
export type MessagesScriptedReply = Exclude<ScriptedReply, { kind: 'status' }>;

/**
 * A failure the sandbox can be told to answer with, as Vonage would: `throttle` (SMS API status 1,
 * Messages API 429), `unauthorized` (SMS API status 4, Messages API 401) or `outage` (HTTP 500).
 */
export const SANDBOX_FAILURES = ['throttle', 'unauthorized', 'outage'] as const;
export type SandboxFailure = (typeof SANDBOX_FAILURES)[number];
/** Answer `failure` to every `every`th request of one API (1: every request). */
export interface SandboxFailureRule {
  failure: SandboxFailure;
  every: number;
}
export interface SandboxFailures {
  sms?: SandboxFailureRule;
  messages?: SandboxFailureRule;
}

/**
 * `SANDBOX_FAIL` of the local host (docs/local.md): comma-separated `<api>=<failure>[/<every>]`,
 * e.g. `sms=throttle/3,messages=unauthorized`: every 3rd SMS API request throttled, every
 * Messages API request refused with 401, so failover can be watched with `npm start`.
 */
export function parseSandboxFailures(value: string): Result<{ failures: SandboxFailures }> {
  const failures: SandboxFailures = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^(sms|messages)=([a-z]+)(?:\/(\d{1,6}))?$/.exec(part);
    const failure = SANDBOX_FAILURES.find((known) => known === match?.[2]);
    const every = Number(match?.[3] ?? '1');
    if (!match || !failure || every < 1) {
      return { ok: false, detail: `SANDBOX_FAIL: "${part}" is not <api>=<failure>[/<every>] with api sms or messages, failure ${SANDBOX_FAILURES.join(', ')} and every a whole number from 1` };
    }
    failures[match[1] as keyof SandboxFailures] = { failure, every };
  }
  return { ok: true, failures };
}

export interface VonageSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Messages per second before Vonage answers status 1 (its default account throughput is 30). */
  messagesPerSecond?: number;
  /** Also answer status 1 to every Nth request (throttling benchmarks and tests). */
  throttleEvery?: number;
  /** The SMS API is down: every `/sms/json` request is answered HTTP 500 (the Messages API still works), so sends fail over. */
  smsDown?: boolean;
  /** Failures to answer with on either API (SANDBOX_FAIL); `smsDown` is `sms` failing with `outage` every time. */
  failures?: SandboxFailures;
  onSms?: (sms: SandboxSms) => void;
  /** The Vonage application the Messages API takes JWTs from: its id and private key (the sandbox derives the public key). */
  application?: { applicationId: string; privateKey: string };
  onMessage?: (message: SandboxMessage) => void;
}

/** Requests counted in the current one-second window of an endpoint, for its throughput limit. */
interface RateWindow {
  start: number;
  count: number;
}

export class VonageSandbox {
  readonly sent: SandboxSms[] = [];
  /** Every request that reached the SMS endpoint, whatever the answer. */
  requests = 0;
  /** Messages API sends accepted, in order. */
  readonly messages: SandboxMessage[] = [];
  /** Every request that reached the Messages endpoint, whatever the answer. */
  messagesRequests = 0;
  private readonly script: ScriptedReply[] = [];
  private readonly messagesScript: MessagesScriptedReply[] = [];
  private readonly server: http.Server;
  private readonly smsWindow: RateWindow = { start: 0, count: 0 };
  private readonly messagesWindow: RateWindow = { start: 0, count: 0 };
  private readonly applicationKey: KeyObject | undefined;

  private readonly failures: SandboxFailures;

  constructor(private readonly options: VonageSandboxOptions) {
    this.failures = { ...options.failures, ...(options.smsDown ? { sms: { failure: 'outage', every: 1 } } : {}) };
    this.applicationKey = options.application && createPublicKey(options.application.privateKey);
    this.server = http.createServer((req, res) => void this.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error))));
  }

  /** The next SMS API requests get these replies, in order, before normal service resumes. */
  enqueueReplies(...replies: ScriptedReply[]): void {
    this.script.push(...replies);
  }

  /** The next Messages API requests get these replies (5xx, 429, silence...), in order. */
  enqueueMessagesReplies(...replies: MessagesScriptedReply[]): void {
    this.messagesScript.push(...replies);
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
    if (req.method === 'POST' && url.pathname === '/v1/messages') return this.handleMessage(req, res);
    if (req.method !== 'POST' || url.pathname !== '/sms/json') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"title":"Not Found"}');
    const params = parseParams(req.headers['content-type'] ?? '', await text(req));
    this.requests += 1;
    const to = String(params.to ?? '');
    const reply: ScriptedReply | undefined = this.failing('sms', this.requests) ?? this.script.shift();
    if (reply?.kind === 'hang') return;
    if (reply?.kind === 'http') {
      return void res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'https://developer.vonage.com/api-errors', title: http.STATUS_CODES[reply.status] }));
    }
    if (reply?.kind === 'status') return this.answer(res, { status: reply.status, 'error-text': reply.errorText });
    if (!this.authorised(req, params)) return this.answer(res, { status: '4', 'error-text': 'Bad Credentials' });
    if (!params.from || !params.text || !/^\d{7,15}$/.test(to)) return this.answer(res, { status: '2', 'error-text': 'Missing or invalid to, from or text' });
    if (this.throttled(this.smsWindow, this.requests)) return this.answer(res, { status: '1', 'error-text': 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' });
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

  private async handleMessage(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await text(req);
    this.messagesRequests += 1;
    const reply = this.failing('messages', this.messagesRequests) ?? this.messagesScript.shift();
    if (reply?.kind === 'hang') return;
    if (reply?.kind === 'http') return problemAnswer(res, reply.status, http.STATUS_CODES[reply.status] ?? 'Error');
    const auth = this.messagesAuth(req.headers.authorization ?? '');
    if (!auth) return problemAnswer(res, 401, 'Unauthorized', 'You did not provide correct credentials.');
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return problemAnswer(res, 400, 'Bad Request', 'The request body is not JSON.');
    }
    const { channel, message_type: messageType, to, from, text: messageText, client_ref: clientRef } = params;
    if ((channel !== 'sms' && channel !== 'whatsapp') || messageType !== 'text' || typeof from !== 'string' || typeof messageText !== 'string' || !messageText) {
      return problemAnswer(res, 422, 'Invalid params', 'The value of one or more parameters is invalid.');
    }
    if (typeof to !== 'string' || !/^[1-9]\d{6,14}$/.test(to)) return problemAnswer(res, 422, 'Invalid params', 'The value of the `to` parameter is invalid.');
    if (this.throttled(this.messagesWindow, this.messagesRequests)) return problemAnswer(res, 429, 'Rate Limit Hit', 'Please wait, then retry your request');
    const message: SandboxMessage = {
      messageUuid: randomUUID(),
      channel,
      to,
      from,
      text: messageText,
      ...(typeof clientRef === 'string' ? { clientRef } : {}),
      auth,
      at: new Date().toISOString(),
    };
    this.messages.push(message);
    this.options.onMessage?.(message);
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ message_uuid: message.messageUuid }));
  }

  /** The answer of a failure this request is told to meet (`failures`), as the API would give it. */
  private failing(api: 'sms', request: number): ScriptedReply | undefined;
  private failing(api: 'messages', request: number): MessagesScriptedReply | undefined;
  private failing(api: keyof SandboxFailures, request: number): ScriptedReply | undefined {
    const rule = this.failures[api];
    if (!rule || request % rule.every !== 0) return undefined;
    if (rule.failure === 'outage') return { kind: 'http', status: 500 };
    if (api === 'messages') return { kind: 'http', status: rule.failure === 'throttle' ? 429 : 401 };
    return rule.failure === 'throttle'
      ? { kind: 'status', status: '1', errorText: 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' }
      : { kind: 'status', status: '4', errorText: 'Bad Credentials' };
  }

  /** A Bearer JWT (RS256) signed with the application's private key and naming it, or the account's basic auth. */
  private messagesAuth(authorization: string): SandboxMessage['auth'] | undefined {
    const bearer = /^Bearer (.+)$/.exec(authorization)?.[1];
    if (bearer) return this.validJwt(bearer) ? 'jwt' : undefined;
    const basic = /^Basic (.+)$/.exec(authorization)?.[1];
    if (!basic) return undefined;
    const [key, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return key === this.options.apiKey && secret === this.options.apiSecret ? 'basic' : undefined;
  }

  private validJwt(token: string): boolean {
    const [header, payload, signature] = token.split('.');
    if (!this.applicationKey || !header || !payload || !signature) return false;
    const alg = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
    if (alg !== 'RS256' || !verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), this.applicationKey, Buffer.from(signature, 'base64url'))) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { application_id?: string; exp?: number };
    return claims.application_id === this.options.application?.applicationId && (claims.exp === undefined || claims.exp > Date.now() / 1000);
  }

  private authorised(req: http.IncomingMessage, params: Record<string, unknown>): boolean {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [key, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':')
      : [String(params.api_key ?? ''), String(params.api_secret ?? '')];
    return key === this.options.apiKey && secret === this.options.apiSecret;
  }

  /**
   * Vonage throttles past the account's throughput (30 messages a second by default): status 1
   * on the SMS API, HTTP 429 on the Messages API. `throttleEvery` adds every Nth request.
   */
  private throttled(window: RateWindow, requests: number): boolean {
    if (this.options.throttleEvery && requests % this.options.throttleEvery === 0) return true;
    const now = Date.now();
    if (now - window.start >= 1000) [window.start, window.count] = [now, 0];
    return ++window.count > (this.options.messagesPerSecond ?? 30);
  }
}

/** The Messages API's problem+json errors. */
function problemAnswer(res: http.ServerResponse, status: number, title: string, detail = title): void {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: `https://developer.vonage.com/api-errors#${status}`, title, detail }));
}

function parseParams(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  return Object.fromEntries(new URLSearchParams(body));
}

export function describeSandboxSms(sms: SandboxSms): string {
  return `[sms sandbox] to ${maskPhone(sms.to)} from ${sms.from}: ${sms.text}`;
}

export function describeSandboxMessage(message: SandboxMessage): string {
  return `[messages sandbox] ${message.channel} to ${maskPhone(message.to)} from ${message.channel === 'whatsapp' ? maskPhone(message.from) : message.from}: ${message.text}`;
}
