import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../../src/domain/customers/customer.js';
import { listChannels } from '../../../src/domain/channels/channelsApi.js';
import { changeJobStatus } from '../../../src/domain/jobs/jobApi.js';
import { listNotifications } from '../../../src/domain/notifications/deliveryLog.js';
import { retryDelayMs, throttleRetryDelayMs } from '../../../src/domain/notifications/retries.js';
import { sendNotification } from '../../../src/domain/notifications/sendNotification.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, isInjectedCrash } from '../../kit/crash.js';
import { fakeConfiguredGateways } from '../../contracts/channels/notificationGateway.fake.js';
import { createWorld, type World } from '../../support/world.js';

const EMAIL = 'amira@example.com';

/** Job 1's customer exists before ingestion (staff created them) with these subscriptions, so ingestion finds them. */
async function worldWithCustomer(subscriptions: Subscription[], jobCount = 1): Promise<World> {
  const world = createWorld(Array.from({ length: jobCount }, (_, i) => clientJob(i + 1)));
  const created = await world.customers.create({ name: 'Amira Khan', mobile: '+447770123456', email: EMAIL, timezone: null, contactHours: null, subscriptions });
  expect(created.outcome).toBe('saved');
  await world.poll();
  return world;
}

const ALL: Subscription[] = [
  { channel: 'sms', address: null },
  { channel: 'whatsapp', address: null },
  { channel: 'email', address: null },
];

function failoverRoute(world: World): void {
  world.registry.routes.push({ channel: 'sms', gateway: 'vonage-messages', priority: 2, enabled: true });
}

