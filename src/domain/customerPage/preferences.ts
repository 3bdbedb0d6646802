import { checkEmail, type Channel, type CustomerInput } from '../customers/customer.js';
import { updateCustomer, type CustomerApiDeps } from '../customers/customerApi.js';
import { WEEKDAYS, type Weekday } from '../windows/weeklyHours.js';
import type { Clock } from '../shared/ports.js';
import type { JobPage, JobPages } from './access.js';
import { PAGE_SOURCE, type PreferenceChanges } from './ports.js';

/** The preferences form as the edge read it (types only; what the values mean is checked here). */
export interface PreferencesForm {
  formToken: string;
  /** `stop`: the "stop all messages" button; `save`: the form's choices. */
  action: 'save' | 'stop';
  channels: Channel[];
  /** A new email address; empty keeps the one we have. */
  email: string;
  timezone: string;
  /** `open`: any time the business is open; `chosen`: only the days ticked, at their times. */
  hours: 'open' | 'chosen';
  days: Partial<Record<Weekday, { from: string; to: string }>>;
}

export type PageFormOutcome<Saved> =
  | { outcome: 'not-found' }
  /** The form token is missing, forged, another page's or too old. */
  | { outcome: 'forbidden' }
  /** Nothing was written; the page shows these problems beside the form. */
  | { outcome: 'invalid'; page: JobPage; problems: string[] }
  | ({ outcome: 'saved'; page: JobPage } & Saved);

export interface PreferencesDeps {
  pages: JobPages;
  customerApi: CustomerApiDeps;
  preferenceChanges: PreferenceChanges;
  clock: Clock;
}

/** The form's contact hours as the customer API takes them: days with the same times are one range. */
function contactHoursOf(form: PreferencesForm): CustomerInput['contactHours'] {
  if (form.hours === 'open') return null;
  const ranges = new Map<string, Weekday[]>();
  for (const day of WEEKDAYS) {
    const times = form.days[day];
    if (times) ranges.set(`${times.from}-${times.to}`, [...(ranges.get(`${times.from}-${times.to}`) ?? []), day]);
  }
  return [...ranges].map(([times, days]) => ({ days, from: times.slice(0, 5), to: times.slice(6) }));
}

/** The customer's words for what the customer API refuses; anything else as the API says it. */
function plainWords(detail: string): string {
  if (detail.includes('never overlap')) return 'Those hours never meet our opening hours. Choose times when we are open.';
  if (detail.startsWith('no-address: an email')) return 'To get email from us, enter your email address.';
  if (detail.startsWith('no-address')) return 'We have no mobile number for you, so we cannot text you. Choose email instead.';
  if (detail.startsWith('timezone')) return 'Choose a time zone from the list.';
  if (/^contactHours\.\d+: from and to are both/.test(detail)) return 'A day\'s "from" and "to" must be different times.';
  if (/^contactHours\.\d+\.(from|to)/.test(detail)) return 'Enter times as hours and minutes, such as 09:30.';
  return detail;
}

function formProblems(form: PreferencesForm): string[] {
  const problems: string[] = [];
  if (form.action === 'save' && form.email.trim() !== '' && !checkEmail(form.email.trim()).ok) problems.push('Enter an email address such as name@example.com.');
  if (form.action === 'save' && form.hours === 'chosen' && Object.keys(form.days).length === 0) problems.push('Tick at least one day, or choose "any time you are open".');
  return problems;
}

function summary(form: PreferencesForm, input: CustomerInput): string {
  if (form.action === 'stop') return 'stopped all messages';
  const channels = form.channels.length === 0 ? 'no channel' : form.channels.map((c) => (c === 'email' && form.email.trim() !== '' ? 'email (new address)' : c)).join(', ');
  const hours = input.contactHours ? input.contactHours.map((r) => `${r.days.join(',')} ${r.from}-${r.to}`).join('; ') : 'any time the business is open';
  return `channels: ${channels}; contact hours: ${hours}; time zone: ${form.timezone}`;
}

/**
 * The customer's own choices from their page: channels (an email address of their own), contact
 * hours in their zone, or no messages at all. Checked in full by the customer API's rules before
 * anything is written; the next message's window is worked out from what is stored, so the change
 * applies from the next message. Each change is recorded with its time and source.
 */
export async function changePreferences(deps: PreferencesDeps, token: string, form: PreferencesForm): Promise<PageFormOutcome<{ stopped: boolean }>> {
  const page = await deps.pages.open(token);
  if (!page) return { outcome: 'not-found' };
  const requestKey = deps.pages.checkedForm(page, form.formToken);
  if (requestKey === undefined) return { outcome: 'forbidden' };
  const customerId = page.doc.customer_id ?? null;
  if (customerId === null) return { outcome: 'invalid', page, problems: ['We have no contact details for this repair, so there is nothing to change. Please ask us instead.'] };
  const problems = formProblems(form);
  if (problems.length > 0) return { outcome: 'invalid', page, problems };

  // An email subscription without a new address keeps the address it had.
  const current = await deps.customerApi.customers.get(customerId);
  const email = form.email.trim() === '' ? (current?.subscriptions.find((s) => s.channel === 'email')?.address ?? null) : form.email.trim();
  const input: CustomerInput =
    form.action === 'stop'
      ? { subscriptions: [] }
      : {
          subscriptions: form.channels.map((channel) => ({ channel, address: channel === 'email' ? email : null })),
          timezone: form.timezone,
          contactHours: contactHoursOf(form),
        };
  const result = await updateCustomer(deps.customerApi, customerId, input);
  if (result.outcome === 'not-found') return { outcome: 'not-found' };
  if (result.outcome !== 'saved') return { outcome: 'invalid', page, problems: [plainWords(result.detail)] };
  await deps.preferenceChanges.record({ requestKey: `page-${requestKey}`, customerId, jobId: page.jobId, source: PAGE_SOURCE, summary: summary(form, input), at: deps.clock.now() });
  return { outcome: 'saved', page, stopped: form.action === 'stop' };
}
