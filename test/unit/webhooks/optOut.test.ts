import { describe, expect, it } from 'vitest';
import { recordInboundSms } from '../../../src/domain/feedback/recordReply.js';
import { optOutScope } from '../../../src/domain/feedback/optOut.js';
import type { InboundChannel } from '../../../src/domain/inbox/ports.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { CUSTOMER_MSISDN, openedWorld, type WebhookWorld } from './helpers.js';

/** Job 1's customer, subscribed to sms, WhatsApp and email. */
async function subscribedWorld(): Promise<WebhookWorld> {
  const world = await openedWorld();
  await world.customers.change(1, (current) => ({
    ok: true,
    value: {
      ...current,
      email: 'amira@example.com',
      subscriptions: [
        { channel: 'sms', address: null },
        { channel: 'whatsapp', address: null },
        { channel: 'email', address: null },
      ],
    },
  }));
  return world;
}

const send = (world: WebhookWorld, text: string, channel: InboundChannel = 'sms', messageId = 'in-stop') =>
  recordInboundSms(world.inboundDeps, { messageId, from: CUSTOMER_MSISDN, text, channel });

const channelsOf = (world: WebhookWorld) => world.customers.rows.get(1)!.subscriptions.map((s) => s.channel);

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'channel'],
    [' stop ', 'channel'],
    ['Stop.', 'channel'],
    ['UNSUBSCRIBE', 'channel'],
    ['cancel', 'channel'],
    ['End', 'channel'],
    ['QUIT!', 'channel'],
    ['STOP ALL', 'all'],
    ['stop  all', 'all'],
    ['STOPALL', 'all'],
    ['STOP please', null],
    ['cancel my repair', null],
    ['the end', null],
  ] as const)('"%s" is %s', (text, scope) => {
    expect(optOutScope(text)).toBe(scope);
  });
});

describe('opting out', () => {
  it.each(['UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'STOP'])('%s by SMS unsubscribes sms only', async (text) => {
    const world = await subscribedWorld();
    expect(await send(world, text)).toEqual({ outcome: 'unsubscribed', customerId: 1, channels: ['sms'] });
    expect(channelsOf(world)).toEqual(['whatsapp', 'email']);
  });

  it('STOP on WhatsApp unsubscribes WhatsApp, and the customer keeps the channels they did not stop', async () => {
    const world = await subscribedWorld();
    expect(await send(world, 'STOP', 'whatsapp')).toEqual({ outcome: 'unsubscribed', customerId: 1, channels: ['whatsapp'] });
    expect(channelsOf(world)).toEqual(['sms', 'email']);
  });

  it.each(['STOP ALL', 'STOPALL'])('"%s" unsubscribes every channel', async (text) => {
    const world = await subscribedWorld();
    expect(await send(world, text, 'whatsapp')).toMatchObject({ outcome: 'unsubscribed', channels: ['sms', 'whatsapp', 'email'] });
    expect(channelsOf(world)).toEqual([]);
  });

  it('STOP unsubscribes every channel with STOP_UNSUBSCRIBES_ALL_CHANNELS', async () => {
    const world = await subscribedWorld();
    world.inboundDeps.stopUnsubscribesAllChannels = true;
    expect(await send(world, 'stop')).toMatchObject({ outcome: 'unsubscribed', channels: ['sms', 'whatsapp', 'email'] });
    expect(channelsOf(world)).toEqual([]);
  });

  it('tells the customer once, on the channel they wrote on, however often the opt-out is resent or repeated', async () => {
    const world = await subscribedWorld();
    const whatsappBefore = world.messagesGateway.sent.length;
    await send(world, 'STOP', 'whatsapp');
    await send(world, 'STOP', 'whatsapp'); // the provider's redelivery
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.messagesGateway.sent.slice(whatsappBefore)).toEqual([
      expect.objectContaining({ channel: 'whatsapp', to: `+${CUSTOMER_MSISDN}`, text: 'You have been unsubscribed and will get no more WhatsApp messages from us. This is our last message.' }),
    ]);
    // A second STOP finds nothing left to stop: no message on demand to a number that has left.
    expect(await send(world, 'STOP', 'whatsapp', 'in-stop-again')).toMatchObject({ outcome: 'unsubscribed', channels: [] });
    expect(await world.deliverDue()).toEqual([]);
    expect(world.messagesGateway.sent).toHaveLength(whatsappBefore + 1);
  });

  it('says "messages" when every channel stops', async () => {
    const world = await subscribedWorld();
    const smsBefore = world.gateway.sent.length;
    await send(world, 'STOP ALL');
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent.slice(smsBefore)).toEqual([expect.objectContaining({ text: 'You have been unsubscribed and will get no more messages from us. This is our last message.' })]);
  });

  it('repairs a crash between logging the confirmation and unsubscribing when the provider resends the STOP', async () => {
    const world = await subscribedWorld();
    const crashing = world.inboundWith({ queue: crashAfter(world.queue, 'enqueue') });
    await expect(recordInboundSms(crashing, { messageId: 'in-stop', from: CUSTOMER_MSISDN, text: 'STOP', channel: 'sms' })).rejects.toSatisfy(isInjectedCrash);
    expect(channelsOf(world)).toEqual(['sms', 'whatsapp', 'email']);
    expect(await send(world, 'STOP')).toMatchObject({ outcome: 'unsubscribed', channels: ['sms'] });
    expect(channelsOf(world)).toEqual(['whatsapp', 'email']);
    expect(await world.deliverDue()).toEqual(['sent']);
  });

  it('changes nothing and sends nothing for an opt-out from a number no customer has', async () => {
    const world = await subscribedWorld();
    expect(await recordInboundSms(world.inboundDeps, { messageId: 'in-x', from: '447700900123', text: 'STOP', channel: 'sms' })).toEqual({ outcome: 'unknown-sender' });
    expect(world.queue.messages).toEqual([]);
  });
});
