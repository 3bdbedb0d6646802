import type { Channel } from '../channels/ports.js';
import { CODE_ALPHABET } from '../discounts/discountCode.js';

/** The job events a customer is told about (DESIGN.md, Notifications). */
export const JOB_EVENTS = ['job-received', 'job-in-progress', 'job-completed', 'job-closed'] as const;
export type JobEvent = (typeof JOB_EVENTS)[number];

/** Messages that belong to no job: staff's broadcasts, the after-hours auto-reply (contact windows, seed 001) and staff's replies from the console's inbox. */
export const JOBLESS_EVENTS = ['broadcast', 'auto-reply', 'staff-reply'] as const;
export type JoblessEvent = (typeof JOBLESS_EVENTS)[number];

/**
 * Everything the pipeline sends: the job events, the feedback reward (a discount code, once per
 * customer and brand, logged under the job whose feedback earned it) and the messages of no job.
 */
export const NOTIFICATION_EVENTS = [...JOB_EVENTS, 'reward-code', ...JOBLESS_EVENTS] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];
/** The events logged under a job (`Job_id`), whose settling the job's history records. */
export type JobBoundEvent = Exclude<NotificationEvent, JoblessEvent>;

export function isJobEvent(event: NotificationEvent): event is JobEvent {
  return (JOB_EVENTS as readonly string[]).includes(event);
}

export function isJobBound(event: NotificationEvent): event is JobBoundEvent {
  return !(JOBLESS_EVENTS as readonly string[]).includes(event);
}

/** What one notification says: plain text for SMS and WhatsApp; email adds a subject and HTML. */
export interface NotificationContent {
  text: string;
  subject?: string;
  html?: string;
}

/** What the customer texts say of a job: the client's job row, as far as notifications need it. */
export interface JobFacts {
  jobId: number;
  firstName: string | null;
  jobType: string | null;
  productType: string | null;
}

/** A job announced to its customer: its facts, and the mobile a customer is found or created by (its last name names them). */
export interface AnnouncedJob extends JobFacts {
  lastName: string | null;
  mobile: string | null;
}

function greeting(job: JobFacts): string {
  const name = job.firstName?.trim();
  return name ? `Hi ${name}` : 'Hello';
}

function itemName(job: JobFacts): string {
  const product = job.productType?.trim();
  return product ? `your ${product}` : 'your item';
}

function repairName(job: JobFacts): string {
  const product = job.productType?.trim();
  return product ? `${product} repair` : 'repair';
}

