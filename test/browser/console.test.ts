import http from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchBrowser, openPage, seriousAccessibilityViolations } from '../kit/browser.js';
import { eventually } from '../kit/eventually.js';
import { startConsoleStack, type ConsoleStack } from '../support/consoleStack.js';

/**
 * The staff console driven in Debian's Chromium against the local host `npm start` runs (real
 * function files, MariaDB, embedded Cosmos, the SMS sandbox), signed in as its local owner: the
 * stories of issue 23, axe on every screen, the keyboard alone, and no console errors.
 */

const SCREENS = ['jobs', 'jobs/601', 'messages', 'inbox', 'failures'] as const;
const REPLY = 'Yes, your phone is ready: collect it any time before 6pm.';

/** A raw GET, so a path the WHATWG URL parser would normalise (`..%2f`) reaches the server as sent. */
function rawGet(base: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

describe('staff console in the browser', () => {
  let stack: ConsoleStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startConsoleStack(), launchBrowser()]);
    const sandbox = stack.host.sandbox!;
    // Job 602's courtesy SMS is refused as unroutable once: a failed message to resend.
    sandbox.enqueueReplies({ kind: 'status', status: '6', errorText: 'Unroutable' });
    await stack.openJobs([{ id: 602, firstName: 'Bob', mobile: '07911 123602', productType: 'tablet' }]);
    await stack.openJobs([
      { id: 601, firstName: 'Ada', mobile: '07911 123601', productType: 'phone' },
      { id: 603, firstName: 'Cy', mobile: '07911 123603', productType: 'laptop' },
    ]);
    await stack.customerTexts('447911123603', 'Is my laptop ready yet?');
    await stack.customerTexts('447911123601', 'Can I come in on Saturday?');
    // A message the queue gives up on after 10 deliveries: a dead letter to replay.
    stack.host.queue.send([{ messageId: 'broken-1', body: { kind: 'job-received', jobId: 'not a number' }, contentType: 'application/json' }]);
    await eventually(() => expect(stack.host.queue.deadLetters.map((m) => m.messageId)).toContain('broken-1'));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  /** A fresh page at a console path, its errors collected, once the screen's heading is shown. */
  async function visit(path: string, options: { width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
    const page = await openPage(browser, { viewport: { width: options.width ?? 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(`${stack.consoleUrl}${path}`);
    await page.locator('main h1').waitFor();
    await page.locator('p.state[role=status]').waitFor({ state: 'detached' });
    return { page, errors };
  }

  const live = (page: Page) => page.locator('.live[role=status]');

  describe('the page and its files (GET /api/console/{*path})', () => {
    it('serves index.html with no-store and the CSP, hashed assets immutable, deep links as the page, a missing asset as 404', async () => {
      const index = await fetch(stack.consoleUrl);
      expect(index.status).toBe(200);
      expect(index.headers.get('cache-control')).toBe('no-store');
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('content-security-policy')).toBe(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      expect(index.headers.get('x-content-type-options')).toBe('nosniff');
      expect(index.headers.get('referrer-policy')).toBe('same-origin');
      const html = await index.text();
      expect(html).toContain('<html lang="en-GB">');
      // No inline script or style: every script and stylesheet is a file of its own.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|style=/);
      const assets = [...html.matchAll(/(?:src|href)="(\/api\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) {
        const answer = await fetch(`${stack.host.url}${asset}`);
        expect(answer.status, asset).toBe(200);
        expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(answer.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      }
      const deep = await fetch(`${stack.consoleUrl}jobs/601`);
      expect(deep.status).toBe(200);
      expect(await deep.text()).toBe(html);
      const missing = await fetch(`${stack.consoleUrl}assets/index-00000000.js`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');
    });

    it('refuses a path that tries to leave dist/web, and / on the local host redirects to the console', async () => {
      for (const path of ['/api/console/..%2f..%2fpackage.json', '/api/console/assets/..%2f..%2f..%2fhost.json', '/api/console/%2e%2e%5c%2e%2e%5cpackage.json']) {
        const answer = await rawGet(stack.host.url, path);
        expect(answer.status, path).toBe(400);
        expect(answer.body).not.toContain('"version"');
      }
      const root = await fetch(`${stack.host.url}/`, { redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/api/console/');
    });
  });

  describe('stories', () => {
    it('walks a job from NEW to CLOSED and shows its whole timeline, in the shop time zone with UTC on hover', async () => {
      await stack.moveJob(601, 'IN PROGRESS');
      await stack.moveJob(601, 'JOB COMPLETED');
      await stack.pay(601, '45.5');
      const { page, errors } = await visit('jobs/601');
      await expect.poll(() => page.locator('.entry-status .badge').allTextContents()).toEqual(expect.arrayContaining(['New', 'Opened', 'In progress', 'Job completed', 'Closed']));
      const summary = page.locator('.summary');
      expect(await summary.textContent()).toContain('Closed');
      expect(await summary.textContent()).toContain('Ada');
      expect(await summary.textContent()).toContain('123601'.slice(-4));
      expect(await page.textContent('main')).not.toContain('7911 123601');
      expect(await page.locator('.entry-notification').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('.entry-payment').textContent()).toMatch(/45\.50*\s*GBP/);
      const time = page.locator('.entry time').first();
      expect(await time.getAttribute('datetime')).toMatch(/Z$/);
      expect(await time.getAttribute('title')).toMatch(/ UTC$/);
      await page.close();
      expect(errors).toEqual([]);
    });

    it('lists jobs newest first and finds them by status, job number, name or a mobile’s last digits, with the filters in the URL', async () => {
      const { page, errors } = await visit('jobs');
      const jobLinks = () => page.locator('table.list tbody tr td:first-child a').allTextContents();
      expect(await jobLinks()).toEqual(['Job 603', 'Job 602', 'Job 601']);
      await page.getByLabel('Search').fill('3602');
      await page.getByRole('button', { name: 'Apply' }).click();
      await expect.poll(jobLinks).toEqual(['Job 602']);
      expect(new URL(page.url()).searchParams.get('q')).toBe('3602');
      await page.goto(`${stack.consoleUrl}jobs?q=00602`);
      await expect.poll(jobLinks).toEqual(['Job 602']);
      await page.goto(`${stack.consoleUrl}jobs?q=ada`);
      await expect.poll(jobLinks).toEqual(['Job 601']);
      await page.goto(`${stack.consoleUrl}jobs?status=CLOSED`);
      await expect.poll(jobLinks).toEqual(['Job 601']);
      expect(await page.getByLabel('Status').inputValue()).toBe('CLOSED');
      await page.goto(`${stack.consoleUrl}jobs?q=nobody-by-this-name`);
      await expect.poll(() => page.locator('.state.empty').textContent()).toContain('No job matches');
      await page.close();
      expect(errors).toEqual([]);
    });

    it('replies to an inbox message through the customer’s channel (the SMS stand-in receives it), then marks it handled', async () => {
      const { page, errors } = await visit('inbox');
      const item = page.locator('.inbox-item', { hasText: 'Is my laptop ready yet?' });
      expect(await item.locator('.open-jobs').textContent()).toContain('Job 603');
      await item.getByLabel(/^Reply to/).fill(REPLY);
      await item.getByRole('button', { name: 'Send reply' }).click();
      await expect.poll(() => live(page).textContent()).toMatch(/Reply sent by SMS\..*contact hours/i);
      await eventually(() => expect(stack.host.sandbox!.sent.find((sms) => sms.text === REPLY)?.to).toBe('447911123603'));
      await item.getByRole('button', { name: 'Mark handled' }).click();
      await expect.poll(() => live(page).textContent()).toBe('Marked handled.');
      await expect.poll(() => page.locator('.inbox-item', { hasText: 'Is my laptop ready yet?' }).count()).toBe(0);
      await page.getByRole('link', { name: 'Handled' }).click();
      await expect.poll(() => page.locator('.inbox-item', { hasText: 'Is my laptop ready yet?' }).count()).toBe(1);
      expect(new URL(page.url()).searchParams.get('status')).toBe('handled');
      await page.close();
      expect(errors).toEqual([]);
    });

    it('resends a failed message from the delivery log, once', async () => {
      const { page, errors } = await visit('messages?outcome=failed');
      const row = page.locator('table.list tbody tr', { hasText: 'Job 602' });
      expect(await row.locator('.badge').textContent()).toBe('Failed');
      const before = stack.host.sandbox!.sent.filter((sms) => sms.to === '447911123602').length;
      await row.getByRole('button', { name: /^Resend / }).click();
      await expect.poll(() => live(page).textContent()).toMatch(/^Resend queued as /);
      await eventually(() => expect(stack.host.sandbox!.sent.filter((sms) => sms.to === '447911123602')).toHaveLength(before + 1));
      await page.close();
      expect(errors).toEqual([]);
    });

    it('replays a dead letter from Failures', async () => {
      const { page, errors } = await visit('failures');
      const rows = page.locator('section', { hasText: 'Dead letters' }).locator('table.list tbody tr');
      expect(await rows.count()).toBeGreaterThanOrEqual(1);
      const replayed = stack.host.queue.deadLetters.length;
      await rows.first().getByRole('button', { name: /^Replay / }).click();
      await expect.poll(() => live(page).textContent()).toBe('1 message replayed.');
      // The queue takes it back under a new id (and, this message being malformed, gives up on it again).
      await eventually(() => expect(stack.host.queue.deadLetters.some((m) => m.messageId.startsWith('broken-1-replay'))).toBe(true));
      expect(stack.host.queue.deadLetters.filter((m) => m.messageId === 'broken-1')).toHaveLength(0);
      expect(replayed).toBeGreaterThan(0);
      await page.close();
      expect(errors).toEqual([]);
    });
  });

  describe('every screen', () => {
    it.each(SCREENS)('%s has no serious or critical WCAG 2.2 AA violation, at desktop and phone widths', async (screen) => {
      for (const width of [1280, 390]) {
        const { page, errors } = await visit(screen, { width });
        expect(await seriousAccessibilityViolations(page), `${screen} at ${width}px`).toEqual([]);
        expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
        await page.close();
        expect(errors).toEqual([]);
      }
    });

    it.each(SCREENS)('%s: the keyboard alone reaches every link, field and button, skip link first', async (screen) => {
      const { page, errors } = await visit(screen);
      // In-page code as text: the tests compile without the DOM library.
      const actions = (await page.evaluate(`(() => {
        const all = [...document.querySelectorAll('a[href], button:not([disabled]), input, select, textarea')].filter((el) => el.getClientRects().length > 0 || el.classList.contains('skip'));
        all.forEach((el, index) => (el.dataset.kb = String(index)));
        return all.length;
      })()`)) as number;
      const focused = (expression: string) => page.evaluate(`document.activeElement?.${expression}`);
      expect(actions).toBeGreaterThan(3);
      const reached = new Set<string>();
      await page.keyboard.press('Tab');
      expect(await focused('textContent')).toBe('Skip to content');
      for (let presses = 0; presses < actions * 4 && reached.size < actions; presses += 1) {
        const index = (await focused('dataset.kb')) as string | undefined;
        if (index !== undefined) reached.add(index);
        await page.keyboard.press('Tab');
      }
      const missed = await page.evaluate(`[...document.querySelectorAll('[data-kb]')].filter((el) => !${JSON.stringify([...reached])}.includes(el.dataset.kb)).map((el) => el.outerHTML.slice(0, 120))`);
      expect(missed).toEqual([]);
      if (screen === 'inbox') {
        // An action run from the keyboard: Enter on a focused button.
        await page.locator('.inbox-item', { hasText: 'Can I come in on Saturday?' }).getByRole('button', { name: 'Mark handled' }).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => live(page).textContent()).toBe('Marked handled.');
      }
      // The skip link moves focus to the content; Enter on a navigation link opens that screen.
      await page.keyboard.press('Shift+Tab'); // leave wherever the loop ended
      await page.locator('.skip').focus();
      await page.keyboard.press('Enter');
      expect(await focused('id')).toBe('main');
      const elsewhere = screen === 'failures' ? 'Jobs' : 'Failures';
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: elsewhere }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: elsewhere }).waitFor();
      expect(await focused('tagName')).toBe('H1');
      await page.close();
      expect(errors).toEqual([]);
    });
  });
});
