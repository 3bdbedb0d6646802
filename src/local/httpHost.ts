import http, { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisteredFunction, RpcHttpCookie, RpcHttpData, RpcTypedData } from './functionsCore.js';
import { HostConfigurationError } from './hostSettings.js';
import type { HostLog, Invoker } from './invocation.js';
import { compareRoutePrecedence, parseRouteTemplate, RouteTemplateError, type RouteTemplate } from './routeTemplate.js';

export interface HttpRoute {
  fn: RegisteredFunction;
  route: string;
  template: RouteTemplate;
  /** Upper-case methods, or undefined when the function accepts every method (no `methods` given). */
  methods: string[] | undefined;
  authLevel: string;
}

/** A route of the local host itself (not an Azure Function), e.g. `GET /api/dev/sms`. */
export interface DevRoute {
  method: string;
  /** Path below the route prefix, e.g. `dev/sms`. */
  path: string;
  describe: string;
  handle(url: URL): Promise<{ status: number; body: unknown }> | { status: number; body: unknown };
}

export function methodsOf(fn: RegisteredFunction): string[] | undefined {
  const methods = fn.trigger.methods;
  if (!Array.isArray(methods) || methods.length === 0) return undefined;
  return methods.map((m) => String(m).toUpperCase());
}

/**
 * The HTTP functions' routes, most specific first. A route template the host could not read, or two
 * functions claiming the same route and method, stop the host as they would stop the Functions host.
 */
export function buildHttpRoutes(functions: RegisteredFunction[], resolveRoute: (fn: RegisteredFunction) => string = (fn) => routeOf(fn)): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of functions) {
    if (fn.trigger.type.toLowerCase() !== 'httptrigger') continue;
    const route = resolveRoute(fn);
    let template: RouteTemplate;
    try {
      template = parseRouteTemplate(route);
    } catch (error) {
      if (error instanceof RouteTemplateError) throw new HostConfigurationError(`function ${fn.name}: route "${route}": ${error.message}`);
      throw error;
    }
    routes.push({ fn, route, template, methods: methodsOf(fn), authLevel: String(fn.trigger.authLevel ?? 'function') });
  }
  routes.sort((a, b) => compareRoutePrecedence(a.template, b.template));
  for (const [i, a] of routes.entries()) {
    for (const b of routes.slice(i + 1)) {
      if (normaliseTemplate(a.route) !== normaliseTemplate(b.route)) continue;
      const overlap = !a.methods || !b.methods ? (a.methods ?? b.methods ?? ['*']) : a.methods.filter((m) => b.methods!.includes(m));
      if (overlap.length > 0) {
        throw new HostConfigurationError(`functions ${a.fn.name} and ${b.fn.name} both answer ${overlap.join(', ')} ${a.route}`);
      }
    }
  }
  return routes;
}

export function routeOf(fn: RegisteredFunction): string {
  return typeof fn.trigger.route === 'string' ? fn.trigger.route : fn.name;
}

