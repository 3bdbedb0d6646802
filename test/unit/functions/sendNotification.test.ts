import { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { asTransient } from '../../../src/adapters/system/transientErrors.js';
import { provideRelay } from '../../../src/processRelay.js';
import { type Relay } from '../../../src/compositionRoot.js';
import { MalformedNotificationMessageError, sendNotificationHandler } from '../../../src/functions/notifications/sendNotification.js';

describe('sendNotification function', () => {
  let relayBuilt = false;
  afterEach(() => {
    relayBuilt = false;
  });

  it.each([
    ['not JSON', 'body'],
    [{ kind: 'job-received', jobId: 1, to: '07770123456', text: 'hi' }, 'to: must be an E.164'],
    [{ kind: 'job-opened', jobId: 1, to: '+447770123456', text: 'hi' }, 'kind'],
    [{ kind: 'job-received', jobId: 'x', to: '+447770123456', text: '' }, 'jobId'],
  ])('refuses %o before any I/O, naming the problem', async (body, expected) => {
    provideRelay(async () => {
      relayBuilt = true;
      return {} as Relay;
    });
    const context = new InvocationContext({ functionName: 'sendNotification', triggerMetadata: { messageId: 'm-1' } });
    const failure = sendNotificationHandler(body, context);
    await expect(failure).rejects.toBeInstanceOf(MalformedNotificationMessageError);
    await expect(failure).rejects.toThrow(expected);
    await expect(failure).rejects.not.toThrow('07770123456');
    expect(relayBuilt).toBe(false);
  });

  describe('a failure that will pass', () => {
    const message = { kind: 'job-received', jobId: 1, to: '+447770123456', text: 'hi' } as const;
    const context = () => new InvocationContext({ functionName: 'sendNotification', triggerMetadata: { messageId: 'job-1-received' } });

    function relayThatFails(error: unknown, deferOutcome: 'deferred' | 'give-up' = 'deferred') {
      const deferred: Array<{ currentMessageId: string; cause: unknown }> = [];
      provideRelay(async () =>
        ({
          sendNotification: async () => {
            throw error;
          },
          deferNotification: async (_message: unknown, currentMessageId: string, cause: unknown) => {
            deferred.push({ currentMessageId, cause });
            return deferOutcome === 'deferred'
              ? { outcome: 'deferred', messageId: `${currentMessageId}-defer-1`, until: new Date() }
              : { outcome: 'give-up' };
          },
        }) as unknown as Relay,
      );
      return deferred;
    }

    // As the adapters throw them: wrapped as TransientError at their edge.
    it.each([
      ['a refused database connection', asTransient(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }))],
      ['a statement timeout', asTransient(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }))],
      ['Cosmos DB throttling', asTransient(Object.assign(new Error('Request rate is large'), { code: 429 }))],
      ['a wrapped connection reset', asTransient(new Error('write failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }))],
    ])('puts the message off after %s instead of failing the delivery', async (_case, error) => {
      const deferred = relayThatFails(error);
      await expect(sendNotificationHandler(message, context())).resolves.toBeUndefined();
      expect(deferred).toEqual([{ currentMessageId: 'job-1-received', cause: error }]);
    });

    it('fails the delivery for anything else, so the host retries and dead-letters it', async () => {
      const deferred = relayThatFails(new Error('SMS log entry job-1-received vanished'));
      await expect(sendNotificationHandler(message, context())).rejects.toThrow('vanished');
      expect(deferred).toEqual([]);
    });

    it('fails the delivery once a message has been put off too often', async () => {
      relayThatFails(asTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'give-up');
      await expect(sendNotificationHandler(message, context())).rejects.toThrow('ECONNREFUSED');
    });
  });
});
