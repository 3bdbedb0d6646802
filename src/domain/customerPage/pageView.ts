import { DateTime } from 'luxon';
import type { Channel } from '../channels/ports.js';
import type { Customer } from '../customers/customer.js';
import type { Customers } from '../customers/ports.js';
import { statusRank, type JobStatus } from '../jobs/jobStatus.js';
import { notificationOutcome } from '../notifications/deliveryLog.js';
import type { NotificationOutcome, NotificationQueries } from '../notifications/ports.js';
import type { NotificationEvent } from '../notifications/texts.js';
import type { Clock } from '../shared/ports.js';
import type { BusinessCalendar } from '../windows/businessCalendar.js';
import { closedPeriodKey, formatOpening, nextOpening } from '../windows/contactWindow.js';
import { formatRange, WEEKDAYS, type Weekday } from '../windows/weeklyHours.js';
import { reachedAt, type JobPage, type JobPages } from './access.js';

/*
 * What the customer page shows (issue 25), and nothing more: the customer's first name and the
 * last digits of their number, never their full name, number or email; what we sent and when,
 * never the words (a reward's code stays in the message).
 */

export const TIMELINE_STEPS = [
  { step: 'received', label: 'Received', status: 'NEW' },
  { step: 'in-progress', label: 'In progress', status: 'IN PROGRESS' },
  { step: 'ready', label: 'Ready for you', status: 'JOB COMPLETED' },
  { step: 'closed', label: 'Closed', status: 'CLOSED' },
] as const satisfies ReadonlyArray<{ step: string; label: string; status: JobStatus }>;

const EVENT_WORDS: Record<NotificationEvent, string> = {
  'job-received': 'Repair received',
  'job-in-progress': 'Work started',
  'job-completed': 'Ready for you',
  'job-closed': 'Thank you and feedback request',
  'reward-code': 'Your discount code',
  broadcast: 'A message from us',
  'auto-reply': 'We were closed',
  'staff-reply': 'Our reply to you',
};

const CHANNEL_WORDS: Record<Channel, string> = { sms: 'Text message', whatsapp: 'WhatsApp', email: 'Email' };

const OUTCOME_WORDS: Record<NotificationOutcome, string> = {
  scheduled: 'Waiting for your contact hours',
  queued: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Could not be delivered',
  skipped: 'Not sent (no channel chosen)',
};

/** How many of the job's messages the page lists, newest first. */
const MESSAGES_SHOWN = 20;
/** Digits of the mobile the page shows. */
const PHONE_DIGITS_SHOWN = 3;

export interface CustomerPageView {
  businessName: string;
  businessTimezone: string;
  /** The business's week, Monday first: each day's opening ranges ("09:00-17:30"), empty when closed. */
  openingHours: Array<{ day: Weekday; ranges: string[] }>;
  openNow: boolean;
  /** "Mon 30 Mar from 09:00" while closed. */
  nextOpening: string | null;
  jobId: number;
  firstName: string | null;
  phoneEnding: string | null;
  product: string | null;
  timeline: Array<{ step: string; label: string; reached: boolean; current: boolean; at: string | null }>;
  messages: Array<{ what: string; channel: string; outcome: string; at: string }>;
  payment: { state: 'not-paid' | 'paid' | 'refunded'; at: string | null };
  /** Shown once the job is closed; `score` once given. */
  feedback: { asked: boolean; score: number | null };
  preferences: PreferencesView | null;
}

export interface PreferencesView {
  channels: Channel[];
  hasEmail: boolean;
  /** The customer's own zone, or null when they have none (the business's applies). */
  timezone: string | null;
  /** null: any time the business is open; else the customer's first range of each day. */
  days: Record<Weekday, { from: string; to: string } | null> | null;
}

export interface PageViewDeps {
  customers: Pick<Customers, 'get'>;
  notificationLog: Pick<NotificationQueries, 'list'>;
  calendar: BusinessCalendar;
  clock: Clock;
  businessName: string;
}

/** A time on the business's clock, as the page shows it: "Tue 8 Dec, 14:05". */
export function businessTime(calendar: BusinessCalendar, at: Date): string {
  return DateTime.fromMillis(at.getTime(), { zone: calendar.timezone }).toFormat('ccc d LLL, HH:mm');
}

