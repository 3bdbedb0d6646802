import { HttpRequest, HttpResponse, InvocationContext, type HttpResponseInit } from '@azure/functions';
import { registrations } from '../../dev/functionsCore.js';
import '../../src/functions/customerPage/assets.js';
import '../../src/functions/customerPage/customerPage.js';
import '../../src/functions/customerPage/customerPageForms.js';

export interface PageAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Calls a registered customer page function (rate limit included) the way the host does, with the library's own request. */
export async function callPage(
  name: 'customerPage' | 'customerPreferences' | 'customerQuestion' | 'customerFeedback' | 'customerPageAsset',
  params: Record<string, string>,
  options: { form?: Record<string, string | string[]>; headers?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<PageAnswer> {
  const fields = Object.entries(options.form ?? {}).flatMap(([key, value]): Array<[string, string]> => (Array.isArray(value) ? value.map((v): [string, string] => [key, v]) : [[key, value]]));
  const body = options.form && new URLSearchParams(fields).toString();
  const request = new HttpRequest({
    method: options.form ? 'POST' : 'GET',
    url: `http://localhost:7071/api/t/${params.token ?? params.file}`,
    headers: { ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...options.headers },
    params,
    query: options.query ?? {},
    ...(body === undefined ? {} : { body: { string: body } }),
  });
  const init = (await registrations.get(name)!.handler(request, new InvocationContext({ functionName: name }))) as HttpResponseInit;
  const response = new HttpResponse(init);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The token of the first customer page link in a message's text. */
export function tokenIn(text: string): string {
  const match = /\/api\/t\/([A-Za-z0-9_-]{22})\b/.exec(text);
  if (!match) throw new Error(`no customer page link in "${text}"`);
  return match[1]!;
}

/** The form token the page hides in its forms. */
export function formTokenIn(page: string): string {
  const match = /name="formToken" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('the page has no form token');
  return match[1]!;
}
