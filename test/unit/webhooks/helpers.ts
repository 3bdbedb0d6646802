import { requestClosure } from '../../../src/domain/jobs/closure.js';
import { deliveryReceiptSchema, inboundSmsSchema } from '../../../src/functions/http/vonageSchemas.js';
import type { DeliveryReceipt, DeliveryReceiptDeps } from '../../../src/domain/notifications/deliveryReceipts.js';
import type { InboundSms, InboundSmsDeps } from '../../../src/domain/feedback/recordReply.js';
import { inboundSmsDeps, type InboundSettings } from '../../../src/domain/feedback/inboundWiring.js';
import { clientJob } from '../../contracts/jobs/clientJobs.fake.js';
import { FakeCustomerFeedback } from '../../contracts/feedback/customerFeedback.fake.js';
import { FakeDiscountCodes } from '../../contracts/discounts/discountCodes.fake.js';
import { createWorld, type World } from '../../support/world.js';

export const API_KEY = 'test-api-key';

/** The customer's number as Vonage writes it in webhooks: E.164 without '+'. */
export const CUSTOMER_MSISDN = '447770123456';

/** The ports and settings inbound messages are wired from; tests set a setting or swap a port here. */
type InboundBag = World['appDeps'] & InboundSettings & { feedback: FakeCustomerFeedback; codes: FakeDiscountCodes };

export type WebhookWorld = World & {
  feedback: FakeCustomerFeedback;
  codes: FakeDiscountCodes;
  receiptDeps: DeliveryReceiptDeps;
  /** recordInboundSms's deps, wired again at each use from the bag, so a setting changed on it takes effect. */
  inboundDeps: InboundSmsDeps & InboundBag;
  /** recordInboundSms's deps over other ports or settings (a crashing port, another brand). */
  inboundWith(overrides: Partial<InboundBag>): InboundSmsDeps;
};

function inboundFrom(world: World, bag: InboundBag): InboundSmsDeps {
  return inboundSmsDeps({ ...world.with(bag), feedback: bag.feedback, codes: bag.codes }, bag);
}

/** A fake world with jobs ingested and their courtesy SMS sent (Vonage ids vonage-1, vonage-2, ...). */
export async function openedWorld(jobs = [clientJob(1)], rewardBrand?: string): Promise<WebhookWorld> {
  const world = createWorld(jobs);
  await world.poll();
  await world.deliverDue();
  const feedback = new FakeCustomerFeedback();
  const codes = new FakeDiscountCodes();
  const bag: InboundBag = { ...world.appDeps, feedback, codes, rewardBrand, autoReplyCountryCodes: ['44'], stopUnsubscribesAllChannels: false };
  // Not enumerable: spreading the bag (to wire it) copies its ports and settings, never these.
  const wired = (key: 'replies' | 'requests' | 'keep' | 'optOut') => ({ get: () => inboundFrom(world, bag)[key], enumerable: false });
  const inboundDeps = Object.defineProperties(bag, { replies: wired('replies'), requests: wired('requests'), keep: wired('keep'), optOut: wired('optOut') }) as InboundSmsDeps & InboundBag;
  return Object.assign(world, {
    feedback,
    codes,
    receiptDeps: world.appDeps,
    inboundDeps,
    inboundWith: (overrides: Partial<InboundBag>) => inboundFrom(world, { ...bag, ...overrides }),
  });
}

/** Completes the job in the client system (the customer is told) and closes it: its feedback SMS is sent. */
export async function closeJobIn(world: WebhookWorld, jobId: number): Promise<void> {
  world.clientJobs.rows.get(jobId)!.status = 'JOB COMPLETED';
  await world.poll();
  await world.deliverDue(); // the completion notice the status mirror queued, so a test's scripted reply meets the feedback SMS
  await requestClosure(world.appDeps, jobId, 'test');
  await world.deliverDue();
}

export function receipt(params: Record<string, string>): DeliveryReceipt {
  return deliveryReceiptSchema.parse({
    msisdn: CUSTOMER_MSISDN,
    to: 'RepairRelay',
    'network-code': '23410',
    price: '0.03330000',
    scts: '2611230910',
    'err-code': '0',
    'api-key': API_KEY,
    'message-timestamp': '2026-11-23 09:10:11',
    ...params,
  });
}

export function inbound(params: Record<string, string>): InboundSms {
  return inboundSmsSchema.parse({
    msisdn: CUSTOMER_MSISDN,
    to: '447700900000',
    type: 'text',
    keyword: 'GREAT',
    'message-timestamp': '2026-11-23 10:00:00',
    ...params,
  });
}
