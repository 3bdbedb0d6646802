import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { MysqlCustomerFeedback } from '../adapters/mysql/feedback.js';
import { MysqlFeedbackReports } from '../adapters/mysql/feedbackReports.js';
import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { businessCalendar, countryCallingCodes } from '../config.js';
import type { DiscountCodes } from '../domain/discounts/ports.js';
import { feedbackSummary, lowScores } from '../domain/feedback/feedbackReports.js';
import { inboundSmsDeps } from '../domain/feedback/inboundWiring.js';
import { listFeedback } from '../domain/feedback/listFeedback.js';
import type { FeedbackPage } from '../domain/feedback/ports.js';
import { recordInboundSms, type InboundSms } from '../domain/feedback/recordReply.js';
import type { JobDocuments, JobTransactions } from '../domain/jobs/ports.js';
import type { Outbox } from '../domain/notifications/outbox.js';
import type { NotificationQueries } from '../domain/notifications/ports.js';
import type { SeriesBucket } from '../domain/stats/statsSeries.js';
import type { Infrastructure } from '../infrastructure.js';

/** Feedback: customers' replies (scores, STOP, questions for the inbox) and the reward a reply earns, told through the `outbox`. */
export function feedbackModule(
  outbox: Outbox,
  notificationLog: Pick<NotificationQueries, 'latestSentTo'>,
  records: { documents: JobDocuments; transactions: JobTransactions },
  codes: DiscountCodes,
  infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'phoneKeys' | 'clock' | 'logger'>,
) {
  const feedback = new MysqlCustomerFeedback(infra.ledgerPool);
  const reports = new MysqlFeedbackReports(infra.ledgerPool);
  const calendar = businessCalendar(infra.config);
  const replies = inboundSmsDeps(
    {
      ...records,
      outbox,
      notificationLog,
      feedback,
      inbox: new MysqlInbox(infra.ledgerPool),
      customers: new MysqlCustomers(infra.ledgerPool),
      codes,
      phoneKeys: infra.phoneKeys,
      calendar,
      clock: infra.clock,
      logger: infra.logger('vonageInboundSms'),
    },
    {
      rewardBrand: infra.config.FEEDBACK_REWARD_BRAND,
      autoReplyCountryCodes: countryCallingCodes(infra.config),
      stopUnsubscribesAllChannels: infra.config.STOP_UNSUBSCRIBES_ALL_CHANNELS === 'true',
    },
  );
  return {
    recordInboundSms: (sms: InboundSms) => recordInboundSms(replies, sms),
    listFeedback: (page: FeedbackPage) => listFeedback({ feedback }, page),
    feedbackSummary: (query: { from: string; to: string; bucket: SeriesBucket }) => feedbackSummary({ reports, timeZone: calendar.timezone }, query),
    lowScores: (page: { before?: number; limit: number }) => lowScores({ reports }, page),
  };
}
