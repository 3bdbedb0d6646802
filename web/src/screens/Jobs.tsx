import { query } from '../api';
import { Badge } from '../components/Badge';
import { Customer } from '../components/Customer';
import { Filters, SelectFilter, TextFilter } from '../components/Filters';
import { cursorOf, Pager } from '../components/Pager';
import { Empty, Resource, useResource } from '../components/States';
import { Age, Time } from '../components/Time';
import { words } from '../format';
import { BASE } from '../router';
import { JOB_STATUSES, type JobList } from '../types';

/** Jobs, newest first: filter by status, search by job id, customer name or a mobile's last digits. */
export function JobsScreen({ params }: { params: URLSearchParams }) {
  const status = params.get('status');
  const q = params.get('q');
  const { state, reload } = useResource<JobList>(`/api/staff/jobs${query({ status, q, cursor: cursorOf(params) })}`);
  return (
    <>
      <h1 tabIndex={-1}>Jobs</h1>
      <Filters label="Filter jobs">
        <SelectFilter name="status" label="Status" value={status} options={JOB_STATUSES.map((s) => [s, words(s)] as const)} />
        <TextFilter name="q" label="Search" value={q} hint="Job number, customer name, or the last 4 digits of a mobile" />
      </Filters>
      <Resource loaded={state} what="jobs" retry={reload}>
        {({ jobs, nextCursor }) =>
          jobs.length === 0 ? (
            <Empty>{status || q ? 'No job matches these filters.' : 'No jobs yet. New jobs appear here within a poll of the client system.'}</Empty>
          ) : (
            <>
              <table class="list">
                <caption class="visually-hidden">Jobs, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Status</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Product</th>
                    <th scope="col">Created</th>
                    <th scope="col">In this status</th>
                    <th scope="col">Open messages</th>
                  </tr>
                </thead>
                <tbody>
                  {jobs.map((job) => (
                    <tr key={job.jobId}>
                      <td data-label="Job">
                        <a href={`${BASE}jobs/${job.jobId}`}>Job {job.jobId}</a>
                      </td>
                      <td data-label="Status">
                        <Badge value={job.status} />
                      </td>
                      <td data-label="Customer">
                        <Customer customer={job.customer} />
                      </td>
                      <td data-label="Product">{job.product ?? '—'}</td>
                      <td data-label="Created">
                        <Time at={job.createdAt} />
                        <br />
                        <Age since={job.createdAt} label="age" />
                      </td>
                      <td data-label="In this status">
                        <Time at={job.statusSince} />
                        <br />
                        <Age since={job.statusSince} label="waiting" />
                      </td>
                      <td data-label="Open messages">{job.openNotifications}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager params={params} nextCursor={nextCursor} label="Jobs" />
            </>
          )
        }
      </Resource>
    </>
  );
}