describe('one notification pipeline for every channel', () => {
  it('tells the customer through every channel they take, once each, and opens the job once', async () => {
    const world = await worldWithCustomer(ALL);
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-1-received', 'job-1-received-whatsapp', 'job-1-received-email']);
    const bodies = world.queue.messages.map((m) => m.body);
    expect((await world.deliverDue()).sort()).toEqual(['sent', 'sent', 'sent']);

    expect(world.gateway.sent).toEqual([expect.objectContaining({ channel: 'sms', to: '+447770123456', clientRef: 'job-1-received' })]);
    expect(world.messagesGateway.sent).toEqual([expect.objectContaining({ channel: 'whatsapp', to: '+447770123456', clientRef: 'job-1-received-whatsapp' })]);
    expect(world.smtpGateway.sent).toEqual([
      expect.objectContaining({ channel: 'email', to: EMAIL, subject: expect.stringContaining('job 1'), html: expect.stringContaining('<p>'), clientRef: 'job-1-received-email' }),
    ]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    const history = world.transactions.forJob(1);
    expect(history.filter((r) => r.event === 'NOTIFY').map((r) => r.note)).toEqual([
      expect.stringContaining('Courtesy SMS sent to ***456 via vonage-sms'),
      expect.stringContaining('Courtesy WhatsApp message sent to ***456 via vonage-messages'),
      expect.stringContaining('Courtesy email sent to a***@e***.com via smtp'),
    ]);
    expect(history.filter((r) => r.event === 'STATUS')).toHaveLength(1);
    expect(JSON.stringify(history)).not.toContain(EMAIL);
    expect(world.documents.docs.get('1')).toMatchObject({
      customer_id: 1,
      sms: { courtesy: { state: 'sent' } },
      notifications: { 'job-1-received-whatsapp': { state: 'sent' }, 'job-1-received-email': { state: 'sent' } },
    });
    // Every message we sent is counted and costed per customer and channel.
    expect([...world.stats.messages.values()].map((m) => [m.customerId, m.type]).sort()).toEqual([
      [1, 'email.job-received'],
      [1, 'sms.job-received'],
      [1, 'whatsapp.job-received'],
    ]);

    // Redelivering every message again sends nothing more and counts nothing twice.
    for (const body of bodies) expect(await sendNotification(world.sendDeps, body)).toBe('already-settled');
    expect(world.gateway.calls.length + world.messagesGateway.calls.length + world.smtpGateway.calls.length).toBe(3);
    expect(world.stats.messages.size).toBe(3);
  });

  it('logs a customer subscribed to nothing as skipped, not-subscribed, and still opens the job', async () => {
    const world = await worldWithCustomer([]);
    expect(world.queue.messages).toEqual([]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([
      expect.objectContaining({ notificationId: 'job-1-received', customerId: 1, event: 'job-received', channel: null, outcome: 'skipped', reason: 'not-subscribed' }),
    ]);
  });

  it('logs a job without a usable mobile as skipped, no-address', async () => {
    const world = createWorld([clientJob(1, { mobile: '01234 567890' })]);
    await world.poll();
    expect(await listNotifications(world, { limit: 10 })).toEqual([
      expect.objectContaining({ notificationId: 'job-1-received', customerId: null, channel: 'sms', outcome: 'skipped', reason: 'no-address' }),
    ]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it.each([
    ['throttled', { outcome: 'retryable', reason: 'throttled', errorCode: '1', detail: 'Throughput Rate Exceeded' }],
    ['down', { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-503', detail: 'Vonage answered HTTP 503' }],
  ] as const)('fails over to the next SMS gateway at once when the first is %s', async (_case, failure) => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    world.gateway.reply(failure);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.calls).toHaveLength(1);
    expect(world.messagesGateway.sent).toEqual([expect.objectContaining({ channel: 'sms', clientRef: 'job-1-received' })]);
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([expect.objectContaining({ gateway: 'vonage-messages', outcome: 'sent', attempts: 2 })]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('never fails over after a permanent rejection: failed, invalid-recipient', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    world.gateway.reply({ outcome: 'rejected', errorCode: '6', detail: 'Unroutable message' });
    expect(await world.deliverDue()).toEqual(['rejected']);
    expect(world.messagesGateway.calls).toHaveLength(0);
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'invalid-recipient', gateway: 'vonage-sms' })]);
  });

  it('retries later with backoff when every gateway is down, and sends once when one is back', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    const down = { outcome: 'retryable', reason: 'unavailable', errorCode: 'http-500', detail: 'Vonage answered HTTP 500' } as const;
    world.gateway.reply(down);
    world.messagesGateway.reply(down);
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    expect(world.queue.messages).toEqual([expect.objectContaining({ messageId: 'job-1-received-attempt-3', scheduledAt: new Date(world.clock.now().getTime() + 60_000) })]);
    expect(await listNotifications(world, { jobId: 1, limit: 10 })).toEqual([expect.objectContaining({ outcome: 'queued', attempts: 2 })]);
    world.clock.advance(60_000);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent).toHaveLength(1);
    expect(world.messagesGateway.sent).toHaveLength(0);
  });

  const throttled = { outcome: 'retryable', reason: 'throttled', errorCode: '1', detail: 'Throughput Rate Exceeded' } as const;
  const unauthorized = { outcome: 'gateway-fault', errorCode: 'http-401', detail: 'Vonage Messages API answered HTTP 401: Unauthorized' } as const;

  async function smsHealth(world: World) {
    const [sms] = await listChannels(world.appDeps);
    return sms!.gateways.map(({ gateway, healthy, problem }) => ({ gateway, healthy, problem }));
  }

  it('retries a message throttled at the SMS API and refused by the Messages API for its credentials (401) within seconds, never rejecting it', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    world.gateway.reply(throttled);
    world.messagesGateway.reply(unauthorized);
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    expect(world.clientJobs.status(1)).toBe('NEW');
    const [waiting] = await listNotifications(world, { jobId: 1, limit: 10 });
    expect(waiting).toMatchObject({ outcome: 'queued', reason: null, attempts: 2, detail: 'vonage-sms throttled (1); vonage-messages gateway fault, marked unhealthy (http-401)' });
    expect(world.queue.messages).toEqual([expect.objectContaining({ scheduledAt: new Date(world.clock.now().getTime() + throttleRetryDelayMs('job-1-received', 2)) })]);
    expect(await smsHealth(world)).toEqual([
      { gateway: 'vonage-sms', healthy: true, problem: null },
      { gateway: 'vonage-messages', healthy: false, problem: { errorCode: 'http-401', detail: unauthorized.detail, since: world.clock.now().toISOString() } },
    ]);

    world.clock.advance(throttleRetryDelayMs('job-1-received', 2));
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.gateway.sent).toEqual([expect.objectContaining({ clientRef: 'job-1-received' })]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('opens every job with its courtesy SMS when every 3rd SMS API call is throttled and the Messages API refuses our credentials', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    for (let jobId = 2; jobId <= 30; jobId++) world.clientJobs.add(clientJob(jobId));
    await world.poll();
    let calls = 0;
    const send = world.gateway.send.bind(world.gateway);
    world.gateway.send = async (request) => ((calls += 1) % 3 === 0 ? { ...throttled } : send(request));
    world.messagesGateway.send = async () => ({ ...unauthorized });
    for (let round = 0; round < 10 && world.queue.messages.length > 0; round++) {
      await world.deliverDue();
      world.clock.advance(16_000);
    }
    const log = await listNotifications(world, { limit: 100 });
    expect(log.filter((entry) => entry.outcome === 'sent')).toHaveLength(30);
    for (let jobId = 1; jobId <= 30; jobId++) expect(world.clientJobs.status(jobId)).toBe('OPENED');
  });

  it('retries a message throttled at one gateway and unreachable at the other within seconds, not with the outage backoff', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    world.gateway.reply(throttled);
    world.messagesGateway.reply({ outcome: 'retryable', reason: 'unavailable', errorCode: 'network', detail: 'connect ECONNREFUSED' });
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    const delay = world.queue.messages[0]!.scheduledAt!.getTime() - world.clock.now().getTime();
    expect(delay).toBe(throttleRetryDelayMs('job-1-received', 2));
    expect(delay).toBeLessThan(retryDelayMs(1));
  });

  it('fails over past a gateway refused for its own sake, marks it unhealthy, and healthy again once it takes a message', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }], 2);
    failoverRoute(world);
    world.gateway.reply({ outcome: 'gateway-fault', errorCode: '9', detail: 'Partner quota exceeded' });
    const [first, second] = world.queue.drain(world.clock.now());
    expect(await sendNotification(world.sendDeps, first!.body)).toBe('sent');
    expect(world.messagesGateway.sent).toEqual([expect.objectContaining({ clientRef: 'job-1-received' })]);
    expect((await smsHealth(world))[0]).toMatchObject({ gateway: 'vonage-sms', healthy: false, problem: { errorCode: '9' } });
    expect(world.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', message: 'gateway unhealthy' }));
    expect(await sendNotification(world.sendDeps, second!.body)).toBe('sent');
    expect((await smsHealth(world))[0]).toEqual({ gateway: 'vonage-sms', healthy: true, problem: null });
  });

  it('never fails a message because every gateway is refused for its own sake: it waits for an operator, past the last attempt', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }]);
    failoverRoute(world);
    world.gateway.send = async () => ({ outcome: 'gateway-fault', errorCode: '4', detail: 'Bad Credentials' });
    world.messagesGateway.send = async () => ({ ...unauthorized });
    for (let round = 0; round < 4; round++) {
      expect(await world.deliverDue()).toEqual(['retry-scheduled']);
      world.clock.advance(retryDelayMs(8));
    }
    const [waiting] = await listNotifications(world, { jobId: 1, limit: 10 });
    expect(waiting).toMatchObject({ outcome: 'queued', attempts: 8 });
    expect(world.notificationLog.entries.get('job-1-received')).toMatchObject({ state: 'retrying', reason: 'no-gateway' });
    expect(world.clientJobs.status(1)).toBe('NEW');
  });

  it('waits for an operator when no enabled gateway carries the channel, without calling anything', async () => {
    const world = await worldWithCustomer([{ channel: 'email', address: null }]);
    world.registry.routes.find((r) => r.channel === 'email')!.enabled = false;
    expect(await world.deliverDue()).toEqual(['retry-scheduled']);
    expect(world.smtpGateway.calls).toHaveLength(0);
    world.registry.routes.find((r) => r.channel === 'email')!.enabled = true;
    world.clock.advance(60 * 60_000);
    expect(await world.deliverDue()).toEqual(['sent']);
    expect(world.smtpGateway.sent).toHaveLength(1);
  });

  const channelKey = (channel: 'sms' | 'whatsapp' | 'email') => (channel === 'sms' ? 'job-1-received' : `job-1-received-${channel}`);
  const gatewayOf = (world: World, channel: 'sms' | 'whatsapp' | 'email') => ({ sms: world.gateway, whatsapp: world.messagesGateway, email: world.smtpGateway })[channel];

  it.each(['sms', 'whatsapp', 'email'] as const)('a crash right after the %s gateway took the message, before its answer was recorded, never sends it again', async (channel) => {
    const world = await worldWithCustomer(ALL);
    const gateway = gatewayOf(world, channel);
    const message = world.queue.drain(world.clock.now()).find((m) => m.messageId === channelKey(channel))!;
    const others = [world.gateway, world.messagesGateway, world.smtpGateway].filter((g) => g !== gateway);
    const crashing = world.sendWith({ gateways: fakeConfiguredGateways(crashAfter(gateway, 'send'), ...others) });
    await expect(sendNotification(crashing, message.body)).rejects.toSatisfy(isInjectedCrash);
    expect(gateway.sent).toHaveLength(1);
    world.clock.advance(6 * 60_000);
    expect(await sendNotification(world.sendDeps, message.body)).toBe('interrupted-earlier');
    expect(gateway.calls).toHaveLength(1);
    expect(await listNotifications(world, { jobId: 1, outcome: 'failed', limit: 10 })).toEqual([expect.objectContaining({ notificationId: channelKey(channel), reason: 'outcome-unknown' })]);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it.each(['sms', 'whatsapp', 'email'] as const)('a crash right after the %s answer was recorded finishes the job on redelivery, sending nothing more', async (channel) => {
    const world = await worldWithCustomer(ALL);
    const message = world.queue.drain(world.clock.now()).find((m) => m.messageId === channelKey(channel))!;
    const crashing = { ...world.sendDeps, notificationLog: crashAfter(world.notificationLog, 'record') };
    await expect(sendNotification(crashing, message.body)).rejects.toSatisfy(isInjectedCrash);
    expect(world.clientJobs.status(1)).toBe('NEW');
    expect(await sendNotification(world.sendDeps, message.body)).toBe('already-settled');
    expect(gatewayOf(world, channel).calls).toHaveLength(1);
    expect(world.clientJobs.status(1)).toBe('OPENED');
  });

  it('sends once when the same email notification is delivered twice at the same time', async () => {
    const world = await worldWithCustomer([{ channel: 'email', address: 'work@example.com' }]);
    const [message] = world.queue.drain(world.clock.now());
    const results = await Promise.all([sendNotification(world.sendDeps, message!.body), sendNotification(world.sendDeps, message!.body)]);
    expect(results.sort()).toEqual(['claimed-elsewhere', 'sent']);
    expect(world.smtpGateway.sent).toEqual([expect.objectContaining({ to: 'work@example.com' })]);
  });

  it('tells the customer when the client starts and finishes the repair, through their channels', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }, { channel: 'email', address: null }]);
    await world.deliverDue();
    world.clientJobs.rows.get(1)!.status = 'IN PROGRESS';
    await world.poll();
    world.clientJobs.rows.get(1)!.status = 'JOB COMPLETED';
    await world.poll();
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-1-in-progress', 'job-1-in-progress-email', 'job-1-completed', 'job-1-completed-email']);
    await world.deliverDue();
    await world.poll();
    expect(world.queue.messages).toEqual([]);
    expect(world.smtpGateway.sent.map((m) => m.subject)).toEqual([
      expect.stringContaining('We have received'),
      expect.stringContaining('Work has started'),
      expect.stringContaining('is finished'),
    ]);
    expect(world.clientJobs.status(1)).toBe('JOB COMPLETED');
  });

  it('tells the customer when staff start and finish the repair through the API, as when the client system does', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }, { channel: 'email', address: null }]);
    await world.deliverDue();
    expect(await changeJobStatus(world.appDeps, 1, { status: 'IN PROGRESS' }, 'put-1')).toMatchObject({ outcome: 'moved' });
    expect(await changeJobStatus(world.appDeps, 1, { status: 'JOB COMPLETED' }, 'put-2')).toMatchObject({ outcome: 'moved' });
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['job-1-in-progress', 'job-1-in-progress-email', 'job-1-completed', 'job-1-completed-email']);
    await world.deliverDue();
    await world.poll();
    expect(world.queue.messages).toEqual([]);
    expect(world.gateway.sent.map((m) => m.clientRef)).toEqual(['job-1-received', 'job-1-in-progress', 'job-1-completed']);
    expect(world.smtpGateway.sent.map((m) => m.subject)).toEqual([
      expect.stringContaining('We have received'),
      expect.stringContaining('Work has started'),
      expect.stringContaining('is finished'),
    ]);
    expect((await world.notificationLog.forJobs([1], 'job-in-progress')).map((e) => [e.channel, e.state])).toEqual([['sms', 'sent'], ['email', 'sent']]);
  });

  it('tells the customer once per channel when the status mirror sees a staff move half-way through its request', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }, { channel: 'email', address: null }]);
    await world.deliverDue();
    const moveStatus = world.clientJobs.moveStatus.bind(world.clientJobs);
    // The poll runs between the client table's update and tracking moving on: it takes the move for the client system's.
    const racing = {
      ...world.appDeps,
      clientJobs: Object.assign(Object.create(world.clientJobs) as typeof world.clientJobs, {
        moveStatus: async (...args: Parameters<typeof moveStatus>) => {
          const moved = await moveStatus(...args);
          await world.poll();
          await world.deliverDue();
          return moved;
        },
      }),
    };
    expect(await changeJobStatus(racing, 1, { status: 'IN PROGRESS' }, 'put-1')).toMatchObject({ outcome: 'moved' });
    await world.deliverDue();
    await world.poll();
    expect(world.gateway.sent.map((m) => m.clientRef)).toEqual(['job-1-received', 'job-1-in-progress']);
    expect(world.smtpGateway.sent.map((m) => m.clientRef)).toEqual(['job-1-received-email', 'job-1-in-progress-email']);
    expect(world.transactions.forJob(1).filter((r) => r.status === 'IN PROGRESS' && (r.event === 'STATUS' || r.event === 'PUT'))).toHaveLength(1);
  });

  it('tells the customer once per channel when staff and the client system move jobs at the same time as the mirror polls', async () => {
    const world = await worldWithCustomer([{ channel: 'sms', address: null }, { channel: 'email', address: null }], 3);
    await world.deliverDue();
    world.clientJobs.rows.get(2)!.status = 'IN PROGRESS';
    await Promise.all([
      changeJobStatus(world.appDeps, 1, { status: 'IN PROGRESS' }, 'put-1'),
      changeJobStatus(world.appDeps, 3, { status: 'IN PROGRESS' }, 'put-3'),
      world.poll(),
      world.poll(),
    ]);
    await Promise.all([world.deliverDue(), world.poll()]);
    await world.deliverDue();
    for (const jobId of [1, 2, 3]) {
      expect(world.gateway.sent.filter((m) => m.clientRef === `job-${jobId}-in-progress`)).toHaveLength(1);
      expect(world.smtpGateway.sent.filter((m) => m.clientRef === `job-${jobId}-in-progress-email`)).toHaveLength(1);
      expect((await world.notificationLog.forJobs([jobId], 'job-in-progress')).map((e) => e.state)).toEqual(['sent', 'sent']);
      expect(world.documents.docs.get(String(jobId))?.job_status).toBe('IN PROGRESS');
    }
  });
});
