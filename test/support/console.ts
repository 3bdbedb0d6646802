import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';

type Handler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** X-MS-CLIENT-PRINCIPAL as App Service Authentication sets it for a signed-in Entra ID user with these app roles. */
export function staffPrincipal(roles: string[], name = 'Sam Staff', id = 'staff-1'): string {
  const claims = [{ typ: 'oid', val: id }, { typ: 'name', val: name }, ...roles.map((val) => ({ typ: 'roles', val }))];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');
}

/** The headers the console's own page sends with a change. */
export const CONSOLE_HEADERS = { 'x-requested-with': 'repair-relay-console', origin: 'http://localhost:7071' };

/** Calls a console handler as the host would, signed in as staff unless the headers say otherwise; parses the JSON answer. */
export async function callConsole(handler: Handler, path: string, init: { method?: string; headers?: Record<string, string>; params?: Record<string, string>; body?: unknown } = {}) {
  const request = new HttpRequest({
    url: `http://localhost:7071/api/${path}`,
    method: init.method ?? 'GET',
    headers: { 'x-ms-client-principal': staffPrincipal(['staff']), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    params: init.params ?? {},
    ...(init.body === undefined ? {} : { body: { string: JSON.stringify(init.body) } }),
  });
  const response = new HttpResponse(await handler(request, new InvocationContext({ functionName: 'test' })));
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}
