import { createHash, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Relay } from '../../src/compositionRoot.js';
import { provideRelay } from '../../src/processRelay.js';
import { FakeClock } from '../kit/clock.js';
import { insertClientJobs } from '../kit/mysql.js';
import { callPage, formTokenIn, tokenIn } from '../support/customerPage.js';
import { deliverDue as deliverDueOn } from '../support/feedbackFlow.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/notifications/sendNotification.js';

const DAY_MS = 86_400_000;

/** Issue 25 through the function files: MariaDB, the embedded Cosmos server and the Vonage sandbox, the business always open. */
describe('the customer page over HTTP against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;
  const clock = new FakeClock(new Date());
  let nextJobId = 1;

  const deliverDue = () => deliverDueOn(stack);
  const count = async (sql: string, values: unknown[] = []) => Number((await stack.ledger.pool.query<RowDataPacket[]>(sql, values))[0][0]!.n);

  /** A job ingested and texted; its courtesy SMS's link's token, and the job's customer. */
  async function texted(productType = 'iPhone 13 Pro'): Promise<{ jobId: number; token: string; customerId: number; sms: string }> {
    const jobId = nextJobId++;
    await insertClientJobs(stack.client.pool, [{ id: jobId, firstName: 'Priya', mobile: `+4477701234${String(jobId).padStart(2, '0')}`, productType }]);
    await relay.pollClientJobs();
    await deliverDue();
    const sms = stack.sandbox.sent.find((s) => s.clientRef === `job-${jobId}-received`)!.text;
    const customerId = (await stack.documents.get(jobId))!.customer_id!;
    return { jobId, token: tokenIn(sms), customerId, sms };
  }

  const page = (token: string, headers: Record<string, string> = {}) => callPage('customerPage', { token }, { headers });
  const post = (name: 'customerPreferences' | 'customerQuestion' | 'customerFeedback', token: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    callPage(name, { token }, { form, headers });

  beforeAll(async () => {
    stack = await startRealStack({ PUBLIC_BASE_URL: 'https://relay.example.com' }, undefined, { clock });
    ({ relay } = stack);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('links the courtesy SMS to a page that names only the first name and the last digits, and keeps only the hash', async () => {
    const { jobId, token, sms } = await texted();
    expect(sms).toContain(`https://relay.example.com/api/t/${token}`);
    const answer = await page(token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('x-robots-tag')).toContain('noindex');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(answer.text).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(answer.text).toContain('Hello Priya');
    expect(answer.text).toContain(`the number ending ${String(jobId).padStart(2, '0').slice(-2).padStart(3, '4')}`);
    expect(answer.text).toContain('iPhone 13 Pro');
    expect(answer.text).toContain('Repair received');
    for (const secret of ['Bloggs', 'SG13', `4477701234${String(jobId).padStart(2, '0')}`, `7701234${String(jobId).padStart(2, '0')}`]) expect(answer.text).not.toContain(secret);
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT token_hash FROM tracking_links WHERE Job_id = ?', [jobId]);
    expect(rows.map((row) => row.token_hash)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(await count('SELECT COUNT(*) AS n FROM tracking_links WHERE token_hash = ?', [token])).toBe(0);
  });

  it('answers a wrong or malformed token with the same plain 404 page', async () => {
    const { token } = await texted();
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const answers = await Promise.all([page(wrong), page('not-a-token'), page(randomBytes(16).toString('base64url'))]);
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers[0]!.text).toContain('Page not found');
    expect(answers[0]!.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('gives one address trying 1,000 random tokens 404s and then 429s', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i++) statuses.push((await page(randomBytes(16).toString('base64url'), { 'x-forwarded-for': '203.0.113.77' })).status);
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThan(0);
    expect(statuses.slice(0, firstRefusal).every((s) => s === 404)).toBe(true);
    expect(statuses.slice(firstRefusal).every((s) => s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(900);
    // Another address is not held back by it.
    const { token } = await texted();
    expect((await page(token, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
  });

  it('refuses a preferences form without a valid form token, or from another site, and writes nothing', async () => {
    const { token, customerId } = await texted();
    const before = await relay.getCustomer(customerId);
    const formToken = formTokenIn((await page(token)).text);
    const choices = { action: 'stop' };
    const answers = [
      await post('customerPreferences', token, choices),
      await post('customerPreferences', token, { ...choices, formToken: `${formToken.slice(0, -2)}xx` }),
      await post('customerPreferences', token, { ...choices, formToken: formTokenIn((await page((await texted()).token)).text) }),
      await post('customerPreferences', token, { ...choices, formToken }, { 'sec-fetch-site': 'cross-site' }),
      await post('customerPreferences', token, { ...choices, formToken }, { origin: 'https://evil.example' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect(await relay.getCustomer(customerId)).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM customer_preference_changes WHERE customer_id = ?', [customerId])).toBe(0);
  });

  it('saves channels and contact hours in the customer zone, records the change, and schedules the next message into the new hours', async () => {
    const { jobId, token, customerId } = await texted();
    const formToken = formTokenIn((await page(token)).text);
    // A day three days ahead in Auckland, so the message due now is outside the new hours.
    const day = DateTime.fromJSDate(clock.now(), { zone: 'Pacific/Auckland' }).plus({ days: 3 }).toFormat('ccc');
    const saved = await post('customerPreferences', token, {
      formToken,
      action: 'save',
      channel: ['sms', 'email'],
      email: 'priya@example.com',
      timezone: 'Pacific/Auckland',
      hours: 'chosen',
      day: [day],
      [`from-${day}`]: '07:30',
      [`to-${day}`]: '09:00',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/api/t/${token}?done=saved`);
    expect(await relay.getCustomer(customerId)).toMatchObject({
      timezone: 'Pacific/Auckland',
      contactHours: [{ days: [day], from: '07:30', to: '09:00' }],
      subscriptions: [
        { channel: 'sms', address: null },
        { channel: 'email', address: 'priya@example.com' },
      ],
    });
    const [changes] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT source, summary, Job_id, changed_at FROM customer_preference_changes WHERE customer_id = ?', [customerId]);
    expect(changes).toEqual([{ source: 'customer, via page', summary: expect.stringContaining(`${day} 07:30-09:00`), Job_id: jobId, changed_at: clock.now() }]);
    expect(changes[0]!.summary).not.toContain('priya@example.com');
    expect((await page(token, {})).text).toContain('Priya');
    expect((await callPage('customerPage', { token }, { query: { done: 'saved' } })).text).toContain('Your choices are saved');

    // The client starts the repair: the message due now waits for the customer's new hours.
    await stack.client.pool.query("UPDATE Jobs SET Job_status = 'IN PROGRESS' WHERE Job_id = ?", [jobId]);
    await relay.pollClientJobs();
    await deliverDue();
    const notices = await relay.listNotifications({ jobId, limit: 10 });
    const inProgress = notices.filter((n) => n.event === 'job-in-progress');
    expect(inProgress.map((n) => [n.channel, n.outcome])).toEqual(expect.arrayContaining([['sms', 'scheduled'], ['email', 'scheduled']]));
    const sendAt = DateTime.fromISO(inProgress[0]!.scheduledFor!, { zone: 'Pacific/Auckland' });
    expect([sendAt.toFormat('ccc'), sendAt.toFormat('HH:mm')]).toEqual([day, '07:30']);
    const next = await relay.customerNextSendTime(customerId, clock.now());
    expect(next).toMatchObject({ outcome: 'found', immediate: false });
    expect(next.outcome === 'found' && next.sendAt.toISOString()).toBe(inProgress[0]!.scheduledFor);
  });

  it('shows a refused form again with its problem (422) and writes nothing; "stop all messages" unsubscribes from everything', async () => {
    const { token, customerId } = await texted();
    const formToken = formTokenIn((await page(token)).text);
    const before = await relay.getCustomer(customerId);
    const refused = await post('customerPreferences', token, { formToken, action: 'save', channel: ['email'], email: 'not an address', timezone: 'Europe/London', hours: 'open' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Enter an email address such as name@example.com.');
    expect(refused.text).toContain('value="email" checked');
    const noEmail = await post('customerPreferences', token, { formToken, action: 'save', channel: ['email'], timezone: 'Europe/London', hours: 'open' });
    expect(noEmail.status).toBe(422);
    expect(noEmail.text).toContain('enter your email address');
    expect(await relay.getCustomer(customerId)).toEqual(before);

    const stopped = await post('customerPreferences', token, { formToken, action: 'stop' });
    expect([stopped.status, stopped.headers.get('location')]).toEqual([303, `/api/t/${token}?done=stopped`]);
    expect(await relay.getCustomer(customerId)).toMatchObject({ subscriptions: [] });
    expect(await count("SELECT COUNT(*) AS n FROM customer_preference_changes WHERE customer_id = ? AND summary = 'stopped all messages'", [customerId])).toBe(1);
  });

  it('puts a question in the staff inbox as a message from the customer about the job, once however often it is sent', async () => {
    const { jobId, token, customerId } = await texted();
    const formToken = formTokenIn((await page(token)).text);
    const first = await post('customerQuestion', token, { formToken, text: 'Can I collect it on Saturday?' });
    const again = await post('customerQuestion', token, { formToken, text: 'Can I collect it on Saturday?' });
    expect([first.status, again.status]).toEqual([303, 303]);
    expect(first.headers.get('location')).toBe(`/api/t/${token}?done=asked`);
    const pending = await relay.listInbox('pending', 50);
    expect(pending.filter((m) => m.jobId === jobId)).toEqual([expect.objectContaining({ customerId, jobId, text: 'Can I collect it on Saturday?', channel: 'sms', autoReplyKey: null })]);
    expect((await post('customerQuestion', token, { formToken, text: '   ' })).status).toBe(422);
    expect((await post('customerQuestion', token, { text: 'no token' })).status).toBe(403);
  });

  it('asks for feedback once the job is closed, records it once per job, and stops opening the page some days after closing', async () => {
    const { jobId, token } = await texted();
    expect((await page(token)).text).not.toContain('How did we do?');
    await stack.client.pool.query("UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id = ?", [jobId]);
    await relay.pollClientJobs();
    await deliverDue();
    expect(await relay.closeJob(jobId)).toEqual({ outcome: 'started' });
    await deliverDue();
    const closedPage = (await page(token)).text;
    expect(closedPage).toContain('How did we do?');
    const formToken = formTokenIn(closedPage);
    const given = await post('customerFeedback', token, { formToken, score: '4', comment: 'Quick and friendly' });
    const repeated = await post('customerFeedback', token, { formToken, score: '2', comment: 'changed my mind' });
    expect([given.status, repeated.status]).toEqual([303, 303]);
    const [rows] = await stack.ledger.pool.query<RowDataPacket[]>('SELECT inbound_message_id, score, reply_text FROM feedback WHERE Job_id = ?', [jobId]);
    expect(rows).toEqual([{ inbound_message_id: `page-job-${jobId}`, score: 4, reply_text: 'Quick and friendly' }]);
    expect((await stack.documents.get(jobId))!.feedback).toMatchObject({ score: 4, text: 'Quick and friendly' });
    expect((await page(token)).text).toContain('You gave us 4 out of 5');

    // TRACKING_LINK_DAYS_AFTER_CLOSE (30 by default) after closing, the link opens nothing.
    clock.advance(29 * DAY_MS);
    expect((await page(token)).status).toBe(200);
    clock.advance(DAY_MS + 1000);
    expect((await page(token)).status).toBe(404);
    expect((await post('customerQuestion', token, { formToken, text: 'Still there?' })).status).toBe(404);
  });
});
