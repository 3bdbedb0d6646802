import { query } from '../api';
import { Badge } from '../components/Badge';
import { Filters, SelectFilter, TextFilter } from '../components/Filters';
import { cursorOf, Pager } from '../components/Pager';
import { RESENDABLE, ResendButton } from '../components/Resend';
import { Empty, Resource, useResource } from '../components/States';
import { Table, type Column } from '../components/Table';
import { Time } from '../components/Time';
import { channelName, words } from '../format';
import { BASE } from '../router';
import { CHANNELS, OUTCOMES, type MessageList, type MessageRow } from '../types';

const FILTERS = ['outcome', 'channel', 'gateway', 'customerId', 'jobId', 'from', 'to'] as const;

function messageColumns(reload: () => void): ReadonlyArray<Column<MessageRow>> {
  return [
    ['Created', (message) => <Time at={message.createdAt} />],
    ['Job', (message) => (message.jobId === null ? '—' : <a href={`${BASE}jobs/${message.jobId}`}>Job {message.jobId}</a>)],
    ['Customer', (message) => message.customerName ?? '—'],
    [
      'Message',
      (message) => (
        <>
          {words(message.event)}
          <br />
          <span class="mono muted">{message.notificationId}</span>
        </>
      ),
    ],
    [
      'Channel',
      (message) => (
        <>
          {channelName(message.channel)}
          {message.gateway && <span class="muted"> via {message.gateway}</span>}
          <br />
          <span class="muted">
            {message.attempts} attempt{message.attempts === 1 ? '' : 's'}
          </span>
        </>
      ),
    ],
    [
      'Outcome',
      (message) => (
        <>
          <Badge value={message.outcome} />
          {(message.reasonText ?? message.reason) && <p class="reason">{message.reasonText ?? message.reason}</p>}
          {message.settledAt && (
            <span class="muted settled">
              settled <Time at={message.settledAt} />
            </span>
          )}
        </>
      ),
    ],
    ['Text as sent', (message) => <span class="sent-words">{message.text ?? '—'}</span>],
    ['Action', (message) => (RESENDABLE.has(message.outcome) ? <ResendButton notificationId={message.notificationId} done={reload} /> : <span class="muted">—</span>)],
  ];
}

/** The delivery log across jobs, newest first, with a resend for what failed or was skipped. */
export function MessagesScreen({ params }: { params: URLSearchParams }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)])) as Record<(typeof FILTERS)[number], string | null>;
  const { state, reload } = useResource<MessageList>(`/api/staff/messages${query({ ...filters, cursor: cursorOf(params) })}`);
  const filtered = FILTERS.some((name) => filters[name]);
  return (
    <>
      <h1 tabIndex={-1}>Messages</h1>
      <Filters label="Filter messages">
        <SelectFilter name="outcome" label="Outcome" value={filters.outcome} options={OUTCOMES.map((o) => [o, words(o)] as const)} />
        <SelectFilter name="channel" label="Channel" value={filters.channel} options={CHANNELS.map((c) => [c, channelName(c)] as const)} />
        <TextFilter name="gateway" label="Gateway" value={filters.gateway} />
        <TextFilter name="customerId" label="Customer id" value={filters.customerId} />
        <TextFilter name="jobId" label="Job number" value={filters.jobId} inputMode="numeric" />
        <TextFilter name="from" label="From date" value={filters.from} type="date" />
        <TextFilter name="to" label="To date" value={filters.to} type="date" />
      </Filters>
      <Resource loaded={state} what="messages" retry={reload}>
        {({ messages, nextCursor }) =>
          messages.length === 0 ? (
            <Empty>{filtered ? 'No message matches these filters.' : 'No messages have been sent yet.'}</Empty>
          ) : (
            <>
              <Table caption="Messages, newest first" columns={messageColumns(reload)} rows={messages} rowKey={(message) => message.notificationId} />
              <Pager params={params} nextCursor={nextCursor} label="Messages" />
            </>
          )
        }
      </Resource>
    </>
  );
}