function normaliseTemplate(route: string): string {
  return route
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase()
    .replace(/\{\*{0,2}([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, '{}');
}

export interface HttpHostOptions {
  routes: HttpRoute[];
  routePrefix: string;
  invoker: Invoker;
  devRoutes?: DevRoute[];
  log: HostLog;
  /** The Functions host refuses bodies over 100 MB. */
  maxBodyBytes?: number;
}

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
}

function problemBody(status: number, detail: string): ProblemBody {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, contentType = 'application/json', extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendProblem(res: http.ServerResponse, status: number, detail: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, problemBody(status, detail), 'application/problem+json', extra);
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function flattenHeaders(req: http.IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function bodyBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.string !== undefined) return Buffer.from(data.string, 'utf8');
  if (data.json !== undefined) return Buffer.from(data.json, 'utf8');
  if (data.int !== undefined) return Buffer.from(String(data.int));
  if (data.double !== undefined) return Buffer.from(String(data.double));
  return Buffer.alloc(0);
}

export function serialiseCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires?.seconds !== undefined) parts.push(`Expires=${new Date(Number(expires.seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 'lax') parts.push('SameSite=Lax');
  else if (cookie.sameSite === 'strict') parts.push('SameSite=Strict');
  else if (cookie.sameSite === 'explicitNone') parts.push('SameSite=None');
  return parts.join('; ');
}

function writeFunctionResponse(res: http.ServerResponse, method: string, returned: RpcTypedData | null | undefined): void {
  const data: RpcHttpData | undefined = returned?.http;
  if (!data) {
    // The handler returned nothing: an empty success, as the Functions host answers.
    res.writeHead(204);
    res.end();
    return;
  }
  const status = Number(data.statusCode ?? 200);
  const body = bodyBytes(data.body);
  const headers: Record<string, string | string[]> = { ...data.headers };
  const cookies = (data.cookies ?? []).map(serialiseCookie);
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-length') && status !== 204 && status !== 304) {
    headers['content-length'] = String(body.length);
  }
  res.writeHead(Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500, headers);
  res.end(method === 'HEAD' || status === 204 || status === 304 ? undefined : body);
}

/** The request listener of the local host: routes to HTTP functions (and dev routes) below the prefix. */
export function createHttpListener(options: HttpHostOptions): http.RequestListener {
  const prefix = options.routePrefix.replace(/^\/+|\/+$/g, '');
  const limit = options.maxBodyBytes ?? 100 * 1024 * 1024;
  const log = (message: string) => options.log('information', 'http', message);

  return (req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const hostHeader = req.headers.host ?? `127.0.0.1:${(req.socket.localPort ?? 0).toString()}`;
      let url: URL;
      try {
        url = new URL(req.url ?? '/', `http://${hostHeader}`);
      } catch {
        url = new URL(req.url ?? '/', `http://127.0.0.1:${(req.socket.localPort ?? 0).toString()}`);
      }
      const pathname = url.pathname;
      let below: string | undefined;
      if (prefix === '') below = pathname.replace(/^\/+/, '');
      else {
        const lower = pathname.toLowerCase();
        const head = `/${prefix.toLowerCase()}`;
        if (lower === head || lower === `${head}/`) below = '';
        else if (lower.startsWith(`${head}/`)) below = pathname.slice(head.length + 1);
      }
      if (below === undefined) {
        log(`${method} ${pathname} -> 404 (outside /${prefix})`);
        req.resume();
        return sendProblem(res, 404, `no route ${pathname}; functions are served under /${prefix}/`);
      }

      const allowed = new Set<string>();
      for (const route of options.routes) {
        const params = route.template.match(below);
        if (!params) continue;
        if (route.methods && !route.methods.includes(method)) {
          route.methods.forEach((m) => allowed.add(m));
          continue;
        }
        let raw: Buffer;
        try {
          raw = await readBody(req, limit);
        } catch (error) {
          if (error instanceof BodyTooLarge) return sendProblem(res, 413, `request body is larger than ${limit} bytes`);
          throw error;
        }
        const httpData: RpcHttpData = {
          method,
          url: url.toString(),
          headers: flattenHeaders(req),
          params,
          body: { bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) },
        };
        try {
          const outcome = await options.invoker.invoke(route.fn, { triggerData: { http: httpData }, reason: `HTTP ${method} ${pathname}` });
          writeFunctionResponse(res, method, outcome.response.returnValue);
        } catch {
          if (!res.headersSent) sendProblem(res, 500, `function ${route.fn.name} failed; see the host log`);
          else res.end();
        }
        return;
      }

      for (const dev of options.devRoutes ?? []) {
        if (dev.path.toLowerCase() !== below.replace(/\/+$/, '').toLowerCase()) continue;
        if (dev.method !== method) {
          allowed.add(dev.method);
          continue;
        }
        req.resume();
        const answer = await dev.handle(url);
        return sendJson(res, answer.status, answer.body);
      }

      req.resume();
      if (allowed.size > 0) {
        const allow = [...allowed].sort().join(', ');
        log(`${method} ${pathname} -> 405 (allowed: ${allow})`);
        return sendProblem(res, 405, `${method} is not allowed on ${pathname}; use ${allow}`, { allow });
      }
      log(`${method} ${pathname} -> 404`);
      return sendProblem(res, 404, `no function answers ${pathname}`);
    })().catch((error: unknown) => {
      options.log('error', 'http', `request failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (!res.headersSent) sendProblem(res, 500, 'the local host failed to handle the request');
      else res.end();
    });
  };
}

/** Listens on `port` (0 picks a free one) and resolves with the base URL. */
export async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shownHost}:${address.port}`;
}
