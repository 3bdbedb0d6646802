import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFunctionsCore, type LocalFunctionsCore } from '../../src/local/functionsCore.js';
import { HostConfigurationError } from '../../src/local/hostSettings.js';
import { buildHttpRoutes, createHttpListener, listen } from '../../src/local/httpHost.js';
import { Invoker } from '../../src/local/invocation.js';
import { parseRouteTemplate, RouteTemplateError } from '../../src/local/routeTemplate.js';

/** Test-only HTTP functions registered through the real library into the local host's core. */
describe('local host HTTP routing', () => {
  let core: LocalFunctionsCore;
  let server: http.Server;
  let base: string;
  const logLines: string[] = [];

  const echo = async (request: HttpRequest, context: InvocationContext) => ({
    jsonBody: {
      fn: context.functionName,
      invocationId: context.invocationId,
      method: request.method,
      params: request.params,
      query: Object.fromEntries(request.query.entries()),
      url: request.url,
    },
  });

  beforeAll(async () => {
    core = installFunctionsCore();
    app.http('jobById', { route: 'jobs/{jobId}', methods: ['GET'], authLevel: 'function', handler: echo });
    app.http('jobStatus', { route: 'jobs/{jobId}/status', methods: ['PUT'], authLevel: 'function', handler: echo });
    app.http('jobSearch', { route: 'jobs/search', methods: ['GET'], handler: echo });
    app.http('itemById', { route: 'items/{id:int}', methods: ['GET'], handler: echo });
    app.http('files', { route: 'files/{name?}', methods: ['GET'], handler: echo });
    app.http('assets', { route: 'assets/{*path}', methods: ['GET'], handler: echo });
    app.http('pages', { route: 'pages/{page=home}', methods: ['GET'], handler: echo });
    app.http('anyMethod', { route: 'anything', handler: echo });
    app.http('signed', {
      route: 'signed',
      methods: ['POST'],
      authLevel: 'anonymous',
      handler: async (request) => {
        const raw = await request.text();
        return {
          status: 201,
          headers: { 'x-raw-length': String(Buffer.byteLength(raw)) },
          cookies: [{ name: 'seen', value: '1', httpOnly: true, path: '/' }],
          jsonBody: { hmac: createHmac('sha256', 'k').update(raw).digest('hex'), signature: request.headers.get('x-signature') },
        };
      },
    });
    app.http('fails', { route: 'fails', methods: ['GET'], handler: async () => { throw new Error('boom'); } });
    app.http('silent', { route: 'silent', methods: ['POST'], handler: async () => undefined as unknown as HttpResponseInit });
    app.http('textual', { route: 'textual', methods: ['GET'], handler: async (_req, context) => { context.log('hello from the handler'); return { body: 'plain words' }; } });
    app.hook.preInvocation((hook) => {
      if (hook.invocationContext.functionName === 'textual') {
        const original = hook.functionHandler;
        hook.functionHandler = async (...args: unknown[]) => {
          const result = (await (original as (...a: unknown[]) => Promise<{ body: string }>)(...args));
          return { ...result, headers: { 'x-hooked': 'yes' } };
        };
      }
    });

    const invoker = new Invoker(core, (_level, source, message) => logLines.push(`[${source}] ${message}`), undefined);
    const routes = buildHttpRoutes(core.getFunctions());
    server = http.createServer(
      createHttpListener({
        routes,
        routePrefix: 'api',
        invoker,
        log: (_level, source, message) => logLines.push(`[${source}] ${message}`),
        devRoutes: [{ method: 'GET', path: 'dev/ping', describe: 'ping', handle: () => ({ status: 200, body: { pong: true } }) }],
      }),
    );
    base = `${await listen(server, 0, '127.0.0.1')}/api`;
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

  it('matches route templates with parameters and passes the library a real request and context', async () => {
    const got = await call('GET', '/jobs/42?verbose=1');
    expect(got.status).toBe(200);
    expect(got.type).toContain('application/json');
    expect(got.json).toMatchObject({ fn: 'jobById', method: 'GET', params: { jobId: '42' }, query: { verbose: '1' }, url: `${base}/jobs/42?verbose=1` });
    expect(got.json!.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call('PUT', '/jobs/42/status', { body: '{}' })).json).toMatchObject({ fn: 'jobStatus', params: { jobId: '42' } });
    expect((await call('GET', '/jobs/a%20b')).json).toMatchObject({ params: { jobId: 'a b' } });
    const shouting = await fetch(`${base.replace(/\/api$/, '/API')}/Jobs/7/`);
    expect(await shouting.json()).toMatchObject({ fn: 'jobById', params: { jobId: '7' } });
  });

  it('prefers literal segments over parameters', async () => {
    expect((await call('GET', '/jobs/search')).json).toMatchObject({ fn: 'jobSearch', params: {} });
  });

  it('honours constraints, optional parameters, defaults and catch-alls', async () => {
    expect((await call('GET', '/items/12')).json).toMatchObject({ fn: 'itemById', params: { id: '12' } });
    expect((await call('GET', '/items/twelve')).status).toBe(404);
    expect((await call('GET', '/items/99999999999')).status).toBe(404);
    expect((await call('GET', '/files')).json).toMatchObject({ fn: 'files', params: {} });
    expect((await call('GET', '/files/report.pdf')).json).toMatchObject({ fn: 'files', params: { name: 'report.pdf' } });
    expect((await call('GET', '/assets/css/site.css')).json).toMatchObject({ fn: 'assets', params: { path: 'css/site.css' } });
    expect((await call('GET', '/pages')).json).toMatchObject({ fn: 'pages', params: { page: 'home' } });
    expect((await call('GET', '/pages/about')).json).toMatchObject({ params: { page: 'about' } });
  });

  it('answers 405 with Allow for a known route and a wrong method, and 404 problem+json for an unknown route', async () => {
    const wrong = await call('DELETE', '/jobs/42');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    expect(wrong.type).toBe('application/problem+json');
    expect(wrong.json).toMatchObject({ status: 405, title: 'Method Not Allowed', detail: expect.stringContaining('DELETE') });
    expect((await call('POST', '/jobs/42/status')).headers.get('allow')).toBe('PUT');

    const unknown = await call('GET', '/nothing/here');
    expect(unknown.status).toBe(404);
    expect(unknown.type).toBe('application/problem+json');
    expect(unknown.json).toMatchObject({ type: 'about:blank', status: 404, detail: 'no function answers /api/nothing/here' });
    const outside = await fetch(`${base.replace(/\/api$/, '')}/elsewhere`);
    expect(outside.status).toBe(404);
  });

  it('uses the methods the library registers when a function names none (GET and POST)', async () => {
    for (const method of ['GET', 'POST']) expect((await call(method, '/anything')).json).toMatchObject({ method });
    const patch = await call('PATCH', '/anything');
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, POST');
  });

  it('gives the handler the raw body byte for byte and returns its status, headers, cookies and body', async () => {
    const raw = ' {"paymentId": "p-1",\n  "amount":"45.500", "note":"caf\u00e9 \u2603"}  \n';
    const got = await call('POST', '/signed', { body: raw, headers: { 'content-type': 'application/json', 'x-signature': 't=1,v1=abc' } });
    expect(got.status).toBe(201);
    expect(got.json).toEqual({ hmac: createHmac('sha256', 'k').update(raw).digest('hex'), signature: 't=1,v1=abc' });
    expect(got.headers.get('x-raw-length')).toBe(String(Buffer.byteLength(raw)));
    expect(got.headers.get('set-cookie')).toBe('seen=1; Path=/; HttpOnly');
  });

  it('answers 500 problem+json when a handler throws, 204 when it returns nothing, and runs hooks and context.log', async () => {
    const failed = await call('GET', '/fails');
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ status: 500, detail: expect.stringContaining('fails') });
    expect(logLines.some((l) => l.includes("Executed 'Functions.fails' (Failed") && l.includes('Error: boom'))).toBe(true);

    expect((await call('POST', '/silent', { body: 'x' })).status).toBe(204);

    const text = await call('GET', '/textual');
    expect(text.text).toBe('plain words');
    expect(text.type).toContain('text/plain');
    expect(text.headers.get('x-hooked')).toBe('yes');
    expect(logLines).toContain('[textual] hello from the handler');
  });

  it('serves local dev routes after the functions', async () => {
    expect((await call('GET', '/dev/ping')).json).toEqual({ pong: true });
    expect((await call('POST', '/dev/ping')).status).toBe(405);
  });
});

