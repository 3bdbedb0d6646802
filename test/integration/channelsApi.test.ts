import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { callHttpFunction } from '../support/http.js';
import { clientStatus, insertClientJobs } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/channels/addChannelGateway.js';
import '../../src/functions/channels/listChannels.js';
import '../../src/functions/channels/updateChannelGateway.js';

const list = () => callHttpFunction('listChannels', 'GET');
const add = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  callHttpFunction('addChannelGateway', 'POST', { params: { channel }, body: typeof body === 'string' ? body : JSON.stringify(body), headers });
const patch = (channel: string, gateway: string, body: unknown) =>
  callHttpFunction('updateChannelGateway', 'PATCH', { params: { channel, gateway }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** The channels API through its function files, over the composition root's relay and real MariaDB. */
describe('channels API', () => {
  let stack: RealStack;
  let relay: Relay;

  const rows = async () => {
    const [found] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT channel, gateway, priority, enabled, updated_at FROM notification_gateways ORDER BY channel, gateway');
    return found.map((row) => ({ ...row }));
  };

  beforeAll(async () => {
    // SMTP is configured (no connection is made until an email is sent); WhatsApp has no number, so no WhatsApp sender.
    stack = await startRealStack({ SMTP_URL: 'smtp://127.0.0.1:9', EMAIL_FROM: 'notify@repair-relay.example' });
    ({ relay } = stack);
  });
  beforeEach(async () => {
    provideRelay(async () => relay);
  });
  afterAll(async () => stack?.stop());

  it('seeds the configured gateways at start-up and lists every channel with them in priority order', async () => {
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      channels: [
        {
          channel: 'sms',
          gateways: [
            { gateway: 'vonage-sms', priority: 1, enabled: true, configured: true, healthy: true, problem: null },
            { gateway: 'vonage-messages', priority: 2, enabled: true, configured: true, healthy: true, problem: null },
          ],
        },
        // No VONAGE_WHATSAPP_NUMBER: the Messages API has no WhatsApp sender, so nothing was seeded.
        { channel: 'whatsapp', gateways: [] },
        { channel: 'email', gateways: [{ gateway: 'smtp', priority: 1, enabled: true, configured: true, healthy: true, problem: null }] },
      ],
    });
    expect(JSON.stringify(response.body)).not.toMatch(/secret|smtp:\/\//);
  });

  it('adds a gateway (201), then refuses the same pair (409) and changes nothing', async () => {
    const created = await add('whatsapp', { gateway: 'vonage-messages', priority: 5 });
    expect(created).toMatchObject({ status: 201, body: { channel: 'whatsapp', gateway: 'vonage-messages', priority: 5, enabled: true, configured: false } });
    const before = await rows();
    const again = await add('whatsapp', { gateway: 'vonage-messages', priority: 1 });
    expect(again.status).toBe(409);
    expect(again.contentType).toBe('application/problem+json');
    expect(again.body.detail).toMatch(/already has gateway vonage-messages \(priority 5\)/);
    expect(await rows()).toEqual(before);
  });

  it.each([
    ['an unknown channel', 'fax', { gateway: 'smtp', priority: 1 }, 404, /channel "fax" does not exist; channels are sms, whatsapp, email/],
    ['a gateway that cannot carry the channel', 'email', { gateway: 'vonage-sms', priority: 1 }, 422, /vonage-sms cannot carry email; it carries sms/],
    ['an unknown gateway', 'sms', { gateway: 'twilio', priority: 1 }, 400, /gateway: must be one of vonage-sms, vonage-messages, smtp/],
    ['no gateway', 'sms', { priority: 1 }, 400, /gateway/],
    ['no priority', 'sms', { gateway: 'vonage-sms' }, 400, /priority/],
    ['priority 0', 'sms', { gateway: 'vonage-sms', priority: 0 }, 400, /priority: must be 1 to 1000/],
    ['priority 1001', 'sms', { gateway: 'vonage-sms', priority: 1001 }, 400, /priority: must be 1 to 1000/],
    ['a fractional priority', 'sms', { gateway: 'vonage-sms', priority: 1.5 }, 400, /priority: must be a whole number/],
    ['a priority as text', 'sms', { gateway: 'vonage-sms', priority: '1' }, 400, /priority: must be a whole number/],
    ['credentials in the body', 'sms', { gateway: 'vonage-sms', priority: 1, apiKey: 'k' }, 400, /apiKey/],
    ['an array', 'sms', [{ gateway: 'vonage-sms', priority: 1 }], 400, /body/],
    ['malformed JSON', 'sms', '{"gateway":', 400, /not valid JSON/],
    ['an empty body', 'sms', '', 400, /not valid JSON/],
  ])('POST refuses %s (%i) and writes nothing', async (_what, channel, body, status, detail) => {
    const before = await rows();
    const response = await add(channel, body);
    expect(response.status).toBe(status);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.body.detail).toMatch(detail);
    expect(await rows()).toEqual(before);
  });

  it('POST refuses a body that is not JSON by content type (415)', async () => {
    const response = await add('sms', 'gateway=smtp', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
  });

  it('PATCH changes priority and enabled, and the send route follows', async () => {
    expect(await patch('sms', 'vonage-messages', { priority: 1 })).toMatchObject({ status: 200, body: { channel: 'sms', gateway: 'vonage-messages', priority: 1, enabled: true } });
    expect(await patch('sms', 'vonage-sms', { priority: 2, enabled: false })).toMatchObject({ status: 200, body: { gateway: 'vonage-sms', priority: 2, enabled: false, configured: true, healthy: true, problem: null } });
    const sms = ((await list()).body.channels as Array<{ channel: string; gateways: unknown[] }>).find((c) => c.channel === 'sms');
    expect(sms?.gateways).toEqual([
      { gateway: 'vonage-messages', priority: 1, enabled: true, configured: true, healthy: true, problem: null },
      { gateway: 'vonage-sms', priority: 2, enabled: false, configured: true, healthy: true, problem: null },
    ]);
    // A new instance (its own route cache) routes SMS through the Messages API only, and the seed did not undo the change.
    const other = await stack.newRelay();
    expect((await other.listChannels()).find((c) => c.channel === 'sms')?.gateways.map((g) => [g.gateway, g.enabled])).toEqual([
      ['vonage-messages', true],
      ['vonage-sms', false],
    ]);
    expect(await patch('sms', 'vonage-sms', { enabled: true })).toMatchObject({ status: 200, body: { priority: 2, enabled: true } });
  });

  it('a message throttled at one gateway and refused by the other for its credentials (401) is retried within seconds, never rejected, and the refusing gateway shows unhealthy until it takes a message', async () => {
    await insertClientJobs(stack.client.pool, [{ id: 501 }]);
    await relay.pollClientJobs();
    const [courtesy] = stack.queue.drain(new Date());
    // The default order, as in the issue: the SMS API first, then the Messages API.
    await relay.updateChannelGateway('sms', 'vonage-sms', { priority: 1, enabled: true });
    await relay.updateChannelGateway('sms', 'vonage-messages', { priority: 2, enabled: true });
    stack.sandbox.enqueueMessagesReplies({ kind: 'http', status: 401 });
    stack.sandbox.enqueueReplies({ kind: 'status', status: '1', errorText: 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' });
    const before = Date.now();
    expect(await relay.sendNotification(courtesy!.body)).toBe('retry-scheduled');
    const [retry] = stack.queue.messages;
    expect(retry!.scheduledAt!.getTime() - before).toBeLessThan(5_000);
    expect(await relay.listNotifications({ jobId: 501, limit: 5 })).toEqual([
      expect.objectContaining({ outcome: 'queued', reason: null, detail: 'vonage-sms throttled (1); vonage-messages gateway fault, marked unhealthy (http-401)' }),
    ]);
    const unhealthy = ((await list()).body.channels as Array<{ channel: string; gateways: Array<Record<string, unknown>> }>).find((c) => c.channel === 'sms')!.gateways;
    expect(unhealthy).toEqual([
      expect.objectContaining({ gateway: 'vonage-sms', healthy: true, problem: null }),
      expect.objectContaining({ gateway: 'vonage-messages', healthy: false, problem: { errorCode: 'http-401', detail: 'Vonage Messages API answered HTTP 401: Unauthorized', since: expect.any(String) } }),
    ]);

    stack.queue.drain(new Date(retry!.scheduledAt!.getTime()));
    expect(await relay.sendNotification(retry!.body)).toBe('sent');
    expect(await clientStatus(stack.client.pool, 501)).toBe('OPENED');
    expect(stack.sandbox.sent.filter((sms) => sms.clientRef === 'job-501-received')).toHaveLength(1);
    // The Messages API takes the next message it is given, and is healthy again.
    await relay.updateChannelGateway('sms', 'vonage-sms', { enabled: false });
    await insertClientJobs(stack.client.pool, [{ id: 502 }]);
    await relay.pollClientJobs();
    for (const message of stack.queue.drain(new Date())) expect(await relay.sendNotification(message.body)).toBe('sent');
    const healthy = ((await list()).body.channels as Array<{ channel: string; gateways: Array<Record<string, unknown>> }>).find((c) => c.channel === 'sms')!.gateways;
    expect(healthy.map((g) => [g.gateway, g.healthy])).toEqual([
      ['vonage-sms', true],
      ['vonage-messages', true],
    ]);
    await relay.updateChannelGateway('sms', 'vonage-sms', { enabled: true });
  });

  it.each([
    ['an unknown channel', 'fax', 'smtp', { priority: 1 }, 404, /channel "fax" does not exist/],
    ['an unknown gateway', 'sms', 'twilio', { priority: 1 }, 404, /sms has no gateway "twilio"/],
    ['a pair that does not exist', 'email', 'vonage-messages', { priority: 1 }, 404, /email has no gateway vonage-messages; add it with POST/],
    ['an empty body', 'sms', 'vonage-sms', {}, 400, /give priority, enabled or both/],
    ['no body at all', 'sms', 'vonage-sms', '', 400, /not valid JSON/],
    ['enabled as text', 'sms', 'vonage-sms', { enabled: 'false' }, 400, /enabled: must be true or false/],
    ['priority out of range', 'sms', 'vonage-sms', { priority: 5000 }, 400, /priority: must be 1 to 1000/],
    ['an unknown field', 'sms', 'vonage-sms', { priority: 1, channel: 'email' }, 400, /channel/],
    ['malformed JSON', 'sms', 'vonage-sms', '{', 400, /not valid JSON/],
  ])('PATCH refuses %s (%i) and writes nothing', async (_what, channel, gateway, body, status, detail) => {
    const before = await rows();
    const response = await patch(channel, gateway, body);
    expect(response.status).toBe(status);
    expect(response.contentType).toBe('application/problem+json');
    expect(response.body.detail).toMatch(detail);
    expect(await rows()).toEqual(before);
  });
});
