import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDeadLetters, LocalQueue } from '../../dev/serviceBus.js';
import { buildRelay, type Relay } from '../../src/compositionRoot.js';
import { provideRelay } from '../../src/processRelay.js';
import { loadConfig } from '../../src/config.js';
import '../../src/functions/notifications/deadLetters.js';
import { callHttpFunction } from '../support/http.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

/** GET /api/ops/dead-letters and POST /api/ops/dead-letters/replay over the in-process queue. */
describe('dead letters: list and replay', () => {
  let stack: RealStack;
  let relay: Relay;
  const queue = new LocalQueue('sms-outbound', { maxDeliveryCount: 2 });

  beforeAll(async () => {
    stack = await startRealStack();
    relay = await buildRelay(loadConfig(stack.env, { localHost: true }), { queue: stack.queue, deadLetters: localDeadLetters(queue) });
    provideRelay(async () => relay);
  });
  afterAll(async () => {
    await relay?.close();
    await stack?.stop();
  });

  async function deadLetter(messageId: string): Promise<void> {
    queue.send([{ messageId, body: { kind: 'job-received', jobId: 1, to: '+447770123456', text: 'hi' } }]);
    const subscription = queue.subscribe(async () => {
      throw new Error('database unreachable');
    });
    await expect.poll(() => queue.deadLetters.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await subscription.close();
  }

  it('lists what the queue gave up on, then replays it under a new id that duplicate detection accepts, once', async () => {
    await deadLetter('job-1-received');
    const listed = await callHttpFunction('listDeadLetters', 'GET');
    expect(listed).toMatchObject({ status: 200, body: { count: 1, deadLetters: [{ messageId: 'job-1-received', reason: 'MaxDeliveryCountExceeded', deliveryCount: 2 }] } });
    expect(JSON.stringify(listed.body)).not.toContain('7770123456');

    const delivered: string[] = [];
    const replay = await callHttpFunction('replayDeadLetters', 'POST', { body: '' });
    expect(replay).toMatchObject({ status: 200, body: { replayed: 1, messages: [{ from: 'job-1-received', to: expect.stringMatching(/^job-1-received-replay-\d+$/) }] } });
    const subscription = queue.subscribe(async (message) => {
      delivered.push(message.messageId);
    });
    await expect.poll(() => delivered, { timeout: 5_000 }).toEqual([(replay.body.messages as Array<{ to: string }>)[0]!.to]);
    await subscription.close();
    expect((await callHttpFunction('listDeadLetters', 'GET')).body).toMatchObject({ count: 0 });
  });

  it('refuses a bad max with 400 and an unknown body field with 400', async () => {
    expect(await callHttpFunction('listDeadLetters', 'GET', { query: { max: '0' } })).toMatchObject({ status: 400 });
    expect(await callHttpFunction('replayDeadLetters', 'POST', { body: JSON.stringify({ max: 10_000 }) })).toMatchObject({ status: 400 });
    expect(await callHttpFunction('replayDeadLetters', 'POST', { body: JSON.stringify({ all: true }) })).toMatchObject({ status: 400 });
  });

  it('answers 503 where no dead-letter queue exists (an in-memory queue stands in for Service Bus)', async () => {
    provideRelay(async () => stack.relay);
    expect(await callHttpFunction('listDeadLetters', 'GET')).toMatchObject({ status: 503 });
    provideRelay(async () => relay);
  });
});