/** Every event's message, once: the sentence the customer reads and the email subject. */
const WORDING: Record<JobEvent, (job: JobFacts, channel: Channel) => { subject: string; body: string }> = {
  'job-received': (job, channel) => ({
    subject: `We have received ${itemName(job)} (job ${job.jobId})`,
    body: `we have received ${itemName(job)}${job.jobType?.trim() ? ` for ${job.jobType.trim()}` : ''} (job ${job.jobId}). We will ${channel === 'email' ? 'let you know' : 'text you'} when it is done.`,
  }),
  'job-in-progress': (job) => ({
    subject: `Work has started on ${itemName(job)} (job ${job.jobId})`,
    body: `work has started on ${itemName(job)} (job ${job.jobId}).`,
  }),
  'job-completed': (job) => ({
    subject: `Your ${repairName(job)} is finished (job ${job.jobId})`,
    body: `your ${repairName(job)} (job ${job.jobId}) is finished and ready for you.`,
  }),
  'job-closed': (job, channel) => ({
    subject: `How did we do? (job ${job.jobId})`,
    // Scores come back as text replies (SMS or WhatsApp); an email cannot be answered with one.
    body:
      channel === 'email'
        ? `your ${repairName(job)} (job ${job.jobId}) is complete. Thank you for choosing us; we would love to hear how we did.`
        : `your ${repairName(job)} (job ${job.jobId}) is complete. How did we do? Reply with a score from 1 (poor) to 5 (excellent).`,
  }),
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function emailHtml(paragraphs: readonly string[], link?: { href: string; words: string } | ''): string {
  const linked = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.words)}</a></p>` : '';
  return `<!doctype html><html><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${linked}<p>Repair Relay</p></body></html>`;
}

/** What two concatenated GSM-7 segments carry (153 characters each): a text message with its link should fit in them. */
export const TWO_SMS_SEGMENTS = 2 * 153;
/** The longest product and job type a text names, tried in turn until the text fits TWO_SMS_SEGMENTS. */
const NAME_CAPS = [Infinity, 60, 40, 24, 12];

function shortened(job: JobFacts, max: number): JobFacts {
  const cut = (words: string | null) => (words !== null && words.trim().length > max ? `${words.trim().slice(0, max - 3).trimEnd()}...` : words);
  return { ...job, productType: cut(job.productType), jobType: cut(job.jobType) };
}

/**
 * The message of `event` for `channel`, from the client's job: the one place customer texts are
 * written. `link` is the job's customer page (issue 25), where the customer tracks the repair and
 * chooses how and when we contact them. A text message names a long product or job type shorter,
 * so that with its link it stays within two segments; email names them in full.
 */
export function jobNotificationContent(event: JobEvent, channel: Channel, job: JobFacts, link?: string): NotificationContent {
  const textOf = (facts: JobFacts) => `${greeting(facts)}, ${WORDING[event](facts, channel).body}${link ? ` Track it: ${link}` : ''}`;
  if (channel !== 'email') {
    const fitting = NAME_CAPS.map((max) => textOf(shortened(job, max))).find((text) => text.length <= TWO_SMS_SEGMENTS);
    return { text: fitting ?? textOf(shortened(job, NAME_CAPS.at(-1)!)) };
  }
  const { subject, body } = WORDING[event](job, channel);
  const html = emailHtml([`${greeting(job)},`, body.charAt(0).toUpperCase() + body.slice(1)], link && { href: link, words: 'See your repair, and choose how and when we contact you' });
  return { subject, text: textOf(job), html };
}

/** A broadcast's text as staff wrote it; email gets a subject and the text as HTML paragraphs. */
export function broadcastContent(channel: Channel, text: string): NotificationContent {
  if (channel !== 'email') return { text };
  return { subject: 'A message from Repair Relay', text, html: emailHtml(text.split(/\n+/)) };
}

/** The after-hours auto-reply, naming the next opening on the business's clock ("Mon 30 Mar from 09:00"). */
export function autoReplyText(opening: string | null): string {
  return opening === null
    ? "Thank you for your message. We're closed now and will reply as soon as we reopen."
    : `Thank you for your message. We're closed now and will reply on ${opening}.`;
}

/** The one confirmation of an opt-out, on the channel it came on: what stops, and that nothing more is sent there. */
export function optOutText(stopped: Channel | 'all'): string {
  const what = stopped === 'all' ? 'messages' : stopped === 'sms' ? 'text messages' : stopped === 'whatsapp' ? 'WhatsApp messages' : 'email';
  return `You have been unsubscribed and will get no more ${what} from us. This is our last message.`;
}

/** A discount code in words we wrote: 8 or more characters of the code alphabet (DESIGN.md: codes are at least 8), standing alone; our own words are lower case. */
const CODE_IN_TEXT = new RegExp(`(?<![${CODE_ALPHABET}])[${CODE_ALPHABET}]{8,}(?![${CODE_ALPHABET}])`, 'g');

/** How many of a code's last characters the log keeps once it is sent: enough for staff to tell codes apart, too few to redeem one. */
export const KEPT_CODE_CHARACTERS = 3;

/**
 * The words a settled notification keeps in the log (issue 26): a reward's code, as good as money
 * until redeemed, down to its last characters; a broadcast's text (staff wrote it, and it may be
 * personal) down to its length. Undefined: the words stay as they are.
 */
export function settledContent(event: NotificationEvent, content: NotificationContent): NotificationContent | undefined {
  if (event === 'broadcast') return { text: `(broadcast text removed once sent: ${Array.from(content.text).length} characters)` };
  if (event !== 'reward-code') return undefined;
  const mask = (words: string) => words.replace(CODE_IN_TEXT, (code) => `${'*'.repeat(code.length - KEPT_CODE_CHARACTERS)}${code.slice(-KEPT_CODE_CHARACTERS)}`);
  return {
    text: mask(content.text),
    ...(content.subject === undefined ? {} : { subject: mask(content.subject) }),
    ...(content.html === undefined ? {} : { html: mask(content.html) }),
  };
}

/** The feedback reward: the discount code the customer's reply earned. */
export function rewardNotificationContent(channel: Channel, code: string): NotificationContent {
  const text = `Thank you for your feedback! Here is your discount code: ${code}`;
  if (channel !== 'email') return { text };
  return { subject: 'Thank you for your feedback: your discount code', text, html: emailHtml(['Thank you for your feedback!', `Here is your discount code: ${code}`]) };
}
