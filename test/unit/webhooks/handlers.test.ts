import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { beforeEach, describe, expect, it } from 'vitest';
import { signVonageParams } from '../../../src/adapters/vonage/webhookSignature.js';
import { provideRelay } from '../../../src/processRelay.js';
import { type Relay } from '../../../src/compositionRoot.js';
import { loadConfig } from '../../../src/config.js';
import { recordDeliveryReceipt } from '../../../src/domain/notifications/deliveryReceipts.js';
import { recordInboundSms } from '../../../src/domain/feedback/recordReply.js';
import { vonageDeliveryReceiptHandler } from '../../../src/functions/notifications/vonageDeliveryReceipt.js';
import { vonageInboundSmsHandler } from '../../../src/functions/feedback/vonageInboundSms.js';
import { registrations } from '../../../dev/functionsCore.js';
import { API_KEY, closeJobIn, CUSTOMER_MSISDN, openedWorld, type WebhookWorld } from './helpers.js';

const SECRET = 'handler-test-signature-secret';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;
type Encoding = 'form' | 'json' | 'query';

interface Sent {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

/** Calls a handler the way the host does, with the library's own request and context. */
async function post(handler: Handler, route: string, params: Record<string, string>, encoding: Encoding = 'form', headers: Record<string, string> = {}): Promise<Sent> {
  const url = new URL(`http://localhost:7071/api/webhooks/vonage/${route}`);
  if (encoding === 'query') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const body = encoding === 'json' ? JSON.stringify(params) : encoding === 'form' ? new URLSearchParams(params).toString() : undefined;
  const request = new HttpRequest({
    url: url.toString(),
    method: 'POST',
    headers: {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      ...headers,
    },
    ...(body === undefined ? {} : { body: { string: body } }),
  });
  const init = await handler(request, new InvocationContext({ functionName: route }));
  const response = new HttpResponse(init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function signed(params: Record<string, string>, at = world.clock.now().getTime() / 1000, secret = SECRET): Record<string, string> {
  return signVonageParams(params, secret, at);
}

function receiptParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    msisdn: CUSTOMER_MSISDN,
    to: 'RepairRelay',
    'network-code': '23410',
    messageId: 'vonage-1',
    price: '0.03330000',
    status: 'delivered',
    scts: '2611230910',
    'err-code': '0',
    'api-key': API_KEY,
    'client-ref': 'job-1-received',
    'message-timestamp': '2026-11-23 09:10:11',
    ...overrides,
  };
}

function inboundParams(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    msisdn: CUSTOMER_MSISDN,
    to: '447700900000',
    messageId: 'in-1',
    text: '5 stars!',
    type: 'text',
    keyword: '5',
    'message-timestamp': '2026-11-23 10:00:00',
    ...overrides,
  };
}

function snapshot(world: WebhookWorld) {
  return JSON.stringify({
    rows: world.transactions.rows,
    docs: [...world.documents.docs],
    deliveries: [...world.notificationLog.deliveries],
    entries: [...world.notificationLog.entries],
    replies: [...world.feedback.replies],
  });
}

let world: WebhookWorld;

/** A relay over the fake world: webhooks signed with `secret`, or without one, unsigned allowed (a local host) or not. */
async function useRelay(secret: string | 'unsigned-allowed' | 'no-secret'): Promise<void> {
  const auth =
    secret === 'unsigned-allowed' ? { ALLOW_UNSIGNED_WEBHOOKS: 'true' } : secret === 'no-secret' ? {} : { VONAGE_SIGNATURE_SECRET: secret };
  const config = loadConfig({ VONAGE_API_KEY: API_KEY, ...auth }, { localHost: true });
  const relay: Partial<Relay> = {
    config,
    // Signatures are checked against the relay's clock, the fake one the receipts are signed at.
    clock: world.clock,
    recordDeliveryReceipt: (receipt) => recordDeliveryReceipt(world.receiptDeps, receipt),
    recordInboundSms: (sms) => recordInboundSms(world.inboundDeps, sms),
  };
  provideRelay(async () => relay as Relay);
}

beforeEach(async () => {
  world = await openedWorld();
  await closeJobIn(world, 1);
  await useRelay(SECRET);
});

describe('function registrations', () => {
  it.each([
    ['vonageDeliveryReceipt', 'webhooks/vonage/status'],
    ['vonageInboundSms', 'webhooks/vonage/inbound'],
  ])('registers %s as an anonymous POST on %s', (name, route) => {
    const trigger = Object.values(registrations.get(name)?.bindings ?? {}).find((b) => b.type === 'httpTrigger');
    expect(trigger).toMatchObject({ route, methods: ['POST'], authLevel: 'anonymous' });
  });
});

