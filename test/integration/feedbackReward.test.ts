import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provideRelay } from '../../src/processRelay.js';
import { type Relay } from '../../src/compositionRoot.js';
import { deliverDue as deliverDueOn, inboundSms as reply } from '../support/feedbackFlow.js';
import { callHttpFunction } from '../support/http.js';
import { clientStatus, insertClientJobs, jobTransRows } from '../kit/mysql.js';
import { startRealStack, type RealStack } from '../support/realStack.js';
import '../../src/functions/discounts/generateDiscountCodes.js';
import '../../src/functions/feedback/vonageInboundSms.js';
import '../../src/functions/notifications/listNotifications.js';
import '../../src/functions/notifications/sendNotification.js';

const BRAND = 'thanks-2026';

/** The feedback reward end to end: MariaDB, the embedded Cosmos server (discountCodes container), the Vonage sandbox, through the function files. */
describe('the feedback reward against the real stack', () => {
  let stack: RealStack;
  let relay: Relay;

  const deliverDue = () => deliverDueOn(stack);

  beforeAll(async () => {
    stack = await startRealStack({ FEEDBACK_REWARD_BRAND: BRAND });
    ({ relay } = stack);
  });
  beforeEach(() => provideRelay(async () => relay));
  afterAll(async () => stack?.stop());

  it('a reply to the feedback SMS earns one code, texted once and logged, whatever Vonage resends', async () => {
    expect(await callHttpFunction('generateDiscountCodes', 'POST', { params: { brandId: BRAND }, body: JSON.stringify({ count: 2 }) })).toMatchObject({ status: 201 });
    await insertClientJobs(stack.client.pool, [{ id: 1 }]);
    await relay.pollClientJobs();
    await deliverDue();
    await stack.client.pool.query("UPDATE Jobs SET Job_status = 'JOB COMPLETED' WHERE Job_id = 1");
    await relay.pollClientJobs();
    expect(await relay.closeJob(1)).toEqual({ outcome: 'started' });
    await deliverDue();
    expect(await clientStatus(stack.client.pool, 1)).toBe('CLOSED');
    const feedbackSms = stack.sandbox.sent.find((s) => s.clientRef === 'job-1-closed')!;

    expect(await reply(feedbackSms.to, 'in-reward-1', '5 stars')).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(stack.queue.messages).toHaveLength(1);
    await deliverDue();

    const rewardSms = stack.sandbox.sent.filter((s) => s.clientRef?.startsWith(`reward-${BRAND}-customer-`));
    expect(rewardSms).toHaveLength(1);
    const code = /discount code: ([2-9A-HJKMNP-Z]{10})$/.exec(rewardSms[0]!.text)?.[1];
    const customerId = Number(rewardSms[0]!.clientRef!.split('-customer-')[1]);
    // The same customer claiming again gets the code the SMS carried: the reward took it.
    expect(await relay.claimDiscountCode(BRAND, customerId)).toEqual({ status: 'already-claimed', code });

    const log = await callHttpFunction('listNotifications', 'GET', { query: { jobId: '1' } });
    expect(log.body.notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ notificationId: `reward-${BRAND}-customer-${customerId}`, event: 'reward-code', channel: 'sms', customerId, outcome: 'sent' })]),
    );
    const rows = await jobTransRows(stack.ledger.pool, 1);
    expect(rows.filter((r) => r.event_key.startsWith('reward-'))).toEqual([
      expect.objectContaining({ Job_status: 'CLOSED', event_key: `reward-${BRAND}-customer-${customerId}`, Update_note: `Feedback reward: a discount code of brand ${BRAND} sent to customer ${customerId}` }),
      expect.objectContaining({ event_key: `reward-${BRAND}-customer-${customerId}-sent`, Update_note: expect.stringContaining('Reward SMS sent to') }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(code);

    // Vonage resends the reply, and the customer replies again: nothing more is claimed or sent.
    const sent = stack.sandbox.requests;
    expect(await reply(feedbackSms.to, 'in-reward-1', '5 stars')).toMatchObject({ status: 200, body: { status: 'duplicate' } });
    expect(await reply(feedbackSms.to, 'in-reward-2', '5 - thanks again')).toMatchObject({ status: 200, body: { status: 'recorded' } });
    await deliverDue();
    expect(stack.sandbox.requests).toBe(sent);
    expect(await jobTransRows(stack.ledger.pool, 1)).toHaveLength(rows.length + 1); // the second reply's FEEDBACK row only
    expect((await relay.discountCodeCounts(BRAND))?.claimed).toBe(1);
  });
});
