import { describe, expect, it } from 'vitest';
import { recordInboundSms } from '../../../src/domain/feedback/recordReply.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { crashAfter, InjectedCrash } from '../../kit/crash.js';
import { calendarOf } from '../../support/world.js';
import { closeJobIn, inbound, openedWorld, type WebhookWorld } from './helpers.js';

const BRAND = 'acme-spring';
const EMAIL = 'joe@example.com';

/** Jobs ingested, the first closed (feedback request sent), the customer taking sms and email, FEEDBACK_REWARD_BRAND set. */
async function rewardWorld(jobs = [clientJob(1)]): Promise<WebhookWorld> {
  const world = await openedWorld(jobs, BRAND);
  world.codes.add(BRAND, ['ABCD2345', 'WXYZ6789']);
  const changed = await world.customers.change(1, (current) => ({
    ok: true,
    value: { ...current, email: EMAIL, subscriptions: [{ channel: 'sms', address: null }, { channel: 'email', address: null }] },
  }));
  expect(changed.outcome).toBe('saved');
  await closeJobIn(world, 1);
  world.smtpGateway.sent.length = 0;
  world.gateway.sent.length = 0;
  return world;
}

const rewardRows = (world: WebhookWorld) => world.transactions.rows.filter((row) => row.event === 'REWARD');
const rewardsSent = (world: WebhookWorld) => [...world.gateway.sent, ...world.smtpGateway.sent].filter((request) => request.text.includes('discount code'));

