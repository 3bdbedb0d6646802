import { post, query } from '../api';
import { ActionButton } from '../components/Action';
import { Filters, TextFilter } from '../components/Filters';
import { Empty, Resource, useResource } from '../components/States';
import { Time } from '../components/Time';
import { channelName } from '../format';
import { BASE, href } from '../router';
import type { Failures } from '../types';

const replay = (sequenceNumbers?: string[]) => post<{ replayed: number }>('/api/staff/failures/replay', sequenceNumbers ? { sequenceNumbers } : {});
const replayed = ({ replayed: count }: { replayed: number }) => `${count} message${count === 1 ? '' : 's'} replayed.`;

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
                  <table class="list">
                    <caption class="visually-hidden">Dead letters</caption>
                    <thead>
                      <tr>
                        <th scope="col">Dead-lettered</th>
                        <th scope="col">Message</th>
                        <th scope="col">Job</th>
                        <th scope="col">Reason</th>
                        <th scope="col">Action</th>
                      </tr>
                    </thead>
                    <tbody>
                      {deadLetters.map((letter) => (
                        <tr key={letter.sequenceNumber}>
                          <td data-label="Dead-lettered">
                            <Time at={letter.deadLetteredAt} />
                          </td>
                          <td data-label="Message">
                            <span class="mono">{letter.notificationId ?? `#${letter.sequenceNumber}`}</span>
                            {letter.channel && <span class="muted"> · {channelName(letter.channel)}</span>}
                          </td>
                          <td data-label="Job">{letter.jobId === null ? '—' : <a href={`${BASE}jobs/${letter.jobId}`}>Job {letter.jobId}</a>}</td>
                          <td data-label="Reason" class="text-cell">
                            {letter.reason}
                          </td>
                          <td data-label="Action">
                            <ActionButton run={() => replay([letter.sequenceNumber])} said={replayed} done={reload} label={`Replay ${letter.notificationId ?? `dead letter ${letter.sequenceNumber}`}`}>
                              Replay
                            </ActionButton>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </section>
            <section aria-labelledby="unknown-heading">
              <h2 id="unknown-heading">Outcome unknown ({unknown.length})</h2>
              <p class="hint">The gateway took these sends but never said whether they went out. Check each with the gateway before sending again.</p>
              {unknown.length === 0 ? (
                <Empty>No send has an unknown outcome.</Empty>
              ) : (
                <table class="list">
                  <caption class="visually-hidden">Sends with an unknown outcome</caption>
                  <thead>
                    <tr>
                      <th scope="col">Created</th>
                      <th scope="col">Message</th>
                      <th scope="col">Job</th>
                      <th scope="col">Channel</th>
                    </tr>
                  </thead>
                  <tbody>
                    {unknown.map((send) => (
                      <tr key={send.notificationId}>
                        <td data-label="Created">
                          <Time at={send.createdAt} />
                        </td>
                        <td data-label="Message">
                          <a href={href('messages', send.jobId === null ? { outcome: 'unknown' } : { outcome: 'unknown', jobId: String(send.jobId) })}>
                            <span class="mono">{send.notificationId}</span>
                          </a>
                        </td>
                        <td data-label="Job">{send.jobId === null ? '—' : <a href={`${BASE}jobs/${send.jobId}`}>Job {send.jobId}</a>}</td>
                        <td data-label="Channel">
                          {channelName(send.channel)}
                          {send.gateway && <span class="muted"> via {send.gateway}</span>}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </>
        )}
      </Resource>
    </>
  );
}
