import { isTimeZone } from '../windows/businessCalendar.js';
import { isEmailAddress, MAX_EMAIL_LENGTH } from '../shared/email.js';
import { toE164 } from '../shared/phone.js';
import { CHANNELS, type Channel } from '../channels/ports.js';
import { WEEKDAYS, type Weekday } from '../windows/weeklyHours.js';
import { okValue, refuse, type Result, type Value } from '../shared/result.js';

/*
 * A customer is a person we message (DESIGN "Customers"). These are the rules of their fields; the
 * edge checks only the shape of a request (types), so every semantic refusal here is a 422.
 */

export { CHANNELS, type Channel } from '../channels/ports.js';

export { WEEKDAYS, type Weekday } from '../windows/weeklyHours.js';

/** A range of the customer's week in their own time zone; `from` after `to` runs overnight into the next day. */
export interface ContactHours {
  days: Weekday[];
  from: string;
  to: string;
}

/**
 * A channel the customer wants messages on. `address` is for email only: the address to write to,
 * or null for the customer's own email at the time of sending. sms and whatsapp go to their mobile.
 */
export interface Subscription {
  channel: Channel;
  address: string | null;
}

export interface CustomerFields {
  name: string;
  /** E.164, unique among customers. */
  mobile: string | null;
  email: string | null;
  /** IANA zone; null is the business's (BUSINESS_TIMEZONE). */
  timezone: string | null;
  /** null: any time the business is open. Kept as given (ranges may overlap). */
  contactHours: ContactHours[] | null;
}

export interface CustomerState extends CustomerFields {
  /** In channel order (sms, whatsapp, email). */
  subscriptions: Subscription[];
}

/** What sending needs: the customer and where they want messages. */
export interface CustomerProfile extends CustomerState {
  customerId: number;
}

export interface Customer extends CustomerProfile {
  /** The client jobs ingested for this customer, ascending. */
  jobIds: number[];
}

export const MAX_NAME_LENGTH = 200;

/** A request's fields after the edge checked their types; absent leaves a field as it is, null clears it. */
export interface CustomerInput {
  name?: string;
  mobile?: string | null;
  email?: string | null;
  timezone?: string | null;
  contactHours?: ReadonlyArray<{ days: readonly string[]; from: string; to: string }> | null;
  subscriptions?: readonly SubscriptionInput[];
}

export interface SubscriptionInput {
  channel: string;
  address?: string | null;
}


const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;


/**
 * Characters a name never needs and that break what shows it: C0/C1 controls (CR, LF, NUL ...),
 * bidirectional overrides and isolates (which reorder a log line or a console row), and a lone
 * UTF-16 surrogate (not text: MySQL's utf8mb4 refuses it and JSON encoders differ on it).
 */
const UNPRINTABLE_IN_NAME = /[\p{Cc}\u202A-\u202E\u2066-\u2069]|\p{Surrogate}/u;

export function checkName(raw: string): Result<Value<string>> {
  const name = raw.trim();
  const length = Array.from(name).length;
  if (length === 0) return refuse('name must not be empty');
  if (UNPRINTABLE_IN_NAME.test(name)) return refuse('name must not hold control characters (line breaks, NUL, direction overrides) or unpaired surrogates');
  if (length > MAX_NAME_LENGTH) return refuse(`name must be at most ${MAX_NAME_LENGTH} characters (it has ${length})`);
  return okValue(name);
}

export function checkMobile(raw: string | null): Result<Value<string | null>> {
  if (raw === null) return okValue(null);
  if (raw.trim() === '') return refuse('mobile must be a mobile phone number, or null for none');
  const phone = toE164(raw);
  return phone.ok ? okValue(phone.e164) : refuse(`mobile: ${phone.reason}`);
}

export function checkEmail(raw: string | null, field = 'email'): Result<Value<string | null>> {
  if (raw === null) return okValue(null);
  const email = raw.trim();
  if (email.length > MAX_EMAIL_LENGTH || !isEmailAddress(email)) return refuse(`${field} must be an email address`);
  return okValue(email);
}

export function checkTimezone(raw: string | null): Result<Value<string | null>> {
  if (raw === null) return okValue(null);
  if (raw.length > 64 || !isTimeZone(raw)) return refuse(`timezone must be an IANA time zone such as Europe/London, not "${raw.slice(0, 64)}"`);
  return okValue(raw);
}

