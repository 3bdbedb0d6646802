import { InvocationContext } from '@azure/functions';
import { afterEach, describe, expect, it } from 'vitest';
import { provideRelay, type Relay } from '../../src/compositionRoot.js';
import { MalformedSmsMessageError, sendSmsHandler } from '../../src/functions/notifications/sendSms.js';

describe('sendSms function', () => {
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
    const context = new InvocationContext({ functionName: 'sendSms', triggerMetadata: { messageId: 'm-1' } });
    const failure = sendSmsHandler(body, context);
    await expect(failure).rejects.toBeInstanceOf(MalformedSmsMessageError);
    await expect(failure).rejects.toThrow(expected);
    await expect(failure).rejects.not.toThrow('07770123456');
    expect(relayBuilt).toBe(false);
  });
});