export function preferencesView(customer: Customer): PreferencesView {
  let days: PreferencesView['days'] = null;
  if (customer.contactHours !== null) {
    days = Object.fromEntries(WEEKDAYS.map((day) => [day, null])) as Record<Weekday, { from: string; to: string } | null>;
    for (const range of customer.contactHours) for (const day of range.days) days[day] ??= { from: range.from, to: range.to };
  }
  return { channels: customer.subscriptions.map((s) => s.channel), hasEmail: customer.email !== null || customer.subscriptions.some((s) => s.address !== null), timezone: customer.timezone, days };
}

export async function customerPageView(deps: PageViewDeps, page: JobPage): Promise<CustomerPageView> {
  const { doc, history, jobId } = page;
  const now = deps.clock.now();
  const customerId = doc.customer_id ?? null;
  const [customer, entries] = await Promise.all([customerId === null ? undefined : deps.customers.get(customerId), deps.notificationLog.list({ jobId, limit: MESSAGES_SHOWN })]);
  const rank = statusRank(doc.job_status);
  const currentStep = [...TIMELINE_STEPS].reverse().find((s) => rank >= statusRank(s.status))!.step;
  const opening = nextOpening(deps.calendar, now);
  const person = doc.customer[0];
  const mobileDigits = (customer?.mobile ?? person?.client_mobile ?? '').replace(/\D/g, '');
  const paidAt = doc.payments?.[0]?.paid_at ?? null;
  const at = (date: Date | null) => (date === null ? null : businessTime(deps.calendar, date));
  return {
    businessName: deps.businessName,
    businessTimezone: deps.calendar.timezone,
    openingHours: WEEKDAYS.map((day, index) => ({ day, ranges: deps.calendar.week[index]!.map(formatRange) })),
    openNow: closedPeriodKey(deps.calendar, now) === null,
    nextOpening: opening === null || opening.getTime() === now.getTime() ? null : formatOpening(deps.calendar, opening),
    jobId,
    firstName: person?.client_firstname?.trim() || null,
    phoneEnding: mobileDigits.length > PHONE_DIGITS_SHOWN ? mobileDigits.slice(-PHONE_DIGITS_SHOWN) : null,
    product: doc.product[0]?.product_type?.trim() || null,
    timeline: TIMELINE_STEPS.map((s) => ({
      step: s.step,
      label: s.label,
      reached: rank >= statusRank(s.status),
      current: s.step === currentStep,
      at: rank >= statusRank(s.status) ? at(s.status === 'NEW' ? (history[0]?.at ?? new Date(doc.source.ingested_at)) : reachedAt(history, s.status)) : null,
    })),
    messages: entries.map((entry) => ({
      what: EVENT_WORDS[entry.kind],
      channel: entry.channel === null ? '-' : CHANNEL_WORDS[entry.channel],
      outcome: OUTCOME_WORDS[notificationOutcome(entry).outcome],
      at: businessTime(deps.calendar, entry.settledAt ?? entry.createdAt),
    })),
    payment: doc.refunds?.some((r) => r.fully_refunded) ? { state: 'refunded', at: null } : paidAt ? { state: 'paid', at: at(new Date(paidAt)) } : { state: 'not-paid', at: null },
    feedback: { asked: doc.job_status === 'CLOSED', score: doc.feedback?.score ?? null },
    preferences: customer ? preferencesView(customer) : null,
  };
}

/** The page as the customer sees it, with a fresh form token for its forms. */
export interface RenderedPage {
  view: CustomerPageView;
  formToken: string;
}

/** What a page of `page` shows now (also after a refused form, beside its problems). */
export async function renderPage(deps: { view: PageViewDeps; pages: Pick<JobPages, 'formToken'> }, page: JobPage): Promise<RenderedPage> {
  return { view: await customerPageView(deps.view, page), formToken: deps.pages.formToken(page) };
}

/** GET /api/t/{token}: the page, or undefined for a token that opens none (unknown, malformed or expired alike). */
export async function showCustomerPage(deps: { pages: JobPages; view: PageViewDeps }, token: string): Promise<RenderedPage | undefined> {
  const page = await deps.pages.open(token);
  return page && renderPage(deps, page);
}
