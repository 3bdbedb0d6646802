import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import type { AppConfig } from '../../config.js';
import { isStaff, LOCAL_OWNER, type StaffUser } from '../../domain/console/staff.js';
import { err, okValue } from '../../domain/shared/result.js';
import { getRelay } from '../../processRelay.js';
import { rateLimited } from './clientRateLimit.js';
import { answer, problem, type HttpResult } from './http.js';

/** Where the console sends someone who is not signed in: App Service Authentication's Entra ID sign-in, back to the console. */
export const SIGN_IN_PATH = '/.auth/login/aad?post_login_redirect_uri=/api/console/';

/** The header the console's client sends on every request; a cross-site form or image cannot set it. */
export const CONSOLE_REQUEST_HEADER = { name: 'x-requested-with', value: 'repair-relay-console' } as const;

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Claim types the platform uses for the object id and the display name when `name_typ` names none. */
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAME_CLAIMS = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];

/** X-MS-CLIENT-PRINCIPAL: base64 of this JSON, set by App Service Authentication (it strips any a client sends). */
const principalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })).max(500),
});

export interface StaffAuthSettings {
  /** CONSOLE_LOCAL_OWNER=true: no principal means the local owner (local hosts only; loadConfig refuses it elsewhere). */
  localOwner: boolean;
  /** WEBSITE_AUTH_ENABLED: App Service Authentication runs in front of the app and strips any principal header a client sends. */
  platformAuth: boolean;
}

/** The settings the check reads, from the app's configuration. */
export function staffAuthSettings(config: Pick<AppConfig, 'CONSOLE_LOCAL_OWNER' | 'WEBSITE_AUTH_ENABLED'>): StaffAuthSettings {
  return { localOwner: config.CONSOLE_LOCAL_OWNER === 'true', platformAuth: config.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() === 'true' };
}

type Headers = Pick<HttpRequest['headers'], 'get'>;

/** The principal the platform signed in, or why the header cannot be read (a forged or broken header is refused, never guessed at). */
export function readPrincipal(headers: Headers): { user: StaffUser } | { absent: true } | { broken: string } {
  const raw = headers.get('x-ms-client-principal');
  if (raw === null || raw.trim() === '') return { absent: true };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return { broken: 'the X-MS-CLIENT-PRINCIPAL header is not base64 JSON' };
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) return { broken: 'the X-MS-CLIENT-PRINCIPAL header does not describe a principal' };
  const { claims, name_typ: nameType, role_typ: roleType } = parsed.data;
  const first = (types: readonly string[]) => types.flatMap((typ) => claims.filter((claim) => claim.typ === typ).map((claim) => claim.val))[0];
  const id = first(OBJECT_ID_CLAIMS) ?? headers.get('x-ms-client-principal-id') ?? undefined;
  if (!id) return { broken: 'the X-MS-CLIENT-PRINCIPAL header names no user' };
  const name = first([...(nameType ? [nameType] : []), ...NAME_CLAIMS]) ?? id;
  const roleTypes = new Set([roleType ?? 'roles', 'roles']);
  const roles = claims.filter((claim) => roleTypes.has(claim.typ)).map((claim) => claim.val);
  return { user: { id: id.slice(0, 128), name: name.slice(0, 200), roles } };
}

/** A console request that changes state must come from the console's own page (CSRF): its header, and its own origin when the browser names one. */
export function checkSameOrigin(request: Pick<HttpRequest, 'method' | 'url' | 'headers'>): HttpResult<true> {
  if (!STATE_CHANGING.has(request.method.toUpperCase())) return okValue(true);
  if (request.headers.get(CONSOLE_REQUEST_HEADER.name) !== CONSOLE_REQUEST_HEADER.value) {
    return err({ response: problem(403, `a request that changes something must carry the header X-Requested-With: ${CONSOLE_REQUEST_HEADER.value} (sent by the console)`) });
  }
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== new URL(request.url).origin) {
    return err({ response: problem(403, 'the request comes from another site; the console only accepts changes from its own page') });
  }
  return okValue(true);
}

/**
 * The one check of who may use the console: 503 unless App Service Authentication (or a local
 * host's local owner) stands in front of it, 401 (with where to sign in) without a principal, 403
 * for a principal without the `staff` or `owner` app role, then the same-origin check for changes.
 */
export function authorizeStaff(request: Pick<HttpRequest, 'method' | 'url' | 'headers'>, settings: StaffAuthSettings): HttpResult<StaffUser> {
  // Without App Service Authentication anyone could send the header: the console stays shut rather than trust it.
  if (!settings.platformAuth && !settings.localOwner) {
    return err({ response: problem(503, 'App Service Authentication is not enabled for this app, so no one can sign in to the console (docs/deploy.md, Staff sign-in)') });
  }
  const principal = readPrincipal(request.headers);
  if ('broken' in principal) return err({ response: problem(401, `${principal.broken}; sign in again`, { signIn: SIGN_IN_PATH }) });
  if ('absent' in principal && !settings.localOwner) {
    return err({ response: problem(401, 'sign in with your work account to use the staff console', { signIn: SIGN_IN_PATH }) });
  }
  const user = 'user' in principal ? principal.user : LOCAL_OWNER;
  if (!isStaff(user)) return err({ response: problem(403, `${user.name} is signed in but has neither the staff nor the owner role; ask the owner to assign one`) });
  const sameOrigin = checkSameOrigin(request);
  return sameOrigin.ok ? okValue(user) : sameOrigin;
}

export type StaffHandler = (request: HttpRequest, context: InvocationContext, user: StaffUser) => Promise<HttpResponseInit>;

/**
 * Wraps a console handler: it runs only for staff, and its failures answer as problems (answer).
 * The route is anonymous to the Functions host (App Service Authentication decides who the user
 * is), so, like every anonymous route, one client cannot flood it.
 */
export function staffOnly(handler: StaffHandler): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  const limited = rateLimited((request, context) =>
    answer(context, async () => {
      const { config } = await getRelay();
      const user = authorizeStaff(request, staffAuthSettings(config));
      if (!user.ok) return user.response;
      return handler(request, context, user.value);
    }),
  );
  // Both ways through rateLimited answer with an HttpResponseInit: the handler's, or its 429.
  return async (request, context) => (await limited(request, context)) as HttpResponseInit;
}
