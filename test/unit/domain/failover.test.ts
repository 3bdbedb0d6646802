import { describe, expect, it } from 'vitest';
import { addChannelGateway, listChannels, seedDefaultRoutes, updateChannelGateway } from '../../../src/domain/channels/channelsApi.js';
import { gatewaysFor, sendWithFailover } from '../../../src/domain/channels/failover.js';
import type { GatewaySendResult, NotificationRequest } from '../../../src/domain/channels/ports.js';
import { FakeGatewayRegistry } from '../../contracts/channels/gatewayRegistry.fake.js';
import { FakeClock } from '../../kit/clock.js';
import { FakeNotificationGateway, fakeConfiguredGateways } from '../../contracts/channels/notificationGateway.fake.js';

const request: NotificationRequest = { channel: 'sms', to: '+447700900123', text: 'Your repair is ready', clientRef: 'job-1-job-completed-sms' };
const throttled: GatewaySendResult = { outcome: 'retryable', reason: 'throttled', errorCode: 'http-429', detail: 'slow down' };
const down: GatewaySendResult = { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-503', detail: 'outage' };
const invalidNumber: GatewaySendResult = { outcome: 'rejected', errorCode: 'http-422', detail: 'Invalid params' };

function twoGateways() {
  return [new FakeNotificationGateway('vonage-sms'), new FakeNotificationGateway('vonage-messages')] as const;
}

describe('sendWithFailover', () => {
  it('sends through the first gateway only when it accepts', async () => {
    const [first, second] = twoGateways();
    const result = await sendWithFailover([first, second], request);
    expect(result).toEqual({ outcome: 'accepted', providerMessageId: 'vonage-sms-1', gateway: 'vonage-sms', attempts: [{ gateway: 'vonage-sms', outcome: 'accepted', errorCode: null }] });
    expect(first.calls).toEqual([request]);
    expect(second.calls).toEqual([]);
  });

  it.each([
    ['throttled', throttled],
    ['unavailable', down],
  ])('moves to the next gateway at once after a %s failure', async (_name, failure) => {
    const [first, second] = twoGateways();
    first.reply(failure);
    const result = await sendWithFailover([first, second], request);
    expect(result).toMatchObject({ outcome: 'accepted', gateway: 'vonage-messages' });
    expect(result.attempts).toEqual([
      { gateway: 'vonage-sms', outcome: 'retryable', errorCode: failure.outcome === 'retryable' ? failure.errorCode : '', reason: failure.outcome === 'retryable' ? failure.reason : undefined },
      { gateway: 'vonage-messages', outcome: 'accepted', errorCode: null },
    ]);
    expect(second.calls).toEqual([request]);
  });

  it('stops at a permanent rejection and tries no other gateway', async () => {
    const [first, second] = twoGateways();
    first.reply(invalidNumber);
    const result = await sendWithFailover([first, second], request);
    expect(result).toEqual({ ...invalidNumber, gateway: 'vonage-sms', attempts: [{ gateway: 'vonage-sms', outcome: 'rejected', errorCode: 'http-422' }] });
    expect(second.calls).toEqual([]);
  });

  it('returns the last retryable failure with every attempt when all gateways fail retryably', async () => {
    const [first, second] = twoGateways();
    first.reply(down);
    second.reply(throttled);
    const result = await sendWithFailover([first, second], request);
    expect(result).toMatchObject({ outcome: 'retryable', reason: 'throttled', errorCode: 'http-429', gateway: 'vonage-messages' });
    expect(result.attempts.map((a) => `${a.gateway}:${a.outcome}:${a.errorCode}`)).toEqual(['vonage-sms:retryable:http-503', 'vonage-messages:retryable:http-429']);
  });

  it('moves past a gateway that failed for its own sake, keeping its explanation, and stops at the next answer', async () => {
    const [first, second] = twoGateways();
    const unauthorized: GatewaySendResult = { outcome: 'gateway-fault', errorCode: 'http-401', detail: 'Vonage Messages API answered HTTP 401' };
    first.reply(unauthorized);
    second.reply(invalidNumber);
    const result = await sendWithFailover([first, second], request);
    expect(result).toMatchObject({ outcome: 'rejected', gateway: 'vonage-messages' });
    expect(result.attempts).toEqual([
      { gateway: 'vonage-sms', outcome: 'gateway-fault', errorCode: 'http-401', detail: unauthorized.detail },
      { gateway: 'vonage-messages', outcome: 'rejected', errorCode: 'http-422' },
    ]);
  });

  it('a rejection after a retryable failure is the answer', async () => {
    const [first, second] = twoGateways();
    first.reply(down);
    second.reply(invalidNumber);
    expect(await sendWithFailover([first, second], request)).toMatchObject({ outcome: 'rejected', gateway: 'vonage-messages' });
  });

  it('answers no-gateway, calling nothing, when the channel has no gateway', async () => {
    const hooked: string[] = [];
    const result = await sendWithFailover([], { ...request, channel: 'whatsapp' }, { beforeAttempt: async (g) => void hooked.push(g) });
    expect(result).toEqual({ outcome: 'no-gateway', detail: 'no enabled gateway with credentials carries whatsapp', attempts: [] });
    expect(hooked).toEqual([]);
  });

  it('runs beforeAttempt before each gateway is called, in order, with the attempt number', async () => {
    const [first, second] = twoGateways();
    first.reply(down);
    const events: string[] = [];
    const spy = (gateway: FakeNotificationGateway) => {
      const send = gateway.send.bind(gateway);
      gateway.send = async (r) => (events.push(`send ${gateway.name}`), send(r));
    };
    spy(first);
    spy(second);
    await sendWithFailover([first, second], request, { beforeAttempt: async (g, n) => void events.push(`before ${g} #${n}`) });
    expect(events).toEqual(['before vonage-sms #1', 'send vonage-sms', 'before vonage-messages #2', 'send vonage-messages']);
  });

  it('stops without calling the gateway when beforeAttempt throws (another sender owns the message)', async () => {
    const [first, second] = twoGateways();
    first.reply(down);
    const lost = new Error('claim lost');
    await expect(
      sendWithFailover([first, second], request, {
        beforeAttempt: async (gateway) => {
          if (gateway === 'vonage-messages') throw lost;
        },
      }),
    ).rejects.toBe(lost);
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toEqual([]);
  });

  it('stops with stopped, calling no further gateway, when beforeAttempt answers false (the claim was lost)', async () => {
    const [first, second] = twoGateways();
    first.reply(down);
    const result = await sendWithFailover([first, second], request, { beforeAttempt: async (gateway) => gateway !== 'vonage-messages' });
    expect(result).toEqual({ outcome: 'stopped', attempts: [expect.objectContaining({ gateway: 'vonage-sms' })] });
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toEqual([]);
  });

  it('passes on a gateway that throws instead of failing over (whether it sent is unknown)', async () => {
    const [first, second] = twoGateways();
    first.send = () => Promise.reject(new Error('bug'));
    await expect(sendWithFailover([first, second], request)).rejects.toThrow('bug');
    expect(second.calls).toEqual([]);
  });
});

describe('gatewaysFor', () => {
  it('gives the enabled gateways of the channel that have settings, in priority order', async () => {
    const registry = new FakeGatewayRegistry();
    const sms = new FakeNotificationGateway('vonage-sms');
    const messages = new FakeNotificationGateway('vonage-messages');
    await registry.seed([
      { channel: 'sms', gateway: 'vonage-sms', priority: 5 },
      { channel: 'sms', gateway: 'vonage-messages', priority: 2 },
      { channel: 'email', gateway: 'smtp', priority: 1 },
    ]);
    const gateways = fakeConfiguredGateways(sms, messages);
    expect((await gatewaysFor({ registry, gateways }, 'sms')).map((g) => g.name)).toEqual(['vonage-messages', 'vonage-sms']);
    await registry.update('sms', 'vonage-messages', { enabled: false });
    expect((await gatewaysFor({ registry, gateways }, 'sms')).map((g) => g.name)).toEqual(['vonage-sms']);
    // smtp has a route but no settings here
    expect(await gatewaysFor({ registry, gateways }, 'email')).toEqual([]);
  });
});

describe('channels API use cases', () => {
  const setup = async () => {
    const registry = new FakeGatewayRegistry();
    const gateways = fakeConfiguredGateways(new FakeNotificationGateway('vonage-sms'), new FakeNotificationGateway('vonage-messages'));
    const deps = { registry, gateways, clock: new FakeClock() };
    await seedDefaultRoutes(deps);
    return deps;
  };

  it('seeds the default routes of configured gateways only, and keeps operators changes on a second seed', async () => {
    const deps = await setup();
    await updateChannelGateway(deps, 'sms', 'vonage-sms', { priority: 9, enabled: false });
    await seedDefaultRoutes(deps);
    expect(await listChannels(deps)).toEqual([
      {
        channel: 'sms',
        gateways: [
          { gateway: 'vonage-messages', priority: 2, enabled: true, configured: true, healthy: true, problem: null },
          { gateway: 'vonage-sms', priority: 9, enabled: false, configured: true, healthy: true, problem: null },
        ],
      },
      { channel: 'whatsapp', gateways: [{ gateway: 'vonage-messages', priority: 1, enabled: true, configured: true, healthy: true, problem: null }] },
      { channel: 'email', gateways: [] },
    ]);
  });

  it('adds a gateway that can carry the channel, refuses one that cannot, and reports an existing pair', async () => {
    const deps = await setup();
    expect(await addChannelGateway(deps, 'email', { gateway: 'smtp', priority: 3 })).toEqual({
      outcome: 'added',
      channel: 'email',
      gateway: { gateway: 'smtp', priority: 3, enabled: true, configured: false, healthy: true, problem: null },
    });
    expect(await addChannelGateway(deps, 'email', { gateway: 'vonage-sms', priority: 1 })).toMatchObject({ outcome: 'cannot-carry', detail: expect.stringContaining('carries sms') });
    expect(await addChannelGateway(deps, 'whatsapp', { gateway: 'vonage-messages', priority: 7 })).toMatchObject({ outcome: 'exists' });
    expect(deps.registry.routes.find((r) => r.channel === 'whatsapp')?.priority).toBe(1);
  });

  it('updates a pair that exists and reports an unknown one', async () => {
    const deps = await setup();
    expect(await updateChannelGateway(deps, 'whatsapp', 'vonage-messages', { enabled: false })).toMatchObject({ outcome: 'updated', gateway: { priority: 1, enabled: false } });
    expect(await updateChannelGateway(deps, 'email', 'smtp', { priority: 2 })).toMatchObject({ outcome: 'not-found' });
  });
});
