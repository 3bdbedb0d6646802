/**
 * `npm run screenshots`: the staff console's screens as PNGs in docs/console/, and the customer
 * page of one job as a phone shows it (docs/customer-page.png), taken from the real
 * stack (the local host in this process, throwaway MariaDB databases, the SMS sandbox) after a few
 * demo stories: jobs at every status, one walked to CLOSED, a message failed, one retrying in an
 * outage, customers' texts in the inbox and a dead letter. Needs MariaDB (npm run deps) and Chromium.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage } from '../test/kit/browser.js';
import { eventually } from '../test/kit/eventually.js';
import { startConsoleStack, type ConsoleStack } from '../test/support/consoleStack.js';

const OUT = path.resolve(__dirname, '../docs/console');
const CUSTOMER_PAGE = path.resolve(__dirname, '../docs/customer-page.png');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

async function demoStories(stack: ConsoleStack): Promise<void> {
  const sandbox = stack.host.sandbox!;
  await stack.openJobs([
    { id: 1041, firstName: 'Ada', mobile: '07911 123601', productType: 'phone' },
    { id: 1042, firstName: 'Grace', mobile: '07911 123642', productType: 'laptop' },
  ]);
  sandbox.enqueueReplies({ kind: 'status', status: '6', errorText: 'Unroutable' });
  await stack.openJobs([{ id: 1043, firstName: 'Alan', mobile: '07911 123643', productType: 'tablet' }]);
  await stack.openJobs([{ id: 1044, firstName: 'Edsger', mobile: '07911 123644', productType: 'games console' }]);
  await stack.openJobs([{ id: 1045, firstName: 'Barbara', mobile: '07911 123645', productType: 'smart watch' }]);
  await stack.moveJob(1041, 'IN PROGRESS');
  await stack.moveJob(1041, 'JOB COMPLETED');
  await stack.pay(1041, '89.99');
  await stack.moveJob(1042, 'IN PROGRESS');
  await stack.customerTexts('447911123642', 'Hi, is my laptop ready yet? I need it for Monday.');
  await stack.customerTexts('447911123645', 'Can I pick the watch up on Saturday morning?');
  // An outage on both SMS gateways: job 1045's status update retries later ("why not yet?").
  for (let i = 0; i < 4; i += 1) {
    sandbox.enqueueReplies({ kind: 'http', status: 500 });
    sandbox.enqueueMessagesReplies({ kind: 'http', status: 500 });
  }
  await stack.moveJob(1045, 'IN PROGRESS');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  stack.host.queue.send([{ messageId: 'job-1044-broken', body: { kind: 'job-received', jobId: 'not a number' }, contentType: 'application/json' }]);
  await eventually(() => {
    if (stack.host.queue.deadLetters.length === 0) throw new Error('no dead letter yet');
  });
}

async function shoot(browser: Browser, consoleUrl: string, screen: string, file: string, viewport = DESKTOP): Promise<void> {
  const page = await openPage(browser, { viewport, timezoneId: 'Europe/London' });
  await page.goto(`${consoleUrl}${screen}`);
  await page.locator('main h1').waitFor();
  await page.locator('p.state[role=status]').waitFor({ state: 'detached' });
  await page.screenshot({ path: path.join(OUT, file), fullPage: true });
  await page.context().close();
  console.log(`docs/console/${file}  (${screen || 'jobs'}, ${viewport.width}px)`);
}

/** The page the link in a job's courtesy SMS opens, at a phone's width and pixel density. */
async function shootCustomerPage(browser: Browser, stack: ConsoleStack, jobId: number): Promise<void> {
  const sms = stack.host.sandbox!.sent.find((sent) => sent.clientRef === `job-${jobId}-received`);
  const link = sms && /(http:\/\/\S+\/api\/t\/[A-Za-z0-9_-]{22})/.exec(sms.text)?.[1];
  if (!link) throw new Error(`job ${jobId}'s courtesy SMS carried no page link`);
  const page = await openPage(browser, { viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'Europe/London' });
  await page.goto(link);
  await page.screenshot({ path: CUSTOMER_PAGE, fullPage: true });
  await page.context().close();
  console.log(`docs/customer-page.png  (job ${jobId}, ${PHONE.width}px)`);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stack = await startConsoleStack({ env: { SHOP_NAME: 'Fixit Repairs, Hertford' } });
  const browser = await launchBrowser();
  try {
    await demoStories(stack);
    await shoot(browser, stack.consoleUrl, 'jobs', 'jobs.png');
    await shoot(browser, stack.consoleUrl, 'jobs', 'jobs-phone.png', PHONE);
    await shoot(browser, stack.consoleUrl, 'jobs/1041', 'job.png');
    await shoot(browser, stack.consoleUrl, 'jobs/1045', 'job-why-not-yet.png');
    await shoot(browser, stack.consoleUrl, 'jobs/1045', 'job-phone.png', PHONE);
    await shoot(browser, stack.consoleUrl, 'messages', 'messages.png');
    await shoot(browser, stack.consoleUrl, 'inbox', 'inbox.png');
    await shoot(browser, stack.consoleUrl, 'failures', 'failures.png');
    await shootCustomerPage(browser, stack, 1041);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
