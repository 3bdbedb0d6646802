import { Badge } from '../components/Badge';
import { Customer } from '../components/Customer';
import { Resource, useResource } from '../components/States';
import { Age, Time } from '../components/Time';
import { href } from '../router';
import type { JobDetail } from '../types';
import { Timeline, WhyNotYet } from './Timeline';

/** One job: its state, what is still to be sent and why not yet, and its whole timeline. */
export function JobScreen({ jobId }: { jobId: string }) {
  const { state, reload } = useResource<JobDetail>(`/api/staff/jobs/${encodeURIComponent(jobId)}`);
  return (
    <>
      <h1 tabIndex={-1}>Job {jobId}</h1>
      <p>
        <a href={href('jobs')}>Back to jobs</a> · <a href={href('messages', { jobId })}>This job's messages</a>
      </p>
      <Resource loaded={state} what={`job ${jobId}`} retry={reload}>
        {({ job, timeline, pending }) => (
          <>
            <dl class="summary">
              <div>
                <dt>Status</dt>
                <dd>
                  <Badge value={job.status} /> since <Time at={job.statusSince} /> (<Age since={job.statusSince} label="waiting" />)
                </dd>
              </div>
              <div>
                <dt>Customer</dt>
                <dd>
                  <Customer customer={job.customer} />
                  {job.customer?.timeZone && <span class="muted"> · {job.customer.timeZone}</span>}
                </dd>
              </div>
              <div>
                <dt>Product</dt>
                <dd>{job.product ?? '—'}</dd>
              </div>
              <div>
                <dt>Created</dt>
                <dd>
                  <Time at={job.createdAt} />
                </dd>
              </div>
            </dl>
            {pending.length > 0 && <WhyNotYet pending={pending} />}
            <section aria-labelledby="timeline-heading">
              <h2 id="timeline-heading">Timeline</h2>
              <Timeline entries={timeline} reload={reload} />
            </section>
          </>
        )}
      </Resource>
    </>
  );
}