describe('route templates', () => {
  it('parses parameters, constraints, optional and default values', () => {
    const t = parseRouteTemplate('orders/{id:int:min(1)}/lines/{line:range(1,99)?}');
    expect(t.parameters.map((p) => [p.name, p.optional, p.constraints.map((c) => c.name)])).toEqual([
      ['id', false, ['int', 'min']],
      ['line', true, ['range']],
    ]);
    expect(t.match('orders/5/lines')).toEqual({ id: '5' });
    expect(t.match('orders/5/lines/7')).toEqual({ id: '5', line: '7' });
    expect(t.match('orders/0/lines')).toBeUndefined();
    expect(t.match('orders/5/lines/100')).toBeUndefined();
    expect(parseRouteTemplate('codes/{code:regex(^[a-z]{{3}}$)}').match('codes/abc')).toEqual({ code: 'abc' });
    expect(parseRouteTemplate('codes/{code:regex(^[a-z]{{3}}$)}').match('codes/abcd')).toBeUndefined();
    expect(parseRouteTemplate('files/{name}.{ext}').match('files/archive.tar.gz')).toEqual({ name: 'archive.tar', ext: 'gz' });
    expect(parseRouteTemplate('x/{id:guid}').match('x/0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({ id: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(parseRouteTemplate('x/{flag:bool}').match('x/maybe')).toBeUndefined();
  });

  it('refuses templates the Functions host would refuse', () => {
    for (const bad of ['a/{b}{c}', 'a/{*rest}/b', 'a/{id:wat}', 'a//b', 'a/{b', 'a/b}', 'a/{b?}/c', 'a/{1b}', 'a/{b}/{B}']) {
      expect(() => parseRouteTemplate(bad), bad).toThrow(RouteTemplateError);
    }
  });

  it('refuses two functions on the same route and method', () => {
    const fn = (name: string, route: string, methods?: string[]) => ({
      name,
      metadata: { name, bindings: {} },
      callback: () => undefined,
      triggerName: 't',
      trigger: { type: 'httpTrigger', direction: 'in', route, ...(methods ? { methods } : {}) },
    });
    expect(() => buildHttpRoutes([fn('a', 'jobs/{id}', ['GET']), fn('b', 'jobs/{jobId}', ['GET', 'PUT'])])).toThrow(HostConfigurationError);
    expect(() => buildHttpRoutes([fn('a', 'jobs/{id}', ['GET']), fn('b', 'JOBS/{jobId}')])).toThrow(/both answer/);
    expect(buildHttpRoutes([fn('a', 'jobs/{id}', ['GET']), fn('b', 'jobs/{jobId}', ['PUT'])])).toHaveLength(2);
  });
});
