import { MysqlCustomerFeedback } from '../adapters/mysql/feedback.js';
import { MysqlFeedbackReports } from '../adapters/mysql/feedbackReports.js';
import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { countryCallingCodes } from '../config.js';
import type { DiscountCodes } from '../domain/discounts/ports.js';
import { feedbackSummary, lowScores } from '../domain/feedback/feedbackReports.js';
import { listFeedback } from '../domain/feedback/listFeedback.js';
import type { FeedbackPage } from '../domain/feedback/ports.js';
import { recordInboundSms, type InboundSms } from '../domain/feedback/recordReply.js';
import type { SeriesBucket } from '../domain/stats/statsSeries.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

/** Feedback: customers' replies (scores, STOP, questions for the inbox) and the reward a reply earns. */
export function feedbackModule(stores: JobStores, codes: DiscountCodes, infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'logger'>) {
  const feedback = new MysqlCustomerFeedback(infra.ledgerPool);
  const reports = new MysqlFeedbackReports(infra.ledgerPool);
  const replies = {
    ...stores,
    feedback,
    inbox: new MysqlInbox(infra.ledgerPool),
    codes,
    rewardBrand: infra.config.FEEDBACK_REWARD_BRAND,
    autoReplyCountryCodes: countryCallingCodes(infra.config),
    stopUnsubscribesAllChannels: infra.config.STOP_UNSUBSCRIBES_ALL_CHANNELS === 'true',
  };
  return {
    recordInboundSms: (sms: InboundSms) => recordInboundSms({ ...replies, logger: infra.logger('vonageInboundSms') }, sms),
    listFeedback: (page: FeedbackPage) => listFeedback({ feedback }, page),
    feedbackSummary: (query: { from: string; to: string; bucket: SeriesBucket }) => feedbackSummary({ reports, timeZone: stores.calendar.timezone }, query),
    lowScores: (page: { before?: number; limit: number }) => lowScores({ reports }, page),
  };
}