export function checkContactHours(raw: CustomerInput['contactHours']): Result<Value<ContactHours[] | null>> {
  if (raw === null || raw === undefined) return okValue(null);
  if (raw.length === 0) return refuse('contactHours must list at least one range; null means any time the business is open');
  const ranges: ContactHours[] = [];
  for (const [index, range] of raw.entries()) {
    const at = `contactHours.${index}`;
    if (range.days.length === 0) return refuse(`${at}.days must name at least one day (${WEEKDAYS.join(', ')})`);
    const unknown = range.days.find((day) => !(WEEKDAYS as readonly string[]).includes(day));
    if (unknown !== undefined) return refuse(`${at}.days: "${unknown.slice(0, 20)}" is not a day (${WEEKDAYS.join(', ')})`);
    if (new Set(range.days).size !== range.days.length) return refuse(`${at}.days names a day twice`);
    for (const end of ['from', 'to'] as const) {
      if (!TIME.test(range[end])) return refuse(`${at}.${end} must be a time HH:MM from 00:00 to 24:00, not "${range[end].slice(0, 10)}"`);
    }
    if (range.from === '24:00') return refuse(`${at}.from must be before 24:00 (a range starting at midnight starts at 00:00)`);
    if (range.from === range.to) return refuse(`${at}: from and to are both ${range.from}; a range needs two different times`);
    ranges.push({ days: range.days as Weekday[], from: range.from, to: range.to });
  }
  return okValue(ranges);
}

/** The requested channels, each once, in channel order; addresses checked against the customer later (missingAddress). */
export function checkSubscriptions(raw: readonly SubscriptionInput[]): Result<Value<Subscription[]>> {
  const chosen = new Map<Channel, Subscription>();
  for (const [index, requested] of raw.entries()) {
    const at = `subscriptions.${index}`;
    const channel = CHANNELS.find((known) => known === requested.channel);
    if (!channel) return refuse(`${at}.channel: "${requested.channel.slice(0, 20)}" is not a channel (${CHANNELS.join(', ')})`);
    if (chosen.has(channel)) return refuse(`${at}: channel ${channel} is listed twice`);
    const address = requested.address ?? null;
    if (channel !== 'email' && address !== null) return refuse(`${at}.address is for email only; ${channel} goes to the customer's mobile`);
    const checked = checkEmail(address, `${at}.address`);
    if (!checked.ok) return checked;
    chosen.set(channel, { channel, address: checked.value });
  }
  return okValue(CHANNELS.flatMap((channel) => (chosen.has(channel) ? [chosen.get(channel)!] : [])));
}

/** Where a message on this channel goes, or undefined when the customer has no address for it. */
export function destination(customer: CustomerFields, subscription: Subscription): string | undefined {
  if (subscription.channel === 'email') return subscription.address ?? customer.email ?? undefined;
  return customer.mobile ?? undefined;
}

/** A refusal when a subscription would have nowhere to go (`no-address`). */
export function missingAddress(state: CustomerState): string | undefined {
  const stranded = state.subscriptions.find((subscription) => destination(state, subscription) === undefined);
  if (!stranded) return undefined;
  return stranded.channel === 'email'
    ? 'no-address: an email subscription needs an address, or an email on the customer'
    : `no-address: a ${stranded.channel} subscription needs a mobile on the customer`;
}

/**
 * The customer a request leaves: `current` (undefined for a new customer) with the input's fields
 * applied, all checked. A new customer without `subscriptions` is subscribed to sms when it has a
 * mobile and to nothing otherwise (DESIGN: sms only; there is no number to text).
 */
export function applyInput(current: CustomerState | undefined, input: CustomerInput): Result<Value<CustomerState>> {
  if (!current && input.name === undefined) return refuse('name is required');
  const next: CustomerState = current
    ? { ...current }
    : { name: '', mobile: null, email: null, timezone: null, contactHours: null, subscriptions: [] };
  if (input.name !== undefined) {
    const name = checkName(input.name);
    if (!name.ok) return name;
    next.name = name.value;
  }
  if (input.mobile !== undefined) {
    const mobile = checkMobile(input.mobile);
    if (!mobile.ok) return mobile;
    next.mobile = mobile.value;
  }
  if (input.email !== undefined) {
    const email = checkEmail(input.email);
    if (!email.ok) return email;
    next.email = email.value;
  }
  if (input.timezone !== undefined) {
    const timezone = checkTimezone(input.timezone);
    if (!timezone.ok) return timezone;
    next.timezone = timezone.value;
  }
  if (input.contactHours !== undefined) {
    const hours = checkContactHours(input.contactHours);
    if (!hours.ok) return hours;
    next.contactHours = hours.value;
  }
  if (input.subscriptions !== undefined) {
    const subscriptions = checkSubscriptions(input.subscriptions);
    if (!subscriptions.ok) return subscriptions;
    next.subscriptions = subscriptions.value;
  } else if (!current && next.mobile !== null) {
    next.subscriptions = [{ channel: 'sms', address: null }];
  }
  const stranded = missingAddress(next);
  return stranded ? refuse(stranded) : okValue(next);
}

/** A customer made by ingestion is named after the job: first and last name, or the job when it has none. */
export function customerNameFromJob(job: { jobId: number; firstName: string | null; lastName: string | null }): string {
  const name = [job.firstName, job.lastName]
    // The client's columns are free text: what checkName refuses from staff becomes a space here.
    .map((part) => part?.replace(new RegExp(UNPRINTABLE_IN_NAME.source, 'gu'), ' ').replace(/\s+/g, ' ').trim() ?? '')
    .filter((part) => part !== '')
    .join(' ');
  return name === '' ? `Customer of job ${job.jobId}` : Array.from(name).slice(0, MAX_NAME_LENGTH).join('');
}
