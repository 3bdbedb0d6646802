import { MysqlCustomerFeedback } from '../adapters/mysql/feedback.js';
import { MysqlInbox } from '../adapters/mysql/inbox.js';
import { MysqlPreferenceChanges } from '../adapters/mysql/preferenceChanges.js';
import { MysqlTrackingLinks } from '../adapters/mysql/trackingLinks.js';
import { countryCallingCodes } from '../config.js';
import type { PageAccessDeps } from '../domain/customerPage/access.js';
import { giveFeedback, type FeedbackForm } from '../domain/customerPage/feedbackForm.js';
import { renderPage, showCustomerPage, type PageViewDeps, type RenderedPage } from '../domain/customerPage/pageView.js';
import { changePreferences, type PageFormOutcome, type PreferencesForm } from '../domain/customerPage/preferences.js';
import { askQuestion, type QuestionForm } from '../domain/customerPage/question.js';
import type { DiscountCodes } from '../domain/discounts/ports.js';
import type { Infrastructure } from '../infrastructure.js';
import type { JobStores } from './jobStores.js';

/** The name the page shows until the business's identity is kept in the ledger (DESIGN.md, Business identity). */
export const BUSINESS_NAME = 'Repair Relay';

/** A refused form's outcome with the page to show beside its problems. */
export type PageFormAnswer<Saved> = Exclude<PageFormOutcome<Saved>, { outcome: 'invalid' }> | { outcome: 'invalid'; problems: string[]; rendered: RenderedPage };

/** The customer's own page (issue 25): reading a job by its link, and the page's three forms. */
export function customerPageModule(stores: JobStores, codes: DiscountCodes, infra: Pick<Infrastructure, 'config' | 'ledgerPool' | 'logger'>) {
  const { config } = infra;
  const logger = infra.logger('customerPage');
  const access: PageAccessDeps = {
    tokens: stores.trackingTokens,
    links: new MysqlTrackingLinks(infra.ledgerPool),
    documents: stores.documents,
    transactions: stores.transactions,
    clock: stores.clock,
    daysAfterClose: config.TRACKING_LINK_DAYS_AFTER_CLOSE,
  };
  const view: PageViewDeps = { customers: stores.customers, notificationLog: stores.notificationLog, calendar: stores.calendar, clock: stores.clock, businessName: BUSINESS_NAME };
  const inbox = {
    inbox: new MysqlInbox(infra.ledgerPool),
    notificationLog: stores.notificationLog,
    queue: stores.queue,
    phoneKeys: stores.phoneKeys,
    calendar: stores.calendar,
    clock: stores.clock,
    logger,
    autoReplyCountryCodes: countryCallingCodes(config),
  };
  const reward = { ...stores, codes, rewardBrand: config.FEEDBACK_REWARD_BRAND, logger };
  const customerApi = { customers: stores.customers, calendar: stores.calendar, clock: stores.clock };
  const preferenceChanges = new MysqlPreferenceChanges(infra.ledgerPool);
  async function withPage<Saved>(outcome: PageFormOutcome<Saved>): Promise<PageFormAnswer<Saved>> {
    if (outcome.outcome !== 'invalid') return outcome as Exclude<PageFormOutcome<Saved>, { outcome: 'invalid' }>;
    return { outcome: 'invalid', problems: outcome.problems, rendered: await renderPage({ view, tokens: access.tokens }, outcome.page) };
  }
  return {
    showCustomerPage: (token: string) => showCustomerPage({ ...access, view }, token),
    changePreferences: async (token: string, form: PreferencesForm) => withPage(await changePreferences({ ...access, customerApi, preferenceChanges }, token, form)),
    askQuestion: async (token: string, form: QuestionForm) => withPage(await askQuestion({ ...access, inbox, customers: stores.customers }, token, form)),
    giveFeedback: async (token: string, form: FeedbackForm) => withPage(await giveFeedback({ ...access, feedback: new MysqlCustomerFeedback(infra.ledgerPool), reward }, token, form)),
  };
}
