import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { CHANNELS } from '../../domain/channels/ports.js';
import type { PreferencesView, RenderedPage } from '../../domain/customerPage/pageView.js';
import type { PreferencesForm } from '../../domain/customerPage/preferences.js';
import { WEEKDAYS, type Weekday } from '../../domain/windows/weeklyHours.js';
import { getRelay } from '../../processRelay.js';
import { rateLimited } from '../http/clientRateLimit.js';
import { answer, readRawBody } from '../http/http.js';
import type { FormContext } from './formsHtml.js';
import { customerPageHtml, layout } from './pageHtml.js';
import { html } from './html.js';
import { backToPage, customerPageLimiter, forbidden, fromThisSite, notFound, pageResponse, tokenOf } from './pageResponses.js';

/*
 * The page's three forms (POST, application/x-www-form-urlencoded, as a browser sends them without
 * JavaScript). The edge reads their shape; the domain checks the form token and what the values
 * mean. A refused form shows the page again with its problems (422) and writes nothing; a form
 * that worked redirects back to the page (303), which says what it did.
 */

const text = (max: number) => z.string().max(max).default('');
const time = z.string().regex(/^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/, 'a time').transform((value) => value.slice(0, 5));

const preferencesSchema = z.object({
  formToken: text(200),
  action: z.enum(['save', 'stop']).default('save'),
  channel: z.array(z.enum(CHANNELS)).max(CHANNELS.length),
  email: text(254),
  timezone: text(64),
  hours: z.enum(['open', 'chosen']).default('open'),
  day: z.array(z.enum(WEEKDAYS)).max(WEEKDAYS.length),
  times: z.record(z.string(), time),
});

const questionSchema = z.object({ formToken: text(200), text: text(4000) });
const feedbackSchema = z.object({ formToken: text(200), score: z.coerce.number().int().min(1).max(5), comment: text(640) });

function unreadable(): HttpResponseInit {
  return pageResponse(400, layout('Form not read', html`<main id="main"><h1>Form not read</h1><p>We could not read that form. Go back to your page and try again.</p></main>`));
}

/** The form's fields; repeated names (checkboxes) as lists, the week grid's times by their field name. */
async function formFields(request: HttpRequest): Promise<Record<string, unknown> | undefined> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const raw = await readRawBody(request);
  if (!raw.ok) return undefined;
  const params = new URLSearchParams(raw.value.text);
  const single = (name: string) => params.get(name) ?? undefined;
  const times = Object.fromEntries([...params].filter(([name, value]) => /^(from|to)-[A-Z][a-z]{2}$/.test(name) && value !== ''));
  return { formToken: single('formToken'), action: single('action'), channel: params.getAll('channel'), email: single('email'), timezone: single('timezone'), hours: single('hours'), day: params.getAll('day'), times, text: single('text'), score: single('score'), comment: single('comment') };
}

function preferencesOf(fields: z.infer<typeof preferencesSchema>): PreferencesForm | undefined {
  const days: PreferencesForm['days'] = {};
  for (const day of fields.day) {
    const from = fields.times[`from-${day}`];
    const to = fields.times[`to-${day}`];
    if (from === undefined || to === undefined) return undefined;
    days[day] = { from, to: to === '23:59' ? '24:00' : to };
  }
  return { formToken: fields.formToken, action: fields.action, channels: fields.channel, email: fields.email, timezone: fields.timezone, hours: fields.hours, days };
}

/** The page again, with the form's problems and what the customer had entered. */
function refused(token: string, rendered: RenderedPage, problems: string[], entered: Partial<FormContext>): HttpResponseInit {
  return pageResponse(422, customerPageHtml(rendered.view, { problems, form: { pagePath: `/api/t/${token}`, formToken: rendered.formToken, ...entered } }));
}

type FormHandler = (token: string, fields: Record<string, unknown>) => Promise<HttpResponseInit>;

function pageForm(handle: FormHandler) {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    answer(context, async () => {
      if (!fromThisSite(request, (await getRelay()).config.PUBLIC_BASE_URL)) return forbidden();
      const fields = await formFields(request);
      return fields ? handle(tokenOf(request), fields) : unreadable();
    });
}

const changePreferences: FormHandler = async (token, fields) => {
  const parsed = preferencesSchema.safeParse(fields);
  const form = parsed.success ? preferencesOf(parsed.data) : undefined;
  if (!form) return unreadable();
  const result = await (await getRelay()).changePreferences(token, form);
  switch (result.outcome) {
    case 'not-found':
      return notFound();
    case 'forbidden':
      return forbidden();
    case 'saved':
      return backToPage(token, result.stopped ? 'stopped' : 'saved');
    case 'invalid': {
      const stored = result.rendered.view.preferences;
      const entered: PreferencesView | undefined = stored ? { channels: form.channels, hasEmail: stored.hasEmail, timezone: form.timezone, days: form.hours === 'open' ? null : weekOf(form) } : undefined;
      return refused(token, result.rendered, result.problems, entered ? { preferences: entered } : {});
    }
  }
};

function weekOf(form: PreferencesForm): Record<Weekday, { from: string; to: string } | null> {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, form.days[day] ?? null])) as Record<Weekday, { from: string; to: string } | null>;
}

type Answered = { outcome: 'saved' | 'forbidden' | 'not-found' } | { outcome: 'invalid'; problems: string[]; rendered: RenderedPage };

/** A form whose fields go to the use case as read: `done` after it worked, `entered` shown again beside its problems. */
function plainForm<Form>(schema: z.ZodType<Form>, send: (token: string, form: Form) => Promise<Answered>, done: 'asked' | 'feedback', entered: (form: Form) => Partial<FormContext>): FormHandler {
  return async (token, fields) => {
    const parsed = schema.safeParse(fields);
    if (!parsed.success) return unreadable();
    const result = await send(token, parsed.data);
    if (result.outcome === 'invalid') return refused(token, result.rendered, result.problems, entered(parsed.data));
    return result.outcome === 'saved' ? backToPage(token, done) : result.outcome === 'forbidden' ? forbidden() : notFound();
  };
}

const askQuestion = plainForm(questionSchema, async (token, form) => (await getRelay()).askQuestion(token, form), 'asked', (form) => ({ question: form.text }));
const giveFeedback = plainForm(feedbackSchema, async (token, form) => (await getRelay()).giveFeedback(token, form), 'feedback', (form) => ({ comment: form.comment }));

export const customerPreferencesHandler = pageForm(changePreferences);
export const customerQuestionHandler = pageForm(askQuestion);
export const customerFeedbackHandler = pageForm(giveFeedback);

const limited = (handler: ReturnType<typeof pageForm>) => rateLimited(handler, customerPageLimiter);
app.http('customerPreferences', { route: 't/{token}/preferences', methods: ['POST'], authLevel: 'anonymous', handler: limited(customerPreferencesHandler) });
app.http('customerQuestion', { route: 't/{token}/question', methods: ['POST'], authLevel: 'anonymous', handler: limited(customerQuestionHandler) });
app.http('customerFeedback', { route: 't/{token}/feedback', methods: ['POST'], authLevel: 'anonymous', handler: limited(customerFeedbackHandler) });
