import { MysqlCustomers } from '../adapters/mysql/customers.js';
import { MysqlCustomerFeedback } from '../adapters/mysql/feedback.js';
import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { MysqlPreferenceChanges } from '../adapters/mysql/preferenceChanges.js';
import { MysqlTrackingLinks } from '../adapters/mysql/trackingLinks.js';
import { HmacTrackingTokens, trackingLinkSecret } from '../adapters/signatures/trackingTokens.js';
import { businessCalendar, countryCallingCodes } from '../config.js';
import { defaultPublicBaseUrl } from '../customerPageSettings.js';
import { JobPages } from '../domain/customerPage/access.js';
import { giveFeedback, type FeedbackForm } from '../domain/customerPage/feedbackForm.js';
import { renderPage, showCustomerPage, type PageViewDeps, type RenderedPage } from '../domain/customerPage/pageView.js';
import { changePreferences, type PageFormOutcome, type PreferencesForm } from '../domain/customerPage/preferences.js';
import { askQuestion, type QuestionForm } from '../domain/customerPage/question.js';
import { trackingLinks } from '../domain/customerPage/trackingLinks.js';
import type { DiscountCodes } from '../domain/discounts/ports.js';
import { feedbackRepliesOf } from '../domain/feedback/inboundWiring.js';
import type { JobDocuments, JobTransactions } from '../domain/jobs/ports.js';
import type { Outbox } from '../domain/notifications/outbox.js';
import type { NotificationQueries } from '../domain/notifications/ports.js';
import type { Infrastructure } from '../infrastructure.js';

/** The name the page shows until the business's identity is kept in the ledger (DESIGN.md, Business identity). */
export const BUSINESS_NAME = 'Repair Relay';

/** A refused form's outcome with the page to show beside its problems. */
export type PageFormAnswer<Saved> = Exclude<PageFormOutcome<Saved>, { outcome: 'invalid' }> | { outcome: 'invalid'; problems: string[]; rendered: RenderedPage };

/**
 * The customer page's links (issue 25), built once per worker: tokens keyed by TRACKING_LINK_SECRET
 * under PUBLIC_BASE_URL, and `tracking_links`. The jobs area's messages carry them (`trackingLinks`,
 * the notifications' port); the page opens them (`tokens`, `ledger`).
 */
export function customerPageLinksOf(infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'clock'>) {
  const { config } = infra;
  const tokens = new HmacTrackingTokens(trackingLinkSecret(config), config.PUBLIC_BASE_URL ?? defaultPublicBaseUrl({}, config.PORT));
  const ledger = new MysqlTrackingLinks(infra.ledgerPool);
  return { tokens, ledger, trackingLinks: trackingLinks(tokens, ledger, infra.clock) };
}

export type CustomerPageLinks = ReturnType<typeof customerPageLinksOf>;

/** What the page shares with the other areas: the outbox (auto-replies, rewards), the log's queries (messages sent) and the job's records. */
export interface CustomerPageShared {
  outbox: Outbox;
  notificationLog: Pick<NotificationQueries, 'list'>;
  records: { documents: JobDocuments; transactions: JobTransactions };
}

/** The customer's own page (issue 25): reading a job by its link, and the page's three forms. */
export function customerPageModule(
  links: CustomerPageLinks,
  shared: CustomerPageShared,
  codes: DiscountCodes,
  infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'phoneKeys' | 'clock' | 'logger'>,
) {
  const { config, clock, phoneKeys } = infra;
  const { outbox, notificationLog, records } = shared;
  const { documents, transactions } = records;
  const logger = infra.logger('customerPage');
  const customers = new MysqlCustomers(infra.ledgerPool);
  const calendar = businessCalendar(config);
  const pages = new JobPages({ tokens: links.tokens, links: links.ledger, documents, transactions, clock }, config.TRACKING_LINK_DAYS_AFTER_CLOSE);
  const view: PageViewDeps = { customers, notificationLog, calendar, clock, businessName: BUSINESS_NAME };
  const inbox = { inbox: new MysqlInbox(infra.ledgerPool), outbox, phoneKeys, calendar, clock, logger, autoReplyCountryCodes: countryCallingCodes(config) };
  const replies = feedbackRepliesOf({ feedback: new MysqlCustomerFeedback(infra.ledgerPool), documents, transactions, outbox, customers, codes, clock, logger }, config.FEEDBACK_REWARD_BRAND);
  const customerApi = { customers, calendar, clock };
  const preferenceChanges = new MysqlPreferenceChanges(infra.ledgerPool);
  async function withPage<Saved>(outcome: PageFormOutcome<Saved>): Promise<PageFormAnswer<Saved>> {
    if (outcome.outcome !== 'invalid') return outcome as Exclude<PageFormOutcome<Saved>, { outcome: 'invalid' }>;
    return { outcome: 'invalid', problems: outcome.problems, rendered: await renderPage({ view, pages }, outcome.page) };
  }
  return {
    showCustomerPage: (token: string) => showCustomerPage({ pages, view }, token),
    changePreferences: async (token: string, form: PreferencesForm) => withPage(await changePreferences({ pages, customerApi, preferenceChanges, clock }, token, form)),
    askQuestion: async (token: string, form: QuestionForm) => withPage(await askQuestion({ pages, inbox, customers }, token, form)),
    giveFeedback: async (token: string, form: FeedbackForm) => withPage(await giveFeedback({ pages, replies }, token, form)),
  };
}
