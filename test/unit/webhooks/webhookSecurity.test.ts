import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { beforeEach, describe, expect, it } from 'vitest';
import { signVonageMessagesWebhook } from '../../../src/adapters/signatures/vonageMessagesSignature.js';
import { signVonageParams } from '../../../src/adapters/vonage/webhookSignature.js';
import { provideRelay } from '../../../src/processRelay.js';
import { type Relay } from '../../../src/compositionRoot.js';
import { loadConfig } from '../../../src/config.js';
import { recordInboundSms } from '../../../src/domain/feedback/recordReply.js';
import { recordDeliveryReceipt } from '../../../src/domain/notifications/deliveryReceipts.js';
import { vonageInboundSmsHandler } from '../../../src/functions/feedback/vonageInboundSms.js';
import { vonageMessagesInboundHandler } from '../../../src/functions/feedback/vonageMessagesInbound.js';
import { vonageDeliveryReceiptHandler } from '../../../src/functions/notifications/vonageDeliveryReceipt.js';
import { vonageMessagesStatusHandler } from '../../../src/functions/notifications/vonageMessagesStatus.js';
import type { FakeClock } from '../../kit/clock.js';
import { calendarOf } from '../../support/world.js';
import { API_KEY, closeJobIn, CUSTOMER_MSISDN, openedWorld, type WebhookWorld } from './helpers.js';

/*
 * Issue 26, finding 1: with a signature secret set, none of the four Vonage webhooks lets an
 * unsigned or wrongly signed request change anything: no unsubscribe, no feedback score or reward,
 * no delivery status, no auto-reply SMS.
 */

const SECRET = 'webhook-security-test-secret';
const BRAND = 'thanks';
const SATURDAY_NIGHT = new Date('2026-11-28T22:30:00.000Z');

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
type Signing = 'unsigned' | 'wrongly signed';

let world: WebhookWorld;

beforeEach(async () => {
  world = await openedWorld(undefined, BRAND);
  world.codes.add(BRAND, ['CODE2345', 'CODE6789']);
  await closeJobIn(world, 1);
  const relay: Partial<Relay> = {
    config: loadConfig({ VONAGE_API_KEY: API_KEY, VONAGE_SIGNATURE_SECRET: SECRET }),
    clock: world.clock,
    recordDeliveryReceipt: (receipt) => recordDeliveryReceipt(world.receiptDeps, receipt),
    recordInboundSms: (sms) => recordInboundSms(world.inboundDeps, sms),
  };
  provideRelay(async () => relay as Relay);
});

/** Everything a webhook could change, as one comparable string. */
function state(): string {
  return JSON.stringify({
    rows: world.transactions.rows,
    docs: [...world.documents.docs],
    entries: [...world.notificationLog.entries],
    deliveries: [...world.notificationLog.deliveries],
    replies: [...world.feedback.replies],
    customers: [...world.customers.rows],
    inbox: [...world.inbox.rows],
    queued: world.queue.messages,
    claims: world.codes.claims,
  });
}

async function call(handler: Handler, request: HttpRequest): Promise<number> {
  return new HttpResponse(await handler(request, new InvocationContext({ functionName: 'security' }))).status;
}

/** An SMS API webhook, form-encoded: without a signature, or signed with a secret that is not ours. */
function smsApiRequest(route: string, params: Record<string, string>, signing: Signing): HttpRequest {
  const body = signing === 'unsigned' ? params : signVonageParams(params, 'an-attackers-own-secret', world.clock.now().getTime() / 1000);
  return new HttpRequest({
    url: `http://localhost/api/webhooks/vonage/${route}`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: { string: new URLSearchParams(body).toString() },
  });
}

