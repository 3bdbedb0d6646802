import { Badge } from '../components/Badge';
import { RESENDABLE, ResendButton } from '../components/Resend';
import { Time } from '../components/Time';
import { channelName, words } from '../format';
import type { Pending, TimelineEntry } from '../types';

const KIND_NAMES: Record<string, string> = {
  status: 'Status',
  notification: 'Message',
  receipt: 'Receipt',
  payment: 'Payment',
  refund: 'Refund',
  feedback: 'Feedback',
  reward: 'Reward',
  'staff-action': 'Staff',
  inbound: 'From customer',
};

function Facts({ entry }: { entry: TimelineEntry }) {
  const facts: Array<[string, string]> = [];
  const add = (name: string, value: string | number | null | undefined) => value !== undefined && value !== null && value !== '' && facts.push([name, String(value)]);
  switch (entry.kind) {
    case 'status':
      add('Moved by', entry.source ?? entry.actor);
      break;
    case 'notification':
      add('Channel', entry.channel && channelName(entry.channel));
      add('Gateway', entry.gateway);
      add('Attempts', entry.attempts);
      add('Reason', entry.reasonText ?? entry.reason);
      break;
    case 'receipt':
      add('Receipt', entry.status && words(entry.status));
      break;
    case 'payment':
    case 'refund':
      add('Amount', entry.amount && `${entry.amount} ${entry.currency ?? ''}`.trim());
      break;
    case 'feedback':
      add('Score', entry.score);
      break;
    case 'reward':
      add('Code', entry.codeMasked);
      break;
    case 'staff-action':
      add('By', entry.actor);
      add('Action', entry.action && words(entry.action));
      break;
  }
  if (facts.length === 0) return null;
  return (
    <dl class="facts">
      {facts.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Everything that happened to a job, oldest first, in one list. */
export function Timeline({ entries, reload }: { entries: TimelineEntry[]; reload: () => void }) {
  if (entries.length === 0) return <p class="state empty">Nothing has happened to this job yet.</p>;
  return (
    <ol class="timeline">
      {entries.map((entry, index) => (
        <li key={`${entry.at}-${index}`} class={`entry entry-${entry.kind}`}>
          <div class="entry-head">
            <span class="kind">{KIND_NAMES[entry.kind] ?? words(entry.kind)}</span>
            <Time at={entry.at} seconds />
          </div>
          <p class="entry-title">
            {entry.title} {entry.kind === 'notification' && entry.outcome && <Badge value={entry.outcome} />}
            {entry.kind === 'status' && entry.status && <Badge value={entry.status} />}
          </p>
          {entry.detail && <p class="entry-detail">{entry.detail}</p>}
          <Facts entry={entry} />
          {entry.text && (
            <blockquote class="sent-text">
              <p>{entry.text}</p>
            </blockquote>
          )}
          {entry.kind === 'notification' && entry.notificationId && entry.outcome && RESENDABLE.has(entry.outcome) && <ResendButton notificationId={entry.notificationId} done={reload} />}
        </li>
      ))}
    </ol>
  );
}

/** "Why not yet?": for each message still to go, when it will, and what holds it. */
export function WhyNotYet({ pending }: { pending: Pending[] }) {
  return (
    <section class="why" aria-labelledby="why-heading">
      <h2 id="why-heading">Why not yet?</h2>
      <ul>
        {pending.map((item) => (
          <li key={item.notificationId}>
            <p>
              <strong>{channelName(item.channel)}</strong> message <span class="mono">{item.notificationId}</span> is <Badge value={item.outcome} />
            </p>
            <dl class="facts">
              <div>
                <dt>{item.outcome === 'retrying' ? 'Next try' : 'Sends at'}</dt>
                <dd>
                  <Time at={item.nextAttemptAt} />
                </dd>
              </div>
              {item.reasonText && (
                <div>
                  <dt>Because</dt>
                  <dd>{item.reasonText}</dd>
                </div>
              )}
              {item.window && (
                <>
                  <div>
                    <dt>Business hours</dt>
                    <dd>{item.window.businessHours}</dd>
                  </div>
                  <div>
                    <dt>Customer's hours</dt>
                    <dd>
                      {item.window.customerHours ?? 'Any time'}
                      {item.window.customerTimeZone && ` (${item.window.customerTimeZone})`}
                    </dd>
                  </div>
                </>
              )}
              {item.failedGateway && (
                <div>
                  <dt>Failed gateway</dt>
                  <dd>
                    {item.failedGateway}
                    {item.failedAt && (
                      <>
                        {' '}
                        at <Time at={item.failedAt} />
                      </>
                    )}
                  </dd>
                </div>
              )}
            </dl>
          </li>
        ))}
      </ul>
    </section>
  );
}