describe('the feedback reward (FEEDBACK_REWARD_BRAND)', () => {
  it("gives a reply one code of the brand, sent through each of the customer's channels and recorded without the code", async () => {
    const world = await rewardWorld();
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '5' }))).toEqual({ outcome: 'recorded', jobId: 1, score: 5 });
    expect(world.queue.messages.map((m) => m.messageId)).toEqual([`reward-${BRAND}-customer-1`, `reward-${BRAND}-customer-1-email`]);
    expect(await world.deliverDue()).toEqual(['sent', 'sent']);

    expect(world.gateway.sent).toEqual([
      expect.objectContaining({ channel: 'sms', to: '+447770123456', text: 'Thank you for your feedback! Here is your discount code: ABCD2345' }),
    ]);
    expect(world.smtpGateway.sent).toEqual([
      expect.objectContaining({ channel: 'email', to: EMAIL, subject: expect.stringContaining('discount code'), html: expect.stringContaining('ABCD2345') }),
    ]);
    expect(rewardRows(world)).toEqual([
      expect.objectContaining({ jobId: 1, status: 'CLOSED', eventKey: `reward-${BRAND}-customer-1`, note: `Feedback reward: a discount code of brand ${BRAND} sent to customer 1` }),
    ]);
    const history = world.transactions.forJob(1);
    expect(history.filter((r) => r.event === 'NOTIFY').map((r) => r.note)).toEqual(
      expect.arrayContaining([expect.stringContaining('Reward SMS sent to ***456'), expect.stringContaining('Reward email sent to')]),
    );
    expect(JSON.stringify(history)).not.toContain('ABCD2345');
    expect(world.notificationLog.entries.get(`reward-${BRAND}-customer-1`)).toMatchObject({ jobId: 1, customerId: 1, kind: 'reward-code', channel: 'sms', state: 'sent' });
    // Sent, the code stays in the log only as its last characters, for staff (issue 26).
    expect(world.notificationLog.entries.get(`reward-${BRAND}-customer-1`)?.content).toEqual({ text: 'Thank you for your feedback! Here is your discount code: *****345' });
    expect(JSON.stringify(world.notificationLog.entries.get(`reward-${BRAND}-customer-1-email`)?.content)).toMatch(/^(?!.*ABCD2345).*\*{5}345/);
    expect(world.clientJobs.status(1)).toBe('CLOSED');
    expect([...world.stats.messages.values()].map((m) => m.type)).toEqual(expect.arrayContaining(['sms.reward-code', 'email.reward-code']));
  });

  it("waits for the customer's contact window like any notification", async () => {
    const world = await rewardWorld();
    const saturdayNight = new Date('2026-11-28T22:30:00.000Z');
    const mondayOpening = new Date('2026-11-30T09:00:00.000Z');
    world.appDeps.calendar = calendarOf('Mon-Fri 09:00-17:00');
    world.clock.advance(saturdayNight.getTime() - world.clock.now().getTime());
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '5' }));

    expect(await world.deliverDue()).toEqual(['scheduled', 'scheduled']);
    expect(rewardsSent(world)).toEqual([]);
    world.clock.advance(mondayOpening.getTime() - world.clock.now().getTime());
    expect(await world.deliverDue()).toEqual(['sent', 'sent']);
    expect(rewardsSent(world)).toHaveLength(2);
  });

  it('sends nothing more for a redelivered reply or a second reply, and claims no other code', async () => {
    const world = await rewardWorld();
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '5' }));
    await world.deliverDue();
    const dropped = world.queue.duplicatesDropped;

    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '5' }))).toMatchObject({ outcome: 'duplicate' });
    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-2', text: '4 - also: great staff' }))).toMatchObject({ outcome: 'recorded' });

    expect(world.queue.messages).toEqual([]);
    expect(world.queue.duplicatesDropped).toBe(dropped);
    await world.deliverDue();
    expect(rewardsSent(world)).toHaveLength(2);
    expect(rewardRows(world)).toHaveLength(1);
    expect(await world.codes.claim(BRAND, 1)).toEqual({ status: 'already-claimed', code: 'ABCD2345' });
  });

  it("gives the same customer's reply about another job the same code, and tells them nothing again", async () => {
    const world = await rewardWorld([clientJob(1), clientJob(2)]);
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-1', text: '4' }));
    await world.deliverDue();
    world.clock.advance(60_000);
    await closeJobIn(world, 2);

    expect(await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-2', text: '5' }))).toEqual({ outcome: 'recorded', jobId: 2, score: 5 });
    await world.deliverDue();
    expect(rewardsSent(world)).toHaveLength(2);
    expect(rewardRows(world).map((row) => row.jobId)).toEqual([1]);
    expect(world.codes.claims).toBe(2);
    expect(await world.codes.claim(BRAND, 1)).toEqual({ status: 'already-claimed', code: 'ABCD2345' });
  });

  it('repairs a crash between the claim and the queue when Vonage resends the reply', async () => {
    const world = await rewardWorld();
    const sms = inbound({ messageId: 'in-1', text: '5' });
    await expect(recordInboundSms(world.inboundWith({ codes: crashAfter(world.codes, 'claim') }), sms)).rejects.toBeInstanceOf(InjectedCrash);
    await expect(recordInboundSms(world.inboundWith({ notificationLog: crashAfter(world.notificationLog, 'register') }), sms)).rejects.toBeInstanceOf(InjectedCrash);
    expect(world.queue.messages).toEqual([]);

    expect(await recordInboundSms(world.inboundDeps, sms)).toMatchObject({ outcome: 'duplicate' });
    await world.deliverDue();
    expect(rewardsSent(world).map((request) => request.text)).toEqual([
      'Thank you for your feedback! Here is your discount code: ABCD2345',
      'Thank you for your feedback! Here is your discount code: ABCD2345',
    ]);
    expect(rewardRows(world)).toHaveLength(1);
  });

  it('notes on the job that no code was left, answers the reply as recorded, and rewards a later reply once codes exist', async () => {
    const world = await rewardWorld();
    world.codes.add('empty-brand', []);
    const deps = world.inboundWith({ rewardBrand: 'empty-brand' });
    expect(await recordInboundSms(deps, inbound({ messageId: 'in-1', text: '3' }))).toEqual({ outcome: 'recorded', jobId: 1, score: 3 });
    expect(await recordInboundSms(deps, inbound({ messageId: 'in-1', text: '3' }))).toMatchObject({ outcome: 'duplicate' });
    expect(world.queue.messages).toEqual([]);
    expect(rewardRows(world)).toEqual([expect.objectContaining({ jobId: 1, note: 'Feedback reward not given: no discount code of brand empty-brand is left' })]);
    expect(world.logger.lines.find((line) => line.message.includes('feedback reward not given'))?.fields).toEqual({ brandId: 'empty-brand', customerId: 1, jobId: 1 });

    world.codes.add('empty-brand', ['NEWCODE22']);
    await recordInboundSms(deps, inbound({ messageId: 'in-2', text: '4' }));
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['reward-empty-brand-customer-1', 'reward-empty-brand-customer-1-email']);
  });

  it('notes a brand without codes the same way', async () => {
    const world = await rewardWorld();
    expect(await recordInboundSms(world.inboundWith({ rewardBrand: 'nobody' }), inbound({ messageId: 'in-1', text: '5' }))).toMatchObject({ outcome: 'recorded' });
    expect(rewardRows(world).map((row) => row.note)).toEqual(['Feedback reward not given: brand nobody has no discount codes']);
    expect(world.queue.messages).toEqual([]);
  });

  it('claims nothing without FEEDBACK_REWARD_BRAND, for a STOP, or for a reply that matches no feedback request', async () => {
    const unset = await rewardWorld();
    await recordInboundSms(unset.inboundWith({ rewardBrand: undefined }), inbound({ messageId: 'in-1', text: '5' }));
    expect(unset.codes.claims).toBe(0);
    expect(unset.queue.messages).toEqual([]);
    expect(rewardRows(unset)).toEqual([]);

    const world = await rewardWorld();
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-2', text: 'STOP' }));
    await recordInboundSms(world.inboundDeps, inbound({ messageId: 'in-3', msisdn: '447700900123', text: '5' }));
    expect(world.codes.claims).toBe(0);
    // The STOP's one confirmation, and nothing else.
    expect(world.queue.messages.map((m) => m.messageId)).toEqual(['opt-out-in-2']);
  });
});
