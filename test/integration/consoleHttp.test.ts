import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Relay } from '../../src/compositionRoot.js';
import { consoleJobHandler, listConsoleJobsHandler } from '../../src/functions/console/consoleJobs.js';
import { staffMeHandler } from '../../src/functions/console/staffMe.js';
import { provideRelay } from '../../src/processRelay.js';
import { insertClientJobs } from '../kit/mysql.js';
import { callConsole as call, staffPrincipal } from '../support/console.js';
import { startRealStack, type RealStack } from '../support/realStack.js';

/** The console's JSON routes against MariaDB, embedded Cosmos and the Vonage sandbox, signed in as the platform would sign staff in. */
describe('the staff console routes against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;

  beforeAll(async () => {
    stack = await startRealStack({ SHOP_NAME: 'Fixit Ltd', WEBSITE_AUTH_ENABLED: 'True' });
    relay = stack.relay;
    await insertClientJobs(stack.client.pool, [
      { id: 101, firstName: 'Ada', mobile: '07770 100101', productType: 'kettle' },
      { id: 102, firstName: 'Bob', mobile: '07770 100202', productType: 'toaster' },
      { id: 103, firstName: 'Ada', mobile: '07770 100101', productType: 'lamp' },
    ]);
    provideRelay(async () => relay);
    await relay.pollClientJobs();
    for (const message of stack.queue.drain(new Date(8.64e15))) await relay.sendNotification(message.body);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('answers 401 without a principal (App Service Authentication signed no one in) and 403 without a staff role', async () => {
    const anonymous = await call(staffMeHandler, 'staff/me', { headers: { 'x-ms-client-principal': '' } });
    expect(anonymous).toMatchObject({ status: 401, type: 'application/problem+json', body: { signIn: '/.auth/login/aad?post_login_redirect_uri=/api/console/' } });
    expect(await call(staffMeHandler, 'staff/me', { headers: { 'x-ms-client-principal': staffPrincipal(['reader']) } })).toMatchObject({ status: 403 });
  });

  it('says who is signed in and which shop', async () => {
    expect(await call(staffMeHandler, 'staff/me')).toEqual({
      status: 200,
      type: 'application/json',
      body: { user: { id: 'staff-1', name: 'Sam Staff', roles: ['staff'] }, shop: { name: 'Fixit Ltd', timeZone: 'Europe/London' } },
    });
  });

  it('lists jobs newest first by key-range pages, filters by status and searches by job id, name and last digits', async () => {
    const first = await call(listConsoleJobsHandler, 'staff/jobs?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.jobs.map((job: { jobId: number }) => job.jobId)).toEqual([103, 102]);
    expect(first.body.jobs[0]).toMatchObject({ status: 'OPENED', product: 'lamp', customer: { name: 'Ada Bloggs', mobileLast4: '0101' }, openNotifications: 0 });
    expect(typeof first.body.jobs[0].createdAt).toBe('string');
    const second = await call(listConsoleJobsHandler, `staff/jobs?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ jobs: [{ jobId: 101 }], nextCursor: null });

    const ids = async (query: string) => (await call(listConsoleJobsHandler, `staff/jobs?${query}`)).body.jobs.map((job: { jobId: number }) => job.jobId);
    expect(await ids('status=OPENED')).toEqual([103, 102, 101]);
    expect(await ids('status=CLOSED')).toEqual([]);
    expect(await ids('q=102')).toEqual([]); // up to four digits are a mobile's last digits
    expect(await ids('q=00102')).toEqual([102]);
    expect(await ids('q=0101')).toEqual([103, 101]);
    expect(await ids('q=01&status=OPENED')).toEqual([103, 101]);
    expect(await ids('q=202')).toEqual([102]);
    expect(await ids('q=ada')).toEqual([103, 101]);
    expect(await ids('q=Bob%20B')).toEqual([102]);
    expect(await ids('q=zed')).toEqual([]);
  });

  it('refuses an unknown parameter, a bad limit, status or cursor with 400', async () => {
    for (const query of ['sort=asc', 'limit=0', 'limit=101', 'status=LOST', 'cursor=bm9wZQ']) {
      expect(await call(listConsoleJobsHandler, `staff/jobs?${query}`)).toMatchObject({ status: 400, type: 'application/problem+json' });
    }
  });

  it('shows a job with one timeline: its status changes and its notifications with the text as sent', async () => {
    const view = await call(consoleJobHandler, 'staff/jobs/101', { params: { jobId: '101' } });
    expect(view.status).toBe(200);
    expect(view.body.job).toMatchObject({ jobId: 101, status: 'OPENED', product: 'kettle', customer: { name: 'Ada Bloggs', mobileLast4: '0101', timeZone: null } });
    const kinds = view.body.timeline.map((entry: { kind: string }) => entry.kind);
    expect(kinds).toContain('status');
    const courtesy = view.body.timeline.find((entry: { kind: string }) => entry.kind === 'notification');
    expect(courtesy).toMatchObject({ notificationId: 'job-101-received', event: 'job-received', channel: 'sms', gateway: 'vonage-sms', attempts: 1, outcome: 'sent' });
    expect(courtesy.text).toContain('we have received your kettle');
    expect(view.body.timeline.map((entry: { status?: string }) => entry.status).filter(Boolean)).toEqual(['NEW', 'OPENED']);
    expect(view.body.pending).toEqual([]);
    expect(await call(consoleJobHandler, 'staff/jobs/999', { params: { jobId: '999' } })).toMatchObject({ status: 404 });
  });
});