/** A Messages API webhook, JSON: without a JWT, or with one signed by a secret that is not ours. */
function messagesApiRequest(route: string, payload: Record<string, unknown>, signing: Signing): HttpRequest {
  const body = JSON.stringify(payload);
  const authorization: Record<string, string> =
    signing === 'unsigned' ? {} : { authorization: `Bearer ${signVonageMessagesWebhook(body, 'an-attackers-own-secret', world.clock.now().getTime() / 1000)}` };
  return new HttpRequest({
    url: `http://localhost/api/webhooks/vonage/messages/${route}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization },
    body: { string: body },
  });
}

const smsInbound = (text: string, msisdn = CUSTOMER_MSISDN) => ({
  msisdn,
  to: '447700900000',
  messageId: 'attack-in-1',
  text,
  type: 'text',
  keyword: text.split(' ')[0]!,
  'message-timestamp': '2026-11-23 10:00:00',
});

const messagesInbound = (text: string, from = CUSTOMER_MSISDN, channel = 'whatsapp') => ({
  message_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  from,
  to: '447700900999',
  channel,
  message_type: 'text',
  text,
  timestamp: '2026-11-23T10:00:00Z',
});

const cases: Array<[string, (signing: Signing) => [Handler, HttpRequest]]> = [
  ['an inbound SMS "stop" (would unsubscribe the customer)', (s) => [vonageInboundSmsHandler, smsApiRequest('inbound', smsInbound('stop'), s)]],
  ['an inbound SMS "1 awful" (would overwrite the score and claim and text a reward code)', (s) => [vonageInboundSmsHandler, smsApiRequest('inbound', smsInbound('1 awful'), s)]],
  [
    'a fake SMS API receipt "failed" for a delivered SMS (would mark it failed in the log, the document and job_trans)',
    (s) => [
      vonageDeliveryReceiptHandler,
      smsApiRequest('status', { msisdn: CUSTOMER_MSISDN, to: 'RepairRelay', messageId: 'vonage-1', status: 'failed', 'err-code': '1', 'api-key': API_KEY, 'client-ref': 'job-1-received', 'message-timestamp': '2026-11-23 09:10:11' }, s),
    ],
  ],
  ['a WhatsApp "STOP"', (s) => [vonageMessagesInboundHandler, messagesApiRequest('inbound', messagesInbound('STOP'), s)]],
  ['a WhatsApp "1 awful"', (s) => [vonageMessagesInboundHandler, messagesApiRequest('inbound', messagesInbound('1 awful'), s)]],
  [
    'a fake Messages API status "undeliverable"',
    (s) => [
      vonageMessagesStatusHandler,
      messagesApiRequest('status', { message_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', to: CUSTOMER_MSISDN, from: 'RepairRelay', channel: 'sms', status: 'undeliverable', client_ref: 'job-1-received', timestamp: '2026-11-23T09:10:11Z' }, s),
    ],
  ],
];

describe('with VONAGE_SIGNATURE_SECRET set, a webhook that is not signed with it is 401 and changes nothing', () => {
  describe.each<Signing>(['unsigned', 'wrongly signed'])('%s', (signing) => {
    it.each(cases)('%s', async (_what, build) => {
      const before = state();
      const [handler, request] = build(signing);
      expect(await call(handler, request)).toBe(401);
      expect(state()).toBe(before);
    });

    it.each([
      ['an SMS from a foreign mobile', () => [vonageInboundSmsHandler, smsApiRequest('inbound', smsInbound('hello', '12025550123'), signing)] as const],
      ['a WhatsApp message from a foreign mobile', () => [vonageMessagesInboundHandler, messagesApiRequest('inbound', messagesInbound('hello', '12025550123'), signing)] as const],
    ])('%s outside business hours gets no auto-reply SMS', async (_what, build) => {
      world.inboundDeps.calendar = calendarOf('Mon-Fri 09:00-17:00');
      (world.clock as FakeClock).advance(SATURDAY_NIGHT.getTime() - world.clock.now().getTime());
      const before = state();
      const [handler, request] = build();
      expect(await call(handler, request)).toBe(401);
      expect(state()).toBe(before);
      expect(await world.deliverDue()).toEqual([]);
    });
  });
});

describe('provider-supplied fields in log lines', () => {
  it('logs the channel and type of a message without text as JSON fields, so a line break cannot forge a log line', async () => {
    const lines: string[] = [];
    const context = new InvocationContext({ functionName: 'vonageMessagesInbound', logHandler: (_level, ...args) => lines.push(args.map(String).join(' ')) });
    const payload = { ...messagesInbound(''), message_type: 'image\n[error] forged', channel: 'whatsapp\r\nx', text: undefined };
    const body = JSON.stringify(payload);
    const request = new HttpRequest({
      url: 'http://localhost/api/webhooks/vonage/messages/inbound',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signVonageMessagesWebhook(body, SECRET, world.clock.now().getTime() / 1000)}` },
      body: { string: body },
    });
    expect(new HttpResponse(await vonageMessagesInboundHandler(request, context)).status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ channel: 'whatsapp\r\nx', messageType: 'image\n[error] forged', messageId: payload.message_uuid });
  });
});
