import { app, InvocationContext, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrations } from '../../dev/functionsCore.js';
import { createHttpListener, httpFunctions, parseRoute } from '../../dev/http.js';
import { HostConfigurationError } from '../../dev/settings.js';

/** The app's routes today and the ones planned (DESIGN.md): literal segments and plain {name} parameters. */
const PRODUCT_ROUTES = {
  getJob: { route: 'jobs/{jobId}', methods: ['GET'] },
  changeJobStatus: { route: 'jobs/{jobId}/status', methods: ['PUT'] },
  closeJob: { route: 'jobs/{jobId}/close', methods: ['POST'] },
  payments: { route: 'payments', methods: ['POST'] },
  health: { route: 'health', methods: ['GET'] },
  nextSendTime: { route: 'customers/{customerId}/next-send-time', methods: ['GET'] },
  gateway: { route: 'channels/{channel}/gateways/{gateway}', methods: ['PUT'] },
  claimDiscountCode: { route: 'brands/{brandId}/discount-codes/claim', methods: ['POST'] },
  redeemDiscountCode: { route: 'discount-codes/{code}/redeem', methods: ['POST'] },
} as const;

describe('route matching', () => {
  it('matches the product routes and hands over their parameters, decoded', () => {
    expect(parseRoute('jobs/{jobId}').match('jobs/42')).toEqual({ jobId: '42' });
    expect(parseRoute('jobs/{jobId}').match('jobs/42/status')).toBeUndefined();
    expect(parseRoute('jobs/{jobId}/status').match('jobs/42/status')).toEqual({ jobId: '42' });
    expect(parseRoute('channels/{channel}/gateways/{gateway}').match('channels/sms/gateways/vonage')).toEqual({ channel: 'sms', gateway: 'vonage' });
    expect(parseRoute('brands/{brandId}/discount-codes/claim').match('brands/b-7/discount-codes/claim')).toEqual({ brandId: 'b-7' });
    expect(parseRoute('discount-codes/{code}/redeem').match('discount-codes/SPRING%2025/redeem')).toEqual({ code: 'SPRING 25' });
    expect(parseRoute('customers/{customerId}/next-send-time').match('customers/9/next-send-time')).toEqual({ customerId: '9' });
    expect(parseRoute('payments').match('payments')).toEqual({});
  });

  it('ignores letter case in literals and a trailing slash, as the Functions host does', () => {
    expect(parseRoute('jobs/{jobId}/status').match('Jobs/7/STATUS/')).toEqual({ jobId: '7' });
    expect(parseRoute('health').match('healthz')).toBeUndefined();
  });

  it('refuses route syntax the app does not use rather than matching it wrongly', () => {
    for (const bad of ['items/{id:int}', 'assets/{*path}/raw', 'files/{name?}', 'pages/{page=home}', 'files/{name}.{ext}', 'a//b', 'a/{b}/{B}']) {
      expect(() => parseRoute(bad), bad).toThrow(HostConfigurationError);
    }
  });

  it('hands a last {*name} the rest of the path, slashes and all, or nothing (the console serves its files so)', () => {
    const files = parseRoute('console/{*path}');
    expect(files.match('console/assets/index-AbCd1234.js')).toEqual({ path: 'assets/index-AbCd1234.js' });
    expect(files.match('console/jobs/12/')).toEqual({ path: 'jobs/12' });
    expect(files.match('Console/')).toEqual({ path: '' });
    expect(files.match('console')).toEqual({ path: '' });
    expect(files.match('console/assets/..%2f..%2fhost.json')).toEqual({ path: 'assets/../../host.json' });
    expect(files.match('consoles/x')).toBeUndefined();
  });

  it('refuses two functions on the same route and method, and puts literal segments first', () => {
    const fn = (name: string, route: string, methods?: string[]) => ({
      name,
      bindings: {},
      handler: () => undefined,
      triggerName: 'req',
      trigger: { type: 'httpTrigger', direction: 'in', route, ...(methods ? { methods } : {}) },
    });
    const routeOf = (f: { trigger: Record<string, unknown> }) => String(f.trigger.route);
    expect(() => httpFunctions([fn('a', 'jobs/{id}', ['GET']), fn('b', 'JOBS/{jobId}', ['GET', 'PUT'])], routeOf)).toThrow(/a and b both answer GET/);
    expect(() => httpFunctions([fn('a', 'jobs/{id}', ['GET']), fn('b', 'jobs/{jobId}')], routeOf)).toThrow(HostConfigurationError);
    const sorted = httpFunctions([fn('byId', 'jobs/{jobId}', ['GET']), fn('search', 'jobs/search', ['GET'])], routeOf);
    expect(sorted.map((r) => r.fn.name)).toEqual(['search', 'byId']);
    const withCatchAll = httpFunctions([fn('files', 'jobs/{*path}', ['GET']), fn('byId', 'jobs/{jobId}', ['GET'])], routeOf);
    expect(withCatchAll.map((r) => r.fn.name)).toEqual(['byId', 'files']);
  });
});

