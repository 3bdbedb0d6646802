/**
 * The console's one way to the JSON routes. Every request carries `X-Requested-With`, which the
 * server requires of state-changing requests (a cross-site form cannot set it). A 401 or 403 is
 * raised as `SignInRequired` / `RoleRequired`, which the app shows as a page of its own.
 */

export const SIGN_IN_URL = '/.auth/login/aad?post_login_redirect_uri=/api/console/';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export class SignInRequired extends ApiError {}
export class RoleRequired extends ApiError {}

interface Problem {
  detail?: string;
  title?: string;
  signIn?: string;
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    return (await response.json()) as Problem;
  } catch {
    return {};
  }
}

export async function request<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'repair-relay-console' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check the connection and try again.');
  }
  if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T;
  const problem = await problemOf(response);
  const detail = problem.detail ?? problem.title ?? `The server answered ${response.status}.`;
  if (response.status === 401) throw new SignInRequired(401, detail);
  if (response.status === 403 && method === 'GET') throw new RoleRequired(403, detail);
  throw new ApiError(response.status, detail);
}

export const get = <T>(url: string) => request<T>('GET', url);
export const post = <T>(url: string, body?: unknown) => request<T>('POST', url, body);

/** A query string from a record, leaving out empty values: `{status: 'NEW', q: ''}` → `?status=NEW`. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}
