import { useState } from 'preact/hooks';
import { post, query } from '../api';
import { ActionButton } from '../components/Action';
import { Badge } from '../components/Badge';
import { Customer } from '../components/Customer';
import { cursorOf, Pager } from '../components/Pager';
import { Empty, Resource, useResource } from '../components/States';
import { Time } from '../components/Time';
import { useConsole } from '../context';
import { channelName } from '../format';
import { BASE, href } from '../router';
import type { InboxList, InboxMessage, ReplyAccepted } from '../types';

/** The longest reply the API takes: six SMS parts (docs/api.md, Staff console: `POST /api/inbox/{messageId}/reply`). */
const MAX_REPLY = 918;

function ReplyForm({ message, done }: { message: InboxMessage; done: () => void }) {
  const { announce, refuse } = useConsole();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<ReplyAccepted | null>(null);
  const id = `reply-${message.messageId}`;
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy || text.trim() === '') return;
    setBusy(true);
    try {
      const accepted = await post<ReplyAccepted>(`/api/inbox/${encodeURIComponent(message.messageId)}/reply`, { text: text.trim() });
      setSent(accepted);
      setText('');
      announce(`Reply sent by ${channelName(accepted.channel)}. ${accepted.note}`, 'ok');
      done();
    } catch (error) {
      if (!refuse(error)) announce(`Reply not sent: ${error instanceof Error ? error.message : String(error)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="reply" onSubmit={submit}>
      <label for={id}>Reply to {message.customer?.name ?? 'this sender'}</label>
      <textarea id={id} rows={3} maxLength={MAX_REPLY} value={text} onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)} aria-describedby={`${id}-hint`} required />
      <p class="hint" id={`${id}-hint`}>
        Goes out now through the customer's own channel ({channelName(message.channel)}). An immediate reply to a message they just sent is not held by contact hours.
      </p>
      <button type="submit" class="primary" disabled={busy} aria-busy={busy}>
        {busy ? 'Sending…' : 'Send reply'}
      </button>
      {sent && (
        <p class="done">
          Sent by {channelName(sent.channel)} at <Time at={sent.sendsAt} />. {sent.note}
        </p>
      )}
    </form>
  );
}

function InboxItem({ message, reload }: { message: InboxMessage; reload: () => void }) {
  const next = message.status === 'pending' ? 'handled' : 'pending';
  return (
    <li class="inbox-item">
      <article aria-labelledby={`from-${message.messageId}`}>
        <div class="inbox-message">
          <h2 id={`from-${message.messageId}`} class="from">
            <Customer customer={message.customer} fallback={`Unknown sender ${message.senderMasked}`} />
          </h2>
          <p class="muted">
            {channelName(message.channel)} · received <Time at={message.receivedAt} /> · <Badge value={message.status} />
            {message.handledAt && (
              <>
                {' '}
                <Time at={message.handledAt} />
              </>
            )}
          </p>
          <blockquote class="inbound-text">
            <p>{message.text}</p>
          </blockquote>
          {message.status === 'pending' && <ReplyForm message={message} done={reload} />}
          <ActionButton
            run={() => post<InboxMessage>(`/api/staff/inbox/${encodeURIComponent(message.messageId)}/${next}`)}
            said={() => (next === 'handled' ? 'Marked handled.' : 'Moved back to pending.')}
            done={reload}
          >
            {next === 'handled' ? 'Mark handled' : 'Mark pending'}
          </ActionButton>
        </div>
        <aside class="open-jobs" aria-label={`Open jobs of ${message.customer?.name ?? 'this sender'}`}>
          <h3>Open jobs</h3>
          {message.openJobs.length === 0 ? (
            <p class="muted">None</p>
          ) : (
            <ul>
              {message.openJobs.map((job) => (
                <li key={job.jobId}>
                  <a href={`${BASE}jobs/${job.jobId}`}>Job {job.jobId}</a> <Badge value={job.status} />
                </li>
              ))}
            </ul>
          )}
        </aside>
      </article>
    </li>
  );
}

/** Customers' messages: pending or handled, newest first, with their open jobs, a reply and "handled". */
export function InboxScreen({ params }: { params: URLSearchParams }) {
  const status = params.get('status') === 'handled' ? 'handled' : 'pending';
  const { state, reload } = useResource<InboxList>(`/api/staff/inbox${query({ status, cursor: cursorOf(params) })}`);
  return (
    <>
      <h1 tabIndex={-1}>Inbox</h1>
      <nav class="tabs" aria-label="Inbox status">
        <a href={href('inbox')} aria-current={status === 'pending' ? 'page' : undefined}>
          Pending
        </a>
        <a href={href('inbox', { status: 'handled' })} aria-current={status === 'handled' ? 'page' : undefined}>
          Handled
        </a>
      </nav>
      <Resource loaded={state} what="the inbox" retry={reload}>
        {({ messages, nextCursor }) =>
          messages.length === 0 ? (
            <Empty>{status === 'pending' ? 'Nothing waiting: every customer message has been handled.' : 'No handled messages yet.'}</Empty>
          ) : (
            <>
              <ul class="inbox">
                {messages.map((message) => (
                  <InboxItem key={message.messageId} message={message} reload={reload} />
                ))}
              </ul>
              <Pager params={params} nextCursor={nextCursor} label="Inbox" />
            </>
          )
        }
      </Resource>
    </>
  );
}