/** The local host's HTTP listener in front of test functions on the product's routes, registered through the real library. */
describe('local host HTTP listener', () => {
  let server: http.Server;
  let base: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    const echo = async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => ({
      jsonBody: { fn: context.functionName, method: request.method, params: request.params, query: Object.fromEntries(request.query.entries()), url: request.url },
    });
    for (const [name, { route, methods }] of Object.entries(PRODUCT_ROUTES)) {
      if (name !== 'payments') app.http(`route_${name}`, { route, methods: [...methods], handler: echo });
    }
    app.http('route_payments', {
      route: 'payments',
      methods: ['POST'],
      authLevel: 'anonymous',
      handler: async (request) => {
        const raw = await request.text();
        return {
          status: 201,
          headers: { 'x-raw-length': String(Buffer.byteLength(raw)) },
          jsonBody: { hmac: createHmac('sha256', 'k').update(raw).digest('hex'), signature: request.headers.get('x-signature') },
        };
      },
    });
    app.http('route_fails', { route: 'fails', methods: ['GET'], handler: async () => { throw new Error('boom'); } });
    app.http('route_silent', { route: 'silent', methods: ['POST'], handler: async () => undefined as unknown as HttpResponseInit });
    app.http('route_textual', { route: 'textual', handler: async () => ({ body: 'plain words' }) });

    const functions = [...registrations.values()].filter((fn) => fn.name.startsWith('route_'));
    server = http.createServer(
      createHttpListener({
        routes: httpFunctions(functions, (fn) => String(fn.trigger.route)),
        routePrefix: 'api',
        invoke: async (fn, request) => fn.handler(request, new InvocationContext({ functionName: fn.name })),
        log: (line) => logLines.push(line),
        devRoutes: [{ path: 'dev/ping', handle: () => ({ status: 200, body: { pong: true } }) }],
        rootRedirect: '/api/console/',
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${base}${path}`, { method, ...(init.body === undefined ? {} : { body: init.body }), headers: init.headers ?? {} });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, headers: response.headers, type, text, json: type.includes('json') && text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  }

  it('routes every product route to its function with the library request: method, params, query and URL', async () => {
    expect((await call('GET', '/jobs/42?verbose=1')).json).toEqual({ fn: 'route_getJob', method: 'GET', params: { jobId: '42' }, query: { verbose: '1' }, url: `${base}/jobs/42?verbose=1` });
    expect((await call('PUT', '/jobs/42/status', { body: '{}' })).json).toMatchObject({ fn: 'route_changeJobStatus', params: { jobId: '42' } });
    expect((await call('POST', '/jobs/42/close')).json).toMatchObject({ fn: 'route_closeJob', params: { jobId: '42' } });
    expect((await call('GET', '/health')).json).toMatchObject({ fn: 'route_health', params: {} });
    expect((await call('GET', '/customers/9/next-send-time')).json).toMatchObject({ fn: 'route_nextSendTime', params: { customerId: '9' } });
    expect((await call('PUT', '/channels/sms/gateways/vonage')).json).toMatchObject({ fn: 'route_gateway', params: { channel: 'sms', gateway: 'vonage' } });
    expect((await call('POST', '/brands/acme/discount-codes/claim')).json).toMatchObject({ fn: 'route_claimDiscountCode', params: { brandId: 'acme' } });
    expect((await call('POST', '/discount-codes/SPRING25/redeem')).json).toMatchObject({ fn: 'route_redeemDiscountCode', params: { code: 'SPRING25' } });
    const shouting = await fetch(`${base.replace(/\/api$/, '/API')}/Jobs/7/`);
    expect(await shouting.json()).toMatchObject({ fn: 'route_getJob', params: { jobId: '7' } });
  });

  it('gives the payment handler the raw body byte for byte and returns its status, headers and body', async () => {
    const raw = ' {"paymentId": "p-1",\n  "amount":"45.500", "note":"caf\u00e9 \u2603"}  \n';
    const got = await call('POST', '/payments', { body: raw, headers: { 'content-type': 'application/json', 'x-signature': 't=1,v1=abc' } });
    expect(got.status).toBe(201);
    expect(got.json).toEqual({ hmac: createHmac('sha256', 'k').update(raw).digest('hex'), signature: 't=1,v1=abc' });
    expect(got.headers.get('x-raw-length')).toBe(String(Buffer.byteLength(raw)));
  });

  it('answers 405 with Allow for a known route and a wrong method, and 404 problem+json for an unknown route', async () => {
    const wrong = await call('DELETE', '/jobs/42');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(wrong.type).toBe('application/problem+json');
    expect(wrong.json).toMatchObject({ status: 405, title: 'Method Not Allowed', detail: expect.stringContaining('DELETE') });
    expect((await call('POST', '/jobs/42/status')).headers.get('allow')).toBe('PUT');

    const unknown = await call('GET', '/nothing/here');
    expect(unknown).toMatchObject({ status: 404, type: 'application/problem+json' });
    expect(unknown.json).toMatchObject({ type: 'about:blank', status: 404, detail: 'no function answers /api/nothing/here' });
    expect((await fetch(`${base.replace(/\/api$/, '')}/health`)).status).toBe(404);
    expect(logLines).toContain('GET /api/nothing/here -> 404');
  });

  it('answers 500 problem+json when a handler throws, 204 when it returns nothing, and passes text through', async () => {
    const failed = await call('GET', '/fails');
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ status: 500, detail: expect.stringContaining('route_fails') });
    expect((await call('POST', '/silent', { body: 'x' })).status).toBe(204);
    const text = await call('GET', '/textual');
    expect(text).toMatchObject({ status: 200, text: 'plain words' });
    expect(text.type).toContain('text/plain');
    expect((await call('PATCH', '/textual')).headers.get('allow')).toBe('GET, POST');
  });

  it('serves local dev routes after the functions', async () => {
    expect((await call('GET', '/dev/ping')).json).toEqual({ pong: true });
    expect((await call('POST', '/dev/ping')).status).toBe(405);
  });
});

describe('the local host root', () => {
  it('redirects / to the console it is given, and nothing else', async () => {
    const server = http.createServer(createHttpListener({ routes: [], routePrefix: 'api', invoke: async () => undefined, log: () => {}, devRoutes: [], rootRedirect: '/api/console/' }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const home = await fetch(`${root}/`, { redirect: 'manual' });
      expect(home.status).toBe(302);
      expect(home.headers.get('location')).toBe('/api/console/');
      expect((await fetch(`${root}/`, { method: 'POST', redirect: 'manual' })).status).toBe(404);
      expect((await fetch(`${root}/elsewhere`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
