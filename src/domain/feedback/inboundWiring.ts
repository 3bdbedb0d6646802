import type { Customers } from '../customers/ports.js';
import type { DiscountCodes } from '../discounts/ports.js';
import { keepInboundMessage } from '../inbox/inbox.js';
import type { Inbox } from '../inbox/ports.js';
import type { JobDocuments, JobTransactions } from '../jobs/ports.js';
import type { Outbox } from '../notifications/outbox.js';
import type { NotificationQueries } from '../notifications/ports.js';
import type { Clock, Logger, PhoneKeys } from '../shared/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { FeedbackReplies, FeedbackRequests } from './feedbackReplies.js';
import { optOutSender } from './optOut.js';
import type { CustomerFeedback } from './ports.js';
import type { InboundSmsDeps } from './recordReply.js';
import { rewardFeedback } from './reward.js';

/** What inbound messages are wired from (by the feedback module, or a test's world); never handed to a use case whole. */
export interface InboundPorts {
  feedback: CustomerFeedback;
  documents: Pick<JobDocuments, 'update'>;
  transactions: Pick<JobTransactions, 'append'>;
  notificationLog: Pick<NotificationQueries, 'latestSentTo'>;
  outbox: Outbox;
  inbox: Inbox;
  customers: Pick<Customers, 'findByMobile' | 'unsubscribe' | 'customersForJobs' | 'getMany'>;
  codes: Pick<DiscountCodes, 'claim'>;
  phoneKeys: PhoneKeys;
  calendar: BusinessCalendar;
  clock: Clock;
  logger: Logger;
}

export interface InboundSettings {
  /** FEEDBACK_REWARD_BRAND: the brand whose code a reply earns; undefined, replies earn nothing. */
  rewardBrand: string | undefined;
  /** AUTO_REPLY_COUNTRY_CODES. */
  autoReplyCountryCodes: readonly string[];
  /** STOP_UNSUBSCRIBES_ALL_CHANNELS. */
  stopUnsubscribesAllChannels: boolean;
}

/** recordInboundSms's collaborators, each over the few ports it uses. */
export function inboundSmsDeps(ports: InboundPorts, settings: InboundSettings): InboundSmsDeps {
  const { feedback, documents, transactions, notificationLog, outbox, inbox, customers, codes, phoneKeys, calendar, clock, logger } = ports;
  const { rewardBrand, autoReplyCountryCodes, stopUnsubscribesAllChannels } = settings;
  return {
    replies: new FeedbackReplies({
      feedback,
      documents,
      transactions,
      reward: (reply) => rewardFeedback({ codes, customers, outbox, transactions, clock, logger, rewardBrand }, reply),
      clock,
    }),
    requests: new FeedbackRequests({ notificationLog, phoneKeys, clock }),
    customers,
    keep: (inbound) => keepInboundMessage({ inbox, outbox, phoneKeys, calendar, clock, logger, autoReplyCountryCodes }, inbound),
    optOut: (optOut) => optOutSender({ customers, outbox, logger, stopUnsubscribesAllChannels }, optOut),
    logger,
  };
}
