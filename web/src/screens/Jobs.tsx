import { query } from '../api';
import { Badge } from '../components/Badge';
import { Customer } from '../components/Customer';
import { Filters, SelectFilter, TextFilter } from '../components/Filters';
import { cursorOf, Pager } from '../components/Pager';
import { Empty, Resource, useResource } from '../components/States';
import { Table, type Column } from '../components/Table';
import { Age, Time } from '../components/Time';
import { words } from '../format';
import { BASE } from '../router';
import { JOB_STATUSES, type JobList, type JobRow } from '../types';

const COLUMNS: ReadonlyArray<Column<JobRow>> = [
  ['Job', (job) => <a href={`${BASE}jobs/${job.jobId}`}>Job {job.jobId}</a>],
  ['Status', (job) => <Badge value={job.status} />],
  ['Customer', (job) => <Customer customer={job.customer} />],
  ['Product', (job) => job.product ?? '—'],
  [
    'Created',
    (job) => (
      <>
        <Time at={job.createdAt} />
        <br />
        <Age since={job.createdAt} label="age" />
      </>
    ),
  ],
  [
    'In this status',
    (job) => (
      <>
        <Time at={job.statusSince} />
        <br />
        <Age since={job.statusSince} label="waiting" />
      </>
    ),
  ],
  ['Open messages', (job) => job.openNotifications],
];

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
        <TextFilter name="q" label="Search" value={q} hint="The last 1 to 4 digits of a mobile, a job number of 5 or more digits (00601 for job 601), or the start of a name" />
      </Filters>
      <Resource loaded={state} what="jobs" retry={reload}>
        {({ jobs, nextCursor }) =>
          jobs.length === 0 ? (
            <Empty>{status || q ? 'No job matches these filters.' : 'No jobs yet. New jobs appear here within a poll of the client system.'}</Empty>
          ) : (
            <>
              <Table caption="Jobs, newest first" columns={COLUMNS} rows={jobs} rowKey={(job) => job.jobId} />
              <Pager params={params} nextCursor={nextCursor} label="Jobs" />
            </>
          )
        }
      </Resource>
    </>
  );
}
