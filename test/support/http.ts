import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { registrations } from '../../dev/functionsCore.js';

export interface CallOptions {
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** Text, or exact bytes (a Buffer) for tests about how the body travelled. */
  body?: string | Buffer;
  query?: Record<string, string>;
}

export interface CallResult {
  status: number;
  contentType: string | null;
  body: Record<string, unknown>;
}

/** Invokes a registered HTTP function the way the host does, with the library's own request and context. */
export async function callHttpFunction(name: string, method: string, options: CallOptions = {}): Promise<CallResult> {
  const registration = registrations.get(name);
  if (!registration) throw new Error(`function ${name} is not registered`);
  const request = new HttpRequest({
    method,
    url: `http://localhost:7071/api/${name}`,
    headers: { 'content-type': 'application/json', ...options.headers },
    params: options.params ?? {},
    query: options.query ?? {},
    ...(options.body === undefined ? {} : { body: typeof options.body === 'string' ? { string: options.body } : { bytes: new Uint8Array(options.body) } }),
  });
  const context = new InvocationContext({ functionName: name, invocationId: randomUUID() });
  const init = (await registration.handler(request, context)) as HttpResponseInit;
  const response = new HttpResponse(init);
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
