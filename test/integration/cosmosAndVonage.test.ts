import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VonageSmsGateway } from '../../src/adapters/vonage/smsGateway.js';
import { VonageSandbox } from '../../dev/vonageSandbox.js';

describe('VonageSmsGateway against the Vonage sandbox', () => {
  const credentials = { apiKey: 'key123', apiSecret: 'secret456', from: 'RepairRelay' };
  let sandbox: VonageSandbox;
  let gateway: VonageSmsGateway;
  let restHost: string;
  const request = { channel: 'sms' as const, to: '+447770123456', text: 'Hello', clientRef: 'job-1-received' };

  beforeAll(async () => {
    sandbox = new VonageSandbox({ ...credentials, messagesPerSecond: 1000 });
    restHost = await sandbox.listen();
    gateway = new VonageSmsGateway({ ...credentials, restHost, from: 'RepairRelay', timeoutMs: 500 });
  });
  afterAll(async () => sandbox?.close());

  it('sends with the SDK and returns the message id and the price to 3 decimals', async () => {
    const result = await gateway.send(request);
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: sandbox.sent.at(-1)!.messageId, price: '0.033' });
    expect(sandbox.sent.at(-1)).toMatchObject({ to: '447770123456', from: 'RepairRelay', text: 'Hello', clientRef: 'job-1-received' });
  });

  it.each([
    [{ kind: 'status', status: '1', errorText: 'Throughput Rate Exceeded - please wait [ 1000 ] and retry' }, { outcome: 'retryable', reason: 'throttled', errorCode: '1' }],
    [{ kind: 'status', status: '5', errorText: 'Internal Error' }, { outcome: 'retryable', reason: 'unavailable', errorCode: '5' }],
    [{ kind: 'http', status: 429 }, { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429' }],
    [{ kind: 'http', status: 503 }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-503' }],
    [{ kind: 'hang' }, { outcome: 'retryable', reason: 'unavailable', errorCode: 'network' }],
    [{ kind: 'status', status: '6', errorText: 'Invalid Message' }, { outcome: 'rejected', errorCode: '6' }],
    [{ kind: 'status', status: '7', errorText: 'Number barred' }, { outcome: 'rejected', errorCode: '7', detail: 'Number barred' }],
    [{ kind: 'http', status: 401 }, { outcome: 'gateway-fault', errorCode: 'http-401' }],
    [{ kind: 'status', status: '9', errorText: 'Partner quota exceeded' }, { outcome: 'gateway-fault', errorCode: '9' }],
    [{ kind: 'status', status: '29', errorText: 'Non White-listed Destination' }, { outcome: 'gateway-fault', errorCode: '29' }],
    [{ kind: 'status', status: '99', errorText: 'A status Vonage added' }, { outcome: 'gateway-fault', errorCode: '99' }],
    [{ kind: 'status', status: '33', errorText: 'Number de-activated' }, { outcome: 'rejected', errorCode: '33' }],
  ] as const)('classifies %o as %o', async (reply, expected) => {
    sandbox.enqueueReplies(reply);
    expect(await gateway.send(request)).toMatchObject(expected);
  });

  it('treats bad credentials as the gateway\'s fault, not the message\'s', async () => {
    const wrong = new VonageSmsGateway({ ...credentials, apiSecret: 'nope', restHost });
    expect(await wrong.send(request)).toMatchObject({ outcome: 'gateway-fault', errorCode: '4' });
  });

  it('is throttled with status 1 past the account throughput, as Vonage does', async () => {
    const slow = new VonageSandbox({ ...credentials, messagesPerSecond: 2 });
    const slowGateway = new VonageSmsGateway({ ...credentials, restHost: await slow.listen() });
    const results = await Promise.all(Array.from({ length: 4 }, () => slowGateway.send(request)));
    await slow.close();
    expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(2);
    expect(results.filter((r) => r.outcome === 'retryable' && r.errorCode === '1')).toHaveLength(2);
  });

  it('can be told to throttle every Nth request (throttleEvery), whatever the rate', async () => {
    const picky = new VonageSandbox({ ...credentials, messagesPerSecond: 1000, throttleEvery: 3 });
    const pickyGateway = new VonageSmsGateway({ ...credentials, restHost: await picky.listen() });
    const results: string[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await pickyGateway.send(request);
      results.push(result.outcome === 'accepted' ? 'ok' : result.outcome === 'retryable' ? result.reason : result.outcome);
    }
    await picky.close();
    expect(results).toEqual(['ok', 'ok', 'throttled', 'ok', 'ok', 'throttled', 'ok']);
    expect(picky.sent).toHaveLength(5);
  });

  it('reports an unreachable Vonage as retryable', async () => {
    const down = new VonageSmsGateway({ ...credentials, restHost: 'http://127.0.0.1:9' });
    expect(await down.send(request)).toMatchObject({ outcome: 'retryable', errorCode: 'network' });
  });
});
