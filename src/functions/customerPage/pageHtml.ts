import type { CustomerPageView } from '../../domain/customerPage/pageView.js';
import { ASSET_PATHS } from './assets.js';
import { feedbackForm, preferencesForm, questionForm, type FormContext } from './formsHtml.js';
import { html, type Html } from './html.js';

/** What a form sent before the redirect back to the page (POST/redirect/GET), by the `done` query value. */
export const DONE_NOTICES = {
  saved: 'Your choices are saved. They apply from the next message we send.',
  stopped: 'We will send you no more messages. You can choose a channel again below at any time.',
  asked: 'Thank you, we have your question and will reply soon.',
  feedback: 'Thank you for your feedback.',
} as const;
export type DoneNotice = keyof typeof DONE_NOTICES;

const DAY_NAMES = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' } as const;

const PAYMENT_WORDS = { 'not-paid': 'Not paid yet', paid: 'Paid', refunded: 'Refunded' } as const;

/** The document every page answer uses: language, robots, one style sheet and the optional script. */
export function layout(title: string, body: Html, withScript = false): string {
  return html`<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
<link rel="icon" href="${ASSET_PATHS.icon}" type="image/svg+xml">
${withScript ? html`<script src="${ASSET_PATHS.script}" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>
`.markup;
}

/** The plain page of an unknown, malformed or expired link: the same words for each, so none can be told apart. */
export function notFoundPage(): string {
  return layout(
    'Page not found',
    html`<main id="main"><h1>Page not found</h1><p>This link is not valid, or it has expired. If you need help with a repair, please contact the shop.</p></main>`,
  );
}

/** The page refusing a form another site (or an old page) sent. */
export function forbiddenPage(): string {
  return layout(
    'Form not accepted',
    html`<main id="main"><h1>Form not accepted</h1><p>This form has expired or did not come from your repair page. Open the link in your message again and send it once more.</p></main>`,
  );
}

function hoursSection(view: CustomerPageView): Html {
  return html`<section aria-labelledby="hours-heading">
<h2 id="hours-heading">Opening hours</h2>
<p>${view.openNow ? html`<span class="open">Open now.</span>` : html`<span class="closed">Closed now.</span>${view.nextOpening ? ` We open again ${view.nextOpening}.` : ''}`}</p>
<table><caption class="muted">Times are in the shop's time zone (${view.businessTimezone}).</caption>
<tbody>${view.openingHours.map((day) => html`<tr><th scope="row">${DAY_NAMES[day.day]}</th><td>${day.ranges.length === 0 ? 'Closed' : day.ranges.join(', ')}</td></tr>`)}</tbody></table>
</section>`;
}

function statusSection(view: CustomerPageView): Html {
  const current = view.timeline.find((step) => step.current)!;
  return html`<section aria-labelledby="status-heading">
<h2 id="status-heading">Where your repair is</h2>
<p>Status: <strong>${current.label}</strong></p>
<ol class="timeline">${view.timeline.map(
    (step) =>
      html`<li class="${step.reached ? 'reached' : 'waiting'}"${step.current ? html` aria-current="step"` : ''}><strong>${step.label}</strong> <span class="muted">${step.reached ? (step.at ? `– ${step.at}` : '– done') : '– not yet'}</span></li>`,
  )}</ol>
<p>Payment: <strong>${PAYMENT_WORDS[view.payment.state]}</strong>${view.payment.at ? ` (${view.payment.at})` : ''}</p>
</section>`;
}

function messagesSection(view: CustomerPageView): Html {
  return html`<section aria-labelledby="messages-heading">
<h2 id="messages-heading">Messages we sent you</h2>
${
  view.messages.length === 0
    ? html`<p>None yet.</p>`
    : html`<table><thead><tr><th scope="col">Message</th><th scope="col">How</th><th scope="col">When</th><th scope="col">Result</th></tr></thead>
<tbody>${view.messages.map((m) => html`<tr><td>${m.what}</td><td>${m.channel}</td><td>${m.at}</td><td>${m.outcome}</td></tr>`)}</tbody></table>`
}
</section>`;
}

export interface PageOptions {
  notice?: DoneNotice;
  problems?: readonly string[];
  /** The submitted values to show again beside the problems. */
  form: FormContext;
}

/** The customer's page: status, shop, messages, and the forms. Every value is escaped by `html`. */
export function customerPageHtml(view: CustomerPageView, options: PageOptions): string {
  const greeting = view.firstName ? `Hello ${view.firstName}` : 'Hello';
  const body = html`<a class="skip" href="#main">Skip to your repair</a>
<header><p class="muted">${view.businessName}</p><h1>${greeting}, here is your ${view.product ?? 'repair'}</h1>
<p class="muted">Job ${view.jobId}${view.phoneEnding ? ` · messages go to the number ending ${view.phoneEnding}` : ''}</p></header>
<main id="main">
${options.notice ? html`<p class="notice" role="status">${DONE_NOTICES[options.notice]}${options.notice === 'asked' && !view.openNow && view.nextOpening ? ` We are closed now and will reply from ${view.nextOpening}.` : ''}</p>` : ''}
${options.problems && options.problems.length > 0 ? html`<div class="problems" role="alert"><h2>Please check the form</h2><ul>${options.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
${statusSection(view)}
${view.feedback.asked ? feedbackForm(view, options.form) : ''}
${messagesSection(view)}
${view.preferences ? preferencesForm(view.preferences, view.businessTimezone, options.form) : ''}
${questionForm(options.form)}
${hoursSection(view)}
</main>
<footer><p>${view.businessName}. This page is only for you: please do not share its link.</p></footer>`;
  return layout(`Your repair – ${view.businessName}`, body, view.preferences !== null);
}
