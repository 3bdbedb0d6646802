import { HttpRequest, HttpResponse, type HttpResponseInit } from '@azure/functions';
import http from 'node:http';
import { buffer } from 'node:stream/consumers';
import type { Registration } from './functionsCore.js';
import { describeError, HostConfigurationError, problem } from './settings.js';

/**
 * Routes as the app writes them: literal segments and plain `{name}` parameters, e.g.
 * `jobs/{jobId}/status` or `brands/{brandId}/discount-codes/claim`, and a last `{*name}` catch-all
 * (`console/{*path}`: the rest of the path, slashes and all, or nothing). Literals match without
 * regard to case, a trailing slash is ignored, and a literal segment wins over a parameter, which
 * wins over a catch-all.
 */
export interface Route {
  template: string;
  match(path: string): Record<string, string> | undefined;
  /** Sorts literal-first: one character per segment, "0" literal, "1" parameter. */
  rank: string;
}

const CATCH_ALL = '(.*?)';

export function parseRoute(template: string): Route {
  const segments = template.trim().replace(/^\/+|\/+$/g, '').split('/');
  const names: string[] = [];
  const parts = segments.map((segment, index) => {
    const catchAll = /^\{\*([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
    if (catchAll && index === segments.length - 1) {
      names.push(catchAll[1]!);
      return CATCH_ALL;
    }
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
    if (param) {
      if (names.some((n) => n.toLowerCase() === param[1]!.toLowerCase())) throw new HostConfigurationError(`route "${template}" names {${param[1]}} twice`);
      names.push(param[1]!);
      return '([^/]+)';
    }
    if (segment === '' || /[{}]/.test(segment)) {
      throw new HostConfigurationError(`route "${template}": the local host supports literal segments, plain {name} parameters and a last {*name}, not "${segment}"`);
    }
    return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  });
  // A catch-all also matches nothing at all, slash included: `console/{*path}` answers `console`.
  const pattern = parts.join('/').replace(`/${CATCH_ALL}`, `(?:/${CATCH_ALL})?`);
  const regex = new RegExp(`^${pattern}/?$`, 'i');
  return {
    template,
    rank: parts.map((p) => (p === '([^/]+)' ? '1' : p === CATCH_ALL ? '2' : '0')).join(''),
    match(path) {
      const found = regex.exec(path.replace(/^\/+/, ''));
      if (!found) return undefined;
      try {
        return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]));
      } catch {
        return undefined; // a malformed %-escape matches nothing
      }
    },
  };
}

export interface HttpFunction {
  fn: Registration;
  route: Route;
  /** Upper-case methods the function accepts (the library defaults to GET and POST). */
  methods: string[];
}

/** The HTTP functions' routes, literal-first; two functions on one route and method stop the host, as in Azure. */
export function httpFunctions(functions: Registration[], routeOf: (fn: Registration) => string): HttpFunction[] {
  const routes = functions.map((fn) => ({
    fn,
    route: parseRoute(routeOf(fn)),
    methods: ((fn.trigger.methods as string[] | undefined) ?? ['GET', 'POST']).map((m) => m.toUpperCase()),
  }));
  routes.sort((a, b) => a.route.rank.localeCompare(b.route.rank));
  const seen = new Map<string, string>();
  for (const { fn, route, methods } of routes) {
    for (const method of methods) {
      const key = `${method} ${route.template.toLowerCase().replace(/\{\*[^}]+\}/g, '{*}').replace(/\{[^*}][^}]*\}/g, '{}').replace(/^\/+|\/+$/g, '')}`;
      if (seen.has(key)) throw new HostConfigurationError(`functions ${seen.get(key)} and ${fn.name} both answer ${method} ${route.template}`);
      seen.set(key, fn.name);
    }
  }
  return routes;
}

export interface DevRoute {
  path: string;
  handle(): { status: number; body: unknown };
}

export interface ListenerOptions {
  routes: HttpFunction[];
  routePrefix: string;
  /** Runs one invocation and resolves with what the handler returned; rejects when it threw. */
  invoke(fn: Registration, request: HttpRequest, reason: string): Promise<unknown>;
  devRoutes: DevRoute[];
  /** Where `GET /` sends a browser (the staff console), if anywhere. */
  rootRedirect?: string;
  log(message: string): void;
  /** Told of each request's handling, so a graceful stop can wait until responses are written. */
  track?(handling: Promise<void>): void;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function writeResponse(res: http.ServerResponse, method: string, returned: unknown): Promise<void> {
  // A handler that returns nothing gets an empty success, as under the Functions host.
  if (returned === undefined || returned === null) return void res.writeHead(204).end();
  const response = returned instanceof HttpResponse ? returned : new HttpResponse(returned as HttpResponseInit);
  const body = Buffer.from(await response.arrayBuffer());
  // Cookies are not passed on: no function of the app sets one.
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(method === 'HEAD' ? undefined : body);
}

/** The local host's request listener: HTTP functions (and then dev routes) below the route prefix. */
export function createHttpListener(options: ListenerOptions): http.RequestListener {
  const prefix = options.routePrefix ? `/${options.routePrefix.toLowerCase()}` : '';
  return (req, res) => {
    const handling = (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `127.0.0.1:${req.socket.localPort ?? 0}`}`);
      const lower = url.pathname.toLowerCase();
      if (url.pathname === '/' && options.rootRedirect && (method === 'GET' || method === 'HEAD')) {
        req.resume();
        return void res.writeHead(302, { location: options.rootRedirect, 'content-length': 0 }).end();
      }
      const below = lower === prefix ? '' : lower.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length + 1) : undefined;
      const allowed = new Set<string>();
      for (const { fn, route, methods } of below === undefined ? [] : options.routes) {
        const params = route.match(below!);
        if (!params) continue;
        if (!methods.includes(method)) {
          methods.forEach((m) => allowed.add(m));
          continue;
        }
        const raw = await buffer(req);
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
        const request = new HttpRequest({ method, url: url.toString(), headers, params, body: { bytes: raw } });
        let returned: unknown;
        try {
          returned = await options.invoke(fn, request, `HTTP ${method} ${url.pathname}`);
        } catch {
          return send(res, 500, problem(500, `function ${fn.name} failed; see the host log`));
        }
        return writeResponse(res, method, returned);
      }
      req.resume();
      const dev = below === undefined ? undefined : options.devRoutes.find((d) => d.path === below.replace(/\/+$/, '').toLowerCase());
      if (dev && method === 'GET') {
        const answer = dev.handle();
        return send(res, answer.status, answer.body);
      }
      if (dev) allowed.add('GET');
      if (allowed.size > 0) {
        const allow = [...allowed].sort().join(', ');
        options.log(`${method} ${url.pathname} -> 405 (allowed: ${allow})`);
        return send(res, 405, problem(405, `${method} is not allowed on ${url.pathname}; use ${allow}`), { allow });
      }
      options.log(`${method} ${url.pathname} -> 404`);
      return send(res, 404, problem(404, `no function answers ${url.pathname}`));
    })().catch((error: unknown) => {
      options.log(`${req.method} ${req.url} failed in the local host: ${describeError(error)}`);
      if (!res.headersSent) send(res, 500, problem(500, 'the local host failed to handle the request'));
      else res.end();
    });
    options.track?.(handling);
  };
}
