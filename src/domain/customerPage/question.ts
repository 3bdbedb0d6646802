import type { Customers } from '../customers/ports.js';
import { keepInboundMessage, MAX_INBOX_TEXT, type AutoReplyOutcome, type InboxDeps } from '../inbox/inbox.js';
import type { JobPages } from './access.js';
import type { PageFormOutcome } from './preferences.js';

/** Questions from the page are short: a few sentences, like a text message or two. */
export const MAX_QUESTION_CHARS = 1000;

export interface QuestionDeps {
  pages: JobPages;
  /** The inbox's own keeping and auto-reply step (keepInboundMessage) takes these. */
  inbox: InboxDeps;
  customers: Pick<Customers, 'get'>;
}

export interface QuestionForm {
  formToken: string;
  text: string;
}

/**
 * A question from the customer's page, kept in the staff inbox as a message from that customer
 * about that job (keepInboundMessage: the same inbox and after-hours auto-reply rules). Its id is
 * the form's nonce, so a form sent twice is kept once. The auto-reply goes by text message to a
 * customer who takes text messages; one who stopped them is told on the page only.
 */
export async function askQuestion(deps: QuestionDeps, token: string, form: QuestionForm): Promise<PageFormOutcome<{ autoReply: AutoReplyOutcome }>> {
  const page = await deps.pages.open(token);
  if (!page) return { outcome: 'not-found' };
  const nonce = deps.pages.checkedForm(page, form.formToken);
  if (nonce === undefined) return { outcome: 'forbidden' };
  const text = form.text.trim();
  const length = Array.from(text).length;
  if (length === 0) return { outcome: 'invalid', page, problems: ['Write your question before sending it.'] };
  if (length > MAX_QUESTION_CHARS) return { outcome: 'invalid', page, problems: [`Keep your question to ${MAX_QUESTION_CHARS} characters (it has ${length}).`] };

  const customerId = page.doc.customer_id ?? null;
  const customer = customerId === null ? undefined : await deps.customers.get(customerId);
  const texted = customer?.mobile && customer.subscriptions.some((s) => s.channel === 'sms') ? customer.mobile : undefined;
  const kept = await keepInboundMessage(deps.inbox, {
    messageId: `page-${page.jobId}-${nonce}`,
    channel: 'sms',
    from: texted ?? 'customer page',
    text: Array.from(text).slice(0, MAX_INBOX_TEXT).join(''),
    e164: texted,
    customer,
    jobId: page.jobId,
  });
  return { outcome: 'saved', page, autoReply: kept.autoReply };
}
