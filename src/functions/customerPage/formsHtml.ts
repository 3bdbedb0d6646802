import type { CustomerPageView, PreferencesView } from '../../domain/customerPage/pageView.js';
import { CHANNELS, type Channel } from '../../domain/channels/ports.js';
import { WEEKDAYS } from '../../domain/windows/weeklyHours.js';
import { html, type Html } from './html.js';

/** What every form of one page answer shares: where they post, the form token, and what was sent when a form was refused. */
export interface FormContext {
  /** `/api/t/<token>`: the forms post below it. */
  pagePath: string;
  formToken: string;
  /** A refused preferences form's choices, shown again instead of the stored ones. */
  preferences?: PreferencesView;
  question?: string;
  comment?: string;
}

const CHANNEL_LABELS: Record<Channel, string> = { sms: 'Text message (SMS)', whatsapp: 'WhatsApp', email: 'Email' };
const DAY_NAMES = { Mon: 'Monday', Tue: 'Tuesday', Wed: 'Wednesday', Thu: 'Thursday', Fri: 'Friday', Sat: 'Saturday', Sun: 'Sunday' } as const;

/** The zones the customer may choose from: the platform's IANA list, with the business's and the customer's own if missing. */
function timeZones(...extra: Array<string | null>): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  for (const zone of extra) if (zone) zones.add(zone);
  return [...zones].sort();
}

function hidden(context: FormContext): Html {
  return html`<input type="hidden" name="formToken" value="${context.formToken}">`;
}

/** Channels, contact hours on a week grid in the customer's zone, and "stop all messages". */
export function preferencesForm(stored: PreferencesView, businessTimezone: string, context: FormContext): Html {
  const prefs = context.preferences ?? stored;
  const zone = prefs.timezone ?? businessTimezone;
  const chosen = prefs.days !== null;
  return html`<section aria-labelledby="prefs-heading">
<h2 id="prefs-heading">How and when we may contact you</h2>
<form method="post" action="${context.pagePath}/preferences">
${hidden(context)}
<fieldset><legend>Send me messages by</legend>
${CHANNELS.map((channel) => html`<div><label><input type="checkbox" name="channel" value="${channel}"${prefs.channels.includes(channel) ? html` checked` : ''}> ${CHANNEL_LABELS[channel]}</label></div>`)}
<label for="email">Email address${prefs.hasEmail ? ' (leave empty to keep the one we have)' : ''}</label>
<input type="email" id="email" name="email" autocomplete="email" inputmode="email">
</fieldset>
<fieldset><legend>When</legend>
<div><label><input type="radio" name="hours" value="open"${chosen ? '' : html` checked`}> Any time the shop is open</label></div>
<div><label><input type="radio" name="hours" value="chosen"${chosen ? html` checked` : ''}> Only on the days and times below</label></div>
${WEEKDAYS.map((day) => {
  const times = prefs.days?.[day] ?? null;
  return html`<div class="day"><label><input type="checkbox" name="day" value="${day}"${times ? html` checked` : ''}> ${DAY_NAMES[day]}</label>
<span class="times"><input type="time" name="from-${day}" aria-label="${DAY_NAMES[day]} from" value="${times?.from ?? '09:00'}"> to
<input type="time" name="to-${day}" aria-label="${DAY_NAMES[day]} until" value="${times?.to === '24:00' ? '23:59' : (times?.to ?? '17:00')}"></span></div>`;
})}
<label for="timezone">Your time zone</label>
<select id="timezone" name="timezone" data-detect="${prefs.timezone === null ? 'true' : 'false'}" aria-describedby="timezone-detected">
${timeZones(zone, businessTimezone).map((name) => html`<option value="${name}"${name === zone ? html` selected` : ''}>${name.replace(/_/g, ' ')}</option>`)}
</select>
<p id="timezone-detected" class="muted">The days and times above are in this time zone.</p>
</fieldset>
<button type="submit" name="action" value="save">Save my choices</button>
</form>
<form method="post" action="${context.pagePath}/preferences">
${hidden(context)}
<p>Rather not hear from us at all?</p>
<button type="submit" name="action" value="stop" class="secondary">Stop all messages</button>
</form>
</section>`;
}

export function questionForm(context: FormContext): Html {
  return html`<section aria-labelledby="question-heading">
<h2 id="question-heading">Ask us a question</h2>
<form method="post" action="${context.pagePath}/question">
${hidden(context)}
<label for="question">Your question about this repair</label>
<textarea id="question" name="text" rows="4" maxlength="1000" required>${context.question ?? ''}</textarea>
<button type="submit">Send question</button>
</form>
</section>`;
}

export function feedbackForm(view: CustomerPageView, context: FormContext): Html {
  if (view.feedback.score !== null) {
    return html`<section aria-labelledby="feedback-heading"><h2 id="feedback-heading">Your feedback</h2><p>You gave us ${view.feedback.score} out of 5. Thank you!</p></section>`;
  }
  return html`<section aria-labelledby="feedback-heading">
<h2 id="feedback-heading">How did we do?</h2>
<form method="post" action="${context.pagePath}/feedback">
${hidden(context)}
<fieldset><legend>Your score, from 1 (poor) to 5 (excellent)</legend>
${[1, 2, 3, 4, 5].map((score) => html`<label><input type="radio" name="score" value="${score}" required> ${score}</label> `)}
</fieldset>
<label for="comment">Anything you would like to tell us (optional)</label>
<textarea id="comment" name="comment" rows="3" maxlength="640">${context.comment ?? ''}</textarea>
<button type="submit">Send feedback</button>
</form>
</section>`;
}
