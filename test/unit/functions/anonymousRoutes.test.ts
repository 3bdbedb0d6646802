import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { provideRelay } from '../../../src/processRelay.js';
import { type Relay } from '../../../src/compositionRoot.js';
import { ClientRateLimiter, clientAddress, rateLimited } from '../../../src/functions/http/clientRateLimit.js';
import { installFunctionsCore, registrations } from '../../../dev/functionsCore.js';
import { FakeClock } from '../../kit/clock.js';

/* Issue 26, finding 4: anonymous routes cannot be flooded from one client. */

const context = () => new InvocationContext({ functionName: 'anonymous' });

describe('per-client rate limit on anonymous routes', () => {
  it('takes the client from the last X-Forwarded-For address, which the platform appends, without its port', () => {
    const of = (value: string) => clientAddress({ headers: new Headers({ 'x-forwarded-for': value }) });
    expect(of('203.0.113.7:50312')).toBe('203.0.113.7');
    expect(of('1.1.1.1, 203.0.113.7:50312')).toBe('203.0.113.7');
    expect(of('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(of('2001:db8::1')).toBe('2001:db8::1');
    expect(clientAddress({ headers: new Headers() })).toBeUndefined();
  });

  it('lets a client burst, then refills at the steady rate, each client on its own', () => {
    let now = 0;
    const limiter = new ClientRateLimiter({ burst: 3, perSecond: 2, maxClients: 100 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    now += 500;
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false]);
  });

  it('forgets the longest-quiet client first, so a flood of addresses costs bounded memory', () => {
    const limiter = new ClientRateLimiter({ burst: 1, perSecond: 0.001, maxClients: 2 }, () => 0);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('b')).toBe(true);
    expect(limiter.take('c')).toBe(true); // 'a' is forgotten
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('c')).toBe(false);
  });

  it('answers 429 problem+json with Retry-After past the limit, and passes requests that came through no front end', async () => {
    const handler = vi.fn(async (): Promise<HttpResponseInit> => ({ status: 200 }));
    const limited = rateLimited(handler, new ClientRateLimiter({ burst: 2, perSecond: 0.001, maxClients: 10 }));
    const from = (address?: string) =>
      new HttpRequest({ url: 'http://localhost/api/health', method: 'GET', headers: address ? { 'x-forwarded-for': address } : {} });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await limited(from('198.51.100.9:1234'), context())).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = new HttpResponse((await limited(from('198.51.100.9:1234'), context())) as HttpResponseInit);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await limited(from(), context())).status).toBe(200);
    expect(handler).toHaveBeenCalledTimes(3);
  });

  describe('every anonymous function is behind it', () => {
    beforeAll(async () => {
      installFunctionsCore();
      await import('../../../src/functions/index.js');
    });

    it.each(['health', 'consoleAssets', 'vonageInboundSms', 'vonageMessagesInbound', 'vonageDeliveryReceipt', 'vonageMessagesStatus', 'payments', 'stripeWebhook', 'staffMe', 'listConsoleJobs'])('%s', async (name) => {
      const registration = registrations.get(name)!;
      expect(Object.values(registration.bindings).find((b) => b.type === 'httpTrigger')).toMatchObject({ authLevel: 'anonymous' });
      provideRelay(async () => ({ checkHealth: async () => ({ clientDb: 'ok', ledgerDb: 'ok', cosmos: 'ok' }), config: {}, clock: new FakeClock() }) as unknown as Relay);
      const method = name === 'health' || name === 'consoleAssets' ? 'GET' : 'POST';
      const call = () =>
        registration.handler(new HttpRequest({ url: 'http://localhost/api/x', method, headers: { 'x-forwarded-for': `192.0.2.${name.length}` } }), context()) as Promise<HttpResponseInit>;
      const statuses: number[] = [];
      for (let i = 0; i < 260; i += 1) statuses.push((await call()).status ?? 200);
      expect(statuses).toContain(429);
    });
  });
});
