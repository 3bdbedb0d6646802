import { isJobStatus } from '../jobs/jobStatus.js';
import { okValue, refuse, type Result, type Value } from '../shared/result.js';
import { decodeCursor, pageOf, type Page } from './cursor.js';
import type { ConsoleJobs, JobSearch, ListedJob } from './ports.js';

/** `q` of the jobs list: up to 4 digits are a mobile's last digits, more digits a job id, anything else the start of a customer's name. */
export function jobSearch(q: string): JobSearch | undefined {
  const text = q.trim();
  if (text === '') return undefined;
  if (/^\d{1,4}$/.test(text)) return { mobileEnding: text };
  if (/^\d+$/.test(text)) return { jobId: Number(text) };
  return { namePrefix: text.slice(0, 100) };
}

export interface JobListRequest {
  status?: string;
  q?: string;
  cursor?: string;
  limit: number;
}

const readJobCursor = (value: unknown) => (Number.isInteger(value) && (value as number) > 0 ? (value as number) : undefined);

/** GET /api/staff/jobs: newest first (highest Job_id), one key range per page. */
export async function listConsoleJobs(deps: { jobs: ConsoleJobs }, request: JobListRequest): Promise<Result<Value<Page<ListedJob>>>> {
  if (request.status !== undefined && !isJobStatus(request.status)) return refuse(`status must be one of the job statuses, not "${request.status.slice(0, 40)}"`);
  const beforeJobId = request.cursor === undefined ? undefined : decodeCursor(request.cursor, readJobCursor);
  if (request.cursor !== undefined && beforeJobId === undefined) return refuse('cursor is not one this list gave out; start again without it');
  const search = request.q === undefined ? undefined : jobSearch(request.q);
  const slice = await deps.jobs.list({
    ...(request.status === undefined ? {} : { status: request.status }),
    ...(search ? { search } : {}),
    ...(beforeJobId === undefined ? {} : { beforeJobId }),
    limit: request.limit,
  });
  return okValue(pageOf(slice, (last) => last.jobId));
}
