import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, openPage } from '../kit/browser.js';
import { startConsoleStack, type ConsoleStack } from '../support/consoleStack.js';

/** App Service Authentication's header for a signed-in user with these roles. */
function principal(roles: string[]): string {
  const claims = [
    { typ: 'name', val: 'Sam Staff' },
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '00000000-0000-0000-0000-000000000007' },
    ...roles.map((role) => ({ typ: 'roles', val: role })),
  ];
  return Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'name', role_typ: 'roles', claims })).toString('base64');
}

/**
 * Who may use the console, on a local host without its local owner (CONSOLE_LOCAL_OWNER off) and
 * with WEBSITE_AUTH_ENABLED, which App Service sets when its Authentication runs in front of the app:
 * as in Azure.
 */
describe('staff console sign-in and roles', () => {
  let stack: ConsoleStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack({ env: { CONSOLE_LOCAL_OWNER: 'false', WEBSITE_AUTH_ENABLED: 'true' } }), launchBrowser()]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  /** The browser reports a 401 or 403 answer as a console error; every other error still fails the test. */
  const unexpected = (errors: string[], status: number) => errors.filter((line) => !line.includes(`status of ${status}`));

  it('answers 401 without a principal, and the console offers a sign-in link', async () => {
    const me = await fetch(`${stack.host.apiUrl}/staff/me`);
    expect(me.status).toBe(401);
    expect(await me.json()).toMatchObject({ signIn: '/.auth/login/aad?post_login_redirect_uri=/api/console/' });
    const page = await openPage(browser);
    const errors = collectPageErrors(page);
    await page.goto(`${stack.consoleUrl}jobs`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to the Repair Relay console' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/.auth/login/aad?post_login_redirect_uri=/api/console/');
    await page.close();
    expect(unexpected(errors, 401)).toEqual([]);
  });

  it('answers 403 to a signed-in user without the staff or owner role, and the console says which role is needed', async () => {
    const me = await fetch(`${stack.host.apiUrl}/staff/me`, { headers: { 'x-ms-client-principal': principal(['reader']) } });
    expect(me.status).toBe(403);
    const page = await openPage(browser, { extraHTTPHeaders: { 'x-ms-client-principal': principal(['reader']) } });
    const errors = collectPageErrors(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('heading', { level: 1, name: 'You need the staff or owner role' }).waitFor();
    await page.close();
    expect(unexpected(errors, 403)).toEqual([]);
  });

  it('lets a signed-in user with the staff role in', async () => {
    const page = await openPage(browser, { extraHTTPHeaders: { 'x-ms-client-principal': principal(['staff']) } });
    const errors = collectPageErrors(page);
    await page.goto(stack.consoleUrl);
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();
    expect(await page.locator('.user').textContent()).toContain('Sam Staff');
    await page.close();
    expect(errors).toEqual([]);
  });
});
