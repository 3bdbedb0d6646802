import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalHost, type LocalHost } from '../../dev/host.js';
import { demoPageLink } from '../../scripts/lib/demoJobs.js';
import { loadConfig } from '../../src/config.js';
import { getRelay } from '../../src/processRelay.js';
import { collectPageErrors, launchBrowser, openPage, seriousAccessibilityViolations } from '../kit/browser.js';
import { createThrowawayDatabase, insertClientJobs, type ThrowawayDatabase } from '../kit/mysql.js';
import { freePort } from '../support/cli.js';
import { createClientDatabase } from '../support/clientDatabase.js';
import { eventually } from '../kit/eventually.js';

/** A phone's screen (an iPhone 13's CSS pixels): the page is written for it first. */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/**
 * The customer page in Debian's Chromium, served by the local host exactly as `npm start` runs it
 * (the app's function files, MariaDB, the embedded Cosmos server, the SMS sandbox): the link in the
 * courtesy SMS opens the page, with JavaScript and without, and axe finds no serious WCAG 2.2 AA
 * violation on any state of it.
 */
describe('the customer page in a browser', () => {
  let client: ThrowawayDatabase;
  let ledger: ThrowawayDatabase;
  let host: LocalHost;
  let browser: Browser;
  let env: Record<string, string>;

  /** A NEW job in the client table; resolves with the link its courtesy SMS carried. */
  async function linkOfNewJob(id: number, productType: string): Promise<string> {
    await insertClientJobs(client.pool, [{ id, firstName: 'Amara', productType, type: 'screen replacement', mobile: `+4479111234${String(id).slice(-2)}` }]);
    const sms = await eventually(() => {
      const found = host.sandbox!.sent.find((s) => s.clientRef === `job-${id}-received`);
      if (!found) throw new Error(`no courtesy SMS for job ${id} yet`);
      return found;
    });
    const link = /(http:\/\/\S+\/api\/t\/[A-Za-z0-9_-]{22})/.exec(sms.text)?.[1];
    expect(link, sms.text).toBeDefined();
    return link!;
  }

  /**
   * axe runs as a script, which a page without JavaScript cannot: the same markup (the page as the
   * customer got it, even a form's 422 answer) is served to a page of its own at the same address.
   */
  async function expectAccessible(page: Page): Promise<void> {
    const markup = await page.content();
    const checker = await openPage(browser, PHONE);
    await checker.route(page.url(), (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: markup }));
    await checker.goto(page.url());
    expect(await seriousAccessibilityViolations(checker)).toEqual([]);
    await checker.context().close();
  }

  beforeAll(async () => {
    [client, ledger] = await Promise.all([createClientDatabase(), createThrowawayDatabase('ledger')]);
    env = { CLIENT_DB_URL: client.url, LEDGER_DB_URL: ledger.url, POLL_SCHEDULE: '* * * * * *', PORT: String(await freePort()), LOCAL_COSMOS_STATE: 'off' };
    host = await startLocalHost({
      env: { ...env },
      functionFiles: 'src/functions/index.ts',
      importModule: (file) => import(file),
      log: () => undefined,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await Promise.all([client?.drop(), ledger?.drop()]);
  });

  it('opens from the courtesy SMS link on a phone, detects the time zone with JavaScript, and passes axe', async () => {
    const link = await linkOfNewJob(301, 'Google Pixel 8 Pro');
    expect(link.startsWith(`${host.url}/api/t/`)).toBe(true);
    // npm run demo prints the same link for its example job.
    expect(demoPageLink(loadConfig(env, { localHost: true }), env, 301)).toBe(link);
    const page = await openPage(browser, { ...PHONE, timezoneId: 'America/New_York' });
    const errors = collectPageErrors(page);
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Hello Amara, here is your Google Pixel 8 Pro');
    await expect(page.locator('#timezone').inputValue()).resolves.toBe('America/New_York');
    await expect(page.locator('#timezone-detected').textContent()).resolves.toContain('from your device');
    await expectAccessible(page);
    // Nothing on the page scrolls sideways on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.viewport.width);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('works without JavaScript: preferences, a refused form and a question, each page axe-clean', async () => {
    const link = await linkOfNewJob(302, 'iPad Air (5th generation)');
    const page = await openPage(browser, { ...PHONE, javaScriptEnabled: false });
    const errors = collectPageErrors(page);
    await page.goto(link);
    // Without the script the zone stays the shop's until the customer picks theirs.
    await expect(page.locator('#timezone').inputValue()).resolves.toBe('Europe/London');

    await page.getByLabel('Only on the days and times below').check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForLoadState();
    await expect(page.locator('.problems').textContent()).resolves.toContain('Tick at least one day');
    await expectAccessible(page);

    await page.getByLabel('WhatsApp').check();
    await page.getByLabel('Monday', { exact: true }).check();
    await page.getByLabel('Monday from').fill('10:00');
    await page.getByLabel('Monday until').fill('12:30');
    await page.getByLabel('Your time zone').selectOption('Europe/Paris');
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await page.waitForURL(/\?done=saved$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Your choices are saved');
    await expectAccessible(page);
    const relay = await getRelay();
    const customerId = (await relay.getJob(302, 'browser-test'))?.job.customer_id;
    expect(customerId).toBeGreaterThan(0);
    expect(await relay.getCustomer(customerId!)).toMatchObject({
      timezone: 'Europe/Paris',
      contactHours: [{ days: ['Mon'], from: '10:00', to: '12:30' }],
      subscriptions: [{ channel: 'sms' }, { channel: 'whatsapp' }],
    });

    await page.getByLabel('Your question about this repair').fill('Is the charger included?');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.waitForURL(/\?done=asked$/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('we have your question');
    expect((await relay.listInbox('pending', 10)).map((m) => [m.jobId, m.text])).toContainEqual([302, 'Is the charger included?']);
    // The refused form's page came with 422 by design, which Chromium logs; nothing else went wrong.
    expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
    await page.context().close();
  });
});