describe('POST /api/webhooks/vonage/status', () => {
  const send = (params: Record<string, string>, encoding?: Encoding, headers?: Record<string, string>) =>
    post(vonageDeliveryReceiptHandler, 'status', params, encoding, headers);

  it.each<Encoding>(['form', 'json', 'query'])('records a signed receipt sent as %s', async (encoding) => {
    const response = await send(signed(receiptParams()), encoding);
    expect(response).toMatchObject({ status: 200, body: { messageId: 'vonage-1', status: 'recorded' } });
    expect(world.notificationLog.deliveries.get('job-1-received')?.status).toBe('delivered');
    expect(world.transactions.rows.filter((r) => r.eventKey === 'dlr-vonage-1-delivered')).toHaveLength(1);
  });

  it('ignores a receipt for another Vonage account even when its client-ref looks like ours, and writes nothing', async () => {
    const before = snapshot(world);
    const response = await send(signed(receiptParams({ messageId: 'x-1', status: 'failed', 'api-key': 'staging' })));
    expect(response).toMatchObject({ status: 200, body: { messageId: 'x-1', status: 'other-account' } });
    expect(snapshot(world)).toBe(before);
  });

  it('takes parameters from the query string and the body together', async () => {
    const params = signed(receiptParams());
    const { sig, timestamp, nonce, ...rest } = params;
    const url = `http://localhost/api/webhooks/vonage/status?sig=${sig}&timestamp=${timestamp}&nonce=${nonce}`;
    const request = new HttpRequest({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { string: new URLSearchParams(rest).toString() },
    });
    const init = await vonageDeliveryReceiptHandler(request, new InvocationContext());
    expect(init.status ?? 200).toBe(200);
    expect(world.notificationLog.deliveries.get('job-1-received')?.status).toBe('delivered');
  });

  it('writes nothing more for a repeated receipt', async () => {
    const params = signed(receiptParams());
    await send(params);
    const before = snapshot(world);
    expect(await send(params)).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(snapshot(world)).toBe(before);
  });

  it('answers 200 for a receipt about a message it never sent, and writes nothing', async () => {
    const before = snapshot(world);
    const response = await send(signed(receiptParams({ messageId: 'not-ours', 'client-ref': 'job-404-received' })));
    expect(response).toMatchObject({ status: 200, body: { status: 'unknown-message' } });
    expect(snapshot(world)).toBe(before);
  });

  it.each([
    [{ status: 'lost' }, 'status: must be one of'],
    [{ messageId: '' }, 'messageId'],
  ])('refuses a receipt whose required %o is malformed with 400 and writes nothing', async (overrides, detail) => {
    const before = snapshot(world);
    const response = await send(signed(receiptParams(overrides)));
    expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { status: 400, detail: expect.stringContaining(detail) } });
    expect(snapshot(world)).toBe(before);
  });

  it.each([[{ 'err-code': 'six' }], [{ 'message-timestamp': '23/11/2026' }], [{ 'message-timestamp': '2026-11-23T09:10:11Z' }], [{ price: '-1' }]])(
    'records a receipt whose optional %o is malformed, ignoring that parameter (Vonage would retry a 400 for a day)',
    async (overrides) => {
      const response = await send(signed(receiptParams(overrides)));
      expect(response).toMatchObject({ status: 200, body: { status: 'recorded' } });
    },
  );

  it('refuses a receipt without messageId or status with 400', async () => {
    const { messageId: _id, status: _status, ...rest } = receiptParams();
    const response = await send(signed(rest));
    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/messageId.*status|status.*messageId/);
  });

  it('refuses a body that is neither form nor JSON', async () => {
    expect(await send(signed(receiptParams()), 'form', { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    expect(await send(signed(receiptParams()), 'form', { 'content-type': 'application/json' })).toMatchObject({
      status: 400,
      body: { detail: 'body is not valid JSON' },
    });
  });

  it('refuses a parameter given twice (query and body) with 400', async () => {
    const params = signed(receiptParams());
    const request = new HttpRequest({
      url: 'http://localhost/api/webhooks/vonage/status?status=failed',
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { string: new URLSearchParams(params).toString() },
    });
    const init = await vonageDeliveryReceiptHandler(request, new InvocationContext());
    expect(init.status).toBe(400);
    expect(String(init.body)).toContain('status is given more than once');
  });

  it.each([
    ['unsigned', () => receiptParams(), 'not signed'],
    ['wrongly signed', () => signed(receiptParams(), world.clock.now().getTime() / 1000, 'not-the-secret'), 'does not match'],
    ['tampered with after signing', () => ({ ...signed(receiptParams()), status: 'failed' }), 'does not match'],
    ['replayed (10 minutes old)', () => signed(receiptParams(), world.clock.now().getTime() / 1000 - 600), 'more than 300 s'],
  ])('refuses a %s receipt with 401 problem+json and writes nothing', async (_case, params, detail) => {
    const before = snapshot(world);
    const response = await send(params());
    expect(response).toMatchObject({ status: 401, contentType: 'application/problem+json', body: { status: 401, detail: expect.stringContaining(detail) } });
    expect(snapshot(world)).toBe(before);
  });

  it('accepts unsigned receipts on a local host that allows them (ALLOW_UNSIGNED_WEBHOOKS=true, no secret)', async () => {
    await useRelay('unsigned-allowed');
    expect(await send(receiptParams())).toMatchObject({ status: 200, body: { status: 'recorded' } });
  });

  it('fails closed without a secret when unsigned webhooks are not allowed: 503 and nothing written', async () => {
    await useRelay('no-secret');
    const before = snapshot(world);
    expect(await send(receiptParams({ status: 'failed', 'err-code': '1' }))).toMatchObject({ status: 503, contentType: 'application/problem+json' });
    expect(snapshot(world)).toBe(before);
  });
});

describe('POST /api/webhooks/vonage/inbound', () => {
  const send = (params: Record<string, string>, encoding?: Encoding) => post(vonageInboundSmsHandler, 'inbound', params, encoding);

  it.each<Encoding>(['form', 'json', 'query'])('stores a signed reply sent as %s', async (encoding) => {
    const response = await send(signed(inboundParams()), encoding);
    expect(response).toMatchObject({ status: 200, body: { messageId: 'in-1', status: 'recorded' } });
    expect(await world.feedback.get('in-1')).toMatchObject({ jobId: 1, score: 5, text: '5 stars!' });
    expect(world.documents.docs.get('1')?.feedback).toMatchObject({ score: 5, text: '5 stars!' });
  });

  it('changes nothing for a repeated reply', async () => {
    await send(signed(inboundParams()));
    const before = snapshot(world);
    expect(await send(signed(inboundParams({ text: '1' })))).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(snapshot(world)).toBe(before);
  });

  it('answers 200 for a reply from a number it sent no feedback SMS to, and stores nothing', async () => {
    const before = snapshot(world);
    expect(await send(signed(inboundParams({ msisdn: '447700900123', messageId: 'in-2' })))).toMatchObject({ status: 200, body: { status: 'kept' } });
    expect(snapshot(world)).toBe(before);
  });

  it('records a reply whose optional message-timestamp is malformed, ignoring it', async () => {
    const response = await send(signed(inboundParams({ 'message-timestamp': 'yesterday' })));
    expect(response).toMatchObject({ status: 200, body: { status: 'recorded' } });
  });

  it.each([
    [{ msisdn: '' }, 'msisdn'],
    [{ messageId: 'has spaces in it' }, 'messageId'],
  ])('refuses a reply whose required %o is malformed with 400 and stores nothing', async (overrides, detail) => {
    const before = snapshot(world);
    const response = await send(signed(inboundParams(overrides)));
    expect(response).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { detail: expect.stringContaining(detail) } });
    expect(snapshot(world)).toBe(before);
  });

  it.each([
    ['unsigned', () => inboundParams(), 'not signed'],
    ['wrongly signed', () => signed(inboundParams(), world.clock.now().getTime() / 1000, 'not-the-secret'), 'does not match'],
    ['with its text changed after signing', () => ({ ...signed(inboundParams()), text: '1' }), 'does not match'],
    ['replayed (10 minutes old)', () => signed(inboundParams(), world.clock.now().getTime() / 1000 - 600), 'more than 300 s'],
  ])('refuses a reply %s with 401 problem+json and stores nothing', async (_case, params, detail) => {
    const before = snapshot(world);
    const response = await send(params());
    expect(response).toMatchObject({ status: 401, contentType: 'application/problem+json', body: { status: 401, detail: expect.stringContaining(detail) } });
    expect(snapshot(world)).toBe(before);
  });

  it('accepts unsigned replies on a local host that allows them (ALLOW_UNSIGNED_WEBHOOKS=true, no secret)', async () => {
    await useRelay('unsigned-allowed');
    expect(await send(inboundParams())).toMatchObject({ status: 200, body: { status: 'recorded' } });
  });

  it('fails closed without a secret when unsigned webhooks are not allowed: 503 and nothing stored', async () => {
    await useRelay('no-secret');
    const before = snapshot(world);
    expect(await send(inboundParams({ text: '1 awful' }))).toMatchObject({ status: 503, contentType: 'application/problem+json' });
    expect(snapshot(world)).toBe(before);
  });

  it('answers 503 problem+json when the relay cannot be built, without leaking why', async () => {
    const { ConfigError } = await import('../../../src/config.js');
    provideRelay(async () => {
      throw new ConfigError('Missing setting COSMOS_ENDPOINT');
    });
    const response = await send(inboundParams());
    expect(response).toMatchObject({ status: 503, contentType: 'application/problem+json' });
    expect(JSON.stringify(response.body)).not.toContain('COSMOS');
  });
});
