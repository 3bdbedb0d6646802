import type { Customers } from '../customers/ports.js';
import { claimDiscountCode } from '../discounts/discountCodes.js';
import type { DiscountCodes } from '../discounts/ports.js';
import type { JobTransactions } from '../jobs/ports.js';
import { EVENT_STEPS } from '../jobs/notificationSummaries.js';
import { queueRewardNotifications } from '../notifications/jobEvents.js';
import { rewardKey } from '../notifications/notificationMessage.js';
import type { Outbox } from '../notifications/outbox.js';
import type { Clock, Logger } from '../shared/ports.js';
import type { FeedbackReply } from './ports.js';

export interface FeedbackRewardDeps {
  codes: Pick<DiscountCodes, 'claim'>;
  customers: Pick<Customers, 'customersForJobs' | 'getMany'>;
  /** The code goes out through the customer's channels. */
  outbox: Outbox;
  transactions: Pick<JobTransactions, 'append'>;
  clock: Clock;
  logger: Logger;
  /** FEEDBACK_REWARD_BRAND: the brand whose code a reply earns; undefined, replies earn nothing. */
  rewardBrand: string | undefined;
}

export type FeedbackRewardResult =
  | { outcome: 'rewarded'; jobId: number }
  | { outcome: 'none-left' | 'unknown-brand' | 'no-customer' | 'no-reward-brand' };

/**
 * The reward of a reply to the feedback request (issue 12): a code of FEEDBACK_REWARD_BRAND for
 * the job's customer, sent through their channels. Every step repeats safely, so a redelivered
 * reply repairs a crash anywhere (the claim gives the same code again, the reward's keys send it
 * once per customer and brand); a failure is thrown, so the webhook answers 5xx and the provider resends.
 */
export async function rewardFeedback(deps: FeedbackRewardDeps, reply: FeedbackReply): Promise<FeedbackRewardResult> {
  const brandId = deps.rewardBrand;
  if (brandId === undefined) return { outcome: 'no-reward-brand' };
  const customerId = (await deps.customers.customersForJobs([reply.jobId])).get(reply.jobId);
  const [customer] = customerId === undefined ? [] : await deps.customers.getMany([customerId]);
  if (!customer) {
    deps.logger.info('feedback reward: the job has no customer; nothing claimed', { jobId: reply.jobId, messageId: reply.inboundMessageId });
    return { outcome: 'no-customer' };
  }

  const claim = await claimDiscountCode(deps, brandId, customer.customerId);
  if (claim.status === 'none-left' || claim.status === 'unknown-brand') {
    const why = claim.status === 'none-left' ? `no discount code of brand ${brandId} is left` : `brand ${brandId} has no discount codes`;
    deps.logger.warn(`feedback reward not given: ${why}`, { brandId, customerId: customer.customerId, jobId: reply.jobId });
    await deps.transactions.append([
      {
        jobId: reply.jobId,
        status: EVENT_STEPS['reward-code'].status,
        note: `Feedback reward not given: ${why}`,
        event: 'REWARD',
        // One row per reply: a later reply, after codes were generated, still earns the code.
        eventKey: `feedback-${reply.inboundMessageId}-reward-${claim.status}`,
        at: deps.clock.now(),
      },
    ]);
    return { outcome: claim.status };
  }

  const { jobId } = await queueRewardNotifications(deps.outbox, { brandId, code: claim.code, customer, jobId: reply.jobId });
  await deps.transactions.append([
    {
      jobId,
      status: EVENT_STEPS['reward-code'].status,
      // The code itself stays out of job_trans: it is as good as money until redeemed.
      note: `Feedback reward: a discount code of brand ${brandId} sent to customer ${customer.customerId}`,
      event: 'REWARD',
      // One row per customer and brand, whichever reply or redelivery writes it (the sms notification's key).
      eventKey: rewardKey(brandId, customer.customerId, 'sms'),
      at: deps.clock.now(),
    },
  ]);
  return { outcome: 'rewarded', jobId };
}
