import { post, query } from '../api';
import { ActionButton } from '../components/Action';
import { Filters, TextFilter } from '../components/Filters';
import { Empty, Resource, useResource } from '../components/States';
import { Table, type Column } from '../components/Table';
import { Time } from '../components/Time';
import { channelName } from '../format';
import { BASE, href } from '../router';
import type { DeadLetter, Failures, UnknownSend } from '../types';

const replay = (sequenceNumbers?: string[]) => post<{ replayed: number }>('/api/staff/failures/replay', sequenceNumbers ? { sequenceNumbers } : {});
const replayed = ({ replayed: count }: { replayed: number }) => `${count} message${count === 1 ? '' : 's'} replayed.`;

const jobLink = (jobId: number | null) => (jobId === null ? '—' : <a href={`${BASE}jobs/${jobId}`}>Job {jobId}</a>);

function deadLetterColumns(reload: () => void): ReadonlyArray<Column<DeadLetter>> {
  return [
    ['Dead-lettered', (letter) => <Time at={letter.deadLetteredAt} />],
    [
      'Message',
      (letter) => (
        <>
          <span class="mono">{letter.notificationId ?? `#${letter.sequenceNumber}`}</span>
          {letter.channel && <span class="muted"> · {channelName(letter.channel)}</span>}
        </>
      ),
    ],
    ['Job', (letter) => jobLink(letter.jobId)],
    ['Reason', (letter) => <span class="sent-words">{letter.reason ?? 'No reason given'}</span>],
    [
      'Action',
      (letter) => (
        <ActionButton run={() => replay([letter.sequenceNumber])} said={replayed} done={reload} label={`Replay ${letter.notificationId ?? `dead letter ${letter.sequenceNumber}`}`}>
          Replay
        </ActionButton>
      ),
    ],
  ];
}

const UNKNOWN_COLUMNS: ReadonlyArray<Column<UnknownSend>> = [
  ['Created', (send) => <Time at={send.createdAt} />],
  [
    'Message',
    (send) => (
      <a href={href('messages', send.jobId === null ? { outcome: 'unknown' } : { outcome: 'unknown', jobId: String(send.jobId) })}>
        <span class="mono">{send.notificationId}</span>
      </a>
    ),
  ],
  ['Job', (send) => jobLink(send.jobId)],
  [
    'Channel',
    (send) => (
      <>
        {channelName(send.channel)}
        {send.gateway && <span class="muted"> via {send.gateway}</span>}
      </>
    ),
  ],
];

/** Dead letters to replay, and sends whose outcome is unknown, to check by hand. */
export function FailuresScreen({ params }: { params: URLSearchParams }) {
  const q = params.get('q');
  const { state, reload } = useResource<Failures>(`/api/staff/failures${query({ q })}`);
  return (
    <>
      <h1 tabIndex={-1}>Failures</h1>
      <Filters label="Search failures">
        <TextFilter name="q" label="Search" value={q} hint="Text in the reason, a notification id or a job number" />
      </Filters>
      <Resource loaded={state} what="failures" retry={reload}>
        {({ deadLetters, unknown }) => (
          <>
            <section aria-labelledby="dead-heading">
              <h2 id="dead-heading">Dead letters ({deadLetters.length})</h2>
              {deadLetters.length === 0 ? (
                <Empty>{q ? 'No dead letter matches this search.' : 'No dead letters: every message was delivered to its sender.'}</Empty>
              ) : (
                <>
                  <p>
                    <ActionButton run={() => replay()} said={replayed} done={reload} kind="primary">
                      Replay all dead letters
                    </ActionButton>
                  </p>
                  <Table caption="Dead letters" columns={deadLetterColumns(reload)} rows={deadLetters} rowKey={(letter) => letter.sequenceNumber} />
                </>
              )}
            </section>
            <section aria-labelledby="unknown-heading">
              <h2 id="unknown-heading">Outcome unknown ({unknown.length})</h2>
              <p class="hint">The gateway took these sends but never said whether they went out. Check each with the gateway before sending again.</p>
              {unknown.length === 0 ? (
                <Empty>No send has an unknown outcome.</Empty>
              ) : (
                <Table caption="Sends with an unknown outcome" columns={UNKNOWN_COLUMNS} rows={unknown} rowKey={(send) => send.notificationId} />
              )}
            </section>
          </>
        )}
      </Resource>
    </>
  );
}
