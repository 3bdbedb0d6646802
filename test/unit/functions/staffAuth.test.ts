import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { authorizeStaff, readPrincipal, SIGN_IN_PATH, staffAuthSettings } from '../../../src/functions/http/staffAuth.js';

const ROLE_CLAIM = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

/** X-MS-CLIENT-PRINCIPAL as App Service Authentication writes it for an Entra ID user. */
function principal(roles: string[], extra: Array<{ typ: string; val: string }> = []): string {
  const claims = [
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '5f1c0d2e-0000-4000-8000-000000000001' },
    { typ: 'name', val: 'Ada Staff' },
    ...roles.map((role) => ({ typ: ROLE_CLAIM, val: role })),
    ...extra,
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: ROLE_CLAIM, claims })).toString('base64');
}

function request(method: string, headers: Record<string, string> = {}): HttpRequest {
  return new HttpRequest({ url: 'https://relay.example.net/api/staff/jobs', method, headers });
}

const inAzure = { localOwner: false, platformAuth: true };
const onLocalHost = { localOwner: true, platformAuth: false };

function refusal(result: ReturnType<typeof authorizeStaff>): { status: number | undefined; body: Record<string, unknown> } {
  if (result.ok) throw new Error('expected a refusal');
  return { status: result.response.status, body: JSON.parse(String(result.response.body)) as Record<string, unknown> };
}

describe('the staff console check (one place: authorizeStaff)', () => {
  it('stays shut (503) where App Service Authentication is not in front of the app, whatever principal is sent', () => {
    const refused = refusal(authorizeStaff(request('GET', { 'x-ms-client-principal': principal(['owner']) }), { localOwner: false, platformAuth: false }));
    expect(refused.status).toBe(503);
    expect(refused.body.detail).toContain('App Service Authentication is not enabled');
  });

  it('trusts the principal header only when the platform sets WEBSITE_AUTH_ENABLED', () => {
    expect(staffAuthSettings({ CONSOLE_LOCAL_OWNER: 'false', WEBSITE_AUTH_ENABLED: 'True' })).toEqual({ localOwner: false, platformAuth: true });
    expect(staffAuthSettings({ CONSOLE_LOCAL_OWNER: 'true', WEBSITE_AUTH_ENABLED: undefined })).toEqual({ localOwner: true, platformAuth: false });
  });

  it('answers 401 with where to sign in when no one is signed in', () => {
    const refused = refusal(authorizeStaff(request('GET'), inAzure));
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ status: 401, signIn: SIGN_IN_PATH, detail: expect.stringContaining('sign in') });
  });

  it('answers 403 to a signed-in principal without the staff or owner role', () => {
    const refused = refusal(authorizeStaff(request('GET', { 'x-ms-client-principal': principal(['reader']) }), inAzure));
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('Ada Staff is signed in but has neither the staff nor the owner role');
  });

  it('lets staff and owners in, with their id, name and roles from the principal', () => {
    for (const role of ['staff', 'owner']) {
      const allowed = authorizeStaff(request('GET', { 'x-ms-client-principal': principal([role]) }), inAzure);
      expect(allowed).toEqual({ ok: true, value: { id: '5f1c0d2e-0000-4000-8000-000000000001', name: 'Ada Staff', roles: [role] } });
    }
  });

  it('reads roles from the claims the principal names as its role type, or from "roles"', () => {
    const plainRoles = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'oid', val: 'u-1' }, { typ: 'roles', val: 'staff' }] })).toString('base64');
    expect(readPrincipal(new Headers({ 'x-ms-client-principal': plainRoles }))).toEqual({ user: { id: 'u-1', name: 'u-1', roles: ['staff'] } });
    // A role claim under another type is not a role.
    expect(authorizeStaff(request('GET', { 'x-ms-client-principal': principal([], [{ typ: 'groups', val: 'owner' }]) }), inAzure).ok).toBe(false);
  });

  it('refuses a header that is not the platform\'s base64 JSON (401), never guessing a user from it', () => {
    for (const forged of ['not base64 json', Buffer.from('{"claims": "owner"}').toString('base64'), Buffer.from('{"claims": []}').toString('base64')]) {
      expect(refusal(authorizeStaff(request('GET', { 'x-ms-client-principal': forged }), onLocalHost)).status).toBe(401);
    }
  });

  it('on a local host (CONSOLE_LOCAL_OWNER) signs in the local owner only when no principal is sent; a principal sent is judged as it is', () => {
    expect(authorizeStaff(request('GET'), onLocalHost)).toEqual({ ok: true, value: { id: 'local-owner', name: 'Local owner', roles: ['owner'] } });
    // A request claiming to be someone without a role is not upgraded to the local owner.
    expect(refusal(authorizeStaff(request('GET', { 'x-ms-client-principal': principal(['guest']) }), onLocalHost)).status).toBe(403);
  });

  it('refuses a change without the console header, or from another origin (403), and lets the console\'s own through', () => {
    const headers = { 'x-ms-client-principal': principal(['staff']) };
    expect(refusal(authorizeStaff(request('POST', headers), inAzure))).toMatchObject({ status: 403, body: { detail: expect.stringContaining('X-Requested-With: repair-relay-console') } });
    const console = { ...headers, 'x-requested-with': 'repair-relay-console' };
    expect(refusal(authorizeStaff(request('POST', { ...console, origin: 'https://evil.example' }), inAzure)).status).toBe(403);
    expect(authorizeStaff(request('POST', { ...console, origin: 'https://relay.example.net' }), inAzure).ok).toBe(true);
    expect(authorizeStaff(request('POST', console), inAzure).ok).toBe(true);
    // Reads need no header.
    expect(authorizeStaff(request('GET', headers), inAzure).ok).toBe(true);
  });
});
